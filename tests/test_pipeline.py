from __future__ import annotations

from pathlib import Path

from jobatlas.ingest import ingest_file
from jobatlas.pipeline import accounting, normalize
from jobatlas.store.duckdb import Store
from samples import CANONICAL_ROWS, write_csv


def _row(**over: str) -> dict[str, str]:
    base = dict(CANONICAL_ROWS[0])
    base.update(over)
    return base


def test_every_raw_row_gets_exactly_one_disposition(store: Store, tmp_path: Path) -> None:
    rows = [
        *CANONICAL_ROWS,
        _row(title="", url="https://jobs.example.com/empty"),
        _row(title="12345 ###", url="https://jobs.example.com/digits"),
        _row(url="https://jobs.example.com/1", posted_at="2024-03-02"),  # same URL as row 1
    ]
    path = write_csv(tmp_path / "jobs.csv", rows)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('Broken,"row\n')
    ingest_file(store, path)
    assert accounting(store).pending == 7
    result = normalize(store)
    acc = accounting(store)
    assert acc.reconciles and acc.pending == 0
    assert (result.rows_in, result.postings, result.quarantined, result.duplicates) == (7, 3, 3, 1)
    reasons = dict(
        store.con.execute("SELECT reason, count(*) FROM quarantine GROUP BY 1").fetchall()
    )
    assert reasons == {"missing_title": 1, "title_not_text": 1, "malformed_row": 1}
    dup = store.con.execute("SELECT reason, duplicate_of FROM duplicates").fetchone()
    first = store.scalar("SELECT raw_id FROM raw_postings WHERE source_row = 1")
    assert dup == ("same_url", first)


def test_normalized_postings_carry_tier_place_and_salary(store: Store, tmp_path: Path) -> None:
    ingest_file(store, write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS))
    normalize(store)
    got = {
        r[0]: r[1:]
        for r in store.con.execute(
            "SELECT title, ai_ml_tier, metro, country_code, salary_currency, salary_status "
            "FROM postings"
        ).fetchall()
    }
    assert got["Machine Learning Engineer"][0] == "core"
    assert got["Machine Learning Engineer"][1:4] == ("Seattle", "US", "USD")
    assert got["Data Analyst"][0] == "none"
    assert got["Data Analyst"][4] == "none"  # no salary stated
    assert got["Senior NLP Scientist"][2:4] == ("GB", "GBP")
    places = store.con.execute("SELECT count(*), sum(weight) FROM posting_places").fetchone()
    assert places == (3, 3.0)
    metros = store.con.execute("SELECT count(*) FROM metros WHERE population > 0").fetchone()
    assert metros == (3,)


def test_normalize_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    ingest_file(store, write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS))
    normalize(store)
    again = normalize(store)
    assert again.rows_in == 0
    assert store.scalar("SELECT count(*) FROM postings") == 3


def test_same_job_copies_within_the_window_count_once(store: Store, tmp_path: Path) -> None:
    rows = [
        _row(url="", posted_at="2024-01-01"),
        _row(url="", posted_at="2024-01-20", company="EXAMPLE robotics!"),  # same job, 19 days on
        _row(url="", posted_at="2024-06-01"),  # re-posted months later: a new posting
        _row(url="", posted_at="2024-01-05", location="Austin, TX"),  # another city
        _row(url="", posted_at="2024-01-05", location="Redmond, WA"),  # same metro as Seattle
    ]
    ingest_file(store, write_csv(tmp_path / "jobs.csv", rows))
    result = normalize(store)
    assert (result.postings, result.duplicates) == (3, 2)
    kept = store.con.execute(
        "SELECT location_text, posted_date::VARCHAR FROM postings ORDER BY posted_date"
    ).fetchall()
    assert kept == [
        ("Seattle, WA", "2024-01-01"),
        ("Austin, TX", "2024-01-05"),
        ("Seattle, WA", "2024-06-01"),
    ]


def test_each_copy_points_at_the_first_posting_of_its_chain(store: Store, tmp_path: Path) -> None:
    """A chain of copies, each within the window of the one before, counts once as its first
    row; a gap longer than the window starts a new chain; an undated copy comes first."""
    dates = ["", "2024-01-01", "2024-01-20", "2024-02-15", "2024-04-01", "2024-04-10", "2024-06-30"]
    ingest_file(store, write_csv(tmp_path / "jobs.csv", [_row(url="", posted_at=d) for d in dates]))
    result = normalize(store)
    assert (result.postings, result.duplicates) == (3, 4)
    raw = dict(
        store.con.execute(
            "SELECT raw_id, coalesce(json_extract_string(record, '$.posted_at'), '') "
            "FROM raw_postings"
        ).fetchall()
    )
    copies = store.con.execute(
        "SELECT raw_id, duplicate_of FROM duplicates WHERE reason = 'same_job'"
    ).fetchall()
    assert sorted((raw[r], raw[d]) for r, d in copies) == [
        ("2024-01-01", ""),  # after an undated copy, the chain goes on
        ("2024-01-20", ""),
        ("2024-02-15", ""),  # 26 days after the copy before it
        ("2024-04-10", "2024-04-01"),  # 2024-04-01 is 46 days on: a chain of its own
    ]
    kept = store.con.execute("SELECT raw_id FROM postings").fetchall()
    assert sorted(raw[r] for (r,) in kept) == ["", "2024-04-01", "2024-06-30"]


def test_later_batches_are_deduplicated_against_earlier_postings(
    store: Store, tmp_path: Path
) -> None:
    ingest_file(store, write_csv(tmp_path / "a.csv", [_row(url="", posted_at="2024-01-01")]))
    normalize(store)
    ingest_file(
        store, write_csv(tmp_path / "b.csv", [_row(url="", posted_at="2024-01-03", salary_text="")])
    )
    result = normalize(store)
    assert (result.postings, result.duplicates) == (0, 1)
    assert accounting(store).reconciles


def test_salaries_in_sql_equal_the_salary_normaliser(store: Store, tmp_path: Path) -> None:
    """normalize converts in SQL (many rows at once); it must agree with normalize_salary."""
    import csv
    import datetime as dt

    from jobatlas.normalize.salary import normalize_salary

    labels = Path(__file__).parent / "data" / "salary_labels.csv"
    with labels.open(encoding="utf-8", newline="") as fh:
        cases = list(csv.DictReader(fh))
    places = {
        "GB": "London, UK",
        "DE": "Berlin, Germany",
        "IN": "Bengaluru, India",
        "JP": "Tokyo, Japan",
        "US": "Austin, TX",
        "FR": "Paris, France",
    }
    rows = [
        _row(
            title=f"ML Engineer {i}",
            url=f"https://jobs.example.com/s{i}",
            salary_text=case["salary"],
            location=places.get(case.get("country_hint") or "", "Anywhere"),
            posted_at=case.get("date") or "2024-05-02",
        )
        for i, case in enumerate(cases)
    ]
    ingest_file(store, write_csv(tmp_path / "pay.csv", rows))
    normalize(store)
    got = store.con.execute(
        "SELECT r.salary_text, p.country_code, p.posted_date, p.salary_min, p.salary_max, "
        "p.salary_currency, p.salary_period, p.salary_annual_min, p.salary_annual_max, "
        "p.salary_annual_usd, p.salary_annual_ppp, p.salary_status, p.salary_flags "
        "FROM postings p JOIN raw_postings r USING (raw_id)"
    ).fetchall()
    assert len(got) == len(cases) > 100
    statuses = set()
    for text, country, posted, *sql in got:
        want = normalize_salary(text, country=country, posted=posted)
        assert isinstance(posted, dt.date)
        expected = [
            want.min,
            want.max,
            want.currency,
            want.period,
            want.annual_min,
            want.annual_max,
            want.annual_usd_mid,
            want.annual_ppp_mid,
            want.status,
            ";".join(want.flags) or None,
        ]
        for a, b in zip(sql, expected, strict=True):
            if isinstance(b, float) and a is not None:
                assert abs(a - b) <= 0.011, (text, sql, expected)
            else:
                assert a == b, (text, sql, expected)
        statuses.add(want.status)
    assert {"parsed", "none"} <= statuses


NON_LATIN_TITLES = {
    "Japanese": ("機械学習エンジニア", "東京都"),
    "Chinese": ("机器学习工程师", "北京"),
    "Korean": ("머신러닝 엔지니어", "서울"),
    "Russian": ("Инженер по машинному обучению", "Москва"),
    "Arabic": ("مهندس تعلم الآلة", "Dubai, United Arab Emirates"),
    "Greek": ("Μηχανικός Μηχανικής Μάθησης", "Αθήνα, Ελλάδα"),
}


def test_titles_in_every_script_reach_postings_and_are_classified(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        _row(title=title, location=place, url=f"https://jobs.example.com/{script}")
        for script, (title, place) in NON_LATIN_TITLES.items()
    ]
    ingest_file(store, write_csv(tmp_path / "jobs.csv", rows))
    normalize(store)
    tiers = dict(store.con.execute("SELECT title, ai_ml_tier FROM postings").fetchall())
    for script, (title, _) in NON_LATIN_TITLES.items():
        assert tiers.get(title) == "core", script
    assert store.scalar("SELECT count(*) FROM quarantine") == 0


def test_postings_say_how_their_location_was_matched(store: Store, tmp_path: Path) -> None:
    rows = [
        _row(location="Seattle, WA", url="https://jobs.example.com/a"),
        _row(location="Sheffeild, UK", url="https://jobs.example.com/b"),
        _row(location="Paris, France" + " x" * 600, url="https://jobs.example.com/c"),
    ]
    ingest_file(store, write_csv(tmp_path / "jobs.csv", rows))
    normalize(store)
    got = {
        r[0][:20]: r[1:]
        for r in store.con.execute(
            "SELECT location_text, city, location_match_method, location_confidence, "
            "location_truncated FROM postings"
        ).fetchall()
    }
    assert got["Seattle, WA"][:2] == ("Seattle", "exact")
    assert got["Sheffeild, UK"][:2] == ("Sheffield", "fuzzy")
    assert 0 < got["Sheffeild, UK"][2] < got["Seattle, WA"][2] <= 1
    assert got["Paris, France x x x "][-1] is True
    assert got["Seattle, WA"][-1] is False
