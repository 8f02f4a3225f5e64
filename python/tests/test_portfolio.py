"""Portfolios: many agreements over one long-form series give exactly the
CLI's portfolio statement, from a folder or a mapping, a file or a table."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Dict, List

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dealterms
from conftest import ROOT, deal, same_figures


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 deals x 24 months, as the benchmark generates them."""
    out = tmp_path_factory.mktemp("portfolio")
    subprocess.run([sys.executable, str(ROOT / "benches" / "portfolio" / "generate.py"), str(out), "40", "24"], check=True)
    return out


def cli(portfolio: Path) -> List[Dict[str, str]]:
    done = deal("eval", str(portfolio / "deals"), "--series", str(portfolio / "sales.csv"), "-f", "csv")
    assert done.returncode == 0, done.stderr
    return list(csv.DictReader(io.StringIO(done.stdout)))


def exact(portfolio: Path) -> pa.Table:
    frame = pd.read_csv(portfolio / "sales.csv", dtype=str)
    frame["revenue"] = frame["revenue"].map(Decimal)
    return pa.Table.from_pandas(frame, preserve_index=False)


def test_a_folder_and_a_file_give_the_cli_statement(portfolio: Path) -> None:
    result = dealterms.evaluate_portfolio(portfolio / "deals", portfolio / "sales.csv")
    assert result.deals == 40 and result.currencies == ["USD"]
    same_figures(result.rows.to_pylist(), cli(portfolio))
    assert result.rows.column_names[0] == "deal"
    assert set(result.totals.column("deal").to_pylist()) == {f"d{i:06d}" for i in range(40)}


def test_tables_and_mappings_give_the_same(portfolio: Path) -> None:
    expected = dealterms.evaluate_portfolio(portfolio / "deals", portfolio / "sales.csv")
    table = exact(portfolio)
    texts = {path.stem: path.read_text() for path in (portfolio / "deals").glob("*.deal")}
    compiled = {deal: dealterms.compile(text) for deal, text in texts.items()}
    for agreements in (texts, compiled, {d: portfolio / "deals" / f"{d}.deal" for d in texts}):
        for series in (table, pl.from_arrow(table), table.to_pandas()):
            result = dealterms.evaluate_portfolio(agreements, series, threads=2)
            assert result.rows.equals(expected.rows)
            assert result.totals.equals(expected.totals)
            assert result.events.equals(expected.events)


def test_a_table_is_grouped_by_deal(portfolio: Path) -> None:
    """A DataFrame need not keep a deal's rows together, as a CSV file must."""
    table = exact(portfolio)
    shuffled = table.take(sorted(range(table.num_rows), key=lambda i: (i % 24, i)))
    ours = dealterms.evaluate_portfolio(portfolio / "deals", shuffled, threads=1)
    expected = dealterms.evaluate_portfolio(portfolio / "deals", table)
    # Deals come in the order they first appear; each deal's rows are the same.
    key = lambda t: t.sort_by([("deal", "ascending")])  # noqa: E731
    assert key(ours.rows).equals(key(expected.rows))


def test_failures_name_their_deal_and_do_not_stop_the_others(portfolio: Path, tmp_path: Path) -> None:
    deals = {path.stem: path.read_text() for path in (portfolio / "deals").glob("*.deal")}
    deals["d000003"] = deals["d000003"].replace("to Partner", "to Partnr")
    deals["d000004x"] = deals.pop("d000004")
    with pytest.raises(dealterms.DealError) as raised:
        dealterms.evaluate_portfolio(deals, portfolio / "sales.csv")
    error = raised.value
    assert [(d.deal, d.code) for d in error.diagnostics] == [("d000003", "deal::check::unknown_party")]
    message = str(error)
    assert message.startswith("deal d000003:\ndeal::check::unknown_party")
    assert "series rows without an agreement: `d000004` (row 98; did you mean `d000004x`?)" in message
    assert "agreements without series rows: d000004x" in message
    # The CLI says the same.
    folder = tmp_path / "deals"
    folder.mkdir()
    for deal_name, text in deals.items():
        (folder / f"{deal_name}.deal").write_text(text)
    done = deal("eval", str(folder), "--series", str(portfolio / "sales.csv"), "-f", "csv")
    assert done.returncode == 1
    assert "series rows without an agreement: `d000004` (row 98; did you mean `d000004x`?)" in done.stderr


def test_table_problems_name_the_deal(portfolio: Path) -> None:
    table = exact(portfolio).slice(0, 48)
    rows = table.to_pylist()
    rows[30]["period"] = "2015-13"
    with pytest.raises(dealterms.DealError) as raised:
        dealterms.evaluate_portfolio(portfolio / "deals", pa.Table.from_pylist(rows, schema=table.schema))
    [problem] = [d for d in raised.value.diagnostics]
    assert problem.code == "deal::series::bad_period"
    assert problem.message == "row 31: `2015-13` is not a period label"
    assert "series table, deal `d000001`" in str(raised.value)
    with pytest.raises(dealterms.DealError, match="no `deal` column"):
        dealterms.evaluate_portfolio(portfolio / "deals", table.drop_columns(["deal"]))


def test_file_problems_read_as_the_cli(portfolio: Path, tmp_path: Path) -> None:
    sales = tmp_path / "sales.csv"
    text = (portfolio / "sales.csv").read_text().replace("d000001,2015-03,", "d000001,2015-3,", 1)
    sales.write_text(text)
    with pytest.raises(dealterms.DealError) as raised:
        dealterms.evaluate_portfolio(portfolio / "deals", sales)
    done = deal("eval", str(portfolio / "deals"), "--series", str(sales), "-f", "csv")
    assert str(raised.value) == "deal d000001:\n" + done.stderr.rstrip("\n")


def test_arguments_are_checked(portfolio: Path) -> None:
    with pytest.raises(NotADirectoryError):
        dealterms.evaluate_portfolio(portfolio / "nowhere", portfolio / "sales.csv")
    with pytest.raises(ValueError, match="threads"):
        dealterms.evaluate_portfolio(portfolio / "deals", portfolio / "sales.csv", threads=0)
