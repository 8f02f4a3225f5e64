//! Checked arithmetic on exact figures: evaluation never panics on a figure
//! out of range; it reports it against the clause and period.
//!
//! The rules of a share clause (src/eval/share.rs) are written once, over
//! [`Num`]: exact decimals, or [`super::fixed::Fixed`] figures, integers at
//! one scale that give the very same figures faster and refuse what they
//! cannot hold exactly.

use rust_decimal::Decimal;

use crate::agreement::RoundingMode;
use crate::{exact, money};

/// Why a figure could not be computed. In 32 bits: a result's error then
/// lies over its figure's first word whole, never across it at an odd
/// offset, which stalled reading a result back (see `Place` in
/// src/eval/mod.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Fault {
    Overflow,
    DivisionByZero,
    /// A [`super::fixed::Fixed`] figure cannot hold the result exactly: the
    /// clause is evaluated again with decimals, which can. Never reported.
    Inexact,
}

pub type Figure<N = Decimal> = Result<N, Fault>;

/// A kind of figure a share clause is evaluated with.
pub trait Num: Copy + Ord + Default + std::fmt::Debug {
    const ZERO: Self;
    fn try_add(self, other: Self) -> Figure<Self>;
    fn try_sub(self, other: Self) -> Figure<Self>;
    fn try_mul(self, other: Self) -> Figure<Self>;
    /// Division by zero is [`Fault::DivisionByZero`].
    fn try_div(self, other: Self) -> Figure<Self>;
    /// Rounded to `minor_units` decimals ([`money::round`]).
    fn round_to(self, minor_units: u32, mode: RoundingMode) -> Figure<Self>;
    fn is_zero(self) -> bool;
    /// Whether the sign is negative; a decimal zero may have one.
    fn is_sign_negative(self) -> bool;
    /// The figure as an exact decimal, for notes and words.
    fn decimal(self) -> Decimal;
    /// A decimal as this kind of figure; one it cannot hold exactly is
    /// [`Fault::Inexact`] (and the evaluation starts again with decimals).
    fn from_decimal(value: Decimal) -> Figure<Self>;
}

impl Num for Decimal {
    const ZERO: Self = Decimal::ZERO;

    fn from_decimal(value: Decimal) -> Figure<Self> {
        Ok(value)
    }

    // A result that would be rounded to fit is out of range: `crate::exact`.
    fn try_add(self, other: Self) -> Figure {
        exact::add(self, other).ok_or(Fault::Overflow)
    }

    fn try_sub(self, other: Self) -> Figure {
        exact::sub(self, other).ok_or(Fault::Overflow)
    }

    fn try_mul(self, other: Self) -> Figure {
        exact::mul(self, other).ok_or(Fault::Overflow)
    }

    fn try_div(self, other: Self) -> Figure {
        if other.is_zero() {
            return Err(Fault::DivisionByZero);
        }
        self.checked_div(other).ok_or(Fault::Overflow)
    }

    fn round_to(self, minor_units: u32, mode: RoundingMode) -> Figure {
        Ok(money::round(self, minor_units, mode))
    }

    fn is_zero(self) -> bool {
        Decimal::is_zero(&self)
    }

    fn is_sign_negative(self) -> bool {
        Decimal::is_sign_negative(&self)
    }

    fn decimal(self) -> Decimal {
        self
    }
}

pub fn add<N: Num>(a: N, b: N) -> Figure<N> {
    a.try_add(b)
}

pub fn sub<N: Num>(a: N, b: N) -> Figure<N> {
    a.try_sub(b)
}

pub fn mul<N: Num>(a: N, b: N) -> Figure<N> {
    a.try_mul(b)
}

pub fn div<N: Num>(a: N, b: N) -> Figure<N> {
    a.try_div(b)
}

pub use crate::money::negate;

/// The sum of `values`, or an overflow.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Figure {
    values.into_iter().try_fold(Decimal::ZERO, add)
}
