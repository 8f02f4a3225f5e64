//! The order of evaluation: which clauses read which payments (`what
//! royalty pays`, `what Producer receives`, a withholding's payments), a
//! cycle among them reported with every clause in it, and each clause's
//! depth, so that a clause is evaluated after every payment it reads.
//!
//! The graph has a node per clause and, so that it stays linear in size
//! however many clauses read the same payments, a node per party (its
//! receipts), per waterfall (what its steps read) and per label naming
//! several clauses (a waterfall's, a split step's). Those nodes are
//! transparent: as deep as the deepest payment behind them.

use std::collections::{HashMap, HashSet};

use super::Checker;
use super::flows::Groups;
use crate::agreement::{
    Agreement, BasisExpr, ClauseId, ClauseKind, PriorityForm, RoundingScope, Trigger,
};
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
    let graph = Graph::new(agreement, groups);
    never_received(checker, agreement);
    let mut ok = true;
    for (id, clause) in agreement.clauses.iter().enumerate() {
        if let ClauseKind::Withhold(withholding) = &clause.kind
            && graph.reads.get(id).is_none_or(Vec::is_empty)
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
    match graph.depths(&ties(agreement)) {
        Ok(depths) => {
            for (clause, depth) in agreement.clauses.iter_mut().zip(depths) {
                clause.depth = depth;
            }
        }
        Err(cycle) => {
            let clauses: Vec<ClauseId> = cycle
                .into_iter()
                .filter(|node| *node < agreement.clauses.len())
                .collect();
            report_cycle(checker, agreement, &clauses);
            ok = false;
        }
    }
    ok
}

/// A share of what a party receives, where no clause pays that party: it
/// can never pay (a warning, at the clause).
fn never_received(checker: &mut Checker, agreement: &Agreement) {
    for clause in &agreement.clauses {
        let ClauseKind::Share(share) = &clause.kind else {
            continue;
        };
        let BasisExpr::Received(party) = share.basis.expr else {
            continue;
        };
        if agreement.clauses.iter().any(|other| other.payee == party) {
            continue;
        }
        let name = agreement.parties.get(party).map_or("", |p| p.name.as_str());
        checker.report(Problem::new(
            ProblemKind::NeverPays {
                reason: format!("no clause pays `{name}`, whose receipts it is a share of"),
            },
            clause.span,
        ));
    }
}

/// The bases a clause computes on, to resolve.
fn bases_mut(kind: &mut ClauseKind) -> Vec<&mut BasisExpr> {
    match kind {
        ClauseKind::Share(share) => vec![&mut share.basis.expr],
        ClauseKind::Rest(rest) => rest.bases.iter_mut().map(|basis| &mut basis.expr).collect(),
        ClauseKind::Priority(priority) => match &mut priority.form {
            PriorityForm::Recoup { costs, .. } => vec![&mut costs.expr],
            _ => Vec::new(),
        },
        ClauseKind::Milestone(milestone) => match &mut milestone.trigger {
            Trigger::Exceeds { basis, .. } => vec![&mut basis.expr],
            Trigger::On(_) => Vec::new(),
        },
        ClauseKind::Advance(_) | ClauseKind::Withhold(_) | ClauseKind::Fee(_) => Vec::new(),
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

/// Clauses that must be evaluated in one layer: the shares one payer pays
/// one payee under `rounding ... per payee` (rounded together), and the
/// clauses an advance is recouped from (withheld from in clause order).
fn ties(agreement: &Agreement) -> Vec<Vec<ClauseId>> {
    let mut ties: Vec<Vec<ClauseId>> = agreement
        .clauses
        .iter()
        .filter_map(|clause| match &clause.kind {
            ClauseKind::Advance(advance) if advance.recouped_by.len() > 1 => {
                Some(advance.recouped_by.clone())
            }
            _ => None,
        })
        .collect();
    if agreement.rounding_scope == RoundingScope::Payee {
        let mut pairs: HashMap<(usize, usize), Vec<ClauseId>> = HashMap::new();
        for (id, clause) in agreement.clauses.iter().enumerate() {
            if matches!(clause.kind, ClauseKind::Share(_)) {
                pairs
                    .entry((clause.payer, clause.payee))
                    .or_default()
                    .push(id);
            }
        }
        let mut pairs: Vec<Vec<ClauseId>> =
            pairs.into_values().filter(|ids| ids.len() > 1).collect();
        pairs.sort();
        ties.extend(pairs);
    }
    ties
}

/// What each node reads, and whether it is transparent (a party's
/// receipts, a waterfall, a group of clauses, a withholding: as deep as
/// what it reads) or a clause evaluated after what it reads.
struct Graph {
    reads: Vec<Vec<usize>>,
    transparent: Vec<bool>,
    clauses: usize,
}

impl Graph {
    fn new(agreement: &Agreement, groups: &Groups) -> Graph {
        let clauses = &agreement.clauses;
        let count = clauses.len();
        let parties = agreement.parties.len();
        let waterfalls = agreement.waterfalls.len();
        // Nodes: clauses, then parties, then waterfalls, then groups.
        let party_node = |party: usize| count.saturating_add(party);
        let waterfall_node = |w: usize| count.saturating_add(parties).saturating_add(w);
        let mut group_labels: Vec<&str> = groups
            .named
            .iter()
            .filter(|(_, ids)| ids.len() > 1)
            .map(|(label, _)| label.as_str())
            .collect();
        group_labels.sort_unstable();
        let first_group = count.saturating_add(parties).saturating_add(waterfalls);
        let group_node: HashMap<&str, usize> = group_labels
            .iter()
            .enumerate()
            .map(|(i, label)| (*label, first_group.saturating_add(i)))
            .collect();
        let total = first_group.saturating_add(group_labels.len());
        let mut reads: Vec<Vec<usize>> = vec![Vec::new(); total];
        let mut transparent = vec![true; total];
        let of_expr = |expr: &BasisExpr, into: &mut Vec<usize>| {
            let mut stack = vec![expr];
            while let Some(expr) = stack.pop() {
                match expr {
                    BasisExpr::Paid { label, clauses } => match group_node.get(label.as_str()) {
                        Some(node) => into.push(*node),
                        None => into.extend(clauses),
                    },
                    BasisExpr::Received(party) => into.push(party_node(*party)),
                    BasisExpr::Negate(inner) => stack.push(inner),
                    BasisExpr::Binary(_, left, right) => {
                        stack.push(left);
                        stack.push(right);
                    }
                    BasisExpr::Column(_) | BasisExpr::Constant(_) => {}
                }
            }
        };
        for (id, clause) in clauses.iter().enumerate() {
            // A party's receipts: every clause paying it, and every
            // withholding from its payments.
            if let Some(into) = reads.get_mut(party_node(clause.payee)) {
                into.push(id);
            }
            if let ClauseKind::Withhold(withholding) = &clause.kind
                && let Some(into) = reads.get_mut(party_node(withholding.party))
            {
                into.push(id);
            }
            let Some(into) = reads.get_mut(id) else {
                continue;
            };
            if let Some(flag) = transparent.get_mut(id) {
                *flag = matches!(clause.kind, ClauseKind::Withhold(_));
            }
            match &clause.kind {
                ClauseKind::Share(share) => of_expr(&share.basis.expr, into),
                ClauseKind::Rest(rest) => rest.bases.iter().for_each(|b| of_expr(&b.expr, into)),
                // A waterfall's steps run together, after what any reads.
                ClauseKind::Priority(priority) => into.push(waterfall_node(priority.waterfall)),
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
                ClauseKind::Milestone(milestone) => {
                    if let Trigger::Exceeds { basis, .. } = &milestone.trigger {
                        of_expr(&basis.expr, into);
                    }
                }
                ClauseKind::Advance(_) | ClauseKind::Fee(_) => {}
            }
        }
        for (w, waterfall) in agreement.waterfalls.iter().enumerate() {
            let Some(into) = reads.get_mut(waterfall_node(w)) else {
                continue;
            };
            of_expr(&waterfall.basis.expr, into);
            for step in waterfall.clauses.clone() {
                if let Some(ClauseKind::Priority(p)) = clauses.get(step).map(|c| &c.kind)
                    && let PriorityForm::Recoup { costs, .. } = &p.form
                {
                    of_expr(&costs.expr, into);
                }
            }
        }
        for label in &group_labels {
            if let (Some(node), Some(ids)) = (group_node.get(label), groups.named.get(*label))
                && let Some(into) = reads.get_mut(*node)
            {
                into.extend(ids);
            }
        }
        for list in &mut reads {
            list.sort_unstable();
            list.dedup();
        }
        Graph {
            reads,
            transparent,
            clauses: count,
        }
    }

    /// Each clause's depth, the clauses of each tie in one layer; or a
    /// cycle: its nodes, in the order they read each other, the first
    /// again at the end.
    fn depths(&self, ties: &[Vec<ClauseId>]) -> Result<Vec<usize>, Vec<usize>> {
        let order = self.order()?;
        // -1: reads no payment at all (a transparent node over nothing).
        let mut depth: Vec<i64> = vec![-1; self.reads.len()];
        let settle = |depth: &mut Vec<i64>| {
            for &node in &order {
                let deepest = self
                    .reads
                    .get(node)
                    .into_iter()
                    .flatten()
                    .filter_map(|read| depth.get(*read).copied())
                    .max()
                    .unwrap_or(-1);
                let own = if self.transparent.get(node).copied().unwrap_or(true) {
                    deepest
                } else {
                    deepest.saturating_add(1)
                };
                if let Some(slot) = depth.get_mut(node) {
                    *slot = (*slot).max(own);
                }
            }
        };
        settle(&mut depth);
        // Raise each tie to its deepest member until nothing moves; a tie
        // whose members read each other cannot be met, and is left after
        // as many rounds as there are clauses.
        for _ in 0..self.clauses {
            let mut moved = false;
            for tie in ties {
                let deepest = tie.iter().filter_map(|id| depth.get(*id).copied()).max();
                for id in tie {
                    if let (Some(slot), Some(deepest)) = (depth.get_mut(*id), deepest)
                        && *slot < deepest
                    {
                        *slot = deepest;
                        moved = true;
                    }
                }
            }
            if !moved {
                break;
            }
            settle(&mut depth);
        }
        Ok(depth
            .into_iter()
            .take(self.clauses)
            .map(|d| usize::try_from(d.max(0)).unwrap_or(0))
            .collect())
    }

    /// The nodes in an order where each comes after what it reads, or a
    /// cycle. An explicit stack: a chain of ten thousand clauses reading
    /// each other is no deeper for the program's stack.
    fn order(&self) -> Result<Vec<usize>, Vec<usize>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let mut marks = vec![Mark::New; self.reads.len()];
        let mut order = Vec::with_capacity(self.reads.len());
        for root in 0..self.reads.len() {
            if marks.get(root) != Some(&Mark::New) {
                continue;
            }
            let mut path: Vec<(usize, usize)> = vec![(root, 0)];
            if let Some(mark) = marks.get_mut(root) {
                *mark = Mark::Open;
            }
            while let Some(&(node, next)) = path.last() {
                match self.reads.get(node).and_then(|r| r.get(next)).copied() {
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
                                let start = path.iter().position(|(n, _)| *n == read).unwrap_or(0);
                                let mut cycle: Vec<usize> = path
                                    .get(start..)
                                    .unwrap_or_default()
                                    .iter()
                                    .map(|(n, _)| *n)
                                    .collect();
                                cycle.push(read);
                                return Err(cycle);
                            }
                            _ => {}
                        }
                    }
                    None => {
                        path.pop();
                        if let Some(mark) = marks.get_mut(node) {
                            *mark = Mark::Done;
                        }
                        order.push(node);
                    }
                }
            }
        }
        Ok(order)
    }
}

/// A cycle, at its first clause, with every other clause of it marked. A
/// waterfall's step is shown at the waterfall's basis, where the reading is.
fn report_cycle(checker: &mut Checker, agreement: &Agreement, cycle: &[ClauseId]) {
    let clause = |id: &ClauseId| agreement.clauses.get(*id);
    let span_of = |id: &ClauseId| {
        clause(id).map(|c| match &c.kind {
            ClauseKind::Priority(priority) => agreement
                .waterfalls
                .get(priority.waterfall)
                .map_or(c.span, |w| w.basis.span),
            _ => c.span,
        })
    };
    let mut labels: Vec<String> = cycle
        .iter()
        .filter_map(clause)
        .map(|c| c.label.clone())
        .collect();
    // A clause reading itself through a party or a waterfall: once, and again.
    if labels.len() == 1
        && let Some(only) = labels.first().cloned()
    {
        labels.push(only);
    }
    let (Some(first), Some(span)) = (cycle.first(), cycle.first().and_then(span_of)) else {
        return;
    };
    let mut problem = Problem::new(ProblemKind::Cycle { clauses: labels }, span);
    let mut marked: HashSet<ClauseId> = HashSet::new();
    for id in cycle.iter().skip(1) {
        if id == first || !marked.insert(*id) {
            continue;
        }
        if let Some(other) = span_of(id) {
            problem = problem.with_related(other, "in the cycle");
        }
    }
    checker.report(problem);
}
