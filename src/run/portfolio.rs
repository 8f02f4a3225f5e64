//! `deal eval` of a portfolio: many agreements against one long-form
//! series. Blocks of the series are read in order, evaluated in parallel a
//! chunk at a time, and written in order, so memory holds one chunk however
//! large the portfolio, and the output order is the series' own.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use dealterms::diagnostics::{self, Style};
use dealterms::eval::{self, Options};
use dealterms::portfolio::{self, Block};
use dealterms::report::{
    self,
    chart::{Chart, PortfolioTotals},
    csv::Column,
    xlsx::{StatementBook, WorkbookError},
};
use dealterms::source::{self, Input};
use rayon::prelude::*;

use super::identity::{self, FileId};
use super::progress::Progress;
use super::{EvalRequest, OutputFile, Status, ignore_closed_pipe, table_width};
use crate::cli::StatementFormat;

/// Blocks evaluated together, per core: enough to keep every core busy,
/// few enough to keep memory flat.
const BLOCKS_PER_CORE: usize = 32;

/// What became of one deal.
pub(super) enum Outcome {
    /// Its statement, rendered.
    Rendered(String),
    /// Its statement, for the workbook.
    Evaluated(String, Box<eval::statement::Statement>),
    /// Its problems, rendered for standard error.
    Failed(String),
    /// Series rows for a deal with no agreement.
    NoAgreement { deal: String, row: usize },
}

pub fn eval(paths: &[PathBuf], request: EvalRequest<'_>) -> Status {
    match run(paths, &request) {
        Ok(status) | Err(status) => status,
    }
}

fn run(paths: &[PathBuf], request: &EvalRequest<'_>) -> Result<Status, Status> {
    let columns = request.csv_columns(true)?;
    if request.format == StatementFormat::Html {
        tell!(
            "deal: a web page is one agreement's statement: evaluate the deal alone (`deal eval deals/NAME.deal --series ...`)"
        );
        return Err(Status::Failed);
    }
    let charting = request.chart.map(|_| Charting {
        deal: request.chart_deal.map(str::to_string),
        totals: std::sync::Mutex::new(PortfolioTotals::default()),
        named: std::sync::Mutex::new(None),
    });
    let output = identity::output_id(request.output);
    let deals = agreements(paths, output.as_ref(), request.output)?;
    let Some(series_path) = request.series else {
        tell!("deal: a portfolio needs `--series FILE`, a long-form series with a `deal` column");
        return Err(Status::Failed);
    };
    if output.is_some() {
        identity::refuse_output_over(request.output, &[series_path])?;
    }
    let reader: Box<dyn Read + Send + '_> = if series_path == Path::new("-") {
        Box::new(std::io::stdin())
    } else if let Some(sheet) = request.sheet {
        // A workbook's sheet, as the series text it reads as.
        Box::new(sheet.text.as_bytes())
    } else {
        Box::new(std::fs::File::open(series_path).map_err(|error| {
            tell!("deal: cannot read `{}`: {error}", series_path.display());
            Status::Failed
        })?)
    };
    let series_name = SeriesName {
        path: series_path,
        sheet: request.sheet,
    };
    let blocks = portfolio::open(reader).map_err(|problem| {
        tell_raw!("{}", row_problems(series_name, &[*problem], request.style));
        Status::Invalid
    })?;

    // Write to the output file's temporary twin; it replaces the file only if
    // everything went well.
    let mut sink = Sink::open(request.output)?;
    sink.write_text(&header(request, &columns))?;
    let book = match request.format {
        StatementFormat::Xlsx => Some(StatementBook::streaming(&columns).map_err(workbook_failed)?),
        _ => None,
    };
    let options = Options {
        event_dates: request.events.iter().cloned().collect(),
        explain: request.explain,
        // Notes are put in words only in their own column.
        without_notes: matches!(request.format, StatementFormat::Csv | StatementFormat::Xlsx)
            && !columns.contains(&Column::Note),
        ..Options::default()
    };
    let chunk = rayon::current_num_threads().saturating_mul(BLOCKS_PER_CORE);
    // A reader thread parses the next batches while this one evaluates them
    // (on every core) and a writer thread writes the last, in order: two
    // batches ahead at most each way, so memory stays flat, and no core
    // waits on the output while there is a batch to evaluate.
    let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Block>>(2);
    let (evaluated, to_write) = std::sync::mpsc::sync_channel::<(Vec<Outcome>, usize)>(2);
    // Not over a statement streaming to the terminal it would be drawn on.
    let to_terminal = request.output.is_none() && std::io::stdout().is_terminal();
    let progress = Progress::new(deals.len(), "deals", request.progress && !to_terminal);
    let (seen, written) = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut blocks = blocks;
            // The first batches are small, so that every core starts soon.
            let mut size = rayon::current_num_threads();
            loop {
                let batch: Vec<Block> = blocks.by_ref().take(size).collect();
                if batch.is_empty() || sender.send(batch).is_err() {
                    break;
                }
                size = size.saturating_mul(2).min(chunk);
            }
            // Every deal with series rows, once all are read.
            blocks.into_seen()
        });
        let writer = scope.spawn(move || write_outcomes(sink, book, to_write, progress));
        for batch in batches {
            let rows = batch
                .iter()
                .map(|block| {
                    block
                        .series
                        .as_ref()
                        .map_or(0, |series| series.periods.len())
                })
                .sum();
            let outcomes: Vec<Outcome> = batch
                .into_par_iter()
                .map(|block| {
                    let context = (request, &columns[..], series_name, charting.as_ref());
                    outcome(block, &deals, &options, context)
                })
                .collect();
            // The writer stops early only when writing failed.
            if evaluated.send((outcomes, rows)).is_err() {
                break;
            }
        }
        drop(evaluated);
        let written = writer.join();
        let seen = reader.join();
        match (seen, written) {
            (Ok(seen), Ok(written)) => (seen, written),
            (Err(panic), _) | (_, Err(panic)) => std::panic::resume_unwind(panic),
        }
    });
    let Written {
        sink,
        mut status,
        missing,
    } = written?;
    let unused: Vec<&str> = deals
        .keys()
        .filter(|deal| !seen.contains(*deal))
        .map(String::as_str)
        .collect();
    if let Some(message) = portfolio::rows_without_agreement(&missing, &unused) {
        tell!("deal: {message}");
        status = Status::Invalid;
    }
    if let Some(message) = portfolio::agreements_without_rows(&unused) {
        tell!("deal: {message}");
        status = Status::Invalid;
    }
    if let (Some((path, size)), Some(charting)) = (request.chart, &charting)
        && status == Status::Ok
    {
        draw(path, size, charting)?;
    }
    sink.finish(status == Status::Ok)?;
    Ok(status)
}

/// What `--chart` gathers while the deals are evaluated: the named deal's
/// chart (`--chart-deal`), or every payee's total.
struct Charting {
    deal: Option<String>,
    totals: std::sync::Mutex<PortfolioTotals>,
    named: std::sync::Mutex<Option<Chart>>,
}

/// Draws the portfolio's chart, or says why there is none.
fn draw(path: &Path, size: (u32, u32), charting: &Charting) -> Result<(), Status> {
    let chart = match &charting.deal {
        Some(deal) => charting
            .named
            .lock()
            .ok()
            .and_then(|mut named| named.take())
            .ok_or_else(|| format!("--chart-deal {deal}: no deal `{deal}` in the portfolio")),
        None => charting
            .totals
            .lock()
            .map_err(|_| "the chart's totals were lost".to_string())
            .and_then(|totals| totals.chart()),
    };
    match chart {
        Ok(chart) => super::write_chart(path, &chart, size),
        Err(reason) => {
            tell!("deal: {reason}");
            Err(Status::Failed)
        }
    }
}

/// The agreements named on the command line, by deal name (the file name
/// without `.deal`); directories give every `*.deal` file in them.
/// `output` (whose identity is `output_id`, when it exists) may be none of
/// them: each listed file is compared by the inode its directory entry
/// gives, without asking for its metadata.
pub(super) fn agreements(
    paths: &[PathBuf],
    output_id: Option<&FileId>,
    output: Option<&Path>,
) -> Result<BTreeMap<String, PathBuf>, Status> {
    let mut deals = BTreeMap::new();
    let output = output.unwrap_or(Path::new("-"));
    for path in paths {
        let files: Vec<PathBuf> = if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|error| {
                tell!("deal: cannot read `{}`: {error}", path.display());
                Status::Failed
            })?;
            let dir = output_id.and_then(|_| FileId::of(path));
            let mut files = Vec::new();
            for entry in entries.filter_map(Result::ok) {
                let file = entry.path();
                if file.extension().is_none_or(|e| e != "deal") {
                    continue;
                }
                if let (Some(id), Some(dir)) = (output_id, &dir)
                    && id.is_entry(dir, &entry)
                {
                    return Err(identity::over_input(output, &file));
                }
                // A link's entry is the link's own inode: the file it
                // leads to is asked for.
                if output_id.is_some() && entry.file_type().is_ok_and(|t| t.is_symlink()) {
                    identity::refuse_output_over(Some(output), &[&file])?;
                }
                files.push(file);
            }
            // By the bytes of the path: `Path`'s own order compares component by
            // component, which costs more than the rest of listing 100,000 files.
            files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
            files
        } else {
            if output_id.is_some() {
                identity::refuse_output_over(Some(output), &[path])?;
            }
            vec![path.clone()]
        };
        for file in files {
            let Some(deal) = file.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            if let Some(other) = deals.insert(deal.clone(), file.clone()) {
                tell!(
                    "deal: `{}` and `{}` are both deal `{deal}`",
                    other.display(),
                    file.display()
                );
                return Err(Status::Failed);
            }
        }
    }
    Ok(deals)
}

/// What the writer thread leaves: the output, still to be finished, whether
/// a deal failed, and the deals with rows but no agreement.
struct Written {
    sink: Sink,
    status: Status,
    missing: Vec<(String, usize)>,
}

/// Writes each batch of outcomes in order as it comes: statements to the
/// sink (or to the workbook, saved to the sink at the end), problems to
/// standard error (above the progress, once it shows), with the batch's
/// series rows.
fn write_outcomes(
    mut sink: Sink,
    mut book: Option<StatementBook>,
    batches: std::sync::mpsc::Receiver<(Vec<Outcome>, usize)>,
    mut progress: Progress,
) -> Result<Written, Status> {
    let mut status = Status::Ok;
    let mut missing = Vec::new();
    for (outcomes, rows) in batches {
        progress.advance(outcomes.len(), rows);
        for outcome in outcomes {
            write_outcome(
                outcome,
                (&mut sink, book.as_mut()),
                (&mut status, &mut missing),
            )?;
        }
    }
    drop(progress);
    if let Some(book) = book {
        book.save(&mut sink).map_err(workbook_failed)?;
    }
    Ok(Written {
        sink,
        status,
        missing,
    })
}

/// Writes one outcome: its statement to the sink or workbook, its problems
/// to standard error; a deal without an agreement is kept for the end.
fn write_outcome(
    outcome: Outcome,
    (sink, book): (&mut Sink, Option<&mut StatementBook>),
    (status, missing): (&mut Status, &mut Vec<(String, usize)>),
) -> Result<(), Status> {
    match outcome {
        Outcome::Rendered(text) => sink.write_text(&text)?,
        Outcome::Evaluated(deal, statement) => {
            if let Some(book) = book {
                book.add(Some(&deal), &statement).map_err(workbook_failed)?;
            }
        }
        Outcome::Failed(text) => {
            tell_raw!("{text}");
            *status = Status::Invalid;
        }
        Outcome::NoAgreement { deal, row } => missing.push((deal, row)),
    }
    Ok(())
}

fn workbook_failed(error: WorkbookError) -> Status {
    tell!("deal: {error}");
    Status::Failed
}

/// Evaluates one block: its agreement over its rows.
fn outcome(
    block: Block,
    deals: &BTreeMap<String, PathBuf>,
    options: &Options,
    (request, columns, series_name, charting): (
        &EvalRequest<'_>,
        &[Column],
        SeriesName<'_>,
        Option<&Charting>,
    ),
) -> Outcome {
    let deal = block.deal.clone();
    let (agreement, statement) =
        match statement_of(block, deals, options, request.style, series_name) {
            Ok(evaluated) => evaluated,
            Err(outcome) => return outcome,
        };
    if let Some(charting) = charting {
        match &charting.deal {
            Some(named) if *named == deal => {
                let chart = Chart::of_statement(&statement, &report::xlsx::cap_lines(&agreement));
                if let Ok(mut slot) = charting.named.lock() {
                    *slot = Some(chart);
                }
            }
            Some(_) => {}
            None => {
                if let Ok(mut totals) = charting.totals.lock() {
                    totals.add(&statement);
                }
            }
        }
    }
    let rendered = match request.format {
        StatementFormat::Xlsx => return Outcome::Evaluated(deal, Box::new(statement)),
        StatementFormat::Csv => {
            let mut out = String::with_capacity(statement.rows.len().saturating_mul(128));
            report::csv::write_rows(&mut out, &statement, Some(&deal), columns);
            out
        }
        StatementFormat::Json => report::json::render_line(&deal, &statement, request.explain),
        StatementFormat::Table => format!(
            "deal {deal}\n{}\n",
            report::table::render(&statement, table_width(), request.explain)
        ),
        // Refused before any deal is read (`run`).
        StatementFormat::Html => String::new(),
    };
    Outcome::Rendered(rendered)
}

/// The statement of one block: its agreement over its rows, or what became
/// of it instead.
pub(super) fn statement_of(
    block: Block,
    deals: &BTreeMap<String, PathBuf>,
    options: &Options,
    style: Style,
    series_name: SeriesName<'_>,
) -> Result<(dealterms::agreement::Agreement, eval::statement::Statement), Outcome> {
    let series = match block.series {
        Ok(series) => series,
        Err(problems) => return Err(Outcome::Failed(row_problems(series_name, &problems, style))),
    };
    let Some(path) = deals.get(&block.deal) else {
        return Err(Outcome::NoAgreement {
            deal: block.deal,
            row: block.first_row,
        });
    };
    let name = path.display().to_string();
    let bytes = match read_small(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            return Err(Outcome::Failed(format!(
                "deal: cannot read `{name}`: {error}\n"
            )));
        }
    };
    let decoded = match bytes {
        Some(bytes) => source::decode(bytes),
        None => Err(Input::Agreement.too_large()),
    };
    let text = match decoded {
        Ok(text) => text,
        Err((problem, shown)) => {
            return Err(Outcome::Failed(diagnostics::render(
                &[problem],
                &name,
                &shown,
                style,
            )));
        }
    };
    let agreement = match dealterms::compile(&text) {
        Ok((agreement, _)) => agreement,
        Err(problems) => {
            return Err(Outcome::Failed(diagnostics::render(
                &problems, &name, &text, style,
            )));
        }
    };
    // The engine reads only the events a deal declares: the dates of the
    // others are no concern of this deal.
    let statement = match eval::evaluate(&agreement, &series, options) {
        Ok(statement) => statement,
        Err(problem) => {
            return Err(Outcome::Failed(diagnostics::render(
                &[problem],
                &name,
                &text,
                style,
            )));
        }
    };
    Ok((agreement, statement))
}

/// A small file's bytes, up to an agreement's limit: read until the end
/// (or the limit), without asking its size first as `std::fs::read` does (a
/// system call that costs more than reading an agreement of a few hundred
/// bytes; a portfolio opens thousands). `Take` also keeps `File`'s own
/// `read_to_end` from asking. `Ok(None)` past the limit.
fn read_small(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    source::read_bounded(std::fs::File::open(path)?, Input::Agreement)
}

/// What comes before the first deal.
fn header(request: &EvalRequest<'_>, columns: &[Column]) -> String {
    match request.format {
        StatementFormat::Csv => report::csv::header(columns),
        StatementFormat::Json
        | StatementFormat::Table
        | StatementFormat::Xlsx
        | StatementFormat::Html => String::new(),
    }
}

/// A long-form series, as its problems name it: the file, and the sheet
/// when it is a workbook's.
#[derive(Clone, Copy)]
pub(super) struct SeriesName<'a> {
    pub path: &'a Path,
    pub sheet: Option<&'a dealterms::workbook::Sheet>,
}

/// Problems of a long-form series, each shown on its own row.
pub(super) fn row_problems(
    series: SeriesName<'_>,
    problems: &[portfolio::RowProblem],
    style: Style,
) -> String {
    portfolio::render_row_problems(series.path, series.sheet, problems, style)
}

/// Where the output goes: standard output, or an output file written whole
/// or not at all ([`OutputFile`]).
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File(std::io::BufWriter<OutputFile>),
}

/// A workbook is saved straight into the sink.
impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(out) => out.write(bytes),
            Sink::File(out) => out.write(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(out) => out.flush(),
            Sink::File(out) => out.flush(),
        }
    }
}

impl Sink {
    fn open(output: Option<&Path>) -> Result<Sink, Status> {
        let Some(path) = output else {
            return Ok(Sink::Stdout(std::io::BufWriter::with_capacity(
                1 << 20,
                std::io::stdout(),
            )));
        };
        let file = OutputFile::create(path).map_err(|error| {
            tell!("deal: cannot write `{}`: {error}", path.display());
            Status::Failed
        })?;
        Ok(Sink::File(std::io::BufWriter::with_capacity(1 << 20, file)))
    }

    fn write_text(&mut self, text: &str) -> Result<(), Status> {
        let written = match self {
            Sink::Stdout(out) => out.write_all(text.as_bytes()),
            Sink::File(out) => out.write_all(text.as_bytes()),
        };
        written.or_else(ignore_closed_pipe).map_err(|error| {
            tell!("deal: cannot write the output: {error}");
            Status::Failed
        })
    }

    /// Flushes, and for a file replaces the output only when `keep`.
    fn finish(self, keep: bool) -> Result<(), Status> {
        let fail = |error: std::io::Error| {
            tell!("deal: cannot write the output: {error}");
            Status::Failed
        };
        match self {
            Sink::Stdout(mut out) => out.flush().or_else(ignore_closed_pipe).map_err(fail),
            Sink::File(out) => {
                let file = out.into_inner().map_err(|error| fail(error.into_error()))?;
                file.finish(keep).map_err(fail)
            }
        }
    }
}
