//! The editor features (`dealterms::ide`, behind `deal lsp`) on arbitrary
//! text: hover, completion, definition and rename at every few bytes, the
//! quick fixes of every problem, and UTF-16 positions that go back to the
//! byte they came from.
#![no_main]

use dealterms::ide::Analysis;
use dealterms::ide::fixes::fix;
use dealterms::ide::lines::LineIndex;
use libfuzzer_sys::fuzz_target;

const SERIES: &str = "period,revenue,sales\n2025Q1,100,200\n2025Q2,1000000,0\n";

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let mut analysis = Analysis::new(text);
    analysis.evaluate(SERIES);
    let lines = LineIndex::new(text);
    for offset in (0..=text.len()).filter(|o| text.is_char_boundary(*o)) {
        let _ = analysis.hover(offset);
        let _ = analysis.completions(offset);
        if let Some(symbol) = analysis.symbol_at(offset) {
            let _ = analysis.definition(symbol);
            let _ = analysis.rename(offset, "renamed");
        }
        let inside_break = offset > 0
            && text.as_bytes().get(offset) == Some(&b'\n')
            && text.as_bytes().get(offset - 1) == Some(&b'\r');
        if !inside_break {
            let (line, character) = lines.position(text, offset);
            assert_eq!(lines.offset(text, line, character), offset);
        }
    }
    let _ = analysis.clauses();
    let _ = analysis.lenses();
    for problem in &analysis.problems {
        if let Some(fix) = fix(problem, text) {
            assert!(text.get(fix.span.start..fix.span.end).is_some());
        }
    }
});
