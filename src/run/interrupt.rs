//! An interrupted run leaves nothing behind. An output is written to a
//! temporary twin beside it (`OutputFile`); Ctrl-C, SIGTERM or SIGHUP
//! would stop the process before the twin is renamed or removed, leaving a
//! `.tmpXXXXXX` file. Each twin is registered here while it lives, and the
//! first signal removes every one, then exits as the signal would have
//! (130, as a shell reports an interrupted command).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

/// The temporary files alive now.
static TWINS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler, once, when the first twin is made: a run that
/// writes no file keeps the default behaviour.
fn install() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        // Without a handler, a signal still stops the run; only the
        // cleanup is lost, so a failure to install is not worth an error.
        let _ = ctrlc::set_handler(|| {
            if let Ok(twins) = TWINS.lock() {
                for twin in twins.iter() {
                    let _ = std::fs::remove_file(twin);
                }
            }
            std::process::exit(130);
        });
    });
}

/// Registers a temporary file to remove if the run is interrupted.
pub(super) fn register(twin: &Path) {
    install();
    if let Ok(mut twins) = TWINS.lock() {
        twins.push(twin.to_path_buf());
    }
}

/// Forgets a temporary file once it is renamed or removed.
pub(super) fn forget(twin: &Path) {
    if let Ok(mut twins) = TWINS.lock() {
        twins.retain(|path| path != twin);
    }
}
