//! The statement as an Excel workbook (`-o statement.xlsx`).
//!
//! One agreement: the long-form rows on `Statement`, each party's `Totals`,
//! the `Events`, each payee's `Cumulative` payments with a native line
//! chart and the lifetime caps drawn across it, and the agreement's
//! `Terms`. A portfolio: `Statement`, `Totals` and `Events`, each with a
//! `deal` column, streamed through temporary files a row at a time
//! ([`StatementBook::streaming`]), so that memory stays flat however many
//! deals there are.
//!
//! A figure is written as a spreadsheet number only where the binary
//! double it becomes reads back as the same decimal ([`double`]); anything
//! else is written as its exact text, with a cell note that says why.

use std::collections::HashMap;
use std::io::Write;

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLine, ChartLineDashType, ChartType, Format, Note as CellNote,
    Workbook, Worksheet, XlsxError,
};

use crate::agreement::{Agreement, ClauseKind};
use crate::eval::statement::Statement;
use crate::money::{fixed, plain, readable};
use crate::reconcile::Reconciliation;
use crate::report::csv::Column;

/// Rows of a sheet, its header included: Excel's own limit. A longer
/// statement goes on in `Statement 2`, `Statement 3`...
const MAX_ROWS: u32 = 1_048_576;

/// The money of a row that holds none (a header, a line of the terms).
const NO_MONEY: (&str, u32) = ("", 0);

/// Columns are fitted to their widest cell, up to this many characters.
const MAX_WIDTH: usize = 60;

/// What a cell that holds a figure as text says about it.
const AS_TEXT: &str =
    "Written as text: a spreadsheet number (a binary double) cannot hold this figure exactly.";

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the workbook: {0}")]
pub struct WorkbookError(#[from] XlsxError);

/// One cell of a row.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Text(&'a str),
    /// An amount, in the number format of its currency.
    Money(Decimal),
    /// A figure of the series, with as many decimals as it has.
    Figure(Decimal),
    /// A fraction, shown as a percentage with as many decimals as it has.
    Rate(Decimal),
    Empty,
}

/// A line drawn across the chart: a lifetime cap.
#[derive(Debug, Clone, PartialEq)]
pub struct CapLine {
    /// `Microsoft cap 38B (revenue share)`
    pub label: String,
    /// The party whose payments it caps.
    pub payee: String,
    pub amount: Decimal,
}

/// The lifetime caps of an agreement's shares, for the chart.
pub fn cap_lines(agreement: &Agreement) -> Vec<CapLine> {
    let mut lines = Vec::new();
    for clause in &agreement.clauses {
        let ClauseKind::Share(share) = &clause.kind else {
            continue;
        };
        let payee = agreement
            .parties
            .get(clause.payee)
            .map_or("", |party| party.name.as_str());
        for cap in share.caps.iter().filter(|cap| cap.per.is_none()) {
            lines.push(CapLine {
                label: format!("{payee} cap {} ({})", readable(cap.amount), clause.label),
                payee: payee.to_string(),
                amount: cap.amount,
            });
        }
    }
    lines
}

/// The figure as a double, when the double reads back as the same decimal
/// (its shortest round-trip text is the figure's): any figure of at most
/// 15 significant digits, and some of more. `None` for the rest.
pub fn double(value: Decimal) -> Option<f64> {
    let value = value.normalize();
    let mantissa = value.mantissa();
    // 15 digits always survive a double and back (DBL_DIG): the integer
    // and the power of ten are both exact doubles, and one division rounds
    // once, to the nearest double, which is the one the text parses to.
    if mantissa.unsigned_abs() < 1_000_000_000_000_000 && value.scale() <= 22 {
        let power = 10f64.powi(i32::try_from(value.scale()).ok()?);
        return Some(mantissa as f64 / power);
    }
    let text = value.to_string();
    let double: f64 = text.parse().ok()?;
    (double.is_finite() && double.to_string() == text).then_some(double)
}

/// A sheet being written: where it is in the workbook, its next row, and
/// the widest cell of each column so far.
struct Sheet {
    index: usize,
    name: String,
    columns: usize,
    row: u32,
    widths: Vec<usize>,
}

/// The cell formats, made once each.
#[derive(Default)]
struct Formats {
    header: Format,
    money: HashMap<(String, u32), Format>,
    figure: HashMap<u32, Format>,
    rate: HashMap<u32, Format>,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            ..Formats::default()
        }
    }

    /// `[$USD] #,##0.00`: the currency's code and its minor units.
    fn money(&mut self, currency: &str, minor_units: u32) -> &Format {
        self.money
            .entry((currency.to_string(), minor_units))
            .or_insert_with(|| {
                let code = if currency.is_empty() {
                    String::new()
                } else {
                    format!("[${currency}] ")
                };
                Format::new().set_num_format(format!("{code}{}", digits(minor_units)))
            })
    }

    /// `#,##0.000` for a figure with three decimals.
    fn figure(&mut self, scale: u32) -> &Format {
        self.figure
            .entry(scale)
            .or_insert_with(|| Format::new().set_num_format(digits(scale)))
    }

    /// `0.25%` for 0.0025.
    fn rate(&mut self, scale: u32) -> &Format {
        self.rate.entry(scale).or_insert_with(|| {
            let decimals = scale.saturating_sub(2) as usize;
            let format = if decimals == 0 {
                "0%".to_string()
            } else {
                format!("0.{}%", "0".repeat(decimals))
            };
            Format::new().set_num_format(format)
        })
    }
}

/// `#,##0` with `decimals` places.
fn digits(decimals: u32) -> String {
    if decimals == 0 {
        "#,##0".into()
    } else {
        format!("#,##0.{}", "0".repeat(decimals as usize))
    }
}

/// A workbook being written a row at a time, each sheet with a bold,
/// frozen, filtered header and columns fitted to their cells.
struct Book {
    workbook: Workbook,
    formats: Formats,
    /// Whether sheets stream through temporary files.
    streaming: bool,
}

/// A statement workbook being written: rows go in as deals are evaluated,
/// the workbook comes out at [`StatementBook::save`].
pub struct StatementBook {
    book: Book,
    columns: Vec<Column>,
    /// The `Statement` sheets, the last being written.
    statement: Vec<Sheet>,
    totals: Sheet,
    events: Sheet,
    /// Whether it is a portfolio's: `Totals` and `Events` carry a `deal`
    /// column, and the sheets stream.
    portfolio: bool,
}

const TOTALS: [&str; 4] = ["party", "received", "paid", "net"];
const EVENTS: [&str; 4] = ["period", "clause", "event", "text"];

impl StatementBook {
    /// A workbook for one agreement's statement, in these columns.
    pub fn new(columns: &[Column]) -> Result<StatementBook, WorkbookError> {
        StatementBook::create(columns, false)
    }

    /// A workbook for a portfolio: a `deal` column in `Totals` and `Events`,
    /// the sheets streamed through temporary files (rows must come in
    /// order, and stay where they are written).
    pub fn streaming(columns: &[Column]) -> Result<StatementBook, WorkbookError> {
        StatementBook::create(columns, true)
    }

    fn create(columns: &[Column], portfolio: bool) -> Result<StatementBook, WorkbookError> {
        let deal: &[&str] = if portfolio { &["deal"] } else { &[] };
        let mut book = Book::new(portfolio);
        let names: Vec<&str> = columns.iter().map(|column| column.name()).collect();
        let statement = book.sheet("Statement", &names)?;
        let totals = book.sheet("Totals", &[deal, &TOTALS[..]].concat())?;
        let events = book.sheet("Events", &[deal, &EVENTS[..]].concat())?;
        Ok(StatementBook {
            book,
            columns: columns.to_vec(),
            statement: vec![statement],
            totals,
            events,
            portfolio,
        })
    }

    /// Adds one deal's statement: its rows, totals and events; `deal` names
    /// it in a portfolio.
    pub fn add(&mut self, deal: Option<&str>, statement: &Statement) -> Result<(), WorkbookError> {
        let StatementBook {
            book,
            columns,
            statement: sheets,
            totals,
            events,
            portfolio,
        } = self;
        let money = (statement.currency.as_str(), statement.minor_units);
        let deal_cell = Cell::Text(deal.unwrap_or_default());
        let mut note = String::new();
        for row in &statement.rows {
            note.clear();
            if columns.contains(&Column::Note) {
                statement.write_note(&mut note, row);
            }
            let explain = if columns.contains(&Column::Explain) {
                row.explain.join("; ")
            } else {
                String::new()
            };
            let period = row.period.to_string();
            let cells: Vec<Cell<'_>> = columns
                .iter()
                .map(|column| match column {
                    Column::Deal => deal_cell,
                    Column::Period => Cell::Text(&period),
                    Column::Clause => Cell::Text(statement.clause(row)),
                    Column::Payer => Cell::Text(statement.payer(row)),
                    Column::Party => Cell::Text(statement.payee(row)),
                    Column::Basis => row.basis.map_or(Cell::Empty, Cell::Figure),
                    Column::EffectiveRate => row.effective_rate().map_or(Cell::Empty, Cell::Rate),
                    Column::Amount => Cell::Money(row.amount),
                    Column::Cumulative => Cell::Money(row.cumulative),
                    Column::Note => Cell::Text(&note),
                    Column::Explain => Cell::Text(&explain),
                })
                .collect();
            if sheets.last().is_none_or(|sheet| sheet.row >= MAX_ROWS) {
                let name = format!("Statement {}", sheets.len().saturating_add(1));
                let header: Vec<&str> = columns.iter().map(|column| column.name()).collect();
                sheets.push(book.sheet(&name, &header)?);
            }
            if let Some(sheet) = sheets.last_mut() {
                book.write_row(sheet, &cells, money)?;
            }
        }
        let deal_cells: &[Cell<'_>] = if *portfolio { &[deal_cell] } else { &[] };
        for total in &statement.totals {
            let cells = [
                Cell::Text(&total.party),
                Cell::Money(total.received),
                Cell::Money(total.paid),
                Cell::Money(total.net),
            ];
            book.write_row(totals, &[deal_cells, &cells].concat(), money)?;
        }
        for event in &statement.events {
            let period = event.period.map(|p| p.to_string()).unwrap_or_default();
            let cells = [
                Cell::Text(&period),
                Cell::Text(&event.clause),
                Cell::Text(event.kind.name()),
                Cell::Text(&event.text),
            ];
            book.write_row(events, &[deal_cells, &cells].concat(), money)?;
        }
        Ok(())
    }

    /// Adds the `Cumulative` sheet: each payee's running total per period,
    /// each lifetime cap as a constant column, and a line chart of them.
    pub fn add_chart(
        &mut self,
        statement: &Statement,
        caps: &[CapLine],
    ) -> Result<(), WorkbookError> {
        let lines = super::by_party::cumulative_by_payee(statement);
        let party = |id: usize| statement.parties.get(id).map_or("", String::as_str);
        let mut header: Vec<String> = vec!["period".into()];
        header.extend(lines.iter().map(|(id, _)| party(*id).to_string()));
        header.extend(caps.iter().map(|cap| cap.label.clone()));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let mut sheet = self.book.sheet("Cumulative", &header)?;
        let currency = statement.currency.as_str();
        for (index, period) in statement.periods.iter().enumerate() {
            let label = period.to_string();
            let mut cells = vec![Cell::Text(&label)];
            cells.extend(
                lines
                    .iter()
                    .map(|(_, line)| Cell::Money(line.get(index).copied().unwrap_or_default())),
            );
            cells.extend(caps.iter().map(|cap| Cell::Money(cap.amount)));
            self.book
                .write_row(&mut sheet, &cells, (currency, statement.minor_units))?;
        }
        let last = sheet.row.saturating_sub(1);
        let mut chart = Chart::new(ChartType::Line);
        chart
            .title()
            .set_name(&format!("Cumulative payments, {currency}"));
        chart.set_width(900).set_height(480);
        let name = sheet.name.clone();
        for column in 1..header.len() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            let series = chart
                .add_series()
                .set_name((name.as_str(), 0, column))
                .set_categories((name.as_str(), 1, 0, last, 0))
                .set_values((name.as_str(), 1, column, last, column));
            if usize::from(column) > lines.len() {
                series.set_format(
                    ChartFormat::new()
                        .set_line(ChartLine::new().set_dash_type(ChartLineDashType::Dash)),
                );
            }
        }
        chart.y_axis().set_num_format(digits(0));
        let worksheet = self.book.workbook.worksheet_from_index(sheet.index)?;
        let beside = u16::try_from(header.len().saturating_add(1)).unwrap_or(u16::MAX);
        worksheet.insert_chart(1, beside, &chart)?;
        self.book.finish_sheet(&sheet)?;
        Ok(())
    }

    /// Adds the `Terms` sheet: the agreement's text, a line per row.
    pub fn add_terms(&mut self, name: &str, text: &str) -> Result<(), WorkbookError> {
        let mut sheet = self.book.sheet("Terms", &[name])?;
        for line in text.lines() {
            self.book
                .write_row(&mut sheet, &[Cell::Text(line)], NO_MONEY)?;
        }
        self.book.finish_sheet(&sheet)?;
        let worksheet = self.book.workbook.worksheet_from_index(sheet.index)?;
        worksheet.set_column_format(0, &Format::new().set_font_name("Consolas"))?;
        Ok(())
    }

    /// Writes the workbook to `out`.
    pub fn save(self, out: impl Write + Send) -> Result<(), WorkbookError> {
        let StatementBook {
            mut book,
            statement,
            totals,
            events,
            ..
        } = self;
        for sheet in statement.iter().chain([&totals, &events]) {
            book.finish_sheet(sheet)?;
        }
        book.workbook.save_to_writer(out)?;
        Ok(())
    }
}

/// Reconciliations as a workbook: every line on `Reconciliation`, each
/// party's totals on `Totals`; with a `deal` column when each names its
/// deal (a portfolio).
pub fn reconciliation_workbook(
    reconciliations: &[(Option<&str>, &Reconciliation)],
    out: impl Write + Send,
) -> Result<(), WorkbookError> {
    let portfolio = reconciliations.iter().any(|(deal, _)| deal.is_some());
    let deal: &[&str] = if portfolio { &["deal"] } else { &[] };
    let mut book = Book::new(false);
    let columns = &super::reconciliation::COLUMNS[..];
    let mut lines = book.sheet("Reconciliation", &[deal, columns].concat())?;
    let mut totals = book.sheet(
        "Totals",
        &[deal, &["party", "reported", "owed", "difference"][..]].concat(),
    )?;
    for (name, reconciliation) in reconciliations {
        let (currency, minor) = (reconciliation.currency.as_str(), reconciliation.minor_units);
        let named = name.map(Cell::Text);
        for line in &reconciliation.lines {
            let period = line.period.to_string();
            let event = line
                .event
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default();
            let mut cells: Vec<Cell<'_>> = named.into_iter().collect();
            cells.extend([
                Cell::Text(&period),
                Cell::Text(&line.party),
                line.reported.map_or(Cell::Empty, Cell::Money),
                Cell::Money(line.owed),
                Cell::Money(line.difference),
                Cell::Text(line.status.word()),
                Cell::Text(&event),
                Cell::Text(&line.reason),
            ]);
            book.write_row(&mut lines, &cells, (currency, minor))?;
        }
        for total in &reconciliation.totals {
            let mut cells: Vec<Cell<'_>> = named.into_iter().collect();
            cells.extend([
                Cell::Text(&total.party),
                Cell::Money(total.reported),
                Cell::Money(total.owed),
                Cell::Money(total.difference),
            ]);
            book.write_row(&mut totals, &cells, (currency, minor))?;
        }
    }
    book.finish_sheet(&lines)?;
    book.finish_sheet(&totals)?;
    book.workbook.save_to_writer(out)?;
    Ok(())
}

impl Book {
    fn new(streaming: bool) -> Book {
        Book {
            workbook: Workbook::new(),
            formats: Formats::new(),
            streaming,
        }
    }

    /// Adds a sheet named `name` with its header row.
    fn sheet(&mut self, name: &str, header: &[&str]) -> Result<Sheet, WorkbookError> {
        let worksheet = if self.streaming {
            self.workbook.add_worksheet_with_constant_memory()?
        } else {
            self.workbook.add_worksheet()
        };
        worksheet.set_name(name)?;
        let index = self.workbook.worksheets().len().saturating_sub(1);
        let mut sheet = Sheet {
            index,
            name: name.to_string(),
            columns: header.len(),
            row: 0,
            widths: vec![0; header.len()],
        };
        let cells: Vec<Cell<'_>> = header.iter().map(|name| Cell::Text(name)).collect();
        self.write_row(&mut sheet, &cells, NO_MONEY)?;
        Ok(sheet)
    }

    /// Freezes a sheet's header, filters its columns and fits their widths.
    fn finish_sheet(&mut self, sheet: &Sheet) -> Result<(), WorkbookError> {
        let worksheet = self.workbook.worksheet_from_index(sheet.index)?;
        worksheet.set_freeze_panes(1, 0)?;
        let last_column = u16::try_from(sheet.columns.saturating_sub(1)).unwrap_or(u16::MAX);
        worksheet.autofilter(0, 0, sheet.row.saturating_sub(1).max(1), last_column)?;
        for (column, width) in sheet.widths.iter().enumerate() {
            let column = u16::try_from(column).unwrap_or(u16::MAX);
            // A character of the default font, and room for the filter button.
            worksheet.set_column_width(column, (*width).min(MAX_WIDTH) as f64 + 3.0)?;
        }
        Ok(())
    }

    /// Writes one row of `sheet`, amounts in `currency` at its minor units
    /// (text-only rows: `NO_MONEY`).
    fn write_row(
        &mut self,
        sheet: &mut Sheet,
        cells: &[Cell<'_>],
        (currency, minor_units): (&str, u32),
    ) -> Result<(), WorkbookError> {
        let row = sheet.row;
        let header = row == 0;
        let worksheet = self.workbook.worksheet_from_index(sheet.index)?;
        for (column, cell) in cells.iter().enumerate() {
            let index = u16::try_from(column).unwrap_or(u16::MAX);
            let width = write_cell(
                worksheet,
                &mut self.formats,
                (row, index),
                *cell,
                (currency, minor_units),
                header,
            )?;
            if let Some(widest) = sheet.widths.get_mut(column) {
                *widest = (*widest).max(width);
            }
        }
        sheet.row = row.saturating_add(1);
        Ok(())
    }
}

/// The width of a figure's digits shown with group separators.
fn grouped_width(digits: &str) -> usize {
    digits.len().saturating_add(digits.len() / 3)
}

/// Writes one cell; its width in characters as shown.
fn write_cell(
    worksheet: &mut Worksheet,
    formats: &mut Formats,
    (row, column): (u32, u16),
    cell: Cell<'_>,
    (currency, minor_units): (&str, u32),
    header: bool,
) -> Result<usize, XlsxError> {
    let text = |worksheet: &mut Worksheet, text: &str| -> Result<usize, XlsxError> {
        worksheet.write_string(row, column, text)?;
        Ok(text.chars().count())
    };
    // A figure no double holds: its exact text, and a note saying why.
    let exact = |worksheet: &mut Worksheet, text: String| -> Result<usize, XlsxError> {
        worksheet.write_string(row, column, &text)?;
        worksheet.insert_note(row, column, &CellNote::new(AS_TEXT).set_author("deal"))?;
        Ok(text.chars().count())
    };
    match cell {
        Cell::Text(value) if header => {
            worksheet.write_string_with_format(row, column, value, &formats.header)?;
            Ok(value.chars().count())
        }
        Cell::Text(value) => text(worksheet, value),
        Cell::Empty => Ok(0),
        Cell::Money(amount) => {
            let shown = fixed(amount, minor_units);
            match double(amount) {
                Some(number) => {
                    let format = formats.money(currency, minor_units);
                    worksheet.write_number_with_format(row, column, number, format)?;
                    // Digits, group separators and the code.
                    Ok(grouped_width(&shown)
                        .saturating_add(currency.len())
                        .saturating_add(1))
                }
                None => exact(worksheet, shown),
            }
        }
        Cell::Figure(value) => match double(value) {
            Some(number) => {
                let format = formats.figure(value.normalize().scale());
                worksheet.write_number_with_format(row, column, number, format)?;
                let shown = plain(value);
                Ok(grouped_width(&shown))
            }
            None => exact(worksheet, plain(value)),
        },
        Cell::Rate(value) => match double(value) {
            Some(number) => {
                let format = formats.rate(value.normalize().scale());
                worksheet.write_number_with_format(row, column, number, format)?;
                Ok(plain(value).len().saturating_add(1))
            }
            None => exact(worksheet, plain(value)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    proptest::proptest! {
        /// A figure written as a number reads back, through the shortest
        /// text of its double, as the figure itself.
        #[test]
        fn doubles_read_back_as_the_figure(mantissa in proptest::num::i64::ANY, scale in 0u32..12) {
            let value = Decimal::new(mantissa, scale);
            if let Some(number) = double(value) {
                let back = Decimal::from_str(&number.to_string()).unwrap();
                proptest::prop_assert_eq!(back, value);
            }
        }
    }

    #[test]
    fn every_amount_of_fifteen_digits_is_a_number_and_more_may_not_be() {
        let d = |text: &str| Decimal::from_str(text).unwrap();
        assert_eq!(double(d("9999999999999.99")), Some(9_999_999_999_999.99));
        assert_eq!(double(d("0.1")), Some(0.1));
        assert_eq!(double(d("-38000000000.00")), Some(-38e9));
        // 2^53 + 1 is no double.
        assert_eq!(double(d("9007199254740993")), None);
        assert_eq!(double(d("90071992547409.93")), None);
    }
}
