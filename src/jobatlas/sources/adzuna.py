"""Adzuna search API: ``GET {base}/v1/api/jobs/{country}/search/{page}?app_id=..&app_key=..``.

Needs ``ADZUNA_APP_ID`` and ``ADZUNA_APP_KEY`` (free registration at
developer.adzuna.com). Salaries are annual, in the country's currency; postings
with ``salary_is_predicted`` carry Adzuna's estimate and are flagged
``salary_estimated`` so they are never counted as posted pay.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from jobatlas.errors import ConfigError
from jobatlas.models import RawPosting
from jobatlas.sources.base import (
    Board,
    FetchContext,
    SourceInfo,
    iso_timestamp,
    maybe,
    need,
    need_list,
    number,
    posting,
    text,
)
from jobatlas.sources.paging import PageNumber, paginate

NAME = "adzuna"
KEY_ENV = ("ADZUNA_APP_ID", "ADZUNA_APP_KEY")
INFO = SourceInfo(
    name=NAME,
    title="Adzuna job search API",
    default_base_url="https://api.adzuna.com",
    rate_limit=0.4,
    board_label="country + query",
    docs_url="https://developer.adzuna.com",
    key_env=KEY_ENV,
)
PAGE_SIZE = 50
DEFAULT_PAGES = 5

CURRENCIES = {
    "at": "EUR", "au": "AUD", "be": "EUR", "br": "BRL", "ca": "CAD", "ch": "CHF", "de": "EUR",
    "es": "EUR", "fr": "EUR", "gb": "GBP", "in": "INR", "it": "EUR", "mx": "MXN", "nl": "EUR",
    "nz": "NZD", "pl": "PLN", "sg": "SGD", "us": "USD", "za": "ZAR",
}  # fmt: skip
"""The countries Adzuna serves, with the currency its salaries are in."""


class Adzuna:
    info = INFO

    def check(self, board: Board) -> None:
        credentials()
        country = board.slug.lower()
        if country not in CURRENCIES:
            raise ConfigError(
                f"adzuna does not serve country {board.slug!r}",
                hint="one of: " + ", ".join(sorted(CURRENCIES)),
            )

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        app_id, app_key = credentials()
        country = board.slug.lower()
        query: dict[str, str | int] = {
            "app_id": app_id,
            "app_key": app_key,
            "results_per_page": PAGE_SIZE,
            "content-type": "application/json",
        }
        for option, param in (("query", "what"), ("where", "where")):
            value = board.option(option)
            if value:
                query[param] = value
        pages = int(board.option("pages") or DEFAULT_PAGES)
        results = paginate(
            lambda params: ctx.get_json(
                f"/v1/api/jobs/{quote(country)}/search/{params['page']}", query
            ),
            lambda page: need_list(NAME, page, "results"),
            PageNumber(start=1, size=PAGE_SIZE, last_page=lambda page: _last_page(page, pages)),
            source=NAME,
            max_pages=pages + 1,
        )
        return ctx.map_each(results, lambda item: map_result(item, country))


def credentials() -> tuple[str, str]:
    values = [os.environ.get(name, "").strip() for name in KEY_ENV]
    if not all(values):
        missing = [n for n, v in zip(KEY_ENV, values, strict=True) if not v]
        raise ConfigError(
            f"adzuna needs {' and '.join(missing)} in the environment",
            hint="register at https://developer.adzuna.com, then export ADZUNA_APP_ID and "
            "ADZUNA_APP_KEY",
        )
    return values[0], values[1]


def _last_page(page: Any, pages: int) -> int:
    """Stop at the page limit asked for, or earlier when ``count`` says the results end."""
    count = number(page.get("count")) if isinstance(page, Mapping) else None
    available = -(-int(count) // PAGE_SIZE) if count is not None else pages
    return max(1, min(pages, available))


def map_result(item: Any, country: str) -> RawPosting:
    where = "results[]"
    job_id = need(NAME, where, item, "id", (str, int))
    title = need(NAME, where, item, "title", str)
    company = maybe(NAME, where, item, "company", dict) or {}
    place = maybe(NAME, where, item, "location", dict) or {}
    low, high = number(item.get("salary_min")), number(item.get("salary_max"))
    has_salary = low is not None or high is not None
    return posting(
        NAME,
        str(job_id),
        item,
        url=text(item.get("redirect_url")),
        title=title.strip(),
        company=text(company.get("display_name")),
        location=text(place.get("display_name")),
        country_hint=country.upper(),
        description=text(item.get("description")),
        posted_at=iso_timestamp(item.get("created")),
        salary_min=low,
        salary_max=high,
        salary_currency=CURRENCIES.get(country) if has_salary else None,
        salary_period="year" if has_salary else None,
        salary_estimated=is_predicted(item.get("salary_is_predicted")) if has_salary else None,
    )


def is_predicted(value: Any) -> bool:
    """Adzuna sends "1"/"0" (a string); accept booleans and numbers too."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


SOURCE = Adzuna()
