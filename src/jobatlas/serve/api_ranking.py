"""GET and POST /api/ranking, GET /api/metros/{metro_id}: the ranking as ranking.json."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from jobatlas.errors import ConfigError
from jobatlas.serve.errors import NotFound
from jobatlas.serve.models import DefinitionChoice, RankingBody
from jobatlas.serve.ranking import RankingKey, Served
from jobatlas.serve.state import DAY_PATTERN, ServeState, parse_day, state

router = APIRouter(prefix="/api", tags=["ranking"])

JSON = "application/json"
RANKING_DOC = "The ranking as ranking.json holds it (docs/ranking_json.md)."


async def ranking_key(
    profile: Annotated[
        str, Query(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Weight profile.")
    ] = "balanced",
    since: Annotated[
        str | None, Query(pattern=DAY_PATTERN, description="First posting date.")
    ] = None,
    until: Annotated[
        str | None, Query(pattern=DAY_PATTERN, description="Last posting date.")
    ] = None,
    definition: DefinitionChoice = DefinitionChoice.core_adjacent,
    max_per_country: Annotated[int | None, Query(ge=1, le=1000)] = None,
    top: Annotated[int, Query(ge=1, le=1000, description="Metros the report lists.")] = 10,
) -> RankingKey:
    """The query parameters shared by GET /api/ranking and the pages."""
    first = parse_day(since, "since", end=False)
    last = parse_day(until, "until", end=True)
    if first and last and first > last:
        raise_bad_window()
    return RankingKey(
        profile=profile,
        since=first,
        until=last,
        definition="core" if definition is DefinitionChoice.core else "core+adjacent",
        max_per_country=max_per_country,
        top=top,
    )


def raise_bad_window() -> None:
    raise RequestValidationError(
        [{"loc": ("query", "since"), "msg": "since is after until", "type": "value_error"}]
    )


@router.get("/ranking", summary="The ranking (cached per parameter set)", description=RANKING_DOC)
async def get_ranking(
    key: Annotated[RankingKey, Depends(ranking_key)],
    app: Annotated[ServeState, Depends(state)],
    request: Request,
) -> Response:
    return ranking_response(await app.served(key), request)


@router.post("/ranking", summary="The ranking under custom weights (at most 1,000 draws)")
async def post_ranking(
    body: RankingBody, app: Annotated[ServeState, Depends(state)], request: Request
) -> Response:
    key = RankingKey(
        profile=body.profile,
        since=body.since,
        until=body.until,
        definition="core" if body.definition is DefinitionChoice.core else "core+adjacent",
        max_per_country=body.max_per_country,
        top=body.top,
        draws=body.draws,
        seed=body.seed,
        weights=tuple(sorted(body.weights.items())) if body.weights else None,
    )
    return ranking_response(await app.served(key), request)


def ranking_response(served: Served, request: Request) -> Response:
    """The cached JSON, gzipped when the client accepts it (compressed once per ranking);
    304 when the client already holds this ranking (its ETag)."""
    headers = {"ETag": served.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == served.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(served.json_gzip, media_type=JSON, headers=headers)
    return Response(served.json_bytes, media_type=JSON, headers=headers)


METRO_ID = Path(max_length=100, description="A metro id, as in ranking.json (e.g. m4671654).")


@router.get("/metros/{metro_id}", summary="One metro: its standing and its postings' counts")
async def get_metro(
    metro_id: Annotated[str, METRO_ID], app: Annotated[ServeState, Depends(state)]
) -> dict[str, Any]:
    return await metro_summary(app, metro_id)


async def metro_summary(app: ServeState, metro_id: str) -> dict[str, Any]:
    """The metro's row, its entry in the default ranking, and its postings per tier."""
    rows = await run_in_threadpool(
        app.store.rows,
        "SELECT metro_id, metro, country_code, population, latitude, longitude "
        "FROM metros WHERE metro_id = ?",
        [metro_id],
    )
    if not rows:
        raise NotFound(f"no metro {metro_id!r}", hint="GET /api/ranking lists the metros")
    tiers = await run_in_threadpool(
        app.store.rows,
        "SELECT p.ai_ml_tier AS tier, count(*) AS postings FROM postings p "
        f"WHERE {IN_METRO} GROUP BY ALL ORDER BY ALL",
        [metro_id, metro_id],
    )
    try:
        report = (await app.served(RankingKey())).report
    except ConfigError:  # nothing ranks in this store: the metro's postings still show
        report = {"metros": [], "not_enough_data": []}
    ranked = next((m for m in report["metros"] if m["metro_id"] == metro_id), None)
    unranked = next((m for m in report["not_enough_data"] if m["metro_id"] == metro_id), None)
    return {
        **rows[0],
        "ranked": ranked is not None,
        "ranking": ranked or unranked,
        "postings_by_tier": {r["tier"]: r["postings"] for r in tiers},
    }


IN_METRO = "(p.metro_id = ? OR p.raw_id IN (SELECT raw_id FROM posting_places WHERE metro_id = ?))"
"""A posting is in a metro when any of its places is."""
