//! Milestones: a one-time payment in the period its condition first holds,
//! an event's or a date's period, or the period in which a running total
//! first passes a level.

use rust_decimal::Decimal;

use jiff::civil::Date;

use super::statement::{Event, EventKind, Note, Row, add_note};
use super::{Engine, Place, Step, arith, blank_row};
use crate::agreement::{Agreement, Bound, Calendar, Clause, Milestone, Trigger};
use crate::diagnostics::{Problem, ProblemKind};
use crate::money::readable;
use crate::period::{Period, granularity_word};
use crate::series::Series;

/// Prepares a milestone for `series`: the period a milestone on a date or
/// an event is due in (`None` for one the series never reaches, which is
/// recorded in `events`, and for one on a running total). A running total
/// per a shorter period than the series' cannot be read from it.
pub(super) fn period_due(
    clause: &Clause,
    milestone: &Milestone,
    series: &Series,
    agreement: &Agreement,
    event_dates: &[Option<Date>],
    events: &mut Vec<Event>,
) -> Result<Option<usize>, Problem> {
    let bound = match &milestone.trigger {
        Trigger::On(bound) => bound,
        Trigger::Exceeds {
            per: Some(per),
            basis,
            ..
        } if *per < series.granularity => {
            return Err(Problem::new(
                ProblemKind::PeriodMismatch {
                    keyword: "when ... exceed",
                    per: per.keyword(),
                    series: granularity_word(series.granularity),
                },
                basis.span,
            ));
        }
        Trigger::Exceeds { .. } => return Ok(None),
    };
    let date = match bound {
        Bound::Date(date) => Some(*date),
        Bound::Event(event) => event_dates.get(*event).copied().flatten(),
    };
    let due = date.and_then(|date| {
        series
            .periods
            .iter()
            .position(|p| p.start() <= date && date < p.end())
    });
    if due.is_none() {
        let (kind, text) = match (bound, date) {
            (Bound::Event(event), None) => (
                EventKind::EventUndated,
                format!(
                    "event `{}` has no date, so the milestone is never paid",
                    agreement.events.get(*event).map_or("", |e| e.name.as_str())
                ),
            ),
            (_, date) => (
                EventKind::MilestoneOutside,
                format!(
                    "the milestone falls on {}, outside the series: not paid in it",
                    date.map(|d| d.to_string()).unwrap_or_default()
                ),
            ),
        };
        events.push(Event {
            period: None,
            clause: clause.label.clone(),
            kind,
            text,
        });
    }
    Ok(due)
}

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
