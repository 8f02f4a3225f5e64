//! The statement as long-form CSV: one row per period, clause and payee.
//! Rows for one period and party add up to what that party receives then.

use crate::eval::statement::Statement;
use crate::money::{fixed, write_fixed, write_plain};

/// The header, in order.
pub const COLUMNS: [&str; 10] = [
    "period",
    "clause",
    "payer",
    "party",
    "basis",
    "effective_rate",
    "amount",
    "cumulative",
    "note",
    "explain",
];

/// Renders `statement` as CSV; `explain` fills the last column.
pub fn render(statement: &Statement, explain: bool) -> String {
    let mut out = header(false, explain).join(",");
    out.push('\n');
    write_rows(&mut out, statement, None, explain);
    out
}

/// The header: `deal` first for a portfolio, `explain` last when asked for.
pub fn header(portfolio: bool, explain: bool) -> Vec<&'static str> {
    let deal = portfolio.then_some("deal");
    let columns = match COLUMNS.split_last() {
        Some((_, without_explain)) if !explain => without_explain,
        _ => &COLUMNS,
    };
    deal.into_iter().chain(columns.iter().copied()).collect()
}

/// Appends the rows of `statement` to `out`, each led by `deal` when given.
/// Written straight into one buffer, names quoted once per statement, and
/// numbers (which never need quoting) with no check: a portfolio writes
/// millions of rows.
pub fn write_rows(out: &mut String, statement: &Statement, deal: Option<&str>, explain: bool) {
    let quoted = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .map(|name| {
                let mut text = String::with_capacity(name.len());
                field(&mut text, name);
                text
            })
            .collect()
    };
    let (parties, clauses) = (quoted(&statement.parties), quoted(&statement.clauses));
    let mut lead = String::new();
    if let Some(deal) = deal {
        field(&mut lead, deal);
        lead.push(',');
    }
    let minor = statement.minor_units;
    let mut note = String::new();
    for row in &statement.rows {
        out.push_str(&lead);
        out.push_str(row.period.label().as_str());
        out.push(',');
        out.push_str(name(&clauses, row.clause));
        out.push(',');
        out.push_str(name(&parties, row.payer));
        out.push(',');
        out.push_str(name(&parties, row.payee));
        out.push(',');
        if let Some(basis) = row.basis {
            write_plain(out, basis);
        }
        out.push(',');
        if let Some(rate) = row.effective_rate() {
            write_plain(out, rate);
        }
        out.push(',');
        write_fixed(out, row.amount, minor);
        out.push(',');
        write_fixed(out, row.cumulative, minor);
        out.push(',');
        note.clear();
        statement.write_note(&mut note, row);
        field(out, &note);
        if explain {
            out.push(',');
            field(out, &row.explain.join("; "));
        }
        out.push('\n');
    }
}

fn name(names: &[String], id: usize) -> &str {
    names.get(id).map_or("", String::as_str)
}

/// Appends one CSV field, quoted only where it must be (a comma, a quote or
/// a line break), quotes doubled: the csv crate's own rule.
fn field(out: &mut String, text: &str) {
    if !text
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        out.push_str(text);
        return;
    }
    out.push('"');
    for piece in text.split_inclusive('"') {
        out.push_str(piece);
        if piece.ends_with('"') {
            out.push('"');
        }
    }
    out.push('"');
}

/// The bytes written, as text.
fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
    let bytes = writer.into_inner().map_err(|error| error.into_error())?;
    // Every field written was a Rust string, so the bytes are UTF-8: checking
    // is cheaper than a lossy copy.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned()))
}

/// A comparison as CSV: with a series, one row per period and party
/// (`period,party,old,new,delta`; the totals are these rows summed, so they
/// are left out); without, one row per changed term (`clause,change,text`).
pub fn render_diff(
    changes: &[crate::diff::TermChange],
    money: Option<&crate::diff::MoneyDiff>,
) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    match money {
        Some(money) => {
            writer.write_record(["period", "party", "old", "new", "delta"])?;
            for row in &money.rows {
                writer.write_record([
                    row.period.map(|p| p.to_string()).unwrap_or_default(),
                    row.party.clone(),
                    fixed(row.old, money.minor_units),
                    fixed(row.new, money.minor_units),
                    fixed(row.delta, money.minor_units),
                ])?;
            }
        }
        None => {
            writer.write_record(["clause", "change", "text"])?;
            for change in changes {
                writer.write_record([
                    change.clause.clone().unwrap_or_default(),
                    change.kind.word().to_string(),
                    change.text.clone(),
                ])?;
            }
        }
    }
    finish(writer)
}
