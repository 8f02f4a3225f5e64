//! Read arbitrary bytes as a portfolio's long-form series: blocks or
//! problems, never a panic; every problem points inside the row it is shown
//! on, and renders.
#![no_main]

use dealterms::diagnostics::{Quote, Style, render_quoting};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let problems = match dealterms::portfolio::open(bytes) {
        Err(problem) => vec![*problem],
        Ok(blocks) => blocks
            .filter_map(|block| block.series.err())
            .flatten()
            .collect(),
    };
    for row in problems {
        let span = row.problem.span;
        assert!(span.start <= span.end && span.end <= row.text.len(), "{row:?}");
        let style = Style::Human {
            color: false,
            width: 80,
        };
        for style in [style, Style::Json] {
            let shown = render_quoting(
                std::slice::from_ref(&row.problem),
                "sales.csv",
                &row.text,
                style,
                Quote::Foreign,
            );
            assert!(!shown.is_empty() && shown.len() < 8_000, "{shown}");
        }
    }
});
