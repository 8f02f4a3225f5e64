//! A waterfall, one period: each step takes what it is owed, at most what
//! the steps before it left, and passes the rest on.

use rust_decimal::Decimal;

use super::arith::{self, Figure};
use crate::agreement::{PriorityForm, RoundingMode};
use crate::money;

/// What one step carries from period to period.
#[derive(Debug, Default, Clone)]
pub struct StepState {
    /// What the step has paid over the series.
    pub paid: Decimal,
    /// `recoup`: costs not yet covered, carried forward.
    pub carried: Decimal,
    /// Whether the step has been paid in full once (its event is recorded once).
    pub paid_in_full: bool,
}

/// What one step did in one period.
#[derive(Debug, Clone, Copy)]
pub struct Taken {
    /// What reached the step.
    pub available: Decimal,
    /// What it was owed (for `rest` without a limit: everything left).
    pub owed: Decimal,
    pub paid: Decimal,
    /// For `recoup`: costs still not covered after this period.
    pub carried: Decimal,
    /// For `recoup ... cap`: whether this period's payment filled the cap.
    pub capped: bool,
}

/// How to round a step's share to the minor unit.
#[derive(Debug, Clone, Copy)]
pub struct Rounding {
    pub minor_units: u32,
    pub mode: RoundingMode,
}

/// Runs one step on what is `left`, given the waterfall's `basis` (its
/// gross), what reached the split (`split_base`, for split parts) and, for
/// a `recoup`, the period's `costs`.
pub fn step(
    form: &PriorityForm,
    state: &mut StepState,
    basis: Decimal,
    left: Decimal,
    split: (Decimal, Decimal),
    costs: Decimal,
    rounding: Rounding,
) -> Figure<Taken> {
    let round = |figure: Decimal| money::round(figure, rounding.minor_units, rounding.mode);
    // Zero, never a negative zero, for what is not positive: a clause
    // reading the figure would take it for a negative basis.
    let positive = |figure: Decimal| {
        if figure > Decimal::ZERO {
            figure
        } else {
            Decimal::ZERO
        }
    };
    let (split_base, split_taken) = split;
    let owed = match form {
        PriorityForm::Share(rate) => round(arith::mul(*rate, basis)?),
        PriorityForm::Recoup { cap, .. } => {
            let due = arith::add(state.carried, round(positive(costs)))?;
            match cap {
                Some(cap) => due.min(positive(arith::sub(*cap, state.paid)?)),
                None => due,
            }
        }
        PriorityForm::Rest { until: None } => left,
        PriorityForm::Rest { until: Some(total) } | PriorityForm::Pay(total) => {
            positive(arith::sub(*total, state.paid)?)
        }
        PriorityForm::Split { last: true, .. } => positive(arith::sub(split_base, split_taken)?),
        PriorityForm::Split { rate, last: false } => round(arith::mul(*rate, split_base)?),
    };
    let paid = positive(owed.min(left));
    let before = state.paid;
    state.paid = arith::add(state.paid, paid)?;
    let capped = match form {
        PriorityForm::Recoup { cap: Some(cap), .. } => before < *cap && state.paid >= *cap,
        _ => false,
    };
    if let PriorityForm::Recoup { cap, .. } = form {
        let due = arith::add(state.carried, round(positive(costs)))?;
        state.carried = positive(arith::sub(due, paid)?);
        // Costs beyond the cap are never recouped: none is carried.
        if let Some(cap) = cap {
            state.carried = state.carried.min(positive(arith::sub(*cap, state.paid)?));
        }
    }
    Ok(Taken {
        available: left,
        owed,
        paid,
        carried: state.carried,
        capped,
    })
}
