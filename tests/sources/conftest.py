"""Fixtures for the live-source tests: a running fake API and an empty store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakeapi import FakeApi

from jobatlas.store.duckdb import Store


@pytest.fixture
def api() -> Iterator[FakeApi]:
    server = FakeApi()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store with every migration applied, copied by ``store`` (migrating is slow)."""
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    Store.open(path).close()
    return path


@pytest.fixture
def store(tmp_path: Path, migrated: Path) -> Iterator[Store]:
    path = tmp_path / "jobatlas.duckdb"
    shutil.copyfile(migrated, path)
    with Store.open(path) as opened:
        yield opened
