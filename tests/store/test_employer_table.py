"""The ``employers`` table: grouped once by normalize, read by rank, and upgraded stores."""

from __future__ import annotations

from pathlib import Path

from jobatlas.indicators.metrics import EMPLOYERS_TABLE, RankSettings, drop_base, prepare_base
from jobatlas.ingest import ingest_file
from jobatlas.normalize.employers import group_employers
from jobatlas.pipeline import normalize
from jobatlas.store.duckdb import Store
from jobatlas.store.employers import employers_current
from samples import CANONICAL_ROWS, write_csv

NAMES = ["The Home Depot", "Home Depot", "HOME DEPOT INC", "Veeva", "Veeva Systems", "!!!"]


def _rows() -> list[dict[str, str]]:
    return [
        dict(CANONICAL_ROWS[0], company=name, title=f"ML Engineer {i}", url=f"https://x.test/{i}")
        for i, name in enumerate([*NAMES, "Home Depot"])
    ]


def _expected(store: Store) -> dict[str, tuple[str, str]]:
    counts = store.con.execute(
        "SELECT company, count(*) FROM postings WHERE company IS NOT NULL GROUP BY 1"
    ).fetchall()
    return {raw: (e.key, e.name) for raw, e in group_employers(counts).items()}


def _stored(store: Store) -> dict[str, tuple[str, str]]:
    rows = store.con.execute(
        "SELECT company, employer_key, employer_name FROM employers WHERE employer_key IS NOT NULL"
    ).fetchall()
    return {c: (k, n) for c, k, n in rows}


def _ranked(store: Store) -> dict[str, tuple[str, str]]:
    prepare_base(store.con, RankSettings(draws=0))
    try:
        rows = store.con.execute(
            f"SELECT company, employer_key, employer_name FROM {EMPLOYERS_TABLE}"
        ).fetchall()
    finally:
        drop_base(store.con)
    return {c: (k, n) for c, k, n in rows}


def test_normalize_stores_the_grouping_that_rank_would_compute(
    store: Store, tmp_path: Path
) -> None:
    ingest_file(store, write_csv(tmp_path / "jobs.csv", _rows()))
    normalize(store)
    expected = _expected(store)
    assert len({key for key, _ in expected.values()}) < len(expected)  # some names grouped
    assert _stored(store) == expected
    assert employers_current(store.con)
    counts = dict(store.con.execute("SELECT company, n_postings FROM employers").fetchall())
    assert counts["Home Depot"] == 2 and "!!!" in counts  # every name, with its postings
    assert _ranked(store) == expected


def test_postings_changed_outside_normalize_are_grouped_by_rank_as_before(
    store: Store, tmp_path: Path
) -> None:
    ingest_file(store, write_csv(tmp_path / "jobs.csv", _rows()))
    normalize(store)
    store.con.execute(
        "INSERT INTO postings SELECT * REPLACE (raw_id + 1000 AS raw_id, 'Veeva' AS company) "
        "FROM postings WHERE company = 'Veeva Systems'"
    )
    assert not employers_current(store.con)
    assert _ranked(store) == _expected(store)


def test_an_upgraded_store_gets_its_employers_on_the_next_normalize(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with Store.open(path) as store:
        ingest_file(store, write_csv(tmp_path / "jobs.csv", _rows()))
        normalize(store)
        # back to the schema before migrations 0005 and 0006, as an older jobatlas left it
        store.con.execute("DROP TABLE employers")
        store.con.execute(
            "CREATE UNIQUE INDEX raw_postings_content_hash ON raw_postings (content_hash)"
        )
        store.con.execute("DELETE FROM schema_migrations WHERE version >= 5")
    with Store.open(path) as store:
        assert store.schema_version() >= 6
        assert not employers_current(store.con)
        assert _ranked(store) == _expected(store)  # rank groups the names itself meanwhile
        result = normalize(store)
        assert result.rows_in == 0
        assert employers_current(store.con)
        assert _stored(store) == _expected(store)
        again = ingest_file(store, tmp_path / "jobs.csv")  # the dropped index is not needed
        assert again.added == 0


def test_a_store_read_without_its_migrations_is_ranked_as_before(tmp_path: Path) -> None:
    """A read-only connection does not migrate: a store without the table is grouped by rank."""
    import duckdb

    path = tmp_path / "old.duckdb"
    with Store.open(path) as store:
        ingest_file(store, write_csv(tmp_path / "jobs.csv", _rows()))
        normalize(store)
        expected = _expected(store)
        store.con.execute("DROP TABLE employers")
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert not employers_current(con)
        prepare_base(con, RankSettings(draws=0))
        rows = con.execute(
            f"SELECT company, employer_key, employer_name FROM {EMPLOYERS_TABLE}"
        ).fetchall()
        drop_base(con)
    finally:
        con.close()
    assert {c: (k, n) for c, k, n in rows} == expected


def test_names_worked_out_ahead_or_in_the_helper_give_the_same_table(
    store: Store, tmp_path: Path
) -> None:
    from jobatlas.helper import Helper
    from jobatlas.normalize.employers import name_parts
    from jobatlas.store.employers import employer_names

    ingest_file(store, write_csv(tmp_path / "jobs.csv", _rows()))
    normalize(store)
    alone = employer_names(store.con).to_pylist()
    known = {n: name_parts(n) for n in NAMES[:2]}
    child = Helper()
    try:
        helped = employer_names(store.con, known, child).to_pylist()
    finally:
        child.close(wait=True)
    # the rows come in DuckDB's GROUP BY order, which is no order
    assert len(alone) == len(set(NAMES))
    assert sorted(helped, key=lambda r: r["company"]) == sorted(alone, key=lambda r: r["company"])
