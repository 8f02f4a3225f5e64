//! Invariants over generated agreements and series: caps are never exceeded,
//! running totals never decrease, `rest of` reconciles every period to the
//! cent, per-period sums equal the totals, and evaluation is deterministic.

use std::collections::HashMap;

use dealterms::agreement::{Agreement, ClauseKind};
use dealterms::eval::statement::Statement;
use dealterms::eval::{self, Options};
use dealterms::series::Series;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A share clause in text, with the figures the invariants need.
#[derive(Debug, Clone)]
struct Clause {
    text: String,
    /// Whether it can pay more than its rate (floor or minimum).
    tops_up: bool,
    max_rate_basis_points: u32,
}

fn amount() -> impl Strategy<Value = u64> {
    prop_oneof![
        1u64..1_000,
        1_000u64..1_000_000,
        1_000_000u64..1_000_000_000
    ]
}

fn rate() -> impl Strategy<Value = u32> {
    0u32..=3_000 // basis points: 0% to 30%
}

fn percent(basis_points: u32) -> String {
    format!("{}%", Decimal::new(i64::from(basis_points), 2).normalize())
}

prop_compose! {
    fn clause(index: usize, floors: bool)(
        first in rate(),
        schedule in 0u8..3,
        second in rate(),
        bound in amount(),
        cap in proptest::option::of(amount()),
        yearly_cap in proptest::option::of(amount()),
        threshold in proptest::option::of(amount()),
        floor in proptest::option::of(1u64..5_000),
        window in proptest::option::of((2024i16..2027, 1u8..13)),
    ) -> Clause {
        let mut text = format!("c{index}: share {} of revenue to B", percent(first));
        let mut max_rate = first;
        match schedule {
            1 => {
                text.push_str(&format!(" up to {bound}, {} above", percent(second)));
                max_rate = max_rate.max(second);
            }
            2 => {
                text.push_str(&format!(" until paid {bound}, then {}", percent(second)));
                max_rate = max_rate.max(second);
            }
            _ => {}
        }
        if let Some(cap) = cap {
            text.push_str(&format!(" cap {cap}"));
        }
        if let Some(cap) = yearly_cap {
            text.push_str(&format!(" cap {cap} per year"));
        }
        if let Some(threshold) = threshold {
            text.push_str(&format!(" above {threshold}"));
        }
        let floor = floor.filter(|f| floors && yearly_cap.is_none_or(|cap| *f <= cap));
        if let Some(floor) = floor {
            text.push_str(&format!(" floor {floor}"));
        }
        if let Some((year, month)) = window {
            text.push_str(&format!(" from {year}-{month:02}-15"));
        }
        Clause { text, tops_up: floor.is_some(), max_rate_basis_points: max_rate }
    }
}

prop_compose! {
    /// An agreement of one to three shares of `revenue`; with `reconciling`,
    /// a `rest of revenue` and no floors, so that every period reconciles.
    fn deal(reconciling: bool)(
        clauses in prop::collection::vec(0usize..3, 1..4)
            .prop_flat_map(move |ids| {
                ids.into_iter().enumerate().map(|(i, _)| clause(i, !reconciling)).collect::<Vec<_>>()
            }),
        rest in any::<bool>().prop_map(move |rest| rest || reconciling),
        rounding in prop::sample::select(vec![
            "half-even", "half-up", "down", "half-even per payee", "up per payee", "half-down per payee",
        ]),
    ) -> (String, bool, bool) {
        let mut text = format!("agreement \"generated\" {{\n  rounding {rounding}\n  parties A, B, C\n  payer A\n");
        for clause in &clauses {
            text.push_str(&format!("  {}\n", clause.text));
        }
        let total_rate: u32 = clauses.iter().map(|c| c.max_rate_basis_points).sum();
        let reconciles = rest && total_rate <= 10_000 && !clauses.iter().any(|c| c.tops_up);
        if rest {
            text.push_str("  rest of revenue to C\n");
        }
        text.push_str("}\n");
        (text, rest, reconciles)
    }
}

prop_compose! {
    fn series()(
        monthly in any::<bool>(),
        start in 2024i16..2027,
        cents in prop::collection::vec(-1_000_000i64..10_000_000_000, 1..30),
    ) -> String {
        let mut text = String::from("period,revenue\n");
        for (i, value) in cents.iter().enumerate() {
            let i = i as i16;
            let label = if monthly {
                format!("{}-{:02}", start + i / 12, i % 12 + 1)
            } else {
                format!("{}Q{}", start + i / 4, i % 4 + 1)
            };
            text.push_str(&format!("{label},{}\n", Decimal::new(*value, 2)));
        }
        text
    }
}

fn evaluate(deal: &str, series: &str) -> Option<(Agreement, Series, Statement)> {
    evaluate_with(deal, series, &Options::default())
}

/// The generated deal over the generated series, with `options`; `None`
/// when the deal does not check.
fn evaluate_with(
    deal: &str,
    series: &str,
    options: &Options,
) -> Option<(Agreement, Series, Statement)> {
    let (agreement, _) = dealterms::compile(deal).ok()?;
    let series = dealterms::series::read(series).expect("generated series are valid");
    let statement = eval::evaluate(&agreement, &series, options).expect("evaluation succeeds");
    Some((agreement, series, statement))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Fixed figures (src/eval/fixed.rs) give every figure, note, event and
    /// step of the derivation that decimals give, or leave it to decimals.
    #[test]
    fn fixed_figures_and_decimals_give_the_same_statement((deal, _, _) in deal(false), series in series()) {
        let statement = |decimals_only| {
            let options = Options { explain: true, decimals_only, ..Options::default() };
            evaluate_with(&deal, &series, &options).map(|(_, _, statement)| statement)
        };
        let Some(fixed) = statement(false) else {
            return Err(TestCaseError::reject("the generated deal does not check"));
        };
        prop_assert_eq!(Some(fixed), statement(true));
    }

    /// Without notes (a portfolio's CSV without the `note` column), the
    /// statement is the same in every other respect: the notes are only ever
    /// put in words.
    #[test]
    fn leaving_notes_out_changes_nothing_else((deal, _, _) in deal(true), series in series()) {
        let statement = |without_notes| {
            let options = Options { explain: true, without_notes, ..Options::default() };
            evaluate_with(&deal, &series, &options).map(|(_, _, statement)| statement)
        };
        let (Some(mut with), Some(without)) = (statement(false), statement(true)) else {
            return Err(TestCaseError::reject("the generated deal does not check"));
        };
        prop_assert!(without.rows.iter().all(|row| row.notes.is_empty()));
        for row in &mut with.rows {
            row.notes.clear();
        }
        prop_assert_eq!(with, without);
    }

    #[test]
    fn caps_hold_totals_grow_and_everything_adds_up((deal, _, _) in deal(false), series in series()) {
        let Some((agreement, _, statement)) = evaluate(&deal, &series) else {
            return Err(TestCaseError::reject("the generated deal does not check"));
        };
        // Events by period, then in the order things happen within it.
        for pair in statement.events.windows(2) {
            prop_assert!((pair[0].period, pair[0].kind.order()) <= (pair[1].period, pair[1].kind.order()));
        }
        for clause in &agreement.clauses {
            let ClauseKind::Share(share) = &clause.kind else { continue };
            let rows: Vec<_> = statement.rows.iter().filter(|r| statement.clause(r) == clause.label).collect();
            let mut previous = Decimal::ZERO;
            let mut per_year: HashMap<i16, Decimal> = HashMap::new();
            for row in &rows {
                prop_assert!(row.amount >= Decimal::ZERO, "negative payment {row:?}");
                prop_assert!(row.cumulative >= previous, "running total went down at {}", row.period);
                prop_assert_eq!(row.amount.scale() <= 2, true);
                previous = row.cumulative;
                *per_year.entry(row.period.year).or_default() += row.amount;
            }
            for cap in &share.caps {
                match cap.per {
                    None => prop_assert!(previous <= cap.amount, "{} paid {previous} over cap {}", clause.label, cap.amount),
                    Some(_) => for (year, paid) in &per_year {
                        prop_assert!(*paid <= cap.amount, "{} paid {paid} in {year} over {}", clause.label, cap.amount);
                    },
                }
            }
        }
        for total in &statement.totals {
            let received: Decimal = statement.rows.iter().filter(|r| statement.payee(r) == total.party).map(|r| r.amount).sum();
            prop_assert_eq!(received, total.received);
            let paid: Decimal = statement.rows.iter().filter(|r| statement.payer(r) == total.party).map(|r| r.amount).sum();
            prop_assert_eq!(paid, total.paid);
        }
    }

    #[test]
    fn rest_reconciles_every_period_to_the_cent((deal, _, reconciles) in deal(true), series in series()) {
        prop_assume!(reconciles);
        let Some((_, series, statement)) = evaluate(&deal, &series) else {
            return Err(TestCaseError::reject("the generated deal does not check"));
        };
        let revenue = series.column("revenue").expect("revenue");
        for (t, period) in series.periods.iter().enumerate() {
            let paid: Decimal = statement.rows.iter().filter(|r| r.period == *period).map(|r| r.amount).sum();
            let basis = revenue[t];
            let expected = if basis.is_sign_negative() { Decimal::ZERO } else { basis };
            prop_assert_eq!(paid, expected, "period {} does not reconcile", period);
        }
    }

    #[test]
    fn evaluation_is_deterministic((deal, _, _) in deal(false), series in series()) {
        let first = evaluate(&deal, &series);
        let second = evaluate(&deal, &series);
        prop_assert_eq!(first.map(|(_, _, s)| s), second.map(|(_, _, s)| s));
    }
}

/// Within a period, events come in the order things happen: an advance is
/// paid before the earnings that recoup it are withheld.
#[test]
fn an_advance_is_paid_before_it_is_recouped_in_the_same_period() {
    let deal = "agreement \"reseller\" {\n  currency EUR\n  parties Maker, Reseller\n  payer Maker\n  commission: share 25% of sales to Reseller\n  advance 50K to Reseller recouped from commission\n}\n";
    let (_, _, statement) =
        evaluate(deal, "period,sales\n2025Q1,1000000\n2025Q2,500000\n").expect("checks");
    let kinds: Vec<&str> = statement.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["advance_paid", "advance_recouped"]);
    let ordered = statement.events.windows(2).all(|pair| {
        (pair[0].period, pair[0].kind.order()) <= (pair[1].period, pair[1].kind.order())
    });
    assert!(ordered);
}
