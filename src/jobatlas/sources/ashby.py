"""Ashby: ``GET {base}/posting-api/job-board/{org}?includeCompensation=true``.

The whole board in one response. Compensation components carry plain currency
units and an interval such as ``"1 YEAR"``; equity comes as a separate component.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
    number,
    posting,
    remote_from_label,
    text,
)

NAME = "ashby"
INFO = SourceInfo(
    name=NAME,
    title="Ashby public job posting API",
    default_base_url="https://api.ashbyhq.com",
    rate_limit=2.0,
    board_label="job board name",
    docs_url="https://developers.ashbyhq.com",
)
_UNITS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


class Ashby:
    info = INFO

    def check(self, board: Board) -> None:
        """Nothing to check: the API needs no key."""

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        org = quote(board.slug, safe="")
        page = ctx.get_json(f"/posting-api/job-board/{org}", {"includeCompensation": "true"})
        jobs = need_list(NAME, page, "jobs")
        company = board.company or board.slug
        listed = [j for j in jobs if not (isinstance(j, Mapping) and j.get("isListed") is False)]
        return ctx.map_each(listed, lambda job: map_job(job, company))


def map_job(job: Any, company: str) -> RawPosting:
    where = "jobs[]"
    job_id = need(NAME, where, job, "id", str)
    title = need(NAME, where, job, "title", str)
    address = job.get("address")
    postal = address.get("postalAddress") if isinstance(address, Mapping) else None
    country = postal.get("addressCountry") if isinstance(postal, Mapping) else None
    remote = remote_from_label(job.get("workplaceType"))
    if remote is None and job.get("isRemote") is True:
        remote = "remote"
    compensation = job.get("compensation")
    return posting(
        NAME,
        job_id,
        job,
        url=text(job.get("jobUrl")),
        title=title.strip(),
        company=company,
        location=join_places([job.get("location"), *_secondary(job.get("secondaryLocations"))]),
        country_hint=country_code(text(country)),
        remote_hint=remote,
        description=text(job.get("descriptionPlain")) or html_to_text(job.get("descriptionHtml")),
        posted_at=iso_timestamp(job.get("publishedAt")),
        **compensation_fields(compensation if isinstance(compensation, Mapping) else None),
    )


def _secondary(places: Any) -> list[str | None]:
    if not isinstance(places, list):
        return []
    return [p.get("location") if isinstance(p, Mapping) else text(p) for p in places]


def compensation_fields(compensation: Mapping[str, Any] | None) -> dict[str, Any]:
    """The first Salary component (summary first, else tiers); display text as salary_text."""
    if not compensation:
        return {}
    summary = text(compensation.get("scrapeableCompensationSalarySummary")) or text(
        compensation.get("compensationTierSummary")
    )
    components: list[Any] = list(compensation.get("summaryComponents") or [])
    for tier in compensation.get("compensationTiers") or ():
        if isinstance(tier, Mapping):
            components.extend(tier.get("components") or ())
    salary = _first_salary(components)
    if salary is None:
        return {"salary_text": summary}
    return {
        "salary_text": summary,
        "salary_min": number(salary.get("minValue")),
        "salary_max": number(salary.get("maxValue")),
        "salary_currency": text(salary.get("currencyCode")),
        "salary_period": interval_period(salary.get("interval")),
    }


def _first_salary(components: Sequence[Any]) -> Mapping[str, Any] | None:
    for component in components:
        if isinstance(component, Mapping) and component.get("compensationType") == "Salary":
            return component
    return None


def interval_period(interval: Any) -> str | None:
    """ "1 YEAR" → year, "1 HOUR" → hour; other counts ("2 WEEK") and "NONE" → None."""
    raw = interval if isinstance(interval, str) else ""
    match = re.fullmatch(r"\s*1\s+([a-z]+?)s?\s*", raw, re.IGNORECASE)
    return _UNITS.get(match.group(1).upper()) if match else None


SOURCE = Ashby()
