//! The statement: what evaluation produces, before any rendering.

use rust_decimal::Decimal;

use crate::agreement::Calendar;
use crate::money::{percent, readable};
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

    /// A row's notes in words: `20% of 98.7B; cap 38B reached`.
    pub fn note(&self, row: &Row) -> String {
        match row.notes.as_slice() {
            [] => String::new(),
            [one] => one.text(&self.parties, &self.clauses),
            notes => {
                let texts: Vec<String> = notes
                    .iter()
                    .map(|note| note.text(&self.parties, &self.clauses))
                    .collect();
                texts.join("; ")
            }
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
        self.basis
            .filter(|basis| basis.is_sign_positive() && !basis.is_zero())
            .and_then(|basis| self.amount.checked_div(basis))
    }
}

/// A row's notes: most rows have one, held without allocating.
pub type Notes = smallvec::SmallVec<[Note; 1]>;

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
    AdvancePaid,
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
        let party = |id: usize| parties.get(id).map_or("", String::as_str);
        let clause = |id: usize| clauses.get(id).map_or("", String::as_str);
        let per = |per: &Option<Calendar>| {
            per.map(|unit| format!(" per {}", unit.keyword()))
                .unwrap_or_default()
        };
        match self {
            Note::Share { rate, basis } => format!("{} of {}", percent(*rate), readable(*basis)),
            Note::NegativeBasis => "negative basis".into(),
            Note::OutsideWindow => "outside its window".into(),
            Note::AboveOnly { threshold } => format!("above {} only", readable(*threshold)),
            Note::Floor { floor } => format!("floor {}", readable(*floor)),
            Note::MinimumTrueUp { shortfall } => {
                format!("minimum true-up {}", readable(*shortfall))
            }
            Note::Cap {
                cap,
                per: unit,
                earlier,
            } => format!(
                "cap {}{} reached{}",
                readable(*cap),
                per(unit),
                if *earlier { " earlier" } else { "" }
            ),
            Note::Withheld {
                amount,
                advance,
                balance,
            } if balance.is_zero() => format!(
                "{} withheld; `{}` recouped",
                readable(*amount),
                clause(*advance)
            ),
            Note::Withheld {
                amount,
                advance,
                balance,
            } => format!(
                "{} withheld to recoup `{}`; {} unrecouped",
                readable(*amount),
                clause(*advance),
                readable(*balance)
            ),
            Note::AdvancePaid => "advance, paid in the first period".into(),
            Note::Unrecouped { balance } if balance.is_zero() => "recouped".into(),
            Note::Unrecouped { balance } => format!("{} unrecouped", readable(*balance)),
            Note::Remainder => "the remainder".into(),
            Note::NothingToShare => "nothing to share".into(),
            Note::SharesExceed { by } => {
                format!("the shares exceed the basis by {}", readable(*by))
            }
            Note::Offset { net, .. } if net.is_zero() => "offset; net: the flows cancel out".into(),
            Note::Offset { payer, payee, net } => {
                format!(
                    "offset; net: {} pays {} {}",
                    party(*payer),
                    party(*payee),
                    readable(*net)
                )
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl EventKind {
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
            _ => return None,
        })
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
        }
    }
}
