//! A basis reduced to what it computes: the key by which `rest of` finds
//! the shares it follows, and over-allocation is summed. The docs promise
//! that bases match however written: `share 30% of sales - refunds` and
//! `rest of -refunds + sales` are one basis.
//!
//! Sums, differences, negations and products by a constant are expanded
//! into a sum of terms with exact coefficients. A product of two columns
//! or a division is not expanded (a quotient is rounded, and `(a + b) / 3`
//! is not computed as `a / 3 + b / 3`): it is one term, its operands in
//! canonical form, a product's in order.

use rust_decimal::Decimal;

use crate::agreement::{BasisExpr, BasisKey, BinaryOp};
use crate::exact;

/// The key of `expr`; an expression whose coefficients overflow is its own
/// term, as written.
pub(super) fn key(expr: &BasisExpr) -> BasisKey {
    let mut sum = Sum::default();
    if sum.add(expr, Decimal::ONE).is_none() {
        return BasisKey {
            terms: vec![(format!("{expr:?}"), Decimal::ONE)],
            constant: Decimal::ZERO,
        };
    }
    sum.terms.retain(|(_, coefficient)| !coefficient.is_zero());
    sum.terms.sort();
    BasisKey {
        terms: sum
            .terms
            .into_iter()
            .map(|(term, coefficient)| (term, coefficient.normalize()))
            .collect(),
        constant: sum.constant.normalize(),
    }
}

/// The key of the sum of `exprs`: what `rest of sales, services` takes
/// from, as a share of `sales + services` has it.
pub(super) fn sum<'e>(exprs: impl Iterator<Item = &'e BasisExpr>) -> BasisKey {
    let sum = exprs
        .cloned()
        .reduce(|sum, expr| BasisExpr::Binary(BinaryOp::Add, Box::new(sum), Box::new(expr)));
    key(&sum.unwrap_or(BasisExpr::Constant(Decimal::ZERO)))
}

/// Terms gathered so far, with their coefficients.
#[derive(Default)]
struct Sum {
    terms: Vec<(String, Decimal)>,
    constant: Decimal,
}

impl Sum {
    /// Adds `factor × expr`; `None` when a coefficient overflows.
    fn add(&mut self, expr: &BasisExpr, factor: Decimal) -> Option<()> {
        match expr {
            BasisExpr::Column(name) => self.term(format!("`{name}`"), factor),
            BasisExpr::Paid { label, .. } => self.term(format!("what `{label}` pays"), factor),
            BasisExpr::Received(party) => self.term(format!("what party {party} receives"), factor),
            BasisExpr::Constant(value) => {
                self.constant = exact::add(self.constant, exact::mul(*value, factor)?)?;
                Some(())
            }
            BasisExpr::Negate(inner) => self.add(inner, crate::money::negate(factor)),
            BasisExpr::Binary(BinaryOp::Add, a, b) => {
                self.add(a, factor)?;
                self.add(b, factor)
            }
            BasisExpr::Binary(BinaryOp::Subtract, a, b) => {
                self.add(a, factor)?;
                self.add(b, crate::money::negate(factor))
            }
            BasisExpr::Binary(BinaryOp::Multiply, a, b) => match (a.as_ref(), b.as_ref()) {
                (BasisExpr::Constant(k), other) | (other, BasisExpr::Constant(k)) => {
                    self.add(other, exact::mul(*k, factor)?)
                }
                _ => {
                    let mut operands = [text(&key(a)), text(&key(b))];
                    operands.sort();
                    let [a, b] = operands;
                    self.term(format!("({a}) * ({b})"), factor)
                }
            },
            BasisExpr::Binary(BinaryOp::Divide, a, b) => {
                let term = format!("({}) / ({})", text(&key(a)), text(&key(b)));
                self.term(term, factor)
            }
        }
    }

    fn term(&mut self, term: String, factor: Decimal) -> Option<()> {
        match self.terms.iter_mut().find(|(t, _)| *t == term) {
            Some((_, coefficient)) => *coefficient = exact::add(*coefficient, factor)?,
            None => self.terms.push((term, factor)),
        }
        Some(())
    }
}

/// A key as text, to be a term of another key.
fn text(key: &BasisKey) -> String {
    let mut out = String::new();
    for (term, coefficient) in &key.terms {
        out.push_str(&format!("{coefficient}{term} + "));
    }
    out.push_str(&key.constant.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str) -> Box<BasisExpr> {
        Box::new(BasisExpr::Column(name.into()))
    }

    fn binary(op: BinaryOp, a: Box<BasisExpr>, b: Box<BasisExpr>) -> Box<BasisExpr> {
        Box::new(BasisExpr::Binary(op, a, b))
    }

    #[test]
    fn a_basis_written_two_ways_has_one_key() {
        let written = binary(BinaryOp::Subtract, column("sales"), column("refunds"));
        let reordered = binary(
            BinaryOp::Add,
            Box::new(BasisExpr::Negate(column("refunds"))),
            column("sales"),
        );
        assert_eq!(key(&written), key(&reordered));
        let doubled = binary(
            BinaryOp::Multiply,
            Box::new(BasisExpr::Constant(Decimal::TWO)),
            column("sales"),
        );
        let summed = binary(BinaryOp::Add, column("sales"), column("sales"));
        assert_eq!(key(&doubled), key(&summed));
        assert_ne!(key(&written), key(&summed));
    }

    #[test]
    fn products_commute_and_quotients_do_not() {
        let ab = binary(BinaryOp::Multiply, column("a"), column("b"));
        let ba = binary(BinaryOp::Multiply, column("b"), column("a"));
        assert_eq!(key(&ab), key(&ba));
        let a_b = binary(BinaryOp::Divide, column("a"), column("b"));
        let b_a = binary(BinaryOp::Divide, column("b"), column("a"));
        assert_ne!(key(&a_b), key(&b_a));
    }
}
