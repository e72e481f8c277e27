"""The store as the web app sees it: opened read-only, one cursor per worker thread.

DuckDB lets many processes open a file read-only, or one process open it for writing
(docs: "Concurrency"). So while the server holds the store, `jobatlas collect` or `ingest`
in another process is refused by DuckDB's lock, never let in to corrupt it; and while a
writer holds it, opening fails and every request gets a 503 until the writer is done (the
server retries at the next request). Nothing here writes: the connection is read-only, and
the ranking's temporary tables live in each cursor's own memory.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from jobatlas.errors import StoreError
from jobatlas.serve.errors import StoreUnavailable
from jobatlas.store.duckdb import memory_limit


class ReadOnlyStore:
    """A lazily opened read-only DuckDB connection to ``path``, shared by the threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con: duckdb.DuckDBPyConnection | None = None
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation = 0

    def connection(self) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if self._con is None:
                self._con = self._open()
                self._generation += 1
            return self._con

    def _open(self) -> duckdb.DuckDBPyConnection:
        if not self.path.exists():
            raise StoreUnavailable(
                f"{self.path}: no store here", hint="run `jobatlas run` (or ingest) first"
            )
        try:
            return duckdb.connect(
                str(self.path), read_only=True, config={"memory_limit": memory_limit()}
            )
        except duckdb.IOException as exc:
            raise StoreUnavailable(
                f"{self.path}: the store is locked by another process",
                hint="a collect, ingest or normalize is writing to it; retry when it has finished",
            ) from exc
        except duckdb.Error as exc:
            raise StoreUnavailable(
                f"{self.path}: cannot open the store ({str(exc).splitlines()[0]})",
                hint="is it a jobatlas DuckDB file?",
            ) from exc

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's own cursor (DuckDB connections are not shared between threads)."""
        con = self.connection()
        cached = getattr(self._local, "cursor", None)
        if cached is None or getattr(self._local, "generation", -1) != self._generation:
            cached = con.cursor()
            self._local.cursor = cached
            self._local.generation = self._generation
        return cached

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """The rows of a query as dicts; a DuckDB failure becomes a StoreError."""
        cur = self.cursor()
        try:
            result = cur.execute(sql, params or [])
            names = [d[0] for d in result.description or []]
            return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: query failed ({str(exc).splitlines()[0]})") from exc

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
