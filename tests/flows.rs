//! Invariants of payments that feed payments (issue 15), over generated
//! waterfalls, withholdings and reserves: a waterfall's payments and what
//! is left add up to its basis every period and no step is paid more than
//! it is owed; withheld plus received is the gross payment; reserves held
//! plus released are what was taken; formatting changes no figure.

use dealterms::eval::statement::Statement;
use dealterms::eval::{self, Options};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn evaluate(deal: &str, series: &str) -> Statement {
    let (agreement, _) =
        dealterms::compile(deal).unwrap_or_else(|problems| panic!("{deal}\n{problems:#?}"));
    let series = dealterms::series::read(series).expect("generated series are valid");
    let options = Options {
        explain: true,
        ..Options::default()
    };
    eval::evaluate(&agreement, &series, &options).expect("evaluation succeeds")
}

/// What clause `label` paid in its first row.
fn first_paid(statement: &Statement, label: &str) -> Option<Decimal> {
    statement
        .rows
        .iter()
        .find(|r| statement.clause(r) == label)
        .map(|r| r.amount)
}

/// What `party` received over the whole statement.
fn received(statement: &Statement, party: &str) -> Decimal {
    statement
        .rows
        .iter()
        .filter(|r| statement.payee(r) == party)
        .map(|r| r.amount)
        .sum()
}

fn cents(value: i64) -> Decimal {
    Decimal::new(value, 2)
}

/// A quarterly series of `gross` and `costs`, in cents.
fn series(rows: &[(i64, i64)]) -> String {
    let mut text = String::from("period,gross,costs\n");
    for (i, (gross, costs)) in rows.iter().enumerate() {
        let i = i as i64;
        text.push_str(&format!(
            "{}Q{},{},{}\n",
            2025 + i / 4,
            i % 4 + 1,
            cents(*gross),
            cents(*costs)
        ));
    }
    text
}

/// One step of a generated waterfall, in text, to party P{n}.
fn step() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..4_000).prop_map(|bp| format!("{}%", Decimal::new(i64::from(bp), 2).normalize())),
        (1u64..5_000_000, any::<bool>()).prop_map(|(cap, capped)| if capped {
            format!("recoup costs cap {cap}")
        } else {
            "recoup costs".to_string()
        }),
        (1u64..50_000_000).prop_map(|total| format!("rest until received {total}")),
        (1u64..5_000_000).prop_map(|amount| format!("pay {amount}")),
    ]
}

prop_compose! {
    /// A waterfall of two to five steps, to parties P1..P5, ending with
    /// a split (everything paid) or not.
    fn waterfall()(
        steps in prop::collection::vec(step(), 1..5),
        split in proptest::option::of(1u32..10_000),
    ) -> (String, bool) {
        let mut text = String::from(
            "agreement \"generated\" {\n  parties Account, P1, P2, P3, P4, P5, P6\n  payer Account\n  w: waterfall of gross {\n",
        );
        for (i, step) in steps.iter().enumerate() {
            let payee = format!("P{}", i + 1);
            let line = match step.split_once(' ') {
                Some(("recoup", rest)) => match rest.split_once(" cap ") {
                    Some((costs, cap)) => format!("recoup {costs} to {payee} cap {cap}"),
                    None => format!("recoup {rest} to {payee}"),
                },
                Some(("rest", rest)) => format!("rest to {payee} {rest}"),
                Some(("pay", amount)) => format!("pay {amount} to {payee}"),
                _ => format!("{step} to {payee}"),
            };
            text.push_str(&format!("    s{i}: {line}\n"));
        }
        if let Some(bp) = split {
            let first = Decimal::new(i64::from(bp), 2).normalize();
            let second = (Decimal::ONE_HUNDRED - first).normalize();
            if second > Decimal::ZERO {
                text.push_str(&format!("    split {first}% to P5, {second}% to P6\n"));
            }
        }
        text.push_str("  }\n}\n");
        let ends_in_split = text.contains("split");
        (text, ends_in_split)
    }
}

fn rows_strategy() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((-100_000i64..2_000_000_000, 0i64..300_000_000), 1..16)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_waterfall_pays_out_its_basis_and_no_step_more_than_owed(
        (deal, ends_in_split) in waterfall(),
        rows in rows_strategy(),
    ) {
        let statement = evaluate(&deal, &series(&rows));
        for (t, period) in statement.periods.iter().enumerate() {
            let paid: Decimal = statement.rows.iter().filter(|r| r.period == *period).map(|r| r.amount).sum();
            let gross = cents(rows[t].0).max(Decimal::ZERO);
            prop_assert!(paid <= gross, "{period}: paid {paid} of {gross}\n{deal}");
            if ends_in_split {
                prop_assert_eq!(paid, gross, "{}: a split leaves nothing\n{}", period, deal);
            }
            for row in statement.rows.iter().filter(|r| r.period == *period) {
                prop_assert!(row.amount >= Decimal::ZERO);
                prop_assert!(row.amount.scale() <= 2);
            }
        }
        // A step with a total is never paid more than it.
        for line in deal.lines() {
            let Some((label, terms)) = line.trim().split_once(": ") else { continue };
            let limit = terms
                .split_once(" until received ")
                .map(|(_, total)| total)
                .or_else(|| terms.strip_prefix("pay ").and_then(|t| t.split_once(" to ")).map(|(a, _)| a))
                .or_else(|| terms.split_once(" cap ").map(|(_, cap)| cap));
            let Some(limit) = limit else { continue };
            let limit: Decimal = limit.trim().parse().expect("a generated amount");
            let total: Decimal = statement.rows.iter().filter(|r| statement.clause(r) == label).map(|r| r.amount).sum();
            prop_assert!(total <= limit, "{label} paid {total} over {limit}");
        }
    }

    #[test]
    fn withheld_plus_received_is_the_gross_payment(
        rate in 1u32..10_000,
        withheld in 1u32..10_000,
        rows in rows_strategy(),
    ) {
        let rate = Decimal::new(i64::from(rate), 2).normalize();
        let withheld = Decimal::new(i64::from(withheld), 2).normalize();
        let deal = format!(
            "agreement \"w\" {{\n  parties Label, Artist, Tax, Manager\n  payer Label\n  royalty: share {rate}% of gross to Artist\n  tax: withhold {withheld}% of payments to Artist for Tax\n  commission: share 20% of what royalty pays from Artist to Manager\n}}\n"
        );
        let statement = evaluate(&deal, &series(&rows));
        for period in &statement.periods {
            let amount = |label: &str| statement.rows.iter()
                .find(|r| r.period == *period && statement.clause(r) == label)
                .map_or(Decimal::ZERO, |r| r.amount);
            let gross = rows[statement.periods.iter().position(|p| p == period).unwrap()].0;
            let payment = (rate / Decimal::ONE_HUNDRED * cents(gross).max(Decimal::ZERO))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
            prop_assert_eq!(amount("royalty") + amount("tax"), payment);
            let commission = (payment * Decimal::new(2, 1))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
            prop_assert_eq!(amount("commission"), commission);
        }
    }

    #[test]
    fn reserves_held_plus_released_are_what_was_taken(
        rate in 1u32..10_000,
        reserve in 1u32..10_000,
        periods in 1u32..6,
        over in any::<bool>(),
        rows in rows_strategy(),
    ) {
        let rate = Decimal::new(i64::from(rate), 2).normalize();
        let reserve = Decimal::new(i64::from(reserve), 2).normalize();
        let release = if over { "over" } else { "after" };
        let deal = format!(
            "agreement \"r\" {{\n  parties Publisher, Author\n  payer Publisher\n  royalty: share {rate}% of gross to Author reserve {reserve}% released {release} {periods} periods\n}}\n"
        );
        let statement = evaluate(&deal, &series(&rows));
        let earned: Decimal = rows.iter().map(|(gross, _)| {
            (rate / Decimal::ONE_HUNDRED * cents(*gross).max(Decimal::ZERO))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven)
        }).sum();
        let paid: Decimal = statement.rows.iter().map(|r| r.amount).sum();
        let held: Decimal = statement.reserves_held.iter().map(|h| h.amount).sum();
        prop_assert_eq!(paid + held, earned);
        prop_assert!(statement.rows.iter().all(|r| r.amount >= Decimal::ZERO));
    }

    #[test]
    fn formatting_a_waterfall_changes_no_figure((deal, _) in waterfall(), rows in rows_strategy()) {
        let formatted = dealterms::format_source(&deal).expect("formats");
        prop_assert_eq!(dealterms::format_source(&formatted).expect("formats again"), formatted.clone());
        let series = series(&rows);
        prop_assert_eq!(evaluate(&deal, &series).rows, evaluate(&formatted, &series).rows);
    }
}

/// A cycle through `what P receives` is named clause by clause.
#[test]
fn a_cycle_through_receipts_names_every_clause() {
    let deal = "agreement \"c\" {\n  parties Label, Artist, Manager\n  payer Label\n  royalty: share 10% of gross + what Manager receives to Artist\n  commission: share 20% of what Artist receives from Label to Manager\n}\n";
    let problems = dealterms::compile(deal).expect_err("a cycle");
    let cycle = problems
        .iter()
        .find_map(|p| match &p.kind {
            dealterms::ProblemKind::Cycle { clauses } => Some(clauses.clone()),
            _ => None,
        })
        .expect("a cycle problem");
    assert_eq!(cycle, ["royalty", "commission", "royalty"]);
}

/// A chain of clauses each reading the one before is evaluated in order,
/// and a long chain does not exhaust the stack.
#[test]
fn a_long_chain_of_payments_is_evaluated_in_order() {
    let mut deal = String::from(
        "agreement \"chain\" {\n  parties A, B\n  payer A\n  c0: share 50% of gross to B\n",
    );
    for i in 1..400 {
        deal.push_str(&format!("  c{i}: share 50% of what c{} pays to B\n", i - 1));
    }
    deal.push_str("}\n");
    let statement = evaluate(&deal, "period,gross,costs\n2025Q1,1024,0\n");
    let amount = |label: &str| first_paid(&statement, label);
    assert_eq!(amount("c0"), Some(cents(51_200)));
    assert_eq!(amount("c9"), Some(cents(100)));
}

/// An expectation about a waterfall or a split step counts all its rows.
#[test]
fn expectations_name_a_waterfall_or_a_split_step_whole() {
    let deal = "agreement \"E\" {\n  parties Account, Distributor, Financier, Producer\n  payer Account\n  collection: waterfall of gross_receipts {\n    fee: 30% to Distributor\n    profits: split 50% to Financier, 50% to Producer\n  }\n  series \"e.csv\"\n  expect profits total = 1.4M\n  expect collection total = 2M\n  expect fee total = 600K\n  expect profits in 2025Q1 = 1.4M\n}\n";
    let (agreement, _) = dealterms::compile(deal).expect("valid");
    let series = dealterms::series::read("period,gross_receipts\n2025Q1,2000000\n").expect("reads");
    let statement = eval::evaluate(&agreement, &series, &Options::default()).expect("evaluates");
    let verdicts = dealterms::verify::verify(&agreement, &statement);
    assert_eq!(verdicts.len(), 4);
    assert!(verdicts.iter().all(|v| v.passed), "{verdicts:?}");
}

/// No figure of a waterfall is a negative zero, which would read as a
/// negative basis (`nothing is shared`) to a clause reading it.
#[test]
fn a_waterfall_that_runs_dry_leaves_plain_zeros() {
    let deal = std::fs::read_to_string("tests/acceptance/v09-collection-waterfall/agreement.deal")
        .expect("the case");
    let series = std::fs::read_to_string("tests/acceptance/v09-collection-waterfall/series.csv")
        .expect("its series");
    let statement = evaluate(&deal, &series);
    for row in &statement.rows {
        assert!(!row.amount.is_sign_negative(), "{row:?}");
        assert!(!row.basis.is_some_and(|b| b.is_sign_negative()), "{row:?}");
        assert!(
            !row.explain.iter().any(|line| line.contains("is negative")),
            "{row:?}"
        );
    }
}

/// Found by review: a payee's payments from one payer are rounded as one
/// total even when one of them reads another clause's payment.
#[test]
fn a_payee_is_rounded_once_across_layers() {
    let deal = "agreement \"r\" {\n  rounding half-even per payee\n  parties Label, Artist, Manager\n  payer Label\n  royalty: share 10% of net to Artist\n  c1: share 0.5% of what royalty pays from Artist to Manager\n  c3: share 0.5% of net from Artist to Manager\n}\n";
    let statement = evaluate(deal, "period,net\n2025Q1,10\n");
    assert_eq!(received(&statement, "Manager"), cents(6));
}

/// Found by review: an advance is recouped in clause order, whatever
/// the depth of the clauses it is recouped from.
#[test]
fn recoupment_follows_clause_order_across_layers() {
    let deal = "agreement \"r\" {\n  parties Label, Producer, Artist, Manager\n  payer Label\n  prod: share 10% of net to Producer\n  b: share 50% of what prod pays to Artist\n  a: share 10% of net to Artist\n  adv: advance 100 to Artist recouped from b, a\n  commission: share 20% of what a pays from Artist to Manager\n}\n";
    let statement = evaluate(deal, "period,net\n2025Q1,1000\n");
    let amount = |label: &str| first_paid(&statement, label);
    assert_eq!(amount("b"), Some(cents(0)));
    assert_eq!(amount("a"), Some(cents(5000)));
    assert_eq!(amount("commission"), Some(cents(1000)));
}

/// Found by review: two withholdings are each their rate of the payment,
/// in either order; what a withholding pays can be read.
#[test]
fn withholdings_are_each_of_the_whole_payment_and_readable() {
    let deal = |first: &str, second: &str| {
        format!(
            "agreement \"w\" {{\n  parties Label, Artist, Tax, Church, Lawyer\n  payer Label\n  royalty: share 10% of net to Artist\n  {first}\n  {second}\n  fee: share 10% of what tax pays from Tax to Lawyer\n}}\n"
        )
    };
    let tax = "tax: withhold 30% of payments to Artist for Tax";
    let tithe = "tithe: withhold 10% of payments to Artist for Church";
    for text in [deal(tax, tithe), deal(tithe, tax)] {
        let statement = evaluate(&text, "period,net\n2025Q1,10000\n");
        let received = |party: &str| received(&statement, party);
        assert_eq!(received("Tax"), cents(30_000));
        assert_eq!(received("Church"), cents(10_000));
        assert_eq!(received("Artist"), cents(60_000));
        assert_eq!(received("Lawyer"), cents(3_000));
    }
}

/// Found by review: `rest of a, b` takes what a share of `a + b` took,
/// and what a waterfall of the same basis paid out.
#[test]
fn a_rest_follows_shares_of_the_sum_and_waterfalls() {
    let deal = "agreement \"m\" {\n  parties Buyers, M, X, S\n  payer Buyers\n  share 10% of sales + services to M\n  share 5% of sales to X\n  rest of sales, services to S\n}\n";
    let statement = evaluate(deal, "period,sales,services\n2025-01,1000,200\n");
    let paid: Decimal = statement.rows.iter().map(|r| r.amount).sum();
    assert_eq!(paid, cents(120_000));
    let waterfall = "agreement \"w\" {\n  parties P, A, B, C\n  payer P\n  w: waterfall of gross {\n    30% to A\n    rest to B until received 100\n  }\n  rest of gross to C\n}\n";
    let statement = evaluate(waterfall, "period,gross\n2025-01,1000\n");
    let paid: Decimal = statement.rows.iter().map(|r| r.amount).sum();
    assert_eq!(paid, cents(100_000));
}

/// Found by review: unlabelled waterfalls of one basis name their steps
/// apart.
#[test]
fn unlabelled_waterfalls_of_one_basis_have_distinct_labels() {
    let deal = "agreement \"w\" {\n  parties P, A, B\n  payer P\n  waterfall of gross {\n    10% to A\n    20% to B\n  }\n  waterfall of gross {\n    10% to A\n    20% to B\n  }\n}\n";
    let (agreement, _) = dealterms::compile(deal).expect("valid");
    let mut labels: Vec<&str> = agreement.clauses.iter().map(|c| c.label.as_str()).collect();
    let count = labels.len();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), count, "{labels:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Bands counting another column apportion the whole basis: with every
    /// band at 100%, each period pays exactly its basis.
    #[test]
    fn apportioned_bands_sum_to_the_basis(
        limits in prop::collection::vec(1u64..5_000, 1..4),
        rows in prop::collection::vec((0u64..3_000, 0i64..10_000_000), 1..12),
    ) {
        let mut limits = limits;
        limits.sort_unstable();
        limits.dedup();
        let mut bands = format!("up to {}", limits[0]);
        for limit in &limits[1..] {
            bands.push_str(&format!(", 100% up to {limit}"));
        }
        let deal = format!(
            "agreement \"a\" {{\n  parties P, A\n  payer P\n  royalty: share 100% of receipts to A {bands}, 100% above in copies\n}}\n"
        );
        let mut series = String::from("period,copies,receipts\n");
        for (i, (copies, receipts)) in rows.iter().enumerate() {
            series.push_str(&format!("{}-{:02},{copies},{}\n", 2025 + i / 12, i % 12 + 1, cents(*receipts)));
        }
        let statement = evaluate(&deal, &series);
        for (row, (_, receipts)) in statement.rows.iter().zip(&rows) {
            prop_assert_eq!(row.amount, cents(*receipts));
        }
    }

    /// A basis in another currency is converted at its rate column without
    /// rounding, and the payment is rounded once: 5% of euros x rate.
    #[test]
    fn conversion_then_one_rounding(
        rows in prop::collection::vec((0i64..10_000_000_000, 9_000u32..13_000), 1..12),
    ) {
        let deal = "agreement \"c\" {\n  parties P, A\n  payer P\n  royalty: share 5% of sales_eur * usd_per_eur to A\n}\n";
        let mut series = String::from("period,sales_eur,usd_per_eur\n");
        for (i, (sales, rate)) in rows.iter().enumerate() {
            series.push_str(&format!("{}Q{},{},{}\n", 2025 + i / 4, i % 4 + 1, cents(*sales), Decimal::new(i64::from(*rate), 4)));
        }
        let statement = evaluate(deal, &series);
        for (row, (sales, rate)) in statement.rows.iter().zip(&rows) {
            let exact = cents(*sales) * Decimal::new(i64::from(*rate), 4) * Decimal::new(5, 2);
            let once = exact.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointNearestEven);
            prop_assert_eq!(row.amount, once);
        }
    }

    /// A milestone is paid at most once, whatever the series.
    #[test]
    fn a_milestone_is_paid_at_most_once(
        level in 1u64..1_000_000,
        per_year in any::<bool>(),
        rows in prop::collection::vec(0i64..100_000_000, 1..30),
    ) {
        let per = if per_year { " per year" } else { "" };
        let deal = format!(
            "agreement \"m\" {{\n  parties P, A\n  payer P\n  m: pay 1K to A when sales exceed {level}{per}\n}}\n"
        );
        let mut series = String::from("period,sales\n");
        for (i, sales) in rows.iter().enumerate() {
            series.push_str(&format!("{}Q{},{}\n", 2025 + i / 4, i % 4 + 1, cents(*sales)));
        }
        let statement = evaluate(&deal, &series);
        let paid = statement.rows.iter().filter(|r| !r.amount.is_zero()).count();
        prop_assert!(paid <= 1);
        let total: Decimal = rows.iter().map(|s| cents(*s)).sum();
        if !per_year {
            prop_assert_eq!(paid == 1, total > Decimal::from(level));
        }
    }
}
