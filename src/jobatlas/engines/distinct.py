"""The normalisers over distinct values, as Arrow tables in and out.

Each step reads one relation of the catalogue (its input columns) and returns the rows of
the relation it names, with a fixed Arrow schema: DuckDB registers the table, Spark runs the
same function inside ``mapInArrow`` on its executors. The normalisers are called unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from jobatlas.models import Location

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

# One row per distinct location (place_index 0, the posting's columns) and one per place
# (place_index >= 1): the catalogue splits them into ``norm_location`` and ``location_places``.
_LOCATED = pa.schema(
    [
        ("location_id", pa.int64()),
        ("place_index", pa.int32()),
        *_LOCATION_TYPES.items(),
        ("weight", pa.float64()),
    ]
)


def _rows(table: pa.Table | pa.RecordBatch) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = table.to_pylist()
    return rows


def _table(schema: pa.Schema, columns: dict[str, list[Any]]) -> pa.Table:
    return pa.table({f.name: pa.array(columns[f.name], type=f.type) for f in schema}, schema=schema)


_CLASSIFIED = pa.schema(
    [
        ("title_id", pa.int64()),
        ("ai_ml_tier", pa.string()),
        ("ai_ml", pa.bool_()),
        ("ai_ml_family", pa.string()),
        ("ai_ml_score", pa.float64()),
        ("ai_ml_evidence", pa.string()),
    ]
)


def classify_titles(keys: pa.Table | pa.RecordBatch) -> pa.Table:
    """``norm_title`` from ``in_title`` (id, title, description)."""
    from jobatlas.normalize.classify import as_columns, classify

    rows = _rows(keys)
    out = [as_columns(classify(r["title"], r["description"])) for r in rows]
    columns = {name: [c[name] for c in out] for name in _CLASSIFIED.names[1:]}
    return _table(_CLASSIFIED, {"title_id": [r["id"] for r in rows], **columns})


def _remote(location: Location, hint: str | None) -> str:
    if hint in ("remote", "hybrid", "onsite"):
        return hint
    return location.remote


def locate(keys: pa.Table | pa.RecordBatch) -> pa.Table:
    """``located`` from ``in_location`` (id, location, country_hint, remote_hint): each
    distinct location resolved once, then one row per place."""
    from jobatlas.normalize.locations import posting_location_columns, resolve_location

    columns: dict[str, list[Any]] = {name: [] for name in _LOCATED.names}
    for key in _rows(keys):
        loc = resolve_location(key["location"], key["country_hint"])
        row = posting_location_columns(loc) | {
            "location_id": key["id"],
            "place_index": 0,
            "remote": _remote(loc, key["remote_hint"]),
            "weight": None,
        }
        for name in _LOCATED.names:
            columns[name].append(row.get(name))
        for i, p in enumerate(loc.places, start=1):
            place = {
                "location_id": key["id"],
                "place_index": i,
                "city": p.city,
                "country_code": p.country_code,
                "geonameid": p.geonameid,
                "metro": p.metro,
                "metro_id": p.metro_id,
                "weight": 1.0 / len(loc.places),
            }
            for name in _LOCATED.names:
                columns[name].append(place.get(name))
    return _table(_LOCATED, columns)


_PARSED = pa.schema(
    [
        ("salary_in_id", pa.int64()),
        ("place_country", pa.string()),
        ("n_status", pa.string()),
        ("n_salary_min", pa.float64()),
        ("n_salary_max", pa.float64()),
        ("n_salary_currency", pa.string()),
        ("n_salary_period", pa.string()),
        ("salary_annual_min", pa.float64()),
        ("salary_annual_max", pa.float64()),
        ("n_flags", pa.string()),
    ]
)


def parse_salaries(keys: pa.Table | pa.RecordBatch) -> pa.Table:
    """``norm_salary`` from ``salary_inputs``: each distinct (salary input, country) parsed
    once (the parse does not depend on the date)."""
    from jobatlas.normalize.salary import parse_salary

    rows = _rows(keys)
    out = [
        parse_salary(
            r["salary_text"],
            min_amount=r["salary_min"],
            max_amount=r["salary_max"],
            currency=r["salary_currency"],
            period=r["salary_period"],
            country=r["place_country"],
            estimated=bool(r["salary_estimated"]),
        )
        for r in rows
    ]
    return _table(
        _PARSED,
        {
            "salary_in_id": [r["salary_in_id"] for r in rows],
            "place_country": [r["place_country"] for r in rows],
            "n_status": [s.status for s in out],
            "n_salary_min": [s.min for s in out],
            "n_salary_max": [s.max for s in out],
            "n_salary_currency": [s.currency for s in out],
            "n_salary_period": [s.period for s in out],
            "salary_annual_min": [s.annual_min for s in out],
            "salary_annual_max": [s.annual_max for s in out],
            "n_flags": [";".join(s.flags) or None for s in out],
        },
    )


_RATES = pa.schema(
    [
        ("currency", pa.string()),
        ("country", pa.string()),
        ("posted_date", pa.date32()),
        ("usd", pa.float64()),
        ("ppp", pa.float64()),
        ("lower_usd", pa.float64()),
        ("upper_usd", pa.float64()),
        ("rate_flags", pa.string()),
    ]
)


def rates(keys: pa.Table | pa.RecordBatch) -> pa.Table:
    """``salary_rates`` from ``rate_keys``: each (currency, country, day)'s rates once."""
    from jobatlas.normalize.salary import money

    rows = _rows(keys)
    out = [
        money(
            r["currency"],
            r["country"],
            r["posted_date"] if isinstance(r["posted_date"], date) else None,
        )
        for r in rows
    ]
    return _table(
        _RATES,
        {
            "currency": [r["currency"] for r in rows],
            "country": [r["country"] for r in rows],
            "posted_date": [r["posted_date"] for r in rows],
            "usd": [m.usd for m in out],
            "ppp": [m.ppp for m in out],
            "lower_usd": [m.bounds.lower_usd for m in out],
            "upper_usd": [m.bounds.upper_usd for m in out],
            "rate_flags": [";".join(m.flags) or None for m in out],
        },
    )


_METROS = pa.schema(
    [
        ("metro_id", pa.string()),
        ("metro", pa.string()),
        ("country_code", pa.string()),
        ("population", pa.int64()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)


def metros(keys: pa.Table | pa.RecordBatch) -> pa.Table:
    """``new_metros`` from ``missing_metros`` (metro_id): the resolver's facts of each metro."""
    from jobatlas.normalize.locations import get_resolver

    ids = [r["metro_id"] for r in _rows(keys)]
    resolver = get_resolver()
    infos = [resolver.metro_info(m) for m in ids]
    return _table(
        _METROS,
        {
            "metro_id": ids,
            "metro": [i.name for i in infos],
            "country_code": [i.country_code for i in infos],
            "population": [i.population for i in infos],
            "latitude": [i.latitude for i in infos],
            "longitude": [i.longitude for i in infos],
        },
    )


def warm_up_in_helper() -> None:
    """Start this process's helper (``helper.shared``) and have it run ``warm_up``: what
    ``pipeline.prepare`` and the ``jobatlas`` command (before its imports) call."""
    from jobatlas.helper import shared

    shared().submit(warm_up)


def warm_up() -> None:
    """Run the location, salary and rate steps on a few values of each kind, so that what
    they load on first use (the resolver and its derived tables, the fuzzy-matching pools,
    the postcode and salary vocabularies, the exchange rates) is loaded before the rows
    come: ``pipeline.prepare`` has the helper process do it during the ingest. The steps'
    caches are keyed by their input, so no later result depends on it."""
    locate(
        pa.table(
            {
                "id": pa.array(range(len(_WARM_LOCATIONS)), pa.int64()),
                "location": [text for text, _ in _WARM_LOCATIONS],
                "country_hint": [hint for _, hint in _WARM_LOCATIONS],
                "remote_hint": pa.nulls(len(_WARM_LOCATIONS), pa.string()),
            }
        )
    )
    none = pa.nulls(len(_WARM_SALARIES), pa.float64())
    parse_salaries(
        pa.table(
            {
                "salary_in_id": pa.array(range(len(_WARM_SALARIES)), pa.int64()),
                "salary_text": [text for text, _ in _WARM_SALARIES],
                "salary_min": none,
                "salary_max": none,
                "salary_currency": pa.nulls(len(_WARM_SALARIES), pa.string()),
                "salary_period": pa.nulls(len(_WARM_SALARIES), pa.string()),
                "place_country": [country for _, country in _WARM_SALARIES],
                "salary_estimated": pa.array([False] * len(_WARM_SALARIES)),
            }
        )
    )
    rates(
        pa.table(
            {
                "currency": ["USD", "EUR", "GBP", "INR"],
                "country": ["US", "DE", "GB", "IN"],
                "posted_date": pa.array([date(2023, 6, 1)] * 4, pa.date32()),
            }
        )
    )


# One value of each kind the steps treat differently: a city with its state, a country, a
# misspelling, a postcode, remote work, a list; pay as a range, with a currency sign, per hour.
_WARM_LOCATIONS = (
    ("Austin, TX", "US"),
    ("Germany", None),
    ("Sheffeild", "GB"),
    ("GU1, Surrey", "GB"),
    ("Remote", None),
    ("Bengaluru, Karnataka, India", "IN"),
    ("Paris / Lyon", "FR"),
    ("Abell, MD", "US"),  # a post office and a village: loads both tables
)
_WARM_SALARIES = (
    ("$120,000 - $150,000 a year", "US"),
    ("£40k per annum", "GB"),
    ("45 EUR per hour", "DE"),
)


@dataclass(frozen=True)
class PythonStep:
    """A catalogue step run in Python: ``function`` maps the rows of the relation
    ``source`` to the rows of ``name``, whose Arrow schema is ``schema`` (and, with
    ``sink``, which are also an output of the stage)."""

    name: str
    source: str
    function: Callable[[pa.Table | pa.RecordBatch], pa.Table]
    schema: pa.Schema
    sink: str | None = None


CLASSIFY = PythonStep("norm_title", "in_title", classify_titles, _CLASSIFIED)
LOCATE = PythonStep("located", "in_location", locate, _LOCATED)
PARSE_SALARY = PythonStep("norm_salary", "salary_inputs", parse_salaries, _PARSED)
RATES = PythonStep("salary_rates", "rate_keys", rates, _RATES)
METROS = PythonStep("new_metros", "missing_metros", metros, _METROS, sink="metros")
