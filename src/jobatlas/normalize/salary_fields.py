"""Structured salary fields (JobSpy, ATS payloads): amounts, a currency field, an interval field.

Missing currency or period come from the salary text, then the country, then the figure's size.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from jobatlas.models import Period
from jobatlas.normalize import currency as fx
from jobatlas.normalize.salary_currency import CurrencyClues, resolve_sign
from jobatlas.normalize.salary_text import (
    ANNUAL_FACTORS,
    NOTHING,
    ParsedSalary,
    infer_period,
    parse_salary_text,
)
from jobatlas.normalize.salary_tokens import lookup_word
from jobatlas.normalize.salary_vocab import CUR, NOUNS, PER, WORDS


def clean_amount(value: object) -> float | None:
    if type(value) is float:
        return value if 0 < value < math.inf else None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number > 0 else None


@lru_cache(maxsize=1024)
def period_from_field(value: str | None) -> Period | None:
    """A pay period from a source's interval field: 'yearly', 'per-hour-wage', '1 YEAR', 'month'."""
    if not value:
        return None
    for piece in re.split(r"[^\w.]+|_", value.lower()):
        word = WORDS.get(piece)
        if word is not None and word.kind == PER:
            return word.period
        noun = NOUNS.get(piece)
        if noun is not None and not noun.strict:
            return noun.period
    return None


@lru_cache(maxsize=4096)
def currency_from_field(value: str | None, country: str | None = None) -> str | None:
    """An ISO 4217 code from a source's currency field ('USD', 'usd', '$', '€')."""
    text = (value or "").strip()
    if len(text) == 3 and text.isalpha() and text.upper() in fx.known_currencies():
        return text.upper()
    word = lookup_word(text.lower()) if text else None
    if word is None or word.kind != CUR:
        return None
    clues = CurrencyClues(country, None, frozenset(), "")
    return resolve_sign(word.code, clues)[0]


def parse_fields(
    min_amount: float | None,
    max_amount: float | None,
    currency: str | None = None,
    period: str | None = None,
    text: str | None = None,
    country: str | None = None,
) -> ParsedSalary | None:
    """Structured amounts as a :class:`ParsedSalary`; None when neither amount is usable.
    Missing currency or period come from ``text``, then the country, then the figure's size."""
    lo, hi = clean_amount(min_amount), clean_amount(max_amount)
    if lo is None and hi is None:
        return None
    flags: list[str] = []
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
        flags.append("swapped")
    if lo is None:
        flags.append("max_only")
    elif hi is None:
        flags.append("min_only")
    from_text = parse_salary_text(text, country) if text else NOTHING
    code = currency_from_field(currency, country) or from_text.currency
    if code is None and fx.country_currency(country):
        code = fx.country_currency(country)
        flags.append("currency_from_country")
    per = period_from_field(period) or from_text.period
    if per is None:
        per = infer_period(max(x for x in (lo, hi) if x is not None), code, country)
        flags.append("period_inferred")
    return ParsedSalary(lo, hi, code, per, ANNUAL_FACTORS[per], tuple(flags))
