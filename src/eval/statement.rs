//! The statement: what evaluation produces, before any rendering.

use rust_decimal::Decimal;

use jiff::civil::Date;

use crate::agreement::{Calendar, RoundingMode};
use crate::money::{write_percent, write_readable};
use crate::period::Period;

/// Every payment per period, clause and payee, the totals, and the events
/// that matter to an analyst.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub agreement: String,
    pub currency: String,
    pub minor_units: u32,
    /// How each payment was rounded: `half-even`, `half-up`...
    pub rounding: String,
    pub periods: Vec<Period>,
    /// Party names, by [`Row::payer`] and [`Row::payee`].
    pub parties: Vec<String>,
    /// Clause labels, by [`Row::clause`]; the last is `net settlement`.
    pub clauses: Vec<String>,
    /// Rows in period order, then clause order; settlement offsets last in
    /// their period.
    pub rows: Vec<Row>,
    /// Per party, in declaration order.
    pub totals: Vec<Total>,
    pub events: Vec<Event>,
    /// Reserves still held when the series ends, by clause: not paid.
    pub reserves_held: Vec<ReserveHeld>,
}

/// A reserve still held at the end of the series.
#[derive(Debug, Clone, PartialEq)]
pub struct ReserveHeld {
    /// Index into [`Statement::clauses`].
    pub clause: usize,
    pub amount: Decimal,
}

impl Statement {
    /// The label of a row's clause.
    pub fn clause(&self, row: &Row) -> &str {
        self.clauses.get(row.clause).map_or("", String::as_str)
    }

    /// The name of a row's payer.
    pub fn payer(&self, row: &Row) -> &str {
        self.parties.get(row.payer).map_or("", String::as_str)
    }

    /// The name of a row's payee.
    pub fn payee(&self, row: &Row) -> &str {
        self.parties.get(row.payee).map_or("", String::as_str)
    }

    /// The periods it covers: `2025 to 2032`.
    pub fn period_span(&self) -> String {
        match (self.periods.first(), self.periods.last()) {
            (Some(first), Some(last)) if first != last => format!("{first} to {last}"),
            (Some(first), _) => first.to_string(),
            _ => "no periods".into(),
        }
    }

    /// A row's notes in words: `20% of 98.7B; cap 38B reached`.
    pub fn note(&self, row: &Row) -> String {
        let mut out = String::new();
        self.write_note(&mut out, row);
        out
    }

    /// Appends a row's notes in words to `out`.
    pub fn write_note(&self, out: &mut String, row: &Row) {
        for (index, note) in row.notes.iter().enumerate() {
            if index > 0 {
                out.push_str("; ");
            }
            note.write(out, &self.parties, &self.clauses);
        }
    }
}

/// One payment: what one clause pays one payee in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub period: Period,
    /// Index into [`Statement::clauses`].
    pub clause: usize,
    /// Indices into [`Statement::parties`].
    pub payer: usize,
    pub payee: usize,
    /// The clause's basis this period; `None` for advances and offsets.
    pub basis: Option<Decimal>,
    /// What the payee receives from this row, rounded to the minor unit.
    pub amount: Decimal,
    /// The clause's running total of `amount`.
    pub cumulative: Decimal,
    /// Why the figure is what it is; [`Statement::note`] puts it in words.
    pub notes: Notes,
    /// The derivation step by step, when asked for.
    pub explain: Vec<String>,
}

impl Row {
    /// The amount as a fraction of the basis, when the basis is positive:
    /// what the clause really paid, after bands, caps, floors and recoupment.
    pub fn effective_rate(&self) -> Option<Decimal> {
        let basis = self
            .basis
            .filter(|basis| basis.is_sign_positive() && !basis.is_zero())?;
        // The integers depend on the figures' scales, not only their values:
        // trailing zeros taken off, more figures fit, and the rate never
        // depends on the scale an amount happens to have (fixed figures
        // give some amounts four decimals where decimals give three).
        let exact =
            ratio(self.amount, basis).or_else(|| ratio(self.amount.normalize(), basis.normalize()));
        Some(exact.unwrap_or_else(|| {
            self.amount
                .checked_div(basis)
                .unwrap_or_default()
                .round_dp(RATE_DECIMALS)
        }))
    }
}

/// Decimals of an effective rate.
pub const RATE_DECIMALS: u32 = 10;

/// `a / b` rounded half to even at [`RATE_DECIMALS`] decimals, in integer
/// arithmetic (a Decimal division costs more than the rest of a row);
/// `None` when the integers would overflow, for the caller to divide.
fn ratio(a: Decimal, b: Decimal) -> Option<Decimal> {
    let power = crate::money::ten_to;
    // a / b = (ma / 10^sa) / (mb / 10^sb) = ma * 10^(sb + d) / (mb * 10^sa) / 10^d
    let numerator = a
        .mantissa()
        .checked_mul(power(b.scale().checked_add(RATE_DECIMALS)?)?)?;
    let denominator = b.mantissa().checked_mul(power(a.scale())?)?;
    let quotient = numerator.checked_div(denominator)?;
    // One division, not two: the remainder from the quotient.
    let remainder = numerator.checked_sub(quotient.checked_mul(denominator)?)?;
    let twice = remainder.checked_mul(2)?.checked_abs()?;
    let away = crate::money::rounds_away(
        RoundingMode::HalfEven,
        twice.cmp(&denominator.checked_abs()?),
        remainder == 0,
        quotient.checked_rem(2)? != 0,
    );
    let step = if numerator.is_negative() != denominator.is_negative() {
        -1
    } else {
        1
    };
    let rounded = if away {
        quotient.checked_add(step)?
    } else {
        quotient
    };
    Decimal::try_from_i128_with_scale(rounded, RATE_DECIMALS).ok()
}

/// A row's notes: most rows have one, held without allocating.
pub type Notes = smallvec::SmallVec<[Note; 1]>;

/// Adds a reason to `notes` when rows keep theirs (`keep`, from
/// `Options::without_notes`); the note is made only then.
#[inline]
pub(crate) fn add_note(notes: &mut Notes, keep: bool, note: impl FnOnce() -> Note) {
    if keep {
        notes.push(note());
    }
}

/// One reason behind a figure, kept as data and put in words on demand, so
/// that evaluating a portfolio formats nothing it does not print.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// `20% of 98.7B`
    Share {
        rate: Decimal,
        basis: Decimal,
    },
    NegativeBasis,
    OutsideWindow,
    /// `above 100M only`
    AboveOnly {
        threshold: Decimal,
    },
    /// `floor 20K`
    Floor {
        floor: Decimal,
    },
    /// `minimum true-up 44K`
    MinimumTrueUp {
        shortfall: Decimal,
    },
    /// `cap 38B reached` (or `reached earlier`)
    Cap {
        cap: Decimal,
        per: Option<Calendar>,
        earlier: bool,
    },
    /// `60K withheld to recoup `advance`; 190K unrecouped`
    Withheld {
        amount: Decimal,
        advance: usize,
        balance: Decimal,
    },
    /// `advance, paid in the first period` (or `paid on 2025-04-01`).
    AdvancePaid {
        on: Option<Date>,
    },
    /// `to be paid on 2025-04-01`
    AdvanceDue {
        on: Option<Date>,
    },
    /// `paid before the series, on 2024-12-15`
    AdvancePaidBefore {
        on: Option<Date>,
    },
    /// `190K unrecouped`, or `recouped` at zero.
    Unrecouped {
        balance: Decimal,
    },
    Remainder,
    NothingToShare,
    /// `the shares exceed the basis by 5K`
    SharesExceed {
        by: Decimal,
    },
    /// `rounded within Microsoft's 10,415.36`: under `rounding ... per
    /// payee`, where a row is not its own figure rounded alone.
    RoundedWithin {
        payee: usize,
        total: Decimal,
    },
    /// A waterfall step: what it was owed and paid, what it carries.
    Priority {
        step: usize,
        owed: Decimal,
        paid: Decimal,
        carried: Decimal,
    },
    /// `2,500 held in reserve; 1,250 released`
    Reserve {
        held: Decimal,
        released: Decimal,
    },
    /// `1,625 still held in reserve`: at the end of the series.
    StillHeld {
        amount: Decimal,
    },
    /// `fee 2,000 per quarter`, or `fee 500 per month x 3`
    Fee {
        amount: Decimal,
        per: Calendar,
        times: u8,
    },
    /// `fee per year paid earlier this year`
    FeePaid {
        per: Calendar,
    },
    /// `settled with the year's last period`
    SettledLater {
        per: Calendar,
    },
    /// `condition not met (4.8M)`
    ConditionNotMet {
        figure: Decimal,
    },
    /// `milestone`: paid this period.
    Milestone,
    /// `milestone paid earlier`
    MilestonePaid,
    /// `0.091 per unit x 120,000`
    PerUnit {
        amount: Decimal,
        units: Decimal,
    },
    /// `540 withheld for TaxAuthority`
    WithheldFor {
        amount: Decimal,
        party: usize,
    },
    /// `offset; net: A pays B 15K` (`net` zero when the flows cancel out).
    Offset {
        payer: usize,
        payee: usize,
        net: Decimal,
    },
}

impl Note {
    /// The note in words; `parties` and `clauses` name those it cites.
    pub fn text(&self, parties: &[String], clauses: &[String]) -> String {
        let mut out = String::new();
        self.write(&mut out, parties, clauses);
        out
    }

    /// Appends the note in words to `out`, without allocating per piece:
    /// a portfolio writes millions of notes.
    pub fn write(&self, out: &mut String, parties: &[String], clauses: &[String]) {
        let party = |id: usize| parties.get(id).map_or("", String::as_str);
        let clause = |id: usize| clauses.get(id).map_or("", String::as_str);
        let per = |out: &mut String, per: &Option<Calendar>| {
            if let Some(unit) = per {
                out.push_str(" per ");
                out.push_str(unit.keyword());
            }
        };
        match self {
            Note::Share { rate, basis } => {
                write_percent(out, *rate);
                out.push_str(" of ");
                write_readable(out, *basis);
            }
            Note::NegativeBasis => out.push_str("negative basis"),
            Note::OutsideWindow => out.push_str("outside its window"),
            Note::AboveOnly { threshold } => {
                out.push_str("above ");
                write_readable(out, *threshold);
                out.push_str(" only");
            }
            Note::Floor { floor } => {
                out.push_str("floor ");
                write_readable(out, *floor);
            }
            Note::MinimumTrueUp { shortfall } => {
                out.push_str("minimum true-up ");
                write_readable(out, *shortfall);
            }
            Note::Cap {
                cap,
                per: unit,
                earlier,
            } => {
                out.push_str("cap ");
                write_readable(out, *cap);
                per(out, unit);
                out.push_str(if *earlier {
                    " reached earlier"
                } else {
                    " reached"
                });
            }
            Note::Withheld {
                amount,
                advance,
                balance,
            } => {
                write_readable(out, *amount);
                if balance.is_zero() {
                    out.push_str(" withheld; `");
                    out.push_str(clause(*advance));
                    out.push_str("` recouped");
                } else {
                    out.push_str(" withheld to recoup `");
                    out.push_str(clause(*advance));
                    out.push_str("`; ");
                    write_readable(out, *balance);
                    out.push_str(" unrecouped");
                }
            }
            Note::AdvancePaid { on: None } => out.push_str("advance, paid in the first period"),
            Note::AdvancePaid { on: Some(on) } => {
                out.push_str("advance, paid on ");
                out.push_str(&on.to_string());
            }
            Note::AdvanceDue { on } => {
                out.push_str("to be paid on ");
                out.push_str(&on.map(|d| d.to_string()).unwrap_or_default());
            }
            Note::AdvancePaidBefore { on } => {
                out.push_str("paid before the series, on ");
                out.push_str(&on.map(|d| d.to_string()).unwrap_or_default());
            }
            Note::Unrecouped { balance } if balance.is_zero() => out.push_str("recouped"),
            Note::Unrecouped { balance } => {
                write_readable(out, *balance);
                out.push_str(" unrecouped");
            }
            Note::RoundedWithin { payee, total } => {
                out.push_str("rounded within ");
                out.push_str(party(*payee));
                out.push_str("'s ");
                write_readable(out, *total);
            }
            Note::Priority {
                step,
                owed,
                paid,
                carried,
            } => {
                out.push_str("step ");
                out.push_str(&step.to_string());
                if owed.is_zero() {
                    out.push_str(": owed nothing");
                } else if paid == owed {
                    out.push_str(": owed ");
                    write_readable(out, *owed);
                    out.push_str(", paid in full");
                } else if paid.is_zero() {
                    out.push_str(": not reached, nothing left of ");
                    write_readable(out, *owed);
                    out.push_str(" owed");
                } else {
                    out.push_str(": owed ");
                    write_readable(out, *owed);
                    out.push_str(", the money ran out here");
                }
                if !carried.is_zero() {
                    out.push_str("; ");
                    write_readable(out, *carried);
                    out.push_str(" carried forward");
                }
            }
            Note::Reserve { held, released } => {
                let mut parts = Vec::new();
                if !held.is_zero() {
                    let mut text = String::new();
                    write_readable(&mut text, *held);
                    parts.push(format!("{text} held in reserve"));
                }
                if !released.is_zero() {
                    let mut text = String::new();
                    write_readable(&mut text, *released);
                    parts.push(format!("{text} released"));
                }
                out.push_str(&parts.join("; "));
            }
            Note::StillHeld { amount } => {
                write_readable(out, *amount);
                out.push_str(" still held in reserve at the end");
            }
            Note::WithheldFor { amount, party: to } => {
                write_readable(out, *amount);
                out.push_str(" withheld for ");
                out.push_str(party(*to));
            }
            Note::Fee {
                amount,
                per: unit,
                times,
            } => {
                out.push_str("fee ");
                write_readable(out, *amount);
                per(out, &Some(*unit));
                if *times > 1 {
                    out.push_str(" x ");
                    out.push_str(&times.to_string());
                }
            }
            Note::FeePaid { per: unit } => {
                out.push_str("fee per ");
                out.push_str(unit.keyword());
                out.push_str(" paid earlier this ");
                out.push_str(unit.keyword());
            }
            Note::PerUnit { amount, units } => {
                write_readable(out, *amount);
                out.push_str(" per unit x ");
                write_readable(out, *units);
            }
            Note::SettledLater { per: unit } => {
                out.push_str("settled with the ");
                out.push_str(unit.keyword());
                out.push_str("'s last period");
            }
            Note::ConditionNotMet { figure } => {
                out.push_str("condition not met (");
                write_readable(out, *figure);
                out.push(')');
            }
            Note::Milestone => out.push_str("milestone"),
            Note::MilestonePaid => out.push_str("milestone paid earlier"),
            Note::Remainder => out.push_str("the remainder"),
            Note::NothingToShare => out.push_str("nothing to share"),
            Note::SharesExceed { by } => {
                out.push_str("the shares exceed the basis by ");
                write_readable(out, *by);
            }
            Note::Offset { net, .. } if net.is_zero() => {
                out.push_str("offset; net: the flows cancel out");
            }
            Note::Offset { payer, payee, net } => {
                out.push_str("offset; net: ");
                out.push_str(party(*payer));
                out.push_str(" pays ");
                out.push_str(party(*payee));
                out.push(' ');
                write_readable(out, *net);
            }
        }
    }
}

/// What one party received and paid over the whole series.
#[derive(Debug, Clone, PartialEq)]
pub struct Total {
    pub party: String,
    pub received: Decimal,
    pub paid: Decimal,
    /// Received less paid.
    pub net: Decimal,
}

/// Something that changed in a period: a cap reached, a threshold crossed...
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub period: Option<Period>,
    pub clause: String,
    pub kind: EventKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    CapReached,
    ThresholdCrossed,
    BandChanged,
    StepChanged,
    ScheduleComplete,
    MinimumTrueUp,
    MinimumPending,
    AdvancePaid,
    AdvanceRecouped,
    WindowOpened,
    WindowClosed,
    EventUndated,
    WindowNeverOpens,
    AdvanceUnrecouped,
    SharesExceedBasis,
    /// A waterfall step paid all it was owed for the first time.
    PaidInFull,
    /// A reserve still held when the series ends.
    ReserveHeld,
    /// A milestone's condition held: it is paid, once.
    MilestonePaid,
    /// A milestone's date falls outside the series.
    MilestoneOutside,
}

impl EventKind {
    /// The events an `expect` (or a goal of `deal solve`) can name, in the
    /// order of [`crate::syntax::expected::EVENTS`], their phrases.
    pub const NAMEABLE: [EventKind; 10] = [
        EventKind::CapReached,
        EventKind::ThresholdCrossed,
        EventKind::BandChanged,
        EventKind::StepChanged,
        EventKind::MinimumTrueUp,
        EventKind::AdvanceRecouped,
        EventKind::WindowOpened,
        EventKind::WindowClosed,
        EventKind::PaidInFull,
        EventKind::MilestonePaid,
    ];

    /// How `expect` names the event, for those an expectation can name.
    pub fn phrase(self) -> Option<&'static str> {
        Some(match self {
            EventKind::CapReached => "cap reached",
            EventKind::ThresholdCrossed => "threshold crossed",
            EventKind::BandChanged => "band changed",
            EventKind::StepChanged => "step changed",
            EventKind::MinimumTrueUp => "minimum trued up",
            EventKind::AdvanceRecouped => "advance recouped",
            EventKind::WindowOpened => "window opened",
            EventKind::WindowClosed => "window closed",
            EventKind::PaidInFull => "paid in full",
            EventKind::MilestonePaid => "milestone paid",
            _ => return None,
        })
    }

    /// Where the event falls among those of its period, in the order things
    /// happen: a window opens, an advance is paid, the shares earn (their
    /// thresholds, bands, steps, caps and minimums), earnings are withheld
    /// until an advance is recouped; what is still unrecouped at the end of
    /// the series comes last. Events of one rank keep the order of the
    /// clauses.
    pub fn order(self) -> u8 {
        match self {
            EventKind::WindowOpened
            | EventKind::WindowClosed
            | EventKind::EventUndated
            | EventKind::WindowNeverOpens
            | EventKind::MilestoneOutside => 0,
            EventKind::AdvancePaid => 1,
            EventKind::CapReached
            | EventKind::ThresholdCrossed
            | EventKind::BandChanged
            | EventKind::StepChanged
            | EventKind::ScheduleComplete
            | EventKind::MinimumTrueUp
            | EventKind::MinimumPending
            | EventKind::SharesExceedBasis
            | EventKind::PaidInFull
            | EventKind::MilestonePaid => 2,
            EventKind::AdvanceRecouped => 3,
            EventKind::AdvanceUnrecouped | EventKind::ReserveHeld => 4,
        }
    }

    /// A stable name for CSV and JSON.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::CapReached => "cap_reached",
            EventKind::ThresholdCrossed => "threshold_crossed",
            EventKind::BandChanged => "band_changed",
            EventKind::StepChanged => "step_changed",
            EventKind::ScheduleComplete => "schedule_complete",
            EventKind::MinimumTrueUp => "minimum_true_up",
            EventKind::MinimumPending => "minimum_pending",
            EventKind::AdvancePaid => "advance_paid",
            EventKind::AdvanceRecouped => "advance_recouped",
            EventKind::WindowOpened => "window_opened",
            EventKind::WindowClosed => "window_closed",
            EventKind::EventUndated => "event_undated",
            EventKind::WindowNeverOpens => "window_never_opens",
            EventKind::AdvanceUnrecouped => "advance_unrecouped",
            EventKind::SharesExceedBasis => "shares_exceed_basis",
            EventKind::PaidInFull => "paid_in_full",
            EventKind::ReserveHeld => "reserve_held",
            EventKind::MilestonePaid => "milestone_paid",
            EventKind::MilestoneOutside => "milestone_outside",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The kinds an expectation names are those the grammar's hints list,
    /// by the same phrases, in the same order.
    #[test]
    fn nameable_events_are_the_grammars() {
        let phrases: Vec<&str> = EventKind::NAMEABLE
            .iter()
            .filter_map(|k| k.phrase())
            .collect();
        assert_eq!(phrases, crate::syntax::expected::EVENTS);
    }
    use std::str::FromStr;

    #[test]
    fn integer_ratios_match_decimal_division() {
        let d = |t: &str| Decimal::from_str(t).unwrap();
        for (a, b) in [
            ("3710000000.00", "98700000000"),
            ("45000.00", "150000"),
            ("1.00", "3"),
            ("2.00", "3"),
            ("0.01", "7.5"),
            ("123456.78", "0.37"),
            ("1", "8"),
        ] {
            let expected = d(a).checked_div(d(b)).unwrap().round_dp(RATE_DECIMALS);
            assert_eq!(ratio(d(a), d(b)), Some(expected), "{a} / {b}");
        }
    }
}
