//! Names that deceive: two declarations that look the same but differ in
//! their characters, and names mixing scripts (a Cyrillic `о` in `Microsоft`).

use unicode_security::MixedScript;

use std::collections::HashMap;

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::Span;

/// Warns about look-alikes and mixed scripts among the names of one kind.
///
/// Each name's skeleton is computed once. A few names (an agreement's
/// parties, its labels) are compared with the skeletons seen so far, which
/// costs less than hashing them; thousands of parties go through a map and
/// stay linear. Either way, a name is compared with the first name seen
/// with its skeleton.
pub(super) fn deceptive_names<'n>(
    what: &'static str,
    names: impl Iterator<Item = (&'n str, Span)> + Clone,
    problems: &mut Vec<Problem>,
) {
    const FEW: usize = 16;
    let count = names.clone().count();
    let mut few: Vec<(String, &str, Span)> = Vec::new();
    let mut many: HashMap<String, (&str, Span)> = HashMap::new();
    for (name, span) in names {
        // ASCII is one script (Latin, with the common digits and signs).
        if !name.is_ascii() && !name.is_single_script() {
            problems.push(Problem::new(
                ProblemKind::MixedScript {
                    what,
                    name: name.to_string(),
                },
                span,
            ));
        }
        if count < 2 {
            // One name cannot look like another.
            continue;
        }
        let skeleton = crate::diagnostics::skeleton(name);
        let first = if count <= FEW {
            few.iter()
                .find(|(seen, ..)| *seen == skeleton)
                .map(|&(_, other, other_span)| (other, other_span))
        } else {
            many.get(&skeleton).copied()
        };
        match first {
            Some((other, other_span)) if other != name => {
                let problem = Problem::new(
                    ProblemKind::LooksAlike {
                        what,
                        name: name.to_string(),
                        other: other.to_string(),
                    },
                    span,
                )
                .with_related(other_span, "the other");
                problems.push(problem);
            }
            Some(_) => {}
            None if count <= FEW => few.push((skeleton, name, span)),
            None => {
                many.insert(skeleton, (name, span));
            }
        }
    }
}

/// The bidirectional control characters, each with its name: inside a
/// quoted name or a comment they reorder what an editor or a code review
/// shows (the "Trojan Source" attack), while `deal` reads the text as it is.
const BIDI_CONTROLS: [(char, &str); 12] = [
    ('\u{061C}', "arabic letter mark"),
    ('\u{200E}', "left-to-right mark"),
    ('\u{200F}', "right-to-left mark"),
    ('\u{202A}', "left-to-right embedding"),
    ('\u{202B}', "right-to-left embedding"),
    ('\u{202C}', "pop directional formatting"),
    ('\u{202D}', "left-to-right override"),
    ('\u{202E}', "right-to-left override"),
    ('\u{2066}', "left-to-right isolate"),
    ('\u{2067}', "right-to-left isolate"),
    ('\u{2068}', "first strong isolate"),
    ('\u{2069}', "pop directional isolate"),
];

/// A warning for each bidirectional control character in `source`, and
/// each other control character (an escape sequence, a bell) but the tab,
/// where the parser let it stand: in a quoted name or a comment.
pub fn bidi_controls(source: &str) -> Vec<Problem> {
    let plain = |b: u8| b == b'\t' || b == b'\n' || b == b'\r' || (b' '..0x7f).contains(&b);
    if source.bytes().all(plain) {
        return Vec::new();
    }
    source
        .char_indices()
        .filter_map(|(at, c)| {
            let kind = match BIDI_CONTROLS.iter().find(|(control, _)| *control == c) {
                Some(&(_, name)) => ProblemKind::BidiControl {
                    code: u32::from(c),
                    name,
                },
                None if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {
                    ProblemKind::BidiControl {
                        code: u32::from(c),
                        name: "a control character",
                    }
                }
                None => return None,
            };
            Some(Problem::new(
                kind,
                Span::new(at, at.saturating_add(c.len_utf8())),
            ))
        })
        .collect()
}
