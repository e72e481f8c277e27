"""Pages of postings answered from memory: the listing columns of every posting, read once.

A page that nobody asked for before used to cost a DuckDB query of 3-5 ms, and 50 clients
queued behind two cores. The store is read-only while served, so the columns a page shows
(``SUMMARY_COLUMNS``), with what the filters compare (lower-cased title and employer, the
seniority by ``LEVEL``), are read once in the order pages list them (newest first), and
each metro's rows are taken out of them at its first use; each row's JSON is written once.
A request is then a handful of pyarrow compute kernels over the metro's rows (or all of
them), a slice and a join: the same answers as ``page_of_postings`` in SQL, which remains
the path for a store too big to hold.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from jobatlas.errors import StoreError
from jobatlas.serve.postings import (
    LEVEL,
    SUMMARY_COLUMNS,
    PostingFilter,
    page_of_postings,
    paged,
    seniority,
)
from jobatlas.serve.store import ReadOnlyStore

MAX_IN_MEMORY = 100_000
"""Postings held in memory at most: some 750 bytes each with their JSON (23 MB for the
bundled store's 30,365), 1.75 times that once every metro has been asked for (40 MB), so at
most about 130 MB; a bigger store is answered by a query per page."""


QUICK_SEARCH = 4_000
"""Rows a text search scans in the event loop at most (some 0.4 ms); a longer scan goes to
a thread, where its kernels release the GIL."""

_SHOWN = [*(name.strip() for name in SUMMARY_COLUMNS.split(",")), "seniority"]


def _ready(rows: pa.Table) -> pa.Table:
    """The shown columns as ``plain`` makes them (dates as ISO text, NaN as None), with the
    seniority ``seniority`` gives, so a page is a slice turned into dicts, and each row as
    the JSON text ``json.dumps`` writes for it, so a JSON page is a join; ``day`` keeps the
    date for the filters."""
    shown_day = rows["posted_date"].cast(pa.string())
    usd = rows["salary_annual_usd"]
    usd = pc.if_else(pc.is_nan(usd), pa.scalar(None, usd.type), usd)
    levels = pa.array([seniority(t) for t in rows["title"].to_pylist()], pa.string())
    rows = rows.set_column(rows.schema.get_field_index("posted_date"), "posted_date", shown_day)
    rows = rows.set_column(
        rows.schema.get_field_index("salary_annual_usd"), "salary_annual_usd", usd
    )
    rows = rows.append_column("seniority", levels)
    text = [json.dumps(row, ensure_ascii=False) for row in rows.select(_SHOWN).to_pylist()]
    return rows.append_column("json", pa.array(text, pa.string()))


class Listing:
    """The listing columns of every posting, newest first, and each metro's share of them."""

    def __init__(self, rows: pa.Table, places: dict[str, np.ndarray[Any, Any]]) -> None:
        self.rows = rows
        self._places = places
        self._metros: dict[str, pa.Table] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, store: ReadOnlyStore) -> Listing:
        """Read the columns in page order; ``places`` maps a metro to the raw_ids placed in
        it by ``posting_places`` (postings in several places)."""
        cur = store.cursor()
        try:
            rows = cur.sql(
                f"SELECT {SUMMARY_COLUMNS}, lower(title) AS title_lower, "
                "lower(coalesce(company, '')) AS company_lower, "
                f"{LEVEL} AS level, posted_date AS day FROM postings "
                "ORDER BY posted_date DESC NULLS LAST, raw_id"
            ).to_arrow_table()
            placed = cur.execute(
                "SELECT metro_id, list(DISTINCT raw_id) AS ids FROM posting_places "
                "WHERE metro_id IS NOT NULL GROUP BY metro_id"
            ).fetchall()
        except duckdb.Error as exc:
            raise StoreError(f"{store.path}: cannot read the postings ({exc})") from exc
        places = {metro: np.asarray(ids, dtype=np.int64) for metro, ids in placed}
        return cls(_ready(rows.combine_chunks()), places)

    @property
    def nbytes(self) -> int:
        """Bytes held: all rows, and the metros' copies taken so far."""
        with self._lock:
            return int(self.rows.nbytes + sum(t.nbytes for t in self._metros.values()))

    def _of_metro(self, metro: str) -> pa.Table:
        """The rows of ``metro`` (its own or placed there), in page order; kept only for a
        metro the store knows, so made-up ids cost no memory."""
        with self._lock:
            found = self._metros.get(metro)
        if found is not None:
            return found
        own = pc.equal(self.rows["metro_id"], metro)
        placed = self._places.get(metro)
        if placed is not None:
            own = pc.or_(pc.fill_null(own, False), pc.is_in(self.rows["raw_id"], pa.array(placed)))
        taken = self.rows.filter(own)
        if taken.num_rows:
            with self._lock:
                self._metros.setdefault(metro, taken)
        return taken

    def quick(self, chosen: PostingFilter) -> bool:
        """Whether a page costs less than a trip to a thread: no text search, or one over
        at most ``QUICK_SEARCH`` rows of a metro."""
        if not chosen.q:
            return True
        return bool(chosen.metro) and self._of_metro(str(chosen.metro)).num_rows <= QUICK_SEARCH

    def _chosen(self, chosen: PostingFilter, page: int, page_size: int) -> tuple[int, pa.Table]:
        """How many rows pass ``chosen``, and the rows of the page."""
        rows = self._of_metro(chosen.metro) if chosen.metro else self.rows
        mask = _mask(rows, chosen)
        if mask is None:
            start = min((page - 1) * page_size, rows.num_rows)
            return rows.num_rows, rows.slice(start, page_size)
        kept = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
        return len(kept), rows.take(kept[(page - 1) * page_size : page * page_size])

    def page(self, chosen: PostingFilter, page: int, page_size: int) -> dict[str, Any]:
        """What ``page_of_postings`` answers, from memory."""
        total, shown = self._chosen(chosen, page, page_size)
        return paged(total, page, page_size, shown.select(_SHOWN).to_pylist())

    def page_json(self, chosen: PostingFilter, page: int, page_size: int) -> str:
        """``page`` as ``json.dumps(..., ensure_ascii=False)`` writes it."""
        total, shown = self._chosen(chosen, page, page_size)
        head = json.dumps(paged(total, page, page_size, []), ensure_ascii=False)
        return head[: -len("[]}")] + "[" + ", ".join(shown["json"].to_pylist()) + "]}"


def _mask(rows: pa.Table, chosen: PostingFilter) -> pa.Array | None:
    """Which rows pass ``chosen`` beside the metro (None: all); a comparison with a missing
    value fails, as in SQL's WHERE."""
    tests: list[Any] = []
    if chosen.q:
        needle = chosen.q.lower()
        tests.append(
            pc.or_kleene(
                pc.match_substring(rows["title_lower"], needle),
                pc.match_substring(rows["company_lower"], needle),
            )
        )
    for column, value in (
        ("ai_ml_tier", chosen.tier),
        ("ai_ml_family", chosen.family),
        ("level", chosen.seniority),
    ):
        if value:
            tests.append(pc.equal(rows[column], value))
    if chosen.since:
        tests.append(pc.greater_equal(rows["day"], pa.scalar(chosen.since)))
    if chosen.until:
        tests.append(pc.less_equal(rows["day"], pa.scalar(chosen.until)))
    if chosen.salary is not None:
        compare = pc.equal if chosen.salary else pc.not_equal
        tests.append(compare(rows["salary_status"], "parsed"))
    if not tests:
        return None
    mask = tests[0]
    for test in tests[1:]:
        mask = pc.and_kleene(mask, test)
    return pc.fill_null(mask, False)


class Postings:
    """Pages of postings: from memory once the store's listing is loaded (at first use),
    by a query per page when the store holds more than ``limit`` postings."""

    def __init__(self, store: ReadOnlyStore, limit: int = MAX_IN_MEMORY) -> None:
        self.store = store
        self.limit = limit
        self._listing: Listing | None = None
        self._decided = False
        self._lock = threading.Lock()

    def quick(self, chosen: PostingFilter) -> bool:
        """Whether the page for ``chosen`` is a quick one from memory (``Listing.quick``);
        never before the listing is loaded, which takes a while."""
        held = self._listing
        return held is not None and held.quick(chosen)

    def listing(self) -> Listing | None:
        """The in-memory listing, loaded on first call (None: the store is too big)."""
        with self._lock:
            if not self._decided:
                count = self.store.rows("SELECT count(*) AS n FROM postings")[0]["n"]
                if int(count) <= self.limit:
                    self._listing = Listing.load(self.store)
                self._decided = True
            return self._listing

    def page(self, chosen: PostingFilter, page: int, page_size: int) -> dict[str, Any]:
        held = self.listing()
        if held is None:
            return page_of_postings(self.store, chosen, page, page_size)
        return held.page(chosen, page, page_size)

    def page_json(self, chosen: PostingFilter, page: int, page_size: int) -> str:
        held = self.listing()
        if held is None:
            found = page_of_postings(self.store, chosen, page, page_size)
            return json.dumps(found, ensure_ascii=False)
        return held.page_json(chosen, page, page_size)
