"""Every visible acceptance case through `dealterms.evaluate`, from pandas,
polars and Arrow tables and from the file itself: the CLI's statement, every
row and column, and the payments the case expects, to the cent."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Callable, Dict, Tuple

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dealterms
from conftest import ACCEPTANCE, cli_rows, same_figures

CASES = sorted(path.name for path in ACCEPTANCE.iterdir() if (path / "agreement.deal").exists())


def exact_table(path: Path) -> pa.Table:
    """The series as an Arrow table of exact decimals (the period as text)."""
    with open(path, newline="") as file:
        rows = list(csv.DictReader(file))
    columns = list(rows[0])
    data: Dict[str, pa.Array] = {"period": pa.array([row["period"] for row in rows], pa.string())}
    for column in columns[1:]:
        values = [Decimal(row[column]) for row in rows]
        data[column] = pa.array(values, pa.decimal128(38, max(places(v) for v in values)))
    return pa.table(data)


def places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def pandas_frame(path: Path) -> pd.DataFrame:
    """As an analyst reads it: amounts as decimal.Decimal objects."""
    frame = pd.read_csv(path, dtype=str)
    for column in frame.columns[1:]:
        frame[column] = frame[column].map(Decimal)
    return frame


def polars_frame(path: Path) -> pl.DataFrame:
    """Amounts read as text and cast to polars' Decimal."""
    frame = pl.read_csv(path, infer_schema=False)
    return frame.with_columns(pl.col(c).str.to_decimal(scale=6) for c in frame.columns[1:])


INPUTS: Dict[str, Callable[[Path], object]] = {
    "arrow": exact_table,
    "pandas": pandas_frame,
    "polars": polars_frame,
    "text-columns": lambda path: pa.table(pd.read_csv(path, dtype=str)),
    "path": lambda path: path,
}


def expected(path: Path) -> Dict[Tuple[str, ...], Decimal]:
    with open(path, newline="") as file:
        reader = csv.reader(file)
        next(reader)
        return {tuple(row[:-1]): Decimal(row[-1]) for row in reader if row}


@pytest.mark.parametrize("source", sorted(INPUTS))
@pytest.mark.parametrize("case", CASES)
def test_acceptance_case(case: str, source: str) -> None:
    directory = ACCEPTANCE / case
    series = directory / "series.csv"
    statement = dealterms.evaluate(directory / "agreement.deal", INPUTS[source](series))

    same_figures(statement.rows.to_pylist(), cli_rows(str(directory / "agreement.deal"), "--series", str(series)))

    paid: Dict[Tuple[str, ...], Decimal] = defaultdict(Decimal)
    for row in statement.rows.to_pylist():
        paid[(row["period"], row["party"])] += row["amount"]
    wanted = expected(directory / "expected.csv")
    for key, amount in wanted.items():
        assert paid.get(key, Decimal(0)) == amount, (case, key)
    assert not {key for key, amount in paid.items() if amount and key not in wanted}
    received = {row["party"]: row["received"] for row in statement.totals.to_pylist()}
    for (party,), amount in expected(directory / "totals.csv").items():
        assert received[party] == amount, (case, party)


def test_amounts_are_exact_decimals_at_the_currency_scale() -> None:
    statement = dealterms.evaluate(ACCEPTANCE / "v01-seed-revenue-cap" / "agreement.deal", ACCEPTANCE / "v01-seed-revenue-cap" / "series.csv")
    schema = statement.rows.schema
    assert schema.field("amount").type == pa.decimal128(38, 2)
    assert schema.field("cumulative").type == pa.decimal128(38, 2)
    assert schema.field("effective_rate").type == pa.decimal128(38, 10)
    assert statement.totals.schema.field("received").type == pa.decimal128(38, 2)
    assert statement.rows.column_names == ["period", "clause", "payer", "party", "basis", "effective_rate", "amount", "cumulative", "note"]
