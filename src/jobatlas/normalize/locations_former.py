"""Former towns merged into a city, named with their province: "Scarborough, ON", "LaSalle, QC".

GeoNames lists the amalgamated city (Toronto, Montréal), not the towns it absorbed, and some of
their names are towns elsewhere (Scarborough, England), so "Scarborough, ON" read as written
names no place of Ontario. ``location_former_towns.csv`` maps each such name of a province to
the city it is part of now; it is read only when a "Name, Province" string resolved to nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jobatlas.normalize.gazetteer import Gazetteer, fold
from jobatlas.normalize.gazetteer_cache import data_rows

FORMER_TOWNS = "location_former_towns.csv"

_NAME_PROVINCE = re.compile(r"^\s*(?P<name>[^,]+?)\s*,\s*(?P<province>[^,]+?)\s*(?:,\s*[^,]+)?$")


@lru_cache(maxsize=1)
def _former_towns() -> dict[str, dict[tuple[str, str], int]]:
    """Folded name -> (country, admin1) -> GeoNames id of the city now."""
    out: dict[str, dict[tuple[str, str], int]] = {}
    for r in data_rows(FORMER_TOWNS):
        out.setdefault(fold(r["name"]), {})[r["country"], r["admin1"]] = int(r["geonameid"])
    return out


def former_town(gaz: Gazetteer, text: str, hint: str | None) -> int | None:
    """The city a former town named with its province is part of now, or None."""
    head, comma, _ = text.partition(",")
    if not comma or (provinces := _former_towns().get(fold(head))) is None:
        return None  # the common case, decided by one lookup
    m = _NAME_PROVINCE.match(text)
    if m is None:
        return None
    province = m["province"]
    divisions = set(gaz.codes.get(province.strip().upper(), ()))
    divisions |= {(c, a) for c, a, first in gaz.regions.get(fold(province), ()) if first}
    for country, admin1 in sorted(divisions):
        if hint in (None, country) and (found := provinces.get((country, admin1))):
            return gaz.index_of(found)
    return None
