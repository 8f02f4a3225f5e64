//! Period labels and calendars: `2025`, `2025H1`, `2025Q3`, `2025-07`.
//!
//! A period is a year and an index among the periods of its granularity in
//! that year (0 for a whole year); the rest follows from how many months
//! the granularity lasts ([`Calendar::months`]).

use std::fmt;

use jiff::civil::Date;

use crate::agreement::Calendar;

/// One period of a series: a calendar year, half-year, quarter or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i16,
    /// 0 for a year, 1-2 for a half-year, 1-4 for a quarter, 1-12 for a month.
    pub index: u8,
    pub granularity: Calendar,
}

impl Period {
    /// Parses `2025`, `2025H1`, `2025Q3` or `2025-07`; years 1 to 9999. By the
    /// label's shape and its digits' values, without `str::parse`: a
    /// series has a label on every row.
    #[inline]
    pub fn parse(label: &str) -> Option<Period> {
        let (year, index, granularity) = match *label.as_bytes() {
            [a, b, c, d] => ([a, b, c, d], None, Calendar::Year),
            [a, b, c, d, b'Q', quarter] => ([a, b, c, d], Some([b'0', quarter]), Calendar::Quarter),
            [a, b, c, d, b'H', half] => ([a, b, c, d], Some([b'0', half]), Calendar::HalfYear),
            [a, b, c, d, b'-', tens, ones] => ([a, b, c, d], Some([tens, ones]), Calendar::Month),
            _ => return None,
        };
        let [a, b, c, d] = year.map(|byte| byte.wrapping_sub(b'0'));
        if a.max(b).max(c).max(d) > 9 {
            return None;
        }
        let year = [a, b, c, d].into_iter().fold(0i16, |year, digit| {
            year.wrapping_mul(10).wrapping_add(i16::from(digit))
        });
        if year < 1 {
            return None;
        }
        let index = match index {
            None => 0,
            Some(digits) => {
                let [tens, ones] = digits.map(|byte| byte.wrapping_sub(b'0'));
                if tens.max(ones) > 9 {
                    return None;
                }
                tens.wrapping_mul(10).wrapping_add(ones)
            }
        };
        let last = match granularity {
            Calendar::Year => 0,
            other => other.per_year(),
        };
        if index > last || (index == 0 && granularity != Calendar::Year) {
            return None;
        }
        Some(Period {
            year,
            index,
            granularity,
        })
    }

    /// The period after this one, of its granularity, if `text` starts
    /// with that period's label; and the label's length. A series' rows
    /// mostly come in order: the label expected is built from tables and
    /// compared with the text as one word, without parsing, and what
    /// [`Period::parse`] reads it as is this period (a period has one label,
    /// which parses back to it). `None` for anything else, to be parsed.
    #[inline]
    pub(crate) fn next_labelled(self, text: &[u8]) -> Option<(Period, usize)> {
        // A year past 9999 has no digits below, and no label.
        let Period { year, index, .. } = self.next();
        let at = usize::try_from(year).ok()?.checked_mul(4)?;
        let digits: [u8; 4] = YEAR_DIGITS.get(at..at.checked_add(4)?)?.try_into().ok()?;
        // The label as a word, its first byte lowest, and its length.
        let (suffix, len) = match self.granularity {
            Calendar::Year => (0, 4),
            Calendar::Quarter => (*QUARTER_WORDS.get(usize::from(index))?, 6),
            Calendar::HalfYear => (*HALF_WORDS.get(usize::from(index))?, 6),
            Calendar::Month => (*MONTH_WORDS.get(usize::from(index))?, 7),
        };
        let label = u64::from(u32::from_le_bytes(digits)) | (u64::from(suffix) << 32);
        // The text's first eight bytes, or as many as the label has.
        let word = match text.get(..8) {
            Some(word) => u64::from_le_bytes(word.try_into().ok()?),
            None => text
                .get(..len)?
                .iter()
                .rev()
                .fold(0, |word, &byte| (word << 8) | u64::from(byte)),
        };
        let mask = u64::MAX >> (64usize.wrapping_sub(len.wrapping_mul(8)));
        if year < 1 || (word ^ label) & mask != 0 {
            return None;
        }
        Some((
            Period {
                year,
                index,
                granularity: self.granularity,
            },
            len,
        ))
    }

    /// The period of `granularity` containing `date`.
    pub fn containing(date: Date, granularity: Calendar) -> Period {
        let month = u8::try_from(date.month()).unwrap_or(1);
        let index = match granularity {
            Calendar::Year => 0,
            unit => month
                .saturating_sub(1)
                .checked_div(unit.months())
                .unwrap_or(0)
                .saturating_add(1),
        };
        Period {
            year: date.year(),
            index,
            granularity,
        }
    }

    /// The period's place among all periods of its granularity: one more
    /// for each period later.
    pub fn ordinal(self) -> i64 {
        let per_year = i64::from(self.granularity.per_year());
        i64::from(self.year)
            .saturating_mul(per_year)
            .saturating_add(i64::from(self.index.saturating_sub(1)))
    }

    /// The period after this one, of its granularity.
    pub fn next(self) -> Period {
        let last = match self.granularity {
            Calendar::Year => 0,
            unit => unit.per_year(),
        };
        if self.index >= last {
            Period {
                year: self.year.saturating_add(1),
                index: u8::from(self.granularity != Calendar::Year),
                granularity: self.granularity,
            }
        } else {
            Period {
                index: self.index.saturating_add(1),
                ..self
            }
        }
    }

    /// The periods of `granularity` that make up this one, in order: the
    /// months of a quarter, the quarters of a year.
    pub fn parts(self, granularity: Calendar) -> impl Iterator<Item = Period> {
        let end = self.end();
        std::iter::successors(
            Some(Period::containing(self.start(), granularity)),
            |part| Some(part.next()),
        )
        .take_while(move |part| part.start() < end)
    }

    /// The month the period starts in, 1 to 12.
    fn first_month(self) -> u8 {
        self.index
            .saturating_sub(1)
            .saturating_mul(self.granularity.months())
            .saturating_add(1)
    }

    /// The first day of the period.
    pub fn start(self) -> Date {
        let month = i8::try_from(self.first_month()).unwrap_or(1);
        Date::new(self.year, month, 1).unwrap_or(Date::MIN)
    }

    /// The first day after the period.
    pub fn end(self) -> Date {
        self.start()
            .checked_add(jiff::Span::new().months(self.granularity.months()))
            .unwrap_or(Date::MAX)
    }

    /// Whether this period comes straight after `previous`, of the same
    /// granularity: `2025-01` after `2024-12`.
    pub fn follows(self, previous: Period) -> bool {
        let per_year = i32::from(self.granularity.per_year());
        let ordinal = |p: Period| {
            i32::from(p.year)
                .saturating_mul(per_year)
                .saturating_add(i32::from(p.index))
        };
        self.granularity == previous.granularity
            && ordinal(self) == ordinal(previous).saturating_add(1)
    }

    /// The calendar period of `unit` that contains this one, as (year, index):
    /// the same key for every period of one year (`unit` = year), quarter or month.
    /// `unit` must be at least as long as the period's own granularity.
    pub fn key(self, unit: Calendar) -> (i16, u8) {
        match unit {
            Calendar::Year => (self.year, 0),
            _ => (
                self.year,
                self.first_month()
                    .saturating_sub(1)
                    .checked_div(unit.months())
                    .unwrap_or(0)
                    .saturating_add(1),
            ),
        }
    }

    /// Whether this period lies within `outer`: `2025-07` within `2025Q3`
    /// and `2025`; a period within itself.
    pub fn within(self, outer: Period) -> bool {
        outer.granularity >= self.granularity
            && self.key(outer.granularity) == (outer.year, outer.index)
    }

    /// Whether this is the last period of its calendar `unit`.
    pub fn ends(self, unit: Calendar) -> bool {
        let last_month = self
            .first_month()
            .saturating_add(self.granularity.months())
            .saturating_sub(1);
        last_month.checked_rem(unit.months()) == Some(0)
    }
}

impl Period {
    /// The period's label (`2025`, `2025Q3`, `2025-07`) as two slices of
    /// text made at compile time, the year and then `Q3` or `-07`: a
    /// statement prints one per row, and checking a label built at run time
    /// as UTF-8 cost more than the rest of writing it.
    fn label(&self) -> (&'static str, &'static str) {
        let year = usize::from(self.year.unsigned_abs() % 10_000);
        let suffix = match self.granularity {
            Calendar::Year => "",
            Calendar::Quarter => quarter_suffix(self.index),
            Calendar::HalfYear => half_suffix(self.index),
            Calendar::Month => month_suffix(self.index),
        };
        let at = year.saturating_mul(4);
        (
            YEARS.get(at..at.saturating_add(4)).unwrap_or_default(),
            suffix,
        )
    }

    /// Appends the period's label to `out`.
    pub fn write_label(&self, out: &mut String) {
        let (year, suffix) = self.label();
        out.push_str(year);
        out.push_str(suffix);
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, suffix) = self.label();
        f.write_str(year)?;
        f.write_str(suffix)
    }
}

/// `0000` to `9999`, four digits each.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    reason = "a table built at compile time: its indices and digits are checked there"
)]
static YEAR_DIGITS: [u8; 40_000] = {
    let mut bytes = [0u8; 40_000];
    let mut year = 0;
    while year < 10_000 {
        let mut place = 0;
        let mut rest = year;
        while place < 4 {
            bytes[year * 4 + 3 - place] = b'0' + (rest % 10) as u8;
            rest /= 10;
            place += 1;
        }
        year += 1;
    }
    bytes
};

/// [`YEAR_DIGITS`] as text, checked once, at compile time.
static YEARS: &str = match std::str::from_utf8(&YEAR_DIGITS) {
    Ok(text) => text,
    Err(_) => panic!("the year digits are ASCII"),
};

/// The suffix of each quarter's label (`Q3`) as a word, its first byte
/// lowest, by index: for [`Period::next_labelled`], which compares a label
/// as one word.
static QUARTER_WORDS: [u32; 5] = {
    let mut words = [0u32; 5];
    let mut index = 1;
    while index < 5 {
        #[allow(
            clippy::indexing_slicing,
            clippy::arithmetic_side_effects,
            clippy::cast_possible_truncation,
            reason = "a table built at compile time: its indices and digits are checked there"
        )]
        {
            words[index] = u32::from_le_bytes([b'Q', b'0' + index as u8, 0, 0]);
        }
        index += 1;
    }
    words
};

/// The suffix of each half-year's label (`H1`) as a word, as [`QUARTER_WORDS`].
static HALF_WORDS: [u32; 3] = [
    0,
    u32::from_le_bytes([b'H', b'1', 0, 0]),
    u32::from_le_bytes([b'H', b'2', 0, 0]),
];

/// The suffix of each month's label (`-07`) as a word, as [`QUARTER_WORDS`].
static MONTH_WORDS: [u32; 13] = {
    let mut words = [0u32; 13];
    let mut index = 1;
    while index < 13 {
        #[allow(
            clippy::indexing_slicing,
            clippy::arithmetic_side_effects,
            clippy::cast_possible_truncation,
            reason = "a table built at compile time: its indices and digits are checked there"
        )]
        {
            let (tens, ones) = ((index / 10) as u8, (index % 10) as u8);
            words[index] = u32::from_le_bytes([b'-', b'0' + tens, b'0' + ones, 0]);
        }
        index += 1;
    }
    words
};

fn half_suffix(index: u8) -> &'static str {
    ["H1", "H2"]
        .get(usize::from(index).wrapping_sub(1))
        .copied()
        .unwrap_or_default()
}

fn quarter_suffix(index: u8) -> &'static str {
    ["Q1", "Q2", "Q3", "Q4"]
        .get(usize::from(index).wrapping_sub(1))
        .copied()
        .unwrap_or_default()
}

fn month_suffix(index: u8) -> &'static str {
    [
        "-01", "-02", "-03", "-04", "-05", "-06", "-07", "-08", "-09", "-10", "-11", "-12",
    ]
    .get(usize::from(index).wrapping_sub(1))
    .copied()
    .unwrap_or_default()
}

/// The periods a column of dates stands for, by the months from its first
/// date to its second: years 12 apart, half-years 6, quarters 3, else
/// months (as a single date is read).
pub fn spaced(months: i32) -> Calendar {
    match months {
        12 => Calendar::Year,
        6 => Calendar::HalfYear,
        3 => Calendar::Quarter,
        _ => Calendar::Month,
    }
}

/// `yearly`, `quarterly`, `monthly`: a series' granularity in words.
pub fn granularity_word(granularity: Calendar) -> &'static str {
    match granularity {
        Calendar::Year => "yearly",
        Calendar::HalfYear => "half-yearly",
        Calendar::Quarter => "quarterly",
        Calendar::Month => "monthly",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_means_no_gap_between() {
        let labels = [
            "2024", "2025", "2027", "2024Q4", "2025Q1", "2025Q2", "2025Q4", "2024-12", "2025-01",
            "2025-02", "2025-12", "2026-01", "2024H2", "2025H1", "2025H2",
        ];
        for a in labels {
            for b in labels {
                let (a, b) = (Period::parse(a).unwrap(), Period::parse(b).unwrap());
                let expected = a.granularity == b.granularity && a.start() == b.end();
                assert_eq!(a.follows(b), expected, "{a} after {b}");
            }
        }
    }

    #[test]
    fn labels_round_trip() {
        for label in [
            "2025", "2025Q3", "2025-07", "0001", "9999-12", "2025H1", "2025H2",
        ] {
            assert_eq!(Period::parse(label).unwrap().to_string(), label);
        }
    }

    /// The parser as it was, with `str::parse`: the reference.
    fn parse_by_str(label: &str) -> Option<Period> {
        let year_digits = label.get(..4)?;
        if !year_digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: i16 = year_digits.parse().ok()?;
        if year < 1 {
            return None;
        }
        let two_digits = |text: &str| -> Option<u8> {
            (text.len() == 2 && text.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse().ok())
                .flatten()
        };
        let (index, granularity) = match label.as_bytes().get(4) {
            None => (0, Calendar::Year),
            Some(b'Q') if label.len() == 6 => {
                let quarter = label.get(5..)?.parse::<u8>().ok()?;
                (
                    (1..=4).contains(&quarter).then_some(quarter)?,
                    Calendar::Quarter,
                )
            }
            Some(b'H') if label.len() == 6 => {
                let half = label.get(5..)?.parse::<u8>().ok()?;
                ((1..=2).contains(&half).then_some(half)?, Calendar::HalfYear)
            }
            Some(b'-') => {
                let month = two_digits(label.get(5..)?)?;
                ((1..=12).contains(&month).then_some(month)?, Calendar::Month)
            }
            _ => return None,
        };
        Some(Period {
            year,
            index,
            granularity,
        })
    }

    /// The label expected after a period is read as [`Period::parse`]
    /// reads it, and is the period that [`Period::follows`] it; any other
    /// text is left to be parsed.
    #[test]
    fn the_next_label_is_read_as_parsed() {
        let mut periods: Vec<Period> = Vec::new();
        for year in [1, 2, 999, 2024, 2025, 9998, 9999] {
            periods.push(Period {
                year,
                index: 0,
                granularity: Calendar::Year,
            });
            for index in 1..=4 {
                periods.push(Period {
                    year,
                    index,
                    granularity: Calendar::Quarter,
                });
            }
            for index in 1..=2 {
                periods.push(Period {
                    year,
                    index,
                    granularity: Calendar::HalfYear,
                });
            }
            for index in 1..=12 {
                periods.push(Period {
                    year,
                    index,
                    granularity: Calendar::Month,
                });
            }
        }
        let mut labels: Vec<String> = periods.iter().map(Period::to_string).collect();
        labels.extend(
            [
                "", "2025Q", "2025-1", "10000", "2025Q5", "2025-13", "0000", "2025H3", "2025H0",
            ]
            .map(String::from),
        );
        for previous in &periods {
            for label in &labels {
                let expected = Period::parse(label)
                    .filter(|period| period.follows(*previous) && period > previous);
                for text in [label.clone(), format!("{label},1"), format!("{label}\r\n")] {
                    let next = previous.next_labelled(text.as_bytes());
                    // What it finds is a label that parses to the next period.
                    if let Some((period, len)) = next {
                        assert_eq!(text.get(..len).and_then(Period::parse), Some(period));
                        assert!(period.follows(*previous) && period > *previous);
                    }
                    // The next period's label is always found.
                    if let Some(period) = expected {
                        assert_eq!(
                            next,
                            Some((period, label.len())),
                            "{label:?} after {previous}"
                        );
                    }
                }
            }
        }
    }

    proptest::proptest! {
        /// Byte by byte, labels read as `str::parse` reads them.
        #[test]
        fn labels_parse_as_str_parse_reads_them(label in "[0-9]{0,5}[-QH+ é]?[0-9+]{0,3}") {
            proptest::prop_assert_eq!(Period::parse(&label), parse_by_str(&label));
        }
    }

    #[test]
    fn malformed_labels_are_refused() {
        for label in [
            "", "25", "2025Q5", "2025Q0", "2025-13", "2025-7", "2025-00", "0000", "2025q3",
            "2025 ", "20250", "2025H0", "2025H3", "2025h1",
        ] {
            assert!(Period::parse(label).is_none(), "{label}");
        }
    }

    #[test]
    fn half_years_are_six_months() {
        let first = Period::parse("2025H1").unwrap();
        let second = Period::parse("2025H2").unwrap();
        assert_eq!(first.start().to_string(), "2025-01-01");
        assert_eq!(second.start().to_string(), "2025-07-01");
        assert_eq!(second.end().to_string(), "2026-01-01");
        assert!(second.follows(first));
        assert!(Period::parse("2026H1").unwrap().follows(second));
        assert!(second.ends(Calendar::Year) && !first.ends(Calendar::Year));
        assert!(first.ends(Calendar::HalfYear));
        let may = Period::parse("2025-05").unwrap();
        assert!(may.within(first) && !may.within(second));
        assert!(Period::parse("2025Q3").unwrap().within(second));
        assert_eq!(
            Period::parse("2025Q3").unwrap().key(Calendar::HalfYear),
            (2025, 2)
        );
        assert!(Period::parse("2025Q2").unwrap().ends(Calendar::HalfYear));
        assert!(!Period::parse("2025Q1").unwrap().ends(Calendar::HalfYear));
    }

    #[test]
    fn periods_lie_within_longer_ones() {
        let july = Period::parse("2025-07").unwrap();
        assert!(july.within(Period::parse("2025Q3").unwrap()));
        assert!(july.within(Period::parse("2025").unwrap()));
        assert!(july.within(july));
        assert!(!july.within(Period::parse("2025Q2").unwrap()));
        assert!(!Period::parse("2025Q3").unwrap().within(july));
    }

    #[test]
    fn periods_know_their_bounds_and_calendar() {
        let q3 = Period::parse("2025Q3").unwrap();
        assert_eq!(q3.start(), Date::constant(2025, 7, 1));
        assert_eq!(q3.end(), Date::constant(2025, 10, 1));
        assert_eq!(q3.key(Calendar::Year), (2025, 0));
        assert!(!q3.ends(Calendar::Year));
        let march = Period::parse("2025-03").unwrap();
        assert_eq!(march.key(Calendar::Quarter), (2025, 1));
        assert!(march.ends(Calendar::Quarter));
        let december = Period::parse("2025-12").unwrap();
        assert_eq!(december.end(), Date::constant(2026, 1, 1));
    }
}
