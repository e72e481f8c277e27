"""Pagination strategies, driven by fake page fetchers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobatlas.errors import SourceError
from jobatlas.sources.paging import Cursor, OffsetLimit, PageNumber, PageParams, paginate

ITEMS = list(range(23))


class Recorder:
    def __init__(self) -> None:
        self.calls: list[PageParams] = []


def offset_api(total: bool, cap: int | None = None) -> tuple[Recorder, Any]:
    recorder = Recorder()

    def fetch(params: PageParams) -> Any:
        recorder.calls.append(dict(params))
        limit = min(params["limit"], cap or params["limit"])
        page = ITEMS[params["skip"] : params["skip"] + limit]
        return {"items": page, "total": len(ITEMS)} if total else page

    return recorder, fetch


def test_offset_limit_ends_on_a_short_page() -> None:
    recorder, fetch = offset_api(total=False)
    got = list(paginate(fetch, lambda p: p, OffsetLimit(limit=10, offset_param="skip"), source="t"))
    assert got == ITEMS
    assert [c["skip"] for c in recorder.calls] == [0, 10, 20]


def test_offset_limit_uses_the_total_when_the_server_caps_the_page() -> None:
    recorder, fetch = offset_api(total=True, cap=5)
    strategy = OffsetLimit(limit=10, offset_param="skip", total=lambda p: p["total"])
    got = list(paginate(fetch, lambda p: p["items"], strategy, source="t"))
    assert got == ITEMS
    assert [c["skip"] for c in recorder.calls] == [0, 5, 10, 15, 20]


def test_offset_limit_exact_multiple_needs_one_empty_page() -> None:
    recorder = Recorder()

    def fetch(params: PageParams) -> list[int]:
        recorder.calls.append(params)
        return list(range(20))[params["offset"] : params["offset"] + 10]

    got = list(paginate(fetch, lambda p: p, OffsetLimit(limit=10), source="t"))
    assert len(got) == 20 and len(recorder.calls) == 3


def test_page_numbers_stop_at_the_last_page() -> None:
    pages = {0: ["a", "b"], 1: ["c", "d"], 2: ["e"]}
    seen: list[int] = []

    def fetch(params: PageParams) -> dict[str, Any]:
        seen.append(params["page"])
        return {"hits": pages[params["page"]], "nbPages": 3}

    strategy = PageNumber(last_page=lambda p: p["nbPages"] - 1)
    assert list(paginate(fetch, lambda p: p["hits"], strategy, source="t")) == list("abcde")
    assert seen == [0, 1, 2]


def test_page_numbers_from_one_ending_on_a_short_page() -> None:
    seen: list[int] = []

    def fetch(params: PageParams) -> list[int]:
        seen.append(params["page"])
        return [1, 2] if params["page"] < 3 else [3]

    got = list(paginate(fetch, lambda p: p, PageNumber(start=1, size=2), source="t"))
    assert got == [1, 2, 1, 2, 3] and seen == [1, 2, 3]


def test_cursor_and_next_link() -> None:
    pages = {
        None: ([1, 2], "c2"),
        "c2": ([3], "https://api.test/next?c=3"),
        "https://api.test/next?c=3": ([4], None),
    }
    seen: list[Any] = []

    def fetch(params: PageParams) -> dict[str, Any]:
        key = params.get("cursor")
        seen.append(key)
        items, following = pages[key]
        return {"data": items, "next": following}

    strategy = Cursor(next_cursor=lambda p: p["next"])
    assert list(paginate(fetch, lambda p: p["data"], strategy, source="t")) == [1, 2, 3, 4]
    assert seen == [None, "c2", "https://api.test/next?c=3"]


def test_a_cursor_that_repeats_ends_the_listing() -> None:
    strategy = Cursor(next_cursor=lambda p: "same")
    got = list(paginate(lambda params: [1], lambda p: p, strategy, source="t"))
    assert got == [1, 1]


def test_a_listing_that_never_ends_fails_clearly() -> None:
    endless = PageNumber(last_page=lambda p: None, size=None)
    with pytest.raises(SourceError, match="did not end after 5 pages"):
        list(paginate(lambda params: [1], lambda p: p, endless, source="t", max_pages=5))


@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=60))
def test_offset_paging_returns_every_item_once(n: int, limit: int) -> None:
    data = list(range(n))

    def fetch(params: PageParams) -> list[int]:
        return data[params["offset"] : params["offset"] + params["limit"]]

    strategy = OffsetLimit(limit=limit)
    got = list(paginate(fetch, lambda p: p, strategy, source="t", max_pages=1000))
    assert got == data
