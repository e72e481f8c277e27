"""Recruitee Careers Site API: ``GET https://{company}.recruitee.com/api/offers/``.

The base URL is a template: ``{company}`` is replaced by the board slug. A base URL
without the placeholder is taken as the careers site itself (a custom domain, a
mirror). ``salary.min``/``max`` are strings and any part of ``salary`` may be null.
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
    html_to_text,
    iso_timestamp,
    join_places,
    maybe,
    need,
    need_list,
    number,
    posting,
    remote_from_flags,
    text,
)

NAME = "recruitee"
INFO = SourceInfo(
    name=NAME,
    title="Recruitee Careers Site API",
    default_base_url="https://{company}.recruitee.com",
    rate_limit=2.0,
    board_label="careers subdomain",
    docs_url="https://docs.recruitee.com/reference/intro-to-careers-site-api",
)
_PERIODS = {"hour": "hour", "day": "day", "week": "week", "month": "month", "year": "year"}


class Recruitee:
    info = INFO

    def check(self, board: Board) -> None:
        """Nothing to check: the API needs no key."""

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        site = ctx.base_url.replace("{company}", quote(board.slug, safe=""))
        page = ctx.get_json(f"{site}/api/offers/")
        offers = need_list(NAME, page, "offers")
        company = board.company or board.slug
        return ctx.map_each(offers, lambda offer: map_offer(offer, company))


def map_offer(offer: Any, company: str) -> RawPosting:
    where = "offers[]"
    offer_id = need(NAME, where, offer, "id", (int, str))
    title = need(NAME, where, offer, "title", str)
    places = [p for p in offer.get("locations") or () if isinstance(p, Mapping)]
    found = [text(p.get("country_code")) for p in places] + [text(offer.get("country_code"))]
    codes = {c.upper() for c in found if c}
    country = codes.pop() if len(codes) == 1 else None
    description = [html_to_text(offer.get("description")), html_to_text(offer.get("requirements"))]
    return posting(
        NAME,
        str(offer_id),
        offer,
        url=text(offer.get("careers_url")),
        title=title.strip(),
        company=text(offer.get("company_name")) or company,
        location=join_places(_place(p) for p in places) or text(offer.get("location")),
        country_hint=country,
        remote_hint=remote_from_flags(
            offer.get("remote"), offer.get("hybrid"), offer.get("on_site")
        ),
        description="\n\n".join(d for d in description if d) or None,
        posted_at=iso_timestamp(offer.get("published_at"))
        or iso_timestamp(offer.get("created_at")),
        **salary_fields(maybe(NAME, where, offer, "salary", dict)),
    )


def _place(item: Mapping[str, Any]) -> str | None:
    parts = [text(item.get("city")), text(item.get("state")), text(item.get("country"))]
    return ", ".join(p for p in parts if p) or text(item.get("name"))


def salary_fields(salary: Mapping[str, Any] | None) -> dict[str, Any]:
    if not salary:
        return {}
    low, high = number(salary.get("min")), number(salary.get("max"))
    if low is None and high is None:
        return {}
    currency = text(salary.get("currency"))
    period = text(salary.get("period"))
    return {
        "salary_min": low,
        "salary_max": high,
        "salary_currency": currency.upper() if currency else None,
        "salary_period": _PERIODS.get(period.lower()) if period else None,
    }


SOURCE = Recruitee()
