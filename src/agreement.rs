//! The checked agreement: every name resolved, every constant folded, every
//! range and ordering verified. Evaluation starts from here.

use jiff::civil::Date;
use rust_decimal::Decimal;

pub use crate::period::Period;
mod flows;

pub use crate::syntax::ast::{
    Anchor, BinaryOp, Calendar, Comparison, RoundingMode, RoundingScope, Span,
};
pub use flows::{Priority, PriorityForm, Release, Reserve, Waterfall, Withholding};

/// Index into [`Agreement::parties`].
pub type PartyId = usize;
/// Index into [`Agreement::clauses`].
pub type ClauseId = usize;
/// Index into [`Agreement::events`].
pub type EventId = usize;

#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub name: String,
    pub currency: Currency,
    pub rounding: RoundingMode,
    /// Whether each payment is rounded, or each payee's period total.
    pub rounding_scope: RoundingScope,
    pub parties: Vec<Party>,
    pub events: Vec<Event>,
    /// In source order, advances included.
    pub clauses: Vec<Clause>,
    pub settlements: Vec<Settlement>,
    /// The waterfalls, whose steps are among `clauses`.
    pub waterfalls: Vec<Waterfall>,
    /// `before series gross_receipts = 0`: what each column counts as in
    /// the periods before the series, for conditions that read them.
    pub before: Vec<(String, Decimal)>,
    /// `series "file.csv"`: the series to test against, relative to the file.
    pub series: Option<SeriesRef>,
    /// `expect ...`: what `deal test` checks, in file order.
    pub expectations: Vec<Expectation>,
}

impl Agreement {
    /// The rounding as written: `half-even`, or `half-up per payee`.
    pub fn rounding_words(&self) -> String {
        match self.rounding_scope {
            RoundingScope::Payment => self.rounding.keyword().to_string(),
            RoundingScope::Payee => format!("{} per payee", self.rounding.keyword()),
        }
    }
}

/// `pay 2K per quarter to Publisher from 2026-01-01`: a fixed amount for
/// each calendar period its window covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Fee {
    pub amount: Decimal,
    pub per: Calendar,
    pub window: Window,
}

/// `pay 20M to Licensor when net_sales exceed 300M per year`: a one-time
/// payment, in the period its condition first holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub amount: Decimal,
    pub trigger: Trigger,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// `on approval`, `on 2026-05-20`: the period containing the date.
    On(Bound),
    /// `when net_sales exceed 300M per year`: the period in which the
    /// running total of the basis (within each calendar `per`) goes from at
    /// most the level to beyond it.
    Exceeds {
        basis: Basis,
        level: Decimal,
        per: Option<Calendar>,
    },
}

/// `rest of sales, services to Seller`: the bases' sum less every share
/// of any of them, or of their sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Rest {
    pub bases: Vec<Basis>,
    /// What the bases add up to, as a share of `sales + services` has it.
    pub sum: BasisKey,
}

impl Rest {
    /// Whether a share (or a waterfall) of `key` takes from this remainder.
    pub fn takes(&self, key: &BasisKey) -> bool {
        self.sum == *key || self.bases.iter().any(|basis| basis.key == *key)
    }

    /// `sales, services`
    pub fn text(&self) -> String {
        self.bases
            .iter()
            .map(|basis| basis.text.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `series "openai-microsoft.csv"`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesRef {
    pub path: String,
    pub span: Span,
}

/// One `expect` line, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    /// As written, without `expect`: `Microsoft total = 38B`.
    pub text: String,
    pub span: Span,
    pub subject: Subject,
    pub kind: Expected,
    /// `before settlement`: an amount counted before net settlement's
    /// offsets (what the clauses paid, gross), not after (what moved).
    pub before_settlement: bool,
    /// `if acquisition on 2027-01-01:`: events dated for this expectation
    /// alone, by name, in name order; empty for the agreement as written.
    pub scenario: Vec<(String, Date)>,
}

/// What an expectation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Any clause (`expect cap reached in 2030`).
    Any,
    Party(PartyId),
    /// The clauses of one label: one clause, or a waterfall's or a split
    /// step's, which are contiguous.
    Clauses {
        first: ClauseId,
        end: ClauseId,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// What a party received, or a clause paid, over the whole series.
    Total(Decimal),
    /// The same in one period.
    InPeriod(Period, Decimal),
    /// An event of the statement (`cap reached`), in a period.
    Event(String, Period),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Currency {
    /// ISO 4217 code, such as `USD`.
    pub code: String,
    /// Digits after the decimal point of the minor unit (2 for cents).
    pub minor_units: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub name: String,
    pub span: Span,
}

/// `event change_of_control` or `event agi on 2029-06-30`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub date: Option<Date>,
    pub span: Span,
}

/// `settle net between OpenAI and Microsoft`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub first: PartyId,
    pub second: PartyId,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// The label as written, or one made from the clause (`share to Microsoft`).
    pub label: String,
    /// Whether `label` was written in the file.
    pub labelled: bool,
    pub span: Span,
    pub payer: PartyId,
    pub payee: PartyId,
    pub kind: ClauseKind,
    /// Its place in the order of evaluation: 0 for a clause that reads no
    /// payment, else one more than the deepest clause it reads (a
    /// withholding: as deep as the deepest payment it withholds from).
    pub depth: usize,
}

impl Clause {
    /// `share`, `rest` or `advance`: the keyword that starts the clause.
    pub fn kind_word(&self) -> &'static str {
        match self.kind {
            ClauseKind::Share(_) => "share",
            ClauseKind::Rest(_) => "rest",
            ClauseKind::Advance(_) => "advance",
            ClauseKind::Priority(_) => "waterfall",
            ClauseKind::Withhold(_) => "withhold",
            ClauseKind::Fee(_) => "fee",
            ClauseKind::Milestone(_) => "milestone",
        }
    }
}

// An agreement has a handful of clauses; boxing the share would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum ClauseKind {
    Share(Share),
    /// `rest of sales to Seller`, `rest of sales, services to Seller`
    Rest(Rest),
    /// `advance 250K to Artist recouped from royalty`
    Advance(Advance),
    /// A step of a waterfall.
    Priority(Priority),
    /// `withhold 30% of payments to Artist for TaxAuthority`
    Withhold(Withholding),
    /// `pay 2K per quarter to Publisher`
    Fee(Fee),
    /// `pay 10M to Licensor on approval`
    Milestone(Milestone),
}

/// A share of a basis, with everything that limits it.
#[derive(Debug, Clone, PartialEq)]
///
/// Its figures are exact decimals; evaluation may hold them as another
/// kind of figure `N` ([`Share::map`]): `src/eval/fixed.rs`.
pub struct Share<N = Decimal> {
    pub basis: Basis,
    pub rate: Rate<N>,
    /// Lifetime (`per: None`) and calendar caps, at most one of each period.
    pub caps: Vec<Limit<N>>,
    /// `above 100M`: only the basis beyond this cumulative threshold counts.
    pub threshold: Option<Limit<N>>,
    /// `floor 20K per quarter`
    pub floor: Option<Limit<N>>,
    /// `minimum 1M per year`
    pub minimum: Option<Limit<N>>,
    pub window: Window,
    /// `reserve 25% released over 2 periods`
    pub reserve: Option<Reserve>,
    /// `pay 0.091 per unit of units`: the rate is an amount per unit of
    /// the basis, not a fraction of it.
    pub per_unit: bool,
    /// `if previous year gross_receipts < 5M`: in force only where it holds.
    pub condition: Option<Condition>,
    /// `up to 5K, 12.5% above in copies`: what the bands count, when not
    /// the basis itself; the basis is apportioned by it.
    pub measure: Option<Basis>,
}

/// `if previous year gross_receipts < 5M`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub looks_at: LooksAt,
    pub basis: Basis,
    pub comparison: Comparison,
    pub level: Decimal,
    pub span: Span,
}

/// Which earlier periods a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LooksAt {
    /// The total over the whole calendar period before the current one.
    Previous(Calendar),
    /// The total over the current calendar period: the clause is settled,
    /// on the period's whole basis, with its last period in the series.
    This(Calendar),
    /// Each of this many series periods before the current one.
    EachOf(u32),
}

impl<N: Copy> Share<N> {
    /// The same terms with every figure (rates, amounts, band and step
    /// limits) passed through `figure`; the first error stops it.
    pub fn map<M, E>(&self, mut figure: impl FnMut(N) -> Result<M, E>) -> Result<Share<M>, E> {
        let mut limit = |limit: &Limit<N>| -> Result<Limit<M>, E> {
            Ok(Limit {
                amount: figure(limit.amount)?,
                per: limit.per,
                span: limit.span,
            })
        };
        let caps = self.caps.iter().map(&mut limit).collect::<Result<_, E>>()?;
        let threshold = self.threshold.as_ref().map(&mut limit).transpose()?;
        let floor = self.floor.as_ref().map(&mut limit).transpose()?;
        let minimum = self.minimum.as_ref().map(&mut limit).transpose()?;
        let rate = match &self.rate {
            Rate::Flat(rate) => Rate::Flat(figure(*rate)?),
            Rate::Bands { bands, reset } => Rate::Bands {
                bands: bands
                    .iter()
                    .map(|band| {
                        Ok(Band {
                            rate: figure(band.rate)?,
                            up_to: band.up_to.map(&mut figure).transpose()?,
                        })
                    })
                    .collect::<Result<_, E>>()?,
                reset: *reset,
            },
            Rate::Steps(steps) => Rate::Steps(
                steps
                    .iter()
                    .map(|step| {
                        Ok(Step {
                            rate: figure(step.rate)?,
                            until_paid: step.until_paid.map(&mut figure).transpose()?,
                        })
                    })
                    .collect::<Result<_, E>>()?,
            ),
        };
        Ok(Share {
            basis: self.basis.clone(),
            rate,
            caps,
            threshold,
            floor,
            minimum,
            window: self.window.clone(),
            reserve: self.reserve.clone(),
            per_unit: self.per_unit,
            condition: self.condition.clone(),
            measure: self.measure.clone(),
        })
    }
}

/// How the rate is set.
#[derive(Debug, Clone, PartialEq)]
pub enum Rate<N = Decimal> {
    /// `20%`, as a fraction (0.2).
    Flat(N),
    /// Marginal bands on the cumulative basis, reset each calendar period if
    /// `reset` is set.
    Bands {
        bands: Vec<Band<N>>,
        reset: Option<Calendar>,
    },
    /// Step-down on the clause's own cumulative payments.
    Steps(Vec<Step<N>>),
}

impl Rate {
    /// The highest rate the clause can ever pay.
    pub fn max(&self) -> Decimal {
        match self {
            Rate::Flat(rate) => *rate,
            Rate::Bands { bands, .. } => bands.iter().map(|b| b.rate).max().unwrap_or_default(),
            Rate::Steps(steps) => steps.iter().map(|s| s.rate).max().unwrap_or_default(),
        }
    }
}

/// `25% up to 5M`; `up_to: None` for the open band (`20% above`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Band<N = Decimal> {
    pub rate: N,
    pub up_to: Option<N>,
}

/// `10% until paid 400K`; `until_paid: None` for the last, open step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step<N = Decimal> {
    pub rate: N,
    pub until_paid: Option<N>,
}

/// An amount that applies over the lifetime (`per: None`) or per calendar period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limit<N = Decimal> {
    pub amount: N,
    pub per: Option<Calendar>,
    pub span: Span,
}

/// `from 2026-01-01 until change_of_control`
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Window {
    pub from: Option<Bound>,
    pub until: Option<Bound>,
    /// `from period after launch`: where in its period the bound falls.
    pub from_anchor: Anchor,
    /// `until period of termination`
    pub until_anchor: Anchor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    Date(Date),
    Event(EventId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    pub amount: Decimal,
    /// When it is paid: in the period containing this date, or before the
    /// series if the date comes first; the series' first period if `None`.
    pub on: Option<Date>,
    /// The share clauses whose earnings recoup it.
    pub recouped_by: Vec<ClauseId>,
}

/// What a share is computed on: series columns and constants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    pub expr: BasisExpr,
    /// The basis as written, whitespace normalised: `revenue - refunds`.
    pub text: String,
    /// What the basis computes, however written: `rest of` and the shares
    /// it follows are matched by it (`src/check/basis_key.rs`).
    pub key: BasisKey,
    pub span: Span,
}

/// A basis in a canonical form: a sum of terms, each a column (or a part
/// that is not a sum, such as `a * b` or `a / 3`, in its own canonical
/// form) with its coefficient, in order, and a constant. `sales - refunds`,
/// `-refunds + sales` and `(sales - refunds)` have the same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BasisKey {
    /// Terms in order, none with a zero coefficient.
    pub terms: Vec<(String, Decimal)>,
    pub constant: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BasisExpr {
    Column(String),
    /// `what royalty pays`: the payments, before withholding, of the
    /// clauses the label names (a waterfall's: all its steps), in the period.
    Paid {
        label: String,
        clauses: Vec<ClauseId>,
    },
    /// `what Producer receives`: the party's receipts in the period, after
    /// withholding, before net settlement.
    Received(PartyId),
    Constant(Decimal),
    Negate(Box<BasisExpr>),
    Binary(BinaryOp, Box<BasisExpr>, Box<BasisExpr>),
}

impl BasisExpr {
    /// Every column the basis reads, in order of appearance.
    pub fn columns(&self) -> Vec<&str> {
        let mut columns = Vec::new();
        self.collect_columns(&mut columns);
        columns
    }

    fn collect_columns<'a>(&'a self, into: &mut Vec<&'a str>) {
        match self {
            BasisExpr::Column(name) => {
                if !into.contains(&name.as_str()) {
                    into.push(name);
                }
            }
            BasisExpr::Constant(_) | BasisExpr::Paid { .. } | BasisExpr::Received(_) => {}
            BasisExpr::Negate(inner) => inner.collect_columns(into),
            BasisExpr::Binary(_, left, right) => {
                left.collect_columns(into);
                right.collect_columns(into);
            }
        }
    }
}
