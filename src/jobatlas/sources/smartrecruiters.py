"""SmartRecruiters Posting API: ``GET {base}/v1/companies/{company}/postings``, offset/limit paged.

The list has no description, URL or salary. ``--details`` fetches each posting
(``/postings/{id}``) for its description and posting URL; without it the URL is the
public job page built from the company identifier and posting id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jobatlas.errors import SourceSchemaChanged
from jobatlas.models import RawPosting
from jobatlas.sources.base import (
    Board,
    FetchContext,
    SourceInfo,
    country_code,
    html_to_text,
    iso_timestamp,
    maybe,
    need,
    need_list,
    number,
    posting,
    remote_from_flags,
    text,
)
from jobatlas.sources.paging import OffsetLimit, paginate

NAME = "smartrecruiters"
INFO = SourceInfo(
    name=NAME,
    title="SmartRecruiters Posting API",
    default_base_url="https://api.smartrecruiters.com",
    rate_limit=2.0,
    board_label="company identifier",
    docs_url="https://developers.smartrecruiters.com",
)
PAGE_SIZE = 100
JOB_PAGE = "https://jobs.smartrecruiters.com"
_SECTIONS = ("jobDescription", "qualifications", "additionalInformation", "companyDescription")


class SmartRecruiters:
    info = INFO

    def check(self, board: Board) -> None:
        """Nothing to check: the API needs no key."""

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        company = quote(board.slug, safe="")
        path = f"/v1/companies/{company}/postings"
        items = list(
            paginate(
                lambda params: ctx.get_json(path, params),
                lambda page: need_list(NAME, page, "content"),
                OffsetLimit(limit=PAGE_SIZE, total=_total),
                source=NAME,
            )
        )
        if board.option("details"):
            items = [_with_detail(ctx, path, item) for item in items]
        return ctx.map_each(items, lambda item: map_posting(item, board))


def _total(page: Any) -> int | None:
    value = number(page.get("totalFound")) if isinstance(page, Mapping) else None
    return int(value) if value is not None else None


def _with_detail(ctx: FetchContext, path: str, item: Any) -> Any:
    try:
        posting_id = need(NAME, "content[]", item, "id", str)
    except SourceSchemaChanged:
        return item  # map_posting rejects it
    detail = ctx.get_json(f"{path}/{quote(posting_id, safe='')}")
    return {**item, **detail} if isinstance(detail, Mapping) else item


def map_posting(item: Any, board: Board) -> RawPosting:
    where = "content[]"
    posting_id = need(NAME, where, item, "id", str)
    title = need(NAME, where, item, "name", str)
    company = maybe(NAME, where, item, "company", dict) or {}
    place = maybe(NAME, where, item, "location", dict) or {}
    country = country_code(text(place.get("country")))
    identifier = text(company.get("identifier")) or board.slug
    return posting(
        NAME,
        posting_id,
        item,
        url=text(item.get("postingUrl")) or f"{JOB_PAGE}/{quote(identifier)}/{posting_id}",
        title=title.strip(),
        company=text(company.get("name")) or board.company or board.slug,
        location=_location(place, country),
        country_hint=country,
        remote_hint=remote_from_flags(place.get("remote"), place.get("hybrid")),
        description=_description(item.get("jobAd")),
        posted_at=iso_timestamp(item.get("releasedDate")),
    )


def _location(place: Mapping[str, Any], country: str | None) -> str | None:
    full = text(place.get("fullLocation"))
    if full:
        return full
    parts = [text(place.get("city")), text(place.get("region")), _country_name(country)]
    return ", ".join(p for p in parts if p) or None


def _country_name(code: str | None) -> str | None:
    if code is None:
        return None
    import pycountry

    found = pycountry.countries.get(alpha_2=code)
    return str(found.name) if found else code


def _description(job_ad: Any) -> str | None:
    sections = job_ad.get("sections") if isinstance(job_ad, Mapping) else None
    if not isinstance(sections, Mapping):
        return None
    parts = []
    for key in _SECTIONS:
        section = sections.get(key)
        if isinstance(section, Mapping):
            parts.append(html_to_text(section.get("text")))
    return "\n\n".join(p for p in parts if p) or None


SOURCE = SmartRecruiters()
