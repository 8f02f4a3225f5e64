//! `deal`: parse the command line, run one command, exit with its status.

mod cli;
mod run;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    run::run(cli)
}
