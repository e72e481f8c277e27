"""Monte Carlo rank intervals, vectorised over draws, for the main definition and the other.

Each draw varies four assumptions at once: a Poisson bootstrap of the postings, the weights
(each multiplied by a uniform factor in [1 - j, 1 + j]), the normalisation method and the
aggregation (arithmetic or geometric mean). The job
definition (core, or core and adjacent) is not varied: it is a scenario, ranked on its own
beside the main one with the same draws. The bootstrap works on sufficient statistics, never
on single postings: a cell of n postings of equal weight resamples to Poisson(n) postings.

* Each metro's largest employers (``EXACT_CELLS``), its top three under either tier setting
  and its postings with no employer name are resampled cell by cell.
* The many small remaining employers enter through three sums (postings, distinct employers,
  squared counts) drawn from a normal distribution with the exact Poisson moments.
* Medians are drawn as the order statistic at a normal quantile around 0.5 with the bootstrap
  spread 0.5 / sqrt(n).

Rank summaries are the mid-distribution median and the 5-95% interval of each metro's ranks.
Each draw is normalised by its own method only (``draw_ranks``). For the sensitivity analysis
(``sensitivity``), which recombines assumptions across draws, a ``Scorer`` holds the first
``SENSITIVITY_POOL`` bootstrap draws normalised once per method and aggregation, so any
combination of draw, weights, method and aggregation is scored by a weighted mean and a sort.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from jobatlas.indicators.metrics import (
    FloatArray,
    GroupStats,
    IntArray,
    RankSettings,
    segment_sum,
)
from jobatlas.indicators.rank import (
    AGGREGATIONS,
    NORMALISATIONS,
    aggregation_terms,
    normalised_inputs,
    ranks_from_scores,
    weighted_mean,
)
from jobatlas.indicators.structure import Structure
from jobatlas.indicators.values import (
    Aggregates,
    eligible,
    evidence_mask,
    exact_aggregates,
    indicator_matrix,
    tier_setting,
    top_cells,
    valid_sizes,
)

EXACT_CELLS = 20
CHUNK = 50
SCORE_CHUNK = 256
SENSITIVITY_POOL = 250

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Factors:
    """The assumptions of a set of evaluations: for each, the bootstrap draw it uses (an index
    into the pool of bootstrapped indicators), the inputs' weights, the normalisation and the
    aggregation."""

    boot: IntArray  # [E]
    weights: FloatArray  # [E, I]
    methods: IntArray  # [E], index into NORMALISATIONS
    aggregations: IntArray  # [E], index into AGGREGATIONS

    def __len__(self) -> int:
        return len(self.boot)

    def mix(self, other: Factors, take: str) -> Factors:
        """These factors with assumption ``take`` (bootstrap, weights, normalisation,
        aggregation) from ``other``: the A_B matrices of the Sobol estimators."""
        return Factors(
            other.boot if take == "bootstrap" else self.boot,
            other.weights if take == "weights" else self.weights,
            other.methods if take == "normalisation" else self.methods,
            other.aggregations if take == "aggregation" else self.aggregations,
        )


def draw_factors(
    structure: Structure,
    settings: RankSettings,
    n: int,
    rng: np.random.Generator,
    pool: int | None = None,
) -> Factors:
    """``n`` draws of the assumptions.

    Without ``pool`` (the main Monte Carlo) draw d uses bootstrap draw d, and the draws are
    stratified: every (normalisation, aggregation) combination that is varied comes up in the
    same share of draws (in random order), and each weight factor is a Latin hypercube sample,
    so that how many draws chance gives each choice does not move the medians from seed to
    seed. With ``pool`` (the samples of the sensitivity analysis, which must be independent)
    every assumption is drawn independently and the bootstrap draw uniformly from the pool.
    """
    stratified = pool is None
    base = structure.weights
    j = settings.weight_jitter
    if stratified:
        u = (np.argsort(rng.random((base.size, n)), axis=1).T + rng.random((n, base.size))) / n
    else:
        u = rng.random((n, base.size))
    weights = base * (1 - j + 2 * j * u)
    weights /= weights.sum(axis=1, keepdims=True)
    methods = _choices(
        settings.vary_normalisation,
        len(NORMALISATIONS),
        NORMALISATIONS.index(settings.normalisation),
    )
    aggregations = _choices(
        settings.vary_aggregation, len(AGGREGATIONS), AGGREGATIONS.index(settings.aggregation)
    )
    grid = np.array([(m, a) for m in methods for a in aggregations], dtype=np.int64)
    if stratified:
        picked = grid[rng.permutation(np.arange(n) % len(grid))]
    else:
        picked = grid[rng.integers(0, len(grid), size=n)]
    boot = np.arange(n) if pool is None else rng.integers(0, pool, size=n)
    return Factors(boot.astype(np.int64), weights, picked[:, 0].copy(), picked[:, 1].copy())


def _choices(varied: bool, options: int, baseline: int) -> list[int]:
    return list(range(options)) if varied else [baseline]


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
        # Growth compares AI/ML postings with all postings of each half-year: both are drawn
        # from the same (group, tier) cells, so the AI/ML count is part of the total.
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
            recent_all=counts["recent"].sum(axis=2),
            previous_all=counts["previous"].sum(axis=2),
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


class Scorer:
    """Ranks of a set of metros under any assumptions, from a pool of bootstrapped indicators.

    Winsorising and normalisation depend only on the bootstrap draw and the method, so each
    draw of the pool is normalised once per method and kept as aggregation terms for each
    aggregation; scoring an evaluation is then a weighted mean and a sort. The sensitivity
    analysis uses it.
    """

    def __init__(
        self,
        x: FloatArray,
        structure: Structure,
        settings: RankSettings,
        methods: IntArray,
        aggregations: IntArray,
    ) -> None:
        self.slot = np.full((len(NORMALISATIONS), len(AGGREGATIONS)), -1, dtype=np.int64)
        self.pool, self.metros = x.shape[0], x.shape[1]
        terms: list[FloatArray] = []
        for m in methods:
            v = normalised_inputs(x, structure, NORMALISATIONS[int(m)], settings.winsor)
            for a in aggregations:
                self.slot[m, a] = len(terms)
                terms.append(aggregation_terms(v, AGGREGATIONS[int(a)]))
        self.terms = np.stack(terms)

    def ranks(self, factors: Factors) -> FloatArray:
        """[E, metros] ranks, 1 = best, ties averaged."""
        out = np.empty((len(factors), self.metros))
        for start in range(0, len(factors), SCORE_CHUNK):
            sl = slice(start, start + SCORE_CHUNK)
            slots = self.slot[factors.methods[sl], factors.aggregations[sl]]
            terms = self.terms[slots, factors.boot[sl]]
            out[sl] = ranks_from_scores(weighted_mean(terms, factors.weights[sl]))
        return out


def draw_ranks(
    x: FloatArray, structure: Structure, settings: RankSettings, factors: Factors
) -> FloatArray:
    """[draws, metros] ranks when draw d uses bootstrap draw d with its weights, method and
    aggregation: each draw is normalised by its own method only."""
    out = np.empty((len(factors), x.shape[1]))
    if x.shape[1] == 0:
        return out
    for code in np.unique(factors.methods):
        rows = np.flatnonzero(factors.methods == code)
        for start in range(0, len(rows), SCORE_CHUNK):
            part = rows[start : start + SCORE_CHUNK]
            v = normalised_inputs(
                x[factors.boot[part]], structure, NORMALISATIONS[int(code)], settings.winsor
            )
            for a in np.unique(factors.aggregations[part]):
                these = factors.aggregations[part] == a
                terms = aggregation_terms(v[these], AGGREGATIONS[int(a)])
                scores = weighted_mean(terms, factors.weights[part[these]])
                out[part[these]] = ranks_from_scores(scores)
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


@dataclass(frozen=True)
class Summary:
    """Per-metro rank summaries over the draws of one definition."""

    ranks: FloatArray  # [draws, metros]
    median: FloatArray
    low: FloatArray
    high: FloatArray


@dataclass(frozen=True)
class MonteCarlo:
    """The main definition's draws (with the evidence-threshold probabilities), the other
    definition's summaries from the same draws, and what the sensitivity analysis needs."""

    draws: int
    main: Summary
    other: Summary
    p_meets: FloatArray  # [main metros]
    scorer: Scorer | None


def summarise(ranks: FloatArray, interval: tuple[float, float]) -> Summary:
    if ranks.shape[0] == 0:
        empty = np.full(ranks.shape[1], np.nan)
        return Summary(ranks, empty, empty, empty)
    lo, hi = interval
    return Summary(
        ranks=ranks,
        median=mid_median(ranks),
        low=np.floor(np.quantile(ranks, lo, axis=0, method="inverted_cdf")),
        high=np.ceil(np.quantile(ranks, hi, axis=0, method="inverted_cdf")),
    )


def simulate(
    stats: GroupStats,
    main: IntArray,
    other: IntArray,
    structure: Structure,
    settings: RankSettings,
    seed: np.random.SeedSequence,
    progress: Progress | None = None,
) -> MonteCarlo:
    """Run the Monte Carlo for ``stats`` (the metros ranked under either definition):
    ``main`` and ``other`` index the metros ranked under the main and the other definition."""
    n = settings.draws
    if n == 0 or (len(main) == 0 and len(other) == 0):
        nothing = summarise(np.empty((0, len(main))), settings.interval)
        rest = summarise(np.empty((0, len(other))), settings.interval)
        return MonteCarlo(n, nothing, rest, np.full(len(main), np.nan), None)
    factor_seed, boot_seed = seed.spawn(2)
    factors = draw_factors(structure, settings, n, np.random.default_rng(factor_seed))
    x_core, x_both = bootstrap_indicators(stats, n, boot_seed, settings.bootstrap, progress)
    adjacent = settings.include_adjacent
    x_main, x_other = (x_both, x_core) if adjacent else (x_core, x_both)
    mask_main = evidence_mask(stats, adjacent, settings.min_sample)
    mask_other = evidence_mask(stats, not adjacent, settings.min_sample)
    x_main = np.where(mask_main, x_main, np.nan)[:, main]
    x_other = np.where(mask_other, x_other, np.nan)[:, other]
    # Thresholds under uncertainty: how often the resampled postings still meet them.
    p_meets = eligible(x_main, settings).mean(axis=0)
    main_ranks = draw_ranks(x_main, structure, settings, factors)
    other_ranks = draw_ranks(x_other, structure, settings, factors)
    # The sensitivity analysis recombines assumptions across draws: it picks its bootstrap
    # draws from the first SENSITIVITY_POOL, each normalised once by every method.
    pool = x_main[: min(n, SENSITIVITY_POOL)]
    methods = (
        np.arange(len(NORMALISATIONS))
        if settings.vary_normalisation
        else np.array([NORMALISATIONS.index(settings.normalisation)])
    )
    aggregations = (
        np.arange(len(AGGREGATIONS))
        if settings.vary_aggregation
        else np.array([AGGREGATIONS.index(settings.aggregation)])
    )
    scorer = Scorer(pool, structure, settings, methods, aggregations) if len(main) else None
    return MonteCarlo(
        draws=n,
        main=summarise(main_ranks, settings.interval),
        other=summarise(other_ranks, settings.interval),
        p_meets=np.asarray(p_meets, dtype=np.float64),
        scorer=scorer,
    )
