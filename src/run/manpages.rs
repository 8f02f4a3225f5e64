//! `deal manpages DIR`: a manual page per subcommand, from the command
//! line's own definition (clap_mangen), so they never disagree with
//! `deal --help`. The pages in docs/man are these, checked by a test.

use std::path::Path;

use clap::CommandFactory;

use super::Status;
use crate::cli::Cli;

/// `deal manpages DIR`
pub(super) fn manpages(dir: &Path) -> Status {
    match write_pages(dir) {
        Ok(count) => {
            say!("wrote {count} manual pages to {}", dir.display());
            Status::Ok
        }
        Err(error) => {
            tell!(
                "deal: cannot write the manual pages to `{}`: {error}",
                dir.display()
            );
            Status::Failed
        }
    }
}

/// Writes `deal.1` and `deal-SUBCOMMAND.1` for each subcommand; how many.
fn write_pages(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    // The pages name the version without the commit, so that they change
    // only when the command line does.
    let mut command = Cli::command().version(env!("CARGO_PKG_VERSION"));
    // Global flags (`--color`...) reach each subcommand's page.
    command.build();
    let mut count = 0usize;
    let mut write = |name: String, page: clap::Command| -> std::io::Result<()> {
        let mut text = Vec::new();
        clap_mangen::Man::new(page).render(&mut text)?;
        std::fs::write(dir.join(format!("{name}.1")), text)?;
        count = count.saturating_add(1);
        Ok(())
    };
    for sub in command
        .get_subcommands()
        .filter(|sub| sub.get_name() != "help")
    {
        let name = format!("deal-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .version(env!("CARGO_PKG_VERSION"));
        write(name, page)?;
    }
    write("deal".into(), command)?;
    Ok(count)
}
