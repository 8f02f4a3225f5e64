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
        // Most bytes (letters, digits, spaces) matter to none of the tests
        // below: one table lookup passes them.
        if !is_special(byte) {
            at += 1;
            continue;
        }
        let starts_comment = byte == b'#' || (byte == b'/' && bytes.get(at + 1) == Some(&b'/'));
        if starts_comment {
            let end = source
                .get(at..)
                .and_then(|rest| rest.find(['\n', '\r']))
                .map_or(source.len(), |len| at + len);
            // A comment runs to the line feed: one of these would end it for
            // the reader, not for the parser, which would read on.
            if let Some((odd, (name, len))) =
                (at..end).find_map(|i| odd_line_break(bytes, i).map(|found| (i, found)))
            {
                return Err(Problem::new(
                    ProblemKind::OddLineBreak { name },
                    Span::new(odd, odd + len),
                ));
            }
            comments.push(Comment {
                text: source.get(at..end).unwrap_or_default().to_string(),
                span: Span::new(at, end),
            });
            at = end;
            continue;
        }
        if let Some((name, len)) = odd_line_break(bytes, at) {
            return Err(Problem::new(
                ProblemKind::OddLineBreak { name },
                Span::new(at, at + len),
            ));
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

/// Whether the scan looks at this byte outside quoted names: a quote, the
/// start of a comment, a parenthesis, or the first byte of an odd line
/// break. One table lookup.
fn is_special(byte: u8) -> bool {
    #[allow(
        clippy::indexing_slicing,
        reason = "constant indices below 256 into a table of 256"
    )]
    const SPECIAL: [bool; 256] = {
        let mut special = [false; 256];
        special[b'"' as usize] = true;
        special[b'#' as usize] = true;
        special[b'/' as usize] = true;
        special[b'(' as usize] = true;
        special[b')' as usize] = true;
        special[0x0B] = true;
        special[0x0C] = true;
        special[0xC2] = true;
        special[0xE2] = true;
        special
    };
    SPECIAL.get(usize::from(byte)).copied().unwrap_or(true)
}

/// A character that some editors take for a line break and this language
/// does not, at byte `at`: its name and length in bytes.
fn odd_line_break(bytes: &[u8], at: usize) -> Option<(&'static str, usize)> {
    // Most bytes are none of these: one test, not five patterns.
    if !matches!(bytes.get(at), Some(0x0B | 0x0C | 0xC2 | 0xE2)) {
        return None;
    }
    match bytes.get(at..).unwrap_or_default() {
        [0x0B, ..] => Some(("vertical tab", 1)),
        [0x0C, ..] => Some(("form feed", 1)),
        [0xC2, 0x85, ..] => Some(("next-line character (U+0085)", 2)),
        [0xE2, 0x80, 0xA8, ..] => Some(("line separator (U+2028)", 3)),
        [0xE2, 0x80, 0xA9, ..] => Some(("paragraph separator (U+2029)", 3)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_passed_over_are_those_no_test_looks_at() {
        for byte in 0..=255u8 {
            let looked_at = matches!(
                byte,
                b'"' | b'#' | b'/' | b'(' | b')' | 0x0B | 0x0C | 0xC2 | 0xE2
            );
            assert_eq!(is_special(byte), looked_at, "{byte:#04x}");
        }
    }

    #[test]
    fn odd_line_breaks_are_refused_outside_strings_only() {
        for (text, refused) in [
            ("agreement \"a\u{2028}b\" {}", None),
            ("agreement \"x\" {\u{2028}}", Some(15)),
            ("agreement \"x\" { # note\u{2029}}", Some(22)),
            ("agreement \"x\" {\u{b}}", Some(15)),
            ("agreement \"x\" {\u{85}}", Some(15)),
            ("agreement \"x\" {\u{a0}}", None),
        ] {
            let at = scan(text).err().map(|problem| problem.span.start);
            assert_eq!(at, refused, "{text:?}");
        }
    }
}
