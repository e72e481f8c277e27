"""The normalize stage on the store (the store's accounting, in ``store.status``, is
re-exported here).

The stage is the statement catalogue of ``engines.catalogue``, which the Spark engine runs
too: DuckDB numbers the distinct titles, locations, salary inputs and employer names among
the new raw rows and keys each row by those numbers; each distinct value is normalised once
in Python (``engines.distinct``); dates, dedupe and duplicates are settled on the narrow
keys, and the wide raw columns are read once, when the postings are written. Every raw row
ends in exactly one of ``postings``, ``quarantine`` or ``duplicates``, in one transaction, so
``raw = postings + quarantined + duplicates`` holds at every commit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import duckdb

from jobatlas.engines.catalogue import DUPLICATE_WINDOW_DAYS, STEPS, Sql, relations, render
from jobatlas.engines.distinct import PythonStep
from jobatlas.errors import StoreError
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
    "quarantine_reasons",
    "runs",
]

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
    with progress("normalize", len(STEPS) + 1) as advance:
        for step in STEPS:
            started = time.perf_counter()
            rows = _run_step(con, step, run_id)
            seconds[step.name] = round(time.perf_counter() - started, 3)
            if step.sink is not None:
                written[step.sink] = written.get(step.sink, 0) + rows
            advance(1)
        grouping = time.perf_counter()
        refresh_employers(con)
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


def _run_step(con: duckdb.DuckDBPyConnection, step: Sql | PythonStep, run_id: int) -> int:
    """Make the step's relation (a temp table) and write its rows to its sink; returns the
    number of rows written to the sink (0 without one)."""
    if isinstance(step, PythonStep):
        arrow = step.function(con.sql(f"SELECT * FROM {step.source}").to_arrow_table())
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
