"""Indicators on a tiny SYNTHETIC store whose every value is worked out by hand."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobatlas.errors import ConfigError
from jobatlas.indicators import RankSettings, build_ranking
from jobatlas.indicators.details import fill_from_stats, load_details, load_skills
from jobatlas.indicators.metrics import (
    INDICATOR_NAMES,
    _months_before,
    drop_base,
    load_stats,
    prepare_base,
    segment_sum,
)
from jobatlas.indicators.values import baseline_values
from jobatlas.store.duckdb import Store
from synthetic_store import insert_postings

ALPHA, BETA = ("alpha", "US"), ("beta", "US")


def _salary(usd: float, flags: str | None = None, status: str = "parsed") -> dict[str, object]:
    return {
        "salary_status": status,
        "salary_annual_usd": usd,
        "salary_annual_ppp": usd * 0.9,
        "salary_annual_min": usd * 0.9,
        "salary_annual_max": usd * 1.1,
        "salary_currency": "USD",
        "salary_flags": flags,
    }


HAND_ROWS: list[dict[str, object]] = [
    {"title": "ML Engineer", "company": "Acme", "posted_date": date(2023, 1, 15),
     "skills": "torch, LLMs", "url": "https://example.com/1", "places": [ALPHA],
     **_salary(100_000)},
    {"title": "Senior ML Engineer", "company": "acme ", "posted_date": date(2023, 8, 1),
     "remote": "remote", "places": [ALPHA], **_salary(200_000)},
    {"title": "ML Intern", "company": "Beta Corp", "posted_date": date(2023, 9, 1),
     "places": [ALPHA], **_salary(300_000, flags="estimated")},
    {"title": "Principal Scientist", "company": None, "posted_date": date(2023, 10, 1),
     "places": [ALPHA], **_salary(900_000, status="implausible")},
    {"title": "NLP Engineer", "company": "Gamma", "posted_date": date(2023, 3, 1),
     "skills": "['pytorch', 'scikit-learn']", "places": [ALPHA, BETA]},
    {"title": "Data Scientist", "company": "Delta", "ai_ml_tier": "adjacent",
     "posted_date": date(2023, 11, 1), "places": [ALPHA]},
    {"title": "Accountant", "company": "Eps", "ai_ml_tier": "none",
     "posted_date": date(2023, 5, 1), "places": [ALPHA]},
    {"title": "Accountant", "company": "Eps", "ai_ml_tier": "none",
     "posted_date": date(2023, 12, 31), "places": [ALPHA]},
    {"title": "AI Researcher", "company": "Zeta", "posted_date": date(2023, 6, 1),
     "location_status": "country_only", "country_code": "DE"},
]  # fmt: skip


@pytest.fixture(scope="module")
def hand() -> Iterator[Store]:
    """SYNTHETIC: nine hand-written postings in two made-up metros and one country-only."""
    store = Store.open(":memory:")
    store.con.execute(
        "INSERT INTO metros VALUES ('alpha', 'Alpha', 'US', 2000000, NULL, NULL), "
        "('beta', 'Beta', 'US', NULL, NULL, NULL)"
    )
    insert_postings(store, [dict(r) for r in HAND_ROWS])
    yield store
    store.close()


def _indicators(store: Store, level: str = "metro", **kw: object) -> dict[str, dict[str, float]]:
    settings = RankSettings(**{"min_sample": 1, **kw})  # type: ignore[arg-type]
    window = prepare_base(store.con, settings)
    try:
        stats = load_stats(store.con, window, level)  # type: ignore[arg-type]
        values = baseline_values(stats, settings.include_adjacent, settings.min_sample)
    finally:
        drop_base(store.con)
    return {
        key: dict(zip(INDICATOR_NAMES, row.tolist(), strict=True))
        for key, row in zip(stats.keys, values, strict=True)
    }


def test_hand_computed_indicators(hand: Store) -> None:
    alpha = _indicators(hand, definition="core")["alpha"]
    assert alpha["ai_ml_postings"] == pytest.approx(4.5)  # four postings + half of a shared one
    assert alpha["ai_ml_share"] == pytest.approx(100 * 4.5 / 7.5)
    assert alpha["ai_ml_per_million"] == pytest.approx(4.5 / 2)
    assert alpha["salary_usd_median"] == pytest.approx(150_000)  # estimated, implausible left out
    assert alpha["salary_ppp_median"] == pytest.approx(135_000)
    assert alpha["employers"] == 3  # Acme (twice, spelt two ways), Beta Corp, Gamma
    assert alpha["top3_share"] == pytest.approx(100.0)
    assert alpha["hhi"] == pytest.approx(10_000 * (2**2 + 1 + 0.5**2) / 3.5**2)
    # Growth compares the AI/ML share of all postings in each half-year: 3 of 5 after June,
    # 1.5 of 2.5 before (the shared posting counts half), so the share did not change.
    assert alpha["growth"] == pytest.approx(0.0)
    assert "remote_share" not in alpha  # a fully remote posting has no city: dropped


def test_growth_is_the_change_of_the_ai_ml_share(hand: Store) -> None:
    # With the adjacent tier: 4 of 5 postings after June, 1.5 of 2.5 before.
    alpha = _indicators(hand, definition="core+adjacent")["alpha"]
    assert alpha["growth"] == pytest.approx(100 * ((4 / 5) / (1.5 / 2.5) - 1))


def test_too_few_salaries_or_postings_per_half_year_leave_the_indicator_missing(
    hand: Store,
) -> None:
    alpha = _indicators(hand, definition="core", min_sample=3)["alpha"]
    assert np.isnan(alpha["salary_usd_median"]) and np.isnan(alpha["salary_ppp_median"])  # 2
    assert np.isnan(alpha["growth"])  # 1.5 AI/ML postings in the first half-year
    assert alpha["ai_ml_postings"] == pytest.approx(4.5)  # counts need no minimum


def test_shared_posting_splits_and_missing_population_is_nan(hand: Store) -> None:
    beta = _indicators(hand, definition="core")["beta"]
    assert beta["ai_ml_postings"] == pytest.approx(0.5)
    assert np.isnan(beta["ai_ml_per_million"])


def test_full_place_weighting_counts_a_shared_posting_fully(hand: Store) -> None:
    full = _indicators(hand, place_weighting="full", definition="core")
    assert full["alpha"]["ai_ml_postings"] == 5


def test_adjacent_tier_setting(hand: Store) -> None:
    alpha = _indicators(hand, definition="core+adjacent")["alpha"]
    assert alpha["ai_ml_postings"] == pytest.approx(5.5)
    assert alpha["employers"] == 4


def test_window_filters_and_disables_growth(hand: Store) -> None:
    alpha = _indicators(hand, since=date(2023, 7, 1), definition="core")["alpha"]
    assert alpha["ai_ml_postings"] == 3  # August, September, October
    assert np.isnan(alpha["growth"])  # six months of data cannot compare two half-years
    window = prepare_base(hand.con, RankSettings(since=date(2023, 7, 1)))
    drop_base(hand.con)
    assert not window.growth_ok
    assert window.growth_reason.startswith("the postings start on 2023-08-01")


def test_growth_counts_only_sources_seen_in_both_half_years() -> None:
    store = Store.open(":memory:")
    rows = [
        {"source": "old-board", "posted_date": date(2023, 1, 10), "places": [ALPHA]},
        {"source": "new-board", "posted_date": date(2023, 12, 10), "places": [ALPHA]},
    ]
    insert_postings(store, rows)
    window = prepare_base(store.con, RankSettings())
    drop_base(store.con)
    assert not window.growth_ok
    assert window.growth_reason == "no source has postings in both half-years"
    insert_postings(
        store, [{"source": "old-board", "posted_date": date(2023, 11, 1), "raw_id": 99}]
    )
    window = prepare_base(store.con, RankSettings())
    drop_base(store.con)
    assert window.growth_ok and window.growth_sources == ("old-board",)


def test_country_rollup_includes_country_only_postings(hand: Store) -> None:
    countries = _indicators(hand, level="country", definition="core")
    assert countries["DE"]["ai_ml_postings"] == 1
    assert countries["US"]["ai_ml_postings"] == pytest.approx(5)  # 4.5 + 0.5 in Beta


def test_details(hand: Store) -> None:
    settings = RankSettings(definition="core")
    window = prepare_base(hand.con, settings)
    try:
        details = load_details(hand.con, settings, ["alpha"])
        fill_from_stats(details, load_stats(hand.con, window, "metro"), adjacent=False)
    finally:
        drop_base(hand.con)
    d = details["alpha"]
    assert (d.salary_n, d.excluded_estimated, d.excluded_implausible) == (2, 1, 1)
    assert (d.salary_usd_p25, d.salary_usd_p75) == (125_000, 175_000)
    assert d.all_postings == pytest.approx(7.5)
    assert (d.local_currency, d.local_median) == ("USD", pytest.approx(150_000))
    assert d.seniority == {"intern": 1, "junior": 0, "mid": 2, "senior": 1, "lead_plus": 1}
    assert d.top_employers[0] == ("Acme", 2)
    assert dict(d.top_skills) == {"PyTorch": 2, "LLMs": 1, "scikit-learn": 1}
    assert d.samples[0].url == "https://example.com/1"  # postings with a link come first
    assert d.warnings == []  # no employer holds 80%


def test_one_employer_dominating_is_warned() -> None:
    store = Store.open(":memory:")
    rows = [{"company": "Solo", "places": [ALPHA]} for _ in range(9)]
    insert_postings(store, [*rows, {"company": "Other", "places": [ALPHA]}])
    settings = RankSettings()
    prepare_base(store.con, settings)
    d = load_details(store.con, settings, ["alpha"])["alpha"]
    assert d.warnings == ["90% of the evidence comes from one employer (Solo)"]


def test_thresholds_decide_who_is_ranked(hand: Store) -> None:
    default = build_ranking(hand.con, RankSettings(draws=0, seed=1, definition="core"))
    assert default.ranked == [] and {m.metro_id for m in default.not_enough_data} == {
        "alpha",
        "beta",
    }
    low = build_ranking(
        hand.con,
        RankSettings(draws=0, seed=1, min_postings=1, min_employers=1, definition="core"),
    )
    assert [m.metro_id for m in low.ranked] == ["alpha"]


def test_segment_sum_leaves_empty_groups_at_zero() -> None:
    x = np.array([[1.0, 2.0, 3.0]])
    assert segment_sum(x, np.array([0, 0, 2]), 4).tolist() == [[3.0, 0.0, 3.0, 0.0]]


def test_skills_taxonomy_is_valid() -> None:
    skills = load_skills()
    ids = [s.id for s in skills]
    assert len(ids) == len(set(ids)) and {"pytorch", "llm", "mlops", "cuda"} <= set(ids)


def test_bad_skills_file_is_a_config_error(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "skills.toml"
    path.write_text('[[skill]]\nid = "x"\nlabel = "X"\naliases = ["c++"]\n', encoding="utf-8")
    with pytest.raises(ConfigError):
        load_skills(str(path))


def test_settings_are_checked() -> None:
    with pytest.raises(ConfigError):
        RankSettings(since=date(2024, 1, 1), until=date(2023, 1, 1))


@given(st.dates(min_value=date(1900, 1, 1)), st.integers(min_value=0, max_value=240))
def test_months_before_moves_whole_months(day: date, months: int) -> None:
    back = _months_before(day, months)
    assert (day.year * 12 + day.month) - (back.year * 12 + back.month) == months
    assert back.day <= day.day


@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.floats(1_000, 500_000, allow_nan=False),
            st.one_of(st.none(), st.floats(1_000, 500_000, allow_nan=False)),
        ),
        max_size=40,
    )
)
def test_salary_pools_are_sorted_per_group_with_nan_last_as_numpy_sorts(
    salaries: list[tuple[int, float, float | None]],
) -> None:
    """The engine sorts each group's salaries (a PPP it lacks is NaN, last): the slices are
    numpy's own sort of the same values."""
    import duckdb

    from jobatlas.indicators.metrics import _salary_pool
    from jobatlas.indicators.queries import DuckQueries

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE scope (gid INTEGER, raw_id BIGINT, usd DOUBLE, ppp DOUBLE, tier VARCHAR, "
        "salary_status VARCHAR, salary_flags VARCHAR)"
    )
    if salaries:
        con.executemany(
            "INSERT INTO scope VALUES (?, ?, ?, ?, 'core', 'parsed', '')",  # as the scope has it
            [(g, i, u, p) for i, (g, u, p) in enumerate(salaries)],
        )
    pool = _salary_pool(DuckQueries(con), "scope", 4, ("core",))
    for g in range(4):
        usd = sorted(u for gg, u, _ in salaries if gg == g)
        ppp = np.sort(np.array([np.nan if p is None else p for gg, _, p in salaries if gg == g]))
        lo, hi = pool.offsets[g], pool.offsets[g + 1]
        assert pool.usd[lo:hi].tolist() == usd
        np.testing.assert_array_equal(pool.ppp[lo:hi], ppp)
