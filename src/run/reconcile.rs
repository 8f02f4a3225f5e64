//! `deal reconcile FILE --series SALES --reported STATEMENT`: a
//! counterparty's statement against what the agreement computes; for a
//! portfolio, every deal's at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dealterms::diagnostics::Style;
use dealterms::eval::Options;
use dealterms::reconcile::{self, Reconciliation, ReportedColumns, ReportedRow};
use dealterms::report::{reconciliation, xlsx};
use dealterms::source::Input;
use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;

use super::eval::{Evaluated, SeriesSource, evaluated};
use super::portfolio::{Outcome, SeriesName, agreements, row_problems, statement_of};
use super::{
    Loaded, Status, load, read_sheet, show_series_problems, show_sheet_problems, table_width,
    write_output,
};
use crate::cli::StatementFormat;

/// What `deal reconcile` was asked for.
pub struct Request<'a> {
    pub series: Option<&'a Path>,
    pub reported: &'a Path,
    /// `--reported-columns`, as written: `party=Payee`...
    pub reported_columns: &'a [String],
    pub tolerance: Decimal,
    pub events: &'a [(String, Date)],
    pub format: StatementFormat,
    pub output: Option<&'a Path>,
}

pub fn reconcile(files: &[PathBuf], request: Request<'_>, style: Style) -> Status {
    match run(files, &request, style) {
        Ok(status) | Err(status) => status,
    }
}

fn run(files: &[PathBuf], request: &Request<'_>, style: Style) -> Result<Status, Status> {
    if request.format == StatementFormat::Html {
        tell!("deal: a reconciliation is a table, CSV, JSON or a workbook; not a web page");
        return Err(Status::Failed);
    }
    let mut names = ReportedColumns::default();
    for assignment in request.reported_columns {
        names.rename(assignment).map_err(|reason| {
            tell!("deal: --reported-columns: {reason}");
            Status::Failed
        })?;
    }
    super::identity::refuse_output_over(request.output, &[request.reported])?;
    let reconciliations = match files {
        [file] if !file.is_dir() => vec![(None, one_deal(file, request, &names, style)?)],
        _ => portfolio(files, request, &names, style)?,
    };
    let differing: usize = reconciliations
        .iter()
        .map(|(_, r)| r.discrepancies().count())
        .sum();
    let lines: usize = reconciliations.iter().map(|(_, r)| r.lines.len()).sum();
    let named: Vec<(Option<&str>, &Reconciliation)> = reconciliations
        .iter()
        .map(|(deal, r)| (deal.as_deref(), r))
        .collect();
    write_output(request.output, rendered(&named, request.format)?)?;
    if request.output.is_some() || request.format != StatementFormat::Table {
        // The table says so itself; elsewhere, standard error does.
        match differing {
            0 => tell!("deal: all {lines} lines agree"),
            n => tell!("deal: {n} of {lines} lines do not agree"),
        }
    }
    Ok(if differing == 0 {
        Status::Ok
    } else {
        Status::Invalid
    })
}

/// One agreement's reconciliation.
fn one_deal(
    file: &Path,
    request: &Request<'_>,
    names: &ReportedColumns,
    style: Style,
) -> Result<Reconciliation, Status> {
    let sheet = match request.series {
        Some(path) if dealterms::workbook::is_workbook(path) => Some(read_sheet(path)?),
        _ => None,
    };
    let source = SeriesSource {
        path: request.series,
        sheet: sheet.as_ref(),
    };
    let Evaluated { statement, .. } =
        evaluated(file, source, (request.events, false), request.output, style)?;
    let rows = reported_rows(request.reported, names, false, style)?;
    compared(&statement, &rows, request.tolerance)
}

/// Every deal's reconciliation, in the order of the series; deals whose
/// series or agreement is wrong are reported and left out.
fn portfolio(
    files: &[PathBuf],
    request: &Request<'_>,
    names: &ReportedColumns,
    style: Style,
) -> Result<Vec<(Option<String>, Reconciliation)>, Status> {
    let deals = agreements(files, None, None)?;
    let Some(series_path) = request.series else {
        tell!("deal: a portfolio needs `--series FILE`, a long-form series with a `deal` column");
        return Err(Status::Failed);
    };
    let sheet = match series_path {
        path if dealterms::workbook::is_workbook(path) => Some(read_sheet(path)?),
        _ => None,
    };
    let loaded = match &sheet {
        Some(_) => None,
        None => match load(series_path, Input::Series)? {
            Loaded::Text(_, text) => Some(text),
            Loaded::Problem(name, problem, shown) => {
                show_series_problems(&[problem], &name, &shown, style);
                return Err(Status::Invalid);
            }
        },
    };
    // The workbook's sheet as the series text it reads as, or the file's.
    let text = sheet
        .as_ref()
        .map(|sheet| sheet.text.as_str())
        .or(loaded.as_deref())
        .unwrap_or_default();
    let series_name = SeriesName {
        path: series_path,
        sheet: sheet.as_ref(),
    };
    let blocks: Vec<_> = dealterms::portfolio::open(text.as_bytes())
        .map_err(|problem| {
            tell_raw!("{}", row_problems(series_name, &[*problem], style));
            Status::Invalid
        })?
        .collect();
    let mut reported: BTreeMap<String, Vec<ReportedRow>> = BTreeMap::new();
    for row in reported_rows(request.reported, names, true, style)? {
        reported
            .entry(row.deal.clone().unwrap_or_default())
            .or_default()
            .push(row);
    }
    let options = Options {
        event_dates: request.events.iter().cloned().collect(),
        ..Options::default()
    };
    let outcomes: Vec<(String, Result<_, Outcome>)> = blocks
        .into_par_iter()
        .map(|block| {
            let deal = block.deal.clone();
            (
                deal,
                statement_of(block, &deals, &options, style, series_name),
            )
        })
        .collect();
    let mut status = Status::Ok;
    let mut out = Vec::with_capacity(outcomes.len());
    for (deal, outcome) in outcomes {
        match outcome {
            Ok((_, statement)) => {
                let rows = reported.remove(&deal).unwrap_or_default();
                out.push((Some(deal), compared(&statement, &rows, request.tolerance)?));
            }
            Err(Outcome::Failed(text)) => {
                tell_raw!("{text}");
                status = Status::Invalid;
            }
            Err(Outcome::NoAgreement { deal, row }) => {
                tell!("deal: series rows without an agreement: `{deal}` (row {row})");
                status = Status::Invalid;
            }
            Err(Outcome::Rendered(_) | Outcome::Evaluated(..)) => {}
        }
    }
    for (deal, rows) in &reported {
        let lines: Vec<String> = rows.iter().map(|row| row.line.to_string()).collect();
        tell!(
            "deal: `{}` reports deal `{deal}` (lines {}), which has no series rows or no agreement",
            request.reported.display(),
            lines.join(", ")
        );
        status = Status::Invalid;
    }
    if status == Status::Ok {
        Ok(out)
    } else {
        Err(status)
    }
}

/// The reported statement's rows, or its problems shown (each naming its
/// cell, in a workbook).
fn reported_rows(
    path: &Path,
    names: &ReportedColumns,
    portfolio: bool,
    style: Style,
) -> Result<Vec<ReportedRow>, Status> {
    if dealterms::workbook::is_workbook(path) {
        let sheet = read_sheet(path)?;
        return reconcile::reported::read(&sheet.text, names, portfolio).map_err(|problems| {
            show_sheet_problems(path, &sheet, &problems, style);
            Status::Invalid
        });
    }
    match load(path, Input::Series)? {
        Loaded::Problem(name, problem, shown) => {
            show_series_problems(&[problem], &name, &shown, style);
            Err(Status::Invalid)
        }
        Loaded::Text(name, text) => {
            reconcile::reported::read(&text, names, portfolio).map_err(|problems| {
                show_series_problems(&problems, &name, &text, style);
                Status::Invalid
            })
        }
    }
}

fn compared(
    statement: &dealterms::eval::statement::Statement,
    rows: &[ReportedRow],
    tolerance: Decimal,
) -> Result<Reconciliation, Status> {
    reconcile::reconcile(statement, rows, tolerance).map_err(|_| {
        tell!(
            "deal: the reported figures of `{}` add up beyond the largest amount a decimal holds",
            statement.agreement
        );
        Status::Invalid
    })
}

/// The reconciliations in `format`.
fn rendered(
    reconciliations: &[(Option<&str>, &Reconciliation)],
    format: StatementFormat,
) -> Result<Vec<u8>, Status> {
    let portfolio = reconciliations.iter().any(|(deal, _)| deal.is_some());
    Ok(match format {
        StatementFormat::Table => reconciliations
            .iter()
            .map(|(deal, r)| reconciliation::render_table(r, *deal, table_width()))
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        StatementFormat::Csv => {
            let mut out = reconciliation::csv_header(portfolio);
            for (deal, r) in reconciliations {
                out.push_str(&reconciliation::csv_rows(r, *deal));
            }
            out.into_bytes()
        }
        StatementFormat::Json => {
            let values: Vec<serde_json::Value> = reconciliations
                .iter()
                .map(|(deal, r)| reconciliation::json(r, *deal))
                .collect();
            let value = match values.as_slice() {
                [one] if !portfolio => one.clone(),
                _ => serde_json::Value::Array(values),
            };
            let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
            text.push('\n');
            text.into_bytes()
        }
        // Refused before anything is read (`run`).
        StatementFormat::Html => Vec::new(),
        StatementFormat::Xlsx => {
            let mut bytes = Vec::new();
            xlsx::reconciliation_workbook(reconciliations, &mut bytes).map_err(|error| {
                tell!("deal: {error}");
                Status::Failed
            })?;
            bytes
        }
    })
}
