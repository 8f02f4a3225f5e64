//! Scenarios: one agreement evaluated over a grid of variations of its
//! series and events: a column scaled, a column's growth shifted, an event
//! moved over dates. Each scenario reports each party's total and the
//! period of each binding event (a cap reached, a threshold crossed...),
//! or none where it does not happen. [`solve`] seeks the factor at which
//! an event happens by a period.
//!
//! The formulas, for a column `v` over periods `0..n`:
//!
//! - scaled by `f`: `v'[t] = v[t] × f`, exactly;
//! - growth shifted by `s` (`-10%` is `-0.10`), from the second period on:
//!   `v'[0] = v[0]` and `v'[t] = v'[t-1] × (v[t] / v[t-1] + s)`: each
//!   period grows by its own growth plus the shift, compounding on the
//!   scenario's own previous value. A period after a zero keeps its value
//!   (its growth is undefined). Each value is rounded half to even to the
//!   decimals the column has (the most any of its values has).

pub mod solve;
pub mod spec;

use std::collections::HashMap;

use jiff::civil::Date;
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::agreement::Agreement;
use crate::diagnostics::Problem;
use crate::eval::statement::{EventKind, Statement};
use crate::eval::{self, Options};
use crate::period::Period;
use crate::series::Series;

/// The most scenarios a grid may have: each is an evaluation.
pub const MAX_SCENARIOS: usize = 10_000;

/// One dimension of a grid.
#[derive(Debug, Clone, PartialEq)]
pub enum Variation {
    /// `--scale revenue=0.7..1.3/0.1`
    Scale {
        column: String,
        factors: Vec<Decimal>,
    },
    /// `--growth revenue=-10%`: shifts as fractions (`-0.10`).
    Growth {
        column: String,
        shifts: Vec<Decimal>,
    },
    /// `--event agi=2027-01-01..2031-01-01/1y`
    Event { name: String, dates: Vec<Date> },
}

impl Variation {
    /// The column or event it varies.
    pub fn subject(&self) -> &str {
        match self {
            Variation::Scale { column, .. } | Variation::Growth { column, .. } => column,
            Variation::Event { name, .. } => name,
        }
    }

    /// How many values it takes.
    pub fn len(&self) -> usize {
        match self {
            Variation::Scale { factors, .. } => factors.len(),
            Variation::Growth { shifts, .. } => shifts.len(),
            Variation::Event { dates, .. } => dates.len(),
        }
    }

    /// Whether it takes no value at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Its name in a table's header: `revenue scale`, `revenue growth`, `agi`.
    pub fn header(&self) -> String {
        match self {
            Variation::Scale { column, .. } => format!("{column} scale"),
            Variation::Growth { column, .. } => format!("{column} growth"),
            Variation::Event { name, .. } => name.clone(),
        }
    }

    /// Its `index`th value in words: `0.8`, `-10%`, `2028-01-01`.
    pub fn value(&self, index: usize) -> String {
        match self {
            Variation::Scale { factors, .. } => {
                factors.get(index).map(|f| f.normalize().to_string())
            }
            Variation::Growth { shifts, .. } => shifts.get(index).map(|shift| {
                let percent = shift
                    .checked_mul(Decimal::ONE_HUNDRED)
                    .unwrap_or(*shift)
                    .normalize();
                if percent.is_sign_positive() && !percent.is_zero() {
                    format!("+{percent}%")
                } else {
                    format!("{percent}%")
                }
            }),
            Variation::Event { dates, .. } => dates.get(index).map(ToString::to_string),
        }
        .unwrap_or_default()
    }
}

/// A shift in percent, signed, to two decimals at most: `+5%`, `-10%`, `0%`.
pub(crate) fn percent(shift: Decimal) -> String {
    let percent = shift
        .checked_mul(Decimal::ONE_HUNDRED)
        .unwrap_or(shift)
        .round_dp(2)
        .normalize();
    if percent.is_zero() {
        "0%".into()
    } else if percent.is_sign_positive() {
        format!("+{percent}%")
    } else {
        format!("{percent}%")
    }
}

/// Why a grid cannot be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GridError {
    #[error(
        "{count} scenarios is more than {max}: take larger steps or fewer variations (the grid is their cross product: {sizes})"
    )]
    TooLarge {
        count: String,
        max: usize,
        sizes: String,
    },
    #[error("the series has no column `{column}`; it has {available}")]
    NoColumn { column: String, available: String },
    #[error("no event `{name}` to vary: {declared}")]
    NoEvent { name: String, declared: String },
    #[error("{0}")]
    Overflow(String),
    #[error(
        "{column} with its growth shifted by {shift} would turn negative in {period} (its growth there is {growth}): a shift is in percent, such as `-10%`"
    )]
    NegativeGrowth {
        column: String,
        shift: String,
        period: String,
        growth: String,
    },
    #[error("{0} is varied twice: give all its values in one variation, such as `{1}`")]
    Twice(String, &'static str),
}

/// The scenarios of a grid: one index into each variation's values per
/// scenario, the first variation varying slowest.
pub fn grid(variations: &[Variation]) -> Result<Vec<Vec<usize>>, GridError> {
    let count = variations
        .iter()
        .try_fold(1usize, |count, v| count.checked_mul(v.len()));
    match count {
        Some(count) if count <= MAX_SCENARIOS => {}
        _ => {
            let sizes: Vec<String> = variations.iter().map(|v| v.len().to_string()).collect();
            let total: u128 = variations
                .iter()
                .map(|v| u128::try_from(v.len()).unwrap_or(u128::MAX))
                .fold(1u128, u128::saturating_mul);
            return Err(GridError::TooLarge {
                count: total.to_string(),
                max: MAX_SCENARIOS,
                sizes: sizes.join(" x "),
            });
        }
    }
    let mut scenarios: Vec<Vec<usize>> = vec![Vec::new()];
    for variation in variations {
        scenarios = scenarios
            .into_iter()
            .flat_map(|prefix| {
                (0..variation.len()).map(move |index| {
                    let mut next = prefix.clone();
                    next.push(index);
                    next
                })
            })
            .collect();
    }
    Ok(scenarios)
}

/// Checks the variations against the agreement and the series: every
/// column varied is in the series, every event varied is declared.
pub fn check(
    agreement: &Agreement,
    series: &Series,
    variations: &[Variation],
) -> Result<(), GridError> {
    check_columns(series, variations)?;
    for variation in variations {
        if let Variation::Event { name, .. } = variation
            && !agreement.events.iter().any(|e| e.name == *name)
        {
            return Err(GridError::NoEvent {
                name: name.clone(),
                declared: eval::declared_events(agreement, "the agreement"),
            });
        }
    }
    Ok(())
}

/// Checks that every column varied is in the series, and that nothing
/// is varied twice the same way (the values of two scales of one column
/// would multiply; of two dates of one event, the last would win).
fn check_columns(series: &Series, variations: &[Variation]) -> Result<(), GridError> {
    for (index, variation) in variations.iter().enumerate() {
        let twice = variations
            .iter()
            .skip(index.saturating_add(1))
            .find(|other| {
                std::mem::discriminant(*other) == std::mem::discriminant(variation)
                    && other.subject() == variation.subject()
            });
        if twice.is_some() {
            let example = match variation {
                Variation::Scale { .. } => "--scale revenue=0.8,0.9,1.1",
                Variation::Growth { .. } => "--growth revenue=-10%,-5%",
                Variation::Event { .. } => "--event agi=2028-01-01,2029-01-01",
            };
            return Err(GridError::Twice(variation.header(), example));
        }
    }
    for variation in variations {
        match variation {
            Variation::Scale { column, .. } | Variation::Growth { column, .. } => {
                if series.column(column).is_none() {
                    let available: Vec<String> =
                        series.columns.iter().map(|c| format!("`{c}`")).collect();
                    return Err(GridError::NoColumn {
                        column: column.clone(),
                        available: available.join(", "),
                    });
                }
            }
            Variation::Event { .. } => {}
        }
    }
    Ok(())
}

/// The series and event dates of one scenario: `choice` indexes each
/// variation's values. Dates in `options` are kept unless varied.
pub fn apply(
    series: &Series,
    options: &Options,
    variations: &[Variation],
    choice: &[usize],
) -> Result<(Series, Options), GridError> {
    let mut varied = series.clone();
    let mut options = options.clone();
    for (variation, index) in variations.iter().zip(choice) {
        match variation {
            Variation::Scale { column, factors } => {
                let factor = factors.get(*index).copied().unwrap_or(Decimal::ONE);
                let values = column_mut(&mut varied, column)?;
                for value in values.iter_mut() {
                    *value = value.checked_mul(factor).ok_or_else(|| {
                        GridError::Overflow(format!(
                            "{column} × {factor} is beyond the exact decimal range"
                        ))
                    })?;
                }
            }
            Variation::Growth { column, shifts } => {
                let shift = shifts.get(*index).copied().unwrap_or(Decimal::ZERO);
                let periods = varied.periods.clone();
                let values = column_mut(&mut varied, column)?;
                *values = match shifted(values, shift) {
                    Ok(values) => values,
                    Err(Shifted::Overflow) => {
                        return Err(GridError::Overflow(format!(
                            "{column} with its growth shifted by {} is beyond the exact decimal range",
                            percent(shift)
                        )));
                    }
                    Err(Shifted::Negative { at, growth }) => {
                        return Err(GridError::NegativeGrowth {
                            column: column.clone(),
                            shift: percent(shift),
                            period: periods.get(at).map(ToString::to_string).unwrap_or_default(),
                            growth: percent(growth),
                        });
                    }
                };
            }
            Variation::Event { name, dates } => {
                if let Some(date) = dates.get(*index) {
                    options.event_dates.insert(name.clone(), *date);
                }
            }
        }
    }
    Ok((varied, options))
}

fn column_mut<'s>(series: &'s mut Series, column: &str) -> Result<&'s mut Vec<Decimal>, GridError> {
    let index = series.columns.iter().position(|c| c == column);
    let available = series
        .columns
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    index
        .and_then(|index| series.values.get_mut(index))
        .ok_or_else(|| GridError::NoColumn {
            column: column.to_string(),
            available,
        })
}

/// Why a column's growth could not be shifted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shifted {
    Overflow,
    /// The shift makes period `at`'s growth factor negative: the column
    /// would change sign. `growth` is the period's own growth.
    Negative {
        at: usize,
        growth: Decimal,
    },
}

/// `values` with each period's growth shifted by `shift` (the module's
/// formula), rounded to the decimals the column has.
pub fn shifted(values: &[Decimal], shift: Decimal) -> Result<Vec<Decimal>, Shifted> {
    let decimals = values
        .iter()
        .map(|v| v.normalize().scale())
        .max()
        .unwrap_or(0);
    let mut out: Vec<Decimal> = Vec::with_capacity(values.len());
    let mut previous: Option<(Decimal, Decimal)> = None;
    for (at, value) in values.iter().enumerate() {
        let next = match previous {
            None => *value,
            Some((original, _)) if original.is_zero() => *value,
            Some((original, scenario)) => {
                let ratio = value.checked_div(original).ok_or(Shifted::Overflow)?;
                let growth = ratio.checked_add(shift).ok_or(Shifted::Overflow)?;
                if growth.is_sign_negative() && !growth.is_zero() {
                    let own = ratio.checked_sub(Decimal::ONE).unwrap_or(ratio);
                    return Err(Shifted::Negative { at, growth: own });
                }
                scenario
                    .checked_mul(growth)
                    .ok_or(Shifted::Overflow)?
                    .round_dp_with_strategy(
                        decimals,
                        rust_decimal::RoundingStrategy::MidpointNearestEven,
                    )
            }
        };
        out.push(next);
        previous = Some((*value, next));
    }
    Ok(out)
}

/// A binding event's name in a table: the clause and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventKey {
    pub clause: String,
    pub kind: EventKind,
}

impl EventKey {
    /// `revenue-share cap reached`
    pub fn name(&self) -> String {
        format!(
            "{} {}",
            self.clause,
            self.kind.phrase().unwrap_or(self.kind.name())
        )
    }
}

/// What one scenario comes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// What each party received, in the agreement's order of parties.
    pub received: Vec<Decimal>,
    /// The first period of each binding event that happened.
    pub events: HashMap<EventKey, Period>,
}

impl Outcome {
    /// What `statement` comes to.
    pub fn of(statement: &Statement) -> Outcome {
        let mut events: HashMap<EventKey, Period> = HashMap::new();
        for event in &statement.events {
            let (Some(period), Some(_)) = (event.period, event.kind.phrase()) else {
                continue;
            };
            let key = EventKey {
                clause: event.clause.clone(),
                kind: event.kind,
            };
            events
                .entry(key)
                .and_modify(|first| *first = (*first).min(period))
                .or_insert(period);
        }
        Outcome {
            received: statement.totals.iter().map(|t| t.received).collect(),
            events,
        }
    }
}

/// A grid evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub agreement: String,
    pub currency: String,
    pub minor_units: u32,
    pub variations: Vec<Variation>,
    /// The parties, as the totals name them.
    pub parties: Vec<String>,
    /// Every binding event that happens in some scenario, in order of
    /// clause and then kind.
    pub events: Vec<EventKey>,
    /// Each scenario: its choice of values, and what it comes to.
    pub scenarios: Vec<(Vec<usize>, Outcome)>,
}

/// Why a grid could not be evaluated.
#[derive(Debug)]
pub enum GridFailure {
    Grid(GridError),
    /// A scenario whose evaluation failed: its values, and the problem.
    Scenario(String, Box<Problem>),
}

/// Evaluates every scenario of the grid, on every core.
pub fn run(
    agreement: &Agreement,
    series: &Series,
    options: &Options,
    variations: &[Variation],
) -> Result<Grid, GridFailure> {
    check(agreement, series, variations).map_err(GridFailure::Grid)?;
    run_checked(agreement, series, options, variations)
}

/// [`run`], the variations checked already.
fn run_checked(
    agreement: &Agreement,
    series: &Series,
    options: &Options,
    variations: &[Variation],
) -> Result<Grid, GridFailure> {
    let choices = grid(variations).map_err(GridFailure::Grid)?;
    let outcomes: Vec<Result<(Vec<usize>, Outcome), GridFailure>> = choices
        .into_par_iter()
        .map(|choice| {
            let (series, options) =
                apply(series, options, variations, &choice).map_err(GridFailure::Grid)?;
            let statement = eval::evaluate(agreement, &series, &options).map_err(|problem| {
                GridFailure::Scenario(describe(variations, &choice), Box::new(problem))
            })?;
            Ok((choice, Outcome::of(&statement)))
        })
        .collect();
    let scenarios = outcomes.into_iter().collect::<Result<Vec<_>, _>>()?;
    // A statement's totals are the agreement's parties, in its order.
    let parties = agreement.parties.iter().map(|p| p.name.clone()).collect();
    let mut events: Vec<EventKey> = scenarios
        .iter()
        .flat_map(|(_, outcome)| outcome.events.keys().cloned())
        .collect();
    // In the agreement's order of clauses, then the order of kinds.
    let order = |key: &EventKey| {
        let clause = agreement
            .clauses
            .iter()
            .position(|c| c.label == key.clause)
            .unwrap_or(usize::MAX);
        (clause, key.kind.order(), key.kind.name())
    };
    // A total order: kinds of one order (a window opened and closed) by name,
    // so that equal keys sit together for `dedup` and columns never move.
    events.sort_by(|a, b| {
        order(a)
            .cmp(&order(b))
            .then_with(|| a.clause.cmp(&b.clause))
    });
    events.dedup();
    Ok(Grid {
        agreement: agreement.name.clone(),
        currency: agreement.currency.code.clone(),
        minor_units: agreement.currency.minor_units,
        variations: variations.to_vec(),
        parties,
        events,
        scenarios,
    })
}

/// One deal of a portfolio: its name, agreement and series.
pub type Deal = (String, Agreement, Series);

/// Every deal over the same grid, each payee's totals summed over the
/// deals per scenario (by the payee's name); no events. An event varied
/// applies to the deals that declare it, as `deal eval` dates events in a
/// portfolio. Deals of different currencies cannot be summed.
pub fn run_portfolio(
    deals: &[Deal],
    options: &Options,
    variations: &[Variation],
) -> Result<Grid, (String, GridFailure)> {
    let choices = grid(variations).map_err(|e| (String::new(), GridFailure::Grid(e)))?;
    let currencies: Vec<&str> = {
        let mut codes: Vec<&str> = deals
            .iter()
            .map(|(_, a, _)| a.currency.code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    };
    if currencies.len() > 1 {
        return Err((
            String::new(),
            GridFailure::Grid(GridError::Overflow(format!(
                "the deals are in {}: totals in different currencies cannot be summed; run each currency's deals apart",
                currencies.join(", ")
            ))),
        ));
    }
    for variation in variations {
        if let Variation::Event { name, .. } = variation
            && !deals
                .iter()
                .any(|(_, agreement, _)| agreement.events.iter().any(|e| e.name == *name))
        {
            return Err((
                String::new(),
                GridFailure::Grid(GridError::NoEvent {
                    name: name.clone(),
                    declared: "no deal of the portfolio declares it".into(),
                }),
            ));
        }
    }
    let grids: Vec<Result<Grid, (String, GridFailure)>> = deals
        .par_iter()
        .map(|(deal, agreement, series)| {
            check_columns(series, variations).map_err(|e| (deal.clone(), GridFailure::Grid(e)))?;
            run_checked(agreement, series, options, variations).map_err(|e| (deal.clone(), e))
        })
        .collect();
    let mut parties: Vec<String> = Vec::new();
    let mut sums: Vec<Vec<Decimal>> = vec![Vec::new(); choices.len()];
    let mut first: Option<(String, u32)> = None;
    for grid in grids {
        let grid = grid?;
        first.get_or_insert((grid.currency.clone(), grid.minor_units));
        for (scenario, (_, outcome)) in grid.scenarios.iter().enumerate() {
            for (party, received) in grid.parties.iter().zip(&outcome.received) {
                let at = match parties.iter().position(|p| p == party) {
                    Some(at) => at,
                    None => {
                        parties.push(party.clone());
                        parties.len().saturating_sub(1)
                    }
                };
                let Some(row) = sums.get_mut(scenario) else {
                    continue;
                };
                if row.len() <= at {
                    row.resize(at.saturating_add(1), Decimal::ZERO);
                }
                if let Some(total) = row.get_mut(at) {
                    *total = total.checked_add(*received).ok_or_else(|| {
                        (
                            String::new(),
                            GridFailure::Grid(GridError::Overflow(format!(
                                "{party}'s total over the portfolio is beyond the exact decimal range"
                            ))),
                        )
                    })?;
                }
            }
        }
    }
    let (currency, minor_units) = first.unwrap_or_else(|| ("USD".into(), 2));
    Ok(Grid {
        agreement: format!("{} deals", deals.len()),
        currency,
        minor_units,
        variations: variations.to_vec(),
        parties,
        events: Vec::new(),
        scenarios: choices
            .into_iter()
            .zip(sums)
            .map(|(choice, received)| {
                (
                    choice,
                    Outcome {
                        received,
                        events: HashMap::new(),
                    },
                )
            })
            .collect(),
    })
}

/// A scenario's values in words: `revenue scale 0.8, agi 2028-01-01`.
pub fn describe(variations: &[Variation], choice: &[usize]) -> String {
    variations
        .iter()
        .zip(choice)
        .map(|(variation, index)| format!("{} {}", variation.header(), variation.value(*index)))
        .collect::<Vec<_>>()
        .join(", ")
}
