//! `deal test`: each expectation of an agreement held against its statement.

use rust_decimal::Decimal;

use crate::agreement::{Agreement, Expectation, Expected, Subject};
use crate::diagnostics::{Problem, ProblemKind};
use crate::eval::statement::{Row, Statement};
use crate::eval::{Options, arith};
use crate::money::{self, readable};
use crate::period::Period;
use crate::series::Series;

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

/// Evaluates `agreement` on `series` once for the agreement as written
/// (with `options`) and once for each scenario its expectations name
/// (`expect if acquisition on 2027-01-01: ...`, its dates over `options`'),
/// and holds each expectation against its own statement: the verdicts in
/// the order of the expectations.
pub fn verify_scenarios(
    agreement: &Agreement,
    series: &Series,
    options: &Options,
) -> Result<Vec<Verdict>, Problem> {
    let mut scenarios: Vec<&[(String, jiff::civil::Date)]> = Vec::new();
    for expectation in &agreement.expectations {
        if !scenarios.contains(&expectation.scenario.as_slice()) {
            scenarios.push(&expectation.scenario);
        }
    }
    let mut verdicts: Vec<Option<Verdict>> = vec![None; agreement.expectations.len()];
    for scenario in scenarios {
        let mut dated = options.clone();
        dated.event_dates.extend(scenario.iter().cloned());
        let statement = crate::eval::evaluate(agreement, series, &dated)?;
        for (slot, expectation) in verdicts.iter_mut().zip(&agreement.expectations) {
            if expectation.scenario.as_slice() == scenario {
                *slot = Some(verdict(agreement, &statement, expectation));
            }
        }
    }
    Ok(verdicts.into_iter().flatten().collect())
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
        Expected::Total(amount) => match sum(agreement, statement, expectation, None) {
            Some(total) => (
                same(total, *amount, agreement),
                format!(
                    "{} in total{}",
                    readable(total),
                    other_figure(agreement, statement, expectation, None, total)
                ),
            ),
            None => (false, "a total beyond the exact decimal range".into()),
        },
        Expected::InPeriod(period, amount) => {
            if !statement.periods.iter().any(|p| p.within(*period)) {
                (false, format!("no period of the series in {period}"))
            } else {
                match sum(agreement, statement, expectation, Some(*period)) {
                    Some(total) => (
                        same(total, *amount, agreement),
                        format!(
                            "{} in {period}{}",
                            readable(total),
                            other_figure(agreement, statement, expectation, Some(*period), total)
                        ),
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
                    Subject::Clauses { first, end } => agreement
                        .clauses
                        .get(first..end)
                        .is_some_and(|clauses| clauses.iter().any(|c| c.label == e.clause)),
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

/// Where net settlement makes a party's figure differ before and after its
/// offsets, the other one, for a failed expectation to show both: "26.37M
/// in total (108.15M before settlement)".
fn other_figure(
    agreement: &Agreement,
    statement: &Statement,
    expectation: &Expectation,
    period: Option<Period>,
    figure: Decimal,
) -> String {
    if agreement.settlements.is_empty() || matches!(expectation.subject, Subject::Clauses { .. }) {
        return String::new();
    }
    let other = Expectation {
        before_settlement: !expectation.before_settlement,
        ..expectation.clone()
    };
    match sum(agreement, statement, &other, period) {
        Some(other_figure) if other_figure != figure => format!(
            " ({} {} settlement)",
            readable(other_figure),
            if other.before_settlement {
                "before"
            } else {
                "after"
            }
        ),
        _ => String::new(),
    }
}

/// Whether a total matches the expected amount, the latter rounded to the
/// minor unit as the agreement rounds its payments.
fn same(total: Decimal, expected: Decimal, agreement: &Agreement) -> bool {
    let minor = agreement.currency.minor_units;
    money::round(expected, minor, agreement.rounding) == total
}

/// What a party received, or a clause paid, over the series or in one
/// period: after net settlement's offsets (what moved), or before them
/// when the expectation says `before settlement` (what the clauses paid).
fn sum(
    agreement: &Agreement,
    statement: &Statement,
    expectation: &Expectation,
    period: Option<Period>,
) -> Option<Decimal> {
    // The statement numbers parties and clauses as the agreement does; the
    // rows of net settlement come after the agreement's clauses.
    let settlement = |row: &Row| row.clause >= agreement.clauses.len();
    let gross = expectation.before_settlement;
    let matches = |row: &Row| match expectation.subject {
        Subject::Party(id) => row.payee == id && !(gross && settlement(row)),
        Subject::Clauses { first, end } => (first..end).contains(&row.clause),
        Subject::Any => !(gross && settlement(row)),
    };
    let amounts = statement
        .rows
        .iter()
        .filter(|row| period.is_none_or(|p| row.period.within(p)))
        .filter(|row| matches(row))
        .map(|row| row.amount);
    arith::sum(amounts).ok()
}
