"""Build ``jobatlas/data/us_postal_places.csv``: US post-office place names that the gazetteer
lacks, each with the gazetteer town it lies nearest in its county.

GeoNames' cities1000 leaves out places under 1,000 people, New Jersey and Pennsylvania
townships and New England towns (minor civil divisions, not populated places), research sites
and bases with a post office of their own ("Holmdel, NJ", "City of Industry, CA", "Stennis
Space Center, MS", "Startup, WA"). The USPS names them all, by ZIP code. The ``zipcodes``
package (PyPI, MIT) ships the USPS city of every ZIP code with its county and a GeoNames
coordinate. Run at release, or when the gazetteer changes::

    pip install zipcodes
    python tools/build_us_postal_places.py

Each name a state's active ZIP codes give (``STANDARD`` and ``PO BOX`` codes; ``UNIQUE`` codes
belong to one organisation), and that no gazetteer city of that state has as its name, is
mapped to the nearest gazetteer city of at least 5,000 people in its county, else the nearest
in its county, else the nearest in its state: the town the resolver reports, so that its
metro (the county's OMB MSA) is right, as for the job sites of ``location_aliases.csv``.
"""

from __future__ import annotations

import math
from collections import defaultdict

from build_us_counties import county_key, write_table

from jobatlas.normalize.gazetteer import Gazetteer, fold, load_gazetteer
from jobatlas.normalize.gazetteer_cache import data_rows

#: A town this big anchors its county's postal places before the nearest smaller one.
TOWN_POPULATION = 5_000
HEADER = """\
# US post-office place names the gazetteer lacks (townships, New England towns, places under
# 1,000 people, research sites and bases with their own post office), by state, each with the
# GeoNames id of the gazetteer town the resolver reports for it: the nearest of at least 5,000
# people in its county, else the nearest in its county or state, so that the metro is right.
# Source: the USPS city name of each active STANDARD or PO BOX ZIP code, its county and its
# GeoNames coordinate, as shipped in the zipcodes package (PyPI, MIT; ZIP data from USPS, public
# domain, and GeoNames, CC BY 4.0); GeoNames ids from GeoNames (geonames.org, CC BY 4.0).
# Built by tools/build_us_postal_places.py; read by jobatlas.normalize.locations.
"""


def main() -> None:
    import zipcodes

    gaz = load_gazetteer()
    county_of = {
        int(r["geonameid"]): county_key(r["county"]) for r in data_rows("us_city_counties.csv")
    }
    by_county: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_state: dict[str, list[int]] = defaultdict(list)
    known: set[tuple[str, str]] = set()
    for i in range(len(gaz)):
        if gaz.country[i] != "US":
            continue
        by_state[gaz.admin1[i]].append(i)
        known.add((fold(gaz.name[i]), gaz.admin1[i]))
        if (county := county_of.get(gaz.geonameid[i])) is not None:
            by_county[(gaz.admin1[i], county)].append(i)
    places: dict[tuple[str, str], tuple[str, str, float, float]] = {}
    for z in zipcodes.list_all():
        if not z["active"] or z["zip_code_type"] not in ("STANDARD", "PO BOX"):
            continue
        key = (fold(z["city"]), z["state"])
        if key in known or not z["lat"] or not z["county"]:
            continue
        if key not in places or z["zip_code_type"] == "STANDARD":
            places.setdefault(key, (z["city"], z["county"], float(z["lat"]), float(z["long"])))
    rows = []
    for (_, state), (name, county, lat, lon) in sorted(places.items()):
        local = by_county.get((state, county_key(county)), [])
        pool = [c for c in local if gaz.population[c] >= TOWN_POPULATION] or local
        pool = pool or by_state.get(state, [])
        if pool:
            town = min(pool, key=lambda c: _distance2(gaz, c, lat, lon))
            rows.append((state, _title(name), gaz.geonameid[town]))
    write_table("us_postal_places.csv", HEADER, ["state", "name", "geonameid"], rows)
    print(f"{len(rows)} postal places")


def _distance2(gaz: Gazetteer, city: int, lat: float, lon: float) -> float:
    dx = (gaz.longitude[city] - lon) * math.cos(math.radians(lat))
    return (gaz.latitude[city] - lat) ** 2 + dx**2


def _title(name: str) -> str:
    """The USPS spelling in the usual case: "City Of Industry" -> "City of Industry"."""
    small = {"Of", "The", "And", "On", "In", "At", "By"}
    words = name.split(" ")
    return " ".join(w.lower() if i and w in small else w for i, w in enumerate(words))


if __name__ == "__main__":
    main()
