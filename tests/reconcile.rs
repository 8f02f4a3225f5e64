//! `deal reconcile` (issue 17, item 3): the example's planted discrepancies
//! are found and nothing else; every example reconciles with its own
//! statement, as CSV and as a workbook; a tolerance, a portfolio, and the
//! output formats.

mod common;

use std::path::Path;

use calamine::{Reader, open_workbook_auto};

const LICENCE: &str = "examples/character-licence.deal";
const REPORTED: &str = "examples/character-licence-reported.csv";
const NAMES: &str = "period=Quarter,party=Licensor,amount=Royalty";

/// `deal reconcile` of the example licence and its reported statement,
/// with `more` arguments.
fn licence(more: &[&str]) -> std::process::Output {
    let mut args = vec![LICENCE, "--reported", REPORTED, "--reported-columns", NAMES];
    args.extend_from_slice(more);
    reconcile(&args)
}

fn reconcile(args: &[&str]) -> std::process::Output {
    let mut all = vec!["reconcile"];
    all.extend_from_slice(args);
    common::deal(&all)
}

/// The lines of a JSON reconciliation that do not agree, as
/// `(period, status, difference)`.
fn discrepancies(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|line| line["status"] != "agrees")
        .map(|line| {
            let field = |name: &str| line[name].as_str().unwrap_or_default().to_string();
            (field("period"), field("status"), field("difference"))
        })
        .collect()
}

#[test]
fn the_example_finds_exactly_the_planted_discrepancies() {
    let out = licence(&["-f", "json"]);
    let stderr = common::exits(&out, 1);
    assert!(stderr.contains("2 of 16 lines do not agree"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        discrepancies(&json),
        [
            ("2028Q4".into(), "differs".into(), "-16000000".into()),
            ("2029Q1".into(), "differs".into(), "16800000".into()),
        ]
    );
    // Each names what is behind the figure owed.
    let lines = json["lines"].as_array().expect("lines");
    let line = |period: &str| {
        lines
            .iter()
            .find(|line| line["period"] == period)
            .expect("a line")
    };
    assert_eq!(
        line("2028Q4")["reason"],
        "royalty: 8% of 390M; minimum true-up 16M"
    );
    assert_eq!(
        line("2028Q4")["event"],
        "2028Q4: minimum of 120M per year trued up by 16M"
    );
    assert_eq!(line("2029Q1")["reason"], "royalty: outside its window");
    assert_eq!(json["totals"][0]["difference"], "800000");

    // The table says the same to a person.
    let out = licence(&[]);
    common::exits(&out, 1);
    let table = common::text(&out.stdout);
    assert!(
        table.contains("reported 31,200,000, owed 47,200,000: 16,000,000 less"),
        "{table}"
    );
    assert!(
        table.contains("reported 16,800,000, owed 0: 16,800,000 more"),
        "{table}"
    );
}

#[test]
fn a_tolerance_lets_small_differences_agree() {
    let run = |tolerance: &str| licence(&[&format!("--tolerance={tolerance}")]);
    common::exits(&run("16000000"), 1);
    let out = run("16800000");
    let stderr = common::exits(&out, 0);
    assert!(stderr.is_empty(), "{stderr}");
    let table = common::text(&out.stdout);
    assert!(
        table.contains("within 16800000: all 16 lines agree"),
        "{table}"
    );
    let out = run("-1");
    let stderr = common::exits(&out, 2);
    assert!(stderr.contains("at least zero"), "{stderr}");
}

#[test]
fn every_example_reconciles_with_its_own_statement() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for deal in common::examples() {
        let deal = deal.to_string_lossy().into_owned();
        let csv = dir.path().join("own.csv");
        let xlsx = dir.path().join("own.xlsx");
        for own in [&csv, &xlsx] {
            let out = common::deal(&["eval", &deal, "-o", &own.to_string_lossy()]);
            common::exits(&out, 0);
            let out = reconcile(&[&deal, "--reported", &own.to_string_lossy()]);
            let stderr = common::exits(&out, 0);
            assert!(stderr.is_empty(), "{deal}: {stderr}");
            let table = common::text(&out.stdout);
            assert!(table.contains("lines agree"), "{deal}: {table}");
        }
    }
}

#[test]
fn a_portfolio_reconciles_every_deal_at_once() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (deals, series) = common::two_deal_portfolio(
        dir.path(),
        "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B\n}\n",
        "deal,period,revenue\nfirst,2025Q1,100\nfirst,2025Q2,200\nsecond,2025Q1,300\n",
    );
    let reported = dir.path().join("reported.csv");
    std::fs::write(
        &reported,
        "deal,period,party,amount\nfirst,2025Q1,B,10.00\nfirst,2025Q2,B,20.00\nsecond,2025Q1,B,31.00\n",
    )
    .expect("the reported statement");
    let reported = reported.to_string_lossy().into_owned();
    let out = reconcile(&[
        &deals,
        "--series",
        &series,
        "--reported",
        &reported,
        "-f",
        "csv",
    ]);
    common::exits(&out, 1);
    let csv = common::text(&out.stdout);
    let differing: Vec<&str> = csv.lines().filter(|l| l.contains("differs")).collect();
    assert_eq!(
        differing,
        ["second,2025Q1,B,31.00,30.00,1.00,differs,,share to B: 10% of 300"],
        "{csv}"
    );
    assert!(csv.starts_with("deal,period,party,reported,owed,difference,status"));
    // A deal reported without an agreement is named.
    std::fs::write(
        dir.path().join("reported.csv"),
        "deal,period,party,amount\nfirst,2025Q1,B,10.00\nfirst,2025Q2,B,20.00\nsecond,2025Q1,B,30.00\nthird,2025Q1,B,5.00\n",
    )
    .expect("the reported statement");
    let out = reconcile(&[&deals, "--series", &series, "--reported", &reported]);
    let stderr = common::exits(&out, 1);
    assert!(stderr.contains("deal `third` (lines 5)"), "{stderr}");
}

#[test]
fn the_workbook_has_every_line_and_the_totals() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let xlsx = dir.path().join("reconciliation.xlsx");
    let out = licence(&["-o", &xlsx.to_string_lossy()]);
    common::exits(&out, 1);
    let mut workbook = open_workbook_auto(&xlsx).expect("the workbook");
    let lines = workbook.worksheet_range("Reconciliation").expect("lines");
    assert_eq!(lines.rows().count(), 17);
    let differs = lines
        .rows()
        .filter(|row| row.get(5).is_some_and(|cell| *cell == "differs"))
        .count();
    assert_eq!(differs, 2);
    let totals = workbook.worksheet_range("Totals").expect("totals");
    assert_eq!(totals.rows().count(), 2);
}

#[test]
fn a_workbook_statement_with_a_wrong_cell_is_named_by_its_cell() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let xlsx = dir.path().join("reported.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Royalties").expect("a name");
    for (column, name) in ["period", "party", "amount"].into_iter().enumerate() {
        sheet
            .write_string(0, column as u16, name)
            .expect("a header");
    }
    sheet.write_string(1, 0, "2026Q1").expect("a period");
    sheet
        .write_string(1, 1, "Hoshi Characters K.K.")
        .expect("a party");
    sheet
        .write_string(1, 2, "about 19M")
        .expect("not an amount");
    workbook.save(&xlsx).expect("written");
    let out = reconcile(&[LICENCE, "--reported", &xlsx.to_string_lossy()]);
    let stderr = common::exits(&out, 1);
    assert!(stderr.contains("reported.xlsx Royalties!C2"), "{stderr}");
    assert!(Path::new(&xlsx).exists());
}

/// A party misspelt in the reported statement is unexpected, named with
/// the party meant; the payee it should have been is not reported.
#[test]
fn a_misspelt_party_is_named_with_the_one_meant() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let reported = dir.path().join("reported.csv");
    let text = std::fs::read_to_string(REPORTED)
        .expect("the example")
        .replace("Hoshi Characters K.K.", "Hoshi Characters KK");
    std::fs::write(&reported, text).expect("written");
    let out = reconcile(&[
        LICENCE,
        "--reported",
        &reported.to_string_lossy(),
        "--reported-columns",
        NAMES,
        "-f",
        "json",
    ]);
    common::exits(&out, 1);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lines = json["lines"].as_array().expect("lines");
    let unexpected = lines
        .iter()
        .find(|line| line["status"] == "unexpected")
        .expect("an unexpected line");
    assert_eq!(
        unexpected["reason"],
        "`Hoshi Characters KK` is not a party of the agreement; did you mean `Hoshi Characters K.K.`?"
    );
    assert!(lines.iter().any(|line| line["status"] == "not reported"));
}
