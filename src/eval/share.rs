//! One share clause, one period: threshold, rate schedule (flat, bands or
//! steps), floor, minimum, rounding and caps, in that order.

use rust_decimal::Decimal;

use super::arith::{self, Figure};
use super::statement::EventKind;
use crate::agreement::{Calendar, Limit, Rate, RoundingMode, Share};
use crate::money::{self, compact, percent};
use crate::period::Period;

/// A total that starts again each calendar period (or never, for lifetime).
#[derive(Debug, Clone, Default)]
pub struct Running {
    key: Option<(i16, u8)>,
    pub total: Decimal,
}

impl Running {
    /// Moves into `period`, starting from zero if its calendar `per` changed.
    pub fn enter(&mut self, period: Period, per: Option<Calendar>) {
        if let Some(unit) = per {
            let key = period.key(unit);
            if self.key != Some(key) {
                self.key = Some(key);
                self.total = Decimal::ZERO;
            }
        }
    }
}

/// What a share clause carries from one period to the next.
#[derive(Debug, Clone, Default)]
pub struct ShareState {
    threshold: Running,
    bands: Running,
    /// The clause's lifetime earnings, rounded: steps and lifetime caps read it.
    pub earned: Decimal,
    caps: Vec<Running>,
    minimum: Running,
}

/// The period being evaluated, and how to round.
pub struct Context {
    pub period: Period,
    /// Whether the clause is active in the next period; `None` at the end of
    /// the series.
    pub next_active: Option<bool>,
    pub minor_units: u32,
    pub rounding: RoundingMode,
    pub explain: bool,
}

/// One period's result for one share.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// What the clause earns this period, rounded and capped.
    pub earned: Decimal,
    pub notes: Vec<String>,
    pub explain: Vec<String>,
    pub events: Vec<(EventKind, String)>,
}

impl Outcome {
    fn explain(&mut self, ctx: &Context, line: impl FnOnce() -> String) {
        if ctx.explain {
            self.explain.push(line());
        }
    }
}

/// Evaluates `share` on `basis` in one active period.
pub fn evaluate(
    share: &Share,
    state: &mut ShareState,
    basis: Decimal,
    ctx: &Context,
) -> Result<Outcome, arith::Fault> {
    let mut out = Outcome::default();
    if state.caps.len() != share.caps.len() {
        state.caps = vec![Running::default(); share.caps.len()];
    }
    let positive = if basis.is_sign_negative() {
        out.notes.push("negative basis".into());
        out.explain(ctx, || {
            format!("basis {} is negative: nothing is shared", compact(basis))
        });
        Decimal::ZERO
    } else {
        basis
    };
    let counted = threshold(
        share.threshold.as_ref(),
        &mut state.threshold,
        positive,
        ctx,
        &mut out,
    )?;
    let mut raw = match &share.rate {
        Rate::Flat(rate) => {
            let raw = arith::mul(*rate, counted)?;
            out.explain(ctx, || {
                format!(
                    "{} of {} = {}",
                    percent(*rate),
                    compact(counted),
                    compact(raw)
                )
            });
            if !rate.is_zero() && !counted.is_zero() {
                out.notes
                    .push(format!("{} of {}", percent(*rate), compact(counted)));
            }
            raw
        }
        Rate::Bands { bands, reset } => {
            state.bands.enter(ctx.period, *reset);
            bands_raw(bands, &mut state.bands, counted, ctx, &mut out)?
        }
        Rate::Steps(steps) => steps_raw(steps, state.earned, counted, ctx, &mut out)?,
    };
    if let Some(floor) = &share.floor
        && raw < floor.amount
    {
        out.explain(ctx, || {
            format!(
                "below the floor of {}: pays the floor",
                compact(floor.amount)
            )
        });
        out.notes.push(format!("floor {}", compact(floor.amount)));
        raw = floor.amount;
    }
    if let Some(minimum) = &share.minimum {
        raw = minimum_true_up(minimum, &mut state.minimum, raw, ctx, &mut out)?;
    }
    let rounded = money::round(raw, ctx.minor_units, ctx.rounding);
    if rounded != raw {
        out.explain(ctx, || format!("rounded {} to {}", raw, rounded));
    }
    let earned = caps(&share.caps, state, rounded, ctx, &mut out)?;
    state.earned = arith::add(state.earned, earned)?;
    for running in &mut state.caps {
        running.total = arith::add(running.total, earned)?;
    }
    state.minimum.total = arith::add(state.minimum.total, earned)?;
    out.earned = earned;
    Ok(out)
}

/// The part of the basis beyond a cumulative threshold (`above X`).
fn threshold(
    limit: Option<&Limit>,
    running: &mut Running,
    basis: Decimal,
    ctx: &Context,
    out: &mut Outcome,
) -> Figure {
    let Some(limit) = limit else { return Ok(basis) };
    running.enter(ctx.period, limit.per);
    let before = running.total;
    let after = arith::add(before, basis)?;
    running.total = after;
    let counted = arith::sub(after, limit.amount.max(before))?.max(Decimal::ZERO);
    let per = per_words(limit.per);
    if before <= limit.amount && after > limit.amount {
        out.events.push((
            EventKind::ThresholdCrossed,
            format!(
                "cumulative basis passed the threshold of {}{per}",
                compact(limit.amount)
            ),
        ));
    }
    out.explain(ctx, || {
        format!(
            "cumulative basis {}{per} goes from {} to {}; {} of it is above {}",
            "",
            compact(before),
            compact(after),
            compact(counted),
            compact(limit.amount)
        )
    });
    if counted < basis {
        out.notes
            .push(format!("above {} only", compact(limit.amount)));
    }
    Ok(counted)
}

/// Marginal bands over the cumulative basis: each slice at its band's rate.
fn bands_raw(
    bands: &[crate::agreement::Band],
    running: &mut Running,
    counted: Decimal,
    ctx: &Context,
    out: &mut Outcome,
) -> Figure {
    let from = running.total;
    let to = arith::add(from, counted)?;
    let mut raw = Decimal::ZERO;
    let mut lower = Decimal::ZERO;
    for band in bands {
        let upper = band.up_to;
        let start = from.max(lower);
        let end = upper.map_or(to, |upper| to.min(upper));
        if end > start {
            let slice = arith::sub(end, start)?;
            let pays = arith::mul(band.rate, slice)?;
            raw = arith::add(raw, pays)?;
            let range = match upper {
                Some(upper) => format!("band up to {}", compact(upper)),
                None => format!("band above {}", compact(lower)),
            };
            out.explain(ctx, || {
                format!(
                    "{} of {} ({range}) = {}",
                    percent(band.rate),
                    compact(slice),
                    compact(pays)
                )
            });
            out.notes
                .push(format!("{} of {}", percent(band.rate), compact(slice)));
        }
        if let Some(upper) = upper {
            if from < upper && to >= upper && to > from {
                out.events.push((
                    EventKind::BandChanged,
                    format!(
                        "cumulative basis reached {}: the {} band ends",
                        compact(upper),
                        percent(band.rate)
                    ),
                ));
            }
            lower = upper;
        }
    }
    running.total = to;
    Ok(raw)
}

/// A step-down on the clause's own cumulative earnings: the crossing
/// period's basis is split at the exact point where the step limit is reached.
fn steps_raw(
    steps: &[crate::agreement::Step],
    earned_before: Decimal,
    counted: Decimal,
    ctx: &Context,
    out: &mut Outcome,
) -> Figure {
    let mut raw = Decimal::ZERO;
    let mut left = counted;
    for step in steps {
        if left <= Decimal::ZERO {
            break;
        }
        let paid = arith::add(earned_before, raw)?;
        let Some(limit) = step.until_paid else {
            let pays = arith::mul(step.rate, left)?;
            out.explain(ctx, || {
                format!(
                    "{} of {} = {}",
                    percent(step.rate),
                    compact(left),
                    compact(pays)
                )
            });
            out.notes
                .push(format!("{} of {}", percent(step.rate), compact(left)));
            raw = arith::add(raw, pays)?;
            left = Decimal::ZERO;
            break;
        };
        let room = arith::sub(limit, paid)?;
        if room <= Decimal::ZERO {
            continue;
        }
        let full = arith::mul(step.rate, left)?;
        if full < room {
            out.explain(ctx, || {
                format!(
                    "{} of {} = {}",
                    percent(step.rate),
                    compact(left),
                    compact(full)
                )
            });
            out.notes
                .push(format!("{} of {}", percent(step.rate), compact(left)));
            raw = arith::add(raw, full)?;
            left = Decimal::ZERO;
        } else {
            let used = arith::div(room, step.rate)?;
            out.explain(ctx, || {
                format!(
                    "{} of {} = {} reaches the step limit of {}",
                    percent(step.rate),
                    compact(used),
                    compact(room),
                    compact(limit)
                )
            });
            out.notes
                .push(format!("{} of {}", percent(step.rate), compact(used)));
            raw = arith::add(raw, room)?;
            left = arith::sub(left, used)?;
            out.events.push((
                EventKind::StepChanged,
                format!(
                    "earnings reached {}: the {} step ends",
                    compact(limit),
                    percent(step.rate)
                ),
            ));
        }
    }
    if left > Decimal::ZERO && steps.last().is_some_and(|s| s.until_paid.is_some()) {
        let paid = arith::add(earned_before, raw)?;
        if steps
            .iter()
            .all(|s| s.until_paid.is_some_and(|limit| paid >= limit))
        {
            out.explain(ctx, || {
                format!(
                    "the schedule is complete: {} of basis pays nothing",
                    compact(left)
                )
            });
        }
    }
    Ok(raw)
}

/// Adds the year's (or quarter's) shortfall in its last active period.
fn minimum_true_up(
    minimum: &Limit,
    running: &mut Running,
    raw: Decimal,
    ctx: &Context,
    out: &mut Outcome,
) -> Figure {
    running.enter(ctx.period, minimum.per);
    let Some(unit) = minimum.per else {
        return Ok(raw);
    };
    let last_of_unit = ctx.period.ends(unit) || ctx.next_active == Some(false);
    if !last_of_unit {
        return Ok(raw);
    }
    let so_far = arith::add(running.total, raw)?;
    if so_far >= minimum.amount {
        return Ok(raw);
    }
    let shortfall = arith::sub(minimum.amount, so_far)?;
    let per = per_words(minimum.per);
    out.explain(ctx, || {
        format!(
            "earnings{per} total {} against a minimum of {}: adds the shortfall of {}",
            compact(so_far),
            compact(minimum.amount),
            compact(shortfall)
        )
    });
    out.notes
        .push(format!("minimum true-up {}", compact(shortfall)));
    out.events.push((
        EventKind::MinimumTrueUp,
        format!(
            "minimum of {}{per} trued up by {}",
            compact(minimum.amount),
            compact(shortfall)
        ),
    ));
    arith::add(raw, shortfall)
}

/// Applies every cap: lifetime against lifetime earnings, calendar caps
/// against the earnings of their year, quarter or month. The cap prevails
/// over floors and minimums.
fn caps(
    caps: &[Limit],
    state: &mut ShareState,
    amount: Decimal,
    ctx: &Context,
    out: &mut Outcome,
) -> Figure {
    let mut amount = amount;
    for (cap, running) in caps.iter().zip(state.caps.iter_mut()) {
        running.enter(ctx.period, cap.per);
        let so_far = if cap.per.is_some() {
            running.total
        } else {
            state.earned
        };
        let room = arith::sub(cap.amount, so_far)?.max(Decimal::ZERO);
        let per = per_words(cap.per);
        if amount >= room && !(amount.is_zero() && room.is_zero()) {
            if room.is_zero() {
                out.explain(ctx, || {
                    format!("cap {}{per} already reached", compact(cap.amount))
                });
                out.notes
                    .push(format!("cap {}{per} reached earlier", compact(cap.amount)));
            } else {
                out.explain(ctx, || {
                    format!(
                        "cap {}{per} leaves {}: cap reached",
                        compact(cap.amount),
                        compact(room)
                    )
                });
                out.notes
                    .push(format!("cap {}{per} reached", compact(cap.amount)));
                out.events.push((
                    EventKind::CapReached,
                    format!("cap of {}{per} reached", compact(cap.amount)),
                ));
            }
            amount = room;
        } else if amount.is_zero() && room.is_zero() {
            out.notes
                .push(format!("cap {}{per} reached earlier", compact(cap.amount)));
        }
    }
    Ok(amount)
}

/// ` per year` (or quarter, month), or nothing for a lifetime figure.
fn per_words(per: Option<Calendar>) -> String {
    per.map(|unit| format!(" per {}", unit.keyword()))
        .unwrap_or_default()
}
