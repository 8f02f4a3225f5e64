//! The command line, as clap structs.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Deal terms as code: check, evaluate and compare agreements written in the
/// deal language.
#[derive(Debug, Parser)]
#[command(name = "deal", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// How to show problems: graphical for people, JSON lines for tools.
    #[arg(long, global = true, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub diagnostic_format: DiagnosticFormat,

    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check agreements for errors and warnings, without evaluating them.
    ///
    /// Exit status: 0 when every file is valid (warnings allowed), 1 when a
    /// file has errors, 2 when a file cannot be read.
    Check {
        /// Agreement files (`*.deal`); `-` reads standard input.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,

        /// Print nothing for valid files.
        #[arg(short, long)]
        quiet: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
