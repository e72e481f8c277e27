"""Rates at a date, fallback parities, PPP factors and the bundled money data."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobatlas.normalize import currency as fx
from jobatlas.normalize.salary import plausibility_bounds


@pytest.fixture(scope="module")
def reference() -> object:
    """The currencyconverter package's own converter, as the reference we must agree with."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=True)


def test_nothing_is_loaded_at_import() -> None:
    code = (
        "import jobatlas.normalize.salary, jobatlas.normalize.currency as c;"
        "assert c.ecb_rates.cache_info().currsize == 0;"
        "assert c.countries.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(dt.date(2000, 1, 1), dt.date(2025, 12, 31)),
    code=st.sampled_from(["GBP", "JPY", "INR", "BRL", "CHF", "PLN", "SEK", "AUD", "CNY", "KRW"]),
)
def test_conversion_agrees_with_currencyconverter_at_the_date(
    reference: object, day: dt.date, code: str
) -> None:
    bounds = reference.bounds[code]  # type: ignore[attr-defined]
    ours = fx.convert(100_000.0, code, "USD", day)
    if not bounds.first_date <= day <= bounds.last_date:
        # the reference then uses its first/last quote, years away; we say there is no rate
        assert ours is None
        return
    assert ours is not None
    # On a day with no quote (weekend, TARGET holiday) we take the last quote before it while
    # the reference interpolates to the next one: after a jump (AUD, 2001-09-14 -> 17, -3%)
    # the two differ, so our figure must match the reference on that day or on the quote days
    # just before it.
    days = [day - dt.timedelta(days=back) for back in range(5)]
    theirs = [reference.convert(100_000, code, "USD", date=d) for d in days]  # type: ignore[attr-defined]
    assert any(ours.amount == pytest.approx(t, rel=0.02) for t in theirs)


def test_a_weekend_takes_the_last_business_day() -> None:
    friday = fx.rate_per_eur("USD", dt.date(2024, 6, 14))
    assert friday is not None
    assert fx.rate_per_eur("USD", dt.date(2024, 6, 16)) == friday


def test_no_rate_for_unquoted_years_or_floating_unquoted_currencies() -> None:
    assert fx.rate_per_eur("RUB", dt.date(2021, 6, 1)) is not None
    assert fx.rate_per_eur("RUB", dt.date(2024, 6, 1)) is None  # not quoted since March 2022
    assert fx.rate_per_eur("ISK", dt.date(2012, 6, 1)) is None  # not quoted 2008-2018
    assert fx.rate_per_eur("NGN", dt.date(2024, 6, 1)) is None
    assert fx.convert(1.0, "NGN", "USD") is None


def test_pegged_currencies_use_the_fallback_table() -> None:
    aed = fx.convert(3.6725, "AED", "USD", dt.date(2024, 6, 14))
    assert aed is not None and aed.amount == pytest.approx(1.0)
    assert fx.FX_FALLBACK in aed.flags
    xof = fx.convert(655.957, "XOF", "EUR", dt.date(2024, 6, 14))
    assert xof is not None and xof.amount == pytest.approx(1.0)
    assert fx.convert(1.0, "HRK", "EUR", dt.date(2022, 6, 1)) is not None  # ECB still quoted it


def test_dates_beyond_the_data_use_the_nearest_rates() -> None:
    last = fx.ecb_rates().last
    later = dt.date.fromordinal(last) + dt.timedelta(days=400)
    latest = fx.convert(1.0, "GBP", "USD")
    beyond = fx.convert(1.0, "GBP", "USD", later)
    assert latest is not None and beyond is not None
    assert beyond.amount == latest.amount and fx.FX_OUT_OF_RANGE in beyond.flags


def test_ppp_factor_falls_back_to_the_latest_year() -> None:
    latest = fx.ppp_factor("JP")
    assert latest is not None and 50 < latest < 150
    assert fx.ppp_factor("JP", 2099) == latest
    assert fx.ppp_factor("US", 2023) == 1.0
    assert fx.ppp_factor("ZZ") is None


def test_ppp_dollars_convert_to_the_countrys_currency_first() -> None:
    day = dt.date(2024, 6, 14)
    assert fx.ppp_dollars(100.0, "USD", "US", day) == pytest.approx(100.0)
    usd = fx.convert(100.0, "EUR", "USD", day)
    assert usd is not None
    euros_in_germany = fx.ppp_dollars(100.0, "EUR", "DE", day)
    assert euros_in_germany == pytest.approx(fx.ppp_dollars(usd.amount, "USD", "DE", day))
    # Bulgaria uses the euro now, but its PPP series is in leva: euros are converted to leva.
    bulgaria = fx.ppp_dollars(1000.0, "EUR", "BG", dt.date(2026, 6, 1))
    assert bulgaria is not None
    factor = fx.ppp_factor("BG", 2026)
    assert factor is not None and bulgaria == pytest.approx(1000.0 * 1.95583 / factor)


def test_country_currency_table() -> None:
    table = fx.countries()
    assert len(table) >= 240
    iso_currencies = {c.alpha_3 for c in pycountry.currencies}
    for code, money in table.items():
        assert code == "XK" or pycountry.countries.get(alpha_2=code) is not None
        assert money.currency in iso_currencies
    assert fx.country_currency("JP") == "JPY" and fx.country_currency("HR") == "EUR"
    assert fx.home_country("USD") == "US" and fx.home_country("EUR") is None


def test_every_peg_has_a_base_with_a_rate() -> None:
    for code, peg in fx.pegs().items():
        assert peg.base in fx.ecb_rates().series or peg.base == "EUR", code
        assert peg.units > 0


def test_plausibility_bounds_are_ordered_and_catch_the_classic_slips() -> None:
    for country in ("US", "GB", "IN", "JP", "DE", "ZZ", None):
        bounds = plausibility_bounds(country)
        assert 0 < bounds.lower_usd < bounds.upper_usd
    japan = plausibility_bounds("JP")
    assert japan.upper_usd < 5_000_000  # yen read as dollars
    germany = plausibility_bounds("DE")
    assert germany.lower_usd > 4_500 * 1.05  # a monthly salary read as annual
