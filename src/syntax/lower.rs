//! From pest's tokens to the typed syntax tree: one function per rule.
//!
//! The grammar guarantees each rule's shape; where the tree is not what the
//! grammar promises, lowering reports an internal error rather than panic.
//!
//! pest's tokens are read once into a flat [`Tree`] and lowered from there:
//! pest's `Pair` API looks every pair up through its token queue again (its
//! rule at the far end of the pair, its children counted anew by each
//! `into_inner`), which cost as much as lowering itself.

use std::str::FromStr;

use jiff::civil::Date;
use pest::Token;
use pest::iterators::Pairs;
use rust_decimal::Decimal;

use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::*;
use crate::syntax::parser::Rule;

mod flows;

/// Most operands in one expression; longer ones are refused rather than
/// built into a tree deep enough to exhaust the stack.
pub const MAX_OPERANDS: usize = 64;

type Lowered<T> = Result<T, Problem>;

/// A parse as a flat list of nodes in source order, each with its rule, its
/// bytes and where its subtree ends. Keywords and punctuation are left out:
/// they are in pest's tree for error messages only, and each rule says which
/// it had.
pub struct Tree<'s> {
    source: &'s str,
    nodes: Vec<Entry>,
    /// The comments the scan found, in order: a node's span ends before any
    /// that trail it.
    comments: Vec<Comment>,
}

#[derive(Clone, Copy)]
struct Entry {
    rule: Rule,
    start: usize,
    end: usize,
    /// The index just past the node's last descendant: its next sibling's.
    /// While the node is open, its parent's index (or `usize::MAX`).
    after: usize,
}

impl<'s> Tree<'s> {
    /// Reads pest's tokens (what `DealParser::parse` returned for `source`),
    /// with the comments the scan found in `source`.
    pub fn new(pairs: Pairs<'s, Rule>, source: &'s str, comments: Vec<Comment>) -> Self {
        let tokens = pairs.tokens();
        let mut nodes: Vec<Entry> = Vec::with_capacity(tokens.len() / 2);
        // The innermost open node; each open node holds its parent's index.
        let mut open = usize::MAX;
        for token in tokens {
            match token {
                Token::Start { rule, pos } if !is_token(rule) => {
                    let index = nodes.len();
                    nodes.push(Entry {
                        rule,
                        start: pos.pos(),
                        end: pos.pos(),
                        after: open,
                    });
                    open = index;
                }
                Token::End { rule, pos } if !is_token(rule) => {
                    let after = nodes.len();
                    if let Some(node) = nodes.get_mut(open) {
                        open = node.after;
                        node.end = pos.pos();
                        node.after = after;
                    }
                }
                _ => {}
            }
        }
        Tree {
            source,
            nodes,
            comments,
        }
    }

    /// The outermost node: the `file`, if the parse produced one.
    pub fn root(&self) -> Option<Node<'_>> {
        (!self.nodes.is_empty()).then_some(Node {
            tree: self,
            index: 0,
        })
    }
}

/// One node of a [`Tree`].
#[derive(Clone, Copy)]
pub struct Node<'t> {
    tree: &'t Tree<'t>,
    index: usize,
}

impl<'t> Node<'t> {
    fn entry(self) -> Entry {
        self.tree.nodes.get(self.index).copied().unwrap_or(Entry {
            rule: Rule::EOI,
            start: 0,
            end: 0,
            after: self.index,
        })
    }

    fn rule(self) -> Rule {
        self.entry().rule
    }

    /// The node's text, as written.
    fn as_str(self) -> &'t str {
        let Entry { start, end, .. } = self.entry();
        self.tree.source.get(start..end).unwrap_or_default()
    }

    fn children(self) -> Children<'t> {
        Children {
            next: self.index.saturating_add(1),
            end: self.entry().after,
            parent: self,
        }
    }
}

/// Lowers a parsed `file` (the tree's root: see [`Tree::root`]). Problems
/// that do not stop lowering (an amount out of range, an impossible date)
/// are collected in `problems`.
pub fn file(tree: Tree<'_>, problems: &mut Vec<Problem>) -> Lowered<File> {
    let agreement = {
        let mut lower = Lower { problems };
        let root = Node {
            tree: &tree,
            index: 0,
        };
        let mut children = root.children();
        lower.agreement(children.expect(Rule::agreement)?)?
    };
    Ok(File {
        agreement,
        comments: tree.comments,
    })
}

struct Lower<'p> {
    problems: &'p mut Vec<Problem>,
}

impl Lower<'_> {
    fn agreement(&mut self, pair: Node<'_>) -> Lowered<Agreement> {
        let span = span_of(pair);
        let mut children = pair.children();
        let name = text(children.expect(Rule::string)?);
        let mut items = Vec::new();
        while let Some(item) = children.next_any() {
            items.push(self.item(item)?);
        }
        Ok(Agreement { name, items, span })
    }

    fn item(&mut self, pair: Node<'_>) -> Lowered<Item> {
        let span = span_of(pair);
        let rule = pair.rule();
        let mut children = pair.children();
        let kind = match rule {
            Rule::currency_decl => ItemKind::Currency(name(children.expect(Rule::currency_code)?)),
            Rule::rounding_decl => {
                let mode = children.expect(Rule::rounding_mode)?;
                let scope = match children.next_if(Rule::per_payee) {
                    Some(_) => RoundingScope::Payee,
                    None => RoundingScope::Payment,
                };
                ItemKind::Rounding(rounding_mode(mode)?, scope, span_of(mode))
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
            Rule::before_decl => ItemKind::Before {
                column: name(children.expect(Rule::name)?),
                value: self.expr(children.expect(Rule::expr)?)?,
            },
            Rule::expect_decl => ItemKind::Expect(self.expect(children)?),
            Rule::clause => ItemKind::Clause(self.clause(span, children)?),
            other => return Err(unexpected_rule(other, span)),
        };
        Ok(Item { kind, span })
    }

    /// `expect ...`: an event in a period, or an amount.
    fn expect(&mut self, mut decl: Children<'_>) -> Lowered<Expect> {
        let mut scenario = Vec::new();
        let mut pair = decl.next()?;
        if pair.rule() == Rule::scenario {
            let mut events = pair.children();
            while let Some(event) = events.next_if(Rule::dated_event) {
                let mut parts = event.children();
                let name = name(parts.expect(Rule::name)?);
                let date = self.date(parts.expect(Rule::date)?);
                scenario.push((name, date));
            }
            pair = decl.next()?;
        }
        let rule = pair.rule();
        let mut children = pair.children();
        let subject = children
            .next_if(Rule::subject)
            .map(party_name)
            .transpose()?;
        let mut before_settlement = false;
        let kind = match rule {
            Rule::expect_event => ExpectKind::Event {
                event: text_as_written(children.expect(Rule::event_kind)?),
                period: period_label(children.expect(Rule::period_label)?),
            },
            Rule::expect_amount => {
                let period = children.next_if(Rule::period_label).map(period_label);
                before_settlement = children.next_if(Rule::before_settlement).is_some();
                let amount = self.expr(children.expect(Rule::expr)?)?;
                match period {
                    Some(period) => ExpectKind::InPeriod { period, amount },
                    None => ExpectKind::Total(amount),
                }
            }
            other => return Err(unexpected_rule(other, children.span())),
        };
        Ok(Expect {
            subject,
            kind,
            before_settlement,
            scenario,
        })
    }

    fn clause(&mut self, span: Span, mut children: Children<'_>) -> Lowered<Clause> {
        let label = children.next_if(Rule::label).map(name);
        let body = children.next()?;
        let body = match body.rule() {
            Rule::share => ClauseBody::Share(self.share(body)?),
            Rule::rest => ClauseBody::Rest(self.rest(body)?),
            Rule::advance => ClauseBody::Advance(self.advance(body)?),
            Rule::waterfall => ClauseBody::Waterfall(self.waterfall(body)?),
            Rule::withhold => ClauseBody::Withhold(self.withhold(body)?),
            Rule::pay => ClauseBody::Pay(self.pay(body)?),
            other => return Err(unexpected_rule(other, span_of(body))),
        };
        Ok(Clause { label, body, span })
    }

    fn share(&mut self, pair: Node<'_>) -> Lowered<Share> {
        let mut children = pair.children();
        let rate = self.expr(children.expect(Rule::expr)?)?;
        let basis = self.expr(children.expect(Rule::expr)?)?;
        let (payer, payee) = from_and_to(&mut children)?;
        let mut schedule = None;
        let mut modifiers = Vec::new();
        for pair in children.rest() {
            self.schedule_or_modifier(pair, &mut schedule, &mut modifiers)?;
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

    /// What follows a share's (or a per-unit `pay`'s) payee: bands or
    /// steps, or a modifier.
    fn schedule_or_modifier(
        &mut self,
        pair: Node<'_>,
        schedule: &mut Option<Schedule>,
        modifiers: &mut Vec<Modifier>,
    ) -> Lowered<()> {
        match pair.rule() {
            Rule::bands => *schedule = Some(self.bands(pair)?),
            Rule::steps => *schedule = Some(self.steps(pair)?),
            _ => modifiers.push(self.modifier(pair)?),
        }
        Ok(())
    }

    fn rest(&mut self, pair: Node<'_>) -> Lowered<Rest> {
        let mut children = pair.children();
        let mut bases = Vec::new();
        while let Some(basis) = children.next_if(Rule::expr) {
            bases.push(self.expr(basis)?);
        }
        let (payer, payee) = from_and_to(&mut children)?;
        Ok(Rest {
            bases,
            payer,
            payee,
        })
    }

    fn advance(&mut self, pair: Node<'_>) -> Lowered<Advance> {
        let mut children = pair.children();
        let amount = self.expr(children.expect(Rule::expr)?)?;
        let (payer, payee) = from_and_to(&mut children)?;
        Ok(Advance {
            amount,
            payer,
            payee,
            on: children.next_if(Rule::date).map(|date| self.date(date)),
            recouped_from: match children.next_if(Rule::recouped) {
                Some(recouped) => recouped.children().rest().map(name).collect(),
                None => Vec::new(),
            },
        })
    }

    /// `up to 1M, 25% up to 5M, 20% above per year`
    fn bands(&mut self, pair: Node<'_>) -> Lowered<Schedule> {
        let span = span_of(pair);
        let mut children = pair.children();
        let first_up_to = self.expr(children.expect(Rule::expr)?)?;
        let mut more = Vec::new();
        let mut reset = None;
        let mut measure = None;
        for pair in children.rest() {
            match pair.rule() {
                Rule::band => more.push(self.band(pair)?),
                Rule::measured => measure = Some(self.expr(pair.children().expect(Rule::expr)?)?),
                _ => reset = Some(per(pair)?),
            }
        }
        Ok(Schedule::Bands {
            first_up_to,
            more,
            reset,
            measure,
            span,
        })
    }

    /// `25% up to 5M` or `20% above`
    fn band(&mut self, pair: Node<'_>) -> Lowered<Band> {
        let (rate, up_to, span) = self.tier(pair)?;
        Ok(Band { rate, up_to, span })
    }

    /// A band or a step: its rate, then its bound if it has one.
    fn tier(&mut self, pair: Node<'_>) -> Lowered<(Expr, Option<Expr>, Span)> {
        let span = span_of(pair);
        let mut children = pair.children();
        let rate = self.expr(children.expect(Rule::expr)?)?;
        let bound = children
            .next_if(Rule::expr)
            .map(|e| self.expr(e))
            .transpose()?;
        Ok((rate, bound, span))
    }

    /// `until paid 300K, then 10% until paid 400K`
    fn steps(&mut self, pair: Node<'_>) -> Lowered<Schedule> {
        let span = span_of(pair);
        let mut children = pair.children();
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
    fn step(&mut self, pair: Node<'_>) -> Lowered<Step> {
        let (rate, until_paid, span) = self.tier(pair)?;
        Ok(Step {
            rate,
            until_paid,
            span,
        })
    }

    fn modifier(&mut self, pair: Node<'_>) -> Lowered<Modifier> {
        let span = span_of(pair);
        let rule = pair.rule();
        let mut children = pair.children();
        let kind = match rule {
            Rule::cap | Rule::threshold | Rule::floor | Rule::minimum => {
                let amount = self.expr(children.expect(Rule::expr)?)?;
                let per = children.next_if(Rule::per).map(per).transpose()?;
                match rule {
                    Rule::cap => ModifierKind::Cap { amount, per },
                    Rule::threshold => ModifierKind::Above {
                        amount,
                        per,
                        measure: children
                            .next_if(Rule::measured)
                            .map(|m| m.children().expect(Rule::expr))
                            .transpose()?
                            .map(|expr| self.expr(expr))
                            .transpose()?,
                    },
                    Rule::floor => ModifierKind::Floor { amount, per },
                    _ => ModifierKind::Minimum { amount, per },
                }
            }
            Rule::window_from => {
                let (when, anchor) = self.anchored(children.next()?)?;
                ModifierKind::From(when, anchor)
            }
            Rule::window_until => {
                let (when, anchor) = self.anchored(children.next()?)?;
                ModifierKind::Until(when, anchor)
            }
            Rule::reserve => self.reserve(&mut children)?,
            Rule::condition => ModifierKind::If(self.condition(&mut children)?),
            other => return Err(unexpected_rule(other, span)),
        };
        Ok(Modifier { kind, span })
    }

    /// A window's bound: a date or an event, or `period of` / `period
    /// after` one.
    fn anchored(&mut self, pair: Node<'_>) -> Lowered<(When, Anchor)> {
        if pair.rule() != Rule::anchor {
            return Ok((self.when(pair)?, Anchor::Day));
        }
        let mut children = pair.children();
        let anchor = match children.next()?.rule() {
            Rule::anchor_after => Anchor::PeriodAfter,
            _ => Anchor::PeriodOf,
        };
        Ok((self.when(children.next()?)?, anchor))
    }

    fn when(&mut self, pair: Node<'_>) -> Lowered<When> {
        match pair.rule() {
            Rule::date => Ok(When::Date(self.date(pair))),
            Rule::name => Ok(When::Event(name(pair))),
            other => Err(unexpected_rule(other, span_of(pair))),
        }
    }

    /// `2028-04-01`; an impossible date is reported and lowered as 1970-01-01.
    fn date(&mut self, pair: Node<'_>) -> DateLit {
        let span = span_of(pair);
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
    fn expr(&mut self, pair: Node<'_>) -> Lowered<Expr> {
        // Most expressions are one literal or name: no operators to order.
        let mut children = pair.children();
        if let (Some(only), None) = (children.next_any(), children.next_any()) {
            return primary(only, self.problems);
        }
        let operands = pair
            .children()
            .rest()
            .filter(|p| operator(p.rule()).is_none() && p.rule() != Rule::negate)
            .count();
        if operands > MAX_OPERANDS {
            return Err(Problem::new(
                ProblemKind::TooLong {
                    limit: MAX_OPERANDS,
                },
                span_of(pair),
            ));
        }
        let mut terms = pair.children();
        self.climb(&mut terms, 0)
    }

    /// Precedence climbing over an expression's terms, as pest's Pratt
    /// parser did: every operand is lowered, left to right, even after one
    /// has failed (their recoverable problems are all reported), and the
    /// leftmost failure is the one returned. `-` binds tightest, then `*`
    /// and `/`, then `+` and `-`, each to the left.
    fn climb(&mut self, terms: &mut Children<'_>, floor: u8) -> Lowered<Expr> {
        let mut left = self.operand(terms);
        while let Some((op, power)) = terms
            .peek()
            .and_then(|next| operator(next.rule()))
            .filter(|(_, power)| *power > floor)
        {
            terms.next_any();
            let right = self.climb(terms, power);
            left = left.and_then(|left| {
                let right = right?;
                Ok(Expr {
                    span: left.span.to(right.span),
                    kind: ExprKind::Binary {
                        op,
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                })
            });
        }
        left
    }

    /// One operand, with its `-` if it has one.
    fn operand(&mut self, terms: &mut Children<'_>) -> Lowered<Expr> {
        let term = terms.next()?;
        if term.rule() != Rule::negate {
            return primary(term, self.problems);
        }
        let operand = primary(terms.next()?, self.problems)?;
        Ok(Expr {
            span: span_of(term).to(operand.span),
            kind: ExprKind::Negate(Box::new(operand)),
        })
    }
}

/// The operator a rule stands for, with its binding power.
fn operator(rule: Rule) -> Option<(BinaryOp, u8)> {
    match rule {
        Rule::add => Some((BinaryOp::Add, 1)),
        Rule::subtract => Some((BinaryOp::Subtract, 1)),
        Rule::multiply => Some((BinaryOp::Multiply, 2)),
        Rule::divide => Some((BinaryOp::Divide, 2)),
        _ => None,
    }
}

/// A literal's value by `value`, and its text as written; a value out of
/// range is a problem, and zero.
fn literal(
    text: &str,
    span: Span,
    value: fn(&str) -> Option<Decimal>,
    problems: &mut Vec<Problem>,
) -> (Decimal, String) {
    let value = value(text).unwrap_or_else(|| {
        problems.push(Problem::new(
            ProblemKind::AmountRange {
                text: text.to_string(),
            },
            span,
        ));
        Decimal::ZERO
    });
    (value, text.to_string())
}

/// One operand: a literal, a name or a parenthesised expression.
fn primary(pair: Node<'_>, problems: &mut Vec<Problem>) -> Lowered<Expr> {
    let span = span_of(pair);
    let kind = match pair.rule() {
        Rule::amount => {
            let (value, text) = literal(pair.as_str(), span, amount_value, problems);
            ExprKind::Amount { value, text }
        }
        Rule::percent => {
            let (value, text) = literal(pair.as_str(), span, percent_value, problems);
            ExprKind::Percent { value, text }
        }
        Rule::name => ExprKind::Name(pair.as_str().to_string()),
        Rule::flow => flows::flow(pair)?,
        Rule::paren => {
            let inner = pair.children().expect(Rule::expr)?;
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
    crate::exact::mul(number, Decimal::from_i128_with_scale(10i128.pow(scale), 0))
}

/// The fraction `12.5%` stands for (0.125); `None` if out of range.
pub fn percent_value(text: &str) -> Option<Decimal> {
    let number = decimal(text.strip_suffix('%')?)?;
    // A hundredth is the same digits two places further right (without the
    // zeros that end them, where the scale would pass Decimal's 28); past
    // 28 decimals it cannot be exact.
    let hundredth = |number: Decimal| {
        number
            .scale()
            .checked_add(2)
            .and_then(|scale| Decimal::try_from_i128_with_scale(number.mantissa(), scale).ok())
    };
    hundredth(number).or_else(|| hundredth(number.normalize()))
}

/// Digits with an optional point and `_` separators, as an exact decimal.
fn decimal(digits: &str) -> Option<Decimal> {
    if digits.contains('_') {
        Decimal::from_str_exact(&digits.replace('_', "")).ok()
    } else {
        Decimal::from_str_exact(digits).ok()
    }
}

fn rounding_mode(pair: Node<'_>) -> Lowered<RoundingMode> {
    Ok(match pair.as_str() {
        "half-even" => RoundingMode::HalfEven,
        "half-up" => RoundingMode::HalfUp,
        "half-down" => RoundingMode::HalfDown,
        "up" => RoundingMode::Up,
        "down" => RoundingMode::Down,
        _ => return Err(unexpected_rule(pair.rule(), span_of(pair))),
    })
}

fn per(pair: Node<'_>) -> Lowered<Per> {
    let span = span_of(pair);
    let unit_pair = pair.children().expect(Rule::calendar_unit)?;
    let unit = match unit_pair.as_str() {
        "year" => Calendar::Year,
        "half-year" => Calendar::HalfYear,
        "quarter" => Calendar::Quarter,
        "month" => Calendar::Month,
        _ => return Err(unexpected_rule(Rule::calendar_unit, span)),
    };
    Ok(Per { unit, span })
}

/// The party of a `payer` or `payee` rule.
fn single_party(pair: Node<'_>) -> Lowered<Name> {
    party_name(pair.children().expect(Rule::party_name)?)
}

/// `from A`, when written.
fn written_payer(children: &mut Children<'_>) -> Lowered<Option<Name>> {
    children.next_if(Rule::payer).map(single_party).transpose()
}

/// `from A to B`: the payer, when written, and the payee.
fn from_and_to(children: &mut Children<'_>) -> Lowered<(Option<Name>, Name)> {
    let payer = written_payer(children)?;
    Ok((payer, single_party(children.expect(Rule::payee)?)?))
}

/// A party (`party_name`), or a party or clause label after `expect`
/// (`subject`): a name, or a quoted string.
fn party_name(pair: Node<'_>) -> Lowered<Name> {
    Ok(name_or_string(pair.children().next()?))
}

/// A name, or a quoted string as a name.
fn name_or_string(inner: Node<'_>) -> Name {
    match inner.rule() {
        Rule::string => {
            let text = text(inner);
            Name {
                value: text.value,
                quoted: true,
                span: text.span,
            }
        }
        _ => name(inner),
    }
}

fn period_label(pair: Node<'_>) -> PeriodLit {
    PeriodLit {
        text: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

/// A token kept exactly as written.
fn text_as_written(pair: Node<'_>) -> Text {
    Text {
        value: pair.as_str().to_string(),
        span: span_of(pair),
    }
}

fn name(pair: Node<'_>) -> Name {
    Name {
        value: pair.as_str().to_string(),
        quoted: false,
        span: span_of(pair),
    }
}

fn text(pair: Node<'_>) -> Text {
    let raw = pair.as_str();
    let value = raw
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(raw);
    Text {
        value: value.to_string(),
        span: span_of(pair),
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
fn span_of(pair: Node<'_>) -> Span {
    let Entry {
        rule, start, end, ..
    } = pair.entry();
    let mut end = end;
    if !may_trail(rule) {
        return Span::new(start, end);
    }
    let input = pair.tree.source;
    // Trailing trivia always ends in white space: a comment runs to the end
    // of its line, and the line break after it is skipped with it. So a node
    // that ends in anything else, before the end of the file, has none.
    let last = input
        .get(..end)
        .and_then(|before| before.chars().next_back());
    if end < input.len() && last.is_some_and(|c| !is_blank(c)) {
        return Span::new(start, end);
    }
    let comments = &pair.tree.comments;
    loop {
        let node = input.get(start..end).unwrap_or_default();
        end = start + node.trim_end_matches(is_blank).len();
        // A comment runs to the end of its line: a node that now ends inside
        // one ends where the comment starts. The scan found every comment
        // (outside quoted names, as the grammar skips them), in order.
        let before = comments.partition_point(|comment| comment.span.start < end);
        match before.checked_sub(1).and_then(|at| comments.get(at)) {
            Some(comment) if comment.span.start >= start && end <= comment.span.end => {
                end = comment.span.start;
            }
            _ => return Span::new(start, end),
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
            | Rule::rounding_decl
            | Rule::before_decl
            | Rule::condition
            | Rule::milestone_when
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
            | Rule::priority
            | Rule::pay
            | Rule::priority_recoup
            | Rule::priority_rest
            | Rule::priority_split
    )
}

fn unexpected_rule(rule: Rule, span: Span) -> Problem {
    Problem::new(
        ProblemKind::Internal {
            detail: format!("the syntax tree has an unexpected `{rule:?}` here"),
        },
        span,
    )
}

/// The meaningful children of a node (the tree holds no keywords or
/// punctuation: the rule itself says which were there).
struct Children<'t> {
    next: usize,
    end: usize,
    parent: Node<'t>,
}

impl<'t> Children<'t> {
    fn peek(&self) -> Option<Node<'t>> {
        (self.next < self.end).then_some(Node {
            tree: self.parent.tree,
            index: self.next,
        })
    }

    fn next_any(&mut self) -> Option<Node<'t>> {
        let node = self.peek()?;
        self.next = node.entry().after;
        Some(node)
    }

    /// The parent's span, for a problem with the parent as a whole.
    fn span(&self) -> Span {
        span_of(self.parent)
    }

    fn next(&mut self) -> Lowered<Node<'t>> {
        self.next_any().ok_or_else(|| {
            Problem::new(
                ProblemKind::Internal {
                    detail: "the syntax tree ends too early".into(),
                },
                self.span(),
            )
        })
    }

    fn next_if(&mut self, rule: Rule) -> Option<Node<'t>> {
        if self.peek()?.rule() == rule {
            self.next_any()
        } else {
            None
        }
    }

    fn expect(&mut self, rule: Rule) -> Lowered<Node<'t>> {
        let pair = self.next()?;
        if pair.rule() == rule {
            Ok(pair)
        } else {
            Err(unexpected_rule(pair.rule(), span_of(pair)))
        }
    }

    fn rest(mut self) -> impl Iterator<Item = Node<'t>> {
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
            | Rule::kw_payee
            | Rule::kw_waterfall
            | Rule::kw_recoup
            | Rule::kw_received
            | Rule::kw_pay
            | Rule::kw_unit
            | Rule::kw_period
            | Rule::kw_previous
            | Rule::kw_each
            | Rule::kw_this
            | Rule::kw_when
            | Rule::kw_exceed
            | Rule::kw_split
            | Rule::kw_withhold
            | Rule::kw_payments
            | Rule::kw_for
            | Rule::kw_reserve
            | Rule::kw_released
            | Rule::kw_periods
            | Rule::kw_what
            | Rule::kw_series
            | Rule::kw_expect
            | Rule::kw_total
            | Rule::kw_in
            | Rule::kw_before
            | Rule::kw_settlement
            | Rule::kw_if
            | Rule::open_brace
            | Rule::close_brace
            | Rule::colon
            | Rule::equals
            | Rule::open_paren
            | Rule::close_paren
            | Rule::EOI
    )
}
