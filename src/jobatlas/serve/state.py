"""What every route reads: the store and the ranking cache, held on the app."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import anyio
import anyio.to_thread
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

from jobatlas.serve.postings import PostingFilter, page_of_postings
from jobatlas.serve.ranking import RankingCache, RankingKey, Served
from jobatlas.serve.store import ReadOnlyStore

DAY_PATTERN = r"^\d{4}-\d{2}(-\d{2})?$"
_DAY = re.compile(DAY_PATTERN)


PAGE_CACHE = 4096
"""Pages of postings kept: the store is read-only while served, so a page stays true."""


@dataclass
class ServeState:
    store: ReadOnlyStore
    rankings: RankingCache
    _pages: OrderedDict[tuple[PostingFilter, int, int], dict[str, Any]] = field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _queries: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(2))
    """Postings queries at once: more only trade the GIL back and forth (two cores here)."""

    async def postings(self, chosen: PostingFilter, page: int, page_size: int) -> dict[str, Any]:
        """A page of postings, from the cache or the store (in a thread)."""
        key = (chosen, page, page_size)
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
                return found
        found = await anyio.to_thread.run_sync(
            page_of_postings, self.store, chosen, page, page_size, limiter=self._queries
        )
        with self._lock:
            self._pages[key] = found
            while len(self._pages) > PAGE_CACHE:
                self._pages.popitem(last=False)
        return found

    async def served(self, key: RankingKey) -> Served:
        """The ranking for ``key``: straight from the cache, else computed in a thread."""
        cached = self.rankings.peek(key)
        if cached is not None:
            return cached
        return await run_in_threadpool(self.rankings.get, key)


def state(request: Request) -> ServeState:
    found: ServeState = request.app.state.jobatlas
    return found


def parse_day(text: str | None, field: str, *, end: bool) -> date | None:
    """YYYY-MM-DD, or YYYY-MM meaning its first (or, with ``end``, last) day; a bad date is
    a 422 naming ``field``."""
    if not text:
        return None
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        if len(text) == 7:
            first = date(int(text[:4]), int(text[5:7]), 1)
            if not end:
                return first
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date.fromisoformat(text)
    except ValueError as exc:
        raise RequestValidationError(
            [
                {
                    "loc": ("query", field),
                    "msg": "not a date: use YYYY-MM-DD or YYYY-MM",
                    "type": "value_error",
                }
            ]
        ) from exc
