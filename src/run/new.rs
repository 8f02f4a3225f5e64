//! `deal new NAME`: a new agreement, `NAME.deal`, with a small series
//! `NAME.csv` beside it and one expectation, that `deal check` and `deal
//! test` pass at once; `--from EXAMPLE` starts from a bundled example
//! instead. Nothing is written over an existing file, and the two files are
//! written whole or not at all.

use std::path::Path;

use super::Status;

include!(concat!(env!("OUT_DIR"), "/examples.rs"));

/// The template's series: four quarters of revenue.
const SERIES: &str = "period,revenue\n2026Q1,250000\n2026Q2,310000\n2026Q3,420000\n2026Q4,515000\n";

/// The template: one licensor paid a capped share of the licensee's
/// revenue, what each line is for said in a comment.
fn template(title: &str, series: &str) -> String {
    format!(
        r#"# {title}: written from its term sheet. `deal check {title}.deal` checks it,
# `deal eval {title}.deal` shows what it pays on its series, `deal test`
# checks the `expect` lines. The language: docs/language.md.
agreement "{title}" {{
  currency USD
  parties Licensor, Licensee
  payer Licensee

  # The clause: a label, then what is paid, of what, to whom, and its limits.
  royalty: share 8% of revenue to Licensor cap 100K

  # The series this agreement is tested against, beside this file.
  series "{series}"
  expect Licensor total = 100K
}}
"#
    )
}

/// `deal new NAME [--from EXAMPLE]`
pub(super) fn new(name: &Path, from: Option<&str>) -> Status {
    // A directory is no name (`deal new deals/`); a quote or a line break
    // would end the `agreement "..."` and `series "..."` strings.
    let written = name.to_string_lossy();
    if written.ends_with(std::path::MAIN_SEPARATOR) || written.ends_with('/') {
        tell!(
            "deal: `{written}` names a directory: give the agreement's name in it, such as `{written}acme-licence`"
        );
        return Status::Failed;
    }
    if let Some(odd) = written
        .chars()
        .find(|c| *c == '"' || c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        tell!(
            "deal: a name cannot hold {}: it goes between quotes in the agreement; choose another, such as `acme-licence`",
            if odd == '"' {
                "a quote".to_string()
            } else {
                format!("the character U+{:04X}", u32::from(odd))
            }
        );
        return Status::Failed;
    }
    let Some(stem) = name
        .file_name()
        .and_then(|stem| stem.to_str())
        .map(|stem| stem.strip_suffix(".deal").unwrap_or(stem))
        .filter(|stem| !stem.is_empty() && !stem.starts_with('.'))
    else {
        tell!(
            "deal: `{}` is not a name for an agreement: give a file name such as `acme-licence`",
            name.display()
        );
        return Status::Failed;
    };
    let directory = name.parent().unwrap_or(Path::new(""));
    let agreement_path = directory.join(format!("{stem}.deal"));
    let series_name = format!("{stem}.csv");
    let series_path = directory.join(&series_name);
    let (agreement, series) = match from {
        None => (template(stem, &series_name), SERIES.to_string()),
        Some(example) => match EXAMPLES.iter().find(|(name, _, _)| *name == example) {
            Some((example, text, series)) => (
                text.replace(
                    &format!("series \"{example}.csv\""),
                    &format!("series \"{series_name}\""),
                ),
                (*series).to_string(),
            ),
            None => {
                let names: Vec<&str> = EXAMPLES.iter().map(|(name, _, _)| *name).collect();
                let guess = dealterms::diagnostics::suggest(example, names.iter().copied())
                    .map(|guess| format!("did you mean `{guess}`? "))
                    .unwrap_or_default();
                tell!(
                    "deal: no bundled example `{example}`; {guess}the examples are {}",
                    names.join(", ")
                );
                return Status::Failed;
            }
        },
    };
    for path in [&agreement_path, &series_path] {
        if path.exists() {
            tell!(
                "deal: `{}` exists already; choose another name, or remove it",
                path.display()
            );
            return Status::Failed;
        }
    }
    if !directory.as_os_str().is_empty() && !directory.is_dir() {
        tell!(
            "deal: no directory `{}` to create the agreement in",
            directory.display()
        );
        return Status::Failed;
    }
    // The series first: an agreement is never left naming a series that
    // is not there.
    if let Err(status) = write_new(&series_path, &series) {
        return status;
    }
    if let Err(status) = write_new(&agreement_path, &agreement) {
        let _ = std::fs::remove_file(&series_path);
        return status;
    }
    say!(
        "created {} and its series {}\n  deal check {0}\n  deal eval {0}\n  deal test {0}",
        agreement_path.display(),
        series_path.display()
    );
    Status::Ok
}

/// Writes a file that must not exist yet, whole or not at all.
fn write_new(path: &Path, text: &str) -> Result<(), Status> {
    use std::io::Write as _;
    let failed = |error: std::io::Error| {
        tell!("deal: cannot write `{}`: {error}", path.display());
        Status::Failed
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(failed)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|error| {
            let _ = std::fs::remove_file(path);
            failed(error)
        })
}
