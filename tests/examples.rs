//! Every example is checked and evaluated against the series beside it, and
//! its statement snapshot-tested, so no example can rot.

use std::path::Path;

use dealterms::eval::statement::{EventKind, Statement};
use dealterms::eval::{self, Options};
use dealterms::report;

fn statement_of(deal: &Path) -> Statement {
    let text = std::fs::read_to_string(deal).expect("example is readable");
    let (agreement, warnings) = dealterms::compile(&text)
        .unwrap_or_else(|problems| panic!("{}: {problems:#?}", deal.display()));
    assert!(warnings.is_empty(), "{}: {warnings:#?}", deal.display());
    let csv = deal.with_extension("csv");
    let series_text = std::fs::read_to_string(&csv)
        .unwrap_or_else(|_| panic!("{} has no series", deal.display()));
    let series = dealterms::series::read(&series_text)
        .unwrap_or_else(|p| panic!("{}: {p:#?}", csv.display()));
    let options = Options {
        explain: true,
        ..Options::default()
    };
    eval::evaluate(&agreement, &series, &options)
        .unwrap_or_else(|p| panic!("{}: {p:#?}", deal.display()))
}

#[test]
fn every_example_evaluates_and_its_statement_is_snapshotted() {
    insta::glob!("../examples", "*.deal", |path| {
        let statement = statement_of(path);
        assert!(!statement.rows.is_empty());
        insta::assert_snapshot!(report::table::render(&statement, 100, true));
    });
}

#[test]
fn the_seed_deal_reaches_its_38b_cap_in_2030() {
    let statement = statement_of(Path::new("examples/openai-microsoft.deal"));
    let cap = statement
        .events
        .iter()
        .find(|event| event.kind == EventKind::CapReached)
        .expect("the cap binds");
    assert_eq!(cap.period.map(|p| p.to_string()).as_deref(), Some("2030"));
    let microsoft = statement
        .totals
        .iter()
        .find(|t| t.party == "Microsoft")
        .expect("Microsoft");
    assert_eq!(microsoft.received.to_string(), "38000000000.00");
}
