//! Lowering of the forms where payments feed payments: waterfalls, their
//! steps, withholding and reserves (`docs/language.md`, "Payments that feed
//! payments").

use super::{
    Children, Lower, Lowered, Node, from_and_to, name, name_or_string, party_name, single_party,
    span_of, unexpected_rule, written_payer,
};
use crate::syntax::ast::*;
use crate::syntax::parser::Rule;

impl Lower<'_> {
    /// `waterfall of gross_receipts from Account { ... }`
    pub(super) fn waterfall(&mut self, pair: Node<'_>) -> Lowered<Waterfall> {
        let mut children = pair.children();
        let basis = self.expr(children.expect(Rule::expr)?)?;
        let payer = written_payer(&mut children)?;
        let steps = children
            .rest()
            .map(|step| self.priority(step))
            .collect::<Lowered<_>>()?;
        Ok(Waterfall {
            basis,
            payer,
            steps,
        })
    }

    /// One step: `fee: 30% to Distributor`, `recoup expenses to Distributor`, ...
    fn priority(&mut self, pair: Node<'_>) -> Lowered<Priority> {
        let span = span_of(pair);
        let mut children = pair.children();
        let label = children.next_if(Rule::label).map(name);
        let body = children.next()?;
        let mut parts = body.children();
        let kind = match body.rule() {
            Rule::priority_share => PriorityKind::Share {
                rate: self.expr(parts.expect(Rule::expr)?)?,
                payee: single_party(parts.expect(Rule::payee)?)?,
            },
            Rule::priority_recoup => PriorityKind::Recoup {
                costs: self.expr(parts.expect(Rule::expr)?)?,
                payee: single_party(parts.expect(Rule::payee)?)?,
                cap: self.optional_expr(&mut parts)?,
            },
            Rule::priority_rest => PriorityKind::Rest {
                payee: single_party(parts.expect(Rule::payee)?)?,
                until: self.optional_expr(&mut parts)?,
            },
            Rule::priority_pay => PriorityKind::Pay {
                amount: self.expr(parts.expect(Rule::expr)?)?,
                payee: single_party(parts.expect(Rule::payee)?)?,
            },
            Rule::priority_split => PriorityKind::Split(
                parts
                    .rest()
                    .map(|part| {
                        let mut part = part.children();
                        let rate = self.expr(part.expect(Rule::expr)?)?;
                        Ok((rate, single_party(part.expect(Rule::payee)?)?))
                    })
                    .collect::<Lowered<_>>()?,
            ),
            other => return Err(unexpected_rule(other, span_of(body))),
        };
        Ok(Priority { label, kind, span })
    }

    fn optional_expr(&mut self, children: &mut Children<'_>) -> Lowered<Option<Expr>> {
        children
            .next_if(Rule::expr)
            .map(|expr| self.expr(expr))
            .transpose()
    }

    /// `pay 0.091 per unit of units to Publisher`, `pay 2K per quarter to Publisher`
    pub(super) fn pay(&mut self, pair: Node<'_>) -> Lowered<Pay> {
        let mut children = pair.children();
        let amount = self.expr(children.expect(Rule::expr)?)?;
        let per = match children.peek().map(|node| node.rule()) {
            Some(Rule::per_unit) => {
                let per = children.next()?;
                Some(PayPer::Unit(self.expr(per.children().expect(Rule::expr)?)?))
            }
            Some(Rule::per) => Some(PayPer::Period(super::per(children.next()?)?)),
            _ => None,
        };
        let (payer, payee) = from_and_to(&mut children)?;
        let mut schedule = None;
        let mut modifiers = Vec::new();
        let mut trigger = None;
        for pair in children.rest() {
            match pair.rule() {
                Rule::milestone_on => {
                    trigger = Some(Trigger::On(self.when(pair.children().next()?)?));
                }
                Rule::milestone_when => {
                    let mut parts = pair.children();
                    trigger = Some(Trigger::Exceeds {
                        basis: self.expr(parts.expect(Rule::expr)?)?,
                        level: self.expr(parts.expect(Rule::expr)?)?,
                        per: parts.next_if(Rule::per).map(super::per).transpose()?,
                    });
                }
                _ => self.schedule_or_modifier(pair, &mut schedule, &mut modifiers)?,
            }
        }
        let per = match (per, trigger) {
            (Some(per), _) => per,
            (None, Some(trigger)) => PayPer::Once(trigger),
            (None, None) => return Err(super::unexpected_rule(Rule::pay, super::span_of(pair))),
        };
        Ok(Pay {
            amount,
            per,
            payer,
            payee,
            schedule,
            modifiers,
        })
    }

    /// `withhold 30% of payments to Artist for TaxAuthority`
    pub(super) fn withhold(&mut self, pair: Node<'_>) -> Lowered<Withhold> {
        let mut children = pair.children();
        let rate = self.expr(children.expect(Rule::expr)?)?;
        let (payer, from_payments_to) = from_and_to(&mut children)?;
        Ok(Withhold {
            rate,
            payer,
            from_payments_to,
            for_party: party_name(children.expect(Rule::party_name)?)?,
        })
    }

    /// `reserve 25% released over 2 periods`
    pub(super) fn reserve(&mut self, children: &mut Children<'_>) -> Lowered<ModifierKind> {
        let rate = self.expr(children.expect(Rule::expr)?)?;
        let release = match children.next()? {
            over if over.rule() == Rule::release_over => Release::Over,
            after if after.rule() == Rule::release_after => Release::After,
            other => return Err(unexpected_rule(other.rule(), span_of(other))),
        };
        let periods = self.expr(children.expect(Rule::expr)?)?;
        Ok(ModifierKind::Reserve {
            rate,
            release,
            periods,
        })
    }
}

impl Lower<'_> {
    /// `if previous year gross_receipts < 5M`, `if each of previous 3
    /// periods subscriptions >= 350`
    pub(super) fn condition(&mut self, children: &mut Children<'_>) -> Lowered<Condition> {
        let looks = children.next()?;
        let looks_at = match looks.rule() {
            Rule::previous_calendar => LooksAt::Previous(super::per(looks)?),
            Rule::this_calendar => LooksAt::This(super::per(looks)?),
            _ => LooksAt::EachOf(self.expr(looks.children().expect(Rule::expr)?)?),
        };
        let basis = self.expr(children.expect(Rule::expr)?)?;
        let comparison = match children.expect(Rule::comparison)?.as_str() {
            "<" => Comparison::Below,
            "<=" => Comparison::AtMost,
            ">" => Comparison::Above,
            ">=" => Comparison::AtLeast,
            _ => Comparison::Equal,
        };
        let level = self.expr(children.expect(Rule::expr)?)?;
        Ok(Condition {
            looks_at,
            basis,
            comparison,
            level,
        })
    }
}

/// `what royalty pays` or `what Producer receives`.
pub(super) fn flow(pair: Node<'_>) -> Lowered<ExprKind> {
    let mut children = pair.children();
    let subject = name_or_string(children.next()?);
    let verb = children.next()?;
    match verb.rule() {
        Rule::kw_pays => Ok(ExprKind::Paid(subject)),
        Rule::kw_receives => Ok(ExprKind::Received(subject)),
        other => Err(unexpected_rule(other, span_of(verb))),
    }
}
