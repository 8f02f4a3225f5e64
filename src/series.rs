//! Reading a series: a CSV file with a header `period,<column>...` and one
//! row per period, amounts as exact decimals.

use rust_decimal::Decimal;

use crate::agreement::Calendar;
use crate::diagnostics::{Problem, ProblemKind};
use crate::period::{Period, granularity_word};
use crate::records::{Record, Records};
use crate::syntax::ast::Span;

/// Problems reported for one series before reading stops: a file wrong on
/// every row says so in twenty messages, not a million.
pub const MAX_PROBLEMS: usize = 20;

/// A series: periods of one granularity, strictly ascending, and one column
/// of exact amounts per header name.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub granularity: Calendar,
    pub periods: Vec<Period>,
    /// Column names, without `period`.
    pub columns: Vec<String>,
    /// `values[column][period]`.
    pub values: Vec<Vec<Decimal>>,
}

impl Series {
    /// The values of a column, by name.
    pub fn column(&self, name: &str) -> Option<&[Decimal]> {
        let index = self.columns.iter().position(|column| column == name)?;
        self.values.get(index).map(Vec::as_slice)
    }
}

/// Reads a series from CSV text. A UTF-8 byte-order mark and CRLF line
/// endings are accepted. Every problem names its row (the line number, the
/// header being row 1) and, where it has one, its column.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
pub fn read(text: &str) -> Result<Series, Vec<Problem>> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let body = text.get(bom..).unwrap_or_default();
    // Cells are trimmed where they are read: trimming every record up front
    // costs a copy per row.
    let mut records = Records::new(body.as_bytes());
    let mut problems = Vec::new();
    let mut header = Record::new();
    let failed = |kind: ProblemKind, records: &Records<&[u8]>| {
        Problem::new(kind, Line::new(text, bom, records.offset(), None).span())
    };
    match records.read(&mut header) {
        Ok(true) => {}
        Err(kind) => return Err(vec![failed(kind, &records)]),
        Ok(false) => {
            return Err(vec![Problem::new(
                ProblemKind::SeriesEmpty,
                Span::new(0, text.len()),
            )]);
        }
    };
    let header_line = Line::new(text, bom, 0, Some(&header));
    let columns = header_columns(&header, &header_line, &mut problems);
    let mut builder = Builder::new(columns);
    builder.problems = problems;
    // One record, reused for every row: a series may have millions.
    let mut record = Record::new();
    loop {
        match records.read(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(kind) => {
                builder.problems.push(failed(kind, &records));
                break;
            }
        }
        let line = Line::new(text, bom, record.byte(), Some(&record));
        if !with_cells(record.iter(), |cells| {
            builder.row(record.line(), cells, &line)
        }) {
            break;
        }
    }
    builder.finish(header_line.span())
}

/// Calls `f` with a row's cells gathered in a slice, on the stack for up to
/// eight columns: a series has millions of rows, and no allocation each.
pub fn with_cells<'c, T>(
    cells: impl ExactSizeIterator<Item = &'c str>,
    f: impl FnOnce(&[&str]) -> T,
) -> T {
    let mut few = [""; 8];
    match few.get_mut(..cells.len()) {
        Some(slots) => {
            for (slot, cell) in slots.iter_mut().zip(cells) {
                *slot = cell;
            }
            f(slots)
        }
        None => f(&cells.collect::<Vec<_>>()),
    }
}

/// A cell without its surrounding white space (Unicode's, as `str::trim`),
/// at the cost of two byte tests for the usual cell, which has none.
pub(crate) fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// Builds a series row by row, checking each as it comes.
pub struct Builder {
    series: Series,
    /// The period of the row before (valid or not).
    previous: Option<Period>,
    granularity: Option<Calendar>,
    problems: Vec<Problem>,
    /// Columns of the file the rows come from that the builder does not see
    /// (a portfolio's `deal`), for messages to count cells as the file has them.
    extra_columns: usize,
}

impl Builder {
    /// The same builder, counting `extra` columns more in its messages.
    pub fn with_extra_columns(mut self, extra: usize) -> Self {
        self.extra_columns = extra;
        self
    }

    /// The same builder, with room for `rows` rows in each column: the
    /// deals of a portfolio mostly have as many rows as the one before,
    /// and a column grown row by row is copied again at each doubling.
    pub fn with_room(mut self, rows: usize) -> Self {
        self.series.periods.reserve(rows);
        for column in &mut self.series.values {
            column.reserve(rows);
        }
        self
    }

    /// A builder for a series with these columns (`period` not included).
    pub fn new(columns: Vec<String>) -> Self {
        Builder {
            series: Series {
                granularity: Calendar::Year,
                periods: Vec::new(),
                values: vec![Vec::new(); columns.len()],
                columns,
            },
            previous: None,
            granularity: None,
            problems: Vec::new(),
            extra_columns: 0,
        }
    }

    /// Adds row `row` (its line number): the period label, then one cell per
    /// column. `false` once there are too many problems to go on.
    pub fn row(&mut self, row: usize, cells: &[&str], at: &impl Cells) -> bool {
        if self.problems.len() >= MAX_PROBLEMS {
            self.problems.push(Problem::new(
                ProblemKind::TooManyProblems {
                    limit: MAX_PROBLEMS,
                    row,
                },
                at.row(),
            ));
            return false;
        }
        if cells.iter().all(|cell| trim(cell).is_empty()) {
            // A blank line, as spreadsheets leave at the end.
            return true;
        }
        let expected = self.series.columns.len().saturating_add(1);
        let (Some(label), Some(values), true) =
            (cells.first(), cells.get(1..), cells.len() == expected)
        else {
            self.problems.push(Problem::new(
                ProblemKind::Ragged {
                    row,
                    expected: expected.saturating_add(self.extra_columns),
                    found: cells.len().saturating_add(self.extra_columns),
                },
                at.row(),
            ));
            return true;
        };
        let label = trim(label);
        // Spans are worked out only for a problem: finding a cell in its
        // line costs more than reading it.
        let span = || at.cell(0, label);
        let Some(period) = Period::parse(label) else {
            self.problems.push(Problem::new(
                ProblemKind::BadPeriod {
                    row,
                    text: label.to_string(),
                },
                span(),
            ));
            // The next row is then compared with nothing, not with an older row.
            self.previous = None;
            return true;
        };
        let granularity = *self.granularity.get_or_insert(period.granularity);
        let in_order = follows(
            period,
            self.previous,
            granularity,
            row,
            span,
            &mut self.problems,
        );
        self.previous = Some(period);
        if !in_order {
            return true;
        }
        self.series.granularity = granularity;
        self.series.periods.push(period);
        for (index, ((cell, column), name)) in values
            .iter()
            .zip(self.series.values.iter_mut())
            .zip(&self.series.columns)
            .enumerate()
        {
            let cell = trim(cell);
            match parse_amount(cell) {
                Some(amount) => column.push(amount),
                None => {
                    self.problems.push(Problem::new(
                        ProblemKind::NotANumber {
                            row,
                            column: name.clone(),
                            text: cell.to_string(),
                        },
                        at.cell(index.saturating_add(1), cell),
                    ));
                    column.push(Decimal::ZERO);
                }
            }
        }
        true
    }

    /// How many problems the builder has found so far.
    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// The series, or every problem found; `empty` is where to point if the
    /// series has no periods.
    pub fn finish(mut self, empty: Span) -> Result<Series, Vec<Problem>> {
        if self.series.periods.is_empty() && self.problems.is_empty() {
            self.problems
                .push(Problem::new(ProblemKind::SeriesEmpty, empty));
        }
        if self.problems.is_empty() {
            Ok(self.series)
        } else {
            Err(self.problems)
        }
    }
}

/// Where the cells of one row are, for problems to point at.
pub trait Cells {
    /// The whole row.
    fn row(&self) -> Span;
    /// Cell `index` (0 for the period), holding `value`.
    fn cell(&self, index: usize, value: &str) -> Span;
}

/// The column names after `period`, each checked once.
fn header_columns(header: &Record, line: &Line<'_>, problems: &mut Vec<Problem>) -> Vec<String> {
    let first = header.get(0).unwrap_or_default().trim();
    if first != "period" {
        problems.push(Problem::new(
            ProblemKind::SeriesHeader {
                found: first.to_string(),
            },
            line.cell(0, first),
        ));
    }
    let mut columns: Vec<String> = Vec::new();
    for (index, name) in header.iter().map(str::trim).enumerate().skip(1) {
        if columns.iter().any(|c| c == name) || name == "period" {
            problems.push(Problem::new(
                ProblemKind::DuplicateColumn {
                    name: name.to_string(),
                },
                line.cell(index, name),
            ));
        }
        columns.push(name.to_string());
    }
    columns
}

/// Whether `period` may follow the row before: same granularity, strictly
/// later, with no gap. Reports the problem if not.
fn follows(
    period: Period,
    previous: Option<Period>,
    granularity: Calendar,
    row: usize,
    span: impl FnOnce() -> Span,
    problems: &mut Vec<Problem>,
) -> bool {
    let kind = if period.granularity != granularity {
        ProblemKind::MixedGranularity {
            row,
            expected: granularity_word(granularity),
            found: granularity_word(period.granularity),
        }
    } else {
        let Some(previous) = previous.filter(|p| p.granularity == granularity) else {
            return true;
        };
        if period <= previous {
            ProblemKind::PeriodOrder {
                row,
                previous: previous.to_string(),
                this: period.to_string(),
            }
        } else if !period.follows(previous) {
            ProblemKind::PeriodGap {
                row,
                previous: previous.to_string(),
                this: period.to_string(),
            }
        } else {
            return true;
        }
    };
    problems.push(Problem::new(kind, span()));
    false
}

/// An exact decimal: digits with an optional sign and decimal point, nothing else.
fn parse_amount(cell: &str) -> Option<Decimal> {
    let (negative, digits) = match cell.as_bytes().first() {
        Some(b'-') => (true, cell.get(1..)?),
        Some(b'+') => (false, cell.get(1..)?),
        _ => (false, cell),
    };
    // Up to 18 digits fit a u64 exactly: read them in one pass, as a series
    // has millions of cells; longer figures go to Decimal's own parser.
    let mut mantissa: u64 = 0;
    let mut count: usize = 0;
    let mut point: Option<usize> = None;
    for byte in digits.bytes() {
        match byte {
            b'0'..=b'9' => {
                mantissa = mantissa
                    .wrapping_mul(10)
                    .wrapping_add(u64::from(byte.wrapping_sub(b'0')));
                count = count.saturating_add(1);
            }
            b'.' if point.is_none() => point = Some(count),
            _ => return None,
        }
    }
    if count == 0 {
        return None;
    }
    if count > 18 {
        return Decimal::from_str_exact(cell).ok();
    }
    let scale = count.saturating_sub(point.unwrap_or(count));
    let mut amount = Decimal::try_from_i128_with_scale(i128::from(mantissa), scale as u32).ok()?;
    // `-0` reads as zero, as Decimal's parser reads it.
    amount.set_sign_negative(negative && mantissa != 0);
    Some(amount)
}

/// One line of the file, to point at its cells.
struct Line<'a> {
    /// The file from the line's start on.
    rest: &'a str,
    start: usize,
    /// The record read from the line, which knows where its cells are.
    record: Option<&'a Record>,
}

impl Cells for Line<'_> {
    fn row(&self) -> Span {
        self.span()
    }

    fn cell(&self, index: usize, value: &str) -> Span {
        Line::cell(self, index, value)
    }
}

#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
impl<'a> Line<'a> {
    /// The line starting `offset` bytes into the body (after any BOM).
    fn new(text: &'a str, bom: usize, offset: usize, record: Option<&'a Record>) -> Self {
        let start = bom + offset;
        Line {
            rest: text.get(start..).unwrap_or_default(),
            start,
            record,
        }
    }

    /// The line's text, found only when a problem needs it.
    fn text(&self) -> &'a str {
        let len = self.rest.find(['\r', '\n']).unwrap_or(self.rest.len());
        self.rest.get(..len).unwrap_or_default()
    }

    fn span(&self) -> Span {
        Span::new(self.start, self.start + self.text().len())
    }

    /// The span of cell `index` holding `value`, or the whole line when the
    /// line quotes its cells (they are not where the record has them).
    fn cell(&self, index: usize, value: &str) -> Span {
        match self.record {
            Some(record) if index < record.len() && !self.text().contains('"') => {
                let (from, to) = record.shown_cell(index, value);
                Span::new(self.start + from, self.start + to)
            }
            _ => self.span(),
        }
    }
}

/// What a CSV reader says of bytes that are not UTF-8.
pub(crate) const NOT_UTF8: &str = "the file is not UTF-8 text";

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The quick trim is `str::trim`, ASCII and Unicode spaces alike.
        #[test]
        fn cells_trim_as_str_trims_them(cell in "[ \\t\u{a0}\u{2009}\u{3000}ab,é1-]{0,8}") {
            proptest::prop_assert_eq!(trim(&cell), cell.trim());
        }

        /// The one-pass reader agrees with Decimal's own parser on every
        /// cell of the accepted shape, and refuses what that shape excludes.
        #[test]
        fn amounts_read_as_decimal_reads_them(cell in "[-+]?[0-9]{0,24}(\\.[0-9]{0,10})?") {
            let digits = cell.trim_start_matches(['-', '+']);
            let expected = if digits.bytes().any(|b| b.is_ascii_digit()) {
                Decimal::from_str_exact(&cell).ok()
            } else {
                None
            };
            let parsed = parse_amount(&cell);
            proptest::prop_assert_eq!(parsed, expected);
            if let (Some(parsed), Some(expected)) = (parsed, expected) {
                proptest::prop_assert_eq!(parsed.scale(), expected.scale());
                proptest::prop_assert_eq!(parsed.is_sign_negative(), expected.is_sign_negative());
            }
        }
    }

    #[test]
    fn signed_zeros_and_bare_points_read_as_decimal_reads_them() {
        for cell in ["-0", "-0.00", "+0", "-.5", "0.", "-007.50", "+12"] {
            let (ours, theirs) = (parse_amount(cell), Decimal::from_str_exact(cell).ok());
            assert_eq!(ours, theirs, "{cell}");
            let (ours, theirs) = (ours.unwrap(), theirs.unwrap());
            assert_eq!(ours.scale(), theirs.scale(), "{cell}");
            assert_eq!(ours.is_sign_negative(), theirs.is_sign_negative(), "{cell}");
        }
    }

    #[test]
    fn amounts_refuse_what_is_not_a_plain_decimal() {
        for cell in ["", "-", ".", "1.2.3", "1e5", "1,000", "12a", "--1", " 1"] {
            assert_eq!(parse_amount(cell), None, "{cell:?}");
        }
    }
}
