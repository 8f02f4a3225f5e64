//! Build-time facts for the `deal` binary: the commit `deal --version`
//! names, and the bundled examples `deal new --from` starts from.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    commit();
    examples();
}

/// `DEAL_COMMIT`: the short hash of the commit built, `unknown` outside
/// a git checkout of this very crate (a source tarball, or a copy inside
/// another repository). Rebuilt when HEAD moves: the files watched are
/// git's own (a worktree's too), and only those that exist (a missing one
/// would make every build a rebuild).
fn commit() {
    let commit = checkout().unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=DEAL_COMMIT={commit}");
}

/// The short hash of HEAD, with the files to watch printed, when the crate
/// is the top of its git checkout.
fn checkout() -> Option<String> {
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git").args(args).output().ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
            .filter(|text| !text.is_empty())
    };
    let here = std::env::var("CARGO_MANIFEST_DIR").ok()?;
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let same = |a: &str, b: &str| {
        std::fs::canonicalize(a)
            .ok()
            .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
    };
    if !same(&top, &here) {
        return None;
    }
    let watch = |path: &Path| {
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    };
    let head = PathBuf::from(git(&["rev-parse", "--git-path", "HEAD"])?);
    watch(&head);
    if let Ok(text) = std::fs::read_to_string(&head)
        && let Some(branch) = text.strip_prefix("ref: ")
    {
        let common = PathBuf::from(git(&["rev-parse", "--git-common-dir"])?);
        watch(&common.join(branch.trim()));
        watch(&common.join("packed-refs"));
    }
    git(&["rev-parse", "--short=12", "HEAD"])
}

/// `$OUT_DIR/examples.rs`: every `examples/NAME.deal` with its
/// `examples/NAME.csv`, as `(name, agreement, series)`, in name order.
fn examples() {
    println!("cargo:rerun-if-changed=examples");
    let mut names: Vec<String> = std::fs::read_dir("examples")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".deal")?.to_string();
            Path::new("examples")
                .join(format!("{stem}.csv"))
                .is_file()
                .then_some(stem)
        })
        .collect();
    names.sort();
    let mut code = String::from(
        "/// The bundled examples: `(name, agreement, series)`.\npub const EXAMPLES: &[(&str, &str, &str)] = &[\n",
    );
    for name in &names {
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/{name}.deal\")), include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/examples/{name}.csv\"))),"
        );
    }
    code.push_str("];\n");
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    if let Err(error) = std::fs::write(Path::new(&out).join("examples.rs"), code) {
        println!("cargo:warning=cannot write the examples' list: {error}");
    }
}
