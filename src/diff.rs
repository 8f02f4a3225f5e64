//! Two versions of a deal compared: in terms (clause by clause, matched by
//! label) and, over a series, in money (per party and period).

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use crate::agreement::{
    Agreement, Bound, Calendar, Clause, ClauseKind, Limit, Priority, PriorityForm, Rate, Reserve,
    Share, Trigger,
};
use crate::eval::arith::{self, Fault};
use crate::eval::statement::{Event, EventKind, Row, Statement};
use crate::money::{compact, percent};
use crate::period::Period;

/// One difference in the terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermChange {
    /// The clause label, or `None` for the agreement itself.
    pub clause: Option<String>,
    pub kind: ChangeKind,
    /// `cap 38B -> 50B`, or the whole clause when added or removed.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub fn word(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// What changes in the terms, agreement first, then clause by clause.
pub fn terms(old: &Agreement, new: &Agreement) -> Vec<TermChange> {
    let mut changes = Vec::new();
    let mut agreement = |text: String| {
        changes.push(TermChange {
            clause: None,
            kind: ChangeKind::Changed,
            text,
        })
    };
    if old.name != new.name {
        agreement(format!("name \"{}\" -> \"{}\"", old.name, new.name));
    }
    if old.currency != new.currency {
        agreement(format!(
            "currency {} -> {}",
            old.currency.code, new.currency.code
        ));
    }
    let before = |a: &Agreement| {
        a.before
            .iter()
            .map(|(column, value)| format!("{column} = {}", compact(*value)))
            .collect::<Vec<_>>()
    };
    added_and_removed(
        &before(old)
            .into_iter()
            .map(|b| format!("before series {b}"))
            .collect::<Vec<_>>(),
        &before(new)
            .into_iter()
            .map(|b| format!("before series {b}"))
            .collect::<Vec<_>>(),
        &mut agreement,
    );
    if (old.rounding, old.rounding_scope) != (new.rounding, new.rounding_scope) {
        agreement(format!(
            "rounding {} -> {}",
            old.rounding_words(),
            new.rounding_words()
        ));
    }
    let names = |a: &Agreement| {
        a.parties
            .iter()
            .map(|p| format!("party `{}`", p.name))
            .collect::<Vec<_>>()
    };
    added_and_removed(&names(old), &names(new), &mut agreement);
    for event in &new.events {
        match old.events.iter().find(|e| e.name == event.name) {
            None => agreement(format!("event `{}` added{}", event.name, on(event.date))),
            Some(before) if before.date != event.date => agreement(format!(
                "event `{}` date {} -> {}",
                event.name,
                date_text(before.date),
                date_text(event.date)
            )),
            Some(_) => {}
        }
    }
    for event in old
        .events
        .iter()
        .filter(|e| !new.events.iter().any(|n| n.name == e.name))
    {
        agreement(format!("event `{}` removed", event.name));
    }
    let settlements = |a: &Agreement| {
        a.settlements
            .iter()
            .map(|s| settle_text(a, s.first, s.second))
            .collect::<Vec<_>>()
    };
    added_and_removed(&settlements(old), &settlements(new), &mut agreement);

    for clause in &new.clauses {
        match old.clauses.iter().find(|c| c.label == clause.label) {
            None => changes.push(TermChange {
                clause: Some(clause.label.clone()),
                kind: ChangeKind::Added,
                text: describe(new, clause),
            }),
            Some(before) => {
                for text in clause_changes(old, before, new, clause) {
                    changes.push(TermChange {
                        clause: Some(clause.label.clone()),
                        kind: ChangeKind::Changed,
                        text,
                    });
                }
            }
        }
    }
    for clause in old
        .clauses
        .iter()
        .filter(|c| !new.clauses.iter().any(|n| n.label == c.label))
    {
        changes.push(TermChange {
            clause: Some(clause.label.clone()),
            kind: ChangeKind::Removed,
            text: describe(old, clause),
        });
    }
    changes
}

/// Reports each item of `new` that `old` lacks as added, and each of `old`
/// that `new` lacks as removed.
fn added_and_removed(old: &[String], new: &[String], report: &mut impl FnMut(String)) {
    for item in new.iter().filter(|item| !old.contains(item)) {
        report(format!("{item} added"));
    }
    for item in old.iter().filter(|item| !new.contains(item)) {
        report(format!("{item} removed"));
    }
}

/// The differences between two versions of one clause, each as `what old -> new`.
fn clause_changes(
    old: &Agreement,
    before: &Clause,
    new: &Agreement,
    after: &Clause,
) -> Vec<String> {
    let mut changes = Vec::new();
    let mut compare = |what: &str, a: String, b: String| {
        if a != b {
            changes.push(format!("{what} {} -> {}", or_none(&a), or_none(&b)));
        }
    };
    compare("payer", party(old, before.payer), party(new, after.payer));
    compare("payee", party(old, before.payee), party(new, after.payee));
    match (&before.kind, &after.kind) {
        (ClauseKind::Share(a), ClauseKind::Share(b)) => {
            compare("basis", a.basis.text.clone(), b.basis.text.clone());
            compare("rate", rate_text(a), rate_text(b));
            for per in [
                None,
                Some(Calendar::Year),
                Some(Calendar::Quarter),
                Some(Calendar::Month),
            ] {
                let cap = |share: &Share| {
                    share
                        .caps
                        .iter()
                        .find(|c| c.per == per)
                        .map(limit_amount)
                        .unwrap_or_default()
                };
                compare(&format!("cap{}", Calendar::per_words(per)), cap(a), cap(b));
            }
            let limit = |l: &Option<Limit>| l.as_ref().map(limit_text).unwrap_or_default();
            compare("threshold", limit(&a.threshold), limit(&b.threshold));
            compare("floor", limit(&a.floor), limit(&b.floor));
            compare("minimum", limit(&a.minimum), limit(&b.minimum));
            compare_windows(old, &a.window, new, &b.window, &mut compare);
            let reserve =
                |share: &Share| share.reserve.as_ref().map(reserve_text).unwrap_or_default();
            compare("reserve", reserve(a), reserve(b));
            let condition = |share: &Share| {
                share
                    .condition
                    .as_ref()
                    .map(condition_text)
                    .unwrap_or_default()
            };
            compare("if", condition(a), condition(b));
            let measure = |share: &Share| {
                share
                    .measure
                    .as_ref()
                    .map(|m| m.text.clone())
                    .unwrap_or_default()
            };
            compare("counted in", measure(a), measure(b));
        }
        (ClauseKind::Rest(a), ClauseKind::Rest(b)) => {
            // The order of the bases changes nothing.
            let sorted = |rest: &crate::agreement::Rest| {
                let mut texts: Vec<&str> = rest.bases.iter().map(|b| b.text.as_str()).collect();
                texts.sort_unstable();
                texts.join(", ")
            };
            compare("basis", sorted(a), sorted(b))
        }
        (ClauseKind::Priority(a), ClauseKind::Priority(b)) => {
            let basis = |agreement: &Agreement, p: &Priority| {
                agreement
                    .waterfalls
                    .get(p.waterfall)
                    .map(|w| w.basis.text.clone())
                    .unwrap_or_default()
            };
            // The waterfall's basis, once: with its first step.
            if a.step == 1 && b.step == 1 {
                compare("waterfall of", basis(old, a), basis(new, b));
            }
            compare("step", a.step.to_string(), b.step.to_string());
            compare("terms", priority_text(&a.form), priority_text(&b.form));
        }
        (ClauseKind::Milestone(a), ClauseKind::Milestone(b)) => {
            compare("milestone", compact(a.amount), compact(b.amount));
            compare(
                "paid",
                trigger_text(old, &a.trigger),
                trigger_text(new, &b.trigger),
            );
        }
        (ClauseKind::Fee(a), ClauseKind::Fee(b)) => {
            compare(
                "fee",
                format!("{}{}", compact(a.amount), Calendar::per_words(Some(a.per))),
                format!("{}{}", compact(b.amount), Calendar::per_words(Some(b.per))),
            );
            compare_windows(old, &a.window, new, &b.window, &mut compare);
        }
        (ClauseKind::Withhold(a), ClauseKind::Withhold(b)) => {
            compare("withheld", percent(a.rate), percent(b.rate));
            compare("from payments to", party(old, a.party), party(new, b.party));
        }
        (ClauseKind::Advance(a), ClauseKind::Advance(b)) => {
            compare("advance", compact(a.amount), compact(b.amount));
            compare("paid on", date_text(a.on), date_text(b.on));
            let labels = |agreement: &Agreement, ids: &[usize]| {
                ids.iter()
                    .filter_map(|id| agreement.clauses.get(*id))
                    .map(|c| c.label.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            compare(
                "recouped from",
                labels(old, &a.recouped_by),
                labels(new, &b.recouped_by),
            );
        }
        _ => compare("clause", describe(old, before), describe(new, after)),
    }
    changes
}

/// A checked clause in the language's own words.
pub fn describe(agreement: &Agreement, clause: &Clause) -> String {
    let payer = party(agreement, clause.payer);
    let payee = party(agreement, clause.payee);
    match &clause.kind {
        ClauseKind::Share(share) => {
            let mut text = format!(
                "share {} of {} from {payer} to {payee}",
                rate_text(share),
                share.basis.text
            );
            for cap in &share.caps {
                text.push_str(&format!(" cap {}", limit_text(cap)));
            }
            for (keyword, limit) in [
                ("above", &share.threshold),
                ("floor", &share.floor),
                ("minimum", &share.minimum),
            ] {
                if let Some(limit) = limit {
                    text.push_str(&format!(" {keyword} {}", limit_text(limit)));
                }
            }
            if share.window.from.is_some() {
                text.push_str(&format!(
                    " from {}",
                    window_text(agreement, &share.window, "from")
                ));
            }
            if share.window.until.is_some() {
                text.push_str(&format!(
                    " until {}",
                    window_text(agreement, &share.window, "until")
                ));
            }
            if let Some(reserve) = &share.reserve {
                text.push_str(&format!(" reserve {}", reserve_text(reserve)));
            }
            text
        }
        ClauseKind::Rest(rest) => format!("rest of {} from {payer} to {payee}", rest.text()),
        ClauseKind::Priority(priority) => {
            let basis = agreement
                .waterfalls
                .get(priority.waterfall)
                .map(|w| w.basis.text.as_str())
                .unwrap_or_default();
            format!(
                "step {} of the waterfall of {basis} from {payer}: {} to {payee}",
                priority.step,
                priority_text(&priority.form)
            )
        }
        ClauseKind::Milestone(milestone) => format!(
            "pay {} from {payer} to {payee} {}",
            compact(milestone.amount),
            trigger_text(agreement, &milestone.trigger)
        ),
        ClauseKind::Fee(fee) => format!(
            "pay {}{} from {payer} to {payee}",
            compact(fee.amount),
            Calendar::per_words(Some(fee.per))
        ),
        ClauseKind::Withhold(withholding) => format!(
            "withhold {} of payments from {payer} to {} for {payee}",
            percent(withholding.rate),
            party(agreement, withholding.party)
        ),
        ClauseKind::Advance(advance) => {
            let on = on(advance.on);
            format!(
                "advance {} from {payer} to {payee}{on}",
                compact(advance.amount)
            )
        }
    }
}

/// A window's bound as written: `2026-01-01`, `period of termination`.
/// Compares the `from` and `until` ends of two versions of a window.
fn compare_windows(
    old: &Agreement,
    a: &crate::agreement::Window,
    new: &Agreement,
    b: &crate::agreement::Window,
    compare: &mut impl FnMut(&str, String, String),
) {
    for which in ["from", "until"] {
        compare(
            which,
            window_text(old, a, which),
            window_text(new, b, which),
        );
    }
}

fn window_text(agreement: &Agreement, window: &crate::agreement::Window, which: &str) -> String {
    let (bound, anchor) = if which == "from" {
        (window.from, window.from_anchor)
    } else {
        (window.until, window.until_anchor)
    };
    match bound {
        Some(_) => format!("{}{}", anchor.words(), bound_text(agreement, bound)),
        None => String::new(),
    }
}

/// `previous year gross < 5M`, as written after `if`.
fn condition_text(condition: &crate::agreement::Condition) -> String {
    let looks_at = match condition.looks_at {
        crate::agreement::LooksAt::Previous(unit) => format!("previous {}", unit.keyword()),
        crate::agreement::LooksAt::This(unit) => format!("this {}", unit.keyword()),
        crate::agreement::LooksAt::EachOf(count) => format!("each of previous {count} periods"),
    };
    format!(
        "{looks_at} {} {} {}",
        condition.basis.text,
        condition.comparison.symbol(),
        compact(condition.level)
    )
}

/// `on approval`, `when net_sales exceed 300M per year`
fn trigger_text(agreement: &Agreement, trigger: &Trigger) -> String {
    match trigger {
        Trigger::On(bound) => format!("on {}", bound_text(agreement, Some(*bound))),
        Trigger::Exceeds { basis, level, per } => format!(
            "when {} exceed {}{}",
            basis.text,
            compact(*level),
            Calendar::per_words(*per)
        ),
    }
}

/// `25% released over 2 periods`
fn reserve_text(reserve: &Reserve) -> String {
    let periods = if reserve.periods == 1 {
        "period"
    } else {
        "periods"
    };
    format!(
        "{} released {} {} {periods}",
        percent(reserve.rate),
        reserve.release.keyword(),
        reserve.periods
    )
}

/// A waterfall step's terms, without its payee: `30%`, `recoup expenses cap 5M`.
fn priority_text(form: &PriorityForm) -> String {
    match form {
        PriorityForm::Share(rate) => percent(*rate),
        PriorityForm::Recoup { costs, cap } => match cap {
            Some(cap) => format!("recoup {} cap {}", costs.text, compact(*cap)),
            None => format!("recoup {}", costs.text),
        },
        PriorityForm::Rest { until: Some(until) } => {
            format!("rest until received {}", compact(*until))
        }
        PriorityForm::Rest { until: None } => "rest".into(),
        PriorityForm::Pay(amount) => format!("pay {}", compact(*amount)),
        PriorityForm::Split { rate, last: false } => format!("split {}", percent(*rate)),
        // The last part takes the rest: moving it moves money.
        PriorityForm::Split { rate, last: true } => {
            format!("split {}, the last part (takes the rest)", percent(*rate))
        }
    }
}

/// `20%`, `30% up to 1M, 20% above per year`, `50% until paid 300K, then 10%`.
fn rate_text(share: &Share) -> String {
    // A fraction of the basis, or an amount per unit of it.
    let figure = |rate: rust_decimal::Decimal| {
        if share.per_unit {
            format!("{} per unit", compact(rate))
        } else {
            percent(rate)
        }
    };
    match &share.rate {
        Rate::Flat(rate) => figure(*rate),
        Rate::Bands { bands, reset } => {
            let tiers: Vec<String> = bands
                .iter()
                .map(|band| match band.up_to {
                    Some(up_to) => format!("{} up to {}", figure(band.rate), compact(up_to)),
                    None => format!("{} above", figure(band.rate)),
                })
                .collect();
            format!("{}{}", tiers.join(", "), Calendar::per_words(*reset))
        }
        Rate::Steps(steps) => steps
            .iter()
            .map(|step| match step.until_paid {
                Some(limit) => format!("{} until paid {}", figure(step.rate), compact(limit)),
                None => figure(step.rate),
            })
            .collect::<Vec<_>>()
            .join(", then "),
    }
}

fn limit_amount(limit: &Limit) -> String {
    compact(limit.amount)
}

fn limit_text(limit: &Limit) -> String {
    format!(
        "{}{}",
        compact(limit.amount),
        Calendar::per_words(limit.per)
    )
}

fn bound_text(agreement: &Agreement, bound: Option<Bound>) -> String {
    match bound {
        None => String::new(),
        Some(Bound::Date(date)) => date.to_string(),
        Some(Bound::Event(id)) => agreement
            .events
            .get(id)
            .map(|e| e.name.clone())
            .unwrap_or_default(),
    }
}

fn party(agreement: &Agreement, id: usize) -> String {
    agreement
        .parties
        .get(id)
        .map(|p| p.name.clone())
        .unwrap_or_default()
}

fn settle_text(agreement: &Agreement, first: usize, second: usize) -> String {
    format!(
        "settle net between {} and {}",
        party(agreement, first),
        party(agreement, second)
    )
}

fn on(date: Option<jiff::civil::Date>) -> String {
    date.map(|d| format!(" on {d}")).unwrap_or_default()
}

fn date_text(date: Option<jiff::civil::Date>) -> String {
    date.map_or_else(|| "none".to_string(), |d| d.to_string())
}

fn or_none(text: &str) -> &str {
    if text.is_empty() { "none" } else { text }
}

/// What changes in the money: per party and period, and in total.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyDiff {
    pub minor_units: u32,
    /// Every period and party of either statement, in period order.
    pub rows: Vec<MoneyRow>,
    /// Per party, over the whole series.
    pub totals: Vec<MoneyRow>,
    /// The first period and party where the two differ, and the clause that
    /// makes the difference.
    pub first: Option<Divergence>,
    /// Events of one statement that the other lacks (a cap reached in
    /// another period, a threshold no longer crossed...).
    pub events: Vec<(ChangeKind, Event)>,
}

/// Old and new net amounts of one party, in one period or in total: what it
/// receives less what it pays.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyRow {
    pub period: Option<Period>,
    pub party: String,
    pub old: Decimal,
    pub new: Decimal,
    /// `new - old`.
    pub delta: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    pub period: Period,
    pub party: String,
    pub clause: String,
}

/// Compares two statements over the same series; `Err` if a figure leaves
/// the decimal range.
pub fn money(old: &Statement, new: &Statement) -> Result<MoneyDiff, Fault> {
    let mut parties: Vec<&str> = Vec::new();
    for total in old.totals.iter().chain(&new.totals) {
        if !parties.contains(&total.party.as_str()) {
            parties.push(&total.party);
        }
    }
    let mut periods: Vec<Period> = old.periods.iter().chain(&new.periods).copied().collect();
    periods.sort();
    periods.dedup();
    let (old_nets, new_nets) = (nets(old)?, nets(new)?);
    let row = |period: Option<Period>,
               party: &str,
               old: Decimal,
               new: Decimal|
     -> Result<MoneyRow, Fault> {
        Ok(MoneyRow {
            period,
            party: party.to_string(),
            old,
            new,
            delta: arith::sub(new, old)?,
        })
    };
    let mut rows = Vec::with_capacity(periods.len().saturating_mul(parties.len()));
    for period in &periods {
        for party in &parties {
            let net = |nets: &HashMap<(Period, &str), Decimal>| {
                nets.get(&(*period, *party)).copied().unwrap_or_default()
            };
            rows.push(row(Some(*period), party, net(&old_nets), net(&new_nets))?);
        }
    }
    let mut totals = Vec::with_capacity(parties.len());
    for party in &parties {
        let total = |nets: &HashMap<(Period, &str), Decimal>| {
            arith::sum(
                nets.iter()
                    .filter(|((_, p), _)| p == party)
                    .map(|(_, net)| *net),
            )
        };
        totals.push(row(None, party, total(&old_nets)?, total(&new_nets)?)?);
    }
    let first = rows
        .iter()
        .find(|row| !row.delta.is_zero())
        .and_then(|row| {
            let period = row.period?;
            Some(Divergence {
                period,
                party: row.party.clone(),
                clause: diverging_clause(old, new, period, &row.party),
            })
        });
    // An event is the same in both when its clause, kind and period are:
    // looked up in a set, as a long series may have thousands of events.
    fn key(e: &Event) -> (&str, EventKind, Option<Period>) {
        (&e.clause, e.kind, e.period)
    }
    let (in_old, in_new): (HashSet<_>, HashSet<_>) = (
        old.events.iter().map(key).collect(),
        new.events.iter().map(key).collect(),
    );
    let mut events: Vec<(ChangeKind, Event)> = old
        .events
        .iter()
        .filter(|e| !in_new.contains(&key(e)))
        .map(|e| (ChangeKind::Removed, e.clone()))
        .chain(
            new.events
                .iter()
                .filter(|e| !in_old.contains(&key(e)))
                .map(|e| (ChangeKind::Added, e.clone())),
        )
        .collect();
    events.sort_by_key(|(_, event)| event.period);
    Ok(MoneyDiff {
        minor_units: new.minor_units,
        rows,
        totals,
        first,
        events,
    })
}

/// What each party receives less what it pays, per period.
fn nets(statement: &Statement) -> Result<HashMap<(Period, &str), Decimal>, Fault> {
    let mut nets: HashMap<(Period, &str), Decimal> = HashMap::new();
    for row in &statement.rows {
        let received = nets.entry((row.period, statement.payee(row))).or_default();
        *received = arith::add(*received, row.amount)?;
        let paid = nets.entry((row.period, statement.payer(row))).or_default();
        *paid = arith::sub(*paid, row.amount)?;
    }
    Ok(nets)
}

/// The first clause (in the new agreement's order, then the old's) whose
/// payments to or from `party` in `period` differ between the statements.
fn diverging_clause(old: &Statement, new: &Statement, period: Period, party: &str) -> String {
    let amount = |statement: &Statement, clause: &str| {
        let involves = |r: &&Row| {
            r.period == period
                && statement.clause(r) == clause
                && (statement.payee(r) == party || statement.payer(r) == party)
        };
        arith::sum(statement.rows.iter().filter(involves).map(|r| {
            if statement.payee(r) == party {
                r.amount
            } else {
                arith::negate(r.amount)
            }
        }))
        .ok()
    };
    let candidates = |statement: &'_ Statement| {
        statement
            .rows
            .iter()
            .filter(move |r| {
                r.period == period && (statement.payee(r) == party || statement.payer(r) == party)
            })
            .map(move |r| statement.clause(r).to_string())
            .collect::<Vec<_>>()
    };
    candidates(new)
        .into_iter()
        .chain(candidates(old))
        .find(|clause| amount(old, clause) != amount(new, clause))
        .unwrap_or_default()
}
