"""The one error shape, the status of each error class, and a store locked by a writer."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import call
from jobatlas.errors import (
    ConfigError,
    InputError,
    JobatlasError,
    MigrationError,
    MissingColumnError,
    StoreError,
)
from jobatlas.serve.app import create_app
from jobatlas.serve.errors import (
    NotFound,
    PayloadTooLarge,
    StoreUnavailable,
    error_body,
    jobatlas_error_body,
    status_of,
)

SHAPE = {"status", "type", "message", "hint", "fields"}


def test_error_shape_is_pinned() -> None:
    body = jobatlas_error_body(NotFound("no metro 'x'", hint="list them"))
    assert body == {
        "error": {
            "status": 404,
            "type": "NotFound",
            "message": "no metro 'x'",
            "hint": "list them",
            "fields": [],
        }
    }
    assert set(error_body(422, "ValidationError", "m", fields=[])["error"]) == SHAPE


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("x"), 404),
        (PayloadTooLarge("x"), 413),
        (StoreUnavailable("x"), 503),
        (ConfigError("x"), 400),
        (InputError("x"), 400),
        (MissingColumnError("f", "c", []), 400),
        (StoreError("x"), 500),
        (MigrationError("x"), 500),
        (JobatlasError("x"), 500),
    ],
)
def test_status_comes_from_the_class(error: JobatlasError, status: int) -> None:
    assert status_of(error) == status


def test_missing_store_is_503(tmp_path: Path) -> None:
    app = create_app(tmp_path / "none.duckdb")
    response = call(app, "GET", "/api/postings")
    assert response.status_code == 503
    assert set(response.json()["error"]) == SHAPE
    assert response.headers["retry-after"]


WRITER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
print("locked", flush=True)
sys.stdin.readline()
"""


def test_a_writer_locks_the_store_then_the_server_answers(store_path: Path, tmp_path: Path) -> None:
    """While another process writes, 503 with the error shape; after, the same app answers."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(store_path.read_bytes())
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "locked"
        app = create_app(copy)
        locked = call(app, "GET", "/api/ranking")
        assert locked.status_code == 503, locked.text
        error = locked.json()["error"]
        assert error["type"] == "StoreUnavailable" and "locked" in error["message"]
    finally:
        writer.communicate("\n", timeout=30)  # the writer ends; its pipes are closed
    assert call(app, "GET", "/api/postings").status_code == 200


def test_while_served_a_writer_is_refused(store_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "served.duckdb"
    copy.write_bytes(store_path.read_bytes())
    app = create_app(copy)
    assert call(app, "GET", "/api/postings").status_code == 200  # the server holds it now
    started = time.perf_counter()
    writer = subprocess.run(
        [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1])", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert writer.returncode != 0 and "lock" in writer.stderr.lower()
    assert time.perf_counter() - started < 60
    app.state.jobatlas.store.close()
