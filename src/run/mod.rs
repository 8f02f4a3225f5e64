//! The command layer: one file per subcommand, and here what they share
//! (loading files, showing problems, writing output). The only place that
//! reads files, writes output and chooses exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dealterms::Problem;
use dealterms::agreement::Agreement;
use dealterms::diagnostics::{self, Quote, Style};
use dealterms::report::{self, csv::Column};
use dealterms::series::Series;
use dealterms::source::{self, Input};
use jiff::civil::Date;

use crate::cli::{By, Cli, Color, Command, DiagnosticFormat, OutputFormat, StatementFormat};

/// `println!` that never panics: a closed standard output (`deal check
/// *.deal | head -1`) ends nothing but the output. (Each of these three
/// clears a progress bar on screen out of its way.)
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        crate::run::progress::quietly(|| {
            let _ = writeln!(std::io::stdout().lock(), $($arg)*);
        });
    }};
}

/// `eprintln!` that never panics on a closed standard error.
macro_rules! tell {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        crate::run::progress::quietly(|| {
            let _ = writeln!(std::io::stderr().lock(), $($arg)*);
        });
    }};
}

/// `eprint!` that never panics on a closed standard error.
macro_rules! tell_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        crate::run::progress::quietly(|| {
            let _ = write!(std::io::stderr().lock(), $($arg)*);
        });
    }};
}

mod check;
pub mod completions;
pub(super) mod declared;
mod diff;
mod eval;
mod fmt;
mod git;
mod identity;
mod interrupt;
mod lsp;
mod manpages;
mod new;
mod portfolio;
mod progress;
mod reconcile;
mod scenarios;
mod serve;
mod solve;
mod test;

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

/// A command that stops at its first problem: `Ok` or the status it stopped with.
impl From<Result<(), Status>> for Status {
    fn from(result: Result<(), Status>) -> Self {
        result.err().unwrap_or(Status::Ok)
    }
}

pub fn run(cli: Cli) -> ExitCode {
    let style = diagnostic_style(&cli);
    let status = match cli.command {
        Command::Check { files, quiet } => {
            reading_stdin_once(&files, || check::check(&files, quiet, style))
        }
        Command::Eval {
            files,
            series,
            format,
            explain,
            events,
            output,
            columns,
            by,
            chart,
            chart_size,
            chart_deal,
            quiet,
        } => {
            let sheet = match series.as_deref() {
                Some(path) if dealterms::workbook::is_workbook(path) => match read_sheet(path) {
                    Ok(sheet) => Some(sheet),
                    Err(status) => return status.into(),
                },
                _ => None,
            };
            // `-o -` is standard output, as `--series -` is standard input.
            let output = output.as_deref().filter(|path| *path != Path::new("-"));
            let format = match statement_format(format, output) {
                Ok(format) => format,
                Err(status) => return status.into(),
            };
            let request = EvalRequest {
                series: series.as_deref(),
                sheet: sheet.as_ref(),
                format,
                explain,
                events: &events,
                output,
                columns: &columns,
                by_party: by == Some(By::Party),
                chart: chart.as_deref().map(|path| (path, chart_size)),
                chart_deal: chart_deal.as_deref(),
                style,
                progress: !quiet && style != Style::Json && format != StatementFormat::Json,
            };
            let inputs = files.iter().map(PathBuf::as_path).chain(series.as_deref());
            if let Err(status) = stdin_once(inputs) {
                return status.into();
            }
            match single_deal(&files, series.as_deref(), sheet.as_ref()) {
                Some(file) => eval::eval(file, request).into(),
                None if request.by_party => {
                    tell!(
                        "deal: `--by party` is for one agreement; a portfolio's CSV has a `party` column to group by"
                    );
                    Status::Failed
                }
                None => portfolio::eval(&files, request),
            }
        }
        Command::Fmt {
            files,
            check,
            diff,
            stdout,
            verbatim_on_error,
        } => reading_stdin_once(&files, || {
            fmt::fmt(
                &files,
                fmt::FmtMode::from_flags(check, diff, stdout, verbatim_on_error),
                style,
            )
        }),
        Command::Diff {
            old,
            new,
            series,
            relative_to,
            events,
            format,
            chart,
            chart_size,
            quiet,
        } => stdin_once(
            [Path::new(&old), Path::new(&new)]
                .into_iter()
                .chain(series.as_deref()),
        )
        .and_then(|()| {
            diff::diff(
                &old,
                &new,
                diff::DiffOptions {
                    series: series.as_deref(),
                    relative_to: relative_to.as_deref(),
                    events: &events,
                    chart: chart.as_deref().map(|path| (path, chart_size)),
                    progress: !quiet && style != Style::Json && format != OutputFormat::Json,
                },
                format,
                style,
            )
        })
        .into(),
        Command::GitSetup => git::git_setup().into(),
        Command::Lsp => lsp::lsp(),
        Command::Serve { path, series, port } => serve::serve(&path, series.as_deref(), port),
        Command::Reconcile {
            files,
            series,
            reported,
            reported_columns,
            tolerance,
            events,
            format,
            output,
        } => {
            let output = output.as_deref().filter(|path| *path != Path::new("-"));
            let inputs = files
                .iter()
                .map(PathBuf::as_path)
                .chain(series.as_deref())
                .chain([reported.as_path()]);
            match stdin_once(inputs).and_then(|()| statement_format(format, output)) {
                Ok(format) => reconcile::reconcile(
                    &files,
                    reconcile::Request {
                        series: series.as_deref(),
                        reported: &reported,
                        reported_columns: &reported_columns,
                        tolerance: tolerance.unwrap_or_default(),
                        events: &events,
                        format,
                        output,
                    },
                    style,
                ),
                Err(status) => status,
            }
        }
        Command::Test {
            files,
            events,
            quiet,
        } => reading_stdin_once(&files, || {
            test::test(&files, &events, style, !quiet && style != Style::Json)
        }),
        Command::New { name, from } => new::new(&name, from.as_deref()),
        Command::Scenarios {
            files,
            series,
            scale,
            growth,
            events,
            format,
            output,
            chart,
            chart_size,
        } => scenarios::scenarios(
            &files,
            scenarios::Request {
                series: series.as_deref(),
                // The grid's order: scales, then growths, then events.
                variations: scale.into_iter().chain(growth).chain(events).collect(),
                format,
                output: output.as_deref().filter(|path| *path != Path::new("-")),
                chart: chart.as_deref().map(|path| (path, chart_size)),
                style,
            },
        ),
        Command::Solve {
            file,
            series,
            vary,
            until,
            range,
            precision,
            largest,
            events,
            format,
        } => solve::solve(
            &file,
            solve::Request {
                series: series.as_deref(),
                vary: &vary,
                until: &until,
                range,
                precision,
                largest,
                events: &events,
                format,
                style,
            },
        ),
        Command::Completions { shell } => completions::completions(shell),
        Command::Manpages { dir } => manpages::manpages(&dir),
    };
    status.into()
}

/// Refuses a command that would read standard input (`-`) twice: the
/// second reader would find it empty ("the series has no periods").
fn stdin_once<'p>(inputs: impl IntoIterator<Item = &'p Path>) -> Result<(), Status> {
    let readers = inputs
        .into_iter()
        .filter(|input| *input == Path::new("-"))
        .count();
    if readers > 1 {
        tell!(
            "deal: standard input (`-`) can be read only once: give all but one of the inputs as files"
        );
        return Err(Status::Failed);
    }
    Ok(())
}

/// `command` over `files`, unless two of them are standard input.
fn reading_stdin_once(files: &[PathBuf], command: impl FnOnce() -> Status) -> Status {
    match stdin_once(files.iter().map(PathBuf::as_path)) {
        Ok(()) => command(),
        Err(status) => status,
    }
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

/// The format of a statement: `-f`, else the one the output file's
/// extension names, else a table. A workbook is never written to a
/// terminal, nor text to a file named `.xlsx`.
fn statement_format(
    format: Option<StatementFormat>,
    output: Option<&Path>,
) -> Result<StatementFormat, Status> {
    let named = output.and_then(StatementFormat::of_file);
    let format = match (format, named) {
        (Some(format), Some(named))
            if format != named
                && (format == StatementFormat::Xlsx || named == StatementFormat::Xlsx) =>
        {
            let path = output.map(Path::display);
            tell!(
                "deal: `-f {}` and `-o {}` disagree: drop `-f`, or name the file for its format",
                format_name(format),
                path.map(|p| p.to_string()).unwrap_or_default()
            );
            return Err(Status::Failed);
        }
        (Some(format), _) => format,
        (None, named) => named.unwrap_or(StatementFormat::Table),
    };
    if format == StatementFormat::Xlsx && output.is_none() && std::io::stdout().is_terminal() {
        tell!("deal: a workbook is not for a terminal: write it to a file, `-o statement.xlsx`");
        return Err(Status::Failed);
    }
    Ok(format)
}

/// The format as `-f` names it: clap's own name for the value.
fn format_name(format: StatementFormat) -> String {
    clap::ValueEnum::to_possible_value(&format)
        .map(|value| value.get_name().to_string())
        .unwrap_or_default()
}

/// What `deal eval` was asked for, whatever the number of agreements.
pub struct EvalRequest<'a> {
    pub series: Option<&'a Path>,
    /// The series' sheet, when it is a workbook: read once, for both the
    /// choice between one agreement and a portfolio and the evaluation.
    pub sheet: Option<&'a dealterms::workbook::Sheet>,
    pub format: StatementFormat,
    pub explain: bool,
    pub events: &'a [(String, Date)],
    pub output: Option<&'a Path>,
    /// `--columns`; empty for the default columns.
    pub columns: &'a [Column],
    /// `--by party`: a row per payee and period.
    pub by_party: bool,
    /// `--chart FILE` and its size.
    pub chart: Option<(&'a Path, (u32, u32))>,
    /// `--chart-deal NAME`: a portfolio's chart of one deal.
    pub chart_deal: Option<&'a str>,
    pub style: Style,
    /// Whether a long run may show its progress (not `--quiet`, not JSON).
    pub progress: bool,
}

impl EvalRequest<'_> {
    /// The CSV columns to write, checked against the request: `deal` only
    /// in a portfolio, `explain` only with `--explain`, and any choice of
    /// columns only with `-f csv`.
    fn csv_columns(&self, portfolio: bool) -> Result<Vec<Column>, Status> {
        let by_party_refused = matches!(
            self.format,
            StatementFormat::Json | StatementFormat::Xlsx | StatementFormat::Html
        ) || !self.columns.is_empty();
        if self.by_party && by_party_refused {
            tell!(
                "deal: `--by party` lays out the table or the CSV (period,party,amount,cumulative,from): not with `-f json`, `-f xlsx`, `-f html` or `--columns`"
            );
            return Err(Status::Failed);
        }
        if self.columns.is_empty() {
            return Ok(report::csv::default_columns(portfolio, self.explain));
        }
        let refused = if !matches!(self.format, StatementFormat::Csv | StatementFormat::Xlsx) {
            Some("`--columns` chooses the columns of a CSV or a workbook: add `-f csv` or `-o statement.xlsx`".to_string())
        } else if !portfolio && self.columns.contains(&Column::Deal) {
            Some("the `deal` column is for a portfolio (several agreements, or a directory)".into())
        } else if !self.explain && self.columns.contains(&Column::Explain) {
            Some("the `explain` column needs `--explain`".into())
        } else {
            None
        };
        match refused {
            Some(message) => {
                tell!("deal: {message}");
                Err(Status::Failed)
            }
            None => Ok(self.columns.to_vec()),
        }
    }
}

/// The one agreement to evaluate, unless this is a portfolio: several
/// files, a directory, or a long-form series (with a `deal` column).
fn single_deal<'f>(
    files: &'f [PathBuf],
    series: Option<&Path>,
    sheet: Option<&dealterms::workbook::Sheet>,
) -> Option<&'f Path> {
    let [file] = files else { return None };
    if file.is_dir() {
        return None;
    }
    if let Some(sheet) = sheet {
        let header = sheet.text.lines().next().unwrap_or_default();
        return (!dealterms::portfolio::is_long_form(header)).then_some(file.as_path());
    }
    let long_form = series
        .filter(|path| *path != Path::new("-"))
        .and_then(|path| std::fs::File::open(path).ok())
        .and_then(|file| {
            let mut first = String::new();
            // A header longer than a line may be is refused when read.
            let line = std::io::Read::take(file, dealterms::records::MAX_LINE_BYTES as u64);
            std::io::BufRead::read_line(&mut std::io::BufReader::new(line), &mut first).ok()?;
            Some(dealterms::portfolio::is_long_form(&first))
        })
        .unwrap_or(false);
    (!long_form).then_some(file.as_path())
}

/// Loads and checks an agreement, showing its warnings, or its problems as
/// the error.
pub(super) fn compiled(path: &Path, style: Style) -> Result<(String, String, Agreement), Status> {
    let (name, text, agreement, _) = compile_loaded(load(path, Input::Agreement)?, style)?;
    Ok((name, text, agreement))
}

/// Compiles what was read, showing its problems and warnings against its own
/// text; the number of warnings comes back with the agreement.
pub(super) fn compile_loaded(
    loaded: Loaded,
    style: Style,
) -> Result<(String, String, Agreement, usize), Status> {
    match loaded {
        Loaded::Problem(name, problem, shown) => {
            show_problems(&[problem], &name, &shown, style);
            Err(Status::Invalid)
        }
        Loaded::Text(name, text) => match dealterms::compile(&text) {
            Ok((agreement, warnings)) => {
                show_problems(&warnings, &name, &text, style);
                Ok((name, text, agreement, warnings.len()))
            }
            Err(problems) => {
                show_problems(&problems, &name, &text, style);
                Err(Status::Invalid)
            }
        },
    }
}

/// Reads a series, showing its problems against its own text.
pub(super) fn read_series(path: &Path, style: Style) -> Result<Series, Status> {
    if dealterms::workbook::is_workbook(path) {
        return read_workbook_series(path, style);
    }
    match load(path, Input::Series)? {
        Loaded::Problem(name, problem, shown) => {
            show_series_problems(&[problem], &name, &shown, style);
            Err(Status::Invalid)
        }
        Loaded::Text(name, text) => dealterms::series::read(&text).map_err(|problems| {
            show_series_problems(&problems, &name, &text, style);
            Status::Invalid
        }),
    }
}

/// Reads a series from a workbook's sheet: its problems name the cell at
/// fault (`sales.xlsx Sheet1!C14`), each shown against the sheet as the
/// series text it was read as.
fn read_workbook_series(path: &Path, style: Style) -> Result<Series, Status> {
    series_of_sheet(path, &read_sheet(path)?, style)
}

/// A workbook's sheet, or why it cannot be read (exit status 1).
pub(super) fn read_sheet(path: &Path) -> Result<dealterms::workbook::Sheet, Status> {
    dealterms::workbook::read(path).map_err(|reason| {
        tell!("deal: `{}`: {reason}", display_name(path));
        Status::Invalid
    })
}

/// The series a sheet of the workbook at `path` holds.
pub(super) fn series_of_sheet(
    path: &Path,
    sheet: &dealterms::workbook::Sheet,
    style: Style,
) -> Result<Series, Status> {
    dealterms::series::read(&sheet.text).map_err(|problems| {
        show_sheet_problems(path, sheet, &problems, style);
        Status::Invalid
    })
}

/// Shows the problems found in a sheet's text, each naming its cell
/// (`sales.xlsx Sales!C14`).
pub(super) fn show_sheet_problems(
    path: &Path,
    sheet: &dealterms::workbook::Sheet,
    problems: &[Problem],
    style: Style,
) {
    let rendered = dealterms::workbook::render_problems(path, sheet, problems, style);
    progress::quietly(|| {
        let _ = std::io::stderr().lock().write_all(rendered.as_bytes());
    });
}

/// Writes `text` to standard output, or atomically to `path`: a temporary
/// file beside it, renamed over it once complete.
pub fn write_output(path: Option<&Path>, text: impl AsRef<[u8]>) -> Result<(), Status> {
    let text = text.as_ref();
    let Some(path) = path else {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(text)
            .and_then(|()| stdout.flush())
            .or_else(ignore_closed_pipe)
            .map_err(|error| {
                tell!("deal: cannot write the output: {error}");
                Status::Failed
            });
    };
    let written = OutputFile::create(path).and_then(|mut file| {
        file.write_all(text)?;
        file.finish(true)
    });
    written.map_err(|error| {
        tell!("deal: cannot write `{}`: {error}", path.display());
        Status::Failed
    })
}

/// Writes `chart` to `path` (whole or not at all), as SVG or PNG by its
/// extension.
pub(super) fn write_chart(
    path: &Path,
    chart: &dealterms::report::chart::Chart,
    size: (u32, u32),
) -> Result<(), Status> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let drawn = match extension.as_deref() {
        Some("svg") => chart.svg(size).map(String::into_bytes),
        Some("png") => chart.png(size),
        _ => {
            tell!(
                "deal: --chart {}: name an .svg or a .png file",
                path.display()
            );
            return Err(Status::Failed);
        }
    };
    let bytes = drawn.map_err(|error| {
        tell!("deal: {error}");
        Status::Failed
    })?;
    write_output(Some(path), bytes)
}

pub fn table_width() -> u16 {
    columns_or(80)
}

fn terminal_width() -> usize {
    columns_or(100)
}

/// The terminal's width from `COLUMNS`, or `default`.
fn columns_or<T: std::str::FromStr>(default: T) -> T {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse().ok())
        .unwrap_or(default)
}

/// An output file written whole or not at all: a temporary twin beside it
/// that replaces it once complete. What is not a regular file (`/dev/null`,
/// a pipe, a terminal) is written in place: a rename would replace the
/// device itself. A symbolic link to a file has the file replaced, not the
/// link.
///
/// The twin is synced before it replaces the file, so that a crash never
/// leaves a replaced output half on disk. A large output is synced as it
/// is written, a megabyte at a time (on the writing thread, while
/// the rest is still being evaluated), so that the last sync has little
/// left to wait for: ext4 flushes a file renamed over another at the
/// rename anyway, and that wait (6 ms of a 70 ms portfolio run) was
/// spent with every core idle.
pub(super) enum OutputFile {
    Twin {
        file: tempfile::NamedTempFile,
        path: PathBuf,
        /// Bytes written since the last sync.
        unsynced: usize,
    },
    InPlace(std::fs::File),
}

/// Where a new output file at `path` goes: `path` itself, or, where
/// `path` is a symbolic link to a file that does not exist yet, the file
/// it names (through a chain of links), so that the link is kept.
fn dangling_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As many links as the system itself follows.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// How many bytes a twin is written between syncs: [`OutputFile`].
const SYNC_EVERY: usize = 1 << 20;

impl OutputFile {
    pub(super) fn create(path: &Path) -> std::io::Result<OutputFile> {
        match std::fs::metadata(path) {
            Ok(metadata) if !metadata.is_file() => Ok(OutputFile::InPlace(
                std::fs::OpenOptions::new().write(true).open(path)?,
            )),
            Ok(metadata) => {
                OutputFile::twin(&std::fs::canonicalize(path)?, Some(metadata.permissions()))
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                OutputFile::twin(&dangling_target(path)?, None)
            }
            Err(error) => Err(error),
        }
    }

    /// A temporary twin of `path`, with the permissions of the file it will
    /// replace, or those of any new file (0666 less the umask): a temporary
    /// file is made for its owner only.
    fn twin(path: &Path, replaced: Option<std::fs::Permissions>) -> std::io::Result<OutputFile> {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        // Registered before it exists, so that a signal at any moment finds
        // it (registered after, a signal in between left it behind).
        let create = |path: &Path| {
            interrupt::register(path);
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o666);
            }
            options.open(path).inspect_err(|_| interrupt::forget(path))
        };
        // The temporary file's own name means nothing to the reader.
        let file = tempfile::Builder::new()
            .make_in(dir, create)
            .map_err(|error| {
                std::io::Error::new(
                    error.kind(),
                    format!(
                        "cannot create a file in `{}`: {}",
                        dir.display(),
                        error.kind()
                    ),
                )
            })?;
        if let Some(permissions) = replaced {
            file.as_file().set_permissions(permissions)?;
        }
        Ok(OutputFile::Twin {
            file,
            path: path.to_path_buf(),
            unsynced: 0,
        })
    }

    /// Makes the output final: the twin, synced, replaces the file when
    /// `keep`, and is removed otherwise.
    pub(super) fn finish(self, keep: bool) -> std::io::Result<()> {
        match self {
            OutputFile::Twin { file, path, .. } => {
                let twin = file.path().to_path_buf();
                let done = if keep {
                    file.as_file()
                        .sync_all()
                        .and_then(|()| file.persist(path).map(drop).map_err(|error| error.error))
                } else {
                    // Dropped: removed.
                    Ok(())
                };
                interrupt::forget(&twin);
                done
            }
            OutputFile::InPlace(mut file) => file.flush(),
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            OutputFile::Twin { file, unsynced, .. } => {
                let written = file.write(bytes)?;
                *unsynced = unsynced.saturating_add(written);
                if *unsynced >= SYNC_EVERY {
                    file.as_file().sync_data()?;
                    *unsynced = 0;
                }
                Ok(written)
            }
            OutputFile::InPlace(file) => file.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            OutputFile::Twin { file, .. } => file.flush(),
            OutputFile::InPlace(file) => file.flush(),
        }
    }
}

/// `deal eval ... | head` closes the pipe early; that is not a failure.
pub(super) fn ignore_closed_pipe(error: std::io::Error) -> std::io::Result<()> {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(error)
    }
}

pub(super) fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// A file read from disk or standard input.
pub(super) enum Loaded {
    /// Its display name and text.
    Text(String, String),
    /// Its display name, why it cannot be parsed, and a lossy text to show.
    Problem(String, Problem, String),
}

/// Reads an agreement or a series whole (`-` for standard input), up to
/// its limit and no further. I/O errors are reported here and come back as
/// [`Status::Failed`].
pub(super) fn load(path: &Path, input: Input) -> Result<Loaded, Status> {
    let name = display_name(path);
    let bytes = if path == Path::new("-") {
        source::read_bounded(std::io::stdin().lock(), input)
    } else {
        std::fs::File::open(path).and_then(|file| source::read_bounded(file, input))
    };
    let bytes = bytes.map_err(|error| {
        tell!("deal: cannot read `{name}`: {error}");
        Status::Failed
    })?;
    Ok(match bytes {
        Some(bytes) => Loaded::new(name, bytes, input),
        None => {
            let (problem, shown) = input.too_large();
            Loaded::Problem(name, problem, shown)
        }
    })
}

/// The text of the agreement or series at `path` (for a series, a
/// workbook's sheet as the text it reads as), or why there is none, as
/// `deal check` would show it in `style`: for `deal serve` and `deal lsp`,
/// which report elsewhere than on standard error.
pub(super) fn text_of(path: &Path, input: Input, style: Style) -> Result<String, String> {
    let name = display_name(path);
    if input == Input::Series && dealterms::workbook::is_workbook(path) {
        return dealterms::workbook::read(path)
            .map(|sheet| sheet.text)
            .map_err(|reason| format!("`{name}`: {reason}"));
    }
    let bytes = std::fs::File::open(path)
        .and_then(|file| source::read_bounded(file, input))
        .map_err(|error| format!("cannot read `{name}`: {error}"))?;
    let loaded = match bytes {
        Some(bytes) => Loaded::new(name, bytes, input),
        None => {
            let (problem, shown) = input.too_large();
            Loaded::Problem(name, problem, shown)
        }
    };
    match loaded {
        Loaded::Text(_, text) => Ok(text),
        Loaded::Problem(name, problem, shown) => {
            Err(diagnostics::render(&[problem], &name, &shown, style))
        }
    }
}

impl Loaded {
    /// The bytes of a file named `name`, as text or as the problem that
    /// stops them being text.
    pub(super) fn new(name: String, bytes: Vec<u8>, input: Input) -> Loaded {
        match source::decode_as(bytes, input) {
            Ok(text) => Loaded::Text(name, text),
            Err((problem, shown)) => Loaded::Problem(name, problem, shown),
        }
    }
}

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

pub fn show_problems(problems: &[Problem], name: &str, text: &str, style: Style) {
    show_problems_quoting(problems, name, text, style, Quote::Agreement);
}

/// Shows the problems of a series: each quotes the cell at fault and no
/// more of the file, which may be anything.
pub(super) fn show_series_problems(problems: &[Problem], name: &str, text: &str, style: Style) {
    show_problems_quoting(problems, name, text, style, Quote::Foreign);
}

fn show_problems_quoting(problems: &[Problem], name: &str, text: &str, style: Style, quote: Quote) {
    if problems.is_empty() {
        return;
    }
    let rendered = diagnostics::render_quoting(problems, name, text, style, quote);
    progress::quietly(|| {
        let mut stderr = std::io::stderr().lock();
        // A closed stderr leaves nothing better to do than carry on.
        let _ = stderr.write_all(rendered.as_bytes());
    });
}
