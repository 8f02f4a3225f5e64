//! `deal completions SHELL`: shell completion, by clap_complete's dynamic
//! engine. The script a shell sources calls `deal` back at each Tab
//! (`DEAL_COMPLETE=bash deal -- deal eval ...`), and `deal` answers from
//! its own command line definition: subcommands, flags, their values, and
//! values only `deal` can know: `.deal` files where an agreement goes,
//! series files after `--series`, the event names of the agreement already
//! on the command line after `--event`, the bundled examples after `--from`.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate, PathCompleter};
use clap_complete::env::{CompleteEnv, Shells};

use super::Status;
use crate::cli::{Cli, Shell};

/// The variable that turns a run of `deal` into a completion request.
const VARIABLE: &str = "DEAL_COMPLETE";

/// Answers a completion request, if this run is one, and exits; else
/// returns at once. Called first thing in `main`.
pub fn answer_if_asked() {
    CompleteEnv::with_factory(Cli::command)
        .var(VARIABLE)
        .complete();
}

/// `deal completions SHELL`: the script to source.
pub fn completions(shell: Shell) -> Status {
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(shell.name()) else {
        tell!("deal: no completion for {}", shell.name());
        return Status::Failed;
    };
    let program = program();
    let mut script = Vec::new();
    if let Err(error) =
        completer.write_registration(VARIABLE, "deal", "deal", &program, &mut script)
    {
        tell!("deal: {error}");
        return Status::Failed;
    }
    if !script.ends_with(b"\n") {
        script.push(b'\n');
    }
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&script).and_then(|()| stdout.flush()) {
        Ok(()) => Status::Ok,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Status::Ok,
        Err(error) => {
            tell!("deal: cannot write the script: {error}");
            Status::Failed
        }
    }
}

/// The program the script calls back: `deal` when it was run from `PATH`
/// (found again there after an upgrade), else the path it was run by, made
/// absolute but with its links kept (a versioned install's link stays
/// valid). A path with white space, which the scripts cannot quote, falls
/// back to `deal`.
fn program() -> String {
    let Some(invoked) = std::env::args_os().next() else {
        return "deal".into();
    };
    let invoked = PathBuf::from(invoked);
    if invoked.components().count() <= 1 {
        return invoked.to_string_lossy().into_owned();
    }
    std::path::absolute(&invoked)
        .ok()
        .and_then(|path| path.to_str().map(str::to_string))
        .filter(|path| !path.contains(char::is_whitespace))
        .unwrap_or_else(|| "deal".into())
}

/// Where an agreement goes: `.deal` files, and directories to reach them.
pub fn agreements() -> ArgValueCompleter {
    ArgValueCompleter::new(PathCompleter::any().filter(|path| has_extension(path, &["deal"])))
}

/// Where a series (or a reported statement) goes: CSV and workbooks.
pub fn series() -> ArgValueCompleter {
    ArgValueCompleter::new(
        PathCompleter::any()
            .filter(|path| has_extension(path, &["csv", "xlsx", "xlsm", "xls", "ods"])),
    )
}

/// Where a chart goes: `.svg` and `.png` files.
pub fn charts() -> ArgValueCompleter {
    ArgValueCompleter::new(PathCompleter::any().filter(|path| has_extension(path, &["svg", "png"])))
}

/// Any file.
pub fn files() -> ArgValueCompleter {
    ArgValueCompleter::new(PathCompleter::any())
}

/// `--event NAME=DATE`: the events the agreements on the command line
/// declare, each as `NAME=`, the date left to type.
pub fn events() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| -> Vec<CompletionCandidate> {
        let typed = current.to_string_lossy();
        // The words after `--` are the command line being completed: the
        // program and the subcommand are no agreements.
        let words = std::env::args_os()
            .skip_while(|word| word != "--")
            .skip(3)
            .map(|word| PathBuf::from(unescaped(&word.to_string_lossy())));
        event_names(words)
            .into_iter()
            .map(|name| format!("{name}="))
            .filter(|candidate| candidate.starts_with(typed.as_ref()))
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// `deal new --from EXAMPLE`: the bundled examples.
pub fn examples() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| -> Vec<CompletionCandidate> {
        let typed = current.to_string_lossy();
        super::new::EXAMPLES
            .iter()
            .map(|(name, _, _)| *name)
            .filter(|name| name.starts_with(typed.as_ref()))
            .map(CompletionCandidate::new)
            .collect()
    })
}

/// The most agreements read for their events: a directory of a portfolio
/// may hold thousands, and a Tab must answer at once.
const MAX_READ: usize = 64;

/// The events declared by the agreements among `words` (the command line
/// being completed: `.deal` files, and the `.deal` files of directories),
/// each name once, in order. An agreement that does not parse gives none.
fn event_names(words: impl Iterator<Item = PathBuf>) -> Vec<String> {
    // Files named first, then those of directories: a portfolio's
    // directory must not crowd out an agreement named beside it.
    let mut files: Vec<PathBuf> = Vec::new();
    let mut directories: Vec<PathBuf> = Vec::new();
    for word in words {
        if has_extension(&word, &["deal"]) && word.is_file() {
            files.push(word);
        } else if word.is_dir() {
            directories.push(word);
        }
    }
    for word in directories {
        let mut inside: Vec<PathBuf> = std::fs::read_dir(&word)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_file() && has_extension(path, &["deal"]))
            .collect();
        inside.sort();
        files.extend(inside);
    }
    let mut names: Vec<String> = Vec::new();
    for file in files.iter().take(MAX_READ) {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Ok(parsed) = dealterms::syntax::parse(&text) else {
            continue;
        };
        for item in &parsed.agreement.items {
            if let dealterms::syntax::ast::ItemKind::Event { name, .. } = &item.kind
                && !names.contains(&name.value)
            {
                names.push(name.value.clone());
            }
        }
    }
    names
}

/// A word as the shell wrote it, its escapes and quotes taken off:
/// `my\ deal.deal`, `"my deal.deal"`, `'my deal.deal'`.
fn unescaped(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut quote: Option<char> = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\\', Some('\'')) => out.push(c),
            ('\\', _) => out.extend(chars.next()),
            ('\'' | '"', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            (c, _) => out.push(c),
        }
    }
    out
}

/// Whether `path` is a directory (to go into) or has one of `extensions`.
fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.is_dir()
        || path
            .extension()
            .and_then(OsStr::to_str)
            .is_some_and(|extension| {
                extensions
                    .iter()
                    .any(|wanted| extension.eq_ignore_ascii_case(wanted))
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_lose_their_escapes_and_quotes() {
        assert_eq!(unescaped(r"my\ deal.deal"), "my deal.deal");
        assert_eq!(unescaped("\"my deal.deal\""), "my deal.deal");
        assert_eq!(unescaped("'a\\b'"), "a\\b");
        assert_eq!(unescaped("plain.deal"), "plain.deal");
    }

    #[test]
    fn events_come_from_the_agreements_on_the_line() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let words = [
            "deal",
            "eval",
            "tests/acceptance/v06-window-and-event/agreement.deal",
        ]
        .map(|word| root.join(word));
        assert_eq!(event_names(words.into_iter()), vec!["change_of_control"]);
        assert!(event_names([root.join("examples/openai-microsoft.deal")].into_iter()).is_empty());
    }
}
