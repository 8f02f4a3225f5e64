//! Problems found in a deal file: their kinds, stable codes and wording, all
//! in one place, and their rendering through miette (graphical or JSON).
//!
//! A problem is a kind plus a location. The library returns problems; only
//! the binary decides how to show them.

mod kinds;
mod render;

pub use kinds::{CODES, ProblemKind};
pub use render::{Located, Style, line_column, render};

use crate::syntax::ast::Span;

/// How bad a problem is: errors make a file invalid (exit 1), warnings only
/// point at something suspicious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub span: Span,
    /// Other places worth showing, each with what to say there.
    pub related: Vec<(Span, String)>,
}

impl Problem {
    pub fn new(kind: ProblemKind, span: Span) -> Self {
        Problem {
            kind,
            span,
            related: Vec::new(),
        }
    }

    /// Adds a secondary location, such as where a name was first declared.
    pub fn with_related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push((span, text.into()));
        self
    }

    pub fn severity(&self) -> Severity {
        self.kind.severity()
    }

    pub fn is_error(&self) -> bool {
        self.severity() == Severity::Error
    }
}

/// The closest of `candidates` to `name`, if one is close enough to be a typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .filter(|candidate| *candidate != name)
        .map(|candidate| {
            // A look-alike (`Microsоft` with a Cyrillic `о`) is the best guess of all.
            let score = if looks_alike(name, candidate) {
                2.0
            } else {
                strsim::jaro_winkler(name, candidate)
            };
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.to_string())
}

/// Whether two different names look the same (Unicode TS #39 skeletons):
/// `Microsoft` and `Microsоft` with a Cyrillic `о`.
pub fn looks_alike(a: &str, b: &str) -> bool {
    a != b && unicode_security::skeleton(a).eq(unicode_security::skeleton(b))
}
