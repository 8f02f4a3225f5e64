//! dealterms: deal terms as code.
//!
//! The pipeline, one stage per module:
//! text → [`syntax`] (syntax tree) → [`check`] (checked agreement) → …
//!
//! The library never prints and never exits: every stage returns values or
//! [`diagnostics::Problem`]s, and the `deal` binary decides what to show.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]

pub mod agreement;
pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod eval;
pub mod exact;
pub mod format;
pub mod gitsetup;
pub mod ide;
pub mod money;
pub mod period;
pub mod portfolio;
pub mod reconcile;
pub mod records;
pub mod report;
pub mod scenario;
pub mod series;
pub mod source;
pub mod syntax;
pub mod verify;
pub mod workbook;

pub use diagnostics::{Problem, ProblemKind, Severity};

/// Formats one agreement's text in the canonical layout, or the problems
/// that keep it from parsing. The result is parsed again before it is
/// returned: formatting never hands back text that does not parse.
pub fn format_source(source: &str) -> Result<String, Vec<Problem>> {
    let file = syntax::parse(source)?;
    // A lone `\r` (a classic Mac file) and `\r\n` end lines as `\n` does:
    // the formatter places comments and blank lines by lines, and writes
    // `\n`. (Problems, above, point into the text as it was given.)
    if source.contains('\r') {
        return format_source(&source.replace("\r\n", "\n").replace('\r', "\n"));
    }
    let formatted = format::format(&file, source);
    syntax::parse(&formatted).map_err(|_| {
        vec![Problem::new(
            ProblemKind::Internal {
                detail: "the formatted text does not parse".into(),
            },
            file.agreement.span,
        )]
    })?;
    Ok(formatted)
}

/// Parses and checks one agreement: the checked agreement with its warnings,
/// or every problem found (errors and warnings).
pub fn compile(source: &str) -> Compiled {
    compile_reading(source, |_| ()).0
}

/// The checked agreement, or its problems.
pub type Compiled = Result<(agreement::Agreement, Vec<Problem>), Vec<Problem>>;

/// [`compile`], handing the grammar's pairs to `read` on the way
/// ([`syntax::parse_reading`]); `None` when the text does not parse.
pub fn compile_reading<T>(
    source: &str,
    read: impl FnOnce(pest::iterators::Pairs<'_, syntax::parser::Rule>) -> T,
) -> (Compiled, Option<T>) {
    let (file, read) = syntax::parse_reading(source, read);
    let compiled = file.and_then(|file| check::check(&file, check::bidi_controls(source)));
    (compiled, read)
}
