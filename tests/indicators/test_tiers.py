"""Tiers from pairwise probabilities, on rank draws written by hand or generated."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobatlas.indicators.tiers import assign_tiers, p_above, p_above_next
from jobatlas.indicators.uncertainty import mid_median


def draws(*blocks: tuple[int, tuple[int, ...]]) -> np.ndarray:
    """Rank draws [draws, metros] from (count, ranks of the metros) blocks."""
    return np.array([ranks for count, ranks in blocks for _ in range(count)], dtype=float)


# A is above B in 90% of draws and above C in 86%, but B is above C in 96%.
ABC = draws((86, (1, 2, 3)), (10, (3, 1, 2)), (4, (2, 3, 1)))


def test_pairwise_probabilities() -> None:
    assert p_above(ABC, 0, [1, 2]).tolist() == pytest.approx([0.90, 0.86])
    assert p_above(ABC, 1, [2]).tolist() == pytest.approx([0.96])
    assert p_above_next(np.arange(3), ABC)[:2].tolist() == pytest.approx([0.90, 0.96])
    assert np.isnan(p_above_next(np.arange(3), ABC)[2])


def test_a_metro_any_member_beats_in_95_percent_opens_a_tier_even_if_the_leader_does_not() -> None:
    # The leader A is above C in only 86% of draws; B, in the same tier as A, in 96%.
    assert assign_tiers(np.arange(3), ABC, 0.95).tolist() == [1, 1, 2]
    assert assign_tiers(np.arange(3), ABC, 0.97).tolist() == [1, 1, 1]


def test_ties_count_for_neither_metro() -> None:
    tied = draws((100, (1.5, 1.5)))
    assert p_above(tied, 0, [1]).tolist() == [0.0]
    assert assign_tiers(np.arange(2), tied, 0.95).tolist() == [1, 1]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    metros=st.integers(2, 9),
    spread=st.floats(0.2, 3.0),
    confidence=st.sampled_from([0.8, 0.9, 0.95]),
)
def test_no_two_metros_of_a_tier_are_told_apart_either_way(
    seed: int, metros: int, spread: float, confidence: float
) -> None:
    rng = np.random.default_rng(seed)
    quality = rng.normal(0, spread, metros)
    scores = quality + rng.normal(0, 1, (200, metros))
    ranks = 1.0 + np.argsort(np.argsort(-scores, axis=1), axis=1)
    order = np.lexsort((np.arange(metros), mid_median(ranks)))
    tiers = assign_tiers(order, ranks, confidence)
    assert tiers[order].tolist() == sorted(tiers[order].tolist())  # tiers follow the list
    assert set(np.diff(tiers[order]).tolist()) <= {0, 1} and tiers[order[0]] == 1
    for tier in set(tiers.tolist()):
        members = np.flatnonzero(tiers == tier)
        for i in members:
            others = [j for j in members if j != i]
            if others:
                assert p_above(ranks, int(i), others).max() < confidence
