//! Reading a series: a CSV file with a header `period,<column>...` and one
//! row per period, amounts as exact decimals.

use rust_decimal::Decimal;

use crate::agreement::Calendar;
use crate::diagnostics::{Problem, ProblemKind};
use crate::money::ten_to;
use crate::period::{Period, granularity_word};
use crate::records::{Record, Records, bom_len, cell_end, trim};
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
    let bom = bom_len(text);
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
        if !self.add_period(period, row, span) {
            return true;
        }
        for (index, ((cell, column), name)) in values
            .iter()
            .zip(self.series.values.iter_mut())
            .zip(&self.series.columns)
            .enumerate()
        {
            let cell = trim(cell);
            match parse_amount(cell.as_bytes()) {
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

    /// Adds `period` if it may follow the row before (same granularity,
    /// the next period), else reports the problem at `span`; whether it
    /// was added, for the caller to add the row's amounts.
    fn add_period(&mut self, period: Period, row: usize, span: impl FnOnce() -> Span) -> bool {
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
        if in_order {
            self.series.granularity = granularity;
            self.series.periods.push(period);
        }
        in_order
    }

    /// Adds row `row` read from a typed table (a DataFrame, an Arrow table)
    /// rather than text: its period (or the text of a cell that names none),
    /// and each column's amount (or the text of a cell that holds none, empty
    /// for a null, which is reported as an empty cell is). Checked as
    /// [`Builder::row`] checks a row of text; problems have no place in a
    /// text to point at. `false` once there are too many problems to go on.
    pub fn typed_row(
        &mut self,
        row: usize,
        period: Result<Period, String>,
        amounts: &[Result<Decimal, String>],
    ) -> bool {
        if self.problems.len() >= MAX_PROBLEMS {
            self.problems.push(Problem::new(
                ProblemKind::TooManyProblems {
                    limit: MAX_PROBLEMS,
                    row,
                },
                Span::default(),
            ));
            return false;
        }
        if amounts.len() != self.series.columns.len() {
            self.problems.push(Problem::new(
                ProblemKind::Ragged {
                    row,
                    expected: self.series.columns.len().saturating_add(1),
                    found: amounts.len().saturating_add(1),
                },
                Span::default(),
            ));
            return true;
        }
        let period = match period {
            Ok(period) => period,
            Err(text) => {
                self.problems.push(Problem::new(
                    ProblemKind::BadPeriod { row, text },
                    Span::default(),
                ));
                self.previous = None;
                return true;
            }
        };
        if !self.add_period(period, row, Span::default) {
            return true;
        }
        for ((amount, column), name) in amounts
            .iter()
            .zip(self.series.values.iter_mut())
            .zip(&self.series.columns)
        {
            column.push(amount.clone().unwrap_or_else(|text| {
                self.problems.push(Problem::new(
                    ProblemKind::NotANumber {
                        row,
                        column: name.clone(),
                        text,
                    },
                    Span::default(),
                ));
                Decimal::ZERO
            }));
        }
        true
    }

    /// The period of the row before, if the next row may be added by
    /// [`Builder::quick_row`]: while there are few enough problems to go
    /// on, after a row of the series' granularity (any other row before is
    /// for [`Builder::row`] to compare with).
    #[inline]
    pub(crate) fn quick_previous(&self) -> Option<Period> {
        let previous = self.previous?;
        (self.problems.len() < MAX_PROBLEMS && self.granularity == Some(previous.granularity))
            .then_some(previous)
    }

    /// Adds a row that [`Builder::row`] would add without a problem, read by
    /// its caller: `period`, the one straight after
    /// [`Builder::quick_previous`] (as [`Period::next_labelled`] finds it),
    /// and the amount of each column, read from cells without white space
    /// around them (as [`amount_at`] reads them). `false`, with nothing
    /// added, if there is not one amount per column. Always inlined: a call
    /// cost half as much as the row's pushes.
    #[inline(always)]
    pub(crate) fn quick_row(&mut self, period: Period, amounts: &[Decimal]) -> bool {
        debug_assert!(
            self.quick_previous()
                .is_some_and(|previous| period.follows(previous) && period > previous)
        );
        if amounts.len() != self.series.values.len() {
            return false;
        }
        for (column, amount) in self.series.values.iter_mut().zip(amounts) {
            column.push(*amount);
        }
        self.series.granularity = period.granularity;
        self.series.periods.push(period);
        self.previous = Some(period);
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
    // By a set: a header may have thousands of columns.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (index, name) in header.iter().map(str::trim).enumerate().skip(1) {
        let repeated = !seen.insert(name) || name == "period";
        if repeated && problems.len() < MAX_PROBLEMS {
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

/// The amount a cell's text holds, white space around it allowed, as a
/// series read from text reads it: for tables whose amounts are text.
pub fn amount_of_text(cell: &str) -> Option<Decimal> {
    parse_amount(trim(cell).as_bytes())
}

/// An exact decimal: digits with an optional sign and decimal point, nothing
/// else (no white space either: a cell is trimmed first). Bytes, which need
/// no check as UTF-8: whatever is not a digit, a point or the sign is refused.
#[inline]
pub(crate) fn parse_amount(cell: &[u8]) -> Option<Decimal> {
    let (negative, digits) = match cell.first() {
        Some(b'-') => (true, cell.get(1..)?),
        Some(b'+') => (false, cell.get(1..)?),
        _ => (false, cell),
    };
    if digits.len() > WIDE {
        return long_amount(cell, negative, digits);
    }
    let (mantissa, scale) = short_amount(digits)?;
    Some(short_decimal(negative, mantissa, scale))
}

/// The decimal of a sign, a mantissa below 2⁶⁴ and a scale.
#[inline]
fn short_decimal(negative: bool, mantissa: u64, scale: u32) -> Decimal {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the mantissa's two 32-bit halves, taken apart on purpose"
    )]
    let (lo, mid) = (mantissa as u32, (mantissa >> 32) as u32);
    // `-0` reads as zero, as Decimal's parser reads it: `from_parts` gives
    // a zero no sign.
    Decimal::from_parts(lo, mid, 0, negative, scale)
}

/// The amount in the cell that starts at `at` in `text` (a plain line from
/// that cell on, and what follows it), and where the cell ends: at the
/// first byte after its sign that is below `-` (a comma, a line break, a
/// quote, white space), as [`cell_end`] finds it. The amount is what
/// [`parse_amount`] reads in that cell. Sixteen bytes are loaded once for
/// both: the cell's end is found in them, and its digits right-aligned from
/// them without loading them again. A cell of sixteen bytes or more, or too
/// near the end of `text` to load sixteen, is found and read the usual way.
#[inline]
pub(crate) fn amount_at(text: &[u8], at: usize) -> Option<(Decimal, usize)> {
    const DASHES: u128 = u128::from_le_bytes([b'-'; 16]);
    const HIGHS: u128 = u128::from_le_bytes([0x80; 16]);
    const ZEROS_WIDE: u128 = u128::from_le_bytes([b'0'; 16]);
    let (negative, start) = match text.get(at) {
        Some(b'-') => (true, at.saturating_add(1)),
        Some(b'+') => (false, at.saturating_add(1)),
        _ => (false, at),
    };
    let bytes = text
        .get(start..start.saturating_add(WIDE))
        .and_then(|bytes| <[u8; WIDE]>::try_from(bytes).ok())
        .map(u128::from_le_bytes);
    // Bytes below `-`: the lowest mark is exact (a borrow runs only upwards).
    let marks = bytes.map(|bytes| bytes.wrapping_sub(DASHES) & !bytes & HIGHS);
    let (Some(bytes), Some(marks @ 1..)) = (bytes, marks) else {
        let end = cell_end(text, at);
        return Some((parse_amount(text.get(at..end)?)?, end));
    };
    // The digits and point before the end, then right-aligned, `0`s below.
    let len = marks.trailing_zeros() / 8;
    if len == 0 {
        return None;
    }
    let digits = (bytes << WIDE.wrapping_sub(len as usize).wrapping_mul(8))
        | (ZEROS_WIDE >> len.wrapping_mul(8));
    let (mantissa, scale) = aligned_amount(digits, len as usize)?;
    let end = start.saturating_add(len as usize);
    Some((short_decimal(negative, mantissa, scale), end))
}

/// The most bytes (digits and a point) [`short_amount`] reads at once.
const WIDE: usize = 16;

/// `0` in every byte of a word.
const ZEROS: u64 = u64::from_le_bytes([b'0'; 8]);

/// The value and scale of up to sixteen bytes of digits with at most one
/// point, read sixteen at a time rather than one: a series has millions of
/// cells, and a byte at a time cost ten instructions each. The bytes are
/// put right-aligned in a `u128` (first byte lowest), `0`s before them; the
/// point, if any, is made a `0` and the value read as sixteen digits, which
/// is the amount with a zero digit where the point was, taken out by one
/// division.
#[inline]
fn short_amount(digits: &[u8]) -> Option<(u64, u32)> {
    aligned_amount(right_aligned(digits), digits.len())
}

/// [`short_amount`] of `len` bytes right-aligned in `text`, `0`s before them.
#[inline]
fn aligned_amount(text: u128, len: usize) -> Option<(u64, u32)> {
    const ONES: u128 = u128::from_le_bytes([1; 16]);
    const HIGHS: u128 = u128::from_le_bytes([0x80; 16]);
    const POINTS: u128 = u128::from_le_bytes([b'.'; 16]);
    // The first `.`: the lowest byte equal to it is found exactly (a
    // borrow runs only into bytes above it).
    let diff = text ^ POINTS;
    let points = diff.wrapping_sub(ONES) & !diff & HIGHS;
    let point = points & points.wrapping_neg();
    // `.` plus 2 is `0`: the point's mark (0x80) moved down six bits.
    let (text, scale, count) = if point == 0 {
        (text, 0, len)
    } else {
        let at = point.trailing_zeros() / 8;
        (
            text.wrapping_add(point >> 6),
            15u32.wrapping_sub(at),
            len.wrapping_sub(1),
        )
    };
    if count == 0 || !all_digits(text) {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the first and last eight digits, taken apart on purpose"
    )]
    let (first, last) = (text as u64, (text >> 64) as u64);
    let value = eight_digits(first)
        .wrapping_mul(100_000_000)
        .wrapping_add(eight_digits(last));
    if point == 0 {
        return Some((value, 0));
    }
    // The digits before the point, then those after, without the zero
    // between them.
    let unit = ten_to(scale)
        .and_then(|power| u64::try_from(power).ok())
        .unwrap_or(1);
    let tens = unit.wrapping_mul(10);
    let whole = value.checked_div(tens).unwrap_or(0);
    let fraction = value.checked_rem(tens).unwrap_or(0);
    Some((whole.wrapping_mul(unit).wrapping_add(fraction), scale))
}

/// Up to sixteen bytes right-aligned in a `u128`, the first lowest, with
/// `0`s before them: two loads of eight bytes (overlapping when there are
/// fewer than sixteen), or for fewer than eight one byte at a time.
#[inline]
fn right_aligned(bytes: &[u8]) -> u128 {
    let len = bytes.len();
    let word = |from: usize| {
        bytes
            .get(from..from.wrapping_add(8))
            .and_then(|word| word.try_into().ok())
            .map_or(0, u64::from_le_bytes)
    };
    if len >= 8 {
        // The bytes before the last eight (0 to 8 of them) go to the top
        // of the first word, `0`s below them.
        let before = u32::try_from(len.wrapping_sub(8)).unwrap_or(8);
        let first = word(0)
            .checked_shl(8u32.saturating_sub(before).wrapping_mul(8))
            .unwrap_or(0)
            | ZEROS.checked_shr(before.wrapping_mul(8)).unwrap_or(0);
        (u128::from(word(len.wrapping_sub(8))) << 64) | u128::from(first)
    } else {
        let last = bytes
            .iter()
            .fold(ZEROS, |word, &byte| (word >> 8) | (u64::from(byte) << 56));
        (u128::from(last) << 64) | u128::from(ZEROS)
    }
}
/// Whether every byte of `text` is an ASCII digit: its high nibble 3, and
/// still 3 once 6 is added (`:` to `?` become `@` to `E`); the first test
/// keeps the addition from carrying into the next byte.
fn all_digits(text: u128) -> bool {
    const HIGH_NIBBLES: u128 = u128::from_le_bytes([0xf0; 16]);
    const THREES: u128 = u128::from_le_bytes([0x30; 16]);
    const SIXES: u128 = u128::from_le_bytes([0x06; 16]);
    text & HIGH_NIBBLES == THREES && text.wrapping_add(SIXES) & HIGH_NIBBLES == THREES
}

/// The value of eight ASCII digits, the first in the lowest byte: pairs,
/// then fours, then the eight are joined by three multiplications.
fn eight_digits(word: u64) -> u64 {
    let word = (word & 0x0f0f_0f0f_0f0f_0f0f).wrapping_mul(2561) >> 8;
    let word = (word & 0x00ff_00ff_00ff_00ff).wrapping_mul(6_553_601) >> 16;
    (word & 0x0000_ffff_0000_ffff).wrapping_mul(42_949_672_960_001) >> 32
}

/// [`parse_amount`] for more than [`WIDE`] digits and point: up to 18
/// digits fit a u64 exactly, read in one pass; longer figures go to
/// Decimal's own parser once every byte is known to be a digit or the point.
fn long_amount(cell: &[u8], negative: bool, digits: &[u8]) -> Option<Decimal> {
    let mut mantissa: u64 = 0;
    let mut count: usize = 0;
    let mut point: Option<usize> = None;
    for &byte in digits {
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
        // Digits, a point and a sign: ASCII.
        return Decimal::from_str_exact(std::str::from_utf8(cell).ok()?).ok();
    }
    let scale = count.saturating_sub(point.unwrap_or(count));
    let mut amount = Decimal::try_from_i128_with_scale(i128::from(mantissa), scale as u32).ok()?;
    // `-0` reads as zero, as Decimal's parser reads it.
    amount.set_sign_negative(negative && mantissa != 0);
    Some(amount)
}

/// One line of the file, to point at its cells.
pub(crate) struct Line<'a> {
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
    pub(crate) fn new(
        text: &'a str,
        bom: usize,
        offset: usize,
        record: Option<&'a Record>,
    ) -> Self {
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

    pub(crate) fn span(&self) -> Span {
        Span::new(self.start, self.start + self.text().len())
    }

    /// The span of cell `index` holding `value`. A line that quotes its
    /// cells has them elsewhere than the record does: they are found in the
    /// line's text, quotes and all, or the whole line is the span (a quoted
    /// cell that runs over a line break).
    pub(crate) fn cell(&self, index: usize, value: &str) -> Span {
        match self.record {
            Some(record) if index < record.len() && !self.text().contains('"') => {
                let (from, to) = record.shown_cell(index, value);
                Span::new(self.start + from, self.start + to)
            }
            _ => match quoted_cell(self.text(), index) {
                Some((from, to)) => Span::new(self.start + from, self.start + to),
                None => self.span(),
            },
        }
    }
}

/// Where cell `index` of a line with quoted cells is, quotes included and
/// spaces around it left out; `None` when a quote is left open (the cell
/// goes on past the line).
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
fn quoted_cell(line: &str, index: usize) -> Option<(usize, usize)> {
    let (mut cell, mut start, mut quoted) = (0, 0, false);
    for (at, byte) in line
        .bytes()
        .enumerate()
        .chain(std::iter::once((line.len(), b',')))
    {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                if cell == index {
                    let text = line.get(start..at)?;
                    let from = start + (text.len() - text.trim_start().len());
                    return Some((from, from + text.trim().len()));
                }
                cell += 1;
                start = at + 1;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A table's rows are checked as a file's: the same series, or the
        /// same problems (kinds and rows), whatever the periods and cells.
        #[test]
        fn typed_rows_are_checked_as_text_rows_are(
            rows in proptest::collection::vec(
                ("(2025|2026|2027|2028|2025Q[1-4]|2026-0[1-3]|FY26)", "(-?[0-9]{1,4}(\\.[0-9]{1,2})?|n/a|)"),
                1..8,
            ),
        ) {
            let text: String = std::iter::once("period,revenue\n".to_string())
                .chain(rows.iter().map(|(period, amount)| format!("{period},{amount}\n")))
                .collect();
            let from_text = read(&text);
            let mut builder = Builder::new(vec!["revenue".into()]);
            for (index, (period, amount)) in rows.iter().enumerate() {
                let amount = amount_of_text(amount).ok_or_else(|| amount.clone());
                let period = Period::parse(period).ok_or_else(|| period.clone());
                // The file's row 2 is the table's row 1.
                builder.typed_row(index + 2, period, &[amount]);
            }
            let from_table = builder.finish(Span::default());
            match (from_text, from_table) {
                (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b),
                (Err(a), Err(b)) => {
                    let kinds = |problems: Vec<Problem>| problems.into_iter().map(|p| p.kind).collect::<Vec<_>>();
                    proptest::prop_assert_eq!(kinds(a), kinds(b));
                }
                (a, b) => proptest::prop_assert!(false, "{a:?} vs {b:?}"),
            }
        }
    }

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
            let parsed = parse_amount(cell.as_bytes());
            proptest::prop_assert_eq!(parsed, expected);
            if let (Some(parsed), Some(expected)) = (parsed, expected) {
                proptest::prop_assert_eq!(parsed.scale(), expected.scale());
                proptest::prop_assert_eq!(parsed.is_sign_negative(), expected.is_sign_negative());
            }
        }
    }

    /// The byte-at-a-time reader [`parse_amount`] used for every cell
    /// before it read sixteen bytes at once.
    fn one_byte_at_a_time(cell: &str) -> Option<Decimal> {
        let (negative, digits) = match cell.as_bytes().first() {
            Some(b'-') => (true, cell.as_bytes().get(1..)?),
            Some(b'+') => (false, cell.as_bytes().get(1..)?),
            _ => (false, cell.as_bytes()),
        };
        long_amount(cell.as_bytes(), negative, digits)
    }

    fn same_amount(ours: Option<Decimal>, theirs: Option<Decimal>) -> bool {
        ours == theirs
            && ours.zip(theirs).is_none_or(|(ours, theirs)| {
                ours.scale() == theirs.scale()
                    && ours.is_sign_negative() == theirs.is_sign_negative()
            })
    }

    proptest::proptest! {
        /// Sixteen bytes at a time read as one byte at a time did, whatever
        /// the bytes: digits next to the point, `/` and `:` on either side
        /// of the digits, a second point, signs, letters, non-ASCII.
        #[test]
        fn amounts_read_as_one_byte_at_a_time(cell in "[-+]?[0-9./:+a\u{e9}\u{660}-]{0,20}") {
            proptest::prop_assert!(same_amount(parse_amount(cell.as_bytes()), one_byte_at_a_time(&cell)), "{:?}", cell);
        }

        /// Every length up to seventeen, with the point anywhere.
        #[test]
        fn amounts_of_every_length_read_as_one_byte_at_a_time(digits in "[0-9]{1,17}", at in 0usize..18, sign in "[-+]?") {
            let at = at.min(digits.len());
            let cell = format!("{sign}{}.{}", &digits[..at], &digits[at..]);
            proptest::prop_assert!(same_amount(parse_amount(cell.as_bytes()), one_byte_at_a_time(&cell)), "{:?}", cell);
            let cell = format!("{sign}{digits}");
            proptest::prop_assert!(same_amount(parse_amount(cell.as_bytes()), one_byte_at_a_time(&cell)), "{:?}", cell);
        }
    }

    proptest::proptest! {
        /// An amount read where its cell starts, with whatever follows the
        /// cell, is the cell's as [`cell_end`] finds it and [`parse_amount`]
        /// reads it: cells of every length around sixteen bytes, near the
        /// end of the text or not, with bytes on either side of `-` and of
        /// the digits after them.
        #[test]
        fn an_amount_at_a_cell_is_the_cells(
            cell in "[-+]?[0-9.]{0,19}[a/:+ ,\"\r\n]?[0-9]{0,2}",
            after in "[,\r\n]?[-+0-9a ,.\"\r\n]{0,20}",
        ) {
            let text = format!("x,{cell}{after}");
            let end = cell_end(text.as_bytes(), 2);
            let expected = parse_amount(&text.as_bytes()[2..end]).map(|amount| (amount, end));
            let found = amount_at(text.as_bytes(), 2);
            proptest::prop_assert_eq!(found.map(|(_, end)| end), expected.map(|(_, end)| end));
            proptest::prop_assert!(same_amount(found.map(|(amount, _)| amount), expected.map(|(amount, _)| amount)), "{:?}", text);
        }
    }

    #[test]
    fn every_length_and_point_reads_as_decimal_reads_it() {
        let digits = "9081726354453627189";
        for len in 1..=digits.len() {
            let whole = &digits[..len];
            for cell in std::iter::once(whole.to_string())
                .chain((0..=len).map(|at| format!("{}.{}", &whole[..at], &whole[at..])))
            {
                for cell in [cell.clone(), format!("-{cell}")] {
                    let theirs = Decimal::from_str_exact(&cell).ok();
                    assert!(same_amount(parse_amount(cell.as_bytes()), theirs), "{cell}");
                }
            }
        }
    }

    #[test]
    fn signed_zeros_and_bare_points_read_as_decimal_reads_them() {
        for cell in ["-0", "-0.00", "+0", "-.5", "0.", "-007.50", "+12"] {
            let (ours, theirs) = (
                parse_amount(cell.as_bytes()),
                Decimal::from_str_exact(cell).ok(),
            );
            assert_eq!(ours, theirs, "{cell}");
            let (ours, theirs) = (ours.unwrap(), theirs.unwrap());
            assert_eq!(ours.scale(), theirs.scale(), "{cell}");
            assert_eq!(ours.is_sign_negative(), theirs.is_sign_negative(), "{cell}");
        }
    }

    #[test]
    fn amounts_refuse_what_is_not_a_plain_decimal() {
        for cell in ["", "-", ".", "1.2.3", "1e5", "1,000", "12a", "--1", " 1"] {
            assert_eq!(parse_amount(cell.as_bytes()), None, "{cell:?}");
        }
    }
}
