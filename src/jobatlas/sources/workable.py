"""Workable careers widget: ``GET {base}/api/v1/widget/accounts/{account}?details=true``.

Undocumented but public (it feeds the careers-page widget). One response per
account; dates only (``YYYY-MM-DD``); no salary fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jobatlas.models import RawPosting
from jobatlas.sources.base import (
    Board,
    FetchContext,
    SourceInfo,
    country_code,
    html_to_text,
    iso_timestamp,
    join_places,
    need,
    need_list,
    posting,
    text,
)

NAME = "workable"
INFO = SourceInfo(
    name=NAME,
    title="Workable careers widget",
    default_base_url="https://apply.workable.com",
    rate_limit=0.2,
    board_label="account",
    docs_url="https://dev.to/zsevic/integration-with-workable-public-jobs-api-3nk4",
)


class Workable:
    info = INFO

    def check(self, board: Board) -> None:
        """Nothing to check: the endpoint needs no key."""

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        account = quote(board.slug, safe="")
        page = ctx.get_json(f"/api/v1/widget/accounts/{account}", {"details": "true"})
        jobs = need_list(NAME, page, "jobs")
        company = text(page.get("name")) or board.company or board.slug
        return ctx.map_each(jobs, lambda job: map_job(job, company))


def map_job(job: Any, company: str) -> RawPosting:
    where = "jobs[]"
    shortcode = need(NAME, where, job, "shortcode", str)
    title = need(NAME, where, job, "title", str)
    places = [
        p for p in job.get("locations") or () if isinstance(p, Mapping) and not p.get("hidden")
    ]
    location = join_places(_place(p) for p in places) or _place(job)
    codes = {c for c in (text(p.get("countryCode")) for p in places) if c}
    country = codes.pop() if len(codes) == 1 else None
    return posting(
        NAME,
        shortcode,
        job,
        url=text(job.get("url")) or text(job.get("shortlink")),
        title=title.strip(),
        company=company,
        location=location,
        country_hint=country_code(country) if country else country_code(text(job.get("country"))),
        remote_hint="remote" if job.get("telecommuting") is True else None,
        description=html_to_text(job.get("description")),
        posted_at=iso_timestamp(job.get("published_on")) or iso_timestamp(job.get("created_at")),
    )


def _place(item: Mapping[str, Any]) -> str | None:
    region = item.get("region") if "region" in item else item.get("state")
    parts = [text(item.get("city")), text(region), text(item.get("country"))]
    return ", ".join(p for p in parts if p) or None


SOURCE = Workable()
