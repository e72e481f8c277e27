"""Live checks against the real APIs. Off by default: run with ``pytest -m network``.

They call the public endpoints once each, with the default politeness settings, and
check only the shape of what comes back (boards change every day).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jobatlas.models import RawPosting
from jobatlas.sources import greenhouse, hn, lever
from jobatlas.sources.base import FetchContext, Source, board
from jobatlas.sources.http import HttpClient

pytestmark = pytest.mark.network


def fetch_live(source: Source, slug: str, **options: str | bool) -> list[RawPosting]:
    target = board(source.info.name, slug, **options)
    with HttpClient() as client:
        ctx = FetchContext(client, source.info, source.info.base_url(target))
        return list(source.fetch(target, ctx))


def test_lever_board_seen_in_the_2024_capture() -> None:
    postings = fetch_live(lever.SOURCE, "GoToGroup")
    assert postings, "GoToGroup had postings in 2024; an empty board may mean it moved"


def test_a_greenhouse_board() -> None:
    postings = fetch_live(greenhouse.SOURCE, "anthropic")
    assert all(p.fields.get("title") for p in postings)


def test_last_months_hacker_news_thread() -> None:
    today = datetime.now(UTC)
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    postings = fetch_live(hn.SOURCE, f"{year}-{month:02d}")
    assert len(postings) > 50
