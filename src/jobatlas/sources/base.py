"""The source protocol and the helpers their mappers share (the registry is in ``registry``).

A source is one small module: a ``SourceInfo`` (name, default base URL, rate limit,
keys it needs) and a ``fetch(board, ctx)`` that returns ``RawPosting``s keeping the
source's own id, URL and structured fields. It maps its jobs through ``ctx.map_each``,
so one job it cannot read is set aside (and later quarantined) instead of failing the
board; a response without the job list itself still fails the whole board. The base URL
of every source can be overridden by ``--base-url`` or ``JOBATLAS_<SOURCE>_URL``, for
mirrors, proxies and tests.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any, Protocol

from jobatlas.errors import SourceSchemaChanged
from jobatlas.models import RawPosting
from jobatlas.sources.http import HttpClient, Params, display_url


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What ``jobatlas sources`` prints, and what the collector needs to call a source."""

    name: str
    title: str
    default_base_url: str
    rate_limit: float
    """Requests per second per host that we allow ourselves."""
    board_label: str
    docs_url: str
    key_env: tuple[str, ...] = ()
    extra: str | None = None
    alt_base_urls: Mapping[str, str] = field(default_factory=dict)
    """Default base URLs chosen by a board option, e.g. Lever's ``eu``."""
    rate_note: str | None = None
    """Shown instead of the rate limit when requests are not ours to pace (JobSpy)."""

    @property
    def rate_text(self) -> str:
        return self.rate_note or f"{self.rate_limit:g} req/s per host"

    @property
    def env_var(self) -> str:
        return f"JOBATLAS_{self.name.upper()}_URL"

    @property
    def needs_key(self) -> bool:
        return bool(self.key_env)

    def base_url(self, board: Board | None = None, explicit: str | None = None) -> str:
        """``explicit`` (``--base-url``), else the env variable, else the default for the board."""
        chosen = explicit or os.environ.get(self.env_var, "").strip()
        if not chosen and board is not None:
            chosen = next((u for k, u in self.alt_base_urls.items() if board.option(k)), "")
        return (chosen or self.default_base_url).rstrip("/")


@dataclass(frozen=True, slots=True)
class Board:
    """One thing to collect: a company board, a month of HN, or one search."""

    source: str
    slug: str
    company: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str) -> str | None:
        return next((v for k, v in self.options if k == name), None)

    @property
    def key(self) -> str:
        """Stable identity of the board within a collection (also stored in collection_runs)."""
        extra = "&".join(f"{k}={v}" for k, v in sorted(self.options))
        return f"{self.source}:{self.slug}" + (f"?{extra}" if extra else "")


def board(
    source: str, slug: str, company: str | None = None, **options: str | bool | int | None
) -> Board:
    """Build a Board; false or None options are left out, ``True`` becomes ``"1"``."""
    kept = tuple(
        sorted(
            (k, "1" if v is True else str(v))
            for k, v in options.items()
            if v is not None and v is not False and v != ""
        )
    )
    return Board(source=source, slug=slug, company=company, options=kept)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A job of the board that could not be mapped, kept so normalize can quarantine it."""

    position: int
    """1-based, among the items the board listed."""
    reason: str
    record: Any


Mapper = Callable[[Any], RawPosting | Sequence[RawPosting]]

_UNREADABLE = (SourceSchemaChanged, TypeError, ValueError, AttributeError)
"""What a mapper raises on a job of the wrong shape (a field missing, a list where a
number should be); anything else is a bug and fails the board."""


class FetchContext:
    """What a source gets for one board: the shared client, its base URL, a request count.

    ``requests`` counts HTTP requests, retries included; ``rejected`` holds the jobs
    ``map_each`` could not map.
    """

    def __init__(self, client: HttpClient, info: SourceInfo, base_url: str) -> None:
        self.client = client
        self.info = info
        self.base_url = base_url
        self.requests = 0
        self.origin: str | None = None
        self.notes: list[str] = []
        self.rejected: list[Rejected] = []
        self._items = 0

    def get_json(self, path_or_url: str, params: Params | None = None) -> Any:
        """GET a path under the base URL (or an absolute URL) and decode the JSON."""
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        if self.origin is None:
            self.origin = display_url(url)
        return self.client.get_json(
            url, params, source=self.info.name, rate=self.info.rate_limit, on_attempt=self._count
        )

    def _count(self) -> None:
        self.requests += 1

    def map_each(self, items: Iterable[Any], mapper: Mapper) -> list[RawPosting]:
        """Map every item; an item the mapper cannot read goes to ``rejected`` with the reason."""
        mapped: list[RawPosting] = []
        for item in items:
            self._items += 1
            try:
                result = mapper(item)
            except _UNREADABLE as exc:
                self.rejected.append(Rejected(self._items, _reason(exc), item))
                continue
            if isinstance(result, RawPosting):
                mapped.append(result)
            else:
                mapped.extend(result)
        return mapped

    def degrade(self, note: str) -> None:
        """Record a problem that makes the board's result incomplete (status ``degraded``)."""
        self.notes.append(note)


def _reason(error: Exception) -> str:
    if isinstance(error, SourceSchemaChanged):
        return error.problem
    return f"unreadable ({type(error).__name__}: {error})"


class Source(Protocol):
    info: SourceInfo

    def check(self, board: Board) -> None:
        """Raise ConfigError or MissingDependency before any request is made."""

    def fetch(self, board: Board, ctx: FetchContext) -> Iterable[RawPosting]: ...


# -- helpers for mappers ---------------------------------------------------------------------


def need(source: str, where: str, record: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    """``record[key]``, which must exist and be of ``kind``; else SourceSchemaChanged naming it."""
    if not isinstance(record, Mapping):
        raise SourceSchemaChanged(source, where, f"expected an object, got {_kind(record)}")
    value = record.get(key)
    if (
        value is None
        or not isinstance(value, kind)
        or (isinstance(value, bool) and kind is not bool)
    ):
        raise SourceSchemaChanged(source, f"{where}.{key}", f"got {_kind(value)}")
    return value


def maybe(source: str, where: str, record: Mapping[str, Any], key: str, kind: type) -> Any:
    """``record[key]`` when present and not null; of ``kind`` or SourceSchemaChanged."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, kind):
        raise SourceSchemaChanged(source, f"{where}.{key}", f"got {_kind(value)}")
    return value


def need_list(source: str, page: Any, key: str | None) -> list[Any]:
    """The list of jobs on a page: ``page[key]``, or the page itself when ``key`` is None."""
    value = page if key is None else (page.get(key) if isinstance(page, Mapping) else None)
    if not isinstance(value, list):
        raise SourceSchemaChanged(source, key or "<body>", f"expected a list, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def text(value: Any) -> str | None:
    """A stripped string, or None for missing, empty or non-string values."""
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return None


def number(value: Any) -> float | None:
    """A float from a number or a numeric string ("28000"); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", "").strip())
        except ValueError:
            return None
    return None


def posting(source: str, source_id: str, record: Mapping[str, Any], **fields: Any) -> RawPosting:
    """A RawPosting whose ``fields`` keep only the values that are set."""
    kept = {k: v for k, v in fields.items() if v is not None and v != ""}
    return RawPosting(source=source, source_id=source_id, record=record, fields=kept)


def join_places(places: Iterable[str | None]) -> str | None:
    """Several locations as one text, "; "-separated, without repeats."""
    seen: list[str] = []
    for place in places:
        cleaned = text(place)
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return "; ".join(seen) or None


# -- dates -------------------------------------------------------------------------------------


def iso_from_epoch_ms(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


_UTC_SUFFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)\s*UTC$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _valid_date(raw: str) -> bool:
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True


def iso_timestamp(value: Any) -> str | None:
    """An ISO 8601 text from the date formats the sources use (a bare date stays a date)."""
    raw = text(value)
    if raw is None:
        return None
    match = _UTC_SUFFIX.match(raw)
    if match:
        return f"{match.group(1)}T{match.group(2)}+00:00"
    if _DATE_ONLY.match(raw):
        return raw if _valid_date(raw) else None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.isoformat()


# -- places and remote work ---------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 from a code ("gb", "GBR") or an English name ("United Kingdom")."""
    if not value:
        return None
    import pycountry

    cleaned = value.strip()
    try:
        found = pycountry.countries.lookup(cleaned)
    except LookupError:
        return _COUNTRY_ALIASES.get(cleaned.lower())
    return str(found.alpha_2)


_COUNTRY_ALIASES = {"uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "usa": "US"}


def remote_from_flags(remote: Any, hybrid: Any = None, onsite: Any = None) -> str | None:
    if hybrid is True:
        return "hybrid"
    if remote is True:
        return "remote"
    if onsite is True:
        return "onsite"
    return None


_WORKPLACE = {
    "remote": "remote",
    "hybrid": "hybrid",
    "onsite": "onsite",
    "on-site": "onsite",
    "on site": "onsite",
    "in-office": "onsite",
    "office": "onsite",
}


def remote_from_label(label: Any) -> str | None:
    """remote / hybrid / onsite from a workplace-type label ("on-site", "OnSite", "Remote")."""
    raw = text(label)
    if raw is None:
        return None
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", raw).lower().replace("_", " ")
    return _WORKPLACE.get(spaced) or _WORKPLACE.get(spaced.replace(" ", "-"))


# -- HTML to plain text ---------------------------------------------------------------------------

_BLOCK_TAGS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote",
})  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:  # Python < 3.13 asserts on a malformed "<![" section: text
            self.handle_data(self.rawdata[i])
            return i + 1


def html_to_text(markup: Any, *, escaped: bool = False) -> str | None:
    """Plain text from HTML; ``escaped`` first undoes entity-escaping (Greenhouse ``content``)."""
    raw = text(markup)
    if raw is None:
        return None
    if escaped:
        raw = html.unescape(raw)
    parser = _TextExtractor()
    parser.feed(raw)
    parser.close()
    joined = "".join(parser.parts).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in joined.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() or None
