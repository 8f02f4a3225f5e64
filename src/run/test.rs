//! `deal test FILE...`: expectations held against each agreement's series.

use std::path::{Path, PathBuf};

use dealterms::diagnostics::Style;
use jiff::civil::Date;

use super::declared::declared_series;
use super::eval::event_options;
use super::progress::Progress;
use super::{Status, compiled, plural, read_series, show_problems};

/// `deal test FILE...`
pub(super) fn test(
    files: &[PathBuf],
    events: &[(String, Date)],
    style: Style,
    progress: bool,
) -> Status {
    let mut progress = Progress::new(files.len(), "files", progress);
    let mut worst = Status::Ok;
    for file in files {
        // What a file prints goes above the bar (`say!`, `tell!`).
        let status = test_one(file, events, style).unwrap_or_else(|status| status);
        progress.advance(1, 0);
        worst = worst.max(status);
    }
    worst
}

pub(super) fn test_one(
    file: &Path,
    events: &[(String, Date)],
    style: Style,
) -> Result<Status, Status> {
    let (name, text, agreement) = compiled(file, style)?;
    if agreement.expectations.is_empty() {
        // A file with nothing to test must not pass a CI run silently.
        tell!("deal: `{name}` has no `expect` lines to test");
        return Err(Status::Invalid);
    }
    let series_path =
        declared_series(file, (&name, &text, &agreement), style)?.ok_or(Status::Invalid)?;
    let series = read_series(&series_path, style)?;
    let options = event_options(&agreement, &name, events, false)?;
    let verdicts =
        dealterms::verify::verify_scenarios(&agreement, &series, &options).map_err(|problem| {
            show_problems(&[problem], &name, &text, style);
            Status::Invalid
        })?;
    let failures = dealterms::verify::failures(&agreement, &verdicts);
    show_problems(&failures, &name, &text, style);
    let total = verdicts.len();
    let what = plural(total, "expectation", "expectations");
    // A scenario run says which, so that two runs of one file read apart.
    let scenario: String = events
        .iter()
        .map(|(event, date)| format!(" with {event} on {date}"))
        .collect();
    let (summary, status) = if failures.is_empty() {
        (
            format!("{name}: {total} {what} passed{scenario}"),
            Status::Ok,
        )
    } else {
        (
            format!(
                "{name}: {} of {total} {what} failed{scenario}",
                failures.len()
            ),
            Status::Invalid,
        )
    };
    // With JSON diagnostics, tools read the failures; the summary is for people.
    if style != Style::Json {
        say!("{summary}");
    }
    Ok(status)
}
