//! One share clause, one period: threshold, rate schedule (flat, bands or
//! steps), floor, minimum, rounding and caps, in that order.

use rust_decimal::Decimal;

use super::arith::{self, Figure, Num};
use super::statement::{EventKind, Note, Notes, add_note};
use crate::agreement::{Calendar, Limit, Rate, RoundingMode, Share};
use crate::money::{percent, readable};
use crate::period::Period;

/// A total that starts again each calendar period (or never, for lifetime).
#[derive(Debug, Clone, Default)]
pub struct Running<N> {
    key: Option<(i16, u8)>,
    pub total: N,
}

impl<N: Num> Running<N> {
    /// Moves into `period`, starting from zero if its calendar `per` changed.
    pub fn enter(&mut self, period: Period, per: Option<Calendar>) {
        if let Some(unit) = per {
            let key = period.key(unit);
            if self.key != Some(key) {
                self.key = Some(key);
                self.total = N::ZERO;
            }
        }
    }
}

/// What a share clause carries from one period to the next.
#[derive(Debug, Clone, Default)]
pub struct ShareState<N> {
    threshold: Running<N>,
    bands: Running<N>,
    /// The clause's lifetime earnings, rounded: steps and lifetime caps read it.
    pub earned: N,
    caps: Vec<Running<N>>,
    minimum: Running<N>,
}

impl<N: Num> ShareState<N> {
    /// Records that the clause paid `by` more (or less) than it earned this
    /// period, once its payee's total was rounded: every running total the
    /// clause's limits read then holds what was paid, at the minor unit, and
    /// a cap's room stays a whole number of minor units. Returns the first
    /// cap that the minor unit added filled, which the clause's own figure
    /// had left room under.
    pub fn rounded<'s>(&mut self, share: &'s Share<N>, by: N) -> Figure<Option<&'s Limit<N>>> {
        let before = self.earned;
        self.earned = arith::add(self.earned, by)?;
        let mut filled = None;
        for (running, cap) in self.caps.iter_mut().zip(&share.caps) {
            let (was, now) = if cap.per.is_some() {
                let was = running.total;
                running.total = arith::add(running.total, by)?;
                (was, running.total)
            } else {
                (before, self.earned)
            };
            if filled.is_none() && was < cap.amount && now >= cap.amount {
                filled = Some(cap);
            }
        }
        if share.minimum.is_some() {
            self.minimum.total = arith::add(self.minimum.total, by)?;
        }
        Ok(filled)
    }
}

/// The event of a cap reached: by a clause's figure, or by the minor unit
/// its payee's rounding added ([`ShareState::rounded`]).
pub fn cap_reached<N: Num>(cap: &Limit<N>) -> (EventKind, String) {
    let per = Calendar::per_words(cap.per);
    (
        EventKind::CapReached,
        format!("cap of {}{per} reached", readable(cap.amount.decimal())),
    )
}

/// The period being evaluated, and how to round.
pub struct Context {
    pub period: Period,
    /// Whether the clause is active in the next period; `None` at the end of
    /// the series.
    pub next_active: Option<bool>,
    pub minor_units: u32,
    pub rounding: RoundingMode,
    /// Whether the clause rounds what it pays: not under `rounding ...
    /// per payee`, where the engine rounds each payee's period total once
    /// and then [`ShareState::rounded`] tells the clause what it paid.
    pub round: bool,
    pub explain: bool,
    /// Whether rows keep their notes ([`super::Options::without_notes`]).
    pub notes: bool,
    /// Whether the rate is an amount per unit of the basis (`pay 0.091 per
    /// unit of units`), not a fraction of it.
    pub per_unit: bool,
    /// What the bands count this period, when not the basis (`in copies`).
    pub measure: Option<Decimal>,
}

impl Context {
    /// `20% of 98.7B`, or `0.091 per unit x 120,000`.
    fn applied(&self, rate: Decimal, basis: Decimal) -> String {
        if self.per_unit {
            format!("{} per unit x {}", readable(rate), readable(basis))
        } else {
            format!("{} of {}", percent(rate), readable(basis))
        }
    }

    /// The note of a rate applied to a basis.
    fn rate_note(&self, rate: Decimal, basis: Decimal) -> Note {
        if self.per_unit {
            Note::PerUnit {
                amount: rate,
                units: basis,
            }
        } else {
            Note::Share { rate, basis }
        }
    }
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

    /// Records a reason, made only when rows keep their notes.
    fn note(&mut self, ctx: &Context, note: impl FnOnce() -> Note) {
        add_note(self.notes, ctx.notes, note);
    }
}

/// Evaluates `share` on `basis` in one active period: what the clause earns,
/// rounded and capped, with its reasons recorded in `out`.
pub fn evaluate<N: Num>(
    share: &Share<N>,
    state: &mut ShareState<N>,
    basis: N,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure<N> {
    if state.caps.len() != share.caps.len() {
        state.caps = vec![Running::default(); share.caps.len()];
    }
    let positive = if basis.is_sign_negative() {
        out.note(ctx, || Note::NegativeBasis);
        out.explain(ctx, || {
            format!(
                "basis {} is negative: nothing is shared",
                readable(basis.decimal())
            )
        });
        N::ZERO
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
            match ctx.measure {
                Some(units) => {
                    let units = N::from_decimal(units.max(Decimal::ZERO))?;
                    apportioned(bands, *reset, &mut state.bands, units, counted, ctx, out)?
                }
                None => bands_raw(bands, *reset, &mut state.bands, counted, ctx, out)?,
            }
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
                readable(floor.amount.decimal())
            )
        });
        out.note(ctx, || Note::Floor {
            floor: floor.amount.decimal(),
        });
        raw = floor.amount;
    }
    let mut rounded = if ctx.round {
        raw.round_to(ctx.minor_units, ctx.rounding)?
    } else {
        raw
    };
    if ctx.explain && rounded != raw {
        out.explain(ctx, || {
            format!(
                "rounded {} to {} ({})",
                readable(raw.decimal()),
                readable(rounded.decimal()),
                ctx.rounding.keyword()
            )
        });
    }
    // The minimum tops up the rounded earnings, so the shortfall is exact;
    // rounding again only matters for a minimum finer than the minor unit.
    if let Some(minimum) = &share.minimum {
        rounded = minimum_true_up(minimum, &mut state.minimum, rounded, ctx, out)?;
        if ctx.round {
            rounded = rounded.round_to(ctx.minor_units, ctx.rounding)?;
        }
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
fn slice<N: Num>(rate: N, basis: N, ctx: &Context, out: &mut Outcome<'_>) -> Figure<N> {
    Ok(noted(rate, basis, arith::mul(rate, basis)?, ctx, out))
}

/// Records that `rate` of `basis` pays `pays`, already computed.
fn noted<N: Num>(rate: N, basis: N, pays: N, ctx: &Context, out: &mut Outcome<'_>) -> N {
    out.explain(ctx, || {
        format!(
            "{} = {}",
            ctx.applied(rate.decimal(), basis.decimal()),
            readable(pays.decimal())
        )
    });
    if !rate.is_zero() && !basis.is_zero() {
        out.note(ctx, || ctx.rate_note(rate.decimal(), basis.decimal()));
    }
    pays
}

/// Bands that count another column (`in copies`): the period's units fall
/// into the bands as a basis would, and the money basis is apportioned to
/// each band in proportion to the units in it (the last slice the rest, so
/// the slices add up to the basis). A period without units pays at the
/// band its count has reached.
fn apportioned<N: Num>(
    bands: &[crate::agreement::Band<N>],
    reset: Option<Calendar>,
    running: &mut Running<N>,
    units: N,
    money: N,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure<N> {
    let from = running.total;
    let to = arith::add(from, units)?;
    out.explain(ctx, || {
        format!(
            "units {} go from {} to {}; {} apportioned by them",
            within(ctx.period, reset),
            readable(from.decimal()),
            readable(to.decimal()),
            readable(money.decimal())
        )
    });
    let mut raw = N::ZERO;
    let mut left = money;
    let mut lower = N::ZERO;
    for (index, band) in bands.iter().enumerate() {
        let upper = band.up_to;
        if let Some(upper) = upper
            && upper <= from
        {
            lower = upper;
            continue;
        }
        let start = from.max(lower);
        let end = upper.map_or(to, |upper| to.min(upper));
        let last = upper.is_none_or(|upper| to <= upper) || index.saturating_add(1) == bands.len();
        let slice = if last {
            left
        } else if units.is_zero() || end <= start {
            N::ZERO
        } else {
            arith::div(arith::mul(money, arith::sub(end, start)?)?, units)?
        };
        if !slice.is_zero() {
            let pays = arith::mul(band.rate, slice)?;
            raw = arith::add(raw, pays)?;
            left = arith::sub(left, slice)?;
            out.explain(ctx, || {
                format!(
                    "{} (units {} to {}) = {}",
                    ctx.applied(band.rate.decimal(), slice.decimal()),
                    readable(start.decimal()),
                    readable(end.decimal()),
                    readable(pays.decimal())
                )
            });
            out.note(ctx, || ctx.rate_note(band.rate.decimal(), slice.decimal()));
        }
        if let Some(upper) = upper {
            band_ends(band.rate, upper, from, to, "count", out);
            lower = upper;
        }
        if last {
            break;
        }
    }
    running.total = to;
    Ok(raw)
}

/// The part of the basis beyond a cumulative threshold (`above X`).
fn threshold<N: Num>(
    limit: Option<&Limit<N>>,
    running: &mut Running<N>,
    basis: N,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure<N> {
    let Some(limit) = limit else { return Ok(basis) };
    running.enter(ctx.period, limit.per);
    // Counting another column (`above 10K in devices`): the units beyond
    // the threshold take their part of the basis.
    let units = match ctx.measure {
        Some(units) => Some(N::from_decimal(units.max(Decimal::ZERO))?),
        None => None,
    };
    let counting = units.unwrap_or(basis);
    let before = running.total;
    let after = arith::add(before, counting)?;
    running.total = after;
    let beyond = arith::sub(after, limit.amount.max(before))?.max(N::ZERO);
    let counted = match units {
        None => beyond,
        // No units: the basis counts as the count stands, past the
        // threshold or not.
        Some(units) if units.is_zero() => {
            if before > limit.amount {
                basis
            } else {
                N::ZERO
            }
        }
        Some(units) if beyond >= units => basis,
        Some(_) if beyond.is_zero() => N::ZERO,
        Some(units) => arith::div(arith::mul(basis, beyond)?, units)?,
    };
    let per = Calendar::per_words(limit.per);
    if before <= limit.amount && after > limit.amount {
        out.events.push((
            EventKind::ThresholdCrossed,
            format!(
                "cumulative basis passed the threshold of {}{per}",
                readable(limit.amount.decimal())
            ),
        ));
    }
    let during = within(ctx.period, limit.per);
    out.explain(ctx, || {
        format!(
            "basis {during} goes from {} to {}; {} of it is above {}",
            readable(before.decimal()),
            readable(after.decimal()),
            readable(counted.decimal()),
            readable(limit.amount.decimal())
        )
    });
    if counted < basis {
        out.note(ctx, || Note::AboveOnly {
            threshold: limit.amount.decimal(),
        });
    }
    Ok(counted)
}

/// Records a band's end when the cumulative `what` (basis, or count) goes
/// from below its limit `upper` to it or beyond this period.
fn band_ends<N: Num>(rate: N, upper: N, from: N, to: N, what: &str, out: &mut Outcome<'_>) {
    // A band wholly below `from` was skipped: here `from < upper`.
    if to >= upper && to > from {
        out.events.push((
            EventKind::BandChanged,
            format!(
                "cumulative {what} reached {}: the {} band ends",
                readable(upper.decimal()),
                percent(rate.decimal())
            ),
        ));
    }
}

/// Marginal bands over the cumulative basis: each slice at its band's rate.
fn bands_raw<N: Num>(
    bands: &[crate::agreement::Band<N>],
    reset: Option<Calendar>,
    running: &mut Running<N>,
    counted: N,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure<N> {
    let from = running.total;
    let to = arith::add(from, counted)?;
    if !counted.is_zero() {
        let during = within(ctx.period, reset);
        out.explain(ctx, || {
            format!(
                "basis {during} goes from {} to {}",
                readable(from.decimal()),
                readable(to.decimal())
            )
        });
    }
    let mut raw = N::ZERO;
    let mut lower = N::ZERO;
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
                    Some(upper) => format!("band up to {}", readable(upper.decimal())),
                    None => format!("band above {}", readable(lower.decimal())),
                };
                format!(
                    "{} ({range}) = {}",
                    ctx.applied(band.rate.decimal(), slice.decimal()),
                    readable(pays.decimal())
                )
            });
            out.note(ctx, || ctx.rate_note(band.rate.decimal(), slice.decimal()));
        }
        if let Some(upper) = upper {
            band_ends(band.rate, upper, from, to, "basis", out);
            lower = upper;
        }
    }
    running.total = to;
    Ok(raw)
}

/// A step-down on the clause's own cumulative earnings: the crossing
/// period's basis is split at the exact point where the step limit is reached.
fn steps_raw<N: Num>(
    steps: &[crate::agreement::Step<N>],
    earned_before: N,
    counted: N,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure<N> {
    let mut raw = N::ZERO;
    let mut left = counted;
    if !counted.is_zero() {
        out.explain(ctx, || {
            format!("earned so far: {}", readable(earned_before.decimal()))
        });
    }
    for step in steps {
        if left <= N::ZERO {
            break;
        }
        let paid = arith::add(earned_before, raw)?;
        let Some(limit) = step.until_paid else {
            raw = arith::add(raw, slice(step.rate, left, ctx, out)?)?;
            left = N::ZERO;
            break;
        };
        let room = arith::sub(limit, paid)?;
        if room <= N::ZERO {
            continue;
        }
        let full = arith::mul(step.rate, left)?;
        if full < room {
            raw = arith::add(raw, noted(step.rate, left, full, ctx, out))?;
            left = N::ZERO;
        } else {
            let used = arith::div(room, step.rate)?;
            out.explain(ctx, || {
                format!(
                    "{} = {} reaches the step limit of {}",
                    ctx.applied(step.rate.decimal(), used.decimal()),
                    readable(room.decimal()),
                    readable(limit.decimal())
                )
            });
            out.note(ctx, || ctx.rate_note(step.rate.decimal(), used.decimal()));
            raw = arith::add(raw, room)?;
            left = arith::sub(left, used)?;
            out.events.push((
                EventKind::StepChanged,
                format!(
                    "earnings reached {}: the {} step ends",
                    readable(limit.decimal()),
                    percent(step.rate.decimal())
                ),
            ));
        }
    }
    if left > N::ZERO && steps.last().is_some_and(|s| s.until_paid.is_some()) {
        let paid = arith::add(earned_before, raw)?;
        if steps
            .iter()
            .all(|s| s.until_paid.is_some_and(|limit| paid >= limit))
        {
            out.explain(ctx, || {
                format!(
                    "the schedule is complete: {} of basis pays nothing",
                    readable(left.decimal())
                )
            });
        }
    }
    Ok(raw)
}

/// Adds the year's (or quarter's) shortfall in its last active period.
fn minimum_true_up<N: Num>(
    minimum: &Limit<N>,
    running: &mut Running<N>,
    raw: N,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure<N> {
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
                    readable(minimum.amount.decimal()),
                    unit.keyword(),
                    readable(so_far.decimal())
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
            readable(so_far.decimal()),
            readable(minimum.amount.decimal()),
            readable(shortfall.decimal())
        )
    });
    out.note(ctx, || Note::MinimumTrueUp {
        shortfall: shortfall.decimal(),
    });
    out.events.push((
        EventKind::MinimumTrueUp,
        format!(
            "minimum of {}{per} trued up by {}",
            readable(minimum.amount.decimal()),
            readable(shortfall.decimal())
        ),
    ));
    arith::add(raw, shortfall)
}

/// Applies every cap: lifetime against lifetime earnings, calendar caps
/// against the earnings of their year, quarter or month. The cap prevails
/// over floors and minimums.
fn caps<N: Num>(
    caps: &[Limit<N>],
    state: &mut ShareState<N>,
    amount: N,
    topped_up: bool,
    ctx: &Context,
    out: &mut Outcome<'_>,
) -> Figure<N> {
    let mut amount = amount;
    for (cap, running) in caps.iter().zip(state.caps.iter_mut()) {
        running.enter(ctx.period, cap.per);
        let so_far = if cap.per.is_some() {
            running.total
        } else {
            state.earned
        };
        let room = arith::sub(cap.amount, so_far)?.max(N::ZERO);
        let per = Calendar::per_words(cap.per);
        if amount >= room && !(amount.is_zero() && room.is_zero()) {
            if room.is_zero() {
                out.explain(ctx, || {
                    format!(
                        "cap {}{per} already reached",
                        readable(cap.amount.decimal())
                    )
                });
                out.note(ctx, || Note::Cap {
                    cap: cap.amount.decimal(),
                    per: cap.per,
                    earlier: true,
                });
            } else {
                let paid = match cap.per {
                    Some(_) => format!(
                        " ({} earned {})",
                        readable(so_far.decimal()),
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
                        readable(cap.amount.decimal()),
                        readable(room.decimal())
                    )
                });
                out.note(ctx, || Note::Cap {
                    cap: cap.amount.decimal(),
                    per: cap.per,
                    earlier: false,
                });
                out.events.push(cap_reached(cap));
            }
            amount = room;
        } else if amount.is_zero() && room.is_zero() {
            out.note(ctx, || Note::Cap {
                cap: cap.amount.decimal(),
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
            Calendar::HalfYear => write!(f, "in {year}H{index}"),
            Calendar::Quarter => write!(f, "in {year}Q{index}"),
            Calendar::Month => write!(f, "in {year}-{index:02}"),
        }
    }
}
