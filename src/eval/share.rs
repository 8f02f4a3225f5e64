//! One share clause, one period: threshold, rate schedule (flat, bands or
//! steps), floor, minimum, rounding and caps, in that order.

use rust_decimal::Decimal;

use super::arith::{self, Figure};
use super::statement::{EventKind, Note, Notes};
use crate::agreement::{Calendar, Limit, Rate, RoundingMode, Share};
use crate::money::{self, percent, readable};
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

/// Where one period's reasons go for one share: straight into its row, so
/// that nothing is built twice or moved.
pub struct Outcome<'r> {
    pub notes: &'r mut Notes,
    pub explain: &'r mut Vec<String>,
    /// Events of the period, for the engine to date and label.
    pub events: &'r mut Vec<(EventKind, String)>,
}

impl Outcome<'_> {
    fn explain(&mut self, ctx: &Context, line: impl FnOnce() -> String) {
        if ctx.explain {
            self.explain.push(line());
        }
    }
}

/// Evaluates `share` on `basis` in one active period: what the clause earns,
/// rounded and capped, with its reasons recorded in `out`.
pub fn evaluate(
    share: &Share,
    state: &mut ShareState,
    basis: Decimal,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure {
    if state.caps.len() != share.caps.len() {
        state.caps = vec![Running::default(); share.caps.len()];
    }
    let positive = if basis.is_sign_negative() {
        out.notes.push(Note::NegativeBasis);
        out.explain(ctx, || {
            format!("basis {} is negative: nothing is shared", readable(basis))
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
        out,
    )?;
    let mut raw = match &share.rate {
        Rate::Flat(rate) => slice(*rate, counted, ctx, out)?,
        Rate::Bands { bands, reset } => {
            state.bands.enter(ctx.period, *reset);
            bands_raw(bands, *reset, &mut state.bands, counted, ctx, out)?
        }
        Rate::Steps(steps) => steps_raw(steps, state.earned, counted, ctx, out)?,
    };
    let unfloored = raw;
    if let Some(floor) = &share.floor
        && raw < floor.amount
    {
        out.explain(ctx, || {
            format!(
                "below the floor of {}: pays the floor",
                readable(floor.amount)
            )
        });
        out.notes.push(Note::Floor {
            floor: floor.amount,
        });
        raw = floor.amount;
    }
    let mut rounded = money::round(raw, ctx.minor_units, ctx.rounding);
    if ctx.explain && rounded != raw {
        out.explain(ctx, || {
            format!(
                "rounded {} to {} ({})",
                readable(raw),
                readable(rounded),
                ctx.rounding.keyword()
            )
        });
    }
    // The minimum tops up the rounded earnings, so the shortfall is exact;
    // rounding again only matters for a minimum finer than the minor unit.
    if let Some(minimum) = &share.minimum {
        let topped = minimum_true_up(minimum, &mut state.minimum, rounded, ctx, out)?;
        rounded = money::round(topped, ctx.minor_units, ctx.rounding);
    }
    let earned = if share.caps.is_empty() {
        rounded
    } else {
        let topped_up = (share.floor.is_some() || share.minimum.is_some()) && rounded > unfloored;
        caps(&share.caps, state, rounded, topped_up, ctx, out)?
    };
    state.earned = arith::add(state.earned, earned)?;
    // A lifetime cap reads `earned`; only calendar caps keep their own total.
    for (running, cap) in state.caps.iter_mut().zip(&share.caps) {
        if cap.per.is_some() {
            running.total = arith::add(running.total, earned)?;
        }
    }
    if share.minimum.is_some() {
        state.minimum.total = arith::add(state.minimum.total, earned)?;
    }
    Ok(earned)
}

/// `rate` of `basis`, with its explanation and note.
fn slice(rate: Decimal, basis: Decimal, ctx: &Context, out: &mut Outcome<'_>) -> Figure {
    Ok(noted(rate, basis, arith::mul(rate, basis)?, ctx, out))
}

/// Records that `rate` of `basis` pays `pays`, already computed.
fn noted(
    rate: Decimal,
    basis: Decimal,
    pays: Decimal,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Decimal {
    out.explain(ctx, || {
        format!(
            "{} of {} = {}",
            percent(rate),
            readable(basis),
            readable(pays)
        )
    });
    if !rate.is_zero() && !basis.is_zero() {
        out.notes.push(Note::Share { rate, basis });
    }
    pays
}

/// The part of the basis beyond a cumulative threshold (`above X`).
fn threshold(
    limit: Option<&Limit>,
    running: &mut Running,
    basis: Decimal,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure {
    let Some(limit) = limit else { return Ok(basis) };
    running.enter(ctx.period, limit.per);
    let before = running.total;
    let after = arith::add(before, basis)?;
    running.total = after;
    let counted = arith::sub(after, limit.amount.max(before))?.max(Decimal::ZERO);
    let per = Calendar::per_words(limit.per);
    if before <= limit.amount && after > limit.amount {
        out.events.push((
            EventKind::ThresholdCrossed,
            format!(
                "cumulative basis passed the threshold of {}{per}",
                readable(limit.amount)
            ),
        ));
    }
    let during = within(ctx.period, limit.per);
    out.explain(ctx, || {
        format!(
            "basis {during} goes from {} to {}; {} of it is above {}",
            readable(before),
            readable(after),
            readable(counted),
            readable(limit.amount)
        )
    });
    if counted < basis {
        out.notes.push(Note::AboveOnly {
            threshold: limit.amount,
        });
    }
    Ok(counted)
}

/// Marginal bands over the cumulative basis: each slice at its band's rate.
fn bands_raw(
    bands: &[crate::agreement::Band],
    reset: Option<Calendar>,
    running: &mut Running,
    counted: Decimal,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure {
    let from = running.total;
    let to = arith::add(from, counted)?;
    if !counted.is_zero() {
        let during = within(ctx.period, reset);
        out.explain(ctx, || {
            format!(
                "basis {during} goes from {} to {}",
                readable(from),
                readable(to)
            )
        });
    }
    let mut raw = Decimal::ZERO;
    let mut lower = Decimal::ZERO;
    for band in bands {
        let upper = band.up_to;
        match upper {
            // A band wholly below the basis counted so far: nothing in it.
            Some(upper) if upper <= from => {
                lower = upper;
                continue;
            }
            // The basis does not reach this band, nor any above it.
            _ if to <= lower => break,
            _ => {}
        }
        let start = from.max(lower);
        let end = upper.map_or(to, |upper| to.min(upper));
        if end > start {
            let slice = arith::sub(end, start)?;
            let pays = arith::mul(band.rate, slice)?;
            raw = arith::add(raw, pays)?;
            out.explain(ctx, || {
                let range = match upper {
                    Some(upper) => format!("band up to {}", readable(upper)),
                    None => format!("band above {}", readable(lower)),
                };
                format!(
                    "{} of {} ({range}) = {}",
                    percent(band.rate),
                    readable(slice),
                    readable(pays)
                )
            });
            out.notes.push(Note::Share {
                rate: band.rate,
                basis: slice,
            });
        }
        if let Some(upper) = upper {
            // Here `from < upper`: the band ends if the basis reaches it.
            if to >= upper && to > from {
                out.events.push((
                    EventKind::BandChanged,
                    format!(
                        "cumulative basis reached {}: the {} band ends",
                        readable(upper),
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
    out: &mut Outcome<'_>,
) -> Figure {
    let mut raw = Decimal::ZERO;
    let mut left = counted;
    if !counted.is_zero() {
        out.explain(ctx, || {
            format!("earned so far: {}", readable(earned_before))
        });
    }
    for step in steps {
        if left <= Decimal::ZERO {
            break;
        }
        let paid = arith::add(earned_before, raw)?;
        let Some(limit) = step.until_paid else {
            raw = arith::add(raw, slice(step.rate, left, ctx, out)?)?;
            left = Decimal::ZERO;
            break;
        };
        let room = arith::sub(limit, paid)?;
        if room <= Decimal::ZERO {
            continue;
        }
        let full = arith::mul(step.rate, left)?;
        if full < room {
            raw = arith::add(raw, noted(step.rate, left, full, ctx, out))?;
            left = Decimal::ZERO;
        } else {
            let used = arith::div(room, step.rate)?;
            out.explain(ctx, || {
                format!(
                    "{} of {} = {} reaches the step limit of {}",
                    percent(step.rate),
                    readable(used),
                    readable(room),
                    readable(limit)
                )
            });
            out.notes.push(Note::Share {
                rate: step.rate,
                basis: used,
            });
            raw = arith::add(raw, room)?;
            left = arith::sub(left, used)?;
            out.events.push((
                EventKind::StepChanged,
                format!(
                    "earnings reached {}: the {} step ends",
                    readable(limit),
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
                    readable(left)
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
    out: &mut Outcome<'_>,
) -> Figure {
    running.enter(ctx.period, minimum.per);
    let Some(unit) = minimum.per else {
        return Ok(raw);
    };
    let last_of_unit = ctx.period.ends(unit) || ctx.next_active == Some(false);
    let so_far = arith::add(running.total, raw)?;
    let per = Calendar::per_words(minimum.per);
    let during = within(ctx.period, Some(unit));
    if !last_of_unit {
        if ctx.next_active.is_none() && so_far < minimum.amount {
            out.events.push((
                EventKind::MinimumPending,
                format!(
                    "minimum of {}{per} not yet trued up: the series ends before the {} does ({} earned {during})",
                    readable(minimum.amount),
                    unit.keyword(),
                    readable(so_far)
                ),
            ));
        }
        return Ok(raw);
    }
    if so_far >= minimum.amount {
        return Ok(raw);
    }
    let shortfall = arith::sub(minimum.amount, so_far)?;
    out.explain(ctx, || {
        format!(
            "earnings {during} total {} against a minimum of {}: adds the shortfall of {}",
            readable(so_far),
            readable(minimum.amount),
            readable(shortfall)
        )
    });
    out.notes.push(Note::MinimumTrueUp { shortfall });
    out.events.push((
        EventKind::MinimumTrueUp,
        format!(
            "minimum of {}{per} trued up by {}",
            readable(minimum.amount),
            readable(shortfall)
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
    topped_up: bool,
    ctx: &Context,
    out: &mut Outcome<'_>,
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
        let per = Calendar::per_words(cap.per);
        if amount >= room && !(amount.is_zero() && room.is_zero()) {
            if room.is_zero() {
                out.explain(ctx, || {
                    format!("cap {}{per} already reached", readable(cap.amount))
                });
                out.notes.push(Note::Cap {
                    cap: cap.amount,
                    per: cap.per,
                    earlier: true,
                });
            } else {
                let paid = match cap.per {
                    Some(_) => format!(
                        " ({} earned {})",
                        readable(so_far),
                        within(ctx.period, cap.per)
                    ),
                    None => String::new(),
                };
                let prevails = if topped_up {
                    "; the cap prevails over the floor or minimum"
                } else {
                    ""
                };
                out.explain(ctx, || {
                    format!(
                        "cap {}{per}{paid} leaves {}: cap reached{prevails}",
                        readable(cap.amount),
                        readable(room)
                    )
                });
                out.notes.push(Note::Cap {
                    cap: cap.amount,
                    per: cap.per,
                    earlier: false,
                });
                out.events.push((
                    EventKind::CapReached,
                    format!("cap of {}{per} reached", readable(cap.amount)),
                ));
            }
            amount = room;
        } else if amount.is_zero() && room.is_zero() {
            out.notes.push(Note::Cap {
                cap: cap.amount,
                per: cap.per,
                earlier: true,
            });
        }
    }
    Ok(amount)
}

/// `in 2026` (or `in 2026Q3`, `in 2026-07`): the calendar period of `unit`
/// containing `period`; `so far` for a lifetime figure. Put in words only
/// when shown: evaluation builds no text it does not print.
fn within(period: Period, unit: Option<Calendar>) -> Within {
    Within { period, unit }
}

struct Within {
    period: Period,
    unit: Option<Calendar>,
}

impl std::fmt::Display for Within {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Some(unit) = self.unit else {
            return f.write_str("so far");
        };
        let (year, index) = self.period.key(unit);
        match unit {
            Calendar::Year => write!(f, "in {year}"),
            Calendar::Quarter => write!(f, "in {year}Q{index}"),
            Calendar::Month => write!(f, "in {year}-{index:02}"),
        }
    }
}
