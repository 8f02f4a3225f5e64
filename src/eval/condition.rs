//! Conditions on earlier periods: whether a share is in force in a period,
//! by the total of its condition's basis over the previous calendar period
//! or by each of the periods before it. Periods before the series count as
//! the agreement says (`before series gross_receipts = 0`).

use rust_decimal::Decimal;

use super::arith::{self, Figure};
use super::basis::{Compiled, Flows};
use crate::agreement::{BasisExpr, BinaryOp, Condition, LooksAt};
use crate::period::Period;
use crate::series::Series;

/// What a condition found in period `t`: whether it holds, and the figure
/// it compared (the total, or the first period that failed).
pub struct Verdict {
    pub holds: bool,
    pub figure: Decimal,
    /// `2024`, or `the 3 periods before`, for the explanation.
    pub looked_at: String,
}

/// Evaluates `condition` (its basis compiled as `basis`) in period `t`.
pub fn verdict(
    condition: &Condition,
    basis: &Compiled,
    series: &Series,
    before: &[(String, Decimal)],
    t: usize,
) -> Figure<Verdict> {
    let value = |at: Option<usize>| -> Figure {
        match at {
            Some(at) => basis.at(series, at, &Flows::default()),
            None => before_series(&condition.basis.expr, before),
        }
    };
    let (Some(first), Some(period)) = (series.periods.first(), series.periods.get(t)) else {
        return Ok(Verdict {
            holds: false,
            figure: Decimal::ZERO,
            looked_at: String::new(),
        });
    };
    // A period's place in the series; `None` before it.
    let index_of = |part: Period| {
        part.ordinal()
            .checked_sub(first.ordinal())
            .and_then(|at| usize::try_from(at).ok())
    };
    match condition.looks_at {
        LooksAt::Previous(unit) => {
            let current = Period::containing(period.start(), unit);
            let day_before = current.start().yesterday().unwrap_or(current.start());
            let previous = Period::containing(day_before, unit);
            let mut total = Decimal::ZERO;
            for part in previous.parts(period.granularity) {
                total = arith::add(total, value(index_of(part))?)?;
            }
            Ok(Verdict {
                holds: condition.comparison.holds(&total, &condition.level),
                figure: total,
                looked_at: previous.to_string(),
            })
        }
        LooksAt::This(unit) => {
            // The whole calendar period, as far as the series goes (a clause
            // whose window ends within it settles early, on the same total),
            // its periods before the series as declared.
            let current = Period::containing(period.start(), unit);
            let mut total = Decimal::ZERO;
            for part in current.parts(period.granularity) {
                let index = index_of(part);
                if index.is_some_and(|index| index >= series.periods.len()) {
                    break;
                }
                total = arith::add(total, value(index)?)?;
            }
            Ok(Verdict {
                holds: condition.comparison.holds(&total, &condition.level),
                figure: total,
                looked_at: Period::containing(period.start(), unit).to_string(),
            })
        }
        LooksAt::EachOf(count) => {
            for back in 1..=usize::try_from(count).unwrap_or(0) {
                let figure = value(t.checked_sub(back))?;
                if !condition.comparison.holds(&figure, &condition.level) {
                    return Ok(Verdict {
                        holds: false,
                        figure,
                        looked_at: format!("{back} period(s) before"),
                    });
                }
            }
            Ok(Verdict {
                holds: true,
                figure: Decimal::ZERO,
                looked_at: format!("each of the {count} periods before"),
            })
        }
    }
}

/// Whether period `t` is where a condition on `this` calendar unit is
/// settled: the last period of the unit in which the clause is in force
/// (`active`) in the series.
pub fn settles(
    series: &Series,
    unit: crate::agreement::Calendar,
    active: &[bool],
    t: usize,
) -> bool {
    let on = |at: usize| active.get(at).copied().unwrap_or(false);
    if !on(t) {
        return false;
    }
    match (
        series.periods.get(t),
        series.periods.get(t.saturating_add(1)),
    ) {
        (Some(period), Some(next)) => {
            next.key(unit) != period.key(unit) || !on(t.saturating_add(1))
        }
        _ => true,
    }
}

/// The periods of the series in the same calendar `unit` as period `t`, up
/// to it, in which the clause is in force: what it is settled on.
pub fn same_unit(
    series: &Series,
    unit: crate::agreement::Calendar,
    active: &[bool],
    t: usize,
) -> Vec<usize> {
    let Some(period) = series.periods.get(t) else {
        return Vec::new();
    };
    let key = period.key(unit);
    (0..=t)
        .rev()
        .take_while(|at| series.periods.get(*at).is_some_and(|p| p.key(unit) == key))
        .filter(|at| active.get(*at).copied().unwrap_or(false))
        .collect()
}

/// The columns a basis reads that the agreement gives no value before the
/// series for.
pub fn undeclared<'e>(expr: &'e BasisExpr, before: &[(String, Decimal)]) -> Vec<&'e str> {
    expr.columns()
        .into_iter()
        .filter(|column| !before.iter().any(|(name, _)| name == column))
        .collect()
}

/// The basis in a period before the series, from the declared values.
fn before_series(expr: &BasisExpr, before: &[(String, Decimal)]) -> Figure {
    Ok(match expr {
        BasisExpr::Column(name) => before
            .iter()
            .find(|(column, _)| column == name)
            .map_or(Decimal::ZERO, |(_, value)| *value),
        BasisExpr::Constant(value) => *value,
        BasisExpr::Paid { .. } | BasisExpr::Received(_) => Decimal::ZERO,
        BasisExpr::Negate(inner) => arith::negate(before_series(inner, before)?),
        BasisExpr::Binary(op, left, right) => {
            let (a, b) = (before_series(left, before)?, before_series(right, before)?);
            match op {
                BinaryOp::Add => arith::add(a, b)?,
                BinaryOp::Subtract => arith::sub(a, b)?,
                BinaryOp::Multiply => arith::mul(a, b)?,
                BinaryOp::Divide => arith::div(a, b)?,
            }
        }
    })
}
