"""The Python package against the CLI, in one run on one machine:

    python python/benches/portfolio.py DEAL_BINARY [DEALS] [MONTHS] [RUNS] [--spark]

- the overhead of one call: `dealterms.evaluate` of the seed example from
  a table, and `compile` alone (medians of many calls);
- a generated portfolio (benches/portfolio/generate.py) through
  `evaluate_portfolio` from the CSV file and from an Arrow table, against
  `deal eval DIR --series FILE -f csv -o FILE` (the same statement: all ten
  columns), runs alternating, medians;
- with --spark, the Spark job of python/examples in local mode with one and
  two executor threads (wall time of the whole job, JVM start included).

Checks first that the package and the CLI give the same figures.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Callable, Dict, List

import pyarrow as pa
import pyarrow.csv as pacsv

import dealterms

ROOT = Path(__file__).resolve().parents[2]


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    spark = "--spark" in sys.argv
    deal = args[0]
    deals, months, runs = (int(a) for a in (args[1:] + ["2000", "120", "11"][len(args) - 1 :])[:3])

    seed, seed_series = ROOT / "examples" / "openai-microsoft.deal", ROOT / "examples" / "openai-microsoft.csv"
    table = pacsv.read_csv(seed_series, convert_options=pacsv.ConvertOptions(column_types={"period": pa.string(), "revenue": pa.decimal128(38, 0)}))
    agreement = dealterms.compile(seed)
    per_call = median_time(lambda: dealterms.evaluate(agreement, table), 2001)
    per_compile = median_time(lambda: dealterms.compile(seed), 2001)
    cli_seed = median_time(lambda: subprocess.run([deal, "eval", str(seed), "--series", str(seed_series), "-f", "csv"], capture_output=True, check=True), 51)
    print(f"seed example: evaluate {per_call * 1e6:.0f} us per call (compiled), compile {per_compile * 1e6:.0f} us; `deal eval` process {cli_seed * 1e3:.1f} ms")

    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        subprocess.run([sys.executable, str(ROOT / "benches" / "portfolio" / "generate.py"), work, str(deals), str(months)], check=True)
        sales, folder = out / "sales.csv", out / "deals"
        cli = [deal, "eval", str(folder), "--series", str(sales), "-f", "csv", "-o", str(out / "cli.csv")]
        subprocess.run(cli, check=True)
        arrow = pacsv.read_csv(sales, convert_options=pacsv.ConvertOptions(column_types={"deal": pa.string(), "period": pa.string(), "revenue": pa.decimal128(38, 2)}))
        result = dealterms.evaluate_portfolio(folder, sales)
        with open(out / "cli.csv", newline="") as file:
            expected = [(r["deal"], r["period"], r["party"], Decimal(r["amount"])) for r in csv.DictReader(file)]
        ours = [(r["deal"], r["period"], r["party"], r["amount"]) for r in result.rows.select(["deal", "period", "party", "amount"]).to_pylist()]
        assert ours == expected, "the package and the CLI differ"
        print(f"portfolio: {deals} deals x {months} months, {len(expected)} statement rows, identical")

        timings: Dict[str, List[float]] = {"cli": [], "file": [], "arrow": []}
        for _ in range(runs):
            timings["cli"].append(median_time(lambda: subprocess.run(cli, check=True), 1))
            timings["file"].append(median_time(lambda: dealterms.evaluate_portfolio(folder, sales), 1))
            timings["arrow"].append(median_time(lambda: dealterms.evaluate_portfolio(folder, arrow), 1))
        cli_median = statistics.median(timings["cli"])
        print(f"  deal eval (CSV out)              {cli_median:.3f} s median of {runs}")
        for name, label in (("file", "evaluate_portfolio(folder, csv)"), ("arrow", "evaluate_portfolio(folder, table)")):
            median = statistics.median(timings[name])
            print(f"  {label:<32} {median:.3f} s  ({median / cli_median:.2f}x the CLI)")

        if spark:
            env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
            env["PYSPARK_SUBMIT_ARGS"] = "--conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=8 pyspark-shell"
            job = ROOT / "python" / "examples" / "spark_portfolio.py"
            tiny = out / "tiny"
            subprocess.run([sys.executable, str(ROOT / "benches" / "portfolio" / "generate.py"), str(tiny), "2", "12"], check=True)

            def run_job(source: Path, threads: int) -> float:
                start = time.perf_counter()
                command = [sys.executable, str(job), str(source / "deals"), str(source / "sales.csv"), str(out / "spark"), "--master", f"local[{threads}]"]
                subprocess.run(command, env=env, cwd=work, check=True, capture_output=True)
                return time.perf_counter() - start

            for threads in (1, 2):
                fixed = run_job(tiny, threads)
                elapsed = run_job(out, threads)
                rate = len(expected) / max(elapsed - fixed, 1e-9)
                print(
                    f"  Spark local[{threads}]: {elapsed:.1f} s, of which {fixed:.1f} s for any job (2 deals); "
                    f"{rate:,.0f} statement rows/s past that, {rate / threads:,.0f} per core"
                )
            cli_rate = len(expected) / cli_median
            print(f"  (the CLI: {cli_rate:,.0f} statement rows/s on {os.cpu_count()} cores)")

if __name__ == "__main__":
    main()
