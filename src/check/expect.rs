//! Checking `series` and `expect`: what `deal test` evaluates and compares.

use super::Checker;
use super::values::Unit;
use crate::agreement::{Expectation, Expected, Party, SeriesRef, Subject};
use crate::diagnostics::{Problem, ProblemKind, suggest};
use crate::format::expect_text;
use crate::period::Period;
use crate::syntax::ast::{self, ExpectKind, ItemKind, Name, PeriodLit};

impl Checker {
    /// `series "file.csv"`, at most once.
    pub(super) fn series(&mut self, items: &[ast::Item]) -> Option<SeriesRef> {
        self.setting(items, "series", |kind| match kind {
            ItemKind::Series(path) => Some(SeriesRef {
                path: path.value.clone(),
                span: path.span,
            }),
            _ => None,
        })
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
            let subject = match &expect.subject {
                None => Some(Subject::Any),
                Some(name) => self.subject(name),
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
            if let (Some(subject), Some(kind)) = (subject, kind) {
                expectations.push(Expectation {
                    text: expect_text(expect),
                    span: item.span,
                    subject,
                    kind,
                });
            }
        }
        expectations
    }

    /// A party, else a clause label.
    fn subject(&mut self, name: &Name) -> Option<Subject> {
        if let Some(id) = self
            .parties
            .iter()
            .position(|p: &Party| p.name == name.value)
        {
            return Some(Subject::Party(id));
        }
        if let Some((clause, _)) = self.labels.get(&name.value) {
            return Some(Subject::Clause(*clause));
        }
        let candidates = self
            .parties
            .iter()
            .map(|p| p.name.as_str())
            .chain(self.labels.keys().map(String::as_str));
        let suggestion = suggest(&name.value, candidates);
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
