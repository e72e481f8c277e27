"""The ranking's queries on Spark, over the folder a Spark normalize wrote.

``SparkQueries`` is the Spark side of the ranking's query seam (``indicators.queries``): it
runs the ranking's SQL, written once in DuckDB's dialect, transpiled by SQLGlot, after
writing each ``?`` parameter into the text as a literal. The results reach the driver as
Arrow. The output folder supplies the relations the ranking reads: ``postings``,
``posting_places``, ``metros``, ``employers`` and ``raw_postings`` (the raw rows the
normalize read, named in its ``accounting``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jobatlas.engines.employers import EMPLOYERS, employer_table
from jobatlas.engines.spark import first_line, release
from jobatlas.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_TABLES = ("postings", "posting_places", "metros")
_PARTITIONS = ("country", "month")
_EMPLOYERS_VIEW = "jobatlas_spark_employers"
_RAW = "raw.parquet"
_BROADCAST = "spark.sql.autoBroadcastJoinThreshold"
"""Where ``normalize --engine spark`` writes the store's raw rows, in its output folder."""


def literal(value: Any) -> str:
    """A parameter as a DuckDB literal: a date, number, text, None, or a list of texts."""
    from sqlglot import exp

    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        # typed, so that an empty list is a list of texts in Spark too
        return f"CAST({exp.convert(value).sql('duckdb')} AS VARCHAR[])"
    if value is None or isinstance(value, str | int | float | date | list):
        return str(exp.convert(value).sql("duckdb"))
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def with_literals(sql: str, params: list[Any] | None) -> str:
    """``sql`` (DuckDB dialect) with its ``?`` parameters written in as literals, in order."""
    if not params:
        return sql
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokenizer_core import TokenType

    marks = [
        t.start for t in Dialect.get_or_raise("duckdb").tokenize(sql)
        if t.token_type == TokenType.PLACEHOLDER
    ]  # fmt: skip
    if len(marks) != len(params):
        raise ValueError(f"{len(marks)} parameters in the query, {len(params)} given")
    pieces, at = [], 0
    for start, value in zip(marks, params, strict=True):
        pieces += [sql[at:start], literal(value)]
        at = start + 1
    return "".join([*pieces, sql[at:]])


@lru_cache(maxsize=256)
def to_spark(sql: str) -> str:
    """A DuckDB query as Spark SQL."""
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb").transform(_exact_quantiles)
    return str(tree.sql(dialect="spark"))


def _exact_quantiles(node: Any) -> Any:
    """DuckDB's ``quantile_cont(x, q)`` is Spark's ``percentile(x, q)`` (both interpolate
    between the two nearest values), not the approximate quantile SQLGlot writes for it."""
    from sqlglot import exp

    if isinstance(node, exp.PercentileCont) and node.expression is not None:
        return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
    return node


class SparkQueries:
    """The ranking's queries over the output folder ``path`` of a Spark normalize."""

    def __init__(self, spark: SparkSession, path: str) -> None:
        from pyspark.errors import PySparkException

        self.spark = spark
        self.path = path.rstrip("/")
        self._made: dict[str, DataFrame] = {}  # the relations ``create`` checkpointed
        try:
            for name in _TABLES:
                frame = spark.read.parquet(f"{self.path}/{name}")
                if name == "postings":  # the folder names are columns of the rows as well
                    frame = frame.drop(*_PARTITIONS)
                frame.createOrReplaceTempView(name)
            accounting = spark.read.parquet(f"{self.path}/accounting").first()
        except PySparkException as exc:
            raise InputError(
                f"{path}: not the output of a Spark normalize ({first_line(exc)})",
                hint="give the folder that `jobatlas normalize --engine spark --out` wrote",
            ) from exc
        self._raw_postings(str(accounting["raw"]) if accounting else "")

    def _raw_postings(self, raw: str) -> None:
        """The raw rows the accounting names (the skills read their descriptions); if that
        path is gone (a relative one, read from elsewhere), the raw.parquet in the folder."""
        from pyspark.errors import PySparkException

        for candidate in (raw, f"{self.path}/{_RAW}"):
            try:
                self.spark.read.parquet(candidate).createOrReplaceTempView("raw_postings")
                return
            except PySparkException as exc:
                error = exc
        raise InputError(
            f"{raw}: Spark cannot read the raw rows that {self.path} was normalised from "
            f"({first_line(error)})"
        ) from error

    def _frame(self, sql: str, params: list[Any] | None) -> DataFrame:
        return self.spark.sql(to_spark(with_literals(sql, params)))

    def create(self, name: str, sql: str, params: list[Any] | None = None) -> None:
        """Made without broadcast joins: the relations made join big ones (postings, places,
        employer names), whose Parquet size understates their size in memory, so a planned
        broadcast can exhaust the driver (it did at 5M rows, with 838,000 employer names).
        Checkpointed on the executors' disks: kept in memory, the (posting, place) rows of 5M
        postings left the aggregations over them no memory in a 1 GB local JVM."""
        from pyspark import StorageLevel

        conf = self.spark.conf
        before = str(conf.get(_BROADCAST))
        conf.set(_BROADCAST, "-1")
        try:
            frame = self._frame(sql, params).localCheckpoint(storageLevel=StorageLevel.DISK_ONLY)
            frame.createOrReplaceTempView(name)
            replaced = self._made.pop(name, None)
            self._made[name] = frame
            if replaced is not None:
                release(replaced)
        finally:
            conf.set(_BROADCAST, before)

    def register(self, name: str, table: pa.Table) -> None:
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def drop(self, name: str) -> None:
        made = self._made.pop(name, None)
        if made is not None:
            release(made)
        self.spark.catalog.dropTempView(name)

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._frame(sql, params).collect()]

    def columns(self, sql: str, params: list[Any] | None = None) -> dict[str, npt.NDArray[Any]]:
        table = self._frame(sql, params).toArrow()
        return {name: _numpy(table.column(name)) for name in table.column_names}

    @contextmanager
    def employers(self) -> Iterator[str]:
        """The folder's ``employers``; an output written without it is grouped now."""
        from pyspark.errors import PySparkException

        try:
            frame = self.spark.read.parquet(f"{self.path}/{EMPLOYERS}")
        except PySparkException:
            frame = self.spark.createDataFrame(employer_table(self.spark.table("postings")))
        frame.createOrReplaceTempView(_EMPLOYERS_VIEW)
        try:
            yield _EMPLOYERS_VIEW
        finally:
            self.drop(_EMPLOYERS_VIEW)


def _numpy(column: pa.ChunkedArray) -> npt.NDArray[Any]:
    """As DuckDB's fetch gives it: numbers with NULLs as NaN, text with NULLs as None."""
    values = column.to_numpy(zero_copy_only=False)
    if pa.types.is_integer(column.type) and column.null_count:
        return np.asarray(values, dtype=np.float64)
    return np.asarray(values)
