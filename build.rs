//! Build-time facts for the `deal` binary: the commit `deal --version`
//! names, and the bundled examples `deal new --from` starts from.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn main() {
    commit();
    examples();
}

/// `DEAL_COMMIT`: the short hash of the commit built, `unknown` outside a
/// git checkout (a source tarball). Rebuilt when HEAD moves.
fn commit() {
    let git = Path::new(".git");
    if git.join("HEAD").is_file() {
        println!("cargo:rerun-if-changed=.git/HEAD");
        // HEAD names a branch whose ref moves with each commit.
        if let Ok(head) = std::fs::read_to_string(git.join("HEAD"))
            && let Some(branch) = head.strip_prefix("ref: ")
        {
            println!("cargo:rerun-if-changed=.git/{}", branch.trim());
            println!("cargo:rerun-if-changed=.git/packed-refs");
        }
    }
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| text.trim().to_string())
        .filter(|text| !text.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=DEAL_COMMIT={commit}");
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
