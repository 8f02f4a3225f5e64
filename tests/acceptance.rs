//! The acceptance cases: deals written from their term sheets
//! (`tests/acceptance/<case>/agreement.deal`), evaluated against their series,
//! compared to payments computed by an independent implementation, to the cent.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use dealterms::eval::{self, Options};
use dealterms::money;
use rust_decimal::Decimal;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `period,party,amount` or `party,amount` rows, keyed by all but the amount.
fn expected(path: &Path) -> BTreeMap<Vec<String>, String> {
    read(path)
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            let amount = cells.pop().expect("an amount column");
            (cells, amount)
        })
        .collect()
}

fn check_case(case: &str) {
    let dir = Path::new("tests/acceptance").join(case);
    let (agreement, warnings) = dealterms::compile(&read(&dir.join("agreement.deal")))
        .unwrap_or_else(|problems| panic!("{case}: {problems:#?}"));
    assert!(warnings.is_empty(), "{case}: {warnings:#?}");
    let series = dealterms::series::read(&read(&dir.join("series.csv"))).expect("the series reads");
    let statement =
        eval::evaluate(&agreement, &series, &Options::default()).expect("the deal evaluates");
    let cents = |amount: Decimal| money::fixed(amount, statement.minor_units);

    let mut per_period: BTreeMap<Vec<String>, Decimal> = BTreeMap::new();
    for row in &statement.rows {
        *per_period
            .entry(vec![
                row.period.to_string(),
                statement.payee(row).to_string(),
            ])
            .or_default() += row.amount;
    }
    let expected_rows = expected(&dir.join("expected.csv"));
    for (key, amount) in &expected_rows {
        let actual = per_period.get(key).map(|a| cents(*a));
        assert_eq!(actual.as_deref(), Some(amount.as_str()), "{case}: {key:?}");
    }
    // Nobody is paid anything the expectation does not list.
    for (key, amount) in &per_period {
        if !amount.is_zero() {
            assert!(
                expected_rows.contains_key(key),
                "{case}: unexpected payment {key:?} {amount}"
            );
        }
    }
    through_the_binary(case, &dir, &expected_rows);
    for (key, amount) in expected(&dir.join("totals.csv")) {
        let total = statement
            .totals
            .iter()
            .find(|t| [t.party.clone()] == key[..])
            .map(|t| cents(t.received));
        assert_eq!(
            total.as_deref(),
            Some(amount.as_str()),
            "{case}: total for {key:?}"
        );
    }
}

/// The same figures from `deal eval --by party --format csv`, with the
/// case's `args` file (extra flags, one a line) if it has one.
fn through_the_binary(case: &str, dir: &Path, expected_rows: &BTreeMap<Vec<String>, String>) {
    let deal_file = dir.join("agreement.deal");
    let series = dir.join("series.csv");
    let mut args: Vec<String> = vec![
        "eval".into(),
        deal_file.display().to_string(),
        "--series".into(),
        series.display().to_string(),
        "--by".into(),
        "party".into(),
        "--format".into(),
        "csv".into(),
    ];
    if let Ok(extra) = std::fs::read_to_string(dir.join("args")) {
        args.extend(
            extra
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::deal(&args);
    common::exits(&out, 0);
    let stdout = common::text(&out.stdout);
    let mut lines = stdout.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (period, party, amount) = (column("period"), column("party"), column("amount"));
    let mut printed: BTreeMap<Vec<String>, String> = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        printed.insert(
            vec![cells[period].to_string(), cells[party].to_string()],
            cells[amount].to_string(),
        );
    }
    for (key, amount) in expected_rows {
        let zero = money::fixed(
            Decimal::ZERO,
            amount.split('.').nth(1).map_or(0, |d| d.len() as u32),
        );
        let actual = printed.get(key).cloned().unwrap_or(zero);
        assert_eq!(&actual, amount, "{case} through the binary: {key:?}");
    }
}

#[test]
fn v01_seed_revenue_cap() {
    check_case("v01-seed-revenue-cap");
}

#[test]
fn v02_platform_tiers_rest() {
    check_case("v02-platform-tiers-rest");
}

#[test]
fn v03_music_advance() {
    check_case("v03-music-advance");
}

#[test]
fn v04_stepdown_then_cap() {
    check_case("v04-stepdown-then-cap");
}

#[test]
fn v05_quarterly_floor_annual_cap() {
    check_case("v05-quarterly-floor-annual-cap");
}

#[test]
fn v06_window_and_event() {
    check_case("v06-window-and-event");
}

#[test]
fn v07_per_unit_and_fee() {
    check_case("v07-per-unit-and-fee");
}

#[test]
fn v08_sales_milestones() {
    check_case("v08-sales-milestones");
}

#[test]
fn v09_collection_waterfall() {
    check_case("v09-collection-waterfall");
}

#[test]
fn v10_commission_and_withholding() {
    check_case("v10-commission-and-withholding");
}

#[test]
fn v11_reserve_against_returns() {
    check_case("v11-reserve-against-returns");
}

#[test]
fn v12_copies_escalator() {
    check_case("v12-copies-escalator");
}

#[test]
fn v13_currency_conversion() {
    check_case("v13-currency-conversion");
}

#[test]
fn v14_previous_year_rate() {
    check_case("v14-previous-year-rate");
}

#[test]
fn v15_event_quarter_cutoff() {
    check_case("v15-event-quarter-cutoff");
}

#[test]
fn v16_half_year_statements() {
    check_case("v16-half-year-statements");
}

#[test]
fn every_case_has_a_test() {
    let cases = std::fs::read_dir("tests/acceptance")
        .expect("cases")
        .count();
    assert_eq!(cases, 16, "add a test function for each new case");
}

/// Issue 14, item 1: under `settle net`, `total` is after the offsets (what
/// moved) and `total before settlement` before them (what the clauses
/// paid); the docs, the totals and `deal test` agree.
#[test]
fn expectations_name_the_figure_before_or_after_settlement() {
    let text = std::fs::read_to_string("examples/cross-licence.deal").expect("the example");
    let series = std::fs::read_to_string("examples/cross-licence.csv").expect("its series");
    let (agreement, _) = dealterms::compile(&text).expect("valid");
    let series = dealterms::series::read(&series).expect("reads");
    let statement =
        dealterms::eval::evaluate(&agreement, &series, &Default::default()).expect("evaluates");
    let received = statement
        .totals
        .iter()
        .find(|t| t.party == "Nordwind Radio AG")
        .map(|t| t.received.to_string());
    assert_eq!(received.as_deref(), Some("26370000.00"));
    let verdicts = dealterms::verify::verify(&agreement, &statement);
    assert!(verdicts.iter().all(|v| v.passed), "{verdicts:?}");
    let gross = agreement
        .expectations
        .iter()
        .find(|e| e.before_settlement)
        .expect("a gross expectation");
    assert_eq!(
        gross.text,
        "\"Nordwind Radio AG\" total before settlement = 108.15M"
    );
}
