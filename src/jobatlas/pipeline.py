"""The normalize stage, and ``run``, which composes every stage.

Normalisation works on distinct values: DuckDB finds the distinct titles, locations
and salary inputs among the new raw rows, each is normalised once in Python, and the
results are joined back in SQL. Every raw row ends in exactly one of ``postings``,
``quarantine`` or ``duplicates``, in one transaction, so the accounting
``raw = postings + quarantined + duplicates`` holds at every commit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from jobatlas.errors import StoreError
from jobatlas.models import Location
from jobatlas.normalize.classify import MAX_TITLE_CHARS
from jobatlas.progress import progress
from jobatlas.store.duckdb import UNPROCESSED, RunStats, Store, _first_line

DUPLICATE_WINDOW_DAYS = 30
"""Copies of the same job (same employer, title and place) posted within this many days
of the previous copy count once."""


@dataclass(frozen=True)
class NormalizeResult:
    rows_in: int
    postings: int
    quarantined: int
    duplicates: int


def normalize(store: Store) -> NormalizeResult:
    """Turn every raw row without a disposition into a posting, a quarantine row or a duplicate."""
    with store.run("normalize") as (run_id, stats):
        try:
            with store.transaction():
                result = _normalize(store, run_id, stats)
        except duckdb.Error as exc:
            raise StoreError(f"normalize failed ({_first_line(exc)})") from exc
    return result


def _normalize(store: Store, run_id: int, stats: RunStats) -> NormalizeResult:
    con = store.con
    rows_in = store.pending_raw()
    stats.rows_in = rows_in
    if rows_in == 0:
        return NormalizeResult(0, 0, 0, 0)
    quarantined = _quarantine(con, run_id)
    con.execute(
        # the rows just quarantined already have their disposition
        f"CREATE OR REPLACE TEMP TABLE usable AS SELECT {_USABLE_COLUMNS} "
        f"FROM raw_postings r WHERE {UNPROCESSED}"
    )
    with progress("normalize", 6) as advance:
        _classify_distinct(con)
        advance(1)
        _locate_distinct(con)
        advance(1)
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE usable_dated AS
            SELECT u.*, l.* EXCLUDE (location, country_hint, remote_hint),
                   l.country_code AS place_country,
                   coalesce(TRY_CAST(u.posted_at AS DATE),
                            TRY_CAST(left(u.posted_at, 10) AS DATE)) AS posted_date
            FROM usable u
            LEFT JOIN norm_location l
              ON l.location IS NOT DISTINCT FROM u.location
             AND l.country_hint IS NOT DISTINCT FROM u.country_hint
             AND l.remote_hint IS NOT DISTINCT FROM u.remote_hint
            """
        )
        _salary_distinct(con)
        advance(1)
        _build_candidates(con, run_id)
        advance(1)
        duplicates = _mark_duplicates(con, run_id)
        advance(1)
        postings = _insert_postings(con)
        _refresh_metros(con)
        advance(1)
    stats.rows_out = postings
    stats.rows_rejected = quarantined
    stats.detail.update(duplicates=duplicates)
    stats.detail.update(_dispositions(con))
    return NormalizeResult(rows_in, postings, quarantined, duplicates)


# What normalize reads of a raw row: everything but its provenance and the original record.
_USABLE_COLUMNS = (
    "raw_id, source, source_id, url, title, company, location, country_hint, remote_hint, "
    "description, salary_text, salary_min, salary_max, salary_currency, salary_period, "
    "salary_estimated, posted_at, skills, via"
)


def _count(con: duckdb.DuckDBPyConnection, sql: str, *params: object) -> int:
    row = con.execute(sql, list(params)).fetchone()
    return int(row[0]) if row else 0


# -- quarantine -----------------------------------------------------------------------------


def _quarantine(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    con.execute(
        rf"""
        INSERT INTO quarantine (raw_id, run_id, reason, detail)
        SELECT raw_id, ?, reason, detail FROM (
            SELECT raw_id,
                CASE
                    WHEN parse_error IS NOT NULL THEN 'malformed_row'
                    WHEN title IS NULL OR trim(title) = '' THEN 'missing_title'
                    WHEN length(title) > {MAX_TITLE_CHARS} THEN 'title_too_long'
                    WHEN NOT regexp_matches(title, '\p{{L}}') THEN 'title_not_text'
                END AS reason,
                CASE
                    WHEN parse_error IS NOT NULL THEN parse_error
                    WHEN title IS NULL OR trim(title) = '' THEN 'no title in the row'
                    ELSE left(title, 120)
                END AS detail
            FROM raw_postings r WHERE {UNPROCESSED}
        ) WHERE reason IS NOT NULL
        """,
        [run_id],
    )
    return _count(con, "SELECT count(*) FROM quarantine WHERE run_id = ?", run_id)


# -- distinct-value normalisation -----------------------------------------------------------


def _register(
    con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, tuple[pa.DataType, list[Any]]]
) -> None:
    arrow = pa.table({k: pa.array(v, type=t) for k, (t, v) in columns.items()})
    con.register(f"{name}_arrow", arrow)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    finally:
        con.unregister(f"{name}_arrow")


def _classify_distinct(con: duckdb.DuckDBPyConnection) -> None:
    from jobatlas.normalize.classify import classify

    keys = con.execute("SELECT DISTINCT title, description FROM usable").fetchall()
    out = [classify(t, d) for t, d in keys]
    _register(
        con,
        "norm_title",
        {
            "title": (pa.string(), [k[0] for k in keys]),
            "description": (pa.string(), [k[1] for k in keys]),
            "ai_ml_tier": (pa.string(), [c.tier for c in out]),
            "ai_ml": (pa.bool_(), [c.ai_ml for c in out]),
            "ai_ml_family": (pa.string(), [c.family for c in out]),
            "ai_ml_score": (pa.float64(), [c.score for c in out]),
            "ai_ml_evidence": (pa.string(), ["; ".join(c.evidence) or None for c in out]),
        },
    )


def _remote(location: Location, hint: str | None) -> str:
    if hint in ("remote", "hybrid", "onsite"):
        return hint
    return location.remote


def _locate_distinct(con: duckdb.DuckDBPyConnection) -> None:
    from jobatlas.normalize.locations import resolve_location

    keys = con.execute("SELECT DISTINCT location, country_hint, remote_hint FROM usable").fetchall()
    out = [resolve_location(loc, hint) for loc, hint, _ in keys]
    primary = [o.primary for o in out]
    places = [
        json.dumps(
            [
                {
                    "city": p.city,
                    "country_code": p.country_code,
                    "geonameid": p.geonameid,
                    "metro": p.metro,
                    "metro_id": p.metro_id,
                }
                for p in o.places
            ],
            ensure_ascii=False,
        )
        if o.places
        else None
        for o in out
    ]

    def col(getter: Callable[[Any], Any]) -> list[Any]:
        return [getter(p) if p is not None else None for p in primary]

    _register(
        con,
        "norm_location",
        {
            "location": (pa.string(), [k[0] for k in keys]),
            "country_hint": (pa.string(), [k[1] for k in keys]),
            "remote_hint": (pa.string(), [k[2] for k in keys]),
            "location_status": (pa.string(), [o.status for o in out]),
            "remote": (pa.string(), [_remote(o, k[2]) for o, k in zip(out, keys, strict=True)]),
            "city": (pa.string(), col(lambda p: p.city)),
            "admin1": (pa.string(), col(lambda p: p.admin1)),
            "country_code": (
                pa.string(),
                [o.primary.country_code if o.primary else o.country_code for o in out],
            ),
            "geonameid": (pa.int64(), col(lambda p: p.geonameid)),
            "latitude": (pa.float64(), col(lambda p: p.latitude)),
            "longitude": (pa.float64(), col(lambda p: p.longitude)),
            "metro": (pa.string(), col(lambda p: p.metro)),
            "metro_id": (pa.string(), col(lambda p: p.metro_id)),
            "n_places": (pa.int32(), [len(o.places) for o in out]),
            "location_match_method": (pa.string(), [o.match_method for o in out]),
            "location_confidence": (pa.float64(), [o.location_confidence for o in out]),
            "location_truncated": (pa.bool_(), [o.truncated for o in out]),
            "places": (pa.string(), places),
        },
    )


_SALARY_KEYS = (
    "salary_text",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_estimated",
    "place_country",
)
_SALARY_KEY_TYPES = (
    pa.string(),
    pa.float64(),
    pa.float64(),
    pa.string(),
    pa.string(),
    pa.bool_(),
    pa.string(),
)


def _salary_distinct(con: duckdb.DuckDBPyConnection) -> None:
    """Parse each distinct salary input once, fetch each (currency, country, day)'s rates once,
    and settle status, USD and PPP figures in SQL — the arithmetic of ``salary.apply_money``."""
    from jobatlas.normalize.salary import money, parse_salary

    keys = con.execute(f"SELECT DISTINCT {', '.join(_SALARY_KEYS)} FROM usable_dated").fetchall()
    out = [
        parse_salary(
            text,
            min_amount=lo,
            max_amount=hi,
            currency=currency,
            period=period,
            country=country,
            estimated=bool(estimated),
        )
        for text, lo, hi, currency, period, estimated, country in keys
    ]
    columns: dict[str, tuple[pa.DataType, list[Any]]] = {
        f"k_{name}": (kind, [k[i] for k in keys])
        for i, (name, kind) in enumerate(zip(_SALARY_KEYS, _SALARY_KEY_TYPES, strict=True))
    }
    columns |= {
        "n_status": (pa.string(), [s.status for s in out]),
        "n_salary_min": (pa.float64(), [s.min for s in out]),
        "n_salary_max": (pa.float64(), [s.max for s in out]),
        "n_salary_currency": (pa.string(), [s.currency for s in out]),
        "n_salary_period": (pa.string(), [s.period for s in out]),
        "salary_annual_min": (pa.float64(), [s.annual_min for s in out]),
        "salary_annual_max": (pa.float64(), [s.annual_max for s in out]),
        "n_flags": (pa.string(), [";".join(s.flags) or None for s in out]),
    }
    _register(con, "norm_salary", columns)
    join = " AND ".join(f"s.k_{n} IS NOT DISTINCT FROM u.{n}" for n in _SALARY_KEYS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE usable_salary AS
        SELECT u.raw_id, u.posted_date, s.* EXCLUDE ({", ".join("k_" + n for n in _SALARY_KEYS)}),
               u.place_country
        FROM usable_dated u JOIN norm_salary s ON {join}
        """
    )
    rate_keys = con.execute(
        "SELECT DISTINCT n_salary_currency, place_country, posted_date FROM usable_salary "
        "WHERE n_status <> 'none' AND n_salary_currency IS NOT NULL"
    ).fetchall()
    rates = [
        money(code, country, posted if isinstance(posted, date) else None)
        for code, country, posted in rate_keys
    ]
    _register(
        con,
        "salary_rates",
        {
            "currency": (pa.string(), [k[0] for k in rate_keys]),
            "country": (pa.string(), [k[1] for k in rate_keys]),
            "posted_date": (pa.date32(), [k[2] for k in rate_keys]),
            "usd": (pa.float64(), [r.usd for r in rates]),
            "ppp": (pa.float64(), [r.ppp for r in rates]),
            "lower_usd": (pa.float64(), [r.bounds.lower_usd for r in rates]),
            "upper_usd": (pa.float64(), [r.bounds.upper_usd for r in rates]),
            "rate_flags": (pa.string(), [";".join(r.flags) or None for r in rates]),
        },
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE salary_final AS
        SELECT raw_id, n_salary_min, n_salary_max, n_salary_currency, n_salary_period,
               salary_annual_min, salary_annual_max,
               CASE WHEN usd IS NOT NULL THEN round(mid * usd, 2) END AS salary_annual_usd,
               CASE WHEN usd IS NOT NULL THEN round(mid * ppp, 2) END AS salary_annual_ppp,
               CASE WHEN n_status = 'none' THEN 'none'
                    WHEN currency IS NULL THEN 'unknown_currency'
                    WHEN usd IS NULL THEN 'no_rate'
                    WHEN bottom * usd < lower_usd OR top * usd > upper_usd THEN 'implausible'
                    ELSE 'parsed' END AS salary_status,
               CASE WHEN usd IS NOT NULL AND rate_flags IS NOT NULL
                    THEN concat_ws(';', n_flags, rate_flags) ELSE n_flags END AS salary_flags
        FROM (
            SELECT s.*, r.*,
                   coalesce(salary_annual_min, salary_annual_max) AS bottom,
                   coalesce(salary_annual_max, salary_annual_min) AS top,
                   (coalesce(salary_annual_min, salary_annual_max)
                    + coalesce(salary_annual_max, salary_annual_min)) / 2 AS mid
            FROM usable_salary s
            LEFT JOIN salary_rates r
              ON r.currency = s.n_salary_currency
             AND r.country IS NOT DISTINCT FROM s.place_country
             AND r.posted_date IS NOT DISTINCT FROM s.posted_date
             AND s.n_status <> 'none'
        )
        """
    )


# -- assembling postings ---------------------------------------------------------------------

_NORM_TEXT = "trim(regexp_replace(lower(strip_accents({})), '[^[:alnum:]]+', ' ', 'g'))"


def _build_candidates(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    company = _NORM_TEXT.format("coalesce(u.company, '')")
    title = _NORM_TEXT.format("u.title")
    location = _NORM_TEXT.format("coalesce(u.location, '')")
    place = f"coalesce(u.metro_id, {location})"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE candidates AS
        SELECT u.raw_id, {run_id} AS run_id, u.source, u.via, u.source_id, u.url, u.title,
               u.company, t.ai_ml_tier, t.ai_ml, t.ai_ml_family, t.ai_ml_score, t.ai_ml_evidence,
               u.location AS location_text, u.location_status, u.remote, u.city, u.admin1,
               u.country_code, u.geonameid, u.latitude, u.longitude, u.metro, u.metro_id,
               u.n_places, u.location_match_method, u.location_confidence,
               u.location_truncated,
               s.n_salary_min AS salary_min, s.n_salary_max AS salary_max,
               s.n_salary_currency AS salary_currency, s.n_salary_period AS salary_period,
               s.salary_annual_min, s.salary_annual_max, s.salary_annual_usd, s.salary_annual_ppp,
               s.salary_status, s.salary_flags, u.posted_date, u.skills,
               md5({company} || '|' || {title} || '|' || {place}) AS dedupe_key,
               u.places
        FROM usable_dated u
        JOIN norm_title t ON t.title = u.title AND t.description IS NOT DISTINCT FROM u.description
        JOIN salary_final s ON s.raw_id = u.raw_id
        """
    )


def _mark_duplicates(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Mark copies: first the same URL, then the same employer+title+place within the window."""
    con.execute(
        """
        INSERT INTO duplicates (raw_id, run_id, duplicate_of, reason)
        SELECT raw_id, ?, first_raw, 'same_url' FROM (
            SELECT raw_id, is_new,
                   first_value(raw_id) OVER (PARTITION BY url ORDER BY is_new, raw_id) AS first_raw
            FROM (SELECT raw_id, url, false AS is_new FROM postings WHERE url IS NOT NULL
                  UNION ALL
                  SELECT raw_id, url, true FROM candidates WHERE url IS NOT NULL)
        ) WHERE is_new AND raw_id <> first_raw
        """,
        [run_id],
    )
    con.execute(
        f"""
        INSERT INTO duplicates (raw_id, run_id, duplicate_of, reason)
        SELECT raw_id, ?, head, 'same_job' FROM (
            SELECT *, first_value(raw_id) OVER (PARTITION BY dedupe_key, chain ORDER BY pos) AS head
            FROM (
                SELECT *, sum(starts) OVER (PARTITION BY dedupe_key ORDER BY pos) AS chain
                FROM (
                    SELECT *,
                        CASE WHEN prev_date IS NULL AND pos = 1 THEN 1
                             WHEN posted_date IS NULL OR prev_date IS NULL THEN 0
                             WHEN posted_date - prev_date > {DUPLICATE_WINDOW_DAYS} THEN 1
                             ELSE 0 END AS starts
                    FROM (
                        SELECT *,
                            row_number() OVER w AS pos,
                            lag(posted_date) OVER w AS prev_date
                        FROM (
                            SELECT raw_id, dedupe_key, posted_date, false AS is_new FROM postings
                            UNION ALL
                            SELECT c.raw_id, c.dedupe_key, c.posted_date, true FROM candidates c
                            ANTI JOIN duplicates d ON d.raw_id = c.raw_id
                        )
                        WINDOW w AS (PARTITION BY dedupe_key
                                     ORDER BY posted_date NULLS FIRST, is_new, raw_id)
                    )
                )
            )
        ) WHERE is_new AND raw_id <> head
        """,
        [run_id],
    )
    return _count(con, "SELECT count(*) FROM duplicates WHERE run_id = ?", run_id)


def _insert_postings(con: duckdb.DuckDBPyConnection) -> int:
    columns = [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'postings' ORDER BY ordinal_position"
        ).fetchall()
    ]
    select = ", ".join(f"c.{c}" for c in columns)
    # what remains of the candidates once their duplicates are out is what is kept
    con.execute("DELETE FROM candidates WHERE raw_id IN (SELECT raw_id FROM duplicates)")
    con.execute(f"INSERT INTO postings ({', '.join(columns)}) SELECT {select} FROM candidates c")
    con.execute(
        """
        INSERT INTO posting_places
        SELECT raw_id, place_index, p->>'city', p->>'country_code', CAST(p->>'geonameid' AS BIGINT),
               p->>'metro', p->>'metro_id', 1.0 / n
        FROM (
            SELECT raw_id, unnest(places::JSON[]) AS p,
                   generate_subscripts(places::JSON[], 1) AS place_index,
                   json_array_length(places) AS n
            FROM candidates WHERE places IS NOT NULL
        )
        """
    )
    return _count(con, "SELECT count(*) FROM candidates")


def _refresh_metros(con: duckdb.DuckDBPyConnection) -> None:
    from jobatlas.normalize.locations import get_resolver

    missing = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT metro_id FROM posting_places ANTI JOIN metros USING (metro_id)"
        ).fetchall()
    ]
    if not missing:
        return
    resolver = get_resolver()
    infos = [resolver.metro_info(m) for m in missing]
    _register(
        con,
        "new_metros",
        {
            "metro_id": (pa.string(), missing),
            "metro": (pa.string(), [i.name for i in infos]),
            "country_code": (pa.string(), [i.country_code for i in infos]),
            "population": (pa.int64(), [i.population for i in infos]),
            "latitude": (pa.float64(), [i.latitude for i in infos]),
            "longitude": (pa.float64(), [i.longitude for i in infos]),
        },
    )
    con.execute("INSERT INTO metros SELECT * FROM new_metros")


def _dispositions(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    rows = con.execute(
        "SELECT 'location_' || location_status, count(*) FROM candidates GROUP BY 1 "
        "UNION ALL SELECT 'salary_' || salary_status, count(*) FROM candidates GROUP BY 1 "
        "UNION ALL SELECT 'tier_' || ai_ml_tier, count(*) FROM candidates GROUP BY 1"
    ).fetchall()
    return {str(k): int(v) for k, v in sorted(rows)}


# -- status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Accounting:
    raw: int
    postings: int
    quarantined: int
    duplicates: int
    pending: int

    @property
    def reconciles(self) -> bool:
        return self.raw == self.postings + self.quarantined + self.duplicates + self.pending


def accounting(store: Store) -> Accounting:
    c = store.counts()
    return Accounting(
        raw=c["raw_postings"],
        postings=c["postings"],
        quarantined=c["quarantine"],
        duplicates=c["duplicates"],
        pending=store.pending_raw(),
    )


def runs(store: Store, limit: int = 20) -> list[tuple[Any, ...]]:
    return store.con.execute(
        "SELECT run_id, stage, status, rows_in, rows_out, rows_rejected, duration_s, "
        "started_at, detail FROM runs ORDER BY run_id DESC LIMIT ?",
        [limit],
    ).fetchall()


def quarantine_reasons(store: Store) -> list[tuple[str, int]]:
    return [
        (str(r), int(n))
        for r, n in store.con.execute(
            "SELECT reason, count(*) FROM quarantine GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    ]
