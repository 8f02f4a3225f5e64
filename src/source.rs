//! Bytes to text: what the parser may be given.

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::Span;

/// The largest agreement file accepted: 16 MiB.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// Decodes a file's bytes as UTF-8 text. On failure, the problem comes with
/// a lossy text to show it against.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
// The error is the rare path and is shown at once; boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn decode(bytes: Vec<u8>) -> Result<String, (Problem, String)> {
    if bytes.len() > MAX_SOURCE_BYTES {
        let shown = String::from_utf8_lossy(bytes.get(..1024).unwrap_or_default()).into_owned();
        let problem = Problem::new(
            ProblemKind::TooLarge {
                limit: MAX_SOURCE_BYTES,
            },
            Span::new(0, 0),
        );
        return Err((problem, shown));
    }
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        let shown = String::from_utf8_lossy(error.as_bytes()).into_owned();
        // In the lossy text the first bad sequence became U+FFFD, at `at`.
        (
            Problem::new(
                ProblemKind::NotUtf8,
                Span::new(at, at + '\u{FFFD}'.len_utf8()),
            ),
            shown,
        )
    })
}
