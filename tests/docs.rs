//! The worked examples of docs/semantics.md: each ```deal block is evaluated
//! against the ```csv block after it and must pay what the ```expected
//! block says, per period and payee, to the cent.

use std::collections::BTreeMap;

use dealterms::eval::{self, Options};
use dealterms::money;
use rust_decimal::Decimal;

/// The fenced blocks of a markdown text, as (info string, body).
fn blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_string(), String::new())),
            (Some(_), Some(_)) => blocks.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn every_worked_example_in_the_semantics_page_holds() {
    let page = std::fs::read_to_string("docs/semantics.md").expect("the page exists");
    let blocks = blocks(&page);
    let mut checked = 0;
    for window in blocks.windows(3) {
        let [(a, deal), (b, series), (c, expected)] = window else {
            continue;
        };
        if (a.as_str(), b.as_str(), c.as_str()) != ("deal", "csv", "expected") {
            continue;
        }
        let (agreement, _) = dealterms::compile(deal).unwrap_or_else(|p| panic!("{deal}\n{p:#?}"));
        let series = dealterms::series::read(series).unwrap_or_else(|p| panic!("{series}\n{p:#?}"));
        let statement =
            eval::evaluate(&agreement, &series, &Options::default()).expect("evaluates");
        let mut paid: BTreeMap<(String, String), Decimal> = BTreeMap::new();
        for row in &statement.rows {
            *paid
                .entry((row.period.to_string(), statement.payee(row).to_string()))
                .or_default() += row.amount;
        }
        let mut listed = 0;
        for line in expected.lines().skip(1) {
            let cells: Vec<&str> = line.split(',').collect();
            let [period, party, amount] = cells[..] else {
                panic!("bad expected line `{line}`")
            };
            let actual = paid
                .get(&(period.to_string(), party.to_string()))
                .copied()
                .unwrap_or_default();
            assert_eq!(
                money::fixed(actual, statement.minor_units),
                amount,
                "{period} {party} in\n{deal}"
            );
            listed += 1;
        }
        let nonzero = paid.values().filter(|amount| !amount.is_zero()).count();
        assert!(
            nonzero <= listed,
            "payments missing from the expected table of\n{deal}"
        );
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} worked examples found");
}

/// The diagnostic codes table of docs/language.md lists every code the
/// tool can give, and no other.
#[test]
fn the_codes_table_lists_every_code() {
    let page = std::fs::read_to_string("docs/language.md").expect("the page exists");
    let section = page
        .split_once("## Diagnostic codes")
        .map(|(_, rest)| rest)
        .expect("a codes section");
    let listed: std::collections::BTreeSet<&str> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `")?.split_once('`'))
        .map(|(code, _)| code)
        .filter(|code| code.starts_with("deal::"))
        .collect();
    let codes: std::collections::BTreeSet<&str> =
        dealterms::diagnostics::CODES.iter().copied().collect();
    let missing: Vec<_> = codes.difference(&listed).collect();
    let unknown: Vec<_> = listed.difference(&codes).collect();
    assert!(
        missing.is_empty(),
        "codes missing from the table: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "codes in the table the tool never gives: {unknown:?}"
    );
}
