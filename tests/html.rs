//! The HTML statement (issue 19, item 2): one self-contained page whose
//! figures are the CSV's, with the chart inline, every figure's derivation
//! on demand, and the terms linked to their payments.

mod common;

fn page(deal: &str) -> String {
    let dir = tempfile::tempdir().expect("a directory");
    let file = dir.path().join("statement.html");
    let out = common::deal(&["eval", deal, "-o", &file.to_string_lossy()]);
    common::exits(&out, 0);
    std::fs::read_to_string(&file).expect("the page")
}

/// The values of `attribute` in `html`, in order.
fn attributes<'a>(html: &'a str, attribute: &str) -> Vec<&'a str> {
    let marker = format!("{attribute}=\"");
    html.split(marker.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn every_example_page_shows_the_csv_figures_and_fetches_nothing() {
    for deal in common::examples() {
        let deal = deal.to_string_lossy().into_owned();
        let html = page(&deal);
        // Nothing to fetch: no script, style sheet, image or frame from
        // anywhere (the SVG's namespace names no file).
        for fetch in ["<script", "<link", "<img", "<iframe", "src=", "url("] {
            assert!(!html.contains(fetch), "{deal}: `{fetch}` in the page");
        }
        let csv = common::text(
            &common::deal(&["eval", &deal, "-f", "csv", "--columns", "clause,amount"]).stdout,
        );
        // The page has a table per clause, in the order clauses first pay.
        let mut clauses: Vec<&str> = Vec::new();
        let rows: Vec<(&str, &str)> = csv
            .lines()
            .skip(1)
            .filter_map(|line| line.rsplit_once(','))
            .collect();
        for (clause, _) in &rows {
            if !clauses.contains(clause) {
                clauses.push(clause);
            }
        }
        let expected: Vec<&str> = clauses
            .iter()
            .flat_map(|c| {
                rows.iter()
                    .filter(move |(clause, _)| clause == c)
                    .map(|(_, a)| *a)
            })
            .collect();
        let amounts: Vec<&str> = attributes(&html, "data-amount")
            .into_iter()
            .skip(3 * html.matches("<tr data-party=").count())
            .collect();
        assert_eq!(
            amounts, expected,
            "{deal}: every payment, as the CSV has it"
        );
        // The derivation of every payment that has one, on demand.
        let json: serde_json::Value = serde_json::from_slice(
            &common::deal(&["eval", &deal, "-f", "json", "--explain"]).stdout,
        )
        .expect("json");
        let explained = json["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter(|row| {
                row["explain"]
                    .as_array()
                    .is_some_and(|steps| !steps.is_empty())
            })
            .count();
        assert!(explained > 0, "{deal}");
        assert_eq!(html.matches("<details>").count(), explained, "{deal}");
        assert!(html.contains("<svg"), "{deal}: the chart inline");
    }
}

#[test]
fn totals_are_the_json_totals() {
    let html = page("examples/film-collection-account.deal");
    let json: serde_json::Value = serde_json::from_slice(
        &common::deal(&[
            "eval",
            "examples/film-collection-account.deal",
            "-f",
            "json",
        ])
        .stdout,
    )
    .expect("json");
    let totals = json["totals"].as_array().expect("totals");
    let shown = attributes(&html, "data-amount");
    for (index, total) in totals.iter().enumerate() {
        for (offset, field) in ["received", "paid", "net"].into_iter().enumerate() {
            assert_eq!(
                shown[3 * index + offset],
                total[field].as_str().expect("an amount"),
                "{} {field}",
                total["party"]
            );
        }
    }
}

#[test]
fn the_terms_link_each_clause_to_its_payments_and_back() {
    let html = page("examples/openai-microsoft.deal");
    assert!(
        html.contains("<section id=\"clause-0\">"),
        "the clause's payments"
    );
    assert!(
        html.contains("<a id=\"terms-clause-0\" href=\"#clause-0\">revenue-share: share 20% of revenue to Microsoft cap 38B</a>"),
        "the clause in the terms"
    );
    assert!(html.contains("href=\"#terms-clause-0\""), "and back");
    assert!(html.contains("cap reached 2030"), "the chart's event");
    assert!(html.contains("<li>"), "derivation steps");
}

#[test]
fn names_are_escaped() {
    let dir = tempfile::tempdir().expect("a directory");
    let deal = dir.path().join("evil.deal");
    std::fs::write(
        &deal,
        "agreement \"<b>Evil</b> & Co\" {\n  parties A, \"<script>alert(1)</script>\"\n  payer A\n  share 10% of revenue to \"<script>alert(1)</script>\"\n}\n",
    )
    .expect("written");
    let series = dir.path().join("evil.csv");
    std::fs::write(&series, "period,revenue\n2025Q1,100\n").expect("written");
    let file = dir.path().join("evil.html");
    let out = common::deal(&[
        "eval",
        &deal.to_string_lossy(),
        "--series",
        &series.to_string_lossy(),
        "-o",
        &file.to_string_lossy(),
    ]);
    common::exits(&out, 0);
    let html = std::fs::read_to_string(&file).expect("the page");
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;Evil&lt;/b&gt; &amp; Co"));
}
