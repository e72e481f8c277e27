"""Indicators, the composite ranking and its uncertainty: ``build_ranking`` composes them.

The steps are separate modules: ``metrics`` (indicators from the store), ``rank`` (profiles,
normalisation, aggregation) and ``uncertainty`` (Monte Carlo intervals, sensitivity, tiers).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from jobatlas.indicators.metrics import (
    INDICATOR_NAMES,
    INDICATORS,
    Coverage,
    Details,
    FloatArray,
    GroupStats,
    Indicator,
    RankSettings,
    Window,
    country_name,
    drop_base,
    eligible,
    exact_aggregates,
    fill_from_stats,
    indicator_matrix,
    load_coverage,
    load_details,
    load_stats,
    metro_names,
    prepare_base,
)
from jobatlas.indicators.rank import NORMALISATIONS, Profile, composite, load_profile
from jobatlas.indicators.uncertainty import MonteCarlo, Progress, assign_tiers, simulate

__all__ = [
    "INDICATORS",
    "CountryResult",
    "Coverage",
    "Details",
    "Indicator",
    "MetroResult",
    "RankSettings",
    "Ranking",
    "build_ranking",
]


@dataclass(frozen=True)
class MetroResult:
    """One metro: its indicators and, if it met the evidence thresholds, its ranking."""

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
    sensitivity: dict[str, float]

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


def _baseline(stats: GroupStats, settings: RankSettings) -> FloatArray:
    agg = exact_aggregates(stats, settings.include_adjacent)
    return np.asarray(indicator_matrix(agg, stats.population, stats.growth_ok)[0])


def _competition_ranks(scores: FloatArray) -> FloatArray:
    """1 + the number of metros with a strictly higher score."""
    return np.asarray(1 + np.sum(scores[None, :] > scores[:, None], axis=1), dtype=np.float64)


def build_ranking(
    con: duckdb.DuckDBPyConnection, settings: RankSettings, progress: Progress | None = None
) -> Ranking:
    """Compute indicators, rank the metros that meet the thresholds, and run the Monte Carlo."""
    profile = load_profile(settings.profile, settings.profiles_file)
    seed = settings.seed
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    window = prepare_base(con, settings)
    try:
        stats = load_stats(con, window, "metro")
        values = _baseline(stats, settings)
        ok = np.flatnonzero(eligible(values, settings))
        scores = composite(
            values[ok][None],
            profile.weight_vector(),
            profile.direction_vector(),
            np.array([NORMALISATIONS.index(settings.normalisation)]),
            settings.aggregation,
            settings.winsor,
        )[0]
        mc = simulate(stats.take(ok), profile, settings, seed, progress)
        details = load_details(con, settings, [stats.keys[i] for i in ok])
        fill_from_stats(details, stats, settings.include_adjacent)
        names = metro_names(con, list(stats.keys))
        metros = _metros(stats, values, ok, scores, mc, details, names)
        countries = _countries(con, window, settings, metros)
        coverage = load_coverage(con, settings)
    finally:
        drop_base(con)
    return Ranking(
        settings, profile, seed, mc.draws, window, metros, countries, coverage, mc.sensitivity
    )


def _metros(
    stats: GroupStats,
    values: FloatArray,
    ok: np.ndarray,
    scores: FloatArray,
    mc: MonteCarlo,
    details: dict[str, Details],
    names: dict[str, tuple[str, str]],
) -> tuple[MetroResult, ...]:
    ranks = _competition_ranks(scores)
    with_draws = mc.draws > 0
    keys = np.array([stats.keys[i] for i in ok])
    # With draws, the list follows the median rank (the robust order), then the baseline rank.
    order = np.lexsort((keys, ranks, mc.median) if with_draws else (keys, ranks))
    tiers = assign_tiers(order, mc.low, mc.high) if with_draws else np.zeros(len(ok), int)
    ranked = []
    for j in order:
        i = int(ok[j])
        key = stats.keys[i]
        ranked.append(
            MetroResult(
                metro_id=key,
                metro=names[key][0],
                country_code=names[key][1],
                population=None if np.isnan(stats.population[i]) else float(stats.population[i]),
                indicators=_values(values[i]),
                ranked=True,
                score=float(scores[j]),
                rank=int(ranks[j]),
                median_rank=float(mc.median[j]) if with_draws else None,
                interval=(float(mc.low[j]), float(mc.high[j])) if with_draws else None,
                tier=int(tiers[j]) if with_draws else None,
                details=details.get(key),
            )
        )
    rest = sorted(
        (i for i in range(stats.size) if i not in set(ok.tolist())),
        key=lambda i: (-values[i, 0], stats.keys[i]),
    )
    unranked = [
        MetroResult(
            metro_id=stats.keys[i],
            metro=names[stats.keys[i]][0],
            country_code=names[stats.keys[i]][1],
            population=None if np.isnan(stats.population[i]) else float(stats.population[i]),
            indicators=_values(values[i]),
            ranked=False,
        )
        for i in rest
    ]
    return tuple(ranked + unranked)


def _countries(
    con: duckdb.DuckDBPyConnection,
    window: Window,
    settings: RankSettings,
    metros: tuple[MetroResult, ...],
) -> tuple[CountryResult, ...]:
    stats = load_stats(con, window, "country")
    values = _baseline(stats, settings)
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
