//! A portfolio: many agreements and one long-form series, whose `deal`
//! column names the agreement each row belongs to (`deal,period,revenue`).
//! The series is read as a stream of blocks, one per deal, so memory holds
//! one block at a time however large the portfolio.

use std::collections::HashSet;
use std::io::Read;

use crate::diagnostics::{Problem, ProblemKind};
use crate::records::{Record, Records, trim};
use crate::series::{Builder, Cells, Series, with_cells};
use crate::syntax::ast::Span;

/// The header of a long-form series: where the deal and period are, and the
/// value columns in order.
struct Header {
    deal: usize,
    period: usize,
    /// The value columns, in header order.
    values: Vec<String>,
    /// Where the builder's cells are in a row: [`cell_order`].
    order: Vec<usize>,
}

/// A problem in a long-form series, with the text of its row to show it on
/// (the file itself is never held in memory).
#[derive(Debug, Clone)]
pub struct RowProblem {
    pub problem: Problem,
    pub text: String,
}

/// One deal's rows: its name, the line of its first row, and its series.
#[derive(Debug)]
pub struct Block {
    pub deal: String,
    pub first_row: usize,
    pub series: Result<Series, Vec<RowProblem>>,
}

/// The blocks of a long-form series, in file order.
pub struct Blocks<R: Read> {
    reader: Records<R>,
    header: Header,
    /// The record last read, reused for every row.
    record: Record,
    /// Whether `record` is the first row of the next block, already read.
    pending: bool,
    /// Every deal whose block has been read: a deal must not come back.
    seen: HashSet<String>,
    /// Set once reading cannot go on.
    failed: bool,
    /// The rows of the block before, as room for the next one's columns
    /// (no more than [`MAX_ROOM`]: a block may be far longer than the next).
    rows: usize,
}

/// The most rows a block's columns are given room for before it is read.
const MAX_ROOM: usize = 4096;

/// Whether a CSV header line names a `deal` column: a long-form series.
pub fn is_long_form(header_line: &str) -> bool {
    header_line
        .trim_start_matches('\u{feff}')
        .split(',')
        .any(|cell| cell.trim().trim_matches('"') == "deal")
}

/// Opens a long-form series: its header must have `deal` and `period`.
pub fn open<R: Read>(reader: R) -> Result<Blocks<R>, Box<RowProblem>> {
    let mut reader = Records::new(reader);
    let mut header = Record::new();
    match reader.read(&mut header) {
        Ok(true) => {}
        Err(kind) => return Err(Box::new(csv_problem(kind))),
        Ok(false) => {
            return Err(Box::new(RowProblem {
                problem: Problem::new(ProblemKind::SeriesEmpty, Span::default()),
                text: String::new(),
            }));
        }
    };
    let cells: Vec<&str> = header
        .iter()
        // The reader takes a byte-order mark off the first line.
        .map(str::trim)
        .collect();
    let find = |name: &str| cells.iter().position(|cell| *cell == name);
    let (Some(deal), Some(period)) = (find("deal"), find("period")) else {
        let missing = if find("deal").is_none() {
            "deal"
        } else {
            "period"
        };
        // Problems show the header as written.
        let text = header.shown();
        return Err(Box::new(RowProblem {
            problem: Problem::new(
                ProblemKind::PortfolioHeader { missing },
                Span::new(0, text.len()),
            ),
            text,
        }));
    };
    let mut values: Vec<String> = Vec::new();
    for (index, name) in cells.iter().enumerate() {
        if index == deal || index == period {
            continue;
        }
        if values.iter().any(|other| other == name) || *name == "deal" || *name == "period" {
            let span = header.cell(index, name);
            return Err(Box::new(RowProblem {
                problem: Problem::new(
                    ProblemKind::DuplicateColumn {
                        name: (*name).to_string(),
                    },
                    span,
                ),
                text: header.shown(),
            }));
        }
        values.push((*name).to_string());
    }
    Ok(Blocks {
        reader,
        header: Header {
            deal,
            period,
            values,
            order: cell_order(cells.len(), deal, period),
        },
        record: Record::new(),
        pending: false,
        seen: HashSet::new(),
        failed: false,
        rows: 0,
    })
}

impl<R: Read> Iterator for Blocks<R> {
    type Item = Block;

    fn next(&mut self) -> Option<Block> {
        if self.failed {
            return None;
        }
        if !std::mem::take(&mut self.pending) {
            match self.next_record()? {
                Ok(()) => {}
                Err(problem) => return Some(self.fail(String::new(), 0, problem)),
            }
        }
        let (deal_at, period_at) = (self.header.deal, self.header.period);
        let deal = self
            .record
            .get(deal_at)
            .map(trim)
            .unwrap_or_default()
            .to_string();
        let first_row = self.record.line();
        if deal.is_empty() || !self.seen.insert(deal.clone()) {
            let problem = Problem::new(
                ProblemKind::DealRows {
                    deal: deal.clone(),
                    row: first_row,
                },
                self.record.cell(deal_at, &deal),
            );
            let text = self.record.shown();
            return Some(self.fail(deal, first_row, RowProblem { problem, text }));
        }
        // The builder counts cells without the deal column; rows and
        // problems show the row whole.
        let mut builder = Builder::new(self.header.values.clone())
            .with_extra_columns(1)
            .with_room(self.rows);
        let mut texts: Vec<String> = Vec::new();
        loop {
            let record = &self.record;
            if !names(record, deal_at, &deal) {
                self.pending = true;
                break;
            }
            // The period first, then the values in header order; a ragged
            // row keeps its own count, for the builder to report. On the
            // stack: a portfolio has millions of rows.
            let going = {
                let ragged;
                let order = if record.len() == self.header.order.len().saturating_add(1) {
                    &self.header.order
                } else {
                    ragged = cell_order(record.len(), deal_at, period_at);
                    &ragged
                };
                let before = builder.problem_count();
                let at = Reordered { row: record, order };
                let cells = order.iter().map(|at| record.get(*at).unwrap_or_default());
                let going = with_cells(cells, |cells| builder.row(record.line(), cells, &at));
                for _ in before..builder.problem_count() {
                    texts.push(record.shown());
                }
                going
            };
            if !going {
                self.failed = true;
                break;
            }
            match self.next_record() {
                None => break,
                Some(Ok(())) => {}
                Some(Err(problem)) => {
                    self.failed = true;
                    return Some(Block {
                        deal,
                        first_row,
                        series: Err(vec![problem]),
                    });
                }
            }
        }
        let series = builder.finish(Span::default());
        if let Ok(series) = &series {
            self.rows = series.periods.len().min(MAX_ROOM);
        }
        let series = series.map_err(|problems| {
            problems
                .into_iter()
                .zip(texts.into_iter().chain(std::iter::repeat(String::new())))
                .map(|(problem, text)| RowProblem { problem, text })
                .collect()
        });
        Some(Block {
            deal,
            first_row,
            series,
        })
    }
}

/// Whether cell `at` of `record`, trimmed, is `deal`. The usual cell has no
/// white space around it: its bytes are compared with the name's first,
/// without a call to `memcmp` (a portfolio has a deal cell on every row).
#[inline]
fn names(record: &Record, at: usize, deal: &str) -> bool {
    if record
        .get_bytes(at)
        .is_some_and(|cell| same_bytes(cell, deal.as_bytes()))
    {
        return true;
    }
    match record.get(at) {
        Some(cell) => {
            let trimmed = trim(cell);
            trimmed.len() != cell.len() && trimmed == deal
        }
        None => false,
    }
}

/// Whether two byte strings are equal; up to sixteen bytes are compared as
/// two pairs of words, the first and the last bytes (which overlap when
/// there are fewer than twice as many).
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word<const N: usize>(bytes: &[u8], from: usize) -> Option<[u8; N]> {
        bytes
            .get(from..from.saturating_add(N))
            .and_then(|word| word.try_into().ok())
    }
    let len = a.len();
    if len != b.len() {
        return false;
    }
    let last = |width: usize| len.saturating_sub(width);
    match len {
        8..=16 => {
            word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, last(8)) == word::<8>(b, last(8))
        }
        4..=7 => {
            word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, last(4)) == word::<4>(b, last(4))
        }
        _ => a == b,
    }
}

/// The order in which the builder sees the cells of a row of `width`:
/// the period first, then the values in header order, without the deal.
fn cell_order(width: usize, deal: usize, period: usize) -> Vec<usize> {
    std::iter::once(period)
        .chain((0..width).filter(|i| *i != deal && *i != period))
        .collect()
}

impl<R: Read> Blocks<R> {
    /// Reads the next record that is not a blank line into `record`; `None`
    /// at the end of the file.
    fn next_record(&mut self) -> Option<Result<(), RowProblem>> {
        loop {
            match self.reader.read(&mut self.record) {
                Ok(false) => return None,
                Ok(true) if self.record.is_blank() => continue,
                Ok(true) => return Some(Ok(())),
                Err(kind) => return Some(Err(csv_problem(kind))),
            }
        }
    }

    /// Every deal that had rows, once the blocks are read.
    pub fn into_seen(self) -> HashSet<String> {
        self.seen
    }

    /// A block that stops the reading.
    fn fail(&mut self, deal: String, first_row: usize, problem: RowProblem) -> Block {
        self.failed = true;
        Block {
            deal,
            first_row,
            series: Err(vec![problem]),
        }
    }
}

/// A row's problems point into the row as written ([`Record::shown`]).
/// Spans are worked out only when a problem needs one.
impl Cells for Record {
    fn row(&self) -> Span {
        Span::new(0, self.shown_len())
    }

    fn cell(&self, index: usize, value: &str) -> Span {
        let (start, end) = self.shown_cell(index, value);
        Span::new(start, end)
    }
}

/// A row whose cells the builder sees in another order (period first, no
/// deal), pointed at in the order of the file.
struct Reordered<'r> {
    row: &'r Record,
    /// For each cell the builder sees, its index in the row.
    order: &'r [usize],
}

impl Cells for Reordered<'_> {
    fn row(&self) -> Span {
        self.row.row()
    }

    fn cell(&self, index: usize, value: &str) -> Span {
        match self.order.get(index) {
            Some(original) => self.row.cell(*original, value),
            None => self.row.row(),
        }
    }
}

fn csv_problem(kind: ProblemKind) -> RowProblem {
    RowProblem {
        problem: Problem::new(kind, Span::default()),
        text: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Words compared from both ends say what `==` says, at every
        /// length either side of four, eight and sixteen bytes.
        #[test]
        fn bytes_compare_as_slices_do(a in "[ab]{0,20}", b in "[ab]{0,20}") {
            proptest::prop_assert_eq!(same_bytes(a.as_bytes(), b.as_bytes()), a == b);
            let c = a.clone();
            proptest::prop_assert!(same_bytes(a.as_bytes(), c.as_bytes()));
        }

        /// A deal cell names the deal as its trimmed text does.
        #[test]
        fn a_cell_names_a_deal_as_its_trimmed_text(cell in "[ d1\t\u{a0}]{0,10}", deal in "[d1]{1,9}") {
            let text = format!("x,{cell}\n");
            let mut records = Records::new(text.as_bytes());
            let mut record = Record::new();
            proptest::prop_assume!(records.read(&mut record) == Ok(true));
            let expected = record.get(1).map(str::trim) == Some(deal.as_str());
            proptest::prop_assert_eq!(names(&record, 1, &deal), expected);
        }
    }
}
