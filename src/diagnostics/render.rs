//! Problems shown: miette's graphical report, or JSON lines for tools.

use std::fmt;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

use super::{Problem, Severity};
use crate::syntax::ast::Span;

/// A problem together with the file it belongs to, ready for miette.
pub struct Located<'a> {
    pub problem: &'a Problem,
    pub source: &'a NamedSource<String>,
}

impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.problem.fmt(f)
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem.kind.message())
    }
}

impl std::error::Error for Located<'_> {}

impl Diagnostic for Located<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.problem.kind.code()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.problem.severity() {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem
            .kind
            .help()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary =
            LabeledSpan::new_primary_with_span(Some(self.problem.kind.label()), self.problem.span);
        let related = self
            .problem
            .related
            .iter()
            .map(|(span, text)| LabeledSpan::new_with_span(Some(text.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// 1-based line and column (in characters) of a byte offset.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// How problems are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// miette's graphical report, with or without colour, at a given width.
    Human { color: bool, width: usize },
    /// One JSON object per problem and line, for editors and CI tools.
    Json,
}

/// Renders every problem of one file, in order, as one string.
pub fn render(problems: &[Problem], file_name: &str, source: &str, style: Style) -> String {
    match style {
        Style::Human { color, width } => render_human(problems, file_name, source, color, width),
        Style::Json => problems
            .iter()
            .map(|problem| render_json(problem, file_name, source) + "\n")
            .collect(),
    }
}

fn render_human(
    problems: &[Problem],
    file_name: &str,
    source: &str,
    color: bool,
    width: usize,
) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_context_lines(1);
    let named = NamedSource::new(file_name, source.to_string());
    let mut out = String::new();
    for problem in problems {
        let located = Located {
            problem,
            source: &named,
        };
        if handler.render_report(&mut out, &located).is_err() {
            out.push_str(&format!("{file_name}: {}\n", problem.kind.message()));
        }
        out.push('\n');
    }
    out
}

/// One problem as a JSON object: file, 1-based line and column of both
/// ends, byte offsets, severity, code, message, label, help and related spans.
fn render_json(problem: &Problem, file_name: &str, source: &str) -> String {
    let position = |span: Span| {
        let (line, column) = line_column(source, span.start);
        let (end_line, end_column) = line_column(source, span.end);
        serde_json::json!({
            "offset": span.start,
            "length": span.len(),
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
        })
    };
    let related: Vec<_> = problem
        .related
        .iter()
        .map(|(span, text)| serde_json::json!({ "label": text, "span": position(*span) }))
        .collect();
    serde_json::json!({
        "file": file_name,
        "severity": match problem.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        "code": problem.kind.code(),
        "message": problem.kind.message(),
        "label": problem.kind.label(),
        "help": problem.kind.help(),
        "span": position(problem.span),
        "related": related,
    })
    .to_string()
}
