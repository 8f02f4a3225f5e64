"""A real Spark job (pyspark in local mode, two executor threads, the
machine's Java) on a generated portfolio of 2,000 deals x 120 months gives
exactly the CLI's portfolio statement. Skipped where pyspark or Java is
missing, unless DEALTERMS_REQUIRE_SPARK is set (as CI sets it)."""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Tuple

import pyarrow.parquet as pq
import pytest

from conftest import ROOT, deal

EXAMPLE = ROOT / "python" / "examples" / "spark_portfolio.py"
DEALS, MONTHS = 2000, 120

available = importlib.util.find_spec("pyspark") is not None and shutil.which("java") is not None
if not available:
    if os.environ.get("DEALTERMS_REQUIRE_SPARK"):
        raise RuntimeError("DEALTERMS_REQUIRE_SPARK is set, but pyspark or java is missing")
    pytest.skip("pyspark or java is missing", allow_module_level=True)


def normal(row: Tuple[str, ...]) -> Tuple[object, ...]:
    """A row with its figures as exact decimals: `1000` is `1000.00`."""
    deal_, period, clause, payer, party, basis, rate, amount, cumulative, note = row
    figure = lambda text: None if text in ("", None) else Decimal(str(text))  # noqa: E731
    return (deal_, period, clause, payer, party, figure(basis), figure(rate), figure(amount), figure(cumulative), note)


def test_a_spark_job_gives_the_cli_portfolio(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "benches" / "portfolio" / "generate.py"), str(tmp_path), str(DEALS), str(MONTHS)], check=True)
    cli = deal("eval", str(tmp_path / "deals"), "--series", str(tmp_path / "sales.csv"), "-f", "csv")
    assert cli.returncode == 0, cli.stderr
    expected = Counter(normal(tuple(row)) for row in list(csv.reader(cli.stdout.splitlines()))[1:])
    assert len(expected) == DEALS * MONTHS

    env = dict(
        os.environ,
        # The executors' Python is this one (with dealterms installed), and
        # Spark binds to loopback: a machine's own name may not resolve.
        PYSPARK_PYTHON=sys.executable,
        PYSPARK_DRIVER_PYTHON=sys.executable,
        SPARK_LOCAL_IP="127.0.0.1",
        PYSPARK_SUBMIT_ARGS="--conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 pyspark-shell",
    )
    out = tmp_path / "statements.parquet"
    job = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path / "deals"), str(tmp_path / "sales.csv"), str(out), "--master", "local[2]"],
        env=env,
        # Not from python/, whose `dealterms` folder (without the compiled
        # module) would hide the installed package from Spark's workers.
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert job.returncode == 0, job.stderr[-4000:]
    table = pq.read_table(out)
    assert table.column_names == ["deal", "period", "clause", "payer", "party", "basis", "effective_rate", "amount", "cumulative", "note"]
    ours = Counter(normal(tuple(row.values())) for row in table.to_pylist())
    assert ours == expected


def test_a_bad_agreement_stops_the_job_naming_its_deal(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "benches" / "portfolio" / "generate.py"), str(tmp_path), "3", "12"], check=True)
    bad = tmp_path / "deals" / "d000001.deal"
    bad.write_text(bad.read_text().replace("to Partner", "to Partnr"))
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable, SPARK_LOCAL_IP="127.0.0.1")
    job = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path / "deals"), str(tmp_path / "sales.csv"), str(tmp_path / "out"), "--master", "local[2]"],
        env=env,
        # Not from python/, whose `dealterms` folder (without the compiled
        # module) would hide the installed package from Spark's workers.
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert job.returncode != 0
    assert "d000001.deal" in job.stderr and "unknown party `Partnr`" in job.stderr
