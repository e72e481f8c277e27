"""What every route reads: the store, the postings' listing and the rankings, on the app."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from jobatlas.errors import ConfigError
from jobatlas.indicators.metrics import parse_day as read_day
from jobatlas.serve.listing import Postings
from jobatlas.serve.postings import PostingFilter
from jobatlas.serve.ranking import RankingCache, RankingKey, Served
from jobatlas.serve.store import ReadOnlyStore

DAY_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
_DAY = re.compile(DAY_PATTERN)
T = TypeVar("T")


@dataclass
class ServeState:
    store: ReadOnlyStore
    rankings: RankingCache
    listing: Postings = field(init=False)
    _queries: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(2))
    """Pages computed at once: more only trade the GIL back and forth (two cores here)."""

    def __post_init__(self) -> None:
        self.listing = Postings(self.store)

    async def postings(self, chosen: PostingFilter, page: int, page_size: int) -> dict[str, Any]:
        """A page of postings (``serve.listing``)."""
        return await self._page(self.listing.page, chosen, page, page_size)

    async def postings_json(self, chosen: PostingFilter, page: int, page_size: int) -> str:
        """The same page as JSON text."""
        return await self._page(self.listing.page_json, chosen, page, page_size)

    async def _page(
        self,
        answer: Callable[[PostingFilter, int, int], T],
        chosen: PostingFilter,
        page: int,
        page_size: int,
    ) -> T:
        """A quick page from memory is answered in the event loop, cheaper than a trip to
        a thread; a long text search, the first page (which loads the listing) and a store
        queried page by page go to a thread."""
        if self.listing.quick(chosen):
            return answer(chosen, page, page_size)
        return await anyio.to_thread.run_sync(
            answer, chosen, page, page_size, limiter=self._queries
        )

    async def served(self, key: RankingKey) -> Served:
        """The ranking for ``key``: straight from the cache, else computed in a thread."""
        cached = self.rankings.peek(key)
        if cached is not None:
            return cached
        return await run_in_threadpool(self.rankings.get, key)


async def state(request: Request) -> ServeState:
    found: ServeState = request.app.state.jobatlas
    return found


def parse_day(text: str | None, field: str, *, end: bool) -> date | None:
    """YYYY-MM-DD, or YYYY-MM meaning its first (or, with ``end``, last) day, read as the CLI
    reads ``--since``/``--until``; a bad date is a 422 naming ``field``."""
    if not text:
        return None
    try:
        if not _DAY.match(text):
            raise ConfigError(f"not a date: {text!r}")
        return read_day(text, end=end)
    except ConfigError as exc:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", field),
                    "msg": "not a date: use YYYY-MM-DD or YYYY-MM",
                    "type": "value_error",
                }
            ]
        ) from exc
