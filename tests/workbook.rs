//! Series from workbooks (issue 17, item 1): every acceptance case gives
//! the same statement from its series as CSV, as .xlsx and as .ods; a date period
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

/// The CSV `text` as an OpenDocument spreadsheet at `path`, cells typed as
/// [`write_workbook`] types them: the few parts a reader needs (the
/// `mimetype` first and stored, the manifest, the content), as LibreOffice
/// writes them.
fn write_ods(text: &str, labels: usize, hidden: &[usize], path: &Path) {
    use std::io::Write;
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut rows = String::new();
    for (row, line) in text.lines().enumerate() {
        if hidden.contains(&row) {
            rows.push_str(r#"<table:table-row table:visibility="collapse">"#);
        } else {
            rows.push_str("<table:table-row>");
        }
        for (column, cell) in line.split(',').enumerate() {
            let cell = escape(cell);
            match cell.parse::<f64>() {
                Ok(_) if row > 0 && column >= labels => rows.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{cell}"><text:p>{cell}</text:p></table:table-cell>"#
                )),
                _ => rows.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>"#
                )),
            }
        }
        rows.push_str("</table:table-row>");
    }
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="Sales">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let file = std::fs::File::create(path).expect("the .ods file");
    let mut zip = zip::ZipWriter::new(file);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default();
    zip.start_file("mimetype", stored).expect("mimetype");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .expect("mimetype");
    zip.start_file("META-INF/manifest.xml", deflated)
        .expect("manifest");
    zip.write_all(manifest.as_bytes()).expect("manifest");
    zip.start_file("content.xml", deflated).expect("content");
    zip.write_all(content.as_bytes()).expect("content");
    zip.finish().expect("the archive");
}

/// `share 10% of revenue to B`, in `dir`.
fn ten_percent_deal(dir: &Path) -> std::path::PathBuf {
    let deal = dir.join("d.deal");
    std::fs::write(
        &deal,
        "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B\n}\n",
    )
    .expect("the deal");
    deal
}

/// What `deal eval` says on refusing `series` (exit status 1).
fn refused(deal: &Path, series: &Path) -> String {
    let out = common::deal(&[
        "eval",
        &deal.to_string_lossy(),
        "--series",
        &series.to_string_lossy(),
    ]);
    common::exits(&out, 1)
}

/// `deal eval` of an agreement (or a directory of them) on `series`, as CSV.
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
        let text = std::fs::read_to_string(&csv).expect("the series");
        write_workbook(&text, 1, &xlsx);
        let ods = xlsx.with_extension("ods");
        write_ods(&text, 1, &[], &ods);
        let deal = case.join("agreement.deal");
        let expected = eval(&deal, &csv);
        assert_eq!(eval(&deal, &xlsx), expected, "{}", case.display());
        assert_eq!(eval(&deal, &ods), expected, "{} (.ods)", case.display());
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
    let deal = ten_percent_deal(dir.path());
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
    let deal = ten_percent_deal(dir.path());
    let stderr = refused(&deal, &path);
    assert!(stderr.contains("bad.xlsx Sales!B3"), "{stderr}");
    assert!(stderr.contains("#N/A"), "{stderr}");
    // A sheet the workbook lacks is named with those it has.
    let stderr = refused(&deal, Path::new(&format!("{}#Totals", path.display())));
    assert!(
        stderr.contains("no sheet `Totals`") && stderr.contains("`Sales`"),
        "{stderr}"
    );
}

/// Two deals of `share 10% of revenue to B` in `dir`, and their long-form
/// series `text` as CSV and as a workbook: the deals' directory and both
/// series' paths.
fn portfolio_workbook(dir: &Path, text: &str) -> (String, String, std::path::PathBuf) {
    let (deals, csv) = common::two_deal_portfolio(
        dir,
        "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B\n}\n",
        text,
    );
    let xlsx = dir.join("long.xlsx");
    write_workbook(text, 2, &xlsx);
    (deals, csv, xlsx)
}

/// A portfolio's long-form series may be a workbook too.
#[test]
fn a_portfolio_reads_its_series_from_a_workbook() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text = "deal,period,revenue\nfirst,2025Q1,100\nfirst,2025Q2,200\nsecond,2025Q1,300\n";
    let (deals, csv, xlsx) = portfolio_workbook(dir.path(), text);
    let deals = Path::new(&deals);
    assert_eq!(eval(deals, &xlsx), eval(deals, Path::new(&csv)));
}

/// A merged header cell spans two columns with one name: refused, naming
/// the cells.
#[test]
fn merged_cells_are_named_and_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("merged.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sales").expect("a name");
    sheet.write_string(0, 0, "period").expect("header");
    sheet
        .merge_range(0, 1, 0, 2, "revenue", &Format::new())
        .expect("a merged header");
    sheet.write_string(1, 0, "2025Q1").expect("a period");
    sheet.write_number(1, 1, 100).expect("a number");
    sheet.write_number(1, 2, 200).expect("a number");
    workbook.save(&path).expect("written");
    let deal = ten_percent_deal(dir.path());
    let stderr = refused(&deal, &path);
    assert!(
        stderr.contains("merged.xlsx") && stderr.contains("Sales!B1") && stderr.contains("B1:C1"),
        "{stderr}"
    );
}

/// `examples/character-licence.xlsx` is the example's series as a licensee
/// sends it: each quarter as the date it starts (a date cell), net sales as
/// numbers. This test wrote it (`DEAL_WRITE_EXAMPLES=1 cargo test --test
/// workbook the_example_workbook`), and checks it still reads as the CSV.
#[test]
fn the_example_workbook_reads_as_its_csv() {
    let deal = Path::new("examples/character-licence.deal");
    let csv = Path::new("examples/character-licence.csv");
    let xlsx = Path::new("examples/character-licence.xlsx");
    if std::env::var_os("DEAL_WRITE_EXAMPLES").is_some() {
        let text = std::fs::read_to_string(csv).expect("the series");
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("Net sales").expect("a name");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let yen = Format::new().set_num_format("#,##0");
        sheet.write_string(0, 0, "period").expect("header");
        sheet.write_string(0, 1, "net_sales").expect("header");
        for (row, line) in text.lines().skip(1).enumerate() {
            let (label, amount) = line.split_once(',').expect("two cells");
            let (year, quarter) = label.split_once('Q').expect("a quarter");
            let month = (quarter.parse::<u8>().expect("a quarter") - 1) * 3 + 1;
            let start =
                ExcelDateTime::from_ymd(year.parse().expect("a year"), month, 1).expect("a date");
            let row = row as u32 + 1;
            sheet
                .write_datetime_with_format(row, 0, &start, &date)
                .expect("a date cell");
            sheet
                .write_number_with_format(row, 1, amount.parse::<f64>().expect("a number"), &yen)
                .expect("a number");
        }
        sheet.set_column_width(0, 12).expect("a width");
        sheet.set_column_width(1, 14).expect("a width");
        workbook.save(xlsx).expect("written");
    }
    assert_eq!(eval(deal, xlsx), eval(deal, csv));
}

/// A hidden row holds figures nobody sees in the sheet: refused, naming
/// the row.
#[test]
fn hidden_rows_are_named_and_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("hidden.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sales & returns").expect("a name");
    for (row, (period, amount)) in [
        ("period", 0.0),
        ("2025Q1", 100.0),
        ("2025Q2", 250.0),
        ("2025Q3", 80.0),
    ]
    .into_iter()
    .enumerate()
    {
        let row = row as u32;
        sheet.write_string(row, 0, period).expect("a period");
        if row == 0 {
            sheet.write_string(row, 1, "revenue").expect("header");
        } else {
            sheet.write_number(row, 1, amount).expect("a number");
        }
    }
    sheet.set_row_hidden(2).expect("a hidden row");
    workbook.save(&path).expect("written");
    let deal = ten_percent_deal(dir.path());
    let stderr = refused(&deal, &path);
    assert!(
        stderr.contains("row 3 of the sheet `Sales & returns` is hidden (Sales & returns!A3)"),
        "{stderr}"
    );
}

/// A portfolio's workbook series names the cell at fault, as a single
/// deal's does.
#[test]
fn a_portfolio_workbook_problem_names_its_cell() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text = "deal,period,revenue\nfirst,2025Q1,100\nfirst,2025Q2,n/a\nsecond,2025Q1,300\n";
    let (deals, _, xlsx) = portfolio_workbook(dir.path(), text);
    let out = common::deal(&["eval", &deals, "--series", &xlsx.to_string_lossy()]);
    let stderr = common::exits(&out, 1);
    assert!(stderr.contains("long.xlsx Sales!C3"), "{stderr}");
}

/// An OpenDocument sheet's collapsed row is refused as an Excel hidden row
/// is.
#[test]
fn collapsed_rows_of_an_ods_sheet_are_named_and_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("collapsed.ods");
    write_ods(
        "period,revenue\n2025Q1,100\n2025Q2,200\n2025Q3,300\n",
        1,
        &[2],
        &path,
    );
    let deal = ten_percent_deal(dir.path());
    let stderr = refused(&deal, &path);
    assert!(
        stderr.contains("row 3 of the sheet `Sales` is hidden (Sales!A3)"),
        "{stderr}"
    );
}
