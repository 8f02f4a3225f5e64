//! Problems shown: miette's graphical report, or JSON lines for tools.

use std::fmt;

use miette::{
    Diagnostic, LabeledSpan, MietteError, MietteSpanContents, NamedSource, SourceCode, SourceSpan,
    SpanContents,
};

use super::{Problem, Severity};
use crate::syntax::ast::Span;

/// A problem together with the file it belongs to, ready for miette.
pub struct Located<'a> {
    pub problem: &'a Problem,
    pub source: &'a dyn SourceCode,
}

/// A file's text for miette, its line starts found once. miette finds a
/// span by scanning the text from its start, which makes many problems in
/// one large file quadratic; here each read starts at the first line miette
/// will show, so it costs the few lines around the span.
pub struct Windowed {
    text: String,
    lines: Vec<usize>,
}

impl Windowed {
    pub fn new(text: String) -> Self {
        let lines = line_starts(&text);
        Windowed { text, lines }
    }
}

/// Where each line of a text starts: after `\n`, `\r\n` or a lone `\r`, as
/// miette counts lines, so that a problem's line is the same in every style.
fn line_starts(text: &str) -> Vec<usize> {
    let mut lines = vec![0];
    let mut bytes = text.bytes().enumerate().peekable();
    while let Some((at, byte)) = bytes.next() {
        let end = match byte {
            b'\r' => bytes
                .next_if(|(_, next)| *next == b'\n')
                .map_or(at, |(at, _)| at),
            b'\n' => at,
            _ => continue,
        };
        lines.push(end.saturating_add(1));
    }
    lines
}

impl SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The line of the span's start, less the lines shown before it.
        let line = self
            .lines
            .partition_point(|start| *start <= span.offset())
            .saturating_sub(1);
        let first = line.saturating_sub(context_lines_before);
        let from = self.lines.get(first).copied().unwrap_or(0);
        let window = self.text.get(from..).ok_or(MietteError::OutOfBounds)?;
        let inner = SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let contents = window.read_span(&inner, context_lines_before, context_lines_after)?;
        // miette's own reading of the window, moved back to the file.
        let found = contents.span();
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            SourceSpan::new(found.offset().saturating_add(from).into(), found.len()),
            contents.line().saturating_add(first),
            contents.column(),
            contents.line_count().saturating_add(first),
        )))
    }
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
    Lines::new(source).line_column(offset)
}

/// Where each line of a text starts ([`line_starts`]), found once, so that
/// locating many problems does not rescan the text for each.
struct Lines<'s> {
    source: &'s str,
    starts: Vec<usize>,
}

#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
impl<'s> Lines<'s> {
    fn new(source: &'s str) -> Self {
        Lines {
            source,
            starts: line_starts(source),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.starts.partition_point(|start| *start <= offset).max(1);
        let line_start = self.starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .source
            .get(line_start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, column)
    }
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
        Style::Json => {
            let lines = Lines::new(source);
            problems
                .iter()
                .map(|problem| render_json(problem, file_name, &lines) + "\n")
                .collect()
        }
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
    let named = NamedSource::new(file_name, Windowed::new(source.to_string()));
    let mut out = String::new();
    for problem in problems {
        // miette slices the text at each span: one past its end would panic.
        let problem = &within(problem, source.len());
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

/// `problem` with every span kept within a text of `len` bytes.
fn within(problem: &Problem, len: usize) -> Problem {
    let clamp = |span: Span| {
        let start = span.start.min(len);
        Span::new(start, span.end.clamp(start, len))
    };
    let mut kept = problem.clone();
    kept.span = clamp(kept.span);
    for (span, _) in &mut kept.related {
        *span = clamp(*span);
    }
    kept
}

/// One problem as a JSON object: file, 1-based line and column of both
/// ends, byte offsets, severity, code, message, label, help and related spans.
fn render_json(problem: &Problem, file_name: &str, lines: &Lines<'_>) -> String {
    let position = |span: Span| {
        let (line, column) = lines.line_column(span.start);
        let (end_line, end_column) = lines.line_column(span.end);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::ProblemKind;

    /// Lines and columns from the index are those counted from the start.
    #[test]
    fn lines_and_columns_are_counted_from_the_start() {
        let text = "a\nbé\r\n\ncd\n";
        for offset in (0..=text.len() + 2).filter(|o| *o > text.len() || text.is_char_boundary(*o))
        {
            let before = text.get(..offset.min(text.len())).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[start..].chars().count() + 1;
            assert_eq!(line_column(text, offset), (line, column), "at {offset}");
        }
        // A lone carriage return ends a line, as miette shows it.
        assert_eq!(line_column("a\rbc", 3), (2, 2));
    }

    /// Every problem renders exactly as miette renders it from the whole
    /// text: at every offset, with related spans before and after, in texts
    /// with LF, CRLF and lone CR line ends, and blank lines.
    #[test]
    fn windowed_reading_renders_as_the_whole_text_does() {
        let handler =
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_width(80)
                .with_context_lines(1);
        let body =
            "agreement \"x\" {\n  parties A, B\n\n  payer A\n  share 20% of revenue to B\n}\n";
        for text in [
            body.to_string(),
            body.replace('\n', "\r\n"),
            body.replace('\n', "\r"),
            format!("{}\r\n\n\r{}", body, body),
        ] {
            let whole = NamedSource::new("x.deal", text.clone());
            let windowed = NamedSource::new("x.deal", Windowed::new(text.clone()));
            for start in 0..text.len() {
                for len in [0, 1, 5] {
                    let end = (start + len).min(text.len());
                    if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                        continue;
                    }
                    let problem = Problem::new(
                        ProblemKind::Internal {
                            detail: "here".into(),
                        },
                        Span::new(start, end),
                    )
                    .with_related(Span::new(text.len() / 2, text.len() / 2 + 1), "there");
                    let render = |source: &dyn SourceCode| {
                        let mut out = String::new();
                        let located = Located {
                            problem: &problem,
                            source,
                        };
                        handler.render_report(&mut out, &located).map(|()| out).ok()
                    };
                    assert_eq!(
                        render(&windowed),
                        render(&whole),
                        "{text:?} at {start}+{len}"
                    );
                }
            }
        }
    }
}
