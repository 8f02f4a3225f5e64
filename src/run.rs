//! One function per subcommand: the only place that reads files, writes
//! output and chooses exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dealterms::diagnostics::{self, Style};
use dealterms::{Problem, source};

use crate::cli::{Cli, Color, Command, DiagnosticFormat};

/// The outcome of a command, most serious last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    /// Everything valid.
    Ok,
    /// A deal or its data is wrong.
    Invalid,
    /// Usage or I/O error.
    Failed,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(match status {
            Status::Ok => 0,
            Status::Invalid => 1,
            Status::Failed => 2,
        })
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let style = diagnostic_style(&cli);
    let status = match cli.command {
        Command::Check { files, quiet } => check(&files, quiet, style),
    };
    status.into()
}

fn diagnostic_style(cli: &Cli) -> Style {
    match cli.diagnostic_format {
        DiagnosticFormat::Json => Style::Json,
        DiagnosticFormat::Human => {
            let color = match cli.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let width = terminal_width();
            Style::Human { color, width }
        }
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .unwrap_or(100)
}

/// `deal check FILE...`
fn check(files: &[PathBuf], quiet: bool, style: Style) -> Status {
    let mut worst = Status::Ok;
    for path in files {
        let status = match load(path) {
            Err(status) => status,
            Ok(Loaded::Problem(name, problem, shown)) => {
                show_problems(&[problem], &name, &shown, style);
                Status::Invalid
            }
            Ok(Loaded::Text(name, text)) => match dealterms::compile(&text) {
                Ok((agreement, warnings)) => {
                    show_problems(&warnings, &name, &text, style);
                    if !quiet && style != Style::Json {
                        let clauses = agreement.clauses.len();
                        let parties = agreement.parties.len();
                        println!(
                            "{name}: ok: \"{}\", {parties} {}, {clauses} {}{}",
                            agreement.name,
                            plural(parties, "party", "parties"),
                            plural(clauses, "clause", "clauses"),
                            match warnings.len() {
                                0 => String::new(),
                                n => format!(", {n} {}", plural(n, "warning", "warnings")),
                            }
                        );
                    }
                    Status::Ok
                }
                Err(problems) => {
                    show_problems(&problems, &name, &text, style);
                    Status::Invalid
                }
            },
        };
        worst = worst.max(status);
    }
    worst
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// A file read from disk or standard input.
enum Loaded {
    /// Its display name and text.
    Text(String, String),
    /// Its display name, why it cannot be parsed, and a lossy text to show.
    Problem(String, Problem, String),
}

/// Reads an agreement file (`-` for standard input). I/O errors are reported
/// here and come back as [`Status::Failed`].
fn load(path: &Path) -> Result<Loaded, Status> {
    let name = display_name(path);
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
    } else {
        std::fs::read(path)
    };
    let bytes = bytes.map_err(|error| {
        eprintln!("deal: cannot read `{name}`: {error}");
        Status::Failed
    })?;
    Ok(match source::decode(bytes) {
        Ok(text) => Loaded::Text(name, text),
        Err((problem, shown)) => Loaded::Problem(name, problem, shown),
    })
}

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

fn show_problems(problems: &[Problem], name: &str, text: &str, style: Style) {
    if problems.is_empty() {
        return;
    }
    let rendered = diagnostics::render(problems, name, text, style);
    let mut stderr = std::io::stderr().lock();
    // A closed stderr leaves nothing better to do than carry on.
    let _ = stderr.write_all(rendered.as_bytes());
}
