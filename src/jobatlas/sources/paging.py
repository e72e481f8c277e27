"""Pagination, written once: a strategy says which page to ask for next.

``paginate`` calls ``fetch(params)`` for each page and yields its items. A strategy
gives the paging parameters of the first page and, from the page just read, those of
the next one (or None when the listing is complete):

- ``OffsetLimit``: ``offset``/``limit`` style (Lever ``skip``/``limit``, SmartRecruiters);
- ``PageNumber``: numbered pages (Algolia ``page``, Adzuna's page in the path);
- ``Cursor``: an opaque cursor or a next link taken from the page itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jobatlas.errors import SourceError

PageParams = dict[str, Any]
Fetch = Callable[[PageParams], Any]
Items = Callable[[Any], Sequence[Any]]

MAX_PAGES = 200


class Strategy(Protocol):
    def first(self) -> PageParams: ...

    def next(self, params: PageParams, page: Any, n_items: int) -> PageParams | None: ...


@dataclass(frozen=True, slots=True)
class OffsetLimit:
    """Offset paging. Ends on an empty page, at ``total`` when known, else on a short page."""

    limit: int
    offset_param: str = "offset"
    limit_param: str = "limit"
    total: Callable[[Any], int | None] | None = None

    def first(self) -> PageParams:
        return {self.offset_param: 0, self.limit_param: self.limit}

    def next(self, params: PageParams, page: Any, n_items: int) -> PageParams | None:
        if n_items == 0:
            return None
        offset = int(params[self.offset_param]) + n_items
        total = self.total(page) if self.total is not None else None
        if total is not None:
            if offset >= total:
                return None
        elif n_items < self.limit:
            return None
        return {**params, self.offset_param: offset}


@dataclass(frozen=True, slots=True)
class PageNumber:
    """Numbered pages. Ends on an empty page, after ``last_page`` when known, else a short page."""

    start: int = 0
    param: str = "page"
    size: int | None = None
    last_page: Callable[[Any], int | None] | None = None

    def first(self) -> PageParams:
        return {self.param: self.start}

    def next(self, params: PageParams, page: Any, n_items: int) -> PageParams | None:
        if n_items == 0:
            return None
        current = int(params[self.param])
        last = self.last_page(page) if self.last_page is not None else None
        if last is not None:
            if current >= last:
                return None
        elif self.size is not None and n_items < self.size:
            return None
        return {**params, self.param: current + 1}


@dataclass(frozen=True, slots=True)
class Cursor:
    """A cursor or next link read from each page; ends when the page has none."""

    next_cursor: Callable[[Any], str | None]
    param: str = "cursor"

    def first(self) -> PageParams:
        return {}

    def next(self, params: PageParams, page: Any, n_items: int) -> PageParams | None:
        cursor = self.next_cursor(page)
        if not cursor or params.get(self.param) == cursor:
            return None
        return {self.param: cursor}


def paginate(
    fetch: Fetch,
    items: Items,
    strategy: Strategy,
    *,
    source: str,
    max_pages: int = MAX_PAGES,
) -> Iterator[Any]:
    """Yield every item of every page; fail rather than loop forever past ``max_pages``."""
    params: PageParams | None = strategy.first()
    for _ in range(max_pages):
        assert params is not None
        page = fetch(params)
        batch = items(page)
        yield from batch
        params = strategy.next(params, page, len(batch))
        if params is None:
            return
    raise SourceError(
        f"{source}: the listing did not end after {max_pages} pages",
        hint="the API may be repeating pages; narrow the query or report it",
    )
