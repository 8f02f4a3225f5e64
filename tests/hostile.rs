//! Inputs written to do harm: an agreement from a hostile pull request that
//! reaches for files outside its directory, values that git would read as
//! options, outputs aimed at their own inputs. Each case comes from an
//! adversarial review and failed before its fix.

mod common;

use std::path::Path;

use common::{deal, deal_fed, exits, text};

const SEED: &str = include_str!("../examples/openai-microsoft.deal");
const SERIES: &str = include_str!("../examples/openai-microsoft.csv");

/// The bundled agreement with `series PATH` and one expectation, written
/// as `deal.deal` in `dir`.
fn agreement_declaring(dir: &Path, path: &str) -> String {
    let text = SEED.replacen(
        "series \"openai-microsoft.csv\"",
        &format!("series \"{path}\""),
        1,
    );
    let file = dir.join("deal.deal");
    std::fs::write(&file, text).expect("the agreement is written");
    file.display().to_string()
}

/// What every command that reads a declared series says about `path`:
/// refused at the declaration, exit 1, and nothing of the file quoted.
fn refused_everywhere(dir: &Path, path: &str, secret: &str) {
    let file = agreement_declaring(dir, path);
    for args in [
        vec!["test", &file],
        vec!["eval", &file],
        vec!["diff", &file, &file],
    ] {
        let out = deal(&args);
        let stderr = exits(&out, 1);
        assert!(stderr.contains("deal::series::path"), "{args:?}: {stderr}");
        assert!(
            !stderr.contains(secret),
            "{args:?} quotes the file: {stderr}"
        );
        assert!(!text(&out.stdout).contains(secret), "{args:?}");
    }
}

#[test]
fn a_declared_series_outside_the_directory_is_refused() {
    let root = tempfile::tempdir().expect("a temporary directory");
    let dir = root.path().join("deals");
    std::fs::create_dir(&dir).expect("a directory");
    std::fs::write(root.path().join("secret.csv"), "period,TOPSECRET\n").expect("written");
    refused_everywhere(&dir, "../secret.csv", "TOPSECRET");
    refused_everywhere(&dir, "sub/../../secret.csv", "TOPSECRET");
    refused_everywhere(&dir, "..\\secret.csv", "TOPSECRET");
    let absolute = root.path().join("secret.csv");
    refused_everywhere(&dir, &absolute.display().to_string(), "TOPSECRET");
    refused_everywhere(&dir, "/proc/self/environ", "PATH=");
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_directory_and_devices_are_refused() {
    let root = tempfile::tempdir().expect("a temporary directory");
    let dir = root.path().join("deals");
    std::fs::create_dir(&dir).expect("a directory");
    std::fs::write(root.path().join("secret.csv"), "period,TOPSECRET\n").expect("written");
    std::os::unix::fs::symlink("../secret.csv", dir.join("link.csv")).expect("a link");
    refused_everywhere(&dir, "link.csv", "TOPSECRET");
    std::os::unix::fs::symlink(root.path(), dir.join("up")).expect("a link");
    refused_everywhere(&dir, "up/secret.csv", "TOPSECRET");
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.csv")).expect("a link");
    refused_everywhere(&dir, "zero.csv", "\0");
    std::os::unix::fs::symlink("nothing-here.csv", dir.join("dangling.csv")).expect("a link");
    refused_everywhere(&dir, "dangling.csv", "TOPSECRET");
    std::fs::create_dir(dir.join("folder.csv")).expect("a directory");
    refused_everywhere(&dir, "folder.csv", "TOPSECRET");
}

#[test]
fn a_declared_series_inside_the_directory_is_read() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join("data")).expect("a directory");
    std::fs::write(dir.path().join("data/s.csv"), SERIES).expect("written");
    let file = agreement_declaring(dir.path(), "./data/../data/s.csv");
    let out = deal(&["eval", &file]);
    exits(&out, 0);
    assert!(text(&out.stdout).contains("Microsoft"));
}

/// A version that git would read as an option (`--output=FILE` makes
/// `git show` write a file) is handed to git as a revision, and refused.
#[test]
fn a_version_is_never_a_git_option() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let written = dir.path().join("written");
    let version = format!("--output={}:x.deal", written.display());
    let out = deal(&["diff", "--", &version, "examples/openai-microsoft.deal"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(!written.exists(), "git wrote {}", written.display());
}

/// `deal` with an endless standard input: `yes x | deal ARGS`.
fn deal_with_endless_stdin(args: &[&str]) -> std::process::Output {
    deal_fed(args, |mut stdin| {
        let line = b"x\n".repeat(1 << 15);
        // Until `deal` stops reading and the pipe closes.
        while std::io::Write::write_all(&mut stdin, &line).is_ok() {}
    })
}

/// Reading stops at the limit: an endless input is refused, not read until
/// memory runs out.
#[test]
fn endless_inputs_are_refused_at_the_limit() {
    let out = deal_with_endless_stdin(&["check", "-"]);
    let stderr = exits(&out, 1);
    assert!(stderr.contains("deal::read::too_large"), "{stderr}");
    assert!(
        stderr.contains("agreement is larger than the limit of 16 MiB"),
        "{stderr}"
    );

    let out = deal_with_endless_stdin(&["eval", "examples/openai-microsoft.deal", "--series", "-"]);
    let stderr = exits(&out, 1);
    assert!(
        stderr.contains("series is larger than the limit of 64 MiB"),
        "{stderr}"
    );
    assert!(!stderr.contains("one agreement per file"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn dev_zero_is_refused_at_the_limit() {
    let out = deal(&["check", "/dev/zero"]);
    assert!(exits(&out, 1).contains("deal::read::too_large"));
    let out = deal(&[
        "eval",
        "examples/openai-microsoft.deal",
        "--series",
        "/dev/zero",
    ]);
    assert!(exits(&out, 1).contains("deal::read::too_large"));
    // A portfolio's series is read a line at a time: one line is bounded.
    let out = deal(&["eval", "examples/", "--series", "/dev/zero"]);
    assert!(exits(&out, 1).contains("a line is longer than 1 MiB"));
}

/// Item 6: miette panicked on a diagnostic past column 65,535, in `deal
/// check`, in a series, and in a portfolio's worker thread. A long line is
/// now cut to a window around what the problem marks.
#[test]
fn a_problem_past_column_65535_is_shown_cut_not_a_panic() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let padding = " ".repeat(70_000);
    let deal_path = dir.path().join("long.deal");
    let long = SEED.replacen("payer OpenAI", &format!("payer OpenAI{padding}zzz"), 1);
    std::fs::write(&deal_path, long).expect("written");
    let stderr = exits(&deal(&["check", &deal_path.display().to_string()]), 1);
    assert!(stderr.contains("zzz") && stderr.contains('…'), "{stderr}");
    assert!(stderr.len() < 4_000, "{} bytes", stderr.len());

    let series = dir.path().join("long.csv");
    std::fs::write(&series, format!("period,revenue\n2025,{padding}n/a\n")).expect("written");
    let out = deal(&[
        "eval",
        "examples/openai-microsoft.deal",
        "--series",
        &series.display().to_string(),
    ]);
    let stderr = exits(&out, 1);
    assert!(
        stderr.contains("not a number") && stderr.len() < 4_000,
        "{stderr}"
    );

    // A portfolio: the problem is rendered in a worker thread.
    std::fs::create_dir(dir.path().join("deals")).expect("a directory");
    std::fs::copy(
        "examples/openai-microsoft.deal",
        dir.path().join("deals/a.deal"),
    )
    .expect("copied");
    let long_form = dir.path().join("long-form.csv");
    std::fs::write(
        &long_form,
        format!("deal,period,revenue\na,2025,{padding}n/a\n"),
    )
    .expect("written");
    let out = deal(&[
        "eval",
        &dir.path().join("deals").display().to_string(),
        "--series",
        &long_form.display().to_string(),
    ]);
    let stderr = exits(&out, 1);
    assert!(
        stderr.contains("not a number") && stderr.len() < 4_000,
        "{stderr}"
    );
}

/// A cell quoted in a message is clipped: a megabyte cell is not echoed.
#[test]
fn a_long_cell_is_clipped_in_the_message() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let series = dir.path().join("s.csv");
    let cell = format!("SECRET{}", "x".repeat(100_000));
    std::fs::write(&series, format!("period,revenue\n2025,{cell}\n")).expect("written");
    for format in ["human", "json"] {
        let out = deal(&[
            "eval",
            "examples/openai-microsoft.deal",
            "--series",
            &series.display().to_string(),
            "--diagnostic-format",
            format,
        ]);
        let stderr = exits(&out, 1);
        assert!(
            stderr.contains("SECRET") && stderr.contains('…'),
            "{stderr}"
        );
        assert!(stderr.len() < 2_000, "{format}: {} bytes", stderr.len());
    }
}

/// Item 10: `-o` naming one of the inputs replaced the agreement with its
/// statement. Refused, by identity: the same name, another path to it, a
/// link to it.
#[test]
fn an_output_over_an_input_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let deal_path = dir.path().join("x.deal");
    let series = dir.path().join("s.csv");
    std::fs::write(&deal_path, SEED).expect("written");
    std::fs::write(&series, SERIES).expect("written");
    let (deal_arg, series_arg) = (
        deal_path.display().to_string(),
        series.display().to_string(),
    );
    let twisted = dir.path().join(".").join("x.deal").display().to_string();
    let mut outputs = vec![deal_arg.clone(), series_arg.clone(), twisted];
    #[cfg(unix)]
    {
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&deal_path, &link).expect("a link");
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(&series, &hard).expect("a hard link");
        outputs.push(link.display().to_string());
        outputs.push(hard.display().to_string());
    }
    for output in &outputs {
        let out = deal(&["eval", &deal_arg, "--series", &series_arg, "-o", output]);
        let stderr = exits(&out, 2);
        assert!(stderr.contains("is the input"), "{output}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(&deal_path).expect("kept"), SEED);
    assert_eq!(std::fs::read_to_string(&series).expect("kept"), SERIES);

    // A portfolio: the output is one of the agreements of the directory.
    let deals = dir.path().join("deals");
    std::fs::create_dir(&deals).expect("a directory");
    std::fs::write(deals.join("a.deal"), SEED).expect("written");
    let long_form = dir.path().join("long.csv");
    std::fs::write(&long_form, "deal,period,revenue\na,2025,100\n").expect("written");
    let target = deals.join("a.deal").display().to_string();
    let out = deal(&[
        "eval",
        &deals.display().to_string(),
        "--series",
        &long_form.display().to_string(),
        "-o",
        &target,
    ]);
    assert!(exits(&out, 2).contains("is the input"));
    assert_eq!(std::fs::read_to_string(&target).expect("kept"), SEED);
}

/// Item 10: `-o` through a dangling symbolic link writes the file it names
/// and keeps the link, as the docs say.
#[cfg(unix)]
#[test]
fn an_output_through_a_dangling_link_keeps_the_link() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let link = dir.path().join("statement.csv");
    std::os::unix::fs::symlink("out/real.csv", &link).expect("a link");
    std::fs::create_dir(dir.path().join("out")).expect("a directory");
    let out = deal(&[
        "eval",
        "examples/openai-microsoft.deal",
        "-f",
        "csv",
        "-o",
        &link.display().to_string(),
    ]);
    exits(&out, 0);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("there")
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(dir.path().join("out/real.csv")).expect("written");
    assert!(written.contains("Microsoft"));
}

/// Item 13: an interrupted run left its `.tmpXXXXXX` twin beside the
/// output. A run stopped by SIGTERM or SIGINT while it writes removes it.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    for signal in ["TERM", "INT"] {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let deals = dir.path().join("deals");
        std::fs::create_dir(&deals).expect("a directory");
        std::fs::write(deals.join("a.deal"), SEED).expect("written");
        let output = dir.path().join("out.csv");
        let mut child = Command::new(env!("CARGO_BIN_EXE_deal"))
            .args(["eval", &deals.display().to_string(), "--series", "-", "-o"])
            .arg(&output)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // The series goes on and on: the run waits for more, its twin open.
        // (It is read 64 KiB at a time.)
        let mut series = String::from("deal,period,revenue\n");
        for year in 1000..9000 {
            series.push_str(&format!("a,{year},100\n"));
        }
        stdin.write_all(series.as_bytes()).expect("written");
        let twins = || {
            std::fs::read_dir(dir.path())
                .expect("listed")
                .filter_map(Result::ok)
                .filter(|entry| entry.file_name().to_string_lossy().starts_with(".tmp"))
                .count()
        };
        let started = std::time::Instant::now();
        while twins() == 0 && started.elapsed() < std::time::Duration::from_secs(20) {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(twins(), 1, "the run writes to a twin");
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let status = child.wait().expect("the run ends");
        drop(stdin);
        assert_eq!(status.code(), Some(130), "{signal}");
        assert_eq!(twins(), 0, "{signal}: a twin is left behind");
        assert!(!output.exists(), "{signal}: no output is written");
    }
}

/// Item 14: `deal eval - --series -` said "the series has no periods".
#[test]
fn standard_input_is_read_once() {
    for args in [
        vec!["eval", "-", "--series", "-"],
        vec!["diff", "-", "-"],
        vec![
            "diff",
            "-",
            "examples/openai-microsoft.deal",
            "--series",
            "-",
        ],
        vec!["check", "-", "-"],
        vec!["fmt", "-", "-"],
        vec!["test", "-", "-"],
    ] {
        let stderr = exits(&deal(&args), 2);
        assert!(
            stderr.contains("standard input (`-`) can be read only once"),
            "{args:?}: {stderr}"
        );
    }
}

/// `deal check *.deal | head -1`: a closed standard output (or error) made
/// `deal` panic (exit 101).
#[test]
fn a_closed_output_pipe_is_no_panic() {
    use std::process::{Command, Stdio};
    let files: Vec<String> = std::fs::read_dir("examples")
        .expect("examples")
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".deal"))
        .collect();
    for command in ["check", "test"] {
        for closed in ["stdout", "stderr"] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_deal"));
            child.arg(command).args(&files).args(&files);
            if closed == "stdout" {
                child.stdout(Stdio::piped()).stderr(Stdio::null());
            } else {
                child.stdout(Stdio::null()).stderr(Stdio::piped());
                child.arg("nonexistent.deal");
            }
            let mut child = child.spawn().expect("the binary runs");
            // The reader goes away at once, as `head -0` does.
            drop(child.stdout.take());
            drop(child.stderr.take());
            let status = child.wait().expect("the run ends");
            assert_ne!(
                status.code(),
                Some(101),
                "{command} with {closed} closed panicked"
            );
        }
    }
}

/// The review of issue 13: an input on standard input was not compared
/// (`deal eval - --series s.csv -o y.deal < y.deal` replaced the agreement).
#[cfg(unix)]
#[test]
fn an_output_over_standard_input_is_refused() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("a temporary directory");
    let deal_path = dir.path().join("y.deal");
    let series = dir.path().join("s.csv");
    std::fs::write(&deal_path, SEED).expect("written");
    std::fs::write(&series, SERIES).expect("written");
    let run = |args: &[&str], stdin: &Path| {
        Command::new(env!("CARGO_BIN_EXE_deal"))
            .args(args)
            .stdin(Stdio::from(std::fs::File::open(stdin).expect("opens")))
            .output()
            .expect("the binary runs")
    };
    let (d, s) = (
        deal_path.display().to_string(),
        series.display().to_string(),
    );
    let out = run(&["eval", "-", "--series", &s, "-o", &d], &deal_path);
    assert!(exits(&out, 2).contains("is the input"));
    let out = run(&["eval", &d, "--series", "-", "-o", &s], &series);
    assert!(exits(&out, 2).contains("is the input"));
    assert_eq!(std::fs::read_to_string(&deal_path).expect("kept"), SEED);
    assert_eq!(std::fs::read_to_string(&series).expect("kept"), SERIES);
}

/// The review of issue 13: with lone carriage returns for line ends, a
/// problem's excerpt drew the lines as one, and `deal fmt --diff` drew the
/// old lines over each other.
#[test]
fn lone_carriage_returns_are_shown_as_line_breaks() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("cr.deal");
    std::fs::write(
        &path,
        "agreement \"X\" {\r  parties A, B\r  payer C\r  r: share 20%  of revenue to B\r}\r",
    )
    .expect("written");
    let file = path.display().to_string();
    let stderr = exits(&deal(&["check", &file]), 1);
    assert!(stderr.contains(" 3 │   payer C\n"), "{stderr}");
    let out = deal(&["fmt", "--diff", &file]);
    let diff = text(&out.stdout);
    assert!(!diff.contains('\r'), "{diff:?}");
    assert!(
        diff.contains("-  r: share 20%  of revenue to B\n"),
        "{diff}"
    );
}

/// The review of issue 13: `-o` into a missing directory named the
/// temporary file in its error.
#[test]
fn an_output_into_a_missing_directory_names_no_temporary_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let output = dir.path().join("missing/out.csv").display().to_string();
    let stderr = exits(
        &deal(&["eval", "examples/openai-microsoft.deal", "-o", &output]),
        2,
    );
    assert!(stderr.contains("cannot create a file in"), "{stderr}");
    assert!(!stderr.contains("missing/.tmp"), "{stderr}");
}
