//! The terms of issue 16, rule by rule: per-unit rates, fixed fees,
//! half-year periods (terms-v2 items 1, 2 and 14).

use dealterms::eval::statement::Statement;
use dealterms::eval::{self, Options};

fn evaluate(deal: &str, series: &str) -> Statement {
    let (agreement, _) =
        dealterms::compile(deal).unwrap_or_else(|problems| panic!("{deal}\n{problems:#?}"));
    let series = dealterms::series::read(series).expect("the series reads");
    eval::evaluate(&agreement, &series, &Options::default()).expect("evaluates")
}

/// The amounts of one clause's rows, in period order, as text.
fn paid(statement: &Statement, clause: &str) -> Vec<String> {
    statement
        .rows
        .iter()
        .filter(|row| statement.clause(row) == clause)
        .map(|row| dealterms::money::fixed(row.amount, 2))
        .collect()
}

fn deal(clauses: &str) -> String {
    format!("agreement \"t\" {{\n  parties A, B\n  payer A\n{clauses}\n}}\n")
}

#[test]
fn a_yearly_fee_on_a_quarterly_series_is_paid_in_each_years_first_quarter() {
    let statement = evaluate(
        &deal("  fee: pay 10K per year to B"),
        "period,x\n2025Q3,0\n2025Q4,0\n2026Q1,0\n2026Q2,0\n",
    );
    // The series starts in 2025Q3: the 2025 fee is paid there.
    assert_eq!(
        paid(&statement, "fee"),
        ["10000.00", "0.00", "10000.00", "0.00"]
    );
}

#[test]
fn a_monthly_fee_on_a_quarterly_series_is_paid_three_times_a_quarter() {
    let statement = evaluate(
        &deal("  fee: pay 500 per month to B from 2025-04-01"),
        "period,x\n2025Q1,0\n2025Q2,0\n",
    );
    assert_eq!(paid(&statement, "fee"), ["0.00", "1500.00"]);
}

#[test]
fn a_fee_per_half_year_follows_the_half_years() {
    let statement = evaluate(
        &deal("  fee: pay 1K per half-year to B"),
        "period,x\n2025Q1,0\n2025Q2,0\n2025Q3,0\n2025Q4,0\n",
    );
    assert_eq!(
        paid(&statement, "fee"),
        ["1000.00", "0.00", "1000.00", "0.00"]
    );
}

/// `$2.50 per device beyond the first 10,000 devices each year`: the
/// threshold counts units, and a period that crosses it pays the units
/// beyond only.
#[test]
fn a_per_unit_threshold_never_charges_the_free_units() {
    let statement = evaluate(
        &deal("  devices: pay 2.50 per unit of devices to B above 10K per year"),
        "period,devices\n2025Q1,6000\n2025Q2,6000\n2025Q3,1000\n2025Q4,0\n2026Q1,12000\n",
    );
    assert_eq!(
        paid(&statement, "devices"),
        ["0.00", "5000.00", "2500.00", "0.00", "5000.00"]
    );
}

#[test]
fn per_unit_bands_and_caps_count_units_and_money() {
    let statement = evaluate(
        &deal("  copies: pay 0.10 per unit of copies to B up to 1K, 0.20 above cap 250"),
        "period,copies\n2025-01,800\n2025-02,800\n2025-03,800\n",
    );
    // 800 x 0.10; 200 x 0.10 + 600 x 0.20 = 140; then 160 more reaches the cap.
    assert_eq!(paid(&statement, "copies"), ["80.00", "140.00", "30.00"]);
}

#[test]
fn a_fee_takes_no_cap() {
    let problems = dealterms::compile(&deal("  fee: pay 1K per quarter to B cap 5K"))
        .expect_err("a fee with a cap");
    assert_eq!(problems[0].kind.code(), "deal::check::fee_term");
}

#[test]
fn a_per_unit_amount_is_an_amount_not_a_rate() {
    let statement = evaluate(
        &deal("  u: pay 1.25 per unit of units to B"),
        "period,units\n2025,4\n",
    );
    assert_eq!(paid(&statement, "u"), ["5.00"]);
    let notes: Vec<String> = statement
        .rows
        .iter()
        .flat_map(|r| {
            r.notes
                .iter()
                .map(|n| n.text(&statement.parties, &statement.clauses))
        })
        .collect();
    assert_eq!(notes, ["1.25 per unit x 4"]);
}

/// A milestone is paid once only, in the period its condition first holds,
/// however often it holds again.
#[test]
fn a_milestone_is_paid_once() {
    let statement = evaluate(
        &deal(
            "  m: pay 1K to B when sales exceed 100 per year\n  launch: pay 5K to B on 2025-05-20",
        ),
        "period,sales\n2025Q1,60\n2025Q2,60\n2025Q3,500\n2025Q4,0\n2026Q1,500\n",
    );
    assert_eq!(
        paid(&statement, "m"),
        ["0.00", "1000.00", "0.00", "0.00", "0.00"]
    );
    assert_eq!(
        paid(&statement, "launch"),
        ["0.00", "5000.00", "0.00", "0.00", "0.00"]
    );
    let kinds: Vec<&str> = statement.events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["milestone_paid", "milestone_paid"]);
}

/// A milestone on an event without a date is never paid; `--event` dates it.
#[test]
fn a_milestone_on_an_undated_event_waits_for_its_date() {
    let text = "agreement \"t\" {\n  parties A, B\n  payer A\n  event approval\n  m: pay 1K to B on approval\n}\n";
    let (agreement, _) = dealterms::compile(text).expect("valid");
    let series = dealterms::series::read("period,x\n2025Q1,0\n2025Q2,0\n").expect("reads");
    let statement = eval::evaluate(&agreement, &series, &Options::default()).expect("evaluates");
    assert_eq!(paid(&statement, "m"), ["0.00", "0.00"]);
    let options = Options {
        event_dates: [(
            "approval".to_string(),
            "2025-04-02".parse().expect("a date"),
        )]
        .into(),
        ..Options::default()
    };
    let statement = eval::evaluate(&agreement, &series, &options).expect("evaluates");
    assert_eq!(paid(&statement, "m"), ["0.00", "1000.00"]);
}

/// `until period of E` stops before the period containing E, `from period
/// after E` starts with the period after it, whatever day E falls on; the
/// plain forms keep the period E falls in.
#[test]
fn windows_anchored_to_an_events_period() {
    let series = "period,r\n2027Q2,100\n2027Q3,100\n2027Q4,100\n";
    let text = |window: &str| {
        format!(
            "agreement \"t\" {{\n  parties A, B\n  payer A\n  event e on 2027-08-15\n  s: share 10% of r to B {window}\n}}\n"
        )
    };
    let paid_under = |window: &str| paid(&evaluate(&text(window), series), "s");
    assert_eq!(paid_under("until e"), ["10.00", "10.00", "0.00"]);
    assert_eq!(paid_under("until period of e"), ["10.00", "0.00", "0.00"]);
    assert_eq!(
        paid_under("until period after e"),
        ["10.00", "10.00", "0.00"]
    );
    assert_eq!(paid_under("from e"), ["0.00", "10.00", "10.00"]);
    assert_eq!(paid_under("from period after e"), ["0.00", "0.00", "10.00"]);
    assert_eq!(
        paid_under("from period of 2027-08-15"),
        ["0.00", "10.00", "10.00"]
    );
}

/// `each of previous 3 periods`: three periods in a row meeting the level,
/// the periods before the series counting as declared.
#[test]
fn a_condition_on_each_of_the_previous_periods() {
    let text = "agreement \"t\" {\n  parties A, B\n  payer A\n  before series subscriptions = 0\n  bonus: share 10% of revenue to B if each of previous 3 periods subscriptions >= 350\n}\n";
    let statement = evaluate(
        text,
        "period,subscriptions,revenue\n2025-01,400,100\n2025-02,400,100\n2025-03,400,100\n2025-04,300,100\n2025-05,400,100\n",
    );
    assert_eq!(
        paid(&statement, "bonus"),
        ["0.00", "0.00", "0.00", "10.00", "0.00"]
    );
}

/// A condition that looks before the series, without a value for it
/// there, is a located error.
#[test]
fn a_condition_without_history_says_what_is_missing() {
    let text = "agreement \"t\" {\n  parties A, B\n  payer A\n  fee: share 20% of gross to B if previous year gross < 5M\n}\n";
    let (agreement, _) = dealterms::compile(text).expect("valid");
    let series = dealterms::series::read("period,gross\n2024Q1,1\n").expect("reads");
    let problem =
        eval::evaluate(&agreement, &series, &Options::default()).expect_err("needs history");
    assert_eq!(problem.kind.code(), "deal::eval::needs_history");
    let rendered = format!("{:?}", problem.kind);
    assert!(rendered.contains("2023Q1"), "{rendered}");
}

/// `if this year B >= L`: the clause is settled with the year's last
/// period of the series, on the year's whole basis, when the year's total
/// meets the level (terms-v2 item 4).
#[test]
fn a_condition_on_this_years_total_is_settled_with_its_last_period() {
    let text = "agreement \"t\" {\n  parties A, B\n  payer A\n  bonus: share 10% of sales to B if this year sales >= 1000\n}\n";
    let statement = evaluate(
        text,
        "period,sales\n2025Q1,300\n2025Q2,300\n2025Q3,300\n2025Q4,300\n2026Q1,200\n2026Q2,200\n",
    );
    // 2025: 1,200 >= 1,000, paid with 2025Q4; 2026: the series ends with
    // 2026Q2, its last period, and 400 falls short.
    assert_eq!(
        paid(&statement, "bonus"),
        ["0.00", "0.00", "0.00", "120.00", "0.00", "0.00"]
    );
}

/// `above 10K per year in devices`: the threshold counts devices, and the
/// money basis of a period crossing it is apportioned by them.
#[test]
fn a_threshold_counting_another_column_apportions_the_basis() {
    let statement = evaluate(
        &deal("  s: share 10% of receipts to B above 1000 in devices"),
        "period,devices,receipts\n2025Q1,800,8000\n2025Q2,400,4000\n2025Q3,100,1000\n",
    );
    // 2025Q2: 200 of its 400 devices are beyond 1,000: half of 4,000.
    assert_eq!(paid(&statement, "s"), ["0.00", "200.00", "100.00"]);
}

/// Found by review: a fee per shorter period is paid for the part of each
/// series period its window covers, whatever the series' periods.
#[test]
fn a_fee_follows_its_window_within_a_longer_series_period() {
    let text = deal(
        "  monthly: pay 1K per month to B from 2025-05-15 until 2025-11-15\n  quarterly: pay 3K per quarter to B from 2025-05-15",
    );
    let yearly = evaluate(&text, "period,x\n2025,1\n");
    assert_eq!(paid(&yearly, "monthly"), ["7000.00"]);
    assert_eq!(paid(&yearly, "quarterly"), ["9000.00"]);
    let quarterly = evaluate(&text, "period,x\n2025Q1,1\n2025Q2,1\n2025Q3,1\n2025Q4,1\n");
    assert_eq!(
        paid(&quarterly, "monthly"),
        ["0.00", "2000.00", "3000.00", "2000.00"]
    );
}

/// Found by review: `if this year` settles with the last period in force,
/// on the periods in force, against the whole year's total.
#[test]
fn this_year_follows_the_window() {
    let text = deal(
        "  bonus: share 10% of sales to B if this year sales >= 100 until 2025-07-01\n  late: share 10% of sales to B if this year sales >= 100 from 2025-07-01",
    );
    let statement = evaluate(
        &text,
        "period,sales\n2025Q1,40\n2025Q2,40\n2025Q3,40\n2025Q4,0\n",
    );
    assert_eq!(paid(&statement, "bonus"), ["0.00", "8.00", "0.00", "0.00"]);
    assert_eq!(paid(&statement, "late"), ["0.00", "0.00", "0.00", "4.00"]);
}

/// Found by review: a year begun before the series counts its earlier
/// periods as declared, and needs a declaration.
#[test]
fn this_year_counts_the_periods_before_the_series() {
    let text = "agreement \"t\" {\n  parties A, B\n  payer A\n  before series sales = 1000\n  late: share 10% of sales to B if this year sales >= 1000\n}\n";
    let statement = evaluate(text, "period,sales\n2025Q3,60\n2025Q4,60\n");
    assert_eq!(paid(&statement, "late"), ["0.00", "12.00"]);
    let text = text.replace("  before series sales = 1000\n", "");
    let (agreement, _) = dealterms::compile(&text).expect("valid");
    let series = dealterms::series::read("period,sales\n2025Q3,60\n2025Q4,60\n").expect("reads");
    let problem = eval::evaluate(&agreement, &series, &Options::default()).expect_err("history");
    assert_eq!(problem.kind.code(), "deal::eval::needs_history");
}

/// Found by review: a threshold counting units pays nothing in a period
/// without units while the count is below it.
#[test]
fn a_unit_threshold_without_units_pays_as_the_count_stands() {
    let statement = evaluate(
        &deal("  thr: share 10% of receipts to B above 5K per year in copies"),
        "period,copies,receipts\n2025Q1,0,10000\n2025Q2,6000,10000\n2025Q3,0,10000\n",
    );
    // 2025Q2: 1,000 of 6,000 copies beyond: a sixth of 10,000.
    assert_eq!(paid(&statement, "thr"), ["0.00", "166.67", "1000.00"]);
}

/// Found by review: a milestone counting per quarter cannot be read from
/// yearly figures; its running total ignores negative periods.
#[test]
fn milestones_refuse_shorter_periods_and_skip_negative_ones() {
    let text = deal("  e: pay 1 to B when sales exceed 10 per quarter");
    let (agreement, _) = dealterms::compile(&text).expect("valid");
    let series = dealterms::series::read("period,sales\n2025,100\n").expect("reads");
    let problem = eval::evaluate(&agreement, &series, &Options::default()).expect_err("shorter");
    assert_eq!(problem.kind.code(), "deal::eval::period_mismatch");
    let statement = evaluate(
        &deal("  e: pay 1K to B when sales exceed 100"),
        "period,sales\n2025Q1,90\n2025Q2,-50\n2025Q3,40\n2025Q4,30\n",
    );
    assert_eq!(paid(&statement, "e"), ["0.00", "0.00", "1000.00", "0.00"]);
}

/// Found by review: a milestone the series never reaches is recorded.
#[test]
fn a_milestone_the_series_never_reaches_is_an_event() {
    let text = "agreement \"t\" {\n  parties A, B\n  payer A\n  event launch\n  event early on 2020-01-01\n  b: pay 5M to B on launch\n  c: pay 5M to B on early\n  d: pay 5M to B on 2030-01-01\n}\n";
    let statement = evaluate(text, "period,x\n2025Q1,0\n");
    let kinds: Vec<(&str, &str)> = statement
        .events
        .iter()
        .map(|e| (e.clause.as_str(), e.kind.name()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("b", "event_undated"),
            ("c", "milestone_outside"),
            ("d", "milestone_outside")
        ]
    );
}
