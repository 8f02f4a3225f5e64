//! Bases compiled against a series: column names become column indices.

use rust_decimal::Decimal;

use super::arith::{self, Figure};
use crate::agreement::{BasisExpr, BinaryOp};
use crate::series::Series;

/// A basis ready to evaluate, period by period.
#[derive(Debug, Clone)]
pub enum Compiled {
    Column(usize),
    /// `what royalty pays`: the sum of these clauses' payments.
    Paid(Vec<usize>),
    /// `what Producer receives`
    Received(usize),
    Constant(Decimal),
    Negate(Box<Compiled>),
    Binary(BinaryOp, Box<Compiled>, Box<Compiled>),
}

impl Compiled {
    /// Resolves every column of `expr` in `series`; `Err` names the first
    /// column the series lacks.
    pub fn new(expr: &BasisExpr, series: &Series) -> Result<Compiled, String> {
        Ok(match expr {
            BasisExpr::Column(name) => Compiled::Column(
                series
                    .columns
                    .iter()
                    .position(|column| column == name)
                    .ok_or_else(|| name.clone())?,
            ),
            BasisExpr::Constant(value) => Compiled::Constant(*value),
            BasisExpr::Paid { clauses, .. } => Compiled::Paid(clauses.clone()),
            BasisExpr::Received(party) => Compiled::Received(*party),
            BasisExpr::Negate(inner) => Compiled::Negate(Box::new(Compiled::new(inner, series)?)),
            BasisExpr::Binary(op, left, right) => Compiled::Binary(
                *op,
                Box::new(Compiled::new(left, series)?),
                Box::new(Compiled::new(right, series)?),
            ),
        })
    }

    /// The sum of `parts`, compiled: `rest of sales, services`.
    pub fn sum(parts: impl IntoIterator<Item = Compiled>) -> Option<Compiled> {
        parts
            .into_iter()
            .reduce(|sum, part| Compiled::Binary(BinaryOp::Add, Box::new(sum), Box::new(part)))
    }

    /// The basis in period `t`; `flows` holds the period's payments so far.
    #[inline]
    pub fn at(&self, series: &Series, t: usize, flows: &Flows<'_>) -> Figure {
        match self {
            Compiled::Column(column) => Ok(series
                .values
                .get(*column)
                .and_then(|values| values.get(t))
                .copied()
                .unwrap_or_default()),
            Compiled::Constant(value) => Ok(*value),
            Compiled::Paid(clauses) => arith::sum(
                clauses
                    .iter()
                    .map(|id| flows.paid.get(*id).copied().unwrap_or_default()),
            ),
            Compiled::Received(party) => {
                Ok(flows.received.get(*party).copied().unwrap_or_default())
            }
            Compiled::Negate(inner) => Ok(arith::negate(inner.at(series, t, flows)?)),
            Compiled::Binary(op, left, right) => {
                let (a, b) = (left.at(series, t, flows)?, right.at(series, t, flows)?);
                match op {
                    BinaryOp::Add => arith::add(a, b),
                    BinaryOp::Subtract => arith::sub(a, b),
                    BinaryOp::Multiply => arith::mul(a, b),
                    BinaryOp::Divide => arith::div(a, b),
                }
            }
        }
    }
}

/// The payments of the period so far, which a basis may read: what each
/// clause paid (before withholding) and what each party received (after).
#[derive(Debug, Default, Clone, Copy)]
pub struct Flows<'f> {
    pub paid: &'f [Decimal],
    pub received: &'f [Decimal],
}
