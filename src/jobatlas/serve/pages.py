"""The pages: / (the HTML report, live from the store), /metros/{id}, /postings/{raw_id}."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from jobatlas.serve.api_postings import Page, PageSize, posting_filter
from jobatlas.serve.api_ranking import METRO_ID, metro_summary, ranking_key
from jobatlas.serve.html import PAGE_CSP, metro_page, posting_page
from jobatlas.serve.postings import PostingFilter, posting_detail
from jobatlas.serve.ranking import RankingKey
from jobatlas.serve.state import ServeState, state

router = APIRouter(include_in_schema=False)


def _own_page(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers={"Content-Security-Policy": PAGE_CSP})


@router.get("/", response_class=HTMLResponse)
async def report_page(
    key: Annotated[RankingKey, Depends(ranking_key)], app: Annotated[ServeState, Depends(state)]
) -> HTMLResponse:
    """The report of ``jobatlas report`` (report.html), which sets its own CSP in the page."""
    served = await app.served(key)
    return HTMLResponse(await run_in_threadpool(lambda: served.html))


@router.get("/metros/{metro_id}", response_class=HTMLResponse)
async def metro(
    metro_id: Annotated[str, METRO_ID],
    chosen: Annotated[PostingFilter, Depends(posting_filter)],
    app: Annotated[ServeState, Depends(state)],
    page: Page = 1,
    page_size: PageSize = 50,
) -> HTMLResponse:
    summary = await metro_summary(app, metro_id)
    scoped = PostingFilter(**{**vars(chosen), "metro": metro_id})
    found = await app.postings(scoped, page, page_size)
    form = {k: v for k, v in vars(chosen).items() if k != "metro"} | {"page_size": page_size}
    form = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in form.items()}
    return _own_page(metro_page(summary, found, form))


@router.get("/postings/{raw_id}", response_class=HTMLResponse)
async def posting(
    raw_id: Annotated[int, Path(ge=0, le=2**62)], app: Annotated[ServeState, Depends(state)]
) -> HTMLResponse:
    detail = await run_in_threadpool(posting_detail, app.store, raw_id)
    return _own_page(posting_page(detail))
