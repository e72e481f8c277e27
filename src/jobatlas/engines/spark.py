"""The normalize stage on Apache Spark: the catalogue of ``engines.catalogue`` transpiled to
Spark SQL, with the normalisers of ``engines.distinct`` run on distinct values by
``mapInArrow`` on the executors.

Input: raw rows as Parquet with the columns of the store's ``raw_postings`` (``engines.raw``
writes them from a store; a data lake holds them the same way). Output, under one folder:
``postings`` (Parquet partitioned by ``country`` and ``month``, the posting's country code
and posting month, ``none`` when unknown), ``quarantine``, ``duplicates``,
``posting_places`` and ``metros``, with the columns of the store's tables except ``run_id``,
``employers`` (``engines.employers``: as the store's table), and ``accounting`` (the raw
rows read: ``raw = postings + quarantined + duplicates``).

pyspark is imported only here, when a session is made; Java must be on the PATH or in
``JAVA_HOME``.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from jobatlas.engines.catalogue import SPARK_FUNCTIONS, STEPS, Sql, relations, render
from jobatlas.engines.distinct import PythonStep
from jobatlas.engines.employers import write_employers
from jobatlas.errors import ConfigError, InputError, MissingDependency

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# The relations the catalogue expects from an engine: a Spark run starts from raw rows with
# no disposition, no earlier postings and no known metros.
_START = {
    "settled": "raw_id BIGINT",
    "postings": "raw_id BIGINT, url STRING, dedupe_key STRING, posted_date DATE",
    "metros": "metro_id STRING",
}
# pyspark warns about pandas 3, which the Arrow path used here does not go through.
PANDAS_WARNING = "PySpark does not yet fully support"
_ACCOUNTING = "accounting"
_OUTPUTS = ("postings", "quarantine", "duplicates")
# The relations whose rows are the postings, the quarantined rows and the duplicates.
_COUNTED_FROM = ("kept", "quarantined", "url_duplicates", "job_duplicates")
_PARTITIONS = {
    "country": "coalesce(country_code, 'none')",
    "month": "coalesce(date_format(posted_date, 'yyyy-MM'), 'none')",
}


@dataclass(frozen=True)
class SparkResult:
    """What a Spark normalize wrote: ``rows_in = postings + quarantined + duplicates``."""

    rows_in: int
    postings: int
    quarantined: int
    duplicates: int
    seconds: dict[str, float]
    """Wall time of each step (its relation made), and of writing each output."""


def require_spark() -> None:
    """Raise a one-line error naming what the Spark engine misses: pyspark, or Java."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise MissingDependency("pyspark", "spark") from exc
    home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (home and (Path(home) / "bin" / "java").exists()):
        raise ConfigError(
            "Java is not installed (the Spark engine needs Java 17 or later)",
            hint="install a JDK 17 and put java on the PATH or set JAVA_HOME",
        )


def spark_session(master: str = "local[2]", partitions: int = 4) -> SparkSession:
    """A Spark session for jobatlas (the active one if there is one); ``local[2]`` runs on
    this machine with two cores. Executors run this Python, which must import jobatlas."""
    require_spark()
    # the executors' Python (the context reads it from the environment when it starts)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", PANDAS_WARNING, FutureWarning)
        from pyspark.sql import SparkSession

        builder = (
            SparkSession.builder.master(master)
            .appName("jobatlas")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.sql.session.timeZone", "UTC")
        )
        return builder.getOrCreate()


def strip_accents(text: str | None) -> str | None:
    """DuckDB's ``strip_accents`` for Spark: the text without its combining marks. ASCII
    text is returned as it is; other text ends at a NUL character, as DuckDB's does. Text
    with a character this Python's Unicode tables do not know (DuckDB's may be newer: the
    marks of Unicode 15's Egyptian hieroglyphs) is given to DuckDB itself."""
    if text is None or text.isascii():
        return text
    if any(unicodedata.category(c) == "Cn" for c in text):
        import duckdb

        row = duckdb.execute("SELECT strip_accents($t)", {"t": text}).fetchone()
        return None if row is None else str(row[0])
    decomposed = unicodedata.normalize("NFD", text.split("\x00", 1)[0])
    kept = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return unicodedata.normalize("NFC", kept)


_FUNCTIONS: dict[str, Callable[[str | None], str | None]] = {"strip_accents": strip_accents}


def _on_batches(
    function: Callable[[pa.RecordBatch], pa.Table],
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield from function(batch).to_batches()

    return run


def normalize_spark(spark: SparkSession, raw: str | Path, out: str | Path) -> SparkResult:
    """Normalize the raw rows of the Parquet dataset ``raw`` into the folder ``out`` (paths
    or any URI the session can read and write)."""
    _start(spark, str(raw))
    sinks: dict[str, list[DataFrame]] = {}
    seconds: dict[str, float] = {}
    made: list[DataFrame] = []
    for step in STEPS:
        started = time.perf_counter()
        frame = _run(spark, step)
        made.append(frame)
        if step.sink is not None:
            sinks.setdefault(step.sink, []).append(frame)
        seconds[step.name] = round(time.perf_counter() - started, 3)
    for name, frames in sinks.items():
        started = time.perf_counter()
        _write(name, frames, str(out))
        seconds[f"write {name}"] = round(time.perf_counter() - started, 3)
    # the employer of each company name, grouped on the driver over the distinct names
    started = time.perf_counter()
    write_employers(spark.read.parquet(f"{str(out).rstrip('/')}/postings"), str(out))
    seconds["write employers"] = round(time.perf_counter() - started, 3)
    count = {n: spark.table(n).count() for n in ("raw_postings", *_COUNTED_FROM)}
    result = SparkResult(
        rows_in=count["raw_postings"],
        postings=count["kept"],
        quarantined=count["quarantined"],
        duplicates=count["url_duplicates"] + count["job_duplicates"],
        seconds=seconds,
    )
    # the raw rows read, beside the outputs, for ``spark_accounting``
    spark.createDataFrame(
        [(str(raw), result.rows_in)], "raw STRING, raw_rows BIGINT"
    ).write.parquet(f"{str(out).rstrip('/')}/{_ACCOUNTING}")
    # the outputs are written: the executors drop their checkpoints of the relations
    for frame in made:
        release(frame)
    for name in (*relations(), "raw_postings", *_START):
        spark.catalog.dropTempView(name)
    return result


def release(frame: DataFrame) -> None:
    """Drop a locally checkpointed frame's blocks from the executors (memory and disk) now,
    rather than when the JVM collects it; the frame cannot be read afterwards. Any other
    frame is left as it is."""
    plan = frame._jdf.queryExecution().analyzed()
    if plan.getClass().getSimpleName() == "LogicalRDD":
        plan.rdd().unpersist(False)


@dataclass(frozen=True)
class SparkAccounting:
    """The accounting of a Spark output folder, counted from its datasets."""

    raw: int
    postings: int
    quarantined: int
    duplicates: int
    quarantine_reasons: list[tuple[str, int]]

    @property
    def reconciles(self) -> bool:
        return self.raw == self.postings + self.quarantined + self.duplicates


def spark_accounting(spark: SparkSession, out: str | Path) -> SparkAccounting:
    """Count the raw rows a Spark normalize read and the rows of each of its outputs."""
    from pyspark.errors import PySparkException

    base = str(out).rstrip("/")
    try:
        raw = spark.read.parquet(f"{base}/{_ACCOUNTING}").first()
        counted = {n: spark.read.parquet(f"{base}/{n}") for n in _OUTPUTS}
        reasons = counted["quarantine"].groupBy("reason").count().collect()
        rows = {n: frame.count() for n, frame in counted.items()}
    except PySparkException as exc:
        raise InputError(
            f"{out}: not the output of a Spark normalize ({first_line(exc)})",
            hint="give the folder that `jobatlas normalize --engine spark --out` wrote",
        ) from exc
    return SparkAccounting(
        raw=int(raw["raw_rows"]) if raw else 0,
        postings=rows["postings"],
        quarantined=rows["quarantine"],
        duplicates=rows["duplicates"],
        quarantine_reasons=sorted(((str(r[0]), int(r[1])) for r in reasons), key=lambda r: -r[1]),
    )


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _start(spark: SparkSession, raw: str) -> None:
    """The functions and the relations the catalogue expects before its first step."""
    from pyspark.errors import PySparkException

    for name in SPARK_FUNCTIONS:
        spark.udf.register(name, _FUNCTIONS[name], "string")
    try:
        spark.read.parquet(raw).createOrReplaceTempView("raw_postings")
    except PySparkException as exc:
        raise InputError(f"{raw}: Spark cannot read the raw rows ({first_line(exc)})") from exc
    for name, columns in _START.items():
        spark.createDataFrame([], columns).createOrReplaceTempView(name)


def _run(spark: SparkSession, step: Sql | PythonStep) -> DataFrame:
    """The step's rows; a relation that later steps read is computed now, once (a local
    checkpoint on the executors), and named as a view."""
    if isinstance(step, Sql):
        frame = spark.sql(render(step.name, "spark"))
    else:
        from pyspark.sql.pandas.types import from_arrow_schema

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", PANDAS_WARNING, FutureWarning)
            frame = spark.table(step.source).mapInArrow(
                _on_batches(step.function), from_arrow_schema(step.schema)
            )
    if not isinstance(step, Sql) or step.keep:
        frame = frame.localCheckpoint()
        frame.createOrReplaceTempView(step.name)
    return frame


def _write(name: str, frames: list[DataFrame], out: str) -> None:
    frame = frames[0]
    for more in frames[1:]:
        frame = frame.unionByName(more)
    target = f"{out.rstrip('/')}/{name}"  # a URI too (s3://...), which Path would mangle
    if name == "postings":
        from pyspark.sql import functions as F

        for column, sql in _PARTITIONS.items():
            frame = frame.withColumn(column, F.expr(sql))
        # one task per partition writes its folder's file (not one file per task and folder)
        frame.repartition(*_PARTITIONS).write.partitionBy(*_PARTITIONS).parquet(target)
    else:
        frame.write.parquet(target)
