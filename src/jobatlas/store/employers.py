"""The ``employers`` table: the employer of every company name in ``postings``.

``normalize.employers`` groups all of a store's names together (a bare
name joins a longer one only when nothing else starts with it; the display name is the
spelling with the most postings), so the table is rebuilt over every name whenever
normalize adds postings, and each name is canonicalised there once instead of at every
ranking. Each row keeps the number of postings its name had then: the table is current
exactly when those counts still match ``postings``.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pyarrow as pa

from jobatlas.helper import Helper
from jobatlas.normalize.employers import EmployerGrouping, NameParts, parts_of

_NAME_COUNTS = "SELECT company, count(*) AS n FROM postings WHERE company IS NOT NULL GROUP BY 1"


def employers_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``employers`` holds the grouping of the names now in ``postings`` (False on
    a store opened without its migrations, which has no such table)."""
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'employers' AND NOT temporary"
    ).fetchone()
    if not exists or not exists[0]:
        return False
    row = con.execute(
        f"""SELECT count(*) FROM ({_NAME_COUNTS}) p FULL JOIN employers e USING (company)
            WHERE p.n IS DISTINCT FROM e.n_postings"""
    ).fetchone()
    return row is not None and row[0] == 0


_BATCH = 100_000


def employer_names(
    con: duckdb.DuckDBPyConnection,
    known: Mapping[str, NameParts | None] | None = None,
    helper: Helper | None = None,
) -> pa.Table:
    """Every company name of ``postings`` with its postings, employer key and display name
    (both None for a name with no key), grouped now.

    The names are read in batches and only their keys kept beside them, in Arrow; the
    employers of the keys are then looked up in bulk. Holding every raw name in Python
    dictionaries took about 500 MB for the 838,000 names of a 5M-row store
    (benchmarks/README.md). ``known``: names already worked out (``name_parts``); with a
    ``helper`` process, it works out the first half of each batch."""
    grouping = EmployerGrouping(known)
    batches: list[pa.RecordBatch] = []
    result = con.execute(_NAME_COUNTS)
    while rows := result.fetchmany(_BATCH):
        companies, counts = [c for c, _ in rows], [n for _, n in rows]
        batches.append(grouping.batch(companies, counts, _keys(grouping, rows, helper)))
    return grouping.table(batches)


def _keys(
    grouping: EmployerGrouping, rows: list[tuple[str, int]], helper: Helper | None
) -> list[str | None]:
    """``grouping.add`` of each (name, postings), in order; the names of the first half not
    already known are worked out by ``helper`` meanwhile."""
    half = len(rows) // 2 if helper is not None else 0
    sent = [c for c, _ in rows[:half] if not grouping.knows(c)]
    pending = helper.submit(parts_of, sent) if helper is not None and sent else None
    mine = [grouping.parts(c) for c, _ in rows[half:]]
    theirs = iter(pending.result() if pending is not None else [])
    first = [grouping.parts(c) if grouping.knows(c) else next(theirs) for c, _ in rows[:half]]
    return [grouping.count(found, n) for found, (_, n) in zip(first + mine, rows, strict=True)]


def refresh_employers(
    con: duckdb.DuckDBPyConnection,
    known: Mapping[str, NameParts | None] | None = None,
    helper: Helper | None = None,
) -> None:
    """Group every company name of ``postings`` into ``employers``, unless it is current;
    ``known`` and ``helper`` as for ``employer_names``."""
    if employers_current(con):
        return
    names = employer_names(con, known, helper)
    con.execute("DELETE FROM employers")
    con.register("jobatlas_employers_arrow", names)
    try:
        con.execute("INSERT INTO employers SELECT * FROM jobatlas_employers_arrow")
    finally:
        con.unregister("jobatlas_employers_arrow")
