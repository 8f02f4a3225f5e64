//! `deal solve FILE --vary revenue --until "Microsoft cap reached by 2029"`:
//! the factor of a column at which an event happens by a period, and the
//! statement there.

use std::path::Path;

use dealterms::diagnostics::Style;
use dealterms::report;
use dealterms::scenario::solve::{self, Search, SolveError};
use jiff::civil::Date;
use rust_decimal::Decimal;

use super::eval::event_options;
use super::scenarios::agreement_and_series;
use super::{Status, show_problems, table_width, write_output};
use crate::cli::OutputFormat;

/// What `deal solve` was asked for.
pub(super) struct Request<'a> {
    pub series: Option<&'a Path>,
    pub vary: &'a str,
    pub until: &'a str,
    pub range: (Decimal, Decimal),
    pub precision: Decimal,
    pub largest: bool,
    pub events: &'a [(String, Date)],
    pub format: OutputFormat,
    pub style: Style,
}

/// `deal solve`
pub(super) fn solve(file: &Path, request: Request<'_>) -> Status {
    match run(file, &request) {
        Ok(()) => Status::Ok,
        Err(status) => status,
    }
}

fn run(file: &Path, request: &Request<'_>) -> Result<(), Status> {
    let (name, text, agreement, series) =
        agreement_and_series(file, request.series, request.style)?;
    let until = solve::until(&agreement, request.until).map_err(|reason| {
        tell!("deal: --until: {reason}");
        Status::Failed
    })?;
    let options = event_options(&agreement, &name, request.events, false)?;
    let search = Search {
        column: request.vary.to_string(),
        low: request.range.0,
        high: request.range.1,
        precision: request.precision,
        largest: request.largest,
    };
    let goal = until.text();
    let solution = solve::solve(&agreement, &series, &options, &until, &search).map_err(|error| {
        let when = |period: Option<dealterms::period::Period>| {
            period.map_or_else(|| "never".to_string(), |p| format!("in {p}"))
        };
        match error {
            SolveError::Grid(error) => {
                tell!("deal: {error}");
                Status::Failed
            }
            SolveError::Range(reason) => {
                tell!("deal: --range: {reason}");
                Status::Failed
            }
            SolveError::Problem(factor, problem) => {
                tell!(
                    "deal: {} scaled by {factor} cannot be evaluated (narrow `--range` to leave it out):",
                    request.vary
                );
                show_problems(&[*problem], &name, &text, request.style);
                Status::Invalid
            }
            SolveError::Never { low, high } if low.1.is_none() && high.1.is_none() => {
                tell!(
                    "deal: {} happens at no factor of {} from {} to {}: check that the clause has one, or widen `--range`",
                    until.event.name(),
                    request.vary,
                    low.0,
                    high.0,
                );
                Status::Invalid
            }
            SolveError::Never { low, high } => {
                tell!(
                    "deal: no factor of {} from {} to {} makes {goal} (at {}: {}; at {}: {}); widen `--range`",
                    request.vary,
                    low.0,
                    high.0,
                    low.0,
                    when(low.1),
                    high.0,
                    when(high.1),
                );
                Status::Invalid
            }
            SolveError::Skipped { at, neighbour } => {
                let between = match neighbour {
                    Some((factor, period)) => format!(
                        "it happens {} at {factor} and {} at {}, with no factor between on a grid of {}",
                        when(period),
                        when(at.1),
                        at.0,
                        request.precision
                    ),
                    None => format!(
                        "at {}, the end of the range, it happens {}",
                        at.0,
                        when(at.1)
                    ),
                };
                tell!("deal: no factor of {} makes {goal}: {between}", request.vary);
                Status::Invalid
            }
        }
    })?;
    let which = if request.largest {
        "largest"
    } else {
        "smallest"
    };
    let mut out = format!(
        "{which} factor of {}: {} (to {}), {} ({} evaluations)\n",
        request.vary, solution.factor, request.precision, goal, solution.evaluations
    );
    out.push_str(&format!(
        "  at {}: {} in {}\n",
        solution.factor,
        until.event.name(),
        solution.period
    ));
    match solution.neighbour {
        Some((factor, period)) => {
            let when = period.map_or_else(|| "does not happen".to_string(), |p| format!("in {p}"));
            out.push_str(&format!("  at {factor}: {} {when}\n", until.event.name()));
        }
        // The goal is met at the end of the range already.
        None => out.push_str(&format!(
            "  the goal is met at the {} end of the range already: {} `--range` to find where it starts to be\n",
            if request.largest { "high" } else { "low" },
            if request.largest { "raise" } else { "lower" },
        )),
    }
    let statement = &solution.statement;
    let rendered = match request.format {
        OutputFormat::Table => {
            out.push('\n');
            out.push_str(&report::table::render(statement, table_width(), false));
            out
        }
        OutputFormat::Csv => {
            tell_raw!("{out}");
            report::csv::render(statement, &report::csv::default_columns(false, false))
        }
        OutputFormat::Json => {
            let statement: serde_json::Value =
                serde_json::from_str(&report::json::render(statement, false)).unwrap_or_default();
            let neighbour = solution.neighbour.map(|(factor, period)| {
                serde_json::json!({
                    "factor": factor.to_string(),
                    "period": period.map(|p| p.to_string()),
                })
            });
            let document = serde_json::json!({
                "column": request.vary,
                "goal": goal,
                "which": which,
                "precision": request.precision.to_string(),
                "factor": solution.factor.to_string(),
                "period": solution.period.to_string(),
                "neighbour": neighbour,
                "statement": statement,
            });
            let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
            text.push('\n');
            text
        }
    };
    write_output(None, rendered)
}
