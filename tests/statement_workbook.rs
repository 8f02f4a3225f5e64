//! Statements written as workbooks (issue 17, item 2): every example's
//! workbook reads back (with calamine) equal to its CSV statement to the
//! cent, its totals and events equal to the JSON's, with a chart of each
//! payee's cumulative payments and a dashed line per lifetime cap.

mod common;

use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use calamine::{Data, Reader, open_workbook_auto};
use rust_decimal::Decimal;

/// The rows of a sheet, each cell as text: a number through its shortest
/// round-trip text, as the series reader reads a cell.
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut workbook = open_workbook_auto(path).expect("the workbook opens");
    let range = workbook.worksheet_range(name).expect("the sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(text) => text.clone(),
                    Data::Float(number) => number.to_string(),
                    Data::Int(number) => number.to_string(),
                    other => panic!("an unexpected cell {other:?} in {name}"),
                })
                .collect()
        })
        .collect()
}

/// Two cells agree: the same text, or the same decimal value (`38000000000`
/// is `38000000000.00`).
fn same(ours: &str, theirs: &str) -> bool {
    ours == theirs
        || matches!(
            (Decimal::from_str(ours), Decimal::from_str(theirs)),
            (Ok(a), Ok(b)) if a == b
        )
}

/// A part of the workbook's zip archive, as text.
fn part(path: &Path, name: &str) -> Option<String> {
    let file = std::fs::File::open(path).expect("the workbook");
    let mut archive = zip::ZipArchive::new(file).expect("a zip archive");
    let mut entry = archive.by_name(name).ok()?;
    let mut text = String::new();
    entry.read_to_string(&mut text).expect("a text part");
    Some(text)
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|record| {
            record
                .expect("a record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn every_example_reads_back_as_its_csv_statement_to_the_cent() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for deal in common::examples() {
        let deal_arg = deal.to_string_lossy().into_owned();
        let xlsx = dir.path().join("statement.xlsx");
        let out = common::deal(&["eval", &deal_arg, "-o", &xlsx.to_string_lossy()]);
        common::exits(&out, 0);
        let csv = common::text(&common::deal(&["eval", &deal_arg, "-f", "csv"]).stdout);
        let expected = csv_rows(&csv);
        let written = sheet(&xlsx, "Statement");
        assert_eq!(written.len(), expected.len(), "{deal_arg}: rows");
        for (ours, theirs) in written.iter().zip(&expected) {
            assert_eq!(ours.len(), theirs.len(), "{deal_arg}: {theirs:?}");
            for (a, b) in ours.iter().zip(theirs) {
                assert!(same(a, b), "{deal_arg}: `{a}` is not `{b}` in {theirs:?}");
            }
        }

        let json: serde_json::Value =
            serde_json::from_slice(&common::deal(&["eval", &deal_arg, "-f", "json"]).stdout)
                .expect("json");
        let totals = sheet(&xlsx, "Totals");
        let expected = json["totals"].as_array().expect("totals");
        assert_eq!(totals.len(), expected.len() + 1, "{deal_arg}: totals");
        for (row, total) in totals.iter().skip(1).zip(expected) {
            assert_eq!(row[0], total["party"].as_str().expect("a party"));
            for (cell, field) in row[1..].iter().zip(["received", "paid", "net"]) {
                let want = total[field].as_str().expect("an amount");
                assert!(
                    same(cell, want),
                    "{deal_arg}: {field} `{cell}` is not `{want}`"
                );
            }
        }
        let events = sheet(&xlsx, "Events");
        let expected = json["events"].as_array().expect("events");
        assert_eq!(events.len(), expected.len() + 1, "{deal_arg}: events");

        // The chart: a line per payee, and one per lifetime cap.
        let cumulative = sheet(&xlsx, "Cumulative");
        let chart = part(&xlsx, "xl/charts/chart1.xml").expect("a chart");
        assert_eq!(
            chart.matches("<c:ser>").count(),
            cumulative[0].len() - 1,
            "{deal_arg}: a line per column of `Cumulative`"
        );
        // The terms, line for line.
        let terms = sheet(&xlsx, "Terms");
        let text = std::fs::read_to_string(&deal).expect("the agreement");
        assert_eq!(terms.len(), text.lines().count() + 1, "{deal_arg}: terms");
    }
}

#[test]
fn the_cap_is_drawn_and_the_payee_reaches_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let xlsx = dir.path().join("openai.xlsx");
    let out = common::deal(&[
        "eval",
        "examples/openai-microsoft.deal",
        "-o",
        &xlsx.to_string_lossy(),
    ]);
    common::exits(&out, 0);
    let cumulative = sheet(&xlsx, "Cumulative");
    let header = &cumulative[0];
    let cap = header
        .iter()
        .position(|name| name.starts_with("Microsoft cap 38B"))
        .unwrap_or_else(|| panic!("a cap column in {header:?}"));
    let payee = header
        .iter()
        .position(|name| name == "Microsoft")
        .expect("Microsoft's column");
    let last = cumulative.last().expect("a period");
    assert!(same(&last[cap], "38000000000"), "{last:?}");
    assert!(same(&last[payee], "38000000000"), "{last:?}");
    let chart = part(&xlsx, "xl/charts/chart1.xml").expect("a chart");
    assert!(chart.contains("prstDash val=\"dash\""), "the cap is dashed");
    // Amounts carry the currency's format.
    let styles = part(&xlsx, "xl/styles.xml").expect("styles");
    assert!(styles.contains("[$USD] #,##0.00"), "{styles}");
}

#[test]
fn a_portfolio_workbook_has_a_deal_column_and_every_row() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (deals, series) = common::two_deal_portfolio(
        dir.path(),
        "agreement \"d\" {\n  currency EUR\n  parties A, B\n  payer A\n  share 10% of revenue to B cap 25\n}\n",
        "deal,period,revenue\nfirst,2025Q1,100\nfirst,2025Q2,200\nsecond,2025Q1,300.5\n",
    );
    let xlsx = dir.path().join("portfolio.xlsx");
    let out = common::deal(&[
        "eval",
        &deals,
        "--series",
        &series,
        "-o",
        &xlsx.to_string_lossy(),
    ]);
    common::exits(&out, 0);
    let csv =
        common::text(&common::deal(&["eval", &deals, "--series", &series, "-f", "csv"]).stdout);
    let expected = csv_rows(&csv);
    let written = sheet(&xlsx, "Statement");
    assert_eq!(written.len(), expected.len());
    for (ours, theirs) in written.iter().zip(&expected) {
        for (a, b) in ours.iter().zip(theirs) {
            assert!(same(a, b), "`{a}` is not `{b}`");
        }
    }
    assert_eq!(written[0][0], "deal");
    let totals = sheet(&xlsx, "Totals");
    assert_eq!(totals[0], ["deal", "party", "received", "paid", "net"]);
    assert_eq!(totals.len(), 1 + 2 * 2, "two parties of two deals");
    let events = sheet(&xlsx, "Events");
    assert!(
        events
            .iter()
            .any(|row| row[0] == "second" && row[3] == "cap_reached"),
        "{events:?}"
    );
}

#[test]
fn the_format_follows_the_file_and_a_workbook_never_goes_where_text_was_asked() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let xlsx = dir.path().join("s.xlsx").to_string_lossy().into_owned();
    let seed = "examples/openai-microsoft.deal";
    let out = common::deal(&["eval", seed, "-f", "table", "-o", &xlsx]);
    let stderr = common::exits(&out, 2);
    assert!(stderr.contains("disagree"), "{stderr}");
    assert!(!Path::new(&xlsx).exists(), "nothing written");
    let out = common::deal(&["eval", seed, "--by", "party", "-o", &xlsx]);
    let stderr = common::exits(&out, 2);
    assert!(stderr.contains("-f xlsx"), "{stderr}");
    // `-o statement.csv` is CSV without `-f csv`.
    let csv = dir.path().join("s.csv");
    let out = common::deal(&["eval", seed, "-o", &csv.to_string_lossy()]);
    common::exits(&out, 0);
    let written = std::fs::read_to_string(&csv).expect("written");
    assert!(written.starts_with("period,clause,"), "{written}");
}
