//! `deal`: parse the command line, run one command, exit with its status.

mod cli;
mod run;

use std::process::ExitCode;

use clap::Parser;

/// Compiling thousands of small agreements allocates many small, short-lived
/// values from several threads at once; mimalloc serves them at a fraction
/// of the system allocator's cost (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // A shell asking how to complete a command line: answered, and exit.
    run::completions::answer_if_asked();
    let cli = cli::Cli::parse();
    run::run(cli)
}
