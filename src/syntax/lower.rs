//! From pest pairs to the typed syntax tree: one function per rule.
//!
//! The grammar guarantees each rule's shape; where the tree is not what the
//! grammar promises, lowering reports an internal error rather than panic.

use std::iter::Peekable;
use std::str::FromStr;
use std::sync::LazyLock;

use jiff::civil::Date;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use rust_decimal::Decimal;

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::*;
use crate::syntax::parser::Rule;

/// Most operands in one expression; longer ones are refused rather than
/// built into a tree deep enough to exhaust the stack.
pub const MAX_OPERANDS: usize = 64;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::subtract, Assoc::Left))
        .op(Op::infix(Rule::multiply, Assoc::Left) | Op::infix(Rule::divide, Assoc::Left))
        .op(Op::prefix(Rule::negate))
});

type Lowered<T> = Result<T, Problem>;

/// Lowers a parsed `file`. Problems that do not stop lowering (an amount out
/// of range, an impossible date) are collected in `problems`.
pub fn file(
    pair: Pair<'_, Rule>,
    comments: Vec<Comment>,
    problems: &mut Vec<Problem>,
) -> Lowered<File> {
    let mut lower = Lower { problems };
    let mut children = Children::of(pair);
    let agreement = lower.agreement(children.expect(Rule::agreement)?)?;
    Ok(File {
        agreement,
        comments,
    })
}

struct Lower<'p> {
    problems: &'p mut Vec<Problem>,
}

impl Lower<'_> {
    fn agreement(&mut self, pair: Pair<'_, Rule>) -> Lowered<Agreement> {
        let span = span_of(&pair);
        let mut children = Children::of(pair);
        let name = text(children.expect(Rule::string)?);
        let mut items = Vec::new();
        while let Some(item) = children.next_any() {
            items.push(self.item(item)?);
        }
        Ok(Agreement { name, items, span })
    }

    fn item(&mut self, pair: Pair<'_, Rule>) -> Lowered<Item> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let mut children = Children::of(pair);
        let kind = match rule {
            Rule::currency_decl => ItemKind::Currency(name(children.expect(Rule::currency_code)?)),
            Rule::rounding_decl => {
                let mode = children.expect(Rule::rounding_mode)?;
                ItemKind::Rounding(rounding_mode(&mode)?, span_of(&mode))
            }
            Rule::parties_decl => {
                ItemKind::Parties(children.rest().map(party_name).collect::<Lowered<_>>()?)
            }
            Rule::payer_decl => ItemKind::Payer(party_name(children.expect(Rule::party_name)?)?),
            Rule::let_decl => ItemKind::Let {
                name: name(children.expect(Rule::name)?),
                value: self.expr(children.expect(Rule::expr)?)?,
            },
            Rule::event_decl => ItemKind::Event {
                name: name(children.expect(Rule::name)?),
                date: children.next_if(Rule::date).map(|date| self.date(date)),
            },
            Rule::settle_decl => ItemKind::Settle {
                first: party_name(children.expect(Rule::party_name)?)?,
                second: party_name(children.expect(Rule::party_name)?)?,
            },
            Rule::series_decl => ItemKind::Series(text(children.expect(Rule::string)?)),
            Rule::expect_decl => ItemKind::Expect(self.expect(children.next()?)?),
            Rule::clause => ItemKind::Clause(self.clause(span, children)?),
            other => return Err(unexpected_rule(other, span)),
        };
        Ok(Item { kind, span })
    }

    /// `expect ...`: an event in a period, or an amount.
    fn expect(&mut self, pair: Pair<'_, Rule>) -> Lowered<Expect> {
        let rule = pair.as_rule();
        let mut children = Children::of(pair);
        let subject = children
            .next_if(Rule::subject)
            .map(party_name)
            .transpose()?;
        let kind = match rule {
            Rule::expect_event => ExpectKind::Event {
                event: text_as_written(children.expect(Rule::event_kind)?),
                period: period_label(children.expect(Rule::period_label)?),
            },
            Rule::expect_amount => match children.next_if(Rule::period_label) {
                Some(period) => ExpectKind::InPeriod {
                    period: period_label(period),
                    amount: self.expr(children.expect(Rule::expr)?)?,
                },
                None => ExpectKind::Total(self.expr(children.expect(Rule::expr)?)?),
            },
            other => return Err(unexpected_rule(other, children.span)),
        };
        Ok(Expect { subject, kind })
    }

    fn clause(&mut self, span: Span, mut children: Children<'_>) -> Lowered<Clause> {
        let label = children.next_if(Rule::label).map(name);
        let body = children.next()?;
        let body_span = span_of(&body);
        let body = match body.as_rule() {
            Rule::share => ClauseBody::Share(self.share(body)?),
            Rule::rest => ClauseBody::Rest(self.rest(body)?),
            Rule::advance => ClauseBody::Advance(self.advance(body)?),
            other => return Err(unexpected_rule(other, body_span)),
        };
        Ok(Clause { label, body, span })
    }

    fn share(&mut self, pair: Pair<'_, Rule>) -> Lowered<Share> {
        let mut children = Children::of(pair);
        let rate = self.expr(children.expect(Rule::expr)?)?;
        let basis = self.expr(children.expect(Rule::expr)?)?;
        let payer = children
            .next_if(Rule::payer)
            .map(single_party)
            .transpose()?;
        let payee = single_party(children.expect(Rule::payee)?)?;
        let mut schedule = None;
        let mut modifiers = Vec::new();
        for pair in children.rest() {
            match pair.as_rule() {
                Rule::bands => schedule = Some(self.bands(pair)?),
                Rule::steps => schedule = Some(self.steps(pair)?),
                _ => modifiers.push(self.modifier(pair)?),
            }
        }
        Ok(Share {
            rate,
            basis,
            payer,
            payee,
            schedule,
            modifiers,
        })
    }

    fn rest(&mut self, pair: Pair<'_, Rule>) -> Lowered<Rest> {
        let mut children = Children::of(pair);
        Ok(Rest {
            basis: self.expr(children.expect(Rule::expr)?)?,
            payer: children
                .next_if(Rule::payer)
                .map(single_party)
                .transpose()?,
            payee: single_party(children.expect(Rule::payee)?)?,
        })
    }

    fn advance(&mut self, pair: Pair<'_, Rule>) -> Lowered<Advance> {
        let mut children = Children::of(pair);
        Ok(Advance {
            amount: self.expr(children.expect(Rule::expr)?)?,
            payer: children
                .next_if(Rule::payer)
                .map(single_party)
                .transpose()?,
            payee: single_party(children.expect(Rule::payee)?)?,
            on: children.next_if(Rule::date).map(|date| self.date(date)),
            recouped_from: match children.next_if(Rule::recouped) {
                Some(recouped) => Children::of(recouped).rest().map(name).collect(),
                None => Vec::new(),
            },
        })
    }

    /// `up to 1M, 25% up to 5M, 20% above per year`
    fn bands(&mut self, pair: Pair<'_, Rule>) -> Lowered<Schedule> {
        let span = span_of(&pair);
        let mut children = Children::of(pair);
        let first_up_to = self.expr(children.expect(Rule::expr)?)?;
        let mut more = Vec::new();
        let mut reset = None;
        for pair in children.rest() {
            match pair.as_rule() {
                Rule::band => more.push(self.band(pair)?),
                _ => reset = Some(per(pair)?),
            }
        }
        Ok(Schedule::Bands {
            first_up_to,
            more,
            reset,
            span,
        })
    }

    /// `25% up to 5M` or `20% above`
    fn band(&mut self, pair: Pair<'_, Rule>) -> Lowered<Band> {
        let (rate, up_to, span) = self.tier(pair)?;
        Ok(Band { rate, up_to, span })
    }

    /// A band or a step: its rate, then its bound if it has one.
    fn tier(&mut self, pair: Pair<'_, Rule>) -> Lowered<(Expr, Option<Expr>, Span)> {
        let span = span_of(&pair);
        let mut children = Children::of(pair);
        let rate = self.expr(children.expect(Rule::expr)?)?;
        let bound = children
            .next_if(Rule::expr)
            .map(|e| self.expr(e))
            .transpose()?;
        Ok((rate, bound, span))
    }

    /// `until paid 300K, then 10% until paid 400K`
    fn steps(&mut self, pair: Pair<'_, Rule>) -> Lowered<Schedule> {
        let span = span_of(&pair);
        let mut children = Children::of(pair);
        let first_until_paid = self.expr(children.expect(Rule::expr)?)?;
        let more = children
            .rest()
            .map(|step| self.step(step))
            .collect::<Lowered<_>>()?;
        Ok(Schedule::Steps {
            first_until_paid,
            more,
            span,
        })
    }

    /// `then 10% until paid 400K`
    fn step(&mut self, pair: Pair<'_, Rule>) -> Lowered<Step> {
        let (rate, until_paid, span) = self.tier(pair)?;
        Ok(Step {
            rate,
            until_paid,
            span,
        })
    }

    fn modifier(&mut self, pair: Pair<'_, Rule>) -> Lowered<Modifier> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let mut children = Children::of(pair);
        let kind = match rule {
            Rule::cap | Rule::threshold | Rule::floor | Rule::minimum => {
                let amount = self.expr(children.expect(Rule::expr)?)?;
                let per = children.next_if(Rule::per).map(per).transpose()?;
                match rule {
                    Rule::cap => ModifierKind::Cap { amount, per },
                    Rule::threshold => ModifierKind::Above { amount, per },
                    Rule::floor => ModifierKind::Floor { amount, per },
                    _ => ModifierKind::Minimum { amount, per },
                }
            }
            Rule::window_from => ModifierKind::From(self.when(children.next()?)?),
            Rule::window_until => ModifierKind::Until(self.when(children.next()?)?),
            other => return Err(unexpected_rule(other, span)),
        };
        Ok(Modifier { kind, span })
    }

    fn when(&mut self, pair: Pair<'_, Rule>) -> Lowered<When> {
        match pair.as_rule() {
            Rule::date => Ok(When::Date(self.date(pair))),
            Rule::name => Ok(When::Event(name(pair))),
            other => Err(unexpected_rule(other, span_of(&pair))),
        }
    }

    /// `2028-04-01`; an impossible date is reported and lowered as 1970-01-01.
    fn date(&mut self, pair: Pair<'_, Rule>) -> DateLit {
        let span = span_of(&pair);
        let date = Date::from_str(pair.as_str()).unwrap_or_else(|_| {
            self.problems.push(Problem::new(
                ProblemKind::BadDate {
                    text: pair.as_str().into(),
                },
                span,
            ));
            Date::constant(1970, 1, 1)
        });
        DateLit { date, span }
    }

    /// An expression, folded by precedence.
    fn expr(&mut self, pair: Pair<'_, Rule>) -> Lowered<Expr> {
        // Most expressions are one literal or name: no operators to order.
        let mut children = pair.clone().into_inner();
        if let (Some(only), None) = (children.next(), children.next()) {
            return primary(only, self.problems);
        }
        let span = span_of(&pair);
        let operands = pair
            .clone()
            .into_inner()
            .filter(|p| {
                !matches!(
                    p.as_rule(),
                    Rule::add | Rule::subtract | Rule::multiply | Rule::divide | Rule::negate
                )
            })
            .count();
        if operands > MAX_OPERANDS {
            return Err(Problem::new(
                ProblemKind::TooLong {
                    limit: MAX_OPERANDS,
                },
                span,
            ));
        }
        // The Pratt closures cannot borrow `self` mutably three times over, so
        // recoverable problems are gathered here and handed on afterwards.
        let mut problems = Vec::new();
        let result = PRATT
            .map_primary(|pair| primary(pair, &mut problems))
            .map_prefix(|op, operand| {
                let operand = operand?;
                Ok(Expr {
                    span: span_of(&op).to(operand.span),
                    kind: ExprKind::Negate(Box::new(operand)),
                })
            })
            .map_infix(|left, op, right| {
                let (left, right) = (left?, right?);
                let op = match op.as_rule() {
                    Rule::add => BinaryOp::Add,
                    Rule::subtract => BinaryOp::Subtract,
                    Rule::multiply => BinaryOp::Multiply,
                    Rule::divide => BinaryOp::Divide,
                    other => return Err(unexpected_rule(other, span_of(&op))),
                };
                Ok(Expr {
                    span: left.span.to(right.span),
                    kind: ExprKind::Binary {
                        op,
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                })
            })
            .parse(pair.into_inner());
        self.problems.append(&mut problems);
        result
    }
}

/// One operand: a literal, a name or a parenthesised expression.
fn primary(pair: Pair<'_, Rule>, problems: &mut Vec<Problem>) -> Lowered<Expr> {
    let span = span_of(&pair);
    let kind = match pair.as_rule() {
        Rule::amount => {
            let text = pair.as_str().to_string();
            let value = amount_value(&text).unwrap_or_else(|| {
                problems.push(Problem::new(
                    ProblemKind::AmountRange { text: text.clone() },
                    span,
                ));
                Decimal::ZERO
            });
            ExprKind::Amount { value, text }
        }
        Rule::percent => {
            let text = pair.as_str().to_string();
            let value = percent_value(&text).unwrap_or_else(|| {
                problems.push(Problem::new(
                    ProblemKind::AmountRange { text: text.clone() },
                    span,
                ));
                Decimal::ZERO
            });
            ExprKind::Percent { value, text }
        }
        Rule::name => ExprKind::Name(pair.as_str().to_string()),
        Rule::paren => {
            let inner = Children::of(pair).expect(Rule::expr)?;
            let mut lower = Lower { problems };
            ExprKind::Paren(Box::new(lower.expr(inner)?))
        }
        other => return Err(unexpected_rule(other, span)),
    };
    Ok(Expr { kind, span })
}

/// The exact value of `38B`, `1.5M`, `1_000_000`; `None` if out of range.
pub fn amount_value(text: &str) -> Option<Decimal> {
    let (digits, scale) = match text.char_indices().last() {
        Some((at, 'K')) => (text.get(..at)?, 3),
        Some((at, 'M')) => (text.get(..at)?, 6),
        Some((at, 'B')) => (text.get(..at)?, 9),
        Some((at, 'T')) => (text.get(..at)?, 12),
        _ => (text, 0),
    };
    let number = decimal(digits)?;
    number.checked_mul(Decimal::from_i128_with_scale(10i128.pow(scale), 0))
}

/// The fraction `12.5%` stands for (0.125); `None` if out of range.
pub fn percent_value(text: &str) -> Option<Decimal> {
    let number = decimal(text.strip_suffix('%')?)?;
    // A hundredth is the same digits two places further right; a division
    // only where the scale would pass Decimal's 28.
    number
        .scale()
        .checked_add(2)
        .and_then(|scale| Decimal::try_from_i128_with_scale(number.mantissa(), scale).ok())
        .or_else(|| number.checked_div(Decimal::ONE_HUNDRED))
}

/// Digits with an optional point and `_` separators, as an exact decimal.
fn decimal(digits: &str) -> Option<Decimal> {
    if digits.contains('_') {
        Decimal::from_str_exact(&digits.replace('_', "")).ok()
    } else {
        Decimal::from_str_exact(digits).ok()
    }
}

fn rounding_mode(pair: &Pair<'_, Rule>) -> Lowered<RoundingMode> {
    Ok(match pair.as_str() {
        "half-even" => RoundingMode::HalfEven,
        "half-up" => RoundingMode::HalfUp,
        "half-down" => RoundingMode::HalfDown,
        "up" => RoundingMode::Up,
        "down" => RoundingMode::Down,
        _ => return Err(unexpected_rule(pair.as_rule(), span_of(pair))),
    })
}

fn per(pair: Pair<'_, Rule>) -> Lowered<Per> {
    let span = span_of(&pair);
    let unit_pair = Children::of(pair).expect(Rule::calendar_unit)?;
    let unit = match unit_pair.as_str() {
        "year" => Calendar::Year,
        "quarter" => Calendar::Quarter,
        "month" => Calendar::Month,
        _ => return Err(unexpected_rule(Rule::calendar_unit, span)),
    };
    Ok(Per { unit, span })
}

/// The party of a `payer` or `payee` rule.
fn single_party(pair: Pair<'_, Rule>) -> Lowered<Name> {
    party_name(Children::of(pair).expect(Rule::party_name)?)
}

/// A party (`party_name`), or a party or clause label after `expect`
/// (`subject`): a name, or a quoted string.
fn party_name(pair: Pair<'_, Rule>) -> Lowered<Name> {
    let inner = Children::of(pair).next()?;
    Ok(match inner.as_rule() {
        Rule::string => {
            let text = text(inner);
            Name {
                value: text.value,
                quoted: true,
                span: text.span,
            }
        }
        _ => name(inner),
    })
}

fn period_label(pair: Pair<'_, Rule>) -> PeriodLit {
    PeriodLit {
        text: pair.as_str().to_string(),
        span: span_of(&pair),
    }
}

/// A token kept exactly as written.
fn text_as_written(pair: Pair<'_, Rule>) -> Text {
    Text {
        value: pair.as_str().to_string(),
        span: span_of(&pair),
    }
}

fn name(pair: Pair<'_, Rule>) -> Name {
    Name {
        value: pair.as_str().to_string(),
        quoted: false,
        span: span_of(&pair),
    }
}

fn text(pair: Pair<'_, Rule>) -> Text {
    let raw = pair.as_str();
    let value = raw
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(raw);
    Text {
        value: value.to_string(),
        span: span_of(&pair),
    }
}

/// The span of a node, from its first token to the end of its last. pest
/// lets the span of a rule ending in an optional or repeated part run on over
/// the white space and comments skipped before that part turned out absent;
/// for those rules the tail is trimmed off.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let span = pair.as_span();
    let (start, mut end) = (span.start(), span.end());
    if !may_trail(pair.as_rule()) {
        return Span::new(start, end);
    }
    let input = span.get_input();
    // Trailing trivia always ends in white space: a comment runs to the end
    // of its line, and the line break after it is skipped with it. So a node
    // that ends in anything else, before the end of the file, has none.
    let last = input
        .get(..end)
        .and_then(|before| before.chars().next_back());
    if end < input.len() && last.is_some_and(|c| !is_blank(c)) {
        return Span::new(start, end);
    }
    loop {
        let node = input.get(start..end).unwrap_or_default();
        let trimmed = node.trim_end_matches(is_blank);
        end = start + trimmed.len();
        let line_start = trimmed.rfind('\n').map_or(start, |at| start + at + 1);
        let line = input.get(line_start..end).unwrap_or_default();
        let may_comment = line.bytes().any(|b| b == b'#' || b == b'/');
        match may_comment.then(|| comment_start(line)).flatten() {
            Some(at) => end = line_start + at,
            None => return Span::new(start, end),
        }
    }
}

/// What the grammar skips as white space (`WHITESPACE`, Unicode's white
/// space). The scan has refused the line breaks the grammar does not take
/// (NEL, U+2028, U+2029, vertical tab, form feed) before any text is lowered,
/// and a byte-order mark is accepted only where the file starts, so no
/// trailing trivia holds either.
fn is_blank(c: char) -> bool {
    c.is_whitespace()
}

/// Rules that end in an optional or repeated part, or in a rule that does.
fn may_trail(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::item
            | Rule::clause
            | Rule::share
            | Rule::advance
            | Rule::recouped
            | Rule::bands
            | Rule::steps
            | Rule::step
            | Rule::cap
            | Rule::threshold
            | Rule::floor
            | Rule::minimum
            | Rule::expr
            | Rule::event_decl
            | Rule::parties_decl
            | Rule::expect_decl
            | Rule::expect_amount
            | Rule::let_decl
            | Rule::band
    )
}

/// Where a comment starts in a line, outside quoted names.
fn comment_start(line: &str) -> Option<usize> {
    let mut quoted = false;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return Some(at),
            '/' if !quoted && previous == '/' => return Some(at.saturating_sub(1)),
            _ => {}
        }
        previous = c;
    }
    None
}

fn unexpected_rule(rule: Rule, span: Span) -> Problem {
    Problem::new(
        ProblemKind::Internal {
            detail: format!("the syntax tree has an unexpected `{rule:?}` here"),
        },
        span,
    )
}

/// The meaningful children of a pair: keywords and punctuation are skipped,
/// since the rule itself says which were there.
struct Children<'i> {
    pairs: Peekable<Pairs<'i, Rule>>,
    span: Span,
}

impl<'i> Children<'i> {
    fn of(pair: Pair<'i, Rule>) -> Self {
        let span = span_of(&pair);
        Children {
            pairs: pair.into_inner().peekable(),
            span,
        }
    }

    fn skip_tokens(&mut self) {
        while self.pairs.peek().is_some_and(|p| is_token(p.as_rule())) {
            self.pairs.next();
        }
    }

    fn next_any(&mut self) -> Option<Pair<'i, Rule>> {
        self.skip_tokens();
        self.pairs.next()
    }

    fn next(&mut self) -> Lowered<Pair<'i, Rule>> {
        let span = self.span;
        self.next_any().ok_or_else(|| {
            Problem::new(
                ProblemKind::Internal {
                    detail: "the syntax tree ends too early".into(),
                },
                span,
            )
        })
    }

    fn next_if(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        self.skip_tokens();
        self.pairs.next_if(|p| p.as_rule() == rule)
    }

    fn expect(&mut self, rule: Rule) -> Lowered<Pair<'i, Rule>> {
        let pair = self.next()?;
        if pair.as_rule() == rule {
            Ok(pair)
        } else {
            Err(unexpected_rule(pair.as_rule(), span_of(&pair)))
        }
    }

    fn rest(mut self) -> impl Iterator<Item = Pair<'i, Rule>> {
        std::iter::from_fn(move || self.next_any())
    }
}

/// Keywords and punctuation: present in the tree for error messages only.
fn is_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_agreement
            | Rule::kw_currency
            | Rule::kw_rounding
            | Rule::kw_parties
            | Rule::kw_payer
            | Rule::kw_let
            | Rule::kw_event
            | Rule::kw_on
            | Rule::kw_settle
            | Rule::kw_net
            | Rule::kw_between
            | Rule::kw_and
            | Rule::kw_share
            | Rule::kw_rest
            | Rule::kw_advance
            | Rule::kw_recouped
            | Rule::kw_of
            | Rule::kw_from
            | Rule::kw_to
            | Rule::kw_up
            | Rule::kw_above
            | Rule::kw_until
            | Rule::kw_paid
            | Rule::kw_then
            | Rule::kw_cap
            | Rule::kw_floor
            | Rule::kw_minimum
            | Rule::kw_per
            | Rule::kw_series
            | Rule::kw_expect
            | Rule::kw_total
            | Rule::kw_in
            | Rule::open_brace
            | Rule::close_brace
            | Rule::colon
            | Rule::equals
            | Rule::open_paren
            | Rule::close_paren
            | Rule::EOI
    )
}
