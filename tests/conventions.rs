//! The conventions of a command-line tool: shell completions that load and
//! complete in bash, zsh and fish; manual pages current with the CLI;
//! progress never on a pipe; `deal new`; `deal --version`.

mod common;

use std::path::Path;
use std::process::Command;

use common::{deal, exits, text};

/// Whether `program` is installed (on `PATH`); CI, which installs the
/// shells, sets `DEAL_REQUIRE_SHELLS` so that a missing one fails rather
/// than skips. (Looked up, not run: `script` run bare writes a log file.)
fn have(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if !found {
        assert!(
            std::env::var_os("DEAL_REQUIRE_SHELLS").is_none(),
            "{program} is not installed, and DEAL_REQUIRE_SHELLS is set"
        );
        eprintln!("skipped: {program} is not installed");
    }
    found
}

/// `script` run in `dir` by `shell -c`, with the binary as `$DEAL`.
fn run_shell(shell: &str, dir: &Path, script: &str) -> String {
    let out = Command::new(shell)
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("DEAL", env!("CARGO_BIN_EXE_deal"))
        .output()
        .expect("the shell runs");
    assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// A directory with an agreement that declares an event, and a series.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::copy(
        "tests/acceptance/v06-window-and-event/agreement.deal",
        dir.path().join("partner.deal"),
    )
    .expect("the agreement");
    std::fs::copy(
        "tests/acceptance/v06-window-and-event/series.csv",
        dir.path().join("sales.csv"),
    )
    .expect("the series");
    dir
}

#[test]
fn every_shell_gets_a_script_calling_deal_back() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = deal(&["completions", shell]);
        exits(&out, 0);
        let script = text(&out.stdout);
        assert!(script.contains("DEAL_COMPLETE"), "{shell}: {script}");
        assert!(script.contains(env!("CARGO_BIN_EXE_deal")), "{shell}");
        assert!(script.ends_with('\n'));
    }
    let out = deal(&["completions", "tcsh"]);
    assert!(exits(&out, 2).contains("possible values: bash, zsh, fish, powershell, elvish"));
}

#[test]
fn bash_completes_subcommands_flags_files_and_events() {
    if !have("bash") {
        return;
    }
    let dir = workspace();
    let out = run_shell(
        "bash",
        dir.path(),
        r#"source <("$DEAL" completions bash)
        complete_line() {
          COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
          COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
          _clap_complete_deal deal "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
          echo "${COMPREPLY[*]}"
        }
        complete_line deal ev
        complete_line deal eval --ser
        complete_line deal eval par
        complete_line deal eval partner.deal --series sa
        complete_line deal eval partner.deal --event ch"#,
    );
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "eval",
            "--series",
            "partner.deal",
            "sales.csv",
            "change_of_control="
        ]
    );
}

#[test]
fn fish_completes_subcommands_flags_and_events() {
    if !have("fish") {
        return;
    }
    let dir = workspace();
    let out = run_shell(
        "fish",
        dir.path(),
        r#""$DEAL" completions fish | source
        complete -C 'deal ev'
        complete -C 'deal test --qu'
        complete -C 'deal test partner.deal --event chan'"#,
    );
    let first_words: Vec<&str> = out
        .lines()
        .map(|line| line.split('\t').next().unwrap_or_default())
        .collect();
    assert_eq!(first_words, ["eval", "--quiet", "change_of_control="]);
}

#[test]
fn zsh_loads_the_script_and_completes_through_it() {
    if !have("zsh") {
        return;
    }
    let dir = workspace();
    // The completion system proper needs a terminal; its `_describe` is
    // replaced by one that prints what it would offer.
    let out = run_shell(
        "zsh",
        dir.path(),
        r#"autoload -U compinit && compinit -u -d "$PWD/.zcompdump"
        source <("$DEAL" completions zsh)
        _describe() { local name=$3; print -l -- "${(@P)name}"; }
        words=(deal ev); CURRENT=2; _clap_dynamic_completer_deal
        words=(deal eval --seri); CURRENT=3; _clap_dynamic_completer_deal
        words=(deal eval partner.deal --event ch); CURRENT=5; _clap_dynamic_completer_deal"#,
    );
    let first_words: Vec<&str> = out
        .lines()
        .map(|line| line.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(first_words, ["eval", "--series", "change_of_control="]);
}

/// The manual pages in docs/man are what `deal manpages` writes now: a
/// change to the command line without them fails here. `DEAL_WRITE_MAN=1
/// cargo test --test conventions` writes them anew.
#[test]
fn the_manual_pages_are_current() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = deal(&["manpages", &dir.path().display().to_string()]);
    exits(&out, 0);
    let written = |path: &Path| -> Vec<(String, String)> {
        let mut pages: Vec<(String, String)> = std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .map(|entry| entry.expect("a page").path())
                    .map(|page| {
                        let name = page
                            .file_name()
                            .expect("a name")
                            .to_string_lossy()
                            .into_owned();
                        (name, std::fs::read_to_string(&page).expect("a page's text"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        pages.sort();
        pages
    };
    let fresh = written(dir.path());
    assert!(fresh.iter().any(|(name, _)| name == "deal.1"));
    for sub in [
        "check",
        "eval",
        "fmt",
        "diff",
        "reconcile",
        "serve",
        "lsp",
        "git-setup",
        "test",
        "new",
        "completions",
        "manpages",
    ] {
        assert!(
            fresh
                .iter()
                .any(|(name, _)| *name == format!("deal-{sub}.1")),
            "deal-{sub}.1"
        );
    }
    let eval = &fresh
        .iter()
        .find(|(name, _)| name == "deal-eval.1")
        .expect("deal-eval.1")
        .1;
    assert!(
        eval.contains("\\-\\-series") && eval.contains("\\-\\-diagnostic\\-format"),
        "{eval}"
    );
    let checked_in = Path::new("docs/man");
    if std::env::var_os("DEAL_WRITE_MAN").is_some() {
        let _ = std::fs::remove_dir_all(checked_in);
        std::fs::create_dir_all(checked_in).expect("docs/man");
        for (name, page) in &fresh {
            std::fs::write(checked_in.join(name), page).expect("a page written");
        }
    }
    assert!(
        written(checked_in) == fresh,
        "docs/man is not what `deal manpages` writes: run `DEAL_WRITE_MAN=1 cargo test --test conventions`"
    );
}

#[test]
fn a_new_agreement_checks_and_tests_clean() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let name = dir.path().join("acme-licence");
    let name = name.to_string_lossy();
    let out = deal(&["new", &name]);
    exits(&out, 0);
    assert!(text(&out.stdout).starts_with("created "));
    let file = format!("{name}.deal");
    exits(&deal(&["check", &file]), 0);
    assert!(text(&deal(&["test", &file]).stdout).contains("1 expectation passed"));
    assert!(text(&deal(&["eval", &file]).stdout).contains("royalty: cap of 100,000 reached"));
    // Nothing is written over an existing file.
    let before = std::fs::read_to_string(&file).expect("the agreement");
    let again = deal(&["new", &name]);
    assert!(exits(&again, 2).contains("exists already"));
    assert_eq!(
        std::fs::read_to_string(&file).expect("the agreement"),
        before
    );
    // A name with `.deal` is the same name.
    let other = dir.path().join("other.deal");
    exits(&deal(&["new", &other.to_string_lossy()]), 0);
    assert!(dir.path().join("other.csv").is_file());
}

#[test]
fn every_bundled_example_starts_a_new_agreement() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for example in common::examples() {
        let stem = example
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        let name = dir.path().join(format!("my-{stem}"));
        exits(&deal(&["new", &name.to_string_lossy(), "--from", &stem]), 0);
        let file = format!("{}.deal", name.display());
        exits(&deal(&["test", &file]), 0);
    }
    let out = deal(&[
        "new",
        &dir.path().join("x").to_string_lossy(),
        "--from",
        "openai-microsft",
    ]);
    assert!(exits(&out, 2).contains("did you mean `openai-microsoft`?"));
    assert!(!dir.path().join("x.deal").exists() && !dir.path().join("x.csv").exists());
}

#[test]
fn the_version_names_the_commit() {
    let out = deal(&["--version"]);
    let version = text(&out.stdout);
    assert!(
        version.starts_with(&format!("deal {} (", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    let commit = version
        .trim()
        .trim_end_matches(')')
        .rsplit('(')
        .next()
        .unwrap_or_default();
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{commit}"
    );
}

/// `deal ARGS` on a pseudo-terminal (`script`), its progress shown from
/// the first item: whether it succeeded, and what the terminal showed.
fn on_terminal(args: &str) -> (bool, String) {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_deal"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("DEAL_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("script runs");
    (out.status.success(), text(&out.stdout))
}

/// A portfolio of `deals` agreements over 24 months, in `dir`.
fn portfolio(dir: &Path, deals: usize) -> (String, String) {
    let folder = dir.join("deals");
    std::fs::create_dir(&folder).expect("deals/");
    let mut series = String::from("deal,period,revenue\n");
    for index in 0..deals {
        std::fs::write(
            folder.join(format!("d{index}.deal")),
            "agreement \"d\" {\n  parties A, B\n  payer A\n  share 10% of revenue to B cap 1M\n}\n",
        )
        .expect("a deal");
        for month in 0..24 {
            series.push_str(&format!(
                "d{index},{}-{:02},{}\n",
                2025 + month / 12,
                month % 12 + 1,
                1000 + month
            ));
        }
    }
    std::fs::write(dir.join("sales.csv"), series).expect("the series");
    (
        folder.display().to_string(),
        dir.join("sales.csv").display().to_string(),
    )
}

#[test]
fn progress_never_shows_on_a_pipe() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (deals, series) = portfolio(dir.path(), 50);
    let out_file = dir.path().join("out.csv").display().to_string();
    // Shown at once if it were shown at all.
    let out = Command::new(env!("CARGO_BIN_EXE_deal"))
        .args([
            "eval", &deals, "--series", &series, "-f", "csv", "-o", &out_file,
        ])
        .env("DEAL_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("the binary runs");
    assert_eq!(exits(&out, 0), "");
    let test = Command::new(env!("CARGO_BIN_EXE_deal"))
        .args([
            "test",
            "examples/openai-microsoft.deal",
            "examples/google-play.deal",
        ])
        .env("DEAL_PROGRESS_AFTER_MS", "0")
        .output()
        .expect("the binary runs");
    assert_eq!(exits(&test, 0), "");
}

/// On a terminal (a pseudo-terminal from `script`), the portfolio's
/// progress shows, and `--quiet` and JSON turn it off.
#[test]
fn progress_shows_on_a_terminal_unless_quiet() {
    if !have("script") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (deals, series) = portfolio(dir.path(), 50);
    let out_file = dir.path().join("out.csv").display().to_string();
    let on_terminal = |extra: &str| {
        let (succeeded, shown) = on_terminal(&format!(
            "eval {deals} --series {series} -f csv -o {out_file} {extra}"
        ));
        assert!(succeeded, "{shown}");
        shown
    };
    let shown = on_terminal("");
    assert!(shown.contains("/50 deals"), "{shown:?}");
    assert!(shown.contains("rows/s"), "{shown:?}");
    assert_eq!(on_terminal("--quiet"), "");
    assert_eq!(on_terminal("--diagnostic-format json"), "");
}

/// `deal test` over files and `deal diff` with a series show their
/// progress on a terminal too: files done, the step under way.
#[test]
fn test_and_diff_show_progress_on_a_terminal() {
    if !have("script") {
        return;
    }
    let on_terminal = |args: &str| {
        let (succeeded, shown) = on_terminal(args);
        assert!(succeeded, "{shown}");
        shown
    };
    let tested = on_terminal("test examples/openai-microsoft.deal examples/google-play.deal");
    assert!(tested.contains("/2 files"), "{tested:?}");
    assert!(tested.contains("2 expectations passed"), "{tested:?}");
    let diffed = on_terminal(
        "diff examples/openai-microsoft.deal examples/openai-microsoft.deal --series examples/openai-microsoft.csv",
    );
    assert!(diffed.contains("evaluating the new version"), "{diffed:?}");
    assert!(diffed.contains("/4 steps"), "{diffed:?}");
}

/// A name that would break the agreement's quoted strings, or that names
/// a directory, is refused before anything is written.
#[test]
fn a_new_agreement_needs_a_name_that_fits_between_quotes() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, says) in [
        ("acme \"x\"", "cannot hold a quote"),
        ("acme\nx", "cannot hold the character U+000A"),
        ("acme\u{2028}x", "cannot hold the character U+2028"),
    ] {
        let path = dir.path().join(name);
        let out = deal(&["new", &path.to_string_lossy()]);
        assert!(exits(&out, 2).contains(says), "{name:?}");
    }
    let folder = format!("{}/", dir.path().display());
    assert!(exits(&deal(&["new", &folder]), 2).contains("names a directory"));
    assert_eq!(
        std::fs::read_dir(dir.path())
            .expect("the directory")
            .count(),
        0
    );
}

/// On a terminal, the bar never shows over a statement streaming to that
/// same terminal, and a message clears the bar rather than joining its line.
#[test]
fn progress_keeps_out_of_the_way_of_output_and_messages() {
    if !have("script") {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (deals, series) = portfolio(dir.path(), 50);
    let on_terminal = |args: &str| on_terminal(args).1;
    let streamed = on_terminal(&format!("eval {deals} --series {series} -f csv"));
    assert!(
        streamed.contains("deal,period,clause") && !streamed.contains("/50 deals"),
        "{streamed:?}"
    );
    let refused = on_terminal(
        "diff examples/openai-microsoft.deal examples/openai-microsoft.deal --series examples/openai-microsoft.csv --event nosuch=2027-01-01",
    );
    assert!(refused.contains("deal: --event nosuch"), "{refused:?}");
    assert!(!refused.contains("leftdeal:"), "{refused:?}");
}
