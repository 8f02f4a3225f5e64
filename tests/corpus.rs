//! The corpus: every file under `corpus/diagnostics/` produces diagnostics,
//! snapshot-tested without colour at a fixed width; every file under
//! `corpus/valid/` and `examples/` checks clean.

use std::collections::BTreeSet;
use std::path::Path;

use dealterms::diagnostics::{self, CODES, Quote, Style};
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
        insta::assert_snapshot!(diagnosed(path, problems_of));
    });
}

/// The problems of a series file, with its text.
/// A counterparty's statement for `deal reconcile`, with the default
/// column names.
fn reported_problems_of(path: &Path) -> (Vec<Problem>, String) {
    let text = std::fs::read_to_string(path).expect("reported file is text");
    let names = dealterms::reconcile::ReportedColumns::default();
    (
        dealterms::reconcile::reported::read(&text, &names, false)
            .err()
            .unwrap_or_default(),
        text,
    )
}

fn series_problems_of(path: &Path) -> (Vec<Problem>, String) {
    let text = std::fs::read_to_string(path).expect("series file is text");
    (
        dealterms::series::read(&text).err().unwrap_or_default(),
        text,
    )
}

/// The problems of evaluating `name.deal` against `name.csv`, and of its
/// expectations, with the deal text.
fn eval_problems_of(deal: &Path) -> (Vec<Problem>, String) {
    let text = std::fs::read_to_string(deal).expect("deal file is text");
    let series_text =
        std::fs::read_to_string(deal.with_extension("csv")).expect("series beside the deal");
    let (agreement, _) = dealterms::compile(&text).expect("the deal itself is valid");
    let series = dealterms::series::read(&series_text).expect("the series itself is valid");
    let problems = match dealterms::eval::evaluate(&agreement, &series, &Default::default()) {
        Ok(statement) => {
            let verdicts = dealterms::verify::verify(&agreement, &statement);
            dealterms::verify::failures(&agreement, &verdicts)
        }
        Err(problem) => vec![problem],
    };
    (problems, text)
}

/// The problems of a long-form portfolio series, each with its row's text.
fn portfolio_problems(path: &Path) -> Vec<(Problem, String)> {
    let file = std::fs::File::open(path).expect("portfolio series");
    match dealterms::portfolio::open(file) {
        Err(problem) => vec![(problem.problem.clone(), problem.text.clone())],
        Ok(blocks) => blocks
            .filter_map(|block| block.series.err())
            .flatten()
            .map(|p| (p.problem, p.text))
            .collect(),
    }
}

fn portfolio_problems_of(path: &Path) -> (Vec<Problem>, String) {
    (
        portfolio_problems(path)
            .into_iter()
            .map(|(p, _)| p)
            .collect(),
        String::new(),
    )
}

#[test]
fn every_malformed_portfolio_series_is_diagnosed_and_snapshotted() {
    insta::glob!("corpus/portfolio/*.csv", |path| {
        let problems = portfolio_problems(path);
        assert!(
            !problems.is_empty(),
            "{} produced no diagnostics",
            path.display()
        );
        let rendered: String = problems
            .iter()
            .map(|(problem, text)| {
                diagnostics::render_quoting(
                    std::slice::from_ref(problem),
                    "row",
                    text,
                    STYLE,
                    Quote::Foreign,
                )
            })
            .collect();
        insta::assert_snapshot!(rendered);
    });
}

/// The problems `find` reports for `path`, which must have some, rendered
/// as an agreement's.
fn diagnosed(path: &Path, find: Finder) -> String {
    diagnosed_quoting(path, find, Quote::Agreement)
}

/// The problems `find` reports for `path`, rendered quoting as `quote` allows.
fn diagnosed_quoting(path: &Path, find: Finder, quote: Quote) -> String {
    let (problems, text) = find(path);
    assert!(
        !problems.is_empty(),
        "{} produced no diagnostics",
        path.display()
    );
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    diagnostics::render_quoting(&problems, name, &text, STYLE, quote)
}

#[test]
fn every_malformed_series_is_diagnosed_and_snapshotted() {
    insta::glob!("corpus/series/*.csv", |path| {
        insta::assert_snapshot!(diagnosed_quoting(path, series_problems_of, Quote::Foreign));
    });
}

#[test]
fn every_malformed_reported_statement_is_diagnosed_and_snapshotted() {
    insta::glob!("corpus/reported/*.csv", |path| {
        insta::assert_snapshot!(diagnosed_quoting(
            path,
            reported_problems_of,
            Quote::Foreign
        ));
    });
}

#[test]
fn every_failed_evaluation_is_diagnosed_and_snapshotted() {
    insta::glob!("corpus/eval/*.deal", |path| {
        insta::assert_snapshot!(diagnosed(path, eval_problems_of));
    });
}

/// Finds the problems of one corpus file.
type Finder = fn(&Path) -> (Vec<Problem>, String);

#[test]
fn every_code_has_a_smallest_input() {
    let mut seen = BTreeSet::new();
    let corpora: [(&str, Finder, &str); 5] = [
        ("tests/corpus/diagnostics", problems_of, "deal"),
        ("tests/corpus/series", series_problems_of, "csv"),
        ("tests/corpus/eval", eval_problems_of, "deal"),
        ("tests/corpus/portfolio", portfolio_problems_of, "csv"),
        ("tests/corpus/reported", reported_problems_of, "csv"),
    ];
    for (dir, problems, extension) in corpora {
        for entry in std::fs::read_dir(dir).expect("corpus directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == extension) {
                for problem in problems(&path).0 {
                    assert!(
                        CODES.contains(&problem.kind.code()),
                        "{} is missing from CODES",
                        problem.kind.code()
                    );
                    seen.insert(problem.kind.code());
                }
            }
        }
    }
    // None can be written as a small file: the first needs 16 MiB (tested in
    // tests/robustness.rs), the second a CSV error other than UTF-8, which
    // text cannot hold, the third a typed table's column (tested by the
    // Python package's suite, python/tests), the last a bug in dealterms.
    let untestable = [
        "deal::read::too_large",
        "deal::series::csv",
        "deal::series::column_type",
        "deal::internal",
    ];
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

/// A lone carriage return ends a line everywhere lines are counted: every
/// diagnostic of the corpus reads the same, and sits on the same line and
/// column, whatever the file's line endings.
#[test]
fn every_diagnostic_reads_the_same_with_any_line_ending() {
    let said =
        |problems: &[Problem], text: &str| -> Vec<(String, Option<String>, (usize, usize))> {
            problems
                .iter()
                .map(|p| {
                    (
                        p.kind.message(),
                        p.kind.help(),
                        diagnostics::line_column(text, p.span.start),
                    )
                })
                .collect()
        };
    for entry in std::fs::read_dir("tests/corpus/diagnostics").expect("corpus") {
        let path = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let problems = |text: &str| match dealterms::compile(text) {
            Ok((_, warnings)) => warnings,
            Err(problems) => problems,
        };
        let expected = said(&problems(&text), &text);
        for ending in ["\r\n", "\r"] {
            let other = text.replace('\n', ending);
            assert_eq!(
                said(&problems(&other), &other),
                expected,
                "{} with {ending:?}",
                path.display()
            );
        }
    }
}
