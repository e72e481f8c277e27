"""A small store for the web app's tests: the hostile postings of tests/hostile.py, ingested
and normalised as `jobatlas run` does, so pages show real raw records and evidence."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from hostile import hostile_postings
from jobatlas.ingest import ingest_file
from jobatlas.pipeline import normalize
from jobatlas.serve.app import create_app
from jobatlas.store.duckdb import Store


@pytest.fixture(scope="session")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("serve")
    source = tmp / "hostile.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in hostile_postings()) + "\n", "utf-8")
    path = tmp / "store.duckdb"
    with Store.open(path) as store:
        ingest_file(store, source)
        normalize(store)
    return path


@pytest.fixture(scope="session")
def app(store_path: Path) -> Iterator[FastAPI]:
    built = create_app(store_path)
    yield built
    built.state.jobatlas.store.close()


def call(app: FastAPI, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request to ``app`` in-process, through httpx.ASGITransport."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            return await c.request(method, url, **kwargs)

    return asyncio.run(go())


@pytest.fixture(scope="session")
def ranked(app: FastAPI) -> dict[str, Any]:
    """The default ranking of the test store, as GET /api/ranking gives it."""
    response = call(app, "GET", "/api/ranking")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found
