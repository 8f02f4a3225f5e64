//! Statements rendered for people and tools: one file per format. Each
//! renders to a string; the binary decides where it goes.

pub mod by_party;
pub mod chart;
pub mod csv;
pub mod html;
pub mod json;
pub mod reconciliation;
pub mod scenarios;
pub mod table;
pub mod xlsx;

/// The output formats of `deal eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}
