"""Shared fixtures: the repository's data and the `deal` binary the package
is compared with (`DEAL`, else the one `cargo build` leaves in target/)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Dict, List, Sequence

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACCEPTANCE = ROOT / "tests" / "acceptance"
CORPUS = ROOT / "tests" / "corpus"
EXAMPLES = ROOT / "examples"

#: Columns whose values are numbers, compared as exact decimals.
NUMERIC = {"basis", "effective_rate", "amount", "cumulative", "received", "paid", "net"}


def deal_binary() -> Path:
    if "DEAL" in os.environ:
        return Path(os.environ["DEAL"])
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    for profile in ("debug", "release"):
        candidate = target / profile / "deal"
        if candidate.exists():
            return candidate
    pytest.exit("no `deal` binary: run `cargo build` or set DEAL", returncode=2)


def deal(*args: str) -> subprocess.CompletedProcess:
    """Runs `deal` with these arguments, as a user would, without colour."""
    env = dict(os.environ, NO_COLOR="1")
    env.pop("COLUMNS", None)
    return subprocess.run([str(deal_binary()), *args], capture_output=True, text=True, env=env)


def cli_rows(*args: str) -> List[Dict[str, str]]:
    """The CSV statement `deal eval ... -f csv` writes, as rows of text."""
    done = deal("eval", *args, "-f", "csv")
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def as_text(value: object) -> str:
    return "" if value is None else str(value)


def same_figures(ours: Sequence[Dict[str, object]], cli: Sequence[Dict[str, str]]) -> None:
    """Every row, every column: numbers equal as decimals, the rest as text."""
    assert len(ours) == len(cli)
    for index, (mine, theirs) in enumerate(zip(ours, cli)):
        assert list(mine) == list(theirs), f"columns differ: {list(mine)} vs {list(theirs)}"
        for column, expected in theirs.items():
            value = mine[column]
            if column in NUMERIC and expected != "":
                assert value is not None and Decimal(str(value)) == Decimal(expected), (index, column, value, expected)
            else:
                assert as_text(value) == expected, (index, column, value, expected)
