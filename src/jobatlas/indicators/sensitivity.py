"""First- and total-order sensitivity of the ranks to each assumption, with 95% intervals.

The output is the vector of ranks of the ranked metros; its variance is pooled over metros
(each metro's rank variance summed). For assumption *i* (bootstrap draw, weights,
normalisation, aggregation), two independent samples A and B of the assumptions and the
sample A_B^i (A with assumption *i* taken from B) give, per evaluation *d* (ranks centred on
each metro's mean rank in the main Monte Carlo):

    first order (Saltelli 2010):  u_d = sum_j f_B,dj * (f_ABi,dj - f_A,dj)
    total order (Jansen 1999):    t_d = sum_j (f_A,dj - f_ABi,dj)^2 / 2
    variance:                     v_d = sum_j (f_A,dj^2 + f_B,dj^2) / 2

and S_i = mean(u) / mean(v), T_i = mean(t) / mean(v). Each index is a ratio of means, so its
standard error is the delta method's: sd(u_d - S v_d) / (sqrt(N) mean(v)); the interval is
+-1.96 standard errors. The bootstrap assumption picks one of the main Monte Carlo's first
``SENSITIVITY_POOL`` bootstrap draws at random (the empirical bootstrap distribution), so no
new resampling runs.

With no fixed draw count, draws are added in batches until every interval of a varied
assumption is within +-``precision``, up to ``MAX_DRAWS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jobatlas.indicators.metrics import FloatArray, RankSettings
from jobatlas.indicators.structure import Structure
from jobatlas.indicators.uncertainty import Scorer, draw_factors

ASSUMPTIONS: tuple[str, ...] = ("bootstrap", "weights", "normalisation", "aggregation")
FIRST_BATCH = 1000
MAX_DRAWS = 64_000
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Index:
    """An estimated index and its 95% interval (unclipped: an estimate may fall below 0)."""

    value: float
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


@dataclass(frozen=True)
class Sensitivity:
    draws: int
    varied: dict[str, bool]
    first_order: dict[str, Index]
    total_order: dict[str, Index]

    @property
    def most_influential(self) -> str | None:
        """The varied assumption with the largest total-order index, if any moves the ranks."""
        varied = [(v.value, k) for k, v in self.total_order.items() if self.varied[k]]
        if not varied:
            return None
        value, name = max(varied)
        return name if value > 0 else None


def varied_assumptions(settings: RankSettings) -> dict[str, bool]:
    return {
        "bootstrap": settings.bootstrap,
        "weights": settings.weight_jitter > 0,
        "normalisation": settings.vary_normalisation,
        "aggregation": settings.vary_aggregation,
    }


@dataclass
class _Sums:
    """Per-evaluation contributions u, t (per assumption) and v, appended batch by batch."""

    u: dict[str, list[FloatArray]]
    t: dict[str, list[FloatArray]]
    v: list[FloatArray]

    def add(self, f_a: FloatArray, f_b: FloatArray, mixed: dict[str, FloatArray]) -> None:
        self.v.append(np.sum(f_a * f_a + f_b * f_b, axis=1) / 2)
        for name, f_ab in mixed.items():
            self.u[name].append(np.sum(f_b * (f_ab - f_a), axis=1))
            diff = f_a - f_ab
            self.t[name].append(np.sum(diff * diff, axis=1) / 2)

    def indices(self, varied: dict[str, bool]) -> tuple[dict[str, Index], dict[str, Index]]:
        v = np.concatenate(self.v)
        first, total = {}, {}
        for name in ASSUMPTIONS:
            if not varied[name]:
                first[name] = total[name] = Index(0.0, 0.0, 0.0)
                continue
            first[name] = _ratio(np.concatenate(self.u[name]), v)
            total[name] = _ratio(np.concatenate(self.t[name]), v)
        return first, total


def _ratio(num: FloatArray, den: FloatArray) -> Index:
    """mean(num) / mean(den) with a delta-method 95% interval."""
    mean_den = float(den.mean())
    if mean_den <= 0 or len(num) < 2:
        return Index(0.0, 0.0, 0.0)
    value = float(num.mean()) / mean_den
    se = float(np.std(num - value * den, ddof=1)) / (np.sqrt(len(num)) * mean_den)
    return Index(value, value - Z95 * se, value + Z95 * se)


def sobol(
    scorer: Scorer,
    centre: FloatArray,
    structure: Structure,
    settings: RankSettings,
    pool: int,
    seed: np.random.SeedSequence,
) -> Sensitivity:
    """First- and total-order indices of the four assumptions for the ranks ``scorer`` gives.

    ``centre`` is each metro's mean rank (from the main draws); ``pool`` the number of
    bootstrap draws to pick from.
    """
    varied = varied_assumptions(settings)
    mixed_names = [a for a in ASSUMPTIONS if varied[a]]
    fixed = settings.sensitivity_draws
    target = fixed if fixed is not None else FIRST_BATCH
    sums = _Sums({a: [] for a in mixed_names}, {a: [] for a in mixed_names}, [])
    done = 0
    while done < target and scorer.metros > 1 and mixed_names:
        size = min(target - done, FIRST_BATCH)
        rng = np.random.default_rng(seed.spawn(1)[0])
        a = draw_factors(structure, settings, size, rng, pool)
        b = draw_factors(structure, settings, size, rng, pool)
        f_a, f_b = scorer.ranks(a) - centre, scorer.ranks(b) - centre
        sums.add(f_a, f_b, {n: scorer.ranks(a.mix(b, n)) - centre for n in mixed_names})
        done += size
        if fixed is None and done == target:
            target = _next_target(sums, varied, done, settings.sensitivity_precision)
    first, total = sums.indices(varied) if done else _zeros()
    return Sensitivity(done, varied, first, total)


def _next_target(sums: _Sums, varied: dict[str, bool], done: int, precision: float) -> int:
    """Draws needed for every interval to be within +-precision (the half-width shrinks as
    1/sqrt(N)), with 10% to spare, in whole batches; ``done`` when already there."""
    first, total = sums.indices(varied)
    widest = max(i.half_width for i in (*first.values(), *total.values()))
    if widest <= precision:
        return done
    needed = done * (widest / precision) ** 2 * 1.1
    batches = int(np.ceil(needed / FIRST_BATCH))
    return min(max(batches * FIRST_BATCH, done + FIRST_BATCH), MAX_DRAWS)


def _zeros() -> tuple[dict[str, Index], dict[str, Index]]:
    zero = Index(0.0, 0.0, 0.0)
    return dict.fromkeys(ASSUMPTIONS, zero), dict.fromkeys(ASSUMPTIONS, zero)
