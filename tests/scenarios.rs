//! `deal scenarios` and `deal solve`: every scenario of a small grid
//! computed independently (the series varied here, by the documented
//! formulas, and run through `deal eval`), the grid's invariants, and the
//! goal seek confirmed by `deal eval` at the factor and just below it.

mod common;

use std::collections::BTreeMap;
use std::str::FromStr;

use common::{deal, exits, text};
use dealterms::eval::{self, Options};
use dealterms::scenario::{self, Outcome, Variation};
use rust_decimal::Decimal;

const AGI: &str = "examples/openai-microsoft-agi.deal";
const SEED: &str = "examples/openai-microsoft.deal";
const SERIES: &str = "examples/openai-microsoft.csv";

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal")
}

/// The seed's series: `(period, revenue)`.
fn seed_rows() -> Vec<(String, Decimal)> {
    std::fs::read_to_string(SERIES)
        .expect("the series")
        .lines()
        .skip(1)
        .map(|line| {
            let (period, revenue) = line.split_once(',').expect("two cells");
            (period.to_string(), d(revenue))
        })
        .collect()
}

/// The growth formula of docs/scenarios.md, written again here.
fn shift_growth(values: &[Decimal], shift: Decimal) -> Vec<Decimal> {
    let decimals = values
        .iter()
        .map(|v| v.normalize().scale())
        .max()
        .unwrap_or(0);
    let mut out: Vec<Decimal> = Vec::new();
    for (index, value) in values.iter().enumerate() {
        if index == 0 || values[index - 1].is_zero() {
            out.push(*value);
            continue;
        }
        let growth = *value / values[index - 1] + shift;
        out.push((out[index - 1] * growth).round_dp(decimals));
    }
    out
}

/// `deal eval --format json` of `agreement` on these revenues, with events.
fn eval_json(
    agreement: &str,
    revenues: &[(String, Decimal)],
    events: &[&str],
) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("a directory");
    let path = dir.path().join("varied.csv");
    let mut csv = String::from("period,revenue\n");
    for (period, revenue) in revenues {
        csv.push_str(&format!("{period},{revenue}\n"));
    }
    std::fs::write(&path, csv).expect("the varied series");
    let path = path.display().to_string();
    let mut args = vec!["eval", agreement, "--series", &path, "-f", "json"];
    for event in events {
        args.extend(["--event", event]);
    }
    let out = deal(&args);
    exits(&out, 0);
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `deal solve` of the seed, revenue varied, toward `goal`.
fn solve_seed(goal: &str, more: &[&str]) -> std::process::Output {
    let args = ["solve", SEED, "--vary", "revenue", "--until", goal];
    deal(&[&args[..], more].concat())
}

/// The first period of an event of this kind (or `never`).
fn first(statement: &serde_json::Value, kind: &str) -> String {
    statement["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == kind)
        .and_then(|e| e["period"].as_str())
        .unwrap_or("never")
        .to_string()
}

/// Microsoft's total and the period the cap is reached (or `never`).
fn total_and_cap(statement: &serde_json::Value) -> (Decimal, String) {
    let total = statement["totals"]
        .as_array()
        .expect("totals")
        .iter()
        .find(|t| t["party"] == "Microsoft")
        .map(|t| d(t["received"].as_str().expect("an amount")))
        .expect("Microsoft's total");
    let cap = statement["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "cap_reached")
        .and_then(|e| e["period"].as_str())
        .unwrap_or("never")
        .to_string();
    (total, cap)
}

#[test]
fn every_scenario_of_a_grid_is_what_deal_eval_gives_on_its_series() {
    let out = deal(&[
        "scenarios",
        AGI,
        "--scale",
        "revenue=0.8,1,1.3",
        "--growth",
        "revenue=-10%,0%,+15%",
        "--event",
        "agi=2029-01-01,2031-01-01",
        "-f",
        "csv",
    ]);
    exits(&out, 0);
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    assert_eq!(
        header,
        [
            "revenue scale",
            "revenue growth",
            "agi",
            "Microsoft total",
            "revenue-share window closed",
            "revenue-share cap reached"
        ]
    );
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    assert_eq!(rows.len(), 3 * 3 * 2);
    let base = seed_rows();
    let mut checked = 0;
    for factor in ["0.8", "1", "1.3"] {
        for shift in ["-10%", "0%", "+15%"] {
            for agi in ["2029-01-01", "2031-01-01"] {
                let row = rows
                    .iter()
                    .find(|row| row[0] == factor && row[1] == shift && row[2] == agi)
                    .unwrap_or_else(|| panic!("no row for {factor} {shift} {agi}"));
                let scaled: Vec<Decimal> = base.iter().map(|(_, v)| *v * d(factor)).collect();
                let percent =
                    d(shift.trim_end_matches('%').trim_start_matches('+')) / Decimal::ONE_HUNDRED;
                let varied = shift_growth(&scaled, percent);
                let revenues: Vec<(String, Decimal)> =
                    base.iter().map(|(p, _)| p.clone()).zip(varied).collect();
                let event = format!("agi={agi}");
                let statement = eval_json(AGI, &revenues, &[&event]);
                let (total, cap) = total_and_cap(&statement);
                assert_eq!(d(row[3]), total, "{factor} {shift} {agi}");
                assert_eq!(
                    row[4],
                    first(&statement, "window_closed"),
                    "{factor} {shift} {agi}"
                );
                assert_eq!(row[5], cap, "{factor} {shift} {agi}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 18);
}

#[test]
fn the_json_and_table_say_what_the_csv_says() {
    let args = ["scenarios", SEED, "--scale", "revenue=0.7..1.3/0.3"];
    let json: serde_json::Value =
        serde_json::from_slice(&deal(&[&args[..], &["-f", "json"]].concat()).stdout).expect("JSON");
    let scenarios = json["scenarios"].as_array().expect("scenarios");
    assert_eq!(scenarios.len(), 3);
    assert_eq!(scenarios[0]["values"]["revenue scale"], "0.7");
    assert_eq!(scenarios[0]["events"]["revenue-share cap reached"], "2031");
    assert_eq!(scenarios[2]["totals"]["Microsoft"], "38000000000.00");
    let table = text(&deal(&args).stdout);
    assert!(
        table.starts_with("OpenAI-Microsoft revenue share (USD): 3 scenarios"),
        "{table}"
    );
    assert!(table.contains("38,000,000,000.00"));
}

/// Scaling by 1 is the series itself: every example's every column gives
/// exactly what `evaluate` gives.
#[test]
fn scaling_by_one_reproduces_the_statement() {
    for example in common::examples() {
        let text = std::fs::read_to_string(&example).expect("the example");
        let (agreement, _) = dealterms::compile(&text).expect("it compiles");
        let series_path = example.with_extension("csv");
        let series = dealterms::series::read(&std::fs::read_to_string(&series_path).expect("csv"))
            .expect("the series reads");
        let direct = Outcome::of(
            &eval::evaluate(&agreement, &series, &Options::default()).expect("evaluates"),
        );
        for column in &series.columns {
            let variation = Variation::Scale {
                column: column.clone(),
                factors: vec![Decimal::ONE],
            };
            let grid = scenario::run(&agreement, &series, &Options::default(), &[variation])
                .expect("the grid");
            assert_eq!(
                grid.scenarios[0].1,
                direct,
                "{} {column}",
                example.display()
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// For a capped share, more revenue never makes the cap bind later.
    #[test]
    fn the_cap_binds_no_later_as_the_scale_grows(
        revenues in proptest::collection::vec(0u64..40_000_000_000, 3..12),
        mut factors in proptest::collection::vec(0u32..300, 2..8),
    ) {
        factors.sort_unstable();
        let (agreement, _) = dealterms::compile(&std::fs::read_to_string(SEED).expect("the seed")).expect("compiles");
        let text: String = std::iter::once("period,revenue\n".to_string())
            .chain(revenues.iter().enumerate().map(|(i, r)| format!("{},{r}\n", 2025 + i)))
            .collect();
        let series = dealterms::series::read(&text).expect("a series");
        let factors: Vec<Decimal> = factors.into_iter().map(|f| Decimal::new(i64::from(f), 2)).collect();
        let variation = Variation::Scale { column: "revenue".into(), factors };
        let grid = scenario::run(&agreement, &series, &Options::default(), &[variation]).expect("the grid");
        let mut last: Option<Option<dealterms::period::Period>> = None;
        for (_, outcome) in &grid.scenarios {
            let cap = outcome.events.iter().find(|(k, _)| k.kind.name() == "cap_reached").map(|(_, p)| *p);
            if let Some(before) = last {
                // Never after the previous one; once reached, reached.
                match (before, cap) {
                    (Some(_), None) => proptest::prop_assert!(false, "the cap stopped binding"),
                    (Some(b), Some(c)) => proptest::prop_assert!(c <= b, "{c} after {b}"),
                    _ => {}
                }
            }
            last = Some(cap);
        }
    }
}

#[test]
fn solve_finds_the_factor_at_which_the_cap_binds_a_year_earlier() {
    let out = solve_seed("Microsoft cap reached in 2029", &["-f", "json"]);
    exits(&out, 0);
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let factor = d(answer["factor"].as_str().expect("a factor"));
    assert_eq!(answer["period"], "2029");
    assert_eq!(answer["neighbour"]["period"], "2030");
    // `deal eval` on the series scaled by the factor, and one precision below.
    for (factor, expected) in [(factor, "2029"), (factor - d("0.0001"), "2030")] {
        let revenues: Vec<(String, Decimal)> = seed_rows()
            .into_iter()
            .map(|(p, v)| (p, v * factor))
            .collect();
        let (_, cap) = total_and_cap(&eval_json(SEED, &revenues, &[]));
        assert_eq!(cap, expected, "at {factor}");
    }
    // 38B / (20% of the revenue through 2029) = 1.10819..., up to the grid.
    assert_eq!(factor, d("1.1082"));
    // The table says it in words, with the statement.
    let table = text(&solve_seed("revenue-share cap reached by 2029", &[]).stdout);
    assert!(
        table.starts_with(
            "smallest factor of revenue: 1.1082 (to 0.0001), revenue-share cap reached by 2029"
        ),
        "{table}"
    );
    assert!(
        table.contains("at 1.1081: revenue-share cap reached in 2030"),
        "{table}"
    );
}

#[test]
fn solve_says_when_no_factor_in_the_range_does_it() {
    let out = solve_seed("Microsoft cap reached by 2026", &["--range", "0..2"]);
    let stderr = exits(&out, 1);
    assert!(
        stderr.contains("no factor of revenue from 0 to 2 makes revenue-share cap reached by 2026"),
        "{stderr}"
    );
    assert!(
        stderr.contains("(at 0: never; at 2: in 2028); widen `--range`"),
        "{stderr}"
    );
    let out = deal(&[
        "solve",
        SEED,
        "--vary",
        "revenu",
        "--until",
        "Microsoft cap reached by 2029",
    ]);
    assert!(exits(&out, 2).contains("no column `revenu`"));
    let out = solve_seed("Microsft cap reached by 2029", &[]);
    assert!(exits(&out, 2).contains("did you mean `Microsoft`?"));
    let out = solve_seed("Microsoft cap reached around 2029", &[]);
    assert!(exits(&out, 2).contains("expected `SUBJECT EVENT in|by PERIOD`"));
}

#[test]
fn bad_grids_are_refused_with_their_reason() {
    let out = deal(&["scenarios", SEED]);
    assert!(exits(&out, 2).contains("no scenarios: vary something"));
    let out = deal(&[
        "scenarios",
        SEED,
        "--scale",
        "revenue=0..100/0.1",
        "--growth",
        "revenue=-50%..50%/1%",
    ]);
    assert!(
        exits(&out, 2).contains("101101 scenarios is more than 10000"),
        "{}",
        text(&out.stderr)
    );
    let out = deal(&["scenarios", SEED, "--scale", "sales=0.9"]);
    assert!(exits(&out, 2).contains("the series has no column `sales`; it has `revenue`"));
    let out = deal(&["scenarios", SEED, "--event", "agi=2028-01-01"]);
    assert!(exits(&out, 2).contains("no event `agi` to vary: the agreement declares no events"));
    let out = deal(&[
        "scenarios",
        SEED,
        "--scale",
        "revenue=1",
        "--scale",
        "revenue=2",
    ]);
    assert!(exits(&out, 2).contains("revenue scale is varied twice"));
    let out = deal(&["scenarios", SEED, "--growth", "revenue=-10"]);
    assert!(exits(&out, 2).contains("would shift the growth by -1000%"));
    let out = deal(&["scenarios", SEED, "--growth", "revenue=-150%"]);
    assert!(exits(&out, 2).contains("would turn negative in 2029"));
    let out = deal(&["scenarios", SEED, "--scale", "revenue=0.9..0.8/0.1"]);
    assert!(exits(&out, 2).contains("the range ends before it starts"));
}

#[test]
fn a_portfolio_sums_each_payee_per_scenario() {
    let dir = tempfile::tempdir().expect("a directory");
    let deal_text =
        "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B cap 250\n}\n";
    let series = "deal,period,revenue\nfirst,2025,1000\nfirst,2026,1000\nsecond,2025,2000\nsecond,2026,3000\n";
    let (deals, series) = common::two_deal_portfolio(dir.path(), deal_text, series);
    let out = deal(&[
        "scenarios",
        &deals,
        "--series",
        &series,
        "--scale",
        "revenue=0.5,1,2",
        "-f",
        "csv",
    ]);
    exits(&out, 0);
    // first: 10% of 2,000 x f, capped at 250; second: 10% of 5,000 x f, capped.
    let expected = [
        "revenue scale,B total",
        "0.5,350.00",
        "1,450.00",
        "2,500.00",
    ];
    assert_eq!(text(&out.stdout).lines().collect::<Vec<_>>(), expected);
}

#[test]
fn the_chart_draws_each_total_against_the_first_variation() {
    let dir = tempfile::tempdir().expect("a directory");
    let chart = dir.path().join("grid.svg");
    let out = deal(&[
        "scenarios",
        AGI,
        "--scale",
        "revenue=0.8..1.2/0.1",
        "--event",
        "agi=2028-01-01,2031-01-01",
        "--chart",
        &chart.display().to_string(),
    ]);
    exits(&out, 0);
    let svg = std::fs::read_to_string(&chart).expect("the chart");
    assert!(svg.contains("totals by revenue scale"), "the title");
    assert!(svg.contains("Microsoft, agi 2028-01-01") && svg.contains("Microsoft, agi 2031-01-01"));
}

#[test]
fn a_grid_is_the_same_on_any_number_of_cores() {
    let (agreement, _) =
        dealterms::compile(&std::fs::read_to_string(AGI).expect("agi")).expect("compiles");
    let series =
        dealterms::series::read(&std::fs::read_to_string(SERIES).expect("csv")).expect("series");
    let variations = [
        dealterms::scenario::spec::scale("revenue=0.5..1.5/0.1").expect("scale"),
        dealterms::scenario::spec::event("agi=2026-01-01..2032-01-01/6m").expect("event"),
    ];
    let many = scenario::run(&agreement, &series, &Options::default(), &variations).expect("grid");
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool")
        .install(|| {
            scenario::run(&agreement, &series, &Options::default(), &variations).expect("grid")
        });
    assert_eq!(many, one);
    let per_event: BTreeMap<String, usize> = many
        .events
        .iter()
        .map(|key| {
            (
                key.name(),
                many.scenarios
                    .iter()
                    .filter(|(_, o)| o.events.contains_key(key))
                    .count(),
            )
        })
        .collect();
    assert!(per_event.contains_key("revenue-share cap reached"));
}

#[test]
fn the_largest_factor_keeps_the_event_in_its_period() {
    let out = solve_seed("Microsoft cap reached in 2031", &["--largest"]);
    exits(&out, 0);
    let stdout = text(&out.stdout);
    // 38B / (20% of the revenue through 2030) = 0.70331...: at 0.7034 the
    // cap is reached a year earlier.
    assert!(
        stdout.starts_with("largest factor of revenue: 0.7033 (to 0.0001)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("at 0.7034: revenue-share cap reached in 2030"),
        "{stdout}"
    );
}

/// Columns of events never repeat or move: kinds of one order (a window
/// opened and closed) each once, in the same order on every run.
#[test]
fn event_columns_are_each_once_in_a_stable_order() {
    let args = [
        "scenarios",
        "examples/character-licence.deal",
        "--scale",
        "net_sales=0.5,1,2",
        "--growth",
        "net_sales=-10%,0%,10%",
        "-f",
        "csv",
    ];
    let first = text(&deal(&args).stdout);
    let header: Vec<String> = first
        .lines()
        .next()
        .expect("a header")
        .split(',')
        .map(String::from)
        .collect();
    let mut unique = header.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), header.len(), "{header:?}");
    for _ in 0..5 {
        assert_eq!(text(&deal(&args).stdout), first);
    }
}

/// A goal `in` a year is met by an event in one of its quarters; an event
/// range running into the calendar's end stops there.
#[test]
fn goals_and_dates_across_granularities_and_the_calendar_end() {
    let out = deal(&[
        "solve",
        "examples/patent-licence.deal",
        "--vary",
        "net_sales",
        "--until",
        "royalty cap reached in 2025",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("royalty cap reached in 2025Q"), "{stdout}");
    let out = deal(&[
        "scenarios",
        AGI,
        "--event",
        "agi=9999-06-01..9999-12-31/1y",
        "-f",
        "csv",
    ]);
    assert_eq!(
        text(&out.stdout).lines().count(),
        2,
        "{}",
        text(&out.stderr)
    );
    let out = solve_seed("Microsoft cap reached by 2030", &["--range", "1.2..2"]);
    assert!(text(&out.stdout).contains("the goal is met at the low end of the range already"));
}

/// A goal names the clause that can have the event: a party paid by an
/// advance and a royalty means the advance for `advance recouped`; a
/// clause that cannot have it is refused, naming the one that can.
#[test]
fn a_goal_finds_the_clause_that_can_have_its_event() {
    let dir = tempfile::tempdir().expect("a directory");
    let agreement = dir.path().join("band.deal");
    std::fs::write(
        &agreement,
        "agreement \"Band\" {\n  currency USD\n  parties Label, Band\n  payer Label\n\n  signing: advance 50K to Band recouped from royalty\n  royalty: share 18% of net_receipts to Band\n}\n",
    )
    .expect("the agreement");
    let series = dir.path().join("band.csv");
    std::fs::write(
        &series,
        "period,net_receipts\n2026Q1,80000\n2026Q2,120000\n2026Q3,150000\n2026Q4,210000\n",
    )
    .expect("the series");
    let (agreement, series) = (
        agreement.display().to_string(),
        series.display().to_string(),
    );
    let solve = |goal: &str| {
        deal(&[
            "solve",
            &agreement,
            "--series",
            &series,
            "--vary",
            "net_receipts",
            "--until",
            goal,
        ])
    };
    let out = solve("Band advance recouped by 2026Q3");
    exits(&out, 0);
    // 50K / 18% = 277,777.78 of receipts through 2026Q3 (350K at 1).
    assert!(text(&out.stdout).starts_with(
        "smallest factor of net_receipts: 0.7937 (to 0.0001), signing advance recouped by 2026Q3"
    ));
    let out = solve("royalty advance recouped by 2026Q3");
    assert!(exits(&out, 2).contains("`royalty` has no `advance recouped`; `signing` has"));
    let out = solve("Band cap reached by 2026Q3");
    assert!(exits(&out, 2).contains("no clause paying `Band` has `cap reached`"));
}
