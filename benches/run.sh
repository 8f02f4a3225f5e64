#!/usr/bin/env bash
# Times whole commands, in one run, on a generated portfolio: `deal eval`
# (the full statement, and the reference's own four columns) against the
# plain Python reference (csv + decimal), after checking that all give the
# same figures to the cent; then `deal check` and `deal eval` of the seed
# example in instructions (callgrind) and wall time.
#
#   benches/run.sh [DEALS] [MONTHS] [RUNS]     (defaults: 2000 120 5)
#   benches/run.sh scale                       (100,000 x 120, time and peak memory)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
deal="$PWD/target/release/deal"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = scale ]; then
  python3 benches/portfolio/generate.py "$work" 100000 120
  echo "series: $(wc -l < "$work/sales.csv") rows, $(du -h "$work/sales.csv" | cut -f1)"
  # The full statement, then the four columns the Python reference writes.
  for columns in "" "--columns deal,period,party,amount"; do
    echo "deal eval ... -f csv ${columns:-(full statement)}"
    # shellcheck disable=SC2086 # the columns are two words or none
    /usr/bin/time -v "$deal" eval "$work/deals" --series "$work/sales.csv" -f csv $columns -o "$work/deal.csv" 2> "$work/time.txt"
    grep -E "Elapsed|Maximum resident|Percent of CPU" "$work/time.txt"
    echo "output: $(wc -l < "$work/deal.csv") rows, $(du -h "$work/deal.csv" | cut -f1)"
  done
  exit 0
fi

deals=${1:-2000}
months=${2:-120}
runs=${3:-5}
python3 benches/portfolio/generate.py "$work" "$deals" "$months"
echo "portfolio: $deals agreements x $months months = $((deals * months)) series rows"
# The full statement (ten columns), and the reference's own four columns.
columns=deal,period,party,amount
"$deal" eval "$work/deals" --series "$work/sales.csv" -f csv -o "$work/deal.csv"
"$deal" eval "$work/deals" --series "$work/sales.csv" -f csv --columns $columns -o "$work/deal4.csv"
python3 benches/portfolio/reference.py "$work/terms.csv" "$work/sales.csv" "$work/reference.csv"
python3 benches/portfolio/compare.py "$work/deal.csv" "$work/reference.csv"
python3 benches/portfolio/compare.py "$work/deal4.csv" "$work/reference.csv"
python3 benches/portfolio/timeit.py "$runs" \
  "$deal eval $work/deals --series $work/sales.csv -f csv -o $work/deal.csv" \
  "$deal eval $work/deals --series $work/sales.csv -f csv --columns $columns -o $work/deal4.csv" \
  "python3 benches/portfolio/reference.py $work/terms.csv $work/sales.csv $work/reference.csv"

echo
echo "latency of the seed example (instructions are stable; seconds are not):"
for command in "check examples/openai-microsoft.deal" "eval examples/openai-microsoft.deal --series examples/openai-microsoft.csv"; do
  instructions=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$deal" $command 2>&1 >/dev/null | sed -n 's/.*Collected : //p')
  python3 benches/portfolio/timeit.py 20 "$deal $command" | head -1 | sed "s|^|  $instructions instructions; |"
done
