//! Exactness at the edges an adversarial review found: figures past 28
//! significant digits, amounts finer than the currency's minor unit, and
//! `rest of` a basis written two ways. Each figure is exact, or the
//! evaluation stops with a located problem; none is rounded silently.

use dealterms::eval::{self, Options, statement::Statement};
use dealterms::{Problem, ProblemKind};
use rust_decimal::Decimal;

/// `clauses` in an agreement between A (the payer), B and C, in USD.
fn deal(clauses: &str) -> String {
    format!("agreement \"t\" {{\n  currency USD\n  parties A, B, C\n  payer A\n{clauses}\n}}\n")
}

/// The statement of `deal` on `series`, with fixed figures and with
/// decimals only: the two must agree, figures or problem.
fn evaluate(deal: &str, series: &str) -> Result<Statement, Problem> {
    let (agreement, _) = dealterms::compile(deal).expect("the agreement checks");
    let series = dealterms::series::read(series).expect("the series reads");
    let run = |decimals_only| {
        let options = Options {
            decimals_only,
            ..Options::default()
        };
        eval::evaluate(&agreement, &series, &options)
    };
    let (fixed, decimals) = (run(false), run(true));
    assert_eq!(
        fixed.as_ref().map(|s| &s.rows),
        decimals.as_ref().map(|s| &s.rows),
        "fixed figures and decimals differ"
    );
    fixed
}

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// What a party received in all.
fn received(statement: &Statement, party: &str) -> Decimal {
    statement
        .totals
        .iter()
        .find(|total| total.party == party)
        .map_or(Decimal::ZERO, |total| total.received)
}

fn overflow_at(result: Result<Statement, Problem>, clause: &str, period: &str) {
    match result {
        Err(Problem {
            kind:
                ProblemKind::EvalOverflow {
                    clause: c,
                    period: p,
                },
            ..
        }) => assert_eq!((c.as_str(), p.as_str()), (clause, period)),
        other => panic!("expected an overflow in {clause} at {period}, got {other:?}"),
    }
}

/// Item 3: 10% of the largest decimal after a first period of 100 is a
/// cumulative of ...395043.50, which needs 29 significant digits: it was
/// shown as ...395044.00.
#[test]
fn a_cumulative_past_28_digits_is_an_overflow_not_a_rounded_figure() {
    let result = evaluate(
        &deal("  s: share 10% of r to B"),
        "period,r\n2025,100\n2026,79228162514264337593543950335\n",
    );
    overflow_at(result, "s", "2026");
}

/// Item 3: 10^27 + 0.01 + 0.01 stayed 10^27.
#[test]
fn a_basis_past_28_digits_is_an_overflow_not_a_rounded_figure() {
    let result = evaluate(
        &deal("  s: share 10% of r + small + small to B"),
        "period,r,small\n2025,1000000000000000000000000000,0.01\n",
    );
    overflow_at(result, "s", "2025");
}

/// Item 3: a constant is computed exactly too, or refused where it is written.
#[test]
fn a_constant_past_28_digits_is_refused_when_checked() {
    let text =
        deal("  let big = 1000000000000000000000000000 + 0.01\n  share 10% of r to B cap big");
    let problems = dealterms::compile(&text).expect_err("refused");
    assert_eq!(
        problems[0].kind.code(),
        "deal::check::overflow",
        "{problems:?}"
    );
}

/// A percentage with more decimals than a fraction can hold is refused,
/// not divided and rounded.
#[test]
fn a_percentage_past_28_decimals_is_refused() {
    let text = deal("  share 12.12345678901234567890123456789% of r to B");
    assert!(dealterms::compile(&text).is_err());
    let text = deal("  share 1.123456789012345678901234500% of r to B");
    let (agreement, _) = dealterms::compile(&text).expect("exact once its zeros go");
    let series = dealterms::series::read("period,r\n2025,100\n").expect("reads");
    let statement = eval::evaluate(&agreement, &series, &Options::default()).expect("evaluates");
    assert_eq!(received(&statement, "B"), d("1.12"));
}
