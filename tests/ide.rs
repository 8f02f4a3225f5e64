//! The editor features of the library (`dealterms::ide`, behind `deal
//! lsp`) on every input the corpora hold: no panic, and positions that go
//! to UTF-16 and back to the same byte. The fuzz corpora are read when they
//! are there (`fuzz/seed.sh` and the fuzzers make them; a fresh clone has
//! none).

use dealterms::ide::Analysis;
use dealterms::ide::fixes::fix;
use dealterms::ide::lines::LineIndex;

fn inputs() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    let dirs = [
        "tests/corpus/diagnostics",
        "tests/corpus/fmt",
        "tests/corpus/eval",
        "tests/corpus/valid",
        "examples",
        "fuzz/corpus/check",
        "fuzz/corpus/fmt",
    ];
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        // A few thousand of a fuzz corpus's files are enough to meet its
        // shapes; all of them take minutes.
        for path in paths.into_iter().take(3_000) {
            if let Ok(bytes) = std::fs::read(&path) {
                files.push(bytes);
            }
        }
    }
    files
}

#[test]
fn every_feature_answers_on_every_input() {
    let mut analysed = 0;
    for bytes in inputs() {
        let text = String::from_utf8_lossy(&bytes);
        let mut analysis = Analysis::new(&text);
        analysis.evaluate("period,revenue\n2025Q1,100\n2025Q2,200\n");
        let lines = LineIndex::new(&text);
        let step = (text.len() / 40).max(1);
        for offset in (0..=text.len())
            .step_by(step)
            .filter(|o| text.is_char_boundary(*o))
        {
            let _ = analysis.hover(offset);
            let _ = analysis.completions(offset);
            if let Some(symbol) = analysis.symbol_at(offset) {
                let _ = analysis.definition(symbol);
                let _ = analysis.rename(offset, "renamed");
            }
            // Between the `\r` and `\n` of a line break is no position.
            let inside_break = text.as_bytes().get(offset) == Some(&b'\n')
                && offset > 0
                && text.as_bytes().get(offset - 1) == Some(&b'\r');
            let (line, character) = lines.position(&text, offset);
            if !inside_break {
                assert_eq!(
                    lines.offset(&text, line, character),
                    offset,
                    "offset {offset}"
                );
            }
        }
        let _ = analysis.clauses();
        let _ = analysis.lenses();
        for problem in &analysis.problems {
            if let Some(fix) = fix(problem, &text) {
                assert!(text.get(fix.span.start..fix.span.end).is_some());
            }
        }
        analysed += 1;
    }
    assert!(analysed > 100, "{analysed}");
}
