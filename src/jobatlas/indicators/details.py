"""What the article tells about each metro beyond its indicators, and what the data covers.

Descriptive only: nothing here enters the composite score. Per ranked metro: salary quartiles
and exclusions, the seniority mix, top employers, titles and skills, sample postings, sources
and dominance warnings; for the whole window: the coverage counts. Definitions:
docs/methodology.md, "Indicators and ranking".
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pyarrow as pa

from jobatlas.errors import ConfigError
from jobatlas.indicators.metrics import (
    BASE_TABLE,
    CHANNEL,
    SALARY_OK,
    GroupStats,
    RankSettings,
    Source,
    tier_filter,
    window_clause,
)
from jobatlas.indicators.queries import Queries, queries_of
from jobatlas.indicators.values import pool_quantile

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
    local_p25: float | None = None
    local_p75: float | None = None
    seniority: dict[str, int] = field(default_factory=dict)
    top_employers: list[tuple[str, int]] = field(default_factory=list)
    top_titles: list[tuple[str, int]] = field(default_factory=list)
    top_skills: list[tuple[str, int]] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    monthly: list[tuple[str, int]] = field(default_factory=list)
    """(YYYY-MM, AI/ML postings dated that month), months with none left out, in order."""
    warnings: list[str] = field(default_factory=list)


SCOPE_TABLE = "jobatlas_rank_scope"
KEYS_TABLE = "jobatlas_rank_keys"


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


def load_details(
    source: Source, settings: RankSettings, metro_ids: list[str]
) -> dict[str, Details]:
    """Descriptive details for the given metros, under the baseline tier setting."""
    details = {m: Details() for m in metro_ids}
    if not metro_ids:
        return details
    queries = queries_of(source)
    queries.register(KEYS_TABLE, pa.table({"metro_id": pa.array(metro_ids, pa.string())}))
    # One row per (metro, AI/ML posting): a posting naming two cities of one metro counts once.
    # Its rows differ only in their place, which nothing here reads: any one will do.
    queries.create(
        SCOPE_TABLE,
        f"""SELECT * FROM {BASE_TABLE}
            WHERE metro_id IN (SELECT metro_id FROM {KEYS_TABLE})
              AND {tier_filter(settings.include_adjacent)}
            QUALIFY row_number() OVER (PARTITION BY metro_id, raw_id ORDER BY raw_id) = 1""",
    )
    scope = f"FROM {SCOPE_TABLE} WHERE TRUE"
    try:
        _salary_details(queries, scope, details)
        _seniority(queries, scope, details)
        _top_lists(queries, scope, settings.examples, details)
        _skills(queries, scope, settings.examples, details)
        _samples(queries, scope, settings.examples, details)
        _sources(queries, scope, details, settings.dominance)
        _monthly(queries, scope, details)
    finally:
        queries.drop(KEYS_TABLE)
        queries.drop(SCOPE_TABLE)
    return details


def _salary_details(queries: Queries, scope: str, details: dict[str, Details]) -> None:
    """Counts of excluded salaries, and the median in the most common local currency.

    The quartiles of usable salaries come from the salary pools (``salary_quartiles``).
    """
    rows = queries.rows(
        f"""SELECT metro_id,
                   count(*) FILTER (WHERE list_contains(
                       string_split(salary_flags, ';'), 'estimated')),
                   count(*) FILTER (WHERE salary_status = 'implausible'
                       OR list_contains(string_split(salary_flags, ';'), 'implausible'))
            {scope} GROUP BY metro_id"""
    )
    for metro, est, imp in rows:
        details[metro].excluded_estimated, details[metro].excluded_implausible = int(est), int(imp)
    local = queries.rows(
        f"""WITH pay AS (
                SELECT metro_id, salary_currency,
                       coalesce((salary_annual_min + salary_annual_max) / 2,
                                salary_annual_min, salary_annual_max) AS annual
                {scope} AND {SALARY_OK} AND salary_currency IS NOT NULL)
            SELECT metro_id, salary_currency, count(*) AS n, median(annual),
                   quantile_cont(annual, 0.25), quantile_cont(annual, 0.75)
            FROM pay GROUP BY ALL ORDER BY metro_id, n DESC, salary_currency"""
    )
    for metro, currency, _n, median, p25, p75 in local:
        d = details[metro]
        if d.local_currency is None and median is not None:
            d.local_currency, d.local_median = str(currency), float(median)
            d.local_p25, d.local_p75 = float(p25), float(p75)


def _seniority_case() -> str:
    arms = " ".join(f"WHEN regexp_matches(lt, '{rx}') THEN '{name}'" for name, rx in SENIORITY)
    return f"CASE {arms} ELSE 'mid' END"


def _seniority(queries: Queries, scope: str, details: dict[str, Details]) -> None:
    rows = queries.rows(
        f"""WITH titles AS (SELECT metro_id, lower(title) AS lt {scope}),
                levels AS (SELECT lt, {_seniority_case()} AS level
                           FROM (SELECT DISTINCT lt FROM titles))
            SELECT metro_id, level, count(*) FROM titles JOIN levels USING (lt) GROUP BY ALL"""
    )
    for metro, level, n in rows:
        details[metro].seniority[str(level)] = int(n)
    for d in details.values():
        d.seniority = {level: d.seniority.get(level, 0) for level in SENIORITY_LEVELS}
        d.ai_ml_postings = sum(d.seniority.values())


def _top_lists(queries: Queries, scope: str, limit: int, details: dict[str, Details]) -> None:
    """Top employers (by their display name) and titles (in their most frequent spelling)."""
    for column, attr in (("employer", "top_employers"), ("lower(trim(title))", "top_titles")):
        source = "employer_name" if column == "employer" else "title"
        rows = queries.rows(
            f"""WITH spellings AS (
                    SELECT metro_id, {column} AS k, trim({source}) AS name, count(*) AS n
                    {scope} AND {column} IS NOT NULL AND {column} <> '' GROUP BY ALL),
                grouped AS (
                    SELECT metro_id, name, sum(n) OVER (PARTITION BY metro_id, k) AS total,
                           row_number() OVER (PARTITION BY metro_id, k ORDER BY n DESC, name)
                               AS spelling
                    FROM spellings),
                ranked AS (
                    SELECT *, row_number() OVER (PARTITION BY metro_id ORDER BY total DESC, name)
                        AS r FROM grouped WHERE spelling = 1)
                SELECT metro_id, name, total FROM ranked WHERE r <= ? ORDER BY metro_id, r""",
            [limit],
        )
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


def _skills(queries: Queries, scope: str, limit: int, details: dict[str, Details]) -> None:
    skills = load_skills()
    alias_rows = [(a, s.id) for s in skills for a in s.aliases]
    label = {s.id: s.label for s in skills}
    text = "lower(coalesce(b.skills, '') || ' ' || coalesce(r.description, ''))"
    placeholders = ", ".join("(?, ?)" for _ in alias_rows)
    # The regular expression runs once per distinct text, not once per posting.
    rows = queries.rows(
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
    )
    for metro, skill, n in rows:
        if len(details[metro].top_skills) < limit:
            details[metro].top_skills.append((label[str(skill)], int(n)))


def _samples(queries: Queries, scope: str, limit: int, details: dict[str, Details]) -> None:
    rows = queries.rows(
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
    )
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


def _sources(queries: Queries, scope: str, details: dict[str, Details], dominance: float) -> None:
    """Per-metro counts per source, and the dominance warnings.

    With a single source in the whole window, a per-metro source warning would say nothing
    the coverage note does not; only the employer warning is given then.
    """
    ((channels,),) = queries.rows(f"SELECT count(DISTINCT channel) FROM {BASE_TABLE}")
    rows = queries.rows(
        f"SELECT metro_id, channel, count(*) AS n {scope} "
        "GROUP BY ALL ORDER BY metro_id, n DESC, channel"
    )
    for metro, channel, n in rows:
        details[metro].sources.append((str(channel), int(n)))
    for d in details.values():
        _dominance_warnings(d, dominance, several_sources=channels > 1)


def _monthly(queries: Queries, scope: str, details: dict[str, Details]) -> None:
    """AI/ML postings per month of their posting date (undated postings are not counted)."""
    rows = queries.rows(
        f"SELECT metro_id, strftime(posted_date, '%Y-%m') AS month, count(*) AS n {scope} "
        "AND posted_date IS NOT NULL GROUP BY ALL ORDER BY metro_id, month"
    )
    for metro, month, n in rows:
        details[metro].monthly.append((str(month), int(n)))


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


def load_coverage(source: Source, settings: RankSettings) -> Coverage:
    """Coverage counts, one row per posting (from ``postings``, in the same window)."""
    queries = queries_of(source)
    ai = tier_filter(settings.include_adjacent)
    where, params = window_clause(settings)
    kept = f"""SELECT *, {ai} AS ai FROM (
               SELECT ai_ml_tier AS tier, {CHANNEL} AS channel, posted_date,
                      remote = 'remote' AS remote,
                      metro_id IS NOT NULL OR raw_id IN (SELECT raw_id FROM posting_places)
                          AS placed
               FROM postings WHERE {where})"""
    ((postings, ai_ml, core, adjacent, in_metros, unplaced, first, last),) = queries.rows(
        f"""SELECT count(*), count(*) FILTER (WHERE ai), count(*) FILTER (WHERE tier = 'core'),
                   count(*) FILTER (WHERE tier = 'adjacent'),
                   count(*) FILTER (WHERE ai AND placed),
                   count(*) FILTER (WHERE ai AND NOT placed AND remote),
                   min(posted_date), max(posted_date)
            FROM ({kept})""",
        params,
    )
    channels = queries.rows(
        f"""SELECT channel, count(*) AS n, count(*) FILTER (WHERE ai) AS ai_n
            FROM ({kept}) GROUP BY channel ORDER BY ai_n DESC, n DESC, channel""",
        params,
    )
    countries = queries.rows(
        f"""SELECT coalesce(country_code, '') AS cc, count(DISTINCT raw_id) AS n
            FROM {BASE_TABLE} WHERE {ai} GROUP BY cc ORDER BY n DESC, cc"""
    )
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


def metro_names(source: Source, keys: list[str]) -> dict[str, tuple[str, str]]:
    """Display name and country code per metro id (the metros table, else posting_places)."""
    rows = queries_of(source).rows(
        """SELECT metro_id, min(metro), min(country_code) FROM (
               SELECT metro_id, metro, country_code FROM metros
               UNION ALL
               SELECT metro_id, metro, country_code FROM posting_places
                   WHERE metro_id NOT IN (SELECT metro_id FROM metros))
           GROUP BY metro_id"""
    )
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
