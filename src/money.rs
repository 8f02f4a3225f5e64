//! Amounts and rates as people read them.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::agreement::RoundingMode;

/// Rounds a payment once, to the currency's minor unit.
pub fn round(amount: Decimal, minor_units: u32, mode: RoundingMode) -> Decimal {
    let strategy = match mode {
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
        RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
        RoundingMode::Up => RoundingStrategy::AwayFromZero,
        RoundingMode::Down => RoundingStrategy::ToZero,
    };
    amount.round_dp_with_strategy(minor_units, strategy)
}

/// The decimal digits of an amount, on the stack: every text form of an
/// amount (fixed, plain, grouped, short, percent) is cut from these, with no
/// `core::fmt` and no allocation; statements print millions of amounts.
struct Digits {
    /// The magnitude's digits, at least one before the point.
    bytes: [u8; 40],
    len: usize,
    /// How many of the digits come after the point.
    scale: usize,
    negative: bool,
}

#[allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    reason = "a Decimal mantissa has at most 29 digits and its scale is at most 28: \
              offsets stay inside the 40-byte buffer"
)]
impl Digits {
    fn of(amount: Decimal) -> Digits {
        let mut buffer = itoa::Buffer::new();
        let magnitude = amount.mantissa().unsigned_abs();
        let text = match u64::try_from(magnitude) {
            Ok(small) => buffer.format(small),
            Err(_) => buffer.format(magnitude),
        };
        let scale = amount.scale() as usize;
        // `0.05` has the digits `5`: pad to `005`, one before the point.
        let pad = (scale + 1).saturating_sub(text.len());
        let mut bytes = [b'0'; 40];
        bytes[pad..pad + text.len()].copy_from_slice(text.as_bytes());
        Digits {
            bytes,
            len: pad + text.len(),
            scale,
            negative: magnitude != 0 && amount.is_sign_negative(),
        }
    }

    /// The same digits with the point `places` further right, no further
    /// than the last digit: `0.125` shifted by 2 is `12.5`.
    fn shifted(mut self, places: usize) -> Digits {
        let places = places.min(self.scale);
        self.scale -= places;
        // Leading zeros now before the point: `0.05` → `005` → `5`.
        let leading = self.bytes[..self.len - self.scale - 1]
            .iter()
            .take_while(|b| **b == b'0')
            .count();
        self.bytes.copy_within(leading..self.len, 0);
        self.len -= leading;
        self
    }

    /// Without the trailing zeros of the fraction: `12.50` → `12.5`.
    fn trimmed(mut self) -> Digits {
        let fraction = &self.bytes[self.len - self.scale..self.len];
        let zeros = fraction.iter().rev().take_while(|b| **b == b'0').count();
        self.len -= zeros;
        self.scale -= zeros;
        self
    }

    /// The digits before and after the point (checked as text once).
    fn parts(&self) -> (&str, &str) {
        // Only ASCII digits are ever written to the buffer.
        let text = std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default();
        text.split_at_checked(self.len - self.scale)
            .unwrap_or_default()
    }

    /// Appends the digits: the sign, the whole part, then `minimum` decimals
    /// or more (zeros added, none taken away).
    fn write(&self, out: &mut String, minimum: usize) {
        self.write_with(out, minimum, false);
    }

    /// As [`Digits::write`], with thousands grouped: `1,234.5`.
    fn write_grouped(&self, out: &mut String, minimum: usize) {
        self.write_with(out, minimum, true);
    }

    fn write_with(&self, out: &mut String, minimum: usize, grouped: bool) {
        if self.negative {
            out.push('-');
        }
        let (whole, fraction) = self.parts();
        if grouped {
            for (i, digit) in whole.char_indices() {
                if i > 0 && (whole.len() - i) % 3 == 0 {
                    out.push(',');
                }
                out.push(digit);
            }
        } else {
            out.push_str(whole);
        }
        if fraction.len().max(minimum) > 0 {
            out.push('.');
            out.push_str(fraction);
            out.extend(std::iter::repeat_n(
                '0',
                minimum.saturating_sub(fraction.len()),
            ));
        }
    }
}

/// An amount with exactly the currency's minor digits: `1200.00`.
pub fn fixed(amount: Decimal, minor_units: u32) -> String {
    let mut out = String::with_capacity(24);
    write_fixed(&mut out, amount, minor_units);
    out
}

/// Appends [`fixed`]'s text to `out`.
pub fn write_fixed(out: &mut String, amount: Decimal, minor_units: u32) {
    let mut shown = amount;
    if shown.scale() > minor_units {
        shown.rescale(minor_units);
    }
    Digits::of(shown).write(out, minor_units as usize);
}

/// An amount with the decimals it needs and no more: `12.5`, `1200`.
pub fn plain(amount: Decimal) -> String {
    let mut out = String::with_capacity(24);
    write_plain(&mut out, amount);
    out
}

/// Appends [`plain`]'s text to `out`.
pub fn write_plain(out: &mut String, amount: Decimal) {
    Digits::of(amount).trimmed().write(out, 0);
}

/// `-a`. Cannot overflow: the decimal range is symmetric around zero.
#[allow(clippy::arithmetic_side_effects, reason = "negation cannot overflow")]
pub fn negate(a: Decimal) -> Decimal {
    -a
}

/// An amount for people: thousands grouped, exactly the minor digits:
/// `38,000,000,000.00`.
pub fn grouped(amount: Decimal, minor_units: u32) -> String {
    let mut shown = amount;
    if shown.scale() > minor_units {
        shown.rescale(minor_units);
    }
    let mut out = String::with_capacity(32);
    Digits::of(shown).write_grouped(&mut out, minor_units as usize);
    out
}

/// An amount in the language's own notation: `38B`, `1.5M`, `250K`,
/// `12000.5`. Exact: a suffix is used only where it loses nothing.
pub fn compact(amount: Decimal) -> String {
    const SUFFIXES: [(&str, u32); 4] = [("T", 12), ("B", 9), ("M", 6), ("K", 3)];
    let magnitude = amount.abs();
    for (suffix, exponent) in SUFFIXES {
        let unit = Decimal::from_i128_with_scale(10i128.pow(exponent), 0);
        if magnitude >= unit
            && let Some(scaled) = amount.checked_div(unit)
        {
            let scaled = scaled.normalize();
            if scaled.scale() <= 3 {
                return format!("{scaled}{suffix}");
            }
        }
    }
    amount.normalize().to_string()
}

/// An amount for notes and explanations: short where that loses nothing and
/// stays easy to read (`38B`, `1.25M`), otherwise in full with grouped
/// thousands (`20,625`, `44,804.935`).
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into a short digit string"
)]
pub fn readable(amount: Decimal) -> String {
    let mut out = String::with_capacity(16);
    write_readable(&mut out, amount);
    out
}

/// Appends [`readable`]'s text to `out`.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into a short digit string"
)]
pub fn write_readable(out: &mut String, amount: Decimal) {
    const SUFFIXES: [(char, usize, usize); 4] =
        [('T', 12, 3), ('B', 9, 3), ('M', 6, 3), ('K', 3, 1)];
    let digits = Digits::of(amount).trimmed();
    let (whole, fraction) = digits.parts();
    for (suffix, exponent, decimals) in SUFFIXES {
        if whole.len() > exponent {
            let (head, tail) = whole.split_at(whole.len() - exponent);
            // The digits after the point once scaled: the tail, then the
            // fraction (already without trailing zeros).
            let kept = if fraction.is_empty() {
                tail.trim_end_matches('0').len()
            } else {
                tail.len() + fraction.len()
            };
            // `1.068M` reads well; `20.625K` reads better as `20,625`.
            if kept <= decimals {
                if digits.negative {
                    out.push('-');
                }
                out.push_str(head);
                if kept > 0 {
                    out.push('.');
                    out.extend(tail.chars().chain(fraction.chars()).take(kept));
                }
                out.push(suffix);
                return;
            }
            break;
        }
    }
    digits.write_grouped(out, 0);
}

/// A rate held as a fraction, shown as a percentage: 0.125 → `12.5%`.
pub fn percent(rate: Decimal) -> String {
    let mut out = String::with_capacity(8);
    write_percent(&mut out, rate);
    out
}

/// Appends [`percent`]'s text to `out`.
pub fn write_percent(out: &mut String, rate: Decimal) {
    // A percentage is the same digits with the point two places right.
    let digits = if rate.scale() >= 2 {
        Some(Digits::of(rate).shifted(2))
    } else {
        rate.checked_mul(Decimal::ONE_HUNDRED).map(Digits::of)
    };
    match digits {
        Some(digits) => {
            digits.trimmed().write(out, 0);
            out.push('%');
        }
        None => {
            write_plain(out, rate);
            out.push_str(" (as a fraction)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn compact_uses_a_suffix_only_when_exact() {
        assert_eq!(compact(d("38000000000")), "38B");
        assert_eq!(compact(d("1500000")), "1.5M");
        assert_eq!(compact(d("250000.00")), "250K");
        assert_eq!(compact(d("12000.50")), "12000.5");
        assert_eq!(compact(d("999")), "999");
        assert_eq!(compact(d("-20000")), "-20K");
    }

    #[test]
    fn rounding_modes_differ_only_at_the_edges() {
        let half = d("0.125");
        assert_eq!(round(half, 2, RoundingMode::HalfEven), d("0.12"));
        assert_eq!(round(half, 2, RoundingMode::HalfUp), d("0.13"));
        assert_eq!(round(half, 2, RoundingMode::HalfDown), d("0.12"));
        assert_eq!(round(d("0.121"), 2, RoundingMode::Up), d("0.13"));
        assert_eq!(round(d("0.129"), 2, RoundingMode::Down), d("0.12"));
        assert_eq!(fixed(d("1200"), 2), "1200.00");
        assert_eq!(fixed(d("5"), 0), "5");
        assert_eq!(fixed(d("0.05"), 2), "0.05");
        assert_eq!(fixed(d("-0.5"), 2), "-0.50");
        assert_eq!(fixed(d("0"), 2), "0.00");
        assert_eq!(fixed(d("-1234.5"), 3), "-1234.500");
        assert_eq!(grouped(d("38000000000"), 2), "38,000,000,000.00");
        assert_eq!(grouped(d("-1234.5"), 2), "-1,234.50");
        assert_eq!(grouped(d("999"), 0), "999");
    }

    #[test]
    fn readable_keeps_every_digit() {
        assert_eq!(readable(d("38000000000")), "38B");
        assert_eq!(readable(d("1250000")), "1.25M");
        assert_eq!(readable(d("2036000")), "2.036M");
        assert_eq!(readable(d("12500")), "12.5K");
        assert_eq!(readable(d("20625")), "20,625");
        assert_eq!(readable(d("44804.935")), "44,804.935");
        assert_eq!(readable(d("12.50")), "12.5");
    }

    #[test]
    fn percent_shows_the_rate_as_written() {
        assert_eq!(percent(d("0.2")), "20%");
        assert_eq!(percent(d("0.125")), "12.5%");
    }
}
