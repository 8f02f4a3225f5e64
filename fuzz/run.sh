#!/usr/bin/env bash
# Fuzz one target for a while: `fuzz/run.sh check 600` (target, seconds).
# Targets: check (parse + check), eval (agreement `---` series), fmt (round
# trip), records (series lines against the csv crate), portfolio (long-form
# series problems point into their rows), ide (the editor features behind
# `deal lsp`, and UTF-16 positions). Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# it use the sanitizer flags it needs. Inputs go up to 256 KiB: long lines
# and many problems on one line need room (the check target also widens an
# input that starts with `~` by 70,000 spaces).
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target: check, eval, fmt, records, portfolio or ide}
seconds=${2:-600}
./seed.sh
RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir . "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=4096
