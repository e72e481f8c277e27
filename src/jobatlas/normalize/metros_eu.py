"""European metros from the official functional urban areas (FUA) of Eurostat's Urban Audit.

``eu_fua_cities.csv`` lists the Urban Audit cities of the EU, Switzerland, Norway and Iceland
(mostly of 50,000 people or more) with the FUA each lies in, 2021 delineation. Two rules follow:

* The core city of an FUA is the core of its own metro: no bigger core claims it (Zug keeps
  its own metro next to Zürich, Remscheid next to Wuppertal).
* Another listed city joins its FUA's core when that core is within ``FUA_MEMBER_KM`` and has
  at least ``dominance`` times its people (Zoetermeer joins The Hague, Helmond Eindhoven).
  Farther, or next to a core of similar size (Duisburg and Essen), the global rule decides.

Every other city is left to the global rule.
"""

from __future__ import annotations

from jobatlas.normalize.gazetteer import Gazetteer
from jobatlas.normalize.gazetteer_cache import data_rows
from jobatlas.normalize.locations_tables import distance_km

FUA_CITIES = "eu_fua_cities.csv"
FUA_MEMBER_KM = 25.0


def fua_parents(gaz: Gazetteer, dominance: float) -> dict[int, int]:
    """The metro core (a city index) of each listed city the two rules place."""
    listed = []
    for row in data_rows(FUA_CITIES):
        city = gaz.index_of(int(row["geonameid"] or 0))
        if city is not None:  # a gazetteer cut to a region may lack it
            listed.append((row["urau_code"], row["fua_code"], city))
    core_of = {fua: city for code, fua, city in listed if code[:-1] == fua[:-1]}
    parents: dict[int, int] = {}
    for code, fua, city in listed:
        core = core_of.get(fua)
        if core == city or code[:-1] == fua[:-1]:
            parents[city] = city
        elif (
            core is not None
            and distance_km(gaz, city, core) <= FUA_MEMBER_KM
            and gaz.population[core] >= dominance * gaz.population[city]
        ):
            parents.setdefault(city, core)
    return parents
