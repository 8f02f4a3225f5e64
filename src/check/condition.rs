//! Conditions on earlier periods (`if previous year gross_receipts < 5M`)
//! and what the periods before the series count as (`before series
//! gross_receipts = 0`).

use rust_decimal::Decimal;

use super::Checker;
use crate::agreement::{BasisExpr, Condition, LooksAt};
use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::{self, ItemKind, Span};

impl Checker {
    /// `if previous year gross_receipts < 5M`
    pub(super) fn condition(&mut self, written: &ast::Condition, span: Span) -> Option<Condition> {
        let looks_at = match &written.looks_at {
            ast::LooksAt::Previous(per) => Some(LooksAt::Previous(per.unit)),
            ast::LooksAt::This(per) => Some(LooksAt::This(per.unit)),
            ast::LooksAt::EachOf(count) => self.period_count(count).map(LooksAt::EachOf),
        };
        let basis = self.basis(&written.basis);
        if let Some(basis) = &basis
            && reads_payments(&basis.expr)
        {
            self.report(Problem::new(
                ProblemKind::ConditionOnPayments {
                    basis: basis.text.clone(),
                },
                basis.span,
            ));
            return None;
        }
        let level = self
            .scope
            .constant(
                &written.level,
                super::values::Unit::Amount,
                "a condition's level",
            )
            .map_err(|fault| self.report_fault(fault))
            .ok()
            .map(|(level, _)| level);
        Some(Condition {
            looks_at: looks_at?,
            basis: basis?,
            comparison: written.comparison,
            level: level?,
            span,
        })
    }

    /// `before series gross_receipts = 0`, each column once.
    pub(super) fn before_series(&mut self, items: &[ast::Item]) -> Vec<(String, Decimal)> {
        let mut before: Vec<(String, Decimal, Span)> = Vec::new();
        for item in items {
            let ItemKind::Before { column, value } = &item.kind else {
                continue;
            };
            if let Some((_, _, first)) = before.iter().find(|(name, ..)| *name == column.value) {
                let first = *first;
                self.duplicate(
                    "value before the series of",
                    column.value.clone(),
                    column.span,
                    first,
                    "first given here",
                );
                continue;
            }
            let value = self
                .scope
                .constant(
                    value,
                    super::values::Unit::Amount,
                    "a value before the series",
                )
                .map_err(|fault| self.report_fault(fault))
                .ok();
            if let Some((value, _)) = value {
                before.push((column.value.clone(), value, column.span));
            }
        }
        before
            .into_iter()
            .map(|(name, value, _)| (name, value))
            .collect()
    }
}

/// Whether a basis reads payments, which have no history to look back on.
fn reads_payments(expr: &BasisExpr) -> bool {
    match expr {
        BasisExpr::Paid { .. } | BasisExpr::Received(_) => true,
        BasisExpr::Column(_) | BasisExpr::Constant(_) => false,
        BasisExpr::Negate(inner) => reads_payments(inner),
        BasisExpr::Binary(_, left, right) => reads_payments(left) || reads_payments(right),
    }
}
