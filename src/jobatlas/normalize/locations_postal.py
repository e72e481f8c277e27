"""Places the gazetteer lacks, reported under their own name: US post offices ("Holmdel, NJ",
"City of Industry, CA") and named sites that are places of their own ("Quantico, VA").

GeoNames' cities1000 has no townships, New England towns or places under 1,000 people, and a
posting there names its post office. ``us_postal_places.csv`` (built from the USPS names of
ZIP codes by ``tools/build_us_postal_places.py``) maps each such name of a state to the
gazetteer town nearest to it in its county; the resolver reports the post office by its own
name with that town's GeoNames id, coordinates and metro. Read only for a string of the form
"Name, State" that names no known place, on the first such string.

``location_aliases.csv`` rows of kind ``place`` name bases, space centres and other sites
outside the town they are placed at (Kennedy Space Center, near Titusville): the resolver
places them at that town, and :func:`site_name` then reports them under the name written, as
it does a post office written after the site ("Brookhaven National Laboratory, Upton, NY").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from jobatlas.normalize.gazetteer import Gazetteer, fold
from jobatlas.normalize.gazetteer_cache import data_rows

POSTAL_PLACES = "us_postal_places.csv"

#: "Name, ST" or "Name, State", optionally followed by a ZIP code and the country.
_NAME_STATE = re.compile(
    r"^\s*(?P<name>[^,]+?)\s*,\s*(?P<state>[^,]+?)\s*(?:\d{5}(?:-\d{4})?\s*)?"
    r"(?:,\s*(?:us|usa|u\.s\.a?\.?|united states(?: of america)?))?\s*$",
    re.IGNORECASE,
)
_TOWNSHIP = re.compile(r" (?:township|twp)$")
_ZIP = re.compile(r"\s*\d{5}(?:-\d{4})?$")


@lru_cache(maxsize=1)
def _postal_places() -> dict[tuple[str, str], tuple[int, str]]:
    return {
        (fold(r["name"]), r["state"]): (int(r["geonameid"]), r["name"])
        for r in data_rows(POSTAL_PLACES)
    }


def postal_town(gaz: Gazetteer, text: str, hint: str | None = None) -> tuple[int, str] | None:
    """The gazetteer town a US post-office name and its state lie by, and the post office's
    name (as written, or as the USPS writes it when written in one case); None when the text is
    no such name.

    A famous town's name (``Gazetteer.names_famous_town``: "Toronto, SD"), a country's or a
    first-level division's ("Canada, KY", "Ohio, IL") is left alone: a famous name in a state
    without a town of that name is the data error of docs/methodology.md, not a hamlet; a
    small town's name elsewhere is no bar ("Flushing, NY": Flushing, Michigan has 8,000
    people). An acronym is left alone too ("DHS, VA").
    A hint of another country counts only when the state's code also names one of its
    divisions ("Bunbury, WA" with hint AU): the state written in the text outweighs a source's
    country ("Dearing, KS" listed under Sudan).
    """
    m = _NAME_STATE.match(text)
    if m is None:
        return None
    if hint not in (None, "US") and any(
        country == hint for country, _ in gaz.codes.get(m["state"].strip().upper(), ())
    ):
        return None
    state = _us_state(gaz, m["state"])
    name = m["name"]
    if state is None or (name.isupper() and len(name) <= 4):
        return None
    key = _TOWNSHIP.sub("", fold(name))
    first_level = any(region[2] for region in gaz.regions.get(key, ()))
    if not key or key in gaz.countries or first_level:
        return None
    if gaz.names_famous_town(gaz.lookup(key), "US"):
        return None
    found = _postal_places().get((key, state))
    if found is None:
        return None
    town = gaz.index_of(found[0])
    if town is None:
        return None
    # the name as the posting writes it ("West McLean", "JBSA Randolph"), unless it is all in
    # one case ("HOLMDEL"): then as the USPS writes it
    written = " ".join(name.split())
    mixed = not (written.isupper() or written.islower())
    return town, written if mixed and fold(written) == fold(found[1]) else found[1]


@lru_cache(maxsize=1)
def _place_aliases() -> dict[str, tuple[int, str]]:
    """Each ``place`` alias: the GeoNames id it is placed at, and the site's own name."""
    return {
        fold(r["alias"]): (int(r["target"]), r["note"].split(" (")[0])
        for r in data_rows("location_aliases.csv")
        if r["kind"] == "place"
    }


@lru_cache(maxsize=1)
def _site_names() -> dict[int, frozenset[str]]:
    """The folded names :func:`site_name` can report, sites and post offices, by the GeoNames id
    of the town they lie by."""
    found: dict[int, set[str]] = {}
    for key, (geonameid, _) in _place_aliases().items():
        found.setdefault(geonameid, set()).add(key)
    for (key, _), (geonameid, _) in _postal_places().items():
        found.setdefault(geonameid, set()).add(key)
    return {geonameid: frozenset(keys) for geonameid, keys in found.items()}


def place_alias(text: str) -> int | None:
    """The GeoNames id of the town a site named ``text`` lies by, if it is a ``place`` alias."""
    site = _place_aliases().get(fold(text))
    return site[0] if site is not None else None


def site_name(
    gaz: Gazetteer, text: str, geonameid: int, is_qualifier: Callable[[str], bool]
) -> str | None:
    """The name of the place ``text`` ends with, when it is a site or post office the gazetteer
    lacks and that lies by town ``geonameid`` ("Kennedy Space Center, FL" by Titusville); None
    otherwise. Qualifiers at the end (``is_qualifier``: a state, a county, a country; a ZIP
    code) are passed over; a town written after the site names the place instead ("Fermilab,
    Batavia, IL")."""
    names = _site_names().get(geonameid)
    pieces = text.split(",")
    if names is None or not any(fold(piece) in names for piece in pieces):
        return None  # most strings name no site by the town: decided without their qualifiers
    parts = [p for p in (" ".join(piece.split()) for piece in pieces) if p]
    state = None
    while len(parts) > 1:
        last = _ZIP.sub("", parts[-1])
        if last and not is_qualifier(last):
            break
        state = state or (_us_state(gaz, last) if last else None)
        parts.pop()
    if not parts:
        return None
    written = parts[-1]
    key = fold(written)
    site = _place_aliases().get(key)
    if site is not None and site[0] == geonameid:
        acronym = written.isupper() and " " not in written
        return site[1] if acronym else written
    found = _postal_places().get((key, state)) if state and len(parts) > 1 else None
    if found is not None and found[0] == geonameid:
        return written if not (written.isupper() or written.islower()) else found[1]
    return None


def _us_state(gaz: Gazetteer, text: str) -> str | None:
    code = text.strip().upper()
    if ("US", code) in gaz.codes.get(code, ()):
        return code
    for country, admin1, first in gaz.regions.get(fold(text), ()):
        if country == "US" and admin1 and first:
            return admin1
    return None
