//! `deal test`: each expectation of an agreement held against its statement.

use rust_decimal::Decimal;

use crate::agreement::{Agreement, Expectation, Expected, Subject};
use crate::diagnostics::{Problem, ProblemKind};
use crate::eval::arith;
use crate::eval::statement::{Row, Statement};
use crate::money::{self, readable};
use crate::period::Period;

/// The outcome of one expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    /// What the statement says, in the expectation's terms.
    pub actual: String,
}

/// Holds every expectation of `agreement` against `statement`.
pub fn verify(agreement: &Agreement, statement: &Statement) -> Vec<Verdict> {
    agreement
        .expectations
        .iter()
        .map(|expectation| verdict(agreement, statement, expectation))
        .collect()
}

/// The failed verdicts as problems, located at their `expect` lines.
pub fn failures(agreement: &Agreement, verdicts: &[Verdict]) -> Vec<Problem> {
    agreement
        .expectations
        .iter()
        .zip(verdicts)
        .filter(|(_, verdict)| !verdict.passed)
        .map(|(expectation, verdict)| {
            Problem::new(
                ProblemKind::ExpectationFailed {
                    expected: expectation.text.clone(),
                    actual: verdict.actual.clone(),
                },
                expectation.span,
            )
        })
        .collect()
}

fn verdict(agreement: &Agreement, statement: &Statement, expectation: &Expectation) -> Verdict {
    let (passed, actual) = match &expectation.kind {
        Expected::Total(amount) => match sum(statement, expectation.subject, None) {
            Some(total) => (
                same(total, *amount, agreement),
                format!("{} in total", readable(total)),
            ),
            None => (false, "a total beyond the exact decimal range".into()),
        },
        Expected::InPeriod(period, amount) => {
            if !statement.periods.iter().any(|p| p.within(*period)) {
                (false, format!("no period of the series in {period}"))
            } else {
                match sum(statement, expectation.subject, Some(*period)) {
                    Some(total) => (
                        same(total, *amount, agreement),
                        format!("{} in {period}", readable(total)),
                    ),
                    None => (
                        false,
                        format!("a total in {period} beyond the exact decimal range"),
                    ),
                }
            }
        }
        Expected::Event(event, period) => {
            let periods: Vec<Period> = statement
                .events
                .iter()
                .filter(|e| e.kind.phrase() == Some(event.as_str()))
                .filter(|e| match expectation.subject {
                    Subject::Clause(id) => agreement
                        .clauses
                        .get(id)
                        .is_some_and(|c| c.label == e.clause),
                    _ => true,
                })
                .filter_map(|e| e.period)
                .collect();
            let actual = match periods.as_slice() {
                [] => format!("no `{event}` at all"),
                _ => {
                    let listed: Vec<String> = periods.iter().map(Period::to_string).collect();
                    format!("{event} in {}", listed.join(", "))
                }
            };
            (periods.iter().any(|p| p.within(*period)), actual)
        }
    };
    Verdict { passed, actual }
}

/// Whether a total matches the expected amount, the latter rounded to the
/// minor unit as the agreement rounds its payments.
fn same(total: Decimal, expected: Decimal, agreement: &Agreement) -> bool {
    let minor = agreement.currency.minor_units;
    money::round(expected, minor, agreement.rounding) == total
}

/// What a party received, or a clause paid, over the series or in one period.
fn sum(statement: &Statement, subject: Subject, period: Option<Period>) -> Option<Decimal> {
    // The statement numbers parties and clauses as the agreement does.
    let matches = |row: &Row| match subject {
        Subject::Party(id) => row.payee == id,
        Subject::Clause(id) => row.clause == id,
        Subject::Any => true,
    };
    let amounts = statement
        .rows
        .iter()
        .filter(|row| period.is_none_or(|p| row.period.within(p)))
        .filter(|row| matches(row))
        .map(|row| row.amount);
    arith::sum(amounts).ok()
}
