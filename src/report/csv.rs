//! The statement as long-form CSV: one row per period, clause and payee.
//! Rows for one period and party add up to what that party receives then.

use crate::eval::statement::Statement;
use crate::money::fixed;

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
pub fn render(statement: &Statement, explain: bool) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header(false, explain))?;
    write_rows(&mut writer, statement, None, explain)?;
    finish(writer)
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

/// Writes the rows of `statement`, each led by `deal` when given. Fields go
/// out one by one from a reused buffer: a portfolio writes millions.
pub fn write_rows<W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    statement: &Statement,
    deal: Option<&str>,
    explain: bool,
) -> Result<(), csv::Error> {
    use std::fmt::Write as _;
    let minor = statement.minor_units;
    let mut buffer = String::new();
    for row in &statement.rows {
        if let Some(deal) = deal {
            writer.write_field(deal)?;
        }
        buffer.clear();
        // Writing to a String cannot fail.
        let _ = write!(buffer, "{}", row.period);
        writer.write_field(&buffer)?;
        writer.write_field(statement.clause(row))?;
        writer.write_field(statement.payer(row))?;
        writer.write_field(statement.payee(row))?;
        match row.basis {
            Some(basis) => {
                let basis = basis.normalize();
                writer.write_field(fixed(basis, basis.scale()))?;
            }
            None => writer.write_field("")?,
        }
        writer.write_field(
            row.effective_rate()
                .map(super::json::rate_text)
                .unwrap_or_default(),
        )?;
        writer.write_field(fixed(row.amount, minor))?;
        writer.write_field(fixed(row.cumulative, minor))?;
        buffer.clear();
        statement.write_note(&mut buffer, row);
        writer.write_field(&buffer)?;
        if explain {
            writer.write_field(row.explain.join("; "))?;
        }
        writer.write_record(None::<&[u8]>)?;
    }
    Ok(())
}

/// The bytes written, as text.
pub fn finish(writer: csv::Writer<Vec<u8>>) -> Result<String, csv::Error> {
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
