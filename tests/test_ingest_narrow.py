"""Ingest as issue #13 rebuilt it: rows stream into raw_postings in one statement, then the
repeats get their occurrence numbers and the rows already stored are taken out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

import jobatlas.ingest as ingest_module
import jobatlas.sources.files as files_module
from jobatlas.ingest import ingest_file, ingest_records
from jobatlas.models import RawPosting
from jobatlas.store.duckdb import Store
from samples import CANONICAL_ROWS, write_csv


def _rows(*titles: str) -> list[dict[str, str]]:
    return [dict(CANONICAL_ROWS[0], title=t) for t in titles]


def _hashes_unique(store: Store) -> bool:
    row = store.con.execute(
        "SELECT count(*) = count(DISTINCT content_hash) FROM raw_postings"
    ).fetchone()
    return bool(row and row[0])


def test_a_file_with_more_copies_of_a_row_adds_only_the_new_copies(
    store: Store, tmp_path: Path
) -> None:
    first = ingest_file(store, write_csv(tmp_path / "a.csv", _rows("x", "x", "y")))
    assert (first.rows_read, first.added) == (3, 3)
    later = ingest_file(store, write_csv(tmp_path / "b.csv", _rows("x", "y", "x", "z", "x")))
    assert (later.rows_read, later.added, later.skipped) == (5, 2, 3)
    added = store.con.execute(
        "SELECT source_row, record->>'title' FROM raw_postings WHERE run_id = ? ORDER BY 1",
        [store.scalar("SELECT max(run_id) FROM raw_postings")],
    ).fetchall()
    assert added == [(4, "z"), (5, "x")]  # the third "x" and the new "z"
    assert _hashes_unique(store)
    again = ingest_file(store, tmp_path / "b.csv")
    assert (again.added, again.skipped) == (0, 5)


def test_many_small_batches_store_the_same_rows_as_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids and hashes depend on the rows, not on how the reader cut them into batches."""
    path = write_csv(tmp_path / "jobs.csv", _rows("a", "b", "a", "c", "a", "d", "b"))
    query = "SELECT raw_id, source_row, content_hash, record, title FROM raw_postings ORDER BY 1"
    with Store.open(tmp_path / "one.duckdb") as one:
        ingest_file(one, path)
        expected = one.con.execute(query).fetchall()
    table = ingest_module.open_table(path, "utf-8")
    monkeypatch.setattr(files_module, "BATCH_ROWS", 2)
    monkeypatch.setattr(
        ingest_module, "open_table", lambda *a, **k: _replace(table, fast_batches=None)
    )
    with Store.open(tmp_path / "many.duckdb") as many:
        result = ingest_file(many, path)
        assert many.con.execute(query).fetchall() == expected
        assert _hashes_unique(many)
    assert (result.rows_read, result.added) == (7, 7)
    assert len(list(table.batches(lambda n: None))) == 4


def test_a_collected_id_given_twice_in_one_batch_is_stored_once(store: Store) -> None:
    run_id = store.start_run("collect")
    postings = [
        RawPosting("greenhouse", "17", {"n": i}, {"title": f"ML Engineer {i}"}) for i in (1, 2)
    ]
    result = ingest_records(store, postings, origin="https://example.test/jobs", run_id=run_id)
    assert (result.rows_read, result.added, result.skipped) == (2, 1, 1)
    stored = store.con.execute("SELECT title FROM raw_postings").fetchall()
    assert stored == [("ML Engineer 1",)]


def _batches(n: int, fail_at: int | None = None) -> Iterator[pa.RecordBatch]:
    for i in range(n):
        if i == fail_at:
            raise ValueError(f"bad batch {i}")
        yield pa.RecordBatch.from_pydict({"i": [i]})


def test_read_ahead_yields_every_batch_in_order_and_reraises_the_readers_error() -> None:
    got = [b.column(0)[0].as_py() for b in ingest_module._read_ahead(_batches(10), depth=2)]
    assert got == list(range(10))
    seen: list[int] = []
    with pytest.raises(ValueError, match="bad batch 3"):
        for batch in ingest_module._read_ahead(_batches(10, fail_at=3), depth=2):
            seen.append(batch.column(0)[0].as_py())
    assert seen == [0, 1, 2]


def test_read_ahead_closes_the_reader_when_the_consumer_stops_early() -> None:
    closed: list[bool] = []

    def reader() -> Iterator[pa.RecordBatch]:
        try:
            yield from _batches(1000)
        finally:
            closed.append(True)

    ahead = ingest_module._read_ahead(reader(), depth=2)
    assert next(ahead).column(0)[0].as_py() == 0
    ahead.close()  # joins the reading thread
    assert closed == [True]


def test_a_reader_error_mid_file_stores_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows the statement already took are rolled back with the rest."""
    from jobatlas.errors import InputError

    path = write_csv(tmp_path / "jobs.csv", _rows(*"abcdef"))
    table = ingest_module.open_table(path, "utf-8")

    def failing(advance: object) -> Iterator[pa.RecordBatch]:
        assert table.fast_batches is not None
        for batch in table.fast_batches(lambda n: None):
            yield batch.slice(0, 3)
            raise InputError("damaged after three rows")

    monkeypatch.setattr(
        ingest_module, "open_table", lambda *a, **k: _replace(table, fast_batches=failing)
    )
    with pytest.raises(InputError, match="damaged"):
        ingest_file(store, path)
    assert store.scalar("SELECT count(*) FROM raw_postings") == 0
    assert store.scalar("SELECT status FROM runs WHERE stage = 'ingest'") == "failed"


def _replace(table: object, **changes: object) -> object:
    import dataclasses

    return dataclasses.replace(table, **changes)  # type: ignore[type-var]


def test_content_hashes_keep_the_documented_formula(store: Store, tmp_path: Path) -> None:
    """Stores written before the rewrite hold ``md5(md5(record) || ':' || k)``: a re-ingest
    only skips their rows if the hashes are computed the same way."""
    ingest_file(store, write_csv(tmp_path / "jobs.csv", _rows("x", "y", "x")))
    rows = store.con.execute(
        """SELECT content_hash,
                  md5(md5(CAST(record AS VARCHAR)) || ':' || row_number() OVER
                      (PARTITION BY md5(CAST(record AS VARCHAR)) ORDER BY source_row))
           FROM raw_postings ORDER BY source_row"""
    ).fetchall()
    assert len(rows) == 3 and all(stored == formula for stored, formula in rows)
    assert rows[0][0] != rows[2][0]
