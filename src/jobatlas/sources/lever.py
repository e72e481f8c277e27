"""Lever Postings API: ``GET {base}/v0/postings/{site}?mode=json``, paged by ``skip``/``limit``.

``--eu`` selects the EU instance (api.eu.lever.co). ``salaryRange`` is in currency
units with an ``interval`` such as ``per-year-salary``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jobatlas.errors import SourceSchemaChanged
from jobatlas.models import RawPosting
from jobatlas.sources.base import (
    Board,
    FetchContext,
    SourceInfo,
    html_to_text,
    iso_from_epoch_ms,
    join_places,
    maybe,
    need,
    need_list,
    number,
    posting,
    remote_from_label,
    text,
)
from jobatlas.sources.paging import OffsetLimit, paginate

NAME = "lever"
INFO = SourceInfo(
    name=NAME,
    title="Lever Postings API",
    default_base_url="https://api.lever.co",
    alt_base_urls={"eu": "https://api.eu.lever.co"},
    rate_limit=1.0,
    board_label="site",
    docs_url="https://github.com/lever/postings-api",
)
PAGE_SIZE = 100

_INTERVALS: tuple[tuple[str, str], ...] = (
    ("hour", "hour"),
    ("day", "day"),
    ("daily", "day"),
    ("week", "week"),
    ("month", "month"),
    ("year", "year"),
    ("annual", "year"),
)


class Lever:
    info = INFO

    def check(self, board: Board) -> None:
        """Nothing to check: the API needs no key."""

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        site = quote(board.slug, safe="")
        items = paginate(
            lambda params: ctx.get_json(f"/v0/postings/{site}", {"mode": "json", **params}),
            lambda page: need_list(NAME, page, None),
            OffsetLimit(limit=PAGE_SIZE, offset_param="skip"),
            source=NAME,
        )
        company = board.company or board.slug
        return ctx.map_each(items, lambda item: map_posting(item, company))


def map_posting(item: Any, company: str) -> RawPosting:
    where = "postings[]"
    posting_id = need(NAME, where, item, "id", str)
    title = need(NAME, where, item, "text", str)
    categories = maybe(NAME, where, item, "categories", dict) or {}
    places = categories.get("allLocations")
    location = join_places(
        places if isinstance(places, list) and places else [categories.get("location")]
    )
    country = text(item.get("country"))
    return posting(
        NAME,
        posting_id,
        item,
        url=text(item.get("hostedUrl")),
        title=title.strip(),
        company=company,
        location=location,
        country_hint=country.upper() if country and len(country) == 2 else None,
        remote_hint=remote_from_label(item.get("workplaceType")),
        description=_description(item),
        posted_at=iso_from_epoch_ms(item.get("createdAt")),
        salary_text=text(item.get("salaryDescriptionPlain"))
        or html_to_text(item.get("salaryDescription")),
        **salary_fields(maybe(NAME, where, item, "salaryRange", dict)),
    )


def _description(item: Mapping[str, Any]) -> str | None:
    parts = [text(item.get("descriptionPlain")) or html_to_text(item.get("description"))]
    for block in item.get("lists") or ():
        if isinstance(block, Mapping):
            parts.append(text(block.get("text")))
            parts.append(html_to_text(block.get("content")))
    parts.append(text(item.get("additionalPlain")) or html_to_text(item.get("additional")))
    return "\n\n".join(p for p in parts if p) or None


def salary_fields(salary: Mapping[str, Any] | None) -> dict[str, Any]:
    """Amounts, currency and period from ``salaryRange`` (``per-hour-wage`` → hour, ...)."""
    if not salary:
        return {}
    low, high = number(salary.get("min")), number(salary.get("max"))
    if low is None and high is None:
        if salary.get("min") is not None or salary.get("max") is not None:
            raise SourceSchemaChanged(NAME, "postings[].salaryRange.min", "not a number")
        return {}
    currency = text(salary.get("currency"))
    return {
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency.upper() if currency else None,
        "salary_period": interval_period(salary.get("interval")),
    }


def interval_period(interval: Any) -> str | None:
    """ "per-year-salary" → year, "per-hour-wage" → hour, ...; None when not recognised."""
    raw = text(interval)
    if raw is None:
        return None
    words = re.split(r"[^a-z]+", raw.lower())
    for word, period in _INTERVALS:
        if any(w.startswith(word) for w in words):
            return period
    return None


SOURCE = Lever()
