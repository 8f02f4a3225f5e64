//! Whatever the input, the parser and checker answer with an agreement or
//! located problems: never a panic, a hang or a stack overflow.

use dealterms::{Problem, source};
use proptest::prelude::*;

const SEED: &str = include_str!("../examples/openai-microsoft.deal");

/// Compiles `text`, asserting the answer is sound: either valid, or at least
/// one error, each inside the text.
fn outcome(text: &str) -> Result<(), Vec<Problem>> {
    match dealterms::compile(text) {
        Ok(_) => Ok(()),
        Err(problems) => {
            assert!(
                problems.iter().any(Problem::is_error),
                "rejected without an error"
            );
            for problem in &problems {
                assert!(problem.span.start <= problem.span.end);
                assert!(
                    problem.span.end <= text.len(),
                    "span beyond the text: {problem:?}"
                );
            }
            Err(problems)
        }
    }
}

fn codes(text: &str) -> Vec<&'static str> {
    outcome(text)
        .expect_err("the mutation must be rejected")
        .iter()
        .map(|problem| problem.kind.code())
        .collect()
}

#[test]
fn the_seed_is_valid() {
    assert!(outcome(SEED).is_ok());
}

#[test]
fn every_truncation_of_the_seed_is_rejected_with_a_location() {
    for end in (0..SEED.len()).filter(|end| SEED.is_char_boundary(*end)) {
        let truncated = &SEED[..end];
        // Only the whole file, or the whole file less trailing space, is valid.
        if truncated.trim_end() == SEED.trim_end() {
            assert!(outcome(truncated).is_ok());
        } else {
            assert!(outcome(truncated).is_err(), "accepted truncation at {end}");
        }
    }
}

#[test]
fn a_typo_in_a_party_name_suggests_the_party() {
    let problems = outcome(&SEED.replace("to Microsoft", "to Microsfot")).unwrap_err();
    assert_eq!(problems[0].kind.code(), "deal::check::unknown_party");
    assert_eq!(
        problems[0].kind.help().as_deref(),
        Some("did you mean `Microsoft`?")
    );
}

#[test]
fn a_rate_of_120_percent_is_out_of_range() {
    assert_eq!(
        codes(&SEED.replace("20%", "120%")),
        ["deal::check::rate_range"]
    );
}

#[test]
fn an_amount_with_40_digits_is_out_of_range() {
    let huge = "1".repeat(40);
    assert_eq!(
        codes(&SEED.replacen("38B", &huge, 1)),
        ["deal::parse::amount_range"]
    );
}

#[test]
fn garbage_after_the_end_is_refused() {
    assert_eq!(
        codes(&format!("{SEED}garbage")),
        ["deal::parse::unexpected"]
    );
}

#[test]
fn a_misspelt_keyword_suggests_the_keyword() {
    let problems = outcome(&SEED.replace("share 20%", "shar 20%")).unwrap_err();
    assert_eq!(
        problems[0].kind.help().as_deref(),
        Some("did you mean `share`?")
    );
}

#[test]
fn twenty_thousand_nested_parentheses_are_refused_not_overflowed() {
    let deep = format!("{}38B{}", "(".repeat(20_000), ")".repeat(20_000));
    assert_eq!(
        codes(&SEED.replacen("38B", &deep, 1)),
        ["deal::parse::too_deep"]
    );
}

#[test]
fn a_very_long_sum_is_refused_not_overflowed() {
    let long = vec!["1B"; 100_000].join(" + ");
    assert_eq!(
        codes(&SEED.replacen("38B", &long, 1)),
        ["deal::parse::too_long"]
    );
}

#[test]
fn bom_and_crlf_are_accepted() {
    let crlf = format!("\u{feff}{}", SEED.replace('\n', "\r\n"));
    assert!(outcome(&crlf).is_ok());
}

#[test]
fn invalid_utf8_is_located() {
    let mut bytes = SEED.as_bytes().to_vec();
    bytes.insert(20, 0xff);
    let (problem, shown) = source::decode(bytes).unwrap_err();
    assert_eq!(problem.kind.code(), "deal::read::not_utf8");
    assert_eq!(problem.span.start, 20);
    assert!(shown.contains('\u{FFFD}'));
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let bytes = vec![b' '; source::MAX_SOURCE_BYTES + 1];
    let (problem, _) = source::decode(bytes).unwrap_err();
    assert_eq!(problem.kind.code(), "deal::read::too_large");
}

/// Fragments of the language, so that random files get deep into the grammar.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("agreement \"x\" {".to_string()),
        Just("}".to_string()),
        Just("parties A, B".to_string()),
        Just("payer A".to_string()),
        Just("share 20% of revenue to B".to_string()),
        Just("rest of revenue to A".to_string()),
        Just("advance 1M to B recouped from fee".to_string()),
        Just("fee:".to_string()),
        Just("cap 38B".to_string()),
        Just("per year".to_string()),
        Just("up to 1M, 10% above".to_string()),
        Just("until paid 5M, then 5%".to_string()),
        Just("floor 1K".to_string()),
        Just("minimum 2M per year".to_string()),
        Just("from 2026-01-01".to_string()),
        Just("until x".to_string()),
        Just("event x on 2027-07-01".to_string()),
        Just("let x = (1 + 2) * 3M / 0".to_string()),
        Just("settle net between A and B".to_string()),
        Just("# comment".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        "[a-zA-Z0-9_%.:,(){}\"#/ \\n-]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = outcome(&text);
    }

    #[test]
    fn arbitrary_fragments_never_panic(parts in prop::collection::vec(fragment(), 0..30)) {
        let _ = outcome(&parts.join(" "));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        if let Ok(text) = source::decode(bytes) {
            let _ = outcome(&text);
        }
    }
}

#[test]
fn bom_and_crlf_series_give_identical_figures() {
    let plain = include_str!("../examples/openai-microsoft.csv");
    let variants = [
        format!("\u{feff}{plain}"),
        plain.replace('\n', "\r\n"),
        format!("\u{feff}{}", plain.replace('\n', "\r\n")),
        format!("{plain}\n\n"),
    ];
    let (agreement, _) = dealterms::compile(SEED).expect("the seed is valid");
    let evaluate = |text: &str| {
        let series = dealterms::series::read(text).expect("the series reads");
        dealterms::eval::evaluate(&agreement, &series, &Default::default()).expect("evaluates")
    };
    let expected = evaluate(plain);
    for variant in &variants {
        assert_eq!(evaluate(variant), expected);
    }
}

/// Every problem of a long-form series `text`, with the row it is shown on.
fn portfolio_problems(text: &str) -> Vec<dealterms::portfolio::RowProblem> {
    match dealterms::portfolio::open(text.as_bytes()) {
        Err(problem) => vec![*problem],
        Ok(blocks) => blocks
            .filter_map(|block| block.series.err())
            .flatten()
            .collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Whatever a portfolio series holds, each problem points inside the
    /// row it is shown on, and renders without a panic.
    #[test]
    fn portfolio_problems_point_into_their_rows(
        rows in prop::collection::vec("[ad,\"x \\r\\n1.-]{0,14}", 0..8)
    ) {
        let text = format!("deal,period,revenue\n{}", rows.join("\n"));
        for row in portfolio_problems(&text) {
            let span = row.problem.span;
            prop_assert!(span.start <= span.end && span.end <= row.text.len(), "{row:?}");
            let style = dealterms::diagnostics::Style::Human { color: false, width: 80 };
            let shown = dealterms::diagnostics::render(
                std::slice::from_ref(&row.problem),
                "sales.csv",
                &row.text,
                style,
            );
            prop_assert!(!shown.is_empty());
        }
    }
}
