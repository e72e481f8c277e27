"""Input schemas that ingest recognises, and how each maps to the canonical fields.

A schema is a set of SQL expressions over the input's columns (all read as text),
one per canonical field. Recognition is by column names; ``--map`` builds a schema
for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jobatlas.errors import ConfigError, MissingColumnError
from jobatlas.models import CANONICAL_FIELDS

NUMERIC_FIELDS = frozenset({"salary_min", "salary_max"})
BOOLEAN_FIELDS = frozenset({"salary_estimated"})


def q(column: str) -> str:
    """Quote a column name for DuckDB SQL."""
    return '"' + column.replace('"', '""') + '"'


@dataclass(frozen=True)
class Schema:
    name: str
    source: str
    signature: frozenset[str]
    expressions: Mapping[str, str]

    def select_list(self) -> str:
        parts = []
        for name in CANONICAL_FIELDS:
            expr = self.expressions.get(name, "NULL")
            if name in NUMERIC_FIELDS:
                expr = f"TRY_CAST(NULLIF(trim(CAST({expr} AS VARCHAR)), '') AS DOUBLE)"
            elif name in BOOLEAN_FIELDS:
                expr = f"coalesce(TRY_CAST({expr} AS BOOLEAN), false)"
            else:
                expr = f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')"
            parts.append(f"{expr} AS {name}")
        return ",\n    ".join(parts)


_GOOGLE_PAY = "coalesce(NULLIF(\"salary_year_avg\", ''), NULLIF(\"salary_hour_avg\", ''))"

GOOGLE_JOBS = Schema(
    name="google-jobs-2023",
    source="file:google-jobs-2023",
    signature=frozenset({"job_title", "job_location", "job_via", "company_name", "salary_rate"}),
    expressions={
        "title": q("job_title"),
        "company": q("company_name"),
        "location": q("job_location"),
        # job_country comes from the scraper's search, not the posting: not a usable hint.
        "remote_hint": "CASE WHEN lower(\"job_work_from_home\") = 'true' THEN 'remote' END",
        "salary_min": _GOOGLE_PAY,
        "salary_max": _GOOGLE_PAY,
        # The dataset gives no currency; its author's pipeline reports USD (see docs/schema.md).
        "salary_currency": f"CASE WHEN {_GOOGLE_PAY} IS NOT NULL THEN 'USD' END",
        "salary_period": q("salary_rate"),
        # ai-jobs.net shows its own USD estimate, not the employer's posted pay.
        "salary_estimated": "lower(\"job_via\") = 'via ai-jobs.net'",
        "posted_at": q("job_posted_date"),
        "skills": q("job_skills"),
        "via": "regexp_replace(\"job_via\", '^via ', '')",
    },
)

JOBSPY = Schema(
    name="jobspy",
    source="jobspy",
    signature=frozenset({"site", "job_url", "title", "company", "location", "min_amount"}),
    expressions={
        "source_id": q("id"),
        "url": q("job_url"),
        "title": q("title"),
        "company": q("company"),
        "location": q("location"),
        "remote_hint": "CASE WHEN lower(\"is_remote\") = 'true' THEN 'remote' END",
        "description": q("description"),
        "salary_min": q("min_amount"),
        "salary_max": q("max_amount"),
        "salary_currency": q("currency"),
        "salary_period": q("interval"),
        "posted_at": q("date_posted"),
        "via": q("site"),
    },
)

CANONICAL = Schema(
    name="jobatlas",
    source="file",
    signature=frozenset({"title", "company", "location"}),
    expressions={name: q(name) for name in CANONICAL_FIELDS},
)

KNOWN_SCHEMAS: tuple[Schema, ...] = (GOOGLE_JOBS, JOBSPY, CANONICAL)


def parse_mapping(text: str) -> dict[str, str]:
    """Parse ``--map title=job_title,company=employer`` into {field: column}."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        field, sep, column = part.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise ConfigError(f"--map: {part!r} is not FIELD=COLUMN", hint="e.g. title=job_title")
        if field not in CANONICAL_FIELDS:
            raise ConfigError(
                f"--map: unknown field {field!r}", hint="fields: " + ", ".join(CANONICAL_FIELDS)
            )
        mapping[field] = column
    return mapping


def _columns_in(expression: str) -> set[str]:
    return {m.replace('""', '"') for m in _QUOTED.findall(expression)}


_QUOTED = re.compile(r'"((?:[^"]|"")*)"')


def detect_schema(
    where: str, columns: Sequence[str], mapping: Mapping[str, str] | None = None
) -> tuple[Schema, list[str]]:
    """The schema for a file with these columns, and the fields it cannot fill.

    ``mapping`` ({field: column}) overrides or extends a recognised schema. A field
    whose expression needs a column the file lacks is left empty and reported.
    """
    present = set(columns)
    base = next((s for s in KNOWN_SCHEMAS if s.signature <= present), None)
    if base is None:
        # Unknown shape: take any column named exactly like a canonical field.
        expressions = {f: q(f) for f in CANONICAL_FIELDS if f in present}
    else:
        expressions = dict(base.expressions)
    for field, column in (mapping or {}).items():
        if column not in present:
            raise MissingColumnError(where, column, list(columns))
        expressions[field] = q(column)
    missing = sorted(f for f, e in expressions.items() if not _columns_in(e) <= present)
    if "title" not in expressions or "title" in missing:
        raise MissingColumnError(
            where, "title", list(columns), hint_extra="name it with --map title=COLUMN"
        )
    usable = {f: e for f, e in expressions.items() if f not in missing}
    name = base.name if base and not mapping else "mapped"
    source = base.source if base else "file"
    return Schema(name=name, source=source, signature=frozenset(), expressions=usable), missing
