//! The formatter round trip on arbitrary text: formatting is idempotent,
//! keeps the agreement valid or invalid alike, and changes nothing it
//! computes on a fixed series.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SERIES: &str = "period,revenue,sales,refunds,profit,net_sales,bookings\n\
2025Q1,100,200,10,-5,80,50\n2025Q2,1000000,0,1,7,300,60\n2025Q3,5.55,3000000000,2,1000,0,70\n";

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(formatted) = dealterms::format_source(text) else {
        return;
    };
    let again = dealterms::format_source(&formatted).expect("formatted text parses");
    assert_eq!(again, formatted, "formatting is not idempotent");
    let before = dealterms::compile(text);
    let after = dealterms::compile(&formatted);
    assert_eq!(before.is_ok(), after.is_ok(), "formatting changed validity");
    if let (Ok((a, _)), Ok((b, _))) = (before, after) {
        let series = dealterms::series::read(SERIES).expect("the fixed series reads");
        let options = Default::default();
        // Problems point into different texts, so compare their kinds.
        match (
            dealterms::eval::evaluate(&a, &series, &options),
            dealterms::eval::evaluate(&b, &series, &options),
        ) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "formatting changed the figures"),
            (Err(x), Err(y)) => assert_eq!(x.kind, y.kind, "formatting changed the problem"),
            _ => panic!("formatting changed whether the agreement evaluates"),
        }
    }
});
