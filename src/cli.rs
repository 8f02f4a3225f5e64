//! The command line, as clap structs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use dealterms::report::csv::{COLUMNS, Column};
use dealterms::scenario::Variation;
use jiff::civil::Date;

use crate::run::completions;

/// The version and the commit built: `0.1.0 (3f2a9c1d0b7e)`.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("DEAL_COMMIT"), ")");

/// Deal terms as code: check, evaluate and compare agreements written in the
/// deal language.
#[derive(Debug, Parser)]
#[command(name = "deal", version = VERSION, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// How to show problems: graphical for people, JSON lines for tools.
    #[arg(long, global = true, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub diagnostic_format: DiagnosticFormat,

    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check agreements for errors and warnings, without evaluating them.
    ///
    /// Exit status: 0 when every file is valid (warnings allowed), 1 when a
    /// file has errors, 2 when a file cannot be read.
    Check {
        /// Agreement files (`*.deal`); `-` reads standard input.
        #[arg(required = true, value_name = "FILE", add = completions::agreements())]
        files: Vec<PathBuf>,

        /// Print nothing for valid files.
        #[arg(short, long)]
        quiet: bool,
    },

    /// Evaluate an agreement against a series: every payment per period,
    /// clause and payee, running totals, party totals and the events that
    /// matter (caps reached, thresholds crossed, steps changed...).
    ///
    /// With several agreements or a directory, evaluate a portfolio against
    /// one long-form series whose `deal` column names each row's agreement
    /// (its file name without `.deal`); the output gains a `deal` column.
    ///
    /// Exit status: 0 on success, 1 when an agreement or the series is
    /// wrong, 2 on a usage or I/O error.
    Eval {
        /// The agreement (`*.deal`), or several, or directories of them.
        #[arg(required = true, value_name = "FILE", add = completions::agreements())]
        files: Vec<PathBuf>,

        /// The series: CSV with a header `period,<column>...`, or a workbook
        /// (.xlsx, .xlsm, .xls, .ods; `sales.xlsx#Sheet2` for a sheet other
        /// than the first); `-` reads standard input. Without it, the
        /// agreement's own `series`.
        #[arg(short, long, value_name = "CSV", add = completions::series())]
        series: Option<PathBuf>,

        /// Output format; without it, the output file's extension decides
        /// (`-o statement.xlsx`, `.csv`, `.json`), else a table. A workbook
        /// has the statement, totals, events, each payee's cumulative
        /// payments charted with its caps, and the agreement's text.
        #[arg(short, long, value_enum)]
        format: Option<StatementFormat>,

        /// Show how every figure was derived, in words and numbers.
        #[arg(long)]
        explain: bool,

        /// Date an event, overriding any date in the file (repeatable):
        /// `--event agi=2029-01-01`.
        #[arg(long = "event", value_name = "NAME=DATE", value_parser = event_date, add = completions::events())]
        events: Vec<(String, Date)>,

        /// Write the statement to this file (whole or not at all) instead of
        /// standard output (`-`).
        #[arg(short, long, value_name = "OUT", add = completions::files())]
        output: Option<PathBuf>,

        /// `--by party`: one row per payee and period, what every clause
        /// paid it together, in place of a table per clause (table and CSV;
        /// one agreement).
        #[arg(long, value_enum, value_name = "WHAT")]
        by: Option<By>,

        /// With `-f csv` or `-f xlsx`: only these columns, in this order, such
        /// as `--columns deal,period,party,amount`. Columns: deal (portfolios),
        /// period, clause, payer, party, basis, effective_rate, amount,
        /// cumulative, note, explain (with `--explain`).
        #[arg(long, value_name = "COLUMN,...", value_delimiter = ',', value_parser = column)]
        columns: Vec<Column>,
        /// Also draw each payee's cumulative payments, with the caps and
        /// the events that bind, to this file (`.svg` or `.png`). For a
        /// portfolio: every payee's total over all its deals.
        #[arg(long, value_name = "FILE", add = completions::charts())]
        chart: Option<PathBuf>,

        /// For a portfolio: chart this deal (its file name without
        /// `.deal`) rather than the totals.
        #[arg(long, value_name = "NAME", requires = "chart")]
        chart_deal: Option<String>,

        /// The chart's size in pixels.
        #[arg(long, value_name = "WxH", default_value = "1000x600", value_parser = chart_size)]
        chart_size: (u32, u32),

        /// Show no progress on standard error, even on a long portfolio run.
        #[arg(short, long)]
        quiet: bool,
    },

    /// Rewrite agreements in the canonical layout, keeping every comment.
    ///
    /// Files are rewritten in place (atomically), unless `--check`, `--diff`
    /// or `--stdout` is given; `deal fmt -` formats standard input to standard
    /// output. A file that does not parse is refused with its diagnostics
    /// and left untouched. Exit status: 0 when done (or, with `--check`,
    /// when every file is formatted), 1 when a file does not parse or
    /// `--check` finds one to reformat, 2 on a usage or I/O error.
    Fmt {
        /// Agreement files; `-` for standard input.
        #[arg(required = true, value_name = "FILE", add = completions::agreements())]
        files: Vec<PathBuf>,

        /// Change nothing; show the diff of each file that is not formatted
        /// and exit 1 if there is one.
        #[arg(long, conflicts_with_all = ["diff", "stdout"])]
        check: bool,

        /// Change nothing; show what formatting would change.
        #[arg(long, conflicts_with = "stdout")]
        diff: bool,

        /// Print the formatted text instead of rewriting the file (what
        /// git's textconv needs).
        #[arg(long)]
        stdout: bool,

        /// With `--stdout`: print a file that does not parse as it is, and
        /// exit 0, so that `git diff` still shows it (diagnostics still go
        /// to standard error).
        #[arg(long, requires = "stdout")]
        verbatim_on_error: bool,
    },

    /// Compare two versions of an agreement: the terms that changed, clause
    /// by clause, and with a series what that does to the money.
    ///
    /// OLD and NEW are files, or git revisions of a file read through `git`
    /// (`HEAD~1:deals/openai-microsoft.deal`). The series is `--series`, or
    /// the one NEW names. Exit status: 0 when compared (whatever the
    /// differences), 1 when a version or the series is wrong, 2 on a usage
    /// or I/O error.
    Diff {
        /// The earlier version.
        #[arg(add = completions::agreements())]
        old: String,

        /// The later version.
        #[arg(add = completions::agreements())]
        new: String,

        /// The series to evaluate both versions on.
        #[arg(short, long, value_name = "CSV", add = completions::series())]
        series: Option<PathBuf>,

        /// Resolve the `series` the agreement names relative to this file
        /// instead of NEW (what `git difftool` needs: `$MERGED`).
        #[arg(long, value_name = "FILE", add = completions::agreements())]
        relative_to: Option<PathBuf>,

        /// Date an event in both versions, overriding the files (repeatable):
        /// `--event acquisition=2026-07-01`.
        #[arg(long = "event", value_name = "NAME=DATE", value_parser = event_date, add = completions::events())]
        events: Vec<(String, Date)>,

        /// Output format.
        #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,

        /// With a series: draw both versions' cumulative payments per payee
        /// on one chart, to this file (`.svg` or `.png`).
        #[arg(long, value_name = "FILE", add = completions::charts())]
        chart: Option<PathBuf>,

        /// The chart's size in pixels.
        #[arg(long, value_name = "WxH", default_value = "1000x600", value_parser = chart_size)]
        chart_size: (u32, u32),

        /// Show no progress on standard error, even on a long comparison.
        #[arg(short, long)]
        quiet: bool,
    },

    /// Compare a counterparty's statement with what the agreement computes:
    /// per period and payee, the figure reported, the one owed, the
    /// difference, and the clause and event behind the figure owed.
    ///
    /// The reported statement is CSV or a workbook with a period, a party and
    /// an amount column (other columns are ignored; a party's rows in one
    /// period are summed). With several agreements or a directory, the series
    /// and the reported statement are long form, each with a `deal` column.
    ///
    /// Exit status: 0 when every line agrees within the tolerance, 1 when
    /// one does not (or an agreement, the series or the statement is
    /// wrong), 2 on a usage or I/O error.
    Reconcile {
        /// The agreement (`*.deal`), or several, or directories of them.
        #[arg(required = true, value_name = "FILE", add = completions::agreements())]
        files: Vec<PathBuf>,

        /// The series (CSV or workbook); without it, the agreement's own.
        #[arg(short, long, value_name = "CSV", add = completions::series())]
        series: Option<PathBuf>,

        /// The counterparty's statement: CSV or a workbook
        /// (`statement.xlsx#Sheet2` for a sheet other than the first).
        #[arg(short, long, value_name = "STATEMENT", add = completions::series())]
        reported: PathBuf,

        /// The reported statement's header names, where they are not
        /// `deal`, `period`, `party` and `amount`:
        /// `--reported-columns period=Quarter,party=Payee,amount=Royalty`.
        #[arg(long, value_name = "COLUMN=HEADER,...", value_delimiter = ',')]
        reported_columns: Vec<String>,

        /// The largest difference per period and payee that still agrees,
        /// in the agreement's currency: `--tolerance 1.00`. Default: none,
        /// to the cent (the minor unit).
        #[arg(long, value_name = "AMOUNT", value_parser = tolerance)]
        tolerance: Option<rust_decimal::Decimal>,

        /// Date an event, overriding any date in the file (repeatable).
        #[arg(long = "event", value_name = "NAME=DATE", value_parser = event_date, add = completions::events())]
        events: Vec<(String, Date)>,

        /// Output format; without it, the output file's extension decides,
        /// else a table of the discrepancies and the totals (CSV, JSON and
        /// workbooks have every line).
        #[arg(short, long, value_enum)]
        format: Option<StatementFormat>,

        /// Write the reconciliation to this file instead of standard output.
        #[arg(short, long, value_name = "OUT", add = completions::files())]
        output: Option<PathBuf>,
    },

    /// Preview the HTML statement in a browser, live: served on the loopback
    /// address, re-evaluated when the agreement or its series changes on
    /// disk, the page reloading itself; an agreement that does not check
    /// shows its diagnostics instead (docs/pictures.md).
    Serve {
        /// The agreement, or a directory of agreements (each with its own
        /// `series`).
        #[arg(value_name = "FILE_OR_DIR", add = completions::agreements())]
        path: PathBuf,

        /// The series (CSV or workbook), for one agreement; without it,
        /// the agreement's own.
        #[arg(short, long, value_name = "CSV", add = completions::series())]
        series: Option<PathBuf>,

        /// The port on 127.0.0.1; 0 (the default) takes a free one, printed.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },

    /// Serve the Language Server Protocol over standard input and output,
    /// for editors: diagnostics as you type, formatting, hover, go to
    /// definition, references, rename, symbols, completion, quick fixes and
    /// each clause's total over its series (docs/editors.md).
    Lsp,

    /// Set up the current git repository so that `git diff` shows `*.deal`
    /// files through `deal fmt`, with hunk headers naming the clause, and
    /// `git difftool -t deal` shows the money diff. Prints what it does.
    GitSetup,

    /// Evaluate each agreement against its own `series` and check its
    /// `expect` lines.
    ///
    /// Exit status: 0 when every expectation holds, 1 when one fails or an
    /// agreement or series is wrong, 2 on a usage or I/O error.
    Test {
        /// Agreement files.
        #[arg(required = true, value_name = "FILE", add = completions::agreements())]
        files: Vec<PathBuf>,

        /// Date an event for this run, overriding the file (repeatable): test
        /// the "event on this date" scenario, `--event agi=2029-01-01`, as
        /// well as the file's own. Each agreement tested must declare it.
        #[arg(long = "event", value_name = "NAME=DATE", value_parser = event_date, add = completions::events())]
        events: Vec<(String, Date)>,

        /// Show no progress on standard error, even over many files.
        #[arg(short, long)]
        quiet: bool,
    },

    /// Evaluate an agreement over a grid of scenarios: a column scaled
    /// (`--scale revenue=0.7..1.3/0.1`), a column's growth shifted
    /// (`--growth revenue=-10%`), an event moved (`--event
    /// agi=2027-01-01..2031-01-01/1y`). Several variations form their cross
    /// product. Each scenario reports each party's total and the period of
    /// each binding event (cap reached, threshold crossed, step changed,
    /// advance recouped, milestone paid...), `never` where it does not
    /// happen (docs/scenarios.md).
    ///
    /// With several agreements or a directory: the same grid over every
    /// deal of a portfolio (a long-form `--series`), each payee's totals
    /// summed per scenario.
    ///
    /// Exit status: 0 on success, 1 when an agreement or the series is
    /// wrong, 2 on a usage or I/O error (a column or event varied that is
    /// not there, a grid of more than 10,000 scenarios).
    Scenarios {
        /// The agreement (`*.deal`), or several, or directories of them.
        #[arg(required = true, value_name = "FILE", add = completions::agreements())]
        files: Vec<PathBuf>,

        /// The series (CSV or workbook); without it, the agreement's own.
        #[arg(short, long, value_name = "CSV", add = completions::series())]
        series: Option<PathBuf>,

        /// Scale a column by each factor (repeatable): `revenue=0.7..1.3/0.1`
        /// (from, to, step), `revenue=0.8,1,1.2`, `revenue=0.9`.
        #[arg(long, value_name = "COLUMN=FACTORS", value_parser = scale)]
        scale: Vec<Variation>,

        /// Shift a column's period-on-period growth, from its second period
        /// (repeatable): `revenue=-10%`, `revenue=-20%..0%/5%`.
        #[arg(long, value_name = "COLUMN=SHIFTS", value_parser = growth)]
        growth: Vec<Variation>,

        /// Date an event, or move it over dates (repeatable):
        /// `agi=2028-01-01`, `agi=2027-01-01..2031-01-01/1y` (steps in y, q,
        /// m, w or d).
        #[arg(long = "event", value_name = "NAME=DATES", value_parser = event_dates, add = completions::events())]
        events: Vec<Variation>,

        /// Output format; without it, the output file's extension decides
        /// (`.csv`, `.json`), else a table.
        #[arg(short, long, value_enum)]
        format: Option<OutputFormat>,

        /// Write the grid to this file instead of standard output.
        #[arg(short, long, value_name = "OUT", add = completions::files())]
        output: Option<PathBuf>,

        /// Also draw each party's total against the first variation's
        /// values, with the caps, to this file (`.svg` or `.png`).
        #[arg(long, value_name = "FILE", add = completions::charts())]
        chart: Option<PathBuf>,

        /// The chart's size in pixels.
        #[arg(long, value_name = "WxH", default_value = "1000x600", value_parser = chart_size)]
        chart_size: (u32, u32),
    },

    /// Goal seek: the smallest factor of a column for which an event
    /// happens by (or in) a period, found by bisection over exact decimals,
    /// with the statement at that factor: `deal solve
    /// openai-microsoft.deal --vary revenue --until "Microsoft cap reached
    /// by 2029"`.
    ///
    /// Exit status: 0 when a factor is found, 1 when none in the range
    /// meets the goal (or an agreement or the series is wrong), 2 on a
    /// usage or I/O error.
    Solve {
        /// The agreement (`*.deal`).
        #[arg(value_name = "FILE", add = completions::agreements())]
        file: PathBuf,

        /// The series (CSV or workbook); without it, the agreement's own.
        #[arg(short, long, value_name = "CSV", add = completions::series())]
        series: Option<PathBuf>,

        /// The column to scale.
        #[arg(long, value_name = "COLUMN")]
        vary: String,

        /// The goal: `SUBJECT EVENT in|by PERIOD`, the subject a clause's
        /// label or the party one clause pays: `"Microsoft cap reached by
        /// 2029"`, `"royalty threshold crossed in 2027Q3"`.
        #[arg(long, value_name = "GOAL")]
        until: String,

        /// The factors searched.
        #[arg(long, value_name = "LOW..HIGH", default_value = "0..10", value_parser = factor_range)]
        range: (rust_decimal::Decimal, rust_decimal::Decimal),

        /// The grid of factors tried: the answer is a multiple of it.
        #[arg(long, value_name = "STEP", default_value = "0.0001", value_parser = positive)]
        precision: rust_decimal::Decimal,

        /// The largest factor meeting the goal, for an event that happens
        /// with less of the column (a minimum trued up), rather than the
        /// smallest.
        #[arg(long)]
        largest: bool,

        /// Date an event, overriding any date in the file (repeatable).
        #[arg(long = "event", value_name = "NAME=DATE", value_parser = event_date, add = completions::events())]
        events: Vec<(String, Date)>,

        /// Output format of the statement at the factor.
        #[arg(short, long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },

    /// Start a new agreement: NAME.deal, with a small series NAME.csv
    /// beside it and one `expect` line, that `deal check` and `deal test`
    /// pass at once; or a copy of a bundled example (`--from`). Nothing is
    /// written over an existing file.
    New {
        /// The agreement's file name, `.deal` optional: `acme-licence`,
        /// `deals/acme-licence`.
        #[arg(value_name = "NAME")]
        name: PathBuf,

        /// Start from this bundled example instead of the template:
        /// `--from openai-microsoft`.
        #[arg(long, value_name = "EXAMPLE", add = completions::examples())]
        from: Option<String>,
    },

    /// Print the shell code that completes `deal`: subcommands, flags,
    /// `.deal` files, series files, and the event names of the agreement
    /// on the command line. Load it from your shell's start-up file:
    /// bash `source <(deal completions bash)`, zsh `source <(deal
    /// completions zsh)`, fish `deal completions fish | source`,
    /// PowerShell `deal completions powershell | Out-String |
    /// Invoke-Expression`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },

    /// Write the manual pages, one per subcommand (`deal.1`,
    /// `deal-eval.1`...), to DIR: `deal manpages ~/.local/share/man/man1`.
    Manpages {
        /// The directory to write them in (created if missing).
        #[arg(value_name = "DIR", add = completions::files())]
        dir: PathBuf,
    },
}

/// The shells `deal completions` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

impl Shell {
    /// The shell's name, as clap_complete knows it.
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Fish => "fish",
            Shell::Powershell => "powershell",
            Shell::Elvish => "elvish",
        }
    }
}

/// How `deal eval` lays out the payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// A table per clause (the default).
    Clause,
    /// One row per payee and period.
    Party,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned tables for a terminal, with totals and events.
    Table,
    /// CSV. `eval`: long form, one row per period, clause and payee. `diff`:
    /// `period,party,old,new,delta` per period and party, then each party's
    /// total with an empty period (or, without a series, the terms that
    /// changed).
    Csv,
    /// Everything, amounts as strings: the statement, or the differences.
    Json,
}

/// The output formats of `deal eval` and `deal reconcile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatementFormat {
    /// Aligned tables for a terminal.
    Table,
    /// CSV, long form: a row per payment (eval) or per period and payee
    /// (reconcile).
    Csv,
    /// Everything, amounts as strings.
    Json,
    /// An Excel workbook, a sheet per table. Needs `-o FILE` (or standard
    /// output that is not a terminal).
    Xlsx,
    /// One self-contained web page: totals, the chart, events, each
    /// payment with its derivation on demand, and the terms linked to
    /// their payments (eval, one agreement).
    Html,
}

impl StatementFormat {
    /// The format an output file's extension names.
    pub fn of_file(path: &std::path::Path) -> Option<StatementFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "xlsx" => StatementFormat::Xlsx,
            "csv" => StatementFormat::Csv,
            "json" | "jsonl" => StatementFormat::Json,
            "html" | "htm" => StatementFormat::Html,
            _ => return None,
        })
    }
}

/// A CSV column by name, as in `--columns period,party,amount`.
fn column(text: &str) -> Result<Column, String> {
    Column::named(text.trim()).ok_or_else(|| {
        let names: Vec<&str> = COLUMNS.iter().map(|c| c.name()).collect();
        format!("no column `{text}`; the columns are {}", names.join(", "))
    })
}

/// `1200x700`: a chart's width and height, from 200 to 8,000 pixels.
fn chart_size(text: &str) -> Result<(u32, u32), String> {
    let parsed = text
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)));
    match parsed {
        Some((w, h)) if (200..=8_000).contains(&w) && (200..=8_000).contains(&h) => Ok((w, h)),
        _ => Err(format!(
            "expected WIDTHxHEIGHT in pixels from 200 to 8000, such as `1200x700`, found `{text}`"
        )),
    }
}

/// An amount of at least zero, as in `--tolerance 0.50`.
fn tolerance(text: &str) -> Result<rust_decimal::Decimal, String> {
    match text.trim().parse::<rust_decimal::Decimal>() {
        Ok(amount) if amount.is_sign_negative() && !amount.is_zero() => {
            Err(format!("a tolerance is at least zero, found `{text}`"))
        }
        Ok(amount) => Ok(amount),
        Err(_) => Err(format!("expected an amount such as `0.50`, found `{text}`")),
    }
}

/// A factor: an exact decimal of zero or more.
fn at_least_zero(text: &str) -> Result<rust_decimal::Decimal, String> {
    match dealterms::series::amount_of_text(text) {
        Some(value) if !value.is_sign_negative() || value.is_zero() => Ok(value),
        _ => Err(format!(
            "expected a number of zero or more, such as `0.5`, found `{text}`"
        )),
    }
}

/// A precision: an exact decimal above zero.
fn positive(text: &str) -> Result<rust_decimal::Decimal, String> {
    match at_least_zero(text) {
        Ok(value) if !value.is_zero() => Ok(value),
        _ => Err(format!(
            "expected a number above zero, such as `0.0001`, found `{text}`"
        )),
    }
}

/// `--scale revenue=0.7..1.3/0.1`
fn scale(text: &str) -> Result<Variation, String> {
    dealterms::scenario::spec::scale(text)
}

/// `--growth revenue=-10%`
fn growth(text: &str) -> Result<Variation, String> {
    dealterms::scenario::spec::growth(text)
}

/// `--event agi=2027-01-01..2031-01-01/1y`
fn event_dates(text: &str) -> Result<Variation, String> {
    dealterms::scenario::spec::event(text)
}

/// `0.5..2`: the factors a goal seek searches.
fn factor_range(text: &str) -> Result<(rust_decimal::Decimal, rust_decimal::Decimal), String> {
    let (low, high) = text
        .split_once("..")
        .ok_or_else(|| format!("expected LOW..HIGH, such as `0.5..2`, found `{text}`"))?;
    let (low, high) = (at_least_zero(low)?, at_least_zero(high)?);
    if high < low {
        return Err(format!("`{text}`: the range ends before it starts"));
    }
    Ok((low, high))
}

/// `NAME=DATE`, as in `--event agi=2029-01-01`.
fn event_date(text: &str) -> Result<(String, Date), String> {
    let (name, date) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=DATE, such as `agi=2029-01-01`, found `{text}`"))?;
    let date: Date = date
        .parse()
        .map_err(|_| format!("`{date}` is not a date such as `2029-01-01`"))?;
    Ok((name.trim().to_string(), date))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
