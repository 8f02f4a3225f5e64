//! The kinds of problem: stable codes and wording, all in one place.

use super::{Severity, looks_alike};

/// Every kind of problem, with what it needs to be explained.
///
/// Each variant's doc shows the smallest input that triggers it; the test
/// corpus in `tests/corpus/diagnostics/` holds exactly those inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    // ── Reading the file ──
    /// A file that is not UTF-8 text.
    NotUtf8,
    /// A file over the size limit: an agreement, or a series read whole.
    TooLarge { limit: usize, series: bool },

    // ── Syntax ──
    /// `agreement "x" { share 20% of to B }`
    Unexpected {
        expected: String,
        found: String,
        hint: Option<String>,
    },
    /// `let x = ((((((...))))))` past the nesting limit.
    TooDeep { limit: usize },
    /// A line separator (U+2028), paragraph separator (U+2029), NEL, vertical
    /// tab or form feed outside a string: a line break to some editors, not
    /// to this language.
    OddLineBreak { name: &'static str },
    /// `let c1 = c0 + c0`, `let c2 = c1 + c1`, ... : a formula too large or
    /// too deep once its constants are written out.
    ExpandedTooLarge { limit: usize, what: &'static str },
    /// An expression with more operands than the limit.
    TooLong { limit: usize },
    /// `let x = 1000000000000000000000000000000000000000`
    AmountRange { text: String },
    /// `event launch on 2025-02-30`
    BadDate { text: String },

    // ── Names ──
    /// `share 20% of revenue to Microsfot` with `Microsoft` declared.
    UnknownParty {
        name: String,
        suggestion: Option<String>,
    },
    /// `let cap_amount = 1M` ... `cap cap_amont`
    UnknownConstant {
        name: String,
        suggestion: Option<String>,
        /// Declared, but further down than its use.
        declared_below: bool,
    },
    /// `until change_of_contrl`
    UnknownEvent {
        name: String,
        suggestion: Option<String>,
    },
    /// `advance 1M to A recouped from royalti`
    UnknownLabel {
        name: String,
        suggestion: Option<String>,
    },
    /// `parties A, A`, `let x = 1` twice, two clauses labelled `fee`...
    Duplicate { what: &'static str, name: String },
    /// `share 20% of revenue to B from A`: a party used as a window bound.
    PartyAsWindow { name: String },
    /// An agreement without `parties`.
    NoParties,
    /// A clause without `from` in an agreement without `payer`.
    NoPayer {
        payee: String,
        /// A party that could pay, for the example in the help.
        payer: String,
    },
    /// `share 20% of revenue from A to A`
    SelfPayment { party: String },
    /// `agreement ""` or `parties A, " "`
    EmptyName { what: &'static str },
    /// `currency usd`
    BadCurrency { text: String },
    /// `currency USD` twice, `payer` twice...
    DuplicateSetting { what: &'static str },

    // ── Values ──
    /// `share 20 of revenue` (a plain number where a rate belongs).
    ExpectedRate { found: &'static str },
    /// `cap 20%` (a rate where an amount belongs).
    ExpectedAmount { found: &'static str },
    /// `let x = 20% + 1M`
    MixedUnits { op: &'static str },
    /// `share 120% of revenue`
    RateRange { value: String },
    /// `cap 0`, `floor -5K`
    NotPositive { what: &'static str, value: String },
    /// `let x = 1 / 0`
    DivisionByZero,
    /// `let x = 50000000000000000000000000000 * 10`
    Overflow,
    /// `cap revenue`: a series column where a fixed amount belongs.
    NotConstant {
        written: String,
        column: String,
        what: &'static str,
    },

    // ── Shapes ──
    /// `up to 5M, 25% up to 1M`
    NotIncreasing {
        what: &'static str,
        previous: String,
        this: String,
    },
    /// `up to 1M, 20% above, 10% up to 5M`
    OpenBandNotLast { what: &'static str },
    /// `cap 10K per quarter floor 20K per quarter`
    FloorAboveCap {
        /// `floor` or `minimum`.
        what: &'static str,
        floor: String,
        cap: String,
    },
    /// `advance 250K to Artist`
    UnrecoupedAdvance,
    /// `advance 1M to A recouped from seller` where `seller` is a `rest of`.
    NotRecoupable { label: String },
    /// `advance 1M to A recouped from royalty` where `royalty` pays B.
    RecoupOtherPayee {
        label: String,
        payee: String,
        advance_payee: String,
    },
    /// `what manager pays` where the manager's commission reads the
    /// royalty and the royalty reads the commission: every clause of the
    /// cycle, in order, the first again at the end.
    Cycle { clauses: Vec<String> },
    /// A waterfall step after one that takes everything left.
    StepAfterAll,
    /// `waterfall of gross {}`
    EmptyWaterfall,
    /// `split 50% to A, 40% to B`
    SplitNotWhole { total: String },
    /// `reserve 25% released over 1.5 periods`, `each of previous 500 periods`
    PeriodCount { text: String, limit: u32 },
    /// `withhold 30% of payments to Artist for Tax` where no clause pays
    /// Artist from the withholding's payer.
    NothingWithheld { party: String, payer: String },
    /// Withholdings from one party's payments by one payer adding up to
    /// more than 100%.
    OverWithheld { party: String, total: String },
    /// `withhold 30% of payments to Artist for Artist`
    WithheldForItself { party: String },
    /// `if previous year what royalty pays < 5M`: payments have no history.
    ConditionOnPayments { basis: String },
    /// A condition needs a column before the series, and the agreement does
    /// not say what it counts as there.
    NeedsHistory { column: String, period: String },
    /// `when net_sales exceed -5`: a level that may be zero, not below.
    Negative { what: &'static str, value: String },
    /// `pay 2K per quarter to P cap 5K`: a fee takes only a window.
    FeeTerm { keyword: &'static str },
    /// Two `cap`s with the same period, two `above`s...
    DuplicateModifier { keyword: &'static str },
    /// `minimum 1M` without `per year`.
    MissingPeriod { keyword: &'static str },
    /// Two `rest of sales`.
    DuplicateRest { basis: String },
    /// `settle net between A and A`
    SettleSelf,
    /// `expect Microsfot total = 38B`
    UnknownSubject {
        name: String,
        suggestion: Option<String>,
    },
    /// `expect Microsoft cap reached in 2030`: events belong to clauses.
    EventOfParty { name: String },
    /// `expect Microsoft in 2029Q5 = 1M`
    BadPeriodLabel { text: String },
    /// `expect ...` in an agreement without `series`.
    ExpectWithoutSeries,
    /// `series "/etc/passwd"`, `series "../other/x.csv"`: a declared series
    /// is a regular file inside the agreement's directory.
    SeriesPath { path: String, reason: &'static str },

    // ── Series ──
    /// A series file with no header or no rows.
    SeriesEmpty,
    /// `revenue,period` (the first column must be `period`).
    SeriesHeader { found: String },
    /// `period,revenue,revenue`
    DuplicateColumn { name: String },
    /// A column of a table (a DataFrame, an Arrow table) whose type holds no
    /// exact amount or period: floating-point numbers, booleans...
    ColumnType {
        column: String,
        found: String,
        wanted: &'static str,
    },
    /// A table without a column it needs (`period`, or a portfolio's `deal`).
    NoColumn { name: &'static str, columns: String },
    /// A reported statement (`deal reconcile --reported`) with no rows.
    ReportedEmpty,
    /// A reported statement's row that names no party.
    ReportedNoParty { row: usize },
    /// A reported statement without a column it needs.
    ReportedHeader {
        role: &'static str,
        name: String,
        header: String,
    },
    /// `2025-7`, `FY2025`, `2025q3`
    BadPeriod { row: usize, text: String },
    /// `2025Q4` then `2026-01`
    MixedGranularity {
        row: usize,
        expected: &'static str,
        found: &'static str,
    },
    /// `2025Q2` after `2025Q3`, or `2025Q3` twice
    PeriodOrder {
        row: usize,
        previous: String,
        this: String,
    },
    /// `2025Q4` right after `2025Q2`
    PeriodGap {
        row: usize,
        previous: String,
        this: String,
    },
    /// `12,000`, `$5`, `n/a`
    NotANumber {
        row: usize,
        column: String,
        text: String,
    },
    /// A row with more or fewer cells than the header.
    Ragged {
        row: usize,
        expected: usize,
        found: usize,
    },
    /// A portfolio series without a `deal` or `period` column.
    PortfolioHeader { missing: &'static str },
    /// A long-form series row without a deal, or a deal whose rows are split.
    DealRows { deal: String, row: usize },
    /// More problems than are worth reading at once.
    TooManyProblems { limit: usize, row: usize },
    /// The file is not readable as CSV (say, not UTF-8).
    Csv { row: usize, detail: String },

    // ── Evaluation ──
    /// The agreement reads a column the series lacks.
    MissingColumn {
        column: String,
        available: String,
        suggestion: Option<String>,
    },
    /// `cap 10K per month` against a quarterly series.
    PeriodMismatch {
        keyword: &'static str,
        per: &'static str,
        series: &'static str,
    },
    /// A figure beyond the decimal range during evaluation.
    EvalOverflow { clause: String, period: String },
    /// A party's total over the series beyond the exact decimal range: each
    /// clause's figures fit, their sum for the party does not.
    TotalOverflow { party: String },
    /// A basis that divides by a column equal to zero in some period.
    EvalDivisionByZero { clause: String, period: String },

    // ── Tests ──
    /// An `expect` line the statement contradicts.
    ExpectationFailed { expected: String, actual: String },

    /// The parser and the syntax tree disagree: a bug in dealterms.
    Internal { detail: String },

    // ── Warnings ──
    /// Shares of one basis adding up to more than 100%.
    OverAllocated { basis: String, total: String },
    /// A clause that can never pay (zero rate, empty window).
    NeverPays { reason: String },
    /// `parties Microsoft, Microsоft` (the second with a Cyrillic `о`).
    LooksAlike {
        what: &'static str,
        name: String,
        other: String,
    },
    /// `parties "Acme\u{202E}Corp"`: a bidirectional control character, which
    /// makes text show in another order than it is read.
    BidiControl { code: u32, name: &'static str },
    /// `parties Microsоft`: one name written in two scripts.
    MixedScript { what: &'static str, name: String },
    /// A constant or event declared and never used.
    Unused { what: &'static str, name: String },
    /// `rest of 0.5 * sales` with no share of that basis: it pays all of it.
    LoneRest { basis: String, like: Option<String> },
    /// More problems than are reported for one agreement.
    MoreProblems {
        shown: usize,
        more: usize,
        /// How many of them are errors: then this is one too.
        errors: usize,
    },
}

/// Every code [`ProblemKind::code`] can return, for docs and tests.
pub const CODES: &[&str] = &[
    "deal::read::not_utf8",
    "deal::read::too_large",
    "deal::parse::unexpected",
    "deal::parse::too_deep",
    "deal::parse::odd_line_break",
    "deal::parse::too_long",
    "deal::check::expanded_too_large",
    "deal::parse::amount_range",
    "deal::parse::bad_date",
    "deal::check::unknown_party",
    "deal::check::unknown_constant",
    "deal::check::unknown_event",
    "deal::check::unknown_label",
    "deal::check::duplicate",
    "deal::check::party_as_window",
    "deal::check::no_parties",
    "deal::check::no_payer",
    "deal::check::self_payment",
    "deal::check::empty_name",
    "deal::check::currency",
    "deal::check::duplicate_setting",
    "deal::check::expected_rate",
    "deal::check::expected_amount",
    "deal::check::mixed_units",
    "deal::check::rate_range",
    "deal::check::not_positive",
    "deal::check::division_by_zero",
    "deal::check::overflow",
    "deal::check::not_constant",
    "deal::check::not_increasing",
    "deal::check::open_band_not_last",
    "deal::check::floor_above_cap",
    "deal::check::unrecouped_advance",
    "deal::check::not_recoupable",
    "deal::check::recoup_other_payee",
    "deal::check::duplicate_modifier",
    "deal::check::cycle",
    "deal::check::step_after_all",
    "deal::check::empty_waterfall",
    "deal::check::split_not_whole",
    "deal::check::reserve_periods",
    "deal::check::nothing_withheld",
    "deal::check::over_withheld",
    "deal::check::withheld_for_itself",
    "deal::check::fee_term",
    "deal::check::negative",
    "deal::check::condition_on_payments",
    "deal::eval::needs_history",
    "deal::check::missing_period",
    "deal::check::duplicate_rest",
    "deal::check::settle_self",
    "deal::check::unknown_subject",
    "deal::check::event_of_party",
    "deal::check::bad_period",
    "deal::check::expect_without_series",
    "deal::check::over_allocated",
    "deal::check::never_pays",
    "deal::check::looks_alike",
    "deal::check::bidi_control",
    "deal::check::mixed_script",
    "deal::check::unused",
    "deal::check::too_many_problems",
    "deal::check::lone_rest",
    "deal::series::empty",
    "deal::series::header",
    "deal::reconcile::empty",
    "deal::reconcile::header",
    "deal::reconcile::no_party",
    "deal::series::duplicate_column",
    "deal::series::column_type",
    "deal::series::bad_period",
    "deal::series::mixed_granularity",
    "deal::series::period_order",
    "deal::series::period_gap",
    "deal::series::not_a_number",
    "deal::series::ragged",
    "deal::series::csv",
    "deal::series::too_many_problems",
    "deal::series::deal_rows",
    "deal::series::portfolio_header",
    "deal::series::path",
    "deal::eval::missing_column",
    "deal::eval::period_mismatch",
    "deal::eval::overflow",
    "deal::eval::division_by_zero",
    "deal::test::failed",
    "deal::internal",
];

impl ProblemKind {
    /// The series row (line) a problem of a series is on, if it is on one.
    pub fn row(&self) -> Option<usize> {
        match self {
            ProblemKind::BadPeriod { row, .. }
            | ProblemKind::MixedGranularity { row, .. }
            | ProblemKind::PeriodOrder { row, .. }
            | ProblemKind::PeriodGap { row, .. }
            | ProblemKind::NotANumber { row, .. }
            | ProblemKind::Ragged { row, .. }
            | ProblemKind::DealRows { row, .. }
            | ProblemKind::TooManyProblems { row, .. }
            | ProblemKind::Csv { row, .. }
            | ProblemKind::ReportedNoParty { row } => Some(*row),
            _ => None,
        }
    }

    pub fn severity(&self) -> Severity {
        match self {
            ProblemKind::OverAllocated { .. }
            | ProblemKind::LooksAlike { .. }
            | ProblemKind::BidiControl { .. }
            | ProblemKind::MixedScript { .. }
            | ProblemKind::NeverPays { .. }
            | ProblemKind::Unused { .. }
            | ProblemKind::LoneRest { .. }
            | ProblemKind::MoreProblems { errors: 0, .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The stable code of this kind: tools and docs refer to it.
    pub fn code(&self) -> &'static str {
        match self {
            ProblemKind::NotUtf8 => "deal::read::not_utf8",
            ProblemKind::TooLarge { .. } => "deal::read::too_large",
            ProblemKind::Unexpected { .. } => "deal::parse::unexpected",
            ProblemKind::TooDeep { .. } => "deal::parse::too_deep",
            ProblemKind::OddLineBreak { .. } => "deal::parse::odd_line_break",
            ProblemKind::TooLong { .. } => "deal::parse::too_long",
            ProblemKind::ExpandedTooLarge { .. } => "deal::check::expanded_too_large",
            ProblemKind::AmountRange { .. } => "deal::parse::amount_range",
            ProblemKind::BadDate { .. } => "deal::parse::bad_date",
            ProblemKind::UnknownParty { .. } => "deal::check::unknown_party",
            ProblemKind::UnknownConstant { .. } => "deal::check::unknown_constant",
            ProblemKind::UnknownEvent { .. } => "deal::check::unknown_event",
            ProblemKind::UnknownLabel { .. } => "deal::check::unknown_label",
            ProblemKind::Duplicate { .. } => "deal::check::duplicate",
            ProblemKind::PartyAsWindow { .. } => "deal::check::party_as_window",
            ProblemKind::NoParties => "deal::check::no_parties",
            ProblemKind::NoPayer { .. } => "deal::check::no_payer",
            ProblemKind::SelfPayment { .. } => "deal::check::self_payment",
            ProblemKind::EmptyName { .. } => "deal::check::empty_name",
            ProblemKind::BadCurrency { .. } => "deal::check::currency",
            ProblemKind::DuplicateSetting { .. } => "deal::check::duplicate_setting",
            ProblemKind::ExpectedRate { .. } => "deal::check::expected_rate",
            ProblemKind::ExpectedAmount { .. } => "deal::check::expected_amount",
            ProblemKind::MixedUnits { .. } => "deal::check::mixed_units",
            ProblemKind::RateRange { .. } => "deal::check::rate_range",
            ProblemKind::NotPositive { .. } => "deal::check::not_positive",
            ProblemKind::DivisionByZero => "deal::check::division_by_zero",
            ProblemKind::Overflow => "deal::check::overflow",
            ProblemKind::NotConstant { .. } => "deal::check::not_constant",
            ProblemKind::NotIncreasing { .. } => "deal::check::not_increasing",
            ProblemKind::OpenBandNotLast { .. } => "deal::check::open_band_not_last",
            ProblemKind::FloorAboveCap { .. } => "deal::check::floor_above_cap",
            ProblemKind::UnrecoupedAdvance => "deal::check::unrecouped_advance",
            ProblemKind::NotRecoupable { .. } => "deal::check::not_recoupable",
            ProblemKind::RecoupOtherPayee { .. } => "deal::check::recoup_other_payee",
            ProblemKind::DuplicateModifier { .. } => "deal::check::duplicate_modifier",
            ProblemKind::Cycle { .. } => "deal::check::cycle",
            ProblemKind::StepAfterAll => "deal::check::step_after_all",
            ProblemKind::EmptyWaterfall => "deal::check::empty_waterfall",
            ProblemKind::SplitNotWhole { .. } => "deal::check::split_not_whole",
            ProblemKind::PeriodCount { .. } => "deal::check::reserve_periods",
            ProblemKind::NothingWithheld { .. } => "deal::check::nothing_withheld",
            ProblemKind::OverWithheld { .. } => "deal::check::over_withheld",
            ProblemKind::WithheldForItself { .. } => "deal::check::withheld_for_itself",
            ProblemKind::FeeTerm { .. } => "deal::check::fee_term",
            ProblemKind::Negative { .. } => "deal::check::negative",
            ProblemKind::ConditionOnPayments { .. } => "deal::check::condition_on_payments",
            ProblemKind::NeedsHistory { .. } => "deal::eval::needs_history",
            ProblemKind::MissingPeriod { .. } => "deal::check::missing_period",
            ProblemKind::DuplicateRest { .. } => "deal::check::duplicate_rest",
            ProblemKind::SettleSelf => "deal::check::settle_self",
            ProblemKind::UnknownSubject { .. } => "deal::check::unknown_subject",
            ProblemKind::EventOfParty { .. } => "deal::check::event_of_party",
            ProblemKind::BadPeriodLabel { .. } => "deal::check::bad_period",
            ProblemKind::ExpectWithoutSeries => "deal::check::expect_without_series",
            ProblemKind::OverAllocated { .. } => "deal::check::over_allocated",
            ProblemKind::NeverPays { .. } => "deal::check::never_pays",
            ProblemKind::LooksAlike { .. } => "deal::check::looks_alike",
            ProblemKind::BidiControl { .. } => "deal::check::bidi_control",
            ProblemKind::MixedScript { .. } => "deal::check::mixed_script",
            ProblemKind::Unused { .. } => "deal::check::unused",
            ProblemKind::MoreProblems { .. } => "deal::check::too_many_problems",
            ProblemKind::LoneRest { .. } => "deal::check::lone_rest",
            ProblemKind::SeriesEmpty => "deal::series::empty",
            ProblemKind::SeriesHeader { .. } => "deal::series::header",
            ProblemKind::ReportedEmpty => "deal::reconcile::empty",
            ProblemKind::ReportedHeader { .. } => "deal::reconcile::header",
            ProblemKind::ReportedNoParty { .. } => "deal::reconcile::no_party",
            ProblemKind::DuplicateColumn { .. } => "deal::series::duplicate_column",
            ProblemKind::ColumnType { .. } => "deal::series::column_type",
            ProblemKind::NoColumn { .. } => "deal::series::header",
            ProblemKind::BadPeriod { .. } => "deal::series::bad_period",
            ProblemKind::MixedGranularity { .. } => "deal::series::mixed_granularity",
            ProblemKind::PeriodOrder { .. } => "deal::series::period_order",
            ProblemKind::PeriodGap { .. } => "deal::series::period_gap",
            ProblemKind::NotANumber { .. } => "deal::series::not_a_number",
            ProblemKind::Ragged { .. } => "deal::series::ragged",
            ProblemKind::Csv { .. } => "deal::series::csv",
            ProblemKind::TooManyProblems { .. } => "deal::series::too_many_problems",
            ProblemKind::DealRows { .. } => "deal::series::deal_rows",
            ProblemKind::PortfolioHeader { .. } => "deal::series::portfolio_header",
            ProblemKind::SeriesPath { .. } => "deal::series::path",
            ProblemKind::MissingColumn { .. } => "deal::eval::missing_column",
            ProblemKind::PeriodMismatch { .. } => "deal::eval::period_mismatch",
            ProblemKind::EvalOverflow { .. } | ProblemKind::TotalOverflow { .. } => {
                "deal::eval::overflow"
            }
            ProblemKind::EvalDivisionByZero { .. } => "deal::eval::division_by_zero",
            ProblemKind::ExpectationFailed { .. } => "deal::test::failed",
            ProblemKind::Internal { .. } => "deal::internal",
        }
    }

    /// What went wrong, in one lowercase sentence; a text it quotes (a
    /// name, a cell) is cut to [`MAX_QUOTED`] characters.
    pub fn message(&self) -> String {
        clip_quotes(&self.full_message())
    }

    /// How to fix it, where a fix is known; quotes cut as in [`Self::message`].
    pub fn help(&self) -> Option<String> {
        self.full_help().map(|help| clip_quotes(&help))
    }

    fn full_message(&self) -> String {
        match self {
            ProblemKind::NotUtf8 => "the file is not UTF-8 text".into(),
            ProblemKind::TooLarge { limit, series } => format!(
                "the {} is larger than the limit of {} MiB",
                if *series { "series" } else { "agreement" },
                limit >> 20
            ),
            ProblemKind::Unexpected {
                expected, found, ..
            } => format!("expected {expected}, found {found}"),
            ProblemKind::TooDeep { limit } => {
                format!("parentheses are nested more than {limit} deep")
            }
            ProblemKind::OddLineBreak { name } => {
                format!("a {name} is not a line break in a deal file")
            }
            ProblemKind::ExpandedTooLarge { limit, what } => format!(
                "with its constants written out, this formula takes the agreement past {} {what}",
                crate::money::grouped(rust_decimal::Decimal::from(*limit), 0)
            ),
            ProblemKind::TooLong { limit } => {
                format!("expression has more than {limit} terms")
            }
            ProblemKind::AmountRange { text } => {
                format!("`{text}` is beyond the exact decimal range")
            }
            ProblemKind::BadDate { text } => format!("`{text}` is not a calendar date"),
            ProblemKind::UnknownParty { name, .. } => format!("unknown party `{name}`"),
            ProblemKind::UnknownConstant { name, .. } => format!("unknown constant `{name}`"),
            ProblemKind::UnknownEvent { name, .. } => format!("unknown event `{name}`"),
            ProblemKind::UnknownLabel { name, .. } => format!("no clause is labelled `{name}`"),
            ProblemKind::Duplicate { what, name } => format!("{what} `{name}` is declared twice"),
            ProblemKind::PartyAsWindow { name } => {
                format!("`{name}` is a party, not a date or an event")
            }
            ProblemKind::NoParties => "the agreement declares no parties".into(),
            ProblemKind::NoPayer { payee, .. } => {
                format!("the clause paying `{payee}` has no payer")
            }
            ProblemKind::SelfPayment { party } => format!("`{party}` pays itself"),
            ProblemKind::EmptyName { what } => format!("the {what} is empty"),
            ProblemKind::BadCurrency { text } => {
                format!("`{text}` is not an ISO 4217 currency code")
            }
            ProblemKind::DuplicateSetting { what } => format!("`{what}` is set twice"),
            ProblemKind::ExpectedRate { found } => {
                format!("expected a rate such as `20%`, found {found}")
            }
            ProblemKind::ExpectedAmount { found } => {
                format!("expected an amount such as `38B`, found {found}")
            }
            ProblemKind::MixedUnits { op } => {
                format!("cannot `{op}` a rate and an amount")
            }
            ProblemKind::RateRange { value } => {
                format!("rate {value} is outside 0% to 100%")
            }
            ProblemKind::NotPositive { what, value } => {
                format!("{what} must be more than zero, found {value}")
            }
            ProblemKind::DivisionByZero => "division by zero".into(),
            ProblemKind::Overflow => "the result is beyond the exact decimal range".into(),
            // No column: it reads the period's payments (`what royalty pays`).
            ProblemKind::NotConstant {
                written,
                column,
                what,
            } if column.is_empty() => format!(
                "{what} must be {}, but `{written}` changes with each period's payments",
                fixed(what)
            ),
            ProblemKind::NotConstant {
                written,
                column,
                what,
            } if written == column => {
                format!(
                    "{what} must be {}, but `{written}` is a series column",
                    fixed(what)
                )
            }
            ProblemKind::NotConstant {
                written,
                column,
                what,
            } => format!(
                "{what} must be {}, but `{written}` depends on the series column `{column}`",
                fixed(what)
            ),
            ProblemKind::NotIncreasing {
                what,
                previous,
                this,
            } => format!("{what} {this} does not come after {previous}"),
            ProblemKind::OpenBandNotLast { what } => {
                format!("an open-ended {what} must be the last one")
            }
            ProblemKind::FloorAboveCap { what, floor, cap } => {
                format!("{what} {floor} is above cap {cap}")
            }
            ProblemKind::UnrecoupedAdvance => "nothing recoups this advance".into(),
            ProblemKind::NotRecoupable { label } => {
                format!("`{label}` is not a `share` clause, so it cannot recoup an advance")
            }
            ProblemKind::RecoupOtherPayee {
                label,
                payee,
                advance_payee,
            } => format!("`{label}` pays `{payee}`, but the advance goes to `{advance_payee}`"),
            ProblemKind::Cycle { clauses }
                if clauses.len() == 2 && clauses.first() == clauses.last() =>
            {
                format!(
                    "`{}` reads its own payments",
                    clauses.first().map_or("", String::as_str)
                )
            }
            ProblemKind::Cycle { clauses } => format!(
                "these clauses read each other's payments in a circle: {}",
                clauses
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(" reads ")
            ),
            ProblemKind::StepAfterAll => {
                "this step takes everything left, so the steps after it are never reached".into()
            }
            ProblemKind::EmptyWaterfall => "a waterfall without steps pays nothing".into(),
            ProblemKind::SplitNotWhole { total } => {
                format!("the parts of a split add up to {total}, not 100%")
            }
            ProblemKind::PeriodCount { text, limit } => {
                format!("a count of periods is a whole number from 1 to {limit}, not `{text}`")
            }
            ProblemKind::OverWithheld { party, total } => format!(
                "the withholdings from the payments to `{party}` add up to {total}, more than the payments"
            ),
            ProblemKind::ConditionOnPayments { basis } => format!(
                "a condition reads the series' earlier periods, but `{basis}` reads this period's payments"
            ),
            ProblemKind::NeedsHistory { column, period } => format!(
                "the condition needs `{column}` in {period}, before the series, and the agreement does not say what it was"
            ),
            ProblemKind::Negative { what, value } => {
                format!("{what} cannot be negative, found {value}")
            }
            ProblemKind::FeeTerm { keyword } => {
                format!("a fixed fee takes no `{keyword}`: only `from` and `until` apply to it")
            }
            ProblemKind::WithheldForItself { party } => {
                format!("what is withheld from `{party}` cannot be paid to `{party}` itself")
            }
            ProblemKind::NothingWithheld { party, payer } => {
                format!("no clause pays `{party}` from `{payer}`: there is nothing to withhold")
            }
            ProblemKind::DuplicateModifier { keyword } => {
                format!("`{keyword}` is given twice in one clause")
            }
            ProblemKind::MissingPeriod { keyword } => {
                format!("`{keyword}` needs a period")
            }
            ProblemKind::DuplicateRest { basis } => {
                format!("the rest of `{basis}` is given twice")
            }
            ProblemKind::SettleSelf => "a party cannot settle with itself".into(),
            ProblemKind::UnknownSubject { name, .. } => {
                format!("`{name}` is neither a party nor a clause label")
            }
            ProblemKind::EventOfParty { name } => {
                format!("`{name}` is a party; events belong to clauses")
            }
            ProblemKind::BadPeriodLabel { text } => format!("`{text}` is not a period"),
            ProblemKind::ExpectWithoutSeries => {
                "expectations need a series to be tested against".into()
            }
            ProblemKind::SeriesPath { path, reason } => {
                format!("series `{}` {reason}", clip(path, 80))
            }
            ProblemKind::OverAllocated { basis, total } => {
                format!("shares of `{basis}` add up to {total}, more than 100%")
            }
            ProblemKind::NeverPays { reason } => format!("this clause can never pay: {reason}"),
            ProblemKind::LooksAlike { what, name, other } => {
                format!("{what} `{name}` looks just like {what} `{other}`")
            }
            ProblemKind::MixedScript { what, name } => {
                format!("{what} `{name}` mixes letters of different scripts")
            }
            ProblemKind::BidiControl {
                code,
                name: "a control character",
            } => format!(
                "a control character, U+{code:04X}: a terminal showing the text may obey it (an escape sequence) rather than show it"
            ),
            ProblemKind::BidiControl { code, name } => format!(
                "an invisible bidirectional control character, U+{code:04X} ({name}): the text around it may show in another order than it is read"
            ),
            ProblemKind::Unused { what, name } => format!("{what} `{name}` is never used"),
            ProblemKind::MoreProblems {
                shown,
                more,
                errors,
            } => format!(
                "{more} more {} after these {shown} {} not shown{}",
                if *more == 1 { "problem" } else { "problems" },
                if *more == 1 { "is" } else { "are" },
                match errors {
                    0 => String::new(),
                    1 => ", an error among them".into(),
                    n => format!(", {n} errors among them"),
                }
            ),
            ProblemKind::LoneRest { basis, .. } => {
                format!("`rest of {basis}` follows no share of that basis: it pays all of it")
            }
            ProblemKind::SeriesEmpty => "the series has no periods".into(),
            ProblemKind::SeriesHeader { found } => {
                format!("the first column must be `period`, found `{found}`")
            }
            ProblemKind::ReportedEmpty => "the reported statement has no header".into(),
            ProblemKind::ReportedNoParty { row } => format!("row {row}: no party"),
            ProblemKind::ReportedHeader { role, name, header } => {
                format!(
                    "the reported statement has no {role} column `{name}`; its header is `{header}`"
                )
            }
            ProblemKind::DuplicateColumn { name } => format!("column `{name}` appears twice"),
            ProblemKind::ColumnType {
                column,
                found,
                wanted,
            } => format!("column `{column}` holds {found}, not {wanted}"),
            ProblemKind::NoColumn { name, columns } if columns.is_empty() => {
                format!("the table has no `{name}` column, and no columns at all")
            }
            ProblemKind::NoColumn { name, columns } => {
                format!("the table has no `{name}` column; its columns are {columns}")
            }
            ProblemKind::BadPeriod { row, text } => {
                format!("row {row}: `{text}` is not a period label")
            }
            ProblemKind::MixedGranularity {
                row,
                expected,
                found,
            } => format!("row {row}: a {found} period in a {expected} series"),
            ProblemKind::PeriodOrder {
                row,
                previous,
                this,
            } => {
                if previous == this {
                    format!("row {row}: period {this} is repeated")
                } else {
                    format!("row {row}: period {this} comes after {previous}")
                }
            }
            ProblemKind::PeriodGap {
                row,
                previous,
                this,
            } => format!("row {row}: period {this} follows {previous}, leaving a gap"),
            ProblemKind::NotANumber { row, column, text } if text.is_empty() => {
                format!("row {row}, column `{column}`: the cell is empty")
            }
            ProblemKind::NotANumber { row, column, text } => {
                format!("row {row}, column `{column}`: `{text}` is not a number")
            }
            ProblemKind::Ragged {
                row,
                expected,
                found,
            } => format!("row {row} has {found} cells, but the header has {expected}"),
            ProblemKind::Csv { row, detail } => format!("row {row}: {detail}"),
            ProblemKind::PortfolioHeader { missing } => {
                format!("a portfolio series needs a `{missing}` column")
            }
            ProblemKind::DealRows { deal, row } if deal.is_empty() => {
                format!("row {row} names no deal")
            }
            ProblemKind::DealRows { deal, row } => {
                format!("row {row}: the rows of deal `{deal}` are not together")
            }
            ProblemKind::TooManyProblems { limit, row } => {
                format!("stopped reading at row {row} after {limit} problems")
            }
            ProblemKind::MissingColumn { column, .. } => {
                format!("the series has no column `{column}`")
            }
            ProblemKind::PeriodMismatch {
                keyword,
                per,
                series,
            } => format!("`{keyword} ... per {per}` cannot apply to a {series} series"),
            ProblemKind::EvalOverflow { clause, period } => {
                format!("`{clause}` in {period}: a figure is beyond the exact decimal range")
            }
            ProblemKind::TotalOverflow { party } => format!(
                "what `{party}` receives or pays over the series, in all, is beyond the exact decimal range"
            ),
            ProblemKind::EvalDivisionByZero { clause, period } => {
                format!("`{clause}` in {period}: the basis divides by zero")
            }
            ProblemKind::ExpectationFailed { expected, actual } => {
                format!("expected {expected}, found {actual}")
            }
            ProblemKind::Internal { detail } => format!("internal error: {detail}"),
        }
    }

    /// What to say at the primary span.
    pub fn label(&self) -> String {
        match self {
            ProblemKind::NotUtf8 => "invalid UTF-8 here",
            ProblemKind::TooLarge { .. } => "the file starts here",
            ProblemKind::Unexpected { expected, .. } if expected.len() <= 40 => {
                return format!("expected {expected}");
            }
            ProblemKind::Unexpected { .. } => "not expected here",
            ProblemKind::TooDeep { .. } => "nested too deep",
            ProblemKind::OddLineBreak { .. } => "here",
            ProblemKind::TooLong { .. } => "too many terms",
            ProblemKind::ExpandedTooLarge { .. } => "too large once expanded",
            ProblemKind::AmountRange { .. } => "out of range",
            ProblemKind::BadDate { .. } => "no such day",
            ProblemKind::UnknownParty { .. } => "not in `parties`",
            ProblemKind::UnknownConstant { .. } => "not declared with `let` above",
            ProblemKind::UnknownEvent { .. } => "not declared with `event`",
            ProblemKind::UnknownLabel { .. } => "no such label",
            ProblemKind::Duplicate { .. } => "declared again here",
            ProblemKind::PartyAsWindow { .. } => "a party",
            ProblemKind::NoParties => "no `parties` line in this agreement",
            ProblemKind::NoPayer { .. } => "who pays?",
            ProblemKind::SelfPayment { .. } => "also the payer",
            ProblemKind::EmptyName { .. } => "empty",
            ProblemKind::BadCurrency { .. } => "not a currency code",
            ProblemKind::DuplicateSetting { .. } => "set again here",
            ProblemKind::ExpectedRate { .. } => "a rate belongs here",
            ProblemKind::ExpectedAmount { .. } => "an amount belongs here",
            ProblemKind::MixedUnits { .. } => "a rate and an amount",
            ProblemKind::RateRange { .. } => "must be from 0% to 100%",
            ProblemKind::NotPositive { .. } => "must be more than zero",
            ProblemKind::DivisionByZero => "divides by zero",
            ProblemKind::Overflow => "too large",
            ProblemKind::NotConstant { column, .. } if column.is_empty() => "changes each period",
            ProblemKind::NotConstant { .. } => "depends on the series",
            ProblemKind::NotIncreasing { .. } => "must be larger than the one before",
            ProblemKind::OpenBandNotLast { .. } => "open-ended, but not last",
            ProblemKind::FloorAboveCap {
                what: "minimum", ..
            } => "the minimum",
            ProblemKind::FloorAboveCap { .. } => "the floor",
            ProblemKind::UnrecoupedAdvance => "add `recouped from <clause label>`",
            ProblemKind::NotRecoupable { .. } => "not a `share` clause",
            ProblemKind::RecoupOtherPayee { .. } => "pays another party",
            ProblemKind::DuplicateModifier { .. } => "given again here",
            ProblemKind::Cycle { .. } => "reads its own payments, through the others",
            ProblemKind::StepAfterAll => "takes everything left",
            ProblemKind::EmptyWaterfall => "no steps",
            ProblemKind::SplitNotWhole { .. } => "not 100% in all",
            ProblemKind::PeriodCount { .. } => "not a whole number from 1 to 120",
            ProblemKind::NothingWithheld { .. } => "never paid",
            ProblemKind::OverWithheld { .. } => "more than 100% in all",
            ProblemKind::WithheldForItself { .. } => "the party withheld from",
            ProblemKind::FeeTerm { .. } => "not for a fee",
            ProblemKind::Negative { .. } => "below zero",
            ProblemKind::ConditionOnPayments { .. } => "payments of the period",
            ProblemKind::NeedsHistory { .. } => "looks before the series",
            ProblemKind::MissingPeriod { .. } => "how often?",
            ProblemKind::DuplicateRest { .. } => "given again here",
            ProblemKind::SettleSelf => "the same party twice",
            ProblemKind::UnknownSubject { .. } => "no such party or label",
            ProblemKind::EventOfParty { .. } => "a party",
            ProblemKind::BadPeriodLabel { .. } => "not a period",
            ProblemKind::ExpectWithoutSeries => "tested against what?",
            ProblemKind::SeriesPath { .. } => "not a file beside the agreement",
            ProblemKind::SeriesEmpty => "no rows",
            ProblemKind::SeriesHeader { .. } => "expected `period`",
            ProblemKind::ReportedEmpty => "empty",
            ProblemKind::ReportedHeader { .. } => "the header",
            ProblemKind::ReportedNoParty { .. } => "paid to whom?",
            ProblemKind::DuplicateColumn { .. } => "again here",
            ProblemKind::ColumnType { .. } => "not exact",
            ProblemKind::NoColumn { .. } => "missing column",
            ProblemKind::BadPeriod { .. } => "not a period",
            ProblemKind::MixedGranularity { .. } => "another granularity",
            ProblemKind::PeriodOrder { .. } => "out of order",
            ProblemKind::PeriodGap { .. } => "periods missing before this one",
            ProblemKind::NotANumber { .. } => "not a number",
            ProblemKind::Ragged { .. } => "this row",
            ProblemKind::Csv { .. } => "here",
            ProblemKind::TooManyProblems { .. } => "not read from here on",
            ProblemKind::DealRows { .. } => "this deal",
            ProblemKind::PortfolioHeader { .. } => "this header",
            ProblemKind::MissingColumn { .. } => "not in the series",
            ProblemKind::PeriodMismatch { .. } => "does not fit the series' periods",
            ProblemKind::EvalOverflow { .. } => "this clause",
            ProblemKind::TotalOverflow { .. } => "this party's total",
            ProblemKind::EvalDivisionByZero { .. } => "this basis",
            ProblemKind::ExpectationFailed { actual, .. } => return format!("found {actual}"),
            ProblemKind::Internal { .. } => "here",
            ProblemKind::OverAllocated { .. } => "this share takes the total over 100%",
            ProblemKind::NeverPays { .. } => "never pays",
            ProblemKind::LooksAlike { .. } => "a look-alike",
            ProblemKind::BidiControl { .. } => "invisible here",
            ProblemKind::MixedScript { .. } => "mixed scripts",
            ProblemKind::Unused { .. } => "declared here",
            ProblemKind::MoreProblems { .. } => "the next is here",
            ProblemKind::LoneRest { .. } => "the whole basis",
        }
        .into()
    }

    fn full_help(&self) -> Option<String> {
        match self {
            ProblemKind::NotUtf8 => Some("save the file as UTF-8".into()),
            ProblemKind::TooLarge { series: false, .. } => {
                Some("one agreement per file; split portfolios into files".into())
            }
            ProblemKind::TooLarge { series: true, .. } => Some(
                "a series for one agreement is read whole; for more rows, evaluate a portfolio: a long-form series with a `deal` column is read as a stream"
                    .into(),
            ),
            ProblemKind::Unexpected { hint, .. } => hint.clone(),
            ProblemKind::TooDeep { .. } => {
                Some("name a part of the expression with `let` to flatten it".into())
            }
            ProblemKind::OddLineBreak { .. } => Some(
                "end the line with an ordinary line break (text pasted from a word processor often carries these)"
                    .into(),
            ),
            ProblemKind::ExpandedTooLarge { .. } => Some(
                "a constant that uses a series column is copied wherever it is used; write the formula with fewer constants built on each other"
                    .into(),
            ),
            ProblemKind::TooLong { .. } => {
                Some("split the expression into constants with `let`".into())
            }
            ProblemKind::AmountRange { .. } => Some(
                "amounts have at most 28 significant digits and stay below about 7.9 × 10^28".into(),
            ),
            ProblemKind::BadDate { .. } => {
                Some("write dates as year-month-day, such as `2028-04-01`".into())
            }
            ProblemKind::UnknownParty { name, suggestion, .. } => did_you_mean(name, suggestion)
                .or_else(|| Some("declare it in `parties`".into())),
            ProblemKind::UnknownConstant {
                declared_below: true,
                ..
            } => Some("constants are read top to bottom: move its `let` above this line".into()),
            ProblemKind::UnknownConstant { name, suggestion, .. } => did_you_mean(name, suggestion)
                .or_else(|| Some("declare it first: `let name = 40M`".into())),
            ProblemKind::UnknownEvent { name, suggestion, .. } => did_you_mean(name, suggestion)
                .or_else(|| Some("declare it: `event name` or `event name on 2029-01-01`".into())),
            ProblemKind::UnknownLabel { name, suggestion, .. } => did_you_mean(name, suggestion)
                .or_else(|| Some("label the clause: `royalty: share ...`".into())),
            ProblemKind::Duplicate { .. } => Some("remove one, or rename it".into()),
            ProblemKind::PartyAsWindow { name } => Some(format!(
                "the payer goes before `to`: `from {name} to ...`"
            )),
            ProblemKind::NoParties => Some("add a line such as `parties OpenAI, Microsoft`".into()),
            ProblemKind::NoPayer { payer, .. } => {
                let payer = if crate::syntax::parser::is_bare_name(payer) {
                    payer.clone()
                } else {
                    format!("\"{payer}\"")
                };
                Some(format!(
                    "declare who pays by default (`payer {payer}`) or name the payer in the clause (`from {payer} to ...`)"
                ))
            }
            ProblemKind::SelfPayment { .. } => {
                Some("a clause moves money between two different parties".into())
            }
            ProblemKind::EmptyName { .. } => Some("write a name between the quotes".into()),
            ProblemKind::BadCurrency { text } => {
                let upper = text.to_uppercase();
                if iso_currency::Currency::from_code(&upper).is_some() {
                    Some(format!("currency codes are capitals: `{upper}`"))
                } else {
                    Some("use an ISO 4217 code, such as `USD`, `EUR` or `JPY`".into())
                }
            }
            ProblemKind::DuplicateSetting { .. } => Some("keep one".into()),
            ProblemKind::ExpectedRate { .. } => {
                Some(
                    "write rates with a percent sign: `20%`; for an amount for every unit of a column, `pay 0.50 per unit of units to ...`"
                        .into(),
                )
            }
            ProblemKind::ExpectedAmount { .. } => {
                Some("write amounts as numbers, such as `38B`, `1.5M` or `250_000`".into())
            }
            ProblemKind::MixedUnits { .. } => {
                Some("multiply a rate by an amount to get an amount: `20% * 1M`".into())
            }
            ProblemKind::RateRange { .. } => {
                Some("a rate takes a fraction of an amount: from 0% (none of it) to 100% (all of it)".into())
            }
            ProblemKind::NotPositive { .. } => None,
            ProblemKind::DivisionByZero => None,
            ProblemKind::Overflow => Some(
                "amounts stay within about 7.9 × 10^28 and are exact to 28 significant digits"
                    .into(),
            ),
            ProblemKind::NotConstant { what: "a rate", .. } => Some(
                "a rate is a fixed percentage (`20%`, or a constant: `let rate = 20%`); for a rate that changes over time, use one clause per period with `from` and `until`, or bands"
                    .into(),
            ),
            ProblemKind::NotConstant { .. } => Some(
                "rates, caps, floors, thresholds and bands are fixed: write one, or name it with `let`"
                    .into(),
            ),
            ProblemKind::NotIncreasing { .. } => {
                Some("bounds are cumulative totals, each larger than the one before".into())
            }
            ProblemKind::OpenBandNotLast { what } => Some(format!(
                "move the open-ended {what} to the end"
            )),
            ProblemKind::FloorAboveCap { what, .. } => Some(format!(
                "the cap always prevails, so the {what} could never be paid in full"
            )),
            ProblemKind::UnrecoupedAdvance => Some(
                "an advance is paid back from a clause's earnings: `advance 250K to Artist recouped from royalty`"
                    .into(),
            ),
            ProblemKind::NotRecoupable { .. } => None,
            ProblemKind::RecoupOtherPayee { .. } => {
                Some("an advance is recouped from the same party's earnings".into())
            }
            ProblemKind::DuplicateModifier { .. } => Some("keep one".into()),
            ProblemKind::Cycle { .. } => Some(
                "a clause may read only payments that do not depend on it: take the basis from the series, or from a clause earlier in the chain"
                    .into(),
            ),
            ProblemKind::StepAfterAll => Some(
                "move the steps after it above it, or give it a limit (`rest to P until received 12M`)"
                    .into(),
            ),
            ProblemKind::EmptyWaterfall => Some(
                "add steps in order of priority, one a line: `30% to Distributor`, `recoup expenses to Distributor`, `rest to Financier until received 12M`, `split 50% to Financier, 50% to Producer`"
                    .into(),
            ),
            ProblemKind::SplitNotWhole { .. } => Some(
                "a split shares out everything that reaches it; the last part takes the rest to the cent, so the rates must add up to 100%"
                    .into(),
            ),
            ProblemKind::PeriodCount { .. } => Some(
                "count in the series' periods: `released over 2 periods`, or `each of previous 3 periods`, on a quarterly series is two, or three, quarters"
                    .into(),
            ),
            ProblemKind::OverWithheld { .. } => Some(
                "each withholding is its rate of the whole payment, so together they can take at most all of it, 100%"
                    .into(),
            ),
            ProblemKind::ConditionOnPayments { .. } => Some(
                "base the condition on series columns (`previous year gross_receipts`)".into(),
            ),
            ProblemKind::NeedsHistory { column, .. } => Some(format!(
                "say what the periods before the series count as: `before series {column} = 0` (or the figure the contract gives)"
            )),
            ProblemKind::Negative { .. } => Some(
                "a level is what a running total passes: zero (the first sale) or more".into(),
            ),
            ProblemKind::FeeTerm { .. } => Some(
                "a fee pays its amount each period; for an amount that depends on a column, write `pay 0.10 per unit of units ...` or `share ...`"
                    .into(),
            ),
            ProblemKind::WithheldForItself { .. } => Some(
                "name the party paid what is withheld, such as the tax authority: `withhold 30% of payments to Artist for TaxAuthority`"
                    .into(),
            ),
            ProblemKind::NothingWithheld { .. } => Some(
                "name the party whose payments are withheld, and the payer with `from` if it is not the agreement's"
                    .into(),
            ),
            ProblemKind::MissingPeriod { keyword } => Some(format!(
                "say how often it applies: `{keyword} ... per year`"
            )),
            ProblemKind::DuplicateRest { .. } => {
                Some("only one party can receive the remainder of a basis".into())
            }
            ProblemKind::SettleSelf => None,
            ProblemKind::UnknownSubject { name, suggestion, .. } => did_you_mean(name, suggestion)
                .or_else(|| Some("name a party from `parties`, or label the clause".into())),
            ProblemKind::EventOfParty { .. } => Some(
                "name the clause (`expect revenue-share cap reached in 2030`) or none (`expect cap reached in 2030`)"
                    .into(),
            ),
            ProblemKind::BadPeriodLabel { .. } => {
                Some("periods are `2029` (year), `2029Q3` (quarter) or `2029-07` (month)".into())
            }
            ProblemKind::ExpectWithoutSeries => {
                Some("name the series in the agreement: `series \"deal.csv\"`".into())
            }
            ProblemKind::SeriesPath { .. } => Some(
                "a declared series is a regular file in the agreement's directory or below it, such as `series \"data/deal.csv\"`; for any other file, give `--series FILE`"
                    .into(),
            ),
            ProblemKind::OverAllocated { .. } => {
                Some("check the rates; the payer cannot pay out more than the basis".into())
            }
            ProblemKind::NeverPays { .. } => None,
            ProblemKind::LooksAlike { name, other, .. } => Some(format!(
                "they differ in {}; rename one so they cannot be confused",
                first_difference(name, other)
            )),
            ProblemKind::BidiControl {
                name: "a control character",
                ..
            } => Some("remove it; a name or a comment holds only characters that show".into()),
            ProblemKind::BidiControl { .. } => Some(
                "remove it (text pasted from a right-to-left document may carry it); a reviewer sees the text reordered, the tool reads it as written"
                    .into(),
            ),
            ProblemKind::MixedScript { .. } => Some(
                "a letter from another script (such as a Cyrillic `о` for a Latin `o`) makes a name that looks right but matches nothing; retype it"
                    .into(),
            ),
            ProblemKind::Unused { .. } => Some("remove it, or use it".into()),
            ProblemKind::MoreProblems { .. } => {
                Some("fix the problems above first; the rest may share their cause".into())
            }
            ProblemKind::LoneRest { like: Some(like), .. } => Some(format!(
                "a `rest of` pays what the shares of the same basis leave, and bases match as computed, not as read: write it as the share does, `rest of {like}`"
            )),
            ProblemKind::LoneRest { like: None, .. } => Some(
                "a `rest of` pays what the shares of the same basis leave; for all of it, write `share 100% of ...`"
                    .into(),
            ),
            ProblemKind::SeriesEmpty => Some(
                "a series is a header `period,<column>...` and one row per period".into(),
            ),
            ProblemKind::SeriesHeader { .. } => {
                Some("start the header with `period`, such as `period,revenue`".into())
            }
            ProblemKind::ReportedEmpty => Some(
                "a reported statement is a header with `period`, `party` and `amount` columns, and a row per payment".into(),
            ),
            ProblemKind::ReportedNoParty { .. } => Some(
                "name the party paid on every row, as the agreement names it".into(),
            ),
            ProblemKind::ReportedHeader { role, .. } => Some(format!(
                "name the {role} column: `--reported-columns {role}=HEADER`, such as `{role}={}`",
                match *role {
                    "deal" => "Contract",
                    "period" => "Quarter",
                    "party" => "Payee",
                    _ => "Royalty",
                }
            )),
            ProblemKind::DuplicateColumn { .. } => Some("rename or remove one".into()),
            ProblemKind::NoColumn { name, .. } if *name == "deal" => Some(
                "a portfolio's table names each row's agreement in a `deal` column".into(),
            ),
            ProblemKind::NoColumn { .. } => Some(
                "name the column of period labels (`2025Q3`, `2025-07`) or dates `period`".into(),
            ),
            ProblemKind::ColumnType { wanted, .. } if *wanted == "amounts" => Some(
                "floating-point numbers cannot hold every cent exactly: give decimals (`decimal.Decimal`, pyarrow `decimal128`), integers, or text such as \"1250.50\"".into(),
            ),
            ProblemKind::ColumnType { .. } => Some(
                "give period labels as text (`2025`, `2025H1`, `2025Q3`, `2025-07`) or dates".into(),
            ),
            ProblemKind::BadPeriod { .. } => {
                Some("periods are `2025` (year), `2025H1` (half-year), `2025Q3` (quarter) or `2025-07` (month)".into())
            }
            ProblemKind::MixedGranularity { .. } => {
                Some("one series holds periods of one length; split it or convert it".into())
            }
            ProblemKind::PeriodOrder { .. } => {
                Some("list each period once, oldest first".into())
            }
            ProblemKind::PeriodGap { .. } => {
                Some("list every period; write 0 for a period with nothing".into())
            }
            ProblemKind::NotANumber { text, .. } => Some(number_hint(text)),
            ProblemKind::Ragged { .. } => {
                Some("give every row one cell per header column".into())
            }
            ProblemKind::Csv { detail, .. } if detail.starts_with("a line is longer") => Some(
                "a series has one line per period; a file with no line breaks, or a line of a megabyte, is not one"
                    .into(),
            ),
            ProblemKind::Csv { .. } => Some("save the series as UTF-8 CSV".into()),
            ProblemKind::PortfolioHeader { .. } => Some(
                "a portfolio series has a header such as `deal,period,revenue`; `deal` names each row's agreement file, without `.deal`"
                    .into(),
            ),
            ProblemKind::DealRows { deal, .. } if deal.is_empty() => Some(
                "every row names its agreement in the `deal` column (the file name without `.deal`)"
                    .into(),
            ),
            ProblemKind::DealRows { .. } => Some(
                "keep each deal's rows together, in period order (sort the file by deal, then period)"
                    .into(),
            ),
            ProblemKind::TooManyProblems { .. } => {
                Some("fix the problems above first; the rest of the file may share them".into())
            }
            ProblemKind::MissingColumn {
                available,
                suggestion,
                ..
            } => Some(match suggestion {
                Some(name) => format!("did you mean `{name}`? the series has {available}"),
                None => format!("the series has {available}"),
            }),
            ProblemKind::PeriodMismatch {
                keyword: "floor",
                per,
                series,
            } => {
                let period = series.strip_suffix("ly").map_or(*series, |p| match p {
                    "year" | "half-year" | "quarter" | "month" => p,
                    _ => series,
                });
                Some(format!(
                    "a floor holds in each period of the series, here each {period} (`floor ... per {period}`); for at least a sum each {per}, topped up at its end, write `minimum ... per {per}`"
                ))
            }
            ProblemKind::PeriodMismatch { .. } => Some(
                "a limit per period must be at least as long as the series' periods".into(),
            ),
            ProblemKind::EvalOverflow { .. } | ProblemKind::TotalOverflow { .. } => Some(
                "figures stay within about 7.9 × 10^28 and are exact to 28 significant digits (a sum of a huge and a tiny figure needs more); check the series' units"
                    .into(),
            ),
            ProblemKind::EvalDivisionByZero { .. } => None,
            ProblemKind::ExpectationFailed { .. } => None,
            ProblemKind::Internal { .. } => {
                Some("this is a bug in dealterms; please report it with the file".into())
            }
        }
    }
}

/// What a term that must not depend on the series is: a rate a fixed
/// percentage, anything else a fixed amount.
fn fixed(what: &str) -> &'static str {
    if what == "a rate" {
        "a fixed percentage"
    } else {
        "a fixed amount"
    }
}

/// The most characters of one quoted text a message shows.
pub const MAX_QUOTED: usize = 60;

/// `message` with every text between backticks cut to [`MAX_QUOTED`]
/// characters: a cell or a name may be a megabyte long.
fn clip_quotes(message: &str) -> String {
    message
        .split('`')
        .enumerate()
        .map(|(index, part)| match index % 2 {
            1 => printable(&clip(part, MAX_QUOTED)).into_owned(),
            _ => part.into(),
        })
        .collect::<Vec<_>>()
        .join("`")
}

/// `text` with each control character escaped (`\u{1b}`, `\n`): a quoted
/// cell must not drive the terminal or forge a line of output.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| match c.is_control() {
            true => c.escape_default().to_string(),
            false => c.to_string(),
        })
        .collect::<String>()
        .into()
}

/// `text` cut to at most `max` characters, with `…` where it was cut: a
/// message quotes a user's text, never a whole foreign file.
pub fn clip(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => text.into(),
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or_default()).into(),
    }
}

/// How to write a cell that is not a plain decimal number.
fn number_hint(text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        "write `0` for a period with nothing; an empty cell is not taken as zero".into()
    } else if trimmed.starts_with(['$', '€', '£', '¥']) || trimmed.ends_with(['$', '€', '£', '¥'])
    {
        "write amounts without a currency sign".into()
    } else if trimmed.starts_with('(') && trimmed.ends_with(')') {
        "write negative amounts with a minus sign: `-1000`".into()
    } else if trimmed.contains(',') {
        "write amounts without thousands separators: `12000.50`".into()
    } else if trimmed
        .trim_start_matches(['-', '+'])
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.')
    {
        "amounts have at most 28 significant digits".into()
    } else if trimmed.contains(['e', 'E'])
        && trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || "eE+-.".contains(c))
    {
        "write amounts in full, without scientific notation".into()
    } else {
        "write amounts as plain decimals, such as `12000.50`".into()
    }
}

/// Where two look-alike names differ: "`о` (U+043E) in one, `o` (U+006F)
/// in the other", or "the invisible character U+200B in one, `s` (U+0073)
/// in the other"; a character that shows as nothing is named, never quoted
/// (a combining mark would join the backtick before it).
fn first_difference(name: &str, other: &str) -> String {
    let (mut a, mut b) = (name.chars(), other.chars());
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => return "their characters, though they look alike".into(),
            (x, y) => {
                let describe = |c: Option<char>| c.map_or_else(|| "nothing".to_string(), character);
                return format!("{} in one, {} in the other", describe(x), describe(y));
            }
        }
    }
}

/// A character as a message names it: quoted when it shows, by its code
/// point alone when it does not.
fn character(c: char) -> String {
    use unicode_width::UnicodeWidthChar;
    let code = u32::from(c);
    if c.is_control() || c.is_whitespace() || c.width().unwrap_or(0) == 0 {
        format!("the invisible or combining character U+{code:04X}")
    } else {
        format!("`{c}` (U+{code:04X})")
    }
}

/// "did you mean" help, which says so when the names only look alike.
fn did_you_mean(name: &str, suggestion: &Option<String>) -> Option<String> {
    let suggestion = suggestion.as_ref()?;
    Some(if looks_alike(name, suggestion) {
        format!(
            "did you mean `{suggestion}`? they look alike but are written with different characters: {}",
            first_difference(name, suggestion)
        )
    } else {
        format!("did you mean `{suggestion}`?")
    })
}
