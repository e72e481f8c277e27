"""Monte Carlo rank intervals and first-order sensitivity, vectorised over draws.

Each draw varies four assumptions at once: a Poisson bootstrap of the postings, the weights
(each multiplied by a uniform factor in [1 - j, 1 + j]), the normalisation method, and
whether adjacent-tier postings count. The bootstrap works on sufficient statistics, never on
single postings: a cell of n postings of equal weight resamples to Poisson(n) postings.

* Each metro's largest employers (``EXACT_CELLS``), its top three under either tier setting
  and its postings with no employer name are resampled cell by cell.
* The many small remaining employers enter through three sums (postings, distinct employers,
  squared counts) drawn from a normal distribution with the exact Poisson moments.
* Medians are drawn as the order statistic at a normal quantile around 0.5 with the bootstrap
  spread 0.5 / sqrt(n).

Rank summaries are the mid-distribution median and the 5-95% interval of each metro's ranks;
first-order indices use the pick-freeze (Janon) estimator on recombined draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from jobatlas.indicators.metrics import (
    Aggregates,
    BoolArray,
    FloatArray,
    GroupStats,
    IntArray,
    RankSettings,
    exact_aggregates,
    indicator_matrix,
    segment_sum,
    tier_setting,
    top_cells,
    valid_sizes,
)
from jobatlas.indicators.rank import NORMALISATIONS, Profile, composite, ranks_from_scores

EXACT_CELLS = 20
CHUNK = 50
ASSUMPTIONS: tuple[str, ...] = ("bootstrap", "weights", "normalisation", "adjacent")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MonteCarlo:
    """Per-metro rank summaries over the draws, plus first-order sensitivity indices."""

    draws: int
    seed: int
    ranks: FloatArray  # [draws, metros]
    median: FloatArray
    low: FloatArray
    high: FloatArray
    sensitivity: dict[str, float]


@dataclass(frozen=True)
class Factors:
    weights: FloatArray  # [draws, K]
    methods: IntArray  # [draws]
    adjacent: BoolArray  # [draws]


def draw_factors(
    profile: Profile, settings: RankSettings, draws: int, rng: np.random.Generator
) -> Factors:
    base = profile.weight_vector()
    j = settings.weight_jitter
    weights = base * rng.uniform(1 - j, 1 + j, size=(draws, base.size))
    weights /= weights.sum(axis=1, keepdims=True)
    baseline = NORMALISATIONS.index(settings.normalisation)
    methods = (
        rng.integers(0, len(NORMALISATIONS), size=draws)
        if settings.vary_normalisation
        else np.full(draws, baseline)
    )
    adjacent = (
        rng.random(draws) < 0.5
        if settings.vary_adjacent
        else np.full(draws, settings.include_adjacent)
    )
    return Factors(weights, methods.astype(np.int64), adjacent.astype(bool))


def _scaled(w: FloatArray, q: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Poisson rate and scale so that scale * Poisson(rate) has the cell's mean and variance."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(q > 0, w * w / q, 0.0)
        scale = np.where(w > 0, q / w, 0.0)
    return rate, scale


def _tail_moments(
    rate: FloatArray, scale: FloatArray, group: IntArray, n_groups: int
) -> tuple[FloatArray, FloatArray]:
    """Mean [G, 3] and covariance square root [G, 3, 3] of (postings, distinct, squares)."""
    e = np.exp(-rate)
    s, v = scale, rate
    mean_parts = (s * v, 1 - e, s**2 * (v + v**2))
    var_y, var_i, var_z = s**2 * v, e * (1 - e), s**4 * (4 * v**3 + 6 * v**2 + v)
    cov_yi, cov_yz, cov_iz = s * v * e, s**3 * (2 * v**2 + v), s**2 * (v + v**2) * e
    sums = segment_sum(
        np.stack([*mean_parts, var_y, var_i, var_z, cov_yi, cov_yz, cov_iz]), group, n_groups
    )
    mean = sums[:3].T
    cov = np.empty((n_groups, 3, 3))
    cov[:, 0, 0], cov[:, 1, 1], cov[:, 2, 2] = sums[3], sums[4], sums[5]
    cov[:, 0, 1] = cov[:, 1, 0] = sums[6]
    cov[:, 0, 2] = cov[:, 2, 0] = sums[7]
    cov[:, 1, 2] = cov[:, 2, 1] = sums[8]
    values, vectors = np.linalg.eigh(cov)
    root = vectors * np.sqrt(np.clip(values, 0, None))[:, None, :]
    return mean, root


class Resampler:
    """Draws bootstrapped indicator matrices for both tier settings from ``GroupStats``."""

    def __init__(self, stats: GroupStats) -> None:
        self.stats = stats
        g = stats.size
        core = np.where(stats.cell_known, stats.cell_w[:, 0], 0.0)
        both = np.where(stats.cell_known, stats.cell_w.sum(axis=1), 0.0)
        top3 = (top_cells(stats, core, 3), top_cells(stats, both, 3))
        exact = top_cells(stats, both, EXACT_CELLS) | top3[0] | top3[1] | ~stats.cell_known
        self.group = stats.cell_group[exact]
        self.known = stats.cell_known[exact]
        self.top3 = (top3[0][exact], top3[1][exact])
        self.rate, self.scale = _scaled(stats.cell_w[exact], stats.cell_q[exact])
        tail = ~exact
        self.tail_count = np.bincount(stats.cell_group[tail], minlength=g).astype(float)
        self.tail = tuple(
            _tail_moments(
                *_scaled(
                    tier_setting(stats.cell_w[tail], adjacent),
                    tier_setting(stats.cell_q[tail], adjacent),
                ),
                stats.cell_group[tail],
                g,
            )
            for adjacent in (False, True)
        )
        self.salary_sizes = tuple(
            (valid_sizes(pool.usd, pool.offsets), valid_sizes(pool.ppp, pool.offsets))
            for pool in stats.salary
        )
        self.marginals = {
            name: _scaled(w, q)
            for name, (w, q) in {
                "total": (stats.total_w, stats.total_q),
                "recent": (stats.recent_w, stats.recent_q),
                "previous": (stats.previous_w, stats.previous_q),
                "remote": (stats.remote_w, stats.remote_q),
                "onsite": (stats.total_w - stats.remote_w, stats.total_q - stats.remote_q),
            }.items()
        }

    def draw(self, rng: np.random.Generator, n: int) -> tuple[FloatArray, FloatArray]:
        """Indicator stacks [n, G, K] with adjacent postings out and in."""
        g = self.stats.size
        cells = rng.poisson(self.rate, size=(n, *self.rate.shape)) * self.scale
        z_tail = rng.standard_normal((n, g, 3))
        z_salary = rng.standard_normal((n, g))
        counts = {
            name: rng.poisson(rate, size=(n, *rate.shape)) * scale
            for name, (rate, scale) in self.marginals.items()
        }
        all_postings = counts["total"].sum(axis=2)
        out = []
        for adjacent in (False, True):
            x = tier_setting(cells, adjacent)
            agg = self._aggregates(x, adjacent, z_tail, z_salary, counts, all_postings)
            out.append(indicator_matrix(agg, self.stats.population, self.stats.growth_ok))
        return out[0], out[1]

    def _aggregates(
        self,
        x: FloatArray,
        adjacent: bool,
        z_tail: FloatArray,
        z_salary: FloatArray,
        counts: dict[str, FloatArray],
        all_postings: FloatArray,
    ) -> Aggregates:
        g = self.stats.size
        mean, root = self.tail[int(adjacent)]
        tail = mean + np.einsum("ngj,gij->ngi", z_tail, root)
        tail_sum = np.clip(tail[..., 0], 0, None)
        tail_distinct = np.clip(tail[..., 1], 0, self.tail_count)
        tail_squares = np.clip(tail[..., 2], 0, None)
        known = np.where(self.known, x, 0.0)
        pool = self.stats.salary[int(adjacent)]
        usd_sizes, ppp_sizes = self.salary_sizes[int(adjacent)]
        return Aggregates(
            volume=segment_sum(x, self.group, g) + tail_sum,
            known_volume=segment_sum(known, self.group, g) + tail_sum,
            distinct=segment_sum((known > 0).astype(float), self.group, g) + tail_distinct,
            sum_squares=segment_sum(known**2, self.group, g) + tail_squares,
            top3=segment_sum(np.where(self.top3[int(adjacent)], x, 0.0), self.group, g),
            all_postings=all_postings,
            recent=tier_setting(counts["recent"], adjacent),
            previous=tier_setting(counts["previous"], adjacent),
            remote=tier_setting(counts["remote"], adjacent),
            onsite=tier_setting(counts["onsite"], adjacent),
            salary_usd=_draw_median(pool.usd, pool.offsets, usd_sizes, z_salary),
            salary_ppp=_draw_median(pool.ppp, pool.offsets, ppp_sizes, z_salary),
        )


def _draw_median(
    values: FloatArray, offsets: IntArray, sizes: IntArray, z: FloatArray
) -> FloatArray:
    """A bootstrap median per group: the order statistic at 0.5 + z * 0.5 / sqrt(n).

    ``sizes`` counts each group's non-NaN values, which sort first in its slice.
    """
    if len(values) == 0:
        return np.full(z.shape, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.clip(0.5 + z * 0.5 / np.sqrt(sizes), 0.0, 1.0)
    index = np.minimum(np.floor(np.nan_to_num(p) * sizes), np.maximum(sizes - 1, 0))
    picked = values[np.minimum(offsets[:-1] + index.astype(np.int64), len(values) - 1)]
    return np.where(sizes > 0, picked, np.nan)


def _exact_stack(stats: GroupStats, n: int) -> tuple[FloatArray, FloatArray]:
    x_out, x_in = (
        np.repeat(
            indicator_matrix(exact_aggregates(stats, adj), stats.population, stats.growth_ok),
            n,
            axis=0,
        )
        for adj in (False, True)
    )
    return x_out, x_in


def bootstrap_indicators(
    stats: GroupStats,
    draws: int,
    seed_sequence: np.random.SeedSequence,
    enabled: bool,
    progress: Progress | None = None,
) -> tuple[FloatArray, FloatArray]:
    """[draws, G, K] indicator stacks for adjacent out and in; chunked, one seed per chunk."""
    if not enabled:
        return _exact_stack(stats, draws)
    resampler = Resampler(stats)
    n_chunks = -(-draws // CHUNK)
    seeds = seed_sequence.spawn(n_chunks)
    parts_out, parts_in = [], []
    for i, seed in enumerate(seeds):
        size = min(CHUNK, draws - i * CHUNK)
        x_out, x_in = resampler.draw(np.random.default_rng(seed), size)
        parts_out.append(x_out)
        parts_in.append(x_in)
        if progress:
            progress(i * CHUNK + size, draws)
    return np.concatenate(parts_out), np.concatenate(parts_in)


# -- scoring the draws ------------------------------------------------------------------


@dataclass(frozen=True)
class Draws:
    """Everything one Monte Carlo run drew, so draws can be recombined for sensitivity."""

    x_out: FloatArray
    x_in: FloatArray
    factors: Factors
    directions: FloatArray
    aggregation: str
    winsor: float

    def ranks(
        self, boot: IntArray, weights: IntArray, methods: IntArray, adjacent: IntArray
    ) -> FloatArray:
        """Ranks [draws, metros] when draw d takes each assumption from the given draw index."""
        out = np.empty((len(boot), self.x_out.shape[1]))
        for start in range(0, len(boot), 100):
            sl = slice(start, start + 100)
            use_in = self.factors.adjacent[adjacent[sl]]
            x = np.where(use_in[:, None, None], self.x_in[boot[sl]], self.x_out[boot[sl]])
            scores = composite(
                x,
                self.factors.weights[weights[sl]],
                self.directions,
                self.factors.methods[methods[sl]],
                self.aggregation,
                self.winsor,
            )
            out[sl] = ranks_from_scores(scores)
        return out


def first_order(draws: Draws, main: FloatArray, varied: dict[str, bool]) -> dict[str, float]:
    """Janon's first-order index per assumption, pooled over metros (variance-weighted).

    For assumption a, draw d is recombined with a's value from draw d and every other
    assumption from draw d + 1; the covariance of the two rank vectors over the variance
    estimates Var(E[rank | a]) / Var(rank).
    """
    n = main.shape[0]
    same, shifted = np.arange(n), np.roll(np.arange(n), -1)
    out = {}
    for name in ASSUMPTIONS:
        if not varied[name] or n < 2:
            out[name] = 0.0
            continue
        idx = {a: (same if a == name else shifted) for a in ASSUMPTIONS}
        other = draws.ranks(idx["bootstrap"], idx["weights"], idx["normalisation"], idx["adjacent"])
        mu = (main.mean(axis=0) + other.mean(axis=0)) / 2
        numerator = np.sum((main * other).mean(axis=0) - mu**2)
        denominator = np.sum(((main**2 + other**2) / 2).mean(axis=0) - mu**2)
        out[name] = float(np.clip(numerator / denominator, 0, 1)) if denominator > 0 else 0.0
    return out


def mid_median(ranks: FloatArray) -> FloatArray:
    """Mid-distribution median of each column: interpolates where P(<r) + P(=r)/2 crosses 1/2.

    Unlike the ordinary median of a discrete variable, it does not jump between two ranks on
    Monte Carlo noise, so metros with the same rank distribution get the same value.
    """
    out = np.empty(ranks.shape[1])
    for j in range(ranks.shape[1]):
        values, counts = np.unique(ranks[:, j], return_counts=True)
        p = counts / counts.sum()
        mid = np.cumsum(p) - p / 2
        out[j] = float(np.interp(0.5, mid, values))
    return out


def simulate(
    stats: GroupStats,
    profile: Profile,
    settings: RankSettings,
    seed: int,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Run the Monte Carlo for the ranked metros in ``stats``."""
    n, r = settings.draws, stats.size
    if n == 0 or r == 0:
        empty = np.full(r, np.nan)
        return MonteCarlo(
            n, seed, np.empty((0, r)), empty, empty, empty, dict.fromkeys(ASSUMPTIONS, 0.0)
        )
    factor_seed, boot_seed = np.random.SeedSequence(seed).spawn(2)
    factors = draw_factors(profile, settings, n, np.random.default_rng(factor_seed))
    x_out, x_in = bootstrap_indicators(stats, n, boot_seed, settings.bootstrap, progress)
    draws = Draws(
        x_out, x_in, factors, profile.direction_vector(), settings.aggregation, settings.winsor
    )
    same = np.arange(n)
    ranks = draws.ranks(same, same, same, same)
    lo, hi = settings.interval
    varied = {
        "bootstrap": settings.bootstrap,
        "weights": settings.weight_jitter > 0,
        "normalisation": settings.vary_normalisation,
        "adjacent": settings.vary_adjacent,
    }
    return MonteCarlo(
        draws=n,
        seed=seed,
        ranks=ranks,
        median=mid_median(ranks),
        low=np.floor(np.quantile(ranks, lo, axis=0, method="inverted_cdf")),
        high=np.ceil(np.quantile(ranks, hi, axis=0, method="inverted_cdf")),
        sensitivity=first_order(draws, ranks, varied),
    )


def assign_tiers(order: IntArray, low: FloatArray, high: FloatArray) -> IntArray:
    """Tiers in ``order``: a metro opens a new tier when its interval starts below (after) the
    end of the interval of the metro that opened the current tier, so every member of a tier
    has an interval overlapping its leader's."""
    tiers = np.zeros(len(low), dtype=np.int64)
    tier, leader = 0, -1
    for m in order:
        if leader < 0 or low[m] > high[leader]:
            tier, leader = tier + 1, int(m)
        tiers[m] = tier
    return tiers
