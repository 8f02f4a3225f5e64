//! Bases compiled against a series: column names become column indices.

use rust_decimal::Decimal;

use super::arith::{self, Figure};
use crate::agreement::{BasisExpr, BinaryOp};
use crate::series::Series;

/// A basis ready to evaluate, period by period.
#[derive(Debug, Clone)]
pub enum Compiled {
    Column(usize),
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
            BasisExpr::Negate(inner) => Compiled::Negate(Box::new(Compiled::new(inner, series)?)),
            BasisExpr::Binary(op, left, right) => Compiled::Binary(
                *op,
                Box::new(Compiled::new(left, series)?),
                Box::new(Compiled::new(right, series)?),
            ),
        })
    }

    /// The basis in period `t`.
    pub fn at(&self, series: &Series, t: usize) -> Figure {
        match self {
            Compiled::Column(column) => Ok(series
                .values
                .get(*column)
                .and_then(|values| values.get(t))
                .copied()
                .unwrap_or_default()),
            Compiled::Constant(value) => Ok(*value),
            Compiled::Negate(inner) => Ok(arith::negate(inner.at(series, t)?)),
            Compiled::Binary(op, left, right) => {
                let (a, b) = (left.at(series, t)?, right.at(series, t)?);
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
