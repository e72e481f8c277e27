"""Build ``eu_fua_cities.csv``: the Urban Audit cities of the EU, Switzerland, Norway and Iceland,
each with its functional urban area (FUA), matched to the jobatlas gazetteer (docs/methodology.md,
section locations). Run at release, or when the gazetteer changes::

    python tools/build_eu_fuas.py URAU_CITIES_CSV

``URAU_CITIES_CSV`` holds the attributes of Eurostat/GISCO's Urban Audit 2021 cities layer
(``URAU_LB_2021_4326_CITIES``: one label point per city, with the code of the FUA it lies in),
one row per city with the columns URAU_CODE, CNTR_CODE, URAU_NAME, FUA_CODE, lon and lat. Each
city is matched to the gazetteer city of its country whose name (or other name) is the city's,
nearest its label point; a name written as Eurostat lists it ("Puerto de Santa María, El",
"Mülheim a.d.Ruhr") is tried in its usual order too; a city that matches no name within
``MATCH_KM`` takes the most populous gazetteer city within ``NEAREST_KM`` of its point, and none
when there is none.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from pathlib import Path

from build_us_counties import write_table

from jobatlas.normalize.gazetteer import Gazetteer, fold, load_gazetteer

MATCH_KM = 60.0
NEAREST_KM = 6.0
# Eurostat's country codes that are not ISO 3166's
COUNTRY = {"EL": "GR", "UK": "GB"}
HEADER = """\
# The Urban Audit cities of the EU, Switzerland, Norway and Iceland and the functional urban area
# (FUA: a city and its commuting zone) each lies in, 2021 delineation. Source: Eurostat, GISCO
# Urban Audit 2021 (URAU_LB_2021_4326_CITIES), (c) European Union; reuse is authorised with
# acknowledgement of the source. A city whose code has its FUA's number (DE005C, DE005F) is the
# FUA's core city. geonameid: the gazetteer city matched (built by tools/build_eu_fuas.py; empty
# when none matched).
"""


def _km(gaz: Gazetteer, i: int, lat: float, lon: float) -> float:
    la, lo = math.radians(gaz.latitude[i]), math.radians(gaz.longitude[i])
    b, c = math.radians(lat), math.radians(lon)
    h = math.sin((b - la) / 2) ** 2 + math.cos(la) * math.cos(b) * math.sin((c - lo) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _names(name: str) -> list[str]:
    """The city's name as written, and in its usual order or its first part."""
    names = [name]
    if ", " in name:  # "Puerto de Santa María, El"
        head, article = name.rsplit(", ", 1)
        names.append(f"{article} {head}")
    names.append(re.sub(r"\s*\(.*\)$", "", name))  # "Frankfurt (Oder)"
    names.extend(re.split(r" / |/|-", name)[:1])  # "Bruxelles/Brussel"
    names.append(name.replace("a.d.", "an der "))
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def match(gaz: Gazetteer, country: str, name: str, lat: float, lon: float) -> int | None:
    for key in _names(name):
        found = [ref >> 1 for ref in gaz.lookup(fold(key)) if gaz.country[ref >> 1] == country]
        near = [c for c in found if _km(gaz, c, lat, lon) <= MATCH_KM]
        if near:
            return min(near, key=lambda c: _km(gaz, c, lat, lon))
    around = [
        i
        for i in range(len(gaz))
        if gaz.country[i] == country and _km(gaz, i, lat, lon) <= NEAREST_KM
    ]
    return max(around, key=lambda i: gaz.population[i]) if around else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cities", type=Path, help="Urban Audit 2021 cities (CSV)")
    args = parser.parse_args()
    gaz = load_gazetteer()
    rows = []
    with args.cities.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            country = COUNTRY.get(row["CNTR_CODE"], row["CNTR_CODE"])
            city = match(gaz, country, row["URAU_NAME"], float(row["lat"]), float(row["lon"]))
            geonameid = "" if city is None else str(gaz.geonameid[city])
            rows.append((row["URAU_CODE"], row["FUA_CODE"], country, row["URAU_NAME"], geonameid))
    rows.sort()
    columns = ["urau_code", "fua_code", "country", "name", "geonameid"]
    write_table("eu_fua_cities.csv", HEADER, columns, rows)


if __name__ == "__main__":
    main()
