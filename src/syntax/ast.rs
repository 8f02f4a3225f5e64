//! The typed syntax tree: what the file says, exactly as written, with a span
//! on every node. Nothing here is resolved or validated; that is the checking
//! pass's work (see `crate::check`).

use jiff::civil::Date;
use rust_decimal::Decimal;

/// A byte range in the source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// A whole `.deal` file.
#[derive(Debug, Clone)]
pub struct File {
    pub agreement: Agreement,
    /// Every comment, in source order, with its span (`# ...` or `// ...`).
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// `agreement "Name" { ... }`
#[derive(Debug, Clone)]
pub struct Agreement {
    pub name: Text,
    pub items: Vec<Item>,
    pub span: Span,
}

/// A name as written: an identifier, or a quoted string for a party name
/// with spaces (`"Société Générale"`). `value` is without quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub value: String,
    pub quoted: bool,
    pub span: Span,
}

/// A quoted string, `value` without its quotes.
#[derive(Debug, Clone)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    pub span: Span,
}

// A file has a few dozen items; boxing clauses would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ItemKind {
    /// `currency USD`
    Currency(Name),
    /// `rounding half-up`, `rounding half-even per payee`
    Rounding(RoundingMode, RoundingScope, Span),
    /// `parties OpenAI, Microsoft`
    Parties(Vec<Name>),
    /// `payer OpenAI`
    Payer(Name),
    /// `let negative_cost = 40M`
    Let { name: Name, value: Expr },
    /// `event change_of_control` or `event agi on 2029-06-30`
    Event { name: Name, date: Option<DateLit> },
    /// `settle net between OpenAI and Microsoft`
    Settle { first: Name, second: Name },
    /// `before series gross_receipts = 0`
    Before { column: Name, value: Expr },
    /// `series "openai-microsoft.csv"`
    Series(Text),
    /// `expect Microsoft total = 38B`
    Expect(Expect),
    /// A payment clause, labelled or not.
    Clause(Clause),
}

/// `expect [subject] ...`: what `deal test` checks in the statement.
#[derive(Debug, Clone)]
pub struct Expect {
    /// A party or a clause label; none for "any clause".
    pub subject: Option<Name>,
    pub kind: ExpectKind,
    /// `... total before settlement = X`: the gross figure, before net
    /// settlement's offsets.
    pub before_settlement: bool,
    /// `expect if acquisition on 2027-01-01: ...`: the events dated for
    /// this expectation alone; empty for the agreement as written.
    pub scenario: Vec<(Name, DateLit)>,
}

#[derive(Debug, Clone)]
pub enum ExpectKind {
    /// `Microsoft total = 38B`
    Total(Expr),
    /// `Microsoft in 2029 = 13.16B`
    InPeriod { period: PeriodLit, amount: Expr },
    /// `cap reached in 2030`
    Event { event: Text, period: PeriodLit },
}

/// `2029`, `2029Q3`, `2029-07`, as written.
#[derive(Debug, Clone)]
pub struct PeriodLit {
    pub text: String,
    pub span: Span,
}

/// How each payment is rounded to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RoundingMode {
    /// Ties to the even neighbour (banker's rounding): the default.
    #[default]
    HalfEven,
    /// Ties away from zero.
    HalfUp,
    /// Ties toward zero.
    HalfDown,
    /// Always away from zero.
    Up,
    /// Always toward zero (truncation).
    Down,
}

/// What is rounded once: each clause's payment, or a payee's period total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RoundingScope {
    /// Each clause's payment in each period: the default.
    #[default]
    Payment,
    /// `per payee`: what one payer owes one payee from all its shares in a
    /// period, rounded once and shared back among the clauses' rows.
    Payee,
}

impl RoundingMode {
    pub fn keyword(self) -> &'static str {
        match self {
            RoundingMode::HalfEven => "half-even",
            RoundingMode::HalfUp => "half-up",
            RoundingMode::HalfDown => "half-down",
            RoundingMode::Up => "up",
            RoundingMode::Down => "down",
        }
    }
}

/// `label: share ...`, `rest of ...` or `advance ...`
#[derive(Debug, Clone)]
pub struct Clause {
    pub label: Option<Name>,
    pub body: ClauseBody,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ClauseBody {
    Share(Share),
    Rest(Rest),
    Advance(Advance),
    Waterfall(Waterfall),
    Withhold(Withhold),
    Pay(Pay),
}

/// `pay 0.091 per unit of units to Publisher` or `pay 2K per quarter to Publisher`
#[derive(Debug, Clone)]
pub struct Pay {
    pub amount: Expr,
    pub per: PayPer,
    pub payer: Option<Name>,
    pub payee: Name,
    pub schedule: Option<Schedule>,
    pub modifiers: Vec<Modifier>,
}

/// What a `pay` clause's amount is for.
#[derive(Debug, Clone)]
pub enum PayPer {
    /// `per unit of units`: each unit of this basis.
    Unit(Expr),
    /// `per quarter`: each calendar period.
    Period(Per),
    /// `on approval`, `when net_sales exceed 300M per year`: once.
    Once(Trigger),
}

/// When a milestone is paid.
#[derive(Debug, Clone)]
pub enum Trigger {
    /// `on approval` or `on 2026-05-20`: in the period containing the date.
    On(When),
    /// `when net_sales exceed 300M per year`: in the period the running
    /// total (within each calendar period with `per`) first passes the level.
    Exceeds {
        basis: Expr,
        level: Expr,
        per: Option<Per>,
    },
}

/// `waterfall of gross_receipts { ... }`: steps in order of priority.
#[derive(Debug, Clone)]
pub struct Waterfall {
    pub basis: Expr,
    pub payer: Option<Name>,
    pub steps: Vec<Priority>,
}

/// One step of a waterfall, optionally labelled.
#[derive(Debug, Clone)]
pub struct Priority {
    pub label: Option<Name>,
    pub kind: PriorityKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum PriorityKind {
    /// `30% to Distributor`: a share of the waterfall's basis.
    Share { rate: Expr, payee: Name },
    /// `recoup expenses to Distributor cap 5M`
    Recoup {
        costs: Expr,
        payee: Name,
        cap: Option<Expr>,
    },
    /// `rest to Financier until received 12M`, or `rest to Financier`.
    Rest { payee: Name, until: Option<Expr> },
    /// `pay 500K to Bank`
    Pay { amount: Expr, payee: Name },
    /// `split 50% to Financier, 50% to Producer`
    Split(Vec<(Expr, Name)>),
}

/// `withhold 30% of payments to Artist for TaxAuthority`
#[derive(Debug, Clone)]
pub struct Withhold {
    pub rate: Expr,
    pub payer: Option<Name>,
    /// Whose payments are withheld from.
    pub from_payments_to: Name,
    /// Who is paid what is withheld.
    pub for_party: Name,
}

/// `share 20% of revenue from OpenAI to Microsoft cap 38B`
#[derive(Debug, Clone)]
pub struct Share {
    pub rate: Expr,
    pub basis: Expr,
    pub payer: Option<Name>,
    pub payee: Name,
    pub schedule: Option<Schedule>,
    pub modifiers: Vec<Modifier>,
}

/// `rest of sales to Seller`, `rest of sales, services to Seller`
#[derive(Debug, Clone)]
pub struct Rest {
    pub bases: Vec<Expr>,
    pub payer: Option<Name>,
    pub payee: Name,
}

/// `advance 250K to Artist recouped from royalty`
#[derive(Debug, Clone)]
pub struct Advance {
    pub amount: Expr,
    pub payer: Option<Name>,
    pub payee: Name,
    /// `on 2025-04-01`: when it is paid; the first period when not given.
    pub on: Option<DateLit>,
    /// The labels after `recouped from`; empty when the advance has none.
    pub recouped_from: Vec<Name>,
}

/// What follows the payee and changes the rate as totals grow.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// `up to 1M, 25% up to 5M, 20% above per year`: marginal bands on the
    /// cumulative basis; the share's own rate is the first band's.
    Bands {
        first_up_to: Expr,
        more: Vec<Band>,
        reset: Option<Per>,
        /// `in copies`: the column the bands count.
        measure: Option<Expr>,
        span: Span,
    },
    /// `until paid 300K, then 10% until paid 400K`: step-down on the
    /// clause's cumulative payments; the share's own rate is the first step's.
    Steps {
        first_until_paid: Expr,
        more: Vec<Step>,
        span: Span,
    },
}

/// `25% up to 5M` or `20% above`
#[derive(Debug, Clone)]
pub struct Band {
    pub rate: Expr,
    /// `None` for the open band, `above`.
    pub up_to: Option<Expr>,
    pub span: Span,
}

/// `then 10% until paid 400K` or `then 5%`
#[derive(Debug, Clone)]
pub struct Step {
    pub rate: Expr,
    pub until_paid: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Modifier {
    pub kind: ModifierKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ModifierKind {
    /// `cap 38B` or `cap 150K per year`
    Cap { amount: Expr, per: Option<Per> },
    /// `above 100M`
    Above {
        amount: Expr,
        per: Option<Per>,
        /// `above 10K per year in devices`: the column the threshold counts.
        measure: Option<Expr>,
    },
    /// `floor 20K per quarter`
    Floor { amount: Expr, per: Option<Per> },
    /// `minimum 1M per year`
    Minimum { amount: Expr, per: Option<Per> },
    /// `from 2026-01-01`, `from period after launch`
    From(When, Anchor),
    /// `until change_of_control`, `until period of termination`
    Until(When, Anchor),
    /// `if previous year gross_receipts < 5M`
    If(Condition),
    /// `reserve 25% released over 2 periods`
    Reserve {
        rate: Expr,
        release: Release,
        periods: Expr,
    },
}

/// `if previous year gross_receipts < 5M`
#[derive(Debug, Clone)]
pub struct Condition {
    pub looks_at: LooksAt,
    pub basis: Expr,
    pub comparison: Comparison,
    pub level: Expr,
}

/// Which earlier periods a condition reads.
#[derive(Debug, Clone)]
pub enum LooksAt {
    /// `previous year`: the whole calendar period before the current one.
    Previous(Per),
    /// `this year`: the current calendar period, settled with its last
    /// period in the series.
    This(Per),
    /// `each of previous 3 periods`: each of the series periods before.
    EachOf(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Below,
    AtMost,
    Above,
    AtLeast,
    Equal,
}

impl Comparison {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Below => "<",
            Comparison::AtMost => "<=",
            Comparison::Above => ">",
            Comparison::AtLeast => ">=",
            Comparison::Equal => "=",
        }
    }

    /// Whether `value` compares so with `level`.
    pub fn holds<T: PartialOrd>(self, value: &T, level: &T) -> bool {
        match self {
            Comparison::Below => value < level,
            Comparison::AtMost => value <= level,
            Comparison::Above => value > level,
            Comparison::AtLeast => value >= level,
            Comparison::Equal => value == level,
        }
    }
}

/// Where a window's bound falls: on its day, or at a series period's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Anchor {
    /// On the date itself: `from D` starts with the period containing D,
    /// `until D` ends with the last period starting before D.
    #[default]
    Day,
    /// `period of D`: at the start of the period containing D.
    PeriodOf,
    /// `period after D`: at the start of the period after it.
    PeriodAfter,
}

impl Anchor {
    /// `period of `, `period after ` or nothing, before the date or event.
    pub fn words(self) -> &'static str {
        match self {
            Anchor::Day => "",
            Anchor::PeriodOf => "period of ",
            Anchor::PeriodAfter => "period after ",
        }
    }
}

/// How a reserve is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// `over N periods`: in N equal parts over the next N periods.
    Over,
    /// `after N periods`: in full, N periods later.
    After,
}

impl Release {
    pub fn keyword(self) -> &'static str {
        match self {
            Release::Over => "over",
            Release::After => "after",
        }
    }
}

impl ModifierKind {
    /// The keyword that starts the modifier, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            ModifierKind::Cap { .. } => "cap",
            ModifierKind::Above { .. } => "above",
            ModifierKind::Floor { .. } => "floor",
            ModifierKind::Minimum { .. } => "minimum",
            ModifierKind::From(..) => "from",
            ModifierKind::Until(..) => "until",
            ModifierKind::Reserve { .. } => "reserve",
            ModifierKind::If(_) => "if",
        }
    }
}

/// `per year`
#[derive(Debug, Clone, Copy)]
pub struct Per {
    pub unit: Calendar,
    pub span: Span,
}

/// A calendar period: what `per` resets on, and a series' granularity.
/// Ordered by length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Calendar {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Calendar {
    pub fn keyword(self) -> &'static str {
        match self {
            Calendar::Year => "year",
            Calendar::HalfYear => "half-year",
            Calendar::Quarter => "quarter",
            Calendar::Month => "month",
        }
    }

    /// ` per year` after an amount, or nothing for a lifetime limit.
    pub fn per_words(per: Option<Calendar>) -> &'static str {
        match per {
            Some(Calendar::Year) => " per year",
            Some(Calendar::HalfYear) => " per half-year",
            Some(Calendar::Quarter) => " per quarter",
            Some(Calendar::Month) => " per month",
            None => "",
        }
    }

    /// How many months the period lasts.
    pub fn months(self) -> u8 {
        match self {
            Calendar::Year => 12,
            Calendar::HalfYear => 6,
            Calendar::Quarter => 3,
            Calendar::Month => 1,
        }
    }

    /// How many such periods a year has.
    pub fn per_year(self) -> u8 {
        12u8.checked_div(self.months()).unwrap_or(1)
    }
}

/// A date or an event name, in a window.
#[derive(Debug, Clone)]
pub enum When {
    Date(DateLit),
    Event(Name),
}

impl When {
    pub fn span(&self) -> Span {
        match self {
            When::Date(date) => date.span,
            When::Event(name) => name.span,
        }
    }
}

/// `2028-04-01`
#[derive(Debug, Clone, Copy)]
pub struct DateLit {
    pub date: Date,
    pub span: Span,
}

/// Arithmetic over literals, constants and series columns.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// `38B`: `value` is exact, `text` as written.
    Amount { value: Decimal, text: String },
    /// `12.5%`: `value` is the fraction (0.125), `text` as written.
    Percent { value: Decimal, text: String },
    /// A constant or a series column.
    Name(String),
    /// `what royalty pays`: a clause's payments in the period.
    Paid(Name),
    /// `what Producer receives`: a party's receipts in the period.
    Received(Name),
    /// `-x`
    Negate(Box<Expr>),
    /// `(x)`
    Paren(Box<Expr>),
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
        }
    }

    /// Binding power: `*` and `/` bind tighter than `+` and `-`.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Add | BinaryOp::Subtract => 1,
            BinaryOp::Multiply | BinaryOp::Divide => 2,
        }
    }
}

/// The canonical text of an expression: literals as written, one space
/// around each operator, parentheses kept where the file has them.
impl std::fmt::Display for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            ExprKind::Amount { text, .. } | ExprKind::Percent { text, .. } => f.write_str(text),
            ExprKind::Name(name) => f.write_str(name),
            ExprKind::Paid(label) => write!(f, "what {} pays", label.value),
            ExprKind::Received(party) => write!(f, "what {} receives", written(party)),
            ExprKind::Negate(inner) => write!(f, "-{inner}"),
            ExprKind::Paren(inner) => write!(f, "({inner})"),
            ExprKind::Binary { op, left, right } => {
                write!(f, "{left} {} {right}", op.symbol())
            }
        }
    }
}

/// A name as it is written: quoted if it was.
pub fn written(name: &Name) -> String {
    if name.quoted {
        format!("\"{}\"", name.value)
    } else {
        name.value.clone()
    }
}
