//! Checking the forms where payments feed payments: a waterfall becomes one
//! clause per step payee, a withholding one clause paying the party that
//! receives what is withheld, and a reserve a term of its share.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::Checker;
use crate::agreement::{
    Basis, Clause, ClauseId, ClauseKind, Priority, PriorityForm, Release, Reserve, Waterfall,
    Withholding,
};
use crate::diagnostics::{Problem, ProblemKind};
use crate::syntax::ast::{self, Expr, PriorityKind, Span};

/// How many clauses each clause of the file becomes: one, or one per step
/// payee of a waterfall. Known before anything is checked, so that labels
/// can name the clauses the agreement will have.
pub(super) fn widths(clauses: &[&ast::Clause]) -> Vec<usize> {
    clauses
        .iter()
        .map(|clause| match &clause.body {
            ast::ClauseBody::Waterfall(waterfall) => waterfall
                .steps
                .iter()
                .map(|step| step_width(&step.kind))
                .sum(),
            _ => 1,
        })
        .collect()
}

fn step_width(step: &PriorityKind) -> usize {
    match step {
        PriorityKind::Split(parts) => parts.len(),
        _ => 1,
    }
}

/// Withholdings from one party's payments by one payer adding up to more
/// than 100%, reported at the one that passes it.
pub(super) fn over_withheld(checker: &mut Checker, clauses: &[Clause], parties: &[String]) {
    let mut totals: Vec<((usize, usize), Decimal)> = Vec::new();
    for clause in clauses {
        let ClauseKind::Withhold(withholding) = &clause.kind else {
            continue;
        };
        let key = (clause.payer, withholding.party);
        let at = match totals.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                totals.push((key, Decimal::ZERO));
                totals.len().saturating_sub(1)
            }
        };
        let Some((_, total)) = totals.get_mut(at) else {
            continue;
        };
        let before = *total;
        *total = total.saturating_add(withholding.rate);
        if before <= Decimal::ONE && *total > Decimal::ONE {
            checker.report(Problem::new(
                ProblemKind::OverWithheld {
                    party: parties.get(withholding.party).cloned().unwrap_or_default(),
                    total: crate::money::percent(*total),
                },
                clause.span,
            ));
        }
    }
}

/// The waterfalls' step labels, with the clauses each names (a split step:
/// every part), and each waterfall's label with all its clauses.
#[derive(Default)]
pub(super) struct Groups {
    pub named: HashMap<String, Vec<ClauseId>>,
}

impl Checker {
    /// Declares the labels of a waterfall's steps, each at the first
    /// clause it becomes; `first` is the waterfall's first clause.
    pub(super) fn declare_steps(
        &mut self,
        label: Option<&ast::Name>,
        waterfall: &ast::Waterfall,
        first: ClauseId,
    ) {
        let mut id = first;
        for step in &waterfall.steps {
            let width = step_width(&step.kind);
            if let Some(label) = &step.label {
                self.declare_label(label, id);
                self.groups.named.insert(
                    label.value.clone(),
                    (id..id.saturating_add(width)).collect(),
                );
            }
            id = id.saturating_add(width);
        }
        // The waterfall's own label names all its clauses.
        if let Some(label) = label {
            self.groups
                .named
                .insert(label.value.clone(), (first..id).collect());
        }
    }

    /// `label: waterfall of gross_receipts { ... }`: its steps as clauses,
    /// the first numbered `first`.
    pub(super) fn waterfall(
        &mut self,
        clause: &ast::Clause,
        waterfall: &ast::Waterfall,
        first: ClauseId,
    ) -> Option<Vec<Clause>> {
        let basis = self.basis(&waterfall.basis);
        let first_payee = waterfall.steps.first().and_then(|step| match &step.kind {
            PriorityKind::Share { payee, .. }
            | PriorityKind::Recoup { payee, .. }
            | PriorityKind::Rest { payee, .. }
            | PriorityKind::Pay { payee, .. } => Some(payee.value.as_str()),
            PriorityKind::Split(parts) => parts.first().map(|(_, payee)| payee.value.as_str()),
        });
        let payer = self.payer_of(
            waterfall.payer.as_ref(),
            first_payee.unwrap_or_default(),
            clause.span,
        );
        let label = clause.label.as_ref().map_or_else(
            || format!("waterfall of {}", super::clauses::written(&waterfall.basis)),
            |label| label.value.clone(),
        );
        let index = self.waterfalls.len();
        let mut clauses = Vec::new();
        let mut ok = basis.is_some() && payer.is_some();
        let count = waterfall.steps.len();
        for (number, step) in waterfall.steps.iter().enumerate() {
            if let PriorityKind::Split(_) | PriorityKind::Rest { until: None, .. } = &step.kind
                && number.saturating_add(1) < count
            {
                let next = waterfall.steps.get(number.saturating_add(1));
                let problem = Problem::new(ProblemKind::StepAfterAll, step.span);
                self.report(match next {
                    Some(next) => problem.with_related(next.span, "never reached"),
                    None => problem,
                });
                ok = false;
            }
            let step_label = step.label.as_ref().map_or_else(
                || format!("{label} step {}", number.saturating_add(1)),
                |label| label.value.clone(),
            );
            let Some(forms) = self.priority(&step.kind) else {
                ok = false;
                continue;
            };
            let parts = forms.len();
            for (form, payee) in forms {
                let payee_id = self.party(payee);
                ok &= self.not_to_itself(payer, payee_id, payee);
                let (Some(payer), Some(payee_id)) = (payer, payee_id) else {
                    ok = false;
                    continue;
                };
                clauses.push(Clause {
                    label: if parts > 1 {
                        format!("{step_label} to {}", payee.value)
                    } else {
                        step_label.clone()
                    },
                    // A step named after an unlabelled waterfall may repeat
                    // another's: numbered then ([`super::label_unlabelled`]).
                    labelled: step.label.is_some() || clause.label.is_some(),
                    span: step.span,
                    payer,
                    payee: payee_id,
                    kind: ClauseKind::Priority(Priority {
                        waterfall: index,
                        step: number.saturating_add(1),
                        form,
                    }),
                    depth: 0,
                });
            }
        }
        let basis = basis?;
        if !ok || clauses.is_empty() {
            if clauses.is_empty() && ok {
                self.report(Problem::new(ProblemKind::EmptyWaterfall, clause.span));
            }
            return None;
        }
        // A written label names all the steps already ([`Checker::declare_steps`]).
        let end = first.saturating_add(clauses.len());
        self.waterfalls.push(Waterfall {
            label,
            basis,
            clauses: first..end,
            span: clause.span,
        });
        Some(clauses)
    }

    /// One step's forms, each with its payee: one, or one per split part.
    fn priority<'s>(
        &mut self,
        step: &'s PriorityKind,
    ) -> Option<Vec<(PriorityForm, &'s ast::Name)>> {
        Some(match step {
            PriorityKind::Share { rate, payee } => {
                vec![(PriorityForm::Share(self.rate(rate)?), payee)]
            }
            PriorityKind::Recoup { costs, payee, cap } => {
                let costs: Option<Basis> = self.basis(costs);
                let cap = cap.as_ref().map(|cap| self.positive(cap, "a cap"));
                let cap = match cap {
                    Some(cap) => Some(cap?),
                    None => None,
                };
                vec![(PriorityForm::Recoup { costs: costs?, cap }, payee)]
            }
            PriorityKind::Rest { payee, until } => {
                let until = match until {
                    Some(until) => Some(self.positive(until, "an amount to receive")?),
                    None => None,
                };
                vec![(PriorityForm::Rest { until }, payee)]
            }
            PriorityKind::Pay { amount, payee } => {
                vec![(
                    PriorityForm::Pay(self.positive(amount, "a payment")?),
                    payee,
                )]
            }
            PriorityKind::Split(parts) => self.split(parts)?,
        })
    }

    /// `split 50% to Financier, 50% to Producer`: rates that add up to 100%.
    fn split<'s>(
        &mut self,
        parts: &'s [(Expr, ast::Name)],
    ) -> Option<Vec<(PriorityForm, &'s ast::Name)>> {
        let rates: Vec<Option<Decimal>> = parts.iter().map(|(rate, _)| self.rate(rate)).collect();
        let rates: Vec<Decimal> = rates.into_iter().collect::<Option<_>>()?;
        let total = rates
            .iter()
            .try_fold(Decimal::ZERO, |sum, rate| sum.checked_add(*rate));
        if total != Some(Decimal::ONE) {
            let span = match (parts.first(), parts.last()) {
                (Some((first, _)), Some((_, last))) => first.span.to(last.span),
                _ => Span::default(),
            };
            self.report(Problem::new(
                ProblemKind::SplitNotWhole {
                    total: total.map_or_else(|| "more than 100%".into(), crate::money::percent),
                },
                span,
            ));
            return None;
        }
        let last = parts.len().saturating_sub(1);
        Some(
            parts
                .iter()
                .zip(rates)
                .enumerate()
                .map(|(index, ((_, payee), rate))| {
                    (
                        PriorityForm::Split {
                            rate,
                            last: index == last,
                        },
                        payee,
                    )
                })
                .collect(),
        )
    }

    /// `withhold 30% of payments to Artist for TaxAuthority`
    pub(super) fn withholding(&mut self, withhold: &ast::Withhold) -> Option<Withholding> {
        let rate = self.rate(&withhold.rate);
        let party = self.party(&withhold.from_payments_to);
        if withhold.from_payments_to.value == withhold.for_party.value {
            self.report(Problem::new(
                ProblemKind::WithheldForItself {
                    party: withhold.for_party.value.clone(),
                },
                withhold.for_party.span,
            ));
            return None;
        }
        Some(Withholding {
            rate: rate?,
            party: party?,
        })
    }

    /// `reserve 25% released over 2 periods`
    pub(super) fn reserve(
        &mut self,
        rate: &Expr,
        release: Release,
        periods: &Expr,
        span: Span,
    ) -> Option<Reserve> {
        let rate = self.rate(rate);
        let count = self.period_count(periods);
        Some(Reserve {
            rate: rate?,
            release,
            periods: count?,
            span,
        })
    }
}
