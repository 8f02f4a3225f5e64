//! The statement as long-form CSV: one row per period, clause and payee.
//! Rows for one period and party add up to what that party receives then.

use crate::eval::statement::Statement;
use crate::money::{fixed, write_fixed, write_plain};

/// A column of the CSV statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// The agreement's file name without `.deal`: portfolios only.
    Deal,
    Period,
    Clause,
    Payer,
    Party,
    Basis,
    EffectiveRate,
    Amount,
    Cumulative,
    Note,
    /// The derivation step by step: with `--explain` only.
    Explain,
}

/// Every column, in the default order (`deal` and `explain` when they apply).
pub const COLUMNS: [Column; 11] = [
    Column::Deal,
    Column::Period,
    Column::Clause,
    Column::Payer,
    Column::Party,
    Column::Basis,
    Column::EffectiveRate,
    Column::Amount,
    Column::Cumulative,
    Column::Note,
    Column::Explain,
];

impl Column {
    /// The column's name in the header.
    pub fn name(self) -> &'static str {
        match self {
            Column::Deal => "deal",
            Column::Period => "period",
            Column::Clause => "clause",
            Column::Payer => "payer",
            Column::Party => "party",
            Column::Basis => "basis",
            Column::EffectiveRate => "effective_rate",
            Column::Amount => "amount",
            Column::Cumulative => "cumulative",
            Column::Note => "note",
            Column::Explain => "explain",
        }
    }

    /// The column of this name.
    pub fn named(name: &str) -> Option<Column> {
        COLUMNS.into_iter().find(|column| column.name() == name)
    }
}

/// The default columns: `deal` first for a portfolio, `explain` last when
/// asked for.
pub fn default_columns(portfolio: bool, explain: bool) -> Vec<Column> {
    COLUMNS
        .into_iter()
        .filter(|column| match column {
            Column::Deal => portfolio,
            Column::Explain => explain,
            _ => true,
        })
        .collect()
}

/// Renders `statement` as CSV in the given columns.
pub fn render(statement: &Statement, columns: &[Column]) -> String {
    let mut out = header(columns);
    write_rows(&mut out, statement, None, columns);
    out
}

/// The header line.
pub fn header(columns: &[Column]) -> String {
    let mut out = columns
        .iter()
        .map(|column| column.name())
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    out
}

/// Appends the rows of `statement` to `out` in the given columns; `deal`
/// names the agreement in a portfolio. Written straight into one buffer,
/// names quoted once per statement, and numbers (which never need quoting)
/// with no check: a portfolio writes millions of rows.
pub fn write_rows(out: &mut String, statement: &Statement, deal: Option<&str>, columns: &[Column]) {
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
    let mut deal_field = String::new();
    field(&mut deal_field, deal.unwrap_or_default());
    let minor = statement.minor_units;
    let mut note = String::new();
    for row in &statement.rows {
        for (index, column) in columns.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            match column {
                Column::Deal => out.push_str(&deal_field),
                Column::Period => out.push_str(row.period.label().as_str()),
                Column::Clause => out.push_str(name(&clauses, row.clause)),
                Column::Payer => out.push_str(name(&parties, row.payer)),
                Column::Party => out.push_str(name(&parties, row.payee)),
                Column::Basis => {
                    if let Some(basis) = row.basis {
                        write_plain(out, basis);
                    }
                }
                Column::EffectiveRate => {
                    if let Some(rate) = row.effective_rate() {
                        write_plain(out, rate);
                    }
                }
                Column::Amount => write_fixed(out, row.amount, minor),
                Column::Cumulative => write_fixed(out, row.cumulative, minor),
                Column::Note => {
                    note.clear();
                    statement.write_note(&mut note, row);
                    field(out, &note);
                }
                Column::Explain => field(out, &row.explain.join("; ")),
            }
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
