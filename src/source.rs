//! Bytes to text: what the parser may be given.

use std::io::Read;

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::Span;

/// The largest agreement file accepted: 16 MiB.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// The largest series accepted for one agreement: 64 MiB, read whole. (A
/// portfolio's long-form series is read as a stream, a line at a time:
/// [`crate::records::MAX_LINE_BYTES`].)
pub const MAX_SERIES_BYTES: usize = 64 * 1024 * 1024;

/// What a file read whole holds: it sets the file's size limit and how
/// the file is named in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Agreement,
    Series,
}

impl Input {
    /// The most bytes a file of this kind may hold.
    pub fn limit(self) -> usize {
        match self {
            Input::Agreement => MAX_SOURCE_BYTES,
            Input::Series => MAX_SERIES_BYTES,
        }
    }

    /// The problem of a file of this kind over its limit, with the text to
    /// show it against: none of the file, which may be anything.
    pub fn too_large(self) -> (Problem, String) {
        let problem = Problem::new(
            ProblemKind::TooLarge {
                limit: self.limit(),
                series: self == Input::Series,
            },
            Span::new(0, 0),
        );
        (problem, String::new())
    }
}

/// Reads at most `input`'s limit from `reader`, and stops there: a file
/// past the limit (`/dev/zero`, `yes | deal check -`) costs the limit, not
/// all the memory there is. `Ok(None)` when there is more than the limit.
pub fn read_bounded(reader: impl std::io::Read, input: Input) -> std::io::Result<Option<Vec<u8>>> {
    let limit = input.limit();
    // An agreement is a few hundred bytes: one small allocation.
    let mut bytes = Vec::with_capacity(4096);
    // One byte past the limit tells a file at the limit from one over it.
    reader
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

/// Decodes an agreement's bytes as UTF-8 text: [`decode_as`].
#[allow(clippy::result_large_err)]
pub fn decode(bytes: Vec<u8>) -> Result<String, (Problem, String)> {
    decode_as(bytes, Input::Agreement)
}

/// Decodes a file's bytes as UTF-8 text. On failure, the problem comes with
/// a lossy text to show it against.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
// The error is the rare path and is shown at once; boxing it buys nothing.
#[allow(clippy::result_large_err)]
pub fn decode_as(bytes: Vec<u8>, input: Input) -> Result<String, (Problem, String)> {
    if bytes.len() > input.limit() {
        return Err(input.too_large());
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
