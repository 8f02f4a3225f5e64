//! Exact decimal arithmetic. `Decimal`'s checked operations round a result
//! that needs more than 28 significant digits, silently (`10^27 + 0.01` is
//! `10^27`); these refuse it instead, so that a figure is either exact or
//! reported as out of range, never rounded behind the analyst's back.
//!
//! Division is the exception by nature (`1M / 3` has no exact decimal): a
//! quotient is Decimal's, to 28 significant digits, and a figure computed
//! from one (12.5% of `revenue / 3`, the part of a period's basis that
//! reaches a step's limit) fills all 28 and needs a 29th. Such a figure is
//! rounded to 28 significant digits as the quotient was, but only when an
//! operand fills a Decimal as a quotient does ([`FULL_DIGITS`]) and what is
//! dropped lies past the [`GUARD`]th decimal: anything else that would be
//! rounded is out of range (`8000000000000000.125 + 0.0000000000001`,
//! `0.1111111111111111 * 0.1111111111111111`).

use rust_decimal::Decimal;

use crate::money::{self, ten_to};

/// The fewest decimals a result rounded to 28 significant digits keeps:
/// what it drops is below 10^-12, a hundred-millionth of the finest minor
/// unit (four decimals).
pub const GUARD: u32 = 12;

/// A figure with at least this many significant digits fills a Decimal, as
/// a quotient does (28 or 29 digits): only an operation on such a figure
/// may round. A figure the analyst wrote or a series holds rarely has
/// more than 20.
pub const FULL_DIGITS: u32 = 26;

/// Whether `x` fills a Decimal's precision, as a quotient does.
fn full(x: Decimal) -> bool {
    ten_to(FULL_DIGITS.saturating_sub(1))
        .is_some_and(|least| x.mantissa().unsigned_abs() >= least.unsigned_abs())
}

/// Whether a result rounded to fit may stand: one operand is a full figure
/// (a quotient, or computed from one) and what was dropped lies past the
/// guard.
fn may_round(a: Decimal, b: Decimal, result: Decimal) -> bool {
    (full(a) || full(b)) && result.scale() >= GUARD
}

/// `a + b` exactly, or `None` when the exact sum does not fit a Decimal.
pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let mut sum = a.checked_add(b)?;
    // `x - x` is zero, never a negative zero, which would read as a
    // negative basis (Decimal keeps the sign of `0 + -0`).
    if sum.is_zero() {
        sum.set_sign_positive(true);
    }
    let scale = a.scale().max(b.scale());
    // At the operands' larger scale nothing was dropped; below it, only
    // digits that are all zero may have been.
    let exact = sum.scale() >= scale || dropped_nothing(a, b, sum.scale(), scale)?;
    (exact || may_round(a, b, sum)).then_some(sum)
}

/// `a - b` exactly: [`add`].
pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    add(a, money::negate(b))
}

/// `a × b` exactly, or `None` when the exact product does not fit.
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    let scale = a.scale().checked_add(b.scale())?;
    if product.scale() >= scale {
        return Some(product);
    }
    // The exact product is `A × B / 10^scale` for the mantissas `A` and
    // `B`; what was dropped below the product's scale is zero when `A × B`
    // is divisible by 10^(dropped digits): count its factors 2 and 5.
    if may_round(a, b, product) {
        return Some(product);
    }
    let dropped = scale.checked_sub(product.scale())?;
    let (a, b) = (a.mantissa().unsigned_abs(), b.mantissa().unsigned_abs());
    let twos = factors(a, 2).checked_add(factors(b, 2))?;
    let fives = factors(a, 5).checked_add(factors(b, 5))?;
    (a == 0 || b == 0 || (twos >= dropped && fives >= dropped)).then_some(product)
}

/// How many times `prime` divides `n` (a zero counts as none).
fn factors(mut n: u128, prime: u128) -> u32 {
    let mut count = 0u32;
    while let (Some(0), Some(quotient)) = (n.checked_rem(prime), n.checked_div(prime)) {
        if n == 0 {
            break;
        }
        n = quotient;
        count = count.saturating_add(1);
    }
    count
}

/// Whether the exact `a + b`, written at `scale` decimals, has only zeros
/// past `kept` decimals (where `kept < scale`): the sum of the operands'
/// digits past `kept`, each brought to `scale`, is a multiple of
/// 10^(scale - kept). Every term is below that power, at most 10^28.
fn dropped_nothing(a: Decimal, b: Decimal, kept: u32, scale: u32) -> Option<bool> {
    let modulus = ten_to(scale.checked_sub(kept)?)?;
    let tail = |x: Decimal| -> Option<i128> {
        let below = ten_to(x.scale().saturating_sub(kept))?;
        let digits = x.mantissa().checked_rem(below)?;
        digits.checked_mul(ten_to(scale.checked_sub(x.scale())?)?)
    };
    let total = tail(a)?.checked_add(tail(b)?)?;
    Some(total.checked_rem(modulus)? == 0)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).expect("a decimal")
    }

    #[test]
    fn sums_that_would_be_rounded_are_refused() {
        assert_eq!(add(d("1000000000000000000000000000"), d("0.01")), None);
        assert_eq!(
            add(d("79228162514264337593543950335"), d("0.5")).map(|x| x.to_string()),
            None
        );
        // The case: a cumulative of 10% of the largest decimal after 10.
        assert_eq!(add(d("10"), d("7922816251426433759354395033.5")), None);
        assert_eq!(add(d("1.10"), d("2.205")), Some(d("3.305")));
        // Dropped digits that are all zero lose nothing.
        assert_eq!(
            add(d("1000000000000000000000000000"), d("0.10")),
            Some(d("1000000000000000000000000000.1"))
        );
        assert_eq!(
            sub(d("100000000000000000000000000.05"), d("0.05")),
            Some(d("100000000000000000000000000"))
        );
    }

    #[test]
    fn products_that_would_be_rounded_are_refused() {
        assert_eq!(mul(d("0.3"), d("79228162514264337593543950335")), None);
        assert_eq!(
            mul(d("0.1"), d("79228162514264337593543950335")),
            Some(d("7922816251426433759354395033.5"))
        );
        assert_eq!(
            mul(d("0.1"), d("7922816251426433759354395030")),
            Some(d("792281625142643375935439503"))
        );
        assert_eq!(
            mul(d("1234567890123.4567"), d("0.0000000000000001")),
            Some(d("0.00012345678901234567"))
        );
        assert_eq!(mul(d("0.20"), d("1000.005")), Some(d("200.001")));
        assert_eq!(
            mul(d("0"), d("0.0000000000000000000000000001")),
            Some(d("0"))
        );
    }

    /// Figures that the review found rounded silently: no operand is a
    /// quotient, so they are out of range.
    #[test]
    fn exact_figures_are_never_rounded_past_the_guard() {
        assert_eq!(add(d("8000000000000000.125"), d("0.0000000000001")), None);
        assert_eq!(mul(d("0.1111111111111111"), d("0.1111111111111111")), None);
    }

    /// A figure computed from a quotient is rounded past the guard, as the
    /// quotient itself was.
    #[test]
    fn figures_from_a_quotient_are_rounded_past_the_guard() {
        let third = d("100").checked_div(d("3")).expect("a quotient");
        for figure in [mul(d("0.125"), third), sub(d("1000.50"), third)] {
            let figure = figure.expect("rounded, not refused");
            assert!(figure.scale() >= GUARD, "{figure}");
        }
        assert_eq!(
            mul(d("0.125"), third).map(|x| x.round_dp(20)),
            Some(d("4.16666666666666666667"))
        );
    }

    proptest::proptest! {
        /// Whatever the operands, a result kept at fewer decimals than the
        /// guard is the exact one: checked by undoing it.
        #[test]
        fn results_are_exact_or_refused(
            a in -10i128.pow(28)..10i128.pow(28), sa in 0u32..=28,
            b in -10i128.pow(28)..10i128.pow(28), sb in 0u32..=28,
        ) {
            let (x, y) = (Decimal::from_i128_with_scale(a, sa), Decimal::from_i128_with_scale(b, sb));
            if let Some(sum) = add(x, y).filter(|sum| sum.scale() < GUARD) {
                // sum - x is exact too when it fits, and must give y back.
                if let Some(back) = sub(sum, x).filter(|back| back.scale() < GUARD) {
                    proptest::prop_assert_eq!(back, y);
                }
            }
            if let Some(product) = mul(x, y).filter(|p| p.scale() < GUARD) && !x.is_zero() {
                proptest::prop_assert_eq!(product.checked_div(x), Some(y));
            }
        }
    }
}
