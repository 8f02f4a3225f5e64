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

/// How much of a file a problem may quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    /// An agreement: the lines marked, with a line of context either side,
    /// each long line cut to [`Quote::width`] bytes around what it marks.
    Agreement,
    /// A series, which may be any file at all: the line marked alone, cut
    /// to a narrow window around the cell at fault.
    Foreign,
    /// A workbook's sheet, quoted as [`Quote::Foreign`], named by the cell
    /// at fault (`sales.xlsx Sales!C14`): no line and column after the name,
    /// which are those of the text the sheet was read as.
    Cell,
}

impl Quote {
    /// Lines shown before and after the lines marked.
    fn context(self) -> usize {
        match self {
            Quote::Agreement => 1,
            Quote::Foreign | Quote::Cell => 0,
        }
    }

    /// The longest line shown whole, in bytes; a longer one is cut to this
    /// many around what it marks, `…` where it was cut.
    fn width(self) -> usize {
        match self {
            Quote::Agreement => 160,
            Quote::Foreign | Quote::Cell => 60,
        }
    }

    /// Bytes kept before the first mark on a cut line.
    fn lead(self) -> usize {
        self.width() / 4
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

/// A span over more lines than this is shown by its first line alone.
const MAX_SPAN_LINES: usize = 24;

/// Places at most this many lines apart are shown as one.
const NEAR_LINES: usize = 12;

/// Where a cut line was cut.
const CUT: &str = "…";

/// The few lines of a file that one problem shows, long lines cut to a
/// window around what they mark: miette renders a long line whole and
/// panics past column 65,535, and a problem quoting a megabyte line once
/// per problem made output quadratic. The problem's spans are moved into
/// the excerpt ([`Excerpt::new`]); miette reads it through
/// [`SourceCode`], which gives back the file's own line numbers and
/// columns, so a problem reads as if the whole file were shown.
pub struct Excerpt {
    text: String,
    lines: Vec<Shown>,
}

/// One line of the file, as the excerpt shows it.
#[derive(Debug, Clone, Copy)]
struct Shown {
    /// 0-based line number in the file.
    number: usize,
    /// Where the line starts in the excerpt.
    at: usize,
    /// Where the line starts in the file, and the part of it kept.
    start: usize,
    from: usize,
    to: usize,
    /// Where its content ends in the file (before the line break).
    end: usize,
    /// Bytes of the cut marks before and after the part kept.
    lead: usize,
    trail: usize,
}

impl Shown {
    /// Where file offset `offset`, on or at the end of this line, is in
    /// the excerpt.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "offsets into an in-memory text stay below isize::MAX, and from <= to <= end"
    )]
    fn place(&self, offset: usize) -> usize {
        let kept = self.at + self.lead;
        if offset <= self.from {
            kept
        } else if offset <= self.to {
            kept + (offset - self.from)
        } else if offset < self.end {
            kept + (self.to - self.from)
        } else {
            kept + (self.to - self.from) + self.trail + (offset - self.end)
        }
    }

    /// The file offset of excerpt offset `at`, on this line.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "offsets into an in-memory text stay below isize::MAX"
    )]
    fn file_offset(&self, at: usize) -> usize {
        (self.from + at.saturating_sub(self.at + self.lead)).min(self.to)
    }
}

/// Pushes `line` with each bidirectional control character shown as `�`
/// and each other control character as `?` or `¿` (each of the same
/// length in bytes, so that every span still fits): left as it is, a
/// bidirectional control would reorder the very line that warns about it,
/// and an escape sequence would drive the reader's terminal.
fn push_visible(text: &mut String, line: &str) {
    let plain = |b: u8| b == b'\t' || (b' '..0x7f).contains(&b);
    if line.bytes().all(plain) {
        text.push_str(line);
        return;
    }
    for c in line.chars() {
        match c {
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
                text.push('\u{FFFD}');
            }
            // Two bytes, as the marks themselves.
            '\u{061C}' | '\u{80}'..='\u{9f}' => text.push('\u{00BF}'),
            // An escape sequence would drive the terminal (a window title,
            // colours); a control character shows as `?`, one byte as it.
            '\t' => text.push(c),
            c if c.is_ascii_control() => text.push('?'),
            c => text.push(c),
        }
    }
}

/// The largest char boundary of `text` at or before `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at = at.saturating_sub(1);
    }
    at
}

impl Excerpt {
    /// The excerpt of `source` (whose line starts are `starts`) that
    /// `problem` shows, and the problem with its spans moved into it.
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "offsets into an in-memory text stay below isize::MAX"
    )]
    fn new(source: &str, starts: &[usize], problem: &Problem, quote: Quote) -> (Excerpt, Problem) {
        let line_of = |offset: usize| starts.partition_point(|start| *start <= offset).max(1) - 1;
        // Where a line's content ends: before its `\n`, `\r\n` or `\r`.
        let content_end = |line: usize| {
            let start = starts.get(line).copied().unwrap_or(0);
            let next = starts.get(line + 1).copied().unwrap_or(source.len());
            let line = source.get(start..next).unwrap_or_default();
            let line = line.strip_suffix('\n').unwrap_or(line);
            start + line.strip_suffix('\r').unwrap_or(line).len()
        };
        let mut problem = within(problem, source.len());
        // A span over many lines is shown by its first.
        let mut spans: Vec<Span> = std::iter::once(problem.span)
            .chain(problem.related.iter().map(|(span, _)| *span))
            .map(|span| {
                let first = line_of(span.start);
                if line_of(span.end) > first + MAX_SPAN_LINES {
                    Span::new(span.start, content_end(first).max(span.start))
                } else {
                    span
                }
            })
            .collect();
        let last_line = starts.len() - 1;
        let mut numbers: Vec<usize> = spans
            .iter()
            .flat_map(|span| {
                // A line more each way than miette shows: it reads a span
                // that ends on a line break as reaching the next line.
                let (first, last) = (line_of(span.start), line_of(span.end));
                let extra = quote.context() + 1;
                first.saturating_sub(extra)..=(last + extra).min(last_line)
            })
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        // Places a few lines apart are shown together, with the lines
        // between them, as miette shows them from the whole file.
        let gaps: Vec<usize> = numbers
            .windows(2)
            .filter_map(|pair| match pair {
                [a, b] if b - a > 1 && b - a <= NEAR_LINES => Some(a + 1..*b),
                _ => None,
            })
            .flatten()
            .collect();
        numbers.extend(gaps);
        numbers.sort_unstable();
        let mut text = String::new();
        let mut lines = Vec::with_capacity(numbers.len());
        for number in numbers {
            let start = starts.get(number).copied().unwrap_or(0);
            let end = content_end(number);
            let next = starts.get(number + 1).copied().unwrap_or(source.len());
            let (from, to) = if end - start <= quote.width() {
                (start, end)
            } else {
                // Around the first mark on the line, or from its start.
                let anchor = spans
                    .iter()
                    .filter(|span| span.start <= end && span.end >= start)
                    .map(|span| span.start.max(start))
                    .min()
                    .unwrap_or(start);
                let from = boundary(source, anchor.saturating_sub(quote.lead()).max(start));
                (from, boundary(source, (from + quote.width()).min(end)))
            };
            let (lead, trail) = (
                if from > start { CUT.len() } else { 0 },
                if to < end { CUT.len() } else { 0 },
            );
            lines.push(Shown {
                number,
                at: text.len(),
                start,
                from,
                to,
                end,
                lead,
                trail,
            });
            if lead > 0 {
                text.push_str(CUT);
            }
            push_visible(&mut text, source.get(from..to).unwrap_or_default());
            if trail > 0 {
                text.push_str(CUT);
            }
            // A lone `\r` ends a line as `\n` does, and is shown as one:
            // miette counts it as a line break but draws it as none.
            match source.get(end..next).unwrap_or_default() {
                "\r" => text.push('\n'),
                line_break => text.push_str(line_break),
            }
        }
        let excerpt = Excerpt { text, lines };
        let moved = |span: Span| {
            let start = excerpt.place(span.start, line_of(span.start));
            Span::new(start, excerpt.place(span.end, line_of(span.end)).max(start))
        };
        problem.span = moved(spans.remove(0));
        for ((span, _), shown) in problem.related.iter_mut().zip(spans) {
            *span = moved(shown);
        }
        (excerpt, problem)
    }

    /// Where file offset `offset`, on line `number`, is in the excerpt.
    fn place(&self, offset: usize, number: usize) -> usize {
        let at = self.lines.partition_point(|line| line.number < number);
        self.lines
            .get(at)
            .or(self.lines.last())
            .map_or(0, |line| line.place(offset))
    }

    /// The shown line holding excerpt offset `at`.
    fn line_at(&self, at: usize) -> usize {
        self.lines
            .partition_point(|line| line.at <= at)
            .saturating_sub(1)
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // The run of lines that follow each other in the file around the
        // span: miette reads them as it would the whole file.
        let here = self.line_at(span.offset());
        let follows = |a: usize, b: usize| match (self.lines.get(a), self.lines.get(b)) {
            (Some(a), Some(b)) => a.number.saturating_add(1) == b.number,
            _ => false,
        };
        let mut first = here;
        while first > 0 && follows(first.saturating_sub(1), first) {
            first = first.saturating_sub(1);
        }
        let mut last = here;
        while follows(last, last.saturating_add(1)) {
            last = last.saturating_add(1);
        }
        let Some(head) = self.lines.get(first) else {
            return Err(MietteError::OutOfBounds);
        };
        let run_end = self
            .lines
            .get(last.saturating_add(1))
            .map_or(self.text.len(), |next| next.at);
        let window = self
            .text
            .get(head.at..run_end)
            .ok_or(MietteError::OutOfBounds)?;
        let inner = SourceSpan::new(span.offset().saturating_sub(head.at).into(), span.len());
        let contents = window.read_span(&inner, context_lines_before, context_lines_after)?;
        let found = contents.span();
        // miette counts a column in bytes from the line's start, when it
        // reads no line before: the file's own column, not the excerpt's.
        let column = match self.lines.get(self.line_at(span.offset())) {
            Some(line) if context_lines_before == 0 && (line.lead > 0 || line.trail > 0) => {
                line.file_offset(span.offset()).saturating_sub(line.start)
            }
            _ => contents.column(),
        };
        Ok(Box::new(MietteSpanContents::new(
            contents.data(),
            SourceSpan::new(found.offset().saturating_add(head.at).into(), found.len()),
            contents.line().saturating_add(head.number),
            column,
            contents.line_count().saturating_add(head.number),
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

/// Renders every problem of one agreement, in order, as one string.
pub fn render(problems: &[Problem], file_name: &str, source: &str, style: Style) -> String {
    render_quoting(problems, file_name, source, style, Quote::Agreement)
}

/// Renders every problem of one file, in order, as one string, quoting as
/// much of the file as `quote` allows.
pub fn render_quoting(
    problems: &[Problem],
    file_name: &str,
    source: &str,
    style: Style,
    quote: Quote,
) -> String {
    let lines = Lines::new(source);
    match style {
        Style::Human { color, width } => {
            render_human(problems, file_name, &lines, (color, width), quote)
        }
        Style::Json => problems
            .iter()
            .map(|problem| render_json(problem, file_name, &lines) + "\n")
            .collect(),
    }
}

fn render_human(
    problems: &[Problem],
    file_name: &str,
    lines: &Lines<'_>,
    (color, width): (bool, usize),
    quote: Quote,
) -> String {
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_context_lines(quote.context());
    let handler = if quote == Quote::Cell {
        handler.without_primary_span_start()
    } else {
        handler
    };
    let mut out = String::new();
    for problem in problems {
        let (excerpt, problem) = Excerpt::new(lines.source, &lines.starts, problem, quote);
        let named = NamedSource::new(file_name, excerpt);
        let located = Located {
            problem: &problem,
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
    /// text when no line is long: at every offset, with a related span
    /// nearby (before it, or after it on the first line), in texts with LF,
    /// CRLF and lone CR line ends, and blank lines. (Spans far apart differ
    /// on purpose: from the whole text, miette joins two places up to as
    /// many lines apart as the first is from the start, and shows every
    /// line between them; an excerpt shows each place with its context.)
    #[test]
    fn an_excerpt_renders_as_the_whole_text_does() {
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
            format!("{}{}{}", body, "\n".repeat(40), body),
        ] {
            // miette draws a lone `\r` as no line break at all; an excerpt
            // shows it as `\n`, which keeps every offset.
            let lone_cr = |text: &str| -> String {
                let bytes = text.as_bytes();
                text.char_indices()
                    .map(|(at, c)| match c {
                        '\r' if bytes.get(at + 1) != Some(&b'\n') => '\n',
                        c => c,
                    })
                    .collect()
            };
            let whole = NamedSource::new("x.deal", lone_cr(&text));
            let starts = line_starts(&text);
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
                    .with_related(
                        Span::new(start.saturating_sub(9), start.saturating_sub(8)),
                        "there",
                    );
                    let render = |problem: &Problem, source: &dyn SourceCode| {
                        let mut out = String::new();
                        let located = Located { problem, source };
                        handler.render_report(&mut out, &located).map(|()| out).ok()
                    };
                    let (excerpt, moved) = Excerpt::new(&text, &starts, &problem, Quote::Agreement);
                    let excerpt = NamedSource::new("x.deal", excerpt);
                    assert_eq!(
                        render(&moved, &excerpt),
                        render(&problem, &whole),
                        "{text:?} at {start}+{len}"
                    );
                }
            }
        }
    }

    /// A line past miette's column limit (65,535) is cut around the span:
    /// no panic, the file's own line and column, and a short quote.
    #[test]
    fn a_long_line_is_cut_around_what_it_marks() {
        let text = format!(
            "agreement \"x\" {{\n  parties A, B{}zzz tail{}\n}}\n",
            " ".repeat(70_000),
            "x".repeat(70_000)
        );
        let at = text.find("zzz").expect("there");
        let problem = Problem::new(
            ProblemKind::Internal {
                detail: "here".into(),
            },
            Span::new(at, at + 3),
        );
        let style = Style::Human {
            color: false,
            width: 80,
        };
        for quote in [Quote::Agreement, Quote::Foreign] {
            let shown = render_quoting(
                std::slice::from_ref(&problem),
                "x.deal",
                &text,
                style,
                quote,
            );
            assert!(
                shown.contains(&format!("[x.deal:2:{}]", at - 16 + 1)),
                "{shown}"
            );
            assert!(shown.contains("zzz"), "{shown}");
            assert!(shown.len() < 1_000, "{shown}");
            // An agreement's line is cut around the mark; a foreign file's
            // is the mark alone.
            assert_eq!(shown.contains(CUT), quote == Quote::Agreement, "{shown}");
            assert_eq!(shown.contains("tail"), quote == Quote::Agreement, "{shown}");
        }
    }
}
