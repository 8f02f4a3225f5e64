//! pest: the grammar in `grammar/deal.pest`, and its errors turned into
//! problems that say what was expected in words.

use pest::error::{ErrorVariant, InputLocation};
use pest_derive::Parser;

use crate::diagnostics::{Problem, ProblemKind, suggest};
use crate::syntax::ast::Span;
use crate::syntax::expected;

#[derive(Parser)]
#[grammar = "../grammar/deal.pest"]
pub struct DealParser;

/// Turns a pest error into a located problem with the expectations in words.
pub fn syntax_problem(source: &str, error: &pest::error::Error<Rule>) -> Problem {
    let at = match error.location {
        InputLocation::Pos(at) => at,
        InputLocation::Span((start, _)) => start,
    };
    let positives: &[Rule] = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    if positives == [Rule::colon]
        && let Some(problem) = misspelt_keyword(source, at)
    {
        return problem;
    }
    // A colon is expected only because a word might have been a label; next
    // to anything else it is noise.
    let without_colon: Vec<Rule> = positives
        .iter()
        .copied()
        .filter(|r| *r != Rule::colon)
        .collect();
    let positives = if without_colon.is_empty() {
        positives
    } else {
        &without_colon
    };
    let (found, found_span) = found_at(source, at);
    let expected = expected::describe(positives);
    let hint = expected::hint(
        positives,
        source.get(..at).unwrap_or_default(),
        source.get(at..).unwrap_or_default(),
    );
    Problem::new(
        ProblemKind::Unexpected {
            expected,
            found,
            hint,
        },
        found_span,
    )
}

/// A word at the start of a line that is neither a keyword nor a label
/// (`shre 20% of ...`): the grammar took it for a label missing its `:`, but
/// the analyst most likely misspelt a keyword. Points at the word instead.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
fn misspelt_keyword(source: &str, at: usize) -> Option<Problem> {
    // The word is before any comment lines between it and `at`.
    let mut before = source.get(..at)?.trim_end();
    while let Some(line_start) = before.rfind(['\n', '\r']).map(|i| i + 1)
        && before
            .get(line_start..)
            .is_some_and(|line| line.trim_start().starts_with('#'))
    {
        before = before.get(..line_start)?.trim_end();
    }
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map_or(0, |i| i + 1);
    let word = before.get(start..)?;
    if word.is_empty() {
        return None;
    }
    let ahead = before.get(..start).unwrap_or_default();
    let spaced_suffix = ["K", "M", "B", "T"].contains(&word)
        && ahead.ends_with(' ')
        && ahead.trim_end().ends_with(|c: char| c.is_ascii_digit());
    let keywords = expected::RESERVED.iter().copied();
    let suggestion = suggest(word, keywords);
    let is_modifier = suggestion
        .as_deref()
        .is_some_and(|keyword| expected::MODIFIERS.contains(&keyword));
    // Only a word that starts a line can have been meant as a label.
    let starts_line =
        ahead.trim_end_matches([' ', '\t']).ends_with(['\n', '\r']) || ahead.trim().is_empty();
    let positives: &[Rule] = match (is_modifier, starts_line) {
        (true, _) => &[Rule::cap],
        (false, true) => &[Rule::clause],
        (false, false) => &[Rule::cap, Rule::clause],
    };
    let hint = if let Some(slip) = expected::known_slip(word, ahead) {
        Some(slip)
    } else if spaced_suffix {
        Some(format!(
            "write the suffix right after the number, without a space: `1.5{word}`"
        ))
    } else if let Some(keyword) = suggestion {
        Some(format!("did you mean `{keyword}`?"))
    } else if starts_line {
        Some(format!(
            "a label needs a colon after it: `{word}: share ...`"
        ))
    } else {
        None
    };
    Some(Problem::new(
        ProblemKind::Unexpected {
            expected: expected::describe(positives),
            found: format!("`{word}`"),
            hint,
        },
        Span::new(start, before.len()),
    ))
}

/// What to call a character that shows as nothing or as a space.
fn invisible_name(c: char) -> &'static str {
    match c {
        '\0' => "a NUL byte",
        '\t' => "a tab",
        '\u{7f}' => "a delete character",
        '\u{a0}' | '\u{202f}' => "a no-break space",
        c if c.is_control() => "a control character",
        c if c.is_whitespace() => "a space character",
        _ => "an invisible character",
    }
}

/// The token at `at`, in words, and its span.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "offsets into an in-memory text stay below isize::MAX"
)]
fn found_at(source: &str, at: usize) -> (String, Span) {
    let rest = source.get(at..).unwrap_or_default();
    if rest.trim().is_empty() {
        // Point just after the last word, not at an empty line below it.
        let end = source.trim_end().len();
        return ("the end of the file".into(), Span::new(end, end));
    }
    let Some(first) = rest.chars().next() else {
        return ("the end of the file".into(), Span::new(at, at));
    };
    if first == '\n' || first == '\r' {
        return (
            "the end of the line".into(),
            Span::new(at, at + first.len_utf8()),
        );
    }
    let invisible = {
        use unicode_width::UnicodeWidthChar;
        first.is_control() || first.is_whitespace() || first.width().unwrap_or(0) == 0
    };
    if invisible {
        // Not a thing a terminal shows: named by its code point.
        return (
            format!("{} (U+{:04X})", invisible_name(first), u32::from(first)),
            Span::new(at, at + first.len_utf8()),
        );
    }
    let word_len = if is_word_char(first) {
        rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let word = rest.get(..word_len).unwrap_or_default();
    let shown: String = word.chars().take(24).collect();
    let ellipsis = if shown.len() < word.len() { "…" } else { "" };
    (format!("`{shown}{ellipsis}`"), Span::new(at, at + word_len))
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.' || c == '%'
}

/// Whether `text` can be written as a bare name (`Microsoft`, `Société`),
/// or needs quotes (`"Société Générale"`, a reserved word, an empty name).
pub fn is_bare_name(text: &str) -> bool {
    use pest::Parser as _;
    DealParser::parse(Rule::name, text).is_ok_and(|mut pairs| {
        pairs
            .next()
            .is_some_and(|pair| pair.as_str().len() == text.len())
    })
}
