//! The canonical layout: the syntax tree printed back, with every comment
//! and blank-line group kept.
//!
//! One item per line, indented by two spaces; a clause longer than
//! [`WIDTH`] puts each modifier (and, if still too long, each band or step)
//! on a line of its own. Comments stay before the item they preceded, or at
//! the end of its line; a comment written inside a multi-line clause moves
//! just above it. Literals keep the notation they were written in (`38B`
//! stays `38B`, `1_000_000` stays `1_000_000`).

use crate::syntax::ast::*;
use crate::syntax::parser::is_bare_name;

/// The widest a formatted line gets before a clause is broken up.
pub const WIDTH: usize = 100;

const INDENT: &str = "  ";
const CONTINUATION: &str = "  ";

/// Formats a parsed file; `source` is the text it was parsed from, for the
/// blank lines between items.
pub fn format(file: &File, source: &str) -> String {
    let agreement = &file.agreement;
    let mut comments = file.comments.iter().peekable();
    let mut out = String::new();

    // Comments before the agreement, with their blank lines.
    let mut previous_end: Option<usize> = None;
    while let Some(comment) = comments.next_if(|c| c.span.start < agreement.span.start) {
        if previous_end.is_some_and(|end| blank_line_between(source, end, comment.span.start)) {
            out.push('\n');
        }
        push_line(&mut out, "", comment.text.trim_end());
        previous_end = Some(comment.span.end);
    }
    if previous_end.is_some_and(|end| blank_line_between(source, end, agreement.span.start)) {
        out.push('\n');
    }

    out.push_str(&format!("agreement {} {{\n", quoted(&agreement.name.value)));
    let mut cursor = agreement.name.span.end;
    let mut first = true;
    for item in &agreement.items {
        // A waterfall keeps the comments of its steps beside them.
        let steps = match &item.kind {
            ItemKind::Clause(Clause {
                body: ClauseBody::Waterfall(waterfall),
                ..
            }) => Some(waterfall),
            _ => None,
        };
        let above = if steps.is_some() {
            item.span.start
        } else {
            item.span.end
        };
        // Comments before the item, and any inside it, go above it.
        while let Some(comment) = comments.next_if(|c| c.span.start < above) {
            if !first && blank_line_between(source, cursor, comment.span.start) {
                out.push('\n');
            }
            push_line(&mut out, INDENT, comment.text.trim_end());
            cursor = comment.span.end.max(cursor);
            first = false;
        }
        if !first && blank_line_between(source, cursor, item.span.start) {
            out.push('\n');
        }
        if let (Some(waterfall), ItemKind::Clause(clause)) = (steps, &item.kind) {
            let mut layout = Layout {
                out: &mut out,
                source,
                cursor,
            };
            layout.waterfall(clause, waterfall, item.span, &mut comments);
            cursor = layout.cursor.max(item.span.end);
            first = false;
            continue;
        }
        let lines = item_lines(&item.kind);
        let last = lines.len().saturating_sub(1);
        // Each line after the first carries its own indent: a clause's
        // continuation, a waterfall's steps and closing brace.
        for (index, line) in lines.iter().enumerate() {
            out.push_str(INDENT);
            out.push_str(line);
            if index == last
                && let Some(comment) =
                    comments.next_if(|c| on_same_line(source, item.span.end, c.span.start))
            {
                out.push(' ');
                out.push_str(comment.text.trim_end());
                cursor = comment.span.end;
            }
            out.push('\n');
        }
        cursor = cursor.max(item.span.end);
        first = false;
    }
    // Comments after the last item, inside the block.
    let close = agreement.span.end.saturating_sub(1);
    while let Some(comment) = comments.next_if(|c| c.span.start < close) {
        if !first && blank_line_between(source, cursor, comment.span.start) {
            out.push('\n');
        }
        push_line(&mut out, INDENT, comment.text.trim_end());
        cursor = comment.span.end;
        first = false;
    }
    out.push('}');
    if let Some(comment) =
        comments.next_if(|c| on_same_line(source, agreement.span.end, c.span.start))
    {
        out.push(' ');
        out.push_str(comment.text.trim_end());
        cursor = comment.span.end;
    } else {
        cursor = agreement.span.end;
    }
    out.push('\n');
    // Comments after the agreement.
    for comment in comments {
        if blank_line_between(source, cursor, comment.span.start) {
            out.push('\n');
        }
        push_line(&mut out, "", comment.text.trim_end());
        cursor = comment.span.end;
    }
    out
}

/// Where a waterfall is written, with the comments of its steps.
struct Layout<'o, 's> {
    out: &'o mut String,
    source: &'s str,
    /// The end of what has been written, in the source.
    cursor: usize,
}

impl Layout<'_, '_> {
    /// The head, each step with the comments above it and after it on its
    /// line, then the comments before the closing brace, and the brace.
    fn waterfall<'c>(
        &mut self,
        clause: &Clause,
        waterfall: &Waterfall,
        span: Span,
        comments: &mut std::iter::Peekable<impl Iterator<Item = &'c Comment>>,
    ) {
        let label = clause
            .label
            .as_ref()
            .map(|l| format!("{}: ", l.value))
            .unwrap_or_default();
        let lines = waterfall_lines(&label, waterfall);
        let step_indent = format!("{INDENT}{CONTINUATION}");
        let head_end = waterfall.steps.first().map_or(span.end, |s| s.span.start);
        self.line(INDENT, lines.first().map_or("", String::as_str));
        self.cursor = span.start;
        self.trailing(comments, span.start, head_end);
        for (step, line) in waterfall.steps.iter().zip(lines.iter().skip(1)) {
            // Comments before the step, and any inside it (a split written
            // over several lines), go above it.
            self.above(comments, step.span.end, &step_indent);
            if blank_line_between(self.source, self.cursor, step.span.start) {
                self.out.push('\n');
            }
            self.line(INDENT, line);
            self.cursor = step.span.end;
            self.trailing(comments, step.span.end, span.end);
        }
        let close = span.end.saturating_sub(1);
        self.above(comments, close, &step_indent);
        self.line(INDENT, "}");
        self.cursor = span.end;
        self.trailing(comments, span.end, usize::MAX);
    }

    fn line(&mut self, indent: &str, text: &str) {
        self.out.push_str(indent);
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// The comments that start before `before`, a line each.
    fn above<'c>(
        &mut self,
        comments: &mut std::iter::Peekable<impl Iterator<Item = &'c Comment>>,
        before: usize,
        indent: &str,
    ) {
        while let Some(comment) = comments.next_if(|c| c.span.start < before) {
            if blank_line_between(self.source, self.cursor, comment.span.start) {
                self.out.push('\n');
            }
            self.line(indent, comment.text.trim_end());
            self.cursor = comment.span.end;
        }
    }

    /// A comment on the line that ends at `end` (before `limit`), put
    /// after the line just written.
    fn trailing<'c>(
        &mut self,
        comments: &mut std::iter::Peekable<impl Iterator<Item = &'c Comment>>,
        end: usize,
        limit: usize,
    ) {
        if let Some(comment) = comments
            .next_if(|c| c.span.start < limit && on_same_line(self.source, end, c.span.start))
        {
            self.out.pop();
            self.out.push(' ');
            self.out.push_str(comment.text.trim_end());
            self.out.push('\n');
            self.cursor = comment.span.end;
        }
    }
}

fn push_line(out: &mut String, indent: &str, text: &str) {
    out.push_str(indent);
    out.push_str(text);
    out.push('\n');
}

/// Whether the source between two offsets holds an empty line: a whole
/// line, between two line breaks, with nothing but white space on it.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
fn blank_line_between(source: &str, start: usize, end: usize) -> bool {
    let between = source.get(start.min(end)..end).unwrap_or_default();
    let lines: Vec<&str> = between.split('\n').collect();
    lines.len() > 2
        && lines
            .get(1..lines.len() - 1)
            .is_some_and(|whole| whole.iter().any(|line| line.trim().is_empty()))
}

fn on_same_line(source: &str, start: usize, end: usize) -> bool {
    source
        .get(start.min(end)..end)
        .is_some_and(|between| !between.contains('\n'))
}

/// An item as lines: the first, then continuation lines.
fn item_lines(kind: &ItemKind) -> Vec<String> {
    match kind {
        ItemKind::Currency(code) => vec![format!("currency {}", code.value)],
        ItemKind::Rounding(mode, scope, _) => vec![match scope {
            RoundingScope::Payment => format!("rounding {}", mode.keyword()),
            RoundingScope::Payee => format!("rounding {} per payee", mode.keyword()),
        }],
        ItemKind::Parties(names) => {
            let names: Vec<String> = names.iter().map(|n| name(&n.value)).collect();
            vec![format!("parties {}", names.join(", "))]
        }
        ItemKind::Payer(payer) => vec![format!("payer {}", name(&payer.value))],
        ItemKind::Let {
            name: constant,
            value,
        } => vec![format!("let {} = {value}", constant.value)],
        ItemKind::Event { name: event, date } => vec![match date {
            Some(date) => format!("event {} on {}", event.value, date.date),
            None => format!("event {}", event.value),
        }],
        ItemKind::Settle { first, second } => vec![format!(
            "settle net between {} and {}",
            name(&first.value),
            name(&second.value)
        )],
        ItemKind::Series(path) => vec![format!("series {}", quoted(&path.value))],
        ItemKind::Before { column, value } => {
            vec![format!("before series {} = {value}", column.value)]
        }
        ItemKind::Expect(expect) => vec![format!("expect {}", expect_text(expect))],
        ItemKind::Clause(clause) => clause_lines(clause),
    }
}

/// An expectation without its keyword: `Microsoft total = 38B`.
pub fn expect_text(expect: &Expect) -> String {
    let subject = expect.subject.as_ref().map(|s| {
        if s.quoted {
            quoted(&s.value)
        } else {
            s.value.clone()
        }
    });
    let gross = if expect.before_settlement {
        " before settlement"
    } else {
        ""
    };
    let rest = match &expect.kind {
        ExpectKind::Total(amount) => format!("total{gross} = {amount}"),
        ExpectKind::InPeriod { period, amount } => {
            format!("in {}{gross} = {amount}", period.text)
        }
        ExpectKind::Event { event, period } => format!("{} in {}", event.value, period.text),
    };
    let body = match subject {
        Some(subject) => format!("{subject} {rest}"),
        None => rest,
    };
    if expect.scenario.is_empty() {
        return body;
    }
    let events: Vec<String> = expect
        .scenario
        .iter()
        .map(|(name, date)| format!("{} on {}", name.value, date.date))
        .collect();
    format!("if {}: {body}", events.join(" and "))
}

/// A clause on one line if it fits, else broken at its modifiers, and then
/// at its bands or steps.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
fn clause_lines(clause: &Clause) -> Vec<String> {
    let label = clause
        .label
        .as_ref()
        .map(|l| format!("{}: ", l.value))
        .unwrap_or_default();
    let (head, tiers, modifiers) = match &clause.body {
        ClauseBody::Waterfall(waterfall) => return waterfall_lines(&label, waterfall),
        ClauseBody::Pay(pay) => {
            let per = match &pay.per {
                PayPer::Unit(basis) => format!("per unit of {basis}"),
                PayPer::Period(per) => format!("per {}", per.unit.keyword()),
                PayPer::Once(_) => String::new(),
            };
            let mut head = format!(
                "{label}pay {}{}{per}{} to {}",
                pay.amount,
                if per.is_empty() { "" } else { " " },
                payer(pay.payer.as_ref()),
                name(&pay.payee.value)
            );
            if let PayPer::Once(trigger) = &pay.per {
                head.push(' ');
                head.push_str(&match trigger {
                    Trigger::On(When::Date(date)) => format!("on {}", date.date),
                    Trigger::On(When::Event(event)) => format!("on {}", event.value),
                    Trigger::Exceeds { basis, level, per } => match per {
                        Some(per) => {
                            format!("when {basis} exceed {level} per {}", per.unit.keyword())
                        }
                        None => format!("when {basis} exceed {level}"),
                    },
                });
            }
            let modifiers: Vec<String> = pay.modifiers.iter().map(modifier).collect();
            (
                head,
                pay.schedule
                    .as_ref()
                    .map(schedule_tiers)
                    .unwrap_or_default(),
                modifiers,
            )
        }
        ClauseBody::Withhold(withhold) => {
            let head = format!(
                "{label}withhold {} of payments{} to {} for {}",
                withhold.rate,
                payer(withhold.payer.as_ref()),
                name(&withhold.from_payments_to.value),
                name(&withhold.for_party.value)
            );
            (head, Vec::new(), Vec::new())
        }
        ClauseBody::Share(share) => {
            let head = format!(
                "{label}share {} of {}{} to {}",
                share.rate,
                share.basis,
                payer(share.payer.as_ref()),
                name(&share.payee.value)
            );
            let modifiers: Vec<String> = share.modifiers.iter().map(modifier).collect();
            (
                head,
                share
                    .schedule
                    .as_ref()
                    .map(schedule_tiers)
                    .unwrap_or_default(),
                modifiers,
            )
        }
        ClauseBody::Rest(rest) => (
            format!(
                "{label}rest of {}{} to {}",
                rest.bases
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                payer(rest.payer.as_ref()),
                name(&rest.payee.value)
            ),
            Vec::new(),
            Vec::new(),
        ),
        ClauseBody::Advance(advance) => {
            let mut head = format!(
                "{label}advance {}{} to {}",
                advance.amount,
                payer(advance.payer.as_ref()),
                name(&advance.payee.value)
            );
            if let Some(on) = &advance.on {
                head.push_str(&format!(" on {}", on.date));
            }
            if !advance.recouped_from.is_empty() {
                let labels: Vec<&str> = advance
                    .recouped_from
                    .iter()
                    .map(|l| l.value.as_str())
                    .collect();
                head.push_str(&format!(" recouped from {}", labels.join(", ")));
            }
            (head, Vec::new(), Vec::new())
        }
    };
    let schedule = tiers.join(", ");
    let with_schedule = if schedule.is_empty() {
        head.clone()
    } else {
        format!("{head} {schedule}")
    };
    let one_line = std::iter::once(with_schedule.clone())
        .chain(modifiers.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    if INDENT.len() + one_line.chars().count() <= WIDTH {
        return vec![one_line];
    }
    let mut lines = Vec::new();
    if INDENT.len() + with_schedule.chars().count() <= WIDTH || tiers.is_empty() {
        lines.push(with_schedule);
    } else {
        lines.push(head);
        let last = tiers.len().saturating_sub(1);
        for (index, tier) in tiers.into_iter().enumerate() {
            lines.push(if index == last {
                tier
            } else {
                format!("{tier},")
            });
        }
    }
    lines.extend(modifiers);
    // Every line after the first is a continuation.
    for line in lines.iter_mut().skip(1) {
        line.insert_str(0, CONTINUATION);
    }
    lines
}

/// `waterfall of gross_receipts {`, a step a line, then `}`.
fn waterfall_lines(label: &str, waterfall: &Waterfall) -> Vec<String> {
    let mut lines = vec![format!(
        "{label}waterfall of {}{} {{",
        waterfall.basis,
        payer(waterfall.payer.as_ref())
    )];
    for step in &waterfall.steps {
        let label = step
            .label
            .as_ref()
            .map(|l| format!("{}: ", l.value))
            .unwrap_or_default();
        let body = match &step.kind {
            PriorityKind::Share { rate, payee } => format!("{rate} to {}", name(&payee.value)),
            PriorityKind::Recoup { costs, payee, cap } => match cap {
                Some(cap) => format!("recoup {costs} to {} cap {cap}", name(&payee.value)),
                None => format!("recoup {costs} to {}", name(&payee.value)),
            },
            PriorityKind::Rest { payee, until } => match until {
                Some(until) => format!("rest to {} until received {until}", name(&payee.value)),
                None => format!("rest to {}", name(&payee.value)),
            },
            PriorityKind::Pay { amount, payee } => {
                format!("pay {amount} to {}", name(&payee.value))
            }
            PriorityKind::Split(parts) => {
                let parts: Vec<String> = parts
                    .iter()
                    .map(|(rate, payee)| format!("{rate} to {}", name(&payee.value)))
                    .collect();
                format!("split {}", parts.join(", "))
            }
        };
        lines.push(format!("{CONTINUATION}{label}{body}"));
    }
    lines.push("}".into());
    lines
}

/// Bands or steps, one string per tier: `up to 1M`, `25% up to 5M`,
/// `20% above per year`.
fn schedule_tiers(schedule: &Schedule) -> Vec<String> {
    match schedule {
        Schedule::Bands {
            first_up_to,
            more,
            reset,
            measure,
            ..
        } => {
            let mut tiers = vec![format!("up to {first_up_to}")];
            tiers.extend(more.iter().map(|band| match &band.up_to {
                Some(up_to) => format!("{} up to {up_to}", band.rate),
                None => format!("{} above", band.rate),
            }));
            if let (Some(reset), Some(last)) = (reset, tiers.last_mut()) {
                last.push_str(&format!(" per {}", reset.unit.keyword()));
            }
            if let (Some(measure), Some(last)) = (measure, tiers.last_mut()) {
                last.push_str(&format!(" in {measure}"));
            }
            tiers
        }
        Schedule::Steps {
            first_until_paid,
            more,
            ..
        } => {
            let mut tiers = vec![format!("until paid {first_until_paid}")];
            tiers.extend(more.iter().map(|step| match &step.until_paid {
                Some(limit) => format!("then {} until paid {limit}", step.rate),
                None => format!("then {}", step.rate),
            }));
            tiers
        }
    }
}

fn modifier(modifier: &Modifier) -> String {
    let keyword = modifier.kind.keyword();
    match &modifier.kind {
        ModifierKind::Above {
            amount,
            per,
            measure: Some(measure),
        } => match per {
            Some(per) => format!("{keyword} {amount} per {} in {measure}", per.unit.keyword()),
            None => format!("{keyword} {amount} in {measure}"),
        },
        ModifierKind::Cap { amount, per }
        | ModifierKind::Above { amount, per, .. }
        | ModifierKind::Floor { amount, per }
        | ModifierKind::Minimum { amount, per } => match per {
            Some(per) => format!("{keyword} {amount} per {}", per.unit.keyword()),
            None => format!("{keyword} {amount}"),
        },
        ModifierKind::If(condition) => {
            let looks_at = match &condition.looks_at {
                LooksAt::Previous(per) => format!("previous {}", per.unit.keyword()),
                LooksAt::This(per) => format!("this {}", per.unit.keyword()),
                LooksAt::EachOf(count) => format!("each of previous {count} periods"),
            };
            format!(
                "if {looks_at} {} {} {}",
                condition.basis,
                condition.comparison.symbol(),
                condition.level
            )
        }
        ModifierKind::Reserve {
            rate,
            release,
            periods,
        } => {
            let word = if periods.to_string() == "1" {
                "period"
            } else {
                "periods"
            };
            format!(
                "reserve {rate} released {} {periods} {word}",
                release.keyword()
            )
        }
        ModifierKind::From(when, anchor) | ModifierKind::Until(when, anchor) => {
            let anchor = anchor.words();
            match when {
                When::Date(date) => format!("{keyword} {anchor}{}", date.date),
                When::Event(event) => format!("{keyword} {anchor}{}", event.value),
            }
        }
    }
}

fn payer(payer: Option<&Name>) -> String {
    payer
        .map(|p| format!(" from {}", name(&p.value)))
        .unwrap_or_default()
}

/// A party name, quoted only when it must be.
fn name(value: &str) -> String {
    if is_bare_name(value) {
        value.to_string()
    } else {
        quoted(value)
    }
}

fn quoted(value: &str) -> String {
    format!("\"{value}\"")
}
