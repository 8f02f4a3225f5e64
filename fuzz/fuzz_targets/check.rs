//! Parse and check arbitrary bytes: an agreement or located problems, never
//! a panic, a hang or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = dealterms::source::decode(bytes.to_vec()) else {
        return;
    };
    if let Err(problems) = dealterms::compile(&text) {
        assert!(problems.iter().any(dealterms::Problem::is_error));
        for problem in &problems {
            assert!(problem.span.start <= problem.span.end && problem.span.end <= text.len());
        }
    }
});
