#!/usr/bin/env bash
# Draws the pictures of docs/pictures.md from the examples, with the
# project's own `deal`: `docs/pictures/make.sh`. tests/chart.rs checks that
# they are current.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q
deal=target/release/deal
out=docs/pictures
$deal eval examples/openai-microsoft.deal --chart "$out/openai-microsoft.svg" > /dev/null
$deal eval examples/film-collection-account.deal --chart "$out/film-collection-account.svg" > /dev/null
$deal eval examples/character-licence.deal --chart "$out/character-licence.svg" > /dev/null
sed 's/cap 38B/cap 50B/' examples/openai-microsoft.deal > "$out/cap-50b.deal"
$deal diff examples/openai-microsoft.deal "$out/cap-50b.deal" --series examples/openai-microsoft.csv \
  --chart "$out/openai-microsoft-diff.svg" > /dev/null
rm "$out/cap-50b.deal"
