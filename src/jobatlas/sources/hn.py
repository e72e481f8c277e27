"""Hacker News "Ask HN: Who is hiring?" via the Algolia HN Search API.

1. ``GET {base}/api/v1/search_by_date?tags=story,author_whoishiring`` (paged, limited
   to the days around the month) finds the month's thread by its exact title;
2. ``GET {base}/api/v1/items/{id}`` returns it with nested comments. Job posts are the
   top-level comments; by convention their first line reads
   ``Company | Role | Location | REMOTE/ONSITE | Salary``. A comment naming several
   roles yields one posting per role (``source_id`` = ``{comment id}:{n}``, and the
   comment URL with ``#role-{n}`` so the copies are not taken for one job).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from jobatlas.errors import ConfigError, SourceError, SourceSchemaChanged
from jobatlas.models import RawPosting
from jobatlas.sources.base import (
    Board,
    FetchContext,
    SourceInfo,
    html_to_text,
    iso_timestamp,
    join_places,
    need,
    need_list,
    number,
    posting,
    text,
)
from jobatlas.sources.paging import PageNumber, paginate

NAME = "hn"
INFO = SourceInfo(
    name=NAME,
    title='Hacker News "Who is hiring?" (Algolia HN Search API)',
    default_base_url="https://hn.algolia.com",
    rate_limit=2.0,
    board_label="month (YYYY-MM)",
    docs_url="https://hn.algolia.com/api",
)
ITEM_URL = "https://news.ycombinator.com/item?id={}"
MAX_ROLES = 20
_SEARCH_MARGIN = timedelta(days=3)

_SEPARATOR = re.compile(r"\s*[|\uff5c]\s*")  # also the full-width bar
_URLISH = re.compile(r"^(?:https?://|www\.)\S*$|^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?$", re.I)
_REMOTE_WORDS = re.compile(
    r"\b(remote|on-?site|on site|in[- ]office|in[- ]person|hybrid)\b", re.IGNORECASE
)
_REMOTE_FILLER = re.compile(
    r"\b(or|and|only|friendly|ok|okay|first|possible|preferred|optional|partially|partial|"
    r"fully|full|also|welcome|available)\b|[()/,&+\-\u2013\u2014:;.!]",
    re.IGNORECASE,
)
_SALARY = re.compile(
    r"[$€£¥₹]|\b\d+(?:\.\d+)?\s*[kK]\b|\b\d{2,3}[,.]\d{3}\b|"
    r"\b(?:usd|eur|gbp|cad|aud|chf|inr|salary|equity|comp(?:ensation)?|ote)\b",
    re.IGNORECASE,
)
_EMPLOYMENT = re.compile(
    r"^(?:full[- ]?time|part[- ]?time|contract(?:or|-to-hire)?|freelance|permanent|ft|pt|"
    r"full[- ]?time\s*(?:/|or|,|&)\s*(?:part[- ]?time|contract)|[^|]*\bvisa\b[^|]*)$",
    re.IGNORECASE,
)
_ROLE_NOUN = (
    r"engineers?|developers?|scientists?|researchers?|managers?|designers?|architects?|"
    r"analysts?|leads?|directors?|heads?|cto|ceo|vp|sre|devops|mlops|interns?|internships?|"
    r"recruiters?|specialists?|consultants?|administrators?|technicians?|writers?|"
    r"programmers?|hackers?|founders?|officers?|owners?|partners?|associates?|"
    r"representatives?|executives?|advocates?|coordinators?|strategists?|marketers?|"
    r"accountants?|counsel|generalists?|staff|roles?|positions?|everyone|anyone"
)
_ROLE = re.compile(
    rf"\b(?:{_ROLE_NOUN}|senior|junior|principal|founding|full[- ]?stack|front[- ]?end|"
    r"back[- ]?end|machine learning|ml|ai|data|product|mobile|ios|android|software)\b",
    re.IGNORECASE,
)
_STRONG_ROLE = re.compile(rf"\b(?:{_ROLE_NOUN})\b", re.IGNORECASE)
_ROLE_SPLIT = re.compile(r"\s*(?:,|;|/|&|\+|\band\b|\bor\b)\s*", re.IGNORECASE)
_COMPANY_NOISE = re.compile(
    r"\s*\((?:[^()]*\b(?:yc|https?://|www\.)[^()]*)\)|\s+https?://\S+", re.I
)
_TITLE = re.compile(r"^Ask HN: Who is hiring\? \((\w+) (\d{4})\)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HeadLine:
    """What the first line of a "Who is hiring?" comment says."""

    company: str
    roles: tuple[str, ...]
    location: str | None = None
    remote: str | None = None
    salary: str | None = None


class HackerNews:
    info = INFO

    def check(self, board: Board) -> None:
        parse_month(board.slug)

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        year, month = parse_month(board.slug)
        story_id = find_thread(ctx, year, month)
        item = ctx.get_json(f"/api/v1/items/{story_id}")
        comments = need_list(NAME, item, "children")
        return ctx.map_each(comments, lambda comment: map_comment(comment, story_id))


def parse_month(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ConfigError(f"month {value!r} is not YYYY-MM", hint="e.g. --month 2024-06")
    return int(match.group(1)), int(match.group(2))


def find_thread(ctx: FetchContext, year: int, month: int) -> int:
    """The id of the month's "Ask HN: Who is hiring? (Month YYYY)" story."""
    start = datetime(year, month, 1, tzinfo=UTC)
    end = start + timedelta(days=calendar.monthrange(year, month)[1])
    window = (
        f"created_at_i>={int((start - _SEARCH_MARGIN).timestamp())},"
        f"created_at_i<{int((end + _SEARCH_MARGIN).timestamp())}"
    )
    search: dict[str, str | int] = {
        "tags": "story,author_whoishiring",
        "numericFilters": window,
        "hitsPerPage": 50,
    }
    hits = paginate(
        lambda params: ctx.get_json("/api/v1/search_by_date", {**search, **params}),
        lambda page: need_list(NAME, page, "hits"),
        PageNumber(last_page=_last_page),
        source=NAME,
        max_pages=20,
    )
    wanted = (calendar.month_name[month].lower(), str(year))
    for hit in hits:
        match = _TITLE.match(text(hit.get("title")) or "") if isinstance(hit, Mapping) else None
        if match and (match.group(1).lower(), match.group(2)) == wanted:
            story = str(need(NAME, "hits[]", hit, "objectID", (str, int)))
            if not story.isdigit():
                raise SourceSchemaChanged(NAME, "hits[].objectID", f"not a number: {story!r}")
            return int(story)
    raise SourceError(
        f"hn: no 'Ask HN: Who is hiring?' thread found for {year}-{month:02d}",
        hint="the thread is posted on the first weekday of the month; check --month",
    )


def _last_page(page: Any) -> int | None:
    pages = number(page.get("nbPages")) if isinstance(page, Mapping) else None
    return int(pages) - 1 if pages is not None else None


def map_comment(comment: Any, story_id: int) -> list[RawPosting]:
    """One posting per role named in a top-level comment's head line; none if it has none."""
    comment_id = need(NAME, "children[]", comment, "id", int)
    body = comment.get("text")
    head = parse_head(body) if isinstance(body, str) else None
    if head is None:
        return []
    record = {k: v for k, v in comment.items() if k != "children"} | {"story_id": story_id}
    roles = head.roles[:MAX_ROLES]
    several = len(roles) > 1
    return [
        posting(
            NAME,
            f"{comment_id}:{n}" if several else str(comment_id),
            record,
            url=ITEM_URL.format(comment_id) + (f"#role-{n}" if several else ""),
            title=role,
            company=head.company,
            location=head.location,
            remote_hint=head.remote,
            salary_text=head.salary,
            description=html_to_text(body),
            posted_at=iso_timestamp(comment.get("created_at")),
        )
        for n, role in enumerate(roles, start=1)
    ]


def first_line(body: str) -> str:
    """The comment's first paragraph as plain text."""
    first = re.split(r"<p>|\n", body, maxsplit=1, flags=re.IGNORECASE)[0]
    return html_to_text(first) or ""


def parse_head(body: str) -> HeadLine | None:
    """Parse ``Company | Role | Location | REMOTE | Salary`` (any order after the company)."""
    parts = [p for p in _SEPARATOR.split(first_line(body)) if p]
    if len(parts) < 2:
        return None
    company = _COMPANY_NOISE.sub("", parts[0]).strip(" -:\u2013\u2014")
    roles: list[str] = []
    places: list[str] = []
    remote: set[str] = set()
    salary: str | None = None
    other: list[str] = []
    for part in parts[1:]:
        if _URLISH.match(part) or _EMPLOYMENT.match(part):
            continue
        kinds = _remote_kinds(part)
        if kinds:
            remote |= kinds
            if _REMOTE_FILLER.sub(" ", _REMOTE_WORDS.sub(" ", part)).strip():
                places.append(part)
        elif salary is None and _SALARY.search(part) and not _STRONG_ROLE.search(part):
            salary = part
        elif _ROLE.search(part):
            roles.extend(split_roles(part))
        else:
            other.append(part)
    if not roles and other:
        roles.append(other.pop(0))
    if not company or not roles:
        return None
    return HeadLine(
        company=company,
        roles=tuple(roles),
        location=join_places(other[:1] + places[:1]),
        remote=_remote_hint(remote),
        salary=salary,
    )


def _remote_kinds(part: str) -> set[str]:
    kinds = set()
    for word in _REMOTE_WORDS.findall(part):
        lowered = word.lower()
        kinds.add(
            "remote" if lowered == "remote" else "hybrid" if lowered == "hybrid" else "onsite"
        )
    return kinds


def _remote_hint(kinds: set[str]) -> str | None:
    """hybrid wins; remote or onsite only when the line names just that one."""
    if "hybrid" in kinds:
        return "hybrid"
    return kinds.pop() if len(kinds) == 1 else None


def split_roles(part: str) -> list[str]:
    """ "ML Engineer, Product Designer" → two roles; "ML/AI Engineer" stays one."""
    pieces = [p.strip() for p in _ROLE_SPLIT.split(part) if p.strip()]
    if len(pieces) > 1 and all(_STRONG_ROLE.search(p) for p in pieces):
        return pieces
    return [part.strip()]


SOURCE = HackerNews()
