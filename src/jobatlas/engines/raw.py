"""Raw rows out of a store, as the Parquet dataset the Spark engine reads."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jobatlas.errors import StoreError


def export_raw(con: duckdb.DuckDBPyConnection, path: str | Path) -> int:
    """Write every raw row of the store open on ``con`` to the Parquet file ``path`` (its
    JSON record as text); returns the number of rows."""
    try:
        con.execute(
            "COPY (SELECT * REPLACE (CAST(record AS VARCHAR) AS record) FROM raw_postings "
            "ORDER BY raw_id) TO ? (FORMAT parquet)",
            [str(path)],
        )
        row = con.execute("SELECT count(*) FROM raw_postings").fetchone()
    except duckdb.Error as exc:
        raise StoreError(f"{path}: cannot write the raw rows ({exc})") from exc
    return int(row[0]) if row else 0
