//! The statement: what evaluation produces, before any rendering.

use rust_decimal::Decimal;

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
    /// Rows in period order, then clause order; settlement offsets last in
    /// their period.
    pub rows: Vec<Row>,
    /// Per party, in declaration order.
    pub totals: Vec<Total>,
    pub events: Vec<Event>,
}

/// One payment: what one clause pays one payee in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub period: Period,
    /// The clause label, or `net settlement` for an offset row.
    pub clause: String,
    pub payer: String,
    pub payee: String,
    /// The clause's basis this period; `None` for advances and offsets.
    pub basis: Option<Decimal>,
    /// The amount as a fraction of the basis, when the basis is positive.
    pub rate: Option<Decimal>,
    /// What the payee receives from this row, rounded to the minor unit.
    pub amount: Decimal,
    /// The clause's running total of `amount`.
    pub cumulative: Decimal,
    /// Why the figure is what it is, in a few words.
    pub note: String,
    /// The derivation step by step, when asked for.
    pub explain: Vec<String>,
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
