//! Quick fixes: the edit a problem's help names, where it names one. A
//! misspelt party, constant, event, label or column becomes the name meant
//! (`did you mean `Microsoft`?`); an amount where a rate belongs gains its
//! `%`.

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::Span;
use crate::syntax::parser::is_bare_name;

/// An edit that fixes a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the editor offers: ``replace with `Microsoft` ``.
    pub title: String,
    pub span: Span,
    pub text: String,
}

/// The fix for `problem` in `source`, if its help names one.
pub fn fix(problem: &Problem, source: &str) -> Option<Fix> {
    let written = source.get(problem.span.start..problem.span.end)?;
    let replacement = match &problem.kind {
        ProblemKind::UnknownParty { suggestion, .. }
        | ProblemKind::UnknownSubject { suggestion, .. } => {
            let name = suggestion.as_ref()?;
            if written.starts_with('"') || !is_bare_name(name) {
                format!("\"{name}\"")
            } else {
                name.clone()
            }
        }
        ProblemKind::UnknownConstant { suggestion, .. }
        | ProblemKind::UnknownEvent { suggestion, .. }
        | ProblemKind::UnknownLabel { suggestion, .. }
        | ProblemKind::MissingColumn { suggestion, .. } => suggestion.clone()?,
        ProblemKind::ExpectedRate { .. } => {
            let number = written.trim();
            let plain =
                !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.');
            if !plain {
                return None;
            }
            format!("{number}%")
        }
        _ => return None,
    };
    if replacement == written {
        return None;
    }
    Some(Fix {
        title: format!("replace with `{replacement}`"),
        span: problem.span,
        text: replacement,
    })
}
