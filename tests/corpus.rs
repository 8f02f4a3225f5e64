//! The corpus: every file under `corpus/diagnostics/` produces diagnostics,
//! snapshot-tested without colour at a fixed width; every file under
//! `corpus/valid/` and `examples/` checks clean.

use std::collections::BTreeSet;
use std::path::Path;

use dealterms::diagnostics::{self, CODES, Style};
use dealterms::{Problem, source};

const STYLE: Style = Style::Human {
    color: false,
    width: 80,
};

/// The problems of a file as `deal check` finds them, with the text they
/// point into.
fn problems_of(path: &Path) -> (Vec<Problem>, String) {
    let bytes = std::fs::read(path).expect("corpus file is readable");
    match source::decode(bytes) {
        Ok(text) => match dealterms::compile(&text) {
            Ok((_, warnings)) => (warnings, text),
            Err(problems) => (problems, text),
        },
        Err((problem, shown)) => (vec![problem], shown),
    }
}

#[test]
fn every_diagnostic_file_is_diagnosed_and_snapshotted() {
    insta::glob!("corpus/diagnostics/*.deal", |path| {
        let (problems, text) = problems_of(path);
        assert!(
            !problems.is_empty(),
            "{} produced no diagnostics",
            path.display()
        );
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let rendered = diagnostics::render(&problems, name, &text, STYLE);
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn every_code_has_a_smallest_input() {
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir("tests/corpus/diagnostics").expect("corpus directory") {
        let path = entry.expect("directory entry").path();
        for problem in problems_of(&path).0 {
            seen.insert(problem.kind.code());
        }
    }
    // Neither can be written as a small file: one needs 16 MiB, the other a
    // bug in dealterms. `source::decode` is tested for the first in tests/source.rs.
    let untestable = ["deal::read::too_large", "deal::internal"];
    let missing: Vec<_> = CODES
        .iter()
        .filter(|code| !seen.contains(**code) && !untestable.contains(code))
        .collect();
    assert!(missing.is_empty(), "no corpus file triggers {missing:?}");
}

#[test]
fn valid_files_and_examples_check_clean() {
    let mut checked = 0;
    for dir in ["tests/corpus/valid", "examples"] {
        for entry in std::fs::read_dir(dir).expect("directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "deal") {
                let (problems, text) = problems_of(&path);
                let name = path.display().to_string();
                assert!(
                    problems.is_empty(),
                    "{}",
                    diagnostics::render(&problems, &name, &text, STYLE)
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0);
}
