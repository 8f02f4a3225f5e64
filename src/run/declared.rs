//! The series an agreement declares (`series "deal.csv"`), found on disk.
//!
//! An agreement may come from a pull request, and `deal test` runs in CI
//! with its secrets: what the file names must not reach outside the
//! agreement's directory. The checker refuses absolute paths and `..` out of
//! it; here, where the file system can be asked, a symbolic link out and
//! anything that is not a regular file (`/dev/zero`, a pipe, a directory)
//! are refused too.

use std::path::{Path, PathBuf};

use dealterms::diagnostics::Style;
use dealterms::{Problem, ProblemKind};

use super::{Status, show_problems};
use dealterms::agreement::Agreement;

/// The series `agreement`, read from `file` as `name` with `text`, declares,
/// or `None`; a refused path is shown against the agreement.
pub(super) fn declared_series(
    file: &Path,
    (name, text, agreement): (&str, &str, &Agreement),
    style: Style,
) -> Result<Option<PathBuf>, Status> {
    resolve(file, agreement).map_err(|problem| {
        show_problems(&[problem], name, text, style);
        Status::Invalid
    })
}

/// The series `agreement`, read from `file`, declares: its real path, or the
/// problem with it, located at the declaration. `Ok(None)` when it declares
/// none. A file that does not exist comes back as its path, for the reader
/// to report as it reports any missing file.
pub(super) fn resolve(file: &Path, agreement: &Agreement) -> Result<Option<PathBuf>, Problem> {
    let Some(declared) = agreement.series.as_ref() else {
        return Ok(None);
    };
    let base = match file.parent() {
        _ if file == Path::new("-") => Path::new("."),
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let joined = base.join(&declared.path);
    let refuse = |reason| {
        Problem::new(
            ProblemKind::SeriesPath {
                path: declared.path.clone(),
                reason,
            },
            declared.span,
        )
    };
    let (Ok(base), Ok(real)) = (std::fs::canonicalize(base), std::fs::canonicalize(&joined)) else {
        return missing(&joined).map_err(refuse);
    };
    if !real.starts_with(&base) {
        return Err(refuse(
            "leads out of the agreement's directory through a symbolic link",
        ));
    }
    match std::fs::metadata(&real) {
        Ok(metadata) if metadata.is_file() => Ok(Some(real)),
        Ok(_) => Err(refuse("is not a regular file")),
        Err(_) => Ok(Some(joined)),
    }
}

/// A declared series that cannot be resolved: missing (its path, for the
/// reader's own message), or a dangling symbolic link, which is refused
/// rather than followed later.
fn missing(joined: &Path) -> Result<Option<PathBuf>, &'static str> {
    match std::fs::symlink_metadata(joined) {
        Ok(metadata) if metadata.file_type().is_symlink() => {
            Err("is a symbolic link that leads to no file (to nothing, or round a loop)")
        }
        _ => Ok(Some(joined.to_path_buf())),
    }
}
