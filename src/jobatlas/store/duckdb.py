"""Opening the store, applying migrations, and recording runs.

Every call into duckdb that can fail goes through here or through a ``Store`` method,
so duckdb's exceptions are mapped to ``StoreError`` in one place.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from jobatlas.errors import MigrationError, StoreError

#: DuckDB writes committed changes to the file itself (a checkpoint) once its write-ahead
#: log passes this size, else when the store is closed. Above DuckDB's 16 MB default, so
#: that a run on some ten thousand postings checkpoints once, at the end (``jobatlas run``
#: closes the store while it writes the report), not after its ingest and its normalize.
CHECKPOINT_AFTER = "256MB"


#: Written after the type of a column of long text in a migration: where the file's storage
#: format has zstd for text (DuckDB storage v1.2 on), the column is stored with it. The raw
#: record is most of what an ingest writes; DuckDB's own choice for it (dictionary and FSST,
#: found by analysing every segment) made a million-row ingest about 1 s slower and the file
#: 28% larger (benchmarks/README.md). Stores made before keep the layout they have.
ZSTD_MARK = "/*zstd*/"
_ZSTD_STORAGE = (1, 2, 0)


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("jobatlas.store.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


@dataclass
class RunStats:
    """Counters a stage fills in while it works; written to ``runs`` when it ends."""

    rows_in: int = 0
    rows_out: int = 0
    rows_rejected: int = 0
    status: str = "ok"
    detail: dict[str, Any] = field(default_factory=dict)


class Store:
    """One DuckDB file holding raw rows, postings, quarantine, duplicates and runs."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> Store:
        target = str(path)
        if target != ":memory:":
            parent = Path(target).parent
            if not parent.exists():
                raise StoreError(
                    f"{target}: folder {parent} does not exist", hint="create it first"
                )
        try:
            config: dict[str, str | bool | int | float | list[str]] = {
                "memory_limit": memory_limit(),
                "checkpoint_threshold": CHECKPOINT_AFTER,
            }
            con = duckdb.connect(target, config=config)
        except duckdb.Error as exc:
            raise StoreError(
                f"{target}: cannot open the store ({_first_line(exc)})",
                hint="is another jobatlas process using it, or is it not a DuckDB file?",
            ) from exc
        store = cls(con, target)
        store.migrate()
        store.mark_interrupted_runs()
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        row = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not row or not row[0]:
            return 0
        version = self.con.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(version[0]) if version and version[0] is not None else 0

    def migrate(self) -> None:
        try:
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
            )
            current = self.schema_version()
            compression = " USING COMPRESSION zstd" if self._stores_zstd() else ""
            for version, name, sql in _migrations():
                if version <= current:
                    continue
                with self.transaction():
                    self.con.execute(sql.replace(ZSTD_MARK, compression))
                    self.con.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [version, name, datetime.now()],
                    )
        except duckdb.Error as exc:
            raise MigrationError(
                f"{self.path}: schema migration failed ({_first_line(exc)})",
                hint="the file may come from a newer jobatlas; use a new --db path",
            ) from exc

    def _stores_zstd(self) -> bool:
        """Whether this file's storage format compresses text with zstd (not in memory). DuckDB
        names the format in the database's tags ("v2.0.0+"; "v1.0.0 - v1.1.3" or none on
        older releases, which then keep their default)."""
        try:
            rows = self.con.execute(
                "SELECT tags FROM duckdb_databases() WHERE database_name = current_database()"
            ).fetchall()
        except duckdb.Error:
            return False
        found = str((rows[0][0] or {}).get("storage_version", "")) if rows else ""
        parts = found.strip("v+").split(".")
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return False
        return tuple(int(p) for p in parts) >= _ZSTD_STORAGE

    # -- transactions and runs ------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def start_run(self, stage: str) -> int:
        row = self.con.execute("SELECT nextval('run_id_seq')").fetchone()
        assert row is not None
        run_id = int(row[0])
        self.con.execute(
            "INSERT INTO runs (run_id, stage, started_at, status, detail) "
            "VALUES (?, ?, ?, 'running', ?)",
            [run_id, stage, datetime.now(), json.dumps({"process": _process_token()})],
        )
        return run_id

    def mark_interrupted_runs(self) -> int:
        """Mark ``interrupted`` the runs left ``running`` by a process that has ended, and take
        out the raw rows of such an ingest run: they were stored but never settled (their
        repeats numbered, the rows already stored taken out; ``ingest._insert_table``).

        DuckDB lets one process at a time open a store for writing, so when this one has it,
        a ``running`` run started by any other process can no longer finish: it was killed.
        Runs of this process (another open Store in it) are left alone.
        """
        with self.transaction():
            rows = self.con.execute(
                "UPDATE runs SET status = 'interrupted', detail = ? WHERE status = 'running' "
                "AND coalesce(json_extract_string(detail, '$.process'), '') <> ? "
                "RETURNING run_id, stage",
                [
                    json.dumps({"error": "the process ended before the run finished"}),
                    _process_token(),
                ],
            ).fetchall()
            ingests = [int(run_id) for run_id, stage in rows if stage == "ingest"]
            if ingests:
                self.discard_raw_rows(ingests)
        return len(rows)

    def discard_raw_rows(self, run_ids: list[int]) -> None:
        """Take out the raw rows of these ingest runs: stored, never settled."""
        self.con.execute("DELETE FROM raw_postings WHERE list_contains(?, run_id)", [run_ids])

    def finish_run(self, run_id: int, stats: RunStats, started: float) -> None:
        self.con.execute(
            "UPDATE runs SET finished_at = ?, duration_s = ?, rows_in = ?, rows_out = ?, "
            "rows_rejected = ?, status = ?, detail = ? WHERE run_id = ?",
            [
                datetime.now(),
                round(time.perf_counter() - started, 3),
                stats.rows_in,
                stats.rows_out,
                stats.rows_rejected,
                stats.status,
                json.dumps(stats.detail, sort_keys=True, default=str) if stats.detail else None,
                run_id,
            ],
        )

    @contextmanager
    def run(self, stage: str) -> Iterator[tuple[int, RunStats]]:
        """Record a stage run; a failure marks it ``failed`` with the error, then re-raises."""
        started = time.perf_counter()
        run_id = self.start_run(stage)
        stats = RunStats()
        try:
            yield run_id, stats
        except BaseException as exc:
            stats.status = "failed"
            stats.detail["error"] = str(exc) or type(exc).__name__
            self.finish_run(run_id, stats, started)
            raise
        self.finish_run(run_id, stats, started)

    # -- queries --------------------------------------------------------------------------

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def counts(self) -> dict[str, int]:
        tables = ("raw_postings", "postings", "quarantine", "duplicates", "posting_places", "runs")
        return {t: int(self.scalar(f"SELECT count(*) FROM {t}")) for t in tables}

    def pending_raw(self) -> int:
        """Raw rows not yet given a disposition (posting, quarantine or duplicate)."""
        return int(self.scalar(f"SELECT count(*) FROM raw_postings r WHERE {UNPROCESSED}"))


UNPROCESSED = (
    "NOT EXISTS (SELECT 1 FROM postings p WHERE p.raw_id = r.raw_id) "
    "AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.raw_id = r.raw_id) "
    "AND NOT EXISTS (SELECT 1 FROM duplicates d WHERE d.raw_id = r.raw_id)"
)


@cache
def _process_token() -> str:
    """Names this process in ``runs`` (the pid alone could be reused by a later process)."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:12]}"


def memory_limit() -> str:
    """DuckDB's memory cap (it spills to disk beyond it): $JOBATLAS_MEMORY_LIMIT, else 1GB."""
    return os.environ.get("JOBATLAS_MEMORY_LIMIT") or "1GB"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
