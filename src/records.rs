//! The records of a CSV stream, read a line at a time. A plain line (no
//! quote, and no carriage return but one before its line feed) is split at
//! its commas here: that is every line of a series as spreadsheets and
//! scripts write one. Any other line goes through `csv_core`, the csv
//! crate's own parser, so quoting and line breaks inside quotes are read
//! exactly as the csv crate reads them; a property test holds the two to
//! the same records. Each record carries the line it starts on, as an
//! editor numbers lines (the csv crate counts a CRLF file one line short).

use std::io::BufRead;

use crate::diagnostics::ProblemKind;
use crate::series::NOT_UTF8;

/// One record: its cells, and the line it starts on.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// A plain line as read, or the cells of any other record end to end.
    text: String,
    /// Where each cell is in `text`.
    cells: Vec<(usize, usize)>,
    line: u64,
    /// Where the record starts in the stream, in bytes.
    byte: usize,
}

impl Record {
    pub fn new() -> Record {
        Record::default()
    }

    /// Cell `index`, if the record has that many.
    pub fn get(&self, index: usize) -> Option<&str> {
        let (from, to) = *self.cells.get(index)?;
        self.text.get(from..to)
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.cells
            .iter()
            .map(|&(from, to)| self.text.get(from..to).unwrap_or_default())
    }

    /// The line the record starts on, from 1.
    pub fn line(&self) -> usize {
        usize::try_from(self.line).unwrap_or(usize::MAX)
    }

    /// Where the record starts in the stream, in bytes.
    pub fn byte(&self) -> usize {
        self.byte
    }
}

/// A stream of CSV records; the first line is a record like any other.
pub struct Records<R: BufRead> {
    input: R,
    parser: csv_core::Reader,
    /// A line that is not plain, with its line break, and how much of it
    /// the parser has read.
    line: String,
    at: usize,
    /// The number of the line last read, from 1, and where it starts.
    number: u64,
    line_start: usize,
    /// The bytes read so far.
    offset: usize,
    /// Whether the stream has ended.
    ended: bool,
    /// The fields of the record being parsed, end to end, and where each ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
}

impl<R: BufRead> Records<R> {
    pub fn new(input: R) -> Records<R> {
        Records {
            input,
            parser: csv_core::Reader::new(),
            line: String::new(),
            at: 0,
            number: 0,
            line_start: 0,
            offset: 0,
            ended: false,
            fields: vec![0; 256],
            ends: vec![0; 16],
        }
    }

    /// The bytes read from the stream so far.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Reads the next record into `record`; `Ok(false)` at the end of the
    /// stream. Blank lines are skipped, as the csv crate skips them.
    pub fn read(&mut self, record: &mut Record) -> Result<bool, ProblemKind> {
        // The line and byte the record starts on, once a byte of it is read.
        let mut start: Option<(u64, usize)> = None;
        let (mut written, mut ended) = (0usize, 0usize);
        loop {
            if self.at >= self.line.len() && !self.ended {
                // The parser is between records (nothing but line breaks
                // read since the last): a plain line needs no parser. The
                // first line goes through it, which takes off a byte-order
                // mark as the csv crate does.
                let between = start.is_none() && self.number > 0;
                self.at = 0;
                self.line.clear();
                record.text.clear();
                let text = if between {
                    &mut record.text
                } else {
                    &mut self.line
                };
                let read = read_line(&mut self.input, text, &mut self.number);
                self.line_start = self.offset;
                self.offset = self.offset.saturating_add(text.len());
                if !read.inspect_err(|_| self.ended = true)? {
                    self.ended = true;
                } else if between {
                    if split(&record.text, &mut record.cells) {
                        if record.cells.len() == 1 && record.get(0) == Some("") {
                            continue;
                        }
                        record.line = self.number;
                        record.byte = self.line_start;
                        return Ok(true);
                    }
                    std::mem::swap(&mut self.line, &mut record.text);
                }
            }
            let input = self.line.as_bytes().get(self.at..).unwrap_or_default();
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
            if start.is_none()
                && let Some(first) = input
                    .get(..read)
                    .and_then(|bytes| bytes.iter().position(|b| !matches!(b, b'\r' | b'\n')))
            {
                let byte = self
                    .line_start
                    .saturating_add(self.at)
                    .saturating_add(first);
                start = Some((self.number, byte));
            }
            self.at = self.at.saturating_add(read);
            written = written.saturating_add(wrote);
            ended = ended.saturating_add(closed);
            match result {
                csv_core::ReadRecordResult::Record => {
                    let (line, byte) = start.unwrap_or((self.number, self.line_start));
                    record.byte = byte;
                    return self.record(record, written, ended, line).map(|()| true);
                }
                csv_core::ReadRecordResult::End => return Ok(false),
                // Nothing more will come: the parser has had its last word.
                csv_core::ReadRecordResult::InputEmpty if self.ended => return Ok(false),
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
        line: u64,
    ) -> Result<(), ProblemKind> {
        // The fields come from whole lines of text, cut at ASCII bytes.
        let not_utf8 = || ProblemKind::Csv {
            row: row(line),
            detail: NOT_UTF8.to_string(),
        };
        let fields = self.fields.get(..written).ok_or_else(not_utf8)?;
        record.text.clear();
        record
            .text
            .push_str(std::str::from_utf8(fields).map_err(|_| not_utf8())?);
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

/// Reads the next line into `text`, counting it in `number`; `false` at
/// the end of the stream.
fn read_line(
    input: &mut impl BufRead,
    text: &mut String,
    number: &mut u64,
) -> Result<bool, ProblemKind> {
    let next = number.saturating_add(1);
    match input.read_line(text) {
        Ok(0) => Ok(false),
        Ok(_) => {
            *number = next;
            Ok(true)
        }
        Err(error) => {
            let detail = if error.kind() == std::io::ErrorKind::InvalidData {
                NOT_UTF8.to_string()
            } else {
                error.to_string()
            };
            Err(ProblemKind::Csv {
                row: row(next),
                detail,
            })
        }
    }
}

fn row(line: u64) -> usize {
    usize::try_from(line).unwrap_or(usize::MAX)
}

/// Splits a plain line (no quote, and no carriage return but one before
/// its line feed) into `cells` at its commas; `false` if it is not plain.
fn split(line: &str, cells: &mut Vec<(usize, usize)>) -> bool {
    let bytes = line.as_bytes();
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    cells.clear();
    let mut from = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        match byte {
            b',' => {
                cells.push((from, at));
                from = at.saturating_add(1);
            }
            b'"' | b'\r' => return false,
            _ => {}
        }
    }
    cells.push((from, bytes.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = Result<(u64, Vec<String>), String>;

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
        let mut records = Records::new(text);
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

    fn lined(record: &csv::StringRecord) -> (u64, Vec<String>) {
        let line = record.position().map_or(0, csv::Position::line);
        (line, record.iter().map(str::to_string).collect())
    }

    fn cells(reads: &[Read]) -> Vec<Option<Vec<String>>> {
        reads
            .iter()
            .map(|read| read.as_ref().ok().map(|(_, cells)| cells.clone()))
            .collect()
    }

    fn lines(reads: &[Read]) -> Vec<u64> {
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
    fn starts(text: &str) -> Vec<u64> {
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

        /// Without quotes, each record is on the line where it starts.
        #[test]
        fn records_are_on_their_lines(text in "[ab, \\r\\n]{0,40}") {
            proptest::prop_assert_eq!(lines(&by_lines(text.as_bytes())), starts(&text));
        }
    }
}
