//! Amounts that are paid as written, in the currency's minor unit.
//!
//! A cap, a floor, a minimum and an advance are amounts that a payment can
//! equal: the period that reaches a cap pays what is left under it, an
//! advance is paid whole. Written finer than the minor unit (`cap 10.005`,
//! `advance 100K / 3`), such an amount is rounded once, here, with the
//! agreement's rounding mode, so that every payment is in the minor unit
//! and every total is the sum of what was paid. Thresholds, band limits and
//! step limits are levels of a basis or of earnings, not payments: they
//! stay exact.

use rust_decimal::Decimal;

use crate::agreement::{Agreement, ClauseKind, Limit, PriorityForm};
use crate::diagnostics::{Problem, ProblemKind};
use crate::money;
use crate::syntax::ast::Span;

/// Rounds every paid amount of `agreement` to its currency's minor unit;
/// one that rounds to nothing (`cap 0.004` in USD) is a problem, as `cap 0`
/// is.
pub(super) fn round_paid_amounts(agreement: &mut Agreement) -> Vec<Problem> {
    let (units, mode) = (agreement.currency.minor_units, agreement.rounding);
    let mut problems = Vec::new();
    let mut round = |what: &'static str, amount: &mut Decimal, span: Span| {
        let rounded = money::round(*amount, units, mode);
        if rounded.is_zero() && !amount.is_zero() {
            problems.push(Problem::new(
                ProblemKind::NotPositive {
                    what,
                    value: format!(
                        "{} (0 once rounded to the minor unit)",
                        money::plain(*amount)
                    ),
                },
                span,
            ));
        }
        *amount = rounded;
    };
    for clause in &mut agreement.clauses {
        match &mut clause.kind {
            ClauseKind::Share(share) => {
                let limits = share.caps.iter_mut().map(|cap| ("a cap", cap));
                let limits = limits
                    .chain(share.floor.iter_mut().map(|floor| ("a floor", floor)))
                    .chain(
                        share
                            .minimum
                            .iter_mut()
                            .map(|minimum| ("a minimum", minimum)),
                    );
                for (what, Limit { amount, span, .. }) in limits {
                    round(what, amount, *span);
                }
            }
            ClauseKind::Advance(advance) => round("an advance", &mut advance.amount, clause.span),
            ClauseKind::Priority(priority) => match &mut priority.form {
                PriorityForm::Pay(amount) => round("a payment", amount, clause.span),
                PriorityForm::Rest {
                    until: Some(amount),
                } => round("an amount to receive", amount, clause.span),
                PriorityForm::Recoup {
                    cap: Some(amount), ..
                } => round("a cap", amount, clause.span),
                _ => {}
            },
            ClauseKind::Fee(fee) => round("a fee", &mut fee.amount, clause.span),
            ClauseKind::Milestone(milestone) => {
                round("a milestone", &mut milestone.amount, clause.span);
            }
            ClauseKind::Rest(_) | ClauseKind::Withhold(_) => {}
        }
    }
    problems
}
