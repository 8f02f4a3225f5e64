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

/// An amount with exactly the currency's minor digits: `1200.00`.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into a short digit string"
)]
pub fn fixed(amount: Decimal, minor_units: u32) -> String {
    let mut out = String::with_capacity(24);
    write_fixed(&mut out, amount, minor_units);
    out
}

/// Appends [`fixed`]'s text to `out`, from the mantissa: Decimal's own
/// Display divides digit by digit, and statements print millions of amounts.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into a short digit string"
)]
pub fn write_fixed(out: &mut String, amount: Decimal, minor_units: u32) {
    use std::fmt::Write as _;
    let mut shown = amount;
    if shown.scale() != minor_units {
        shown.rescale(minor_units);
    }
    let scale = shown.scale() as usize;
    let mantissa = shown.mantissa();
    if mantissa < 0 {
        out.push('-');
    }
    let start = out.len();
    let magnitude = mantissa.unsigned_abs();
    // Writing to a String cannot fail; most amounts fit a u64, whose
    // formatting is much cheaper than a u128's.
    let _ = match u64::try_from(magnitude) {
        Ok(small) => write!(out, "{small}"),
        Err(_) => write!(out, "{magnitude}"),
    };
    let digits = out.len() - start;
    if digits <= scale {
        out.insert_str(start, &"0".repeat(scale + 1 - digits));
    }
    if scale > 0 {
        out.insert(out.len() - scale, '.');
    }
}

/// `-a`. Cannot overflow: the decimal range is symmetric around zero.
#[allow(clippy::arithmetic_side_effects, reason = "negation cannot overflow")]
pub fn negate(a: Decimal) -> Decimal {
    -a
}

/// An amount for people: thousands grouped, exactly the minor digits:
/// `38,000,000,000.00`.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
pub fn grouped(amount: Decimal, minor_units: u32) -> String {
    let fixed = fixed(amount, minor_units);
    let (sign, digits) = match fixed.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", fixed.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let mut out = String::with_capacity(fixed.len() + whole.len() / 3);
    out.push_str(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
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
    let normalized = amount.normalize();
    let plain = fixed(normalized, normalized.scale());
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    for (suffix, exponent, decimals) in SUFFIXES {
        if whole.len() > exponent {
            let (head, tail) = whole.split_at(whole.len() - exponent);
            // The digits after the point once scaled: the tail, then the fraction.
            let kept = tail.len() + fraction.len()
                - tail
                    .chars()
                    .chain(fraction.chars())
                    .rev()
                    .take_while(|c| *c == '0')
                    .count();
            // `1.068M` reads well; `20.625K` reads better as `20,625`.
            if kept <= decimals {
                out.push_str(sign);
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
    out.push_str(&grouped(normalized, normalized.scale()));
}

/// A rate held as a fraction, shown as a percentage: 0.125 → `12.5%`.
pub fn percent(rate: Decimal) -> String {
    let mut out = String::with_capacity(8);
    write_percent(&mut out, rate);
    out
}

/// Appends [`percent`]'s text to `out`.
pub fn write_percent(out: &mut String, rate: Decimal) {
    match rate.checked_mul(Decimal::ONE_HUNDRED) {
        Some(percent) => {
            let percent = percent.normalize();
            write_fixed(out, percent, percent.scale());
            out.push('%');
        }
        None => {
            write_fixed(out, rate, rate.scale());
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
