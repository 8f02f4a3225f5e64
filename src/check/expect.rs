//! Checking `series` and `expect`: what `deal test` evaluates and compares.

use super::Checker;
use super::values::Unit;
use crate::agreement::{Expectation, Expected, SeriesRef, Subject};
use crate::diagnostics::{Problem, ProblemKind};
use crate::format::expect_text;
use crate::period::Period;
use crate::syntax::ast::{self, ExpectKind, ItemKind, Name, PeriodLit};

/// Why a declared series path, as written, could lead out of the
/// agreement's directory: absolute, or climbing above it with `..`. Both
/// separators count, so that a path means the same on every system. (What
/// the text cannot show, a symbolic link out, is refused when the file is
/// opened.)
fn outside_reason(path: &str) -> Option<&'static str> {
    let drive = path.as_bytes().get(1) == Some(&b':');
    if path.starts_with(['/', '\\']) || drive || std::path::Path::new(path).is_absolute() {
        return Some("is an absolute path");
    }
    if path.contains('\0') {
        return Some("holds a NUL character");
    }
    let mut depth = 0usize;
    for part in path.split(['/', '\\']) {
        match part {
            ".." => match depth.checked_sub(1) {
                Some(up) => depth = up,
                None => return Some("climbs out of the agreement's directory with `..`"),
            },
            "" | "." => {}
            _ => depth = depth.saturating_add(1),
        }
    }
    None
}

impl Checker {
    /// `series "file.csv"`, at most once.
    pub(super) fn series(&mut self, items: &[ast::Item]) -> Option<SeriesRef> {
        let series = self.setting(items, "series", |kind| match kind {
            ItemKind::Series(path) => Some(SeriesRef {
                path: path.value.clone(),
                span: path.span,
            }),
            _ => None,
        })?;
        if series.path.trim().is_empty() {
            self.report(Problem::new(
                ProblemKind::EmptyName {
                    what: "series file name",
                },
                series.span,
            ));
        } else if let Some(reason) = outside_reason(&series.path) {
            self.report(Problem::new(
                ProblemKind::SeriesPath {
                    path: series.path.clone(),
                    reason,
                },
                series.span,
            ));
        }
        Some(series)
    }

    /// Every `expect`, resolved; `has_series` says whether there is a
    /// series to test them against.
    pub(super) fn expectations(
        &mut self,
        items: &[ast::Item],
        has_series: bool,
    ) -> Vec<Expectation> {
        let mut expectations = Vec::new();
        let mut series_missing = !has_series;
        for item in items {
            let ItemKind::Expect(expect) = &item.kind else {
                continue;
            };
            if std::mem::take(&mut series_missing) {
                self.report(Problem::new(ProblemKind::ExpectWithoutSeries, item.span));
            }
            // An event belongs to a clause: a label named like a party means the clause.
            let is_event = matches!(expect.kind, ExpectKind::Event { .. });
            let subject = match &expect.subject {
                None => Some(Subject::Any),
                Some(name) => self.subject(name, is_event),
            };
            let kind = match &expect.kind {
                ExpectKind::Total(amount) => self.expected_amount(amount).map(Expected::Total),
                ExpectKind::InPeriod { period, amount } => {
                    let period = self.period(period);
                    let amount = self.expected_amount(amount);
                    period
                        .zip(amount)
                        .map(|(period, amount)| Expected::InPeriod(period, amount))
                }
                ExpectKind::Event { event, period } => {
                    if let (Some(Subject::Party(_)), Some(name)) = (subject, &expect.subject) {
                        self.report(Problem::new(
                            ProblemKind::EventOfParty {
                                name: name.value.clone(),
                            },
                            name.span,
                        ));
                    }
                    self.period(period)
                        .map(|period| Expected::Event(event.value.clone(), period))
                }
            };
            let mut scenario = Vec::new();
            let mut known = true;
            for (name, date) in &expect.scenario {
                known &= self.event(name).is_some();
                scenario.push((name.value.clone(), date.date));
            }
            scenario.sort();
            if let (Some(subject), Some(kind), true) = (subject, kind, known) {
                expectations.push(Expectation {
                    text: expect_text(expect),
                    span: item.span,
                    subject,
                    kind,
                    before_settlement: expect.before_settlement,
                    scenario,
                });
            }
        }
        expectations
    }

    /// A party or a clause label; when both have the name, the party,
    /// unless `prefer_clause`.
    fn subject(&mut self, name: &Name, prefer_clause: bool) -> Option<Subject> {
        let party = self.party_id(&name.value).map(Subject::Party);
        let clause = self.labels.get(&name.value).map(|(clause, _)| {
            match self.groups.named.get(&name.value) {
                Some(clauses) => Subject::Clauses {
                    first: clauses.first().copied().unwrap_or(*clause),
                    end: clauses
                        .last()
                        .map_or(*clause, |last| last.saturating_add(1)),
                },
                None => Subject::Clauses {
                    first: *clause,
                    end: clause.saturating_add(1),
                },
            }
        });
        let found = if prefer_clause {
            clause.or(party)
        } else {
            party.or(clause)
        };
        if found.is_some() {
            return found;
        }
        let candidates = self
            .parties
            .iter()
            .map(|p| p.name.as_str())
            .chain(self.labels_in_file_order());
        let suggestion = self.suggest(&name.value, candidates);
        self.report(Problem::new(
            ProblemKind::UnknownSubject {
                name: name.value.clone(),
                suggestion,
            },
            name.span,
        ));
        None
    }

    fn period(&mut self, period: &PeriodLit) -> Option<Period> {
        let parsed = Period::parse(&period.text);
        if parsed.is_none() {
            self.report(Problem::new(
                ProblemKind::BadPeriodLabel {
                    text: period.text.clone(),
                },
                period.span,
            ));
        }
        parsed
    }

    fn expected_amount(&mut self, amount: &ast::Expr) -> Option<rust_decimal::Decimal> {
        self.scope
            .constant(amount, Unit::Amount, "an expected amount")
            .map(|(value, _)| value)
            .map_err(|fault| self.report_fault(fault))
            .ok()
    }
}
