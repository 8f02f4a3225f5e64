//! Problems going to Python: each rendered as the CLI renders it (miette's
//! report for a person, the `--diagnostic-format json` line for a program),
//! raised as `dealterms.DealError`, which carries both.

use dealterms::Problem;
use dealterms::diagnostics::{Quote, Style, render_quoting};
use pyo3::prelude::*;

/// How reports are rendered for a person: without colour, wrapped at 100
/// columns, as `deal` does on a pipe.
pub const HUMAN: Style = Style::Human {
    color: false,
    width: 100,
};

/// Problems of one file or table, rendered both ways.
#[derive(Clone)]
pub struct Rendered {
    /// As `deal check` shows them.
    pub human: String,
    /// One JSON object per line, as `deal check --diagnostic-format json`.
    pub json: String,
    /// Whether the problems point into a text (an agreement, a CSV file),
    /// rather than at a table's row, which has no line and column.
    pub located: bool,
    /// The deal they belong to, in a portfolio.
    pub deal: Option<String>,
}

impl Rendered {
    /// Problems in `text`, the file `name`, quoted as `quote` allows.
    pub fn of_text(problems: &[Problem], name: &str, text: &str, quote: Quote) -> Rendered {
        Rendered {
            human: render_quoting(problems, name, text, HUMAN, quote),
            json: render_quoting(problems, name, text, Style::Json, quote),
            located: true,
            deal: None,
        }
    }

    /// Problems of a table (`name`: what it is, `series table`), which have
    /// no text to quote: the code, the message and the help, laid out as
    /// the CLI lays out a report.
    pub fn of_table(problems: &[Problem], name: &str) -> Rendered {
        let human = problems
            .iter()
            .map(|problem| {
                let kind = &problem.kind;
                let help = kind
                    .help()
                    .map(|help| format!("  help: {help}\n"))
                    .unwrap_or_default();
                format!(
                    "{}\n\n  × {name}: {}\n{help}\n",
                    kind.code(),
                    kind.message()
                )
            })
            .collect();
        Rendered {
            human,
            json: render_quoting(problems, name, "", Style::Json, Quote::Foreign),
            located: false,
            deal: None,
        }
    }

    /// A message that is no problem of a file (a deal with rows and no
    /// agreement): told, with no diagnostic.
    pub fn message(text: String) -> Rendered {
        Rendered {
            human: format!("{text}\n"),
            json: String::new(),
            located: false,
            deal: None,
        }
    }

    pub fn for_deal(mut self, deal: &str) -> Rendered {
        self.deal = Some(deal.to_string());
        self
    }
}

/// `dealterms.DealError` carrying every part.
pub fn deal_error(py: Python<'_>, parts: Vec<Rendered>) -> PyErr {
    let parts: Vec<(String, String, bool, Option<String>)> = parts
        .into_iter()
        .map(|part| (part.human, part.json, part.located, part.deal))
        .collect();
    let built = py
        .import("dealterms._errors")
        .and_then(|module| module.getattr("DealError"))
        .and_then(|class| class.call_method1("_from_parts", (parts,)));
    match built {
        Ok(error) => PyErr::from_value(error),
        Err(error) => error,
    }
}
