//! A reconciliation rendered: a table of the discrepancies and the totals
//! for people, every line as CSV or JSON for tools (the workbook is
//! [`crate::report::xlsx::reconciliation_workbook`]).

use serde_json::{Value, json};

use crate::money::{fixed, grouped};
use crate::reconcile::{Line, Reconciliation, Status};
use crate::report::table::figures;

/// `to the cent`, or `within 5.00`.
pub fn tolerance_words(reconciliation: &Reconciliation) -> String {
    if reconciliation.tolerance.is_zero() {
        match reconciliation.minor_units {
            2 => "to the cent".into(),
            0 => "to the unit".into(),
            _ => "to the minor unit".into(),
        }
    } else {
        format!(
            "within {}",
            fixed(reconciliation.tolerance, reconciliation.minor_units)
        )
    }
}

/// Why a line's figure is owed: its clauses and their notes, after the
/// event behind them when it happened in an earlier period (the notes of
/// the period it happens in say so themselves).
pub fn why(line: &Line) -> String {
    match &line.event {
        Some(event) if event.period != line.period => format!("{event}; {}", line.reason),
        _ => line.reason.clone(),
    }
}

/// `reported 4,100,000,000.00, owed 3,710,000,000.00: 390,000,000.00 more`
fn figures_in_words(line: &Line, minor: u32) -> String {
    let owed = grouped(line.owed, minor);
    let difference = grouped(line.difference.abs(), minor);
    match (line.status, line.reported) {
        (Status::NotReported, _) | (_, None) => format!("not reported: owed {owed}"),
        (Status::Unexpected, Some(reported)) => {
            format!("reported {}, owed nothing", grouped(reported, minor))
        }
        (_, Some(reported)) => {
            let more = if line.difference.is_sign_positive() {
                "more"
            } else {
                "less"
            };
            format!(
                "reported {}, owed {owed}: {difference} {more}",
                grouped(reported, minor)
            )
        }
    }
}

/// The discrepancies, then each party's totals; `deal` heads a portfolio's.
pub fn render_table(reconciliation: &Reconciliation, deal: Option<&str>, width: u16) -> String {
    let minor = reconciliation.minor_units;
    let mut out = String::new();
    if let Some(deal) = deal {
        out.push_str(&format!("deal {deal}\n"));
    }
    let differing = reconciliation.discrepancies().count();
    out.push_str(&format!(
        "{} ({}), reconciled {}: {}\n",
        reconciliation.agreement,
        reconciliation.currency,
        tolerance_words(reconciliation),
        match differing {
            0 => format!("all {} lines agree", reconciliation.lines.len()),
            n => format!("{n} of {} lines do not agree", reconciliation.lines.len()),
        }
    ));
    if differing > 0 {
        out.push_str("\ndiscrepancies\n");
        let widest = reconciliation
            .discrepancies()
            .map(|line| line.party.chars().count())
            .max()
            .unwrap_or(0);
        for line in reconciliation.discrepancies() {
            let period = line.period.to_string();
            out.push_str(&format!(
                "  {period:<7}  {:<widest$}  {}\n  {:<7}  {:<widest$}  {}\n",
                line.party,
                figures_in_words(line, minor),
                "",
                "",
                why(line),
            ));
        }
    }
    out.push_str("\ntotals\n");
    let totals = reconciliation
        .totals
        .iter()
        .map(|t| (vec![t.party.clone()], [t.reported, t.owed, t.difference]));
    out.push_str(&figures(
        width,
        minor,
        &["party", "reported", "owed", "difference"],
        totals,
    ));
    out.push('\n');
    out
}

/// The CSV header; `portfolio` adds the `deal` column.
pub fn csv_header(portfolio: bool) -> String {
    let mut out = String::new();
    let deal: &[&str] = if portfolio { &["deal"] } else { &[] };
    super::csv::record(&mut out, deal.iter().copied().chain(COLUMNS));
    out
}

/// The columns of a reconciliation's lines (after `deal`, in a portfolio).
pub const COLUMNS: [&str; 8] = [
    "period",
    "party",
    "reported",
    "owed",
    "difference",
    "status",
    "event",
    "reason",
];

/// Every line as CSV rows (no header); `deal` names a portfolio's.
pub fn csv_rows(reconciliation: &Reconciliation, deal: Option<&str>) -> String {
    let minor = reconciliation.minor_units;
    let mut out = String::new();
    for line in &reconciliation.lines {
        let period = line.period.to_string();
        let reported = line.reported.map(|r| fixed(r, minor)).unwrap_or_default();
        let [owed, difference] = [line.owed, line.difference].map(|a| fixed(a, minor));
        let event = line
            .event
            .as_ref()
            .map(|e| e.to_string())
            .unwrap_or_default();
        let fields = [
            period.as_str(),
            &line.party,
            &reported,
            &owed,
            &difference,
            line.status.word(),
            &event,
            &line.reason,
        ];
        super::csv::record(&mut out, deal.into_iter().chain(fields));
    }
    out
}

/// The reconciliation as a JSON value; amounts as strings.
pub fn json(reconciliation: &Reconciliation, deal: Option<&str>) -> Value {
    let minor = reconciliation.minor_units;
    let amount = |value| Value::String(fixed(value, minor));
    let lines: Vec<Value> = reconciliation
        .lines
        .iter()
        .map(|line| {
            json!({
                "period": line.period.to_string(),
                "party": line.party,
                "reported": line.reported.map(amount),
                "owed": amount(line.owed),
                "difference": amount(line.difference),
                "status": line.status.word(),
                "event": line.event.as_ref().map(|e| e.to_string()),
                "reason": line.reason,
                "reported_lines": line.reported_lines,
            })
        })
        .collect();
    let totals: Vec<Value> = reconciliation
        .totals
        .iter()
        .map(|total| {
            json!({
                "party": total.party,
                "reported": amount(total.reported),
                "owed": amount(total.owed),
                "difference": amount(total.difference),
            })
        })
        .collect();
    let mut value = json!({
        "agreement": reconciliation.agreement,
        "currency": reconciliation.currency,
        "tolerance": fixed(reconciliation.tolerance, minor),
        "agrees": reconciliation.agrees(),
        "discrepancies": reconciliation.discrepancies().count(),
        "lines": lines,
        "totals": totals,
    });
    if let (Some(deal), Some(object)) = (deal, value.as_object_mut()) {
        object.insert("deal".into(), json!(deal));
    }
    value
}
