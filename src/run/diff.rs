//! `deal diff OLD NEW`: what changed, in terms and in money.

use std::path::{Path, PathBuf};

use dealterms::agreement::Agreement;
use dealterms::diagnostics::Style;
use dealterms::eval::{self, Options};
use dealterms::report;
use dealterms::source::{self, Input};
use jiff::civil::Date;

use super::progress::Progress;
use super::{
    Loaded, Status, compile_loaded, compiled, declared::declared_series, read_series,
    show_problems, table_width, write_output,
};
use crate::cli::OutputFormat;

/// What `deal diff` evaluates the two versions on.
pub(super) struct DiffOptions<'a> {
    pub(super) series: Option<&'a Path>,
    pub(super) relative_to: Option<&'a Path>,
    pub(super) events: &'a [(String, Date)],
    /// `--chart FILE` and its size.
    pub(super) chart: Option<(&'a Path, (u32, u32))>,
    /// Whether a long comparison may show its progress.
    pub(super) progress: bool,
}

/// The steps of a comparison with a series, as its progress names them.
const STEPS: [&str; 4] = [
    "reading the series",
    "evaluating the old version",
    "evaluating the new version",
    "comparing",
];

/// `deal diff OLD NEW`
pub(super) fn diff(
    old: &str,
    new: &str,
    options: DiffOptions<'_>,
    format: OutputFormat,
    style: Style,
) -> Result<(), Status> {
    let DiffOptions {
        series,
        relative_to,
        events,
        chart,
        progress,
    } = options;
    // Reading, evaluating each version on the series, comparing: a long
    // series makes each step long.
    let mut progress = Progress::new(STEPS.len(), "steps", progress);
    progress.step(STEPS[0]);
    let old_version = compiled_version(old, style)?;
    let new_version = compiled_version(new, style)?;
    let (old_agreement, new_agreement) = (&old_version.2, &new_version.2);
    let changes = dealterms::diff::terms(old_agreement, new_agreement);
    let anchor = relative_to.map_or_else(|| version_path(new), Path::to_path_buf);
    let series_path = match series {
        Some(path) => Some(path.to_path_buf()),
        None => {
            let (name, text, agreement) = &new_version;
            declared_series(&anchor, (name, text, agreement), style)?
        }
    };
    if chart.is_some() && series_path.is_none() {
        tell!("deal: --chart draws the money: give `--series FILE`, or name a series in NEW");
        return Err(Status::Failed);
    }
    let money = match series_path {
        None => None,
        Some(path) => {
            let series = read_series(&path, style)?;
            progress.advance(1, 0);
            progress.step(STEPS[1]);
            for (event, _) in events {
                let declared = |a: &Agreement| a.events.iter().any(|e| &e.name == event);
                if !declared(old_agreement) && !declared(new_agreement) {
                    tell!("deal: --event {event}: neither version declares an event `{event}`");
                    return Err(Status::Failed);
                }
            }
            let options = Options {
                event_dates: events.iter().cloned().collect(),
                ..Options::default()
            };
            let evaluate = |(name, text, agreement): &(String, String, Agreement)| {
                eval::evaluate(agreement, &series, &options).map_err(|problem| {
                    show_problems(&[problem], name, text, style);
                    Status::Invalid
                })
            };
            let before = evaluate(&old_version)?;
            progress.advance(1, series.periods.len());
            progress.step(STEPS[2]);
            let after = evaluate(&new_version)?;
            progress.advance(1, series.periods.len());
            progress.step(STEPS[3]);
            if let Some((path, size)) = chart {
                let caps = (
                    report::xlsx::cap_lines(old_agreement),
                    report::xlsx::cap_lines(new_agreement),
                );
                let drawn = report::chart::Chart::of_diff(&before, &after, (&caps.0, &caps.1));
                super::write_chart(path, &drawn, size)?;
            }
            Some(dealterms::diff::money(&before, &after).map_err(|_| {
                tell!("deal: the difference between `{old}` and `{new}` is beyond the exact decimal range");
                Status::Invalid
            })?)
        }
    };
    drop(progress);
    let rendered = match format {
        OutputFormat::Table => report::table::render_diff(&changes, money.as_ref(), table_width()),
        OutputFormat::Csv => report::csv::render_diff(&changes, money.as_ref()),
        OutputFormat::Json => report::json::render_diff(&changes, money.as_ref()),
    };
    write_output(None, &rendered)
}

/// The path a version stands for: the file, or the path in a revision
/// (`HEAD~1:deals/x.deal` stands for `deals/x.deal`).
pub(super) fn version_path(spec: &str) -> PathBuf {
    if Path::new(spec).exists() {
        return PathBuf::from(spec);
    }
    PathBuf::from(spec.split_once(':').map_or(spec, |(_, path)| path))
}

/// A version of an agreement: a file, or a git revision of one.
pub(super) fn compiled_version(
    spec: &str,
    style: Style,
) -> Result<(String, String, Agreement), Status> {
    if Path::new(spec).exists() || !spec.contains(':') || spec == "-" {
        return compiled(Path::new(spec), style);
    }
    let cannot = |error: std::io::Error| {
        tell!("deal: cannot run git to read `{spec}`: {error}");
        Status::Failed
    };
    let mut git = std::process::Command::new("git")
        .args(["show", "--end-of-options", spec])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(cannot)?;
    // Read up to an agreement's limit and no further, as from a file: a
    // revision may hold a file of any size.
    let bytes = match git.stdout.take() {
        Some(stdout) => source::read_bounded(stdout, Input::Agreement).map_err(cannot)?,
        None => Some(Vec::new()),
    };
    let Some(bytes) = bytes else {
        let _ = git.kill();
        let _ = git.wait();
        let (problem, shown) = Input::Agreement.too_large();
        show_problems(&[problem], spec, &shown, style);
        return Err(Status::Invalid);
    };
    let output = git.wait_with_output().map_err(cannot)?;
    if !output.status.success() {
        tell!(
            "deal: cannot read `{spec}`: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return Err(Status::Failed);
    }
    let (name, text, agreement, _) = compile_loaded(
        Loaded::new(spec.to_string(), bytes, Input::Agreement),
        style,
    )?;
    Ok((name, text, agreement))
}
