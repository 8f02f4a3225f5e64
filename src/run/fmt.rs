//! `deal fmt FILE...`: the canonical layout, in place or shown.

use std::path::{Path, PathBuf};

use dealterms::diagnostics::Style;
use dealterms::source::Input;

use super::{Loaded, Status, load, show_problems, write_output};

/// What `deal fmt` does with the formatted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FmtMode {
    /// Rewrite the file in place.
    Write,
    /// Show the diff and fail if there is one.
    Check,
    /// Show the diff.
    Diff,
    /// Print the formatted text.
    Stdout,
    /// Print the formatted text, or the text as it is if it does not parse.
    Textconv,
}

impl FmtMode {
    pub(super) fn from_flags(
        check: bool,
        diff: bool,
        stdout: bool,
        verbatim_on_error: bool,
    ) -> Self {
        match (check, diff, stdout, verbatim_on_error) {
            (true, ..) => FmtMode::Check,
            (_, true, ..) => FmtMode::Diff,
            (_, _, true, true) => FmtMode::Textconv,
            (_, _, true, false) => FmtMode::Stdout,
            _ => FmtMode::Write,
        }
    }
}

/// `deal fmt FILE...`
pub(super) fn fmt(files: &[PathBuf], mode: FmtMode, style: Style) -> Status {
    let mut worst = Status::Ok;
    for path in files {
        let status = fmt_one(path, mode, style).unwrap_or_else(|status| status);
        worst = worst.max(status);
    }
    worst
}

pub(super) fn fmt_one(path: &Path, mode: FmtMode, style: Style) -> Result<Status, Status> {
    let (name, text) = match load(path, Input::Agreement)? {
        Loaded::Problem(name, problem, shown) => {
            show_problems(&[problem], &name, &shown, style);
            return Err(Status::Invalid);
        }
        Loaded::Text(name, text) => (name, text),
    };
    let formatted = match dealterms::format_source(&text) {
        Ok(formatted) => formatted,
        Err(problems) => {
            show_problems(&problems, &name, &text, style);
            if mode == FmtMode::Textconv {
                return write_output(None, &text).map(|()| Status::Ok);
            }
            return Err(Status::Invalid);
        }
    };
    let stdin = path == Path::new("-");
    match mode {
        FmtMode::Stdout | FmtMode::Textconv => write_output(None, &formatted).map(|()| Status::Ok),
        FmtMode::Write if stdin => write_output(None, &formatted).map(|()| Status::Ok),
        FmtMode::Write if formatted == text => Ok(Status::Ok),
        FmtMode::Write => {
            write_output(Some(path), &formatted)?;
            tell!("deal: formatted `{name}`");
            Ok(Status::Ok)
        }
        FmtMode::Check | FmtMode::Diff if formatted == text => Ok(Status::Ok),
        FmtMode::Check | FmtMode::Diff => {
            // Lines as they were ended: a lone `\r` (a classic Mac file)
            // too, or the whole file would be one line drawn over itself.
            let old = text.replace("\r\n", "\n").replace('\r', "\n");
            if old == formatted {
                tell!("deal: `{name}`: only its line endings change, to `\\n`");
            }
            let diff = similar::TextDiff::from_lines(old.as_str(), &formatted)
                .unified_diff()
                .context_radius(2)
                .header(&name, &format!("{name} (formatted)"))
                .to_string();
            write_output(None, &diff)?;
            Ok(if mode == FmtMode::Check {
                Status::Invalid
            } else {
                Status::Ok
            })
        }
    }
}
