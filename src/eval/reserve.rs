//! Reserves against returns: a part of a share's earnings held back each
//! period and released later, in full or in equal parts.

use std::collections::VecDeque;

use rust_decimal::Decimal;

use super::arith::{self, Figure};
use crate::agreement::{Release, Reserve, RoundingMode};
use crate::money;

/// What one share holds in reserve: each part due, with the period it is
/// released in.
#[derive(Debug, Default, Clone)]
pub struct Held {
    due: VecDeque<(usize, Decimal)>,
}

/// One period of a reserve: what was held back and what was released.
#[derive(Debug, Clone, Copy, Default)]
pub struct Moved {
    pub held: Decimal,
    pub released: Decimal,
}

impl Held {
    /// Holds back the reserve's part of `earned` in period `t`, and
    /// releases what falls due in it.
    pub fn period(
        &mut self,
        reserve: &Reserve,
        earned: Decimal,
        t: usize,
        minor_units: u32,
        rounding: RoundingMode,
    ) -> Figure<Moved> {
        let held = if earned > Decimal::ZERO {
            money::round(arith::mul(reserve.rate, earned)?, minor_units, rounding)
        } else {
            Decimal::ZERO
        };
        if !held.is_zero() {
            let periods = usize::try_from(reserve.periods).unwrap_or(usize::MAX);
            match reserve.release {
                Release::After => self.due.push_back((t.saturating_add(periods), held)),
                Release::Over => {
                    // Each part rounded down to the minor unit, the last the rest.
                    let part = arith::div(held, Decimal::from(reserve.periods.max(1)))?
                        .round_dp_with_strategy(
                            minor_units,
                            rust_decimal::RoundingStrategy::ToZero,
                        );
                    let mut left = held;
                    for k in 1..=periods {
                        let amount = if k == periods { left } else { part };
                        left = arith::sub(left, amount)?;
                        self.due.push_back((t.saturating_add(k), amount));
                    }
                }
            }
        }
        let mut released = Decimal::ZERO;
        let mut kept = VecDeque::with_capacity(self.due.len());
        for (at, amount) in self.due.drain(..) {
            if at == t {
                released = arith::add(released, amount)?;
            } else {
                kept.push_back((at, amount));
            }
        }
        self.due = kept;
        Ok(Moved { held, released })
    }

    /// What is still held: released after the series ends, so not paid.
    pub fn still_held(&self) -> Figure {
        arith::sum(self.due.iter().map(|(_, amount)| *amount))
    }
}
