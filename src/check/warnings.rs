//! Warnings: what is valid but suspicious in a checked agreement.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::Checker;
use crate::agreement::{Agreement, BasisKey, Bound, ClauseKind, Share};
use crate::diagnostics::{Problem, ProblemKind};
use crate::money;

pub(super) fn report(checker: &mut Checker, agreement: &Agreement) {
    over_allocated(checker, agreement);
    lone_rests(checker, agreement);
    never_pays(checker, agreement);
    unused(checker, agreement);
}

/// A `rest of` that follows no share: it pays all of its basis, most
/// likely because its basis is written otherwise than the shares'
/// (`rest of 0.5 * sales` beside `share 30% of sales / 2`).
fn lone_rests(checker: &mut Checker, agreement: &Agreement) {
    let shares = || {
        agreement
            .clauses
            .iter()
            .filter_map(|clause| match &clause.kind {
                ClauseKind::Share(share) => Some(&share.basis),
                _ => None,
            })
    };
    let mut warned: Vec<&BasisKey> = Vec::new();
    for clause in &agreement.clauses {
        let ClauseKind::Rest(bases) = &clause.kind else {
            continue;
        };
        for rest in bases {
            // Once per basis: a second `rest of` it is an error of its own.
            if shares().any(|basis| basis.key == rest.key) || warned.contains(&&rest.key) {
                continue;
            }
            warned.push(&rest.key);
            // The share most like it, by the columns they read.
            let columns = rest.expr.columns();
            let like = shares()
                .find(|basis| basis.expr.columns().iter().any(|c| columns.contains(c)))
                .map(|basis| basis.text.clone());
            checker.report(Problem::new(
                ProblemKind::LoneRest {
                    basis: rest.text.clone(),
                    like,
                },
                clause.span,
            ));
        }
    }
}

/// Shares of one basis whose highest rates add up to more than 100%.
///
/// The totals of an agreement's few bases are kept in a list, found by
/// comparison (cheaper than hashing a basis); hundreds of shares go through
/// a map and stay linear.
fn over_allocated(checker: &mut Checker, agreement: &Agreement) {
    const FEW: usize = 16;
    let shares = agreement
        .clauses
        .iter()
        .filter_map(|clause| match &clause.kind {
            ClauseKind::Share(share) => Some((clause, share)),
            _ => None,
        });
    let mut few: Vec<(&BasisKey, Decimal)> = Vec::new();
    let mut many: HashMap<&BasisKey, Decimal> = HashMap::new();
    let is_few = shares.clone().count() <= FEW;
    for (clause, share) in shares {
        let total = if is_few {
            match few.iter().position(|(basis, _)| **basis == share.basis.key) {
                Some(at) => few.get_mut(at).map(|(_, total)| total),
                None => {
                    few.push((&share.basis.key, Decimal::ZERO));
                    few.last_mut().map(|(_, total)| total)
                }
            }
        } else {
            Some(many.entry(&share.basis.key).or_default())
        };
        let Some(total) = total else { continue };
        let before = *total;
        *total = total.saturating_add(share.rate.max());
        if before <= Decimal::ONE && *total > Decimal::ONE {
            checker.report(Problem::new(
                ProblemKind::OverAllocated {
                    basis: share.basis.text.clone(),
                    total: money::percent(*total),
                },
                clause.span,
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
