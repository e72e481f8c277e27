"""The normalize stage (the store's accounting, in ``store.status``, is re-exported here).

Normalisation works on distinct values and narrow tables: DuckDB numbers the distinct
titles, locations, salary inputs and employer names among the new raw rows and keys each
row by those numbers; each distinct value is normalised once in Python; dates, dedupe and
duplicates are settled on the narrow keys, and the wide raw columns are read once, when the
postings are written. Every raw row ends in exactly one of ``postings``, ``quarantine`` or
``duplicates``, in one transaction, so ``raw = postings + quarantined + duplicates`` holds at
every commit.
"""

from __future__ import annotations

import time
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
from jobatlas.store.employers import refresh_employers
from jobatlas.store.status import Accounting, accounting, quarantine_reasons, runs

__all__ = [
    "DUPLICATE_WINDOW_DAYS",
    "Accounting",
    "NormalizeResult",
    "accounting",
    "normalize",
    "quarantine_reasons",
    "runs",
]

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
        refresh_employers(con)
        return NormalizeResult(0, 0, 0, 0)
    quarantined = _quarantine(con, run_id)
    # the rows just quarantined already have their disposition
    todo = f"SELECT raw_id FROM raw_postings r WHERE {UNPROCESSED}"
    con.execute(f"CREATE OR REPLACE TEMP TABLE todo AS {todo}")
    with progress("normalize", 7) as advance:
        _distinct_inputs(con)
        advance(1)
        _classify_distinct(con)
        advance(1)
        _locate_distinct(con)
        advance(1)
        _salary_distinct(con)
        advance(1)
        _build_candidates(con)
        duplicates = _mark_duplicates(con, run_id)
        advance(1)
        postings = _insert_postings(con, run_id)
        _refresh_metros(con)
        advance(1)
        grouping = time.perf_counter()
        refresh_employers(con)
        stats.detail["employer_grouping_s"] = round(time.perf_counter() - grouping, 3)
        advance(1)
    stats.rows_out = postings
    stats.rows_rejected = quarantined
    stats.detail.update(duplicates=duplicates)
    stats.detail.update(_dispositions(con, run_id))
    for name in _TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")
    return NormalizeResult(rows_in, postings, quarantined, duplicates)


_TEMP_TABLES = (
    "todo",
    "in_title",
    "in_location",
    "in_salary",
    "in_company",
    "row_keys",
    "row_salary",
    "salary_keys",
    "norm_title",
    "norm_location",
    "location_places",
    "norm_salary",
    "salary_rates",
    "salary_final",
    "candidates",
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


# -- distinct inputs ------------------------------------------------------------------------

_NORM_TEXT = "trim(regexp_replace(lower(strip_accents({})), '[^[:alnum:]]+', ' ', 'g'))"

_SALARY_KEYS = (
    "salary_text",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_estimated",
)
# Each input a normaliser reads, as the raw columns that make its key.
_INPUTS = {
    "in_title": ("title", "description"),
    "in_location": ("location", "country_hint", "remote_hint"),
    "in_salary": _SALARY_KEYS,
    "in_company": ("company",),
}


def _distinct_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """Number the distinct inputs of the rows to normalise, then key each row by them.

    ``row_keys`` holds one narrow row per raw row (ids of its inputs and its date); the wide
    raw columns are read again only when the postings are written.
    """
    new_rows = "raw_postings r SEMI JOIN todo ON todo.raw_id = r.raw_id"
    for table, columns in _INPUTS.items():
        listed = ", ".join(columns)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT (row_number() OVER ())::INTEGER AS id, {listed} "
            f"FROM (SELECT DISTINCT {listed} FROM {new_rows})"
        )
    joins = "\n".join(
        f"JOIN {table} ON "
        + " AND ".join(f"{table}.{c} IS NOT DISTINCT FROM r.{c}" for c in columns)
        for table, columns in _INPUTS.items()
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE row_keys AS
        SELECT r.raw_id, in_title.id AS title_id, in_location.id AS location_id,
               in_salary.id AS salary_in_id, in_company.id AS company_id,
               coalesce(TRY_CAST(r.posted_at AS DATE),
                        TRY_CAST(left(r.posted_at, 10) AS DATE)) AS posted_date
        FROM {new_rows}
        {joins}
        """
    )


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

    keys = con.execute("SELECT id, title, description FROM in_title").fetchall()
    out = [classify(t, d) for _, t, d in keys]
    _register(
        con,
        "norm_title",
        {
            "title_id": (pa.int32(), [k[0] for k in keys]),
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


# The Arrow type of each column of ``normalize.locations.posting_location_columns``.
_LOCATION_TYPES = {
    "location_status": pa.string(),
    "remote": pa.string(),
    "city": pa.string(),
    "admin1": pa.string(),
    "country_code": pa.string(),
    "geonameid": pa.int64(),
    "latitude": pa.float64(),
    "longitude": pa.float64(),
    "metro": pa.string(),
    "metro_id": pa.string(),
    "n_places": pa.int32(),
    "location_match_method": pa.string(),
    "location_confidence": pa.float64(),
    "location_truncated": pa.bool_(),
}


def _locate_distinct(con: duckdb.DuckDBPyConnection) -> None:
    """Resolve each distinct (location, country hint, remote hint) once; its places go to
    ``location_places``, one row per place, ready to be joined to the postings."""
    from jobatlas.normalize.locations import posting_location_columns, resolve_location

    keys = con.execute("SELECT id, location, country_hint, remote_hint FROM in_location").fetchall()
    out = [resolve_location(loc, hint) for _, loc, hint, _ in keys]
    rows = [posting_location_columns(o) for o in out]
    for row, o, k in zip(rows, out, keys, strict=True):
        row["remote"] = _remote(o, k[3])
    _register(
        con,
        "norm_location",
        {
            "location_id": (pa.int32(), [k[0] for k in keys]),
            **{name: (kind, [r[name] for r in rows]) for name, kind in _LOCATION_TYPES.items()},
        },
    )
    places = [(k[0], i, p, len(o.places)) for k, o in zip(keys, out, strict=True)
              for i, p in enumerate(o.places, start=1)]  # fmt: skip
    _register(
        con,
        "location_places",
        {
            "location_id": (pa.int32(), [r[0] for r in places]),
            "place_index": (pa.int32(), [r[1] for r in places]),
            "city": (pa.string(), [r[2].city for r in places]),
            "country_code": (pa.string(), [r[2].country_code for r in places]),
            "geonameid": (pa.int64(), [r[2].geonameid for r in places]),
            "metro": (pa.string(), [r[2].metro for r in places]),
            "metro_id": (pa.string(), [r[2].metro_id for r in places]),
            "weight": (pa.float64(), [1.0 / r[3] for r in places]),
        },
    )


def _salary_distinct(con: duckdb.DuckDBPyConnection) -> None:
    """Parse each distinct (salary input, country) once, fetch each (currency, country, day)'s
    rates once, and settle status, USD and PPP figures in SQL — the arithmetic of
    ``salary.apply_money`` — once per distinct (salary input, country, day)."""
    from jobatlas.normalize.salary import money, parse_salary

    # each row's salary input with the country its place gives, then numbered once per day
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE row_salary AS
        SELECT k.raw_id, k.salary_in_id, l.country_code AS place_country, k.posted_date
        FROM row_keys k JOIN norm_location l ON l.location_id = k.location_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE salary_keys AS
        SELECT (row_number() OVER ())::INTEGER AS salary_id, *
        FROM (SELECT DISTINCT salary_in_id, place_country, posted_date FROM row_salary)
        """
    )
    keys = con.execute(
        f"""
        SELECT s.id, p.place_country, {", ".join("s." + n for n in _SALARY_KEYS)}
        FROM (SELECT DISTINCT salary_in_id, place_country FROM salary_keys) p
        JOIN in_salary s ON s.id = p.salary_in_id
        """
    ).fetchall()
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
        for _, country, text, lo, hi, currency, period, estimated in keys
    ]
    _register(
        con,
        "norm_salary",
        {
            "salary_in_id": (pa.int32(), [k[0] for k in keys]),
            "place_country": (pa.string(), [k[1] for k in keys]),
            "n_status": (pa.string(), [s.status for s in out]),
            "n_salary_min": (pa.float64(), [s.min for s in out]),
            "n_salary_max": (pa.float64(), [s.max for s in out]),
            "n_salary_currency": (pa.string(), [s.currency for s in out]),
            "n_salary_period": (pa.string(), [s.period for s in out]),
            "salary_annual_min": (pa.float64(), [s.annual_min for s in out]),
            "salary_annual_max": (pa.float64(), [s.annual_max for s in out]),
            "n_flags": (pa.string(), [";".join(s.flags) or None for s in out]),
        },
    )
    by_salary = """salary_keys k JOIN norm_salary s ON s.salary_in_id = k.salary_in_id
                   AND s.place_country IS NOT DISTINCT FROM k.place_country"""
    rate_keys = con.execute(
        f"SELECT DISTINCT s.n_salary_currency, k.place_country, k.posted_date FROM {by_salary} "
        "WHERE s.n_status <> 'none' AND s.n_salary_currency IS NOT NULL"
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
        f"""
        CREATE OR REPLACE TEMP TABLE salary_final AS
        SELECT salary_id, n_salary_min AS salary_min, n_salary_max AS salary_max,
               n_salary_currency AS salary_currency, n_salary_period AS salary_period,
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
            SELECT k.*, s.* EXCLUDE (salary_in_id, place_country), r.*,
                   coalesce(salary_annual_min, salary_annual_max) AS bottom,
                   coalesce(salary_annual_max, salary_annual_min) AS top,
                   (coalesce(salary_annual_min, salary_annual_max)
                    + coalesce(salary_annual_max, salary_annual_min)) / 2 AS mid
            FROM {by_salary}
            LEFT JOIN salary_rates r
              ON r.currency = s.n_salary_currency
             AND r.country IS NOT DISTINCT FROM k.place_country
             AND r.posted_date IS NOT DISTINCT FROM k.posted_date
             AND s.n_status <> 'none'
        )
        """
    )


# -- assembling postings ---------------------------------------------------------------------


def _build_candidates(con: duckdb.DuckDBPyConnection) -> None:
    """Each new row's date and dedupe key: employer, title and place, normalised once per
    distinct value."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE candidates AS
        WITH title AS (SELECT id, {_NORM_TEXT.format("title")} AS text FROM in_title),
             company AS (
                 SELECT id, {_NORM_TEXT.format("coalesce(company, '')")} AS text FROM in_company),
             place AS (
                 SELECT i.id, coalesce(l.metro_id, {_NORM_TEXT.format("coalesce(i.location, '')")})
                            AS text
                 FROM in_location i JOIN norm_location l ON l.location_id = i.id)
        SELECT k.raw_id, k.title_id, k.location_id, k.posted_date, sk.salary_id,
               md5(company.text || '|' || title.text || '|' || place.text) AS dedupe_key
        FROM row_keys k
        JOIN row_salary rs ON rs.raw_id = k.raw_id
        JOIN salary_keys sk ON sk.salary_in_id = rs.salary_in_id
         AND sk.place_country IS NOT DISTINCT FROM rs.place_country
         AND sk.posted_date IS NOT DISTINCT FROM rs.posted_date
        JOIN title ON title.id = k.title_id
        JOIN company ON company.id = k.company_id
        JOIN place ON place.id = k.location_id
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
                  SELECT raw_id, url, true FROM raw_postings SEMI JOIN candidates USING (raw_id)
                  WHERE url IS NOT NULL)
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


def _taken(alias: str, names: str) -> dict[str, str]:
    return {name: f"{alias}.{name}" for name in names.split()}


# Every column of ``postings``, from the raw row (r), the candidate (c) and the normalised
# title (t), location (l) and salary (s).
_POSTING_COLUMNS = (
    {"raw_id": "c.raw_id", "run_id": "$run_id", "location_text": "r.location"}
    | _taken("r", "source via source_id url title company skills")
    | _taken("c", "posted_date dedupe_key")
    | _taken("t", "ai_ml_tier ai_ml ai_ml_family ai_ml_score ai_ml_evidence")
    | _taken(
        "l",
        "location_status remote city admin1 country_code geonameid latitude longitude metro "
        "metro_id n_places location_match_method location_confidence location_truncated",
    )
    | _taken(
        "s",
        "salary_min salary_max salary_currency salary_period salary_annual_min "
        "salary_annual_max salary_annual_usd salary_annual_ppp salary_status salary_flags",
    )
)


def _insert_postings(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Write the candidates that are not duplicates: the one step that reads wide columns."""
    columns = [
        str(r[0])
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'postings' ORDER BY ordinal_position"
        ).fetchall()
    ]
    missing = [c for c in columns if c not in _POSTING_COLUMNS]
    if missing:
        raise StoreError(f"normalize does not know how to fill postings.{', '.join(missing)}")
    con.execute("DELETE FROM candidates WHERE raw_id IN (SELECT raw_id FROM duplicates)")
    con.execute(
        f"""
        INSERT INTO postings ({", ".join(columns)})
        SELECT {", ".join(_POSTING_COLUMNS[c] for c in columns)}
        FROM candidates c
        JOIN raw_postings r ON r.raw_id = c.raw_id
        JOIN norm_title t ON t.title_id = c.title_id
        JOIN norm_location l ON l.location_id = c.location_id
        JOIN salary_final s ON s.salary_id = c.salary_id
        """,
        {"run_id": run_id},
    )
    con.execute(
        """
        INSERT INTO posting_places
        SELECT c.raw_id, p.place_index, p.city, p.country_code, p.geonameid, p.metro,
               p.metro_id, p.weight
        FROM candidates c JOIN location_places p ON p.location_id = c.location_id
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
    con.execute("DROP TABLE new_metros")


def _dispositions(con: duckdb.DuckDBPyConnection, run_id: int) -> dict[str, Any]:
    rows = con.execute(
        "SELECT 'location_' || location_status, count(*) FROM postings WHERE run_id = $r "
        "GROUP BY 1 UNION ALL "
        "SELECT 'salary_' || salary_status, count(*) FROM postings WHERE run_id = $r "
        "GROUP BY 1 UNION ALL "
        "SELECT 'tier_' || ai_ml_tier, count(*) FROM postings WHERE run_id = $r GROUP BY 1",
        {"r": run_id},
    ).fetchall()
    return {str(k): int(v) for k, v in sorted(rows)}
