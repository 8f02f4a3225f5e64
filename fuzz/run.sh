#!/usr/bin/env bash
# Fuzz one target for a while: `fuzz/run.sh check 600` (target, seconds).
# Targets: check (parse + check), eval (agreement `---` series), fmt (round
# trip), records (series lines against the csv crate), portfolio (long-form
# series problems point into their rows). Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# it use the sanitizer flags it needs.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target: check, eval, fmt, records or portfolio}
seconds=${2:-600}
./seed.sh
RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir . "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=4096
