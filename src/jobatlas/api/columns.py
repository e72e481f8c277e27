"""The normalisers on whole columns: ``classify``, ``locate``, ``parse_salaries`` and
``canonical_employers``.

Each reads a column (and optional columns beside it), works once per distinct input and
gives one result row per input row, in the input's family (see ``jobatlas.api.frames``).
Result columns are named as in the store's ``postings`` table (docs/schema.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

import pyarrow as pa

from jobatlas.api.frames import day, give_back, map_distinct, read_columns, text

__all__ = ["canonical_employers", "classify", "locate", "parse_salaries"]

CLASSIFY_SCHEMA = pa.schema(
    [
        ("ai_ml_tier", pa.string()),
        ("ai_ml", pa.bool_()),
        ("ai_ml_family", pa.string()),
        ("ai_ml_score", pa.float64()),
        ("ai_ml_evidence", pa.string()),
    ]
)

LOCATE_SCHEMA = pa.schema(
    [
        ("location_status", pa.string()),
        ("remote", pa.string()),
        ("city", pa.string()),
        ("admin1", pa.string()),
        ("country_code", pa.string()),
        ("geonameid", pa.int64()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("metro", pa.string()),
        ("metro_id", pa.string()),
        ("n_places", pa.int32()),
        ("location_match_method", pa.string()),
        ("location_confidence", pa.float64()),
        ("location_truncated", pa.bool_()),
        ("places", pa.string()),
    ]
)

SALARY_SCHEMA = pa.schema(
    [
        ("salary_min", pa.float64()),
        ("salary_max", pa.float64()),
        ("salary_currency", pa.string()),
        ("salary_period", pa.string()),
        ("salary_annual_min", pa.float64()),
        ("salary_annual_max", pa.float64()),
        ("salary_annual_usd", pa.float64()),
        ("salary_annual_ppp", pa.float64()),
        ("salary_status", pa.string()),
        ("salary_flags", pa.string()),
    ]
)

EMPLOYER_SCHEMA = pa.schema([("employer_name", pa.string()), ("employer_key", pa.string())])


def classify(titles: Any, descriptions: Any = None) -> Any:
    """Whether each job is an AI/ML job, and why: the ``ai_ml_*`` columns of ``postings``.

    ``ai_ml_tier`` is ``core``, ``adjacent`` or ``none`` (``ai_ml`` is true for ``core``);
    ``ai_ml_evidence`` lists the rules that decided, joined by "; ". A missing title gives
    ``none``. ``descriptions``, when given, must be as long as ``titles``.

    >>> rows = classify(["Machine Learning Engineer", "Accountant", None])
    >>> [(r["ai_ml_tier"], r["ai_ml"], r["ai_ml_family"]) for r in rows]
    [('core', True, 'ml_engineering'), ('none', False, None), ('none', False, None)]
    >>> rows[0]["ai_ml_evidence"]
    'ai:machine learning'
    """
    from jobatlas.normalize.classify import as_columns
    from jobatlas.normalize.classify import classify as classify_one

    main, other = read_columns(titles, "titles", {"descriptions": descriptions})
    described = other["descriptions"] or [None] * len(main.values)
    keys = [(text(t), text(d)) for t, d in zip(main.values, described, strict=True)]

    def work(key: tuple[str | None, str | None]) -> dict[str, Any]:
        title, description = key
        return as_columns(classify_one(title, description))

    return give_back(map_distinct(keys, work, CLASSIFY_SCHEMA), main.family, main.index)


def locate(locations: Any, country_hints: Any = None) -> Any:
    """Resolve free-text locations to city, metro area and country (GeoNames, offline).

    ``country_hints`` (ISO alpha-2 codes or country names) settle ambiguous names. The first
    place fills ``city`` to ``metro_id``; ``places`` is a JSON list of every place when the
    text names several; ``location_status`` says what was found (``resolved``, ``multi``,
    ``remote``, ``country_only``, ``ambiguous`` or ``unresolved``).

    >>> rows = locate(["Berlin, Germany", "Remote - US", None])
    >>> [(r["location_status"], r["metro"], r["country_code"]) for r in rows]
    [('resolved', 'Berlin', 'DE'), ('remote', None, 'US'), ('unresolved', None, None)]
    """
    from jobatlas.normalize.locations import posting_location_columns, resolve_location

    main, other = read_columns(locations, "locations", {"country_hints": country_hints})
    hints = other["country_hints"] or [None] * len(main.values)
    keys = [(text(loc), text(hint)) for loc, hint in zip(main.values, hints, strict=True)]

    def work(key: tuple[str | None, str | None]) -> dict[str, Any]:
        location, hint = key
        found = resolve_location(location, hint)
        places = [
            {
                "city": x.city,
                "country_code": x.country_code,
                "geonameid": x.geonameid,
                "metro": x.metro,
                "metro_id": x.metro_id,
            }
            for x in found.places
        ]
        return {
            **posting_location_columns(found),
            "places": json.dumps(places, ensure_ascii=False) if places else None,
        }

    return give_back(map_distinct(keys, work, LOCATE_SCHEMA), main.family, main.index)


def parse_salaries(
    texts: Any, countries: Any = None, dates: Any = None, currencies: Any = None
) -> Any:
    """Salaries as written, read into amounts, period, currency, annual figures, USD and PPP.

    ``countries`` (ISO alpha-2 or names) decide a bare ``$`` and set the PPP factor and the
    plausibility bounds; ``dates`` (dates, datetimes or ISO strings) are the conversion days,
    the latest rate when missing; ``currencies`` name the currency when the text does not.
    ``salary_annual_usd`` and ``salary_annual_ppp`` are the midpoint of the annual range;
    ``salary_status`` is ``parsed``, ``none``, ``unknown_currency``, ``no_rate`` or
    ``implausible``.

    >>> rows = parse_salaries(["$120,000 - $150,000 a year", "€25 per hour", "competitive"])
    >>> [(r["salary_min"], r["salary_max"], r["salary_currency"], r["salary_period"])
    ...  for r in rows]
    [(120000.0, 150000.0, 'USD', 'year'), (25.0, 25.0, 'EUR', 'hour'), (None, None, None, None)]
    >>> rows[0]["salary_annual_usd"], rows[2]["salary_status"]
    (135000.0, 'none')
    """
    from jobatlas.normalize.salary import normalize_salary

    main, other = read_columns(
        texts, "texts", {"countries": countries, "dates": dates, "currencies": currencies}
    )
    n = len(main.values)
    columns = [other[k] or [None] * n for k in ("countries", "dates", "currencies")]
    keys = [
        (text(t), text(c), day(d), text(cur))
        for t, c, d, cur in zip(main.values, *columns, strict=True)
    ]

    def work(key: tuple[str | None, str | None, dt.date | None, str | None]) -> dict[str, Any]:
        salary_text, country, posted, currency = key
        s = normalize_salary(salary_text, currency=currency, country=country, posted=posted)
        return {
            "salary_min": s.min,
            "salary_max": s.max,
            "salary_currency": s.currency,
            "salary_period": s.period,
            "salary_annual_min": s.annual_min,
            "salary_annual_max": s.annual_max,
            "salary_annual_usd": s.annual_usd_mid,
            "salary_annual_ppp": s.annual_ppp_mid,
            "salary_status": s.status,
            "salary_flags": ";".join(s.flags) or None,
        }

    return give_back(map_distinct(keys, work, SALARY_SCHEMA), main.family, main.index)


def canonical_employers(names: Any) -> Any:
    """The employer behind each company name: a display name and a grouping key.

    Names with the same ``employer_key`` are one employer. Grouping looks at all the names
    together, as the ranking does with every name of the postings: "Twitch Interactive"
    joins "Twitch" when both are present. Missing, empty or punctuation-only names give None.

    >>> rows = canonical_employers(["Amazon.com Services LLC", "AMAZON", "The Home Depot", None])
    >>> [r["employer_name"] for r in rows]
    ['Amazon', 'Amazon', 'Home Depot', None]
    >>> rows[0]["employer_key"] == rows[1]["employer_key"]
    True
    """
    from jobatlas.normalize.employers import group_employers

    main, _ = read_columns(names, "names", {})
    keys = [text(v) for v in main.values]
    counts = Counter(k for k in keys if k is not None)
    employers = group_employers(counts)

    def work(key: str | None) -> dict[str, Any]:
        found = employers.get(key) if key is not None else None
        return {
            "employer_name": found.name if found else None,
            "employer_key": found.key if found else None,
        }

    return give_back(map_distinct(keys, work, EMPLOYER_SCHEMA), main.family, main.index)
