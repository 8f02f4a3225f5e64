//! `dealterms._dealterms`: the `deal` library called from Python. The
//! Python package (`python/dealterms/`) shapes the arguments (a DataFrame
//! to its Arrow stream, a folder to its files) and the results (pyarrow
//! tables); this module compiles, reads series and evaluates, with the
//! GIL released while it works.

mod errors;
mod portfolio;
mod stream;
mod table_in;
mod table_out;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dealterms::diagnostics::{Quote, Style};
use dealterms::eval::statement::Statement;
use dealterms::eval::{self, Options};
use dealterms::series::Series;
use dealterms::source::{self, Input};
use jiff::civil::Date;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use errors::{Rendered, deal_error};
use stream::ArrowStream;

/// A checked agreement, ready to evaluate as often as wanted.
#[pyclass(module = "dealterms._dealterms", frozen)]
pub struct Agreement {
    pub(crate) agreement: Arc<dealterms::agreement::Agreement>,
    /// The file it was read from, or `<agreement>`.
    name: String,
    text: String,
    /// Its warnings, rendered (`deal check` shows them; they do not stop it).
    warnings: Rendered,
}

#[pymethods]
impl Agreement {
    /// The agreement's own name: `agreement "OpenAI-Microsoft" { ... }`.
    #[getter]
    fn title(&self) -> &str {
        &self.agreement.name
    }

    /// The file it was read from, or `<agreement>` for text.
    #[getter]
    fn source_name(&self) -> &str {
        &self.name
    }

    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    /// The ISO 4217 code of its currency.
    #[getter]
    fn currency(&self) -> String {
        self.agreement.currency.code.clone()
    }

    #[getter]
    fn parties(&self) -> Vec<String> {
        self.agreement
            .parties
            .iter()
            .map(|party| party.name.clone())
            .collect()
    }

    /// The events it declares, which `events=` may date.
    #[getter]
    fn events(&self) -> Vec<String> {
        self.agreement
            .events
            .iter()
            .map(|event| event.name.clone())
            .collect()
    }

    /// The labels of its clauses, in the order written.
    #[getter]
    fn clauses(&self) -> Vec<String> {
        self.agreement
            .clauses
            .iter()
            .map(|clause| clause.label.clone())
            .collect()
    }

    /// Its warnings: `(human, json lines)`, empty when none.
    #[getter]
    fn _warnings(&self) -> (String, String) {
        (self.warnings.human.clone(), self.warnings.json.clone())
    }

    fn __repr__(&self) -> String {
        format!(
            "<dealterms.Agreement {:?} ({}, {} clauses)>",
            self.agreement.name,
            self.agreement.currency.code,
            self.agreement.clauses.len()
        )
    }
}

/// An agreement's text from its bytes, or its problem rendered.
fn decoded(bytes: Vec<u8>, name: &str) -> Result<String, Rendered> {
    source::decode(bytes)
        .map_err(|(problem, shown)| Rendered::of_text(&[problem], name, &shown, Quote::Agreement))
}

/// Compiles an agreement's bytes (`name`: its file, for messages).
pub(crate) fn compiled(bytes: Vec<u8>, name: &str) -> Result<Agreement, Rendered> {
    let text = decoded(bytes, name)?;
    match dealterms::compile(&text) {
        Ok((agreement, warnings)) => Ok(Agreement {
            agreement: Arc::new(agreement),
            name: name.to_string(),
            warnings: Rendered::of_text(&warnings, name, &text, Quote::Agreement),
            text,
        }),
        Err(problems) => Err(Rendered::of_text(&problems, name, &text, Quote::Agreement)),
    }
}

/// Every problem of an agreement (errors and warnings) as
/// `(human, json lines)`; both empty when there are none.
#[pyfunction]
fn check(py: Python<'_>, source: Vec<u8>, name: String) -> (String, String) {
    py.detach(|| {
        let rendered = match compiled(source, &name) {
            Ok(agreement) => agreement.warnings,
            Err(rendered) => rendered,
        };
        (rendered.human, rendered.json)
    })
}

/// The agreement checked, or `DealError`.
#[pyfunction]
fn compile(py: Python<'_>, source: Vec<u8>, name: String) -> PyResult<Agreement> {
    py.detach(|| compiled(source, &name))
        .map_err(|rendered| deal_error(py, vec![rendered]))
}

/// Event dates from Python: `[(name, "2027-07-01")]`.
fn event_dates(events: Vec<(String, String)>) -> PyResult<Vec<(String, Date)>> {
    events
        .into_iter()
        .map(|(name, date)| {
            let parsed: Date = date.parse().map_err(|_| {
                PyValueError::new_err(format!(
                    "events: `{date}` is not a date such as `2029-01-01` (for `{name}`)"
                ))
            })?;
            Ok((name, parsed))
        })
        .collect()
}

/// A series: a table's, or a file's (CSV or a workbook's sheet).
fn series_of(py: Python<'_>, series: &Bound<'_, PyAny>) -> PyResult<Series> {
    if let Ok(path) = series.extract::<PathBuf>() {
        return py
            .detach(|| series_file(&path))
            .map_err(|rendered| deal_error(py, vec![rendered]));
    }
    let table = stream::import(series)?;
    py.detach(|| {
        let layout = table_in::Layout::of(&table, false)?;
        table_in::Rows::new(&layout, &table)?.series()
    })
    .map_err(|problems| deal_error(py, vec![Rendered::of_table(&problems, "series table")]))
}

/// The series in a file, as `deal eval --series` reads it; an unreadable
/// file is a problem rendered like the rest.
fn series_file(path: &Path) -> Result<Series, Rendered> {
    let name = path.display().to_string();
    if dealterms::workbook::is_workbook(path) {
        let sheet = dealterms::workbook::read(path).map_err(Rendered::message)?;
        return dealterms::series::read(&sheet.text).map_err(|problems| {
            let render =
                |style| dealterms::workbook::render_problems(path, &sheet, &problems, style);
            Rendered {
                human: render(errors::HUMAN),
                json: render(Style::Json),
                located: true,
                deal: None,
            }
        });
    }
    let file = std::fs::File::open(path)
        .map_err(|error| Rendered::message(format!("cannot read `{name}`: {error}")))?;
    let bytes = source::read_bounded(file, Input::Series)
        .map_err(|error| Rendered::message(format!("cannot read `{name}`: {error}")))?;
    let decoded = match bytes {
        Some(bytes) => source::decode_as(bytes, Input::Series),
        None => Err(Input::Series.too_large()),
    };
    let text = decoded
        .map_err(|(problem, shown)| Rendered::of_text(&[problem], &name, &shown, Quote::Foreign))?;
    dealterms::series::read(&text)
        .map_err(|problems| Rendered::of_text(&problems, &name, &text, Quote::Foreign))
}

/// The options of an evaluation: `events` dated, each declared by the
/// agreement (as `deal eval --event` requires).
fn options(
    agreement: &Agreement,
    events: Vec<(String, String)>,
    explain: bool,
) -> PyResult<Options> {
    let mut options = Options {
        explain,
        ..Options::default()
    };
    for (event, date) in event_dates(events)? {
        if let Some(reason) = eval::unknown_event(&agreement.agreement, &agreement.name, &event) {
            return Err(PyValueError::new_err(format!("events: {reason}")));
        }
        options.event_dates.insert(event, date);
    }
    Ok(options)
}

/// The statement's tables and facts, for `dealterms.Statement`.
type Tables = (ArrowStream, ArrowStream, ArrowStream);

/// The tables of `parts`: their rows (built already, in batches of one
/// schema, or built here when `None`), totals and events.
fn tables(
    rows: Option<Vec<arrow_array::RecordBatch>>,
    parts: &[table_out::Part<'_>],
    portfolio: bool,
    explain: bool,
) -> PyResult<Tables> {
    let error = |error: arrow_schema::ArrowError| {
        PyValueError::new_err(format!("building the statement's table: {error}"))
    };
    let rows = match rows {
        Some(rows) if !rows.is_empty() => rows,
        _ => vec![table_out::rows(parts, portfolio, explain).map_err(error)?],
    };
    let schema = rows
        .first()
        .map(arrow_array::RecordBatch::schema)
        .ok_or_else(|| PyValueError::new_err("a statement without its table"))?;
    Ok((
        ArrowStream::of_batches(schema, rows),
        ArrowStream::of(table_out::totals(parts, portfolio).map_err(error)?),
        ArrowStream::of(table_out::events(parts, portfolio).map_err(error)?),
    ))
}

/// What a statement says of itself.
fn facts<'py>(py: Python<'py>, statement: &Statement) -> PyResult<Bound<'py, PyDict>> {
    let facts = PyDict::new(py);
    facts.set_item("agreement", &statement.agreement)?;
    facts.set_item("currency", &statement.currency)?;
    facts.set_item("minor_units", statement.minor_units)?;
    facts.set_item("rounding", &statement.rounding)?;
    facts.set_item("periods", statement.period_span())?;
    Ok(facts)
}

/// One agreement's statement over a series: `(rows, totals, events, facts)`.
#[pyfunction]
#[pyo3(signature = (agreement, series, events, explain))]
fn evaluate<'py>(
    py: Python<'py>,
    agreement: &Agreement,
    series: &Bound<'py, PyAny>,
    events: Vec<(String, String)>,
    explain: bool,
) -> PyResult<(ArrowStream, ArrowStream, ArrowStream, Bound<'py, PyDict>)> {
    let options = options(agreement, events, explain)?;
    let series = series_of(py, series)?;
    let statement = py
        .detach(|| eval::evaluate(&agreement.agreement, &series, &options))
        .map_err(|problem| {
            let rendered = Rendered::of_text(
                &[problem],
                &agreement.name,
                &agreement.text,
                Quote::Agreement,
            );
            deal_error(py, vec![rendered])
        })?;
    let (rows, totals, events) = tables(None, &[(None, &statement)], false, explain)?;
    Ok((rows, totals, events, facts(py, &statement)?))
}

#[pymodule]
fn _dealterms(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Agreement>()?;
    module.add_class::<ArrowStream>()?;
    module.add_function(wrap_pyfunction!(check, module)?)?;
    module.add_function(wrap_pyfunction!(compile, module)?)?;
    module.add_function(wrap_pyfunction!(evaluate, module)?)?;
    module.add_function(wrap_pyfunction!(portfolio::evaluate_portfolio, module)?)?;
    module.add("VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
