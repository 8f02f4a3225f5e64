//! The statement as one self-contained HTML page (`-o statement.html`):
//! the totals, the chart inline, the events, a table per clause with the
//! derivation of every figure on demand (`<details>`), and the agreement's
//! text with each clause linked to its table and back. No script, no font,
//! no style sheet from anywhere: the page makes no network request.
//!
//! Figures a tool reads (the totals, each payment) carry their exact
//! amount in a `data-amount` attribute, as `-f csv` writes it.

use std::fmt::Write as _;

use crate::agreement::Agreement;
use crate::eval::statement::{Row, Statement};
use crate::money::{fixed, grouped};

/// The page's style: plain, printable, wide tables scroll.
const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#111}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}\
th,td{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}\
td.amount,th.amount{text-align:right;white-space:nowrap}\
details summary{cursor:pointer}details ol{margin:.25rem 0;padding-left:1.2rem;color:#333}\
.meta{color:#555}.chart svg{max-width:100%;height:auto}\
pre.terms{background:#f7f7f7;padding:1rem;overflow-x:auto;line-height:1.4}\
pre.terms a{color:inherit;text-decoration:none;border-bottom:1px dotted #777}\
pre.terms a:target,section:target h3{background:#ffeb99}";

/// Renders the page, its chart drawn ([`super::chart`]). `statement` should
/// carry its explanations (evaluated with `explain`) for the figures to be
/// explained.
pub fn render(
    statement: &Statement,
    agreement: &Agreement,
    (name, text): (&str, &str),
) -> Result<String, super::chart::ChartError> {
    let caps = super::xlsx::cap_lines(agreement);
    let chart = super::chart::Chart::of_statement(statement, &caps).svg(super::chart::SIZE)?;
    let minor = statement.minor_units;
    let mut out = String::with_capacity(64 * 1024);
    let title = escape(&statement.agreement);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{title}</h1>\n<p class=\"meta\">{} · {} · payments rounded {} · from <code>{}</code></p>\n",
        escape(&statement.currency),
        escape(&statement.period_span()),
        escape(&statement.rounding),
        escape(name),
    );

    out.push_str("<h2>Totals</h2>\n<table id=\"totals\">\n<thead><tr><th>party</th><th class=\"amount\">received</th><th class=\"amount\">paid</th><th class=\"amount\">net</th></tr></thead>\n<tbody>\n");
    for total in &statement.totals {
        let _ = write!(
            out,
            "<tr data-party=\"{}\"><td>{}</td>",
            escape(&total.party),
            escape(&total.party)
        );
        for (field, amount) in [
            ("received", total.received),
            ("paid", total.paid),
            ("net", total.net),
        ] {
            let _ = write!(
                out,
                "<td class=\"amount\" data-field=\"{field}\" data-amount=\"{}\">{}</td>",
                fixed(amount, minor),
                grouped(amount, minor)
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");

    out.push_str("<h2>Cumulative payments</h2>\n<div class=\"chart\">\n");
    // The SVG's own XML, inline: no file to fetch.
    out.push_str(chart.trim_start_matches(|c| c != '<'));
    out.push_str("\n</div>\n");

    out.push_str("<h2>Events</h2>\n");
    if statement.events.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<table id=\"events\">\n<tbody>\n");
        for event in &statement.events {
            let period = event.period.map(|p| p.to_string()).unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr data-kind=\"{}\"><td>{}</td><td><a href=\"#{}\">{}</a></td><td>{}</td></tr>",
                event.kind.name(),
                escape(&period),
                clause_id(statement, &event.clause),
                escape(&event.clause),
                escape(&event.text)
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }

    out.push_str("<h2>Payments</h2>\n");
    for (label, rows) in super::table::by_clause(statement) {
        clause_section(&mut out, statement, label, &rows);
    }

    out.push_str("<h2>Terms</h2>\n<pre class=\"terms\">");
    terms(&mut out, statement, agreement, text);
    out.push_str("</pre>\n</body>\n</html>\n");
    Ok(out)
}

/// One clause's table: a row per period, its note, and its derivation on
/// demand.
fn clause_section(out: &mut String, statement: &Statement, label: &str, rows: &[&Row]) {
    let minor = statement.minor_units;
    let id = clause_id(statement, label);
    let heading = match rows.first() {
        Some(first) if label != crate::eval::SETTLEMENT_LABEL => format!(
            "{}: {} pays {}",
            escape(label),
            escape(statement.payer(first)),
            escape(statement.payee(first))
        ),
        _ => format!("{}: offsets between parties who settle net", escape(label)),
    };
    let _ = write!(
        out,
        "<section id=\"{id}\">\n<h3>{heading} <a href=\"#terms-{id}\" title=\"the clause in the terms\">¶</a></h3>\n\
         <table>\n<thead><tr><th>period</th><th>payee</th><th class=\"amount\">amount</th><th class=\"amount\">cumulative</th><th>why</th></tr></thead>\n<tbody>\n"
    );
    for row in rows {
        let note = escape(&statement.note(row));
        let why = if row.explain.is_empty() {
            note
        } else {
            let steps: String = row
                .explain
                .iter()
                .map(|step| format!("<li>{}</li>", escape(step)))
                .collect();
            format!("<details><summary>{note}</summary><ol>{steps}</ol></details>")
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"amount\" data-amount=\"{}\">{}</td><td class=\"amount\">{}</td><td>{why}</td></tr>",
            row.period,
            escape(statement.payee(row)),
            fixed(row.amount, minor),
            grouped(row.amount, minor),
            grouped(row.cumulative, minor),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// The agreement's text, each clause a link to its table (and the target
/// of the table's link back).
fn terms(out: &mut String, statement: &Statement, agreement: &Agreement, text: &str) {
    let mut spans: Vec<(usize, usize, String)> = agreement
        .clauses
        .iter()
        .map(|clause| {
            (
                clause.span.start,
                clause.span.end,
                clause_id(statement, &clause.label),
            )
        })
        .collect();
    spans.sort_by_key(|(start, ..)| *start);
    let mut at = 0;
    for (start, end, id) in spans {
        // A waterfall's steps sit inside the waterfall: the outer link only.
        if start < at || end > text.len() {
            continue;
        }
        out.push_str(&escape(text.get(at..start).unwrap_or_default()));
        let _ = write!(
            out,
            "<a id=\"terms-{id}\" href=\"#{id}\">{}</a>",
            escape(text.get(start..end).unwrap_or_default())
        );
        at = end;
    }
    out.push_str(&escape(text.get(at..).unwrap_or_default()));
}

/// `clause-3`: a clause's anchor, by its place among the statement's
/// clauses (labels may hold any character).
fn clause_id(statement: &Statement, label: &str) -> String {
    let index = statement
        .clauses
        .iter()
        .position(|c| c == label)
        .unwrap_or(usize::MAX);
    format!("clause-{index}")
}

/// Text as HTML: the five characters that mean something there, escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
