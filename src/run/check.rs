//! `deal check FILE...`

use std::path::PathBuf;

use dealterms::diagnostics::Style;

use super::{Loaded, Status, load, plural, show_problems};

/// `deal check FILE...`
pub(super) fn check(files: &[PathBuf], quiet: bool, style: Style) -> Status {
    let mut worst = Status::Ok;
    for path in files {
        let status = match load(path) {
            Err(status) => status,
            Ok(Loaded::Problem(name, problem, shown)) => {
                show_problems(&[problem], &name, &shown, style);
                Status::Invalid
            }
            Ok(Loaded::Text(name, text)) => match dealterms::compile(&text) {
                Ok((agreement, warnings)) => {
                    show_problems(&warnings, &name, &text, style);
                    if !quiet && style != Style::Json {
                        let clauses = agreement.clauses.len();
                        let parties = agreement.parties.len();
                        println!(
                            "{name}: ok: \"{}\", {parties} {}, {clauses} {}{}",
                            agreement.name,
                            plural(parties, "party", "parties"),
                            plural(clauses, "clause", "clauses"),
                            match warnings.len() {
                                0 => String::new(),
                                n => format!(", {n} {}", plural(n, "warning", "warnings")),
                            }
                        );
                    }
                    Status::Ok
                }
                Err(problems) => {
                    show_problems(&problems, &name, &text, style);
                    Status::Invalid
                }
            },
        };
        worst = worst.max(status);
    }
    worst
}
