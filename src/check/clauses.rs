//! Checking each clause: its parties, its rate and schedule, its modifiers,
//! and the links from advances to the clauses that recoup them.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Checker;
use super::values::Unit;
use crate::agreement::{
    Advance, Band, Basis, Bound, Calendar, Clause, ClauseId, ClauseKind, Condition, Limit, PartyId,
    Rate, Reserve, Rest, Share, Step, Window,
};
use crate::diagnostics::{Problem, ProblemKind};
use crate::money;
use crate::syntax::ast::{self, ClauseBody, Expr, ModifierKind, Name, Span, When};

/// The most series periods a reserve is held over, or a condition looks
/// back on one by one: ten years of months is more than contracts use.
pub const MAX_PERIOD_COUNT: u32 = 120;

/// What a share's rate is: a fraction of its basis (`share 20% of ...`),
/// or an amount for each unit of it (`pay 0.091 per unit of units`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RateIs {
    Fraction,
    PerUnit,
}

/// A share's modifiers, checked.
pub(super) struct Modifiers {
    /// `above 10K in devices`: what the threshold counts.
    measure: Option<Basis>,
    condition: Option<Condition>,
    caps: Vec<Limit>,
    threshold: Option<Limit>,
    floor: Option<Limit>,
    minimum: Option<Limit>,
    pub window: Window,
    reserve: Option<Reserve>,
}

impl Checker {
    fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    /// Checks one clause, the first of those it becomes numbered `first`
    /// (a waterfall becomes one per step payee); `None` if it has errors
    /// (they are reported).
    pub(super) fn clause(&mut self, clause: &ast::Clause, first: ClauseId) -> Option<Vec<Clause>> {
        let errors_before = self.error_count();
        let ((payer, payee), kind) = match &clause.body {
            ClauseBody::Waterfall(waterfall) => return self.waterfall(clause, waterfall, first),
            ClauseBody::Pay(pay) => {
                let parties = self.parties_of(pay.payer.as_ref(), &pay.payee, clause.span);
                (parties, self.pay(pay))
            }
            ClauseBody::Withhold(withhold) => {
                let parties =
                    self.parties_of(withhold.payer.as_ref(), &withhold.for_party, clause.span);
                (
                    parties,
                    self.withholding(withhold).map(ClauseKind::Withhold),
                )
            }
            ClauseBody::Share(share) => {
                let parties = self.parties_of(share.payer.as_ref(), &share.payee, clause.span);
                (parties, self.share(share).map(ClauseKind::Share))
            }
            ClauseBody::Rest(rest) => {
                let parties = self.parties_of(rest.payer.as_ref(), &rest.payee, clause.span);
                let bases: Vec<Option<Basis>> =
                    rest.bases.iter().map(|basis| self.basis(basis)).collect();
                let bases: Option<Vec<Basis>> = bases.into_iter().collect();
                let rest = bases.map(|bases| {
                    let sum = super::basis_key::sum(bases.iter().map(|basis| &basis.expr));
                    ClauseKind::Rest(Rest { bases, sum })
                });
                (parties, rest)
            }
            ClauseBody::Advance(advance) => {
                let parties = self.parties_of(advance.payer.as_ref(), &advance.payee, clause.span);
                let amount = self.positive(&advance.amount, "an advance");
                let kind = amount.map(|amount| {
                    ClauseKind::Advance(Advance {
                        amount,
                        on: advance.on.map(|date| date.date),
                        recouped_by: Vec::new(),
                    })
                });
                (parties, kind)
            }
        };
        let (payer, payee, kind) = (payer?, payee?, kind?);
        if self.error_count() > errors_before {
            return None;
        }
        Some(vec![Clause {
            label: clause
                .label
                .as_ref()
                .map(|l| l.value.clone())
                .unwrap_or_default(),
            labelled: clause.label.is_some(),
            span: clause.span,
            payer,
            payee,
            kind,
            depth: 0,
        }])
    }

    /// The payer (named, or the agreement's) and the payee of a clause.
    fn parties_of(
        &mut self,
        payer: Option<&Name>,
        payee: &Name,
        clause_span: Span,
    ) -> (Option<PartyId>, Option<PartyId>) {
        let payee_id = self.party(payee);
        let payer_id = self.payer_of(payer, &payee.value, clause_span);
        self.not_to_itself(payer_id, payee_id, payee);
        (payer_id, payee_id)
    }

    /// The payer named by `from`, or the agreement's; a clause without
    /// either is reported, with a payer other than `payee` to suggest.
    pub(super) fn payer_of(
        &mut self,
        payer: Option<&Name>,
        payee: &str,
        clause_span: Span,
    ) -> Option<PartyId> {
        match payer {
            Some(name) => self.party(name),
            None => {
                // A `payer` line that names an unknown party is reported there.
                if self.payer.is_none() && !self.payer_declared && !self.parties.is_empty() {
                    let other = self.parties.iter().find(|p| p.name != payee);
                    self.report(Problem::new(
                        ProblemKind::NoPayer {
                            payee: payee.to_string(),
                            payer: other.map_or_else(|| "Payer".into(), |p| p.name.clone()),
                        },
                        clause_span,
                    ));
                }
                self.payer
            }
        }
    }

    /// Reports a payment from a party to itself; `false` if it is one.
    pub(super) fn not_to_itself(
        &mut self,
        payer: Option<PartyId>,
        payee_id: Option<PartyId>,
        payee: &Name,
    ) -> bool {
        if let (Some(a), Some(b)) = (payer, payee_id)
            && a == b
        {
            self.report(Problem::new(
                ProblemKind::SelfPayment {
                    party: payee.value.clone(),
                },
                payee.span,
            ));
            return false;
        }
        true
    }

    fn share(&mut self, share: &ast::Share) -> Option<Share> {
        self.share_terms(
            &share.rate,
            &share.basis,
            share.schedule.as_ref(),
            &share.modifiers,
            RateIs::Fraction,
        )
    }

    /// A share's terms: its rate (a fraction, or an amount per unit) of
    /// its basis, its schedule and its modifiers.
    pub(super) fn share_terms(
        &mut self,
        rate: &Expr,
        basis: &Expr,
        schedule: Option<&ast::Schedule>,
        modifiers: &[ast::Modifier],
        kind: RateIs,
    ) -> Option<Share> {
        let first_rate = self.rate_as(rate, kind);
        let basis = self.basis(basis);
        let measure = match schedule {
            Some(ast::Schedule::Bands {
                measure: Some(measure),
                ..
            }) => Some(self.basis(measure)?),
            _ => None,
        };
        let rate = match schedule {
            None => first_rate.map(Rate::Flat),
            Some(schedule) => first_rate.and_then(|first| self.schedule(first, schedule, kind)),
        };
        let Modifiers {
            measure: threshold_measure,
            condition,
            caps,
            threshold,
            floor,
            minimum,
            window,
            reserve,
        } = self.modifiers(modifiers)?;
        // One column counts both the bands and the threshold.
        if let (Some(bands), Some(threshold)) = (&measure, &threshold_measure)
            && bands.key != threshold.key
        {
            self.duplicate_modifier("in", threshold.span);
            return None;
        }
        self.floor_against_caps(floor.as_ref(), &caps, "floor");
        self.floor_against_caps(minimum.as_ref(), &caps, "minimum");
        Some(Share {
            basis: basis?,
            rate: rate?,
            caps,
            threshold,
            floor,
            minimum,
            window,
            reserve,
            per_unit: kind == RateIs::PerUnit,
            condition,
            // The bands' and the threshold's column: one column counts both.
            measure: measure.or(threshold_measure),
        })
    }

    /// A count of series periods (`released over 2 periods`, `each of
    /// previous 3 periods`): a whole number from 1 to [`MAX_PERIOD_COUNT`].
    pub(super) fn period_count(&mut self, expr: &Expr) -> Option<u32> {
        let count = self.positive(expr, "a number of periods")?;
        let whole = count
            .fract()
            .is_zero()
            .then(|| count.to_u32())
            .flatten()
            .filter(|count| *count <= MAX_PERIOD_COUNT);
        if whole.is_none() {
            self.report(Problem::new(
                ProblemKind::PeriodCount {
                    text: expr.to_string(),
                    limit: MAX_PERIOD_COUNT,
                },
                expr.span,
            ));
        }
        whole
    }

    /// A rate of the kind a clause has: a fraction, or an amount per unit.
    fn rate_as(&mut self, expr: &Expr, kind: RateIs) -> Option<Decimal> {
        match kind {
            RateIs::Fraction => self.rate(expr),
            RateIs::PerUnit => self.positive(expr, "an amount per unit"),
        }
    }

    /// A rate from 0% to 100%.
    pub(super) fn rate(&mut self, expr: &Expr) -> Option<Decimal> {
        let (rate, span) = self
            .scope
            .constant(expr, Unit::Rate, "a rate")
            .map_err(|fault| self.report_fault(fault))
            .ok()?;
        if rate < Decimal::ZERO || rate > Decimal::ONE {
            self.report(Problem::new(
                ProblemKind::RateRange {
                    value: money::percent(rate),
                },
                span,
            ));
            return None;
        }
        Some(rate)
    }

    /// An amount above zero; `what` names it in messages (`a cap`).
    pub(super) fn positive(&mut self, expr: &Expr, what: &'static str) -> Option<Decimal> {
        let (amount, span) = self
            .scope
            .constant(expr, Unit::Amount, what)
            .map_err(|fault| self.report_fault(fault))
            .ok()?;
        if amount <= Decimal::ZERO {
            self.report(Problem::new(
                ProblemKind::NotPositive {
                    what,
                    value: money::compact(amount),
                },
                span,
            ));
            return None;
        }
        Some(amount)
    }

    /// A basis: an amount over series columns and constants.
    pub(super) fn basis(&mut self, expr: &Expr) -> Option<Basis> {
        let value = self
            .scope
            .fold(expr)
            .map_err(|fault| self.report_fault(fault))
            .ok()?;
        if !value.unit.fits(Unit::Amount) {
            self.report(Problem::new(
                ProblemKind::ExpectedAmount { found: "a rate" },
                expr.span,
            ));
            return None;
        }
        Some(Basis {
            key: super::basis_key::key(&value.form),
            expr: value.form,
            text: written(expr),
            span: expr.span,
        })
    }

    fn schedule(
        &mut self,
        first_rate: Decimal,
        schedule: &ast::Schedule,
        kind: RateIs,
    ) -> Option<Rate> {
        match schedule {
            ast::Schedule::Bands {
                first_up_to,
                more,
                reset,
                ..
            } => {
                let more = more.iter().map(|b| (&b.rate, b.up_to.as_ref(), b.span));
                let tiers = self.tiers(first_rate, first_up_to, more, "band", kind)?;
                Some(Rate::Bands {
                    bands: tiers
                        .into_iter()
                        .map(|(rate, up_to)| Band { rate, up_to })
                        .collect(),
                    reset: reset.map(|per| per.unit),
                })
            }
            ast::Schedule::Steps {
                first_until_paid,
                more,
                ..
            } => {
                let more = more
                    .iter()
                    .map(|s| (&s.rate, s.until_paid.as_ref(), s.span));
                let tiers = self.tiers(first_rate, first_until_paid, more, "step", kind)?;
                Some(Rate::Steps(
                    tiers
                        .into_iter()
                        .map(|(rate, until_paid)| Step { rate, until_paid })
                        .collect(),
                ))
            }
        }
    }

    /// The (rate, bound) pairs of bands or steps: the share's own rate with
    /// the first bound, then each further tier as written.
    fn tiers<'e>(
        &mut self,
        first_rate: Decimal,
        first_bound: &'e Expr,
        more: impl Iterator<Item = (&'e Expr, Option<&'e Expr>, Span)>,
        what: &'static str,
        kind: RateIs,
    ) -> Option<Vec<(Decimal, Option<Decimal>)>> {
        let mut bounds = vec![(first_rate, Some(first_bound), first_bound.span)];
        let mut rates_ok = true;
        for (rate, bound, span) in more {
            let rate = self.rate_as(rate, kind);
            rates_ok &= rate.is_some();
            bounds.push((rate.unwrap_or_default(), bound, span));
        }
        let tiers = self.increasing(&bounds, what)?;
        rates_ok.then_some(tiers)
    }

    /// Checks that band or step bounds are positive, strictly increasing,
    /// and that only the last is open.
    fn increasing(
        &mut self,
        bounds: &[(Decimal, Option<&Expr>, Span)],
        what: &'static str,
    ) -> Option<Vec<(Decimal, Option<Decimal>)>> {
        let mut checked = Vec::new();
        let mut previous: Option<(Decimal, &Expr)> = None;
        let mut ok = true;
        let last = bounds.len().saturating_sub(1);
        for (index, (rate, bound, span)) in bounds.iter().enumerate() {
            let Some(expr) = bound else {
                if index < last {
                    self.report(Problem::new(ProblemKind::OpenBandNotLast { what }, *span));
                    ok = false;
                }
                checked.push((*rate, None));
                continue;
            };
            let Some(amount) = self.positive(
                expr,
                if what == "band" {
                    "a band limit"
                } else {
                    "a step limit"
                },
            ) else {
                ok = false;
                continue;
            };
            if let Some((before, before_expr)) = previous
                && amount <= before
            {
                let problem = Problem::new(
                    ProblemKind::NotIncreasing {
                        what,
                        previous: before_expr.to_string(),
                        this: expr.to_string(),
                    },
                    expr.span,
                )
                .with_related(before_expr.span, "the one before");
                self.report(problem);
                ok = false;
            }
            previous = Some((amount, expr));
            checked.push((*rate, Some(amount)));
        }
        ok.then_some(checked)
    }

    #[allow(clippy::type_complexity)]
    /// A share's modifiers; `None` if any is wrong (it is reported).
    pub(super) fn modifiers(&mut self, modifiers: &[ast::Modifier]) -> Option<Modifiers> {
        let mut caps: Vec<Limit> = Vec::new();
        let (mut threshold, mut floor, mut minimum) = (None, None, None);
        let mut reserve = None;
        let mut condition = None;
        let mut measure = None;
        let mut window = Window::default();
        let mut ok = true;
        for modifier in modifiers {
            let keyword = modifier.kind.keyword();
            match &modifier.kind {
                ModifierKind::Cap { amount, per } => {
                    let per_unit = per.map(|p| p.unit);
                    if caps.iter().any(|cap| cap.per == per_unit) {
                        self.duplicate_modifier(keyword, modifier.span);
                        ok = false;
                    } else if let Some(limit) = self.limit(amount, per_unit, modifier.span, "a cap")
                    {
                        caps.push(limit);
                    } else {
                        ok = false;
                    }
                }
                ModifierKind::Above {
                    amount,
                    per,
                    measure: written,
                } => {
                    if let Some(written) = written {
                        measure = self.basis(written);
                        ok &= measure.is_some();
                    }
                    ok &= self.single_limit(
                        &mut threshold,
                        amount,
                        per,
                        modifier,
                        "a threshold",
                        false,
                    );
                }
                ModifierKind::Floor { amount, per } => {
                    ok &= self.single_limit(&mut floor, amount, per, modifier, "a floor", false);
                }
                ModifierKind::Minimum { amount, per } => {
                    ok &= self.single_limit(&mut minimum, amount, per, modifier, "a minimum", true);
                }
                ModifierKind::From(when, anchor) => {
                    ok &= self.window_bound(&mut window.from, when, keyword, modifier.span);
                    window.from_anchor = *anchor;
                }
                ModifierKind::Until(when, anchor) => {
                    ok &= self.window_bound(&mut window.until, when, keyword, modifier.span);
                    window.until_anchor = *anchor;
                }
                ModifierKind::If(written) => {
                    ok &= self.once(&mut condition, modifier, |checker| {
                        checker.condition(written, modifier.span)
                    });
                }
                ModifierKind::Reserve {
                    rate,
                    release,
                    periods,
                } => {
                    ok &= self.once(&mut reserve, modifier, |checker| {
                        checker.reserve(rate, *release, periods, modifier.span)
                    });
                }
            }
        }
        ok.then_some(Modifiers {
            measure,
            condition,
            caps,
            threshold,
            floor,
            minimum,
            window,
            reserve,
        })
    }

    /// A modifier that may appear once, checked by `check` into `slot`;
    /// `false` if it is given again or is wrong (reported).
    fn once<T>(
        &mut self,
        slot: &mut Option<T>,
        modifier: &ast::Modifier,
        check: impl FnOnce(&mut Self) -> Option<T>,
    ) -> bool {
        if slot.is_some() {
            self.duplicate_modifier(modifier.kind.keyword(), modifier.span);
            return false;
        }
        *slot = check(self);
        slot.is_some()
    }

    fn duplicate_modifier(&mut self, keyword: &'static str, span: Span) {
        self.report(Problem::new(
            ProblemKind::DuplicateModifier { keyword },
            span,
        ));
    }

    fn limit(
        &mut self,
        amount: &Expr,
        per: Option<Calendar>,
        span: Span,
        what: &'static str,
    ) -> Option<Limit> {
        let amount = self.positive(amount, what)?;
        Some(Limit { amount, per, span })
    }

    /// A modifier that may appear once: `above`, `floor`, `minimum`.
    fn single_limit(
        &mut self,
        slot: &mut Option<Limit>,
        amount: &Expr,
        per: &Option<ast::Per>,
        modifier: &ast::Modifier,
        what: &'static str,
        needs_period: bool,
    ) -> bool {
        let keyword = modifier.kind.keyword();
        if slot.is_some() {
            self.duplicate_modifier(keyword, modifier.span);
            return false;
        }
        if needs_period && per.is_none() {
            self.report(Problem::new(
                ProblemKind::MissingPeriod { keyword },
                modifier.span,
            ));
            return false;
        }
        *slot = self.limit(amount, per.map(|p| p.unit), modifier.span, what);
        slot.is_some()
    }

    fn window_bound(
        &mut self,
        slot: &mut Option<Bound>,
        when: &When,
        keyword: &'static str,
        span: Span,
    ) -> bool {
        if slot.is_some() {
            self.duplicate_modifier(keyword, span);
            return false;
        }
        *slot = match when {
            When::Date(date) => Some(Bound::Date(date.date)),
            When::Event(name) => self.event(name).map(Bound::Event),
        };
        slot.is_some()
    }

    /// Resolves an event name in a window.
    pub(super) fn event(&mut self, name: &Name) -> Option<usize> {
        if let Some(id) = self
            .events
            .iter()
            .position(|event| event.name == name.value)
        {
            if let Some(used) = self.events_used.get_mut(id) {
                *used = true;
            }
            return Some(id);
        }
        let kind = if self.party_id(&name.value).is_some() {
            ProblemKind::PartyAsWindow {
                name: name.value.clone(),
            }
        } else {
            ProblemKind::UnknownEvent {
                name: name.value.clone(),
                suggestion: self.suggest(&name.value, self.events.iter().map(|e| e.name.as_str())),
            }
        };
        self.report(Problem::new(kind, name.span));
        None
    }

    /// A floor or minimum larger than a cap over the same or a longer period
    /// could never be paid.
    fn floor_against_caps(&mut self, floor: Option<&Limit>, caps: &[Limit], what: &'static str) {
        let Some(floor) = floor else { return };
        for cap in caps {
            let Some(cap_period) = cap.per else { continue };
            let comparable = floor.per.is_none_or(|per| per <= cap_period);
            if comparable && floor.amount > cap.amount {
                let problem = Problem::new(
                    ProblemKind::FloorAboveCap {
                        what,
                        floor: money::compact(floor.amount),
                        cap: money::compact(cap.amount),
                    },
                    floor.span,
                )
                .with_related(cap.span, "the cap");
                self.report(problem);
            }
        }
    }
}

/// An expression's canonical text (its `Display`), without the formatting
/// machinery for the usual basis, a single column name.
pub(super) fn written(expr: &Expr) -> String {
    match &expr.kind {
        ast::ExprKind::Name(name) => name.clone(),
        _ => expr.to_string(),
    }
}

/// Points each advance at the share clauses that recoup it. `firsts` is
/// the first clause each of `items` becomes, which labels point at.
pub(super) fn link_advances(
    checker: &mut Checker,
    items: &[&ast::Clause],
    firsts: &[ClauseId],
    clauses: &mut [Option<Vec<Clause>>],
) {
    for (index, item) in items.iter().enumerate() {
        let ClauseBody::Advance(advance) = &item.body else {
            continue;
        };
        if advance.recouped_from.is_empty() {
            checker.report(Problem::new(ProblemKind::UnrecoupedAdvance, item.span));
            continue;
        }
        let mut recouped_by = Vec::new();
        for (index, label) in advance.recouped_from.iter().enumerate() {
            if let Some(first) = advance
                .recouped_from
                .get(..index)
                .and_then(|before| before.iter().find(|other| other.value == label.value))
            {
                checker.duplicate(
                    "recouping clause",
                    label.value.clone(),
                    label.span,
                    first.span,
                    "first named here",
                );
                continue;
            }
            let Some(&(target, _)) = checker.labels.get(&label.value) else {
                let suggestion = checker.suggest(&label.value, checker.labels_in_file_order());
                checker.report(Problem::new(
                    ProblemKind::UnknownLabel {
                        name: label.value.clone(),
                        suggestion,
                    },
                    label.span,
                ));
                continue;
            };
            let item = firsts.iter().position(|first| *first == target);
            let Some(ClauseBody::Share(share)) = item.and_then(|i| items.get(i)).map(|c| &c.body)
            else {
                checker.report(Problem::new(
                    ProblemKind::NotRecoupable {
                        label: label.value.clone(),
                    },
                    label.span,
                ));
                continue;
            };
            let declared = |name: &str| checker.party_id(name).is_some();
            if share.payee.value != advance.payee.value
                && declared(&share.payee.value)
                && declared(&advance.payee.value)
            {
                checker.report(Problem::new(
                    ProblemKind::RecoupOtherPayee {
                        label: label.value.clone(),
                        payee: share.payee.value.clone(),
                        advance_payee: advance.payee.value.clone(),
                    },
                    label.span,
                ));
                continue;
            }
            recouped_by.push(target);
        }
        if let Some(Clause {
            kind: ClauseKind::Advance(advance),
            ..
        }) = clauses
            .get_mut(index)
            .and_then(|clause| clause.as_mut())
            .and_then(|clause| clause.first_mut())
        {
            advance.recouped_by = recouped_by;
        }
    }
}
