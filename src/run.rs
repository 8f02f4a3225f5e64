//! One function per subcommand: the only place that reads files, writes
//! output and chooses exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dealterms::agreement::Agreement;
use dealterms::diagnostics::{self, Style};
use dealterms::eval::{self, Options};
use dealterms::report;
use dealterms::series::Series;
use dealterms::{Problem, source};
use jiff::civil::Date;

use crate::cli::{Cli, Color, Command, DiagnosticFormat, OutputFormat};

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
        Command::Eval {
            file,
            series,
            format,
            explain,
            events,
            output,
        } => eval(
            &file,
            series.as_deref(),
            format,
            explain,
            &events,
            output.as_deref(),
            style,
        ),
        Command::Fmt {
            files,
            check,
            diff,
            stdout,
        } => fmt(&files, FmtMode::from_flags(check, diff, stdout), style),
        Command::Test { files } => test(&files, style),
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

/// `deal eval FILE --series CSV`
fn eval(
    file: &Path,
    series_path: Option<&Path>,
    format: OutputFormat,
    explain: bool,
    events: &[(String, Date)],
    output: Option<&Path>,
    style: Style,
) -> Status {
    let run = || -> Result<(), Status> {
        let (name, text, agreement) = compiled(file, style)?;
        let options = event_options(&agreement, &name, events, explain)?;
        let series_path = match series_path {
            Some(path) => path.to_path_buf(),
            None => declared_series(file, &agreement).ok_or_else(|| {
                eprintln!(
                    "deal: no series for `{name}`: give `--series FILE`, or name one in the agreement (`series \"{}.csv\"`)",
                    file.file_stem().map_or("deal".into(), |s| s.to_string_lossy())
                );
                Status::Failed
            })?,
        };
        let series = read_series(&series_path, style)?;
        let statement = eval::evaluate(&agreement, &series, &options).map_err(|problem| {
            show_problems(&[problem], &name, &text, style);
            Status::Invalid
        })?;
        let rendered = match format {
            OutputFormat::Table => report::table::render(&statement, table_width(), explain),
            OutputFormat::Csv => report::csv::render(&statement, explain).map_err(|error| {
                eprintln!("deal: cannot write CSV: {error}");
                Status::Failed
            })?,
            OutputFormat::Json => report::json::render(&statement),
        };
        write_output(output, &rendered)
    };
    match run() {
        Ok(()) => Status::Ok,
        Err(status) => status,
    }
}

/// The series an agreement names, relative to the agreement's directory.
fn declared_series(file: &Path, agreement: &Agreement) -> Option<PathBuf> {
    let declared = agreement.series.as_ref()?;
    let base = if file == Path::new("-") {
        Path::new(".")
    } else {
        file.parent().unwrap_or(Path::new("."))
    };
    Some(base.join(&declared.path))
}

/// What `deal fmt` does with the formatted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FmtMode {
    /// Rewrite the file in place.
    Write,
    /// Show the diff and fail if there is one.
    Check,
    /// Show the diff.
    Diff,
    /// Print the formatted text.
    Stdout,
}

impl FmtMode {
    fn from_flags(check: bool, diff: bool, stdout: bool) -> Self {
        match (check, diff, stdout) {
            (true, _, _) => FmtMode::Check,
            (_, true, _) => FmtMode::Diff,
            (_, _, true) => FmtMode::Stdout,
            _ => FmtMode::Write,
        }
    }
}

/// `deal fmt FILE...`
fn fmt(files: &[PathBuf], mode: FmtMode, style: Style) -> Status {
    let mut worst = Status::Ok;
    for path in files {
        let status = fmt_one(path, mode, style).unwrap_or_else(|status| status);
        worst = worst.max(status);
    }
    worst
}

fn fmt_one(path: &Path, mode: FmtMode, style: Style) -> Result<Status, Status> {
    let (name, text) = match load(path)? {
        Loaded::Problem(name, problem, shown) => {
            show_problems(&[problem], &name, &shown, style);
            return Err(Status::Invalid);
        }
        Loaded::Text(name, text) => (name, text),
    };
    let formatted = dealterms::format_source(&text).map_err(|problems| {
        show_problems(&problems, &name, &text, style);
        Status::Invalid
    })?;
    let stdin = path == Path::new("-");
    match mode {
        FmtMode::Stdout => write_output(None, &formatted).map(|()| Status::Ok),
        FmtMode::Write if stdin => write_output(None, &formatted).map(|()| Status::Ok),
        FmtMode::Write if formatted == text => Ok(Status::Ok),
        FmtMode::Write => {
            write_output(Some(path), &formatted)?;
            eprintln!("deal: formatted `{name}`");
            Ok(Status::Ok)
        }
        FmtMode::Check | FmtMode::Diff if formatted == text => Ok(Status::Ok),
        FmtMode::Check | FmtMode::Diff => {
            let diff = similar::TextDiff::from_lines(&text, &formatted)
                .unified_diff()
                .context_radius(2)
                .header(&name, &format!("{name} (formatted)"))
                .to_string();
            write_output(None, &diff)?;
            Ok(if mode == FmtMode::Check {
                Status::Invalid
            } else {
                Status::Ok
            })
        }
    }
}

/// `deal test FILE...`
fn test(files: &[PathBuf], style: Style) -> Status {
    let mut worst = Status::Ok;
    for file in files {
        let status = test_one(file, style).unwrap_or_else(|status| status);
        worst = worst.max(status);
    }
    worst
}

fn test_one(file: &Path, style: Style) -> Result<Status, Status> {
    let (name, text, agreement) = compiled(file, style)?;
    if agreement.expectations.is_empty() {
        println!("{name}: no expectations to test");
        return Ok(Status::Ok);
    }
    let series_path = declared_series(file, &agreement).ok_or(Status::Invalid)?;
    let series = read_series(&series_path, style)?;
    let statement =
        eval::evaluate(&agreement, &series, &Options::default()).map_err(|problem| {
            show_problems(&[problem], &name, &text, style);
            Status::Invalid
        })?;
    let verdicts = dealterms::verify::verify(&agreement, &statement);
    let failures = dealterms::verify::failures(&agreement, &verdicts);
    show_problems(&failures, &name, &text, style);
    let total = verdicts.len();
    if failures.is_empty() {
        println!(
            "{name}: {total} {} passed",
            plural(total, "expectation", "expectations")
        );
        Ok(Status::Ok)
    } else {
        println!(
            "{name}: {} of {total} {} failed",
            failures.len(),
            plural(total, "expectation", "expectations")
        );
        Ok(Status::Invalid)
    }
}

/// Loads and checks an agreement, showing its warnings, or its problems as
/// the error.
fn compiled(path: &Path, style: Style) -> Result<(String, String, Agreement), Status> {
    match load(path)? {
        Loaded::Problem(name, problem, shown) => {
            show_problems(&[problem], &name, &shown, style);
            Err(Status::Invalid)
        }
        Loaded::Text(name, text) => match dealterms::compile(&text) {
            Ok((agreement, warnings)) => {
                show_problems(&warnings, &name, &text, style);
                Ok((name, text, agreement))
            }
            Err(problems) => {
                show_problems(&problems, &name, &text, style);
                Err(Status::Invalid)
            }
        },
    }
}

/// The `--event` dates, each naming an event the agreement declares.
fn event_options(
    agreement: &Agreement,
    name: &str,
    events: &[(String, Date)],
    explain: bool,
) -> Result<Options, Status> {
    let mut options = Options {
        explain,
        ..Options::default()
    };
    for (event, date) in events {
        if !agreement.events.iter().any(|e| &e.name == event) {
            let declared: Vec<String> = agreement
                .events
                .iter()
                .map(|e| format!("`{}`", e.name))
                .collect();
            let declared = if declared.is_empty() {
                "it declares no events".to_string()
            } else {
                format!("it declares {}", declared.join(", "))
            };
            eprintln!("deal: --event {event}: no event `{event}` in `{name}`; {declared}");
            return Err(Status::Failed);
        }
        options.event_dates.insert(event.clone(), *date);
    }
    Ok(options)
}

/// Reads a series, showing its problems against its own text.
fn read_series(path: &Path, style: Style) -> Result<Series, Status> {
    match load(path)? {
        Loaded::Problem(name, problem, shown) => {
            show_problems(&[problem], &name, &shown, style);
            Err(Status::Invalid)
        }
        Loaded::Text(name, text) => dealterms::series::read(&text).map_err(|problems| {
            show_problems(&problems, &name, &text, style);
            Status::Invalid
        }),
    }
}

/// Writes `text` to standard output, or atomically to `path`: a temporary
/// file beside it, renamed over it once complete.
fn write_output(path: Option<&Path>, text: &str) -> Result<(), Status> {
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            .or_else(|error| match error.kind() {
                // `deal eval ... | head` closes the pipe early; that is not a failure.
                std::io::ErrorKind::BrokenPipe => Ok(()),
                _ => Err(error),
            })
            .map_err(|error| {
                eprintln!("deal: cannot write the output: {error}");
                Status::Failed
            });
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let written = tempfile::NamedTempFile::new_in(dir).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|error| error.error)?;
        Ok(())
    });
    written.map_err(|error| {
        eprintln!("deal: cannot write `{}`: {error}", path.display());
        Status::Failed
    })
}

fn table_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .unwrap_or(80)
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
