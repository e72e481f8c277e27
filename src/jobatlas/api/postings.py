"""``normalize``: a table of postings in, normalised postings and quarantine out, no store.

It runs the CLI's own stages, ``ingest_file`` then ``pipeline.normalize``, on a DuckDB store
held in memory by the returned ``Normalized``; ``rank`` ranks from that same store, so the
library and the CLI compute every figure with the same code.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobatlas.api.frames import Family, give_back, read_table
from jobatlas.errors import ConfigError, EmptyInputError, InputError
from jobatlas.models import CANONICAL_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

    from jobatlas.pipeline import Accounting
    from jobatlas.store.duckdb import Store

__all__ = ["Normalized", "normalize"]

#: Columns that only a normalised table has: such a table is not ingested again.
_NORMALISED_COLUMNS = frozenset({"ai_ml_tier", "location_status", "salary_status"})


class Normalized:
    """The postings of one table after ``normalize``, in the family of that table.

    ``postings``: the store's ``postings`` columns (docs/schema.md) without ``run_id``, one
    row per kept posting; ``raw_id`` is the row's position in the input, counted from 1.
    ``quarantine``: ``raw_id``, ``reason`` and ``detail`` of the rows that could not be used.
    ``duplicates``: ``raw_id``, ``duplicate_of`` and ``reason`` of the copies left out.
    ``accounting``: the counts, with ``raw == postings + quarantined + duplicates``.
    ``schema`` names the input shape recognised (``google-jobs-2023``, ``jobspy``,
    ``jobatlas`` or ``mapped``); ``missing_fields`` the canonical fields the table could
    not fill.

    It holds an in-memory DuckDB store until ``close()`` (or the end of a ``with`` block).
    """

    def __init__(
        self, store: Store, family: Family, schema: str, missing_fields: tuple[str, ...]
    ) -> None:
        self._store: Store | None = store
        self.family = family
        self.schema = schema
        self.missing_fields = missing_fields

    @property
    def store(self) -> Store:
        """The in-memory store (for ``rank``); a closed one is an error that says so."""
        if self._store is None:
            raise InputError("this Normalized was closed", hint="call normalize() again")
        return self._store

    @property
    def postings(self) -> Any:
        return self._query("SELECT * EXCLUDE (run_id) FROM postings ORDER BY raw_id")

    @property
    def quarantine(self) -> Any:
        return self._query("SELECT raw_id, reason, detail FROM quarantine ORDER BY raw_id")

    @property
    def duplicates(self) -> Any:
        return self._query("SELECT raw_id, duplicate_of, reason FROM duplicates ORDER BY raw_id")

    @property
    def accounting(self) -> Accounting:
        from jobatlas.pipeline import accounting

        return accounting(self.store)

    def _query(self, sql: str) -> Any:
        # a cursor of its own: a result left pending on the store's connection does not block it
        cursor = self.store.con.cursor()
        try:
            table: pa.Table = cursor.sql(sql).to_arrow_table()
        finally:
            cursor.close()
        return give_back(table, self.family)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Normalized:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._store is None:
            return "Normalized(closed)"
        a = self.accounting
        return (
            f"Normalized({a.raw:,} rows: {a.postings:,} postings, {a.quarantined:,} "
            f"quarantined, {a.duplicates:,} duplicates; schema {self.schema})"
        )


def normalize(frame: Any, mapping: Mapping[str, str] | None = None) -> Normalized:
    """Normalise a table of postings as ``jobatlas ingest`` then ``jobatlas normalize`` would.

    ``frame`` is a pandas or polars DataFrame, a pyarrow Table or a list of dicts, one row
    per posting, with columns as in any file ``jobatlas ingest`` reads (docs/schema.md):
    jobatlas's own (``title``, ``company``, ``location``, ...), the bundled Google Jobs 2023
    columns or python-jobspy's. Every column is read as text, as from a file. ``mapping``
    maps our field names to yours: ``{"title": "job_name", "location": "where"}``.

    >>> n = normalize([
    ...     {"title": "Machine Learning Engineer", "company": "Acme", "location": "Berlin"},
    ...     {"title": "Data Scientist", "company": "Acme", "location": "Paris, France"},
    ...     {"title": "", "company": "Acme", "location": "Paris"},
    ... ])
    >>> [(p["title"], p["ai_ml_tier"], p["metro"]) for p in n.postings]
    [('Machine Learning Engineer', 'core', 'Berlin'), ('Data Scientist', 'adjacent', 'Paris')]
    >>> n.quarantine
    [{'raw_id': 3, 'reason': 'missing_title', 'detail': 'no title in the row'}]
    >>> n.accounting.reconciles, n.schema
    (True, 'jobatlas')
    >>> n.close()
    """
    from jobatlas.ingest import ingest_file
    from jobatlas.pipeline import normalize as normalize_store
    from jobatlas.sources.schemas import detect_schema
    from jobatlas.store.duckdb import Store

    what = "postings"
    family, table = read_table(frame, what)
    if table.num_rows == 0:
        raise EmptyInputError(f"{what}: no rows", hint="give at least one posting")
    if set(table.column_names) >= _NORMALISED_COLUMNS:
        raise InputError(
            f"{what}: these are normalised postings already",
            hint="pass the Normalized object that normalize() returned",
        )
    _check_mapping(mapping)
    # here, so that an error names the caller's table and not the temporary file below
    detect_schema(what, table.column_names, mapping)
    store = Store.open(":memory:")
    try:
        with tempfile.TemporaryDirectory(prefix="jobatlas-") as folder:
            path = Path(folder) / "postings.parquet"
            _write_parquet(table, path)
            ingested = ingest_file(store, path, mapping=mapping)
        normalize_store(store)
    except BaseException:
        store.close()
        raise
    return Normalized(store, family, ingested.schema, tuple(ingested.missing_fields))


def _check_mapping(mapping: Mapping[str, str] | None) -> None:
    for field, column in (mapping or {}).items():
        if field not in CANONICAL_FIELDS:
            raise ConfigError(
                f"mapping: unknown field {field!r}", hint="fields: " + ", ".join(CANONICAL_FIELDS)
            )
        if not isinstance(column, str):
            raise ConfigError(f"mapping: {field!r} maps to {column!r}, not a column name")


def _write_parquet(table: pa.Table, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pq.write_table(table, path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"postings: cannot be stored ({exc})") from exc
