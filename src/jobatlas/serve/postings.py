"""Postings from the store: a filtered page of them, and one with its raw record and the
evidence for each normalising decision. Every value is a parameter, never SQL text."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from jobatlas.indicators.details import SENIORITY
from jobatlas.serve.errors import NotFound
from jobatlas.serve.store import ReadOnlyStore

MAX_PAGE_SIZE = 100
MAX_QUERY = 200

SUMMARY_COLUMNS = (
    "raw_id, title, company, ai_ml_tier, ai_ml_family, location_text, city, country_code, "
    "metro, metro_id, remote, salary_annual_usd, salary_currency, salary_status, posted_date, "
    "source, url"
)
LEVEL = (
    "CASE "
    + " ".join(f"WHEN regexp_matches(lower(title), '{rx}') THEN '{name}'" for name, rx in SENIORITY)
    + " ELSE 'mid' END"
)
"""A title's seniority, by the rules the ranking's seniority mix uses."""
_LEVELS = [(name, re.compile(rx)) for name, rx in SENIORITY]


@dataclass(frozen=True)
class PostingFilter:
    metro: str | None = None
    q: str | None = None
    tier: str | None = None
    family: str | None = None
    seniority: str | None = None
    since: date | None = None
    until: date | None = None
    salary: bool | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.metro:
            clauses.append(
                "(metro_id = ? OR raw_id IN (SELECT raw_id FROM posting_places WHERE metro_id = ?))"
            )
            params += [self.metro, self.metro]
        if self.q:
            clauses.append(
                "(contains(lower(title), ?) OR contains(lower(coalesce(company, '')), ?))"
            )
            params += [self.q.lower(), self.q.lower()]
        for column, value in (("ai_ml_tier", self.tier), ("ai_ml_family", self.family)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.seniority:
            clauses.append(f"{LEVEL} = ?")
            params.append(self.seniority)
        if self.since:
            clauses.append("posted_date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("posted_date <= ?")
            params.append(self.until)
        if self.salary is not None:
            clauses.append(
                "salary_status = 'parsed'" if self.salary else "salary_status <> 'parsed'"
            )
        return (" AND ".join(clauses) or "TRUE"), params


def page_of_postings(
    store: ReadOnlyStore, chosen: PostingFilter, page: int, page_size: int
) -> dict[str, Any]:
    """One page of the postings that pass ``chosen``, newest first, and how many pass.

    One query gives the page and the count (a window over the filtered rows); a page past
    the end, which has no row to carry the count, asks for the count alone."""
    where, params = chosen.where()
    rows = store.rows(
        f"SELECT {SUMMARY_COLUMNS}, count(*) OVER () AS total_rows FROM postings "
        f"WHERE {where} ORDER BY posted_date DESC NULLS LAST, raw_id LIMIT ? OFFSET ?",
        [*params, page_size, (page - 1) * page_size],
    )
    if rows:
        total = int(rows[0]["total_rows"])
    else:
        total = int(store.rows(f"SELECT count(*) AS n FROM postings WHERE {where}", params)[0]["n"])
    postings = []
    for row in rows:
        del row["total_rows"]
        postings.append(plain({**row, "seniority": seniority(row["title"])}))
    return paged(total, page, page_size, postings)


def paged(total: int, page: int, page_size: int, postings: list[Any]) -> dict[str, Any]:
    """One page of postings with the counts around it (at least one page, even empty)."""
    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "pages": max(1, math.ceil(total / page_size)),
        "postings": postings,
    }


def seniority(title: str | None) -> str:
    """What ``LEVEL`` gives in SQL, for one title (the patterns read the same in both)."""
    lowered = (title or "").lower()
    return next((name for name, rx in _LEVELS if rx.search(lowered)), "mid")


def posting_detail(store: ReadOnlyStore, raw_id: int) -> dict[str, Any]:
    """A posting's normalised fields, its raw record and the evidence of each decision."""
    found = store.rows(f"SELECT *, {LEVEL} AS seniority FROM postings WHERE raw_id = ?", [raw_id])
    if not found:
        raise NotFound(f"no posting {raw_id}", hint="GET /api/postings lists them")
    posting = plain(found[0])
    raw = store.rows(
        "SELECT source, source_file, source_row, ingested_at, record, location, country_hint, "
        "salary_text, salary_min, salary_max, salary_currency, salary_period, posted_at "
        "FROM raw_postings WHERE raw_id = ?",
        [raw_id],
    )
    places = store.rows(
        "SELECT place_index, city, country_code, geonameid, metro, metro_id, weight "
        "FROM posting_places WHERE raw_id = ? ORDER BY place_index",
        [raw_id],
    )
    raw_row = plain(raw[0]) if raw else {}
    record = raw_row.pop("record", None)
    return {
        "posting": posting,
        "raw": {**raw_row, "record": _record(record)},
        "evidence": {
            "classifier": {
                "tier": posting["ai_ml_tier"],
                "family": posting["ai_ml_family"],
                "score": posting["ai_ml_score"],
                "rules": [e for e in (posting["ai_ml_evidence"] or "").split("; ") if e],
                "seniority": posting["seniority"],
            },
            "location": {
                "text": posting["location_text"],
                "status": posting["location_status"],
                "match_method": posting.get("location_match_method"),
                "confidence": posting.get("location_confidence"),
                "truncated": posting.get("location_truncated"),
                "places": [plain(p) for p in places],
            },
            "salary": {
                "text": raw_row.get("salary_text"),
                "status": posting["salary_status"],
                "flags": [f for f in (posting["salary_flags"] or "").split(";") if f],
                "min": posting["salary_min"],
                "max": posting["salary_max"],
                "currency": posting["salary_currency"],
                "period": posting["salary_period"],
                "annual_usd": posting["salary_annual_usd"],
                "annual_ppp": posting["salary_annual_ppp"],
            },
        },
    }


def _record(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready values: dates and times as ISO text, NaN as None."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[key] = value
    return out
