//! A statement read by party: one row per payee and period, the sum of
//! what every clause paid it then (net settlement's offsets included), with
//! its running total and the clauses that paid. For `deal eval --by party`,
//! when the clause tables are long and mostly zero outside their windows.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::eval::arith::{self, Fault};
use crate::eval::statement::Statement;
use crate::period::Period;

/// What one party received in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyRow {
    pub period: Period,
    /// The party, as the statement numbers it.
    pub party: usize,
    pub amount: Decimal,
    /// What the party has received so far, this period included.
    pub cumulative: Decimal,
    /// The clauses that paid it something this period, in order.
    pub clauses: Vec<usize>,
}

/// The rows of `statement` by payee and period: periods in order, payees
/// in the order of `parties` within each period, only parties that some
/// clause pays in that period (every clause has a row in every period, so
/// a payee has one in each).
pub fn rows(statement: &Statement) -> Result<Vec<PartyRow>, Fault> {
    // One pass over the rows, whatever their order.
    let mut cells: BTreeMap<(Period, usize), (Decimal, Vec<usize>)> = BTreeMap::new();
    for row in &statement.rows {
        let (amount, clauses) = cells.entry((row.period, row.payee)).or_default();
        *amount = arith::add(*amount, row.amount)?;
        if !row.amount.is_zero() && !clauses.contains(&row.clause) {
            clauses.push(row.clause);
        }
    }
    let mut running = vec![Decimal::ZERO; statement.parties.len()];
    let mut out = Vec::with_capacity(cells.len());
    for ((period, party), (amount, clauses)) in cells {
        let cumulative = match running.get_mut(party) {
            Some(total) => {
                *total = arith::add(*total, amount)?;
                *total
            }
            None => amount,
        };
        out.push(PartyRow {
            period,
            party,
            amount,
            cumulative,
            clauses,
        });
    }
    Ok(out)
}

/// Each payee's running total at every period of `statement` (the last
/// total carried over a period it has no row in), payees by their number:
/// what the charts draw. One pass over the rows.
pub fn cumulative_by_payee(statement: &Statement) -> Vec<(usize, Vec<Decimal>)> {
    let rows = rows(statement).unwrap_or_default();
    let mut payees: Vec<usize> = rows.iter().map(|row| row.party).collect();
    payees.sort_unstable();
    payees.dedup();
    let mut totals: Vec<Vec<Option<Decimal>>> =
        vec![vec![None; statement.periods.len()]; payees.len()];
    for row in &rows {
        let payee = payees.binary_search(&row.party).ok();
        let period = statement.periods.binary_search(&row.period).ok();
        if let Some(cell) = payee
            .and_then(|p| totals.get_mut(p))
            .and_then(|line| line.get_mut(period?))
        {
            *cell = Some(row.cumulative);
        }
    }
    payees
        .into_iter()
        .zip(totals)
        .map(|(payee, line)| {
            let mut last = Decimal::ZERO;
            let line = line
                .into_iter()
                .map(|total| {
                    last = total.unwrap_or(last);
                    last
                })
                .collect();
            (payee, line)
        })
        .collect()
}

impl PartyRow {
    /// The clauses that paid, by label: `royalty, advance`.
    pub fn from(&self, statement: &Statement) -> String {
        self.clauses
            .iter()
            .filter_map(|clause| statement.clauses.get(*clause))
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
