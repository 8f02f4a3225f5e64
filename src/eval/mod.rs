//! Evaluation: a checked agreement and a series in, a statement out.
//!
//! Each period runs the clauses in a fixed order: shares (in file order),
//! then recoupment of advances from the shares' earnings, then `rest of`,
//! then advances, then net settlement. The rules for one share are in
//! [`share`]; the window of a clause in [`window`].

pub mod arith;
mod basis;
mod condition;
pub mod fixed;
mod flows;
mod milestone;
mod payee_rounding;
mod reserve;
mod rest_and_advances;
mod share;
pub mod statement;
mod waterfall;
mod window;

use std::collections::HashMap;

use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::agreement::{Agreement, Calendar, Clause, ClauseKind, Rate, RoundingScope, Share, Span};
use crate::diagnostics::{Problem, ProblemKind, suggest};
use crate::money::readable;
use crate::period::{Period, granularity_word};
use crate::series::Series;
use basis::Compiled;
use fixed::Fixed;
use share::{Context, ShareState};
use statement::{Event, EventKind, Note, Notes, Row, Statement, Total, add_note};

/// What the command line adds to an evaluation.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Dates for events, overriding any date in the file: `--event agi=2029-01-01`.
    pub event_dates: HashMap<String, Date>,
    /// Whether to record each figure's derivation, step by step.
    pub explain: bool,
    /// Leave every row's notes (the reasons [`Statement::write_note`] puts
    /// in words) empty: for output that shows none, such as CSV without the
    /// `note` column, which then costs a tenth less to evaluate. Amounts,
    /// events and explanations are the same either way.
    pub without_notes: bool,
    /// Evaluate every clause with decimals, never with fixed figures
    /// ([`fixed`]), which give the same figures: for the tests that hold
    /// them to it.
    pub decimals_only: bool,
}

/// Why `event` cannot be given a date for `agreement` (named `name`): it
/// declares no event of that name. `None` when it does.
pub fn unknown_event(agreement: &Agreement, name: &str, event: &str) -> Option<String> {
    if agreement.events.iter().any(|e| e.name == event) {
        return None;
    }
    Some(format!(
        "no event `{event}` in `{name}`; {}",
        declared_events(agreement, "it")
    ))
}

/// The events `agreement` declares, said of `subject`: "it declares `agi`,
/// `exit`", "the agreement declares no events".
pub fn declared_events(agreement: &Agreement, subject: &str) -> String {
    if agreement.events.is_empty() {
        return format!("{subject} declares no events");
    }
    let names: Vec<String> = agreement
        .events
        .iter()
        .map(|e| format!("`{}`", e.name))
        .collect();
    format!("{subject} declares {}", names.join(", "))
}

/// The period an advance is paid in: the one containing its date, the first
/// if the date comes before the series (it was paid before, and is recouped
/// from the start), or none if the date comes after the series.
fn advance_paid_at(advance: &crate::agreement::Advance, periods: &[Period]) -> Option<usize> {
    let Some(on) = advance.on else {
        return Some(0);
    };
    if periods.first().is_some_and(|first| on < first.start()) {
        return Some(0);
    }
    periods
        .iter()
        .position(|period| period.start() <= on && on < period.end())
}

/// A stand-in where a period is needed and the series has none to give.
const FIRST_PERIOD: Period = Period {
    year: 1,
    index: 0,
    granularity: Calendar::Year,
};

/// `share` with its amounts (caps, threshold, floor, minimum, band and step
/// limits) at the currency's minor unit where that only adds zeros, `38B`
/// as 38000000000.00: each period then adds and compares amounts of one
/// scale, which Decimal does without rescaling. No figure changes.
fn at_minor_units(share: &Share, minor_units: u32) -> Share {
    let widen = |amount: &mut Decimal| {
        if amount.scale() < minor_units {
            // Decimal keeps the value whole, at a smaller scale if it must.
            amount.rescale(minor_units);
        }
    };
    let mut share = share.clone();
    for limit in share
        .caps
        .iter_mut()
        .chain(&mut share.threshold)
        .chain(&mut share.floor)
        .chain(&mut share.minimum)
    {
        widen(&mut limit.amount);
    }
    match &mut share.rate {
        Rate::Flat(_) => {}
        Rate::Bands { bands, .. } => bands
            .iter_mut()
            .filter_map(|b| b.up_to.as_mut())
            .for_each(widen),
        Rate::Steps(steps) => steps
            .iter_mut()
            .filter_map(|s| s.until_paid.as_mut())
            .for_each(widen),
    }
    share
}

/// Where a fault in a period arose: at a clause or a settlement, by index.
///
/// In 32 bits, like [`arith::Fault`]: a [`Step`] is returned from every
/// clause of every period, and an error of a byte and a `usize` laid its
/// bytes over the figure's at odd offsets, so that reading a result back
/// stalled the processor (a store it could not forward to the load).
#[derive(Debug, Clone, Copy)]
enum Place {
    Clause(u32),
    Settlement(u32),
}

impl Place {
    fn clause(index: usize) -> Place {
        Place::Clause(u32::try_from(index).unwrap_or(u32::MAX))
    }

    fn settlement(index: usize) -> Place {
        Place::Settlement(u32::try_from(index).unwrap_or(u32::MAX))
    }
}

/// A clause or settlement index back from a [`Place`].
fn index_of(index: u32) -> usize {
    usize::try_from(index).unwrap_or(usize::MAX)
}

/// A step of a period's evaluation: a fault carries only where it arose,
/// and is put in words once ([`Engine::problem`]), off the path of every row.
type Step<T> = Result<T, (arith::Fault, Place)>;

/// The label of the rows that offset flows between two parties who settle net.
pub const SETTLEMENT_LABEL: &str = "net settlement";

/// Evaluates `agreement` over `series`. Problems point into the agreement.
pub fn evaluate(
    agreement: &Agreement,
    series: &Series,
    options: &Options,
) -> Result<Statement, Problem> {
    let run = |fixed| Engine::new(agreement, series, options, fixed).map(Engine::run);
    match run(!options.decimals_only)? {
        // A figure the fixed figures could not hold: decimals can, or can
        // tell what went wrong.
        Err(Stopped::Again) => run(false)?,
        done => done,
    }
    .map_err(Stopped::into_problem)
}

/// Why an evaluation stopped.
enum Stopped {
    Problem(Problem),
    /// A fault while some clause was evaluated with fixed figures: start
    /// again with decimals.
    Again,
}

impl Stopped {
    /// The problem to report; an evaluation with decimals only never asks
    /// to start again.
    fn into_problem(self) -> Problem {
        match self {
            Stopped::Problem(problem) => problem,
            Stopped::Again => Problem::new(
                ProblemKind::Internal {
                    detail: "evaluation with decimals asked to start again".into(),
                },
                Span::default(),
            ),
        }
    }
}

/// One clause made ready for a series.
struct Prepared {
    basis: Option<Compiled>,
    /// A share clause's terms and state, in the figures it is evaluated with.
    kernel: Option<Kernel>,
    /// Whether the clause is in force, period by period.
    active: Vec<bool>,
    /// What the clause has paid out so far.
    cumulative: Decimal,
    /// For a `rest of`: the share clauses on the same basis, found once.
    remainder_of: Vec<usize>,
    /// A share's condition on earlier periods, its basis compiled.
    condition: Option<Compiled>,
    /// What a share's bands count, when not its basis (`in copies`).
    measure: Option<Compiled>,
    /// A fee per period shorter than the series': how many of its periods
    /// in each series period its window covers.
    fee_times: Vec<u8>,
    /// For an advance: the period it is paid in ([`advance_paid_at`]), and
    /// whether it was paid before the series; found once, not each period.
    paid_at: Option<usize>,
    paid_before_series: bool,
}

/// A share clause's terms and what it carries from period to period, in
/// the figures it is evaluated with: one set of rules ([`share::evaluate`])
/// serves both.
enum Kernel {
    /// Exact decimals, the terms' amounts at the minor unit ([`at_minor_units`]).
    Decimal(Share, ShareState<Decimal>),
    /// Fixed figures ([`fixed`]): the same figures at a fraction of the cost,
    /// for terms with at most four decimals. A figure they cannot hold
    /// stops the evaluation, which starts again with decimals ([`evaluate`]).
    Fixed(Share<Fixed>, ShareState<Fixed>),
}

impl Kernel {
    /// With fixed figures when `fixed` allows and the terms fit them.
    fn new(share: &Share, minor_units: u32, fixed: bool) -> Kernel {
        // Fixed figures hold a payment at the minor unit; one rounded with
        // its payee's others keeps every decimal until then.
        if fixed && let Ok(terms) = share.map(Fixed::from_decimal) {
            return Kernel::Fixed(terms, ShareState::default());
        }
        Kernel::Decimal(at_minor_units(share, minor_units), ShareState::default())
    }

    fn is_fixed(&self) -> bool {
        matches!(self, Kernel::Fixed(..))
    }

    /// What the clause earns on `basis` this period.
    fn evaluate(
        &mut self,
        basis: Decimal,
        ctx: &Context,
        out: &mut share::Outcome<'_>,
    ) -> arith::Figure {
        match self {
            Kernel::Decimal(terms, state) => share::evaluate(terms, state, basis, ctx, out),
            Kernel::Fixed(terms, state) => {
                let basis = Fixed::from_decimal(basis)?;
                share::evaluate(terms, state, basis, ctx, out)
                    .map(|earned| earned.at_minor_units(ctx.minor_units))
            }
        }
    }
}

struct Engine<'a> {
    agreement: &'a Agreement,
    series: &'a Series,
    explain: bool,
    /// Whether rows keep their notes ([`Options::without_notes`]).
    notes: bool,
    clauses: Vec<Prepared>,
    /// Unrecouped balance of each advance, by clause index.
    balances: HashMap<usize, Decimal>,
    /// The clauses that recoup an advance.
    recouping: Vec<usize>,
    /// Running totals of the settlement offsets, by (payer, payee).
    settled: HashMap<(usize, usize), Decimal>,
    /// Clause labels, then `net settlement`: what rows refer to.
    labels: Vec<String>,
    parties: Vec<String>,
    rows: Vec<Row>,
    events: Vec<Event>,
    /// Per-period scratch space, kept to avoid allocating every period.
    /// What each share clause earned this period, by clause index.
    earned: Vec<Decimal>,
    /// The events of one share in one period, before they are dated.
    period_events: Vec<(EventKind, String)>,
    /// The deepest clause's depth: the period runs in that many layers
    /// after the first, each after the payments it reads.
    max_depth: usize,
    /// What each clause paid this period before withholding, and what each
    /// party received after it, for the bases that read them.
    paid: Vec<Decimal>,
    received: Vec<Decimal>,
    /// Each waterfall's basis, compiled.
    waterfalls: Vec<Compiled>,
    /// What each waterfall step carries, by clause index.
    steps: Vec<waterfall::StepState>,
    /// What each share holds in reserve, by clause index.
    held: Vec<reserve::Held>,
    /// Whether any share holds a reserve.
    reserving: bool,
    /// The withholding clauses.
    withholdings: Vec<usize>,
    /// The clauses of each depth, in file order.
    layers: Vec<Vec<usize>>,
    /// What each milestone has reached, by clause index.
    reached: Vec<milestone::Reached>,
}

impl<'a> Engine<'a> {
    /// With `fixed`, share clauses whose terms allow it are evaluated with
    /// fixed figures ([`Kernel`]).
    fn new(
        agreement: &'a Agreement,
        series: &'a Series,
        options: &Options,
        fixed: bool,
    ) -> Result<Self, Problem> {
        let event_dates: Vec<Option<Date>> = agreement
            .events
            .iter()
            .map(|event| options.event_dates.get(&event.name).copied().or(event.date))
            .collect();
        let mut events = Vec::new();
        let mut clauses = Vec::new();
        for clause in &agreement.clauses {
            let bases: Vec<&crate::agreement::Basis> = match &clause.kind {
                ClauseKind::Share(share) => {
                    check_periods(share, series)?;
                    vec![&share.basis]
                }
                ClauseKind::Rest(rest) => rest.bases.iter().collect(),
                ClauseKind::Priority(priority) => match &priority.form {
                    crate::agreement::PriorityForm::Recoup { costs, .. } => vec![costs],
                    _ => Vec::new(),
                },
                ClauseKind::Milestone(milestone) => match &milestone.trigger {
                    crate::agreement::Trigger::Exceeds { basis, .. } => vec![basis],
                    crate::agreement::Trigger::On(_) => Vec::new(),
                },
                ClauseKind::Advance(_) | ClauseKind::Withhold(_) | ClauseKind::Fee(_) => Vec::new(),
            };
            let compiled = bases
                .iter()
                .map(|basis| {
                    Compiled::new(&basis.expr, series)
                        .map_err(|column| missing_column(&column, series, basis.span, agreement))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let basis = Compiled::sum(compiled);
            let active = match &clause.kind {
                ClauseKind::Share(share) => window::active(
                    &share.window,
                    &series.periods,
                    agreement,
                    &event_dates,
                    &clause.label,
                    &mut events,
                ),
                ClauseKind::Fee(fee) => window::active(
                    &fee.window,
                    &series.periods,
                    agreement,
                    &event_dates,
                    &clause.label,
                    &mut events,
                ),
                _ => vec![true; series.periods.len()],
            };
            let remainder_of = match &clause.kind {
                ClauseKind::Rest(rest) => agreement
                    .clauses
                    .iter()
                    .enumerate()
                    .filter(|(_, other)| match &other.kind {
                        ClauseKind::Share(share) => !share.per_unit && rest.takes(&share.basis.key),
                        // A waterfall of the basis pays it out too.
                        ClauseKind::Priority(priority) => agreement
                            .waterfalls
                            .get(priority.waterfall)
                            .is_some_and(|w| rest.takes(&w.basis.key)),
                        _ => false,
                    })
                    .map(|(index, _)| index)
                    .collect(),
                _ => Vec::new(),
            };
            let kernel = match &clause.kind {
                ClauseKind::Share(share) => Some(Kernel::new(
                    share,
                    agreement.currency.minor_units,
                    fixed && agreement.rounding_scope == RoundingScope::Payment,
                )),
                _ => None,
            };
            let (paid_at, paid_before_series) = match &clause.kind {
                ClauseKind::Advance(advance) => (
                    advance_paid_at(advance, &series.periods),
                    advance
                        .on
                        .is_some_and(|on| series.periods.first().is_some_and(|p| on < p.start())),
                ),
                ClauseKind::Milestone(milestone) => (
                    milestone::period_due(
                        clause,
                        milestone,
                        series,
                        agreement,
                        &event_dates,
                        &mut events,
                    )?,
                    false,
                ),
                _ => (None, false),
            };
            let condition = match &clause.kind {
                ClauseKind::Share(Share {
                    condition: Some(condition),
                    ..
                }) => Some(prepare_condition(condition, series, agreement)?),
                _ => None,
            };
            let measure =
                match &clause.kind {
                    ClauseKind::Share(Share {
                        measure: Some(measure),
                        ..
                    }) => Some(Compiled::new(&measure.expr, series).map_err(|column| {
                        missing_column(&column, series, measure.span, agreement)
                    })?),
                    _ => None,
                };
            let fee_times = match &clause.kind {
                ClauseKind::Fee(fee) if fee.per < series.granularity => {
                    fee_times(fee, series, agreement, &event_dates)
                }
                _ => Vec::new(),
            };
            clauses.push(Prepared {
                fee_times,
                measure,
                condition,
                basis,
                kernel,
                paid_at,
                paid_before_series,
                active,
                cumulative: Decimal::ZERO,
                remainder_of,
            });
        }
        let balances = agreement
            .clauses
            .iter()
            .enumerate()
            .filter_map(|(index, clause)| match &clause.kind {
                ClauseKind::Advance(advance) => Some((index, advance.amount)),
                _ => None,
            })
            .collect();
        let recouping = agreement
            .clauses
            .iter()
            .filter_map(|clause| match &clause.kind {
                ClauseKind::Advance(advance) => Some(advance.recouped_by.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        let labels = agreement
            .clauses
            .iter()
            .map(|c| c.label.clone())
            .chain(std::iter::once(SETTLEMENT_LABEL.to_string()))
            .collect();
        let rows = Vec::with_capacity(series.periods.len().saturating_mul(agreement.clauses.len()));
        let max_depth = agreement.clauses.iter().map(|c| c.depth).max().unwrap_or(0);
        let mut layers = vec![Vec::new(); max_depth.saturating_add(1)];
        for (index, clause) in agreement.clauses.iter().enumerate() {
            if let Some(layer) = layers.get_mut(clause.depth) {
                layer.push(index);
            }
        }
        let waterfalls = agreement
            .waterfalls
            .iter()
            .map(|waterfall| {
                Compiled::new(&waterfall.basis.expr, series).map_err(|column| {
                    missing_column(&column, series, waterfall.basis.span, agreement)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Engine {
            agreement,
            series,
            explain: options.explain,
            notes: !options.without_notes,
            clauses,
            balances,
            recouping,
            settled: HashMap::new(),
            labels,
            parties: agreement.parties.iter().map(|p| p.name.clone()).collect(),
            rows,
            events,
            earned: vec![Decimal::ZERO; agreement.clauses.len()],
            period_events: Vec::new(),
            max_depth,
            paid: vec![Decimal::ZERO; agreement.clauses.len()],
            received: vec![Decimal::ZERO; agreement.parties.len()],
            waterfalls,
            steps: vec![waterfall::StepState::default(); agreement.clauses.len()],
            held: vec![reserve::Held::default(); agreement.clauses.len()],
            reserving: agreement
                .clauses
                .iter()
                .any(|c| matches!(&c.kind, ClauseKind::Share(share) if share.reserve.is_some())),
            withholdings: agreement
                .clauses
                .iter()
                .enumerate()
                .filter(|(_, c)| matches!(c.kind, ClauseKind::Withhold(_)))
                .map(|(index, _)| index)
                .collect(),
            layers,
            reached: vec![milestone::Reached::default(); agreement.clauses.len()],
        })
    }

    fn run(mut self) -> Result<Statement, Stopped> {
        for t in 0..self.series.periods.len() {
            if let Err((fault, place)) = self.period(t) {
                let fixed = self
                    .clauses
                    .iter()
                    .any(|p| p.kernel.as_ref().is_some_and(Kernel::is_fixed));
                return Err(if fixed {
                    Stopped::Again
                } else {
                    Stopped::Problem(self.problem(fault, place, t))
                });
            }
        }
        self.unrecouped();
        let reserves_held = match self.still_held() {
            Ok(held) => held,
            Err((fault, place)) => {
                let t = self.series.periods.len().saturating_sub(1);
                return Err(Stopped::Problem(self.problem(fault, place, t)));
            }
        };
        let totals = self.totals().map_err(Stopped::Problem)?;
        // By period, then in the order things happen within it.
        self.events
            .sort_by_key(|event| (event.period, event.kind.order()));
        Ok(Statement {
            agreement: self.agreement.name.clone(),
            currency: self.agreement.currency.code.clone(),
            minor_units: self.agreement.currency.minor_units,
            rounding: self.agreement.rounding_words(),
            periods: self.series.periods.clone(),
            parties: self.parties,
            clauses: self.labels,
            rows: self.rows,
            totals,
            events: self.events,
            reserves_held,
        })
    }

    /// Evaluates every clause in period `t`. Rows are pushed once, in
    /// clause order, and completed in place: shares first, since recoupment
    /// and `rest of` need their earnings.
    fn period(&mut self, t: usize) -> Step<()> {
        let period = self.series.periods.get(t).copied().unwrap_or(FIRST_PERIOD);
        let agreement = self.agreement;
        let first = self.rows.len();
        // The period's rows, blank, written straight into the statement: a
        // row built on the stack and then pushed was written a field at a
        // time and copied whole, and the copy's wide reads of those narrow
        // writes stalled the processor every row.
        self.rows.extend(
            agreement
                .clauses
                .iter()
                .enumerate()
                .map(|(index, clause)| blank_row(index, clause, period, None)),
        );
        if self.max_depth > 0 {
            self.received
                .iter_mut()
                .for_each(|sum| *sum = Decimal::ZERO);
        }
        for depth in 0..=self.max_depth {
            self.layer(first, t, period, depth)?;
        }
        self.settle(first, period)
    }

    /// Evaluates the clauses of one depth in period `t`: those that read
    /// no payment first, then each layer after the payments it reads.
    fn layer(&mut self, first: usize, t: usize, period: Period, depth: usize) -> Step<()> {
        // Taken for the layer and put back: the layer's steps borrow the
        // engine whole.
        let members = self
            .layers
            .get_mut(depth)
            .map(std::mem::take)
            .unwrap_or_default();
        let done = self.run_layer(first, t, period, &members);
        if let Some(slot) = self.layers.get_mut(depth) {
            *slot = members;
        }
        done
    }

    /// The steps of one layer, over its clauses (`members`, in file order).
    #[inline(always)]
    fn run_layer(&mut self, first: usize, t: usize, period: Period, members: &[usize]) -> Step<()> {
        let agreement = self.agreement;
        for &index in members {
            let Some(clause) = agreement.clauses.get(index) else {
                continue;
            };
            let at = first.saturating_add(index);
            let earned = match &clause.kind {
                ClauseKind::Share(_) => {
                    let basis = self.basis(index, t)?;
                    if let Some(row) = self.rows.get_mut(at) {
                        row.basis = Some(basis);
                    }
                    self.share(index, at, clause, basis, t, period)?
                }
                ClauseKind::Priority(priority) => {
                    let starts = agreement
                        .waterfalls
                        .get(priority.waterfall)
                        .is_some_and(|w| w.clauses.start == index);
                    if starts {
                        self.waterfall(first, priority.waterfall, t, period)?;
                    }
                    continue;
                }
                _ => Decimal::ZERO,
            };
            if let Some(slot) = self.earned.get_mut(index) {
                *slot = earned;
            }
        }
        if self.agreement.rounding_scope == RoundingScope::Payee {
            self.round_payees(first, members)?;
        }
        if self.reserving {
            self.reserves(first, t, members)?;
        }
        // Most agreements have no advance to recoup.
        if !self.recouping.is_empty() {
            self.recoup(first, t, period, members);
        }
        // Without withholding, a row is final once its clause is complete:
        // one pass completes it and adds it to the running totals.
        let withholding = !self.withholdings.is_empty();
        for &index in members {
            if let Some(clause) = agreement.clauses.get(index)
                && matches!(
                    clause.kind,
                    ClauseKind::Rest(_)
                        | ClauseKind::Advance(_)
                        | ClauseKind::Fee(_)
                        | ClauseKind::Milestone(_)
                )
            {
                self.other(first, index, clause, t, period)?;
            }
            if self.max_depth > 0
                && let (Some(paid), Some(row)) = (
                    self.paid.get_mut(index),
                    self.rows.get(first.saturating_add(index)),
                )
            {
                *paid = row.amount;
            }
            if !withholding {
                self.add_up(first, index)?;
            }
        }
        if withholding {
            self.withhold(first, members)?;
            for &index in members {
                // What a withholding pays is what it withheld.
                if self.max_depth > 0
                    && self.withholdings.contains(&index)
                    && let (Some(paid), Some(row)) = (
                        self.paid.get_mut(index),
                        self.rows.get(first.saturating_add(index)),
                    )
                {
                    *paid = row.amount;
                }
                self.add_up(first, index)?;
            }
        }
        Ok(())
    }

    /// Adds clause `index`'s final row of the period to its running total,
    /// and, for the layers after, to what its payee received.
    #[inline(always)]
    fn add_up(&mut self, first: usize, index: usize) -> Step<()> {
        let at = first.saturating_add(index);
        if let (Some(prepared), Some(row)) = (self.clauses.get_mut(index), self.rows.get_mut(at)) {
            prepared.cumulative = arith::add(prepared.cumulative, row.amount)
                .map_err(|fault| (fault, Place::clause(index)))?;
            row.cumulative = prepared.cumulative;
            if self.max_depth > 0
                && let Some(sum) = self.received.get_mut(row.payee)
            {
                *sum = sum.saturating_add(row.amount);
            }
        }
        Ok(())
    }

    /// Completes the row of share clause `index` in period `t`, at `at`,
    /// in place; returns what the clause earned.
    fn share(
        &mut self,
        index: usize,
        at: usize,
        clause: &Clause,
        basis: Decimal,
        t: usize,
        period: Period,
    ) -> Step<Decimal> {
        // A condition on this calendar period's total: nothing until its
        // last period in the series, then the whole period's basis at once.
        let mut basis = basis;
        let this_unit = match &clause.kind {
            ClauseKind::Share(Share {
                condition: Some(condition),
                ..
            }) => match condition.looks_at {
                crate::agreement::LooksAt::This(unit) => Some(unit),
                _ => None,
            },
            _ => None,
        };
        if let Some(unit) = this_unit {
            let active: &[bool] = self
                .clauses
                .get(index)
                .map_or(&[][..], |p| p.active.as_slice());
            let in_force = active.get(t).copied().unwrap_or(false);
            if in_force && !condition::settles(self.series, unit, active, t) {
                if let Some(row) = self.rows.get_mut(at) {
                    add_note(&mut row.notes, self.notes, || Note::SettledLater {
                        per: unit,
                    });
                }
                return Ok(Decimal::ZERO);
            }
            let periods = if in_force {
                condition::same_unit(self.series, unit, active, t)
            } else {
                Vec::new()
            };
            let mut total = Decimal::ZERO;
            for earlier in periods {
                total = arith::add(total, self.basis(index, earlier)?)
                    .map_err(|fault| (fault, Place::clause(index)))?;
            }
            basis = total;
            if let Some(row) = self.rows.get_mut(at) {
                row.basis = Some(total);
            }
        }
        let (
            Some(Prepared {
                kernel: Some(kernel),
                active,
                condition: compiled,
                measure,
                ..
            }),
            Some(row),
        ) = (self.clauses.get_mut(index), self.rows.get_mut(at))
        else {
            return Ok(Decimal::ZERO);
        };
        // Where its condition on earlier periods fails, the clause is not in
        // force: it pays nothing and its running totals do not move.
        if let (
            Some(compiled),
            ClauseKind::Share(Share {
                condition: Some(written),
                ..
            }),
        ) = (compiled.as_ref(), &clause.kind)
            && active.get(t).copied().unwrap_or(false)
        {
            let verdict =
                condition::verdict(written, compiled, self.series, &self.agreement.before, t)
                    .map_err(|fault| (fault, Place::clause(index)))?;
            if self.explain {
                row.explain.push(format!(
                    "condition: `{}` {} {} in {}: {} ({})",
                    written.basis.text,
                    written.comparison.symbol(),
                    readable(written.level),
                    verdict.looked_at,
                    if verdict.holds {
                        "holds"
                    } else {
                        "does not hold"
                    },
                    readable(verdict.figure)
                ));
            }
            if !verdict.holds {
                add_note(&mut row.notes, self.notes, || Note::ConditionNotMet {
                    figure: verdict.figure,
                });
                return Ok(Decimal::ZERO);
            }
        }
        if self.explain
            && clause.depth > 0
            && let ClauseKind::Share(share) = &clause.kind
        {
            row.explain
                .push(format!("{} = {}", share.basis.text, readable(basis)));
        }
        if !active.get(t).copied().unwrap_or(false) {
            add_note(&mut row.notes, self.notes, || Note::OutsideWindow);
            if self.explain {
                row.explain
                    .push("the clause is not in force this period".into());
            }
            return Ok(Decimal::ZERO);
        }
        let ctx = Context {
            period,
            next_active: active.get(t.saturating_add(1)).copied(),
            minor_units: self.agreement.currency.minor_units,
            rounding: self.agreement.rounding,
            round: self.agreement.rounding_scope == RoundingScope::Payment,
            explain: self.explain,
            notes: self.notes,
            per_unit: matches!(&clause.kind, ClauseKind::Share(share) if share.per_unit),
            measure: match measure {
                Some(measure) => Some(
                    measure
                        .at(self.series, t, &basis::Flows::default())
                        .map_err(|fault| (fault, Place::clause(index)))?,
                ),
                None => None,
            },
        };
        let mut out = share::Outcome {
            notes: &mut row.notes,
            explain: &mut row.explain,
            events: &mut self.period_events,
        };
        let earned = kernel
            .evaluate(basis, &ctx, &mut out)
            .map_err(|fault| (fault, Place::clause(index)))?;
        row.amount = earned;
        if self.explain {
            let verb = if self.recouping.contains(&index) {
                "earns"
            } else {
                "pays"
            };
            row.explain.push(format!("{verb} {}", readable(earned)));
        }
        // Most periods have no event: no drain to set up and take down.
        if self.period_events.is_empty() {
            return Ok(earned);
        }
        for (kind, text) in self.period_events.drain(..) {
            self.events.push(Event {
                period: Some(period),
                clause: clause.label.clone(),
                kind,
                text,
            });
        }
        Ok(earned)
    }

    /// Offsets the flows between parties who settle net: each gets one
    /// offset row, so that what a party receives in the period is the net.
    fn settle(&mut self, first: usize, period: Period) -> Step<()> {
        for (which, settlement) in self.agreement.settlements.iter().enumerate() {
            let overflow = |fault| (fault, Place::settlement(which));
            let (a, b) = (settlement.first, settlement.second);
            let rows = self.rows.get(first..).unwrap_or_default();
            let flow = |from: usize, to: usize| {
                arith::sum(
                    rows.iter()
                        .filter(|row| row.payer == from && row.payee == to)
                        .map(|row| row.amount),
                )
            };
            let (a_to_b, b_to_a) = (flow(a, b).map_err(overflow)?, flow(b, a).map_err(overflow)?);
            let offset = a_to_b.min(b_to_a);
            if offset <= Decimal::ZERO {
                continue;
            }
            // The larger flow less the smaller: both are non-negative sums.
            let note = match a_to_b.cmp(&b_to_a) {
                std::cmp::Ordering::Less => Note::Offset {
                    payer: b,
                    payee: a,
                    net: b_to_a.saturating_sub(offset),
                },
                _ => Note::Offset {
                    payer: a,
                    payee: b,
                    net: a_to_b.saturating_sub(offset),
                },
            };
            for (payer, payee, gross, back) in [(a, b, a_to_b, b_to_a), (b, a, b_to_a, a_to_b)] {
                let mut explain = Vec::new();
                if self.explain {
                    let name = |id: usize| self.parties.get(id).map_or("", String::as_str);
                    explain.push(format!(
                        "{} owes {} {} and is owed {} back: {} of it is offset",
                        name(payer),
                        name(payee),
                        readable(gross),
                        readable(back),
                        readable(offset)
                    ));
                    explain.push(note.text(&self.parties, &self.labels));
                }
                let cumulative = self.settled.entry((payer, payee)).or_default();
                *cumulative = arith::sub(*cumulative, offset).map_err(overflow)?;
                let cumulative = *cumulative;
                let mut notes = Notes::new();
                add_note(&mut notes, self.notes, || note.clone());
                self.rows.push(Row {
                    period,
                    clause: self.labels.len().saturating_sub(1),
                    payer,
                    payee,
                    basis: None,
                    amount: arith::negate(offset),
                    cumulative,
                    notes,
                    explain,
                });
            }
        }
        Ok(())
    }

    /// The basis of clause `index` in period `t` (zero for an advance).
    #[inline]
    fn basis(&self, index: usize, t: usize) -> Step<Decimal> {
        let Some(prepared) = self.clauses.get(index) else {
            return Ok(Decimal::ZERO);
        };
        match &prepared.basis {
            Some(basis) => basis
                .at(
                    self.series,
                    t,
                    &basis::Flows {
                        paid: &self.paid,
                        received: &self.received,
                    },
                )
                .map_err(|fault| (fault, Place::clause(index))),
            None => Ok(Decimal::ZERO),
        }
    }

    /// A fault in period `t` as a problem, located at its clause or settlement.
    #[cold]
    fn problem(&self, fault: arith::Fault, place: Place, t: usize) -> Problem {
        let period = self.series.periods.get(t).copied().unwrap_or(FIRST_PERIOD);
        let (label, span) = match place {
            Place::Clause(index) => self
                .agreement
                .clauses
                .get(index_of(index))
                .map_or(("", Span::default()), |c| (c.label.as_str(), c.span)),
            Place::Settlement(which) => (
                SETTLEMENT_LABEL,
                self.agreement
                    .settlements
                    .get(index_of(which))
                    .map_or(Span::default(), |s| s.span),
            ),
        };
        eval_problem(fault, label, period, span)
    }

    /// What each party received and paid over the series: the sum of
    /// every row is the sum of each clause's running total (and of each
    /// settlement's), which the engine already keeps, so the rows are not
    /// read again.
    fn totals(&self) -> Result<Vec<Total>, Problem> {
        // At the party's declaration: no clause is at fault, the sum is.
        let overflow = |party: usize| {
            move |_| {
                let party = self.agreement.parties.get(party);
                Problem::new(
                    ProblemKind::TotalOverflow {
                        party: party.map(|p| p.name.clone()).unwrap_or_default(),
                    },
                    party.map(|p| p.span).unwrap_or_default(),
                )
            }
        };
        let mut received = vec![Decimal::ZERO; self.agreement.parties.len()];
        let mut paid = received.clone();
        let clauses = self
            .agreement
            .clauses
            .iter()
            .zip(&self.clauses)
            .map(|(clause, prepared)| (clause.payer, clause.payee, prepared.cumulative));
        let settled = self
            .settled
            .iter()
            .map(|(&(payer, payee), &cumulative)| (payer, payee, cumulative));
        for (payer, payee, cumulative) in clauses.chain(settled) {
            for (sums, party) in [(&mut received, payee), (&mut paid, payer)] {
                if let Some(sum) = sums.get_mut(party) {
                    *sum = arith::add(*sum, cumulative).map_err(overflow(party))?;
                }
            }
        }
        self.agreement
            .parties
            .iter()
            .zip(received.into_iter().zip(paid))
            .enumerate()
            .map(|(id, (party, (received, paid)))| {
                Ok(Total {
                    party: party.name.clone(),
                    received,
                    paid,
                    net: arith::sub(received, paid).map_err(overflow(id))?,
                })
            })
            .collect()
    }
}

/// For a fee per period shorter than the series' (a monthly fee on a
/// quarterly series): how many of its periods each series period holds
/// that the fee's window covers, by the same rule as a clause's window.
fn fee_times(
    fee: &crate::agreement::Fee,
    series: &Series,
    agreement: &Agreement,
    event_dates: &[Option<jiff::civil::Date>],
) -> Vec<u8> {
    // Each series period is whole fee periods.
    let parts: Vec<Period> = series
        .periods
        .iter()
        .flat_map(|p| p.parts(fee.per))
        .collect();
    let per_period = usize::from(
        series
            .granularity
            .months()
            .checked_div(fee.per.months())
            .unwrap_or(1),
    );
    // The window's own events are those of the series' periods.
    let mut scratch = Vec::new();
    let covered = window::active(
        &fee.window,
        &parts,
        agreement,
        event_dates,
        "",
        &mut scratch,
    );
    covered
        .chunks(per_period.max(1))
        .map(|chunk| u8::try_from(chunk.iter().filter(|on| **on).count()).unwrap_or(u8::MAX))
        .collect()
}

/// A condition's basis compiled against the series, once it is known that
/// the periods before the series it may read have values, and that the
/// calendar period it looks back on is at least the series' own.
fn prepare_condition(
    condition: &crate::agreement::Condition,
    series: &Series,
    agreement: &Agreement,
) -> Result<Compiled, Problem> {
    if let crate::agreement::LooksAt::Previous(unit) | crate::agreement::LooksAt::This(unit) =
        condition.looks_at
        && unit < series.granularity
    {
        return Err(Problem::new(
            ProblemKind::PeriodMismatch {
                keyword: match condition.looks_at {
                    crate::agreement::LooksAt::This(_) => "if this",
                    _ => "if previous",
                },
                per: unit.keyword(),
                series: granularity_word(series.granularity),
            },
            condition.span,
        ));
    }
    // A condition on this calendar period looks before the series only
    // when the series starts within one.
    let looks_back = match (condition.looks_at, series.periods.first()) {
        (crate::agreement::LooksAt::This(unit), Some(first)) => {
            Period::containing(first.start(), unit).start() < first.start()
        }
        _ => true,
    };
    if let (true, Some(column), Some(first)) = (
        looks_back,
        condition::undeclared(&condition.basis.expr, &agreement.before).first(),
        series.periods.first(),
    ) {
        // The earliest period before the series the condition reads.
        let day_before = first.start().yesterday().unwrap_or(first.start());
        let before = match condition.looks_at {
            crate::agreement::LooksAt::Previous(unit) => {
                let current = Period::containing(first.start(), unit);
                let previous_start = current.start().yesterday().unwrap_or(current.start());
                Period::containing(
                    Period::containing(previous_start, unit).start(),
                    series.granularity,
                )
            }
            crate::agreement::LooksAt::This(unit) => Period::containing(
                Period::containing(first.start(), unit).start(),
                series.granularity,
            ),
            crate::agreement::LooksAt::EachOf(_) => {
                Period::containing(day_before, series.granularity)
            }
        };
        return Err(Problem::new(
            ProblemKind::NeedsHistory {
                column: (*column).to_string(),
                period: before.to_string(),
            },
            condition.span,
        ));
    }
    Compiled::new(&condition.basis.expr, series)
        .map_err(|column| missing_column(&column, series, condition.basis.span, agreement))
}

/// A limit per calendar period (and a band reset) must be at least as long
/// as the series' periods; a floor holds in each period, so its period must
/// be the series' own.
fn check_periods(share: &Share, series: &Series) -> Result<(), Problem> {
    let mut limits: Vec<(&'static str, Option<Calendar>, Span)> = share
        .caps
        .iter()
        .map(|cap| ("cap", cap.per, cap.span))
        .collect();
    for (keyword, limit) in [
        ("above", &share.threshold),
        ("floor", &share.floor),
        ("minimum", &share.minimum),
    ] {
        limits.extend(limit.iter().map(|limit| (keyword, limit.per, limit.span)));
    }
    if let Rate::Bands { reset, .. } = &share.rate {
        limits.push(("up to", *reset, share.basis.span));
    }
    for (keyword, per, span) in limits {
        let Some(per) = per else { continue };
        let fits = if keyword == "floor" {
            per == series.granularity
        } else {
            per >= series.granularity
        };
        if !fits {
            return Err(Problem::new(
                ProblemKind::PeriodMismatch {
                    keyword,
                    per: per.keyword(),
                    series: granularity_word(series.granularity),
                },
                span,
            ));
        }
    }
    Ok(())
}

/// The most columns the help of a missing column lists: a series may have
/// thousands, and the help quotes no more of a foreign file than it must.
const LISTED_COLUMNS: usize = 12;

/// A column the series lacks. A clause's label or a party's name, written
/// where its payments were meant (`share 15% of royalty ...`), is pointed
/// to `what royalty pays` or `what Artist receives`.
fn missing_column(column: &str, series: &Series, span: Span, agreement: &Agreement) -> Problem {
    let mut available = series
        .columns
        .iter()
        .take(LISTED_COLUMNS)
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = series.columns.len().saturating_sub(LISTED_COLUMNS);
    if more > 0 {
        available.push_str(&format!(" and {more} more"));
    }
    Problem::new(
        ProblemKind::MissingColumn {
            column: column.to_string(),
            available: if available.is_empty() {
                "no columns".into()
            } else {
                available
            },
            suggestion: if agreement
                .clauses
                .iter()
                .any(|c| c.labelled && c.label == column)
            {
                Some(format!("what {column} pays"))
            } else if agreement.parties.iter().any(|p| p.name == column) {
                Some(format!("what {column} receives"))
            } else {
                suggest(column, series.columns.iter().map(String::as_str))
            },
        },
        span,
    )
}

fn eval_problem(fault: arith::Fault, label: &str, period: Period, span: Span) -> Problem {
    let clause = label.to_string();
    let period = period.to_string();
    let kind = match fault {
        arith::Fault::Overflow => ProblemKind::EvalOverflow { clause, period },
        arith::Fault::DivisionByZero => ProblemKind::EvalDivisionByZero { clause, period },
        // Only fixed figures refuse a figure as inexact, and the evaluation
        // then starts again with decimals: never reported.
        arith::Fault::Inexact => ProblemKind::Internal {
            detail: format!("a figure of `{clause}` in {period} was inexact"),
        },
    };
    Problem::new(kind, span)
}

/// A row of clause `index` in `period` with nothing paid yet.
fn blank_row(index: usize, clause: &Clause, period: Period, basis: Option<Decimal>) -> Row {
    Row {
        period,
        clause: index,
        payer: clause.payer,
        payee: clause.payee,
        basis,
        amount: Decimal::ZERO,
        cumulative: Decimal::ZERO,
        notes: Notes::new(),
        explain: Vec::new(),
    }
}
