"""The ingest stage: files and collected postings into ``raw_postings``, each row once.

A row's identity is the md5 of its full record plus its occurrence number among
identical records of the same input, so re-ingesting a file (or a copy of it) adds
nothing while genuinely repeated rows inside one file are all kept (normalize then
marks the copies as duplicates). Collected postings are keyed by (source, source id).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from jobatlas.errors import InputError, StoreError
from jobatlas.models import CANONICAL_FIELDS, RawPosting
from jobatlas.progress import progress
from jobatlas.sources.files import ERROR, RAW, ROW, FastPathFailed, Table, open_table
from jobatlas.sources.schemas import BOOLEAN_FIELDS, NUMERIC_FIELDS, Schema, detect_schema, q
from jobatlas.store.duckdb import Store, _first_line

_RAW_COLUMNS = (
    "raw_id, run_id, source, source_file, source_row, content_hash, ingested_at, record, "
    "parse_error, " + ", ".join(CANONICAL_FIELDS)
)


@dataclass
class IngestResult:
    origin: str
    schema: str = ""
    rows_read: int = 0
    added: int = 0
    skipped: int = 0
    malformed: int = 0
    missing_fields: list[str] = field(default_factory=list)


def ingest_paths(
    store: Store,
    paths: Sequence[str | Path],
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
) -> tuple[list[IngestResult], list[InputError]]:
    """Ingest each file in its own transaction; a bad file is reported and skipped.

    Returns the results of the files that were read and the errors of those that were not.
    """
    results: list[IngestResult] = []
    errors: list[InputError] = []
    seen: set[Path] = set()
    for path in paths:
        try:
            resolved = Path(path).resolve()
        except (OSError, RuntimeError):  # a symbolic link loop: open_table reports it
            resolved = Path(path).absolute()
        if resolved in seen:
            errors.append(
                InputError(f"{path}: given twice", hint="read once; the second mention was ignored")
            )
            continue
        seen.add(resolved)
        try:
            results.append(ingest_file(store, path, mapping=mapping, encoding=encoding))
        except InputError as exc:
            errors.append(exc)
    return results, errors


def ingest_file(
    store: Store,
    path: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
) -> IngestResult:
    table = open_table(path, encoding)
    schema, missing = detect_schema(table.path, table.columns, mapping)
    result = IngestResult(origin=table.path, schema=schema.name, missing_fields=missing)
    with store.run("ingest") as (run_id, stats):
        stats.detail.update(file=table.path, schema=schema.name, format=table.format)
        if missing:
            stats.detail["missing_fields"] = missing
        readers = [r for r in (table.fast_batches, table.batches) if r is not None]
        for attempt, read in enumerate(readers, start=1):
            with progress(f"ingest {Path(table.path).name}", table.size) as advance:
                failure: list[BaseException] = []
                reader = pa.RecordBatchReader.from_batches(
                    table.schema, _capturing(read(advance), failure)
                )
                try:
                    _insert_table(store, reader, table, schema, run_id, result, failure)
                    break
                except FastPathFailed:
                    if attempt == len(readers):
                        raise
        stats.rows_in = result.rows_read
        stats.rows_out = result.added
        stats.rows_rejected = result.malformed
        stats.detail.update(skipped_existing=result.skipped)
    return result


def _insert_table(
    store: Store,
    reader: pa.RecordBatchReader,
    table: Table,
    schema: Schema,
    run_id: int,
    result: IngestResult,
    failure: list[BaseException],
) -> None:
    record = ", ".join(f"{_sql_str(c)}: {q(c)}" for c in table.columns)
    con = store.con
    con.register("ingest_input", reader)
    try:
        with store.transaction():
            _stage_and_insert(store, table, schema, record, run_id, result)
    except duckdb.Error as exc:
        if failure and isinstance(failure[0], InputError | FastPathFailed):
            raise failure[0] from None
        raise StoreError(f"{table.path}: ingest failed ({_first_line(exc)})") from exc
    finally:
        con.unregister("ingest_input")


def _capturing(
    batches: Iterator[pa.RecordBatch], failure: list[BaseException]
) -> Iterator[pa.RecordBatch]:
    """Remember an error raised while DuckDB pulls batches, which DuckDB would only stringify."""
    try:
        yield from batches
    except BaseException as exc:
        failure.append(exc)
        raise


def _stage_and_insert(
    store: Store, table: Table, schema: Schema, record: str, run_id: int, result: IngestResult
) -> None:
    store.con.execute(
        f"""
            CREATE OR REPLACE TEMP TABLE ingest_stage AS
            SELECT ? AS source, {q(ROW)} AS source_row, {q(ERROR)} AS parse_error,
                   CASE WHEN {q(ERROR)} IS NULL THEN to_json({{{record}}})
                        ELSE json_object('_unparsed', {q(RAW)}) END AS record,
                   {schema.select_list()}
            FROM ingest_input
            """,
        [schema.source],
    )
    _insert_stage(store, run_id, table.path, result)


def _insert_stage(
    store: Store, run_id: int, origin: str, result: IngestResult, keyed: bool = False
) -> None:
    """Move ``ingest_stage`` rows into raw_postings, skipping rows already stored."""
    con = store.con
    if keyed:
        keyed_rows = "SELECT md5(source || '|' || source_id) AS content_hash, * FROM ingest_stage"
    else:
        keyed_rows = (
            "SELECT md5(record_md5 || ':' || row_number() OVER "
            "(PARTITION BY record_md5 ORDER BY source_row)) AS content_hash, "
            "* EXCLUDE (record_md5) "
            "FROM (SELECT md5(CAST(record AS VARCHAR)) AS record_md5, * FROM ingest_stage)"
        )
    con.execute(f"CREATE OR REPLACE TEMP TABLE ingest_keyed AS {keyed_rows}")
    counts = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE parse_error IS NOT NULL) FROM ingest_keyed"
    ).fetchone()
    assert counts is not None
    result.rows_read, result.malformed = int(counts[0]), int(counts[1])
    last_id = int(store.scalar("SELECT coalesce(max(raw_id), 0) FROM raw_postings"))
    inserted = con.execute(
        f"""
        INSERT INTO raw_postings ({_RAW_COLUMNS})
        SELECT ? + row_number() OVER (ORDER BY k.source_row), ?, k.source, ?, k.source_row,
               k.content_hash, ?, k.record, k.parse_error,
               {", ".join("k." + f for f in CANONICAL_FIELDS)}
        FROM ingest_keyed k
        ANTI JOIN raw_postings r ON r.content_hash = k.content_hash
        """,
        [last_id, run_id, origin, datetime.now()],
    ).fetchone()
    result.added = int(inserted[0]) if inserted else 0
    result.skipped = result.rows_read - result.added
    con.execute("DROP TABLE ingest_keyed")
    con.execute("DROP TABLE ingest_stage")


def ingest_records(
    store: Store, records: Iterable[RawPosting], *, origin: str, run_id: int
) -> IngestResult:
    """Store collected postings keyed by (source, source_id); ones already stored are skipped."""
    rows: dict[str, list[object]] = {name: [] for name in ("source", "source_row", "record")}
    for name in CANONICAL_FIELDS:
        rows[name] = []
    for i, posting in enumerate(records, start=1):
        rows["source"].append(posting.source)
        rows["source_row"].append(i)
        rows["record"].append(json.dumps(posting.record, ensure_ascii=False, default=str))
        for name in CANONICAL_FIELDS:
            value = posting.source_id if name == "source_id" else posting.fields.get(name)
            rows[name].append(_canonical(name, value))
    result = IngestResult(origin=origin, schema="records")
    if not rows["source"]:
        return result
    types = {"source_row": pa.int64()} | {
        n: (
            pa.float64()
            if n in NUMERIC_FIELDS
            else pa.bool_()
            if n in BOOLEAN_FIELDS
            else pa.string()
        )
        for n in CANONICAL_FIELDS
    }
    arrow = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in rows.items()})
    con = store.con
    con.register("records_input", arrow)
    try:
        with store.transaction():
            con.execute(
                "CREATE OR REPLACE TEMP TABLE ingest_stage AS SELECT source, source_row, "
                "NULL::VARCHAR AS parse_error, record::JSON AS record, "
                + ", ".join(CANONICAL_FIELDS)
                + " FROM records_input"
            )
            _insert_stage(store, run_id, origin, result, keyed=True)
    except duckdb.Error as exc:
        raise StoreError(
            f"{origin}: storing collected postings failed ({_first_line(exc)})"
        ) from exc
    finally:
        con.unregister("records_input")
    return result


def _canonical(name: str, value: object) -> object:
    if value is None:
        return None
    if name in NUMERIC_FIELDS:
        return float(value)  # type: ignore[arg-type]
    if name in BOOLEAN_FIELDS:
        return bool(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text.strip() or None


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
