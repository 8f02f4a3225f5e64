//! The formatter: one canonical layout, every comment kept, idempotent, and
//! never a change to what the agreement computes.

use std::path::{Path, PathBuf};

use dealterms::eval::{self, Options};
use dealterms::syntax;
use proptest::prelude::*;

/// Every agreement the project ships: examples, acceptance cases, corpus.
fn shipped() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["examples", "tests/corpus/valid", "tests/corpus/fmt"] {
        for entry in std::fs::read_dir(dir).expect("directory") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "deal") {
                files.push(path);
            }
        }
    }
    for entry in std::fs::read_dir("tests/acceptance").expect("acceptance") {
        files.push(entry.expect("entry").path().join("agreement.deal"));
    }
    files
}

fn comments(text: &str) -> Vec<String> {
    syntax::parse(text)
        .expect("parses")
        .comments
        .into_iter()
        .map(|c| c.text.trim_end().to_string())
        .collect()
}

/// Formatting keeps every comment, in order, and changes nothing the second time.
fn assert_formats_soundly(text: &str) -> String {
    let formatted = dealterms::format_source(text).expect("formats");
    assert_eq!(
        dealterms::format_source(&formatted).expect("formats again"),
        formatted,
        "not idempotent"
    );
    assert_eq!(comments(&formatted), comments(text), "comments changed");
    assert!(
        formatted.lines().all(|l| l.trim_end() == l),
        "trailing white space"
    );
    formatted
}

/// Both texts compile to agreements that compute the same statement.
fn assert_same_meaning(before: &str, after: &str, series: Option<&Path>) {
    match (dealterms::compile(before), dealterms::compile(after)) {
        (Ok((a, _)), Ok((b, _))) => {
            assert_eq!(a.clauses.len(), b.clauses.len());
            if let Some(series) = series {
                let series =
                    dealterms::series::read(&std::fs::read_to_string(series).expect("series"))
                        .expect("series reads");
                let options = Options::default();
                assert_eq!(
                    eval::evaluate(&a, &series, &options),
                    eval::evaluate(&b, &series, &options)
                );
            }
        }
        (Err(a), Err(b)) => {
            let codes =
                |p: &[dealterms::Problem]| p.iter().map(|p| p.kind.code()).collect::<Vec<_>>();
            assert_eq!(codes(&a), codes(&b));
        }
        (a, b) => panic!(
            "formatting changed validity: {:?} vs {:?}",
            a.is_ok(),
            b.is_ok()
        ),
    }
}

#[test]
fn every_shipped_agreement_formats_soundly_and_computes_the_same() {
    for path in shipped() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let formatted = assert_formats_soundly(&text);
        let series = [
            path.with_extension("csv"),
            path.with_file_name("series.csv"),
        ]
        .into_iter()
        .find(|p| p.exists());
        assert_same_meaning(&text, &formatted, series.as_deref());
    }
}

#[test]
fn examples_are_already_formatted() {
    for path in shipped()
        .into_iter()
        .filter(|p| !p.starts_with("tests/corpus/fmt"))
    {
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(
            dealterms::format_source(&text).expect("formats"),
            text,
            "{} is not formatted",
            path.display()
        );
    }
}

#[test]
fn the_canonical_layout() {
    insta::glob!("corpus/fmt/*.deal", |path| {
        let text = std::fs::read_to_string(path).expect("readable");
        insta::assert_snapshot!(assert_formats_soundly(&text));
    });
}

#[test]
fn a_file_that_does_not_parse_is_refused() {
    let problems = dealterms::format_source("agreement \"x\" { share }").expect_err("refused");
    assert_eq!(problems[0].kind.code(), "deal::parse::unexpected");
}

/// Pieces of agreements, with comments and blank lines in odd places.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("parties A, B, \"C D\"".to_string()),
        Just("payer A".to_string()),
        Just("currency EUR".to_string()),
        Just("let x = (1 + 2) * 3M".to_string()),
        Just("let r = 10% * 2".to_string()),
        Just("event e on 2026-01-01".to_string()),
        Just("f: share 20% of revenue to B cap 38B".to_string()),
        Just(
            "share r of revenue - refunds from A to \"C D\" up to 1M, 10% above per year"
                .to_string()
        ),
        Just("share 5% of revenue to B until paid 1M, then 1%\n floor 1K until e".to_string()),
        Just("rest of revenue to \"C D\"".to_string()),
        Just("advance 1M to B recouped from f".to_string()),
        Just("# a comment".to_string()),
        Just("// another".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_agreements_format_soundly(pieces in prop::collection::vec(piece(), 0..14), trailing in any::<bool>()) {
        let mut text = String::from("# generated\nagreement \"g\" {\n");
        for piece in &pieces {
            text.push_str("  ");
            text.push_str(piece);
            if trailing && !piece.starts_with(['#', '/', '\n']) {
                text.push_str(" # trailing");
            }
            text.push('\n');
        }
        text.push_str("}\n");
        if syntax::parse(&text).is_ok() {
            let formatted = assert_formats_soundly(&text);
            assert_same_meaning(&text, &formatted, None);
        }
    }
}

/// Item 11 of the adversarial review: with lone carriage returns for line
/// ends (a classic Mac file), comments moved to other lines (one after `}`
/// went inside the block). Every line ending formats as `\n` does.
#[test]
fn every_line_ending_formats_alike() {
    for path in shipped() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let expected = dealterms::format_source(&text).expect("formats");
        for ending in ["\r\n", "\r"] {
            let other = text.replace('\n', ending);
            assert_eq!(
                dealterms::format_source(&other).expect("formats"),
                expected,
                "{} with {ending:?}",
                path.display()
            );
        }
    }
}

/// Found by fuzzing: `rounding MODE` may end in `per payee`, and the
/// optional words' white space was counted in the line, so that the next
/// line's trailing comment moved up to the `rounding` line.
#[test]
fn a_comment_after_the_line_below_rounding_stays_on_its_line() {
    let text =
        "agreement \"x\" {\n  rounding half-up\n  parties A, B # the parties\n  payer A\n}\n";
    let formatted = assert_formats_soundly(text);
    assert!(
        formatted.contains("  parties A, B # the parties\n"),
        "{formatted}"
    );
    assert!(formatted.contains("  rounding half-up\n"), "{formatted}");
}
