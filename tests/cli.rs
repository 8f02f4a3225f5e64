//! The `deal` binary end to end: exit codes, streams, formats.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{deal, deal_with_stdin, exits, text};

const SEED: &str = "examples/openai-microsoft.deal";

#[test]
fn check_of_a_valid_file_exits_0_and_says_ok() {
    let out = deal(&["check", SEED]);
    exits(&out, 0);
    assert!(text(&out.stdout).contains("ok"));
    assert!(out.stderr.is_empty());
}

#[test]
fn check_quiet_prints_nothing_for_a_valid_file() {
    let out = deal(&["check", "--quiet", SEED]);
    exits(&out, 0);
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn check_of_an_invalid_file_exits_1_with_a_located_message() {
    let out = deal(&["check", "tests/corpus/diagnostics/check-unknown-party.deal"]);
    let stderr = exits(&out, 1);
    assert!(stderr.contains("check-unknown-party.deal:4:"), "{stderr}");
    assert!(stderr.contains("deal::check::unknown_party"), "{stderr}");
}

#[test]
fn check_of_a_missing_file_exits_2() {
    let out = deal(&["check", "no/such/file.deal"]);
    assert!(exits(&out, 2).contains("cannot read `no/such/file.deal`"));
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
    exits(&out, 0);
    let out = deal_with_stdin(&["check", "-"], &seed.replace("20%", "120%"));
    assert!(exits(&out, 1).contains("<stdin>:"));
}

#[test]
fn warnings_are_shown_but_do_not_fail() {
    let out = deal(&["check", "tests/corpus/diagnostics/warn-unused.deal"]);
    assert!(exits(&out, 0).contains("deal::check::unused"));
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
    let stderr = exits(&out, 1);
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

const SEED_SERIES: &str = "examples/openai-microsoft.csv";

#[test]
fn eval_prints_a_statement_table() {
    let out = deal(&["eval", SEED, "--series", SEED_SERIES]);
    exits(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("38,000,000,000.00"), "{stdout}");
    assert!(stdout.contains("cap of 38B reached"), "{stdout}");
    assert!(
        stdout.lines().all(|line| line.chars().count() <= 80),
        "wider than 80 columns:\n{stdout}"
    );
}

#[test]
fn eval_csv_is_long_form_with_period_party_amount() {
    let out = deal(&["eval", SEED, "-s", SEED_SERIES, "--format", "csv"]);
    exits(&out, 0);
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    for column in ["period", "party", "amount"] {
        assert!(header.contains(&column), "{header:?}");
    }
    assert_eq!(lines.count(), 8, "one row per year");
    assert!(
        stdout.contains("2030,revenue-share,OpenAI,Microsoft,98700000000,"),
        "{stdout}"
    );
}

/// The CSV statement of `agreements` in `columns`, which must succeed.
fn csv_columns(agreements: &str, series: &str, columns: &str) -> String {
    let out = deal(&[
        "eval",
        agreements,
        "-s",
        series,
        "-f",
        "csv",
        "--columns",
        columns,
    ]);
    exits(&out, 0);
    text(&out.stdout)
}

#[test]
fn eval_csv_columns_are_chosen_and_ordered() {
    let stdout = csv_columns(SEED, SEED_SERIES, "amount,period,note");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "amount,period,note");
    assert_eq!(lines[1], "2600000000.00,2025,20% of 13B");
    assert_eq!(lines.len(), 9, "{stdout}");
}

#[test]
fn eval_csv_columns_that_do_not_apply_are_usage_errors() {
    for (columns, extra, message) in [
        ("period,nope", None, "no column `nope`"),
        ("deal,amount", None, "the `deal` column is for a portfolio"),
        ("period,explain", None, "needs `--explain`"),
        ("period,amount", Some("table"), "add `-f csv`"),
    ] {
        let format = extra.unwrap_or("csv");
        let out = deal(&[
            "eval",
            SEED,
            "-s",
            SEED_SERIES,
            "-f",
            format,
            "--columns",
            columns,
        ]);
        let stderr = exits(&out, 2);
        assert!(stderr.contains(message), "{columns}: {stderr}");
        assert!(out.stdout.is_empty(), "{columns}: nothing written");
    }
}

#[test]
fn eval_json_has_a_schema_version_and_string_amounts() {
    let out = deal(&["eval", SEED, "-s", SEED_SERIES, "-f", "json"]);
    exits(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["totals"][1]["party"], "Microsoft");
    assert_eq!(json["totals"][1]["received"], "38000000000.00");
    assert_eq!(json["events"][0]["kind"], "cap_reached");
}

#[test]
fn eval_explain_shows_the_derivation() {
    let out = deal(&["eval", SEED, "-s", SEED_SERIES, "--explain"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("20% of 98.7B = 19.74B"), "{stdout}");
    assert!(
        stdout.contains("cap 38B leaves 3.71B: cap reached"),
        "{stdout}"
    );
}

#[test]
fn eval_reads_the_series_from_standard_input() {
    let series = std::fs::read_to_string(SEED_SERIES).expect("series");
    let out = deal_with_stdin(&["eval", SEED, "-s", "-", "-f", "csv"], &series);
    exits(&out, 0);
    assert!(text(&out.stdout).starts_with("period,"));
}

#[test]
fn eval_writes_the_output_file_whole() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out_path = dir.path().join("statement.csv");
    let out_arg = out_path.to_str().expect("UTF-8 path");
    let out = eval_seed_to(&out_path);
    exits(&out, 0);
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&out_path).expect("the file was written");
    assert!(written.starts_with("period,"));
    // A failing run leaves the earlier file as it was, and no stray files.
    let out = deal(&[
        "eval",
        SEED,
        "-s",
        "tests/corpus/series/ragged.csv",
        "-o",
        out_arg,
    ]);
    exits(&out, 1);
    assert_eq!(
        std::fs::read_to_string(&out_path).expect("still there"),
        written
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
}

/// `deal eval` of the seed as CSV, written to `output`.
fn eval_seed_to(output: &Path) -> Output {
    let output = output.to_str().expect("UTF-8 path");
    deal(&["eval", SEED, "-s", SEED_SERIES, "-f", "csv", "-o", output])
}

/// `-o` naming a pipe (as `/dev/null` names a device) writes into it: a
/// rename over it would put a regular file in its place.
#[cfg(unix)]
#[test]
fn eval_writes_into_a_pipe_and_leaves_it_one() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let fifo = dir.path().join("statement.pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Open for reading and writing, which waits for no writer: the
    // statement (2 KB) fits the pipe's buffer.
    let mut pipe = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .expect("the pipe opens");
    exits(&eval_seed_to(&fifo), 0);
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "the pipe was replaced: {kind:?}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    let mut buffer = vec![0; 1 << 16];
    let read = pipe.read(&mut buffer).expect("the pipe reads");
    assert!(buffer[..read].starts_with(b"period,"));
}

/// A written file has the mode of any new file (0666 less the umask), and
/// a rewritten one keeps its own, where a temporary file is its owner's only.
#[cfg(unix)]
#[test]
fn written_files_keep_the_usual_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).expect("there").permissions().mode() & 0o777;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let usual = dir.path().join("usual");
    std::fs::write(&usual, "").expect("written");
    let statement = dir.path().join("statement.csv");
    exits(&eval_seed_to(&statement), 0);
    assert_eq!(mode(&statement), mode(&usual));
    let agreement = dir.path().join("deal.deal");
    let seed = std::fs::read_to_string(SEED).expect("seed");
    std::fs::write(&agreement, seed.replace("payer OpenAI", "payer    OpenAI")).expect("written");
    std::fs::set_permissions(&agreement, std::fs::Permissions::from_mode(0o640)).expect("mode");
    exits(&deal(&["fmt", agreement.to_str().expect("UTF-8 path")]), 0);
    assert_eq!(mode(&agreement), 0o640);
}

#[test]
fn eval_output_dash_is_standard_output() {
    let out = deal(&["eval", SEED, "-s", SEED_SERIES, "-f", "csv", "-o", "-"]);
    exits(&out, 0);
    assert!(text(&out.stdout).starts_with("period,"));
    assert!(!Path::new("-").exists());
}

/// `-o` naming a symbolic link replaces the file it points to, whole, and
/// keeps the link.
#[cfg(unix)]
#[test]
fn eval_through_a_symbolic_link_replaces_its_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let target = dir.path().join("statement.csv");
    std::fs::write(&target, "old\n").expect("written");
    let link = dir.path().join("latest.csv");
    std::os::unix::fs::symlink(&target, &link).expect("a link");
    exits(&eval_seed_to(&link), 0);
    let kind = std::fs::symlink_metadata(&link)
        .expect("still there")
        .file_type();
    assert!(kind.is_symlink(), "the link was replaced: {kind:?}");
    let written = std::fs::read_to_string(&target).expect("the file");
    assert!(written.starts_with("period,"), "{written}");
}

#[test]
fn eval_of_a_bad_series_exits_1_naming_row_and_column() {
    let out = deal(&["eval", SEED, "-s", "tests/corpus/series/not-a-number.csv"]);
    let stderr = exits(&out, 1);
    assert!(stderr.contains("row 2, column `revenue`"), "{stderr}");
    assert!(stderr.contains("not-a-number.csv:2:8"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn eval_of_a_series_missing_a_column_lists_the_columns() {
    let out = deal(&[
        "eval",
        "tests/corpus/eval/missing-column.deal",
        "-s",
        "tests/corpus/eval/missing-column.csv",
    ]);
    let stderr = exits(&out, 1);
    assert!(
        stderr.contains("did you mean `revenue`? the series has `revenue`, `costs`"),
        "{stderr}"
    );
}

#[test]
fn eval_overflow_names_clause_and_period() {
    let out = deal(&[
        "eval",
        "tests/corpus/eval/overflow.deal",
        "-s",
        "tests/corpus/eval/overflow.csv",
    ]);
    assert!(exits(&out, 1).contains("`royalty` in 2026"));
}

#[test]
fn eval_event_dates_come_from_the_command_line() {
    let deal_file = "tests/acceptance/v06-window-and-event/agreement.deal";
    let series = "tests/acceptance/v06-window-and-event/series.csv";
    let dated = deal(&[
        "eval",
        deal_file,
        "-s",
        series,
        "-f",
        "csv",
        "--event",
        "change_of_control=2026-07-01",
    ]);
    exits(&dated, 0);
    assert!(
        text(&dated.stdout)
            .contains("2026Q3,partner-share,Company,Partner,14000000,0,0.00,2500000.00")
    );
    let unknown = deal(&[
        "eval",
        deal_file,
        "-s",
        series,
        "--event",
        "merger=2026-07-01",
    ]);
    assert!(exits(&unknown, 2).contains("it declares `change_of_control`"));
    let malformed = deal(&[
        "eval",
        deal_file,
        "-s",
        series,
        "--event",
        "change_of_control",
    ]);
    exits(&malformed, 2);
}

#[test]
fn eval_of_a_missing_series_exits_2() {
    let out = deal(&["eval", SEED, "-s", "no-such.csv"]);
    exits(&out, 2);
}

const MESSY: &str =
    "agreement   \"x\" {\n parties A,B\n payer A\n share 20% of revenue to B # note\n}\n";

#[test]
fn fmt_rewrites_in_place_and_then_has_nothing_to_do() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("x.deal");
    std::fs::write(&path, MESSY).expect("written");
    let file = path.to_str().expect("UTF-8 path");
    assert_eq!(deal(&["fmt", "--check", file]).status.code(), Some(1));
    let out = deal(&["fmt", file]);
    exits(&out, 0);
    let formatted = std::fs::read_to_string(&path).expect("still there");
    assert_eq!(
        formatted,
        "agreement \"x\" {\n  parties A, B\n  payer A\n  share 20% of revenue to B # note\n}\n"
    );
    let check = deal(&["fmt", "--check", file]);
    exits(&check, 0);
    assert!(check.stdout.is_empty());
}

#[test]
fn fmt_check_shows_the_diff() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("x.deal");
    std::fs::write(&path, MESSY).expect("written");
    let out = deal(&["fmt", "--check", path.to_str().expect("UTF-8 path")]);
    exits(&out, 1);
    let diff = text(&out.stdout);
    assert!(
        diff.contains("-agreement   \"x\" {") && diff.contains("+agreement \"x\" {"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("untouched"), MESSY);
}

#[test]
fn fmt_refuses_a_file_that_does_not_parse_and_leaves_it_untouched() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("broken.deal");
    let broken = "agreement \"x\" {\n  share 20% of to B\n}\n";
    std::fs::write(&path, broken).expect("written");
    let out = deal(&["fmt", path.to_str().expect("UTF-8 path")]);
    assert!(exits(&out, 1).contains("deal::parse::unexpected"));
    assert_eq!(std::fs::read_to_string(&path).expect("untouched"), broken);
}

#[test]
fn fmt_of_standard_input_writes_standard_output() {
    let out = deal_with_stdin(&["fmt", "-"], MESSY);
    exits(&out, 0);
    assert!(text(&out.stdout).starts_with("agreement \"x\" {\n  parties A, B\n"));
}

#[test]
fn fmt_stdout_prints_without_writing() {
    let out = deal(&["fmt", "--stdout", SEED]);
    exits(&out, 0);
    assert_eq!(
        text(&out.stdout),
        std::fs::read_to_string(SEED).expect("seed")
    );
}

#[test]
fn test_passes_on_the_examples_and_fails_when_an_expectation_breaks() {
    let out = deal(&["test", SEED]);
    exits(&out, 0);
    assert!(text(&out.stdout).contains("2 expectations passed"));

    let dir = tempfile::tempdir().expect("a temporary directory");
    let seed = std::fs::read_to_string(SEED).expect("seed");
    std::fs::write(
        dir.path().join("openai-microsoft.deal"),
        seed.replace("cap reached in 2030", "cap reached in 2029"),
    )
    .expect("written");
    std::fs::copy(SEED_SERIES, dir.path().join("openai-microsoft.csv")).expect("copied");
    let broken = dir.path().join("openai-microsoft.deal");
    let out = deal(&["test", broken.to_str().expect("UTF-8 path")]);
    let stderr = exits(&out, 1);
    assert!(
        stderr.contains("expected revenue-share cap reached in 2029, found cap reached in 2030"),
        "{stderr}"
    );
    assert!(stderr.contains("openai-microsoft.deal:13:3"), "{stderr}");
    assert!(text(&out.stdout).contains("1 of 2 expectations failed"));
}

#[test]
fn eval_uses_the_series_the_agreement_names() {
    let out = deal(&["eval", SEED, "-f", "csv"]);
    exits(&out, 0);
    assert_eq!(text(&out.stdout).lines().count(), 9);
    let out = deal(&["eval", "tests/corpus/diagnostics/warn-unused.deal"]);
    assert!(exits(&out, 2).contains("give `--series FILE`"));
}

#[test]
fn test_fails_on_a_file_with_nothing_to_test() {
    let out = deal(&[
        "test",
        "tests/acceptance/v01-seed-revenue-cap/agreement.deal",
    ]);
    assert!(exits(&out, 1).contains("has no `expect` lines to test"));
}

#[test]
fn expectations_may_name_a_longer_period_than_the_series() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let case = "tests/acceptance/v01-seed-revenue-cap";
    std::fs::copy(format!("{case}/series.csv"), dir.path().join("series.csv")).expect("copied");
    let deal_text = std::fs::read_to_string(format!("{case}/agreement.deal"))
        .expect("agreement")
        .replace(
            "revenue-share: share",
            "series \"series.csv\"\n  expect Partner in 2026 = 5.2B\n  expect revenue-share cap reached in 2029\n  revenue-share: share",
        );
    let path = dir.path().join("seed.deal");
    std::fs::write(&path, deal_text).expect("written");
    let out = deal(&["test", path.to_str().expect("UTF-8 path")]);
    exits(&out, 0);
}

/// A portfolio in a temporary directory: three copies of the seed deal and
/// a long-form series for the deals named in `series_deals`.
fn portfolio(series_deals: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join("deals")).expect("deals/");
    let seed = std::fs::read_to_string(SEED).expect("seed");
    let plain: String = seed
        .lines()
        .filter(|l| !l.contains("series") && !l.contains("expect"))
        .map(|l| format!("{l}\n"))
        .collect();
    for deal in ["alpha", "beta", "gamma"] {
        std::fs::write(dir.path().join(format!("deals/{deal}.deal")), &plain).expect("deal");
    }
    let mut series = String::from("deal,period,revenue\n");
    for (i, deal) in series_deals.iter().enumerate() {
        for year in 2025..2033 {
            series.push_str(&format!(
                "{deal},{year},{}\n",
                (i + 1) * 10_000_000_000 * (year - 2024)
            ));
        }
    }
    std::fs::write(dir.path().join("sales.csv"), series).expect("series");
    dir
}

/// `deal eval` of the portfolio in `dir` as CSV, with more arguments.
fn eval_portfolio(dir: &tempfile::TempDir, more: &[&str]) -> std::process::Output {
    let path = |p: &str| dir.path().join(p).to_string_lossy().into_owned();
    let (deals, series) = (path("deals"), path("sales.csv"));
    let mut args = vec!["eval", &deals, "--series", &series, "-f", "csv"];
    args.extend_from_slice(more);
    deal(&args)
}

#[test]
fn eval_of_a_portfolio_adds_a_deal_column_in_series_order() {
    let dir = portfolio(&["gamma", "alpha", "beta"]);
    let out = eval_portfolio(&dir, &[]);
    exits(&out, 0);
    let stdout = text(&out.stdout);
    let mut lines = stdout.lines();
    assert!(
        lines
            .next()
            .expect("header")
            .starts_with("deal,period,clause,payer,party")
    );
    let deals: Vec<&str> = lines
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(deals.len(), 24);
    assert_eq!(&deals[..8], ["gamma"; 8]);
    assert_eq!(&deals[8..16], ["alpha"; 8]);
    assert!(stdout.contains(
        "beta,2026,revenue-share,OpenAI,Microsoft,60000000000,0.2,12000000000.00,18000000000.00"
    ));
}

#[test]
fn eval_of_a_portfolio_writes_the_chosen_columns() {
    let dir = portfolio(&["beta", "alpha", "gamma"]);
    let path = |p: &str| dir.path().join(p).to_string_lossy().into_owned();
    let stdout = csv_columns(
        &path("deals"),
        &path("sales.csv"),
        "deal,period,party,amount",
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "deal,period,party,amount");
    assert_eq!(lines[1], "beta,2025,Microsoft,2000000000.00");
    assert_eq!(lines.len(), 25, "{stdout}");
}

/// An output of several megabytes, synced as it is written (src/run/mod.rs,
/// `OutputFile`), is the same file as standard output gives.
#[test]
fn eval_of_a_large_portfolio_writes_the_same_file_as_standard_output() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join("deals")).expect("deals/");
    let mut series = String::from("deal,period,revenue\n");
    for deal in 0..300 {
        std::fs::write(
            dir.path().join(format!("deals/d{deal}.deal")),
            format!(
                "agreement \"d{deal}\" {{\n  parties Company, Partner\n  payer Company\n  \
                 share {}% of revenue to Partner cap 40M\n}}\n",
                deal % 30 + 1
            ),
        )
        .expect("deal");
        for month in 0..120 {
            let revenue = 1_000_000 + deal * 7_919 + month * 104_729;
            series.push_str(&format!(
                "d{deal},{}-{:02},{revenue}.{:02}\n",
                2015 + month / 12,
                month % 12 + 1,
                month % 100
            ));
        }
    }
    std::fs::write(dir.path().join("sales.csv"), series).expect("series");
    let output = dir.path().join("out.csv");
    let output = output.to_string_lossy();
    let to_file = eval_portfolio(&dir, &["-o", &output]);
    exits(&to_file, 0);
    let to_stdout = eval_portfolio(&dir, &[]);
    exits(&to_stdout, 0);
    let written = std::fs::read(output.as_ref()).expect("the output file");
    assert!(written.len() > 3 << 20, "{} bytes", written.len());
    assert!(
        written == to_stdout.stdout,
        "the file differs from standard output"
    );
}

#[test]
fn eval_of_a_portfolio_names_missing_agreements_and_missing_rows() {
    let dir = portfolio(&["alpha", "delta"]);
    let path = |p: &str| dir.path().join(p).to_string_lossy().into_owned();
    let output = path("out.csv");
    let out = eval_portfolio(&dir, &["-o", &output]);
    let stderr = exits(&out, 1);
    assert!(
        stderr.contains("series rows without an agreement: `delta` (row 10)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("agreements without series rows: beta, gamma"),
        "{stderr}"
    );
    assert!(!Path::new(&output).exists(), "nothing is written on error");
}

#[test]
fn eval_of_a_portfolio_lists_the_first_twenty_deals_without_an_agreement() {
    let names: Vec<String> = (0..25).map(|i| format!("x{i:02}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let dir = portfolio(&names);
    let out = eval_portfolio(&dir, &[]);
    let stderr = exits(&out, 1);
    assert!(stderr.contains("`x19` (row 154) and 5 more\n"), "{stderr}");
    assert!(!stderr.contains("`x20`"), "{stderr}");
}

#[test]
fn eval_of_a_portfolio_refuses_a_deal_whose_rows_are_split() {
    let dir = portfolio(&["alpha", "beta", "gamma"]);
    let path = |p: &str| dir.path().join(p).to_string_lossy().into_owned();
    let mut series = std::fs::read_to_string(path("sales.csv")).expect("series");
    series.push_str("alpha,2033,1\n");
    std::fs::write(path("sales.csv"), series).expect("written");
    let out = eval_portfolio(&dir, &[]);
    assert!(exits(&out, 1).contains("the rows of deal `alpha` are not together"));
}

/// Rewrites the portfolio's series line by line (`index` from 0):
/// `None` drops a line; each line written ends in `end`.
fn rewrite_series(
    dir: &tempfile::TempDir,
    end: &str,
    line: impl Fn(usize, &str) -> Option<String>,
) {
    let path = dir.path().join("sales.csv");
    let series = std::fs::read_to_string(&path).expect("series");
    let rewritten: String = series
        .lines()
        .enumerate()
        .filter_map(|(index, text)| line(index, text))
        .map(|text| format!("{text}{end}"))
        .collect();
    std::fs::write(path, rewritten).expect("written");
}

#[test]
fn eval_of_a_portfolio_names_the_true_row_of_a_windows_series() {
    let dir = portfolio(&["alpha", "beta", "gamma"]);
    // Line 12 (beta's third year) gets a typo; every line ends in CRLF.
    rewrite_series(&dir, "\r\n", |index, line| {
        Some(if index == 11 {
            line.replace(",6", ",x6")
        } else {
            line.to_string()
        })
    });
    let stderr = exits(&eval_portfolio(&dir, &[]), 1);
    assert!(stderr.contains("row 12, column `revenue`"), "{stderr}");
}

#[test]
fn eval_points_at_the_bad_cell_of_a_windows_series() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let series = dir.path().join("sales.csv");
    std::fs::write(&series, "period,revenue\r\n2025,10\r\n2026,x\r\n").expect("written");
    let out = deal(&[
        "eval",
        SEED,
        "--series",
        series.to_str().expect("UTF-8 path"),
    ]);
    let stderr = exits(&out, 1);
    assert!(stderr.contains("row 3, column `revenue`"), "{stderr}");
    assert!(stderr.contains("sales.csv:3:6]"), "{stderr}");
}

#[test]
fn eval_of_a_portfolio_names_the_row_of_a_gap() {
    let dir = portfolio(&["alpha", "beta", "gamma"]);
    // Line 13 (beta, 2028) goes: beta's years jump from 2027 to 2029.
    rewrite_series(&dir, "\n", |index, line| {
        (index != 12).then(|| line.to_string())
    });
    let stderr = exits(&eval_portfolio(&dir, &[]), 1);
    assert!(stderr.contains("sales.csv row 13:"), "{stderr}");
    assert!(stderr.contains("leaving a gap"), "{stderr}");
}

#[test]
fn eval_of_a_portfolio_guesses_the_agreement_a_misspelt_deal_means() {
    let dir = portfolio(&["alpah", "beta", "gamma"]);
    let stderr = exits(&eval_portfolio(&dir, &[]), 1);
    assert!(
        stderr.contains("`alpah` (row 2; did you mean `alpha`?)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("agreements without series rows: alpha"),
        "{stderr}"
    );
}

#[test]
fn eval_of_a_portfolio_shows_a_quoted_cell_as_written() {
    let dir = portfolio(&["alpha", "beta", "gamma"]);
    // Line 3 (alpha, 2026): a thousands separator, quoted as a spreadsheet does.
    rewrite_series(&dir, "\n", |index, line| {
        Some(if index == 2 {
            "alpha,2026,\"12,000\"".to_string()
        } else {
            line.to_string()
        })
    });
    let stderr = exits(&eval_portfolio(&dir, &[]), 1);
    // The cell at fault is quoted, and no more of the series.
    assert!(stderr.contains(" │ 12,000\n"), "{stderr}");
    assert!(!stderr.contains("alpha,2026"), "{stderr}");
    assert!(stderr.contains("`12,000` is not a number"), "{stderr}");
}

/// Issue 14, item 5: the diff CSV ends with each party's total, its period
/// empty, as docs/git.md says.
#[test]
fn diff_csv_ends_with_the_totals() {
    let out = deal(&["diff", SEED, SEED, "-f", "csv"]);
    exits(&out, 0);
    let csv = text(&out.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "period,party,old,new,delta");
    assert_eq!(
        lines[lines.len() - 2..],
        [
            ",OpenAI,-38000000000.00,-38000000000.00,0.00",
            ",Microsoft,38000000000.00,38000000000.00,0.00"
        ]
    );
}

/// Issue 14, item 10: a floor per quarter on a monthly series points to a
/// minimum per quarter, the period the writer asked for.
#[test]
fn a_floor_per_quarter_on_a_monthly_series_points_to_a_minimum_per_quarter() {
    let out = deal(&[
        "eval",
        "tests/corpus/eval/floor-period.deal",
        "--series",
        "tests/corpus/eval/floor-period.csv",
    ]);
    let stderr = exits(&out, 1);
    assert!(stderr.contains("`minimum ... per quarter`"), "{stderr}");
    assert!(!stderr.contains("per year"), "{stderr}");
}

/// Issue 14, item 13: `deal test --event` runs a file's expectations in a
/// scenario, and its summary names it; an event the file lacks is refused.
#[test]
fn test_runs_in_a_scenario_with_event() {
    let pharma = "examples/pharma-licence.deal";
    let out = deal(&["test", pharma, "--event", "generic_entry=2030-01-01"]);
    exits(&out, 1);
    assert!(
        text(&out.stdout).contains("2 of 4 expectations failed with generic_entry on 2030-01-01"),
        "{}",
        text(&out.stdout)
    );
    let out = deal(&["test", pharma, "--event", "nothing=2030-01-01"]);
    assert!(exits(&out, 2).contains("no event `nothing`"));
}

/// Issue 14, item 12: `--by party`, one row per payee and period with what
/// every clause paid it, in the table and the CSV; refused where it has no
/// meaning.
#[test]
fn eval_by_party_lays_out_a_row_per_payee_and_period() {
    let deal_file = "examples/recording-contract.deal";
    let out = deal(&["eval", deal_file, "--by", "party"]);
    exits(&out, 0);
    let table = text(&out.stdout);
    assert!(
        table.contains("by party: what each payee received"),
        "{table}"
    );
    assert!(
        table.contains(" 2026Q1   Artist    38,000.00   288,000.00   royalty"),
        "{table}"
    );
    let out = deal(&["eval", deal_file, "--by", "party", "-f", "csv"]);
    exits(&out, 0);
    let csv = text(&out.stdout);
    assert!(csv.starts_with("period,party,amount,cumulative,from\n2025Q1,Artist,250000.00,250000.00,signing-advance\n"), "{csv}");
    assert_eq!(csv.lines().count(), 9, "{csv}");
    for refused in [
        vec!["-f", "json"],
        vec!["-f", "csv", "--columns", "period,amount"],
    ] {
        let mut args = vec!["eval", deal_file, "--by", "party"];
        args.extend(refused);
        exits(&deal(&args), 2);
    }
}

/// Issue 14, item 13: expectations tied to a scenario in the file, so that
/// the agreement as written and "the event on this date" both live in CI.
#[test]
fn test_holds_each_expectation_in_its_own_scenario() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let text = std::fs::read_to_string("examples/pharma-licence.deal").expect("the example");
    std::fs::copy(
        "examples/pharma-licence.csv",
        dir.path().join("pharma-licence.csv"),
    )
    .expect("its series");
    let write = |text: &str| {
        let path = dir.path().join("pharma.deal");
        std::fs::write(&path, text).expect("written");
        path.display().to_string()
    };
    let out = deal(&["test", &write(&text)]);
    exits(&out, 0);
    assert!(text.contains("expect if generic_entry on 2033-01-01:"));
    let wrong = text.replace("window closed in 2033", "window closed in 2034");
    let stderr = exits(&deal(&["test", &write(&wrong)]), 1);
    assert!(stderr.contains("found window closed in 2033"), "{stderr}");
    assert!(
        stderr.contains("expected if generic_entry on 2033-01-01:"),
        "{stderr}"
    );
    let unknown = text.replace("if generic_entry on", "if generic_entri on");
    let stderr = exits(&deal(&["test", &write(&unknown)]), 1);
    assert!(stderr.contains("did you mean `generic_entry`?"), "{stderr}");
}

/// Issues 15 and 16: waterfalls, withholding, reserves, per-unit rates,
/// fees, milestones, conditions, anchored windows and half-years give the
/// same rows in a portfolio as alone.
#[test]
fn payments_that_feed_payments_evaluate_the_same_in_a_portfolio() {
    for case in [
        "v07-per-unit-and-fee",
        "v08-sales-milestones",
        "v09-collection-waterfall",
        "v10-commission-and-withholding",
        "v11-reserve-against-returns",
        "v12-copies-escalator",
        "v13-currency-conversion",
        "v14-previous-year-rate",
        "v15-event-quarter-cutoff",
        "v16-half-year-statements",
    ] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let case_dir = Path::new("tests/acceptance").join(case);
        let agreement = std::fs::read_to_string(case_dir.join("agreement.deal")).expect("deal");
        let series = std::fs::read_to_string(case_dir.join("series.csv")).expect("series");
        std::fs::create_dir(dir.path().join("deals")).expect("deals/");
        let mut long = String::new();
        let mut lines = series.lines();
        long.push_str(&format!("deal,{}\n", lines.next().expect("a header")));
        let rows: Vec<&str> = lines.collect();
        for name in ["first", "second"] {
            std::fs::write(dir.path().join(format!("deals/{name}.deal")), &agreement)
                .expect("deal");
            for row in &rows {
                long.push_str(&format!("{name},{row}\n"));
            }
        }
        std::fs::write(dir.path().join("long.csv"), long).expect("long series");
        let path = |p: &str| dir.path().join(p).to_string_lossy().into_owned();
        let portfolio = deal(&[
            "eval",
            &path("deals"),
            "--series",
            &path("long.csv"),
            "-f",
            "csv",
        ]);
        exits(&portfolio, 0);
        let single = deal(&[
            "eval",
            &case_dir.join("agreement.deal").to_string_lossy(),
            "--series",
            &case_dir.join("series.csv").to_string_lossy(),
            "-f",
            "csv",
        ]);
        exits(&single, 0);
        let portfolio = text(&portfolio.stdout);
        for name in ["first", "second"] {
            let rows: Vec<&str> = portfolio
                .lines()
                .skip(1)
                .filter_map(|line| line.strip_prefix(&format!("{name},")))
                .collect();
            let single_text = text(&single.stdout);
            let expected: Vec<&str> = single_text.lines().skip(1).collect();
            assert_eq!(rows, expected, "{case}: {name}");
        }
    }
}
