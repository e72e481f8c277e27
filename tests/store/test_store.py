from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from jobatlas.cli.main import app
from jobatlas.errors import StoreError
from jobatlas.store.duckdb import Store, _migrations


def test_migrations_apply_once_and_record_versions(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store.open(path) as store:
        versions = [v for v, _, _ in _migrations()]
        assert store.schema_version() == max(versions)
        applied = store.con.execute("SELECT count(*) FROM schema_migrations").fetchone()
        assert applied == (len(versions),)
    with Store.open(path) as store:  # reopening applies nothing twice
        applied = store.con.execute("SELECT count(*) FROM schema_migrations").fetchone()
        assert applied == (len(versions),)


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [v for v, _, _ in _migrations()]
    assert versions == list(range(1, len(versions) + 1))


def _record_compression(store: Store) -> set[str]:
    store.con.execute(
        "INSERT INTO raw_postings (raw_id, run_id, source, content_hash, ingested_at, record) "
        "SELECT i, 1, 'file:test', md5(i::VARCHAR), now(), "
        "to_json({'title': 'Machine Learning Engineer ' || i, 'description': repeat('text ', 80)}) "
        "FROM range(50000) t(i)"
    )
    store.con.execute("CHECKPOINT")
    rows = store.con.execute(
        "SELECT DISTINCT compression FROM pragma_storage_info('raw_postings') "
        "WHERE column_name = 'record' AND segment_type <> 'VALIDITY'"
    ).fetchall()
    return {r[0] for r in rows}


def test_the_raw_record_is_stored_with_zstd_where_the_file_format_has_it(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.duckdb") as store:
        assert _record_compression(store) == {"ZSTD"}
    # A file in the storage format of DuckDB 1.0 (an older jobatlas or DuckDB made it) has no
    # zstd for text: the store is made as before, and nothing fails.
    old = tmp_path / "old.duckdb"
    duckdb.connect(str(old), config={"storage_compatibility_version": "v1.0.0"}).close()
    with Store.open(old) as store:
        assert "ZSTD" not in _record_compression(store)


def test_a_file_that_is_not_duckdb_is_a_store_error(tmp_path: Path) -> None:
    bogus = tmp_path / "not.duckdb"
    bogus.write_text("hello, I am a text file\n" * 100)
    with pytest.raises(StoreError) as info:
        Store.open(bogus)
    assert str(bogus) in str(info.value)


def test_missing_folder_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "nope" / "s.duckdb")


def test_failed_run_is_recorded_as_failed(store: Store) -> None:
    with pytest.raises(RuntimeError), store.run("ingest"):
        raise RuntimeError("boom")
    row = store.con.execute("SELECT stage, status, detail FROM runs").fetchone()
    assert row is not None
    assert row[0] == "ingest" and row[1] == "failed" and "boom" in row[2]


KILLED_MID_RUN = """
import os, signal, sys
from jobatlas.store.duckdb import Store
store = Store.open(sys.argv[1])
store.start_run("normalize")
store.con.execute("CHECKPOINT")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_run_left_running_by_a_killed_process_becomes_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_RUN, str(path)], check=False)
    assert killed.returncode == -signal.SIGKILL
    with Store.open(path) as store:
        (status, detail), *others = store.con.execute("SELECT status, detail FROM runs").fetchall()
        assert not others
        assert status == "interrupted" and "ended before the run finished" in detail
        own = store.start_run("ingest")
        with Store.open(path) as again:  # this process's own run is still running
            assert again.scalar("SELECT status FROM runs WHERE run_id = ?", [own]) == "running"
    status = CliRunner().invoke(app, ["status", "--db", str(path)])
    assert "interrupted" in status.output
    assert "ended before the run finished" in status.output
