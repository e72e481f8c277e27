"""Greenhouse Job Board API: ``GET {base}/v1/boards/{token}/jobs?content=true``.

The whole board comes in one response. ``pay_input_ranges`` holds pay in integer
**cents** with no pay period; the period is inferred (see ``infer_period``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from jobatlas.errors import SourceSchemaChanged
from jobatlas.models import RawPosting
from jobatlas.sources.base import (
    Board,
    FetchContext,
    SourceInfo,
    html_to_text,
    iso_timestamp,
    maybe,
    need,
    need_list,
    posting,
    remote_from_label,
    text,
)

NAME = "greenhouse"
INFO = SourceInfo(
    name=NAME,
    title="Greenhouse Job Board API",
    default_base_url="https://boards-api.greenhouse.io",
    rate_limit=2.0,
    board_label="board token",
    docs_url="https://developers.greenhouse.io/job-board.html",
)

MAJOR_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "GBP", "EUR", "CHF", "SGD"})
"""Currencies whose amounts are on a dollar-like scale, where magnitude tells the period."""
YEARLY_FROM = 20_000
HOURLY_UP_TO = 300

_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (period, re.compile(pattern, re.IGNORECASE))
    for period, pattern in (
        ("hour", r"\b(?:per|an|a|/)\s*(?:hour|hr)\b|\bhourly\b"),
        ("day", r"\b(?:per|a|/)\s*day\b|\bdaily\b"),
        ("week", r"\b(?:per|a|/)\s*(?:week|wk)\b|\bweekly\b"),
        ("month", r"\b(?:per|a|/)\s*(?:month|mo)\b|\bmonthly\b"),
        ("year", r"\b(?:per|a|/)\s*(?:year|yr|annum)\b|\bannual(?:ly)?\b|\byearly\b"),
    )
)
_AMOUNT = re.compile(r"(\d{1,3}(?:[,.\u202f ]\d{3})+|\d+)(?:\.\d{1,2})?\s*([kK])?")
_WINDOW = 80
_SENTENCE_END = re.compile(r"[.;!?]\s|\n")


class Greenhouse:
    info = INFO

    def check(self, board: Board) -> None:
        """Nothing to check: the API needs no key."""

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        token = quote(board.slug, safe="")
        page = ctx.get_json(
            f"/v1/boards/{token}/jobs", {"content": "true", "pay_transparency": "true"}
        )
        jobs = need_list(NAME, page, "jobs")
        if board.option("details"):
            jobs = [_with_pay(ctx, token, job) for job in jobs]
        company = board.company or _board_name(ctx, token, jobs)
        return ctx.map_each(jobs, lambda job: map_job(job, company))


def _with_pay(ctx: FetchContext, token: str, job: Any) -> Any:
    """Add ``pay_input_ranges`` from the single-job call when the list did not carry them."""
    if not isinstance(job, Mapping) or "pay_input_ranges" in job:
        return job
    try:
        job_id = need(NAME, "jobs[]", job, "id", (int, str))
    except SourceSchemaChanged:
        return job  # map_job rejects it
    detail = ctx.get_json(
        f"/v1/boards/{token}/jobs/{quote(str(job_id), safe='')}", {"pay_transparency": "true"}
    )
    ranges = detail.get("pay_input_ranges") if isinstance(detail, Mapping) else None
    return {**job, "pay_input_ranges": ranges}


def _board_name(ctx: FetchContext, token: str, jobs: Sequence[Any]) -> str:
    """The board's display name, asked only when some job lacks ``company_name``."""
    if all(isinstance(j, Mapping) and text(j.get("company_name")) for j in jobs):
        return token
    info = ctx.get_json(f"/v1/boards/{token}")
    return text(info.get("name") if isinstance(info, Mapping) else None) or token


def map_job(job: Any, company: str | None) -> RawPosting:
    where = "jobs[]"
    job_id = need(NAME, where, job, "id", (int, str))
    title = need(NAME, where, job, "title", str)
    place = maybe(NAME, where, job, "location", dict)
    location = text(place.get("name")) if place else None
    description = html_to_text(job.get("content"), escaped=True)
    ranges = maybe(NAME, where, job, "pay_input_ranges", list) or []
    return posting(
        NAME,
        str(job_id),
        job,
        url=text(job.get("absolute_url")),
        title=title.strip(),
        company=text(job.get("company_name")) or company,
        location=location,
        remote_hint=_remote(job, location),
        description=description,
        posted_at=iso_timestamp(job.get("first_published")) or iso_timestamp(job.get("updated_at")),
        **pay_fields(ranges, description),
    )


def _remote(job: Mapping[str, Any], location: str | None) -> str | None:
    """From a "Workplace Type"-like custom field, else a bare Remote/Hybrid in the location."""
    for item in job.get("metadata") or ():
        if isinstance(item, Mapping) and re.search(
            r"workplace|remote", str(item.get("name", "")), re.I
        ):
            value = item.get("value")
            label = value[0] if isinstance(value, list) and value else value
            found = remote_from_label(label)
            if found:
                return found
    if location and re.search(r"\bremote\b", location, re.I):
        return "remote"
    if location and re.search(r"\bhybrid\b", location, re.I):
        return "hybrid"
    return None


def pay_fields(ranges: Sequence[Any], description: str | None) -> dict[str, Any]:
    """salary_min/max in currency units (cents / 100), currency and inferred period.

    Several ranges (pay zones) in one currency are merged into their envelope; ranges
    in other currencies than the first are left out.
    """
    usable = []
    for i, item in enumerate(ranges):
        where = f"jobs[].pay_input_ranges[{i}]"
        low = need(NAME, where, item, "min_cents", (int, float))
        high = need(NAME, where, item, "max_cents", (int, float))
        currency = need(NAME, where, item, "currency_type", str).strip().upper()
        usable.append((low / 100, high / 100, currency, item))
    if not usable:
        return {}
    currency = usable[0][2]
    same = [u for u in usable if u[2] == currency]
    low = min(u[0] for u in same)
    high = max(u[1] for u in same)
    labels = [f"{u[3].get('title') or ''} {u[3].get('blurb') or ''}" for u in same]
    return {
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency,
        "salary_period": infer_period(low, high, currency, description, labels),
    }


def infer_period(
    low: float,
    high: float,
    currency: str,
    description: str | None,
    labels: Sequence[str] = (),
) -> str | None:
    """The pay period Greenhouse does not give, by this rule (documented in docs/sources.md):

    1. a period word ("per hour", "hourly", "annually", "per month", ...) after the
       amount itself in the description (up to 80 characters, within its sentence),
       else in the range's title or blurb, when exactly one period is named there;
    2. otherwise, and when that word contradicts the size of a dollar-scale amount,
       the magnitude: 20,000 or more is yearly, 300 or less is hourly; else unknown.
    """
    by_magnitude = _period_by_magnitude(high, currency)
    stated = _stated_period(_windows(description, (low, high))) or _stated_period(labels)
    if stated is None:
        return by_magnitude
    contradicts = (
        by_magnitude is not None
        and by_magnitude != stated
        and (
            (stated in ("hour", "day") and by_magnitude == "year")
            or (stated in ("year", "month") and by_magnitude == "hour")
        )
    )
    return by_magnitude if contradicts else stated


def _period_by_magnitude(high: float, currency: str) -> str | None:
    if currency not in MAJOR_CURRENCIES:
        return None
    if high >= YEARLY_FROM:
        return "year"
    if 0 < high <= HOURLY_UP_TO:
        return "hour"
    return None


def _stated_period(texts: Sequence[str]) -> str | None:
    named = {period for snippet in texts for period, rx in _PERIOD_PATTERNS if rx.search(snippet)}
    return named.pop() if len(named) == 1 else None


def _windows(description: str | None, amounts: Sequence[float]) -> list[str]:
    """Snippets of the description that start at one of ``amounts`` written out."""
    if not description:
        return []
    found = []
    for match in _AMOUNT.finditer(description):
        digits = re.sub(r"\D", "", match.group(1))
        value = float(digits) * (1000 if match.group(2) else 1)
        if any(abs(value - a) <= max(0.5, a * 0.005) for a in amounts if a > 0):
            window = description[match.start() : match.end() + _WINDOW]
            found.append(_SENTENCE_END.split(window, maxsplit=1)[0])
    return found


SOURCE = Greenhouse()
