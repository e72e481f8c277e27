"""The caches: a ranking computed once per parameter set, replayed answers, gzip and ETag;
and the seniority a page shows is the one the seniority filter selects by."""

from __future__ import annotations

import asyncio
from typing import Any

import duckdb
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from conftest import call
from jobatlas.indicators.details import SENIORITY_LEVELS
from jobatlas.serve.hot import Replay
from jobatlas.serve.postings import LEVEL, seniority


def test_ranking_is_gzipped_and_has_an_etag(app: FastAPI, ranked: dict[str, Any]) -> None:
    response = call(app, "GET", "/api/ranking", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json() == ranked  # httpx decodes it
    plain = call(app, "GET", "/api/ranking", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == ranked
    etag = response.headers["etag"]
    again = call(app, "GET", "/api/ranking", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = call(app, "GET", "/api/ranking", params={"definition": "core"})
    assert other.headers["etag"] != etag


def test_concurrent_requests_compute_a_ranking_once(app: FastAPI) -> None:
    cache = app.state.jobatlas.rankings
    computed: list[Any] = []
    original = cache._compute

    def counting(key: Any) -> Any:
        computed.append(key)
        return original(key)

    cache._compute = counting
    try:

        async def many() -> list[int]:
            import httpx

            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
                body = {"weights": {"growth": 1, "size": 2}, "draws": 50}
                answers = await asyncio.gather(
                    *(c.post("/api/ranking", json=body) for _ in range(6))
                )
            return [a.status_code for a in answers]

        assert asyncio.run(many()) == [200] * 6
    finally:
        cache._compute = original
    assert len(computed) == 1


def test_replay_keeps_successful_gets_only() -> None:
    calls: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["path"])
        status = 200 if b"ok" in scope["query_string"] else 422
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": str(len(calls)).encode()})

    replay = Replay(inner, size=2)

    async def get(path: str, query: bytes) -> bytes:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        async def receive() -> Any:
            return {"type": "http.request", "body": b""}

        scope = {"type": "http", "method": "GET", "path": path, "query_string": query}
        await replay(scope, receive, send)
        body: bytes = sent[-1]["body"]
        return body

    async def scenario() -> list[bytes]:
        return [
            await get("/api/postings", b"ok=1"),
            await get("/api/postings", b"ok=1"),  # replayed
            await get("/api/postings", b"bad"),
            await get("/api/postings", b"bad"),  # an error is not kept
            await get("/api/metros/x", b"ok"),
            await get("/api/metros/x", b"ok"),  # not a replayed path
        ]

    assert asyncio.run(scenario()) == [b"1", b"1", b"2", b"3", b"4", b"5"]


def test_shown_seniority_is_the_one_filtered_on(app: FastAPI) -> None:
    total = call(app, "GET", "/api/postings", params={"page_size": 1}).json()["total"]
    counted = 0
    for level in SENIORITY_LEVELS:
        found = call(app, "GET", "/api/postings", params={"seniority": level, "page_size": 100})
        body = found.json()
        assert all(p["seniority"] == level for p in body["postings"])
        counted += body["total"]
    assert counted == total


def test_python_and_sql_seniority_agree() -> None:
    titles = [
        "Senior ML Engineer",
        "Sr. Data Scientist",
        "Machine Learning Intern",
        "Junior AI Developer",
        "Staff Research Scientist",
        "Head of AI",
        "Data Scientist I",
        "ML Engineer III",
        "Engineering Manager, ML",
        "Applied Scientist",
        "seniority analyst",
        "Graduate ML Engineer",
        "Machine Learning Engineer",
    ]
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT title, {LEVEL} FROM (SELECT unnest(?) AS title)", [titles]
    ).fetchall()
    sql = dict(rows)
    assert {t: seniority(t) for t in titles} == sql
    assert set(sql.values()) == set(SENIORITY_LEVELS)  # every level is exercised
