"""Salary conversion: annualise, convert to USD at the posting date and to international $.

Rates are the ECB's (:mod:`jobatlas.normalize.currency`), PPP factors the World Bank's; the
per-country plausibility bounds (``data/salary_bounds.csv``) settle the status.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

from jobatlas.models import Salary, SalaryStatus
from jobatlas.normalize import currency as fx
from jobatlas.normalize.salary_text import ANNUAL_FACTORS, ParsedSalary


@dataclass(frozen=True, slots=True)
class Bounds:
    lower_usd: float
    upper_usd: float


@lru_cache(maxsize=1)
def _bounds_table() -> dict[str, Bounds]:
    return {
        row["country"]: Bounds(float(row["lower_usd"]), float(row["upper_usd"]))
        for row in fx.data_rows("salary_bounds.csv")
    }


def plausibility_bounds(country: str | None) -> Bounds:
    """Plausible annual salary in USD for a country (the default row when unknown)."""
    table = _bounds_table()
    return table.get(country or "*") or table["*"]


@dataclass(frozen=True, slots=True)
class Money:
    """Per-unit conversion of one currency for one country and date (cached)."""

    usd: float | None  # USD per unit; None: no rate
    ppp: float | None  # international $ per unit at the country's prices
    bounds: Bounds
    flags: tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def money(currency: str, country: str | None, posted: dt.date | None) -> Money:
    place = country or fx.home_country(currency)
    bounds = plausibility_bounds(place)
    usd = fx.convert(1.0, currency, "USD", posted)
    if usd is None:
        return Money(None, None, bounds, ())
    ppp = fx.ppp_dollars(1.0, currency, place, posted) if place else None
    assumed = ("country_assumed",) if country is None and place is not None else ()
    return Money(usd.amount, ppp, bounds, usd.flags + assumed)


def _cents(value: float) -> float:
    return value if value.is_integer() else round(value, 2)


def annualise(parsed: ParsedSalary, extra_flags: tuple[str, ...] = ()) -> Salary:
    """The date-free half: annual figures in the stated currency, not yet converted.

    The status is ``none`` when nothing usable is stated, else a provisional ``parsed``
    that :func:`apply_money` settles.
    """
    low, high, code, period, per_year, flags = parsed
    if period is None or (low is None and high is None):
        return Salary("none", flags=extra_flags)
    factor = per_year or ANNUAL_FACTORS[period]
    annual_low = None if low is None else _cents(low * factor)
    annual_high = None if high is None else _cents(high * factor)
    return Salary(
        "parsed", low, high, code, period, annual_low, annual_high, flags=flags + extra_flags
    )


def apply_money(annual: Salary, rates: Money | None) -> Salary:
    """The date-dependent half: USD and PPP midpoints, and the status.

    The pipeline does the same arithmetic in SQL over many rows at once
    (``jobatlas.pipeline``); a test keeps the two equal.
    """
    if annual.status == "none":
        return annual
    bottom = annual.annual_max if annual.annual_min is None else annual.annual_min
    top = annual.annual_min if annual.annual_max is None else annual.annual_max
    assert bottom is not None and top is not None
    mid = (bottom + top) / 2
    flags = annual.flags
    status: SalaryStatus = "parsed"
    usd = ppp = None
    if rates is None:
        status = "unknown_currency"
    elif rates.usd is None:
        status = "no_rate"
    else:
        usd = _cents(mid * rates.usd)
        ppp = None if rates.ppp is None else _cents(mid * rates.ppp)
        flags += rates.flags
        bounds = rates.bounds
        if bottom * rates.usd < bounds.lower_usd or top * rates.usd > bounds.upper_usd:
            status = "implausible"
    return replace(annual, status=status, annual_usd_mid=usd, annual_ppp_mid=ppp, flags=flags)


def convert_parsed(
    parsed: ParsedSalary,
    country: str | None = None,
    posted: dt.date | None = None,
    extra_flags: tuple[str, ...] = (),
) -> Salary:
    """Annualise, convert to USD at ``posted`` and to international $, and check bounds."""
    return settle(annualise(parsed, extra_flags), country, posted)


def settle(annual: Salary, country: str | None, posted: dt.date | None) -> Salary:
    """Apply the rates of the annual figure's currency, in ``country``, on ``posted``."""
    code = annual.currency
    return apply_money(annual, money(code, country, posted) if code else None)
