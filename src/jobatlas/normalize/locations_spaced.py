"""Places written one after another with spaces only: "Hamburg Köln", "Guildford Surrey South
East", "Bangalore Hyderabad Chennai".

Some boards join a posting's places, or a town and its county and region, with nothing but
spaces. When a string names nothing as a whole, its words are cut, longest name first from the
left, into names the gazetteer knows well: a city of at least ``SPACED_CITY_POPULATION`` people
by its main name (or a city of 500,000 or more by another name, "Munich"), a country, or a
division or region. When every word falls in such a name and one of them is a city, the names
are read as if written with commas ("Guildford, Surrey, South East"), so that the usual rules
decide between a place with its qualifiers and a list; a name that can only be a city starts
a new list item ("New York / San Francisco", "Hamburg / Köln").
"""

from __future__ import annotations

from jobatlas.normalize.gazetteer import Gazetteer, fold

#: A city read out of a run of words must be at least this large: small towns' names are
#: everyday words too often ("Park", "Green", "Lake").
SPACED_CITY_POPULATION = 50_000
#: ... or, named by another name than its main one, this large ("Munich", "Frankfurt").
SPACED_ALIAS_POPULATION = 500_000
#: Names longer than this many words are not tried.
_MAX_NAME_WORDS = 4
_MAX_WORDS = 12


def split_spaced(gaz: Gazetteer, text: str) -> str | None:
    """``text`` with its names separated by commas, or None when it is not such a run."""
    words = text.split()
    if not 2 <= len(words) <= _MAX_WORDS or "," in text:
        return None
    out = ""
    cities = 0
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + _MAX_NAME_WORDS), i, -1):
            name = " ".join(words[i:j])
            city, qualifier = _kinds(gaz, fold(name))
            if city or qualifier:
                if out:
                    out += " / " if city and not qualifier else ", "
                out += name
                cities += city
                i = j
                break
        else:
            return None
    return out if cities and out != text else None


def _kinds(gaz: Gazetteer, key: str) -> tuple[bool, bool]:
    """Whether ``key`` names a city big enough, and whether it names a country or region."""
    if not key:
        return False, False
    pop = gaz.population
    city = any(
        pop[ref >> 1] >= (SPACED_ALIAS_POPULATION if ref & 1 else SPACED_CITY_POPULATION)
        for ref in gaz.lookup(key)
    )
    alias = gaz.city_aliases.get(key)
    city = city or (alias is not None and pop[alias] >= SPACED_CITY_POPULATION)
    return city, key in gaz.countries or key in gaz.regions or key in gaz.region_words
