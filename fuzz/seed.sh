#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's own agreements and series.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/check fuzz/corpus/eval fuzz/corpus/fmt fuzz/corpus/records fuzz/corpus/portfolio fuzz/corpus/ide
for f in examples/*.deal tests/corpus/diagnostics/*.deal tests/corpus/fmt/*.deal tests/acceptance/*/agreement.deal; do
  name=$(echo "$f" | tr '/' '_')
  cp "$f" "fuzz/corpus/check/$name"
  cp "$f" "fuzz/corpus/fmt/$name"
  cp "$f" "fuzz/corpus/ide/$name"
done
# Widened seeds: the check target puts 70,000 spaces at the second byte's
# place, for lines past column 65,535.
for f in examples/*.deal; do
  { printf '~\x30'; cat "$f"; } > "fuzz/corpus/check/widened_$(basename "$f")"
done
for f in examples/*.deal tests/acceptance/*/agreement.deal; do
  series="${f%.deal}.csv"
  [ -f "$series" ] || series="$(dirname "$f")/series.csv"
  name=$(echo "$f" | tr '/' '_')
  { cat "$f"; printf '\n---\n'; cat "$series"; } > "fuzz/corpus/eval/$name"
done
for f in examples/*.csv tests/acceptance/*/series.csv tests/corpus/series/*.csv tests/corpus/portfolio/*.csv; do
  [ -f "$f" ] || continue
  name=$(echo "$f" | tr '/' '_')
  { printf '\x07'; cat "$f"; } > "fuzz/corpus/records/$name"
done
for f in tests/corpus/portfolio/*.csv; do
  [ -f "$f" ] || continue
  cp "$f" "fuzz/corpus/portfolio/$(echo "$f" | tr '/' '_')"
done
