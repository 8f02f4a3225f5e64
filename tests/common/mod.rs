//! What the tests of the `deal` binary share: running it, reading its output.

// Each test file uses a part of these.
#![allow(dead_code)]

use std::io::Write;
use std::process::{ChildStdin, Command, Output, Stdio};

pub fn deal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deal"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

pub fn deal_with_stdin(args: &[&str], stdin: &str) -> Output {
    let text = stdin.as_bytes().to_vec();
    deal_fed(args, move |mut stdin| {
        stdin.write_all(&text).expect("stdin accepts the text");
    })
}

/// `deal ARGS` with its standard input written by `feed`, on a thread of
/// its own, while the output is read.
pub fn deal_fed(args: &[&str], feed: impl FnOnce(ChildStdin) + Send + 'static) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deal"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stdin = child.stdin.take().expect("stdin is piped");
    let feeder = std::thread::spawn(move || feed(stdin));
    let out = child.wait_with_output().expect("the binary finishes");
    feeder.join().expect("the feeder stops");
    out
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Assert the exit status, showing the standard error when it differs,
/// and hand back that standard error for further checks.
pub fn exits(out: &Output, code: i32) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    stderr
}

/// A portfolio in `dir`: `deals/first.deal` and `deals/second.deal`, both
/// `deal`, and the long-form `series` as `long.csv`; their paths as text.
pub fn two_deal_portfolio(dir: &std::path::Path, deal: &str, series: &str) -> (String, String) {
    let deals = dir.join("deals");
    std::fs::create_dir(&deals).expect("deals/");
    for name in ["first", "second"] {
        std::fs::write(deals.join(format!("{name}.deal")), deal).expect("a deal");
    }
    let path = dir.join("long.csv");
    std::fs::write(&path, series).expect("the series");
    (
        deals.to_string_lossy().into_owned(),
        path.to_string_lossy().into_owned(),
    )
}

/// Every agreement in `examples/` (at least sixteen), in name order.
pub fn examples() -> Vec<std::path::PathBuf> {
    let mut deals: Vec<_> = std::fs::read_dir("examples")
        .expect("examples/")
        .map(|entry| entry.expect("an example").path())
        .filter(|path| path.extension().is_some_and(|e| e == "deal"))
        .collect();
    deals.sort();
    assert!(deals.len() >= 16, "examples/ lost its agreements");
    deals
}
