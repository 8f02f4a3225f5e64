//! Series from workbooks (issue 17, item 1): every acceptance case gives
//! the same statement from its series as CSV and as .xlsx; a date period
//! column reads as the periods containing the dates; a cell that is not an
//! amount is named by its sheet and reference.

mod common;

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// The CSV `text` as a workbook at `path`: the header and the first
/// `labels` columns (`period`, or `deal,period`) as text, amounts as
/// numbers (doubles, as a spreadsheet holds them).
fn write_workbook(text: &str, labels: u16, path: &Path) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sales").expect("a sheet name");
    for (row, line) in text.lines().enumerate() {
        for (column, cell) in line.split(',').enumerate() {
            let (row, column) = (row as u32, column as u16);
            match cell.parse::<f64>() {
                Ok(number) if row > 0 && column >= labels => {
                    sheet.write_number(row, column, number).expect("a number")
                }
                _ => sheet.write_string(row, column, cell).expect("a text"),
            };
        }
    }
    workbook.save(path).expect("the workbook is written");
}

fn eval(deal: &Path, series: &Path) -> String {
    let out = common::deal(&[
        "eval",
        &deal.to_string_lossy(),
        "--series",
        &series.to_string_lossy(),
        "-f",
        "csv",
    ]);
    common::exits(&out, 0);
    common::text(&out.stdout)
}

#[test]
fn every_acceptance_case_reads_the_same_from_a_workbook() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut cases = 0;
    for entry in std::fs::read_dir("tests/acceptance").expect("cases") {
        let case = entry.expect("a case").path();
        let csv = case.join("series.csv");
        let xlsx = dir.path().join(format!(
            "{}.xlsx",
            case.file_name().expect("a name").to_string_lossy()
        ));
        write_workbook(
            &std::fs::read_to_string(&csv).expect("the series"),
            1,
            &xlsx,
        );
        let deal = case.join("agreement.deal");
        assert_eq!(eval(&deal, &xlsx), eval(&deal, &csv), "{}", case.display());
        cases += 1;
    }
    assert!(cases >= 16);
}

#[test]
fn date_periods_read_as_the_periods_containing_them() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("dates.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_string(0, 0, "period").expect("header");
    sheet.write_string(0, 1, "revenue").expect("header");
    for (row, month) in [1u8, 4, 7].into_iter().enumerate() {
        let when = ExcelDateTime::from_ymd(2025, month, 15).expect("a date");
        sheet
            .write_datetime_with_format(row as u32 + 1, 0, &when, &date)
            .expect("a date cell");
        sheet
            .write_number(row as u32 + 1, 1, 1000.5)
            .expect("a number");
    }
    workbook.save(&path).expect("written");
    let deal = dir.path().join("d.deal");
    std::fs::write(
        &deal,
        "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B\n}\n",
    )
    .expect("the deal");
    let out = eval(&deal, &path);
    let periods: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(periods, ["2025Q1", "2025Q2", "2025Q3"]);
    assert!(out.contains("100.05"), "{out}");
}

#[test]
fn a_cell_that_is_not_an_amount_is_named_by_its_sheet_and_reference() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("bad.xlsx");
    write_workbook("period,revenue\n2025Q1,100\n2025Q2,#N/A\n", 1, &path);
    let deal = dir.path().join("d.deal");
    std::fs::write(
        &deal,
        "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B\n}\n",
    )
    .expect("the deal");
    let out = common::deal(&[
        "eval",
        &deal.to_string_lossy(),
        "--series",
        &path.to_string_lossy(),
    ]);
    let stderr = common::exits(&out, 1);
    assert!(stderr.contains("bad.xlsx Sales!B3"), "{stderr}");
    assert!(stderr.contains("#N/A"), "{stderr}");
    // A sheet the workbook lacks is named with those it has.
    let out = common::deal(&[
        "eval",
        &deal.to_string_lossy(),
        "--series",
        &format!("{}#Totals", path.display()),
    ]);
    let stderr = common::exits(&out, 1);
    assert!(
        stderr.contains("no sheet `Totals`") && stderr.contains("`Sales`"),
        "{stderr}"
    );
}

/// A portfolio's long-form series may be a workbook too.
#[test]
fn a_portfolio_reads_its_series_from_a_workbook() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join("deals")).expect("deals/");
    let deal = "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B\n}\n";
    for name in ["first", "second"] {
        std::fs::write(dir.path().join(format!("deals/{name}.deal")), deal).expect("a deal");
    }
    let text = "deal,period,revenue\nfirst,2025Q1,100\nfirst,2025Q2,200\nsecond,2025Q1,300\n";
    let csv = dir.path().join("long.csv");
    std::fs::write(&csv, text).expect("the csv");
    let xlsx = dir.path().join("long.xlsx");
    write_workbook(text, 2, &xlsx);
    let deals = dir.path().join("deals");
    let run = |series: &Path| {
        let out = common::deal(&[
            "eval",
            &deals.to_string_lossy(),
            "--series",
            &series.to_string_lossy(),
            "-f",
            "csv",
        ]);
        common::exits(&out, 0);
        common::text(&out.stdout)
    };
    assert_eq!(run(&xlsx), run(&csv));
}
