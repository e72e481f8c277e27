"""Where the ranking's SQL runs: the seam between the indicators and an engine.

Every query of ``metrics`` and ``details`` is written once, in DuckDB's dialect, and run
through a ``Queries``: ``DuckQueries`` runs it on a DuckDB connection as written; the Spark
engine's ``SparkQueries`` (``engines.queries``) transpiles it with SQLGlot and runs it on a
Spark session. Either way the rows reach numpy on this process, which draws the Monte Carlo.
Every query whose row order matters says so with a total ``ORDER BY``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jobatlas.store.employers import employer_names, employers_current

Columns = dict[str, npt.NDArray[Any]]
_NAMES = "jobatlas_employer_names"


class Queries(Protocol):
    """Runs the ranking's queries (DuckDB dialect, ``?`` parameters) on one engine."""

    def create(self, name: str, sql: str, params: list[Any] | None = None) -> None:
        """Compute the rows of ``sql`` once, as the temporary relation ``name``."""

    def register(self, name: str, table: pa.Table) -> None:
        """The rows of ``table`` as the temporary relation ``name``."""

    def drop(self, name: str) -> None:
        """Forget a relation made by ``create`` or ``register`` (none: nothing happens)."""

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows of ``sql`` as tuples of Python values."""

    def columns(self, sql: str, params: list[Any] | None = None) -> Columns:
        """The columns of ``sql`` as numpy arrays (NULL: None, or NaN in a numeric column)."""

    def employers(self) -> AbstractContextManager[str]:
        """The name of a relation (company, employer_key, employer_name) holding the employer
        of every company name of ``postings``, while the context lasts."""


class DuckQueries:
    """The ranking's queries on a DuckDB connection (the store), run as written."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def create(self, name: str, sql: str, params: list[Any] | None = None) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}", params or None)

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(f"{name}_arrow", table)
        try:
            self.create(name, f"SELECT * FROM {name}_arrow")
        finally:
            self.con.unregister(f"{name}_arrow")

    def drop(self, name: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or None).fetchall()

    def columns(self, sql: str, params: list[Any] | None = None) -> Columns:
        """``con.sql`` fetches several times faster than ``con.execute``; it needs no DB-API
        result pending on the connection (``rows`` reads each result whole)."""
        result = self.con.sql(sql, params=params or None).fetchnumpy()
        return {name: plain(column) for name, column in result.items()}

    @contextmanager
    def employers(self) -> Iterator[str]:
        """Normalize stores the grouping in ``employers``; a store whose postings changed
        since (or that predates the table) is grouped here, the same way."""
        if employers_current(self.con):
            yield "employers"
            return
        self.con.register(_NAMES, employer_names(self.con))
        try:
            yield _NAMES
        finally:
            self.con.unregister(_NAMES)


def queries_of(source: duckdb.DuckDBPyConnection | Queries) -> Queries:
    """The ``Queries`` of a DuckDB connection, or ``source`` itself."""
    return DuckQueries(source) if isinstance(source, duckdb.DuckDBPyConnection) else source


def plain(column: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A fetched column as a plain array: masked entries None (objects) or NaN (numbers)."""
    if not isinstance(column, np.ma.MaskedArray):
        return np.asarray(column)
    mask = np.ma.getmaskarray(column)
    if column.dtype == object:
        out = np.empty(len(column), dtype=object)
        out[:] = column.data
        out[mask] = None
        return out
    values = np.array(column.data, dtype=np.float64)
    values[mask] = np.nan
    return values
