//! The order of evaluation: which clauses read which payments (`what
//! royalty pays`, `what Producer receives`, a withholding's payments), a
//! cycle among them reported with every clause in it, and each clause's
//! depth, so that a clause is evaluated after every payment it reads.

use std::collections::HashSet;

use super::Checker;
use super::flows::Groups;
use crate::agreement::{Agreement, BasisExpr, ClauseId, ClauseKind, PriorityForm};
use crate::diagnostics::{Problem, ProblemKind};

/// Resolves the clauses each `what ... pays` names, finds what each clause
/// reads, and sets each clause's depth; `false` when a cycle or a
/// withholding with nothing to withhold was reported.
pub(super) fn order(checker: &mut Checker, agreement: &mut Agreement, groups: &Groups) -> bool {
    let named = |label: &str| -> Vec<ClauseId> {
        match groups.named.get(label) {
            Some(clauses) => clauses.clone(),
            None => checker
                .labels
                .get(label)
                .map(|(id, _)| vec![*id])
                .unwrap_or_default(),
        }
    };
    for clause in &mut agreement.clauses {
        for basis in bases_mut(&mut clause.kind) {
            resolve(basis, &named);
        }
    }
    for waterfall in &mut agreement.waterfalls {
        resolve(&mut waterfall.basis.expr, &named);
    }
    let reads = reads(agreement);
    let mut ok = true;
    for (id, clause) in agreement.clauses.iter().enumerate() {
        if let ClauseKind::Withhold(withholding) = &clause.kind
            && reads.get(id).is_none_or(Vec::is_empty)
        {
            let name = |party: usize| {
                agreement
                    .parties
                    .get(party)
                    .map(|p| p.name.clone())
                    .unwrap_or_default()
            };
            checker.report(Problem::new(
                ProblemKind::NothingWithheld {
                    party: name(withholding.party),
                    payer: name(clause.payer),
                },
                clause.span,
            ));
            ok = false;
        }
    }
    match depths(agreement, &reads) {
        Ok(depths) => {
            for (clause, depth) in agreement.clauses.iter_mut().zip(depths) {
                clause.depth = depth;
            }
        }
        Err(cycle) => {
            report_cycle(checker, agreement, &cycle);
            ok = false;
        }
    }
    ok
}

/// The bases a clause computes on, to resolve.
fn bases_mut(kind: &mut ClauseKind) -> Vec<&mut BasisExpr> {
    match kind {
        ClauseKind::Share(share) => vec![&mut share.basis.expr],
        ClauseKind::Rest(bases) => bases.iter_mut().map(|basis| &mut basis.expr).collect(),
        ClauseKind::Priority(priority) => match &mut priority.form {
            PriorityForm::Recoup { costs, .. } => vec![&mut costs.expr],
            _ => Vec::new(),
        },
        ClauseKind::Advance(_) | ClauseKind::Withhold(_) => Vec::new(),
    }
}

fn resolve(expr: &mut BasisExpr, named: &impl Fn(&str) -> Vec<ClauseId>) {
    match expr {
        BasisExpr::Paid { label, clauses } => *clauses = named(label),
        BasisExpr::Negate(inner) => resolve(inner, named),
        BasisExpr::Binary(_, left, right) => {
            resolve(left, named);
            resolve(right, named);
        }
        BasisExpr::Column(_) | BasisExpr::Constant(_) | BasisExpr::Received(_) => {}
    }
}

/// The clauses whose payments each clause reads, by clause.
fn reads(agreement: &Agreement) -> Vec<Vec<ClauseId>> {
    let clauses = &agreement.clauses;
    // What a party receives: every clause paying it, and every withholding
    // from its payments.
    let receipts = |party: usize| -> Vec<ClauseId> {
        clauses
            .iter()
            .enumerate()
            .filter(|(_, clause)| {
                clause.payee == party
                    || matches!(&clause.kind, ClauseKind::Withhold(w) if w.party == party)
            })
            .map(|(id, _)| id)
            .collect()
    };
    let of_expr = |expr: &BasisExpr, into: &mut Vec<ClauseId>| {
        let mut stack = vec![expr];
        while let Some(expr) = stack.pop() {
            match expr {
                BasisExpr::Paid { clauses, .. } => into.extend(clauses),
                BasisExpr::Received(party) => into.extend(receipts(*party)),
                BasisExpr::Negate(inner) => stack.push(inner),
                BasisExpr::Binary(_, left, right) => {
                    stack.push(left);
                    stack.push(right);
                }
                BasisExpr::Column(_) | BasisExpr::Constant(_) => {}
            }
        }
    };
    // What a waterfall's steps read, once for all of them.
    let waterfalls: Vec<Vec<ClauseId>> = agreement
        .waterfalls
        .iter()
        .map(|waterfall| {
            let mut into = Vec::new();
            of_expr(&waterfall.basis.expr, &mut into);
            for step in waterfall.clauses.clone() {
                if let Some(ClauseKind::Priority(p)) = clauses.get(step).map(|c| &c.kind)
                    && let PriorityForm::Recoup { costs, .. } = &p.form
                {
                    of_expr(&costs.expr, &mut into);
                }
            }
            into
        })
        .collect();
    let mut reads: Vec<Vec<ClauseId>> = vec![Vec::new(); clauses.len()];
    for (id, clause) in clauses.iter().enumerate() {
        let Some(into) = reads.get_mut(id) else {
            continue;
        };
        match &clause.kind {
            ClauseKind::Share(share) => of_expr(&share.basis.expr, into),
            ClauseKind::Rest(bases) => bases.iter().for_each(|b| of_expr(&b.expr, into)),
            // A waterfall's steps run together: each reads what any reads.
            ClauseKind::Priority(priority) => {
                into.extend(waterfalls.get(priority.waterfall).into_iter().flatten());
            }
            ClauseKind::Withhold(withholding) => into.extend(
                clauses
                    .iter()
                    .enumerate()
                    .filter(|(_, paying)| {
                        paying.payee == withholding.party
                            && paying.payer == clause.payer
                            && !matches!(paying.kind, ClauseKind::Withhold(_))
                    })
                    .map(|(paying, _)| paying),
            ),
            ClauseKind::Advance(_) => {}
        }
        into.sort_unstable();
        into.dedup();
    }
    reads
}

/// Each clause's depth, or a cycle: the clauses in it, in the order they
/// read each other, the first again at the end.
fn depths(agreement: &Agreement, reads: &[Vec<ClauseId>]) -> Result<Vec<usize>, Vec<ClauseId>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done(usize),
    }
    let mut marks = vec![Mark::New; reads.len()];
    // An explicit stack of (clause, next read to visit): a chain of a
    // thousand clauses reading each other is no deeper for the stack.
    for root in 0..reads.len() {
        if marks.get(root) != Some(&Mark::New) {
            continue;
        }
        let mut path: Vec<(ClauseId, usize)> = vec![(root, 0)];
        if let Some(mark) = marks.get_mut(root) {
            *mark = Mark::Open;
        }
        while let Some(&(id, next)) = path.last() {
            let read = reads.get(id).and_then(|r| r.get(next)).copied();
            match read {
                Some(read) => {
                    if let Some(top) = path.last_mut() {
                        top.1 = next.saturating_add(1);
                    }
                    match marks.get(read).copied() {
                        Some(Mark::New) => {
                            if let Some(mark) = marks.get_mut(read) {
                                *mark = Mark::Open;
                            }
                            path.push((read, 0));
                        }
                        Some(Mark::Open) => {
                            let start = path.iter().position(|(c, _)| *c == read).unwrap_or(0);
                            let mut cycle: Vec<ClauseId> = path
                                .get(start..)
                                .unwrap_or_default()
                                .iter()
                                .map(|(c, _)| *c)
                                .collect();
                            cycle.push(read);
                            return Err(cycle);
                        }
                        _ => {}
                    }
                }
                None => {
                    path.pop();
                    let deepest = reads
                        .get(id)
                        .into_iter()
                        .flatten()
                        .filter_map(|read| match marks.get(*read) {
                            Some(Mark::Done(depth)) => Some(*depth),
                            _ => None,
                        })
                        .max();
                    let withholds = matches!(
                        agreement.clauses.get(id).map(|c| &c.kind),
                        Some(ClauseKind::Withhold(_))
                    );
                    let depth = match deepest {
                        None => 0,
                        // A withholding runs with the payments it withholds from.
                        Some(depth) if withholds => depth,
                        Some(depth) => depth.saturating_add(1),
                    };
                    if let Some(mark) = marks.get_mut(id) {
                        *mark = Mark::Done(depth);
                    }
                }
            }
        }
    }
    Ok(marks
        .into_iter()
        .map(|mark| match mark {
            Mark::Done(depth) => depth,
            _ => 0,
        })
        .collect())
}

/// A cycle, at its first clause, with every other clause of it marked.
fn report_cycle(checker: &mut Checker, agreement: &Agreement, cycle: &[ClauseId]) {
    let clause = |id: &ClauseId| agreement.clauses.get(*id);
    let labels: Vec<String> = cycle
        .iter()
        .filter_map(clause)
        .map(|c| c.label.clone())
        .collect();
    let mut marked: HashSet<ClauseId> = HashSet::new();
    let Some(first) = cycle.first().and_then(clause) else {
        return;
    };
    let mut problem = Problem::new(ProblemKind::Cycle { clauses: labels }, first.span);
    for id in cycle.iter().skip(1) {
        if !marked.insert(*id) || Some(*id) == cycle.first().copied() {
            continue;
        }
        if let Some(other) = clause(id) {
            problem = problem.with_related(other.span, "in the cycle");
        }
    }
    checker.report(problem);
}
