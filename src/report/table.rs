//! The statement as tables for a terminal: one table per clause (period,
//! amount, running total and the reason), the parties' totals, the events
//! that matter, and with `--explain` how each figure was derived.

use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table};

use rust_decimal::Decimal;

use crate::eval::statement::{Row, Statement};
use crate::money::grouped;
use crate::period::Period;

/// Only the rule under the header is drawn (comfy-table's positional preset:
/// header lines and their intersections).
const STYLE: &str = "     ──             ";

/// How the payments are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// One table per clause.
    #[default]
    ByClause,
    /// One table: each payee's receipts per period (`--by party`).
    ByParty,
}

/// Renders `statement` to fit `width` columns, a table per clause.
pub fn render(statement: &Statement, width: u16, explain: bool) -> String {
    render_laid_out(statement, width, explain, Layout::ByClause)
}

/// Renders `statement` to fit `width` columns, laid out as `layout` says.
pub fn render_laid_out(statement: &Statement, width: u16, explain: bool, layout: Layout) -> String {
    let minor = statement.minor_units;
    let mut out = String::new();
    let span = statement.period_span();
    out.push_str(&format!(
        "{} ({}, payments rounded {}), {span}\n",
        statement.agreement, statement.currency, statement.rounding
    ));

    match layout {
        Layout::ByClause => clause_tables(&mut out, statement, width),
        Layout::ByParty => party_table(&mut out, statement, width),
    }

    out.push_str("\ntotals\n");
    let totals = statement
        .totals
        .iter()
        .map(|t| (vec![t.party.clone()], [t.received, t.paid, t.net]));
    out.push_str(&figures(
        width,
        minor,
        &["party", "received", "paid", "net"],
        totals,
    ));
    out.push('\n');

    if !statement.reserves_held.is_empty() {
        let held = statement.reserves_held.iter().map(|held| {
            let clause = statement
                .clauses
                .get(held.clause)
                .cloned()
                .unwrap_or_default();
            (vec![clause], [held.amount])
        });
        out.push_str("\nreserves still held at the end (not paid)\n");
        out.push_str(&figures(width, minor, &["clause", "held"], held));
        out.push('\n');
    }

    if !statement.events.is_empty() {
        out.push_str("\nevents\n");
        for event in &statement.events {
            let period = event
                .period
                .map_or_else(|| "-".to_string(), |p| p.to_string());
            out.push_str(&format!("  {period:<8} {}: {}\n", event.clause, event.text));
        }
    }

    if explain {
        out.push_str("\nhow each figure was derived\n");
        for row in &statement.rows {
            out.push_str(&format!(
                "  {}  {}: {} to {}\n",
                row.period,
                statement.clause(row),
                grouped(row.amount, minor),
                statement.payee(row),
            ));
            for line in &row.explain {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    terminal_safe(out)
}

/// `text` with every control character but the line feed escaped
/// (`\u{1b}`): a name in an agreement may hold an escape sequence, and a
/// table goes to a terminal.
fn terminal_safe(text: String) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text;
    }
    text.split('\n')
        .map(crate::diagnostics::printable)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One table per clause: period, payee, amount, running total, note.
fn clause_tables(out: &mut String, statement: &Statement, width: u16) {
    let minor = statement.minor_units;
    for (label, rows) in by_clause(statement) {
        let Some(first) = rows.first() else { continue };
        if label == crate::eval::SETTLEMENT_LABEL {
            out.push_str(&format!(
                "\n{label}: offsets between parties who settle net\n"
            ));
        } else {
            out.push_str(&format!(
                "\n{label}: {} pays {}\n",
                statement.payer(first),
                statement.payee(first)
            ));
        }
        let rows = rows.iter().map(|row| {
            let note = statement.note(row);
            (
                row.period,
                statement.payee(row),
                row.amount,
                row.cumulative,
                note,
            )
        });
        payments(out, width, minor, "note", rows);
    }
}

/// One table of what each payee received per period, in all: `--by party`.
fn party_table(out: &mut String, statement: &Statement, width: u16) {
    let minor = statement.minor_units;
    let Ok(rows) = crate::report::by_party::rows(statement) else {
        // A party's sum in one period fits where its totals did; were it
        // ever out of range, the clause tables show the same payments.
        return clause_tables(out, statement, width);
    };
    out.push_str("\nby party: what each payee received, every clause together\n");
    let rows = rows.iter().map(|row| {
        let payee = statement.parties.get(row.party).map_or("", String::as_str);
        (
            row.period,
            payee,
            row.amount,
            row.cumulative,
            row.from(statement),
        )
    });
    payments(out, width, minor, "from", rows);
}

/// A table of payments appended to `out`: period, payee, amount, running
/// total, and a last column of words (`note`, or `from`).
fn payments<'s>(
    out: &mut String,
    width: u16,
    minor: u32,
    last: &str,
    rows: impl Iterator<Item = (Period, &'s str, Decimal, Decimal, String)>,
) {
    let mut table = table(width);
    table.set_header(["period", "payee", "amount", "cumulative", last]);
    for (period, payee, paid, cumulative, words) in rows {
        table.add_row(vec![
            Cell::new(period),
            Cell::new(payee),
            amount(paid, minor),
            amount(cumulative, minor),
            Cell::new(words),
        ]);
    }
    fit(&mut table, 4);
    out.push_str(&table.trim_fmt());
    out.push('\n');
}

/// Rows grouped by clause, clauses in order of first appearance.
pub(crate) fn by_clause(statement: &Statement) -> Vec<(&str, Vec<&Row>)> {
    let mut groups: Vec<(usize, Vec<&Row>)> = Vec::new();
    for row in &statement.rows {
        match groups.iter_mut().find(|(clause, _)| *clause == row.clause) {
            Some((_, group)) => group.push(row),
            None => groups.push((row.clause, vec![row])),
        }
    }
    groups
        .into_iter()
        .map(|(clause, rows)| {
            (
                statement.clauses.get(clause).map_or("", String::as_str),
                rows,
            )
        })
        .collect()
}

/// An amount, right-aligned, thousands grouped, exactly the minor digits.
pub(crate) fn amount(value: rust_decimal::Decimal, minor: u32) -> Cell {
    Cell::new(grouped(value, minor)).set_alignment(CellAlignment::Right)
}

pub(crate) fn table(width: u16) -> Table {
    let mut table = Table::new();
    table
        .load_preset(STYLE)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    table
}

/// Keeps every column but the last (the note) at its content's width, so
/// figures never wrap; the note takes what is left.
fn fit(table: &mut Table, figures: usize) {
    for column in table.column_iter_mut().take(figures) {
        column.set_constraint(ColumnConstraint::ContentWidth);
    }
}

/// A table of labels then amounts (totals, differences), every column at
/// its content's width; if that is wider than `width`, the columns move
/// closer together (two spaces between them, not three) before any figure
/// would wrap.
pub(crate) fn figures<const N: usize>(
    width: u16,
    minor: u32,
    header: &[&str],
    rows: impl Iterator<Item = (Vec<String>, [rust_decimal::Decimal; N])>,
) -> String {
    let mut table = table(width);
    table.set_header(header.iter().copied());
    for (labels, amounts) in rows {
        let cells = labels.into_iter().map(Cell::new);
        table.add_row(
            cells
                .chain(amounts.map(|a| amount(a, minor)))
                .collect::<Vec<_>>(),
        );
    }
    content_widths(&mut table, width);
    table.trim_fmt()
}

/// Keeps every column at its content's width (figures never wrap), the
/// padding narrowed when that is wider than `width`.
pub(crate) fn content_widths(table: &mut Table, width: u16) {
    let widths = table.column_max_content_widths();
    // A space of border each side, and each column padded by one each side
    // with a space between: 2 + sum(content + 2) + (columns - 1).
    let natural = widths
        .iter()
        .map(|w| usize::from(*w).saturating_add(3))
        .fold(1usize, usize::saturating_add);
    let tight = natural > usize::from(width);
    for column in table.column_iter_mut() {
        column.set_constraint(ColumnConstraint::ContentWidth);
        if tight {
            column.set_padding((1, 0));
        }
    }
}

/// A comparison of two versions: the changed terms, then (with a series)
/// the money per party and period where it differs, and the totals.
pub fn render_diff(
    changes: &[crate::diff::TermChange],
    money: Option<&crate::diff::MoneyDiff>,
    width: u16,
) -> String {
    let mut out = String::from("terms\n");
    if changes.is_empty() {
        out.push_str("  no change in the terms\n");
    }
    for change in changes {
        let line = match (&change.clause, change.kind) {
            (None, _) => format!("  agreement: {}", change.text),
            (Some(label), crate::diff::ChangeKind::Changed) => {
                format!("  `{label}`: {}", change.text)
            }
            (Some(label), kind) => format!("  `{label}` {}: {}", kind.word(), change.text),
        };
        out.push_str(&line);
        out.push('\n');
    }
    let Some(money) = money else {
        return out;
    };
    let minor = money.minor_units;
    out.push_str("\nmoney\n");
    let Some(first) = &money.first else {
        out.push_str("  no payment changes\n");
        // Events may change where money does not: a step limit replaced by
        // an equal cap ends the same, with another event.
        diff_events(&mut out, money);
        return out;
    };
    out.push_str(&format!(
        "  first difference: {}, from `{}`\n",
        first.period, first.clause
    ));
    let changed = money
        .rows
        .iter()
        .filter(|row| !row.delta.is_zero())
        .map(|row| {
            let period = row.period.map(|p| p.to_string()).unwrap_or_default();
            (
                vec![period, row.party.clone()],
                [row.old, row.new, row.delta],
            )
        });
    let header = ["period", "party", "old", "new", "delta"];
    out.push_str(&figures(width, minor, &header, changed));
    out.push_str("\n  (periods without a difference are left out)\n\ntotals\n");
    let totals = money
        .totals
        .iter()
        .map(|row| (vec![row.party.clone()], [row.old, row.new, row.delta]));
    out.push_str(&figures(
        width,
        minor,
        &["party", "old", "new", "delta"],
        totals,
    ));
    out.push('\n');
    diff_events(&mut out, money);
    out
}

/// The events of one version that the other lacks, `+` added, `-` gone.
fn diff_events(out: &mut String, money: &crate::diff::MoneyDiff) {
    if !money.events.is_empty() {
        out.push_str("\nevents\n");
        for (change, event) in &money.events {
            let sign = if *change == crate::diff::ChangeKind::Added {
                '+'
            } else {
                '-'
            };
            let period = event
                .period
                .map_or_else(|| "undated".to_string(), |p| p.to_string());
            out.push_str(&format!(
                "  {sign} {period:<8} {}: {}\n",
                event.clause, event.text
            ));
        }
    }
}
