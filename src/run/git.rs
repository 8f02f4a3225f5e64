//! `deal git-setup`: the git configuration for `*.deal` files.

use std::path::PathBuf;

use super::{Status, write_output};

/// `deal git-setup`
pub(super) fn git_setup() -> Result<(), Status> {
    let git = |args: &[&str]| -> Result<String, Status> {
        let output = std::process::Command::new("git")
            .args(args)
            .output()
            .map_err(|error| {
                tell!("deal: cannot run git: {error}");
                Status::Failed
            })?;
        if !output.status.success() {
            tell!(
                "deal: git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            );
            return Err(Status::Failed);
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    let top = PathBuf::from(git(&["rev-parse", "--show-toplevel"])?);
    let exe = std::env::current_exe().map_err(|error| {
        tell!("deal: cannot locate the deal binary: {error}");
        Status::Failed
    })?;
    let exe = shell_quote(&exe.to_string_lossy());
    let attributes = top.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => {
            tell!("deal: cannot read `{}`: {error}", attributes.display());
            return Err(Status::Failed);
        }
    };
    let line = dealterms::gitsetup::ATTRIBUTES;
    if existing.lines().any(|l| l.trim() == line) {
        say!("{}: already has `{line}`", attributes.display());
    } else {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(line);
        text.push('\n');
        write_output(Some(&attributes), &text)?;
        say!("{}: added `{line}`", attributes.display());
    }
    for (key, value) in dealterms::gitsetup::config(&exe) {
        git(&["config", "--local", "--end-of-options", &key, &value])?;
        say!("git config {key} {}", shell_quote(&value));
    }
    Ok(())
}

/// `text` quoted for a POSIX shell, if it needs it.
pub(super) fn shell_quote(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+=:".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
