//! The clauses completed after the shares earn: advances (paid, then
//! recouped from the earnings of the clauses named, and reported when
//! still unrecouped at the end), `rest of`, and fixed fees.

use rust_decimal::Decimal;

use super::statement::{Event, EventKind, Note, Row, add_note};
use super::{Engine, Place, Step, arith, blank_row};
use crate::agreement::{Calendar, Clause, ClauseKind, Fee};
use crate::money::{self, readable};
use crate::period::Period;

impl Engine<'_> {
    /// The row of a fixed fee in period `t`: its amount in every period its
    /// window covers; once per fee period if that is longer than the
    /// series' (in the first period of it the window covers), as many times
    /// as fit if shorter (a monthly fee three times a quarter).
    fn fee_row(&self, index: usize, clause: &Clause, fee: &Fee, t: usize, period: Period) -> Row {
        let mut row = blank_row(index, clause, period, None);
        let active = |at: usize| {
            self.clauses
                .get(index)
                .and_then(|p| p.active.get(at).copied())
                .unwrap_or(false)
        };
        if !active(t) {
            add_note(&mut row.notes, self.notes, || Note::OutsideWindow);
            return row;
        }
        let granularity = period.granularity;
        let times = if fee.per >= granularity {
            // Paid once in each fee period: not again after an earlier
            // period of the same one.
            let earlier = t
                .checked_sub(1)
                .filter(|before| active(*before))
                .and_then(|before| self.series.periods.get(before))
                .is_some_and(|before| before.key(fee.per) == period.key(fee.per));
            u8::from(!earlier)
        } else {
            // As many of its periods as the window covers in this one.
            self.clauses
                .get(index)
                .and_then(|p| p.fee_times.get(t).copied())
                .unwrap_or(0)
        };
        if times == 0 {
            add_note(&mut row.notes, self.notes, || Note::FeePaid {
                per: fee.per,
            });
            return row;
        }
        row.amount = fee.amount.saturating_mul(Decimal::from(times));
        add_note(&mut row.notes, self.notes, || Note::Fee {
            amount: fee.amount,
            per: fee.per,
            times,
        });
        if self.explain {
            row.explain.push(format!(
                "fee of {}{} x {times}",
                readable(fee.amount),
                Calendar::per_words(Some(fee.per))
            ));
        }
        row
    }

    /// Withholds the earnings of recouping clauses until each advance is recouped.
    pub(super) fn recoup(&mut self, first: usize, t: usize, period: Period, members: &[usize]) {
        for (advance_index, clause) in self.agreement.clauses.iter().enumerate() {
            let ClauseKind::Advance(advance) = &clause.kind else {
                continue;
            };
            // Nothing is withheld before the advance is paid.
            let paid_at = self.clauses.get(advance_index).and_then(|p| p.paid_at);
            if paid_at.is_none_or(|at| t < at) {
                continue;
            }
            for &target in &advance.recouped_by {
                if !members.contains(&target) {
                    continue;
                }
                let Some(balance) = self.balances.get_mut(&advance_index) else {
                    continue;
                };
                let Some(row) = self.rows.get_mut(first.saturating_add(target)) else {
                    continue;
                };
                if balance.is_zero() || row.amount.is_zero() {
                    continue;
                }
                let withheld = row.amount.min(*balance);
                // 0 <= withheld <= both, so neither can leave the range.
                *balance = balance.saturating_sub(withheld);
                row.amount = row.amount.saturating_sub(withheld);
                let note = Note::Withheld {
                    amount: withheld,
                    advance: advance_index,
                    balance: *balance,
                };
                if self.explain {
                    row.explain.push(note.text(&self.parties, &self.labels));
                    row.explain.push(format!("pays {}", readable(row.amount)));
                }
                add_note(&mut row.notes, self.notes, || note);
                if balance.is_zero() {
                    self.events.push(Event {
                        period: Some(period),
                        clause: clause.label.clone(),
                        kind: EventKind::AdvanceRecouped,
                        text: format!("advance of {} recouped", readable(advance.amount)),
                    });
                }
            }
        }
    }

    /// Completes the row of a `rest of` or an advance, at `first + index`.
    pub(super) fn other(
        &mut self,
        first: usize,
        index: usize,
        clause: &Clause,
        t: usize,
        period: Period,
    ) -> Step<()> {
        let row = self.other_row(index, clause, t, period)?;
        if let Some(slot) = self.rows.get_mut(first.saturating_add(index)) {
            *slot = row;
        }
        Ok(())
    }

    /// The row of a `rest of` or an advance.
    fn other_row(&mut self, index: usize, clause: &Clause, t: usize, period: Period) -> Step<Row> {
        let fault_here = |fault| (fault, Place::clause(index));
        match &clause.kind {
            ClauseKind::Rest(rest) => {
                let basis = self.basis(index, t)?;
                let mut row = blank_row(index, clause, period, Some(basis));
                let mut taken = Decimal::ZERO;
                let mut parts = Vec::new();
                let shares = self
                    .clauses
                    .get(index)
                    .map_or(&[][..], |p| p.remainder_of.as_slice());
                for &share_index in shares {
                    let earned = self.earned.get(share_index).copied().unwrap_or_default();
                    taken = arith::add(taken, earned).map_err(fault_here)?;
                    if self.explain {
                        let label = self.labels.get(share_index).map_or("", String::as_str);
                        parts.push(format!("{} to `{label}`", readable(earned)));
                    }
                }
                let remainder = arith::sub(basis, taken).map_err(fault_here)?;
                let rounded = money::round(
                    remainder,
                    self.agreement.currency.minor_units,
                    self.agreement.rounding,
                );
                if basis.is_sign_negative() || basis.is_zero() {
                    add_note(&mut row.notes, self.notes, || Note::NothingToShare);
                } else if rounded.is_sign_negative() {
                    add_note(&mut row.notes, self.notes, || Note::SharesExceed {
                        by: rounded.abs(),
                    });
                    self.events.push(Event {
                        period: Some(period),
                        clause: clause.label.clone(),
                        kind: EventKind::SharesExceedBasis,
                        text: format!(
                            "the shares of `{}` exceed it by {}",
                            rest.text(),
                            readable(rounded.abs())
                        ),
                    });
                } else {
                    row.amount = rounded;
                    add_note(&mut row.notes, self.notes, || Note::Remainder);
                }
                if self.explain {
                    let shares = if parts.is_empty() {
                        "no shares".to_string()
                    } else {
                        parts.join(", ")
                    };
                    row.explain.push(format!(
                        "{} less {shares} leaves {}",
                        readable(basis),
                        readable(remainder)
                    ));
                    row.explain.push(format!("pays {}", readable(row.amount)));
                }
                Ok(row)
            }
            ClauseKind::Advance(advance) => {
                let mut row = blank_row(index, clause, period, None);
                let (paid_at, before_series) = self
                    .clauses
                    .get(index)
                    .map_or((None, false), |p| (p.paid_at, p.paid_before_series));
                if paid_at == Some(t) && !before_series {
                    row.amount = advance.amount;
                    add_note(&mut row.notes, self.notes, || Note::AdvancePaid {
                        on: advance.on,
                    });
                    self.events.push(Event {
                        period: Some(period),
                        clause: clause.label.clone(),
                        kind: EventKind::AdvancePaid,
                        text: format!("advance of {} paid", readable(advance.amount)),
                    });
                    if self.explain {
                        let when = match advance.on {
                            Some(on) => format!("on {on}, in this period"),
                            None => "in the first period".into(),
                        };
                        let amount = readable(advance.amount);
                        row.explain.push(format!("advance of {amount} paid {when}"));
                    }
                } else if paid_at.is_none_or(|at| t < at) {
                    add_note(&mut row.notes, self.notes, || Note::AdvanceDue {
                        on: advance.on,
                    });
                } else if let Some(balance) = self.balances.get(&index) {
                    if before_series && t == 0 {
                        add_note(&mut row.notes, self.notes, || Note::AdvancePaidBefore {
                            on: advance.on,
                        });
                    }
                    let note = Note::Unrecouped { balance: *balance };
                    if self.explain {
                        let text = note.text(&self.parties, &self.labels);
                        row.explain.push(format!("paid earlier; {text}"));
                    }
                    add_note(&mut row.notes, self.notes, || note);
                }
                Ok(row)
            }
            ClauseKind::Fee(fee) => Ok(self.fee_row(index, clause, fee, t, period)),
            ClauseKind::Milestone(milestone) => {
                self.milestone_row(index, clause, milestone, t, period)
            }
            ClauseKind::Share(_) | ClauseKind::Priority(_) | ClauseKind::Withhold(_) => {
                Ok(blank_row(index, clause, period, None))
            }
        }
    }

    /// Records each advance still not recouped when the series ends.
    pub(super) fn unrecouped(&mut self) {
        let last = self.series.periods.last().copied();
        for (index, clause) in self.agreement.clauses.iter().enumerate() {
            let Some(balance) = self.balances.get(&index).filter(|b| !b.is_zero()) else {
                continue;
            };
            // An advance due after the series was never paid, so it owes nothing.
            let paid = matches!(clause.kind, ClauseKind::Advance(_))
                && self.clauses.get(index).is_some_and(|p| p.paid_at.is_some());
            if !paid {
                continue;
            }
            self.events.push(Event {
                period: last,
                clause: clause.label.clone(),
                kind: EventKind::AdvanceUnrecouped,
                text: format!(
                    "{} of the advance still unrecouped at the end of the series",
                    readable(*balance)
                ),
            });
        }
    }
}
