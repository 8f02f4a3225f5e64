//! Grammar rules in words, for syntax errors: "expected a rate such as
//! `20%`", never "expected percent".

use crate::diagnostics::suggest;
use crate::syntax::parser::Rule;

/// Rules that start a line inside the agreement; listed together they read
/// better as one phrase.
const ITEM_START: &str = "a clause (`share`, `pay`, `rest`, `advance`, `waterfall`, `withhold`) or a declaration (`parties`, `let`, ...)";
const MODIFIER: &str =
    "a modifier (`cap`, `above`, `floor`, `minimum`, `from`, `until`, `reserve`, `if`)";
const OPERATOR: &str = "an operator (`+`, `-`, `*`, `/`)";

/// One rule in words, or `None` for rules that never appear alone.
fn phrase(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::file | Rule::agreement | Rule::kw_agreement => "`agreement \"Name\" { ... }`",
        Rule::open_brace => "`{`",
        Rule::close_brace => "`}`",
        Rule::currency_decl
        | Rule::kw_currency
        | Rule::rounding_decl
        | Rule::kw_rounding
        | Rule::parties_decl
        | Rule::kw_parties
        | Rule::payer_decl
        | Rule::kw_payer
        | Rule::let_decl
        | Rule::kw_let
        | Rule::event_decl
        | Rule::kw_event
        | Rule::settle_decl
        | Rule::kw_settle
        | Rule::series_decl
        | Rule::kw_series
        | Rule::expect_decl
        | Rule::kw_expect
        | Rule::clause
        | Rule::share
        | Rule::kw_share
        | Rule::rest
        | Rule::kw_rest
        | Rule::advance
        | Rule::kw_advance
        | Rule::waterfall
        | Rule::kw_waterfall
        | Rule::withhold
        | Rule::kw_withhold
        | Rule::pay => ITEM_START,
        Rule::per_unit | Rule::kw_unit => "`per unit of` and a column",
        Rule::milestone_on | Rule::milestone_when | Rule::kw_when => {
            "`on` an event or a date, or `when` a column `exceed`s a level (a milestone)"
        }
        Rule::kw_exceed => "`exceed`",
        Rule::measured => "`in` and the column the bands count, such as `in copies`",
        Rule::before_decl => ITEM_START,
        Rule::condition => MODIFIER,
        Rule::previous_calendar
        | Rule::this_calendar
        | Rule::each_previous
        | Rule::kw_previous
        | Rule::kw_this
        | Rule::kw_each => {
            "`previous year`, `this year` (or half-year, quarter, month) or `each of previous 3 periods`"
        }
        Rule::comparison => "a comparison (`<`, `<=`, `>`, `>=`, `=`)",
        Rule::anchor | Rule::kw_period => "`period of` or `period after` an event or a date",
        Rule::anchor_of | Rule::anchor_after => "`of` or `after`",
        Rule::priority
        | Rule::priority_share
        | Rule::kw_recoup
        | Rule::priority_recoup
        | Rule::priority_rest
        | Rule::kw_pay
        | Rule::priority_pay
        | Rule::kw_split
        | Rule::priority_split => {
            "a step of the waterfall (`30% to P`, `recoup costs to P`, `rest to P`, `pay 500K to P`, `split 50% to P, 50% to Q`)"
        }
        Rule::split_part => "a part of the split such as `50% to Producer`",
        Rule::kw_received => "`received`",
        Rule::kw_payments => "`payments`",
        Rule::kw_for => "`for` and the party paid what is withheld",
        Rule::reserve | Rule::kw_reserve => MODIFIER,
        Rule::kw_released => "`released`",
        Rule::release_over | Rule::release_after => "`over` (in equal parts) or `after` (in full)",
        Rule::kw_periods => "`periods`",
        Rule::flow | Rule::kw_what => "an amount, a rate or a name",
        Rule::kw_pays | Rule::kw_receives => {
            "`pays` (after a clause label) or `receives` (after a party)"
        }
        Rule::label => "a clause label",
        Rule::expect_event | Rule::expect_amount | Rule::subject => {
            "a party or clause label, or an event such as `cap reached`"
        }
        Rule::event_kind => "an event such as `cap reached` or `threshold crossed`",
        Rule::kw_in => "`in`",
        Rule::kw_total => "`total`",
        Rule::before_settlement | Rule::kw_before => "`before settlement`",
        Rule::scenario | Rule::kw_if => "a scenario such as `if acquisition on 2027-01-01:`",
        Rule::dated_event => "an event and its date, such as `acquisition on 2027-01-01`",
        Rule::kw_settlement => "`settlement`",
        Rule::period_label => "a period such as `2029`, `2029H2`, `2029Q3` or `2029-07`",
        Rule::colon => "`:`",
        Rule::currency_code => "a currency code such as `USD`",
        Rule::rounding_mode => {
            "a rounding mode (`half-even`, `half-up`, `half-down`, `up`, `down`)"
        }
        Rule::party_name => "a party name",
        Rule::name => "a name",
        Rule::string => "a quoted name such as `\"Revenue share\"`",
        Rule::equals => "`=`",
        Rule::kw_on => "`on`",
        Rule::date => "a date such as `2028-04-01`",
        Rule::kw_net => "`net`",
        Rule::kw_between => "`between`",
        Rule::kw_and => "`and`",
        Rule::kw_of => "`of`",
        Rule::payer | Rule::kw_from => "`from`",
        Rule::payee | Rule::kw_to => "`to`",
        Rule::recouped | Rule::kw_recouped => "`recouped from`",
        Rule::bands | Rule::kw_up => "`up to`",
        Rule::band => "a band such as `25% up to 5M` or `20% above`",
        Rule::steps | Rule::kw_paid => "`until paid`",
        Rule::step | Rule::kw_then => "`then`",
        Rule::cap
        | Rule::kw_cap
        | Rule::threshold
        | Rule::kw_above
        | Rule::floor
        | Rule::kw_floor
        | Rule::minimum
        | Rule::kw_minimum
        | Rule::window_from
        | Rule::window_until
        | Rule::kw_until => MODIFIER,
        Rule::per | Rule::kw_per => "`per`",
        Rule::per_payee => "`per payee`",
        Rule::kw_payee => "`payee` (`per payee`)",
        Rule::calendar_unit => "`year`, `half-year`, `quarter` or `month`",
        Rule::expr => "an amount, a rate or a name",
        Rule::negate | Rule::primary => "an amount, a rate or a name",
        Rule::paren | Rule::open_paren => "`(`",
        Rule::close_paren => "`)`",
        Rule::add | Rule::subtract | Rule::multiply | Rule::divide => OPERATOR,
        Rule::percent => "a rate such as `20%`",
        Rule::amount | Rule::number | Rule::digits => "an amount such as `38B`",
        Rule::suffix => "a suffix (`K`, `M`, `B`, `T`)",
        Rule::WHITESPACE
        | Rule::keyword
        | Rule::item
        | Rule::schedule
        | Rule::modifier
        | Rule::when
        | Rule::operand
        | Rule::operator
        | Rule::name_start
        | Rule::name_char => return None,
    })
}

/// The expected rules as one phrase: "`of` or an operator (...)".
pub fn describe(positives: &[Rule]) -> String {
    let mut phrases: Vec<&str> = Vec::new();
    // `if` after a clause starts a condition, one of the modifiers; after
    // `expect`, a scenario.
    let modifiers_expected = positives.contains(&Rule::kw_cap);
    for rule in positives {
        if *rule == Rule::kw_if && modifiers_expected {
            continue;
        }
        if let Some(phrase) = phrase(*rule)
            && !phrases.contains(&phrase)
        {
            phrases.push(phrase);
        }
    }
    // Operators and modifiers can follow almost anything; name what the
    // analyst most likely meant first.
    phrases.sort_by_key(|phrase| match *phrase {
        OPERATOR => 2,
        MODIFIER => 1,
        ITEM_START => 3,
        "`}`" => 4,
        _ => 0,
    });
    match phrases.as_slice() {
        [] => "something else".into(),
        [one] => (*one).into(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The reserved words of the grammar's `keyword` rule.
pub const RESERVED: &[&str] = &[
    "agreement",
    "currency",
    "rounding",
    "parties",
    "payer",
    "let",
    "event",
    "settle",
    "share",
    "rest",
    "advance",
    "recouped",
    "of",
    "from",
    "to",
    "up",
    "above",
    "until",
    "paid",
    "then",
    "cap",
    "floor",
    "minimum",
    "per",
    "series",
    "expect",
];

/// The events an `expect` can name.
pub const EVENTS: [&str; 10] = [
    "cap reached",
    "threshold crossed",
    "band changed",
    "step changed",
    "minimum trued up",
    "advance recouped",
    "window opened",
    "window closed",
    "paid in full",
    "milestone paid",
];

/// The keywords that start a modifier.
pub const MODIFIERS: &[&str] = &[
    "cap", "above", "floor", "minimum", "from", "until", "reserve",
];

/// A fix for the most common slips at this position, if one is known.
/// `before` is the text up to the error, `rest` the text from it.
pub fn hint(positives: &[Rule], before: &str, rest: &str) -> Option<String> {
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let expects = |rules: &[Rule]| positives.iter().any(|rule| rules.contains(rule));
    // A lone `\r` ends a line too (a classic Mac file).
    let first_line = rest.split(['\n', '\r']).next().unwrap_or_default();
    if rest.starts_with(['$', '€', '£', '¥']) {
        return Some("write amounts without a currency sign: `38B`, not `$38B`".into());
    }
    // `advance: advance 20K to Author`: a keyword written as a label.
    let label = line_so_far(before).trim();
    if rest.starts_with(':') && RESERVED.contains(&label) {
        return Some(format!(
            "`{label}` is a reserved word and cannot be a label; choose another, as in `{label}-terms:`"
        ));
    }
    if rest.starts_with('"') && !first_line.get(1..).unwrap_or_default().contains('"') {
        return Some("close the quoted name with `\"` on the same line".into());
    }
    if rest.starts_with(',')
        && before.ends_with(|c: char| c.is_ascii_digit())
        && rest
            .get(1..)
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    {
        return Some("write `1_000_000` or `1M`, without commas".into());
    }
    if rest.starts_with(',')
        && ["per year", "per quarter", "per month"]
            .iter()
            .any(|p| before.ends_with(p))
    {
        return Some("`per year` goes after the last band: `up to 1M, 20% above per year`".into());
    }
    if rest.starts_with('%')
        && before.ends_with(' ')
        && before.trim_end().ends_with(|c: char| c.is_ascii_digit())
    {
        return Some("write the percent sign right after the number: `12%`".into());
    }
    if rest.starts_with('%') && before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
        let name: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_digit()) {
            return Some(format!(
                "a name stands for its value, percent sign and all: declare `let {name} = 15%` and write `share {name} of ...`; a rate is always a fixed percentage, never a series column"
            ));
        }
    }
    if expects(&[Rule::calendar_unit]) {
        if ["annum", "anum", "annually", "yr"].contains(&word.as_str()) {
            return Some("write `per year`".into());
        }
        return Some(
            "periods are `per year`, `per half-year`, `per quarter` or `per month`".into(),
        );
    }
    if expects(&[Rule::event_kind]) {
        let written = rest.split(" in ").next().unwrap_or_default().trim();
        let events = || EVENTS.map(|e| format!("`{e}`")).join(", ");
        return Some(match suggest(written, EVENTS.iter().copied()) {
            Some(event) => format!("did you mean `{event}`?"),
            None if expects(&[Rule::kw_total]) => format!(
                "expect an amount (`total = 7M`, what a party receives or a clause pays; `in 2026 = 2M`) or an event in a period ({} in 2026)",
                events()
            ),
            None => format!("events are {}", events()),
        });
    }
    if word == "paid" && expects(&[Rule::date]) {
        return Some(
            "a step-down (`until paid ...`) comes right after the payee, before any modifier"
                .into(),
        );
    }
    if word == "up" && expects(&[Rule::date]) {
        return Some("bands (`up to ...`) come right after the payee, before any modifier".into());
    }
    // Words that can only start an item or a modifier, met where a name
    // belongs: most likely used as a column or constant name.
    let name_like = !["of", "from", "to", "up", "above", "until", "then"].contains(&word.as_str());
    if name_like
        && RESERVED.contains(&word.as_str())
        && expects(&[Rule::name, Rule::expr, Rule::party_name])
    {
        return Some(format!(
            "`{word}` is a reserved word and cannot be a name; rename it"
        ));
    }
    let amount_expected = expects(&[Rule::expr, Rule::amount, Rule::percent]);
    if amount_expected
        && word.starts_with(|c: char| c.is_ascii_digit())
        && word.ends_with(['k', 'm', 'b', 't'])
    {
        return Some("amount suffixes are capitals: `K`, `M`, `B`, `T`".into());
    }
    if expects(&[Rule::date]) && looks_like_a_loose_date(rest) {
        return Some("write dates with two-digit months and days: `2026-01-01`".into());
    }
    if expects(&[Rule::date]) && word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        let keyword = if before.trim_end().ends_with("until") {
            "until"
        } else {
            "from"
        };
        let next = word.parse::<u32>().map_or(0, |year| year.saturating_add(1));
        return Some(match keyword {
            "until" => format!(
                "a date is a day: `until {word}-01-01` stops before {word}; `until {next}-01-01` pays through {word}"
            ),
            _ => format!("a date is a day: `from {word}-01-01`"),
        });
    }
    // The forms where payments feed payments, misremembered.
    if expects(&[Rule::kw_periods])
        && ["quarters", "quarter", "months", "month", "years", "year"].contains(&word.as_str())
    {
        return Some(
            "count in the series' periods: `released over 2 periods` on a quarterly series is two quarters"
                .into(),
        );
    }
    // `pay 10% of sales`: a share of a basis is a `share`.
    if word == "of"
        && line_so_far_has(before, "pay")
        && expects(&[Rule::per_unit, Rule::per, Rule::kw_per])
    {
        return Some(
            "a percentage of a basis is a `share`: `share 10% of sales to B`; `pay` is for an amount per unit (`pay 0.10 per unit of units to B`), per period (`pay 2K per quarter to B`) or once (`pay 1M to B on approval`)"
                .into(),
        );
    }
    // `pay 2K per quarter` in a waterfall: a step pays a total, once.
    if word == "per" && line_so_far_has(before, "pay") && expects(&[Rule::payee, Rule::kw_to]) {
        return Some(
            "a waterfall's `pay` step is a total paid as the money allows (`pay 500K to Bank`); a fee per period is a clause of its own, outside the waterfall"
                .into(),
        );
    }
    if expects(&[Rule::kw_exceed]) {
        return Some(
            "a milestone on an event or a date is `on approval`; `when` compares a column with a level: `when net_sales exceed 300M per year`"
                .into(),
        );
    }
    if expects(&[Rule::kw_released]) {
        return Some(
            "say how it is released: `reserve 25% released over 2 periods` (in equal parts) or `released after 2 periods` (in full)"
                .into(),
        );
    }
    if expects(&[Rule::kw_of]) && line_so_far_has(before, "withhold") {
        return Some(
            "a withholding names whose payments it takes and for whom: `withhold 30% of payments to Artist for TaxAuthority`"
                .into(),
        );
    }
    if expects(&[Rule::kw_for]) {
        return Some(
            "name who is paid what is withheld: `withhold 30% of payments to Artist for TaxAuthority`"
                .into(),
        );
    }
    if word == "then" && before.trim_end().ends_with(|c: char| c.is_alphanumeric()) {
        return Some("put a comma before `then`: `until paid 13.5B, then 49%`".into());
    }
    // `share greater of 6% of sales or 5K`: `greater` was read as the rate.
    if word == "of" || word == "or" {
        let greater = [
            "greater of",
            "higher of",
            "larger of",
            "max of",
            "maximum of",
        ];
        if greater
            .iter()
            .any(|words| line_so_far(before).contains(words))
        {
            return Some(
                "the greater of a share and a fixed sum is a share with a floor: `share 6% of gross_sales to B floor 5K per quarter`"
                    .into(),
            );
        }
    }
    // `minimum guarantee 2M`: a stray word before an amount was read as a name.
    let previous_word = before
        .trim_end()
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default();
    if word.starts_with(|c: char| c.is_ascii_digit())
        && previous_word.starts_with(|c: char| c.is_alphabetic())
        && !RESERVED.contains(&previous_word)
        && before.ends_with(|c: char| c.is_whitespace())
    {
        // `until payed 500K`: most likely misspelt, a keyword an amount follows.
        let before_amounts = ["paid", "to", "cap", "above", "floor", "minimum"];
        if let Some(keyword) = suggest(previous_word, before_amounts) {
            return Some(format!(
                "`{previous_word}` was read as a name; did you mean `{keyword}`?"
            ));
        }
        return Some(format!(
            "`{previous_word}` was read as a name; put the amount right after the keyword, as in `minimum {word}`"
        ));
    }
    let keywords = expected_keywords(positives);
    if let Some(keyword) = suggest(&word, keywords.iter().copied())
        && !word.is_empty()
    {
        return Some(format!("did you mean `{keyword}`?"));
    }
    if positives.contains(&Rule::EOI) {
        if word == "agreement" {
            return Some("one agreement per file: move this one to a file of its own".into());
        }
        return Some("everything belongs inside the one `agreement \"...\" { ... }` block".into());
    }
    None
}

/// The help for a word that term sheets use and the language spells
/// otherwise, met where a keyword or a clause could start: `38 billion`,
/// `annually`, `max 1.2M`. `ahead` is the text before the word.
pub fn known_slip(word: &str, ahead: &str) -> Option<String> {
    let number: String = {
        let text = ahead.trim_end();
        let start = text
            .rfind(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .map_or(0, |at| at.saturating_add(1));
        text.get(start..).unwrap_or_default().to_string()
    };
    let lower = word.to_lowercase();
    let suffix = match lower.as_str() {
        "thousand" | "k" => Some("K"),
        "million" | "millions" | "mn" | "mm" => Some("M"),
        "billion" | "billions" | "bn" => Some("B"),
        "trillion" | "trillions" => Some("T"),
        _ => None,
    };
    if let Some(suffix) = suffix
        && !number.is_empty()
    {
        return Some(format!(
            "write the amount with a suffix: `{number}{suffix}` (`K`, `M`, `B`, `T`)"
        ));
    }
    let per = match lower.as_str() {
        "annually" | "yearly" | "annual" | "pa" | "p.a" => Some("year"),
        "quarterly" => Some("quarter"),
        "monthly" => Some("month"),
        _ => None,
    };
    if let Some(per) = per {
        return Some(format!(
            "write `per {per}` after the amount: `cap 1.2M per {per}`"
        ));
    }
    match lower.as_str() {
        "max" | "maximum" | "ceiling" | "limit" | "capped" => Some(format!(
            "a most that can be paid is a `cap`: `cap 1.2M per year`, not `{word}`"
        )),
        "bands" | "band" | "tiers" | "tiered" | "escalating" => Some(
            "bands need no keyword: the first rate comes after `share`, the others right after the payee: `share 8% of sales to Author up to 10K, 10% above`"
                .into(),
        ),
        "min" | "minimum-guarantee" | "guarantee" | "guaranteed" => Some(
            "at least a sum over a period is `minimum 1M per year` (a top-up at the period's end); at least a sum each period is `floor 5K per quarter`"
                .into(),
        ),
        _ => None,
    }
}

/// The line being written, up to the error.
fn line_so_far(before: &str) -> &str {
    before.rsplit(['\n', '\r']).next().unwrap_or_default()
}

/// Whether the line being written, up to the error, has `word` in it.
fn line_so_far_has(before: &str, word: &str) -> bool {
    line_so_far(before).split_whitespace().any(|w| w == word)
}

/// `2026-1-1`: a date whose month or day lacks its leading zero.
fn looks_like_a_loose_date(rest: &str) -> bool {
    let token: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    let parts: Vec<&str> = token.split('-').collect();
    matches!(parts.as_slice(), [year, month, day]
        if year.len() == 4 && (1..=2).contains(&month.len()) && (1..=2).contains(&day.len()))
}

/// The keywords that would have been accepted here, for "did you mean".
fn expected_keywords(positives: &[Rule]) -> Vec<&'static str> {
    let mut keywords = Vec::new();
    for rule in positives {
        let words: &[&str] = match rule {
            Rule::kw_agreement | Rule::agreement | Rule::file => &["agreement"],
            Rule::kw_currency
            | Rule::kw_rounding
            | Rule::kw_parties
            | Rule::kw_payer
            | Rule::kw_let
            | Rule::kw_event
            | Rule::kw_settle
            | Rule::kw_share
            | Rule::kw_rest
            | Rule::kw_advance
            | Rule::kw_series
            | Rule::kw_expect
            | Rule::clause
            | Rule::label => &[
                "currency",
                "rounding",
                "parties",
                "payer",
                "let",
                "event",
                "settle",
                "share",
                "rest",
                "advance",
                "series",
                "expect",
                "waterfall",
                "withhold",
                "pay",
            ],
            Rule::kw_total => &["total"],
            Rule::kw_in => &["in"],
            Rule::before_settlement | Rule::kw_before => &["before"],
            Rule::scenario | Rule::kw_if => &["if"],
            Rule::dated_event => &[],
            Rule::kw_settlement => &["settlement"],
            Rule::kw_cap
            | Rule::kw_above
            | Rule::kw_floor
            | Rule::kw_minimum
            | Rule::kw_until
            | Rule::kw_reserve => &[
                "cap", "above", "floor", "minimum", "from", "until", "reserve",
            ],
            Rule::kw_recoup | Rule::kw_pay | Rule::kw_split | Rule::priority => {
                &["recoup", "rest", "pay", "split"]
            }
            Rule::kw_received => &["received"],
            Rule::kw_payments => &["payments"],
            Rule::kw_for => &["for"],
            Rule::kw_released => &["released"],
            Rule::release_over | Rule::release_after => &["over", "after"],
            Rule::kw_periods => &["periods"],
            Rule::kw_pays | Rule::kw_receives => &["pays", "receives"],
            Rule::kw_of => &["of"],
            Rule::kw_to | Rule::payee => &["to"],
            Rule::kw_from | Rule::payer => &["from"],
            Rule::kw_per | Rule::per => &["per"],
            Rule::calendar_unit => &["year", "half-year", "quarter", "month"],
            Rule::kw_recouped | Rule::recouped => &["recouped"],
            Rule::kw_then | Rule::step => &["then"],
            Rule::kw_paid => &["paid"],
            Rule::kw_up | Rule::bands => &["up"],
            Rule::kw_net => &["net"],
            Rule::kw_between => &["between"],
            Rule::kw_and => &["and"],
            Rule::kw_on => &["on"],
            Rule::rounding_mode => &["half-even", "half-up", "half-down", "up", "down"],
            Rule::per_payee | Rule::kw_payee => &["payee"],
            _ => &[],
        };
        for word in words {
            if !keywords.contains(word) {
                keywords.push(*word);
            }
        }
    }
    keywords
}
