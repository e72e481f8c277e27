"""The ``employers`` table: the employer of every company name in ``postings``.

``normalize.employers.group_employers`` looks at all of a store's names together (a bare
name joins a longer one only when nothing else starts with it; the display name is the
spelling with the most postings), so the table is rebuilt over every name whenever
normalize adds postings, and each name is canonicalised there once instead of at every
ranking. Each row keeps the number of postings its name had then: the table is current
exactly when those counts still match ``postings``.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from jobatlas.normalize.employers import group_employers

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


def employer_names(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every company name of ``postings`` with its postings, employer key and display name
    (both None for a name with no key), grouped now."""
    rows: list[tuple[str, int]] = con.execute(_NAME_COUNTS).fetchall()
    grouped = group_employers(rows)
    keys: list[str | None] = []
    names: list[str | None] = []
    for company, _ in rows:
        employer = grouped.get(company)
        keys.append(employer.key if employer else None)
        names.append(employer.name if employer else None)
    return pa.table(
        {
            "company": pa.array([c for c, _ in rows], pa.string()),
            "n_postings": pa.array([n for _, n in rows], pa.int64()),
            "employer_key": pa.array(keys, pa.string()),
            "employer_name": pa.array(names, pa.string()),
        }
    )


def refresh_employers(con: duckdb.DuckDBPyConnection) -> None:
    """Group every company name of ``postings`` into ``employers``, unless it is current."""
    if employers_current(con):
        return
    names = employer_names(con)
    con.execute("DELETE FROM employers")
    con.register("jobatlas_employers_arrow", names)
    try:
        con.execute("INSERT INTO employers SELECT * FROM jobatlas_employers_arrow")
    finally:
        con.unregister("jobatlas_employers_arrow")
