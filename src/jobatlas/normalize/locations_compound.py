"""Names read in parts once the whole name has failed.

* Joined by hyphens ("Dallas-Fort Worth", "USA-CA-Mountain View", "US-GA-Duluth"): a country's
  name or ISO code and a division's code are skipped and restrict the town that follows (Workday
  writes "country-state-town"); the first part that names a town gives its cities. An unknown
  part of more than three letters ends the search ("Peterston-super-Ely" is no Ely).
* "Stor-" (Danish, Norwegian, Swedish "greater") before a Nordic city: "Storkøbenhavn",
  "Stor-Oslo", "Storstockholm" are the city, as "Greater X" is.
* A Malay village written without its "Kampung"/"Kampong" (GeoNames' main names in Brunei,
  Malaysia and Indonesia keep the word): "Jerudong, Brunei-Muara" is Kampung Jerudong.
"""

from __future__ import annotations

from collections.abc import Callable

from jobatlas.normalize.gazetteer import CityRef, Gazetteer, fold
from jobatlas.normalize.locations_vocab import _strip_affixes

#: Countries whose boards write "Stor-" for a city's greater area.
_NORDIC = frozenset({"DK", "NO", "SE"})
#: Countries whose GeoNames village names start with "Kampung" or "Kampong".
_MALAY = frozenset({"BN", "MY", "ID"})


def hyphenated_refs(
    gaz: Gazetteer, lookup: Callable[[str], tuple[CityRef, ...]], text: str
) -> tuple[CityRef, ...]:
    """The cities the first town-naming part of hyphenated ``text`` names; () when none."""
    named: set[str] = set()
    states: set[tuple[str, str]] = set()
    for part in text.split("-"):
        part_key = fold(part)
        code = part.strip()
        if part_key in gaz.countries or (code.isupper() and code in gaz.codes):
            if part_key in gaz.countries:
                named.add(gaz.countries[part_key])
            else:
                states.update(gaz.codes[code])
            continue  # "USA-CA-Mountain View" (Workday): the country, not Usa, Japan
        refs = lookup(part_key) or lookup(_strip_affixes(part_key))
        known = part_key in gaz.region_words or part_key in gaz.regions
        if not refs and not known and len(part_key) > 3:
            break  # "Peterston-super-Ely" is no Ely: a town's name we do not know
        if refs and len(part_key) > 2:
            # "USA-CA-San Jose": in the country written before it
            inside = tuple(r for r in refs if gaz.country[r >> 1] in named)
            if named and not inside:
                continue  # "Germany-Ville": not Villé, France
            # "US-GA-Duluth": in the state written before it too
            area = gaz.country, gaz.admin1
            in_state = tuple(r for r in inside if (area[0][r >> 1], area[1][r >> 1]) in states)
            return in_state or inside or refs
    return ()


def greater_nordic_refs(
    gaz: Gazetteer, lookup: Callable[[str], tuple[CityRef, ...]], key: str
) -> tuple[CityRef, ...]:
    """ "storkobenhavn", "stor oslo": the Nordic city after "stor"; () otherwise."""
    if not key.startswith("stor") or not (rest := key[4:].lstrip("- ")):
        return ()
    return tuple(r for r in lookup(rest) if gaz.country[r >> 1] in _NORDIC)


def malay_village_refs(
    gaz: Gazetteer, lookup: Callable[[str], tuple[CityRef, ...]], key: str
) -> tuple[CityRef, ...]:
    """ "jerudong": Kampung Jerudong, in Brunei, Malaysia or Indonesia; () otherwise."""
    for word in ("kampung ", "kampong "):
        refs = tuple(r for r in lookup(word + key) if gaz.country[r >> 1] in _MALAY)
        if refs:
            return refs
    return ()
