//! `rounding ... per payee`: each payee's period total from one payer
//! rounded once and shared back among its rows.

use rust_decimal::Decimal;

use super::statement::{Event, Note, add_note};
use super::{Engine, Kernel, Place, Prepared, Step, arith, share};
use crate::agreement::ClauseKind;
use crate::money::{self, readable};

impl Engine<'_> {
    /// `rounding ... per payee`: what one payer owes one payee from all its
    /// shares this period, rounded once, then shared back among the rows by
    /// largest remainder: each row is its figure rounded down, and the
    /// minor units the total has beyond those go one each to the rows with
    /// the largest fractions (the earlier clause first on a tie). A row
    /// whose figure is already whole gets none, so a binding cap, whose
    /// room is always whole, is never passed.
    pub(super) fn round_payees(&mut self, first: usize, members: &[usize]) -> Step<()> {
        let agreement = self.agreement;
        let (units, mode) = (agreement.currency.minor_units, agreement.rounding);
        let unit = Decimal::new(1, units);
        let shares: Vec<usize> = members
            .iter()
            .copied()
            .filter(|index| {
                matches!(
                    agreement.clauses.get(*index).map(|c| &c.kind),
                    Some(ClauseKind::Share(_))
                )
            })
            .collect();
        let mut grouped = vec![false; agreement.clauses.len()];
        for &leader in &shares {
            if grouped.get(leader).copied().unwrap_or(true) {
                continue;
            }
            let Some(head) = agreement.clauses.get(leader) else {
                continue;
            };
            let group: Vec<usize> = shares
                .iter()
                .copied()
                .filter(|&index| {
                    agreement.clauses.get(index).is_some_and(|clause| {
                        clause.payer == head.payer && clause.payee == head.payee
                    })
                })
                .collect();
            let amount = |index: usize| {
                self.rows
                    .get(first.saturating_add(index))
                    .map_or(Decimal::ZERO, |row| row.amount)
            };
            let overflow = |fault| (fault, Place::clause(leader));
            let total = arith::sum(group.iter().map(|&index| amount(index))).map_err(overflow)?;
            let target = money::round(total, units, mode);
            // Each row rounded down, with what that left out of it.
            let mut parts = Vec::with_capacity(group.len());
            for &index in &group {
                if let Some(seen) = grouped.get_mut(index) {
                    *seen = true;
                }
                let figure = amount(index);
                let down = figure.round_dp_with_strategy(
                    units,
                    rust_decimal::RoundingStrategy::ToNegativeInfinity,
                );
                parts.push((
                    index,
                    figure,
                    down,
                    arith::sub(figure, down).map_err(overflow)?,
                ));
            }
            let floors = arith::sum(parts.iter().map(|part| part.2)).map_err(overflow)?;
            let mut spare = arith::sub(target, floors).map_err(overflow)?;
            // Largest fraction first; a stable sort keeps file order on ties.
            parts.sort_by_key(|part| std::cmp::Reverse(part.3));
            for (index, figure, down, fraction) in parts {
                let paid = if spare >= unit && !fraction.is_zero() {
                    spare = arith::sub(spare, unit).map_err(overflow)?;
                    arith::add(down, unit).map_err(overflow)?
                } else {
                    down
                };
                self.paid_rounded(first, index, figure, paid, (total, target), group.len())?;
            }
        }
        Ok(())
    }

    /// Sets share clause `index`'s row to `paid`, once its payee's total
    /// (`sums`: before and after rounding) was rounded, and tells the clause.
    fn paid_rounded(
        &mut self,
        first: usize,
        index: usize,
        figure: Decimal,
        paid: Decimal,
        (total, target): (Decimal, Decimal),
        members: usize,
    ) -> Step<()> {
        let overflow = |fault| (fault, Place::clause(index));
        let by = arith::sub(paid, figure).map_err(overflow)?;
        if let Some(slot) = self.earned.get_mut(index) {
            *slot = paid;
        }
        let filled = match self.clauses.get_mut(index) {
            Some(Prepared {
                kernel: Some(Kernel::Decimal(terms, state)),
                ..
            }) => state
                .rounded(terms, by)
                .map_err(overflow)?
                .map(|cap| (cap.amount, cap.per, share::cap_reached(cap))),
            _ => None,
        };
        let (units, mode) = (self.agreement.currency.minor_units, self.agreement.rounding);
        let Some(row) = self.rows.get_mut(first.saturating_add(index)) else {
            return Ok(());
        };
        row.amount = paid;
        if let Some((cap, per, (kind, text))) = filled {
            add_note(&mut row.notes, self.notes, || Note::Cap {
                cap,
                per,
                earlier: false,
            });
            if self.explain {
                row.explain.push(format!(
                    "the rounded payment fills the cap of {}",
                    readable(cap)
                ));
            }
            let clause = self.labels.get(index).cloned().unwrap_or_default();
            self.events.push(Event {
                period: Some(row.period),
                clause,
                kind,
                text,
            });
        }
        if members > 1 && paid != money::round(figure, units, mode) {
            let payee = row.payee;
            add_note(&mut row.notes, self.notes, || Note::RoundedWithin {
                payee,
                total: target,
            });
        }
        if self.explain && !by.is_zero() {
            row.explain.push(if members > 1 {
                format!(
                    "rounded with the payee's other payments from the same payer: {} in all rounds to {} ({} per payee), of which this clause pays {}",
                    readable(total),
                    readable(target),
                    mode.keyword(),
                    readable(paid)
                )
            } else {
                format!(
                    "rounded {} to {} ({})",
                    readable(figure),
                    readable(paid),
                    mode.keyword()
                )
            });
        }
        Ok(())
    }
}
