//! `deal eval FILE --series CSV`: one agreement's statement.

use std::path::Path;

use dealterms::agreement::Agreement;
use dealterms::eval::{self, Options};
use dealterms::report;
use jiff::civil::Date;

use super::{
    EvalRequest, Status, compiled, declared::declared_series, read_series, show_problems,
    table_width, write_output,
};
use crate::cli::OutputFormat;

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
        ..
    } = request;
    let (name, text, agreement) = compiled(file, style)?;
    let options = event_options(&agreement, &name, events, explain)?;
    let series_path = match series_path {
        Some(path) => path.to_path_buf(),
        None => declared_series(file, (&name, &text, &agreement), style)?.ok_or_else(|| {
            tell!(
                "deal: no series for `{name}`: give `--series FILE`, or name one in the agreement (`series \"{}.csv\"`)",
                file.file_stem().map_or("deal".into(), |s| s.to_string_lossy())
            );
            Status::Failed
        })?,
    };
    super::identity::refuse_output_over(output, &[file, &series_path])?;
    let series = match sheet {
        Some(sheet) => super::series_of_sheet(&series_path, sheet, style)?,
        None => read_series(&series_path, style)?,
    };
    let statement = eval::evaluate(&agreement, &series, &options).map_err(|problem| {
        show_problems(&[problem], &name, &text, style);
        Status::Invalid
    })?;
    let layout = if by_party {
        report::table::Layout::ByParty
    } else {
        report::table::Layout::ByClause
    };
    let rendered = match format {
        OutputFormat::Table => {
            report::table::render_laid_out(&statement, table_width(), explain, layout)
        }
        OutputFormat::Csv if by_party => report::csv::render_by_party(&statement),
        OutputFormat::Csv => report::csv::render(&statement, &columns),
        OutputFormat::Json => report::json::render(&statement, explain),
    };
    write_output(output, &rendered)
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
            tell!("deal: --event {event}: no event `{event}` in `{name}`; {declared}");
            return Err(Status::Failed);
        }
        options.event_dates.insert(event.clone(), *date);
    }
    Ok(options)
}
