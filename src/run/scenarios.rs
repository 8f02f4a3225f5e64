//! `deal scenarios FILE --series S --scale revenue=0.7..1.3/0.1 ...`: an
//! agreement (or a portfolio) over a grid of scenarios.

use std::path::{Path, PathBuf};

use dealterms::agreement::Agreement;
use dealterms::diagnostics::Style;
use dealterms::eval::Options;
use dealterms::report::{self, scenarios as render};
use dealterms::scenario::{self, Grid, GridFailure, Variation};
use dealterms::series::Series;

use super::{Status, compiled, read_series, show_problems, table_width, write_output};
use crate::cli::{OutputFormat, StatementFormat};

/// What `deal scenarios` was asked for.
pub(super) struct Request<'a> {
    pub series: Option<&'a Path>,
    pub variations: Vec<Variation>,
    pub format: Option<OutputFormat>,
    pub output: Option<&'a Path>,
    pub chart: Option<(&'a Path, (u32, u32))>,
    pub style: Style,
}

/// `deal scenarios`
pub(super) fn scenarios(files: &[PathBuf], request: Request<'_>) -> Status {
    match run(files, &request) {
        Ok(()) => Status::Ok,
        Err(status) => status,
    }
}

fn run(files: &[PathBuf], request: &Request<'_>) -> Result<(), Status> {
    if request.variations.is_empty() {
        tell!(
            "deal: no scenarios: vary something, such as `--scale revenue=0.7..1.3/0.1`, `--growth revenue=-10%` or `--event agi=2027-01-01..2031-01-01/1y`"
        );
        return Err(Status::Failed);
    }
    let format = match (
        request.format,
        request.output.and_then(StatementFormat::of_file),
    ) {
        (Some(format), _) => format,
        (None, Some(StatementFormat::Csv)) => OutputFormat::Csv,
        (None, Some(StatementFormat::Json)) => OutputFormat::Json,
        (None, _) => OutputFormat::Table,
    };
    let (grid, caps) = match files {
        [file] if !file.is_dir() => {
            let (name, text, agreement, series) =
                agreement_and_series(file, request.series, request.style)?;
            let grid = scenario::run(
                &agreement,
                &series,
                &Options::default(),
                &request.variations,
            )
            .map_err(|failure| failed(failure, &name, &text, request.style))?;
            (grid, report::xlsx::cap_lines(&agreement))
        }
        _ => (portfolio(files, request)?, Vec::new()),
    };
    if let Some((path, size)) = request.chart {
        super::write_chart(path, &render::chart(&grid, &caps), size)?;
    }
    let text = rendered(&grid, format);
    write_output(request.output, text)
}

fn rendered(grid: &Grid, format: OutputFormat) -> String {
    match format {
        OutputFormat::Table => render::render_table(grid, table_width()),
        OutputFormat::Csv => render::render_csv(grid),
        OutputFormat::Json => render::render_json(grid),
    }
}

/// Shows why a grid could not be evaluated; its status.
fn failed(failure: GridFailure, name: &str, text: &str, style: Style) -> Status {
    match failure {
        GridFailure::Grid(error) => {
            tell!("deal: {error}");
            Status::Failed
        }
        GridFailure::Scenario(values, problem) => {
            tell!("deal: in the scenario {values}:");
            show_problems(&[*problem], name, text, style);
            Status::Invalid
        }
    }
}

/// An agreement and its series: `--series`, or the one it names.
pub(super) fn agreement_and_series(
    file: &Path,
    series: Option<&Path>,
    style: Style,
) -> Result<(String, String, Agreement, Series), Status> {
    let (name, text, agreement) = compiled(file, style)?;
    let path = super::eval::series_path(file, series, (&name, &text, &agreement), style)?;
    let series = read_series(&path, style)?;
    Ok((name, text, agreement, series))
}

/// The grid over every deal of a portfolio: the agreements named, and a
/// long-form series.
fn portfolio(files: &[PathBuf], request: &Request<'_>) -> Result<Grid, Status> {
    let Some(series_path) = request.series else {
        tell!("deal: a portfolio needs `--series FILE`, a long-form series with a `deal` column");
        return Err(Status::Failed);
    };
    let agreements = super::portfolio::agreements(files, None, None)?;
    let file = std::fs::File::open(series_path).map_err(|error| {
        tell!("deal: cannot read `{}`: {error}", series_path.display());
        Status::Failed
    })?;
    let show_rows = |problems: &[dealterms::portfolio::RowProblem]| {
        tell_raw!(
            "{}",
            dealterms::portfolio::render_row_problems(series_path, None, problems, request.style)
        );
        Status::Invalid
    };
    let blocks = dealterms::portfolio::open(std::io::BufReader::new(file))
        .map_err(|problem| show_rows(std::slice::from_ref(&*problem)))?;
    let mut deals: Vec<scenario::Deal> = Vec::new();
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut missing: Vec<(String, usize)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut status = Status::Ok;
    for block in blocks {
        seen.push(block.deal.clone());
        let series = match block.series {
            Ok(series) => series,
            Err(problems) => {
                status = show_rows(&problems);
                continue;
            }
        };
        let Some(path) = agreements.get(&block.deal) else {
            missing.push((block.deal, block.first_row));
            continue;
        };
        match compiled(path, request.style) {
            Ok((name, text, agreement)) => {
                texts.push((name, text));
                deals.push((block.deal, agreement, series));
            }
            Err(failed) => status = status.max(failed),
        }
    }
    let unused: Vec<&str> = agreements
        .keys()
        .filter(|deal| !seen.contains(deal))
        .map(String::as_str)
        .collect();
    if let Some(message) = dealterms::portfolio::rows_without_agreement(&missing, &unused) {
        tell!("deal: {message}");
        status = Status::Invalid;
    }
    if let Some(message) = dealterms::portfolio::agreements_without_rows(&unused) {
        tell!("deal: {message}");
        status = Status::Invalid;
    }
    if status != Status::Ok {
        return Err(status);
    }
    scenario::run_portfolio(&deals, &Options::default(), &request.variations).map_err(
        |(deal, failure)| {
            let (name, text) = deals
                .iter()
                .position(|(d, _, _)| *d == deal)
                .and_then(|at| texts.get(at))
                .map_or((String::new(), String::new()), |(n, t)| {
                    (n.clone(), t.clone())
                });
            if !deal.is_empty() {
                tell!("deal: deal `{deal}`:");
            }
            failed(failure, &name, &text, request.style)
        },
    )
}
