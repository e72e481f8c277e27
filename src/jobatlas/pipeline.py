"""The normalize stage on the store (the store's accounting, in ``store.status``, is
re-exported here).

The stage is the statement catalogue of ``engines.catalogue``, which the Spark engine runs
too: DuckDB numbers the distinct titles, locations, salary inputs and employer names among
the new raw rows and keys each row by those numbers; each distinct value is normalised once
in Python (``engines.distinct``); dates, dedupe and duplicates are settled on the narrow
keys, and the wide raw columns are read once, when the postings are written. Every raw row
ends in exactly one of ``postings``, ``quarantine`` or ``duplicates``, in one transaction, so
``raw = postings + quarantined + duplicates`` holds at every commit.

The normalisers are pure Python, so one process runs them one after the other on one core.
From ``HELPER_ROWS`` new rows, the location and salary steps run in a helper process
(``jobatlas.helper``) while this one classifies the titles and works out employer names, and
the helper works out half of the names left at the end; where a value is computed never
changes it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from jobatlas.engines import distinct
from jobatlas.engines.catalogue import DUPLICATE_WINDOW_DAYS, STEPS, Sql, relations, render
from jobatlas.engines.distinct import PythonStep
from jobatlas.errors import StoreError
from jobatlas.helper import Helper, Pending, shared
from jobatlas.normalize.employers import NameParts, name_parts
from jobatlas.progress import progress
from jobatlas.store.duckdb import RunStats, Store, _first_line
from jobatlas.store.employers import refresh_employers
from jobatlas.store.status import Accounting, accounting, quarantine_reasons, runs

__all__ = [
    "DUPLICATE_WINDOW_DAYS",
    "Accounting",
    "NormalizeResult",
    "accounting",
    "normalize",
    "prepare",
    "quarantine_reasons",
    "runs",
]

#: From this many new raw rows, normalize runs the steps of ``IN_HELPER`` in the helper
#: process (``helper.shared``; starting it costs about 0.3 s of CPU).
HELPER_ROWS = 5_000
#: The location steps (the helper keeps the resolver loaded) and the salary steps that follow
#: them; this process classifies the titles and works out employer names meanwhile.
IN_HELPER = frozenset(
    step.name for step in (distinct.LOCATE, distinct.PARSE_SALARY, distinct.RATES, distinct.METROS)
)

# The relations the catalogue expects from an engine, over the store's tables.
_SETTLED = (
    "SELECT raw_id FROM postings UNION ALL SELECT raw_id FROM quarantine "
    "UNION ALL SELECT raw_id FROM duplicates"
)


@dataclass(frozen=True)
class NormalizeResult:
    rows_in: int
    postings: int
    quarantined: int
    duplicates: int
    seconds: dict[str, float] = field(default_factory=dict, compare=False)
    """Wall time of each catalogue step run (none when nothing was pending)."""


def prepare() -> None:
    """Start the helper process and have it load what the location and salary steps load
    on first use (``distinct.warm_up``: about 0.3 s from a warm cache), for a normalize later
    in this process: ``jobatlas run`` calls it before its ingest, which leaves a core free."""
    distinct.warm_up_in_helper()


def normalize(store: Store) -> NormalizeResult:
    """Turn every raw row without a disposition into a posting, a quarantine row or a duplicate."""
    with store.run("normalize") as (run_id, stats):
        try:
            with store.transaction():
                result = _normalize(store, run_id, stats)
        except duckdb.Error as exc:
            raise StoreError(f"normalize failed ({_first_line(exc)})") from exc
    return result


def _normalize(store: Store, run_id: int, stats: RunStats) -> NormalizeResult:
    con = store.con
    rows_in = store.pending_raw()
    stats.rows_in = rows_in
    if rows_in == 0:
        refresh_employers(con)
        return NormalizeResult(0, 0, 0, 0)
    con.execute(f"CREATE OR REPLACE TEMP VIEW settled AS {_SETTLED}")
    written: dict[str, int] = {}
    seconds: dict[str, float] = {}
    ahead = _Ahead(con, shared() if rows_in >= HELPER_ROWS else None)
    with progress("normalize", len(STEPS) + 1) as advance:
        for step in STEPS:
            started = time.perf_counter()
            rows = _run_step(con, step, run_id, ahead)
            seconds[step.name] = round(time.perf_counter() - started, 3)
            if step.sink is not None:
                written[step.sink] = written.get(step.sink, 0) + rows
            ahead.made(step.name)
            advance(1)
        grouping = time.perf_counter()
        refresh_employers(con, ahead.finish(), ahead.helper)
        stats.detail["employer_grouping_s"] = round(time.perf_counter() - grouping, 3)
        advance(1)
    for name in relations():
        con.execute(f"DROP TABLE IF EXISTS {name}")
    con.execute("DROP VIEW settled")
    postings, quarantined = written.get("postings", 0), written.get("quarantine", 0)
    duplicates = written.get("duplicates", 0)
    stats.rows_out = postings
    stats.rows_rejected = quarantined
    stats.detail.update(duplicates=duplicates)
    stats.detail.update(_dispositions(con, run_id))
    return NormalizeResult(rows_in, postings, quarantined, duplicates, seconds)


class _Ahead:
    """The steps of ``IN_HELPER``, sent to the helper process as soon as their source is made
    (the locate step then runs beside the title classifier), and the employer names of the
    new rows worked out on a thread of this process meanwhile: the SQL steps run in DuckDB
    without the GIL, so the thread mostly uses time this process would spend waiting."""

    def __init__(self, con: duckdb.DuckDBPyConnection, helper: Helper | None) -> None:
        self._con = con
        self.helper = helper
        self._sent: dict[str, Pending[pa.Table]] = {}
        self._worker: threading.Thread | None = None
        self._stop = threading.Event()
        self.names: dict[str, NameParts | None] = {}
        """``name_parts`` of the new rows' employer names worked out in the meantime."""

    def made(self, relation: str) -> None:
        """Send the steps whose source is ``relation``, which was just made."""
        if self.helper is None:
            return
        if relation == _NAMES_AFTER:
            names = _new_names(self._con)
            self._worker = threading.Thread(
                target=self._work_out, args=(names,), name="jobatlas-names", daemon=True
            )
            self._worker.start()
        for step in STEPS:
            if isinstance(step, PythonStep) and step.name in IN_HELPER and step.source == relation:
                self._sent[step.name] = self.helper.submit(
                    step.function, _read(self._con, relation)
                )

    def result(self, step: PythonStep) -> pa.Table | None:
        """The step's rows if it was sent (worked out in the meantime), else None."""
        pending = self._sent.pop(step.name, None)
        return None if pending is None else pending.result()

    def finish(self) -> dict[str, NameParts | None]:
        """Stop the names thread and return the names it worked out."""
        self._stop.set()
        if self._worker is not None:
            self._worker.join()
        return self.names

    def _work_out(self, names: pa.Table) -> None:
        for batch in names.to_batches(max_chunksize=256):
            if self._stop.is_set():
                return
            self.names.update((name, name_parts(name)) for name in batch.column(0).to_pylist())


_NAMES_SOURCE = "in_company"
# The names thread starts once the titles are classified: both hold the GIL.
_NAMES_AFTER = distinct.CLASSIFY.name


def _new_names(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The employer names of the new rows, read at once (in Arrow, compact), so that the
    connection is free for the next steps while they are worked through."""
    return _read(con, f"(SELECT company FROM {_NAMES_SOURCE} WHERE company IS NOT NULL)")


def _read(con: duckdb.DuckDBPyConnection, relation: str) -> pa.Table:
    return con.sql(f"SELECT * FROM {relation}").to_arrow_table()


def _run_step(
    con: duckdb.DuckDBPyConnection, step: Sql | PythonStep, run_id: int, ahead: _Ahead
) -> int:
    """Make the step's relation (a temp table) and write its rows to its sink; returns the
    number of rows written to the sink (0 without one)."""
    if isinstance(step, PythonStep):
        arrow = ahead.result(step)
        if arrow is None:
            arrow = step.function(_read(con, step.source))
        con.register(f"{step.name}_arrow", arrow)
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {step.name} AS SELECT * FROM {step.name}_arrow"
            )
        finally:
            con.unregister(f"{step.name}_arrow")
        source = step.name
    elif step.keep:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {step.name} AS {render(step.name, 'duckdb')}")
        source = step.name
    else:
        source = f"({render(step.name, 'duckdb')})"
    if step.sink is None:
        return 0
    return _insert(con, step.sink, source, run_id)


def _insert(con: duckdb.DuckDBPyConnection, table: str, source: str, run_id: int) -> int:
    """Insert the rows of ``source`` into the store's ``table`` by column name, with this
    run's id where the table records it; every column of the table must be filled."""
    columns = [
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]
    given = {str(d[0]) for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description}
    missing = [c for c in columns if c not in given and c != "run_id"]
    if missing:
        raise StoreError(f"normalize does not know how to fill {table}.{', '.join(missing)}")
    values = ", ".join("$run_id" if c == "run_id" and c not in given else c for c in columns)
    row = con.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {source} s",
        {"run_id": run_id} if "$run_id" in values else {},
    ).fetchone()
    return int(row[0]) if row else 0


def _dispositions(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, Any]:
    rows = con.execute(
        "SELECT 'location_' || location_status, count(*) FROM postings WHERE run_id = $r "
        "GROUP BY 1 UNION ALL "
        "SELECT 'salary_' || salary_status, count(*) FROM postings WHERE run_id = $r "
        "GROUP BY 1 UNION ALL "
        "SELECT 'tier_' || ai_ml_tier, count(*) FROM postings WHERE run_id = $r GROUP BY 1",
        {"r": run_id},
    ).fetchall()
    return {str(k): int(v) for k, v in sorted(rows)}
