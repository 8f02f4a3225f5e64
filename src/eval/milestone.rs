//! Milestones: a one-time payment in the period its condition first holds,
//! an event's or a date's period, or the period in which a running total
//! first passes a level.

use rust_decimal::Decimal;

use super::statement::{Event, EventKind, Note, Row, add_note};
use super::{Engine, Place, Step, arith, blank_row};
use crate::agreement::{Calendar, Clause, Milestone, Trigger};
use crate::money::readable;
use crate::period::Period;

/// What a milestone carries from period to period.
#[derive(Debug, Clone, Default)]
pub struct Reached {
    /// Paid already: never again.
    pub paid: bool,
    /// The running total of its basis, and the calendar period it is of.
    key: Option<(i16, u8)>,
    total: Decimal,
}

impl Engine<'_> {
    /// The row of milestone clause `index` in period `t`.
    pub(super) fn milestone_row(
        &mut self,
        index: usize,
        clause: &Clause,
        milestone: &Milestone,
        t: usize,
        period: Period,
    ) -> Step<Row> {
        let mut row = blank_row(index, clause, period, None);
        let here = |fault| (fault, Place::clause(index));
        let due = match &milestone.trigger {
            Trigger::On(_) => {
                let at = self.clauses.get(index).and_then(|p| p.paid_at);
                (at == Some(t)).then(|| "its date falls in this period".to_string())
            }
            Trigger::Exceeds {
                basis: measure,
                level,
                per,
            } => {
                let basis = self.basis(index, t)?;
                let Some(reached) = self.reached.get_mut(index) else {
                    return Ok(row);
                };
                if let Some(unit) = per {
                    let key = period.key(*unit);
                    if reached.key != Some(key) {
                        reached.key = Some(key);
                        reached.total = Decimal::ZERO;
                    }
                }
                let before = reached.total;
                // A negative period does not take the total back, as for a
                // threshold (semantics §3).
                reached.total =
                    arith::add(reached.total, basis.max(Decimal::ZERO)).map_err(here)?;
                (before <= *level && reached.total > *level).then(|| {
                    let within = match per {
                        Some(Calendar::Year) => format!(" in {}", period.year),
                        Some(unit) => format!(" this {}", unit.keyword()),
                        None => String::new(),
                    };
                    format!(
                        "`{}`{within} reaches {}, past {}",
                        measure.text,
                        readable(reached.total),
                        readable(*level)
                    )
                })
            }
        };
        let Some(reason) = due else {
            if self.reached.get(index).is_some_and(|r| r.paid) {
                add_note(&mut row.notes, self.notes, || Note::MilestonePaid);
            }
            return Ok(row);
        };
        let Some(reached) = self.reached.get_mut(index) else {
            return Ok(row);
        };
        if reached.paid {
            add_note(&mut row.notes, self.notes, || Note::MilestonePaid);
            return Ok(row);
        }
        reached.paid = true;
        row.amount = milestone.amount;
        add_note(&mut row.notes, self.notes, || Note::Milestone);
        if self.explain {
            row.explain.push(format!(
                "milestone of {}: {reason}",
                readable(milestone.amount)
            ));
        }
        self.events.push(Event {
            period: Some(period),
            clause: clause.label.clone(),
            kind: EventKind::MilestonePaid,
            text: format!("milestone of {} paid: {reason}", readable(milestone.amount)),
        });
        Ok(row)
    }
}
