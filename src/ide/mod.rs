//! What an editor asks of an agreement as it is written: its problems, its
//! names and where they are, what a clause means and what it pays, what
//! may be typed next. Pure functions of the text (and of the series text
//! the caller reads for it); `deal lsp` speaks the protocol.

pub mod fixes;
pub mod lines;
pub mod symbols;

use rust_decimal::Decimal;

use crate::agreement::{Agreement, Clause};
use crate::diagnostics::Problem;
use crate::eval::statement::Statement;
use crate::eval::{self, Options};
use crate::money::{grouped, readable};
use crate::syntax::ast::Span;
use symbols::{Occurrence, SymbolKind};

/// One version of a document, analysed.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub text: String,
    /// Errors, or the warnings of a valid agreement.
    pub problems: Vec<Problem>,
    /// The checked agreement, when it is valid.
    pub agreement: Option<Agreement>,
    /// Every name and where it is written (empty when the file does not
    /// parse).
    pub symbols: Vec<Occurrence>,
    /// The statement over the agreement's own series, once evaluated.
    pub statement: Option<Statement>,
    /// The columns of the agreement's series, once read.
    pub columns: Vec<String>,
}

/// A clause's place and what it pays, for a code lens.
#[derive(Debug, Clone, PartialEq)]
pub struct Lens {
    pub span: Span,
    pub text: String,
}

/// Something that may be typed at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    /// What it inserts: the label, quoted if it must be.
    pub insert: String,
    pub kind: CompletionKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    Symbol(SymbolKind),
}

/// A clause, as a document symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseSymbol {
    pub label: String,
    /// `share`, `waterfall`...
    pub kind: &'static str,
    pub span: Span,
    /// The label as written, or the clause's start.
    pub selection: Span,
}

impl Analysis {
    /// Checks `text`: its problems, its agreement, its names.
    pub fn new(text: &str) -> Analysis {
        // One parse for the checker and the names.
        let (compiled, symbols) = crate::compile_reading(text, symbols::occurrences);
        let (problems, agreement) = match compiled {
            Ok((agreement, warnings)) => (warnings, Some(agreement)),
            Err(problems) => (problems, None),
        };
        Analysis {
            text: text.to_string(),
            problems,
            agreement,
            symbols: symbols.unwrap_or_default(),
            statement: None,
            columns: Vec::new(),
        }
    }

    /// `text` with nothing found in it.
    pub fn empty(text: &str) -> Analysis {
        Analysis {
            text: text.to_string(),
            problems: Vec::new(),
            agreement: None,
            symbols: Vec::new(),
            statement: None,
            columns: Vec::new(),
        }
    }

    /// Evaluates the agreement over its series, given as text: what hovers
    /// and lenses report. A series that does not read, or an evaluation
    /// that fails, leaves no statement (`deal test` says why).
    pub fn evaluate(&mut self, series_text: &str) {
        let Ok(series) = crate::series::read(series_text) else {
            return;
        };
        self.columns = series.columns.clone();
        if let Some(agreement) = &self.agreement {
            self.statement = eval::evaluate(agreement, &series, &Options::default()).ok();
        }
    }

    /// The name written at byte `offset` (or just before it, at a name's
    /// end).
    pub fn symbol_at(&self, offset: usize) -> Option<&Occurrence> {
        self.symbols
            .iter()
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Where the name of `occurrence` is declared.
    pub fn definition<'a>(&'a self, occurrence: &'a Occurrence) -> Option<&'a Occurrence> {
        self.references(occurrence).find(|o| o.definition)
    }

    /// Every place the name of `occurrence` is written, its declaration
    /// included.
    pub fn references<'a>(
        &'a self,
        occurrence: &'a Occurrence,
    ) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.symbols
            .iter()
            .filter(move |o| o.kind == occurrence.kind && o.name == occurrence.name)
    }

    /// The edits that rename the name at `offset` to `new_name`, written
    /// as the grammar needs it (quoted when a party name is not bare), or
    /// why not.
    pub fn rename(&self, offset: usize, new_name: &str) -> Result<Vec<(Span, String)>, String> {
        let occurrence = self
            .symbol_at(offset)
            .ok_or_else(|| "no name here to rename".to_string())?;
        if occurrence.kind == SymbolKind::Column {
            return Err(format!(
                "`{}` is a column of the series: rename it there",
                occurrence.name
            ));
        }
        let new_name = new_name.trim();
        let bare = crate::syntax::parser::is_bare_name(new_name);
        let labels = occurrence.kind == SymbolKind::Label;
        if new_name.is_empty()
            || new_name.contains(['"', '\n', '\r'])
            || (!bare && !labels && occurrence.kind != SymbolKind::Party)
        {
            return Err(format!(
                "`{new_name}` cannot name a {}",
                occurrence.kind.word()
            ));
        }
        if labels
            && !new_name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!(
                "`{new_name}` cannot be a clause label: letters, digits, `-` and `_`"
            ));
        }
        Ok(self
            .references(occurrence)
            .map(|o| {
                let quoted = self
                    .text
                    .get(o.span.start..o.span.end)
                    .is_some_and(|t| t.starts_with('"'));
                let text = if occurrence.kind == SymbolKind::Party && (quoted || !bare) {
                    format!("\"{new_name}\"")
                } else {
                    new_name.to_string()
                };
                (o.span, text)
            })
            .collect())
    }

    /// The clauses, by label.
    pub fn clauses(&self) -> Vec<ClauseSymbol> {
        let Some(agreement) = &self.agreement else {
            return Vec::new();
        };
        agreement
            .clauses
            .iter()
            .map(|clause| {
                let selection = self
                    .symbols
                    .iter()
                    .find(|o| o.definition && o.kind == SymbolKind::Label && o.name == clause.label)
                    .map_or(Span::new(clause.span.start, clause.span.start), |o| o.span);
                ClauseSymbol {
                    label: clause.label.clone(),
                    kind: clause.kind_word(),
                    span: clause.span,
                    selection,
                }
            })
            .collect()
    }

    /// Hover text (Markdown) for byte `offset`: the name there, or the
    /// clause around it.
    pub fn hover(&self, offset: usize) -> Option<String> {
        if let Some(occurrence) = self.symbol_at(offset) {
            return Some(self.hover_symbol(occurrence));
        }
        let agreement = self.agreement.as_ref()?;
        let clause = agreement
            .clauses
            .iter()
            .filter(|c| c.span.start <= offset && offset <= c.span.end)
            .min_by_key(|c| c.span.end.saturating_sub(c.span.start))?;
        Some(self.hover_clause(agreement, clause))
    }

    fn hover_symbol(&self, occurrence: &Occurrence) -> String {
        let head = format!("**{}** ({})", occurrence.name, occurrence.kind.word());
        let body = match occurrence.kind {
            SymbolKind::Label => {
                let clause = self.agreement.as_ref().and_then(|a| {
                    Some((a, a.clauses.iter().find(|c| c.label == occurrence.name)?))
                });
                return match clause {
                    Some((agreement, clause)) => self.hover_clause(agreement, clause),
                    None => head,
                };
            }
            SymbolKind::Party => self.party_totals(&occurrence.name),
            SymbolKind::Constant | SymbolKind::Event => self
                .definition(occurrence)
                .and_then(|d| line_of(&self.text, d.span.start))
                .map(|line| format!("`{}`", line.trim())),
            SymbolKind::Column => self.column_total(&occurrence.name),
        };
        match body {
            Some(body) => format!("{head}\n\n{body}"),
            None => head,
        }
    }

    fn hover_clause(&self, agreement: &Agreement, clause: &Clause) -> String {
        let mut out = format!(
            "**{}** ({})\n\n`{}`",
            clause.label,
            clause.kind_word(),
            crate::diff::describe(agreement, clause)
        );
        if let Some(paid) = self.clause_paid(&clause.label) {
            out.push_str("\n\n");
            out.push_str(&paid);
        }
        out
    }

    /// `pays 38,000,000,000.00 (38B) over 2025 to 2032; 2030: cap of 38B
    /// reached`, over the agreement's series.
    fn clause_paid(&self, label: &str) -> Option<String> {
        let statement = self.statement.as_ref()?;
        let index = statement.clauses.iter().position(|c| c == label)?;
        let total = statement
            .rows
            .iter()
            .filter(|row| row.clause == index)
            .try_fold(Decimal::ZERO, |sum, row| sum.checked_add(row.amount))?;
        let mut out = format!(
            "pays {} ({}) over {}",
            grouped(total, statement.minor_units),
            readable(total),
            statement.period_span()
        );
        for event in statement.events.iter().filter(|e| e.clause == label) {
            let period = event.period.map(|p| p.to_string()).unwrap_or_default();
            out.push_str(&format!("; {period}: {}", event.text));
        }
        Some(out)
    }

    fn party_totals(&self, party: &str) -> Option<String> {
        let statement = self.statement.as_ref()?;
        let total = statement.totals.iter().find(|t| t.party == party)?;
        let minor = statement.minor_units;
        Some(format!(
            "over {}: receives {}, pays {}, net {}",
            statement.period_span(),
            grouped(total.received, minor),
            grouped(total.paid, minor),
            grouped(total.net, minor)
        ))
    }

    fn column_total(&self, column: &str) -> Option<String> {
        let path = self.agreement.as_ref()?.series.as_ref()?.path.clone();
        let read = self.columns.iter().any(|c| c == column);
        Some(if read {
            format!("a column of `{path}`")
        } else {
            format!("not a column of `{path}`")
        })
    }

    /// A lens per clause: what it pays over the agreement's series, and
    /// its events.
    pub fn lenses(&self) -> Vec<Lens> {
        let (Some(agreement), Some(_)) = (&self.agreement, &self.statement) else {
            return Vec::new();
        };
        agreement
            .clauses
            .iter()
            .filter_map(|clause| {
                Some(Lens {
                    span: clause.span,
                    text: self.clause_paid(&clause.label)?,
                })
            })
            .collect()
    }

    /// What may be typed at byte `offset`: after `to`, `from`, `payer`,
    /// `for`, `between` or `and` a party; after `recouped from` or `what` a
    /// clause label (or a party); else keywords and every name.
    pub fn completions(&self, offset: usize) -> Vec<Completion> {
        let before = self.text.get(..offset).unwrap_or_default();
        let words: Vec<&str> = before
            .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
            .filter(|w| !w.is_empty())
            .collect();
        // The word being typed, if any, is not context.
        let typing = !before.ends_with(|c: char| c.is_whitespace() || c == ',');
        let context: Vec<&str> = if typing {
            words.iter().rev().skip(1).take(2).copied().collect()
        } else {
            words.iter().rev().take(2).copied().collect()
        };
        let previous = context.first().copied().unwrap_or_default();
        let kinds: &[SymbolKind] = match (previous, context.get(1).copied()) {
            ("from", Some("recouped")) => &[SymbolKind::Label],
            ("what", _) => &[SymbolKind::Label, SymbolKind::Party],
            ("to" | "from" | "payer" | "for" | "between" | "and" | "parties", _) => {
                &[SymbolKind::Party]
            }
            ("until" | "on", _) => &[SymbolKind::Event],
            ("of", _) => &[SymbolKind::Column, SymbolKind::Constant, SymbolKind::Label],
            _ => &[],
        };
        let mut out: Vec<Completion> = Vec::new();
        let mut add = |label: &str, kind: CompletionKind| {
            if out.iter().any(|c| c.label == label && c.kind == kind) {
                return;
            }
            let insert = if kind == CompletionKind::Symbol(SymbolKind::Party)
                && !crate::syntax::parser::is_bare_name(label)
            {
                format!("\"{label}\"")
            } else {
                label.to_string()
            };
            out.push(Completion {
                label: label.to_string(),
                insert,
                kind,
            });
        };
        let wanted = |kind: SymbolKind| kinds.is_empty() || kinds.contains(&kind);
        for occurrence in self
            .symbols
            .iter()
            .filter(|o| o.definition && wanted(o.kind))
        {
            add(&occurrence.name, CompletionKind::Symbol(occurrence.kind));
        }
        if wanted(SymbolKind::Column) {
            for column in &self.columns {
                add(column, CompletionKind::Symbol(SymbolKind::Column));
            }
        }
        if kinds.is_empty() {
            for keyword in crate::syntax::RESERVED {
                add(keyword, CompletionKind::Keyword);
            }
        }
        out
    }
}

/// The line of `text` holding byte `offset`.
fn line_of(text: &str, offset: usize) -> Option<&str> {
    let start = text
        .get(..offset)?
        .rfind('\n')
        .map_or(0, |at| at.saturating_add(1));
    let end = text
        .get(offset..)?
        .find('\n')
        .map_or(text.len(), |at| at.saturating_add(offset));
    text.get(start..end)
}
