"""A portfolio evaluated on Apache Spark: the long-form series partitioned by
deal, each partition's deals evaluated by dealterms inside the executors,
the statements written as Parquet.

    spark-submit python/examples/spark_portfolio.py DEALS SERIES OUT [--scale 2]

DEALS is a folder of NAME.deal files (read on the driver, shipped to the
executors as a broadcast mapping), SERIES a long-form CSV file or folder of
them (`deal,period,<amount columns>`), on storage every executor reads (a
local path in local mode; `s3a://`, `abfss://`, `hdfs://` on a cluster), and
OUT the Parquet folder written. Every column is read as text, so amounts are
parsed exactly, as `deal eval` parses them; the statement's amounts are
written as decimal(38, SCALE), its basis as decimal(38, 10): a figure those
cannot hold exactly stops the job (pyarrow's safe cast) rather than being
rounded. A deal whose agreement fails to compile or evaluate stops the job
with dealterms' message, which names it.

The job needs pyspark 3.3 or later (`mapInArrow`), and dealterms installed
where the executors run Python (`spark.archives` with a packed environment,
or the cluster's image). See docs/scale.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pyarrow as pa
from pyspark.core.broadcast import Broadcast
from pyspark.sql import SparkSession

import dealterms


def statement_schema(scale: int) -> pa.Schema:
    """The rows of `deal eval -f csv` for a portfolio, in its column order."""
    texts = ["deal", "period", "clause", "payer", "party"]
    figures = {"basis": 10, "effective_rate": 10, "amount": scale, "cumulative": scale}
    return pa.schema(
        [pa.field(name, pa.string()) for name in texts]
        + [pa.field(name, pa.decimal128(38, places)) for name, places in figures.items()]
        + [pa.field("note", pa.string())]
    )


def spark_schema(schema: pa.Schema) -> str:
    """The same schema in Spark's DDL."""
    names = {pa.string(): "string"}
    return ", ".join(
        f"{field.name} {names.get(field.type) or f'decimal({field.type.precision}, {field.type.scale})'}"
        for field in schema
    )


#: What each partition's rows are given to: batches in, batches out.
Evaluate = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]


def evaluator(agreements: "Broadcast[Dict[str, Tuple[str, str]]]", schema: pa.Schema) -> Evaluate:
    """The function each partition is given to: the rows of whole deals,
    each deal's together and in period order, evaluated as one portfolio
    (one call for thousands of deals, rather than one per deal)."""

    # Each task's copy of this function (Spark ships it pickled) compiles
    # each of its deals once.
    cache: Dict[str, dealterms.Agreement] = {}

    def compiled(deal: str) -> dealterms.Agreement:
        if deal not in cache:
            texts: Dict[str, Tuple[str, str]] = agreements.value
            if deal not in texts:
                raise dealterms.DealError(f"series rows for deal `{deal}`, which has no agreement")
            name, text = texts[deal]
            cache[deal] = dealterms.compile(text, name=name)
        return cache[deal]

    def evaluate(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        read = list(batches)
        if not read:
            return
        table = pa.Table.from_batches(read)
        deals = {str(deal): compiled(str(deal)) for deal in table.column("deal").unique().to_pylist()}
        # One core per task: Spark runs as many tasks as it has cores.
        statements = dealterms.evaluate_portfolio(deals, table, threads=1)
        yield from statements.rows.cast(schema).to_batches()

    return evaluate


def run(spark: SparkSession, deals: Path, series: str, out: str, scale: int = 2) -> None:
    agreements = {path.stem: (path.name, path.read_text()) for path in sorted(deals.glob("*.deal"))}
    broadcast = spark.sparkContext.broadcast(agreements)
    rows = spark.read.csv(series, header=True, inferSchema=False)
    if "deal" not in rows.columns or "period" not in rows.columns:
        raise SystemExit(f"{series}: a long-form series needs `deal` and `period` columns; it has {rows.columns}")
    schema = statement_schema(scale)
    # Every row of a deal in one partition, in period order: labels of one
    # granularity sort as their periods do.
    partitioned = rows.repartition("deal").sortWithinPartitions("deal", "period")
    statements = partitioned.mapInArrow(evaluator(broadcast, schema), spark_schema(schema))
    statements.write.mode("overwrite").parquet(out)


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("deals", type=Path, help="folder of NAME.deal files")
    parser.add_argument("series", help="long-form CSV: deal,period,<amounts>")
    parser.add_argument("out", help="Parquet folder to write")
    parser.add_argument("--scale", type=int, default=2, help="decimals of amounts (the currency's minor units)")
    parser.add_argument("--master", help="Spark master when not run by spark-submit, such as local[2]")
    args = parser.parse_args(argv)
    builder = SparkSession.builder.appName("dealterms portfolio")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        run(spark, args.deals, args.series, args.out, args.scale)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
