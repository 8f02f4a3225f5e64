//! The checking pass: from a syntax tree to a checked [`Agreement`], or every
//! problem at once. Parsing accepts what is well formed; this pass rejects
//! what is meaningless (an undeclared party, bands out of order, a 120% rate).

mod basis_key;
mod clauses;
mod condition;
mod expect;
mod flows;
mod graph;
mod minor_units;
mod names;
mod pay;
mod values;
mod warnings;

use std::collections::{HashMap, HashSet};

use crate::agreement::{
    Agreement, BasisKey, Clause, ClauseId, ClauseKind, Currency, Event, Party, PartyId, Settlement,
    Waterfall,
};
use crate::diagnostics::{Problem, ProblemKind, suggest};
use crate::syntax::ast::{self, ItemKind, Name, RoundingMode, RoundingScope, Span};
use values::{Fault, Scope};

pub use names::bidi_controls;

/// Checks a parsed file. `Ok` carries the agreement and its warnings; `Err`
/// every problem found, errors and warnings, in source order, with
/// `more` (problems found in the text itself, such as
/// [`bidi_controls`]) among them; at most [`MAX_PROBLEMS`] are kept.
pub fn check(
    file: &ast::File,
    more: Vec<Problem>,
) -> Result<(Agreement, Vec<Problem>), Vec<Problem>> {
    let mut checker = Checker::default();
    let agreement = checker.agreement(&file.agreement);
    let mut problems = checker.problems;
    problems.extend(more);
    problems.sort_by_key(|problem| (problem.span.start, problem.span.end));
    let invalid = problems.iter().any(Problem::is_error);
    if let Some(first_unshown) = problems.get(MAX_PROBLEMS) {
        let more = problems.len().saturating_sub(MAX_PROBLEMS);
        let at = first_unshown.span;
        // Errors left out make the count itself an error: an invalid file
        // always shows one.
        let errors = problems
            .get(MAX_PROBLEMS..)
            .map_or(0, |rest| rest.iter().filter(|p| p.is_error()).count());
        problems.truncate(MAX_PROBLEMS);
        problems.push(Problem::new(
            ProblemKind::MoreProblems {
                shown: MAX_PROBLEMS,
                more,
                errors,
            },
            at,
        ));
    }
    match agreement {
        Some(agreement) if !invalid => Ok((agreement, problems)),
        _ => Err(problems),
    }
}

/// The most problems reported for one agreement; past them, one more says
/// how many were left out. A name misspelt ten thousand times is not worth
/// ten thousand messages, nor a search for the closest name each time.
pub const MAX_PROBLEMS: usize = 100;

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    scope: Scope,
    parties: Vec<Party>,
    /// Each party's id by name, once there are more than [`FEW_PARTIES`]:
    /// finding a name among thousands stays linear.
    party_ids: HashMap<String, PartyId>,
    events: Vec<Event>,
    events_used: Vec<bool>,
    payer: Option<PartyId>,
    /// Whether the agreement has a `payer` line, valid or not.
    payer_declared: bool,
    /// Explicit clause and step labels: label → (clause index, span).
    labels: HashMap<String, (usize, Span)>,
    /// Labels that name several clauses: waterfalls, split steps.
    groups: flows::Groups,
    /// The waterfalls checked so far.
    waterfalls: Vec<Waterfall>,
}

/// Parties found by a look down the list, up to this many; past it, by a map.
const FEW_PARTIES: usize = 16;

impl Checker {
    /// The name among `candidates` that `name` is likely a typo of; none
    /// is looked for once there are more problems than are reported.
    fn suggest<'a>(
        &self,
        name: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<String> {
        if self.problems.len() >= MAX_PROBLEMS {
            return None;
        }
        suggest(name, candidates)
    }

    /// The id of the party declared as `name`.
    fn party_id(&self, name: &str) -> Option<PartyId> {
        if self.parties.len() <= FEW_PARTIES {
            self.parties.iter().position(|party| party.name == name)
        } else {
            self.party_ids.get(name).copied()
        }
    }

    /// Declares a party, known not to be declared yet.
    fn add_party(&mut self, party: Party) {
        self.parties.push(party);
        if self.parties.len() > FEW_PARTIES {
            if self.party_ids.is_empty() {
                self.party_ids.extend(
                    self.parties
                        .iter()
                        .enumerate()
                        .map(|(id, party)| (party.name.clone(), id)),
                );
            } else if let Some(party) = self.parties.last() {
                let id = self.parties.len().saturating_sub(1);
                self.party_ids.insert(party.name.clone(), id);
            }
        }
    }

    /// The clause labels in the order of the file, whatever the map's: a
    /// guess among them ([`suggest`] names the first of two as close) is
    /// then the same every time.
    fn labels_in_file_order(&self) -> impl Iterator<Item = &str> {
        let mut labels: Vec<(&String, usize)> = self
            .labels
            .iter()
            .map(|(name, (index, _))| (name, *index))
            .collect();
        labels.sort_unstable_by_key(|(_, index)| *index);
        labels.into_iter().map(|(name, _)| name.as_str())
    }

    fn report(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Reports a name declared twice, pointing at the first with `first_text`.
    fn duplicate(
        &mut self,
        what: &'static str,
        name: String,
        span: Span,
        first: Span,
        first_text: &str,
    ) {
        let problem = Problem::new(ProblemKind::Duplicate { what, name }, span)
            .with_related(first, first_text);
        self.report(problem);
    }

    /// Reports a fault, unless it only repeats one already reported.
    fn report_fault(&mut self, fault: Fault) {
        if let Fault::Problem(problem) = fault {
            self.report(problem);
        }
    }

    fn agreement(&mut self, agreement: &ast::Agreement) -> Option<Agreement> {
        let items = &agreement.items;
        if agreement.name.value.trim().is_empty() {
            self.report(Problem::new(
                ProblemKind::EmptyName {
                    what: "agreement name",
                },
                agreement.name.span,
            ));
        }
        let currency = self.currency(items);
        let (rounding, rounding_scope) = self.rounding(items);
        self.declare_parties(items, agreement.name.span);
        self.declare_events(items);
        self.declare_payer(items);
        let clause_items: Vec<&ast::Clause> = items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Clause(clause) => Some(clause),
                _ => None,
            })
            .collect();
        // The first clause each item becomes: a waterfall becomes several.
        let firsts: Vec<ClauseId> = flows::widths(&clause_items)
            .into_iter()
            .scan(0usize, |next, width| {
                let first = *next;
                *next = next.saturating_add(width);
                Some(first)
            })
            .collect();
        self.declare_labels(&clause_items, &firsts);
        // Bases may name clauses (`what royalty pays`) and parties.
        self.scope.labels = self.labels_in_file_order().map(str::to_string).collect();
        self.scope.parties = self.parties.iter().map(|p| p.name.clone()).collect();
        self.declare_constants(items);
        let settlements = self.settlements(items);
        let before = self.before_series(items);
        let series = self.series(items);
        let expectations = self.expectations(items, series.is_some());
        self.deceptive(items, &clause_items);
        let mut clauses: Vec<Option<Vec<Clause>>> = clause_items
            .iter()
            .zip(&firsts)
            .map(|(clause, first)| self.clause(clause, *first))
            .collect();
        clauses::link_advances(self, &clause_items, &firsts, &mut clauses);
        let clauses: Option<Vec<Vec<Clause>>> = clauses.into_iter().collect();
        let clauses: Vec<Clause> = clauses?.into_iter().flatten().collect();
        self.duplicate_rests(&clauses);
        let party_names: Vec<String> = self.parties.iter().map(|p| p.name.clone()).collect();
        flows::over_withheld(self, &clauses, &party_names);
        let mut agreement = Agreement {
            name: agreement.name.value.clone(),
            currency,
            rounding,
            rounding_scope,
            parties: std::mem::take(&mut self.parties),
            events: std::mem::take(&mut self.events),
            clauses,
            settlements,
            waterfalls: std::mem::take(&mut self.waterfalls),
            before,
            series,
            expectations,
        };
        label_unlabelled(&mut agreement.clauses, &agreement.parties);
        let groups = std::mem::take(&mut self.groups);
        if !graph::order(self, &mut agreement, &groups) {
            return None;
        }
        let unpaid = minor_units::round_paid_amounts(&mut agreement);
        self.problems.extend(unpaid);
        warnings::report(self, &agreement);
        Some(agreement)
    }

    /// An item that may appear once (`currency`, `rounding`, `payer`): the
    /// first, with every later one reported.
    fn setting<'i, T>(
        &mut self,
        items: &'i [ast::Item],
        what: &'static str,
        pick: impl Fn(&'i ItemKind) -> Option<T>,
    ) -> Option<T> {
        let mut first: Option<(T, Span)> = None;
        for item in items {
            let Some(value) = pick(&item.kind) else {
                continue;
            };
            match &first {
                Some((_, span)) => {
                    let problem = Problem::new(ProblemKind::DuplicateSetting { what }, item.span)
                        .with_related(*span, "first set here");
                    self.report(problem);
                }
                None => first = Some((value, item.span)),
            }
        }
        first.map(|(value, _)| value)
    }

    /// `currency USD`; USD when the agreement does not say.
    fn currency(&mut self, items: &[ast::Item]) -> Currency {
        let usd = Currency {
            code: "USD".into(),
            minor_units: 2,
        };
        let code = self.setting(items, "currency", |kind| match kind {
            ItemKind::Currency(code) => Some(code),
            _ => None,
        });
        let Some(code) = code else { return usd };
        match iso_currency::Currency::from_code(&code.value) {
            Some(iso) => Currency {
                // Funds and metals (XAU...) have no minor unit: whole units.
                minor_units: iso.exponent().map_or(0, u32::from),
                code: code.value.clone(),
            },
            None => {
                self.report(Problem::new(
                    ProblemKind::BadCurrency {
                        text: code.value.clone(),
                    },
                    code.span,
                ));
                usd
            }
        }
    }

    /// `rounding half-up`; half-even when the agreement does not say.
    /// `rounding half-up per payee`; half-even on each payment when the
    /// agreement does not say.
    fn rounding(&mut self, items: &[ast::Item]) -> (RoundingMode, RoundingScope) {
        self.setting(items, "rounding", |kind| match kind {
            ItemKind::Rounding(mode, scope, _) => Some((*mode, *scope)),
            _ => None,
        })
        .unwrap_or_default()
    }

    fn declare_parties(&mut self, items: &[ast::Item], agreement_span: Span) {
        for item in items {
            let ItemKind::Parties(names) = &item.kind else {
                continue;
            };
            for name in names {
                if name.value.trim().is_empty() {
                    self.report(Problem::new(
                        ProblemKind::EmptyName { what: "party name" },
                        name.span,
                    ));
                    continue;
                }
                match self
                    .party_id(&name.value)
                    .and_then(|id| self.parties.get(id))
                {
                    Some(first) => {
                        let first = first.span;
                        self.duplicate(
                            "party",
                            name.value.clone(),
                            name.span,
                            first,
                            "first declared here",
                        );
                    }
                    None => self.add_party(Party {
                        name: name.value.clone(),
                        span: name.span,
                    }),
                }
            }
        }
        if self.parties.is_empty() {
            self.report(Problem::new(ProblemKind::NoParties, agreement_span));
        }
    }

    fn declare_events(&mut self, items: &[ast::Item]) {
        for item in items {
            let ItemKind::Event { name, date } = &item.kind else {
                continue;
            };
            if let Some(first) = self.events.iter().find(|event| event.name == name.value) {
                self.duplicate(
                    "event",
                    name.value.clone(),
                    name.span,
                    first.span,
                    "first declared here",
                );
                continue;
            }
            self.events.push(Event {
                name: name.value.clone(),
                date: date.map(|date| date.date),
                span: name.span,
            });
            self.events_used.push(false);
        }
    }

    fn declare_payer(&mut self, items: &[ast::Item]) {
        let payer = self.setting(items, "payer", |kind| match kind {
            ItemKind::Payer(name) => Some(name),
            _ => None,
        });
        if let Some(name) = payer {
            self.payer_declared = true;
            self.payer = self.party(name);
        }
    }

    fn declare_constants(&mut self, items: &[ast::Item]) {
        for item in items {
            if let ItemKind::Let { name, .. } = &item.kind {
                self.scope.expect(&name.value, name.span);
            }
        }
        for item in items {
            let ItemKind::Let { name, value } = &item.kind else {
                continue;
            };
            let value = match self.scope.fold(value) {
                Ok(value) => Some(value),
                Err(fault) => {
                    self.report_fault(fault);
                    None
                }
            };
            if let Some(first) = self.scope.declare(&name.value, value, name.span) {
                self.duplicate(
                    "constant",
                    name.value.clone(),
                    name.span,
                    first,
                    "first declared here",
                );
            }
        }
    }

    fn settlements(&mut self, items: &[ast::Item]) -> Vec<Settlement> {
        let mut settlements: Vec<Settlement> = Vec::new();
        for item in items {
            let ItemKind::Settle { first, second } = &item.kind else {
                continue;
            };
            let (Some(a), Some(b)) = (self.party(first), self.party(second)) else {
                continue;
            };
            if a == b {
                self.report(Problem::new(ProblemKind::SettleSelf, item.span));
                continue;
            }
            let pair = (a.min(b), a.max(b));
            if let Some(earlier) = settlements
                .iter()
                .find(|s| (s.first.min(s.second), s.first.max(s.second)) == pair)
            {
                self.duplicate(
                    "settlement between",
                    format!("{} and {}", first.value, second.value),
                    item.span,
                    earlier.span,
                    "first declared here",
                );
                continue;
            }
            settlements.push(Settlement {
                first: a,
                second: b,
                span: item.span,
            });
        }
        settlements
    }

    /// The labels of clauses and of waterfall steps, each at the clause it
    /// names (`firsts`: the first clause each of `clauses` becomes).
    fn declare_labels(&mut self, clauses: &[&ast::Clause], firsts: &[ClauseId]) {
        for (clause, first) in clauses.iter().zip(firsts) {
            if let Some(label) = &clause.label {
                self.declare_label(label, *first);
            }
            if let ast::ClauseBody::Waterfall(waterfall) = &clause.body {
                self.declare_steps(clause.label.as_ref(), waterfall, *first);
            }
        }
    }

    /// One label, at clause `id`; a label used twice is reported.
    fn declare_label(&mut self, label: &Name, id: ClauseId) {
        if let Some((_, first)) = self.labels.get(&label.value) {
            self.duplicate(
                "label",
                label.value.clone(),
                label.span,
                *first,
                "first used here",
            );
            return;
        }
        self.labels.insert(label.value.clone(), (id, label.span));
    }

    /// Look-alike and mixed-script names, namespace by namespace. The names
    /// are borrowed where they are, not copied: this runs on every agreement.
    fn deceptive(&mut self, items: &[ast::Item], clauses: &[&ast::Clause]) {
        let parties = self.parties.iter().map(|p| (p.name.as_str(), p.span));
        names::deceptive_names("party", parties, &mut self.problems);
        let events = self.events.iter().map(|e| (e.name.as_str(), e.span));
        names::deceptive_names("event", events, &mut self.problems);
        let constants = items.iter().filter_map(|item| match &item.kind {
            ItemKind::Let { name, .. } => Some((name.value.as_str(), name.span)),
            _ => None,
        });
        names::deceptive_names("constant", constants, &mut self.problems);
        let labels = clauses
            .iter()
            .filter_map(|clause| clause.label.as_ref().map(|l| (l.value.as_str(), l.span)));
        names::deceptive_names("label", labels, &mut self.problems);
    }

    /// Only one party can receive the remainder of a basis; bases are
    /// compared as computed, so `-refunds + sales` is `sales - refunds`.
    fn duplicate_rests(&mut self, clauses: &[Clause]) {
        let mut seen: HashMap<&BasisKey, Span> = HashMap::new();
        let bases = clauses.iter().flat_map(|clause| match &clause.kind {
            ClauseKind::Rest(rest) => rest.bases.iter().map(|basis| (clause, basis)).collect(),
            _ => Vec::new(),
        });
        for (clause, basis) in bases {
            match seen.get(&basis.key) {
                Some(first) => {
                    let problem = Problem::new(
                        ProblemKind::DuplicateRest {
                            basis: basis.text.clone(),
                        },
                        clause.span,
                    )
                    .with_related(*first, "first given here");
                    self.report(problem);
                }
                None => {
                    seen.insert(&basis.key, clause.span);
                }
            }
        }
    }

    /// Resolves a party name, reporting it if undeclared.
    fn party(&mut self, name: &Name) -> Option<PartyId> {
        if let Some(id) = self.party_id(&name.value) {
            return Some(id);
        }
        let suggestion = self.suggest(&name.value, self.parties.iter().map(|p| p.name.as_str()));
        self.report(Problem::new(
            ProblemKind::UnknownParty {
                name: name.value.clone(),
                suggestion,
            },
            name.span,
        ));
        None
    }
}

/// Names each unlabelled clause after what it does (`share to Microsoft`),
/// numbered when the same name would otherwise repeat. An agreement whose
/// clauses all have labels (most) is left as it is, without a copy.
fn label_unlabelled(clauses: &mut [Clause], parties: &[Party]) {
    if clauses.iter().all(|c| c.labelled) {
        return;
    }
    let mut taken: HashSet<String> = clauses
        .iter()
        .filter(|c| c.labelled)
        .map(|c| c.label.clone())
        .collect();
    // The next number to try for each name, so that many advances to one
    // payee stay linear.
    let mut next: HashMap<String, u32> = HashMap::new();
    for clause in clauses.iter_mut().filter(|c| !c.labelled) {
        let payee = parties.get(clause.payee).map_or("", |p| p.name.as_str());
        // A name already proposed (a waterfall's step) is kept, numbered if
        // it repeats.
        let base = if clause.label.is_empty() {
            format!("{} to {payee}", clause.kind_word())
        } else {
            clause.label.clone()
        };
        let counter = next.entry(base.clone()).or_insert(1);
        let mut label = base.clone();
        while taken.contains(&label) {
            *counter = counter.saturating_add(1);
            label = format!("{base} ({counter})");
        }
        taken.insert(label.clone());
        clause.label = label;
    }
}
