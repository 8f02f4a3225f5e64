//! Whether an output would overwrite an input: `deal eval x.deal --series
//! s.csv -o x.deal` must not replace the agreement with its statement. Files
//! are compared by identity (device and inode), not by name, so that
//! `./x.deal`, a symbolic link to it and a hard link are all caught.

use std::path::Path;

use super::Status;

/// A file's identity: its device and inode (on Unix), else its real path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileId {
    #[cfg(unix)]
    id: (u64, u64),
    #[cfg(not(unix))]
    id: std::path::PathBuf,
}

impl FileId {
    /// The identity of the file at `path`, through symbolic links; `None`
    /// when there is none (yet).
    pub(super) fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // `-` is standard input: the file behind it, if it is one
            // (`deal eval - -o x.deal < x.deal`).
            let path = if path == Path::new("-") {
                Path::new("/dev/stdin")
            } else {
                path
            };
            let metadata = std::fs::metadata(path).ok()?;
            Some(FileId {
                id: (metadata.dev(), metadata.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            Some(FileId {
                id: std::fs::canonicalize(path).ok()?,
            })
        }
    }

    /// Whether the directory entry `entry`, listed in a directory whose
    /// identity is `dir`, is this file: from the listing itself, without
    /// asking for each file's metadata (a portfolio lists thousands).
    pub(super) fn is_entry(&self, dir: &FileId, entry: &std::fs::DirEntry) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirEntryExt;
            self.id == (dir.id.0, entry.ino())
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            FileId::of(&entry.path()).is_some_and(|id| id == *self)
        }
    }
}

/// The identity of the output file, if there is one and it is a regular
/// file (writing to `/dev/stdout` or a pipe replaces nothing).
pub(super) fn output_id(output: Option<&Path>) -> Option<FileId> {
    let output = output?;
    std::fs::metadata(output).ok().filter(|m| m.is_file())?;
    FileId::of(output)
}

/// Refuses to write `output` over any of `inputs`.
pub(super) fn refuse_output_over(output: Option<&Path>, inputs: &[&Path]) -> Result<(), Status> {
    let Some(id) = output_id(output) else {
        return Ok(());
    };
    match inputs
        .iter()
        .find(|input| FileId::of(input).as_ref() == Some(&id))
    {
        Some(input) => Err(over_input(output.unwrap_or(input), input)),
        None => Ok(()),
    }
}

/// Says that `output` is the input `input`.
pub(super) fn over_input(output: &Path, input: &Path) -> Status {
    tell!(
        "deal: the output `{}` is the input `{}`: writing it would replace what is read; choose another output file",
        output.display(),
        input.display()
    );
    Status::Failed
}
