//! Progress on standard error for long runs (a portfolio, `deal test` over
//! many files, a large `deal diff`): items done of the total, series rows
//! per second, time left. Shown only when standard error is a terminal,
//! the run has lasted [`AFTER`], and it was not turned off (`--quiet`,
//! JSON diagnostics); otherwise nothing is drawn and an update costs a
//! comparison.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its progress shows: a short run shows none.
const AFTER: Duration = Duration::from_secs(1);

/// `DEAL_PROGRESS_AFTER_MS` sets [`AFTER`] for the tests, which cannot
/// wait a second for every run they make.
const AFTER_VARIABLE: &str = "DEAL_PROGRESS_AFTER_MS";

/// The bar on screen, if any: every message on standard error or output
/// goes through [`quietly`], which takes the bar out of its way.
static SHOWN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Runs `print` (a message to standard error or output) with the bar on
/// screen, if there is one, cleared first and drawn again after: without
/// it, the message would be glued to the bar's line. Every `say!`,
/// `tell!` and diagnostic goes through here.
pub fn quietly<R>(print: impl FnOnce() -> R) -> R {
    let shown = SHOWN.lock().ok().and_then(|bar| bar.clone());
    match shown {
        Some(bar) => bar.suspend(print),
        None => print(),
    }
}

/// A long run's progress.
pub struct Progress {
    start: Instant,
    after: Duration,
    total: u64,
    /// What is counted: `deals`, `files`, `steps`.
    unit: &'static str,
    done: u64,
    rows: u64,
    /// Whether progress may show at all.
    enabled: bool,
    /// The bar, once the run has lasted long enough.
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress over `total` items, shown if `wanted` and standard error is
    /// a terminal.
    pub fn new(total: usize, unit: &'static str, wanted: bool) -> Progress {
        let after = std::env::var(AFTER_VARIABLE)
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(AFTER, Duration::from_millis);
        Progress {
            start: Instant::now(),
            after,
            total: u64::try_from(total).unwrap_or(u64::MAX),
            unit,
            done: 0,
            rows: 0,
            enabled: wanted && std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    /// `items` more done, over `rows` more series rows (0 where rows mean
    /// nothing).
    pub fn advance(&mut self, items: usize, rows: usize) {
        self.done = self
            .done
            .saturating_add(u64::try_from(items).unwrap_or(u64::MAX));
        self.rows = self
            .rows
            .saturating_add(u64::try_from(rows).unwrap_or(u64::MAX));
        if !self.enabled {
            return;
        }
        let elapsed = self.start.elapsed();
        if self.bar.is_none() && elapsed >= self.after {
            let bar = self.bar();
            if let Ok(mut shown) = SHOWN.lock() {
                *shown = Some(bar.clone());
            }
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            // Deals with rows but no agreement count too: the total grows.
            if self.done > self.total {
                self.total = self.done;
                bar.set_length(self.total);
            }
            bar.set_position(self.done);
            if self.rows > 0 {
                let per_second = u128::from(self.rows)
                    .saturating_mul(1000)
                    .checked_div(elapsed.as_millis())
                    .unwrap_or(0);
                bar.set_message(format!(", {per_second} rows/s"));
            }
        }
    }

    /// Names the step under way (`evaluating the old version`).
    pub fn step(&mut self, what: &'static str) {
        self.advance(0, 0);
        if let Some(bar) = &self.bar {
            bar.set_message(format!(": {what}"));
        }
    }

    fn bar(&self) -> ProgressBar {
        let template = format!(
            "{{elapsed:>4}} [{{wide_bar}}] {{human_pos}}/{{human_len}} {}{{msg}}, {{eta}} left",
            self.unit
        );
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(self.total), ProgressDrawTarget::stderr())
            .with_style(style)
            .with_elapsed(self.start.elapsed());
        bar.set_position(self.done);
        bar
    }
}

/// The bar is cleared when the run ends, leaving standard error as it
/// would be without it.
impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            if let Ok(mut shown) = SHOWN.lock() {
                *shown = None;
            }
            bar.finish_and_clear();
        }
    }
}
