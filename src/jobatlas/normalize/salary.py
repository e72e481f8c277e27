"""Salary normaliser: free text or structured fields -> :class:`jobatlas.models.Salary`.

Two cached steps. :func:`parse_salary_text` reads what a string states: amounts (every
thousands convention, k/M/lakh/crore/万/億), currency (symbols, codes, words; a bare ``$`` or
``kr`` by the posting's country), pay period (many languages) and qualifiers (up to, from,
OTE, estimates, extras). :func:`convert_parsed` annualises, converts to USD at the posting date
(ECB rates) and to international $ (World Bank PPP), and checks per-country plausibility.
:func:`normalize_salary` is the entry point; structured fields (JobSpy, Greenhouse, Lever,
Ashby) win over text. Rules and factors: docs/methodology.md, section "Salaries".

This module holds the entry points and the ATS payload readers; the work is done by
``salary_text`` (the text grammar, over ``salary_vocab``, ``salary_tokens``, ``salary_amounts``,
``salary_groups`` and ``salary_currency``), ``salary_idioms`` (regional idioms),
``salary_fields`` (structured fields) and ``salary_convert`` (annualising and conversion).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Final

from jobatlas.models import Salary
from jobatlas.normalize.salary_convert import (
    Bounds,
    Money,
    annualise,
    apply_money,
    convert_parsed,
    money,
    plausibility_bounds,
    settle,
)
from jobatlas.normalize.salary_fields import (
    clean_amount,
    currency_from_field,
    parse_fields,
    period_from_field,
)
from jobatlas.normalize.salary_text import (
    ANNUAL_FACTORS,
    MAX_SALARY_TEXT_CHARS,
    NOTHING,
    ParsedSalary,
    infer_period,
    parse_salary_text,
)

__all__ = [
    "ANNUAL_FACTORS",
    "MAX_SALARY_TEXT_CHARS",
    "NOTHING",
    "OUTPUT_COLUMNS",
    "Bounds",
    "Money",
    "ParsedSalary",
    "annualise",
    "apply_money",
    "convert_parsed",
    "currency_from_field",
    "from_ashby_compensation",
    "from_greenhouse_pay_ranges",
    "from_lever_salary_range",
    "infer_period",
    "money",
    "normalize_salary",
    "parse_fields",
    "parse_salary",
    "parse_salary_text",
    "period_from_field",
    "plausibility_bounds",
    "posting_date",
    "salary_columns",
    "settle",
]


@lru_cache(maxsize=1024)
def _country(country: str | None) -> str | None:
    """An ISO alpha-2 code from a code ("gb", "UK") or, failing that, a country name."""
    text = (country or "").strip()
    code = text.upper()
    if len(code) == 2 and code.isalpha():
        return {"UK": "GB", "EL": "GR"}.get(code, code)
    if len(text) < 4:
        return None
    import pycountry

    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return None
    return str(found.alpha_2)


def posting_date(text: str | None) -> dt.date | None:
    """The date of an ISO date or timestamp string ("2024-03-12", "2024-03-12 10:00:00+05:30")."""
    head = (text or "").strip()[:10]
    try:
        return dt.date.fromisoformat(head) if len(head) == 10 else None
    except ValueError:
        return None


OUTPUT_COLUMNS: Final = (
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_annual_min",
    "salary_annual_max",
    "salary_annual_usd_mid",
    "salary_annual_ppp_mid",
    "salary_status",
    "salary_flags",
)


def salary_columns(salary: Salary) -> dict[str, object]:
    """The CSV columns of a salary: plain numbers in currency units, flags joined by ";"."""
    return {
        "salary_min": salary.min,
        "salary_max": salary.max,
        "salary_currency": salary.currency,
        "salary_period": salary.period,
        "salary_annual_min": salary.annual_min,
        "salary_annual_max": salary.annual_max,
        "salary_annual_usd_mid": salary.annual_usd_mid,
        "salary_annual_ppp_mid": salary.annual_ppp_mid,
        "salary_status": salary.status,
        "salary_flags": ";".join(salary.flags),
    }


def normalize_salary(
    text: str | None = None,
    *,
    min_amount: float | None = None,
    max_amount: float | None = None,
    currency: str | None = None,
    period: str | None = None,
    country: str | None = None,
    posted: dt.date | None = None,
    estimated: bool = False,
) -> Salary:
    """The salary of one posting, from structured fields when present, else from ``text``.

    ``country`` (ISO alpha-2) decides a bare ``$`` and sets PPP factor and plausibility bounds;
    ``posted`` is the conversion date (None: latest rate); ``estimated`` marks pay that the
    source estimated. ``currency`` with text only is a hint for an unnamed or ambiguous one.
    A text longer than :data:`MAX_SALARY_TEXT_CHARS` is read up to there (flag ``truncated``).
    """
    day = posted.date() if isinstance(posted, dt.datetime) else posted
    if not isinstance(day, dt.date | None):  # a date string, or a missing value from a frame
        day = posting_date(day) if isinstance(day, str) else None
    return _normalize(
        text if isinstance(text, str) else None,
        min_amount,
        max_amount,
        currency if isinstance(currency, str) else None,
        period if isinstance(period, str) else None,
        _country(country) if isinstance(country, str) else None,
        day,
        estimated,
    )


@lru_cache(maxsize=1 << 18)
def _normalize(
    text: str | None,
    min_amount: float | None,
    max_amount: float | None,
    currency: str | None,
    period: str | None,
    country: str | None,
    posted: dt.date | None,
    estimated: bool,
) -> Salary:
    annual = parse_salary(
        text,
        min_amount=min_amount,
        max_amount=max_amount,
        currency=currency,
        period=period,
        country=country,
        estimated=estimated,
    )
    return settle(annual, country, posted)


@lru_cache(maxsize=1 << 18)
def parse_salary(
    text: str | None = None,
    *,
    min_amount: float | None = None,
    max_amount: float | None = None,
    currency: str | None = None,
    period: str | None = None,
    country: str | None = None,
    estimated: bool = False,
) -> Salary:
    """What a posting states, annualised but not converted (see :func:`normalize_salary`).

    The result does not depend on the posting date, so callers with many postings parse
    each distinct input once and apply the date's rates afterwards (:func:`apply_money`).
    A text longer than :data:`MAX_SALARY_TEXT_CHARS` is read up to there (flag ``truncated``).
    """
    cut: tuple[str, ...] = ()
    if text is not None and len(text) > MAX_SALARY_TEXT_CHARS:
        text, cut = text[:MAX_SALARY_TEXT_CHARS], ("truncated",)
    parsed = None
    if min_amount is not None or max_amount is not None:
        parsed = parse_fields(min_amount, max_amount, currency, period, text, country)
    if parsed is None:
        hint = currency_from_field(currency, country) if currency else None
        parsed = parse_salary_text(text, country, hint) if text else NOTHING
    extra = ("estimated",) if estimated and "estimated" not in parsed.flags else ()
    return annualise(parsed, extra + cut)


def _with_flags(salary: Salary, flags: Iterable[str]) -> Salary:
    merged = tuple(dict.fromkeys((*salary.flags, *flags)))
    return Salary(
        salary.status,
        salary.min,
        salary.max,
        salary.currency,
        salary.period,
        salary.annual_min,
        salary.annual_max,
        salary.annual_usd_mid,
        salary.annual_ppp_mid,
        merged if salary.status != "none" else salary.flags,
    )


def from_greenhouse_pay_ranges(
    ranges: Sequence[Mapping[str, object]],
    *,
    period: str | None = None,
    country: str | None = None,
    posted: dt.date | None = None,
) -> Salary:
    """Greenhouse ``pay_input_ranges`` (integer cents, no period field: pass ``period`` if the
    description states it, else the size of the figure decides). Several ranges (pay zones) in
    one currency give their envelope, flagged ``multiple_ranges``."""
    usable = [
        r for r in ranges if clean_amount(r.get("min_cents")) or clean_amount(r.get("max_cents"))
    ]
    if not usable:
        return Salary("none")
    code = str(usable[0].get("currency_type") or "") or None
    same = [r for r in usable if (str(r.get("currency_type") or "") or None) == code]
    lows = [x / 100 for r in same if (x := clean_amount(r.get("min_cents"))) is not None]
    highs = [x / 100 for r in same if (x := clean_amount(r.get("max_cents"))) is not None]
    salary = normalize_salary(
        min_amount=min(lows) if lows else None,
        max_amount=max(highs) if highs else None,
        currency=code,
        period=period,
        country=country,
        posted=posted,
    )
    return _with_flags(salary, ["multiple_ranges"] if len(same) > 1 else [])


def from_lever_salary_range(
    salary_range: Mapping[str, object],
    *,
    country: str | None = None,
    posted: dt.date | None = None,
) -> Salary:
    """Lever ``salaryRange`` ``{currency, interval, min, max}`` (amounts in currency units)."""
    interval = salary_range.get("interval")
    code = salary_range.get("currency")
    return normalize_salary(
        min_amount=clean_amount(salary_range.get("min")),
        max_amount=clean_amount(salary_range.get("max")),
        currency=code if isinstance(code, str) else None,
        period=interval if isinstance(interval, str) else None,
        country=country,
        posted=posted,
    )


def _components(compensation: Mapping[str, object]) -> list[Mapping[str, object]]:
    summary = compensation.get("summaryComponents")
    if isinstance(summary, list) and summary:
        return [c for c in summary if isinstance(c, Mapping)]
    tiers = compensation.get("compensationTiers")
    found: list[Mapping[str, object]] = []
    for tier in tiers if isinstance(tiers, list) else []:
        parts = tier.get("components") if isinstance(tier, Mapping) else None
        found += [c for c in parts if isinstance(c, Mapping)] if isinstance(parts, list) else []
    return found


def from_ashby_compensation(
    compensation: Mapping[str, object],
    *,
    country: str | None = None,
    posted: dt.date | None = None,
) -> Salary:
    """Ashby ``compensation``: its ``Salary`` components (currency units, interval "1 YEAR");
    equity and other components are noted (``extras_excluded``), not added. Without a salary
    component the summary text is parsed."""
    components = _components(compensation)
    pay = [c for c in components if c.get("compensationType") == "Salary"]
    extras = ["extras_excluded"] if len(pay) < len(components) else []
    if not pay:
        text = compensation.get("scrapeableCompensationSalarySummary") or compensation.get(
            "compensationTierSummary"
        )
        salary = normalize_salary(
            text if isinstance(text, str) else None, country=country, posted=posted
        )
        return _with_flags(salary, extras)
    first = pay[0]
    code, interval = first.get("currencyCode"), first.get("interval")
    same = [c for c in pay if c.get("currencyCode") == code and c.get("interval") == interval]
    lows = [x for c in same if (x := clean_amount(c.get("minValue"))) is not None]
    highs = [x for c in same if (x := clean_amount(c.get("maxValue"))) is not None]
    salary = normalize_salary(
        min_amount=min(lows) if lows else None,
        max_amount=max(highs) if highs else None,
        currency=code if isinstance(code, str) else None,
        period=interval if isinstance(interval, str) else None,
        country=country,
        posted=posted,
    )
    return _with_flags(salary, extras + (["multiple_ranges"] if len(same) > 1 else []))
