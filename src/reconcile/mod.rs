//! Reconciling a counterparty's statement with what the agreement computes:
//! per period and payee, the reported figure, the one owed, the difference,
//! and the clauses, notes and latest binding event behind the figure owed.
//!
//! A party's reported rows in one period are summed (a statement may give a
//! row per clause or per product). A line agrees when the difference is
//! within the tolerance; a payee owed nothing in a period need not be
//! reported.

pub mod reported;

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::eval::arith::{self, Fault};
use crate::eval::statement::Statement;
use crate::period::Period;
pub use reported::{ReportedColumns, ReportedRow};

/// How a line compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Within the tolerance.
    Agrees,
    /// Reported, but not the figure owed.
    Differs,
    /// Owed, and not reported at all.
    NotReported,
    /// Reported for a party or period the statement has no payment for.
    Unexpected,
}

impl Status {
    /// The word in tables, CSV and JSON.
    pub fn word(self) -> &'static str {
        match self {
            Status::Agrees => "agrees",
            Status::Differs => "differs",
            Status::NotReported => "not reported",
            Status::Unexpected => "unexpected",
        }
    }
}

/// One period and payee.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub period: Period,
    pub party: String,
    /// What the statement reported, summed; `None` when it has no row.
    pub reported: Option<Decimal>,
    /// What the agreement computes.
    pub owed: Decimal,
    /// Reported less owed: positive when the counterparty reported more.
    pub difference: Decimal,
    pub status: Status,
    /// The clauses that pay it, each with its notes:
    /// `revenue-share: 20% of 98.7B; cap 38B reached`.
    pub reason: String,
    /// The latest event of those clauses up to this period.
    pub event: Option<LineEvent>,
    /// The lines of the reported file that make up `reported`.
    pub reported_lines: Vec<usize>,
}

/// An event behind a line's figure: `2030: cap of 38B reached`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineEvent {
    pub period: Period,
    pub text: String,
}

impl std::fmt::Display for LineEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.period, self.text)
    }
}

/// One party's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyTotal {
    pub party: String,
    pub reported: Decimal,
    pub owed: Decimal,
    pub difference: Decimal,
}

/// A whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconciliation {
    pub agreement: String,
    pub currency: String,
    pub minor_units: u32,
    pub tolerance: Decimal,
    pub lines: Vec<Line>,
    pub totals: Vec<PartyTotal>,
}

impl Reconciliation {
    /// The lines that do not agree.
    pub fn discrepancies(&self) -> impl Iterator<Item = &Line> {
        self.lines
            .iter()
            .filter(|line| line.status != Status::Agrees)
    }

    /// Whether every line agrees.
    pub fn agrees(&self) -> bool {
        self.discrepancies().next().is_none()
    }
}

/// Compares `reported` (one deal's rows) with `statement`.
pub fn reconcile(
    statement: &Statement,
    reported: &[ReportedRow],
    tolerance: Decimal,
) -> Result<Reconciliation, Fault> {
    // What each payee is owed per period, and which clauses pay it.
    let mut owed: BTreeMap<(Period, String), (Decimal, Vec<usize>)> = BTreeMap::new();
    for (index, row) in statement.rows.iter().enumerate() {
        let entry = owed
            .entry((row.period, statement.payee(row).to_string()))
            .or_default();
        entry.0 = arith::add(entry.0, row.amount)?;
        entry.1.push(index);
    }
    let mut claimed: BTreeMap<(Period, String), (Decimal, Vec<usize>)> = BTreeMap::new();
    for row in reported {
        let entry = claimed.entry((row.period, row.party.clone())).or_default();
        entry.0 = arith::add(entry.0, row.amount)?;
        entry.1.push(row.line);
    }
    let order = |party: &str| {
        statement
            .parties
            .iter()
            .position(|p| p == party)
            .unwrap_or(usize::MAX)
    };
    let mut keys: Vec<(Period, String)> = owed.keys().chain(claimed.keys()).cloned().collect();
    keys.sort_by(|(p, a), (q, b)| (p, order(a), a).cmp(&(q, order(b), b)));
    keys.dedup();
    let mut lines = Vec::with_capacity(keys.len());
    for key in keys {
        let ours = owed.get(&key);
        let theirs = claimed.get(&key);
        let owed_amount = ours.map_or(Decimal::ZERO, |(amount, _)| *amount);
        let reported_amount = theirs.map(|(amount, _)| *amount);
        let difference = arith::sub(reported_amount.unwrap_or_default(), owed_amount)?;
        let status = match (ours, theirs) {
            _ if difference.abs() <= tolerance => Status::Agrees,
            (None, _) => Status::Unexpected,
            (Some(_), None) => Status::NotReported,
            (Some(_), Some(_)) => Status::Differs,
        };
        let rows = ours.map_or(&[][..], |(_, rows)| rows.as_slice());
        let (period, party) = key;
        lines.push(Line {
            reason: reason(statement, rows, &party, period),
            event: latest_event(statement, rows, period),
            period,
            party,
            reported: reported_amount,
            owed: owed_amount,
            difference,
            status,
            reported_lines: theirs.map(|(_, lines)| lines.clone()).unwrap_or_default(),
        });
    }
    let mut sums: BTreeMap<&str, (Decimal, Decimal)> = BTreeMap::new();
    for line in &lines {
        let (reported, owed) = sums.entry(line.party.as_str()).or_default();
        *reported = arith::add(*reported, line.reported.unwrap_or_default())?;
        *owed = arith::add(*owed, line.owed)?;
    }
    let mut totals = sums
        .into_iter()
        .map(|(party, (reported, owed))| {
            Ok(PartyTotal {
                party: party.to_string(),
                reported,
                owed,
                difference: arith::sub(reported, owed)?,
            })
        })
        .collect::<Result<Vec<_>, Fault>>()?;
    totals.sort_by_key(|total| order(&total.party));
    Ok(Reconciliation {
        agreement: statement.agreement.clone(),
        currency: statement.currency.clone(),
        minor_units: statement.minor_units,
        tolerance,
        lines,
        totals,
    })
}

/// The clauses behind a figure owed, with their notes; for a line the
/// statement has no payment for, why.
fn reason(statement: &Statement, rows: &[usize], party: &str, period: Period) -> String {
    if rows.is_empty() {
        return if !statement.parties.iter().any(|p| p == party) {
            let guess =
                crate::diagnostics::suggest(party, statement.parties.iter().map(String::as_str));
            match guess {
                Some(guess) => {
                    format!("`{party}` is not a party of the agreement; did you mean `{guess}`?")
                }
                None => format!("`{party}` is not a party of the agreement"),
            }
        } else if !statement.periods.contains(&period) {
            format!("{period} is outside the series")
        } else {
            format!("no clause pays {party}")
        };
    }
    let mut out = String::new();
    for row in rows.iter().filter_map(|index| statement.rows.get(*index)) {
        // Clauses that paid nothing and say nothing are left out, unless
        // none paid.
        if row.amount.is_zero() && row.notes.is_empty() && rows.len() > 1 {
            continue;
        }
        if !out.is_empty() {
            out.push_str(" + ");
        }
        out.push_str(statement.clause(row));
        if !row.notes.is_empty() {
            out.push_str(": ");
            statement.write_note(&mut out, row);
        }
    }
    out
}

/// The latest event of the clauses of `rows` in or before `period`.
fn latest_event(statement: &Statement, rows: &[usize], period: Period) -> Option<LineEvent> {
    let clauses: Vec<&str> = rows
        .iter()
        .filter_map(|index| statement.rows.get(*index))
        .map(|row| statement.clause(row))
        .collect();
    statement
        .events
        .iter()
        .filter(|event| clauses.contains(&event.clause.as_str()))
        .filter(|event| event.kind.phrase().is_some())
        .filter_map(|event| Some((event.period?, event)))
        .filter(|(when, _)| *when <= period)
        .max_by_key(|(when, _)| *when)
        .map(|(when, event)| LineEvent {
            period: when,
            text: event.text.clone(),
        })
}
