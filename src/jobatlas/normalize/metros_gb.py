"""English metros from the official definitions: metropolitan counties and travel-to-work areas.

* A city in one of the 36 metropolitan boroughs or in Greater London belongs to its county's
  metro (``gb_metro_districts.csv``; districts from ``gb_city_districts.csv``).
* Elsewhere in England, a town of the ONS towns table (``gb_town_ttwas.csv``) belongs to the
  metro of its 2011 travel-to-work area's first-named town ("Worksop and Retford" is Worksop's),
  when that town is big enough to be a core; otherwise the town is its own metro.
* A smaller English place takes the metro of the nearest town of that table within
  ``VILLAGE_KM``.

Scottish, Welsh and Northern Irish cities, and English places far from any listed town, are
left to the global rule.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from jobatlas.normalize.gazetteer import Gazetteer, fold
from jobatlas.normalize.gazetteer_cache import data_rows

CITY_DISTRICTS = "gb_city_districts.csv"
METRO_DISTRICTS = "gb_metro_districts.csv"
TOWN_TTWAS = "gb_town_ttwas.csv"
# How far a place under the towns table's threshold (5,000 people) may lie from the nearest
# listed town and still share its metro.
VILLAGE_KM = 8.0
_EARTH_KM = 6371.0


def gb_parents(gaz: Gazetteer, core_min_population: int) -> dict[int, int]:
    """The metro core (a city index) of each English city the official tables place."""
    index_of = {gaz.geonameid[i]: i for i in range(len(gaz)) if gaz.country[i] == "GB"}
    parents = _county_parents(gaz, index_of)
    towns = _town_parents(gaz, index_of, core_min_population)
    for city, core in towns.items():
        parents.setdefault(city, core)
    _villages(gaz, index_of, towns, parents)
    return parents


def _county_parents(gaz: Gazetteer, index_of: dict[int, int]) -> dict[int, int]:
    metro_of = {row["district"]: int(row["metro_geonameid"]) for row in data_rows(METRO_DISTRICTS)}
    parents = {}
    for row in data_rows(CITY_DISTRICTS):
        core = index_of.get(metro_of.get(row["district"], 0))
        city = index_of.get(int(row["geonameid"]))
        if core is not None and city is not None:  # a gazetteer cut to a region may lack them
            parents[city] = core
    return parents


def _town_parents(
    gaz: Gazetteer, index_of: dict[int, int], core_min_population: int
) -> dict[int, int]:
    """Each listed town's core: its TTWA's first-named town, or itself when that is too small.

    Two towns of one name may match one gazetteer city (GeoNames has only the Staffordshire
    Cheadle, ONS also Cheadle in Stockport): the city takes the TTWA of the town whose
    population is nearest its own."""
    members: dict[str, list[tuple[str, int]]] = defaultdict(list)
    ttwa_of: dict[int, tuple[float, str]] = {}
    for row in data_rows(TOWN_TTWAS):
        city = index_of.get(int(row["geonameid"] or 0))
        if city is not None:
            members[row["ttwa"]].append((row["town"], city))
            gap = abs(math.log(max(int(row["population_2011"]), 1) / max(gaz.population[city], 1)))
            if city not in ttwa_of or gap < ttwa_of[city][0]:
                ttwa_of[city] = (gap, row["ttwa"])
    parents: dict[int, int] = {}
    for ttwa, towns in members.items():
        core = _first_named(gaz, ttwa, towns)
        big = gaz.population[core] >= core_min_population
        for _, city in towns:
            if ttwa_of[city][1] == ttwa:
                parents[city] = core if big else city
    return parents


def town_name(ons_name: str) -> str:
    """The town an ONS built-up area is named after: "Dorchester (West Dorset) BUA" ->
    "Dorchester", "Norwich BUASD" -> "Norwich"."""
    name = re.sub(r"\s*\([^)]*\)", "", ons_name).strip()
    return name.removesuffix(" BUASD").removesuffix(" BUA").strip()


def _first_named(gaz: Gazetteer, ttwa: str, towns: list[tuple[str, int]]) -> int:
    """The city a TTWA is named after: its first name, as a listed town of the area, else the
    most populous English city of that name; for an area named after no town ("Medway",
    "Isle of Wight"), its most populous listed town."""
    first = ttwa.split(" and ")[0].strip()
    for name, city in towns:
        if fold(town_name(name)) == fold(first):
            return city
    found = [
        ref >> 1
        for ref in gaz.lookup(fold(first))
        if gaz.country[ref >> 1] == "GB" and gaz.admin1[ref >> 1] == "ENG"
    ]
    return max(found or [city for _, city in towns], key=lambda c: gaz.population[c])


def _villages(
    gaz: Gazetteer, index_of: dict[int, int], towns: dict[int, int], parents: dict[int, int]
) -> None:
    """Give each unplaced English city the metro of the nearest listed town within reach."""
    import numpy as np  # imported only when metros are computed

    listed = np.array(sorted(towns), dtype=np.int64)
    if not len(listed):
        return
    lat = np.radians([gaz.latitude[t] for t in listed.tolist()])
    lon = np.radians([gaz.longitude[t] for t in listed.tolist()])
    for city in index_of.values():
        if city in parents or gaz.admin1[city] != "ENG":
            continue
        la, lo = math.radians(gaz.latitude[city]), math.radians(gaz.longitude[city])
        h = np.sin((lat - la) / 2) ** 2 + math.cos(la) * np.cos(lat) * np.sin((lo - lon) / 2) ** 2
        nearest = int(h.argmin())
        if 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(float(h[nearest])))) <= VILLAGE_KM:
            town = int(listed[nearest])
            parents[city] = parents.get(town, towns[town])
