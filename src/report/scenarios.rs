//! A grid of scenarios as a table (a scenario a row), CSV, JSON, or a
//! chart of each party's total against the first variation.

use comfy_table::{Cell, CellAlignment};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::chart::Chart;
use super::table::{amount, content_widths, table};
use super::xlsx::CapLine;
use crate::money::fixed;
use crate::records::write_fields;
use crate::scenario::Grid;

/// What a scenario says of an event that never happens.
pub const NEVER: &str = "never";

/// The parties shown: those who receive something in some scenario.
fn receiving(grid: &Grid) -> Vec<usize> {
    (0..grid.parties.len())
        .filter(|party| {
            grid.scenarios.iter().any(|(_, outcome)| {
                outcome
                    .received
                    .get(*party)
                    .is_some_and(|amount| !amount.is_zero())
            })
        })
        .collect()
}

/// The header: the variations, each party's total, each event.
fn header(grid: &Grid, parties: &[usize]) -> Vec<String> {
    grid.variations
        .iter()
        .map(|variation| variation.header())
        .chain(parties.iter().map(|party| {
            format!(
                "{} total",
                grid.parties.get(*party).map_or("", String::as_str)
            )
        }))
        .chain(grid.events.iter().map(|event| event.name()))
        .collect()
}

/// One scenario's cells: its values, totals (as `amount` writes them) and
/// event periods.
fn cells<T>(
    grid: &Grid,
    parties: &[usize],
    index: usize,
    mut text: impl FnMut(String) -> T,
    mut figure: impl FnMut(Decimal) -> T,
) -> Vec<T> {
    let Some((choice, outcome)) = grid.scenarios.get(index) else {
        return Vec::new();
    };
    let mut row: Vec<T> = grid
        .variations
        .iter()
        .zip(choice)
        .map(|(variation, value)| text(variation.value(*value)))
        .collect();
    for party in parties {
        row.push(figure(
            outcome.received.get(*party).copied().unwrap_or_default(),
        ));
    }
    for event in &grid.events {
        row.push(text(
            outcome
                .events
                .get(event)
                .map_or_else(|| NEVER.to_string(), ToString::to_string),
        ));
    }
    row
}

/// The grid as a table for a terminal.
pub fn render_table(grid: &Grid, width: u16) -> String {
    let parties = receiving(grid);
    let mut out = format!(
        "{} ({}): {} scenario{}\n",
        grid.agreement,
        grid.currency,
        grid.scenarios.len(),
        if grid.scenarios.len() == 1 { "" } else { "s" }
    );
    let mut rows = table(width);
    rows.set_header(header(grid, &parties));
    let minor = grid.minor_units;
    for index in 0..grid.scenarios.len() {
        rows.add_row(cells(
            grid,
            &parties,
            index,
            |text| Cell::new(text).set_alignment(CellAlignment::Right),
            |figure| amount(figure, minor),
        ));
    }
    content_widths(&mut rows, width);
    out.push_str(&rows.trim_fmt());
    out.push('\n');
    out
}

/// The grid as CSV: a header, then a row per scenario; amounts at the
/// currency's minor units.
pub fn render_csv(grid: &Grid) -> String {
    let parties = receiving(grid);
    let mut out = String::new();
    let head = header(grid, &parties);
    write_fields(&mut out, head.iter().map(String::as_str));
    out.push('\n');
    let minor = grid.minor_units;
    for index in 0..grid.scenarios.len() {
        let row = cells(
            grid,
            &parties,
            index,
            |text| text,
            |figure| fixed(figure, minor),
        );
        write_fields(&mut out, row.iter().map(String::as_str));
        out.push('\n');
    }
    out
}

/// The grid as JSON: the variations, then each scenario with its values,
/// each party's total (a string of digits) and each event's period (null
/// when it never happens).
pub fn render_json(grid: &Grid) -> String {
    let parties = receiving(grid);
    let minor = grid.minor_units;
    let variations: Vec<Value> = grid
        .variations
        .iter()
        .map(|variation| {
            let values: Vec<String> = (0..variation.len()).map(|i| variation.value(i)).collect();
            json!({ "name": variation.header(), "values": values })
        })
        .collect();
    let scenarios: Vec<Value> = grid
        .scenarios
        .iter()
        .map(|(choice, outcome)| {
            let values: Map<String, Value> = grid
                .variations
                .iter()
                .zip(choice)
                .map(|(v, i)| (v.header(), Value::String(v.value(*i))))
                .collect();
            let totals: Map<String, Value> = parties
                .iter()
                .filter_map(|party| {
                    let name = grid.parties.get(*party)?;
                    let received = outcome.received.get(*party).copied().unwrap_or_default();
                    Some((name.clone(), Value::String(fixed(received, minor))))
                })
                .collect();
            let events: Map<String, Value> = grid
                .events
                .iter()
                .map(|event| {
                    let period = outcome
                        .events
                        .get(event)
                        .map(|p| Value::String(p.to_string()));
                    (event.name(), period.unwrap_or(Value::Null))
                })
                .collect();
            json!({ "values": values, "totals": totals, "events": events })
        })
        .collect();
    let document = json!({
        "agreement": grid.agreement,
        "currency": grid.currency,
        "variations": variations,
        "scenarios": scenarios,
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// The most lines a chart draws.
const MAX_LINES: usize = 12;

/// Each party's total against the first variation's values, a line per
/// party and choice of the other variations' values (at most
/// [`MAX_LINES`]), with the lifetime caps.
pub fn chart(grid: &Grid, caps: &[CapLine]) -> Chart {
    let parties = receiving(grid);
    let first = grid.variations.first();
    let along = first.map_or(1, |v| v.len()).max(1);
    // Scenarios vary the first variation slowest: scenario
    // `step × others + other` is the first variation's `step`th value with
    // the `other`th choice of the rest.
    let others = grid.scenarios.len().checked_div(along).unwrap_or(0);
    let mut lines: Vec<(String, Vec<Decimal>)> = Vec::new();
    'choices: for other in 0..others {
        let rest: Vec<String> = grid
            .scenarios
            .get(other)
            .map(|(choice, _)| {
                grid.variations
                    .iter()
                    .zip(choice)
                    .skip(1)
                    .map(|(v, i)| format!("{} {}", v.header(), v.value(*i)))
                    .collect()
            })
            .unwrap_or_default();
        for party in &parties {
            if lines.len() >= MAX_LINES {
                break 'choices;
            }
            let name = grid.parties.get(*party).cloned().unwrap_or_default();
            let label = if rest.is_empty() {
                name
            } else {
                format!("{name}, {}", rest.join(", "))
            };
            let values = (0..along)
                .map(|step| {
                    grid.scenarios
                        .get(step.saturating_mul(others).saturating_add(other))
                        .and_then(|(_, outcome)| outcome.received.get(*party).copied())
                        .unwrap_or_default()
                })
                .collect();
            lines.push((label, values));
        }
    }
    Chart {
        title: format!(
            "{}: totals by {}",
            grid.agreement,
            first.map_or("scenario".to_string(), |v| v.header())
        ),
        periods: first.map_or_else(Vec::new, |v| (0..v.len()).map(|i| v.value(i)).collect()),
        lines,
        caps: caps.to_vec(),
        events: Vec::new(),
    }
}
