"""The ingest stage on Apache Spark: files or folders at any URI Spark reads, into a folder of
raw rows (Parquet) that ``normalize_spark`` reads.

Each file is read on an executor by jobatlas's own readers and turned into raw rows by the
query the DuckDB ingest runs (``sources.rows``), so records, their hashes and the malformed
rows are the same. The numbering then runs in Spark, as in the store: the k-th identical
record of a file gets ``occurrence_hash(record, k)``, a row whose hash an earlier file or
the folder already holds is not added, and ``raw_id`` continues from the highest one stored,
file after file, each file's rows at ``last + source_row``. Ingesting the same files into
the same folder again adds nothing.

A file travels to its executor whole (Spark's ``binaryFile`` source): files up to a few
hundred megabytes each, as data lakes hold them; split bigger ones.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import pyarrow as pa

from jobatlas.engines.catalogue import to_dialect
from jobatlas.engines.spark import PANDAS_WARNING, first_line, release
from jobatlas.errors import InputError, JobatlasError
from jobatlas.models import CANONICAL_FIELDS
from jobatlas.sources.rows import IngestResult, canonical_type, occurrence_hash, open_file_rows

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, Row, SparkSession

_READ = pa.schema(
    [
        pa.field("file_index", pa.int32()),
        pa.field("source_file", pa.string()),
        pa.field("attempt", pa.int32()),
        pa.field("source_row", pa.int64()),
        pa.field("source", pa.string()),
        pa.field("parse_error", pa.string()),
        pa.field("record", pa.string()),
        pa.field("record_md5", pa.string()),
        *(pa.field(n, canonical_type(n)) for n in CANONICAL_FIELDS),
        # one row per file with no source_row: what reading it gave, and which attempt counts
        pa.field("file_schema", pa.string()),
        pa.field("file_missing", pa.string()),
        pa.field("file_error", pa.string()),
    ]
)
"""What the executors give: the raw rows of each file, and one summary row per file."""

# Written in DuckDB's dialect, run transpiled (catalogue.to_dialect), as the normalize steps.
_NUMBERED = f"""
SELECT *, {occurrence_hash("record_md5", "k")} AS content_hash FROM (
    SELECT *, row_number() OVER (PARTITION BY file_index, record_md5 ORDER BY source_row) AS k
    FROM read_rows)
"""
_NEW = """
SELECT n.* FROM (
    SELECT *, row_number() OVER (PARTITION BY content_hash ORDER BY file_index, source_row) AS c
    FROM numbered) n
ANTI JOIN stored_hashes s ON s.content_hash = n.content_hash
WHERE n.c = 1
"""
_RAW_COLUMNS = (
    "raw_id",
    "run_id",
    "source",
    "source_file",
    "source_row",
    "content_hash",
    "ingested_at",
    "record",
    "parse_error",
    *CANONICAL_FIELDS,
)


@dataclass(frozen=True)
class SparkIngest:
    """What an ingest added to the raw folder: a result per file read, an error per input
    or file that could not be read (those add nothing)."""

    files: list[IngestResult]
    errors: list[InputError]
    added: int


def ingest_spark(
    spark: SparkSession,
    inputs: Sequence[str],
    raw: str,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
) -> SparkIngest:
    """Read the files and folders ``inputs`` (paths or URIs; folders are read recursively)
    and add their new raw rows to the Parquet folder ``raw`` (made if absent)."""
    errors: list[InputError] = []
    files = _list_files(spark, inputs, errors)
    if not files:
        return SparkIngest([], errors, 0)
    # each file read once, the new rows numbered once: checkpointed on the executors' disks
    # (not in their memory, which the normalize and the ranking that follow need) and let go
    # once written
    read = _on_disk(_read_files(spark, files, mapping, encoding))
    try:
        stored = _stored(spark, raw)
        new, by_file, counts, summaries = _number(spark, read)
        try:
            _write(spark, new, len(files), by_file, stored, raw)
        finally:
            release(new)
    finally:
        release(read)
        for view in _VIEWS:
            spark.catalog.dropTempView(view)
    results = []
    for index, path in enumerate(files):
        about = summaries[index]
        if about["file_error"]:
            errors.append(InputError(str(about["file_error"])))
            continue
        read_n, malformed = counts.get(index, (0, 0))
        added = by_file.get(index, (0, 0))[0]
        missing = about["file_missing"]
        results.append(
            IngestResult(
                origin=_origin(path),
                schema=str(about["file_schema"]),
                rows_read=read_n,
                added=added,
                skipped=read_n - added,
                malformed=malformed,
                missing_fields=missing.split(",") if missing else [],
            )
        )
    return SparkIngest(results, errors, sum(n for n, _ in by_file.values()))


_VIEWS = ("read_rows", "numbered", "new_rows", "stored_hashes")
_PerFile = dict[int, tuple[int, int]]


def _number(
    spark: SparkSession, read: DataFrame
) -> tuple[DataFrame, _PerFile, _PerFile, dict[int, Row]]:
    """The new rows (numbered among their file's identical records; none the folder or an
    earlier file holds), and per file: (new rows, last new source_row), (rows read,
    malformed), and its summary row."""
    summary = read.where("source_row IS NULL")
    summaries = {int(r["file_index"]): r for r in summary.collect()}
    # the rows of the attempt that counts, of the files read to the end
    counted = summary.where("file_error IS NULL").select("file_index", "attempt")
    read.where("source_row IS NOT NULL").join(
        counted, ["file_index", "attempt"], "left_semi"
    ).createOrReplaceTempView("read_rows")
    spark.sql(to_dialect(_NUMBERED, "spark")).createOrReplaceTempView("numbered")
    new = _on_disk(spark.sql(to_dialect(_NEW, "spark")))
    new.createOrReplaceTempView("new_rows")
    by_file = _per_file(spark, "count(*)", "max(source_row)", "new_rows")
    counts = _per_file(spark, "count(*)", "count(parse_error)", "read_rows")
    return new, by_file, counts, summaries


def _on_disk(frame: DataFrame) -> DataFrame:
    from pyspark import StorageLevel

    return frame.localCheckpoint(storageLevel=StorageLevel.DISK_ONLY)


def _per_file(spark: SparkSession, first: str, second: str, view: str) -> _PerFile:
    rows = spark.sql(
        f"SELECT file_index, {first} AS a, {second} AS b FROM {view} GROUP BY file_index"
    ).collect()
    return {int(r["file_index"]): (int(r["a"]), int(r["b"])) for r in rows}


def _write(
    spark: SparkSession,
    new: DataFrame,
    n_files: int,
    by_file: _PerFile,
    stored: tuple[int, int],
    raw: str,
) -> None:
    """Append the new rows to the folder: each file's at ``last + source_row``, ``last`` the
    highest raw id stored before the file (as the store numbers them), in one new run."""
    from pyspark.sql import functions as F

    last_id, last_run = stored
    offsets: list[tuple[int, int]] = []
    for index in range(n_files):
        offsets.append((index, last_id))
        last_id += by_file.get(index, (0, 0))[1]
    start = spark.createDataFrame(offsets, "file_index INT, offset BIGINT")
    rows = (
        new.join(start, "file_index")
        .withColumn("raw_id", F.col("offset") + F.col("source_row"))
        .withColumn("run_id", F.lit(last_run + 1).cast("bigint"))
        .withColumn("ingested_at", F.current_timestamp())
        .select(*_RAW_COLUMNS)
    )
    rows.write.mode("append").parquet(raw)


def _list_files(spark: SparkSession, inputs: Sequence[str], errors: list[InputError]) -> list[str]:
    """The files of ``inputs``, in the order given (a folder's files by path), each once."""
    from pyspark.errors import PySparkException

    files: list[str] = []
    seen: set[str] = set()
    for given in inputs:
        try:
            listed = (
                spark.read.format("binaryFile")
                .option("recursiveFileLookup", "true")
                .load(_uri(given))
                .select("path")
                .collect()
            )
        except PySparkException as exc:
            if exc.getCondition() == "PATH_NOT_FOUND":
                errors.append(InputError(f"{given}: no such file or folder"))
            else:
                errors.append(InputError(f"{given}: Spark cannot read it ({first_line(exc)})"))
            continue
        found = sorted(str(r["path"]) for r in listed)
        if not found:
            errors.append(InputError(f"{given}: no files in it", hint="give data files"))
        for path in found:
            if path in seen:
                errors.append(
                    InputError(
                        f"{_origin(path)}: given twice", hint="read once; the repeat was ignored"
                    )
                )
            else:
                seen.add(path)
                files.append(path)
    return files


def _read_files(
    spark: SparkSession, files: list[str], mapping: Mapping[str, str] | None, encoding: str
) -> DataFrame:
    """Every file's raw rows and summary row, read on the executors where Spark loads the
    file (no shuffle of the files' bytes), one file at a time."""
    from pyspark.sql.pandas.types import from_arrow_schema

    index = {path: i for i, path in enumerate(files)}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", PANDAS_WARNING, FutureWarning)
        return (
            spark.read.format("binaryFile")
            .load(files)
            .select("path", "content")
            .mapInArrow(_reader(index, mapping, encoding), from_arrow_schema(_READ))
        )


def _reader(
    index: dict[str, int], mapping: Mapping[str, str] | None, encoding: str
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for file in batch.to_pylist():
                yield from _file_batches(index[file["path"]], file, mapping, encoding)

    return run


def _file_batches(
    index: int, file: dict[str, object], mapping: Mapping[str, str] | None, encoding: str
) -> Iterator[pa.RecordBatch]:
    """The file's raw rows as they are read, then its summary row: its schema and missing
    fields, or its error, and the attempt whose rows count."""
    path = str(file["path"])
    origin = _origin(path)
    summary: dict[str, object] = {"file_index": index, "source_file": origin, "attempt": 2}
    with tempfile.TemporaryDirectory(prefix="jobatlas-spark-") as scratch:
        local = Path(scratch) / PurePosixPath(unquote(urlparse(path).path)).name
        local.write_bytes(file["content"])  # type: ignore[arg-type]
        try:
            opened = open_file_rows(local, origin=origin, mapping=mapping, encoding=encoding)
            summary["file_schema"] = opened.schema
            summary["file_missing"] = ",".join(opened.missing_fields)
            for attempt, rows in opened.read():
                summary["attempt"] = attempt
                yield _with_file(rows, index, origin, attempt)
        except JobatlasError as exc:
            summary["file_error"] = str(exc)
    yield pa.RecordBatch.from_pylist([summary], schema=_READ)


def _with_file(rows: pa.Table, index: int, origin: str, attempt: int) -> pa.RecordBatch:
    n = rows.num_rows
    extra = {
        "file_index": pa.array([index] * n, pa.int32()),
        "source_file": pa.array([origin] * n, pa.string()),
        "attempt": pa.array([attempt] * n, pa.int32()),
    }
    for name, column in extra.items():
        rows = rows.append_column(name, column)
    for name in ("file_schema", "file_missing", "file_error"):
        rows = rows.append_column(name, pa.nulls(n, pa.string()))
    return rows.select(_READ.names).cast(_READ).combine_chunks().to_batches()[0]


def _stored(spark: SparkSession, raw: str) -> tuple[int, int]:
    """The highest raw id and run id in the folder ``raw`` (0 when it holds none), with its
    hashes as the view ``stored_hashes``."""
    from pyspark.errors import PySparkException

    try:
        stored = spark.read.parquet(raw)
        top = stored.selectExpr("max(raw_id) AS raw_id", "max(run_id) AS run_id").first()
    except PySparkException as exc:
        if exc.getCondition() != "PATH_NOT_FOUND":
            raise InputError(
                f"{raw}: not a folder of raw rows ({first_line(exc)})",
                hint="give a new folder, or one an earlier `ingest --engine spark` wrote",
            ) from exc
        spark.createDataFrame([], "content_hash STRING").createOrReplaceTempView("stored_hashes")
        return 0, 0
    stored.select("content_hash").createOrReplaceTempView("stored_hashes")
    return (int(top["raw_id"] or 0), int(top["run_id"] or 0)) if top else (0, 0)


def _uri(given: str) -> str:
    """A local path made absolute (Spark resolves relative ones against its own directory);
    a URI as it is."""
    if "://" in given or given.startswith("file:"):
        return given
    return str(Path(given).absolute())


def _origin(path: str) -> str:
    """A file as the user knows it: a local path without Spark's ``file:`` scheme."""
    parsed = urlparse(path)
    return unquote(parsed.path) if parsed.scheme == "file" else path
