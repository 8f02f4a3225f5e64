//! A lexical pass before pest: it collects the comments (which the grammar
//! skips) for the formatter, and refuses nesting so deep that a recursive
//! descent parser would exhaust the stack.

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::{Comment, Span};

/// Deepest parenthesis nesting accepted. Real agreements use two or three.
pub const MAX_NESTING: usize = 32;

/// What the scan found: the comments, in order.
pub struct Scan {
    pub comments: Vec<Comment>,
}

/// Scans `source` for comments and parenthesis depth.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
pub fn scan(source: &str) -> Result<Scan, Problem> {
    let mut comments = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    // Every character that matters here is ASCII, and in UTF-8 an ASCII
    // byte is always that character: the bytes can be read one by one.
    let bytes = source.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if in_string {
            if byte == b'"' || byte == b'\n' {
                in_string = false;
            }
            at += 1;
            continue;
        }
        let starts_comment = byte == b'#' || (byte == b'/' && bytes.get(at + 1) == Some(&b'/'));
        if starts_comment {
            let end = source
                .get(at..)
                .and_then(|rest| rest.find(['\n', '\r']))
                .map_or(source.len(), |len| at + len);
            comments.push(Comment {
                text: source.get(at..end).unwrap_or_default().to_string(),
                span: Span::new(at, end),
            });
            at = end;
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Problem::new(
                        ProblemKind::TooDeep { limit: MAX_NESTING },
                        Span::new(at, at + 1),
                    ));
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    Ok(Scan { comments })
}
