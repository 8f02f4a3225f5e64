//! A portfolio from Python: many agreements and one long-form series (a
//! table with a `deal` column, or a CSV file as `deal eval DIR --series`
//! reads it), each deal compiled and evaluated on every core with the GIL
//! released, the statements joined in the series' order of deals.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::ArrowError;
use dealterms::diagnostics::{Quote, Style};
use dealterms::eval::statement::Statement;
use dealterms::eval::{self, Options};
use dealterms::portfolio;
use dealterms::series::Series;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;

use crate::errors::{Rendered, deal_error};
use crate::stream::{self, ArrowStream};
use crate::{Agreement, event_dates, table_in, table_out, tables};

/// An agreement as given: compiled already, or its file's name and bytes.
pub enum Given {
    Compiled(Arc<dealterms::agreement::Agreement>, String, String),
    Source(String, Vec<u8>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Given {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Given> {
        if let Ok(agreement) = object.cast::<Agreement>() {
            let agreement = agreement.get();
            return Ok(Given::Compiled(
                Arc::clone(&agreement.agreement),
                agreement.name.clone(),
                agreement.text.clone(),
            ));
        }
        let (name, bytes): (String, Vec<u8>) = object.extract()?;
        Ok(Given::Source(name, bytes))
    }
}

/// Every deal's statement, `(rows, totals, events, facts)` as
/// [`crate::evaluate`] gives one's, each table with a `deal` column.
#[pyfunction]
#[pyo3(signature = (agreements, series, events, explain, threads))]
pub fn evaluate_portfolio<'py>(
    py: Python<'py>,
    agreements: Vec<(String, Given)>,
    series: &Bound<'py, PyAny>,
    events: Vec<(String, String)>,
    explain: bool,
    threads: Option<usize>,
) -> PyResult<(ArrowStream, ArrowStream, ArrowStream, Bound<'py, PyDict>)> {
    let options = Options {
        event_dates: event_dates(events)?.into_iter().collect(),
        explain,
        ..Options::default()
    };
    let mut deals: HashMap<String, Given> = HashMap::with_capacity(agreements.len());
    for (deal, given) in agreements {
        if deals.insert(deal.clone(), given).is_some() {
            return Err(PyValueError::new_err(format!(
                "agreements: deal `{deal}` is given twice"
            )));
        }
    }
    let pool = match threads {
        Some(0) => {
            return Err(PyValueError::new_err(
                "threads: at least 1, or None for every core",
            ));
        }
        Some(threads) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|error| PyValueError::new_err(format!("threads: {error}")))?,
        ),
        None => None,
    };
    let blocks = read_series(py, series)?;
    let work = || evaluate_all(&blocks, &deals, &options, explain);
    let chunks = py.detach(|| match &pool {
        Some(pool) => pool.install(work),
        None => work(),
    });
    let mut failures = Vec::new();
    let mut statements: Vec<(&str, Statement)> = Vec::with_capacity(blocks.len());
    let mut missing: Vec<(String, usize)> = Vec::new();
    let mut batches = Vec::with_capacity(chunks.len());
    let outcomes = chunks.into_iter().flat_map(|(outcomes, batch)| {
        batches.push(batch);
        outcomes
    });
    for ((deal, _), outcome) in blocks.iter().zip(outcomes) {
        match outcome {
            Outcome::Evaluated(statement) => statements.push((deal, *statement)),
            Outcome::Failed(rendered) => failures.push(rendered.for_deal(deal)),
            Outcome::NoAgreement(row) => missing.push((deal.clone(), row)),
        }
    }
    let seen: HashSet<&str> = blocks.iter().map(|(deal, _)| deal.as_str()).collect();
    let mut unused: Vec<&str> = deals
        .keys()
        .map(String::as_str)
        .filter(|deal| !seen.contains(deal))
        .collect();
    unused.sort_unstable();
    failures.extend(portfolio::rows_without_agreement(&missing, &unused).map(Rendered::message));
    failures.extend(portfolio::agreements_without_rows(&unused).map(Rendered::message));
    if !failures.is_empty() {
        return Err(deal_error(py, failures));
    }
    let parts: Vec<crate::table_out::Part<'_>> = statements
        .iter()
        .map(|(deal, statement)| (Some(*deal), statement))
        .collect();
    let (rows, totals, events) = py.detach(|| {
        let rows = batches
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .and_then(table_out::unify)
            .map_err(|error| {
                PyValueError::new_err(format!("building the statement's table: {error}"))
            })?;
        tables(Some(rows), &parts, true, explain)
    })?;
    let facts = PyDict::new(py);
    facts.set_item("deals", statements.len())?;
    let currencies: Vec<&str> = {
        let mut codes: Vec<&str> = statements
            .iter()
            .map(|(_, statement)| statement.currency.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    };
    facts.set_item("currencies", currencies)?;
    Ok((rows, totals, events, facts))
}

/// What became of one deal.
enum Outcome {
    Evaluated(Box<Statement>),
    Failed(Rendered),
    /// Rows for a deal no agreement is given for: its first row.
    NoAgreement(usize),
}

/// The series' deals, in order, each with its rows read; with the first
/// row of each (for a deal without an agreement to be named by it).
type Blocks = Vec<(String, (usize, Result<Series, Rendered>))>;

/// Reads a long-form series: a table grouped by its `deal` column, or a
/// file read as `deal eval` reads it (a deal's rows together).
fn read_series(py: Python<'_>, series: &Bound<'_, PyAny>) -> PyResult<Blocks> {
    if let Ok(path) = series.extract::<PathBuf>() {
        return py
            .detach(|| read_file(&path))
            .map_err(|r| deal_error(py, vec![r]));
    }
    let table = stream::import(series)?;
    py.detach(|| {
        let layout = table_in::Layout::of(&table, true)?;
        let rows = table_in::Rows::new(&layout, &table)?;
        let deals = rows.deals()?;
        Ok(deals
            .into_par_iter()
            .map(|(deal, at)| {
                let first = at.first().map_or(0, |at| at.row);
                let series = rows.series_of(&at).map_err(|problems| {
                    Rendered::of_table(&problems, &format!("series table, deal `{deal}`"))
                });
                (deal, (first, series))
            })
            .collect())
    })
    .map_err(|problems: Vec<dealterms::Problem>| {
        deal_error(py, vec![Rendered::of_table(&problems, "series table")])
    })
}

/// A long-form CSV file's blocks, each deal's rows read as the CLI reads
/// them (a problem shows its row).
fn read_file(path: &std::path::Path) -> Result<Blocks, Rendered> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|error| Rendered::message(format!("cannot read `{name}`: {error}")))?;
    let render = |problems: &[portfolio::RowProblem]| Rendered {
        human: portfolio::render_row_problems(path, None, problems, crate::errors::HUMAN),
        json: portfolio::render_row_problems(path, None, problems, Style::Json),
        located: true,
        deal: None,
    };
    let blocks = portfolio::open(std::io::BufReader::new(file))
        .map_err(|problem| render(std::slice::from_ref(&*problem)))?;
    let mut read = Vec::new();
    for block in blocks {
        let series = block.series.map_err(|problems| render(&problems));
        read.push((block.deal, (block.first_row, series)));
    }
    Ok(read)
}

/// Deals evaluated together, and their rows built into one batch.
const DEALS_PER_CHUNK: usize = 64;

/// Every deal evaluated, in parallel, in the series' order, a chunk at a
/// time: each chunk's rows are built into a batch at once, while its
/// statements are still in the core's cache.
fn evaluate_all(
    blocks: &Blocks,
    deals: &HashMap<String, Given>,
    options: &Options,
    explain: bool,
) -> Vec<(Vec<Outcome>, Result<RecordBatch, ArrowError>)> {
    blocks
        .par_chunks(DEALS_PER_CHUNK)
        .map(|chunk| {
            let outcomes: Vec<Outcome> = chunk
                .iter()
                .map(|(deal, block)| evaluate_one(deal, block, deals, options))
                .collect();
            let parts: Vec<table_out::Part<'_>> = chunk
                .iter()
                .zip(&outcomes)
                .filter_map(|((deal, _), outcome)| match outcome {
                    Outcome::Evaluated(statement) => Some((Some(deal.as_str()), &**statement)),
                    _ => None,
                })
                .collect();
            let batch = table_out::rows(&parts, true, explain);
            (outcomes, batch)
        })
        .collect()
}

/// One deal's statement, or what became of it instead.
fn evaluate_one(
    deal: &str,
    (first_row, series): &(usize, Result<Series, Rendered>),
    deals: &HashMap<String, Given>,
    options: &Options,
) -> Outcome {
    let series = match series {
        Ok(series) => series,
        Err(rendered) => return Outcome::Failed(rendered.clone()),
    };
    let Some(given) = deals.get(deal) else {
        return Outcome::NoAgreement(*first_row);
    };
    let compiled;
    let (agreement, name, text) = match given {
        Given::Compiled(agreement, name, text) => (agreement, name, text),
        Given::Source(name, bytes) => match crate::compiled(bytes.clone(), name) {
            Ok(agreement) => {
                compiled = agreement;
                (&compiled.agreement, &compiled.name, &compiled.text)
            }
            Err(rendered) => return Outcome::Failed(rendered),
        },
    };
    // The engine reads only the events a deal declares.
    match eval::evaluate(agreement, series, options) {
        Ok(statement) => Outcome::Evaluated(Box::new(statement)),
        Err(problem) => {
            Outcome::Failed(Rendered::of_text(&[problem], name, text, Quote::Agreement))
        }
    }
}
