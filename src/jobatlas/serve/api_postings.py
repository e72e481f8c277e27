"""GET /api/postings (filtered, paged) and GET /api/postings/{raw_id} (with evidence)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from jobatlas.indicators.details import SENIORITY_LEVELS
from jobatlas.models import TIERS
from jobatlas.serve.postings import (
    MAX_PAGE_SIZE,
    MAX_QUERY,
    PostingFilter,
    posting_detail,
)
from jobatlas.serve.state import DAY_PATTERN, ServeState, parse_day, state

router = APIRouter(prefix="/api", tags=["postings"])

Tier = StrEnum("Tier", {t: t for t in TIERS})  # type: ignore[misc]
Seniority = StrEnum("Seniority", {s: s for s in SENIORITY_LEVELS})  # type: ignore[misc]


async def posting_filter(
    metro: Annotated[str | None, Query(max_length=100, description="A metro id.")] = None,
    q: Annotated[
        str | None, Query(max_length=MAX_QUERY, description="Text in the title or employer.")
    ] = None,
    tier: Tier | None = None,
    family: Annotated[
        str | None, Query(pattern=r"^[a-z_]{1,40}$", description="AI/ML family.")
    ] = None,
    seniority: Seniority | None = None,
    since: Annotated[str | None, Query(pattern=DAY_PATTERN)] = None,
    until: Annotated[str | None, Query(pattern=DAY_PATTERN)] = None,
    salary: Annotated[bool | None, Query(description="Only with (or without) a salary.")] = None,
) -> PostingFilter:
    return PostingFilter(
        metro=metro,
        q=q,
        tier=tier.value if tier else None,
        family=family,
        seniority=seniority.value if seniority else None,
        since=parse_day(since, "since", end=False),
        until=parse_day(until, "until", end=True),
        salary=salary,
    )


Page = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]


@router.get("/postings", summary="Postings, filtered and paged (newest first)")
async def get_postings(
    chosen: Annotated[PostingFilter, Depends(posting_filter)],
    app: Annotated[ServeState, Depends(state)],
    page: Page = 1,
    page_size: PageSize = 20,
) -> Response:
    found = await app.postings_json(chosen, page, page_size)
    return Response(found, media_type="application/json")


@router.get("/postings/{raw_id}", summary="One posting: raw record, fields and evidence")
async def get_posting(
    raw_id: Annotated[int, Path(ge=0, le=2**62)], app: Annotated[ServeState, Depends(state)]
) -> dict[str, Any]:
    return await run_in_threadpool(posting_detail, app.store, raw_id)
