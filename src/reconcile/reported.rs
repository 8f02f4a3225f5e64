//! Reading a counterparty's statement: CSV text (a workbook's sheet comes
//! as the text [`crate::workbook`] makes of it) with a period, a party and
//! an amount column, found by name in its header among any others; in a
//! portfolio, a deal column too. Every problem points at its cell, as the
//! series reader's do.

use rust_decimal::Decimal;

use crate::diagnostics::{Problem, ProblemKind};
use crate::period::Period;
use crate::records::{Record, Records, bom_len, trim};
use crate::series::{Line, MAX_PROBLEMS, parse_amount};
use crate::syntax::ast::Span;

/// The header names of the columns a reported statement is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedColumns {
    pub deal: String,
    pub period: String,
    pub party: String,
    pub amount: String,
}

impl Default for ReportedColumns {
    fn default() -> Self {
        ReportedColumns {
            deal: "deal".into(),
            period: "period".into(),
            party: "party".into(),
            amount: "amount".into(),
        }
    }
}

impl ReportedColumns {
    /// Renames one column: `party=Payee`. `Err` says why not.
    pub fn rename(&mut self, assignment: &str) -> Result<(), String> {
        let (column, header) = assignment.split_once('=').ok_or_else(|| {
            format!("expected COLUMN=HEADER, such as `party=Payee`, found `{assignment}`")
        })?;
        let slot = match column.trim() {
            "deal" => &mut self.deal,
            "period" => &mut self.period,
            "party" => &mut self.party,
            "amount" => &mut self.amount,
            other => {
                return Err(format!(
                    "no column `{other}` to name: the columns are deal, period, party and amount"
                ));
            }
        };
        *slot = header.trim().to_string();
        Ok(())
    }
}

/// One row of the reported statement.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportedRow {
    /// The deal it is for, in a portfolio.
    pub deal: Option<String>,
    pub period: Period,
    pub party: String,
    pub amount: Decimal,
    /// Its line in the file, from 1 (the header is 1).
    pub line: usize,
}

/// Reads a reported statement; `portfolio` asks for the deal column too.
pub fn read(
    text: &str,
    names: &ReportedColumns,
    portfolio: bool,
) -> Result<Vec<ReportedRow>, Vec<Problem>> {
    let bom = bom_len(text);
    let body = text.get(bom..).unwrap_or_default();
    let mut records = Records::new(body.as_bytes());
    let whole = Span::new(0, text.len());
    let mut header = Record::new();
    match records.read(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(vec![Problem::new(ProblemKind::ReportedEmpty, whole)]),
        Err(kind) => return Err(vec![Problem::new(kind, whole)]),
    }
    let header_line = Line::new(text, bom, 0, Some(&header));
    let header_cells: Vec<&str> = header.iter().map(trim).collect();
    let find = |name: &str| {
        header_cells
            .iter()
            .position(|cell| *cell == name)
            .or_else(|| {
                header_cells
                    .iter()
                    .position(|cell| cell.eq_ignore_ascii_case(name))
            })
    };
    let mut wanted = vec![
        ("period", &names.period),
        ("party", &names.party),
        ("amount", &names.amount),
    ];
    if portfolio {
        wanted.insert(0, ("deal", &names.deal));
    }
    let mut problems = Vec::new();
    let mut found = Vec::new();
    for (role, name) in wanted {
        match find(name) {
            Some(index) => found.push(index),
            None => problems.push(Problem::new(
                ProblemKind::ReportedHeader {
                    role,
                    name: name.clone(),
                    header: header_cells.join(","),
                },
                header_line.span(),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (deal, [period, party, amount]) = match found.as_slice() {
        [deal, period, party, amount] => (Some(*deal), [*period, *party, *amount]),
        [period, party, amount] => (None, [*period, *party, *amount]),
        _ => return Err(problems),
    };
    let mut rows = Vec::new();
    let mut record = Record::new();
    loop {
        match records.read(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(kind) => {
                let line = Line::new(text, bom, records.offset(), None);
                problems.push(Problem::new(kind, line.span()));
                break;
            }
        }
        if record.is_blank() {
            continue;
        }
        if problems.len() >= MAX_PROBLEMS {
            let line = Line::new(text, bom, record.byte(), Some(&record));
            problems.push(Problem::new(
                ProblemKind::TooManyProblems {
                    limit: MAX_PROBLEMS,
                    row: record.line(),
                },
                line.span(),
            ));
            break;
        }
        let line = Line::new(text, bom, record.byte(), Some(&record));
        let row = record.line();
        let cell = |index: usize| trim(record.get(index).unwrap_or_default());
        let label = cell(period);
        let Some(when) = Period::parse(label) else {
            problems.push(Problem::new(
                ProblemKind::BadPeriod {
                    row,
                    text: label.to_string(),
                },
                line.cell(period, label),
            ));
            continue;
        };
        let figure = cell(amount);
        let Some(value) = parse_amount(figure.as_bytes()) else {
            problems.push(Problem::new(
                ProblemKind::NotANumber {
                    row,
                    column: names.amount.clone(),
                    text: figure.to_string(),
                },
                line.cell(amount, figure),
            ));
            continue;
        };
        let payee = cell(party);
        if payee.is_empty() {
            problems.push(Problem::new(
                ProblemKind::ReportedNoParty { row },
                line.span(),
            ));
            continue;
        }
        rows.push(ReportedRow {
            deal: deal.map(|deal| cell(deal).to_string()),
            period: when,
            party: payee.to_string(),
            amount: value,
            line: row,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}
