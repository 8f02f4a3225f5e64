//! Text to syntax tree: a lexical scan for comments and nesting, the pest
//! grammar, then lowering to typed nodes with spans.

pub mod ast;
mod expected;
pub mod lower;
pub mod parser;
pub mod scan;

/// The language's keywords, which no name may be.
pub use expected::RESERVED;

use pest::Parser as _;

use crate::diagnostics::Problem;
use parser::{DealParser, Rule};

/// Parses a whole `.deal` file into its syntax tree, or the problems that
/// stop it: the first syntax error, or every malformed literal.
pub fn parse(source: &str) -> Result<ast::File, Vec<Problem>> {
    let scan = scan::scan(source).map_err(|problem| vec![problem])?;
    let pairs = DealParser::parse(Rule::file, source)
        .map_err(|error| vec![parser::syntax_problem(source, &error)])?;
    let tree = lower::Tree::new(pairs, source, scan.comments);
    if tree.root().is_none() {
        return Err(Vec::new());
    }
    let mut problems = Vec::new();
    match lower::file(tree, &mut problems) {
        Ok(file) if problems.is_empty() => Ok(file),
        Ok(_) => Err(problems),
        Err(problem) => {
            problems.push(problem);
            Err(problems)
        }
    }
}
