//! The `deal` binary end to end: exit codes, streams, formats.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const SEED: &str = "examples/openai-microsoft.deal";

fn deal(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deal"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn deal_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_deal"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin accepts the text");
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_of_a_valid_file_exits_0_and_says_ok() {
    let out = deal(&["check", SEED]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ok"));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_quiet_prints_nothing_for_a_valid_file() {
    let out = deal(&["check", "--quiet", SEED]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn check_of_an_invalid_file_exits_1_with_a_located_message() {
    let out = deal(&["check", "tests/corpus/diagnostics/check-unknown-party.deal"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("check-unknown-party.deal:4:"), "{stderr}");
    assert!(stderr.contains("deal::check::unknown_party"), "{stderr}");
}

#[test]
fn check_of_a_missing_file_exits_2() {
    let out = deal(&["check", "no/such/file.deal"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read `no/such/file.deal`"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(deal(&[]).status.code(), Some(2));
    assert_eq!(deal(&["check"]).status.code(), Some(2));
    assert_eq!(deal(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn the_worst_status_of_several_files_wins() {
    let invalid = "tests/corpus/diagnostics/check-rate-range.deal";
    assert_eq!(deal(&["check", SEED, invalid]).status.code(), Some(1));
    assert_eq!(
        deal(&["check", invalid, "missing.deal"]).status.code(),
        Some(2)
    );
}

#[test]
fn check_reads_standard_input() {
    let seed = std::fs::read_to_string(SEED).expect("seed example");
    let out = deal_with_stdin(&["check", "-"], &seed);
    assert_eq!(out.status.code(), Some(0));
    let out = deal_with_stdin(&["check", "-"], &seed.replace("20%", "120%"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("<stdin>:"));
}

#[test]
fn warnings_are_shown_but_do_not_fail() {
    let out = deal(&["check", "tests/corpus/diagnostics/warn-unused.deal"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stderr).contains("deal::check::unused"));
    assert!(text(&out.stdout).contains("1 warning"));
}

#[test]
fn json_diagnostics_are_one_object_per_line() {
    let out = deal(&[
        "check",
        "--diagnostic-format",
        "json",
        "tests/corpus/diagnostics/check-many-errors.deal",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let objects: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(objects.len(), 4);
    let first = &objects[0];
    assert_eq!(first["code"], "deal::check::rate_range");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["span"]["line"], 4);
    assert_eq!(first["span"]["column"], 9);
    assert!(out.stdout.is_empty());
}
