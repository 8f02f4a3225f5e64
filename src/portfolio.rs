//! A portfolio: many agreements and one long-form series, whose `deal`
//! column names the agreement each row belongs to (`deal,period,revenue`).
//! The series is read as a stream of blocks, one per deal, so memory holds
//! one block at a time however large the portfolio.

use std::collections::HashSet;
use std::io::Read;

use rust_decimal::Decimal;

use crate::diagnostics::{Problem, ProblemKind, Quote, Style, render_quoting};
use crate::period::Period;
use crate::records::{Record, Records, trim};
use crate::series::{Builder, Cells, Series, amount_at, with_cells};
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
    /// What each column holds, in the order of the file, for
    /// [`Blocks::quick_rows`].
    columns: Vec<Column>,
}

/// What a column of a long-form series holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Deal,
    Period,
    Value,
}

/// The most value columns [`Blocks::quick_rows`] reads; a row with more
/// goes the general way.
const QUICK_VALUES: usize = 8;

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
    /// Whether usual rows are read by [`Blocks::quick_rows`]: not when a
    /// row has more value columns than it reads, where every row would be
    /// read partly that way and then again the general way (tests turn it
    /// off, to compare it with the general way).
    quick: bool,
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
    let values_count = values.len();
    Ok(Blocks {
        reader,
        header: Header {
            deal,
            period,
            values,
            order: cell_order(cells.len(), deal, period),
            columns: (0..cells.len())
                .map(|index| match index {
                    _ if index == deal => Column::Deal,
                    _ if index == period => Column::Period,
                    _ => Column::Value,
                })
                .collect(),
        },
        record: Record::new(),
        pending: false,
        seen: HashSet::new(),
        failed: false,
        rows: 0,
        quick: values_count <= QUICK_VALUES,
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
        // A name with a byte that ends or quotes a cell is never found by
        // comparing bytes where a plain line's cell starts.
        let quick = self.quick
            && !deal
                .bytes()
                .any(|byte| matches!(byte, b',' | b'"' | b'\r' | b'\n'));
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
            if quick {
                self.quick_rows(deal.as_bytes(), &mut builder);
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

/// Problems of a long-form series read from `path` (a workbook's `sheet`,
/// when it is one), each shown on its own row, named by where it is:
/// `sales.csv row 13`, or in a workbook the cell (`sales.xlsx Sales!C13`).
pub fn render_row_problems(
    path: &std::path::Path,
    sheet: Option<&crate::workbook::Sheet>,
    problems: &[RowProblem],
    style: Style,
) -> String {
    let name = |problem: &RowProblem| {
        let file = path.display();
        match (sheet, problem.problem.kind.row()) {
            (Some(sheet), Some(row)) => {
                let (file, _) = crate::workbook::split_sheet(path);
                let cell = sheet
                    .cell_of_line(row, problem.problem.span.start)
                    .unwrap_or_else(|| format!("row {row}"));
                format!("{file} {}!{cell}", sheet.name)
            }
            (_, Some(row)) => format!("{file} row {row}"),
            (_, None) => file.to_string(),
        }
    };
    problems
        .iter()
        .map(|problem| {
            // The row is shown alone: the label says where it is in the file.
            render_quoting(
                std::slice::from_ref(&problem.problem),
                &name(problem),
                &problem.text,
                style,
                if sheet.is_some() {
                    Quote::Cell
                } else {
                    Quote::Foreign
                },
            )
        })
        .collect()
}

/// Deals without an agreement given a guess at the agreement meant, and the
/// most unused agreements to guess among.
const MAX_GUESSES: usize = 10;
const MAX_GUESSED_AMONG: usize = 10_000;

/// Deals named in a list of those without rows or without an agreement.
const MAX_LISTED: usize = 20;

/// What to say of the deals with series rows but no agreement (`missing`:
/// each deal and its first row), when there are any. A misspelt deal leaves
/// rows without an agreement and an agreement without rows (`unused`):
/// the likely one is named, for the first few (each guess compares the
/// name with every unused agreement).
pub fn rows_without_agreement(missing: &[(String, usize)], unused: &[&str]) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let guesses = if unused.len() <= MAX_GUESSED_AMONG {
        MAX_GUESSES
    } else {
        0
    };
    let listed: Vec<String> = missing
        .iter()
        .enumerate()
        .map(|(index, (deal, row))| {
            let guess = (index < guesses)
                .then(|| crate::diagnostics::suggest(deal, unused.iter().copied()))
                .flatten();
            match guess {
                Some(guess) => format!("`{deal}` (row {row}; did you mean `{guess}`?)"),
                None => format!("`{deal}` (row {row})"),
            }
        })
        .collect();
    Some(format!(
        "series rows without an agreement: {}",
        first_few(&listed)
    ))
}

/// What to say of the agreements given no series rows, when there are any.
pub fn agreements_without_rows(unused: &[&str]) -> Option<String> {
    (!unused.is_empty()).then(|| format!("agreements without series rows: {}", first_few(unused)))
}

/// The first [`MAX_LISTED`] of `names`, and how many more: a series for
/// the wrong portfolio would otherwise name every agreement, a screenful
/// for each hundred.
fn first_few<S: AsRef<str>>(names: &[S]) -> String {
    let shown: Vec<&str> = names.iter().take(MAX_LISTED).map(AsRef::as_ref).collect();
    match names.len().saturating_sub(MAX_LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The columns of the usual long-form series, `deal,period,revenue`.
const USUAL: [Column; 3] = [Column::Deal, Column::Period, Column::Value];

/// Adds the rows at the start of `text` that `line` reads (and adds to
/// `builder`) one after the other, the first after `previous`; the bytes
/// they take and how many they are.
#[inline(always)]
fn quick_run(
    text: &[u8],
    mut previous: Period,
    builder: &mut Builder,
    mut line: impl FnMut(&[u8], Period, &mut Builder) -> Option<(Period, usize)>,
) -> (usize, usize) {
    let (mut taken, mut rows) = (0usize, 0usize);
    while let Some((period, len)) = text
        .get(taken..)
        .and_then(|rest| line(rest, previous, builder))
    {
        previous = period;
        taken = taken.saturating_add(len);
        rows = rows.saturating_add(1);
    }
    (taken, rows)
}

/// [`quick_line`] for the [`USUAL`] columns: the same cells read the same
/// way, without a loop over the columns (its bookkeeping was a tenth of a
/// row's reading).
#[inline(always)]
fn usual_line(
    text: &[u8],
    deal: &[u8],
    previous: Period,
    builder: &mut Builder,
) -> Option<(Period, usize)> {
    let at = deal.len();
    if !text.get(..at).is_some_and(|cell| same_bytes(cell, deal)) || text.get(at) != Some(&b',') {
        return None;
    }
    let at = at.saturating_add(1);
    let (period, len) = previous.next_labelled(text.get(at..)?)?;
    let at = at.saturating_add(len);
    if text.get(at) != Some(&b',') {
        return None;
    }
    let (amount, at) = amount_at(text, at.saturating_add(1))?;
    let taken = line_end(text, at)?;
    builder
        .quick_row(period, std::slice::from_ref(&amount))
        .then_some((period, taken))
}

/// The length of a line whose cells end at `at` in `text`, with its line
/// break: a line feed, a carriage return before one, or none at the end of
/// the stream; `None` if anything else follows the cells.
#[inline(always)]
fn line_end(text: &[u8], at: usize) -> Option<usize> {
    match text.get(at) {
        None => Some(at),
        Some(b'\n') => Some(at.saturating_add(1)),
        Some(b'\r') if text.get(at.saturating_add(1)) == Some(&b'\n') => Some(at.saturating_add(2)),
        Some(_) => None,
    }
}

/// Adds the line at the start of `text` to `builder` if it is the usual
/// row: a plain line of the header's width (`columns`), whose cells are
/// `deal` as written, the label of the period after `previous`, and an
/// amount in each value column, none with white space around it. The
/// period and the line's length with its line break; `None`, with nothing
/// added, for any other line.
#[inline]
fn quick_line(
    text: &[u8],
    columns: &[Column],
    deal: &[u8],
    previous: Period,
    builder: &mut Builder,
) -> Option<(Period, usize)> {
    let mut amounts = [Decimal::ZERO; QUICK_VALUES];
    let mut count = 0usize;
    let mut period = None;
    let mut at = 0usize;
    for (index, column) in columns.iter().enumerate() {
        if index > 0 {
            if text.get(at) != Some(&b',') {
                return None;
            }
            at = at.saturating_add(1);
        }
        let rest = text.get(at..)?;
        at = match column {
            Column::Deal => {
                if !rest
                    .get(..deal.len())
                    .is_some_and(|cell| same_bytes(cell, deal))
                {
                    return None;
                }
                at.saturating_add(deal.len())
            }
            Column::Period => {
                let (next, len) = previous.next_labelled(rest)?;
                period = Some(next);
                at.saturating_add(len)
            }
            Column::Value => {
                let (amount, end) = amount_at(text, at)?;
                *amounts.get_mut(count)? = amount;
                count = count.saturating_add(1);
                end
            }
        };
    }
    let taken = line_end(text, at)?;
    let period = period?;
    builder
        .quick_row(period, amounts.get(..count)?)
        .then_some((period, taken))
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
    /// Adds the usual rows at the start of the rest to `builder`, each read
    /// by [`quick_line`] in one pass over its bytes, without a [`Record`];
    /// the first other line, and any after it, are left for
    /// [`Blocks::next_record`] and [`Builder::row`] to read as they read
    /// every line: a property test holds the two ways to the same blocks.
    /// What holds for every row of the run (the builder may take quick
    /// rows, the rest is at a line start) is checked once, and the reader
    /// moved past the run once. Not inlined: in the block's loop, which
    /// has many more values live, its own were kept on the stack (20
    /// instructions a row more).
    #[inline(never)]
    fn quick_rows(&mut self, deal: &[u8], builder: &mut Builder) {
        let (Some(previous), Some(text)) = (builder.quick_previous(), self.reader.line_start())
        else {
            return;
        };
        let (taken, rows) = if self.header.columns == USUAL {
            quick_run(text, previous, builder, |line, previous, builder| {
                usual_line(line, deal, previous, builder)
            })
        } else {
            let columns = &self.header.columns;
            quick_run(text, previous, builder, |line, previous, builder| {
                quick_line(line, columns, deal, previous, builder)
            })
        };
        self.reader.skip_lines(taken, rows);
    }

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

    /// The blocks of a series and the deals seen, in words: read with
    /// [`Blocks::quick_rows`] or without it.
    fn read(text: &[u8], quick: bool) -> String {
        match open(text) {
            Err(problem) => format!("{problem:?}"),
            Ok(mut blocks) => {
                blocks.quick = quick;
                let read: Vec<Block> = blocks.by_ref().collect();
                let mut seen: Vec<String> = blocks.into_seen().into_iter().collect();
                seen.sort();
                format!("{read:#?}\n{seen:?}")
            }
        }
    }

    /// A series from a list of choices, each row mostly the usual one (the
    /// next month of the same deal, a plain amount) and sometimes not:
    /// another deal, a gap, a period repeated or of another granularity, a
    /// label past 9999, white space, quotes, an amount that is none, a
    /// blank line, a line of commas, a ragged row, a missing comma, CRLF or
    /// a lone CR. A row
    /// is `(kind, noise, end, amount)`: kind 0 to 3 moves to another deal or
    /// period; noise below 128 picks what is unusual in the row (above, none);
    /// end 0 to 2 is an unusual line end.
    fn series(layout: usize, rows: &[(u8, u8, u8, String)]) -> String {
        let (header, deal_at, period_at, width) = match layout % 6 {
            0 => ("deal,period,revenue", 0, 1, 3),
            1 => ("period,deal,revenue", 1, 0, 3),
            2 => ("revenue,deal,period", 1, 2, 3),
            3 => ("deal,period,revenue,cost", 0, 1, 4),
            4 => ("period,deal", 1, 0, 2),
            _ => ("\u{feff}revenue , period,cost,deal", 3, 1, 4),
        };
        let mut text = format!("{header}\n");
        let mut month: i32 = 2015 * 12;
        let mut deal = 0u8;
        for (index, (kind, noise, end, amount)) in rows.iter().enumerate() {
            match kind {
                0 => deal = noise % 6,
                1 => month += 1,
                2 => month -= 1,
                3 => month = 9999 * 12 + 10,
                _ => {}
            }
            // What is unusual in the row, if anything.
            let odd = |of: u8| if *noise < 128 { noise % of } else { of };
            let mut cells = vec![String::new(); width];
            // A name with a comma or a quote is one cell only when quoted.
            let name = ["d1", "d2", "d 3", "d4", "d,5", "d\"6"][usize::from(deal)];
            cells[deal_at] = match odd(23) {
                0 => format!(" {name}"),
                1 | 15 => format!("\"{}\"", name.replace('"', "\"\"")),
                2 => format!("{name}\t"),
                _ => name.to_string(),
            };
            let (year, of_year) = (month.div_euclid(12), month.rem_euclid(12) + 1);
            cells[period_at] = match odd(29) {
                3 => format!("{year:04}Q{}", (of_year + 2) / 3),
                4 => format!("{year:04}"),
                5 => format!("{year:04}-{of_year}"),
                6 => format!(" {year:04}-{of_year:02}"),
                7 => format!("\"{year:04}-{of_year:02}\""),
                _ => format!("{year:04}-{of_year:02}"),
            };
            for (at, cell) in cells.iter_mut().enumerate() {
                if at != deal_at && at != period_at {
                    // Each value column its own way.
                    *cell = match odd(31).wrapping_add(7 * at as u8) % 31 {
                        8 => format!(" {amount}"),
                        9 => format!("\"{amount}\""),
                        10 => String::new(),
                        _ => amount.clone(),
                    };
                }
            }
            match odd(37) {
                11 => cells.push("1".into()),
                12 => {
                    cells.pop();
                }
                13 => text.push_str(",,,\n"),
                14 => text.push('\n'),
                // The period and the cell after it as one: no comma.
                15 if period_at + 1 < width => {
                    let next = cells.remove(period_at + 1);
                    cells[period_at].push_str(&next);
                }
                _ => {}
            }
            text.push_str(&cells.join(","));
            let last = index + 1 == rows.len();
            text.push_str(match end {
                0 => "\r\n",
                1 => "\r",
                2 if last => "",
                _ => "\n",
            });
            month += 1;
        }
        text
    }

    #[test]
    fn a_name_that_a_plain_line_splits_is_not_found_in_one() {
        let text = "deal,period,revenue\n\"d,5\",2015-01,1\nd,5,2015-02,2\n";
        let quick = read(text.as_bytes(), true);
        assert!(quick.contains("deal: \"d\"") && quick.contains("Ragged"));
        assert_eq!(quick, read(text.as_bytes(), false));
    }

    #[test]
    fn a_long_series_reads_the_same_either_way() {
        // Past a chunk of the reader (64 KB), with rows of every kind
        // spread through it by a fixed pseudo-random sequence.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for layout in 0..6 {
            let rows: Vec<(u8, u8, u8, String)> = (0..6000)
                .map(|_| {
                    let [kind, noise, end, cents, ..] = next().to_le_bytes();
                    let amount = if cents < 8 {
                        "12a".to_string()
                    } else {
                        format!("{}.{:02}", next() % 10_000_000, cents % 100)
                    };
                    // One row in sixteen unusual, in one of 128 ways.
                    let noise = if noise < 16 {
                        noise.wrapping_mul(8) | (end & 7)
                    } else {
                        255
                    };
                    (kind % 64, noise, end % 64, amount)
                })
                .collect();
            let text = series(layout, &rows);
            assert!(text.len() > 70_000);
            assert_eq!(read(text.as_bytes(), true), read(text.as_bytes(), false));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// Whatever the rows, the quick way reads what the general way does:
        /// the same blocks, figures, problems, spans and rows shown.
        #[test]
        fn quick_rows_read_as_the_general_way(
            layout in 0usize..6,
            rows in proptest::collection::vec(
                (0u8..40, proptest::prelude::any::<u8>(), 0u8..20, "[-+]?[0-9]{0,19}(\\.[0-9]{0,4})?"),
                0..40,
            ),
        ) {
            let rows: Vec<(u8, u8, u8, String)> = rows;
            let text = series(layout, &rows);
            proptest::prop_assert_eq!(read(text.as_bytes(), true), read(text.as_bytes(), false));
        }
    }

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
