"""Pages of postings from memory (serve.listing) against the SQL that answered them before."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobatlas.indicators.details import SENIORITY_LEVELS
from jobatlas.models import TIERS
from jobatlas.serve.listing import Listing, Postings
from jobatlas.serve.postings import PostingFilter, page_of_postings
from jobatlas.serve.store import ReadOnlyStore


@pytest.fixture(scope="module")
def store(store_path: Path) -> ReadOnlyStore:
    return ReadOnlyStore(store_path)


@pytest.fixture(scope="module")
def listing(store: ReadOnlyStore) -> Listing:
    return Listing.load(store)


def _values(store: ReadOnlyStore, sql: str) -> list[str]:
    return [str(r["v"]) for r in store.rows(sql) if r["v"] is not None]


@st.composite
def filters(draw: st.DrawFn, store: ReadOnlyStore) -> tuple[PostingFilter, int, int]:
    metros = _values(store, "SELECT DISTINCT metro_id AS v FROM posting_places ORDER BY v")
    titles = _values(store, "SELECT DISTINCT title AS v FROM postings ORDER BY v")
    companies = _values(store, "SELECT DISTINCT company AS v FROM postings ORDER BY v")
    families = _values(store, "SELECT DISTINCT ai_ml_family AS v FROM postings ORDER BY v")
    days = _values(store, "SELECT DISTINCT posted_date AS v FROM postings ORDER BY v")
    text = draw(st.sampled_from(titles + companies))
    start = draw(st.integers(0, max(0, len(text) - 1)))
    q = st.one_of(
        st.just(text[start : start + draw(st.integers(1, 6))]),
        st.text(min_size=1, max_size=3),
        st.sampled_from(["DATA", "<", "é", "&", " "]),
    )
    day = st.sampled_from([date.fromisoformat(d) for d in days])
    chosen = PostingFilter(
        metro=draw(st.none() | st.sampled_from([*metros, "m0"])),
        q=draw(st.none() | q),
        tier=draw(st.none() | st.sampled_from(TIERS)),
        family=draw(st.none() | st.sampled_from(families)),
        seniority=draw(st.none() | st.sampled_from(SENIORITY_LEVELS)),
        since=draw(st.none() | day),
        until=draw(st.none() | day),
        salary=draw(st.none() | st.booleans()),
    )
    return chosen, draw(st.integers(1, 4)), draw(st.sampled_from([1, 2, 3, 7, 20, 100]))


def test_memory_pages_are_the_sql_pages(store: ReadOnlyStore, listing: Listing) -> None:
    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(filters(store))
    def same(case: tuple[PostingFilter, int, int]) -> None:
        chosen, page, page_size = case
        expected = page_of_postings(store, chosen, page, page_size)
        assert listing.page(chosen, page, page_size) == expected
        as_json = json.dumps(expected, ensure_ascii=False)
        assert listing.page_json(chosen, page, page_size) == as_json

    same()


def test_every_posting_and_metro_is_listed(store: ReadOnlyStore, listing: Listing) -> None:
    everything = PostingFilter()
    total = store.rows("SELECT count(*) AS n FROM postings")[0]["n"]
    assert listing.page(everything, 1, 100)["total"] == total > 0
    for row in store.rows("SELECT DISTINCT metro_id FROM posting_places"):
        chosen = PostingFilter(metro=row["metro_id"])
        assert listing.page(chosen, 1, 100) == page_of_postings(store, chosen, 1, 100)


def test_made_up_metros_hold_no_memory(listing: Listing) -> None:
    held = listing.nbytes
    for n in range(50):
        assert listing.page(PostingFilter(metro=f"nowhere-{n}"), 1, 20)["total"] == 0
    assert listing.nbytes == held


def test_a_store_too_big_to_hold_is_queried(store: ReadOnlyStore) -> None:
    small = Postings(store, limit=0)
    chosen = PostingFilter(q="data")
    assert small.page(chosen, 1, 5) == page_of_postings(store, chosen, 1, 5)
    assert json.loads(small.page_json(chosen, 1, 5)) == small.page(chosen, 1, 5)
    assert small.listing() is None
    assert Postings(store).listing() is not None


def test_only_a_long_text_search_leaves_the_event_loop(
    store: ReadOnlyStore, listing: Listing
) -> None:
    metro = store.rows("SELECT metro_id FROM postings WHERE metro_id IS NOT NULL LIMIT 1")
    assert listing.quick(PostingFilter(tier="core"))
    assert listing.quick(PostingFilter(metro=metro[0]["metro_id"], q="data"))
    assert not listing.quick(PostingFilter(q="data"))
    assert not Postings(store).quick(PostingFilter()), "not before the listing is loaded"
