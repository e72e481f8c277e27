"""The bundled REAL postings give the same store and ranking as before issue #13's rewrite.

``tests/data/bundled_digest.json`` holds digests of every stored column (ordered by raw id)
and of the ranking's point estimates, written from the code before the narrow-table rewrite of
ingest and normalize. A change that alters a definition on purpose (a normaliser, a dedupe
rule) changes the digests of the columns it touches: the failure names them, and
``python tests/test_bundled_identity.py --write`` records the new state once it is reviewed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from jobatlas.bundled import bundled_postings
from jobatlas.indicators import RankSettings, build_ranking
from jobatlas.ingest import ingest_paths
from jobatlas.pipeline import normalize
from jobatlas.store.duckdb import Store

FIXTURE = Path(__file__).parent / "data" / "bundled_digest.json"

# Each table, its order, and the columns not compared (run ids and clock times differ per run).
TABLES = {
    "raw_postings": ("raw_id", ("run_id", "ingested_at", "source_file")),
    "postings": ("raw_id", ("run_id",)),
    "quarantine": ("raw_id", ("run_id",)),
    "duplicates": ("raw_id", ("run_id",)),
    "posting_places": ("raw_id, place_index", ()),
    "metros": ("metro_id", ()),
}


def _column_digests(store: Store, table: str, order: str, skip: tuple[str, ...]) -> dict[str, str]:
    columns = [
        str(r[0])
        for r in store.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
        if r[0] not in skip
    ]
    parts = ", ".join(
        f"md5(string_agg(coalesce(CAST({c} AS VARCHAR), '<null>'), '|' ORDER BY {order}))"
        for c in columns
    )
    row = store.con.execute(f"SELECT count(*), {parts} FROM {table}").fetchone()
    assert row is not None
    return {"rows": str(row[0])} | dict(zip(columns, (str(v) for v in row[1:]), strict=True))


def digest(store: Store) -> dict[str, dict[str, str]]:
    """Digests of every compared column of every table, and of the ranking (no draws)."""
    out = {t: _column_digests(store, t, order, skip) for t, (order, skip) in TABLES.items()}
    ranking = build_ranking(store.con, RankSettings(draws=0, seed=7, sensitivity_draws=0))
    entries = {
        m.metro_id: [
            m.ranked,
            m.rank,
            None if m.score is None else round(m.score, 9),
            {k: None if v is None else round(v, 9) for k, v in sorted(m.indicators.items())},
        ]
        for m in ranking.metros
    }
    # the ranked metros one by one (to name the ones that differ), the others as one digest
    out["ranking"] = {k: json.dumps(v) for k, v in entries.items() if v[0]}
    out["ranking"]["unranked"] = hashlib.md5(
        json.dumps(sorted((k, v) for k, v in entries.items() if not v[0])).encode()
    ).hexdigest()
    return out


def _bundled_store(path: Path) -> Store:
    store = Store.open(path)
    _, errors = ingest_paths(store, [bundled_postings()])
    assert not errors
    normalize(store)
    return store


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with _bundled_store(tmp_path_factory.mktemp("identity") / "s.duckdb") as store:
        yield store


def test_bundled_store_and_ranking_match_the_recorded_digests(bundled: Store) -> None:
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    got = digest(bundled)
    assert sorted(got) == sorted(expected)
    differ = {}
    for table, columns in expected.items():
        keys = set(columns) | set(got[table])
        changed = sorted(k for k in keys if columns.get(k) != got[table].get(k))
        if changed:
            differ[table] = changed[:10]
    assert not differ, f"columns that differ from the recorded store: {differ}"


def test_the_digest_sees_a_changed_disposition(bundled: Store) -> None:
    """A single posting moved to duplicates changes the digests that the test compares."""
    before = digest(bundled)
    bundled.con.execute("BEGIN TRANSACTION")
    try:
        raw_id = bundled.scalar("SELECT max(raw_id) FROM postings")
        bundled.con.execute("DELETE FROM posting_places WHERE raw_id = ?", [raw_id])
        bundled.con.execute("DELETE FROM postings WHERE raw_id = ?", [raw_id])
        bundled.con.execute("INSERT INTO duplicates VALUES (?, 0, 1, 'same_url')", [raw_id])
        after = digest(bundled)
    finally:
        bundled.con.execute("ROLLBACK")
    assert after["postings"]["raw_id"] != before["postings"]["raw_id"]
    assert after["duplicates"]["rows"] != before["duplicates"]["rows"]


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp, _bundled_store(Path(tmp) / "s.duckdb") as store:
        FIXTURE.write_text(json.dumps(digest(store), indent=1, sort_keys=True) + "\n")
