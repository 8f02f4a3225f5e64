//! The engine's part in payments that feed payments: a waterfall's steps,
//! reserves held and released, and withholding. The rules of one step and
//! of one reserve are in [`super::waterfall`] and [`super::reserve`].

use rust_decimal::Decimal;

use super::statement::{Event, EventKind, Note, ReserveHeld, add_note};
use super::{Engine, Place, Step, arith, waterfall};
use crate::agreement::{ClauseKind, PriorityForm};
use crate::money::{self, percent, readable};
use crate::period::Period;

impl Engine<'_> {
    /// Runs waterfall `which` in period `t`: every step's row, in order.
    pub(super) fn waterfall(
        &mut self,
        first: usize,
        which: usize,
        t: usize,
        period: Period,
    ) -> Step<()> {
        let agreement = self.agreement;
        let Some(definition) = agreement.waterfalls.get(which) else {
            return Ok(());
        };
        let steps = definition.clauses.clone();
        let place = Place::clause(steps.start);
        let flows = super::basis::Flows {
            paid: &self.paid,
            received: &self.received,
        };
        let gross = match self.waterfalls.get(which) {
            Some(basis) => basis.at(self.series, t, &flows).map_err(|f| (f, place))?,
            None => Decimal::ZERO,
        };
        let units = agreement.currency.minor_units;
        let rounding = waterfall::Rounding {
            minor_units: units,
            mode: agreement.rounding,
        };
        // The gross at the minor unit, once: every step then takes whole
        // minor units, and the steps and what is left add up to it.
        let gross = money::round(gross.max(Decimal::ZERO), units, agreement.rounding);
        let mut left = gross;
        let mut split = (Decimal::ZERO, Decimal::ZERO);
        let mut trail = Vec::new();
        for index in steps {
            let Some(clause) = agreement.clauses.get(index) else {
                continue;
            };
            let ClauseKind::Priority(priority) = &clause.kind else {
                continue;
            };
            let here = |fault| (fault, Place::clause(index));
            if matches!(priority.form, PriorityForm::Split { .. }) {
                if split.0.is_zero() && split.1.is_zero() {
                    split.0 = left;
                }
            } else {
                split = (Decimal::ZERO, Decimal::ZERO);
            }
            let costs = match &priority.form {
                PriorityForm::Recoup { .. } => self.basis(index, t)?,
                _ => Decimal::ZERO,
            };
            let Some(state) = self.steps.get_mut(index) else {
                continue;
            };
            let taken = waterfall::step(&priority.form, state, gross, left, split, costs, rounding)
                .map_err(here)?;
            left = arith::sub(left, taken.paid).map_err(here)?;
            if let PriorityForm::Split { .. } = priority.form {
                split.1 = arith::add(split.1, taken.paid).map_err(here)?;
            }
            let state_paid = state.paid;
            let full = !taken.owed.is_zero() && taken.paid == taken.owed && !state.paid_in_full;
            if full {
                state.paid_in_full = true;
            }
            if let Some(slot) = self.earned.get_mut(index) {
                *slot = taken.paid;
            }
            let Some(row) = self.rows.get_mut(first.saturating_add(index)) else {
                continue;
            };
            row.basis = Some(taken.available);
            row.amount = taken.paid;
            add_note(&mut row.notes, self.notes, || Note::Priority {
                step: priority.step,
                owed: taken.owed,
                paid: taken.paid,
                carried: taken.carried,
            });
            if let PriorityForm::Recoup { cap: Some(cap), .. } = priority.form
                && state_paid >= cap
            {
                add_note(&mut row.notes, self.notes, || Note::Cap {
                    cap,
                    per: None,
                    earlier: !taken.capped,
                });
            }
            if self.explain {
                row.explain.push(format!(
                    "step {} of `{}`: {} reached it; owed {}, takes {}, passes on {}",
                    priority.step,
                    definition.label,
                    readable(taken.available),
                    readable(taken.owed),
                    readable(taken.paid),
                    readable(left)
                ));
                if !taken.carried.is_zero() {
                    row.explain.push(format!(
                        "{} of costs carried forward",
                        readable(taken.carried)
                    ));
                }
            }
            // How far the money reached, for the explanation only.
            if self.explain && !taken.paid.is_zero() {
                trail.push(clause.label.as_str());
            }
            if taken.capped
                && let PriorityForm::Recoup { cap: Some(cap), .. } = priority.form
            {
                self.events.push(Event {
                    period: Some(period),
                    clause: clause.label.clone(),
                    kind: EventKind::CapReached,
                    text: format!("cap of {} reached", readable(cap)),
                });
            }
            if full {
                let text = match priority.form {
                    PriorityForm::Rest { until: Some(total) } | PriorityForm::Pay(total) => {
                        format!(
                            "step {} paid in full: {} received",
                            priority.step,
                            readable(total)
                        )
                    }
                    _ => format!(
                        "step {} first paid all it was owed: {}",
                        priority.step,
                        readable(taken.owed)
                    ),
                };
                self.events.push(Event {
                    period: Some(period),
                    clause: clause.label.clone(),
                    kind: EventKind::PaidInFull,
                    text,
                });
            }
        }
        if self.explain
            && let Some(row) = self
                .rows
                .get_mut(first.saturating_add(definition.clauses.start))
        {
            let reached = if trail.is_empty() {
                "no step".to_string()
            } else {
                trail.join(", ")
            };
            row.explain.insert(
                0,
                format!(
                    "`{}`: {} in; the money reached {reached}; {} left",
                    definition.label,
                    readable(gross),
                    readable(left)
                ),
            );
        }
        Ok(())
    }

    /// Holds back and releases the reserves of the shares of one depth.
    pub(super) fn reserves(&mut self, first: usize, t: usize, members: &[usize]) -> Step<()> {
        let agreement = self.agreement;
        for &index in members {
            let Some(ClauseKind::Share(share)) = agreement.clauses.get(index).map(|c| &c.kind)
            else {
                continue;
            };
            let Some(reserve) = share.reserve.as_ref() else {
                continue;
            };
            let (Some(held), Some(row)) = (
                self.held.get_mut(index),
                self.rows.get_mut(first.saturating_add(index)),
            ) else {
                continue;
            };
            let here = |fault| (fault, Place::clause(index));
            let moved = held
                .period(
                    reserve,
                    row.amount,
                    t,
                    agreement.currency.minor_units,
                    agreement.rounding,
                )
                .map_err(here)?;
            if moved.held.is_zero() && moved.released.is_zero() {
                continue;
            }
            let earned = row.amount;
            row.amount = arith::add(
                arith::sub(row.amount, moved.held).map_err(here)?,
                moved.released,
            )
            .map_err(here)?;
            add_note(&mut row.notes, self.notes, || Note::Reserve {
                held: moved.held,
                released: moved.released,
            });
            if self.explain {
                row.explain.push(format!(
                    "reserve of {} of {} holds back {}; {} released; pays {}",
                    percent(reserve.rate),
                    readable(earned),
                    readable(moved.held),
                    readable(moved.released),
                    readable(row.amount)
                ));
            }
        }
        Ok(())
    }

    /// Withholds from the payments of one layer (`members`) to each withholding's
    /// party: the payment rounded, the withholding its rate of that,
    /// rounded, added to the withholding's row.
    pub(super) fn withhold(&mut self, first: usize, members: &[usize]) -> Step<()> {
        let agreement = self.agreement;
        // What each withholding took this layer, and of what payments.
        let mut taken: Vec<(Decimal, Decimal)> =
            vec![(Decimal::ZERO, Decimal::ZERO); self.withholdings.len()];
        for &index in members {
            let Some(clause) = agreement.clauses.get(index) else {
                continue;
            };
            if matches!(clause.kind, ClauseKind::Withhold(_)) {
                continue;
            }
            let Some(row) = self.rows.get_mut(first.saturating_add(index)) else {
                continue;
            };
            // Every withholding is its rate of the payment itself, however
            // many there are and in whatever order.
            let gross = row.amount;
            if gross <= Decimal::ZERO {
                continue;
            }
            for (w, slot) in self.withholdings.iter().zip(taken.iter_mut()) {
                let Some(withholder) = agreement.clauses.get(*w) else {
                    continue;
                };
                let ClauseKind::Withhold(withholding) = &withholder.kind else {
                    continue;
                };
                if clause.payee != withholding.party || clause.payer != withholder.payer {
                    continue;
                }
                let here = |fault| (fault, Place::clause(*w));
                let withheld = money::round(
                    arith::mul(withholding.rate, gross).map_err(here)?,
                    agreement.currency.minor_units,
                    agreement.rounding,
                );
                slot.1 = arith::add(slot.1, gross).map_err(here)?;
                if withheld.is_zero() {
                    continue;
                }
                slot.0 = arith::add(slot.0, withheld).map_err(here)?;
                row.amount = arith::sub(row.amount, withheld).map_err(here)?;
                add_note(&mut row.notes, self.notes, || Note::WithheldFor {
                    amount: withheld,
                    party: withholder.payee,
                });
                if self.explain {
                    row.explain.push(format!(
                        "{} of {} withheld for {}: {}; receives {}",
                        percent(withholding.rate),
                        readable(gross),
                        self.parties
                            .get(withholder.payee)
                            .map_or("", String::as_str),
                        readable(withheld),
                        readable(row.amount)
                    ));
                }
            }
        }
        for (w, (total, of)) in self.withholdings.iter().zip(taken) {
            let (Some(withholder), Some(row)) = (
                agreement.clauses.get(*w),
                self.rows.get_mut(first.saturating_add(*w)),
            ) else {
                continue;
            };
            let ClauseKind::Withhold(withholding) = &withholder.kind else {
                continue;
            };
            if of.is_zero() {
                continue;
            }
            let here = |fault| (fault, Place::clause(*w));
            row.amount = arith::add(row.amount, total).map_err(here)?;
            let basis = arith::add(row.basis.unwrap_or_default(), of).map_err(here)?;
            row.basis = Some(basis);
            row.notes.clear();
            add_note(&mut row.notes, self.notes, || Note::Share {
                rate: withholding.rate,
                basis,
            });
            if self.explain {
                row.explain.push(format!(
                    "withholds {} from payments of {}",
                    readable(total),
                    readable(of)
                ));
            }
        }
        Ok(())
    }

    /// Records each reserve still held when the series ends: an event, a
    /// note on its last row, and a line of the statement.
    pub(super) fn still_held(&mut self) -> Result<Vec<ReserveHeld>, (arith::Fault, Place)> {
        let last = self.series.periods.last().copied();
        let mut held = Vec::new();
        for (index, clause) in self.agreement.clauses.iter().enumerate() {
            let Some(reserve) = self.held.get(index) else {
                continue;
            };
            let amount = reserve
                .still_held()
                .map_err(|fault| (fault, Place::clause(index)))?;
            if amount.is_zero() {
                continue;
            }
            held.push(ReserveHeld {
                clause: index,
                amount,
            });
            self.events.push(Event {
                period: last,
                clause: clause.label.clone(),
                kind: EventKind::ReserveHeld,
                text: format!(
                    "{} of reserves still held at the end of the series",
                    readable(amount)
                ),
            });
            // The clause's row in the last period.
            let at = self.rows.iter().rposition(|row| row.clause == index);
            if let Some(row) = at.and_then(|at| self.rows.get_mut(at)) {
                add_note(&mut row.notes, self.notes, || Note::StillHeld { amount });
            }
        }
        Ok(held)
    }
}
