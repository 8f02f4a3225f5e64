//! Names that deceive: two declarations that look the same but differ in
//! their characters, and names mixing scripts (a Cyrillic `о` in `Microsоft`).

use unicode_security::MixedScript;

use super::Checker;
use crate::diagnostics::{Problem, ProblemKind, looks_alike};
use crate::syntax::ast::Span;

impl Checker {
    /// Warns about look-alikes and mixed scripts among the names of one kind.
    pub(super) fn deceptive_names(&mut self, what: &'static str, names: &[(String, Span)]) {
        for (index, (name, span)) in names.iter().enumerate() {
            if !name.as_str().is_single_script() {
                self.report(Problem::new(
                    ProblemKind::MixedScript {
                        what,
                        name: name.clone(),
                    },
                    *span,
                ));
            }
            let earlier = names.get(..index).unwrap_or_default();
            if let Some((other, other_span)) =
                earlier.iter().find(|(other, _)| looks_alike(name, other))
            {
                let problem = Problem::new(
                    ProblemKind::LooksAlike {
                        what,
                        name: name.clone(),
                        other: other.clone(),
                    },
                    *span,
                )
                .with_related(*other_span, "the other");
                self.report(problem);
            }
        }
    }
}
