"""Normalize with the helper process gives the store it gives without one.

From ``pipeline.HELPER_ROWS`` new rows, the location and salary steps run in a second process
and employer names are worked out partly there (``helper``); only where the work is done may
change, never a stored value.
"""

from __future__ import annotations

import csv
import gzip
from itertools import islice
from pathlib import Path
from typing import Any

import pytest

from jobatlas import pipeline
from jobatlas.bundled import bundled_postings
from jobatlas.ingest import ingest_paths
from jobatlas.store.duckdb import Store

# Every table normalize writes, in a stable order, without its run ids.
TABLES = {
    "postings": "raw_id",
    "quarantine": "raw_id",
    "duplicates": "raw_id",
    "posting_places": "raw_id, place_index",
    "metros": "metro_id",
    "employers": "company",
}


def _sample(path: Path, rows: int) -> Path:
    """The first ``rows`` rows of the bundled postings, as a file of the same schema."""
    with gzip.open(bundled_postings(), "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        head = list(islice(reader, rows + 1))
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(head)
    return path


def _tables(db: Path, sample: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Store.open(db) as store:
        _, errors = ingest_paths(store, [sample])
        assert not errors
        pipeline.normalize(store)
        out = {}
        for table, order in TABLES.items():
            columns = [
                d[0] for d in store.con.execute(f"SELECT * FROM {table} LIMIT 0").description
            ]
            kept = ", ".join(c for c in columns if c != "run_id")
            out[table] = store.con.execute(
                f"SELECT {kept} FROM {table} ORDER BY {order}"
            ).fetchall()
    return out


def test_normalize_in_the_helper_stores_what_it_stores_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = _sample(tmp_path / "sample.csv", 1500)
    monkeypatch.setattr(pipeline, "HELPER_ROWS", 10**9)
    alone = _tables(tmp_path / "alone.duckdb", sample)
    monkeypatch.setattr(pipeline, "HELPER_ROWS", 1)
    sent: list[str] = []
    submit = pipeline.Helper.submit

    def counted(self: pipeline.Helper, function: Any, *args: Any) -> Any:
        sent.append(function.__name__)
        return submit(self, function, *args)

    monkeypatch.setattr(pipeline.Helper, "submit", counted)
    helped = _tables(tmp_path / "helped.duckdb", sample)
    assert set(sent) >= {"locate", "parse_salaries", "rates", "metros"}  # the helper took them
    assert all(alone[t] for t in ("postings", "posting_places", "metros", "employers"))
    for table in TABLES:
        assert helped[table] == alone[table], table
