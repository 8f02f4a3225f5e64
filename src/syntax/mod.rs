//! Text to syntax tree: a lexical scan for comments and nesting, the pest
//! grammar, then lowering to typed nodes with spans.

pub mod ast;
pub(crate) mod expected;
pub mod lower;
pub mod parser;
pub mod scan;

/// The language's keywords, which no name may be.
pub use expected::RESERVED;

use pest::Parser as _;
use pest::iterators::Pairs;

use crate::diagnostics::Problem;
use parser::{DealParser, Rule};

/// Parses a whole `.deal` file into its syntax tree, or the problems that
/// stop it: the first syntax error, or every malformed literal.
pub fn parse(source: &str) -> Result<ast::File, Vec<Problem>> {
    parse_reading(source, |_| ()).0
}

/// [`parse`], handing the grammar's pairs to `read` before they are
/// lowered (the editor takes every name's place from them): one parse for
/// both. `read` is not called when the text does not parse.
pub fn parse_reading<T>(
    source: &str,
    read: impl FnOnce(Pairs<'_, Rule>) -> T,
) -> (Result<ast::File, Vec<Problem>>, Option<T>) {
    let scan = match scan::scan(source) {
        Ok(scan) => scan,
        Err(problem) => return (Err(vec![problem]), None),
    };
    let pairs = match DealParser::parse(Rule::file, source) {
        Ok(pairs) => pairs,
        Err(error) => return (Err(vec![parser::syntax_problem(source, &error)]), None),
    };
    let read = read(pairs.clone());
    (lower_pairs(pairs, source, scan), Some(read))
}

/// The syntax tree of a parse, or the problems of its literals.
fn lower_pairs(
    pairs: Pairs<'_, Rule>,
    source: &str,
    scan: scan::Scan,
) -> Result<ast::File, Vec<Problem>> {
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
