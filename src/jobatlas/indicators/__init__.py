"""Indicators, the composite ranking and its uncertainty: ``build_ranking`` composes them.

The steps are separate modules: ``metrics`` (statistics from the store), ``values``
(indicators and the evidence rule), ``structure`` (the composite's inputs: folds and
correlation checks), ``rank`` (profiles, normalisation, aggregation), ``uncertainty`` (Monte
Carlo draws and rank intervals), ``tiers``, ``sensitivity`` and ``details`` (what the article
tells beyond the score).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from jobatlas.indicators.details import (
    Coverage,
    Details,
    country_name,
    fill_from_stats,
    load_coverage,
    load_details,
    metro_names,
)
from jobatlas.indicators.metrics import (
    INDICATOR_NAMES,
    INDICATORS,
    FloatArray,
    GroupStats,
    Indicator,
    IntArray,
    RankSettings,
    Source,
    Window,
    drop_base,
    load_stats,
    prepare_base,
)
from jobatlas.indicators.queries import queries_of
from jobatlas.indicators.rank import NORMALISATIONS, Profile, composite, load_profile
from jobatlas.indicators.sensitivity import Sensitivity, sobol
from jobatlas.indicators.structure import Structure, build_structure
from jobatlas.indicators.tiers import assign_tiers, p_above_next
from jobatlas.indicators.uncertainty import MonteCarlo, Progress, Summary, simulate
from jobatlas.indicators.values import baseline_values, eligible

__all__ = [
    "INDICATORS",
    "CountryResult",
    "Coverage",
    "Details",
    "Indicator",
    "MetroResult",
    "OtherRank",
    "RankSettings",
    "Ranking",
    "build_ranking",
]


@dataclass(frozen=True)
class OtherRank:
    """A metro's standing under the other job definition (the scenario beside the main one)."""

    rank: int
    median_rank: float | None
    interval: tuple[float, float] | None


@dataclass(frozen=True)
class MetroResult:
    """One metro: its indicators and, if it met the evidence thresholds, its ranking.

    ``p_meets`` is the share of bootstrap draws in which it still meets the thresholds;
    below ``settings.provisional_below`` it is ``provisional``. ``p_above_next`` is the share
    of draws in which it ranks above the next metro of the list. ``missing`` names the
    weighted indicators it has no value for. ``other`` is its standing under the other
    definition, if it is ranked there.
    """

    metro_id: str
    metro: str
    country_code: str
    population: float | None
    indicators: dict[str, float | None]
    ranked: bool
    score: float | None = None
    rank: int | None = None
    median_rank: float | None = None
    interval: tuple[float, float] | None = None
    tier: int | None = None
    details: Details | None = None
    p_above_next: float | None = None
    p_meets: float | None = None
    provisional: bool = False
    missing: tuple[str, ...] = ()
    other: OtherRank | None = None


@dataclass(frozen=True)
class CountryResult:
    country_code: str
    country: str
    indicators: dict[str, float | None]
    metros_ranked: int


@dataclass(frozen=True)
class Ranking:
    """The answer: ranked metros first (by median rank, else by rank), then the others."""

    settings: RankSettings
    profile: Profile
    seed: int
    draws: int
    window: Window
    metros: tuple[MetroResult, ...]
    countries: tuple[CountryResult, ...]
    coverage: Coverage
    structure: Structure
    sensitivity: Sensitivity | None
    other_ranked: int
    rank_draws: FloatArray | None = None  # [draws, ranked metros], columns in list order

    @property
    def ranked(self) -> list[MetroResult]:
        return [m for m in self.metros if m.ranked]

    @property
    def not_enough_data(self) -> list[MetroResult]:
        return [m for m in self.metros if not m.ranked]


def _values(row: FloatArray) -> dict[str, float | None]:
    return {
        n: (None if np.isnan(v) else float(v)) for n, v in zip(INDICATOR_NAMES, row, strict=True)
    }


def _scores(values: FloatArray, structure: Structure, settings: RankSettings) -> FloatArray:
    """Baseline composite scores of the rows of ``values`` [metros, K]."""
    if len(values) == 0:
        return np.empty(0)
    method = np.array([NORMALISATIONS.index(settings.normalisation)])
    scores = composite(
        values[None], structure, structure.weights, method, settings.aggregation, settings.winsor
    )
    return np.asarray(scores[0], dtype=np.float64)


def _competition_ranks(scores: FloatArray) -> FloatArray:
    """1 + the number of metros with a strictly higher score."""
    return np.asarray(1 + np.sum(scores[None, :] > scores[:, None], axis=1), dtype=np.float64)


@dataclass(frozen=True)
class _Scenario:
    """One definition's ranked metros (indices into the metro statistics) and their numbers."""

    groups: IntArray
    values: FloatArray  # [groups, K], every metro
    scores: FloatArray  # [ranked]
    ranks: FloatArray
    summary: Summary


def build_ranking(
    source: Source, settings: RankSettings, progress: Progress | None = None
) -> Ranking:
    """Compute indicators, rank the metros that meet the thresholds under the main definition
    and the other, run the Monte Carlo, the tiers and the sensitivity analysis.

    ``source`` is a store's DuckDB connection, or the ``Queries`` of another engine (the
    Spark engine's ``engines.queries.SparkQueries``): it computes the statistics, the draws
    run here."""
    queries = queries_of(source)
    profile = load_profile(settings.profile, settings.profiles_file)
    seed = settings.seed
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    window = prepare_base(queries, settings)
    try:
        stats = load_stats(queries, window, "metro")
        adjacent = settings.include_adjacent
        values = baseline_values(stats, adjacent, settings.min_sample)
        other_values = baseline_values(stats, not adjacent, settings.min_sample)
        ok = np.flatnonzero(eligible(values, settings))
        ok_other = np.flatnonzero(eligible(other_values, settings))
        structure = build_structure(profile, values[ok])
        union = np.union1d(ok, ok_other)
        position = np.searchsorted(union, np.arange(stats.size))
        mc_seed, sensitivity_seed = np.random.SeedSequence(seed).spawn(2)
        # The Monte Carlo (numpy) runs in a worker thread while this thread reads the details,
        # countries and coverage from the engine; the worker never touches the connection.
        with ThreadPoolExecutor(max_workers=1) as worker:
            simulated = worker.submit(
                _simulate, stats.take(union), position[ok], position[ok_other], structure,
                settings, (mc_seed, sensitivity_seed), progress,
            )  # fmt: skip
            details = load_details(queries, settings, [stats.keys[i] for i in ok])
            fill_from_stats(details, stats, adjacent)
            names = metro_names(queries, list(stats.keys))
            countries_stats = load_stats(queries, window, "country")
            coverage = load_coverage(queries, settings)
            mc, sensitivity = simulated.result()
        main = _scenario(ok, values, structure, settings, mc.main)
        other = _scenario(ok_other, other_values, structure, settings, mc.other)
        metros = _metros(stats, main, other, mc, structure, settings, details, names)
        countries = _countries(countries_stats, settings, metros)
        in_order = {key: j for j, key in enumerate(stats.keys[i] for i in ok)}
        columns = [in_order[m.metro_id] for m in metros if m.ranked]
        rank_draws = mc.main.ranks[:, columns] if mc.draws else None
    finally:
        drop_base(queries)
    return Ranking(
        settings, profile, seed, mc.draws, window, metros, countries, coverage, structure,
        sensitivity, len(ok_other), rank_draws,
    )  # fmt: skip


def _scenario(
    groups: IntArray,
    values: FloatArray,
    structure: Structure,
    settings: RankSettings,
    summary: Summary,
) -> _Scenario:
    scores = _scores(values[groups], structure, settings)
    return _Scenario(groups, values, scores, _competition_ranks(scores), summary)


def _simulate(
    stats: GroupStats,
    main: IntArray,
    other: IntArray,
    structure: Structure,
    settings: RankSettings,
    seeds: tuple[np.random.SeedSequence, np.random.SeedSequence],
    progress: Progress | None,
) -> tuple[MonteCarlo, Sensitivity | None]:
    mc = simulate(stats, main, other, structure, settings, seeds[0], progress)
    return mc, _sensitivity(mc, structure, settings, seeds[1])


def _sensitivity(
    mc: MonteCarlo, structure: Structure, settings: RankSettings, seed: np.random.SeedSequence
) -> Sensitivity | None:
    if mc.scorer is None or mc.scorer.metros < 2 or settings.sensitivity_draws == 0:
        return None
    centre = mc.main.ranks.mean(axis=0)
    return sobol(mc.scorer, centre, structure, settings, mc.scorer.pool, seed)


def _order(keys: list[str], scenario: _Scenario, with_draws: bool) -> IntArray:
    """The list order: median rank as shown (one decimal), then baseline rank, then id."""
    key_array = np.array(keys, dtype=object)
    if with_draws:
        return np.lexsort((key_array, scenario.ranks, np.round(scenario.summary.median, 1)))
    return np.lexsort((key_array, scenario.ranks))


def _metros(
    stats: GroupStats,
    main: _Scenario,
    other: _Scenario,
    mc: MonteCarlo,
    structure: Structure,
    settings: RankSettings,
    details: dict[str, Details],
    names: dict[str, tuple[str, str]],
) -> tuple[MetroResult, ...]:
    with_draws = mc.draws > 0
    keys = [stats.keys[i] for i in main.groups]
    order = _order(keys, main, with_draws)
    ranks = main.summary.ranks
    tiers = assign_tiers(order, ranks, settings.tier_confidence) if with_draws else None
    p_next = p_above_next(order, ranks) if with_draws else None
    others = _other_ranks(stats, other, with_draws)
    used = structure.columns
    ranked = []
    for j in order:
        i = int(main.groups[j])
        key = stats.keys[i]
        p_meets = float(mc.p_meets[j]) if with_draws else None
        ranked.append(
            replace(
                _unranked(stats, i, names, main.values, others),
                ranked=True,
                score=float(main.scores[j]),
                rank=int(main.ranks[j]),
                median_rank=float(main.summary.median[j]) if with_draws else None,
                interval=(
                    (float(main.summary.low[j]), float(main.summary.high[j]))
                    if with_draws
                    else None
                ),
                tier=int(tiers[j]) if tiers is not None else None,
                details=details.get(key),
                p_above_next=(None if p_next is None or np.isnan(p_next[j]) else float(p_next[j])),
                p_meets=p_meets,
                provisional=p_meets is not None and p_meets < settings.provisional_below,
                missing=tuple(INDICATOR_NAMES[k] for k in used if np.isnan(main.values[i, k])),
            )
        )
    taken = set(main.groups.tolist())
    rest = sorted(
        (i for i in range(stats.size) if i not in taken),
        key=lambda i: (-main.values[i, 0], stats.keys[i]),
    )
    unranked = [_unranked(stats, i, names, main.values, others) for i in rest]
    return tuple(ranked + unranked)


def _unranked(
    stats: GroupStats,
    i: int,
    names: dict[str, tuple[str, str]],
    values: FloatArray,
    others: dict[str, OtherRank],
) -> MetroResult:
    key = stats.keys[i]
    population = stats.population[i]
    return MetroResult(
        metro_id=key,
        metro=names[key][0],
        country_code=names[key][1],
        population=None if np.isnan(population) else float(population),
        indicators=_values(values[i]),
        ranked=False,
        other=others.get(key),
    )


def _other_ranks(stats: GroupStats, other: _Scenario, with_draws: bool) -> dict[str, OtherRank]:
    s = other.summary
    return {
        stats.keys[int(g)]: OtherRank(
            rank=int(other.ranks[j]),
            median_rank=float(s.median[j]) if with_draws else None,
            interval=(float(s.low[j]), float(s.high[j])) if with_draws else None,
        )
        for j, g in enumerate(other.groups)
    }


def _countries(
    stats: GroupStats, settings: RankSettings, metros: tuple[MetroResult, ...]
) -> tuple[CountryResult, ...]:
    values = baseline_values(stats, settings.include_adjacent, settings.min_sample)
    counts: dict[str, int] = {}
    for m in metros:
        if m.ranked:
            counts[m.country_code] = counts.get(m.country_code, 0) + 1
    order = sorted(range(stats.size), key=lambda i: (-values[i, 0], stats.keys[i]))
    return tuple(
        CountryResult(
            country_code=stats.keys[i],
            country=country_name(stats.keys[i]),
            indicators=_values(values[i]),
            metros_ranked=counts.get(stats.keys[i], 0),
        )
        for i in order
        if values[i, 0] > 0
    )
