//! Variations as written on the command line:
//!
//! - `revenue=0.7..1.3/0.1` (from, to, step: `0.7, 0.8, ... 1.3`),
//!   `revenue=0.8` or `revenue=0.8,1,1.2`: factors, exact decimals;
//! - `revenue=-10%`, `revenue=-20%..0%/5%`: growth shifts, in percent (or
//!   as fractions, `-0.1`);
//! - `agi=2028-01-01`, `agi=2027-01-01..2031-01-01/1y`: event dates, the
//!   step in years (`y`), quarters (`q`), months (`m`), weeks (`w`) or days
//!   (`d`), each date counted from the first (so that month ends stay put).

use jiff::civil::Date;
use rust_decimal::Decimal;

use super::{MAX_SCENARIOS, Variation};

/// `--scale COLUMN=FACTORS`
pub fn scale(text: &str) -> Result<Variation, String> {
    let (column, values) = named(text, "COLUMN=FACTORS, such as `revenue=0.7..1.3/0.1`")?;
    let factors = decimals(values, false)?;
    if let Some(negative) = factors
        .iter()
        .find(|f| f.is_sign_negative() && !f.is_zero())
    {
        return Err(format!("a factor is at least zero, found `{negative}`"));
    }
    Ok(Variation::Scale { column, factors })
}

/// `--growth COLUMN=SHIFTS`
pub fn growth(text: &str) -> Result<Variation, String> {
    let (column, values) = named(text, "COLUMN=SHIFT, such as `revenue=-10%`")?;
    let shifts = decimals(values, true)?;
    // `-10` for `-10%` would be a shift of -1000%.
    if !values.contains('%')
        && let Some(large) = shifts.iter().find(|s| s.abs() >= Decimal::ONE)
    {
        return Err(format!(
            "`{large}` would shift the growth by {}: write a shift in percent, such as `{large}%`, or as a fraction below 1",
            super::percent(*large)
        ));
    }
    Ok(Variation::Growth { column, shifts })
}

/// `--event NAME=DATES`
pub fn event(text: &str) -> Result<Variation, String> {
    let (name, values) = named(
        text,
        "NAME=DATE, such as `agi=2029-01-01` or `agi=2027-01-01..2031-01-01/1y`",
    )?;
    let date = |text: &str| -> Result<Date, String> {
        text.trim()
            .parse::<Date>()
            .map_err(|_| format!("`{text}` is not a date such as `2029-01-01`"))
    };
    let dates = match values.split_once("..") {
        None => values.split(',').map(date).collect::<Result<Vec<_>, _>>()?,
        Some((from, rest)) => {
            let (to, step) = rest.split_once('/').ok_or_else(|| {
                format!("`{values}`: a range of dates needs a step: `{from}..{rest}/1y`")
            })?;
            let (from, to, step) = (date(from)?, date(to)?, date_step(step)?);
            if to < from {
                return Err(format!("`{values}`: the range ends before it starts"));
            }
            let mut dates = Vec::new();
            for count in 0i64.. {
                // A step past the calendar's end ends the range.
                let Ok(next) = step(from, count) else { break };
                if next > to {
                    break;
                }
                dates.push(next);
                if dates.len() > MAX_SCENARIOS {
                    return Err(too_many(values));
                }
            }
            dates
        }
    };
    Ok(Variation::Event { name, dates })
}

/// `NAME=VALUES`, both present.
fn named<'t>(text: &'t str, shape: &str) -> Result<(String, &'t str), String> {
    match text.split_once('=') {
        Some((name, values)) if !name.trim().is_empty() && !values.trim().is_empty() => {
            Ok((name.trim().to_string(), values.trim()))
        }
        _ => Err(format!("expected {shape}, found `{text}`")),
    }
}

/// `A`, `A,B,C` or `A..B/STEP`: exact decimals, in percent where a value
/// ends in `%` (then `percent` or not, a `%` divides by a hundred).
fn decimals(text: &str, percent: bool) -> Result<Vec<Decimal>, String> {
    let one = |text: &str| -> Result<Decimal, String> {
        let text = text.trim();
        let (digits, hundredths) = match text.strip_suffix('%') {
            Some(digits) => (digits.trim(), true),
            None => (text, false),
        };
        let digits = digits.strip_prefix('+').unwrap_or(digits);
        let value = crate::series::amount_of_text(digits).ok_or_else(|| {
            format!(
                "`{text}` is not a number such as `0.8`{}",
                if percent { " or `-10%`" } else { "" }
            )
        })?;
        if hundredths {
            value
                .checked_div(Decimal::ONE_HUNDRED)
                .ok_or_else(|| format!("`{text}` is beyond the exact decimal range"))
        } else {
            Ok(value)
        }
    };
    let Some((from, rest)) = text.split_once("..") else {
        return text.split(',').map(one).collect();
    };
    let (to, step) = rest
        .split_once('/')
        .ok_or_else(|| format!("`{text}`: a range needs a step: `{from}..{rest}/0.1`"))?;
    let (from, to, step) = (one(from)?, one(to)?, one(step)?);
    if step.is_sign_negative() || step.is_zero() {
        return Err(format!("`{text}`: the step must be more than zero"));
    }
    if to < from {
        return Err(format!("`{text}`: the range ends before it starts"));
    }
    let mut values = Vec::new();
    let mut count = Decimal::ZERO;
    loop {
        // Each value counted from the first: no error builds up.
        let value = step
            .checked_mul(count)
            .and_then(|offset| from.checked_add(offset))
            .ok_or_else(|| format!("`{text}` is beyond the exact decimal range"))?;
        if value > to {
            break;
        }
        values.push(value);
        if values.len() > MAX_SCENARIOS {
            return Err(too_many(text));
        }
        count = count.checked_add(Decimal::ONE).unwrap_or(Decimal::MAX);
    }
    Ok(values)
}

fn too_many(text: &str) -> String {
    format!("`{text}` has more than {MAX_SCENARIOS} values: take a larger step")
}

/// `1y`, `6m`, `1q`, `2w`, `10d`: how to step from a date.
fn date_step(text: &str) -> Result<impl Fn(Date, i64) -> Result<Date, String>, String> {
    let text = text.trim();
    let unit = text.chars().last().unwrap_or(' ');
    let number: i64 = text
        .get(..text.len().saturating_sub(unit.len_utf8()))
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{text}` is not a step such as `1y`, `1q`, `6m`, `2w` or `10d`"))?;
    let span: fn(i64) -> Result<jiff::Span, jiff::Error> = match unit {
        'y' => |n| jiff::Span::new().try_years(n),
        'q' => |n| jiff::Span::new().try_months(n.saturating_mul(3)),
        'm' => |n| jiff::Span::new().try_months(n),
        'w' => |n| jiff::Span::new().try_weeks(n),
        'd' => |n| jiff::Span::new().try_days(n),
        _ => {
            return Err(format!(
                "`{text}` is not a step such as `1y`, `1q`, `6m`, `2w` or `10d`"
            ));
        }
    };
    Ok(move |from: Date, count: i64| {
        span(number.saturating_mul(count))
            .and_then(|span| from.checked_add(span))
            .map_err(|_| "a date beyond the calendar".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().expect("a decimal")
    }

    #[test]
    fn factors_are_exact_and_counted_from_the_first() {
        let Ok(Variation::Scale { column, factors }) = scale("revenue=0.7..1.3/0.1") else {
            panic!("a scale")
        };
        assert_eq!(column, "revenue");
        assert_eq!(
            factors,
            ["0.7", "0.8", "0.9", "1.0", "1.1", "1.2", "1.3"].map(d)
        );
        assert!(
            matches!(scale("revenue=1"), Ok(Variation::Scale { factors, .. }) if factors == [Decimal::ONE])
        );
        assert!(scale("revenue=-1").is_err());
        assert!(scale("revenue=1..0/0.1").is_err());
        assert!(scale("revenue=0..1/0").is_err());
        assert!(scale("revenue").is_err());
        assert!(
            scale("revenue=0..100000/0.001")
                .unwrap_err()
                .contains("more than")
        );
    }

    #[test]
    fn shifts_read_percent() {
        let Ok(Variation::Growth { shifts, .. }) = growth("revenue=-20%..0%/10%") else {
            panic!("a growth")
        };
        assert_eq!(shifts, ["-0.2", "-0.1", "0"].map(d));
        let Ok(Variation::Growth { shifts, .. }) = growth("revenue=+5%") else {
            panic!("a growth")
        };
        assert_eq!(shifts, [d("0.05")]);
    }

    #[test]
    fn dates_step_from_the_first() {
        let Ok(Variation::Event { name, dates }) = event("agi=2027-01-31..2027-05-31/1m") else {
            panic!("an event")
        };
        assert_eq!(name, "agi");
        let shown: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "2027-01-31",
                "2027-02-28",
                "2027-03-31",
                "2027-04-30",
                "2027-05-31"
            ]
        );
        assert!(event("agi=2027-01-01..2031-01-01").is_err());
        assert!(event("agi=2027-01-01..2031-01-01/1x").is_err());
        let Ok(Variation::Event { dates, .. }) = event("agi=2027-01-01..2031-01-01/1y") else {
            panic!("an event")
        };
        assert_eq!(dates.len(), 5);
    }
}
