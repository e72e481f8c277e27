"""The normalize stage as one ordered catalogue of steps, run by every engine.

Each SQL step is a SELECT written once in DuckDB's dialect; it names the relation it makes,
which later steps read. DuckDB runs the text as it is; Spark runs it transpiled by SQLGlot
(``render``), with the few DuckDB functions Spark lacks supplied by the engine
(``SPARK_FUNCTIONS``) and the numbering of distinct values mapped (``_spark_ids``). Python
steps (``engines.distinct``) apply the normalisers to distinct values in between. A step
with a ``sink`` also writes its rows to that output: the store's table for DuckDB, a Parquet
dataset for Spark. Both engines walk ``STEPS`` in order, and tests/engines checks that each
ran every step and that no rule lives in an engine.

Relations every engine provides before the first step: ``raw_postings`` (the raw rows),
``settled`` (raw ids that already have a disposition), ``postings`` (earlier postings:
raw_id, url, dedupe_key, posted_date) and ``metros`` (metro_id of known metros).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jobatlas.engines import distinct
from jobatlas.engines.distinct import PythonStep
from jobatlas.models import SALARY_FIELDS
from jobatlas.normalize.classify import MAX_TITLE_CHARS

DUPLICATE_WINDOW_DAYS = 30
"""Copies of the same job (same employer, title and place) posted within this many days
of the previous copy count once."""


@dataclass(frozen=True)
class Sql:
    """A SELECT (DuckDB dialect) making the relation ``name``; with ``sink``, its rows are
    also an output of the stage (``keep=False``: only an output, never read again)."""

    name: str
    sql: str
    sink: str | None = None
    keep: bool = True


Step = Sql | PythonStep

SPARK_FUNCTIONS = ("strip_accents",)
"""DuckDB functions the catalogue uses that Spark has not: the Spark engine registers each."""

# Letters and digits of ASCII, then one space between words (RE2's [[:alnum:]], written so
# that Java's regular expressions read it the same way).
_NORM_TEXT = "trim(regexp_replace(lower(strip_accents({})), '[^0-9A-Za-z]+', ' ', 'g'))"

# Each input a normaliser reads, as the raw columns that make its key.
INPUTS = {
    "in_title": ("title", "description"),
    "in_location": ("location", "country_hint", "remote_hint"),
    "in_salary": SALARY_FIELDS,
    "in_company": ("company",),
}

_QUARANTINED = rf"""
SELECT raw_id, reason, detail FROM (
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
    FROM raw_postings r ANTI JOIN settled s ON s.raw_id = r.raw_id
) q WHERE reason IS NOT NULL
"""

_TODO = """
SELECT r.raw_id FROM raw_postings r
ANTI JOIN settled s ON s.raw_id = r.raw_id
ANTI JOIN quarantined q ON q.raw_id = r.raw_id
"""

_NEW_ROWS = "raw_postings r SEMI JOIN todo ON todo.raw_id = r.raw_id"


def _numbered(columns: tuple[str, ...]) -> str:
    listed = ", ".join(columns)
    return (
        f"SELECT row_number() OVER () AS id, {listed} "
        f"FROM (SELECT DISTINCT {listed} FROM {_NEW_ROWS}) d"
    )


def _row_keys() -> str:
    joins = "\n".join(
        f"JOIN {table} ON "
        + " AND ".join(f"{table}.{c} IS NOT DISTINCT FROM r.{c}" for c in columns)
        for table, columns in INPUTS.items()
    )
    # The date is the year-month-day the text starts with (- or / between, time and zone
    # after it ignored): both engines' casts read that form alike, and no other.
    return f"""
SELECT r.raw_id, in_title.id AS title_id, in_location.id AS location_id,
       in_salary.id AS salary_in_id, in_company.id AS company_id,
       TRY_CAST(replace(regexp_extract(trim(r.posted_at),
                                       '^[0-9]{{4}}[-/][0-9]{{1,2}}[-/][0-9]{{1,2}}', 0),
                        '/', '-') AS DATE) AS posted_date
FROM {_NEW_ROWS}
{joins}
"""


# ``located`` holds a row per distinct location (place 0) and one per place (1, 2 ...).
_NORM_LOCATION = (
    "SELECT "
    + ", ".join(n for n in distinct.LOCATE.schema.names if n not in ("place_index", "weight"))
    + " FROM located WHERE place_index = 0"
)
_LOCATION_PLACES = """
SELECT location_id, place_index, city, country_code, geonameid, metro, metro_id, weight
FROM located WHERE place_index > 0
"""

_ROW_SALARY = """
SELECT k.raw_id, k.salary_in_id, l.country_code AS place_country, k.posted_date
FROM row_keys k JOIN norm_location l ON l.location_id = k.location_id
"""
_SALARY_KEYS = """
SELECT row_number() OVER () AS salary_id, salary_in_id, place_country, posted_date
FROM (SELECT DISTINCT salary_in_id, place_country, posted_date FROM row_salary) d
"""
_SALARY_INPUTS = f"""
SELECT s.id AS salary_in_id, p.place_country, {", ".join("s." + n for n in SALARY_FIELDS)}
FROM (SELECT DISTINCT salary_in_id, place_country FROM salary_keys) p
JOIN in_salary s ON s.id = p.salary_in_id
"""
_BY_SALARY = """salary_keys k JOIN norm_salary s ON s.salary_in_id = k.salary_in_id
    AND s.place_country IS NOT DISTINCT FROM k.place_country"""
_RATE_KEYS = f"""
SELECT DISTINCT s.n_salary_currency AS currency, k.place_country AS country, k.posted_date
FROM {_BY_SALARY}
WHERE s.n_status <> 'none' AND s.n_salary_currency IS NOT NULL
"""
# The arithmetic of ``salary.apply_money``, once per distinct (salary input, country, day).
_SALARY_FINAL = f"""
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
    SELECT k.salary_id, s.n_status, s.n_salary_min, s.n_salary_max, s.n_salary_currency,
           s.n_salary_period, s.salary_annual_min, s.salary_annual_max, s.n_flags,
           r.currency, r.usd, r.ppp, r.lower_usd, r.upper_usd, r.rate_flags,
           coalesce(s.salary_annual_min, s.salary_annual_max) AS bottom,
           coalesce(s.salary_annual_max, s.salary_annual_min) AS top,
           (coalesce(s.salary_annual_min, s.salary_annual_max)
            + coalesce(s.salary_annual_max, s.salary_annual_min)) / 2 AS mid
    FROM {_BY_SALARY}
    LEFT JOIN salary_rates r
      ON r.currency = s.n_salary_currency
     AND r.country IS NOT DISTINCT FROM k.place_country
     AND r.posted_date IS NOT DISTINCT FROM k.posted_date
     AND s.n_status <> 'none'
) f
"""

# The employer, title and place of the dedupe key, normalised once per distinct value (each
# its own relation: a CTE would be inlined, and the text normalised once per row).
_TITLE_TEXT = f"SELECT id, {_NORM_TEXT.format('title')} AS text FROM in_title"
_COMPANY_TEXT = f"""
SELECT id, {_NORM_TEXT.format("coalesce(company, '')")} AS text FROM in_company
"""
_PLACE_TEXT = f"""
SELECT i.id, coalesce(l.metro_id, {_NORM_TEXT.format("coalesce(i.location, '')")}) AS text
FROM in_location i JOIN norm_location l ON l.location_id = i.id
"""

# Each new row's date and dedupe key.
_CANDIDATES = """
SELECT k.raw_id, k.title_id, k.location_id, k.posted_date, sk.salary_id,
       md5(company.text || '|' || title.text || '|' || place.text) AS dedupe_key
FROM row_keys k
JOIN row_salary rs ON rs.raw_id = k.raw_id
JOIN salary_keys sk ON sk.salary_in_id = rs.salary_in_id
 AND sk.place_country IS NOT DISTINCT FROM rs.place_country
 AND sk.posted_date IS NOT DISTINCT FROM rs.posted_date
JOIN title_text title ON title.id = k.title_id
JOIN company_text company ON company.id = k.company_id
JOIN place_text place ON place.id = k.location_id
"""

# Copies, first by URL: the earliest row (earlier postings first) with the URL is kept.
_URL_DUPLICATES = """
SELECT raw_id, first_raw AS duplicate_of, 'same_url' AS reason FROM (
    SELECT raw_id, is_new,
           first_value(raw_id) OVER (PARTITION BY url ORDER BY is_new, raw_id) AS first_raw
    FROM (SELECT raw_id, url, false AS is_new FROM postings WHERE url IS NOT NULL
          UNION ALL
          SELECT r.raw_id, r.url, true AS is_new FROM raw_postings r
          SEMI JOIN candidates c ON c.raw_id = r.raw_id
          WHERE r.url IS NOT NULL) u
) f WHERE is_new AND raw_id <> first_raw
"""

# Then the same employer+title+place: a chain of copies each within the window of the
# previous one counts once, as its first posting.
_JOB_DUPLICATES = f"""
SELECT raw_id, head AS duplicate_of, 'same_job' AS reason FROM (
    SELECT raw_id, is_new,
           last_value(CASE WHEN starts = 1 THEN raw_id END IGNORE NULLS) OVER (
               PARTITION BY dedupe_key ORDER BY pos
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS head
    FROM (
        SELECT *,
            CASE WHEN prev_date IS NULL AND pos = 1 THEN 1
                 WHEN posted_date IS NULL OR prev_date IS NULL THEN 0
                 WHEN date_diff('day', prev_date, posted_date) > {DUPLICATE_WINDOW_DAYS}
                     THEN 1
                 ELSE 0 END AS starts
        FROM (
            SELECT *,
                row_number() OVER w AS pos,
                lag(posted_date) OVER w AS prev_date
            FROM (
                SELECT raw_id, dedupe_key, posted_date, false AS is_new FROM postings
                UNION ALL
                SELECT c.raw_id, c.dedupe_key, c.posted_date, true AS is_new
                FROM candidates c ANTI JOIN url_duplicates d ON d.raw_id = c.raw_id
            ) a
            WINDOW w AS (PARTITION BY dedupe_key
                         ORDER BY posted_date NULLS FIRST, is_new, raw_id)
        ) b
    ) c
) e WHERE is_new AND raw_id <> head
"""

_KEPT = """
SELECT c.* FROM candidates c
ANTI JOIN url_duplicates u ON u.raw_id = c.raw_id
ANTI JOIN job_duplicates j ON j.raw_id = c.raw_id
"""


def _taken(alias: str, names: str) -> dict[str, str]:
    return {name: f"{alias}.{name}" for name in names.split()}


POSTING_COLUMNS = (
    {"raw_id": "c.raw_id", "location_text": "r.location"}
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
"""Every column of a posting except the run that made it, from the raw row (r), the
candidate (c) and the normalised title (t), location (l) and salary (s)."""

_NEW_POSTINGS = f"""
SELECT {", ".join(f"{v} AS {k}" for k, v in POSTING_COLUMNS.items())}
FROM kept c
JOIN raw_postings r ON r.raw_id = c.raw_id
JOIN norm_title t ON t.title_id = c.title_id
JOIN norm_location l ON l.location_id = c.location_id
JOIN salary_final s ON s.salary_id = c.salary_id
"""

_NEW_PLACES = """
SELECT c.raw_id, p.place_index, p.city, p.country_code, p.geonameid, p.metro,
       p.metro_id, p.weight
FROM kept c JOIN location_places p ON p.location_id = c.location_id
"""

_MISSING_METROS = """
SELECT DISTINCT p.metro_id FROM kept c JOIN location_places p ON p.location_id = c.location_id
ANTI JOIN metros m ON m.metro_id = p.metro_id
"""

STEPS: tuple[Step, ...] = (
    Sql("quarantined", _QUARANTINED, sink="quarantine"),
    Sql("todo", _TODO),
    *(Sql(table, _numbered(columns)) for table, columns in INPUTS.items()),
    Sql("row_keys", _row_keys()),
    distinct.CLASSIFY,
    distinct.LOCATE,
    Sql("norm_location", _NORM_LOCATION),
    Sql("location_places", _LOCATION_PLACES),
    Sql("row_salary", _ROW_SALARY),
    Sql("salary_keys", _SALARY_KEYS),
    Sql("salary_inputs", _SALARY_INPUTS),
    distinct.PARSE_SALARY,
    Sql("rate_keys", _RATE_KEYS),
    distinct.RATES,
    Sql("salary_final", _SALARY_FINAL),
    Sql("title_text", _TITLE_TEXT),
    Sql("company_text", _COMPANY_TEXT),
    Sql("place_text", _PLACE_TEXT),
    Sql("candidates", _CANDIDATES),
    Sql("url_duplicates", _URL_DUPLICATES, sink="duplicates"),
    Sql("job_duplicates", _JOB_DUPLICATES, sink="duplicates"),
    Sql("kept", _KEPT),
    Sql("new_postings", _NEW_POSTINGS, sink="postings", keep=False),
    Sql("new_places", _NEW_PLACES, sink="posting_places", keep=False),
    Sql("missing_metros", _MISSING_METROS),
    distinct.METROS,
)
"""The normalize stage, in order."""


def relations() -> tuple[str, ...]:
    """The relations the steps make and keep (an engine drops them when it is done)."""
    return tuple(s.name for s in STEPS if not isinstance(s, Sql) or s.keep)


@cache
def render(name: str, dialect: str) -> str:
    """The SQL of step ``name`` in ``dialect`` ("duckdb" as written, or any SQLGlot dialect)."""
    step = next(s for s in STEPS if s.name == name)
    if not isinstance(step, Sql):
        raise TypeError(f"{name} is a Python step")
    return to_dialect(step.sql, dialect)


def to_dialect(sql: str, dialect: str) -> str:
    """``sql``, written in DuckDB's dialect, in ``dialect`` (any SQLGlot dialect)."""
    if dialect == "duckdb":
        return sql
    import sqlglot

    tree = sqlglot.parse_one(sql, read="duckdb")
    if dialect == "spark":
        tree = tree.transform(_spark_ids)
    return str(tree.sql(dialect=dialect))


def _spark_ids(node: Any) -> Any:
    """``row_number() OVER ()`` numbers distinct values to serve as join keys only. Spark
    would number them in one partition, in order; ``monotonically_increasing_id()`` gives
    unique ids (not consecutive) where the rows are."""
    from sqlglot import exp

    if (
        isinstance(node, exp.Window)
        and isinstance(node.this, exp.RowNumber)
        and not any(v for k, v in node.args.items() if k not in ("this", "over"))
    ):  # an empty OVER (): no partition, order, frame or named window
        return exp.Anonymous(this="monotonically_increasing_id", expressions=[])
    return node
