"""A file's rows as raw rows: the query and the hash both engines use.

``jobatlas ingest`` runs ``file_rows_sql`` on the batches of its readers inside the store;
the Spark engine runs the same query on its executors, in an in-memory DuckDB over the same
readers (``open_file_rows``), so a record's JSON text, and so its hash, is the same either
way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from jobatlas.errors import InputError
from jobatlas.models import CANONICAL_FIELDS
from jobatlas.sources.files import ERROR, RAW, ROW, FastPathFailed, Table, open_table
from jobatlas.sources.schemas import BOOLEAN_FIELDS, NUMERIC_FIELDS, Schema, detect_schema, q

RECORD_MD5 = "md5(CAST(record AS VARCHAR))"
"""The md5 of a raw row's record, as JSON text."""


def canonical_type(name: str) -> pa.DataType:
    """The Arrow type of the canonical field ``name`` in a raw row."""
    if name in NUMERIC_FIELDS:
        return pa.float64()
    return pa.bool_() if name in BOOLEAN_FIELDS else pa.string()


def file_rows_sql(columns: Sequence[str], schema: Schema) -> str:
    """The raw rows of a file's batches registered as ``ingest_input`` (its ``columns`` plus
    the readers' row number, error and raw text): the record as JSON (``{"_unparsed": text}``
    for a row that could not be parsed) and the canonical fields ``schema`` maps; ``$source``
    is the schema's source name."""
    record = ", ".join(f"{_sql_str(c)}: {q(c)}" for c in columns)
    return f"""
        SELECT $source AS source, {q(ROW)} AS source_row, {q(ERROR)} AS parse_error,
               CASE WHEN {q(ERROR)} IS NULL THEN to_json({{{record}}})
                    ELSE json_object('_unparsed', {q(RAW)}) END AS record,
               {schema.select_list()}
        FROM ingest_input
        """


def occurrence_hash(record_md5: str, k: str) -> str:
    """The SQL of a file row's ``content_hash``: the md5 of its record's md5 and its
    occurrence number ``k`` among the identical records of its input (1 for the first)."""
    return f"md5({record_md5} || ':' || {k})"


@dataclass
class IngestResult:
    """One input's ingest, by either engine: rows read, added, already stored, malformed."""

    origin: str
    schema: str = ""
    rows_read: int = 0
    added: int = 0
    skipped: int = 0
    malformed: int = 0
    missing_fields: list[str] = field(default_factory=list)


@dataclass
class FileRows:
    """A file opened to be read as raw rows (``open_file_rows``)."""

    schema: str
    missing_fields: list[str]
    _table: Table
    _schema: Schema
    _local: str
    _origin: str

    def read(self) -> Iterator[tuple[int, pa.Table]]:
        """The raw rows in file order, in parts, each with its attempt: 1 for the fast reader,
        2 when it gave up and the careful reader starts again from the first row (the parts
        of attempt 1 then do not count). ``source, source_row, parse_error, record`` (text),
        ``record_md5`` and the canonical fields; an error names the file as ``origin``."""
        select = (
            f"SELECT source, source_row, parse_error, CAST(record AS VARCHAR) AS record, "
            f"{RECORD_MD5} AS record_md5, {', '.join(CANONICAL_FIELDS)} "
            f"FROM ({file_rows_sql(self._table.columns, self._schema)})"
        )
        params = {"source": self._schema.source}
        readers = self._table.readers
        with duckdb.connect() as con, _named(self._local, self._origin):
            for attempt, read in enumerate(readers, start=3 - len(readers)):
                try:
                    for batch in read(lambda _done: None):
                        con.register("ingest_input", batch)
                        yield attempt, con.sql(select, params=params).to_arrow_table()
                except FastPathFailed:
                    if attempt == 2:
                        raise
                    continue
                break


def open_file_rows(
    path: str | Path,
    *,
    origin: str,
    mapping: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
) -> FileRows:
    """Open the file at ``path`` (a local copy of ``origin``) and find its schema; an error
    names ``origin``."""
    with _named(str(path), origin):
        table = open_table(path, encoding)
        schema, missing = detect_schema(table.path, table.columns, mapping)
    return FileRows(schema.name, missing, table, schema, str(path), origin)


@contextmanager
def _named(local: str, origin: str) -> Iterator[None]:
    """Errors inside name the file as the user knows it, not its local copy."""
    try:
        yield
    except InputError as exc:
        exc.message = exc.message.replace(local, origin)
        exc.hint = exc.hint.replace(local, origin) if exc.hint else exc.hint
        exc.args = (exc.message,)
        raise


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
