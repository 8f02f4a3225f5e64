//! Checked arithmetic on exact decimals: evaluation never panics on a
//! figure out of range; it reports it against the clause and period.

use rust_decimal::Decimal;

/// Why a figure could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Overflow,
    DivisionByZero,
}

pub type Figure = Result<Decimal, Fault>;

pub fn add(a: Decimal, b: Decimal) -> Figure {
    a.checked_add(b).ok_or(Fault::Overflow)
}

pub fn sub(a: Decimal, b: Decimal) -> Figure {
    a.checked_sub(b).ok_or(Fault::Overflow)
}

pub fn mul(a: Decimal, b: Decimal) -> Figure {
    a.checked_mul(b).ok_or(Fault::Overflow)
}

pub fn div(a: Decimal, b: Decimal) -> Figure {
    if b.is_zero() {
        return Err(Fault::DivisionByZero);
    }
    a.checked_div(b).ok_or(Fault::Overflow)
}

pub use crate::money::negate;

/// The sum of `values`, or an overflow.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Figure {
    values.into_iter().try_fold(Decimal::ZERO, add)
}
