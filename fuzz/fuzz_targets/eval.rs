//! Evaluate arbitrary agreements against arbitrary series: the input is an
//! agreement and a series separated by a line `---`. A statement or a
//! located problem, never a panic; and a statement's rows add up to its
//! totals.
#![no_main]

use dealterms::diagnostics::{Quote, Style, render_quoting};
use libfuzzer_sys::fuzz_target;

const HUMAN: Style = Style::Human {
    color: false,
    width: 80,
};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Some((deal, series)) = text.split_once("\n---\n") else {
        return;
    };
    let Ok((agreement, _)) = dealterms::compile(deal) else {
        return;
    };
    let series = match dealterms::series::read(series) {
        Ok(series) => series,
        Err(problems) => {
            let shown = render_quoting(&problems, "sales.csv", series, HUMAN, Quote::Foreign);
            assert!(!shown.is_empty());
            return;
        }
    };
    let statement = match dealterms::eval::evaluate(&agreement, &series, &Default::default()) {
        Ok(statement) => statement,
        Err(problem) => {
            let shown = render_quoting(&[problem], "deal.deal", deal, HUMAN, Quote::Agreement);
            assert!(!shown.is_empty());
            return;
        }
    };
    for total in &statement.totals {
        let received = dealterms::eval::arith::sum(
            statement.rows.iter().filter(|r| statement.payee(r) == total.party).map(|r| r.amount),
        );
        assert_eq!(received, Ok(total.received));
    }
    let _ = dealterms::verify::verify(&agreement, &statement);
});
