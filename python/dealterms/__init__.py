"""dealterms: deal terms as code, from Python.

The same engine as the `deal` command, on pandas, polars and Arrow tables::

    import dealterms
    statement = dealterms.evaluate("openai-microsoft.deal", revenue_df)
    statement.rows          # a pyarrow Table: period, clause, payer, party, ...
    statement.to_pandas()   # amounts as exact decimal.Decimal values

Every amount is exact: series amounts must be decimals, integers or text
(floating-point columns are refused by name), and statements carry
``decimal128`` columns at the currency's minor units.
"""

from __future__ import annotations

import datetime as _datetime
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Tuple, Union

import pyarrow as pa

from . import _dealterms
from ._dealterms import Agreement
from ._errors import DealError, Diagnostic, _diagnostics

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    import polars

__all__ = [
    "Agreement",
    "DealError",
    "Diagnostic",
    "Portfolio",
    "Statement",
    "check",
    "compile",
    "evaluate",
    "evaluate_portfolio",
]

__version__: str = _dealterms.VERSION

#: An agreement: a path to a ``.deal`` file, its text, or one compiled.
AgreementLike = Union[str, "os.PathLike[str]", bytes, Agreement]
#: A series: a path (CSV, or a workbook's sheet), a pandas or polars
#: DataFrame, a pyarrow Table, or any object with ``__arrow_c_stream__``.
SeriesLike = Union[str, "os.PathLike[str]", Any]
#: Event dates: ``{"agi": "2029-01-01"}`` or ``{"agi": datetime.date(2029, 1, 1)}``.
Events = Mapping[str, Union[str, _datetime.date]]


def check(agreement: AgreementLike, name: Optional[str] = None) -> List[Diagnostic]:
    """Every problem of an agreement, errors and warnings, as ``deal check
    --diagnostic-format json`` lists them; empty when it is clean. ``name``
    names text in messages (``<agreement>`` by default)."""
    if isinstance(agreement, Agreement):
        return _diagnostics(agreement._warnings[1])
    name, source = _source(agreement, name)
    _, json_lines = _dealterms.check(source, name)
    return _diagnostics(json_lines)


def compile(agreement: AgreementLike, name: Optional[str] = None) -> Agreement:
    """The agreement checked, ready to evaluate as often as wanted; raises
    :class:`DealError` with every problem when it has errors. ``name`` names
    text in messages (``<agreement>`` by default)."""
    if isinstance(agreement, Agreement):
        return agreement
    name, source = _source(agreement, name)
    return _dealterms.compile(source, name)


def evaluate(
    agreement: AgreementLike,
    series: SeriesLike,
    events: Optional[Events] = None,
    explain: bool = False,
) -> "Statement":
    """One agreement's statement over a series.

    ``series`` has a ``period`` column (labels such as ``2025Q3`` and
    ``2025-07``, or dates) with its rows oldest first, and one column per
    amount the agreement reads. ``events`` dates the agreement's events
    (``deal eval --event``); ``explain`` adds each figure's derivation.
    Raises :class:`DealError` for a problem of the agreement or the series.
    """
    compiled = compile(agreement)
    rows, totals, events_table, facts = _dealterms.evaluate(
        compiled, _series(series), _events(events), explain
    )
    return Statement(pa.table(rows), pa.table(totals), pa.table(events_table), facts)


def evaluate_portfolio(
    agreements: Union[Mapping[str, AgreementLike], str, "os.PathLike[str]"],
    series: SeriesLike,
    events: Optional[Events] = None,
    explain: bool = False,
    threads: Optional[int] = None,
) -> "Portfolio":
    """Many agreements over one long-form series, on every core.

    ``agreements`` maps each deal's name to its agreement, or is a folder
    whose ``NAME.deal`` files are deal ``NAME`` (as ``deal eval DIR``).
    ``series`` has a ``deal`` column naming each row's agreement, a
    ``period`` column and the amounts: a table (grouped by deal, each deal's
    rows oldest first) or a CSV file as ``deal eval DIR --series`` reads it.
    ``threads`` bounds the cores used (all by default). Raises
    :class:`DealError` naming every deal that fails, as the CLI does.
    """
    given: List[Tuple[str, Any]] = []
    if isinstance(agreements, (str, os.PathLike)):
        folder = Path(agreements)
        if not folder.is_dir():
            raise NotADirectoryError(f"agreements: `{folder}` is not a folder of .deal files")
        for path in sorted(folder.glob("*.deal")):
            given.append((path.stem, (str(path), path.read_bytes())))
    else:
        for deal, agreement in agreements.items():
            given.append((deal, agreement if isinstance(agreement, Agreement) else _source(agreement)))
    rows, totals, events_table, facts = _dealterms.evaluate_portfolio(
        given, _series(series), _events(events), explain, threads
    )
    return Portfolio(pa.table(rows), pa.table(totals), pa.table(events_table), facts)


class _Tables:
    """A statement's three tables, with views as pandas and polars frames."""

    #: One row per period, clause and payee, in the columns of ``deal eval
    #: -f csv``; amounts as ``decimal128`` at the currency's minor units.
    rows: pa.Table
    #: Per party: received, paid and net over the whole series.
    totals: pa.Table
    #: What happened when: caps reached, thresholds crossed, steps changed...
    events: pa.Table

    def __init__(self, rows: pa.Table, totals: pa.Table, events: pa.Table) -> None:
        self.rows = rows
        self.totals = totals
        self.events = events

    def to_pandas(self, **options: Any) -> "pandas.DataFrame":
        """The rows as a pandas DataFrame (amounts as ``decimal.Decimal``;
        pass ``types_mapper=pandas.ArrowDtype`` to keep Arrow's decimals,
        which is faster on large statements)."""
        return self.rows.to_pandas(**options)

    def to_polars(self) -> "polars.DataFrame":
        """The rows as a polars DataFrame (amounts as ``Decimal``)."""
        import polars

        frame = polars.from_arrow(self.rows)
        assert isinstance(frame, polars.DataFrame)
        return frame


class Statement(_Tables):
    """One agreement's statement."""

    agreement: str
    currency: str
    minor_units: int
    rounding: str
    #: The periods covered: ``2025 to 2032``.
    periods: str

    def __init__(self, rows: pa.Table, totals: pa.Table, events: pa.Table, facts: Dict[str, Any]) -> None:
        super().__init__(rows, totals, events)
        self.agreement = facts["agreement"]
        self.currency = facts["currency"]
        self.minor_units = facts["minor_units"]
        self.rounding = facts["rounding"]
        self.periods = facts["periods"]

    def __repr__(self) -> str:
        return (
            f"<dealterms.Statement {self.agreement!r}, {self.periods}, {self.currency}: "
            f"{self.rows.num_rows} rows, {self.events.num_rows} events>"
        )


class Portfolio(_Tables):
    """Many agreements' statements, each table with a ``deal`` column."""

    #: How many deals were evaluated.
    deals: int
    #: The currencies of their statements.
    currencies: List[str]

    def __init__(self, rows: pa.Table, totals: pa.Table, events: pa.Table, facts: Dict[str, Any]) -> None:
        super().__init__(rows, totals, events)
        self.deals = facts["deals"]
        self.currencies = list(facts["currencies"])

    def __repr__(self) -> str:
        return f"<dealterms.Portfolio {self.deals} deals, {'/'.join(self.currencies)}: {self.rows.num_rows} rows>"


def _source(agreement: Union[str, "os.PathLike[str]", bytes], name: Optional[str] = None) -> Tuple[str, bytes]:
    """An agreement's file name and bytes. A path-like object, or a string
    of one line ending in ``.deal``, is a file; any other string is text."""
    if isinstance(agreement, os.PathLike) or (
        isinstance(agreement, str) and "\n" not in agreement and agreement.strip().endswith(".deal")
    ):
        path = os.fspath(agreement)
        with open(path, "rb") as file:
            return str(path), file.read()
    if isinstance(agreement, bytes):
        return name or "<agreement>", agreement
    if isinstance(agreement, str):
        return name or "<agreement>", agreement.encode("utf-8")
    raise TypeError(
        f"an agreement is a path to a .deal file, its text, or a dealterms.Agreement; got {type(agreement).__name__}"
    )


def _series(series: SeriesLike) -> Any:
    """What the engine reads: a path as text, a pandas DataFrame as its Arrow
    table (without its index), any other table as it is."""
    if isinstance(series, (str, os.PathLike)):
        return os.fspath(series)
    if type(series).__module__.split(".")[0] == "pandas":
        # pandas' own stream would carry a named index as a value column.
        return pa.Table.from_pandas(series, preserve_index=False)
    return series


def _events(events: Optional[Events]) -> List[Tuple[str, str]]:
    if not events:
        return []
    dated = []
    for name, date in events.items():
        if isinstance(date, _datetime.datetime):
            date = date.date()
        dated.append((name, date.isoformat() if isinstance(date, _datetime.date) else str(date)))
    return dated
