//! dealterms: deal terms as code.
//!
//! The pipeline, one stage per module:
//! text → [`syntax`] (syntax tree) → [`check`] (checked agreement) → …
//!
//! The library never prints and never exits: every stage returns values or
//! [`diagnostics::Problem`]s, and the `deal` binary decides what to show.

pub mod agreement;
pub mod check;
pub mod diagnostics;
pub mod eval;
pub mod money;
pub mod period;
pub mod report;
pub mod series;
pub mod source;
pub mod syntax;

pub use diagnostics::{Problem, ProblemKind, Severity};

/// Parses and checks one agreement: the checked agreement with its warnings,
/// or every problem found (errors and warnings).
pub fn compile(source: &str) -> Result<(agreement::Agreement, Vec<Problem>), Vec<Problem>> {
    let file = syntax::parse(source)?;
    check::check(&file)
}
