"""US metros from the official definition: OMB metropolitan statistical areas, built of counties.

A US city whose county lies in an MSA belongs to the metro of that MSA's first principal city
(the first name of its title: "Kingsport-Bristol-Bristol, TN-VA" is Kingsport's); a city whose
county lies in no MSA (a micropolitan area or none) is the core of its own metro. Counties come
from ``us_city_counties.csv`` (GeoNames), MSAs from ``us_metro_counties.csv`` (OMB).
"""

from __future__ import annotations

from functools import lru_cache

from jobatlas.errors import ConfigError
from jobatlas.normalize.gazetteer import Gazetteer, fold
from jobatlas.normalize.gazetteer_cache import data_rows

CITY_COUNTIES = "us_city_counties.csv"
METRO_COUNTIES = "us_metro_counties.csv"


def msa_parents(gaz: Gazetteer) -> dict[int, int]:
    """The metro core (a city index) of each US city whose county is known."""
    county_of = _county_tables()[0]
    title_of = {(row["state"], row["county"]): row["title"] for row in data_rows(METRO_COUNTIES)}
    cores: dict[str, int] = {}
    parents: dict[int, int] = {}
    for city in range(len(gaz)):
        if gaz.country[city] != "US":
            continue
        county = county_of.get(gaz.geonameid[city])
        if county is None:
            continue
        title = title_of.get((gaz.admin1[city], county))
        if title is None:
            parents[city] = city
            continue
        core = cores.get(title)
        if core is None:
            core = cores[title] = principal_city(gaz, title)
        parents[city] = core
    return parents


def in_msa(gaz: Gazetteer, city: int) -> bool:
    """Whether US gazetteer city ``city`` lies in a county of an MSA."""
    county_of, msa_counties = _county_tables()
    county = county_of.get(gaz.geonameid[city])
    return county is not None and (gaz.admin1[city], county) in msa_counties


def county_key(gaz: Gazetteer, city: int) -> str | None:
    """The folded county name of US gazetteer city ``city`` ("sangamon county"), if known."""
    county = _county_tables()[0].get(gaz.geonameid[city])
    return fold(county) if county is not None else None


@lru_cache(maxsize=1)
def _county_tables() -> tuple[dict[int, str], frozenset[tuple[str, str]]]:
    county_of = {int(row["geonameid"]): row["county"] for row in data_rows(CITY_COUNTIES)}
    msa = frozenset((row["state"], row["county"]) for row in data_rows(METRO_COUNTIES))
    return county_of, msa


def principal_city(gaz: Gazetteer, title: str) -> int:
    """The gazetteer city an MSA is named after: the first city of its title, in its first state.

    City names may hold hyphens themselves ("Winston-Salem, NC"), so every run of the title's
    first names is tried ("Lexington-Fayette" and "Lexington"; "Urban Honolulu" is Honolulu)
    and the most populous city of that state so named wins; a title whose names are joined by
    "--" (as OMB writes them when one holds a hyphen) is split there."""
    cities, _, states = title.rpartition(", ")
    state = states.split("-")[0]
    words = cities.split("--")[0].split("/")[0].split("-")
    names = ["-".join(words[:n]) for n in range(len(words), 0, -1)]
    names.append(names[-1].partition(" ")[2])  # "Urban Honolulu"
    for aliases in (False, True):  # main names first: "Elizabethtown", not another's alias
        found = [
            ref >> 1
            for name in filter(None, names)
            for ref in gaz.lookup(fold(name))
            if bool(ref & 1) == aliases
            and gaz.country[ref >> 1] == "US"
            and gaz.admin1[ref >> 1] == state
        ]
        if found:
            return max(found, key=lambda c: gaz.population[c])
    raise ConfigError(f"{METRO_COUNTIES}: no US city in the gazetteer for the MSA {title!r}")
