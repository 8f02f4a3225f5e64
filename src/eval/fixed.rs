//! Figures as integers at one scale: the fast arithmetic of a share clause.
//!
//! A [`Fixed`] figure is a count of ten-thousandths whose magnitude stays
//! below 2^96, so every one is a decimal exactly, and an operation on two of
//! them either gives the figure decimal arithmetic gives, exactly, or
//! refuses with [`Fault::Inexact`] (a product or quotient with more than
//! four decimals, a figure too large); the engine then evaluates the
//! agreement again with decimals (src/eval/mod.rs). Adding, comparing and
//! rounding integers costs a few instructions where a decimal costs sixty
//! or more: a portfolio evaluates millions of clause-periods.

use rust_decimal::Decimal;

use super::arith::{Fault, Figure, Num};
use crate::agreement::RoundingMode;
use crate::money::{self, ten_to};

/// The decimals a [`Fixed`] figure holds: a rate with two (`12%`, `0.12`)
/// times an amount in cents has four.
pub const SCALE: u32 = 4;

/// 10^[`SCALE`].
const UNIT: i128 = 10_000;

/// Magnitudes at or above this are not decimals' (whose mantissas have 96
/// bits), and are refused.
const LIMIT: u128 = 1 << 96;

/// A figure of at most [`SCALE`] decimals, in ten-thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Fixed(i128);

impl Fixed {
    fn new(units: i128) -> Figure<Fixed> {
        if units.unsigned_abs() < LIMIT {
            Ok(Fixed(units))
        } else {
            Err(Fault::Inexact)
        }
    }

    /// `value` as a fixed figure, if it has at most four decimals and is not
    /// a negative zero (which decimals tell apart from zero, and integers
    /// cannot).
    pub fn from_decimal(value: Decimal) -> Figure<Fixed> {
        let widen = SCALE.checked_sub(value.scale()).ok_or(Fault::Inexact)?;
        if value.is_zero() && value.is_sign_negative() {
            return Err(Fault::Inexact);
        }
        let factor = ten_to(widen).ok_or(Fault::Inexact)?;
        Fixed::new(times(value.mantissa(), factor).ok_or(Fault::Inexact)?)
    }

    /// `units / divisor`, if exact.
    fn exactly(units: i128, divisor: i128) -> Figure<Fixed> {
        if divisor == 0 {
            return Err(Fault::DivisionByZero);
        }
        match quotient_and_remainder(units, divisor) {
            Some((quotient, 0)) => Fixed::new(quotient),
            _ => Err(Fault::Inexact),
        }
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
            Some(units) => {
                Decimal::try_from_i128_with_scale(units, minor_units).unwrap_or_default()
            }
            None => self.decimal(),
        }
    }
}

impl Num for Fixed {
    const ZERO: Self = Fixed(0);

    fn try_add(self, other: Self) -> Figure<Self> {
        Fixed::new(self.0.checked_add(other.0).ok_or(Fault::Inexact)?)
    }

    fn try_sub(self, other: Self) -> Figure<Self> {
        Fixed::new(self.0.checked_sub(other.0).ok_or(Fault::Inexact)?)
    }

    fn try_mul(self, other: Self) -> Figure<Self> {
        let product = times(self.0, other.0).ok_or(Fault::Inexact)?;
        match by_ten_to(product, SCALE) {
            Some((units, 0)) => Fixed::new(units),
            _ => Err(Fault::Inexact),
        }
    }

    fn try_div(self, other: Self) -> Figure<Self> {
        let scaled = times(self.0, UNIT).ok_or(Fault::Inexact)?;
        Fixed::exactly(scaled, other.0)
    }

    /// As [`crate::money::round`] rounds a decimal: the magnitude, by
    /// `mode`, to `minor_units` decimals.
    fn round_to(self, minor_units: u32, mode: RoundingMode) -> Figure<Self> {
        let Some(exponent) = SCALE.checked_sub(minor_units) else {
            // Four decimals or fewer are already within the minor unit.
            return Ok(self);
        };
        // A figure of 64 bits (almost every one), by a constant divisor.
        let small = match (u64::try_from(self.0.unsigned_abs()), exponent) {
            (_, 0) => return Ok(self),
            (Ok(magnitude), 1) => round_by::<10>(magnitude, mode),
            (Ok(magnitude), 2) => round_by::<100>(magnitude, mode),
            (Ok(magnitude), 3) => round_by::<1_000>(magnitude, mode),
            (Ok(magnitude), 4) => round_by::<10_000>(magnitude, mode),
            _ => None,
        };
        if let Some(rounded) = small {
            let rounded = i128::from(rounded);
            let signed = if self.0 < 0 {
                rounded.checked_neg()
            } else {
                Some(rounded)
            };
            return Fixed::new(signed.ok_or(Fault::Inexact)?);
        }
        let magnitude = self.0.checked_abs().ok_or(Fault::Inexact)?;
        let (Some(divisor), Some((quotient, remainder))) =
            (ten_to(exponent), by_ten_to(magnitude, exponent))
        else {
            return Err(Fault::Inexact);
        };
        let half = divisor / 2;
        if remainder == 0 {
            return Ok(self);
        }
        let up = money::rounds_away(mode, remainder.cmp(&half), false, quotient & 1 == 1);
        let rounded = quotient
            .checked_add(i128::from(up))
            .and_then(|units| times(units, divisor))
            .ok_or(Fault::Inexact)?;
        let signed = if self.0 < 0 {
            rounded.checked_neg().ok_or(Fault::Inexact)?
        } else {
            rounded
        };
        Fixed::new(signed)
    }

    fn is_zero(self) -> bool {
        self.0 == 0
    }

    fn is_sign_negative(self) -> bool {
        self.0 < 0
    }

    fn decimal(self) -> Decimal {
        // Below 2^96 in magnitude, at four decimals: always a decimal.
        Decimal::try_from_i128_with_scale(self.0, SCALE).unwrap_or_default()
    }
}

/// `magnitude` rounded by `mode` to a multiple of `UNIT`, a power of ten
/// of at least ten; `None` past a u64. The figure's sign is the caller's.
#[inline]
fn round_by<const UNIT: u64>(magnitude: u64, mode: RoundingMode) -> Option<u64> {
    // By a constant: the checks fold away, and the division is a multiplication.
    let (quotient, remainder) = (magnitude.checked_div(UNIT)?, magnitude.checked_rem(UNIT)?);
    if remainder == 0 {
        return Some(magnitude);
    }
    let up = money::rounds_away(mode, remainder.cmp(&(UNIT / 2)), false, quotient & 1 == 1);
    quotient.checked_add(u64::from(up))?.checked_mul(UNIT)
}

/// `a * b`, or `None` past an i128. Figures that fit 64 bits (almost all)
/// multiply in one instruction; a checked 128-bit product is a call.
fn times(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        // Below 2^126 in magnitude: no i128 overflows.
        (Ok(a), Ok(b)) => Some(i128::from(a).wrapping_mul(i128::from(b))),
        _ => a.checked_mul(b),
    }
}

/// `units / 10^exponent` and `units % 10^exponent`: by a constant for the
/// exponents fixed figures use (up to [`SCALE`]), which compiles to a
/// multiplication where a division by a variable takes tens of cycles.
#[inline]
fn by_ten_to(units: i128, exponent: u32) -> Option<(i128, i128)> {
    match exponent {
        0 => Some((units, 0)),
        1 => quotient_and_remainder(units, 10),
        2 => quotient_and_remainder(units, 100),
        3 => quotient_and_remainder(units, 1_000),
        4 => quotient_and_remainder(units, UNIT),
        _ => quotient_and_remainder(units, ten_to(exponent)?),
    }
}

/// `a / b` and `a % b` (truncated toward zero), or `None` when `b` is zero.
/// In 64 bits where both fit, where a division is one instruction rather
/// than a call.
#[inline]
fn quotient_and_remainder(a: i128, b: i128) -> Option<(i128, i128)> {
    if let (Ok(a), Ok(b)) = (i64::try_from(a), i64::try_from(b)) {
        return Some((i128::from(a.checked_div(b)?), i128::from(a.checked_rem(b)?)));
    }
    Some((a.checked_div(b)?, a.checked_rem(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money;
    use proptest::prelude::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..=6).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
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
            let (Ok(x), Ok(y)) = (Fixed::from_decimal(a), Fixed::from_decimal(b)) else {
                prop_assume!(a.scale() > SCALE || b.scale() > SCALE);
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
