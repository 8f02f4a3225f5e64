//! Read arbitrary bytes as CSV records, a few bytes per read (the first
//! byte says how many): the same cells as the csv crate reads, each record
//! on a line at or after the last, and a problem rather than a panic on
//! bytes that are not UTF-8.
#![no_main]

use dealterms::records::{Record, Records};
use libfuzzer_sys::fuzz_target;

/// A stream that gives at most `step` bytes a read: the same as the one in
/// src/records.rs's tests, which this crate cannot reach.
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

fuzz_target!(|bytes: &[u8]| {
    let Some((&step, text)) = bytes.split_first() else {
        return;
    };
    let mut records = Records::new(Trickle {
        text,
        step: usize::from(step % 16) + 1,
    });
    let mut record = Record::new();
    let mut ours = Vec::new();
    let mut last_line = 0;
    let failed = loop {
        match records.read(&mut record) {
            Ok(false) => break false,
            Ok(true) => {
                assert!(record.line() >= last_line, "lines go forward");
                last_line = record.line();
                ours.push(record.iter().map(str::to_string).collect::<Vec<_>>());
            }
            Err(_) => break true,
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut theirs = Vec::new();
    let mut row = csv::StringRecord::new();
    let csv_failed = loop {
        match reader.read_record(&mut row) {
            Ok(false) => break false,
            Ok(true) => theirs.push(row.iter().map(str::to_string).collect::<Vec<_>>()),
            Err(_) => break true,
        }
    };
    // Bad UTF-8 stops both. This reader checks the line as read, the csv
    // crate each cell once its quotes are gone (`"\xc3"\xa9` reads as `é`
    // there), so this reader may refuse where the csv crate does not; and it
    // refuses the whole line with the bad byte, so it may give fewer records
    // before it, never others.
    assert!(failed || !csv_failed, "bad bytes the csv crate refuses are refused");
    if failed {
        assert!(theirs.starts_with(&ours));
    } else {
        assert_eq!(ours, theirs);
    }
});
