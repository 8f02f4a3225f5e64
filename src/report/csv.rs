//! The statement as long-form CSV: one row per period, clause and payee.
//! Rows for one period and party add up to what that party receives then.

use crate::eval::statement::Statement;
use crate::money::{fixed, write_fixed, write_plain};
use crate::records::{write_field as field, write_fields};

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
        let start = out.len();
        for (index, column) in columns.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            match column {
                Column::Deal => out.push_str(&deal_field),
                Column::Period => row.period.write_label(out),
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
        end_record(out, start);
    }
}

/// Ends the record begun at `start`. A record of nothing (one empty field)
/// is written `""`, as the csv crate writes it: a blank line would be
/// skipped by every CSV reader, and the row lost.
fn end_record(out: &mut String, start: usize) {
    if out.len() == start {
        out.push_str("\"\"");
    }
    out.push('\n');
}

/// Appends one record of text fields.
pub(crate) fn record<'f>(out: &mut String, fields: impl IntoIterator<Item = &'f str>) {
    let start = out.len();
    write_fields(out, fields);
    end_record(out, start);
}

fn name(names: &[String], id: usize) -> &str {
    names.get(id).map_or("", String::as_str)
}

/// A comparison as CSV: with a series, one row per period and party
/// (`period,party,old,new,delta`; the totals are these rows summed, so they
/// are left out); without, one row per changed term (`clause,change,text`).
/// `--by party`: `period,party,amount,cumulative,from`, one row per payee
/// and period ([`crate::report::by_party`]); `from` names the clauses that
/// paid, separated by `; `.
pub fn render_by_party(statement: &Statement) -> String {
    let mut out = String::new();
    record(
        &mut out,
        ["period", "party", "amount", "cumulative", "from"],
    );
    let minor = statement.minor_units;
    for row in crate::report::by_party::rows(statement).unwrap_or_default() {
        let period = row.period.to_string();
        let party = statement.parties.get(row.party).map_or("", String::as_str);
        let [amount, cumulative] = [row.amount, row.cumulative].map(|a| fixed(a, minor));
        let from = row.from(statement).replace(", ", "; ");
        record(
            &mut out,
            [period.as_str(), party, &amount, &cumulative, &from],
        );
    }
    out
}

pub fn render_diff(
    changes: &[crate::diff::TermChange],
    money: Option<&crate::diff::MoneyDiff>,
) -> String {
    let mut out = String::new();
    match money {
        Some(money) => {
            record(&mut out, ["period", "party", "old", "new", "delta"]);
            // Every period and party, then each party's total with an
            // empty period.
            for row in money.rows.iter().chain(&money.totals) {
                let period = row.period.map(|p| p.to_string()).unwrap_or_default();
                let [old, new, delta] =
                    [row.old, row.new, row.delta].map(|amount| fixed(amount, money.minor_units));
                record(&mut out, [period.as_str(), &row.party, &old, &new, &delta]);
            }
        }
        None => {
            record(&mut out, ["clause", "change", "text"]);
            for change in changes {
                let clause = change.clause.as_deref().unwrap_or_default();
                record(&mut out, [clause, change.kind.word(), &change.text]);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// What is written reads back as it was, with the csv crate's reader:
        /// commas, quotes, line breaks, empty fields and single empty fields.
        #[test]
        fn records_read_back_as_written(fields in proptest::collection::vec("[a-z,\"\r\n ]{0,6}", 1..5)) {
            let mut out = String::new();
            record(&mut out, fields.iter().map(String::as_str));
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(out.as_bytes());
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            proptest::prop_assert_eq!(read, vec![fields]);
        }
    }
}
