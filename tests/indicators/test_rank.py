"""Normalisation, aggregation, profiles and rank correlations, on numbers worked out by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from jobatlas.errors import ConfigError
from jobatlas.indicators.metrics import INDICATOR_NAMES
from jobatlas.indicators.rank import (
    aggregate,
    average_ranks,
    composite,
    kendall_tau_b,
    load_profile,
    load_profiles,
    normalise,
    normalised_inputs,
    ranks_from_scores,
    spearman,
    winsorise,
)
from jobatlas.indicators.structure import Input, Structure


def col(*values: float) -> np.ndarray:
    """One draw, one indicator: shape [1, metros, 1]."""
    return np.array(values, dtype=float)[None, :, None]


def test_minmax() -> None:
    assert normalise(col(2, 4, 6), "minmax")[0, :, 0].tolist() == [0, 50, 100]


def test_zscore() -> None:
    z = normalise(col(1, 2, 3, 4, 5), "zscore")[0, :, 0]
    assert z.mean() == pytest.approx(0) and z.std() == pytest.approx(1)


def test_rank_normalisation_averages_ties() -> None:
    assert normalise(col(1, 2, 2, 3), "rank")[0, :, 0].tolist() == [0, 50, 50, 100]


@pytest.mark.parametrize("method,mid", [("minmax", 50.0), ("zscore", 0.0), ("rank", 50.0)])
def test_a_column_without_spread_gets_the_midpoint(method: str, mid: float) -> None:
    assert normalise(col(7, 7, 7), method)[0, :, 0].tolist() == [mid] * 3


def test_missing_values_stay_missing() -> None:
    out = normalise(col(1, np.nan, 3), "minmax")[0, :, 0]
    assert out[0] == 0 and np.isnan(out[1]) and out[2] == 100


def test_unknown_normalisation() -> None:
    with pytest.raises(ConfigError):
        normalise(col(1, 2), "log")


def test_winsorise_clips_at_quantiles() -> None:
    out = winsorise(col(*range(21)), 0.05)[0, :, 0]
    assert out.min() == 1 and out.max() == 19 and out[10] == 10


def test_arithmetic_shares_a_missing_indicator_weight() -> None:
    v = np.array([[[50.0, np.nan], [20.0, 40.0]]])
    assert aggregate(v, np.array([0.5, 0.5]), "arithmetic")[0].tolist() == [50, 30]


def test_geometric_mean_of_shifted_columns() -> None:
    v = np.array([[[0.0, 0.0], [3.0, 15.0]]])  # shifted: [1, 1] and [4, 16]
    out = aggregate(v, np.array([0.5, 0.5]), "geometric")[0]
    assert out.tolist() == pytest.approx([1.0, 8.0])


def structure(directions: np.ndarray, *inputs: tuple[int, ...]) -> Structure:
    """A hand-made structure: equal weights on the given inputs (tuples of columns)."""
    made = tuple(Input(f"in{i}", "", members, 1 / len(inputs)) for i, members in enumerate(inputs))
    return Structure(made, directions, (), np.eye(len(made)), (), ())


def test_direction_minus_one_reverses_the_order() -> None:
    x = np.zeros((1, 3, len(INDICATOR_NAMES)))
    x[0, :, 0] = [1, 2, 3]
    up = np.ones(len(INDICATOR_NAMES))
    one = np.array([1.0])
    scores_up = composite(x, structure(up, (0,)), one, np.array([0]), "arithmetic", 0.0)
    scores_down = composite(x, structure(-up, (0,)), one, np.array([0]), "arithmetic", 0.0)
    assert ranks_from_scores(scores_up)[0].tolist() == [3, 2, 1]
    assert ranks_from_scores(scores_down)[0].tolist() == [1, 2, 3]


def test_a_fold_is_the_mean_of_its_members_normalised_values() -> None:
    x = np.zeros((1, 3, len(INDICATOR_NAMES)))
    x[0, :, 0] = [0, 5, 10]  # min-max: 0, 50, 100
    x[0, :, 1] = [10, np.nan, 0]  # min-max: 100, missing, 0
    up = np.ones(len(INDICATOR_NAMES))
    folded = normalised_inputs(x, structure(up, (0, 1)), "minmax", 0.0)
    assert folded[0, :, 0].tolist() == [50, 50, 50]  # a missing member: the other alone


def test_ranks_from_scores_ties_and_nan() -> None:
    assert ranks_from_scores(np.array([[5.0, 9.0, 5.0, np.nan]]))[0].tolist() == [2.5, 1, 2.5, 4]


@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e6, 1e6)))
def test_average_ranks_are_a_tie_aware_permutation(values: np.ndarray) -> None:
    ranks = average_ranks(values[None, :])[0]
    n = len(values)
    assert ranks.sum() == pytest.approx(n * (n - 1) / 2)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(ranks[order]) >= 0)
    assert np.all((np.diff(values[order]) == 0) == (np.diff(ranks[order]) == 0))


def test_bundled_profiles() -> None:
    profiles = load_profiles()
    assert {"balanced", "job_seeker", "employer"} <= set(profiles)
    for p in profiles.values():
        assert sum(p.weights.values()) == pytest.approx(1)
    assert profiles["employer"].directions["salary_usd_median"] == -1
    assert profiles["job_seeker"].directions["salary_usd_median"] == 1
    assert profiles["balanced"].directions["hhi"] == -1
    assert profiles["balanced"].weights["size"] == pytest.approx(0.3)  # a fold, named


def test_a_profile_naming_the_dropped_remote_share_says_why(tmp_path: Path) -> None:
    path = tmp_path / "old.toml"
    path.write_text("[profiles.x.weights]\nremote_share = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="a remote posting has no city"):
        load_profile("x", path)


def test_user_profiles_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("[profiles.pay_only.weights]\nsalary_ppp_median = 3\n", encoding="utf-8")
    mine = load_profile("pay_only", path)
    assert mine.weights == {"salary_ppp_median": 1.0}
    assert "balanced" in load_profiles(path)


@pytest.mark.parametrize(
    "body",
    [
        "[profiles.x.weights]\nnot_an_indicator = 1\n",
        "[profiles.x.weights]\ngrowth = -1\n",
        "[profiles.x.weights]\ngrowth = 1\n[profiles.x.directions]\ngrowth = 0\n",
        "[profiles.x.weights\n",
    ],
)
def test_bad_profiles_are_config_errors(tmp_path: Path, body: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_profile("x", path)


def test_unknown_profile_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="job_seeker"):
        load_profile("nope")


def test_correlations_known_values() -> None:
    x, y = np.array([1.0, 2, 3, 4]), np.array([1.0, 3, 2, 4])
    assert spearman(x, y) == pytest.approx(0.8)  # 1 - 6 * 2 / (4 * 15)
    assert kendall_tau_b(x, y) == pytest.approx(4 / 6)  # 5 concordant, 1 discordant
    assert spearman(x, x[::-1]) == pytest.approx(-1)
    assert kendall_tau_b(x, x[::-1]) == pytest.approx(-1)


def test_kendall_tau_b_with_ties() -> None:
    # pairs: 6; x has 1 tie, y none; S = 4 concordant - 1 discordant = 3 (+1 tied pair)
    x, y = np.array([1.0, 1, 2, 3]), np.array([1.0, 2, 4, 3])
    assert kendall_tau_b(x, y) == pytest.approx(3 / np.sqrt(5 * 6))


def test_correlations_need_two_items() -> None:
    assert np.isnan(spearman(np.array([1.0]), np.array([1.0])))
    assert np.isnan(kendall_tau_b(np.array([1.0]), np.array([2.0])))
