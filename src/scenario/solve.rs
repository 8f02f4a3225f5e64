//! Goal seek: the smallest (or largest) factor of a column for which an
//! event happens by a period (`--until "Microsoft cap reached by 2029"`),
//! found by bisection over exact decimals on the grid of the precision
//! (multiples of 0.0001 by default). The event's period is assumed to move
//! one way with the factor (more revenue, an earlier cap), as it does for
//! caps, thresholds and steps on a positive basis; the answer is checked
//! against its neighbour on the grid, which does not satisfy the goal.

use rust_decimal::Decimal;

use super::{EventKey, GridError, Outcome, Variation, apply, check};
use crate::agreement::Agreement;
use crate::diagnostics::{Problem, suggest};
use crate::eval::statement::{EventKind, Statement};
use crate::eval::{self, Options};
use crate::period::Period;
use crate::series::Series;

/// The goal: an event of a clause, in or by a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Until {
    pub event: EventKey,
    pub period: Period,
    /// `in 2029` (exactly then) rather than `by 2029` (then or before).
    pub exactly: bool,
}

impl Until {
    /// `revenue-share cap reached by 2029`
    pub fn text(&self) -> String {
        let word = if self.exactly { "in" } else { "by" };
        format!("{} {word} {}", self.event.name(), self.period)
    }

    /// Whether an event in `period` (or none) is on the side of the
    /// boundary the search keeps: by the period when seeking the smallest
    /// factor (or the largest for `by`: an event that comes with less of
    /// the column); for the largest factor `in` a period, not before it
    /// (then, later or never), which holds for small factors of an event
    /// that more of the column brings sooner.
    /// Whether an event in `period` happens in the goal's period (within
    /// it: a quarter is in its year).
    fn within(&self, period: Period) -> bool {
        period.start() >= self.period.start() && period.end() <= self.period.end()
    }

    fn meets(&self, period: Option<Period>, largest: bool) -> bool {
        if largest && self.exactly {
            period.is_none_or(|p| p.start() >= self.period.start())
        } else {
            period.is_some_and(|p| p.end() <= self.period.end())
        }
    }
}

/// Reads a goal: `SUBJECT EVENT in|by PERIOD`, the subject a clause's
/// label or a party paid by exactly one clause (`Microsoft cap reached in
/// 2029`), quoted when it has spaces.
pub fn until(agreement: &Agreement, text: &str) -> Result<Until, String> {
    let shape = "expected `SUBJECT EVENT in|by PERIOD`, such as `Microsoft cap reached by 2029`";
    let words = text.trim();
    let (rest, period) = words
        .rsplit_once(char::is_whitespace)
        .ok_or_else(|| shape.to_string())?;
    let period = Period::parse(period.trim()).ok_or_else(|| {
        format!("`{period}` is not a period such as `2029`, `2029Q3` or `2029-07`")
    })?;
    let (rest, word) = rest
        .trim_end()
        .rsplit_once(char::is_whitespace)
        .ok_or_else(|| shape.to_string())?;
    let exactly = match word {
        "in" => true,
        "by" => false,
        _ => return Err(format!("{shape}; found `{word}` before the period")),
    };
    let rest = rest.trim_end();
    let Some(kind) = EventKind::NAMEABLE
        .iter()
        .copied()
        .find(|kind| kind.phrase().is_some_and(|phrase| rest.ends_with(phrase)))
    else {
        let phrases: Vec<&str> = EventKind::NAMEABLE
            .iter()
            .filter_map(|k| k.phrase())
            .collect();
        return Err(format!("{shape}; the events are {}", phrases.join(", ")));
    };
    let before = rest
        .strip_suffix(kind.phrase().unwrap_or_default())
        .unwrap_or_default();
    if !before.ends_with(char::is_whitespace) {
        return Err(format!(
            "{shape}; name the clause or party before `{}`",
            kind.phrase().unwrap_or_default()
        ));
    }
    let subject = before.trim();
    let subject = subject
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(subject);
    let clause = subject_clause(agreement, subject, kind)?;
    Ok(Until {
        event: EventKey { clause, kind },
        period,
        exactly,
    })
}

/// The clause a subject names: its label, or the one clause paying a party
/// that can have the event (an advance for `advance recouped`, a capped
/// share for `cap reached`...). A clause that cannot have it is refused,
/// naming the one that can.
fn subject_clause(agreement: &Agreement, subject: &str, kind: EventKind) -> Result<String, String> {
    let able = |clause: &crate::agreement::Clause| may_have(clause, kind);
    let phrase = kind.phrase().unwrap_or_default();
    if let Some(clause) = agreement.clauses.iter().find(|c| c.label == subject) {
        if able(clause) {
            return Ok(subject.to_string());
        }
        let others: Vec<&str> = agreement
            .clauses
            .iter()
            .filter(|c| able(c))
            .map(|c| c.label.as_str())
            .collect();
        return Err(match others.as_slice() {
            [] => format!("`{subject}` has no `{phrase}`, nor does any clause"),
            [one] => format!("`{subject}` has no `{phrase}`; `{one}` has: `{one} {phrase}`"),
            several => format!(
                "`{subject}` has no `{phrase}`; these do: {}",
                several
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if let Some(party) = agreement.parties.iter().position(|p| p.name == subject) {
        let paying: Vec<&crate::agreement::Clause> = agreement
            .clauses
            .iter()
            .filter(|c| c.payee == party)
            .collect();
        let able_ones: Vec<&str> = paying
            .iter()
            .filter(|c| able(c))
            .map(|c| c.label.as_str())
            .collect();
        return match (paying.as_slice(), able_ones.as_slice()) {
            ([], _) => Err(format!("no clause pays `{subject}`")),
            (_, [one]) => Ok((*one).to_string()),
            (_, []) => Err(format!("no clause paying `{subject}` has `{phrase}`")),
            (_, several) => Err(format!(
                "several clauses pay `{subject}`: name one of {}",
                several
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    let names = agreement
        .clauses
        .iter()
        .map(|c| c.label.as_str())
        .chain(agreement.parties.iter().map(|p| p.name.as_str()));
    let guess = suggest(subject, names)
        .map(|g| format!("; did you mean `{g}`?"))
        .unwrap_or_default();
    Err(format!(
        "no clause or party `{subject}` in the agreement{guess}"
    ))
}

/// Whether `clause` can have an event of `kind`, as far as its terms tell:
/// an advance is recouped, a capped share reaches its cap, a share with a
/// threshold crosses it, bands and steps change, a minimum is trued up, a
/// window opens and closes, a milestone is paid, a waterfall's step is
/// paid in full. Unsure is yes.
fn may_have(clause: &crate::agreement::Clause, kind: EventKind) -> bool {
    use crate::agreement::{ClauseKind, Rate};
    match (&clause.kind, kind) {
        (ClauseKind::Advance(_), EventKind::AdvanceRecouped) => true,
        (_, EventKind::AdvanceRecouped) => false,
        (ClauseKind::Milestone(_), EventKind::MilestonePaid) => true,
        (_, EventKind::MilestonePaid) => false,
        (ClauseKind::Share(share), EventKind::CapReached) => !share.caps.is_empty(),
        (ClauseKind::Share(share), EventKind::ThresholdCrossed) => share.threshold.is_some(),
        (ClauseKind::Share(share), EventKind::MinimumTrueUp) => share.minimum.is_some(),
        (ClauseKind::Share(share), EventKind::BandChanged) => {
            matches!(share.rate, Rate::Bands { .. })
        }
        (ClauseKind::Share(share), EventKind::StepChanged) => matches!(share.rate, Rate::Steps(_)),
        (ClauseKind::Advance(_), _) => false,
        _ => true,
    }
}

/// Where and how finely to search.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// The column scaled.
    pub column: String,
    pub low: Decimal,
    pub high: Decimal,
    /// The grid of factors tried: their multiples.
    pub precision: Decimal,
    /// The largest factor meeting the goal, rather than the smallest.
    pub largest: bool,
}

/// A factor found.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    pub factor: Decimal,
    /// The event's period at the factor.
    pub period: Period,
    /// The factor next to it on the grid (one precision below for the
    /// smallest, above for the largest), which misses the goal, and the
    /// event's period there (none: it does not happen).
    pub neighbour: Option<(Decimal, Option<Period>)>,
    /// The statement at the factor.
    pub statement: Statement,
    /// How many evaluations the search took.
    pub evaluations: usize,
}

/// Why no factor was found.
#[derive(Debug)]
pub enum SolveError {
    Grid(GridError),
    /// The agreement could not be evaluated at this factor.
    Problem(Decimal, Box<Problem>),
    /// No factor in the range meets the goal: the event's period at each
    /// end of it.
    Never {
        low: (Decimal, Option<Period>),
        high: (Decimal, Option<Period>),
    },
    /// The goal is `in` a period the event jumps over: at the factor found
    /// it happens in another period (or never), and at its neighbour on
    /// the grid (none: the factor is an end of the range) in another.
    Skipped {
        at: (Decimal, Option<Period>),
        neighbour: Option<(Decimal, Option<Period>)>,
    },
    /// A range or precision that cannot be searched.
    Range(String),
}

/// Seeks the factor: see the module.
pub fn solve(
    agreement: &Agreement,
    series: &Series,
    options: &Options,
    until: &Until,
    search: &Search,
) -> Result<Solution, SolveError> {
    let probe = Variation::Scale {
        column: search.column.clone(),
        factors: vec![Decimal::ONE],
    };
    check(agreement, series, std::slice::from_ref(&probe)).map_err(SolveError::Grid)?;
    let p = search.precision;
    if p.is_sign_negative() || p.is_zero() {
        return Err(SolveError::Range(
            "the precision must be more than zero".into(),
        ));
    }
    let steps = |value: Decimal, up: bool| {
        value
            .checked_div(p)
            .map(|k| if up { k.ceil() } else { k.floor() })
    };
    let (Some(lo), Some(hi)) = (steps(search.low, true), steps(search.high, false)) else {
        return Err(SolveError::Range(
            "the range is beyond the exact decimal range".into(),
        ));
    };
    if hi <= lo && search.high > search.low {
        return Err(SolveError::Range(format!(
            "the range {}..{} holds at most one multiple of the precision {p}: take a finer `--precision`",
            search.low, search.high
        )));
    }
    if hi < lo || search.low.is_sign_negative() {
        return Err(SolveError::Range(format!(
            "the range {}..{} holds no multiple of the precision {p}: take a finer `--precision`",
            search.low, search.high
        )));
    }
    let mut evaluations = 0usize;
    let mut at = |k: Decimal| -> Result<Probe, SolveError> {
        evaluations = evaluations.saturating_add(1);
        let factor = k.checked_mul(p).unwrap_or(Decimal::ZERO).normalize();
        let scale = Variation::Scale {
            column: search.column.clone(),
            factors: vec![factor],
        };
        let (varied, options) =
            apply(series, options, std::slice::from_ref(&scale), &[0]).map_err(SolveError::Grid)?;
        let statement = eval::evaluate(agreement, &varied, &options)
            .map_err(|problem| SolveError::Problem(factor, Box::new(problem)))?;
        let period = Outcome::of(&statement).events.get(&until.event).copied();
        Ok(Probe {
            k,
            factor,
            period,
            statement,
        })
    };
    let (low, high) = (at(lo)?, at(hi)?);
    let never = SolveError::Never {
        low: (low.factor, low.period),
        high: (high.factor, high.period),
    };
    let meets = |period: Option<Period>| until.meets(period, search.largest);
    // The goal holds toward one end of the range and not toward the other:
    // the smallest factor is sought from the high end down, the largest
    // from the low end up. `kept` meets the goal, `missed` does not.
    let (mut kept, mut missed) = if search.largest {
        (low, high)
    } else {
        (high, low)
    };
    let (answer, neighbour) = if meets(missed.period) {
        // Met at the far end already: that end is the answer.
        (missed, None)
    } else if !meets(kept.period) {
        return Err(never);
    } else {
        while kept
            .k
            .checked_sub(missed.k)
            .is_some_and(|gap| gap.abs() > Decimal::ONE)
        {
            let probe = at(midpoint(kept.k.min(missed.k), kept.k.max(missed.k)))?;
            if meets(probe.period) {
                kept = probe;
            } else {
                missed = probe;
            }
        }
        (kept, Some((missed.factor, missed.period)))
    };
    let Probe {
        factor,
        period,
        statement,
        ..
    } = answer;
    let period = match period {
        Some(period) if !until.exactly || until.within(period) => period,
        None if !until.exactly => return Err(never),
        _ => {
            return Err(SolveError::Skipped {
                at: (factor, period),
                neighbour,
            });
        }
    };
    Ok(Solution {
        factor,
        period,
        neighbour,
        statement,
        evaluations,
    })
}

/// One factor tried: its step on the grid, the factor, the event's period
/// there and the statement.
struct Probe {
    k: Decimal,
    factor: Decimal,
    period: Option<Period>,
    statement: Statement,
}

/// The whole number halfway between two (rounded down).
fn midpoint(lo: Decimal, hi: Decimal) -> Decimal {
    hi.checked_sub(lo)
        .and_then(|gap| gap.checked_div(Decimal::TWO))
        .map(|half| half.floor())
        .and_then(|half| lo.checked_add(half))
        .unwrap_or(lo)
}
