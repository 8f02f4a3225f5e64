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

use crate::agreement::{Agreement, ClauseKind, Limit};
use crate::money;

/// Rounds every paid amount of `agreement` to its currency's minor unit.
pub(super) fn round_paid_amounts(agreement: &mut Agreement) {
    let (units, mode) = (agreement.currency.minor_units, agreement.rounding);
    let round = |limit: &mut Limit| limit.amount = money::round(limit.amount, units, mode);
    for clause in &mut agreement.clauses {
        match &mut clause.kind {
            ClauseKind::Share(share) => {
                share.caps.iter_mut().for_each(round);
                share.floor.iter_mut().for_each(round);
                share.minimum.iter_mut().for_each(round);
            }
            ClauseKind::Advance(advance) => {
                advance.amount = money::round(advance.amount, units, mode);
            }
            ClauseKind::Rest(_) => {}
        }
    }
}
