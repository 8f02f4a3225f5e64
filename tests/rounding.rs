//! `rounding MODE per payee`: a payee's period total from one payer is
//! rounded once, and shared back among the clauses' rows (issue 14, item 4).

use dealterms::eval::{self, Options, statement::Statement};
use rust_decimal::Decimal;

/// `clauses` between A (the payer), B, C and D, in USD, rounded by `rounding`.
fn evaluate(rounding: &str, clauses: &str, series: &str) -> Statement {
    let deal = format!(
        "agreement \"t\" {{\n  currency USD\n  {rounding}\n  parties A, B, C, D\n  payer A\n{clauses}\n}}\n"
    );
    let (agreement, _) = dealterms::compile(&deal).expect("the agreement checks");
    let series = dealterms::series::read(series).expect("the series reads");
    let options = Options {
        explain: true,
        ..Options::default()
    };
    eval::evaluate(&agreement, &series, &options).expect("the agreement evaluates")
}

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// Each row of `clause`, in period order.
fn paid(statement: &Statement, clause: &str) -> Vec<Decimal> {
    statement
        .rows
        .iter()
        .filter(|row| statement.clause(row) == clause)
        .map(|row| row.amount)
        .collect()
}

fn received(statement: &Statement, party: &str) -> Decimal {
    statement
        .totals
        .iter()
        .find(|total| total.party == party)
        .map_or(Decimal::ZERO, |total| total.received)
}

const TWO_SHARES: &str = "  royalty: share 5% of r to B\n  bonus: share 1% of s to B";
const SERIES: &str = "period,r,s\n2025Q1,170505.50,189009\n";

/// The case: 8525.275 and 1890.09 to one payee. Rounded one by
/// one they give 10415.37; rounded as one total, 10415.36.
#[test]
fn a_payees_total_is_rounded_once() {
    let each = evaluate("rounding half-even", TWO_SHARES, SERIES);
    assert_eq!(received(&each, "B"), d("10415.37"));
    let once = evaluate("rounding half-even per payee", TWO_SHARES, SERIES);
    assert_eq!(received(&once, "B"), d("10415.36"));
    assert_eq!(paid(&once, "royalty"), [d("8525.27")]);
    assert_eq!(paid(&once, "bonus"), [d("1890.09")]);
    let royalty = once
        .rows
        .iter()
        .find(|row| once.clause(row) == "royalty")
        .expect("a royalty row");
    let notes: Vec<String> = royalty
        .notes
        .iter()
        .map(|note| note.text(&once.parties, &once.clauses))
        .collect();
    assert!(
        notes
            .iter()
            .any(|note| note == "rounded within B's 10,415.36"),
        "{notes:?}"
    );
    assert!(
        royalty
            .explain
            .iter()
            .any(|line| line.contains("10,415.365 in all rounds to 10,415.36")),
        "{:?}",
        royalty.explain
    );
}

/// A minor unit the total has beyond its rows rounded down goes to the
/// row with the largest fraction: three thirds of a cent make one cent.
#[test]
fn the_spare_minor_unit_goes_to_the_largest_fraction() {
    let clauses = "  a: share 1% of r to B\n  b: share 2% of r to B\n  c: share 3% of r to B";
    // 0.0333 + 0.0666 + 0.0999 = 0.1998, rounded once: 0.20.
    let statement = evaluate(
        "rounding half-even per payee",
        clauses,
        "period,r\n2025-01,3.33\n",
    );
    assert_eq!(paid(&statement, "a"), [d("0.03")]);
    assert_eq!(paid(&statement, "b"), [d("0.07")]);
    assert_eq!(paid(&statement, "c"), [d("0.10")]);
    assert_eq!(received(&statement, "B"), d("0.20"));
}

/// Rows to different payees are rounded apart: B's and C's totals each
/// once, and a `rest of` takes what the rounded shares leave, so the
/// period still reconciles to the cent.
#[test]
fn each_payee_is_rounded_apart_and_the_rest_reconciles() {
    let clauses = "  a: share 0.5% of r to B\n  b: share 0.5% of r to C\n  rest of r to D";
    let statement = evaluate(
        "rounding half-up per payee",
        clauses,
        "period,r\n2025-01,1.01\n",
    );
    assert_eq!(paid(&statement, "a"), [d("0.01")]);
    assert_eq!(paid(&statement, "b"), [d("0.01")]);
    assert_eq!(received(&statement, "D"), d("0.99"));
}

/// A cap's room is whole, so a row rounded with its payee's others never
/// passes it: the capped clause pays its room exactly, however the spare
/// minor units fall, and the running totals carry what was paid.
#[test]
fn a_cap_holds_under_rounding_per_payee() {
    let clauses = "  a: share 50% of r to B cap 10\n  b: share 0.5% of r to B";
    let series = "period,r\n2025-01,9.99\n2025-02,9.99\n2025-03,9.99\n";
    let statement = evaluate("rounding up per payee", clauses, series);
    // 4.995 + 0.04995 = 5.04495, up: 5.05; a gets 4.99 + 1 cent.
    assert_eq!(paid(&statement, "a"), [d("5.00"), d("5.00"), d("0")]);
    assert_eq!(paid(&statement, "b"), [d("0.05"), d("0.05"), d("0.05")]);
    let events: Vec<&str> = statement.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(events, ["cap_reached"]);
}

/// The formatter keeps `per payee`, and a lone payment is rounded just as
/// it would be by itself.
#[test]
fn per_payee_formats_and_a_lone_row_rounds_as_before() {
    let text = "agreement \"t\" {\n  rounding half-up per payee\n  parties A, B\n  payer A\n  share 2.5% of r to B\n}\n";
    let formatted = dealterms::format_source(text).expect("formats");
    assert!(
        formatted.contains("rounding half-up per payee"),
        "{formatted}"
    );
    let statement = evaluate(
        "rounding half-up per payee",
        "  s: share 2.5% of r to B",
        "period,r\n2025-01,0.5\n",
    );
    assert_eq!(paid(&statement, "s"), [d("0.01")]);
}
