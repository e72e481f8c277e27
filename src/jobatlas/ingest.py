"""The ingest stage: files and collected postings into ``raw_postings``, each row once.

A row's identity is the md5 of its full record plus its occurrence number among
identical records of the same input, so re-ingesting a file (or a copy of it) adds
nothing while genuinely repeated rows inside one file are all kept (normalize then
marks the copies as duplicates). Collected postings are keyed by (source, source id).

Rows go into ``raw_postings`` as the reader yields them, in one statement over the stream of
batches, while the next batches are read; the repeats are numbered and the rows already
stored taken out afterwards, on the ids and hashes alone, in a second transaction whose
rows a failure or a killed process never leaves behind (``_insert_table``; docs/schema.md,
benchmarks/README.md).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from queue import Full, Queue
from typing import cast

import duckdb
import pyarrow as pa

from jobatlas.errors import InputError, StoreError
from jobatlas.models import CANONICAL_FIELDS, RawPosting
from jobatlas.progress import progress
from jobatlas.sources.files import FastPathFailed, Table, open_table
from jobatlas.sources.rows import (
    RECORD_MD5,
    IngestResult,
    canonical_type,
    file_rows_sql,
    occurrence_hash,
)
from jobatlas.sources.schemas import BOOLEAN_FIELDS, NUMERIC_FIELDS, Schema, detect_schema
from jobatlas.store.duckdb import Store, _first_line

_RAW_COLUMNS = (
    "raw_id, run_id, source, source_file, source_row, content_hash, ingested_at, record, "
    "parse_error, " + ", ".join(CANONICAL_FIELDS)
)


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
        readers = table.readers
        for attempt, read in enumerate(readers, start=1):
            with progress(f"ingest {Path(table.path).name}", table.size) as advance:
                batches = _read_ahead(read(advance))
                try:
                    _insert_table(store, batches, table, schema, run_id, result)
                    break
                except FastPathFailed:
                    if attempt == len(readers):
                        raise
                finally:
                    batches.close()  # stops the reading thread before the bar closes
        stats.rows_in = result.rows_read
        stats.rows_out = result.added
        stats.rows_rejected = result.malformed
        stats.detail.update(skipped_existing=result.skipped)
    return result


def _insert_table(
    store: Store,
    batches: Iterator[pa.RecordBatch],
    table: Table,
    schema: Schema,
    run_id: int,
    result: IngestResult,
) -> None:
    """Insert the file's rows in one statement over the stream of batches, then settle them
    (``_settle``); a reader error (bad input, or the fast reader giving up) rolls the insert
    back and propagates as it is.

    One statement, not one per chunk: DuckDB then compresses and writes the row groups on
    every core at once, which is most of an ingest's work. The settling is a transaction of
    its own: DuckDB writes a large insert's row groups to the file as it goes, but once a
    statement of the same transaction updates or deletes any of those rows it writes the
    whole insert into its log as well (2.3 s of a million-row ingest; benchmarks/README.md).
    Until the settling commits, the rows are those of a run still ``running``: if it fails
    they are taken out here, and if the process dies ``Store.open`` takes them out."""
    rows = file_rows_sql(table.columns, schema)
    failed: list[BaseException] = []
    stream = pa.RecordBatchReader.from_batches(table.schema, _noting(batches, failed))
    try:
        with store.transaction():
            last = _last_raw_id(store)
            params = {"source": schema.source, "last": last, "run_id": run_id}
            _append(store, stream, rows, params | {"origin": table.path}, keyed=False)
    except duckdb.Error as exc:
        if failed:  # DuckDB wraps the reader's own error: give it back as it was raised
            raise failed[0] from None
        raise StoreError(f"{table.path}: ingest failed ({_first_line(exc)})") from exc
    try:
        with store.transaction():
            _settle(store, last, result, keyed=False)
    except BaseException as exc:
        store.discard_raw_rows([run_id])
        if isinstance(exc, duckdb.Error):
            raise StoreError(f"{table.path}: ingest failed ({_first_line(exc)})") from exc
        raise


def _noting(
    batches: Iterator[pa.RecordBatch], failed: list[BaseException]
) -> Iterator[pa.RecordBatch]:
    """The batches, noting the reader's error (not the generator's closing) on its way out."""
    try:
        yield from batches
    except Exception as exc:
        failed.append(exc)
        raise


_DONE = object()


def _read_ahead(
    batches: Iterator[pa.RecordBatch], depth: int = 4
) -> Generator[pa.RecordBatch, None, None]:
    """Read the next batches in a thread while DuckDB stores the previous ones.

    The readers spend most of their time in Arrow and zlib, which release the GIL, so on two
    cores reading and storing overlap. An error of the reader is raised here, in order; when
    the consumer stops early the thread stops reading and closes the reader.
    """
    queue: Queue[object] = Queue(depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def work() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as exc:  # re-raised in the consumer's thread
            put(exc)
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=work, name="jobatlas-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield cast(pa.RecordBatch, item)
    finally:
        stop.set()
        thread.join()


def _last_raw_id(store: Store) -> int:
    rows = store.con.execute("SELECT coalesce(max(raw_id), 0) FROM raw_postings").fetchall()
    return int(rows[0][0])


def _append(
    store: Store,
    arrow: pa.Table | pa.RecordBatchReader,
    rows: str,
    params: dict[str, object],
    *,
    keyed: bool,
) -> None:
    """Insert the rows of the query ``rows`` over ``arrow`` (registered as ``ingest_input``)
    as read: raw_id is the last id stored before this input plus the row number, and
    content_hash the hash of a first occurrence (``_settle`` numbers the repeats)."""
    first_hash = "md5(source || '|' || source_id)" if keyed else occurrence_hash(RECORD_MD5, "1")
    con = store.con
    con.register("ingest_input", arrow)
    try:
        # Every row's raw_id comes from its row number, so the rows need not reach the table
        # in file order: without that order DuckDB builds the JSON, the hashes and the
        # compressed row groups on every thread (1M rows: 6.0 s -> 5.1 s; benchmarks/README.md).
        con.execute("SET preserve_insertion_order = false")
        con.execute(
            f"""
            INSERT INTO raw_postings ({_RAW_COLUMNS})
            SELECT $last + source_row, $run_id, source, $origin, source_row, {first_hash},
                   $now, record, parse_error, {", ".join(CANONICAL_FIELDS)}
            FROM ({rows})
            """,
            params | {"now": datetime.now()},
        ).fetchall()
    finally:
        con.execute("RESET preserve_insertion_order")
        con.unregister("ingest_input")


def _settle(store: Store, last: int, result: IngestResult, *, keyed: bool) -> None:
    """Give the identical records of this input their occurrence numbers, take out the rows
    already stored, and count. Works on narrow projections (ids and hashes) of the new rows."""
    con = store.con
    new = {"last": last}
    counts = con.execute(
        "SELECT count(*), count(parse_error) FROM raw_postings WHERE raw_id > $last", new
    ).fetchone()
    assert counts is not None
    result.rows_read, result.malformed = int(counts[0]), int(counts[1])
    later = """
        SELECT raw_id, row_number() OVER (PARTITION BY content_hash ORDER BY raw_id) AS k
        FROM raw_postings WHERE raw_id > $last AND content_hash IN (
            SELECT content_hash FROM raw_postings WHERE raw_id > $last
            GROUP BY content_hash HAVING count(*) > 1)
        """
    if keyed:  # a collected id given twice is stored once
        con.execute(
            f"DELETE FROM raw_postings WHERE raw_id IN (SELECT raw_id FROM ({later}) WHERE k > 1)",
            new,
        ).fetchall()
    else:  # the k-th identical record of this input is told apart by k
        con.execute(
            f"""
            UPDATE raw_postings
            SET content_hash = {occurrence_hash(RECORD_MD5, "c.k")}
            FROM ({later}) c WHERE raw_postings.raw_id = c.raw_id AND c.k > 1
            """,
            new,
        ).fetchall()
    con.execute(
        """
        DELETE FROM raw_postings WHERE raw_id IN (
            SELECT n.raw_id FROM raw_postings n
            SEMI JOIN (SELECT content_hash FROM raw_postings WHERE raw_id <= $last) o
              ON o.content_hash = n.content_hash
            WHERE n.raw_id > $last)
        """,
        new,
    ).fetchall()
    result.added = int(store.scalar("SELECT count(*) FROM raw_postings WHERE raw_id > ?", [last]))
    result.skipped = result.rows_read - result.added


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
    types = {"source_row": pa.int64()} | {n: canonical_type(n) for n in CANONICAL_FIELDS}
    arrow = pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in rows.items()})
    select = (
        "SELECT source, source_row, NULL::VARCHAR AS parse_error, record::JSON AS record, "
        + ", ".join(CANONICAL_FIELDS)
        + " FROM ingest_input"
    )
    try:
        with store.transaction():
            last = _last_raw_id(store)
            params: dict[str, object] = {"last": last, "run_id": run_id, "origin": origin}
            _append(store, arrow, select, params, keyed=True)
            _settle(store, last, result, keyed=True)
    except duckdb.Error as exc:
        raise StoreError(
            f"{origin}: storing collected postings failed ({_first_line(exc)})"
        ) from exc
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
