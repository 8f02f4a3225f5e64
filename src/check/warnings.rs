//! Warnings: what is valid but suspicious in a checked agreement.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::Checker;
use crate::agreement::{Agreement, Basis, BasisKey, Bound, ClauseKind, Share, Span};
use crate::diagnostics::{Problem, ProblemKind};
use crate::money;

pub(super) fn report(checker: &mut Checker, agreement: &Agreement) {
    over_allocated(checker, agreement);
    lone_rests(checker, agreement);
    never_pays(checker, agreement);
    unused(checker, agreement);
}

/// A `rest of` that follows no share (nor waterfall): it pays all of its
/// basis, most likely because its basis is written otherwise than the
/// shares' (`rest of 0.5 * sales` beside `share 30% of sales / 2`, or
/// `rest of sales + services` beside shares of each).
fn lone_rests(checker: &mut Checker, agreement: &Agreement) {
    let shares: Vec<&Basis> = agreement
        .clauses
        .iter()
        .filter_map(|clause| match &clause.kind {
            ClauseKind::Share(share) => Some(&share.basis),
            _ => None,
        })
        .chain(agreement.waterfalls.iter().map(|w| &w.basis))
        .collect();
    let mut warned: Vec<&BasisKey> = Vec::new();
    for clause in &agreement.clauses {
        let ClauseKind::Rest(rest) = &clause.kind else {
            continue;
        };
        // Once per basis: a second `rest of` it is an error of its own.
        if shares.iter().any(|basis| rest.takes(&basis.key)) || warned.contains(&&rest.sum) {
            continue;
        }
        warned.push(&rest.sum);
        let columns: Vec<&str> = rest.bases.iter().flat_map(|b| b.expr.columns()).collect();
        let alike: Vec<&str> = shares
            .iter()
            .filter(|basis| basis.expr.columns().iter().any(|c| columns.contains(c)))
            .map(|basis| basis.text.as_str())
            .collect();
        // Shares of each part of a sum: the rest of them all is a list.
        let like = match alike.as_slice() {
            [] => None,
            [one] => Some((*one).to_string()),
            several => {
                let mut distinct: Vec<&str> = several.to_vec();
                distinct.dedup();
                Some(distinct.join(", "))
            }
        };
        checker.report(Problem::new(
            ProblemKind::LoneRest {
                basis: rest.text(),
                like,
            },
            clause.span,
        ));
    }
}

/// Shares of one basis whose highest rates add up to more than 100%.
///
/// The totals of an agreement's few bases are kept in a list, found by
/// comparison (cheaper than hashing a basis); hundreds of shares go through
/// a map and stay linear.
fn over_allocated(checker: &mut Checker, agreement: &Agreement) {
    const FEW: usize = 16;
    // Shares with their highest rate and waterfalls (which may pay out all
    // of their basis), in the order of the file.
    let mut takers: Vec<(usize, Span, &Basis, Decimal)> = agreement
        .clauses
        .iter()
        .enumerate()
        .filter_map(|(id, clause)| match &clause.kind {
            // A per-unit rate is an amount, not a share of the basis.
            ClauseKind::Share(share) if !share.per_unit => {
                Some((id, clause.span, &share.basis, share.rate.max()))
            }
            _ => None,
        })
        .collect();
    if !agreement.waterfalls.is_empty() {
        takers.extend(
            agreement
                .waterfalls
                .iter()
                .map(|w| (w.clauses.start, w.span, &w.basis, Decimal::ONE)),
        );
        takers.sort_by_key(|(id, ..)| *id);
    }
    let mut few: Vec<(&BasisKey, Decimal)> = Vec::new();
    let mut many: HashMap<&BasisKey, Decimal> = HashMap::new();
    let is_few = takers.len() <= FEW;
    for (_, span, basis, rate) in takers {
        let total = if is_few {
            match few.iter().position(|(key, _)| **key == basis.key) {
                Some(at) => few.get_mut(at).map(|(_, total)| total),
                None => {
                    few.push((&basis.key, Decimal::ZERO));
                    few.last_mut().map(|(_, total)| total)
                }
            }
        } else {
            Some(many.entry(&basis.key).or_default())
        };
        let Some(total) = total else { continue };
        let before = *total;
        *total = total.saturating_add(rate);
        if before <= Decimal::ONE && *total > Decimal::ONE {
            checker.report(Problem::new(
                ProblemKind::OverAllocated {
                    basis: basis.text.clone(),
                    total: money::percent(*total),
                },
                span,
            ));
        }
    }
}

/// Clauses that can never pay anything.
fn never_pays(checker: &mut Checker, agreement: &Agreement) {
    for clause in &agreement.clauses {
        let ClauseKind::Share(share) = &clause.kind else {
            continue;
        };
        if let Some(reason) = never_pays_reason(share, agreement) {
            checker.report(Problem::new(ProblemKind::NeverPays { reason }, clause.span));
        }
    }
}

fn never_pays_reason(share: &Share, agreement: &Agreement) -> Option<String> {
    if share.rate.max().is_zero() {
        return Some("its rate is 0%".into());
    }
    let date_of = |bound: Option<Bound>| match bound? {
        Bound::Date(date) => Some(date),
        Bound::Event(id) => agreement.events.get(id)?.date,
    };
    // A window covers every period it overlaps, so it is empty only if it
    // closes before even the month in which it opens begins.
    if let (Some(from), Some(until)) = (date_of(share.window.from), date_of(share.window.until))
        && until <= from.first_of_month()
    {
        return Some(format!(
            "its window, from {from} until {until}, covers no period"
        ));
    }
    None
}

/// Constants and events declared but never used.
fn unused(checker: &mut Checker, agreement: &Agreement) {
    let constants: Vec<_> = checker
        .scope
        .unused()
        .into_iter()
        .map(|(name, span)| (name.to_string(), span))
        .collect();
    for (name, span) in constants {
        checker.report(Problem::new(
            ProblemKind::Unused {
                what: "constant",
                name,
            },
            span,
        ));
    }
    for (event, used) in agreement.events.iter().zip(checker.events_used.clone()) {
        if !used {
            checker.report(Problem::new(
                ProblemKind::Unused {
                    what: "event",
                    name: event.name.clone(),
                },
                event.span,
            ));
        }
    }
}
