//! `pay`: an amount per unit of a column (a share whose rate is an amount,
//! with its bands, caps and thresholds counting units), or a fixed fee for
//! each calendar period.

use super::Checker;
use super::clauses::RateIs;
use crate::agreement::{Bound, ClauseKind, Fee, Milestone, Trigger};
use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::{self, ModifierKind, PayPer, When};

impl Checker {
    /// `pay 0.091 per unit of units to Publisher` or `pay 2K per quarter to Publisher`.
    pub(super) fn pay(&mut self, pay: &ast::Pay) -> Option<ClauseKind> {
        match &pay.per {
            PayPer::Unit(basis) => self
                .share_terms(
                    &pay.amount,
                    basis,
                    pay.schedule.as_ref(),
                    &pay.modifiers,
                    RateIs::PerUnit,
                )
                .map(ClauseKind::Share),
            PayPer::Once(trigger) => {
                let amount = self.positive(&pay.amount, "a milestone");
                let trigger = match trigger {
                    ast::Trigger::On(When::Date(date)) => Some(Trigger::On(Bound::Date(date.date))),
                    ast::Trigger::On(When::Event(name)) => self
                        .event(name)
                        .map(|event| Trigger::On(Bound::Event(event))),
                    ast::Trigger::Exceeds { basis, level, per } => {
                        let basis = self.basis(basis);
                        // `exceed 0`: the first period with any sales.
                        let level = self
                            .scope
                            .constant(level, super::values::Unit::Amount, "a milestone's level")
                            .map_err(|fault| self.report_fault(fault))
                            .ok()
                            .and_then(|(level, span)| {
                                if level.is_sign_negative() && !level.is_zero() {
                                    self.report(Problem::new(
                                        ProblemKind::Negative {
                                            what: "a milestone's level",
                                            value: crate::money::compact(level),
                                        },
                                        span,
                                    ));
                                    return None;
                                }
                                Some(level)
                            });
                        match (basis, level) {
                            (Some(basis), Some(level)) => Some(Trigger::Exceeds {
                                basis,
                                level,
                                per: per.map(|p| p.unit),
                            }),
                            _ => None,
                        }
                    }
                };
                Some(ClauseKind::Milestone(Milestone {
                    amount: amount?,
                    trigger: trigger?,
                }))
            }
            PayPer::Period(per) => {
                let amount = self.positive(&pay.amount, "a fee");
                // A fee is a fixed amount: only a window applies to it.
                let mut ok = true;
                if let Some(schedule) = &pay.schedule {
                    let span = match schedule {
                        ast::Schedule::Bands { span, .. } | ast::Schedule::Steps { span, .. } => {
                            *span
                        }
                    };
                    self.report(Problem::new(
                        ProblemKind::FeeTerm {
                            keyword: "a schedule",
                        },
                        span,
                    ));
                    ok = false;
                }
                for modifier in &pay.modifiers {
                    if !matches!(
                        modifier.kind,
                        ModifierKind::From(..) | ModifierKind::Until(..)
                    ) {
                        self.report(Problem::new(
                            ProblemKind::FeeTerm {
                                keyword: modifier.kind.keyword(),
                            },
                            modifier.span,
                        ));
                        ok = false;
                    }
                }
                if !ok {
                    return None;
                }
                let window = self.modifiers(&pay.modifiers)?.window;
                Some(ClauseKind::Fee(Fee {
                    amount: amount?,
                    per: per.unit,
                    window,
                }))
            }
        }
    }
}
