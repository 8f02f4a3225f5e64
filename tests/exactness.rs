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

/// Every row is in the minor unit, and each party's total is the sum of
/// its rows.
fn in_minor_units(statement: &Statement) {
    for row in &statement.rows {
        assert!(
            row.amount.scale() <= 2 || row.amount.normalize().scale() <= 2,
            "{row:?}"
        );
    }
    for (index, party) in statement.parties.iter().enumerate() {
        let rows: Decimal = statement
            .rows
            .iter()
            .filter(|row| row.payee == index)
            .map(|row| row.amount)
            .sum();
        assert_eq!(rows, received(statement, party), "{party}");
    }
}

/// Item 4: an advance finer than the cent was paid unrounded (1000.005,
/// shown 1000.01 while the totals said 1000.005), and recouped so.
#[test]
fn an_advance_finer_than_the_cent_is_paid_rounded_once() {
    let statement = evaluate(
        &deal("  rounding half-up\n  royalty: share 10% of r to B\n  advance 1000.005 to B recouped from royalty"),
        "period,r\n2025,5000\n2026,10000\n",
    )
    .expect("evaluates");
    in_minor_units(&statement);
    // 1000.01 paid in advance; 500 + 1000 earned, 1000.01 of it recouped.
    assert_eq!(received(&statement, "B"), d("1500.00"));
    let advance = statement
        .rows
        .iter()
        .find(|row| row.clause == 1)
        .expect("paid");
    assert_eq!(advance.amount, d("1000.01"));
}

/// Item 4: `cap 10.005` under `rounding down` paid 10.005, shown 10.01.
#[test]
fn a_cap_finer_than_the_cent_is_rounded_with_the_agreement() {
    for (mode, cap) in [("down", "10.00"), ("up", "10.01"), ("half-even", "10.00")] {
        let statement = evaluate(
            &deal(&format!(
                "  rounding {mode}\n  s: share 50% of r to B cap 10.005"
            )),
            "period,r\n2025,15\n2026,15\n2027,15\n",
        )
        .expect("evaluates");
        in_minor_units(&statement);
        assert_eq!(received(&statement, "B"), d(cap), "{mode}");
    }
}

/// Item 4: the realistic case, a third of a million.
#[test]
fn a_cap_of_a_third_is_paid_to_the_cent() {
    let statement = evaluate(
        &deal("  s: share 50% of r to B cap 1M / 3\n  rest of r to C"),
        "period,r\n2025,600000\n2026,600000\n",
    )
    .expect("evaluates");
    in_minor_units(&statement);
    assert_eq!(received(&statement, "B"), d("333333.33"));
    assert_eq!(received(&statement, "C"), d("866666.67"));
}

/// Item 5: `rest of` a basis written another way than its share's was
/// not matched (270 + 900 paid on 900, with no warning).
#[test]
fn rest_of_a_basis_written_another_way_is_the_same_basis() {
    let statement = evaluate(
        &deal("  share 30% of sales - refunds to B\n  rest of -refunds + sales to C"),
        "period,sales,refunds\n2025,1000,100\n",
    )
    .expect("evaluates");
    assert_eq!(received(&statement, "B"), d("270.00"));
    assert_eq!(received(&statement, "C"), d("630.00"));
    // And two remainders of it are refused.
    let text = deal(
        "  share 10% of sales - refunds to C\n  rest of sales - refunds to B\n  rest of (-refunds) + sales to C",
    );
    let problems = dealterms::compile(&text).expect_err("refused");
    assert_eq!(
        problems[0].kind.code(),
        "deal::check::duplicate_rest",
        "{problems:?}"
    );
    // Over-allocation is summed on the same key.
    let text = deal("  share 60% of sales - refunds to B\n  share 60% of -refunds + sales to C");
    let (_, warnings) = dealterms::compile(&text).expect("a warning only");
    assert!(
        warnings
            .iter()
            .any(|w| w.kind.code() == "deal::check::over_allocated"),
        "{warnings:?}"
    );
}

/// Item 14: an overflow in a party's total pointed at the `agreement`
/// keyword and said "this clause"; it names the party, at its declaration.
#[test]
fn an_overflow_in_a_total_names_the_party() {
    let text = deal("  share 100% of r to B\n  share 100% of s to B");
    let result = evaluate(
        &text,
        "period,r,s\n2025,50000000000000000000000000000,50000000000000000000000000000\n",
    );
    let problem = result.expect_err("out of range");
    assert_eq!(
        problem.kind,
        ProblemKind::TotalOverflow { party: "B".into() }
    );
    assert_eq!(problem.kind.code(), "deal::eval::overflow");
    let at = text.find("A, B, C").expect("declared") + 3;
    assert_eq!((problem.span.start, problem.span.end), (at, at + 1));
}

/// The review of issue 13: a sum or product of figures that are not
/// quotients was rounded past the 12th decimal, a cent wrong at half-even
/// (the exact 8000000000000000.1250000000001 pays .13, not .12).
#[test]
fn exact_figures_past_28_digits_are_never_rounded() {
    let result = evaluate(
        &deal("  r: share 100% of revenue + fees to B"),
        "period,revenue,fees\n2025,8000000000000000.125,0.0000000000001\n",
    );
    overflow_at(result, "r", "2025");
    let text = deal(
        "  let a = 0.1111111111111111\n  let d = a * a - 0.01234567901234567654320987\n  share 10% of r to B cap d * 1000000000000000000000000000",
    );
    let problems = dealterms::compile(&text).expect_err("refused");
    assert_eq!(
        problems[0].kind.code(),
        "deal::check::overflow",
        "{problems:?}"
    );
}

/// The review of issue 13: a cap or an advance that rounds to nothing in
/// the minor unit was accepted silently (`cap 0` is an error).
#[test]
fn an_amount_that_rounds_to_nothing_is_refused() {
    for clause in [
        "  s: share 10% of r to B cap 0.004",
        "  s: share 10% of r to B\n  advance 0.004 to B recouped from s",
    ] {
        let problems = dealterms::compile(&deal(clause)).expect_err("refused");
        assert!(
            problems.iter().any(|p| p
                .kind
                .message()
                .ends_with("0.004 (0 once rounded to the minor unit)")),
            "{clause}: {problems:?}"
        );
    }
}
