"""Sobol indices with intervals, on a toy model whose indices are known, and their printing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from jobatlas.indicators.metrics import RankSettings
from jobatlas.indicators.sensitivity import sobol
from jobatlas.indicators.structure import Input, Structure
from jobatlas.indicators.uncertainty import Factors
from jobatlas.report.markdown import index_text

POOL = 1000


class AdditiveScorer:
    """Two outputs, g(bootstrap draw) + h(normalisation) and its negative; weights do nothing.

    Var(g) = (POOL^2 - 1) / (12 POOL^2) for g = draw / POOL; Var(h) = 1/6 for h = method / 2
    (three methods), so the first- and total-order indices are 1/3 for the bootstrap, 2/3 for
    the normalisation and 0 for the weights.
    """

    metros = 2

    def ranks(self, factors: Factors) -> np.ndarray:
        y = factors.boot / POOL + factors.methods / 2
        return np.stack([y, -y], axis=1)


STRUCTURE = Structure(
    (Input("a", "", (0,), 0.5), Input("b", "", (1,), 0.5)), np.ones(9), (), np.eye(2), (), ()
)


def test_indices_of_an_additive_model() -> None:
    centre = np.array([0.5 + 0.5, -(0.5 + 0.5)])
    settings = RankSettings(sensitivity_draws=20_000)
    s = sobol(AdditiveScorer(), centre, STRUCTURE, settings, POOL, np.random.SeedSequence(3))  # type: ignore[arg-type]
    var_g = (POOL**2 - 1) / (12 * POOL**2)
    expected = {"bootstrap": var_g / (var_g + 1 / 6), "normalisation": (1 / 6) / (var_g + 1 / 6)}
    assert s.draws == 20_000
    for name, value in expected.items():
        for index in (s.first_order[name], s.total_order[name]):
            assert index.value == pytest.approx(value, abs=0.02)
            assert index.low < value < index.high  # the 95% interval holds the true value
            assert index.half_width < 0.02
    assert abs(s.first_order["weights"].value) < 0.01 and s.total_order["weights"].value == 0
    assert s.most_influential == "normalisation"


def test_without_a_draw_count_it_draws_until_the_intervals_are_narrow_enough() -> None:
    centre = np.array([1.0, -1.0])
    settings = RankSettings(sensitivity_precision=0.01)
    s = sobol(AdditiveScorer(), centre, STRUCTURE, settings, POOL, np.random.SeedSequence(4))  # type: ignore[arg-type]
    assert s.draws > 1000  # the first batch of 1,000 is not enough for +-0.01
    for index in (*s.first_order.values(), *s.total_order.values()):
        assert index.half_width <= 0.01


def test_an_assumption_held_fixed_is_exactly_zero_and_said_so() -> None:
    settings = RankSettings(sensitivity_draws=2000, vary_normalisation=False)
    s = sobol(
        AdditiveScorer(), np.array([0.5, -0.5]), STRUCTURE, settings, POOL,
        np.random.SeedSequence(5),
    )  # type: ignore[arg-type]  # fmt: skip
    assert not s.varied["normalisation"] and s.first_order["normalisation"].value == 0
    boot = s.first_order["bootstrap"]
    total = s.total_order["bootstrap"]
    assert boot.low < 1 < boot.high and total.low < 1 < total.high


SENS = {"precision": 0.02, "varied": {"bootstrap": True, "weights": True, "normalisation": False}}


@pytest.mark.parametrize(
    "assumption,index,text",
    [
        ("bootstrap", {"index": 0.716, "ci": [0.699, 0.733]}, "0.716 (0.699\u20130.733)"),
        ("weights", {"index": 0.004, "ci": [-0.003, 0.011]}, "< 0.02"),
        ("weights", {"index": 0.0, "ci": [-0.012, 0.021]}, "0 (-0.012\u20130.021)"),
        ("normalisation", {"index": 0, "ci": [0, 0]}, "not varied"),
    ],
)
def test_printed_indices_are_never_a_bare_zero(
    assumption: str, index: dict[str, object], text: str
) -> None:
    assert index_text(index, SENS, assumption) == text


def test_fixed_draw_count_zero_means_no_analysis() -> None:
    settings = replace(RankSettings(), sensitivity_draws=0)
    s = sobol(AdditiveScorer(), np.zeros(2), STRUCTURE, settings, POOL, np.random.SeedSequence(1))  # type: ignore[arg-type]
    assert s.draws == 0
