//! Figures as integers at one scale: the fast arithmetic of a share clause.
//!
//! A [`Fixed`] figure is a count of ten-thousandths in 64 bits (up to about
//! 922 trillion), so every one is a decimal exactly, and an operation on
//! two of them either gives the figure decimal arithmetic gives, exactly,
//! or refuses with [`Fault::Inexact`] (a product or quotient with more than
//! four decimals, a figure too large); the engine then evaluates the
//! agreement again with decimals (src/eval/mod.rs). Adding, comparing and
//! rounding integers costs a few instructions where a decimal costs sixty
//! or more: a portfolio evaluates millions of clause-periods. In 64 bits
//! rather than 128, a figure and its result travel in registers, and every
//! operation is one machine instruction or a few.

use rust_decimal::Decimal;

use super::arith::{Fault, Figure, Num};
use crate::agreement::RoundingMode;
use crate::money::{self, ten_to};

/// The decimals a [`Fixed`] figure holds: a rate with two (`12%`, `0.12`)
/// times an amount in cents has four.
pub const SCALE: u32 = 4;

/// 10^[`SCALE`].
const UNIT: i64 = 10_000;

/// A figure of at most [`SCALE`] decimals, in ten-thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Fixed(i64);

impl Fixed {
    /// `units` ten-thousandths, if they fit.
    fn new(units: i128) -> Figure<Fixed> {
        i64::try_from(units).map(Fixed).map_err(|_| Fault::Inexact)
    }

    /// `value` as a fixed figure, if it has at most four decimals, fits, and
    /// is not a negative zero (which decimals tell apart from zero, and
    /// integers cannot).
    pub fn from_decimal(value: Decimal) -> Figure<Fixed> {
        let widen = SCALE.checked_sub(value.scale()).ok_or(Fault::Inexact)?;
        if value.is_zero() && value.is_sign_negative() {
            return Err(Fault::Inexact);
        }
        let factor = ten_to(widen).ok_or(Fault::Inexact)?;
        Fixed::new(value.mantissa().checked_mul(factor).ok_or(Fault::Inexact)?)
    }

    /// The figure as a decimal with `minor_units` decimals where that is
    /// exact (a rounded payment always is): the scale decimals would give it,
    /// so that what reads and writes it later need not rescale.
    pub fn at_minor_units(self, minor_units: u32) -> Decimal {
        let exact = SCALE
            .checked_sub(minor_units)
            .and_then(|exponent| by_ten_to(self.0, exponent))
            .and_then(|(units, remainder)| (remainder == 0).then_some(units));
        match exact {
            Some(units) => Decimal::new(units, minor_units),
            None => self.decimal(),
        }
    }
}

impl Num for Fixed {
    const ZERO: Self = Fixed(0);

    fn from_decimal(value: Decimal) -> Figure<Self> {
        // The inherent function, which this one only names for the trait.
        Fixed::from_decimal(value)
    }

    fn try_add(self, other: Self) -> Figure<Self> {
        self.0.checked_add(other.0).map(Fixed).ok_or(Fault::Inexact)
    }

    fn try_sub(self, other: Self) -> Figure<Self> {
        self.0.checked_sub(other.0).map(Fixed).ok_or(Fault::Inexact)
    }

    fn try_mul(self, other: Self) -> Figure<Self> {
        // Below 2^126 in magnitude: the product of two i64 cannot overflow.
        let product = i128::from(self.0).wrapping_mul(i128::from(other.0));
        // Nearly every product fits 64 bits, whose division by a constant
        // is a multiplication; a 128-bit division is a call.
        let (units, remainder) = match i64::try_from(product) {
            Ok(product) => (
                i128::from(product.checked_div(UNIT).ok_or(Fault::Inexact)?),
                product.checked_rem(UNIT).ok_or(Fault::Inexact)?,
            ),
            Err(_) => (
                product
                    .checked_div(i128::from(UNIT))
                    .ok_or(Fault::Inexact)?,
                i64::try_from(
                    product
                        .checked_rem(i128::from(UNIT))
                        .ok_or(Fault::Inexact)?,
                )
                .map_err(|_| Fault::Inexact)?,
            ),
        };
        match remainder {
            0 => Fixed::new(units),
            _ => Err(Fault::Inexact),
        }
    }

    fn try_div(self, other: Self) -> Figure<Self> {
        if other.0 == 0 {
            return Err(Fault::DivisionByZero);
        }
        // Below 2^77 in magnitude: no overflow.
        let scaled = i128::from(self.0).wrapping_mul(i128::from(UNIT));
        let divisor = i128::from(other.0);
        match (scaled.checked_div(divisor), scaled.checked_rem(divisor)) {
            (Some(quotient), Some(0)) => Fixed::new(quotient),
            _ => Err(Fault::Inexact),
        }
    }

    /// As [`crate::money::round`] rounds a decimal: the magnitude, by
    /// `mode`, to `minor_units` decimals.
    fn round_to(self, minor_units: u32, mode: RoundingMode) -> Figure<Self> {
        let magnitude = self.0.unsigned_abs();
        // By a constant divisor for each exponent.
        let rounded = match SCALE.checked_sub(minor_units) {
            // Four decimals or fewer are already within the minor unit.
            None | Some(0) => return Ok(self),
            Some(1) => round_by::<10>(magnitude, mode),
            Some(2) => round_by::<100>(magnitude, mode),
            Some(3) => round_by::<1_000>(magnitude, mode),
            Some(_) => round_by::<10_000>(magnitude, mode),
        }
        .ok_or(Fault::Inexact)?;
        let rounded = i128::from(rounded);
        Fixed::new(if self.0 < 0 {
            rounded.checked_neg().ok_or(Fault::Inexact)?
        } else {
            rounded
        })
    }

    fn is_zero(self) -> bool {
        self.0 == 0
    }

    fn is_sign_negative(self) -> bool {
        self.0 < 0
    }

    fn decimal(self) -> Decimal {
        Decimal::new(self.0, SCALE)
    }
}

/// `magnitude` rounded by `mode` to a multiple of `STEP`, a power of ten
/// of at least ten; `None` past a u64. The figure's sign is the caller's.
/// By a constant: the checks fold away, and the division is a multiplication.
#[inline]
fn round_by<const STEP: u64>(magnitude: u64, mode: RoundingMode) -> Option<u64> {
    money::rounded_quotient(magnitude, STEP, mode)?.checked_mul(STEP)
}

/// `units / 10^exponent` and `units % 10^exponent`, by a constant for the
/// exponents fixed figures use (up to [`SCALE`]), which compiles to a
/// multiplication where a division by a variable takes tens of cycles.
#[inline]
fn by_ten_to(units: i64, exponent: u32) -> Option<(i64, i64)> {
    let by = |divisor: i64| Some((units.checked_div(divisor)?, units.checked_rem(divisor)?));
    match exponent {
        0 => Some((units, 0)),
        1 => by(10),
        2 => by(100),
        3 => by(1_000),
        4 => by(UNIT),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money;
    use proptest::prelude::*;

    /// Figures of every size: any 64-bit mantissa (most too large for a
    /// fixed figure once widened to four decimals), amounts up to a trillion,
    /// and small ones, where products and roundings are exact.
    fn decimal() -> impl Strategy<Value = Decimal> {
        let mantissa = prop_oneof![
            any::<i64>(),
            -10i64.pow(16)..10i64.pow(16),
            -1_000_000i64..1_000_000,
        ];
        (mantissa, 0u32..=6).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
    }

    /// Whether a fixed figure can hold `value`: four decimals at most, and
    /// in ten-thousandths within 64 bits.
    fn holds(value: Decimal) -> bool {
        value.scale() <= SCALE
            && value
                .mantissa()
                .checked_mul(10i128.pow(SCALE - value.scale()))
                .is_some_and(|units| i64::try_from(units).is_ok())
    }

    const MODES: [RoundingMode; 5] = [
        RoundingMode::HalfEven,
        RoundingMode::HalfUp,
        RoundingMode::HalfDown,
        RoundingMode::Up,
        RoundingMode::Down,
    ];

    #[test]
    fn what_fixed_figures_cannot_hold_is_refused() {
        let refused = |text: &str| Fixed::from_decimal(text.parse().unwrap());
        assert_eq!(refused("0.00001"), Err(Fault::Inexact));
        let mut negative_zero = Decimal::new(0, 2);
        negative_zero.set_sign_negative(true);
        assert_eq!(Fixed::from_decimal(negative_zero), Err(Fault::Inexact));
        assert_eq!(
            refused("79228162514264337593543950335"),
            Err(Fault::Inexact)
        );
        let third = Fixed::from_decimal(Decimal::ONE).unwrap();
        let three = Fixed::from_decimal(Decimal::from(3)).unwrap();
        assert_eq!(third.try_div(three), Err(Fault::Inexact));
        assert_eq!(three.try_div(Fixed::ZERO), Err(Fault::DivisionByZero));
        let cent = Fixed::from_decimal("0.01".parse().unwrap()).unwrap();
        let mill = Fixed::from_decimal("0.001".parse().unwrap()).unwrap();
        assert_eq!(
            cent.try_mul(cent).map(Fixed::decimal),
            Ok("0.0001".parse().unwrap())
        );
        assert_eq!(cent.try_mul(mill), Err(Fault::Inexact));
    }

    proptest! {
        /// Every operation gives the figure decimals give, or refuses.
        #[test]
        fn fixed_figures_agree_with_decimals(a in decimal(), b in decimal()) {
            prop_assert_eq!(Fixed::from_decimal(a).is_ok(), holds(a));
            let (Ok(x), Ok(y)) = (Fixed::from_decimal(a), Fixed::from_decimal(b)) else {
                return Ok(());
            };
            prop_assert_eq!(x.decimal(), a);
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            prop_assert_eq!(x.is_zero(), a.is_zero());
            let pairs = [
                (x.try_add(y), a.checked_add(b)),
                (x.try_sub(y), a.checked_sub(b)),
                (x.try_mul(y), a.checked_mul(b)),
                (x.try_div(y), a.checked_div(b)),
            ];
            for (fixed, decimal) in pairs {
                if let Ok(fixed) = fixed {
                    prop_assert_eq!(Some(fixed.decimal()), decimal);
                }
            }
            for minor in 0..=5 {
                for mode in MODES {
                    let rounded = money::round(a, minor, mode);
                    prop_assert_eq!(x.round_to(minor, mode).map(Fixed::decimal), Ok(rounded));
                    let at_minor = x.round_to(minor, mode).unwrap().at_minor_units(minor);
                    prop_assert_eq!(at_minor, rounded);
                    prop_assert!(at_minor.scale() <= minor.max(SCALE));
                }
            }
        }
    }
}
