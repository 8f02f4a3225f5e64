//! The names of an agreement and every place they are written, from the
//! grammar's own parse (the tokens `name`, `label` and quoted `string`),
//! so that an editor can go to a definition, find references and rename.
//! A name is defined where the grammar declares it (`parties`, a clause's
//! label, `let`, `event`); every other token with the same text and kind
//! refers to it. A name used in an amount that nothing declares is a
//! series column.

use pest::iterators::{Pair, Pairs};

use crate::syntax::ast::Span;
use crate::syntax::parser::Rule;

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Party,
    Label,
    Constant,
    Event,
    Column,
}

impl SymbolKind {
    pub fn word(self) -> &'static str {
        match self {
            SymbolKind::Party => "party",
            SymbolKind::Label => "clause",
            SymbolKind::Constant => "constant",
            SymbolKind::Event => "event",
            SymbolKind::Column => "series column",
        }
    }
}

/// One place a name is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: SymbolKind,
    /// The name, without quotes.
    pub name: String,
    /// The token as written, quotes included.
    pub span: Span,
    /// Whether this is where the name is declared.
    pub definition: bool,
}

/// Every name of a parse ([`crate::compile_reading`] hands it over) and
/// where it is written, in source order.
pub fn occurrences(pairs: Pairs<'_, Rule>) -> Vec<Occurrence> {
    let mut found = Vec::new();
    for pair in pairs {
        walk(pair, [None, None], &mut found);
    }
    // Kinds of the names used without a declaration in sight: whatever
    // declares that text, else a column (in an amount) or left out.
    let declared: std::collections::HashSet<(SymbolKind, String)> = found
        .iter()
        .filter(|(occurrence, _)| occurrence.definition)
        .map(|(occurrence, _)| (occurrence.kind, occurrence.name.clone()))
        .collect();
    let mut out = Vec::with_capacity(found.len());
    for (mut occurrence, guess) in found {
        if !occurrence.definition {
            let mut key = (SymbolKind::Column, std::mem::take(&mut occurrence.name));
            let kind = [guess]
                .into_iter()
                .flatten()
                .chain([
                    SymbolKind::Party,
                    SymbolKind::Label,
                    SymbolKind::Constant,
                    SymbolKind::Event,
                ])
                .find(|kind| {
                    key.0 = *kind;
                    declared.contains(&key)
                });
            occurrence.name = key.1;
            occurrence.kind = match (kind, guess) {
                (Some(kind), _) => kind,
                (None, Some(kind)) => kind,
                (None, None) => SymbolKind::Column,
            };
        }
        out.push(occurrence);
    }
    out
}

/// Collects the name tokens under `pair`; `parents` are the rules of the
/// pair that holds it and of the one that holds that. Each comes with the
/// kind its place implies, if any.
fn walk(
    pair: Pair<'_, Rule>,
    parents: [Option<Rule>; 2],
    found: &mut Vec<(Occurrence, Option<SymbolKind>)>,
) {
    let rule = pair.as_rule();
    let [parent, grandparent] = parents;
    let token = match rule {
        Rule::name | Rule::label => Some(pair.as_str().to_string()),
        Rule::string => {
            let text = pair.as_str();
            Some(
                text.strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .unwrap_or(text)
                    .to_string(),
            )
        }
        _ => None,
    };
    if let Some(name) = token {
        // `series "file.csv"` names a file, not a symbol.
        if parent == Some(Rule::series_decl) {
            return;
        }
        let span = pair.as_span();
        let (kind, definition) = place(rule, parent, grandparent);
        found.push((
            Occurrence {
                kind: kind.unwrap_or(SymbolKind::Column),
                name,
                span: Span::new(span.start(), span.end()),
                definition,
            },
            kind,
        ));
        return;
    }
    for inner in pair.into_inner() {
        walk(inner, [Some(rule), parent], found);
    }
}

/// What a token's place says of it: its kind, if the place decides it, and
/// whether it declares the name.
fn place(
    rule: Rule,
    parent: Option<Rule>,
    grandparent: Option<Rule>,
) -> (Option<SymbolKind>, bool) {
    if matches!(rule, Rule::name | Rule::string)
        && parent == Some(Rule::party_name)
        && grandparent == Some(Rule::parties_decl)
    {
        return (Some(SymbolKind::Party), true);
    }
    match (rule, parent) {
        (Rule::label, Some(Rule::clause | Rule::priority)) => (Some(SymbolKind::Label), true),
        (Rule::label, Some(Rule::recouped | Rule::flow)) => (Some(SymbolKind::Label), false),
        (Rule::string, Some(Rule::flow | Rule::subject)) => (Some(SymbolKind::Party), false),
        (Rule::name | Rule::string, Some(Rule::party_name)) => (Some(SymbolKind::Party), false),
        (Rule::name, Some(Rule::let_decl)) => (Some(SymbolKind::Constant), true),
        (Rule::name, Some(Rule::event_decl)) => (Some(SymbolKind::Event), true),
        (Rule::name, Some(Rule::dated_event)) => (Some(SymbolKind::Event), false),
        (Rule::name, Some(Rule::before_decl)) => (Some(SymbolKind::Column), false),
        // A subject is a party (quoted or not) or a clause label: decided
        // by what the file declares.
        _ => (None, false),
    }
}
