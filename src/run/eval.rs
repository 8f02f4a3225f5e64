//! `deal eval FILE --series CSV`: one agreement's statement.

use std::path::Path;

use dealterms::agreement::Agreement;
use dealterms::eval::statement::Statement;
use dealterms::eval::{self, Options};
use dealterms::report::chart::Chart;
use dealterms::report::{
    self,
    csv::Column,
    xlsx::{self, StatementBook, WorkbookError},
};
use jiff::civil::Date;

use super::{
    EvalRequest, Status, compiled, declared::declared_series, read_series, show_problems,
    table_width, write_output,
};
use crate::cli::StatementFormat;

/// `deal eval FILE --series CSV`
pub(super) fn eval(file: &Path, request: EvalRequest<'_>) -> Result<(), Status> {
    let columns = request.csv_columns(false)?;
    let EvalRequest {
        series: series_path,
        format,
        explain,
        events,
        output,
        style,
        by_party,
        sheet,
        chart,
        chart_deal,
        ..
    } = request;
    if chart_deal.is_some() {
        tell!(
            "deal: --chart-deal names a deal of a portfolio; one agreement is charted by --chart alone"
        );
        return Err(Status::Failed);
    }
    let Evaluated {
        name,
        text,
        agreement,
        statement,
    } = evaluated(
        file,
        SeriesSource {
            path: series_path,
            sheet,
        },
        // A web page explains every figure on demand.
        (events, explain || format == StatementFormat::Html),
        output,
        style,
    )?;
    let layout = if by_party {
        report::table::Layout::ByParty
    } else {
        report::table::Layout::ByClause
    };
    let rendered = match format {
        StatementFormat::Table => {
            report::table::render_laid_out(&statement, table_width(), explain, layout).into_bytes()
        }
        StatementFormat::Csv if by_party => report::csv::render_by_party(&statement).into_bytes(),
        StatementFormat::Csv => report::csv::render(&statement, &columns).into_bytes(),
        StatementFormat::Json => report::json::render(&statement, explain).into_bytes(),
        StatementFormat::Html => report::html::render(&statement, &agreement, (&name, &text))
            .map_err(|error| {
                tell!("deal: {error}");
                Status::Failed
            })?
            .into_bytes(),
        StatementFormat::Xlsx => workbook(&statement, &columns, (&name, &text, &agreement))
            .map_err(|error| {
                tell!("deal: {error}");
                Status::Failed
            })?,
    };
    if let Some((path, size)) = chart {
        super::identity::refuse_output_over(Some(path), &[file])?;
        let caps = xlsx::cap_lines(&agreement);
        super::write_chart(path, &Chart::of_statement(&statement, &caps), size)?;
    }
    write_output(output, &rendered)
}

/// The statement as a workbook: its rows, totals and events, each payee's
/// cumulative payments charted with the caps, and the agreement's text.
fn workbook(
    statement: &Statement,
    columns: &[Column],
    (name, text, agreement): (&str, &str, &Agreement),
) -> Result<Vec<u8>, WorkbookError> {
    let mut book = StatementBook::new(columns)?;
    book.add(None, statement)?;
    book.add_chart(statement, &xlsx::cap_lines(agreement))?;
    book.add_terms(name, text)?;
    let mut bytes = Vec::new();
    book.save(&mut bytes)?;
    Ok(bytes)
}

/// Where the series comes from: `--series`, read once when a workbook,
/// or else the agreement's own.
#[derive(Clone, Copy)]
pub(super) struct SeriesSource<'a> {
    pub path: Option<&'a Path>,
    pub sheet: Option<&'a dealterms::workbook::Sheet>,
}

/// An agreement, compiled, and its statement.
pub(super) struct Evaluated {
    pub name: String,
    pub text: String,
    pub agreement: Agreement,
    pub statement: Statement,
}

/// Compiles the agreement in `file` and evaluates it on its series, with
/// the `--event` dates (and `--explain`); `output`, where the result will
/// go, may be neither.
pub(super) fn evaluated(
    file: &Path,
    series: SeriesSource<'_>,
    (events, explain): (&[(String, Date)], bool),
    output: Option<&Path>,
    style: dealterms::diagnostics::Style,
) -> Result<Evaluated, Status> {
    let (name, text, agreement) = compiled(file, style)?;
    let options = event_options(&agreement, &name, events, explain)?;
    let series_path = series_path(file, series.path, (&name, &text, &agreement), style)?;
    super::identity::refuse_output_over(output, &[file, &series_path])?;
    let series = match series.sheet {
        Some(sheet) => super::series_of_sheet(&series_path, sheet, style)?,
        None => read_series(&series_path, style)?,
    };
    let statement = eval::evaluate(&agreement, &series, &options).map_err(|problem| {
        show_problems(&[problem], &name, &text, style);
        Status::Invalid
    })?;
    Ok(Evaluated {
        name,
        text,
        agreement,
        statement,
    })
}

/// The series to evaluate the agreement in `file` on: `--series`, or the
/// one the agreement names; none is a usage error, said with the line to
/// add.
pub(super) fn series_path(
    file: &Path,
    given: Option<&Path>,
    (name, text, agreement): (&str, &str, &Agreement),
    style: dealterms::diagnostics::Style,
) -> Result<std::path::PathBuf, Status> {
    if let Some(path) = given {
        return Ok(path.to_path_buf());
    }
    declared_series(file, (name, text, agreement), style)?.ok_or_else(|| {
        tell!(
            "deal: no series for `{name}`: give `--series FILE`, or name one in the agreement (`series \"{}.csv\"`)",
            file.file_stem().map_or("deal".into(), |s| s.to_string_lossy())
        );
        Status::Failed
    })
}

/// The `--event` dates, each naming an event the agreement declares.
pub(super) fn event_options(
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
        if let Some(reason) = eval::unknown_event(agreement, name, event) {
            tell!("deal: --event {event}: {reason}");
            return Err(Status::Failed);
        }
        options.event_dates.insert(event.clone(), *date);
    }
    Ok(options)
}
