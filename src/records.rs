//! The records of a CSV stream, read a line at a time from text checked as
//! UTF-8 a chunk at a time. A plain line (no quote, and no carriage return
//! but one before its line feed) is split at its commas here: that is every
//! line of a series as spreadsheets and scripts write one. Any other line
//! goes through `csv_core`, the csv crate's own parser, so quoting and line
//! breaks inside quotes are read exactly as the csv crate reads them;
//! property tests and a fuzz target hold the two to the same records. Each
//! record carries the line it starts on, as an editor numbers lines (the
//! csv crate counts a CRLF file one line short), and where it starts.

use std::io::Read;

use crate::diagnostics::ProblemKind;

/// What a CSV reader says of bytes that are not UTF-8.
pub(crate) const NOT_UTF8: &str = "the file is not UTF-8 text";

/// A cell without its surrounding white space (Unicode's, as `str::trim`),
/// at the cost of two byte tests for the usual cell, which has none.
#[inline]
pub(crate) fn trim(cell: &str) -> &str {
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => cell,
        _ => cell.trim(),
    }
}

/// One record: its cells, and the line and byte it starts on.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// A plain line as read, or the cells of any other record end to end.
    text: String,
    /// Where each cell is in `text`.
    cells: Vec<(usize, usize)>,
    line: usize,
    /// Where the record starts in the stream, in bytes.
    byte: usize,
    /// Whether `text` is the line as written (a plain line), rather than the
    /// cells end to end.
    plain: bool,
}

impl Record {
    pub fn new() -> Record {
        Record::default()
    }

    /// Cell `index`, if the record has that many.
    #[inline]
    pub fn get(&self, index: usize) -> Option<&str> {
        let (from, to) = *self.cells.get(index)?;
        self.text.get(from..to)
    }

    /// Cell `index` as bytes, if the record has that many: without the
    /// checks of where characters start that [`Record::get`] makes, for
    /// comparing a cell with a text.
    #[inline]
    pub fn get_bytes(&self, index: usize) -> Option<&[u8]> {
        let (from, to) = *self.cells.get(index)?;
        self.text.as_bytes().get(from..to)
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Whether every cell is empty or white space (a line of commas, say).
    /// A record whose text starts with a byte that is neither white space
    /// nor a comma has a cell that is neither: the usual row is told so
    /// by its first byte, without a look at each cell.
    #[inline]
    pub fn is_blank(&self) -> bool {
        match self.text.as_bytes().first() {
            Some(byte) if byte.is_ascii_graphic() && *byte != b',' => false,
            _ => self.iter().all(|cell| trim(cell).is_empty()),
        }
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.cells
            .iter()
            .map(|&(from, to)| self.text.get(from..to).unwrap_or_default())
    }

    /// The line the record starts on, from 1.
    pub fn line(&self) -> usize {
        self.line
    }

    /// Where the record starts in the stream, in bytes.
    pub fn byte(&self) -> usize {
        self.byte
    }

    /// The record as written: a plain line as it was, any other with its
    /// cells quoted where they must be, so that a cell with a comma shows
    /// as one.
    pub fn shown(&self) -> String {
        if self.plain {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len().saturating_add(self.cells.len()));
        write_fields(&mut out, self.iter());
        out
    }

    /// Where `value` (cell `index`, perhaps trimmed) is in [`Record::shown`];
    /// the end of the row for a cell the record lacks.
    pub fn shown_cell(&self, index: usize, value: &str) -> (usize, usize) {
        let Some(&(from, to)) = self.cells.get(index) else {
            let end = self.shown_len();
            return (end, end);
        };
        let cell = self.text.get(from..to).unwrap_or_default();
        let lead = cell.len().saturating_sub(cell.trim_start().len());
        let start = if self.plain {
            from.saturating_add(lead)
        } else {
            // The cells before, each with its comma, and the opening quote.
            let before: usize = self
                .iter()
                .take(index)
                .map(|cell| field_len(cell).saturating_add(1))
                .fold(0, usize::saturating_add);
            before
                .saturating_add(usize::from(needs_quotes(cell)))
                .saturating_add(lead)
        };
        let (end, width) = if self.plain {
            (to, value.len())
        } else {
            // Quotes inside a quoted cell are doubled where it is shown.
            let doubled = value.bytes().filter(|&b| b == b'"').count();
            (self.shown_len(), value.len().saturating_add(doubled))
        };
        (start.min(end), start.saturating_add(width).min(end))
    }

    /// The length of [`Record::shown`].
    pub fn shown_len(&self) -> usize {
        if self.plain {
            return self.text.len();
        }
        self.iter()
            .map(|cell| field_len(cell).saturating_add(1))
            .fold(0, usize::saturating_add)
            .saturating_sub(1)
    }
}

/// A stream of CSV records; the first line is a record like any other.
pub struct Records<R: Read> {
    lines: Lines<R>,
    parser: csv_core::Reader,
    /// The number of the line `lines` goes on with, from 1.
    number: usize,
    /// Whether the parser stopped inside a line: the rest of it is its.
    inside_line: bool,
    /// Whether a record has been read: the first goes through the parser,
    /// which takes off a byte-order mark as the csv crate does.
    begun: bool,
    /// Where the line the parser is reading ends in the stream (after its
    /// line feed), found once per line: records split by lone carriage
    /// returns share one line, which must not be searched once per record.
    line_end: usize,
    /// Set once a read failed: the stream reads as ended after it.
    failed: bool,
    /// The fields of the record being parsed, end to end, and where each ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
}

impl<R: Read> Records<R> {
    pub fn new(input: R) -> Records<R> {
        Records {
            lines: Lines::new(input),
            parser: csv_core::Reader::new(),
            number: 1,
            inside_line: false,
            begun: false,
            line_end: 0,
            failed: false,
            fields: vec![0; 256],
            ends: vec![0; 16],
        }
    }

    /// The bytes of the stream read as records so far.
    pub fn offset(&self) -> usize {
        self.lines.offset()
    }

    /// Reads the next record into `record`; `Ok(false)` at the end of the
    /// stream. Blank lines are skipped, as the csv crate skips them.
    pub fn read(&mut self, record: &mut Record) -> Result<bool, ProblemKind> {
        if self.failed {
            return Ok(false);
        }
        // The usual record, a plain line at the start of the rest, read
        // without the general loop's bookkeeping; anything else goes there.
        if self.at_line_start()
            && let Plain::Record(taken) = plain(self.lines.rest(), record)
        {
            self.took_plain(record, taken);
            return Ok(true);
        }
        let read = self.next(record);
        self.failed = read.is_err();
        read
    }

    /// Whether the reader stands at the start of a line, past the first
    /// (whose byte-order mark the parser takes off): where a plain line can
    /// be read without the parser.
    #[inline]
    fn at_line_start(&self) -> bool {
        self.begun && !self.inside_line
    }

    /// The rest of the stream from the start of a line, for a caller that
    /// reads a usual line itself and moves past it with
    /// [`Records::skip_lines`], as [`Records::read`] would have read it as a
    /// plain record. `None` where `read` must go on: before the first record
    /// (the parser takes off a byte-order mark), inside a line, after a
    /// problem, and once the lines read so far are all taken.
    #[inline]
    pub(crate) fn line_start(&self) -> Option<&[u8]> {
        if !self.at_line_start() || self.failed {
            return None;
        }
        Some(self.lines.bytes()).filter(|rest| !rest.is_empty())
    }

    /// Moves past `lines` lines of `taken` bytes in all, line breaks
    /// included, at the start of [`Records::line_start`]'s rest: plain
    /// lines, each with one line break (the last may lack it at the end of
    /// the stream), that its caller read.
    #[inline]
    pub(crate) fn skip_lines(&mut self, taken: usize, lines: usize) {
        self.lines.take(taken);
        self.number = self.number.saturating_add(lines);
    }

    /// Completes `record`, split by [`plain`] from a line of `taken` bytes
    /// (with its line break) at the start of the rest, and moves past it.
    #[inline]
    fn took_plain(&mut self, record: &mut Record, taken: usize) {
        record.plain = true;
        record.line = self.number;
        record.byte = self.lines.offset();
        self.lines.take(taken);
        self.number = self.number.saturating_add(1);
    }

    fn next(&mut self, record: &mut Record) -> Result<bool, ProblemKind> {
        // The line and byte the record starts on, once a byte of it is read.
        let mut start: Option<(usize, usize)> = None;
        let (mut written, mut ended) = (0usize, 0usize);
        loop {
            if self.lines.bytes().is_empty() {
                let number = self.number;
                self.lines.fill().map_err(|detail| ProblemKind::Csv {
                    row: number,
                    detail,
                })?;
            }
            // Between records, at the start of a line: a plain line needs
            // no parser.
            if start.is_none() && self.at_line_start() && !self.lines.bytes().is_empty() {
                match plain(self.lines.rest(), record) {
                    Plain::Record(taken) => {
                        self.took_plain(record, taken);
                        return Ok(true);
                    }
                    Plain::Blank(taken) => {
                        self.lines.take(taken);
                        self.number = self.number.saturating_add(1);
                        continue;
                    }
                    Plain::Not => {}
                }
            }
            let first_call = !self.begun;
            self.begun = true;
            // The rest of the line, or nothing at the end of the stream. The
            // parser may have stopped inside a character (its output full):
            // it is fed bytes.
            let rest = self.lines.bytes();
            let offset = self.lines.offset();
            if self.line_end <= offset {
                self.line_end = rest
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(rest.len(), |at| at.saturating_add(1))
                    .saturating_add(offset);
            }
            let input = rest
                .get(..self.line_end.saturating_sub(offset))
                .unwrap_or(rest);
            if written >= self.fields.len() {
                self.fields.resize(self.fields.len().saturating_mul(2), 0);
            }
            if ended >= self.ends.len() {
                self.ends.resize(self.ends.len().saturating_mul(2), 0);
            }
            let (Some(fields), Some(ends)) =
                (self.fields.get_mut(written..), self.ends.get_mut(ended..))
            else {
                return Ok(false);
            };
            let (result, read, wrote, closed) = self.parser.read_record(input, fields, ends);
            let consumed = input.get(..read).unwrap_or_default();
            // A byte-order mark the parser took off the stream's first
            // bytes is not where the first record starts.
            let mark = if first_call && consumed.starts_with(BOM) {
                BOM.len()
            } else {
                0
            };
            if start.is_none()
                && let Some(first) = consumed
                    .iter()
                    .skip(mark)
                    .position(|b| !matches!(b, b'\r' | b'\n'))
                    .map(|at| at.saturating_add(mark))
            {
                let before = consumed.get(..first).unwrap_or_default();
                start = Some((
                    self.number.saturating_add(breaks(before)),
                    self.lines.offset().saturating_add(first),
                ));
            }
            self.number = self.number.saturating_add(breaks(consumed));
            self.inside_line = read < input.len() || consumed.last().is_some_and(|&b| b != b'\n');
            self.lines.take(read);
            written = written.saturating_add(wrote);
            ended = ended.saturating_add(closed);
            match result {
                csv_core::ReadRecordResult::Record => {
                    let (line, byte) = start.unwrap_or((self.number, self.lines.offset()));
                    record.byte = byte;
                    return self.record(record, written, ended, line).map(|()| true);
                }
                csv_core::ReadRecordResult::End => return Ok(false),
                csv_core::ReadRecordResult::InputEmpty
                | csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
            }
        }
    }

    /// The parsed fields as `record`, which starts on `line`.
    fn record(
        &self,
        record: &mut Record,
        written: usize,
        ended: usize,
        line: usize,
    ) -> Result<(), ProblemKind> {
        // The fields come from checked text, cut at ASCII bytes.
        let not_utf8 = || ProblemKind::Csv {
            row: line,
            detail: NOT_UTF8.to_string(),
        };
        let fields = self.fields.get(..written).ok_or_else(not_utf8)?;
        record.text.clear();
        record
            .text
            .push_str(std::str::from_utf8(fields).map_err(|_| not_utf8())?);
        record.plain = false;
        record.cells.clear();
        let mut from = 0;
        for &end in self.ends.get(..ended).unwrap_or_default() {
            record.cells.push((from, end));
            from = end;
        }
        record.line = line;
        Ok(())
    }
}

/// Appends CSV fields separated by commas, each as [`write_field`] writes it.
pub(crate) fn write_fields<'f>(out: &mut String, fields: impl IntoIterator<Item = &'f str>) {
    for (index, text) in fields.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_field(out, text);
    }
}

/// Appends one CSV field, quoted only where it must be (a comma, a quote or
/// a line break), quotes doubled: the csv crate's own rule.
pub(crate) fn write_field(out: &mut String, text: &str) {
    if !needs_quotes(text) {
        out.push_str(text);
        return;
    }
    out.push('"');
    for piece in text.split_inclusive('"') {
        out.push_str(piece);
        if piece.ends_with('"') {
            out.push('"');
        }
    }
    out.push('"');
}

fn needs_quotes(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// The length of [`write_field`]'s text.
fn field_len(text: &str) -> usize {
    if !needs_quotes(text) {
        return text.len();
    }
    let quotes = text.bytes().filter(|&b| b == b'"').count();
    text.len().saturating_add(quotes).saturating_add(2)
}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// The length of the UTF-8 byte-order mark `text` starts with, if any: a
/// spreadsheet's export often has one, and cells are read after it.
pub(crate) fn bom_len(text: &str) -> usize {
    if text.as_bytes().starts_with(BOM) {
        BOM.len()
    } else {
        0
    }
}

fn breaks(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// What the line at the start of some text is.
enum Plain {
    /// A plain line, split into the record; it and its line break take
    /// this many bytes.
    Record(usize),
    /// A line with nothing on it, of this many bytes.
    Blank(usize),
    /// A line for the parser: it has a quote or a carriage return other
    /// than one before its line feed.
    Not,
}

/// Splits the line at the start of `text` into `record` at its commas, in
/// one pass over its bytes, if it is plain. The bytes are looked at eight
/// at a time: a comma, a line break and a quote are all below `-`, and a
/// row of a series has few such bytes (its commas and its line feed; digits,
/// `-` and letters are not), so a word without one is passed over in a few
/// instructions. memchr's calls cost more than they save on lines this short.
fn plain(text: &str, record: &mut Record) -> Plain {
    let bytes = text.as_bytes();
    record.cells.clear();
    let mut from = 0;
    // The line's length without its line break, and with.
    let mut line = None;
    let mut words = bytes.chunks_exact(WORD);
    let mut base = 0usize;
    'words: for word in words.by_ref() {
        let mut marks = below_dash(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        while marks != 0 {
            // Each mark's byte is looked at: a mark above a byte below `-`
            // may be a `-` itself.
            let at = base.saturating_add(marks.trailing_zeros() as usize / 8);
            match split_at(bytes, at, &mut from, record) {
                Split::Go => {}
                Split::End(end, taken) => {
                    line = Some((end, taken));
                    break 'words;
                }
                Split::Not => return Plain::Not,
            }
            marks &= marks.wrapping_sub(1);
        }
        base = base.saturating_add(WORD);
    }
    if line.is_none() {
        for at in base..bytes.len() {
            match split_at(bytes, at, &mut from, record) {
                Split::Go => {}
                Split::End(end, taken) => {
                    line = Some((end, taken));
                    break;
                }
                Split::Not => return Plain::Not,
            }
        }
    }
    let (end, taken) = line.unwrap_or((bytes.len(), bytes.len()));
    if end == 0 {
        return Plain::Blank(taken);
    }
    record.cells.push((from, end));
    record.text.clear();
    record.text.push_str(text.get(..end).unwrap_or_default());
    Plain::Record(taken)
}

/// Bytes [`plain`] looks at a time.
const WORD: usize = 8;

/// Where a cell that starts at `from` in `bytes` ends, for a caller that
/// expects digits, a point, dashes or letters there (an amount, with a sign
/// first, or a label): at the first byte after `from` below `-`, which a
/// comma, a line break, a quote, white space and a sign all are, or at the
/// end of the bytes. Eight bytes are looked at a time, as in [`plain`].
#[inline]
pub(crate) fn cell_end(bytes: &[u8], from: usize) -> usize {
    let mut at = from.saturating_add(1);
    while let Some(word) = bytes.get(at..at.saturating_add(WORD)) {
        let marks = below_dash(u64::from_le_bytes(word.try_into().unwrap_or_default()));
        if marks != 0 {
            // The lowest mark is exact: a borrow runs only upwards.
            return at.saturating_add(marks.trailing_zeros() as usize / 8);
        }
        at = at.saturating_add(WORD);
    }
    while let Some(&byte) = bytes.get(at) {
        if byte < b'-' {
            return at;
        }
        at = at.saturating_add(1);
    }
    bytes.len().max(from)
}

/// The high bit of each byte of `word` (in memory order, least significant
/// first) that is below `-`, and perhaps of bytes above such a byte that
/// are not: the borrow of one byte's subtraction runs into the next. A
/// byte of a UTF-8 sequence (high bit set) is never marked.
#[inline(always)]
fn below_dash(word: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; WORD]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; WORD]);
    word.wrapping_sub(ONES.wrapping_mul(u64::from(b'-'))) & !word & HIGHS
}

/// What [`split_at`] found at a byte of a line.
enum Split {
    /// Nothing that ends the line: go on.
    Go,
    /// The line's end: its length without its line break, and with.
    End(usize, usize),
    /// A quote or a lone carriage return: the line is not plain.
    Not,
}

/// Looks at byte `at` of the line at the start of `bytes`: a comma ends a
/// cell (from `from`), a line break the line.
#[inline(always)]
fn split_at(bytes: &[u8], at: usize, from: &mut usize, record: &mut Record) -> Split {
    match bytes.get(at) {
        Some(b',') => {
            record.cells.push((*from, at));
            *from = at.saturating_add(1);
            Split::Go
        }
        Some(b'\n') => Split::End(at, at.saturating_add(1)),
        Some(b'\r') if bytes.get(at.saturating_add(1)) == Some(&b'\n') => {
            Split::End(at, at.saturating_add(2))
        }
        Some(b'"' | b'\r') => Split::Not,
        _ => Split::Go,
    }
}

/// Bytes read from the stream at a time.
const CHUNK: usize = 1 << 16;

/// The longest line a streamed series may have: 1 MiB. A stream is read a
/// line at a time, so this bounds its memory (`/dev/zero` has no line
/// break and would otherwise be read until memory runs out).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The lines of a stream as text: read a chunk at a time, and checked as
/// UTF-8 a chunk at a time, whole lines only.
struct Lines<R: Read> {
    input: R,
    /// Whole lines read and checked (the last may lack its line break at
    /// the end of the stream), and how much of them has been taken.
    text: String,
    taken: usize,
    /// The bytes of the stream before `text`.
    before: usize,
    /// Bytes read but not yet checked: the start of a line still coming.
    raw: Vec<u8>,
    /// Whether the stream has ended.
    ended: bool,
    /// What went wrong after the lines in `text`, told once they are taken.
    problem: Option<String>,
}

impl<R: Read> Lines<R> {
    fn new(input: R) -> Lines<R> {
        Lines {
            input,
            text: String::new(),
            taken: 0,
            before: 0,
            raw: Vec::new(),
            ended: false,
            problem: None,
        }
    }

    /// The lines not yet taken, from the start of a line (where `taken`
    /// is at a character's start).
    fn rest(&self) -> &str {
        self.text.get(self.taken..).unwrap_or_default()
    }

    /// The bytes not yet taken, wherever `taken` is.
    fn bytes(&self) -> &[u8] {
        self.text.as_bytes().get(self.taken..).unwrap_or_default()
    }

    /// Takes `len` bytes of the rest.
    fn take(&mut self, len: usize) {
        self.taken = self.taken.saturating_add(len).min(self.text.len());
    }

    /// Where the rest starts in the stream, in bytes.
    fn offset(&self) -> usize {
        self.before.saturating_add(self.taken)
    }

    /// Once every line is taken, reads more: the rest stays empty only at
    /// the end of the stream. Tells what went wrong (in words) when the
    /// next line cannot be read or is not UTF-8.
    fn fill(&mut self) -> Result<(), String> {
        self.before = self.before.saturating_add(self.text.len());
        self.text.clear();
        self.taken = 0;
        while self.text.is_empty() {
            if let Some(problem) = self.problem.take() {
                self.ended = true;
                self.raw.clear();
                return Err(problem);
            }
            if self.ended {
                // The last line, without a line break.
                let all = self.raw.len();
                self.check(all);
                return match self.problem.take() {
                    Some(problem) if self.text.is_empty() => Err(problem),
                    problem => {
                        self.problem = problem;
                        Ok(())
                    }
                };
            }
            let old = self.raw.len();
            // Into the buffer's spare room, without filling it first.
            let read = self
                .input
                .by_ref()
                .take(CHUNK as u64)
                .read_to_end(&mut self.raw);
            // Only the bytes just read: those before hold no line break. A
            // carriage return ends a line too (a classic Mac file has no
            // line feeds), and is never inside a character.
            let fresh = self.raw.get(old..).unwrap_or_default();
            if let Some(last) = fresh.iter().rposition(|&b| b == b'\n' || b == b'\r') {
                self.check(old.saturating_add(last).saturating_add(1));
            }
            if self.text.is_empty() && self.raw.len() > MAX_LINE_BYTES {
                // Told on the next turn, as a read error is.
                self.problem.get_or_insert_with(|| {
                    format!("a line is longer than {} MiB", MAX_LINE_BYTES >> 20)
                });
                continue;
            }
            match read {
                Ok(0) => self.ended = true,
                Ok(_) => {}
                // After the lines read before it, and after any bad byte in them.
                Err(error) => {
                    self.problem.get_or_insert(error.to_string());
                }
            }
        }
        Ok(())
    }

    /// Makes the first `len` raw bytes (whole lines) the text, as far as
    /// they are UTF-8; what follows a bad byte is a problem. The bytes are
    /// checked where they were read, not copied: the text's spent buffer
    /// takes what comes after them.
    fn check(&mut self, len: usize) {
        let mut after = std::mem::take(&mut self.text).into_bytes();
        after.clear();
        after.extend_from_slice(self.raw.get(len..).unwrap_or_default());
        self.raw.truncate(len);
        let lines = std::mem::replace(&mut self.raw, after);
        self.text = match String::from_utf8(lines) {
            Ok(text) => text,
            Err(error) => {
                let valid = error.utf8_error().valid_up_to();
                let mut bytes = error.into_bytes();
                let whole = bytes
                    .get(..valid)
                    .and_then(|valid| valid.iter().rposition(|&b| b == b'\n'))
                    .map_or(0, |at| at.saturating_add(1));
                bytes.truncate(whole);
                self.problem = Some(NOT_UTF8.to_string());
                // Whole lines before the bad byte: UTF-8.
                String::from_utf8(bytes).unwrap_or_default()
            }
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = Result<(usize, Vec<String>), String>;

    /// Every record as the csv crate reads the whole text.
    fn by_csv(text: &[u8]) -> Vec<Read> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text);
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => out.push(Ok(lined(&record))),
                Err(error) => {
                    out.push(Err(error.to_string()));
                    break;
                }
            }
        }
        out
    }

    fn by_lines(text: &[u8]) -> Vec<Read> {
        by_records(Records::new(text))
    }

    /// A stream that gives at most `step` bytes a read. The records fuzz
    /// target (fuzz/fuzz_targets/records.rs) has the same one: a separate
    /// crate, it cannot reach test code.
    struct Trickle<'t> {
        text: &'t [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.text.len());
            let (now, later) = self.text.split_at(n);
            buf[..n].copy_from_slice(now);
            self.text = later;
            Ok(n)
        }
    }

    fn by_records(mut records: Records<impl std::io::Read>) -> Vec<Read> {
        let mut record = Record::new();
        let mut out = Vec::new();
        loop {
            match records.read(&mut record) {
                Ok(false) => break,
                Ok(true) => out.push(Ok((
                    record.line,
                    record.iter().map(str::to_string).collect(),
                ))),
                Err(kind) => {
                    out.push(Err(format!("{kind:?}")));
                    break;
                }
            }
        }
        out
    }

    fn lined(record: &csv::StringRecord) -> (usize, Vec<String>) {
        let line = record
            .position()
            .and_then(|p| usize::try_from(p.line()).ok())
            .unwrap_or(0);
        (line, record.iter().map(str::to_string).collect())
    }

    fn cells(reads: &[Read]) -> Vec<Option<Vec<String>>> {
        reads
            .iter()
            .map(|read| read.as_ref().ok().map(|(_, cells)| cells.clone()))
            .collect()
    }

    fn lines(reads: &[Read]) -> Vec<usize> {
        reads
            .iter()
            .filter_map(|read| read.as_ref().ok().map(|(line, _)| *line))
            .collect()
    }

    fn owned(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|cell| (*cell).to_string()).collect()
    }

    #[test]
    fn plain_lines_are_split_at_commas_on_their_own_lines() {
        let text = b"deal,period,revenue\nd1,2025-01,10.5\r\nd1,2025-02,\r\n\nd1,2025-03,3";
        let read = by_lines(text);
        assert_eq!(cells(&read), cells(&by_csv(text)));
        assert_eq!(lines(&read), [1, 2, 3, 5]);
        assert_eq!(read.last(), Some(&Ok((5, owned(&["d1", "2025-03", "3"])))));
    }

    #[test]
    fn quoted_lines_are_read_as_the_csv_crate_reads_them() {
        let text = b"a,b\n1,2\n\"x\ny\",3\n4,\"5\"\"\"\r\n6,7\n\"last\"";
        let read = by_lines(text);
        assert_eq!(cells(&read), cells(&by_csv(text)));
        assert_eq!(lines(&read), [1, 2, 3, 5, 6, 7]);
        assert_eq!(read.get(2), Some(&Ok((3, owned(&["x\ny", "3"])))));
        assert_eq!(read.get(3), Some(&Ok((5, owned(&["4", "5\""])))));
    }

    #[test]
    fn a_byte_order_mark_is_taken_off_the_first_line_only() {
        let text = "\u{feff}deal,period\n\u{feff}d1,2025-01\n".as_bytes();
        assert_eq!(
            by_lines(text),
            [
                Ok((1, owned(&["deal", "period"]))),
                Ok((2, owned(&["\u{feff}d1", "2025-01"])))
            ]
        );
        assert_eq!(cells(&by_lines(text)), cells(&by_csv(text)));
    }

    #[test]
    fn bad_utf8_is_reported_on_its_line() {
        for text in [&b"a,b\r\n1,2\r\n3,\xff\r\n"[..], b"a,b\n1,2\n\"3\",\xff\n"] {
            assert_eq!(
                by_lines(text).last(),
                Some(&Err(format!(
                    "{:?}",
                    ProblemKind::Csv {
                        row: 3,
                        detail: NOT_UTF8.into()
                    }
                )))
            );
        }
    }

    #[test]
    fn good_lines_before_a_bad_byte_are_read_first() {
        let mut text = "d,2025-01,1\n".repeat(10_000).into_bytes();
        text.extend_from_slice(b"d,2025-02,\xff\nd,2025-03,3\n");
        let read = by_lines(&text);
        assert_eq!(read.len(), 10_001);
        assert_eq!(
            read.last(),
            Some(&Err(format!(
                "{:?}",
                ProblemKind::Csv {
                    row: 10_001,
                    detail: NOT_UTF8.into()
                }
            )))
        );
    }

    /// A stream that gives its text, then fails.
    struct Failing<'t> {
        text: &'t [u8],
    }

    impl std::io::Read for Failing<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.text.is_empty() {
                return Err(std::io::Error::other("the disk went away"));
            }
            let n = self.text.len().min(buf.len());
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_failing_stream_gives_its_lines_then_its_problem() {
        let read = by_records(Records::new(Failing {
            text: b"a,b\n1,2\n3,",
        }));
        assert_eq!(lines(&read), [1, 2]);
        assert_eq!(
            read.last(),
            Some(&Err(format!(
                "{:?}",
                ProblemKind::Csv {
                    row: 3,
                    detail: "the disk went away".into()
                }
            )))
        );
    }

    #[test]
    fn a_character_cut_by_the_parsers_full_buffer_is_read_whole() {
        // The parser's first buffer holds 256 bytes: `é` straddles its end.
        for text in [
            format!("\"{}é\",1\nb,2\nc,3\n", "x".repeat(255)),
            format!("{}é,b\n1,2\n", "x".repeat(255)),
            format!("a\r{}é\n", "x".repeat(255)),
        ] {
            let read = by_lines(text.as_bytes());
            assert!(read.iter().all(Result::is_ok), "{:?}", read.last());
            assert!(cells(&read) == cells(&by_csv(text.as_bytes())));
        }
    }

    #[test]
    fn records_split_by_lone_carriage_returns_are_read_alike() {
        let text = "d1,2025-01,10.5\r".repeat(20_000);
        let read = by_lines(text.as_bytes());
        assert_eq!(read.len(), 20_000);
        assert!(cells(&read) == cells(&by_csv(text.as_bytes())));
    }

    #[test]
    fn a_header_after_a_byte_order_mark_and_a_blank_line_is_on_line_two() {
        let read = by_lines("\u{feff}\r\ndeal,period\n".as_bytes());
        assert_eq!(read, [Ok((2, owned(&["deal", "period"])))]);
    }

    #[test]
    fn after_a_problem_the_stream_reads_as_ended() {
        let mut records = Records::new(Failing { text: b"a\n\"x\ny" });
        let mut record = Record::new();
        assert_eq!(records.read(&mut record), Ok(true));
        assert!(records.read(&mut record).is_err());
        assert_eq!(records.read(&mut record), Ok(false));
    }

    #[test]
    fn a_line_longer_than_a_chunk_is_read_whole() {
        let long = "x".repeat(3 * CHUNK + 7);
        let text = format!("a,b\n{long},1\r\nc,d");
        let read = by_lines(text.as_bytes());
        assert!(cells(&read) == cells(&by_csv(text.as_bytes())));
        assert_eq!(lines(&read), [1, 2, 3]);
    }

    #[test]
    fn a_record_is_shown_as_written_and_its_cells_found_there() {
        let text = "d1, 2025-01 ,10\n\"d,2\",\"say \"\"hi\"\"\", 7 \n";
        let mut records = Records::new(text.as_bytes());
        let mut record = Record::new();
        let mut shown = Vec::new();
        while records.read(&mut record) == Ok(true) {
            let row = record.shown();
            let cells: Vec<String> = (0..record.len())
                .map(|index| {
                    let value = record.get(index).unwrap_or_default().trim();
                    let (from, to) = record.shown_cell(index, value);
                    row[from..to].to_string()
                })
                .collect();
            assert_eq!(record.shown_cell(9, "x"), (row.len(), row.len()));
            shown.push((row, cells));
        }
        assert_eq!(
            shown,
            [
                (
                    "d1, 2025-01 ,10".to_string(),
                    owned(&["d1", "2025-01", "10"])
                ),
                (
                    "\"d,2\",\"say \"\"hi\"\"\", 7 ".to_string(),
                    owned(&["d,2", "say \"\"hi\"\"", "7"])
                ),
            ]
        );
    }

    proptest::proptest! {
        /// A shown record reads back as the record.
        #[test]
        fn a_shown_record_reads_back(text in "[ab, \"\\r\\n]{0,40}") {
            let mut records = Records::new(text.as_bytes());
            let mut record = Record::new();
            while records.read(&mut record) == Ok(true) {
                let again = by_lines(record.shown().as_bytes());
                let cells: Vec<String> = record.iter().map(str::to_string).collect();
                let blank = cells.iter().all(String::is_empty);
                proptest::prop_assert!(blank || again == [Ok((1, cells))]);
            }
        }
    }

    #[test]
    fn long_fields_and_many_cells_grow_the_buffers() {
        let long = "x".repeat(1000);
        let many = vec!["y"; 100].join(",");
        let text = format!("\"{long}\",{many}\n\"{long}\"\n");
        let read = by_lines(text.as_bytes());
        assert_eq!(read, by_csv(text.as_bytes()));
        assert_eq!(
            read.first()
                .and_then(|r| r.as_ref().ok())
                .map(|(_, c)| c.len()),
            Some(101)
        );
    }

    /// Where each record of a text without quotes starts: at a byte that is
    /// no line break, first on its line or after a carriage return.
    fn starts(text: &str) -> Vec<usize> {
        let bytes = text.as_bytes();
        let mut line = 1;
        let mut starts = Vec::new();
        for (index, &byte) in bytes.iter().enumerate() {
            let after_break = index == 0 || matches!(bytes.get(index - 1), Some(b'\r' | b'\n'));
            if byte == b'\n' {
                line += 1;
            } else if byte != b'\r' && after_break {
                starts.push(line);
            }
        }
        starts
    }

    proptest::proptest! {
        /// Whatever the text, this reader gives the csv crate's records.
        #[test]
        fn records_are_the_csv_crates(text in "[ab, \"\\r\\n]{0,40}") {
            proptest::prop_assert_eq!(cells(&by_lines(text.as_bytes())), cells(&by_csv(text.as_bytes())));
        }

        /// Longer texts, with two-byte characters, cross the parser's buffer
        /// sizes (256, 512 bytes) at every offset.
        #[test]
        fn long_records_are_the_csv_crates(text in "[ab,x \"\\r\\n\u{e9}]{200,700}") {
            let read = by_lines(text.as_bytes());
            proptest::prop_assert!(read.iter().all(Result::is_ok));
            proptest::prop_assert_eq!(cells(&read), cells(&by_csv(text.as_bytes())));
        }

        /// Dashes and tabs, which sit next to the bytes a plain line is
        /// split at, and lines longer than the eight bytes it looks at
        /// at a time.
        #[test]
        fn records_with_dashes_are_the_csv_crates(text in "[a,\\- \t\"\\r\\n]{0,60}") {
            proptest::prop_assert_eq!(cells(&by_lines(text.as_bytes())), cells(&by_csv(text.as_bytes())));
        }

        /// However the stream cuts its reads, the records are the same.
        #[test]
        fn reads_of_any_size_give_the_same_records(text in "[ab, \"\\r\\n\u{e9}]{0,40}", step in 1usize..8) {
            let whole = by_lines(text.as_bytes());
            let trickled = by_records(Records::new(Trickle { text: text.as_bytes(), step }));
            proptest::prop_assert_eq!(trickled, whole);
        }

        /// Without quotes, each record is on the line where it starts.
        #[test]
        fn records_are_on_their_lines(text in "[ab, \\r\\n]{0,40}") {
            proptest::prop_assert_eq!(lines(&by_lines(text.as_bytes())), starts(&text));
        }
    }
}
