"""Indicator values from the sufficient statistics: the point estimate and the draws alike.

``indicator_matrix`` is the one definition of every indicator, for any stack of draws;
``evidence_mask`` is the one rule for when a metro lacks the evidence an indicator needs.
Definitions: docs/methodology.md, "Indicators".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jobatlas.indicators.metrics import (
    COLUMN,
    INDICATORS,
    BoolArray,
    FloatArray,
    GroupStats,
    IntArray,
    RankSettings,
    segment_sum,
)


@dataclass(frozen=True)
class Aggregates:
    """Per-group totals for one tier setting; every array is [draws, groups].

    ``recent`` and ``previous`` are AI/ML postings in each half-year, ``recent_all`` and
    ``previous_all`` postings of every tier, all over the growth sources.
    """

    volume: FloatArray
    known_volume: FloatArray
    distinct: FloatArray
    sum_squares: FloatArray
    top3: FloatArray
    all_postings: FloatArray
    recent: FloatArray
    previous: FloatArray
    recent_all: FloatArray
    previous_all: FloatArray
    salary_usd: FloatArray
    salary_ppp: FloatArray


def _ratio(a: FloatArray, b: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(a / np.where(b > 0, b, np.nan))


def indicator_matrix(agg: Aggregates, population: FloatArray, growth_ok: bool) -> FloatArray:
    """The indicators, in ``INDICATORS`` order, as a [draws, groups, K] array.

    Growth is the relative change of the AI/ML share of postings between the two half-years,
    in %: it compares AI/ML postings with all postings of the same sources, so a source that
    collected more (or fewer) postings in one half-year does not read as growth.
    """
    known = np.where(agg.known_volume > 0, agg.known_volume, np.nan)
    if growth_ok:
        share_recent = _ratio(agg.recent, agg.recent_all)
        share_previous = _ratio(agg.previous, agg.previous_all)
        growth = 100 * (_ratio(share_recent, share_previous) - 1)
    else:
        growth = np.full_like(agg.volume, np.nan)
    columns = (
        agg.volume,
        100 * _ratio(agg.volume, agg.all_postings),
        1e6 * _ratio(agg.volume, np.broadcast_to(population, agg.volume.shape)),
        agg.salary_usd,
        agg.salary_ppp,
        agg.distinct,
        100 * agg.top3 / known,
        10_000 * agg.sum_squares / known**2,
        growth,
    )
    return np.stack(columns, axis=-1)


def evidence_mask(stats: GroupStats, adjacent: bool, min_sample: int) -> BoolArray:
    """[groups, K]: False where a group lacks the evidence an indicator needs, judged once on
    the observed data and applied to the point estimate and to every draw alike.

    The salary medians need ``min_sample`` usable salaries (PPP: with a PPP factor); growth
    needs ``min_sample`` AI/ML postings in each half-year. Other indicators are missing only
    when undefined (no known population, no named employer).
    """
    mask = np.ones((stats.size, len(INDICATORS)), dtype=bool)
    pool = stats.salary[int(adjacent)]
    mask[:, COLUMN["salary_usd_median"]] = valid_sizes(pool.usd, pool.offsets) >= min_sample
    mask[:, COLUMN["salary_ppp_median"]] = valid_sizes(pool.ppp, pool.offsets) >= min_sample
    recent = tier_setting(stats.recent_w, adjacent)
    previous = tier_setting(stats.previous_w, adjacent)
    enough = (recent >= min_sample - 1e-9) & (previous >= min_sample - 1e-9)
    mask[:, COLUMN["growth"]] = stats.growth_ok & enough
    return mask


def baseline_values(stats: GroupStats, adjacent: bool, min_sample: int) -> FloatArray:
    """[groups, K] indicator values with no resampling, missing where evidence is short."""
    agg = exact_aggregates(stats, adjacent)
    values = indicator_matrix(agg, stats.population, stats.growth_ok)[0]
    return np.where(evidence_mask(stats, adjacent, min_sample), values, np.nan)


def top_cells(stats: GroupStats, values: FloatArray, count: int) -> BoolArray:
    """Mark each group's ``count`` largest known-employer cells (ties: earlier cell first)."""
    order = np.lexsort((np.arange(len(values)), -values, stats.cell_group))
    group_sorted = stats.cell_group[order]
    eligible = stats.cell_known[order] & (values[order] > 0)
    mask = np.zeros(len(values), dtype=bool)
    mask[order] = eligible & (_rank_within(group_sorted, eligible) < count)
    return mask


def _rank_within(group_sorted: IntArray, eligible: BoolArray) -> IntArray:
    """0-based position of each eligible element among the eligible ones of its group."""
    running = np.cumsum(eligible)
    starts = np.searchsorted(group_sorted, group_sorted)
    before = np.where(starts > 0, running[np.maximum(starts - 1, 0)], 0)
    return np.asarray(running - before - 1, dtype=np.int64)


def tier_setting(w: FloatArray, adjacent: bool) -> FloatArray:
    """Collapse a trailing tier axis to the counts the tier setting uses."""
    return w[..., 0] + w[..., 1] if adjacent else w[..., 0]


def exact_aggregates(stats: GroupStats, adjacent: bool) -> Aggregates:
    """The aggregates with no resampling, as a single draw."""
    g = stats.size
    x = tier_setting(stats.cell_w, adjacent)
    known = np.where(stats.cell_known, x, 0.0)
    top3 = top_cells(stats, known, 3)
    pool = stats.salary[1 if adjacent else 0]
    return Aggregates(
        volume=segment_sum(x[None], stats.cell_group, g),
        known_volume=segment_sum(known[None], stats.cell_group, g),
        distinct=segment_sum((known > 0).astype(float)[None], stats.cell_group, g),
        sum_squares=segment_sum((known**2)[None], stats.cell_group, g),
        top3=segment_sum(np.where(top3, known, 0.0)[None], stats.cell_group, g),
        all_postings=stats.total_w.sum(axis=1)[None],
        recent=tier_setting(stats.recent_w, adjacent)[None],
        previous=tier_setting(stats.previous_w, adjacent)[None],
        recent_all=stats.recent_w.sum(axis=1)[None],
        previous_all=stats.previous_w.sum(axis=1)[None],
        salary_usd=pool_quantile(pool.usd, pool.offsets, 0.5)[None],
        salary_ppp=pool_quantile(pool.ppp, pool.offsets, 0.5)[None],
    )


def valid_sizes(values: FloatArray, offsets: IntArray) -> IntArray:
    """Non-NaN values per group slice (NaN sorts last, so they are each slice's first)."""
    owner = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    valid = (~np.isnan(values)).astype(float)
    return np.asarray(segment_sum(valid[None], owner, len(offsets) - 1)[0], dtype=np.int64)


def pool_quantile(values: FloatArray, offsets: IntArray, q: float) -> FloatArray:
    """Per-group quantile (linear interpolation) of sorted slices; NaN for empty groups.

    Values may be NaN (a salary with no PPP factor); those are left out.
    """
    sizes = valid_sizes(values, offsets)
    out = np.full(len(sizes), np.nan)
    has = sizes > 0
    pos = q * (sizes[has] - 1)
    lo, hi = np.floor(pos).astype(np.int64), np.ceil(pos).astype(np.int64)
    start = offsets[:-1][has]
    frac = pos - lo
    out[has] = values[start + lo] * (1 - frac) + values[start + hi] * frac
    return out


# -- thresholds ---------------------------------------------------------------------------


def eligible(values: FloatArray, settings: RankSettings) -> BoolArray:
    """Groups meeting the evidence thresholds (``values`` is [..., groups, K])."""
    volume = values[..., COLUMN["ai_ml_postings"]]
    employers = values[..., COLUMN["employers"]]
    return np.asarray(
        (volume >= settings.min_postings - 1e-9) & (employers >= settings.min_employers - 1e-9)
    )
