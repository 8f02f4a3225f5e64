//! The whole statement as JSON: amounts as strings, never floats.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::eval::statement::Statement;
use crate::money::fixed;

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// An effective rate as a decimal fraction, to ten places at most.
pub fn rate_text(rate: Decimal) -> String {
    crate::money::plain(rate)
}

/// Renders `statement` as one JSON document; each row carries its
/// derivation (`explain`) only when `explain` is asked for.
pub fn render(statement: &Statement, explain: bool) -> String {
    let mut text = serde_json::to_string_pretty(&document(statement, explain)).unwrap_or_default();
    text.push('\n');
    text
}

/// One line of JSON Lines for a portfolio: the statement with its `deal`.
pub fn render_line(deal: &str, statement: &Statement, explain: bool) -> String {
    let mut document = document(statement, explain);
    if let Some(object) = document.as_object_mut() {
        object.insert("deal".into(), json!(deal));
    }
    let mut text = document.to_string();
    text.push('\n');
    text
}

/// The statement as a JSON value.
fn document(statement: &Statement, explain: bool) -> Value {
    let minor = statement.minor_units;
    let amount = |value: Decimal| Value::String(fixed(value, minor));
    let rows: Vec<Value> = statement
        .rows
        .iter()
        .map(|row| {
            let mut value = json!({
                "period": row.period.to_string(),
                "clause": statement.clause(row),
                "payer": statement.payer(row),
                "party": statement.payee(row),
                "basis": row.basis.map(|b| b.normalize().to_string()),
                "effective_rate": row.effective_rate().map(rate_text),
                "amount": amount(row.amount),
                "cumulative": amount(row.cumulative),
                "note": statement.note(row),
            });
            if explain && let Some(object) = value.as_object_mut() {
                object.insert("explain".into(), json!(row.explain));
            }
            value
        })
        .collect();
    let totals: Vec<Value> = statement
        .totals
        .iter()
        .map(|total| {
            json!({
                "party": total.party,
                "received": amount(total.received),
                "paid": amount(total.paid),
                "net": amount(total.net),
            })
        })
        .collect();
    let events: Vec<Value> = statement
        .events
        .iter()
        .map(|event| {
            json!({
                "period": event.period.map(|p| p.to_string()),
                "clause": event.clause,
                "kind": event.kind.name(),
                "text": event.text,
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "agreement": statement.agreement,
        "currency": statement.currency,
        "rounding": statement.rounding,
        "periods": statement.periods.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "rows": rows,
        "totals": totals,
        "events": events,
        "reserves_held": statement.reserves_held.iter().map(|held| json!({
            "clause": statement.clauses.get(held.clause),
            "amount": fixed(held.amount, statement.minor_units),
        })).collect::<Vec<_>>(),
    })
}

/// A comparison as one JSON document: the term changes, and with a series
/// the money per period and party, the totals and the first difference.
pub fn render_diff(
    changes: &[crate::diff::TermChange],
    money: Option<&crate::diff::MoneyDiff>,
) -> String {
    let changes: Vec<Value> = changes
        .iter()
        .map(|change| {
            json!({
                "clause": change.clause,
                "change": change.kind.word(),
                "text": change.text,
            })
        })
        .collect();
    let money = money.map(|money| {
        let row = |row: &crate::diff::MoneyRow| {
            json!({
                "period": row.period.map(|p| p.to_string()),
                "party": row.party,
                "old": fixed(row.old, money.minor_units),
                "new": fixed(row.new, money.minor_units),
                "delta": fixed(row.delta, money.minor_units),
            })
        };
        json!({
            "first_difference": money.first.as_ref().map(|first| json!({
                "period": first.period.to_string(),
                "party": first.party,
                "clause": first.clause,
            })),
            "rows": money.rows.iter().map(row).collect::<Vec<_>>(),
            "totals": money.totals.iter().map(row).collect::<Vec<_>>(),
            "events": money.events.iter().map(|(change, event)| json!({
                "change": change.word(),
                "period": event.period.map(|p| p.to_string()),
                "clause": event.clause,
                "kind": event.kind.name(),
                "text": event.text,
            })).collect::<Vec<_>>(),
        })
    });
    let document = json!({
        "schema_version": SCHEMA_VERSION,
        "changes": changes,
        "money": money,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
