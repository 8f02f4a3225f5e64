//! `deal diff` outputs, snapshot-tested: each folder of `corpus/diff/` holds
//! `old.deal`, `new.deal` and the `series.csv` both are evaluated on.

use std::path::Path;

use dealterms::eval::{self, Options};
use dealterms::report;

fn compare(dir: &Path) -> String {
    compare_at(dir, 100)
}

/// The table and CSV of a comparison, the table at `width` columns.
fn compare_at(dir: &Path, width: u16) -> String {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("readable");
    let (old, _) = dealterms::compile(&read("old.deal")).expect("old is valid");
    let (new, _) = dealterms::compile(&read("new.deal")).expect("new is valid");
    let series = dealterms::series::read(&read("series.csv")).expect("series reads");
    let options = Options::default();
    let before = eval::evaluate(&old, &series, &options).expect("old evaluates");
    let after = eval::evaluate(&new, &series, &options).expect("new evaluates");
    let changes = dealterms::diff::terms(&old, &new);
    let money = dealterms::diff::money(&before, &after).expect("within range");
    let csv = report::csv::render_diff(&changes, Some(&money));
    format!(
        "{}\n{csv}",
        report::table::render_diff(&changes, Some(&money), width)
    )
}

#[test]
fn diff_outputs() {
    insta::glob!("corpus/diff/*/new.deal", |path| {
        let dir = path.parent().expect("a folder");
        insta::assert_snapshot!(compare(dir));
    });
}

#[test]
fn a_raised_cap_is_named_with_its_money() {
    let out = compare(Path::new("tests/corpus/diff/cap-raised"));
    assert!(out.contains("`revenue-share`: cap 38B -> 50B"));
    assert!(out.contains("first difference: 2030, from `revenue-share`"));
    let total = out
        .lines()
        .find(|line| line.trim_start().starts_with("Microsoft    38,"))
        .expect("a total line for Microsoft");
    assert!(total.ends_with(" 12,000,000,000.00"), "{total}");
}

#[test]
fn figures_of_tens_of_billions_fit_eighty_columns_without_wrapping() {
    let out = compare_at(Path::new("tests/corpus/diff/cap-raised"), 80);
    let table = out.split("\nperiod,party").next().expect("the table");
    assert!(
        table.lines().all(|line| line.chars().count() <= 80),
        "wider than 80 columns:\n{table}"
    );
    assert!(table.contains("-15,710,000,000.00"), "{table}");
}

/// Issue 14, item 6: when only the events change (a step limit replaced by
/// an equal cap), the table says so, not just "no payment changes".
#[test]
fn event_changes_show_when_no_money_moves() {
    let out = compare(Path::new("tests/corpus/diff/events-only"));
    assert!(out.contains("no payment changes"), "{out}");
    assert!(
        out.contains("- 2026     s: earnings reached 100: the 10% step ends"),
        "{out}"
    );
    assert!(out.contains("+ 2026     s: cap of 100 reached"), "{out}");
}
