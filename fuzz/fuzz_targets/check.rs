//! Parse and check arbitrary bytes: an agreement or located problems, never
//! a panic, a hang or a stack overflow; every problem renders, as people
//! and as tools read it.
//!
//! An input starting with `~` has its second byte say where to widen it:
//! 70,000 spaces go in there, so that problems past column 65,535 (which
//! once made miette panic) are reached without inputs the fuzzer would
//! take long to grow.
#![no_main]

use dealterms::diagnostics::{Style, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let bytes = widened(bytes);
    let text = match dealterms::source::decode(bytes) {
        Ok(text) => text,
        Err((problem, shown)) => {
            rendered(std::slice::from_ref(&problem), &shown);
            return;
        }
    };
    let problems = match dealterms::compile(&text) {
        Err(problems) => {
            assert!(problems.iter().any(dealterms::Problem::is_error));
            problems
        }
        Ok((_, warnings)) => warnings,
    };
    for problem in &problems {
        assert!(problem.span.start <= problem.span.end && problem.span.end <= text.len());
    }
    // At most the problems reported, and the one that counts the rest.
    assert!(problems.len() <= dealterms::check::MAX_PROBLEMS + 1);
    rendered(&problems, &text);
});

/// `bytes`, widened where a leading `~` asks.
fn widened(bytes: &[u8]) -> Vec<u8> {
    match bytes {
        [b'~', at, rest @ ..] => {
            let at = usize::from(*at).min(rest.len());
            let mut out = rest.to_vec();
            out.splice(at..at, std::iter::repeat_n(b' ', 70_000));
            out
        }
        _ => bytes.to_vec(),
    }
}

/// Renders `problems` both ways, each quoting a bounded part of the text.
fn rendered(problems: &[dealterms::Problem], text: &str) {
    let human = Style::Human {
        color: false,
        width: 80,
    };
    for style in [human, Style::Json] {
        let shown = render(problems, "deal.deal", text, style);
        assert!(problems.is_empty() || !shown.is_empty());
        // Each problem shows a few lines of at most a few hundred bytes.
        assert!(shown.len() <= problems.len().saturating_mul(8_000), "{} bytes", shown.len());
    }
}
