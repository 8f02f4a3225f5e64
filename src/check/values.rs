//! Expressions to values: constants folded exactly, series columns kept as
//! columns, and units (amount or rate) checked on the way.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::agreement::{BasisExpr, BinaryOp};
use crate::diagnostics::{Problem, ProblemKind, suggest};
use crate::exact;
use crate::syntax::ast::{Expr, ExprKind, Span};

/// Whether a value is an amount (or a plain number) or a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Amount,
    Rate,
    /// A rate times a plain number: `20% * 1M` is an amount where an amount
    /// is expected, `base_rate * 2` a rate where a rate is expected. Numbers
    /// carry no currency, so only the place of use can tell.
    Either,
}

impl Unit {
    fn described(self) -> &'static str {
        match self {
            Unit::Amount | Unit::Either => "an amount",
            Unit::Rate => "a rate",
        }
    }

    /// Whether a value of this unit may stand where `expected` is wanted.
    pub fn fits(self, expected: Unit) -> bool {
        self == expected || self == Unit::Either
    }
}

/// Why an expression could not be folded.
#[derive(Debug)]
pub enum Fault {
    /// A problem to report.
    Problem(Problem),
    /// It uses a constant whose own declaration failed, already reported.
    Poisoned,
}

impl From<Problem> for Fault {
    fn from(problem: Problem) -> Self {
        Fault::Problem(problem)
    }
}

/// A folded expression: a constant, or a formula over series columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub unit: Unit,
    pub form: BasisExpr,
    /// The nodes of `form`, and how deep it nests.
    nodes: usize,
    depth: usize,
}

/// The most nodes the copies of constants may add to the formulas of one
/// agreement. A constant over a column is copied at each use, so `let c1 =
/// c0 + c0`, `let c2 = c1 + c1`, ... doubles at each line: bounded, such a
/// file is refused at once rather than taking seconds and a gigabyte.
/// (What is written in the file itself is bounded by the file's size.)
pub const MAX_EXPANDED_NODES: usize = 100_000;

/// The deepest a formula may nest once its constants are written out: a
/// long chain of `let`s nests one level a line, and every pass over a
/// formula recurses through it.
pub const MAX_EXPANDED_DEPTH: usize = 256;

/// The `let` constants in scope, each with where it is declared and whether
/// anything used it.
#[derive(Default)]
pub struct Scope {
    entries: HashMap<String, Entry>,
    /// Formula nodes copied from constants so far: [`MAX_EXPANDED_NODES`].
    built: usize,
    /// Unknown names reported so far: past `super::MAX_PROBLEMS`, none is
    /// given a guess.
    unknowns: usize,
    /// Constants declared further down, not yet in scope: using one is an
    /// error, never a silent series column.
    below: HashMap<String, Span>,
    /// The parties, in order, and the clause and step labels, which `what
    /// Producer receives` and `what royalty pays` name.
    pub parties: Vec<String>,
    pub labels: Vec<String>,
}

struct Entry {
    /// `None` when the declaration itself was wrong.
    value: Option<Value>,
    span: Span,
    used: bool,
}

impl Scope {
    /// Announces a constant declared further down.
    pub fn expect(&mut self, name: &str, span: Span) {
        self.below.entry(name.to_string()).or_insert(span);
    }

    /// Declares a constant; returns the span of an earlier one of that name.
    pub fn declare(&mut self, name: &str, value: Option<Value>, span: Span) -> Option<Span> {
        if self.below.get(name) == Some(&span) {
            self.below.remove(name);
        }
        if let Some(previous) = self.entries.get(name) {
            return Some(previous.span);
        }
        self.entries.insert(
            name.to_string(),
            Entry {
                value,
                span,
                used: false,
            },
        );
        None
    }

    /// Constants never used, in source order.
    pub fn unused(&self) -> Vec<(&str, Span)> {
        let mut unused: Vec<_> = self
            .entries
            .iter()
            .filter(|(_, entry)| !entry.used)
            .map(|(name, entry)| (name.as_str(), entry.span))
            .collect();
        unused.sort_by_key(|(_, span)| span.start);
        unused
    }

    /// The constants in scope in the order of the file, whatever the map's:
    /// a guess among them is then the same every time.
    fn names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<(&String, Span)> = self
            .entries
            .iter()
            .map(|(name, entry)| (name, entry.span))
            .collect();
        names.sort_unstable_by_key(|(_, span)| span.start);
        names.into_iter().map(|(name, _)| name.as_str())
    }

    /// `name` used where a constant was expected and none is in scope.
    fn unknown(&mut self, name: &str, span: Span) -> Problem {
        let below = self.below.get(name).copied();
        self.unknowns = self.unknowns.saturating_add(1);
        let problem = Problem::new(
            ProblemKind::UnknownConstant {
                name: name.to_string(),
                suggestion: if below.is_some() || self.unknowns > super::MAX_PROBLEMS {
                    None
                } else {
                    suggest(name, self.names())
                },
                declared_below: below.is_some(),
            },
            span,
        );
        match below {
            Some(declared) => problem.with_related(declared, "declared here, further down"),
            None => problem,
        }
    }

    /// Folds `expr`: names in scope are constants, other names are columns.
    pub fn fold(&mut self, expr: &Expr) -> Result<Value, Fault> {
        match &expr.kind {
            ExprKind::Amount { value, .. } => Ok(constant(Unit::Amount, *value)),
            ExprKind::Percent { value, .. } => Ok(constant(Unit::Rate, *value)),
            ExprKind::Name(name) => Ok(match self.entries.get_mut(name) {
                Some(entry) => {
                    entry.used = true;
                    // A stored value was counted when it was made, so a
                    // copy is at most the limit; a number costs nothing.
                    let value = entry.value.clone().ok_or(Fault::Poisoned)?;
                    if value.nodes > 1 {
                        self.build(value.nodes, expr.span)?;
                    }
                    value
                }
                None if self.below.contains_key(name) => {
                    return Err(self.unknown(name, expr.span).into());
                }
                None => Value {
                    unit: Unit::Amount,
                    form: BasisExpr::Column(name.clone()),
                    nodes: 1,
                    depth: 1,
                },
            }),
            ExprKind::Paid(label) => {
                if !self.labels.contains(&label.value) {
                    // `what Artist pays`: a party receives.
                    let suggestion = if self.parties.contains(&label.value) {
                        Some(format!("what {} receives", label.value))
                    } else {
                        suggest(&label.value, self.labels.iter().map(String::as_str))
                    };
                    return Err(Problem::new(
                        ProblemKind::UnknownLabel {
                            name: label.value.clone(),
                            suggestion,
                        },
                        label.span,
                    )
                    .into());
                }
                Ok(flow(BasisExpr::Paid {
                    label: label.value.clone(),
                    clauses: Vec::new(),
                }))
            }
            ExprKind::Received(party) => {
                match self.parties.iter().position(|p| *p == party.value) {
                    Some(id) => Ok(flow(BasisExpr::Received(id))),
                    None => Err(Problem::new(
                        ProblemKind::UnknownParty {
                            name: party.value.clone(),
                            // `what royalty receives`: a clause pays.
                            suggestion: if self.labels.contains(&party.value) {
                                Some(format!("what {} pays", party.value))
                            } else {
                                suggest(&party.value, self.parties.iter().map(String::as_str))
                            },
                        },
                        party.span,
                    )
                    .into()),
                }
            }
            ExprKind::Paren(inner) => self.fold(inner),
            ExprKind::Negate(inner) => {
                let value = self.fold(inner)?;
                Ok(match value.form {
                    BasisExpr::Constant(number) => {
                        constant(value.unit, crate::money::negate(number))
                    }
                    form => {
                        deeper(value.depth, expr.span)?;
                        Value {
                            unit: value.unit,
                            form: BasisExpr::Negate(Box::new(form)),
                            nodes: value.nodes.saturating_add(1),
                            depth: value.depth.saturating_add(1),
                        }
                    }
                })
            }
            ExprKind::Binary { op, left, right } => {
                let (left, right) = (self.fold(left)?, self.fold(right)?);
                let value = binary(*op, left, right, expr.span)?;
                if value.nodes > 1 {
                    deeper(value.depth.saturating_sub(1), expr.span)?;
                }
                Ok(value)
            }
        }
    }

    /// Folds `expr` to a constant of the given unit: `what` names its role
    /// in messages (`cap`, `threshold`...).
    pub fn constant(
        &mut self,
        expr: &Expr,
        unit: Unit,
        what: &'static str,
    ) -> Result<(Decimal, Span), Fault> {
        if let Some((name, span)) = first_unknown_name(expr, self) {
            let problem = self.unknown(&name, span);
            if let ProblemKind::UnknownConstant {
                suggestion: None,
                declared_below: false,
                ..
            } = problem.kind
            {
                // Not a near miss of any constant: most likely a series column.
                return Err(Problem::new(
                    ProblemKind::NotConstant {
                        written: name.clone(),
                        column: name,
                        what,
                    },
                    span,
                )
                .into());
            }
            return Err(problem.into());
        }
        let value = self.fold(expr)?;
        if !value.unit.fits(unit) {
            let found = value.unit.described();
            let kind = match unit {
                Unit::Amount | Unit::Either => ProblemKind::ExpectedAmount { found },
                Unit::Rate => ProblemKind::ExpectedRate { found },
            };
            return Err(Problem::new(kind, expr.span).into());
        }
        match value.form {
            BasisExpr::Constant(number) => Ok((number, expr.span)),
            form => Err(Problem::new(
                ProblemKind::NotConstant {
                    written: expr.to_string(),
                    column: form
                        .columns()
                        .first()
                        .copied()
                        .unwrap_or_default()
                        .to_string(),
                    what,
                },
                expr.span,
            )
            .into()),
        }
    }
}

impl Scope {
    /// Counts `nodes` more formula nodes, made for the expression at `span`.
    fn build(&mut self, nodes: usize, span: Span) -> Result<(), Problem> {
        let built = self.built.saturating_add(nodes);
        // What is refused is not counted: the formulas after it have the
        // room they had.
        if built > MAX_EXPANDED_NODES {
            return Err(Problem::new(
                ProblemKind::ExpandedTooLarge {
                    limit: MAX_EXPANDED_NODES,
                    what: "terms in all",
                },
                span,
            ));
        }
        self.built = built;
        Ok(())
    }
}

/// Refuses a formula one level deeper than `depth` past the limit.
fn deeper(depth: usize, span: Span) -> Result<(), Problem> {
    if depth >= MAX_EXPANDED_DEPTH {
        return Err(Problem::new(
            ProblemKind::ExpandedTooLarge {
                limit: MAX_EXPANDED_DEPTH,
                what: "levels of nesting",
            },
            span,
        ));
    }
    Ok(())
}

/// A payment of the period: an amount that changes each period.
fn flow(form: BasisExpr) -> Value {
    Value {
        unit: Unit::Amount,
        form,
        nodes: 1,
        depth: 1,
    }
}

fn constant(unit: Unit, number: Decimal) -> Value {
    Value {
        unit,
        form: BasisExpr::Constant(number),
        nodes: 1,
        depth: 1,
    }
}

/// The unit of `left op right`, or why they do not combine.
fn binary(op: BinaryOp, left: Value, right: Value, span: Span) -> Result<Value, Problem> {
    use Unit::{Amount, Either, Rate};
    let unit = match (op, left.unit, right.unit) {
        (BinaryOp::Add | BinaryOp::Subtract, a, b) if a == b => a,
        (BinaryOp::Add | BinaryOp::Subtract, Either, other)
        | (BinaryOp::Add | BinaryOp::Subtract, other, Either) => other,
        (BinaryOp::Add | BinaryOp::Subtract, _, _) => {
            return Err(Problem::new(
                ProblemKind::MixedUnits { op: op.symbol() },
                span,
            ));
        }
        (BinaryOp::Multiply, Rate, Rate) => Rate,
        (BinaryOp::Multiply, Amount, Amount) => Amount,
        (BinaryOp::Multiply, _, _) => Either,
        (BinaryOp::Divide, Rate, Amount) | (BinaryOp::Divide, Either, Amount) => {
            if left.unit == Rate { Rate } else { Either }
        }
        (BinaryOp::Divide, _, _) => Amount,
    };
    if op == BinaryOp::Divide && right.form == BasisExpr::Constant(Decimal::ZERO) {
        return Err(Problem::new(ProblemKind::DivisionByZero, span));
    }
    Ok(match (left.form, right.form) {
        (BasisExpr::Constant(a), BasisExpr::Constant(b)) => constant(
            unit,
            apply(op, a, b).ok_or_else(|| Problem::new(ProblemKind::Overflow, span))?,
        ),
        (a, b) => Value {
            unit,
            form: BasisExpr::Binary(op, Box::new(a), Box::new(b)),
            nodes: left.nodes.saturating_add(right.nodes).saturating_add(1),
            depth: left.depth.max(right.depth).saturating_add(1),
        },
    })
}

/// `a op b` exactly, or `None` on overflow (a result that would be rounded
/// to fit: [`crate::exact`]) or division by zero. A quotient is Decimal's,
/// to 28 significant digits.
pub fn apply(op: BinaryOp, a: Decimal, b: Decimal) -> Option<Decimal> {
    match op {
        BinaryOp::Add => exact::add(a, b),
        BinaryOp::Subtract => exact::sub(a, b),
        BinaryOp::Multiply => exact::mul(a, b),
        BinaryOp::Divide => a.checked_div(b),
    }
}

/// The first name in `expr` that is not a declared constant.
fn first_unknown_name(expr: &Expr, scope: &Scope) -> Option<(String, Span)> {
    match &expr.kind {
        ExprKind::Amount { .. }
        | ExprKind::Percent { .. }
        | ExprKind::Paid(_)
        | ExprKind::Received(_) => None,
        ExprKind::Name(name) => {
            (!scope.entries.contains_key(name)).then(|| (name.clone(), expr.span))
        }
        ExprKind::Negate(inner) | ExprKind::Paren(inner) => first_unknown_name(inner, scope),
        ExprKind::Binary { left, right, .. } => {
            first_unknown_name(left, scope).or_else(|| first_unknown_name(right, scope))
        }
    }
}
