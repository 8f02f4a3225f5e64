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
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if in_string {
            if c == '"' || c == '\n' {
                in_string = false;
            }
            continue;
        }
        let starts_comment = c == '#' || (c == '/' && chars.peek().is_some_and(|&(_, n)| n == '/'));
        if starts_comment {
            let end = source
                .get(at..)
                .and_then(|rest| rest.find(['\n', '\r']))
                .map_or(source.len(), |len| at + len);
            comments.push(Comment {
                text: source.get(at..end).unwrap_or_default().to_string(),
                span: Span::new(at, end),
            });
            while chars.peek().is_some_and(|&(i, _)| i < end) {
                chars.next();
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(Problem::new(
                        ProblemKind::TooDeep { limit: MAX_NESTING },
                        Span::new(at, at + 1),
                    ));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(Scan { comments })
}
