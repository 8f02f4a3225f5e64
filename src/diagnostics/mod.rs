//! Problems found in a deal file: their kinds, stable codes and wording, all
//! in one place, and their rendering through miette (graphical or JSON).
//!
//! A problem is a kind plus a location. The library returns problems; only
//! the binary decides how to show them.

mod kinds;
mod render;

pub use kinds::{CODES, ProblemKind, printable};
pub use render::{Located, Quote, Style, line_column, render, render_quoting};

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

/// The closest of `candidates` to `name`, if one is close enough to be a
/// typo; of candidates as close, the first.
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
        // `max_by` would keep the last of equals.
        .reduce(|best, next| if next.0 > best.0 { next } else { best })
        .map(|(_, candidate)| candidate.to_string())
}

/// Whether two different names look the same (Unicode TS #39 skeletons):
/// `Microsoft` and `Microsоft` with a Cyrillic `о`.
pub fn looks_alike(a: &str, b: &str) -> bool {
    a != b && skeleton(a) == skeleton(b)
}

/// A name's Unicode TS #39 skeleton: names look alike when theirs are equal.
/// An ASCII name (nearly every name) is mapped character by character from
/// a table the same library fills: an ASCII text's skeleton is its
/// characters' skeletons end to end (none holds a combining mark that
/// normalisation could move; the tests check every pair), and checking a
/// portfolio of thousands of agreements stays cheap.
pub fn skeleton(name: &str) -> String {
    // Each character's skeleton is filled on first use: one agreement
    // needs a few dozen, a portfolio the same few dozen again and again.
    static ASCII: [std::sync::OnceLock<String>; 128] = [const { std::sync::OnceLock::new() }; 128];
    if !name.is_ascii() {
        return unicode_security::skeleton(name).collect();
    }
    let mut out = String::with_capacity(name.len());
    for byte in name.bytes() {
        if let Some(slot) = ASCII.get(usize::from(byte)) {
            out.push_str(slot.get_or_init(|| {
                unicode_security::skeleton(&char::from(byte).to_string()).collect()
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{skeleton, suggest};

    /// Of two candidates as close, the first is named, whatever follows.
    #[test]
    fn a_tie_names_the_first_candidate() {
        let first = |candidates: [&'static str; 2]| suggest("royalty-c", candidates);
        assert_eq!(
            first(["royalty-a", "royalty-b"]).as_deref(),
            Some("royalty-a")
        );
        assert_eq!(
            first(["royalty-b", "royalty-a"]).as_deref(),
            Some("royalty-b")
        );
        assert_eq!(
            suggest("royalty-c", ["fee", "royalty-b"]).as_deref(),
            Some("royalty-b")
        );
    }

    /// Skeletons of ASCII characters join without interacting (none starts
    /// or ends with a combining mark that normalisation would reorder):
    /// checked for every pair, and for longer texts below.
    #[test]
    fn ascii_skeletons_join_pair_by_pair() {
        for a in 0..128u8 {
            for b in 0..128u8 {
                let pair = format!("{}{}", char::from(a), char::from(b));
                let library: String = unicode_security::skeleton(&pair).collect();
                assert_eq!(skeleton(&pair), library, "{pair:?}");
            }
        }
    }

    proptest::proptest! {
        /// The table gives the library's own skeleton for any ASCII text.
        #[test]
        fn ascii_skeletons_agree_with_the_library(name in "[ -~\t]{0,24}") {
            let library: String = unicode_security::skeleton(&name).collect();
            proptest::prop_assert_eq!(skeleton(&name), library);
        }
    }

    #[test]
    fn look_alikes_are_still_found() {
        assert!(super::looks_alike("Microsoft", "Micr\u{43e}soft"));
        assert!(super::looks_alike("rn", "m"));
        assert!(!super::looks_alike("Microsoft", "Microsoft"));
    }
}
