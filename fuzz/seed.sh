#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's own agreements and series.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/check fuzz/corpus/eval fuzz/corpus/fmt
for f in examples/*.deal tests/corpus/diagnostics/*.deal tests/corpus/fmt/*.deal tests/acceptance/*/agreement.deal; do
  name=$(echo "$f" | tr '/' '_')
  cp "$f" "fuzz/corpus/check/$name"
  cp "$f" "fuzz/corpus/fmt/$name"
done
for f in examples/*.deal tests/acceptance/*/agreement.deal; do
  series="${f%.deal}.csv"
  [ -f "$series" ] || series="$(dirname "$f")/series.csv"
  name=$(echo "$f" | tr '/' '_')
  { cat "$f"; printf '\n---\n'; cat "$series"; } > "fuzz/corpus/eval/$name"
done
