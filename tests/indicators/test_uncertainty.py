"""Known-answer tests of the Monte Carlo on SYNTHETIC stores built so the answer is known."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from jobatlas.indicators import MetroResult, Ranking, RankSettings, build_ranking
from jobatlas.indicators.metrics import drop_base, load_stats, prepare_base
from jobatlas.indicators.uncertainty import Resampler, bootstrap_indicators, mid_median
from synthetic_store import SynMetro, make_store, standard_metros


def rank_of(ranking: Ranking, metro_id: str) -> MetroResult:
    return next(m for m in ranking.ranked if m.metro_id == metro_id)


def width(m: MetroResult) -> float:
    assert m.interval is not None
    return m.interval[1] - m.interval[0]


def test_a_metro_that_dominates_every_indicator_ranks_first_with_a_tight_interval() -> None:
    dominant = SynMetro(
        "syn-top", "Topville", population=500_000, core=400, adjacent=40, other=100,
        employers=80, salary=260_000, remote_share=0.5, recent_share=0.8,
    )  # fmt: skip
    store = make_store([dominant, *standard_metros()])
    ranking = build_ranking(store.con, RankSettings(draws=200, seed=11))
    top = ranking.ranked[0]
    assert top.metro_id == "syn-top" and top.rank == 1
    assert top.interval == (1.0, 1.0) and top.median_rank == 1.0
    assert top.tier == 1


def test_two_identical_metros_get_the_same_median_rank() -> None:
    # Twins well ahead of the rest: each is 1st or 2nd, with the same chance.
    twins = [
        SynMetro(f"syn-twin-{c}", f"Twin {c}", core=300, employers=40, salary=200_000,
                 pattern="twin")
        for c in "ab"
    ]  # fmt: skip
    store = make_store([*twins, *standard_metros()])
    ranking = build_ranking(store.con, RankSettings(draws=800, seed=5))
    a, b = rank_of(ranking, "syn-twin-a"), rank_of(ranking, "syn-twin-b")
    assert a.score == b.score and a.rank == b.rank == 1
    assert a.interval == b.interval == (1.0, 2.0)
    assert a.median_rank is not None and b.median_rank is not None
    # Equal up to Monte Carlo error: the mid-distribution median is 2 - P(rank 1), whose
    # standard error over 800 draws is about 0.018; unlike the plain median it cannot jump.
    assert abs(a.median_rank - b.median_rank) < 0.15
    assert a.tier == b.tier


def test_shrinking_a_metros_sample_widens_its_interval(tmp_path: Path) -> None:
    # A profile of size-free indicators, so a smaller sample changes only the uncertainty.
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        "[profiles.intensive.weights]\nai_ml_share = 1\nsalary_ppp_median = 1\ngrowth = 1\n",
        encoding="utf-8",
    )
    settings = RankSettings(
        draws=200, seed=3, profile="intensive", profiles_file=profiles,
        weight_jitter=0, vary_normalisation=False,
    )  # fmt: skip
    others = [  # large, so that their own sampling noise is small
        replace(m, core=8 * m.core, other=8 * m.other, employers=4 * m.employers)
        for m in standard_metros()
    ]

    def interval_width(core: int) -> float:
        probe = SynMetro("syn-probe", "Probe", core=core, adjacent=0, other=3 * core,
                         employers=max(6, core // 10), salary=120_000)  # fmt: skip
        return width(
            rank_of(build_ranking(make_store([probe, *others]).con, settings), "syn-probe")
        )

    assert interval_width(40) >= interval_width(2000) + 2


def test_changing_the_profile_moves_ranks_in_the_documented_direction() -> None:
    # Same postings but pay: for a job seeker pay is good, for an employer it is a cost.
    cheap = SynMetro("syn-cheap", "Cheapton", core=120, salary=70_000, pattern="pair")
    pricey = SynMetro("syn-pricey", "Priceton", core=120, salary=210_000, pattern="pair")
    store = make_store([cheap, pricey, *standard_metros()])
    seeker = build_ranking(store.con, RankSettings(profile="job_seeker", draws=200, seed=1))
    employer = build_ranking(store.con, RankSettings(profile="employer", draws=200, seed=1))
    assert rank_of(seeker, "syn-pricey").rank < rank_of(seeker, "syn-cheap").rank  # type: ignore[operator]
    assert rank_of(employer, "syn-cheap").rank < rank_of(employer, "syn-pricey").rank  # type: ignore[operator]


def test_the_same_seed_gives_the_same_output_and_another_seed_does_not() -> None:
    store = make_store(standard_metros())
    settings = RankSettings(draws=60, seed=42)
    first, second = build_ranking(store.con, settings), build_ranking(store.con, settings)
    assert [(m.metro_id, m.median_rank, m.interval, m.tier) for m in first.ranked] == [
        (m.metro_id, m.median_rank, m.interval, m.tier) for m in second.ranked
    ]
    assert first.sensitivity == second.sensitivity
    other = build_ranking(store.con, replace(settings, seed=43))
    assert [m.median_rank for m in other.ranked] != [m.median_rank for m in first.ranked]


def test_one_varied_assumption_carries_all_the_sensitivity() -> None:
    store = make_store(standard_metros())
    only_weights = RankSettings(
        draws=200, seed=2, bootstrap=False, vary_normalisation=False, vary_aggregation=False
    )
    s = build_ranking(store.con, only_weights).sensitivity
    assert s is not None
    assert s.first_order["weights"].value > 0.8 and s.total_order["weights"].value > 0.8
    assert s.first_order["weights"].half_width <= 0.02
    for other in ("bootstrap", "normalisation", "aggregation"):
        assert not s.varied[other]
        assert s.first_order[other].value == s.total_order[other].value == 0.0


def test_no_draws_means_no_intervals() -> None:
    ranking = build_ranking(make_store(standard_metros()).con, RankSettings(draws=0, seed=1))
    assert all(m.interval is None and m.tier is None for m in ranking.ranked)
    assert [m.rank for m in ranking.ranked] == sorted(m.rank for m in ranking.ranked)  # type: ignore[type-var]


def _stats(metros: list[SynMetro]):  # type: ignore[no-untyped-def]
    store = make_store(metros)
    window = prepare_base(store.con, RankSettings())
    stats = load_stats(store.con, window, "metro")
    drop_base(store.con)
    return stats


def test_bootstrap_volume_is_poisson_around_the_observed_count() -> None:
    # 600 employers: most sit in the normal-approximated tail, the largest 20 are exact.
    stats = _stats([SynMetro("syn-big", "Big", core=3000, employers=600)])
    x_out, _ = Resampler(stats).draw(np.random.default_rng(0), 4000)
    volume = x_out[:, 0, 0]
    assert volume.mean() == pytest.approx(3000, rel=0.01)
    assert volume.var() == pytest.approx(3000, rel=0.1)


def test_bootstrap_off_repeats_the_point_estimate() -> None:
    stats = _stats(standard_metros())
    x_out, x_in = bootstrap_indicators(stats, 3, np.random.SeedSequence(1), enabled=False)
    assert np.array_equal(x_out[0], x_out[2], equal_nan=True)
    assert not np.array_equal(x_out[0], x_in[0], equal_nan=True)  # adjacent jobs add postings


def test_mid_median() -> None:
    ranks = np.array([[1.0] * 900 + [2.0] * 100, [2.0, 3.0] * 500]).T
    assert mid_median(ranks).tolist() == pytest.approx([1.1, 2.5])
