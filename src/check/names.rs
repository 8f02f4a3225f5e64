//! Names that deceive: two declarations that look the same but differ in
//! their characters, and names mixing scripts (a Cyrillic `о` in `Microsоft`).

use unicode_security::MixedScript;

use super::Checker;
use std::collections::HashMap;

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::Span;

impl Checker {
    /// Warns about look-alikes and mixed scripts among the names of one kind.
    pub(super) fn deceptive_names(&mut self, what: &'static str, names: &[(String, Span)]) {
        // Each name's skeleton, once: thousands of parties stay linear.
        let mut seen: HashMap<String, (&str, Span)> = HashMap::with_capacity(names.len());
        for (name, span) in names {
            // ASCII is one script (Latin, with the common digits and signs).
            if !name.is_ascii() && !name.as_str().is_single_script() {
                self.report(Problem::new(
                    ProblemKind::MixedScript {
                        what,
                        name: name.clone(),
                    },
                    *span,
                ));
            }
            if names.len() < 2 {
                // One name cannot look like another.
                continue;
            }
            let skeleton = crate::diagnostics::skeleton(name);
            match seen.get(&skeleton) {
                Some((other, other_span)) if *other != name.as_str() => {
                    let problem = Problem::new(
                        ProblemKind::LooksAlike {
                            what,
                            name: name.clone(),
                            other: (*other).to_string(),
                        },
                        *span,
                    )
                    .with_related(*other_span, "the other");
                    self.report(problem);
                }
                Some(_) => {}
                None => {
                    seen.insert(skeleton, (name, *span));
                }
            }
        }
    }
}
