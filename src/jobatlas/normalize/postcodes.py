"""Postcodes in location strings: removed before names are read, and read as their post town
when a string names no place but a postcode.

Three tables: ``location_postcodes.csv`` (UK postcode areas, Irish Eircode routing keys, Canadian
postal code prefixes: letters to a post town), ``location_postcode_ranges.csv`` (numeric
postcodes of the big cities of 16 countries, read only when the country is known) and
``us_zip_codes.csv.gz`` (the USPS city and state of every US ZIP code, read only when the
country is known to be the US).
"""

from __future__ import annotations

import csv
import gzip
import re
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from jobatlas.normalize.gazetteer import data_rows

__all__ = [
    "ANY_POSTCODE",
    "CA_POSTCODE",
    "UK_POSTCODE",
    "US_STATE_ZIP",
    "PostTown",
    "find_postcode",
    "find_us_zip",
]

UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")
CA_POSTCODE = re.compile(r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b")
#: A ZIP code after a US state's code ("Vernon, CA 90058"): the code is the state, not a country.
US_STATE_ZIP = re.compile(
    r"\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|P[AR]"
    r"|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY])\s+\d{5}(?:-\d{4})?\b"
)
#: "D-60311", "SE-114 55", "PL 00-001": a country's letters before a postcode go with it.
#: "DE 19801" is Delaware's ZIP code, so "DE" counts only with its hyphen.
_COUNTRY_LETTERS = (
    r"(?:(?<![\w-])(?:(?:A|B|CH|CZ|D|DK|E|EE|F|FI|FIN|GR|H|HR|I|L|LT|LV|N|NL|NO|P|PL|PT|RO|S|SE"
    r"|SI|SK|AT|BE|ES|FR|IT)(?:-|\s)|DE-))?"
)
_OTHER_POSTCODES = re.compile(
    r"(?<![\w%])" + _COUNTRY_LETTERS + r"(?:\d{5}-\d{4}|\d{2}-\d{3}|\d{3}\s\d{2}(?=\s+[^\W\d])"
    r"|\d{4}\s?[A-Z]{2}(?![a-z])|\d{3,6}|[A-Z]{1,2}\d[A-Z\d]?)(?![\w%])|\u3012\s*[\d-]+"
)
#: Anything shaped like a postcode, removed before the names of a string are read.
ANY_POSTCODE = re.compile("|".join(p.pattern for p in (UK_POSTCODE, CA_POSTCODE, _OTHER_POSTCODES)))
_UK_OUTWARD = re.compile(r"\b([A-Z]{1,2})\d[A-Z\d]?(\s*\d[A-Z]{2})?\b")
_EIRCODE = re.compile(r"\b([ACDEFHKNPRTVWXY]\d[\dW])(?:\s?[0-9AC-FHKNPRTV-Y]{4})?\b")
#: "CH-8005", "D-10115", "F-75009": a postcode written after its country's letters.
_LETTERED = re.compile(
    r"\b(CH|D|F|A|B|E|I|NL|PL|DK|S|N|FIN|AT|BE|DE|ES|FR|IT|SE|NO|FI)-(\d{4,5})\b"
)
_LETTER_COUNTRY = {"D": "DE", "F": "FR", "A": "AT", "B": "BE", "E": "ES", "I": "IT", "S": "SE"}
_LETTER_COUNTRY |= {"N": "NO", "FIN": "FI"}
#: The numeric postcode of each country: group 1 holds the digits compared with the ranges.
_NUMERIC = {
    **dict.fromkeys(("DE", "FR", "ES", "IT", "FI"), re.compile(r"(?<![\w-])(\d{5})(?![\w-])")),
    **dict.fromkeys(("CH", "AT", "BE", "DK", "NO", "AU"), re.compile(r"(?<![\w-])(\d{4})(?!\w)")),
    "NL": re.compile(r"(?<![\w-])(\d{4})\s?[A-Z]{2}\b|(?<![\w-])(\d{4})(?!\w)"),
    "PL": re.compile(r"(?<![\w-])(\d{2})-\d{3}(?!\w)"),
    "SE": re.compile(r"(?<![\w-])(\d{3})\s?\d{2}(?!\w)"),
    "JP": re.compile(r"(?:\u3012\s*|(?<![\w-]))(\d{3})-\d{4}(?!\w)"),
    "IN": re.compile(r"(?<![\w-])(\d{3})\s?\d{3}(?![\w-])"),
}


US_ZIP_CODES = "us_zip_codes.csv.gz"
_US_ZIP = re.compile(r"(?<![\w-])(\d{5})(?:-\d{4})?(?![\w-])")


class PostTown(NamedTuple):
    start: int
    end: int
    country: str
    geonameid: int


@lru_cache(maxsize=1)
def _letter_towns() -> dict[tuple[str, str], int]:
    """(country, postcode prefix) -> GeoNames id of its post town."""
    return {
        (r["country"], r["prefix"]): int(r["geonameid"])
        for r in data_rows("location_postcodes.csv")
    }


@lru_cache(maxsize=1)
def _ranges() -> dict[str, list[tuple[int, int, int, int]]]:
    """country -> (number of digits, first, last, GeoNames id) of each city's range."""
    out: dict[str, list[tuple[int, int, int, int]]] = {}
    for r in data_rows("location_postcode_ranges.csv"):
        digits = len(r["first"])
        out.setdefault(r["country"], []).append(
            (digits, int(r["first"]), int(r["last"]), int(r["geonameid"]))
        )
    return out


def find_postcode(text: str, country: str | None = None) -> PostTown | None:
    """The first postcode of ``text`` whose post town is known: a UK postcode (full, or an
    outward code standing as a whole comma-separated part), an Irish Eircode, a Canadian postal
    code, or, with the country known (``country``, or letters before it: "CH-8005"), a numeric
    postcode of a big city."""
    towns = _letter_towns()
    for m in _EIRCODE.finditer(text):
        city = towns.get(("IE", m.group(1)))
        if city is not None and (m.group(0) != m.group(1) or _whole_part(text, m)):
            return PostTown(*m.span(), "IE", city)
    for m in CA_POSTCODE.finditer(text):
        code = m.group(0)
        city = towns.get(("CA", code[:3])) or towns.get(
            ("CA", code[:2]), towns.get(("CA", code[0]))
        )
        if city is not None:
            return PostTown(*m.span(), "CA", city)
    for m in _UK_OUTWARD.finditer(text):
        city = towns.get(("GB", m.group(1)))
        if city is not None and (m.group(2) or _whole_part(text, m)):
            return PostTown(*m.span(), "GB", city)
    for m in _LETTERED.finditer(text):
        lettered = _LETTER_COUNTRY.get(m.group(1), m.group(1))
        found = _numeric(m.group(2), lettered)
        if found is not None:
            return PostTown(*m.span(), lettered, found)
    if "\u3012" in text:  # the Japanese postal mark
        country = "JP"
    if country in _NUMERIC:
        for m in _NUMERIC[country].finditer(text):
            digits = next(g for g in m.groups() if g)
            found = _numeric(digits, country)
            if found is not None:
                return PostTown(*m.span(), country, found)
    return None


class ZipTown(NamedTuple):
    start: int
    end: int
    city: str
    state: str


def find_us_zip(text: str) -> ZipTown | None:
    """The first US ZIP code of ``text`` that the USPS lists, with its city and state
    ("94105": San Francisco, CA); read only for a US posting that names no town."""
    codes = _us_zip_codes()
    for m in _US_ZIP.finditer(text):
        found = codes.get(m.group(1))
        if found is not None:
            return ZipTown(*m.span(), *found)
    return None


@lru_cache(maxsize=1)
def _us_zip_codes() -> dict[str, tuple[str, str]]:
    data = gzip.decompress(files("jobatlas.data").joinpath(US_ZIP_CODES).read_bytes())
    lines = [ln for ln in data.decode().splitlines() if not ln.startswith("#")]
    return {r["zip"]: (r["city"], r["state"]) for r in csv.DictReader(lines)}


def _numeric(digits: str, country: str) -> int | None:
    for width, first, last, city in _ranges().get(country, ()):
        if len(digits) >= width and first <= int(digits[:width]) <= last:
            return city
    return None


def _whole_part(text: str, m: re.Match[str]) -> bool:
    """The match is a whole comma-separated part of ``text``."""
    before = text[: m.start()].rstrip()
    after = text[m.end() :].lstrip()
    return (not before or before.endswith(",")) and (not after or after.startswith(","))
