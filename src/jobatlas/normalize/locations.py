"""Free-text job locations to places (GeoNames city and metro area), country and work arrangement.

``resolve_location("Redmond, WA")`` gives one place, Redmond in Washington, in the Seattle metro.
The parser cuts a string into list items (``|``, ``;``, `` or ``, ``/`` ...) and each item into
comma- or dash-separated tokens; it reads each token as a work arrangement ("Remote", "Hybrid"),
a city, or a qualifier (country, first-level division, US state code, world region). A city and
the qualifiers after it make one place. Among the cities a name can mean, it keeps those that
agree with the qualifiers written in the text, then those in the country hint, then decides by
population, and says ``ambiguous`` rather than guess between countries. docs/methodology.md
(section locations) describes every rule.

The resolver is one class built from mixins, one module per step: ``locations_read`` (text to
tokens), ``locations_group`` (tokens to places), ``locations_choose`` (a place's city), over
``locations_vocab`` (words and patterns) and ``locations_tables`` (tables derived once).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache
from typing import Any

from jobatlas.models import Location, LocationStatus, Place
from jobatlas.normalize.gazetteer import CityRef, Gazetteer, fold, load_gazetteer
from jobatlas.normalize.locations_choose import _Outcome
from jobatlas.normalize.locations_former import former_town
from jobatlas.normalize.locations_fuzzy import _FUZZY_MAX_CHARS, _Fuzzy, _rated
from jobatlas.normalize.locations_group import BIG_CITY_POPULATION, CITY_STATES, _Grouper
from jobatlas.normalize.locations_postal import place_alias, postal_town, site_name
from jobatlas.normalize.locations_read import _Parsed, _Reader
from jobatlas.normalize.locations_spaced import split_spaced
from jobatlas.normalize.locations_tables import distance_km
from jobatlas.normalize.locations_villages import small_place, village_metro, village_place
from jobatlas.normalize.locations_vocab import _HAS_DIGIT, _TRAILING_CODE, _vocab
from jobatlas.normalize.metros import MetroInfo, Metros, load_metros
from jobatlas.normalize.postcodes import find_postcode, find_us_zip

__all__ = [
    "MAX_LOCATION_CHARS",
    "OUTPUT_COLUMNS",
    "LocationResolver",
    "MetroInfo",
    "get_resolver",
    "location_columns",
    "naive_baseline",
    "posting_location_columns",
    "resolve_location",
]

#: The single-place columns, filled from the first place (``posting_location_columns``).
_PLACE_COLUMNS = (
    "city",
    "admin1",
    "country_code",
    "geonameid",
    "latitude",
    "longitude",
    "metro",
    "metro_id",
)

#: Columns ``location_columns`` fills, in the order ``jobatlas locate`` writes them.
OUTPUT_COLUMNS = (
    *_PLACE_COLUMNS,
    "remote",
    "location_status",
    "locations",
    "match_method",
    "location_confidence",
)

#: Confidence of each match method before the same-name share is applied.
_METHOD_CONFIDENCE = {"exact": 0.98, "alias": 0.93, "hint": 0.85}

#: Longest location text read; a longer one is cut here and its result flagged ``truncated``.
MAX_LOCATION_CHARS = 1_000

_CACHE_SIZE = 1 << 18
#: A site written before a town names that town when the two lie this close ("Porton Down,
#: Salisbury"): the town is the site's post town.
SITE_TOWN_KM = 25.0
_ISO_ALPHA2 = re.compile(r"[A-Z]{2}")
#: "Massy (91)", "Orange (84)": the number of a département of metropolitan France after a
#: town (the overseas ones are countries of their own in GeoNames).
_FRENCH_DEPARTMENT = re.compile(r"\((?:0[1-9]|[1-8]\d|9[0-5]|2[AB])\)\s*$")
#: "København K", "Aarhus C, Danmark", "2100 København Ø": the letters of a Danish postal
#: district, before the end or a comma.
_DANISH_DISTRICT = re.compile(r"^([^,]*\S)\s+(?:K|V|Ø|N|S|C|SV|NV|NØ|SØ)(\s*,.*)?$")


# -- the resolver ----------------------------------------------------------------------------


class LocationResolver(_Reader, _Grouper, _Fuzzy):
    """Resolves location strings against one gazetteer and metro assignment."""

    def __init__(self, gazetteer: Gazetteer, metros: Metros) -> None:
        self.gaz = gazetteer
        self.metros = metros
        self._cached = lru_cache(maxsize=_CACHE_SIZE)(self._resolve_named)
        self._read = lru_cache(maxsize=_CACHE_SIZE)(self._read_uncached)
        self._is_qualifier_text = lru_cache(maxsize=1 << 14)(self._is_qualifier_uncached)
        self._area = [f"{c}|{a}" for c, a in zip(gazetteer.country, gazetteer.admin1, strict=True)]
        self._by_area = lru_cache(maxsize=1 << 14)(self._by_area_uncached)
        self._covers = None
        self._counties = None

    @classmethod
    def load(cls) -> LocationResolver:
        gaz = load_gazetteer()
        return cls(gaz, load_metros(gaz))

    def resolve(self, text: str | None, country_hint: str | None = None) -> Location:
        """Resolve one string; anything that is not a string (None, NaN) is a missing value."""
        if not isinstance(text, str):
            return Location(status="unresolved")
        if not isinstance(country_hint, str):
            country_hint = None
        if len(text) > MAX_LOCATION_CHARS:
            loc = self.resolve(text[:MAX_LOCATION_CHARS], country_hint)
            return replace(loc, truncated=True)
        if not text or not text.strip():
            return Location(status="unresolved")
        return self._cached(text, country_hint or None)

    def metro_info(self, metro_id: str) -> MetroInfo:
        """The metro with this id; raises ``KeyError`` for an unknown id."""
        try:
            return self.metros.info(metro_id)
        except KeyError:
            info = village_metro(metro_id)  # a village that is its own metro
            if info is None:
                raise
            return info

    def iter_metros(self) -> Iterator[MetroInfo]:
        """Every metro, most populous first."""
        return iter(self.metros)

    def place(self, city: int) -> Place:
        """Gazetteer city ``city`` as a Place (shared by every resolver of these metros)."""
        return self.metros.place(city)

    def country_of_hint(self, hint: str | None) -> str | None:
        if not hint or not hint.strip():
            return None
        hint = hint.strip()
        if len(hint) == 2 and hint.isalpha():
            code = hint.upper()
            return code if code in self.gaz.country_names else None
        return self.gaz.countries.get(fold(hint))

    # -- top level

    def _resolve_named(self, text: str, country_hint: str | None) -> Location:
        """A site or post office that is a place of its own keeps its name ("Quantico, VA"),
        with the id, coordinates and metro of the town it lies by; a site followed by a town
        near it is that town ("Milton Park, Abingdon")."""
        loc = self._resolve(text, country_hint)
        if loc.status == "multi" or (loc.status == "resolved" and len(loc.places) == 1):
            after = self._town_after_site(text, country_hint)
            if after is not None and after.places[0] != loc.places[0]:
                return after
        if loc.status != "resolved" or len(loc.places) != 1:
            return loc
        town = self.gaz.index_of(loc.places[0].geonameid)
        if town is None:
            return loc
        name = site_name(self.gaz, text, loc.places[0].geonameid, self._is_qualifier_text)
        if name is None or name == loc.places[0].city:
            return loc
        return replace(loc, places=(small_place(self.gaz, self.metros, town, name),))

    def _town_after_site(self, text: str, country_hint: str | None) -> Location | None:
        """The town written after a site (a ``place`` alias) when it lies within
        ``SITE_TOWN_KM`` of the site's own town ("Milton Park, Abingdon"); None otherwise."""
        head, comma, rest = text.partition(",")
        site_town = place_alias(head) if comma else None
        host = self.gaz.index_of(site_town) if site_town is not None else None
        if host is None:
            return None
        after = self._cached(rest, country_hint)
        if after.status != "resolved" or not after.places:
            return None
        town = self.gaz.index_of(after.places[0].geonameid)
        if town is None or distance_km(self.gaz, town, host) > SITE_TOWN_KM:
            return None
        return after

    def _resolve(self, text: str, country_hint: str | None) -> Location:
        hint = self.country_of_hint(country_hint)
        if (city := former_town(self.gaz, text, hint)) is not None:
            place = self.place(city)  # "Scarborough, ON": the city it was merged into
            return _rated(
                Location("resolved", "unknown", (place,), place.country_code), "alias", 0.8
            )
        parsed, loc = self._resolve_parsed(text, hint)
        code = text.strip()
        # A location field holding only "CA", "DE", "IN" is an ISO 3166 country code (as in
        # aijobs.net's data), not a US state, whatever the hint; "HK" and "SG" stay cities, and
        # so does a city's own abbreviation ("LA").
        if not loc.places and _ISO_ALPHA2.fullmatch(code) and code in self.gaz.country_names:
            return _rated(Location(status="country_only", country_code=code), "country", 0.9)
        if not loc.places and hint and fold(code) in _vocab().national:  # "Nationwide", GB
            return _rated(Location(status="country_only", country_code=hint), "hint", 0.8)
        if (
            hint is None
            and loc.country_code != "FR"
            and _FRENCH_DEPARTMENT.search(text)
            and (french := self._placed_in(text, "FR")) is not None
        ):
            return french
        if not loc.places and loc.status in ("unresolved", "country_only", "ambiguous"):
            by_postcode = self._resolve_postcode(text, loc.country_code or hint)
            if by_postcode is not None:
                return by_postcode
        if not loc.places and loc.status == "unresolved":
            dropped = self._resolve_without_country(text, hint)
            if dropped is not None:
                return dropped
            if (northern := self._northern_ireland(text)) is not None:
                return northern
            if (
                (district := _DANISH_DISTRICT.match(text))
                and hint in (None, "DK")
                and (danish := self._placed_in(district[1] + (district[2] or ""), "DK")) is not None
            ):
                return danish
            if (in_city := self._code_named_city(text, hint)) is not None:
                return in_city
            if (postal := postal_town(self.gaz, text, hint)) is not None:
                # "Holmdel, NJ": the post office by its name, placed at the town it lies by
                place = small_place(self.gaz, self.metros, *postal)
                return _rated(Location("resolved", parsed.remote, (place,), "US"), "postal", 0.6)
            if (village := self._village(parsed)) is not None:  # "Ickleton, Cambridgeshire"
                where = (village,)
                return _rated(
                    Location("resolved", parsed.remote, where, village.country_code), "village", 0.6
                )
            if (spaced := split_spaced(self.gaz, text)) is not None:  # "Hamburg Köln"
                parsed_spaced, listed = self._resolve_parsed(spaced, hint)
                if listed.places:
                    return self._rate(listed, parsed_spaced, hint)
        if not loc.places and loc.status in ("unresolved", "country_only"):
            fuzzy = self._resolve_fuzzy(text, parsed, hint, loc.country_code)
            if fuzzy is not None:
                return fuzzy
        if loc.status == "unresolved" and (area := self._resolve_fuzzy_area(parsed, hint)):
            return area
        if hint and self._foreign_alias_only(parsed, loc, hint):
            tok = parsed.chunks[0][0]
            found = self._fuzzy_name(tok.key, hint)
            if found is not None:
                fuzzy = self._resolve_fuzzy_name(text, tok, found, hint)
                if fuzzy is not None:
                    return fuzzy
        return self._rate(loc, parsed, hint)

    def _placed_in(self, text: str, country: str) -> Location | None:
        """``text`` read with hint ``country``, when its first place lies there."""
        loc = self._resolve(text, country)
        return loc if loc.places and loc.places[0].country_code == country else None

    def _village(self, parsed: _Parsed) -> Place | None:
        """One place written as a name the gazetteer lacks and its qualifiers."""
        if len(parsed.chunks) != 1 or len(parsed.chunks[0]) < 2:
            return None
        name, *quals = parsed.chunks[0]
        if not all(q.is_qualifier for q in quals):
            return None
        return village_place(self.gaz, self.metros, name, quals)

    def _code_named_city(self, text: str, hint: str | None) -> Location | None:
        """ "Silver Lake, LA": a state code that is also a big city's short name ("LA" is
        Louisiana and Los Angeles), after a name Louisiana lacks, names that city: the place is
        then the name read before the city, when it lies in the city's metro."""
        head, comma, code = text.rpartition(",")
        city = self.gaz.city_aliases.get(fold(code)) if comma and code.strip().isupper() else None
        if city is None or self.gaz.population[city] < BIG_CITY_POPULATION:
            return None
        loc = self._resolve(f"{head}, {self.gaz.name[city]}", hint)
        metro = self.place(city).metro_id
        if loc.places and all(p.metro_id == metro for p in loc.places):
            return loc
        return None

    def _resolve_without_country(self, text: str, hint: str | None) -> Location | None:
        """ "Calgary, AB, United States": a town with its own state or province beats a trailing
        country that contradicts it (job boards append the employer's country)."""
        if len(text) > _FUZZY_MAX_CHARS:
            return None
        head, sep, last = text.rpartition(",")
        own_state = head.count(",") >= 1 or bool(_TRAILING_CODE.match(head.strip()))
        if not sep or not own_state or fold(last) not in self.gaz.countries:
            return None  # "Sydney NSW, United Kingdom" names its state without a comma
        parsed, loc = self._resolve_parsed(head, hint)
        if loc.status != "resolved" or not loc.places:
            return None
        return _overridden(self._rate(loc, parsed, hint))

    def _northern_ireland(self, text: str) -> Location | None:
        """ "Belfast, Ireland", "Derry, Ireland": a town of Northern Ireland followed by the
        island's name (boards that list "Ireland" for the whole island)."""
        head, comma, last = text.rpartition(",")
        if not comma or fold(last) != "ireland" or len(text) > _FUZZY_MAX_CHARS:
            return None
        loc = self._resolve(f"{head}, Northern Ireland", "GB")
        if loc.status != "resolved" or loc.country_code != "GB":
            return None
        return _overridden(loc)

    def _resolve_postcode(self, text: str, country: str | None) -> Location | None:
        """A string that names no place but a postcode: the postcode's post town
        (:mod:`jobatlas.normalize.postcodes`), "GU1, Surrey" -> Guildford; "75009" with the
        country known (hint FR) -> Paris."""
        if len(text) > _FUZZY_MAX_CHARS or not _HAS_DIGIT(text):
            return None
        found = find_postcode(text, country)
        if found is None:
            return self._resolve_us_zip(text) if country == "US" else None
        start, end, country, city = found
        index = self.gaz.index_of(city)
        if index is None:
            return None
        name = self.gaz.name[index]
        # "NSW 2000": the town goes in as a part of its own, after what the text says.
        parsed, loc = self._resolve_parsed(f"{text[:start]}, {name}, {text[end:]}", country)
        if not loc.places or loc.places[0].country_code != country:
            return None
        rated = self._rate(loc, parsed, country)
        return _rated(rated, "postcode", 0.8)

    def _resolve_us_zip(self, text: str) -> Location | None:
        """ "94105" on a US board, "TX 78701": the ZIP code's USPS city, read with its state."""
        found = find_us_zip(text)
        if found is None:
            return None
        loc = self._resolve(f"{found.city}, {found.state}", "US")
        if loc.status != "resolved" or loc.country_code != "US":
            return None
        return _rated(loc, "postcode", 0.8)

    def _resolve_parsed(self, text: str, hint: str | None) -> tuple[_Parsed, Location]:
        parsed = self._parse(text)
        outcomes: list[_Outcome] = []
        for chunk in parsed.chunks:
            outcomes += self._resolve_chunk(chunk, hint)
        return parsed, self._compose(parsed, outcomes)

    # -- misspellings and confidence

    def _rate(self, loc: Location, parsed: _Parsed, hint: str | None) -> Location:
        """``match_method`` and ``location_confidence`` of a resolved location."""
        place = loc.primary
        if place is None:
            if loc.status in ("country_only", "remote", "multi") and loc.country_code:
                regional = any(t.regions or t.codes for chunk in parsed.chunks for t in chunk)
                return _rated(loc, "region" if regional else "country", 0.9)
            return loc
        city = self.gaz.index_of(place.geonameid)
        if city is None:
            return loc
        covers = self._covers or {}
        method, share = "alias", 1.0
        found = False
        for chunk in parsed.chunks:
            for tok in chunk:
                for ref in tok.cities:
                    if ref >> 1 == city or covers.get(ref >> 1) == city:
                        found = True
                        method = "alias" if ref & 1 else "exact"
                        break
                if not found:
                    continue
                if len(tok.cities) > 1:
                    share = self._share(tok.cities, ref >> 1)
                    if hint and not any(t.is_qualifier for t in chunk):
                        country = self.gaz.country
                        if any(country[r >> 1] != place.country_code for r in tok.cities):
                            method = "hint"
                break
            if found:
                break
        confidence = _METHOD_CONFIDENCE[method] * (0.6 + 0.4 * share)
        if loc.status == "multi":
            confidence *= 0.9
        return _rated(loc, method, round(confidence, 3))

    def _share(self, refs: tuple[CityRef, ...], city: int) -> float:
        """The chosen city's share of the population of every place the token could name."""
        pop = self.gaz.population
        total = sum(pop[r >> 1] for r in dict.fromkeys(r | 1 for r in refs))
        return pop[city] / total if total > 0 else 1.0

    def _compose(self, parsed: _Parsed, outcomes: list[_Outcome]) -> Location:
        covers = self._covers if self._covers is not None else self._load_covers()
        if len(outcomes) == 1 and outcomes[0].kind == "place" and not parsed.multi:
            city = outcomes[0].city
            place = self.place(covers.get(city, city))  # the common case, made quick
            return Location("resolved", parsed.remote, (place,), place.country_code)
        cities = list(
            dict.fromkeys(covers.get(o.city, o.city) for o in outcomes if o.kind == "place")
        )
        places = tuple(self.place(c) for c in cities)
        named = len(places) + sum(o.kind == "ambiguous" for o in outcomes)
        countries = [o.countries for o in outcomes if o.kind in ("countries", "failed")]
        country = _single({p.country_code for p in places}) if places else _only(countries)
        status: LocationStatus
        if parsed.multi or named > 1:
            status = "multi"
            country = places[0].country_code if places else _first(countries)
            if not places and not named and country is None:
                status = "unresolved"  # "Multiple Locations": several places, none named
        elif places:
            status = "resolved"
        elif parsed.remote == "remote":
            status, country = "remote", _only(countries)
        elif any(o.kind == "ambiguous" for o in outcomes):
            status, country = "ambiguous", None
        elif any(o.kind == "failed" for o in outcomes):
            status, country = "unresolved", None
        else:
            status, country = self._countries_status(outcomes)
            city_state = self._city_state_city(country) if status == "country_only" else None
            if city_state is not None:  # "HK", "Hong Kong SAR": a city-state is its city
                places = (self.place(city_state),)
                status = "resolved"
        return Location(status=status, remote=parsed.remote, places=places, country_code=country)

    def _city_state_city(self, country: str | None) -> int | None:
        """The main city of a city-state (``CITY_STATES``): its most populous gazetteer city."""
        if country not in CITY_STATES:
            return None
        gaz = self.gaz
        cities = [
            r >> 1
            for r in gaz.lookup(fold(gaz.country_names.get(country, "")))
            if gaz.country[r >> 1] == country
        ]
        return max(cities, key=lambda i: gaz.population[i], default=None)

    @staticmethod
    def _countries_status(outcomes: list[_Outcome]) -> tuple[LocationStatus, str | None]:
        sets = [o.countries for o in outcomes if o.kind == "countries" and o.countries]
        if not sets:
            return "unresolved", None
        if len(sets) > 1:
            return "multi", _first(sets)
        if len(sets[0]) > 1:
            return "ambiguous", None
        return "country_only", next(iter(sets[0]))


# -- helpers ---------------------------------------------------------------------------------


def _single(values: set[str]) -> str | None:
    return next(iter(values)) if len(values) == 1 else None


def _only(sets: list[frozenset[str]]) -> str | None:
    union = frozenset().union(*sets) if sets else frozenset()
    return next(iter(union)) if len(union) == 1 else None


def _first(sets: list[frozenset[str]]) -> str | None:
    for s in sets:
        if len(s) == 1:
            return next(iter(s))
    return None


# -- public functions ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def get_resolver() -> LocationResolver:
    """The shared resolver, built on first use (the gazetteer loads from its cache file)."""
    return LocationResolver.load()


def resolve_location(text: str | None, country_hint: str | None = None) -> Location:
    """Resolve one location string; ``country_hint`` is an ISO alpha-2 code or a country name."""
    return get_resolver().resolve(text, country_hint)


def posting_location_columns(loc: Location) -> dict[str, Any]:
    """The location columns of the store's ``postings`` table (docs/schema.md) for ``loc``:
    the first place fills the single-place ones, the country is the place's or else the
    location's own."""
    p = loc.primary
    return {
        "location_status": loc.status,
        "remote": loc.remote,
        "city": p.city if p else None,
        "admin1": p.admin1 if p else None,
        "country_code": p.country_code if p else loc.country_code,
        "geonameid": p.geonameid if p else None,
        "latitude": p.latitude if p else None,
        "longitude": p.longitude if p else None,
        "metro": p.metro if p else None,
        "metro_id": p.metro_id if p else None,
        "n_places": len(loc.places),
        "location_match_method": loc.match_method,
        "location_confidence": loc.location_confidence,
        "location_truncated": loc.truncated,
    }


def location_columns(loc: Location) -> dict[str, object]:
    """A location as flat columns: the first place fills the single-place ones.

    ``locations`` is a JSON list of every place (city, country_code, geonameid, metro).
    """
    columns = posting_location_columns(loc)
    places = [
        {"city": x.city, "country_code": x.country_code, "geonameid": x.geonameid, "metro": x.metro}
        for x in loc.places
    ]
    return {name: columns[name] for name in _PLACE_COLUMNS} | {
        "remote": loc.remote,
        "location_status": loc.status,
        "locations": json.dumps(places, ensure_ascii=False),
        "match_method": loc.match_method,
        "location_confidence": round(loc.location_confidence, 3),
    }


def naive_baseline(text: str | None) -> Location:
    """The baseline: the text before the first comma as a country name, else the most populous
    gazetteer place of that exact (folded) name."""
    resolver = get_resolver()
    head = fold((text or "").split(",")[0])
    country = resolver.gaz.countries.get(head)
    if country:
        return Location(status="country_only", country_code=country)
    refs = resolver.gaz.lookup(head)
    if not refs:
        return Location(status="unresolved")
    city = max((r >> 1 for r in refs), key=lambda c: resolver.gaz.population[c])
    place = resolver.place(city)
    return Location(status="resolved", places=(place,), country_code=place.country_code)


def _overridden(loc: Location) -> Location:
    """``loc`` read against a part of the text that contradicts it (a trailing country): the
    same match, with four fifths of its confidence."""
    return _rated(loc, loc.match_method, round(loc.location_confidence * 0.8, 3))
