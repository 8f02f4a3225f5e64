"""Series given as tables: the exact types accepted, and every bad input
refused with the CLI's code and words, never a crash of the interpreter."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import List

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import dealterms
from conftest import CORPUS, EXAMPLES, deal

SEED = EXAMPLES / "openai-microsoft.deal"
SEED_ROWS = (EXAMPLES / "openai-microsoft.csv").read_text().split()[1:]
YEARS = [row.split(",")[0] for row in SEED_ROWS]
EXPECTED = dealterms.evaluate(SEED, EXAMPLES / "openai-microsoft.csv")


def billions() -> List[Decimal]:
    """The seed's revenue, as decimal.Decimal objects."""
    return [Decimal(row.split(",")[1]) for row in SEED_ROWS]


def problems(series: object, agreement: dealterms.AgreementLike = SEED) -> List[dealterms.Diagnostic]:
    with pytest.raises(dealterms.DealError) as raised:
        dealterms.evaluate(agreement, series)
    assert raised.value.diagnostics or str(raised.value)
    return raised.value.diagnostics


def test_the_seed_from_decimal_objects_in_pandas() -> None:
    frame = pd.DataFrame({"period": YEARS, "revenue": billions()})
    assert dealterms.evaluate(SEED, frame).rows.equals(EXPECTED.rows)


def test_integers_of_every_width_are_amounts() -> None:
    for kind in (pa.int64(), pa.uint64(), pa.int32()):
        values = [int(value) // 1000 for value in billions()]
        table = pa.table({"period": YEARS, "revenue": pa.array(values, kind)})
        statement = dealterms.evaluate(SEED, table)
        received = statement.totals.to_pylist()[1]["received"]
        assert received == min(Decimal(38_000_000_000), Decimal("0.2") * sum(Decimal(v) for v in values))


def test_decimal256_and_negative_scales_are_exact() -> None:
    wide = pa.array(billions(), pa.decimal256(50, 4))
    assert dealterms.evaluate(SEED, pa.table({"period": YEARS, "revenue": wide})).rows.equals(EXPECTED.rows)
    # decimal128(10, -3): thousands.
    values = [int(value) // 1000 for value in billions()]
    kilo = pa.Array.from_buffers(
        pa.decimal128(10, -3), len(values), pa.array(values, pa.decimal128(38, 0)).buffers()
    )
    statement = dealterms.evaluate(SEED, pa.table({"period": YEARS, "revenue": kilo}))
    basis = [row["basis"] for row in statement.rows.to_pylist()]
    assert basis == [Decimal(v) * 1000 for v in values]


def test_periods_may_be_dates_as_a_workbook_gives_them() -> None:
    dates = [datetime.date(int(year), 1, 1) for year in YEARS]
    for column in (
        pa.array(dates, pa.date32()),
        pa.array(dates, pa.date64()),
        pa.array([datetime.datetime(d.year, 6, 30, 23) for d in dates], pa.timestamp("ns")),
        pa.array([datetime.datetime(d.year, 1, 1, tzinfo=datetime.timezone.utc) for d in dates], pa.timestamp("us", tz="UTC")),
        pa.array([int(y) for y in YEARS], pa.int16()),
    ):
        table = pa.table({"period": column, "revenue": pa.array(billions(), pa.decimal128(38, 7))})
        assert dealterms.evaluate(SEED, table).rows.equals(EXPECTED.rows), column.type
    monthly = pa.table(
        {"period": pa.array([datetime.date(2025, m, 15) for m in (1, 2, 3)]), "revenue": pa.array([1, 2, 3])}
    )
    assert dealterms.evaluate(SEED, monthly).rows.column("period").to_pylist() == ["2025-01", "2025-02", "2025-03"]


def test_text_and_categorical_columns_are_read_as_the_cli_reads_cells() -> None:
    text = pa.table({"period": pa.array(YEARS, pa.large_string()), "revenue": [f" {v} " for v in billions()]})
    assert dealterms.evaluate(SEED, text).rows.equals(EXPECTED.rows)
    categorical = pl.DataFrame({"period": YEARS, "revenue": [str(v) for v in billions()]}).with_columns(
        pl.col("period").cast(pl.Categorical)
    )
    assert dealterms.evaluate(SEED, categorical).rows.equals(EXPECTED.rows)
    dictionary = pa.table({"period": pa.array(YEARS).dictionary_encode(), "revenue": pa.array(billions())})
    assert dealterms.evaluate(SEED, dictionary).rows.equals(EXPECTED.rows)


def test_pandas_index_is_not_a_column() -> None:
    frame = pd.DataFrame({"period": YEARS, "revenue": billions()}).set_index("period", drop=False)
    frame.index.name = "year"
    assert dealterms.evaluate(SEED, frame).rows.equals(EXPECTED.rows)


def test_float_columns_are_refused_by_name() -> None:
    frame = pd.DataFrame({"period": YEARS, "revenue": [float(v) for v in billions()]})
    [problem] = problems(frame)
    assert problem.code == "deal::series::column_type"
    assert problem.message == "column `revenue` holds floating-point numbers (float64), not amounts"
    assert "decimal.Decimal" in (problem.help or "")
    assert problem.line is None
    polars = pl.DataFrame({"period": YEARS, "revenue": [float(v) for v in billions()]}, schema_overrides={"revenue": pl.Float32})
    assert problems(polars)[0].message == "column `revenue` holds floating-point numbers (float32), not amounts"


def test_nan_is_refused() -> None:
    frame = pd.DataFrame({"period": YEARS, "revenue": [np.nan] * len(YEARS)})
    assert [p.code for p in problems(frame)] == ["deal::series::column_type"]
    # A NaN among decimal.Decimal objects cannot be an Arrow decimal.
    with pytest.raises((dealterms.DealError, pa.ArrowInvalid, TypeError)):
        dealterms.evaluate(SEED, pd.DataFrame({"period": YEARS, "revenue": [Decimal("NaN")] + billions()[1:]}))


def test_nulls_are_empty_cells() -> None:
    table = pa.table({"period": YEARS, "revenue": pa.array([None] + billions()[1:], pa.decimal128(38, 7))})
    [problem] = problems(table)
    assert problem.code == "deal::series::not_a_number"
    assert problem.message == "row 1, column `revenue`: the cell is empty"


def test_missing_columns(tmp_path: Path) -> None:
    [problem] = problems(pa.table({"year": YEARS, "revenue": billions()}))
    assert problem.code == "deal::series::header"
    assert problem.message == "the table has no `period` column; its columns are `year`, `revenue`"
    # A column the agreement reads and the table lacks: the CLI's words,
    # pointing into the agreement.
    [problem] = problems(pa.table({"period": YEARS, "sales": billions()}))
    csv = tmp_path / "sales.csv"
    csv.write_text("period,sales\n" + "".join(f"{y},{v}\n" for y, v in zip(YEARS, billions())))
    cli = deal("eval", str(SEED), "--series", str(csv), "--diagnostic-format", "json")
    [expected] = [json.loads(line) for line in cli.stderr.splitlines() if line.startswith("{")]
    assert (problem.code, problem.message, problem.help) == (expected["code"], expected["message"], expected["help"])
    assert (problem.file, problem.line, problem.column) == (str(SEED), expected["span"]["line"], expected["span"]["column"])


@pytest.mark.parametrize(
    "periods, code, message",
    [
        (["2025", "2027", "2026"], "deal::series::period_gap", "row 2: period 2027 follows 2025, leaving a gap"),
        (["2026", "2025", "2027"], "deal::series::period_order", "row 2: period 2025 comes after 2026"),
        (["2025", "2025", "2026"], "deal::series::period_order", "row 2: period 2025 is repeated"),
        (["2025", "2026Q1", "2026Q2"], "deal::series::mixed_granularity", "row 2: a quarterly period in a yearly series"),
        (["2025", "FY2026", "2027"], "deal::series::bad_period", "row 2: `FY2026` is not a period label"),
    ],
)
def test_periods_are_checked_as_the_cli_checks_them(periods: List[str], code: str, message: str) -> None:
    # Rows are counted from 1, the table's first row being row 1.
    problem = problems(pa.table({"period": periods, "revenue": [1, 2, 3]}))[0]
    assert (problem.code, problem.message) == (code, message)


def test_codes_match_the_cli_on_the_same_rows(tmp_path: Path) -> None:
    for name in ("period-gap", "period-order", "bad-period", "not-a-number", "mixed-granularity"):
        path = CORPUS / "series" / f"{name}.csv"
        cli = deal("eval", str(SEED), "--series", str(path), "--diagnostic-format", "json")
        codes = [line for line in cli.stderr.splitlines() if line.startswith("{")]
        table = pa.table(pd.read_csv(path, dtype=str, keep_default_na=False))
        ours = problems(table)
        assert [p.code for p in ours] == [json.loads(c)["code"] for c in codes], name
        # From the file itself, the very same report as the CLI's.
        with pytest.raises(dealterms.DealError) as raised:
            dealterms.evaluate(SEED, path)
        assert str(raised.value) == deal("eval", str(SEED), "--series", str(path)).stderr.rstrip("\n")


def test_wrong_types_raise_type_errors() -> None:
    with pytest.raises(TypeError):
        dealterms.evaluate(SEED, [1, 2, 3])
    with pytest.raises(TypeError):
        dealterms.evaluate(42, EXAMPLES / "openai-microsoft.csv")  # type: ignore[arg-type]
    [problem] = problems(pa.table({"period": [True, False], "revenue": [1, 2]}))
    assert problem.message == "column `period` holds true and false, not periods"


def test_events_are_dated_as_with_deal_eval_event() -> None:
    case = EXAMPLES.parent / "tests" / "acceptance" / "v06-window-and-event"
    series = case / "series.csv"
    for date in ("2026-04-01", datetime.date(2026, 4, 1)):
        ours = dealterms.evaluate(case / "agreement.deal", series, events={"change_of_control": date})
        cli = deal("eval", str(case / "agreement.deal"), "--series", str(series), "--event", "change_of_control=2026-04-01", "-f", "csv")
        assert len(ours.rows) == len(cli.stdout.splitlines()) - 1
    with pytest.raises(ValueError, match="no event `agi`"):
        dealterms.evaluate(case / "agreement.deal", series, events={"agi": "2026-04-01"})
    with pytest.raises(ValueError, match="not a date"):
        dealterms.evaluate(case / "agreement.deal", series, events={"change_of_control": "soon"})


def test_explain_adds_the_derivation() -> None:
    statement = dealterms.evaluate(SEED, EXAMPLES / "openai-microsoft.csv", explain=True)
    assert statement.rows.column_names[-1] == "explain"
    assert all(statement.rows.column("explain").to_pylist())


def test_views_as_pandas_and_polars() -> None:
    frame = EXPECTED.to_pandas()
    assert list(frame.columns) == EXPECTED.rows.column_names
    assert frame["amount"].sum() == Decimal("38000000000.00")
    arrow_backed = EXPECTED.to_pandas(types_mapper=pd.ArrowDtype)
    assert str(arrow_backed["amount"].dtype).startswith("decimal128(38, 2)")
    polars = EXPECTED.to_polars()
    assert polars["amount"].dtype == pl.Decimal(38, 2)
    assert repr(EXPECTED).startswith("<dealterms.Statement 'OpenAI-Microsoft revenue share', 2025 to 2032")
