//! `deal check FILE...`

use std::path::PathBuf;

use dealterms::diagnostics::Style;
use dealterms::source::Input;

use super::{Status, compile_loaded, load, plural};

/// `deal check FILE...`
pub(super) fn check(files: &[PathBuf], quiet: bool, style: Style) -> Status {
    let mut worst = Status::Ok;
    for path in files {
        let status =
            match load(path, Input::Agreement).and_then(|loaded| compile_loaded(loaded, style)) {
                Err(status) => status,
                Ok((name, _, agreement, warnings)) => {
                    if !quiet && style != Style::Json {
                        let clauses = agreement.clauses.len();
                        let parties = agreement.parties.len();
                        say!(
                            "{name}: ok: \"{}\", {parties} {}, {clauses} {}{}",
                            dealterms::diagnostics::printable(&agreement.name),
                            plural(parties, "party", "parties"),
                            plural(clauses, "clause", "clauses"),
                            match warnings {
                                0 => String::new(),
                                n => format!(", {n} {}", plural(n, "warning", "warnings")),
                            }
                        );
                    }
                    Status::Ok
                }
            };
        worst = worst.max(status);
    }
    worst
}
