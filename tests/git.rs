//! Git integration end to end, in a temporary repository: `deal git-setup`,
//! then `git diff` through `deal fmt` with hunk headers naming the clause,
//! and `git difftool -t deal` showing the money.

use std::path::Path;
use std::process::{Command, Output};

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn git(dir: &Path, args: &[&str]) -> String {
    String::from_utf8_lossy(&run(dir, "git", args).stdout).into_owned()
}

const LONG_CLAUSE: &str = "agreement \"Character licence\" {
  parties Owner, Toyworks
  payer Toyworks

  royalty: share 8% of net_sales to Owner
    minimum 120M per year
    cap 900M per year
    above 1M
    floor 1K per quarter
    from 2026-01-01
    until 2029-01-01
}
";

#[test]
fn git_diff_and_difftool_show_deal_changes() {
    let repo = tempfile::tempdir().expect("a temporary directory");
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "analyst@example.com"]);
    git(dir, &["config", "user.name", "Analyst"]);
    std::fs::create_dir(dir.join("deals")).expect("deals/");
    std::fs::copy(
        "examples/openai-microsoft.deal",
        dir.join("deals/openai-microsoft.deal"),
    )
    .expect("deal");
    std::fs::copy(
        "examples/openai-microsoft.csv",
        dir.join("deals/openai-microsoft.csv"),
    )
    .expect("series");
    std::fs::write(dir.join("deals/licence.deal"), LONG_CLAUSE).expect("licence");

    let setup = run(dir, env!("CARGO_BIN_EXE_deal"), &["git-setup"]);
    let said = String::from_utf8_lossy(&setup.stdout);
    assert!(said.contains("added `*.deal diff=deal`"), "{said}");
    assert!(said.contains("git config diff.deal.textconv"), "{said}");
    assert!(
        std::fs::read_to_string(dir.join(".gitattributes"))
            .expect("written")
            .contains("*.deal diff=deal")
    );
    // Running it again changes nothing.
    let again = run(dir, env!("CARGO_BIN_EXE_deal"), &["git-setup"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already has"));

    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "deals"]);

    let seed = std::fs::read_to_string(dir.join("deals/openai-microsoft.deal")).expect("seed");
    // The new version is written carelessly: textconv shows it formatted.
    let raised = seed.replace(
        "share 20% of revenue to Microsoft cap 38B",
        "share   20% of revenue to Microsoft   cap 50B",
    );
    std::fs::write(dir.join("deals/openai-microsoft.deal"), raised).expect("raised");
    let licence = LONG_CLAUSE.replace("until 2029-01-01", "until 2030-01-01");
    std::fs::write(dir.join("deals/licence.deal"), licence).expect("extended");

    let diff = git(dir, &["diff"]);
    assert!(
        diff.contains("-  revenue-share: share 20% of revenue to Microsoft cap 38B"),
        "{diff}"
    );
    assert!(
        diff.contains("+  revenue-share: share 20% of revenue to Microsoft cap 50B"),
        "{diff}"
    );
    assert!(
        diff.contains("@@ royalty: share 8% of net_sales to Owner"),
        "hunk header names the clause:\n{diff}"
    );

    let money = git(
        dir,
        &[
            "difftool",
            "-y",
            "-t",
            "deal",
            "--",
            "deals/openai-microsoft.deal",
        ],
    );
    assert!(money.contains("cap 38B -> 50B"), "{money}");
    assert!(money.contains("12,000,000,000.00"), "{money}");
    assert!(money.contains("first difference: 2030"), "{money}");

    // And `deal diff` reads the old version straight from git.
    let from_git = run(
        dir,
        env!("CARGO_BIN_EXE_deal"),
        &[
            "diff",
            "HEAD:deals/openai-microsoft.deal",
            "deals/openai-microsoft.deal",
        ],
    );
    let from_git = String::from_utf8_lossy(&from_git.stdout);
    assert!(
        from_git.contains("cap 38B -> 50B") && from_git.contains("first difference: 2030"),
        "{from_git}"
    );
}

/// A file whose name starts with `-` is diffed as a file: the commands
/// `git-setup` stores put `--` before every path git passes them.
#[test]
fn a_file_named_like_an_option_diffs() {
    let repo = tempfile::tempdir().expect("a temporary directory");
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "analyst@example.com"]);
    git(dir, &["config", "user.name", "Analyst"]);
    run(dir, env!("CARGO_BIN_EXE_deal"), &["git-setup"]);
    let seed = std::fs::read_to_string("examples/openai-microsoft.deal").expect("seed");
    std::fs::write(dir.join("-x.deal"), &seed).expect("written");
    std::fs::copy(
        "examples/openai-microsoft.csv",
        dir.join("openai-microsoft.csv"),
    )
    .expect("series");
    git(dir, &["add", "--", "."]);
    git(dir, &["commit", "-q", "-m", "deal"]);
    let raised = seed.replace("cap 38B", "cap   50B");
    std::fs::write(dir.join("-x.deal"), raised).expect("raised");

    let diff = git(dir, &["diff", "--", "-x.deal"]);
    assert!(
        diff.contains("+  revenue-share: share 20% of revenue to Microsoft cap 50B"),
        "{diff}"
    );
    let money = git(dir, &["difftool", "-y", "-t", "deal", "--", "-x.deal"]);
    assert!(money.contains("cap 38B -> 50B"), "{money}");
}

/// A revision is read up to an agreement's limit and no further: a 17 MiB
/// file in git is refused as too large, as it is on disk.
#[test]
fn a_revision_over_the_limit_is_refused() {
    let repo = tempfile::tempdir().expect("a temporary directory");
    let dir = repo.path();
    git(dir, &["init", "-q"]);
    git(dir, &["config", "user.email", "analyst@example.com"]);
    git(dir, &["config", "user.name", "Analyst"]);
    std::fs::write(dir.join("big.deal"), vec![b' '; 17 << 20]).expect("written");
    git(dir, &["add", "big.deal"]);
    git(dir, &["commit", "-q", "-m", "big"]);
    let out = Command::new(env!("CARGO_BIN_EXE_deal"))
        .args(["diff", "HEAD:big.deal", "big.deal"])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("deal runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("deal::read::too_large"));
}
