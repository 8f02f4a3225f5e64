//! Fixed figures (src/eval/fixed.rs) against decimals, on what is printed:
//! the statement as JSON and CSV (every column, explanations included), or
//! the problem that stops the evaluation. `tests/invariants.rs` compares
//! the statements as values; a Decimal's scale never shows there, but it
//! may in what is derived from it when printed.

use dealterms::eval::{self, Options};
use dealterms::report::{csv, json};

/// Everything `deal eval` could print for `deal` on `series`, with fixed
/// figures allowed or not.
fn printed(deal: &str, series: &str, decimals_only: bool) -> String {
    let (agreement, _) = dealterms::compile(deal).expect("the agreement checks");
    let series = dealterms::series::read(series).expect("the series reads");
    let options = Options {
        explain: true,
        decimals_only,
        ..Options::default()
    };
    match eval::evaluate(&agreement, &series, &options) {
        Ok(statement) => {
            let columns = csv::default_columns(false, true);
            let mut out = json::render(&statement, true);
            out.push_str(&csv::render(&statement, &columns));
            out
        }
        Err(problem) => format!("{problem:?}"),
    }
}

/// Asserts that both kinds of figure print the same, and returns it.
fn same(deal: &str, series: &str) -> String {
    let fixed = printed(deal, series, false);
    let decimals = printed(deal, series, true);
    assert_eq!(fixed, decimals, "fixed figures (left) differ from decimals");
    fixed
}

fn deal(currency: &str, rounding: &str, clause: &str) -> String {
    format!(
        "agreement \"t\" {{\n  currency {currency}\n  rounding {rounding}\n  parties A, B, C\n  payer A\n  c: {clause}\n  rest of revenue to C\n}}\n"
    )
}

fn series(values: &[&str]) -> String {
    let mut text = String::from("period,revenue\n");
    for (i, value) in values.iter().enumerate() {
        text.push_str(&format!("2025-{:02},{value}\n", i + 1));
    }
    text
}

/// A lifetime cap with three decimals in a currency of two (rounded to the
/// cent when the agreement is checked: `src/check/minor_units.rs`): the
/// period that reaches it pays the cap's figure. The effective rate of that row
/// is `amount / basis` at ten decimals, in integers unless they overflow
/// (`statement::ratio`), else by a Decimal division rounded twice. The
/// scale of the amount once decided which, and the two differed in the
/// last digit (0.2000000000 against 0.2000000001; exactly, 0.20000000005
/// and a little more); the integers are now tried again on the figures
/// without trailing zeros, whatever their scale.
#[test]
fn a_cap_finer_than_the_minor_unit_gives_the_same_effective_rate() {
    let deal = deal(
        "USD",
        "half-even",
        "share 50% of revenue to B cap 19999999999999999998749.998",
    );
    let printed = same(&deal, &series(&["99999999974999999999999.99"]));
    assert!(
        printed.contains("\"effective_rate\": \"0.2000000001\""),
        "{printed}"
    );
}

/// A genuine overflow is reported as before, naming the clause and the
/// period, whether it arises in a share clause evaluated with fixed figures
/// (which refuse the figure first, and the evaluation starts again) or in
/// a `rest of` while another clause holds fixed figures.
#[test]
fn an_overflow_is_reported_against_its_clause_and_period() {
    let overflow = |deal: &str, series: &str| {
        let printed = same(deal, series);
        assert!(printed.starts_with("Problem"), "{printed}");
        printed
    };
    let in_share = overflow(
        &deal("USD", "half-even", "share 100% of revenue to B"),
        "period,revenue\n2025-01,50000000000000000000000000000\n2025-02,50000000000000000000000000000\n",
    );
    assert!(
        in_share.contains("EvalOverflow { clause: \"c\", period: \"2025-02\" }"),
        "{in_share}"
    );
    let beside_fixed = overflow(
        "agreement \"t\" {\n  parties A, B, C\n  payer A\n  c: share 12.5% of cost to B cap 100.005\n  rest of revenue to C\n}\n",
        "period,revenue,cost\n2025-01,50000000000000000000000000000,10.00\n2025-02,50000000000000000000000000000,10.00\n",
    );
    assert!(
        beside_fixed.contains("EvalOverflow { clause: \"rest to C\", period: \"2025-02\" }"),
        "{beside_fixed}"
    );
}

/// Terms and figures at the edge of what fixed figures hold: caps, floors
/// and minimums finer than the minor unit, steps split by a division,
/// rates of 12.5% and 12.345%, negative and three-decimal series values,
/// negative zeros, currencies of 0, 3 and 4 minor units.
#[test]
fn edge_terms_print_the_same() {
    let cases = [
        (
            "USD",
            "half-even",
            "share 12.5% of revenue to B cap 100.005",
        ),
        (
            "USD",
            "half-up",
            "share 12.345% of revenue to B floor 0.005 per month",
        ),
        (
            "JPY",
            "half-even",
            "share 12.5% of revenue to B minimum 100.5 per quarter",
        ),
        (
            "BHD",
            "down",
            "share 12.5% of revenue to B until paid 10.0001, then 3% until paid 20, then 1%",
        ),
        (
            "CLF",
            "up",
            "share 30% of revenue to B up to 10.00005, 20.5% above per year cap 7.1234 per quarter",
        ),
        (
            "KWD",
            "half-down",
            "share 8% of revenue to B above 0.0001 per year cap 1.0005",
        ),
    ];
    // Figures that fixed figures hold throughout (multiples of 0.08, whose
    // 12.5% has four decimals), then ones that make them start again.
    let held = series(&[
        "100.16", "-12.5", "99.92", "0.000", "1000", "33.36", "7", "12345.68", "0.08",
    ]);
    let refused = series(&[
        "100.125",
        "-0",
        "0.0001",
        "-12.5",
        "99.999",
        "0.000",
        "-0.00",
        "1000",
        "1.2345",
        "33.3333",
        "7",
        "12345.678",
    ]);
    for (currency, rounding, clause) in cases {
        for series in [&held, &refused] {
            let printed = same(&deal(currency, rounding, clause), series);
            assert!(printed.contains("\"rows\""), "{printed}");
        }
    }
}

mod generated {
    use super::printed;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// A figure of `digits` significant digits at most, with 0 to 4
    /// decimals (sometimes 5, which fixed figures refuse).
    fn figure(max_whole_digits: u32) -> impl Strategy<Value = Decimal> {
        (1u32..=max_whole_digits, 0u32..=5, any::<u64>(), 0u8..8).prop_map(
            |(whole, scale, seed, shape)| {
                let scale = if scale == 5 && shape > 2 { 2 } else { scale };
                let digits = whole + scale;
                let top = 10i128.pow(digits.min(27));
                let mantissa = match shape {
                    // Round figures: 12.5K, 100.000, 1.005.
                    0 => i128::from(seed % 1_000) * 10i128.pow(digits.saturating_sub(3)),
                    1 => i128::from(seed % 1_000) * 10i128.pow(digits.saturating_sub(3)) + 5,
                    _ => i128::from(seed) * i128::from(seed >> 7 | 1) % top,
                };
                Decimal::from_i128_with_scale(mantissa.max(1), scale)
            },
        )
    }

    /// A rate in percent: 0 to 100 with 0 to 3 decimals (`12.5%`, `12.345%`).
    fn rate() -> impl Strategy<Value = String> {
        (0u32..=100, 0u32..=3, 0u32..1_000).prop_map(|(whole, decimals, fraction)| {
            let fraction = fraction % 10u32.pow(decimals);
            if whole == 100 || decimals == 0 {
                format!("{whole}%")
            } else {
                format!("{whole}.{fraction:0width$}%", width = decimals as usize)
            }
        })
    }

    fn amount(max_whole_digits: u32) -> impl Strategy<Value = String> {
        figure(max_whole_digits).prop_map(|figure| figure.to_string())
    }

    prop_compose! {
        fn share(index: usize, magnitude: u32)(
            first in rate(),
            schedule in 0u8..4,
            rates in prop::collection::vec(rate(), 2),
            bounds in prop::collection::vec(amount(magnitude), 2),
            reset in any::<bool>(),
            cap in proptest::option::of(amount(magnitude)),
            periodic_cap in proptest::option::of((amount(magnitude), 0u8..3)),
            threshold in proptest::option::of((amount(magnitude), any::<bool>())),
            floor in proptest::option::of(amount(magnitude.min(6))),
            minimum in proptest::option::of((amount(magnitude), any::<bool>())),
            basis in 0u8..4,
            window in proptest::option::of(1u8..13),
        ) -> String {
            let basis = match basis {
                0 => "revenue",
                1 => "revenue - cost",
                2 => "(revenue + cost) * 50%",
                _ => "cost",
            };
            let payee = if index % 2 == 0 { "B" } else { "C" };
            let mut text = format!("c{index}: share {first} of {basis} to {payee}");
            let (low, high) = {
                let mut b: Vec<Decimal> = bounds.iter().map(|b| b.parse().unwrap()).collect();
                b.sort();
                (b[0], b[1])
            };
            match schedule {
                1 => {
                    text.push_str(&format!(" up to {low}, {} above", rates[0]));
                    if reset { text.push_str(" per year"); }
                }
                2 if low < high => text.push_str(&format!(" up to {low}, {} up to {high}, {} above", rates[0], rates[1])),
                3 if low < high => text.push_str(&format!(" until paid {low}, then {} until paid {high}, then {}", rates[0], rates[1])),
                3 => text.push_str(&format!(" until paid {low}, then {}", rates[0])),
                _ => {}
            }
            if let Some(cap) = &cap {
                text.push_str(&format!(" cap {cap}"));
            }
            if let Some((cap, per)) = &periodic_cap {
                text.push_str(&format!(" cap {cap} per {}", ["year", "quarter", "month"][usize::from(*per)]));
            }
            if let Some((threshold, yearly)) = threshold {
                text.push_str(&format!(" above {threshold}{}", if yearly { " per year" } else { "" }));
            }
            // A floor or minimum above a cap is refused.
            let capped = cap.is_some() || periodic_cap.is_some();
            if let Some(floor) = floor.filter(|_| !capped) {
                text.push_str(&format!(" floor {floor} per month"));
            }
            if let Some((minimum, yearly)) = minimum.filter(|_| !capped) {
                text.push_str(&format!(" minimum {minimum} per {}", if yearly { "year" } else { "quarter" }));
            }
            if let Some(month) = window {
                text.push_str(&format!(" from 2025-{month:02}-01"));
            }
            text
        }
    }

    prop_compose! {
        fn deal()(magnitude in prop_oneof![Just(4u32), Just(9), Just(16), Just(22)])(
            currency in prop::sample::select(vec!["USD", "JPY", "BHD", "CLF", "KWD", "EUR"]),
            rounding in prop::sample::select(vec!["half-even", "half-up", "half-down", "up", "down"]),
            shares in prop::collection::vec(0u8..1, 1..4).prop_flat_map(move |ids| {
                ids.into_iter().enumerate().map(|(i, _)| share(i, magnitude)).collect::<Vec<_>>()
            }),
            advance in proptest::option::of(amount(magnitude)),
            rest in any::<bool>(),
            settle in any::<bool>(),
        ) -> String {
            let mut text = format!("agreement \"generated\" {{\n  currency {currency}\n  rounding {rounding}\n  parties A, B, C\n  payer A\n");
            for share in &shares {
                text.push_str(&format!("  {share}\n"));
            }
            if let Some(advance) = advance {
                text.push_str(&format!("  advance {advance} to B recouped from c0\n"));
            }
            if rest {
                text.push_str("  rest of revenue to C\n");
            }
            if settle {
                text.push_str("  c9: share 10% of cost from B to A\n  settle net between A and B\n");
            }
            text.push_str("}\n");
            text
        }
    }

    /// A series value: negative, zero (`-0`, `0.000`), or a figure with 0
    /// to 5 decimals.
    fn value(magnitude: u32) -> impl Strategy<Value = String> {
        prop_oneof![
            6 => figure(magnitude).prop_map(|f| f.to_string()),
            2 => figure(magnitude).prop_map(|f| format!("-{f}")),
            1 => prop::sample::select(vec!["0", "-0", "0.000", "-0.00", "0.0001"]).prop_map(String::from),
        ]
    }

    /// A value fixed figures keep holding through most rates: a multiple
    /// of 0.08 (whose 12.5% or 37.5% has four decimals), possibly negative.
    fn held(magnitude: u32) -> impl Strategy<Value = String> {
        (any::<i64>(), any::<bool>()).prop_map(move |(seed, negative)| {
            let top = 10i128.pow(magnitude.min(18));
            let eights = (i128::from(seed).abs() % top) * 8;
            let sign = if negative && seed % 3 == 0 { -1 } else { 1 };
            Decimal::from_i128_with_scale(sign * eights, 2).to_string()
        })
    }

    prop_compose! {
        fn series()(magnitude in prop_oneof![Just(4u32), Just(9), Just(16), Just(22)], friendly in any::<bool>())(
            rows in prop::collection::vec(
                if friendly {
                    (held(magnitude), held(magnitude)).boxed()
                } else {
                    (value(magnitude), value(magnitude)).boxed()
                },
                1..20,
            ),
        ) -> String {
            let mut text = String::from("period,revenue,cost\n");
            for (i, (revenue, cost)) in rows.iter().enumerate() {
                text.push_str(&format!("{}-{:02},{revenue},{cost}\n", 2025 + i / 12, i % 12 + 1));
            }
            text
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever the terms, figures and currency, fixed figures print
        /// what decimals print, problems included.
        #[test]
        fn fixed_figures_print_what_decimals_print(deal in deal(), series in series()) {
            let Ok((_, _)) = dealterms::compile(&deal) else {
                return Err(TestCaseError::reject("the generated deal does not check"));
            };
            let fixed = printed(&deal, &series, false);
            let decimals = printed(&deal, &series, true);
            prop_assert_eq!(fixed, decimals, "\n{}\n{}", deal, series);
        }
    }
}
