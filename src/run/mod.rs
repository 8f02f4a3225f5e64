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

mod portfolio;

/// The outcome of a command, most serious last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
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
            files,
            series,
            format,
            explain,
            events,
            output,
        } => {
            let request = EvalRequest {
                series: series.as_deref(),
                format,
                explain,
                events: &events,
                output: output.as_deref(),
                style,
            };
            match single_deal(&files, series.as_deref()) {
                Some(file) => eval(file, request),
                None => portfolio::eval(&files, request),
            }
        }
        Command::Fmt {
            files,
            check,
            diff,
            stdout,
            verbatim_on_error,
        } => fmt(
            &files,
            FmtMode::from_flags(check, diff, stdout, verbatim_on_error),
            style,
        ),
        Command::Diff {
            old,
            new,
            series,
            relative_to,
            events,
            format,
        } => diff(
            &old,
            &new,
            DiffOptions {
                series: series.as_deref(),
                relative_to: relative_to.as_deref(),
                events: &events,
            },
            format,
            style,
        ),
        Command::GitSetup => git_setup(),
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

/// What `deal eval` was asked for, whatever the number of agreements.
pub struct EvalRequest<'a> {
    pub series: Option<&'a Path>,
    pub format: OutputFormat,
    pub explain: bool,
    pub events: &'a [(String, Date)],
    pub output: Option<&'a Path>,
    pub style: Style,
}

/// The one agreement to evaluate, unless this is a portfolio: several
/// files, a directory, or a long-form series (with a `deal` column).
fn single_deal<'f>(files: &'f [PathBuf], series: Option<&Path>) -> Option<&'f Path> {
    let [file] = files else { return None };
    if file.is_dir() {
        return None;
    }
    let long_form = series
        .filter(|path| *path != Path::new("-"))
        .and_then(|path| std::fs::File::open(path).ok())
        .and_then(|file| {
            let mut first = String::new();
            std::io::BufRead::read_line(&mut std::io::BufReader::new(file), &mut first).ok()?;
            Some(dealterms::portfolio::is_long_form(&first))
        })
        .unwrap_or(false);
    (!long_form).then_some(file.as_path())
}

/// `deal eval FILE --series CSV`
fn eval(file: &Path, request: EvalRequest<'_>) -> Status {
    let EvalRequest {
        series: series_path,
        format,
        explain,
        events,
        output,
        style,
    } = request;
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
            OutputFormat::Json => report::json::render(&statement, explain),
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
    /// Print the formatted text, or the text as it is if it does not parse.
    Textconv,
}

impl FmtMode {
    fn from_flags(check: bool, diff: bool, stdout: bool, verbatim_on_error: bool) -> Self {
        match (check, diff, stdout, verbatim_on_error) {
            (true, ..) => FmtMode::Check,
            (_, true, ..) => FmtMode::Diff,
            (_, _, true, true) => FmtMode::Textconv,
            (_, _, true, false) => FmtMode::Stdout,
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
    let formatted = match dealterms::format_source(&text) {
        Ok(formatted) => formatted,
        Err(problems) => {
            show_problems(&problems, &name, &text, style);
            if mode == FmtMode::Textconv {
                return write_output(None, &text).map(|()| Status::Ok);
            }
            return Err(Status::Invalid);
        }
    };
    let stdin = path == Path::new("-");
    match mode {
        FmtMode::Stdout | FmtMode::Textconv => write_output(None, &formatted).map(|()| Status::Ok),
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

/// What `deal diff` evaluates the two versions on.
struct DiffOptions<'a> {
    series: Option<&'a Path>,
    relative_to: Option<&'a Path>,
    events: &'a [(String, Date)],
}

/// `deal diff OLD NEW`
fn diff(
    old: &str,
    new: &str,
    options: DiffOptions<'_>,
    format: OutputFormat,
    style: Style,
) -> Status {
    let DiffOptions {
        series,
        relative_to,
        events,
    } = options;
    let run = || -> Result<(), Status> {
        let old_version = compiled_version(old, style)?;
        let new_version = compiled_version(new, style)?;
        let (old_agreement, new_agreement) = (&old_version.2, &new_version.2);
        let changes = dealterms::diff::terms(old_agreement, new_agreement);
        let anchor = relative_to.map_or_else(|| version_path(new), Path::to_path_buf);
        let series_path = series
            .map(Path::to_path_buf)
            .or_else(|| declared_series(&anchor, new_agreement));
        let money = match series_path {
            None => None,
            Some(path) => {
                let series = read_series(&path, style)?;
                for (event, _) in events {
                    let declared = |a: &Agreement| a.events.iter().any(|e| &e.name == event);
                    if !declared(old_agreement) && !declared(new_agreement) {
                        eprintln!(
                            "deal: --event {event}: neither version declares an event `{event}`"
                        );
                        return Err(Status::Failed);
                    }
                }
                let options = Options {
                    event_dates: events.iter().cloned().collect(),
                    explain: false,
                };
                let evaluate = |(name, text, agreement): &(String, String, Agreement)| {
                    eval::evaluate(agreement, &series, &options).map_err(|problem| {
                        show_problems(&[problem], name, text, style);
                        Status::Invalid
                    })
                };
                let (before, after) = (evaluate(&old_version)?, evaluate(&new_version)?);
                Some(dealterms::diff::money(&before, &after).map_err(|_| {
                    eprintln!("deal: the difference between `{old}` and `{new}` is beyond the exact decimal range");
                    Status::Invalid
                })?)
            }
        };
        let rendered = match format {
            OutputFormat::Table => {
                report::table::render_diff(&changes, money.as_ref(), table_width())
            }
            OutputFormat::Csv => {
                report::csv::render_diff(&changes, money.as_ref()).map_err(|error| {
                    eprintln!("deal: cannot write CSV: {error}");
                    Status::Failed
                })?
            }
            OutputFormat::Json => report::json::render_diff(&changes, money.as_ref()),
        };
        write_output(None, &rendered)
    };
    match run() {
        Ok(()) => Status::Ok,
        Err(status) => status,
    }
}

/// The path a version stands for: the file, or the path in a revision
/// (`HEAD~1:deals/x.deal` stands for `deals/x.deal`).
fn version_path(spec: &str) -> PathBuf {
    if Path::new(spec).exists() {
        return PathBuf::from(spec);
    }
    PathBuf::from(spec.split_once(':').map_or(spec, |(_, path)| path))
}

/// A version of an agreement: a file, or a git revision of one.
fn compiled_version(spec: &str, style: Style) -> Result<(String, String, Agreement), Status> {
    if Path::new(spec).exists() || !spec.contains(':') || spec == "-" {
        return compiled(Path::new(spec), style);
    }
    let output = std::process::Command::new("git")
        .args(["show", spec])
        .output()
        .map_err(|error| {
            eprintln!("deal: cannot run git to read `{spec}`: {error}");
            Status::Failed
        })?;
    if !output.status.success() {
        eprintln!(
            "deal: cannot read `{spec}`: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return Err(Status::Failed);
    }
    let text = match source::decode(output.stdout) {
        Ok(text) => text,
        Err((problem, shown)) => {
            show_problems(&[problem], spec, &shown, style);
            return Err(Status::Invalid);
        }
    };
    match dealterms::compile(&text) {
        Ok((agreement, warnings)) => {
            show_problems(&warnings, spec, &text, style);
            Ok((spec.to_string(), text, agreement))
        }
        Err(problems) => {
            show_problems(&problems, spec, &text, style);
            Err(Status::Invalid)
        }
    }
}

/// `deal git-setup`
fn git_setup() -> Status {
    let run = || -> Result<(), Status> {
        let git = |args: &[&str]| -> Result<String, Status> {
            let output = std::process::Command::new("git")
                .args(args)
                .output()
                .map_err(|error| {
                    eprintln!("deal: cannot run git: {error}");
                    Status::Failed
                })?;
            if !output.status.success() {
                eprintln!(
                    "deal: git {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&output.stderr).trim()
                );
                return Err(Status::Failed);
            }
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        };
        let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
        let exe = std::env::current_exe().map_err(|error| {
            eprintln!("deal: cannot locate the deal binary: {error}");
            Status::Failed
        })?;
        let exe = shell_quote(&exe.to_string_lossy());
        let attributes = top.join(".gitattributes");
        let existing = match std::fs::read_to_string(&attributes) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => {
                eprintln!("deal: cannot read `{}`: {error}", attributes.display());
                return Err(Status::Failed);
            }
        };
        let line = dealterms::gitsetup::ATTRIBUTES;
        if existing.lines().any(|l| l.trim() == line) {
            println!("{}: already has `{line}`", attributes.display());
        } else {
            let mut text = existing.clone();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(line);
            text.push('\n');
            write_output(Some(&attributes), &text)?;
            println!("{}: added `{line}`", attributes.display());
        }
        for (key, value) in dealterms::gitsetup::config(&exe) {
            git(&["config", "--local", &key, &value])?;
            println!("git config {key} {}", shell_quote(&value));
        }
        Ok(())
    };
    match run() {
        Ok(()) => Status::Ok,
        Err(status) => status,
    }
}

/// `text` quoted for a POSIX shell, if it needs it.
fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
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
        // A file with nothing to test must not pass a CI run silently.
        eprintln!("deal: `{name}` has no `expect` lines to test");
        return Err(Status::Invalid);
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
    let what = plural(total, "expectation", "expectations");
    let (summary, status) = if failures.is_empty() {
        (format!("{name}: {total} {what} passed"), Status::Ok)
    } else {
        (
            format!("{name}: {} of {total} {what} failed", failures.len()),
            Status::Invalid,
        )
    };
    // With JSON diagnostics, tools read the failures; the summary is for people.
    if style != Style::Json {
        println!("{summary}");
    }
    Ok(status)
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
pub fn event_options(
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
pub fn write_output(path: Option<&Path>, text: &str) -> Result<(), Status> {
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

pub fn table_width() -> u16 {
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

pub fn show_problems(problems: &[Problem], name: &str, text: &str, style: Style) {
    if problems.is_empty() {
        return;
    }
    let rendered = diagnostics::render(problems, name, text, style);
    let mut stderr = std::io::stderr().lock();
    // A closed stderr leaves nothing better to do than carry on.
    let _ = stderr.write_all(rendered.as_bytes());
}
