"""Every JSON endpoint in-process, its answer and each of its errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from conftest import call
from jobatlas.api import classify, locate, parse_salaries
from jobatlas.serve import pages
from jobatlas.serve.models import MAX_BODY_BYTES, MAX_ITEMS
from jobatlas.serve.postings import MAX_PAGE_SIZE


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()["error"]
    assert body["status"] == status
    return body


def test_get_ranking_is_ranking_json_and_cached(app: FastAPI, ranked: dict[str, Any]) -> None:
    assert ranked["schema"].startswith("jobatlas.ranking/")
    assert {m["metro"] for m in ranked["metros"]} == {"Boston", "Austin"}
    key = app.state.jobatlas.rankings
    before = len(key._done)
    again = call(app, "GET", "/api/ranking")
    assert again.json() == ranked
    assert len(key._done) == before  # served from the cache, not recomputed


def test_get_ranking_parameters_change_the_answer(app: FastAPI, ranked: dict[str, Any]) -> None:
    core = call(app, "GET", "/api/ranking", params={"definition": "core", "max_per_country": 1})
    assert core.status_code == 200
    body = core.json()
    assert body["settings"]["definition"] == "core"
    assert body["max_per_country"] == 1 and len(body["listed"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2024-13"}, "query.since"),
        ({"until": "March"}, "query.until"),
        ({"since": "2024-03-20", "until": "2024-03-01"}, "query.since"),
        ({"definition": "everything"}, "query.definition"),
        ({"max_per_country": 0}, "query.max_per_country"),
        ({"profile": "<script>"}, "query.profile"),
    ],
)
def test_get_ranking_bad_parameter_is_422_naming_it(
    app: FastAPI, params: dict[str, Any], field: str
) -> None:
    error = error_of(call(app, "GET", "/api/ranking", params=params), 422)
    assert field in [f["field"] for f in error["fields"]]


def test_unknown_profile_is_400_with_a_hint(app: FastAPI) -> None:
    error = error_of(call(app, "GET", "/api/ranking", params={"profile": "nope"}), 400)
    assert error["type"] == "ConfigError" and "balanced" in error["hint"]


def test_window_without_postings_is_400(app: FastAPI) -> None:
    response = call(app, "GET", "/api/ranking", params={"since": "2030-01"})
    assert error_of(response, 400)["type"] == "ConfigError"


def test_post_ranking_with_custom_weights(app: FastAPI, ranked: dict[str, Any]) -> None:
    body = {"weights": {"salary": 1.0}, "draws": 1000, "seed": 3}
    response = call(app, "POST", "/api/ranking", json=body)
    assert response.status_code == 200, response.text
    custom = response.json()
    assert custom["profile"]["name"] == "custom"
    assert custom["settings"]["draws"] == 1000
    assert custom["profile"]["weights_pct"] == {"salary": 100}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"draws": 1001}, "body.draws"),
        ({"weights": {"size": -1}}, "body.weights.size"),
        ({"weights": {"charm": 1}}, "body"),
        ({"weights": {"size": 0}}, "body"),
        ({"colour": "red"}, "body.colour"),
    ],
)
def test_post_ranking_refuses_bad_bodies(app: FastAPI, body: dict[str, Any], field: str) -> None:
    error = error_of(call(app, "POST", "/api/ranking", json=body), 422)
    assert field in [f["field"] for f in error["fields"]]


def test_metro_summary(app: FastAPI, ranked: dict[str, Any]) -> None:
    first = ranked["metros"][0]
    response = call(app, "GET", f"/api/metros/{first['metro_id']}")
    assert response.status_code == 200
    metro = response.json()
    assert metro["metro"] == first["metro"] and metro["ranked"]
    assert metro["ranking"]["rank"] == first["rank"]
    assert sum(metro["postings_by_tier"].values()) > 0


def test_unknown_metro_is_404(app: FastAPI) -> None:
    assert error_of(call(app, "GET", "/api/metros/m0"), 404)["type"] == "NotFound"


def test_postings_filter_and_page(app: FastAPI, ranked: dict[str, Any]) -> None:
    metro = ranked["metros"][0]["metro_id"]
    everything = call(app, "GET", "/api/postings", params={"metro": metro, "page_size": 7}).json()
    assert everything["page_size"] == 7 and len(everything["postings"]) == 7
    assert everything["pages"] == -(-everything["total"] // 7)
    second = call(app, "GET", "/api/postings", params={"metro": metro, "page_size": 7, "page": 2})
    first_ids = {p["raw_id"] for p in everything["postings"]}
    assert first_ids.isdisjoint(p["raw_id"] for p in second.json()["postings"])
    found = call(app, "GET", "/api/postings", params={"q": "SCRIPT", "tier": "core"}).json()
    assert found["total"] > 0
    assert all("script" in (p["title"] + (p["company"] or "")).lower() for p in found["postings"])
    assert all(p["ai_ml_tier"] == "core" for p in found["postings"])
    paid = call(app, "GET", "/api/postings", params={"salary": True, "page_size": 100}).json()
    assert all(p["salary_status"] == "parsed" for p in paid["postings"])
    none = call(app, "GET", "/api/postings", params={"since": "2030-01-01"}).json()
    assert none["total"] == 0 and none["postings"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": MAX_PAGE_SIZE + 1}, "query.page_size"),
        ({"page": 0}, "query.page"),
        ({"tier": "gold"}, "query.tier"),
        ({"seniority": "emperor"}, "query.seniority"),
        ({"q": "x" * 201}, "query.q"),
    ],
)
def test_postings_bad_parameter_is_422(app: FastAPI, params: dict[str, Any], field: str) -> None:
    error = error_of(call(app, "GET", "/api/postings", params=params), 422)
    assert [f["field"] for f in error["fields"]] == [field]


def test_posting_detail_has_raw_record_and_evidence(app: FastAPI) -> None:
    listed = call(app, "GET", "/api/postings", params={"page_size": 1}).json()["postings"][0]
    detail = call(app, "GET", f"/api/postings/{listed['raw_id']}").json()
    assert detail["posting"]["raw_id"] == listed["raw_id"]
    assert detail["raw"]["record"]["title"] == detail["posting"]["title"]
    evidence = detail["evidence"]
    assert evidence["classifier"]["tier"] == listed["ai_ml_tier"]
    assert evidence["classifier"]["rules"]
    assert evidence["location"]["match_method"] and evidence["location"]["places"]
    assert evidence["salary"]["text"] == "$150,000 - $190,000 a year"
    assert evidence["salary"]["min"] == 150_000


def test_unknown_posting_is_404(app: FastAPI) -> None:
    assert error_of(call(app, "GET", "/api/postings/999999"), 404)["type"] == "NotFound"


def test_normalisers_answer_as_the_library(app: FastAPI) -> None:
    titles, descriptions = ["Machine Learning Engineer", "Accountant", None], [None, "ML", None]
    got = call(app, "POST", "/api/classify", json={"titles": titles, "descriptions": descriptions})
    assert got.json()["results"] == classify(titles, descriptions)
    places, hints = ["Berlin, Germany", "Remote - US", "Springfield"], [None, None, "US"]
    got = call(app, "POST", "/api/locate", json={"locations": places, "country_hints": hints})
    assert got.json()["results"] == locate(places, hints)
    texts, countries = ["$120,000 - $150,000 a year", "€25 per hour"], ["US", "DE"]
    dates, currencies = ["2024-01-15", None], [None, "EUR"]
    body = {"texts": texts, "countries": countries, "dates": dates, "currencies": currencies}
    got = call(app, "POST", "/api/salary", json=body)
    assert got.json()["results"] == parse_salaries(texts, countries, dates, currencies)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/classify", {"titles": ["a"] * (MAX_ITEMS + 1)}, "body.titles"),
        ("/api/classify", {"titles": ["a", "b"], "descriptions": ["x"]}, "body"),
        ("/api/classify", {"titles": ["x" * 1001]}, "body.titles.0"),
        ("/api/locate", {"locations": [1]}, "body.locations.0"),
        ("/api/locate", {}, "body.locations"),
        ("/api/salary", {"texts": ["1"], "dates": ["yesterday"]}, "body.dates.0"),
    ],
)
def test_normalisers_refuse_bad_bodies(
    app: FastAPI, path: str, body: dict[str, Any], field: str
) -> None:
    error = error_of(call(app, "POST", path, json=body), 422)
    assert field in [f["field"] for f in error["fields"]]


def test_oversized_bodies_are_413(app: FastAPI) -> None:
    big = b'{"titles": ["' + b"a" * MAX_BODY_BYTES + b'"]}'
    error = error_of(call(app, "POST", "/api/classify", content=big), 413)
    assert error["type"] == "PayloadTooLarge"

    async def chunks() -> Any:  # no Content-Length: counted as it streams
        yield b'{"titles": ["'
        for _ in range(5):
            yield b"a" * (MAX_BODY_BYTES // 4)
        yield b'"]}'

    streamed = call(app, "POST", "/api/classify", content=chunks())
    assert error_of(streamed, 413)["type"] == "PayloadTooLarge"


def test_malformed_json_is_422(app: FastAPI) -> None:
    response = call(app, "POST", "/api/locate", content=b"{not json")
    assert error_of(response, 422)["fields"]


def test_unknown_route_and_method(app: FastAPI) -> None:
    assert error_of(call(app, "GET", "/api/nothing"), 404)["type"] == "NotFound"
    assert error_of(call(app, "DELETE", "/api/ranking"), 405)["type"] == "MethodNotAllowed"


def test_no_endpoint_writes(app: FastAPI) -> None:
    """Every route is a GET, or a POST that computes from its body; the store is read-only."""
    operations = {(m, path) for path, ops in app.openapi()["paths"].items() for m in ops}
    assert {m for m, _ in operations} == {"get", "post"}
    posts = sorted(path for m, path in operations if m == "post")
    assert posts == ["/api/classify", "/api/locate", "/api/ranking", "/api/salary"]
    assert all(route.methods == {"GET"} for route in pages.router.routes)  # type: ignore[attr-defined]
    con = app.state.jobatlas.store.connection()
    with pytest.raises(Exception, match="read-only"):
        con.execute("CREATE TABLE t (x INTEGER)")


def test_openapi_documents_every_endpoint(app: FastAPI) -> None:
    schema = call(app, "GET", "/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/ranking",
        "/api/metros/{metro_id}",
        "/api/postings",
        "/api/postings/{raw_id}",
        "/api/classify",
        "/api/locate",
        "/api/salary",
    }
    assert call(app, "GET", "/docs").status_code == 200
