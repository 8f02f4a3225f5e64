//! Amounts and rates as people read them.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::agreement::RoundingMode;

/// Rounds a payment once, to the currency's minor unit.
pub fn round(amount: Decimal, minor_units: u32, mode: RoundingMode) -> Decimal {
    if amount.scale() <= minor_units {
        return amount;
    }
    round_small(amount, minor_units, mode).unwrap_or_else(|| {
        let strategy = match mode {
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfDown => RoundingStrategy::MidpointTowardZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
        };
        amount.round_dp_with_strategy(minor_units, strategy)
    })
}

/// Powers of ten up to 10^38, the largest an i128 holds.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "a table built at compile time: its indices and products are checked there"
)]
const POWERS_OF_TEN: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut exponent = 1;
    while exponent < table.len() {
        table[exponent] = table[exponent - 1] * 10;
        exponent += 1;
    }
    table
};

/// 10^`exponent`, looked up (`checked_pow` multiplies each time, and a
/// statement asks for one or two per row); `None` past 10^38.
pub(crate) fn ten_to(exponent: u32) -> Option<i128> {
    POWERS_OF_TEN.get(usize::try_from(exponent).ok()?).copied()
}

/// Whether rounding under `mode` moves a figure's magnitude up to the next
/// kept digit: `dropped` is how the digits dropped compare with half of
/// one kept, `nothing_dropped` whether they are all zero, `odd` whether the
/// last kept digit is odd. The one table of the rounding modes, for every
/// kind of figure ([`round`], `eval::fixed`, effective rates).
pub(crate) fn rounds_away(
    mode: RoundingMode,
    dropped: std::cmp::Ordering,
    nothing_dropped: bool,
    odd: bool,
) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match mode {
        RoundingMode::HalfEven => dropped == Greater || (dropped == Equal && odd),
        RoundingMode::HalfUp => dropped != Less,
        RoundingMode::HalfDown => dropped == Greater,
        RoundingMode::Up => !nothing_dropped,
        RoundingMode::Down => false,
    }
}

/// `magnitude / divisor` rounded by `mode`, where `divisor` is a power of
/// ten of at least ten (so it halves exactly): the rounding of a figure in
/// 64 bits, for decimals ([`round`]) and fixed figures (`eval::fixed`).
/// Inlined: with a constant divisor, the division is a multiplication.
#[inline]
pub(crate) fn rounded_quotient(magnitude: u64, divisor: u64, mode: RoundingMode) -> Option<u64> {
    let (quotient, remainder) = (
        magnitude.checked_div(divisor)?,
        magnitude.checked_rem(divisor)?,
    );
    let up = rounds_away(
        mode,
        remainder.cmp(&divisor.checked_div(2)?),
        remainder == 0,
        quotient % 2 == 1,
    );
    quotient.checked_add(u64::from(up))
}

/// [`round`] in u64 arithmetic, for a mantissa that fits one (a payment
/// almost always does): Decimal's own rounding works on 96 bits, digit
/// group by digit group. `None` when the figure is too large.
fn round_small(amount: Decimal, minor_units: u32, mode: RoundingMode) -> Option<Decimal> {
    let magnitude = u64::try_from(amount.mantissa().unsigned_abs()).ok()?;
    let divisor = u64::try_from(ten_to(amount.scale().checked_sub(minor_units)?)?).ok()?;
    let rounded = rounded_quotient(magnitude, divisor, mode)?;
    // Split into Decimal's 32-bit words; the sign is kept, even on a zero,
    // as Decimal's own rounding keeps it.
    let (lo, mid) = (rounded as u32, (rounded >> 32) as u32);
    Some(Decimal::from_parts(
        lo,
        mid,
        0,
        amount.is_sign_negative(),
        minor_units,
    ))
}

/// Zeros to pad with: more than a Decimal's 28 decimals.
const ZEROS: &str = "00000000000000000000000000000";

/// The decimal digits of an amount, cut from [`itoa`]'s text without a copy:
/// every text form of an amount (fixed, plain, grouped, short, percent)
/// comes from these, with no `core::fmt` and no allocation; statements print
/// millions of amounts.
struct Digits<'b> {
    /// The magnitude's significant digits (`5` for 0.05).
    digits: &'b str,
    /// Zeros between the point and `digits` (`1` for 0.05).
    zeros: usize,
    /// How many of `digits` come after the point.
    after: usize,
    negative: bool,
}

#[allow(
    clippy::arithmetic_side_effects,
    reason = "counts of a few digits, each bounded by the one before"
)]
impl<'b> Digits<'b> {
    fn of(buffer: &'b mut itoa::Buffer, amount: Decimal) -> Digits<'b> {
        let magnitude = amount.mantissa().unsigned_abs();
        let digits = match u64::try_from(magnitude) {
            Ok(small) => buffer.format(small),
            Err(_) => buffer.format(magnitude),
        };
        let scale = amount.scale() as usize;
        // `0.05`: the digit `5` after one zero; `12.5`: one of three digits.
        let (zeros, after) = if digits.len() > scale {
            (0, scale)
        } else {
            (scale - digits.len(), digits.len())
        };
        Digits {
            digits,
            zeros,
            after,
            negative: magnitude != 0 && amount.is_sign_negative(),
        }
    }

    /// Without the trailing zeros of the fraction: `12.50` → `12.5`.
    fn trimmed(mut self) -> Digits<'b> {
        let fraction = self
            .digits
            .get(self.digits.len() - self.after..)
            .unwrap_or_default();
        let trailing = fraction.len() - fraction.trim_end_matches('0').len();
        self.digits = self
            .digits
            .get(..self.digits.len() - trailing)
            .unwrap_or_default();
        self.after -= trailing;
        if self.after == 0 {
            self.zeros = 0;
        }
        self
    }

    /// The digits before the point: `0` when there are none.
    fn whole(&self) -> &'b str {
        match self.digits.len().checked_sub(self.after) {
            Some(len) if len > 0 => self.digits.get(..len).unwrap_or("0"),
            _ => "0",
        }
    }

    /// The digits after the point, as leading zeros and then digits.
    fn fraction(&self) -> (&'static str, &'b str) {
        (
            ZEROS.get(..self.zeros).unwrap_or_default(),
            self.digits
                .get(self.digits.len() - self.after..)
                .unwrap_or_default(),
        )
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
        let whole = self.whole();
        if grouped && whole.len() > 3 {
            // The first group takes what is left over: `1`,`234`,`567`.
            let first = match whole.len() % 3 {
                0 => 3,
                short => short,
            };
            out.push_str(whole.get(..first).unwrap_or_default());
            let mut at = first;
            while let Some(group) = whole.get(at..at + 3) {
                out.push(',');
                out.push_str(group);
                at += 3;
            }
        } else {
            out.push_str(whole);
        }
        let (zeros, fraction) = self.fraction();
        let decimals = zeros.len() + fraction.len();
        if decimals.max(minimum) > 0 {
            out.push('.');
            out.push_str(zeros);
            out.push_str(fraction);
            let padding = minimum.saturating_sub(decimals);
            out.push_str(ZEROS.get(..padding).unwrap_or(ZEROS));
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
    let shown = at_most(amount, minor_units);
    if !write_fixed_small(out, shown, minor_units) {
        Digits::of(&mut itoa::Buffer::new(), shown).write(out, minor_units as usize);
    }
}

/// [`write_fixed`] for an amount whose figure at the minor unit fits a
/// u64 (a statement's amounts almost always do): the whole part and the
/// minor digits as two integers, with no digit-by-digit assembly; a
/// statement writes one or two per row. `false`, writing nothing, when the
/// amount is too large.
fn write_fixed_small(out: &mut String, shown: Decimal, minor_units: u32) -> bool {
    let Ok(magnitude) = u64::try_from(shown.mantissa().unsigned_abs()) else {
        return false;
    };
    // `shown` has no more than `minor_units` decimals: widen it to exactly that.
    let widen = minor_units.saturating_sub(shown.scale());
    let (Some(widen), Some(unit)) = (ten_to(widen), ten_to(minor_units)) else {
        return false;
    };
    let (Ok(widen), Ok(unit)) = (u64::try_from(widen), u64::try_from(unit)) else {
        return false;
    };
    let Some(figure) = magnitude.checked_mul(widen) else {
        return false;
    };
    let (Some(whole), Some(fraction)) = (figure.checked_div(unit), figure.checked_rem(unit)) else {
        return false;
    };
    if figure != 0 && shown.is_sign_negative() {
        out.push('-');
    }
    let mut buffer = itoa::Buffer::new();
    out.push_str(buffer.format(whole));
    if minor_units > 0 {
        out.push('.');
        let digits = buffer.format(fraction);
        let padding = (minor_units as usize).saturating_sub(digits.len());
        out.push_str(ZEROS.get(..padding).unwrap_or_default());
        out.push_str(digits);
    }
    true
}

/// `amount` with no more than `minor_units` decimals (Decimal's rescaling
/// rounds the rest); fewer are padded with zeros where it is shown.
fn at_most(amount: Decimal, minor_units: u32) -> Decimal {
    let mut shown = amount;
    if shown.scale() > minor_units {
        shown.rescale(minor_units);
    }
    shown
}

/// An amount with the decimals it needs and no more: `12.5`, `1200`.
pub fn plain(amount: Decimal) -> String {
    let mut out = String::with_capacity(24);
    write_plain(&mut out, amount);
    out
}

/// Appends [`plain`]'s text to `out`.
pub fn write_plain(out: &mut String, amount: Decimal) {
    Digits::of(&mut itoa::Buffer::new(), amount)
        .trimmed()
        .write(out, 0);
}

/// `-a`. Cannot overflow: the decimal range is symmetric around zero.
#[allow(clippy::arithmetic_side_effects, reason = "negation cannot overflow")]
pub fn negate(a: Decimal) -> Decimal {
    -a
}

/// An amount for people: thousands grouped, exactly the minor digits:
/// `38,000,000,000.00`.
pub fn grouped(amount: Decimal, minor_units: u32) -> String {
    let shown = at_most(amount, minor_units);
    let mut out = String::with_capacity(32);
    Digits::of(&mut itoa::Buffer::new(), shown).write_grouped(&mut out, minor_units as usize);
    out
}

/// An amount in the language's own notation: `38B`, `1.5M`, `250K`,
/// `12000.5`. Exact: a suffix is used only where it loses nothing.
pub fn compact(amount: Decimal) -> String {
    let mut out = String::with_capacity(16);
    let mut buffer = itoa::Buffer::new();
    let digits = Digits::of(&mut buffer, amount).trimmed();
    // Any suffix whose figure keeps three decimals at most, the largest first.
    if !write_suffixed(&mut out, &digits, [3, 3, 3, 3], true) {
        digits.write(&mut out, 0);
    }
    out
}

/// An amount for notes and explanations: below a million in full with
/// grouped thousands (`15,000`, `20,625`, `44,804.935`); from a million,
/// short where three decimals of the suffix hold it (`38B`, `1.25M`),
/// otherwise in full.
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
pub fn write_readable(out: &mut String, amount: Decimal) {
    let mut buffer = itoa::Buffer::new();
    let digits = Digits::of(&mut buffer, amount).trimmed();
    // One rule: below a million, in full (`15,000` beside `13,750`, never
    // `15K` beside `13,750`); from a million, the largest suffix the
    // amount reaches where three decimals hold it (`1.068M`, `38B`).
    let millions = digits.whole().len() > 6;
    if !(millions && write_suffixed(out, &digits, [3, 3, 3, 0], false)) {
        digits.write_grouped(out, 0);
    }
}

/// Appends `digits` with a suffix (T, B, M, K, tried in that order) if the
/// figure before it needs at most the decimals given for that suffix; with
/// `smaller`, a smaller suffix is tried when a larger one needs more,
/// otherwise only the largest the whole part reaches. Whether one was used.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into a short digit string"
)]
fn write_suffixed(
    out: &mut String,
    digits: &Digits<'_>,
    decimals: [usize; 4],
    smaller: bool,
) -> bool {
    const SUFFIXES: [(char, usize); 4] = [('T', 12), ('B', 9), ('M', 6), ('K', 3)];
    let whole = digits.whole();
    let (zeros, fraction) = digits.fraction();
    for ((suffix, exponent), decimals) in SUFFIXES.into_iter().zip(decimals) {
        if whole.len() <= exponent {
            continue;
        }
        let (head, tail) = whole.split_at(whole.len() - exponent);
        // The digits after the point once scaled: the tail, then the
        // fraction (already without trailing zeros).
        let kept = if fraction.is_empty() {
            tail.trim_end_matches('0').len()
        } else {
            tail.len() + zeros.len() + fraction.len()
        };
        if kept <= decimals {
            if digits.negative {
                out.push('-');
            }
            out.push_str(head);
            if kept > 0 {
                out.push('.');
                let after = tail.chars().chain(zeros.chars()).chain(fraction.chars());
                out.extend(after.take(kept));
            }
            out.push(suffix);
            return true;
        }
        if !smaller {
            return false;
        }
    }
    false
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
    let percent = match rate.scale().checked_sub(2) {
        Some(scale) => Decimal::try_from_i128_with_scale(rate.mantissa(), scale).ok(),
        None => rate.checked_mul(Decimal::ONE_HUNDRED),
    };
    match percent {
        Some(percent) => {
            Digits::of(&mut itoa::Buffer::new(), percent)
                .trimmed()
                .write(out, 0);
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

    #[test]
    fn powers_of_ten_are_looked_up_to_the_largest_an_i128_holds() {
        for exponent in 0..=38u32 {
            assert_eq!(ten_to(exponent), 10i128.checked_pow(exponent));
        }
        assert_eq!(ten_to(39), None);
    }

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
        // Below a million, in full: one rule for every amount of a note.
        assert_eq!(readable(d("12500")), "12,500");
        assert_eq!(readable(d("15000")), "15,000");
        assert_eq!(readable(d("1000000")), "1M");
        assert_eq!(readable(d("20625")), "20,625");
        assert_eq!(readable(d("44804.935")), "44,804.935");
        assert_eq!(readable(d("12.50")), "12.5");
    }

    /// The language's notation as Decimal arithmetic writes it: slow, but
    /// plainly right.
    fn compact_by_division(amount: Decimal) -> String {
        for (suffix, exponent) in [("T", 12), ("B", 9), ("M", 6), ("K", 3)] {
            let unit = Decimal::from_i128_with_scale(10i128.pow(exponent), 0);
            if amount.abs() >= unit
                && let Some(scaled) = amount.checked_div(unit)
                && scaled.normalize().scale() <= 3
            {
                return format!("{}{suffix}", scaled.normalize());
            }
        }
        amount.normalize().to_string()
    }

    proptest::proptest! {
        #[test]
        fn compact_agrees_with_decimal_division(
            mantissa in proptest::num::i64::ANY,
            short in -99_999i64..99_999,
            zeros in 0u32..14,
            scale in 0u32..=6,
        ) {
            // Any figure, and short figures with trailing zeros, which take suffixes.
            let round = Decimal::from_i128_with_scale(i128::from(short) * 10i128.pow(zeros), scale);
            for amount in [Decimal::new(mantissa, scale), round] {
                proptest::prop_assert_eq!(compact(amount), compact_by_division(amount));
            }
        }

        /// The u64 rounding is Decimal's own, sign and scale included.
        #[test]
        fn rounding_agrees_with_decimal(mantissa in proptest::num::i64::ANY, scale in 0u32..=24, minor in 0u32..=4) {
            let amount = Decimal::new(mantissa, scale.min(28));
            for (mode, strategy) in [
                (RoundingMode::HalfEven, RoundingStrategy::MidpointNearestEven),
                (RoundingMode::HalfUp, RoundingStrategy::MidpointAwayFromZero),
                (RoundingMode::HalfDown, RoundingStrategy::MidpointTowardZero),
                (RoundingMode::Up, RoundingStrategy::AwayFromZero),
                (RoundingMode::Down, RoundingStrategy::ToZero),
            ] {
                let ours = round(amount, minor, mode);
                let theirs = amount.round_dp_with_strategy(minor, strategy);
                proptest::prop_assert_eq!(ours, theirs);
                proptest::prop_assert_eq!(ours.scale(), theirs.scale());
                proptest::prop_assert_eq!(ours.is_sign_negative(), theirs.is_sign_negative());
            }
        }

        /// Every text form agrees with Decimal's own Display, which is slow
        /// but plainly right.
        #[test]
        fn digits_agree_with_decimal_display(mantissa in proptest::num::i64::ANY, scale in 0u32..=20) {
            let amount = Decimal::new(mantissa, scale);
            let normal = amount.normalize();
            proptest::prop_assert_eq!(plain(amount), normal.to_string());
            let fixed_text = fixed(amount, 20);
            proptest::prop_assert_eq!(Decimal::from_str(&fixed_text).unwrap(), amount);
            proptest::prop_assert_eq!(fixed_text.split_once('.').unwrap().1.len(), 20);
            // At a currency's few minor units, as a statement writes amounts.
            for minor in 0..=4u32 {
                let text = fixed(amount, minor);
                let decimals = text.split_once('.').map_or(0, |(_, after)| after.len());
                proptest::prop_assert_eq!(decimals, minor as usize, "{}", text);
                proptest::prop_assert_eq!(Decimal::from_str(&text).unwrap(), at_most(amount, minor));
                proptest::prop_assert!(!text.starts_with("-0") || text.bytes().any(|b| (b'1'..=b'9').contains(&b)), "{}", text);
            }
            let percent_text = percent(amount);
            let hundred = (amount * Decimal::ONE_HUNDRED).normalize();
            proptest::prop_assert_eq!(percent_text, format!("{hundred}%"));
            let grouped_text = grouped(amount, scale);
            proptest::prop_assert_eq!(grouped_text.replace(',', ""), amount.to_string());
            let whole = grouped_text.trim_start_matches('-').split('.').next().unwrap_or_default();
            let groups: Vec<&str> = whole.split(',').collect();
            proptest::prop_assert!((1..=3).contains(&groups[0].len()), "{}", grouped_text);
            proptest::prop_assert!(groups[1..].iter().all(|g| g.len() == 3), "{}", grouped_text);
            let readable_text = readable(amount);
            let back = readable_text.replace(',', "");
            let value = match back.char_indices().last() {
                Some((at, suffix @ ('K' | 'M' | 'B' | 'T'))) => {
                    let exponent = match suffix { 'K' => 3, 'M' => 6, 'B' => 9, _ => 12 };
                    Decimal::from_str(&back[..at]).unwrap() * Decimal::from_i128_with_scale(10i128.pow(exponent), 0)
                }
                _ => Decimal::from_str(&back).unwrap(),
            };
            proptest::prop_assert_eq!(value, amount, "readable {} of {}", readable_text, amount);
        }
    }

    #[test]
    fn percent_shows_the_rate_as_written() {
        assert_eq!(percent(d("0.2")), "20%");
        assert_eq!(percent(d("0.125")), "12.5%");
    }
}
