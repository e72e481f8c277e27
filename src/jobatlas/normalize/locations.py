"""Free-text job locations to places (GeoNames city and metro area), country and work arrangement.

``resolve_location("Redmond, WA")`` gives one place, Redmond in Washington, in the Seattle metro.
The parser cuts a string into list items (``|``, ``;``, `` or ``, ``/`` ...) and each item into
comma- or dash-separated tokens; it reads each token as a work arrangement ("Remote", "Hybrid"),
a city, or a qualifier (country, first-level division, US state code, world region). A city and
the qualifiers after it make one place. Among the cities a name can mean, it keeps those that
agree with the qualifiers written in the text, then those in the country hint, then decides by
population, and says ``ambiguous`` rather than guess between countries. docs/methodology.md
(section locations) describes every rule.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, cast

from jobatlas.models import Location, LocationStatus, Place, Remote
from jobatlas.normalize.gazetteer import (
    CityRef,
    Constraint,
    Gazetteer,
    Region,
    data_rows,
    fold,
    load_gazetteer,
)
from jobatlas.normalize.metros import MetroInfo, Metros, load_metros
from jobatlas.normalize.postcodes import ANY_POSTCODE, CA_POSTCODE, UK_POSTCODE, find_postcode

__all__ = [
    "MAX_LOCATION_CHARS",
    "OUTPUT_COLUMNS",
    "LocationResolver",
    "MetroInfo",
    "get_resolver",
    "location_columns",
    "naive_baseline",
    "resolve_location",
]

#: Columns ``location_columns`` fills, in the order ``jobatlas locate`` writes them.
OUTPUT_COLUMNS = (
    "city",
    "admin1",
    "country_code",
    "geonameid",
    "latitude",
    "longitude",
    "metro",
    "metro_id",
    "remote",
    "location_status",
    "locations",
    "match_method",
    "location_confidence",
)

#: Fuzzy matching (misspellings): least rapidfuzz ratio (0-100) for names of 6+ characters and
#: for shorter ones; cities considered within a known country and with no country known.
FUZZY_MIN_SCORE = 84.0
FUZZY_MIN_SCORE_SHORT = 90.0
FUZZY_COUNTRY_POPULATION = 15_000
FUZZY_GLOBAL_POPULATION = 200_000
#: A fuzzy match's confidence is scaled by this and by its ratio.
FUZZY_CONFIDENCE = 0.85
_FUZZY_TOKENS = 2  # unknown tokens tried per string
_FUZZY_LEN = (4, 40)  # folded length of a token worth matching
_FUZZY_MAX_CHARS = 200
#: Confidence of each match method before the same-name share is applied.
_METHOD_CONFIDENCE = {"exact": 0.98, "alias": 0.93, "hint": 0.85}

#: A place within the radius of a city of ``location_city_parts.csv`` is reported as that city
#: only when the city is more than this many times larger (Thane, a separate city, is not Mumbai).
CITY_PART_MAX_SHARE = 10
_EARTH_KM = 6371.0

#: Between countries, the most populous candidate wins only by at least this factor.
DECISIVE_RATIO = 3.0
#: A match on an alternate name counts as this share of the city's population between countries.
ALIAS_WEIGHT = 0.1
#: Within a country, an alternate-name match beats a main-name match only this much larger.
ALIAS_DOMINANCE = 50.0
#: A city named like its own first-level division (Berlin, Madrid) is read as the city when it
#: has at least this many people.
CITY_OVER_REGION_POPULATION = 100_000
#: "Zug, Switzerland", "Heredia, Costa Rica": named with only its country, a name that is both a
#: division and a city of it is the city from this size on (the division would say "Canton of").
CITY_OVER_NAMED_REGION_POPULATION = 10_000
#: A bare name that is a division in one country and a city in another is the city from here on.
FOREIGN_CITY_OVER_REGION_POPULATION = 1_000_000
#: "Whitefield, Bengaluru": a name known only as places of other countries smaller than this,
#: before a town, is a part of that town (Whitefield, Greater Manchester is not meant).
PART_ELSEWHERE_POPULATION = 100_000
#: "Landkreis München", "Pune District": a division named after a town this big lies where it is.
AREA_NAMED_AFTER_TOWN_POPULATION = 10_000
#: "Maslak, Istanbul": a sub-locality smaller than this is reported as the core city it names.
SUBLOCALITY_POPULATION = 100_000
#: "Croydon, London": a city named after a place is its core only from this size on.
CONTEXT_MIN_POPULATION = 50_000
#: City-states whose bare name is the city, not the country.
CITY_STATES = frozenset({"SG", "HK", "MO", "MC", "GI", "VA"})
#: Longest location text read; a longer one is cut here and its result flagged ``truncated``.
MAX_LOCATION_CHARS = 1_000

_CACHE_SIZE = 1 << 18
_OTHERS = re.compile(r"\(\s*\+\s*\d+\s*others?\s*\)|\+\s*\d+\s*(?:others?|more)\b", re.I)
_BREAK = re.compile(r"<\s*(?:/\s*)?br\s*(?:/\s*)?>|[\r\n\t|;\u2022\u00b7\u30fb]+", re.I)
_PARENS = re.compile(r"[(\[\uff08]([^()\[\]\uff08\uff09]*)[)\]\uff09]")
_DASH = re.compile(r"\s+[-\u2013\u2014]+\s+|\s*[\u2013\u2014]+\s*|\s+-(?=\S)|(?<=\S)-\s+")
# "and"/"or" of the job boards' languages (Spanish y/e/o, Italian/Portuguese e/ou, Catalan i,
# Dutch en, Swedish och/eller, Danish/Norwegian og/eller, Russian и/или); read only when the
# whole piece names nothing ("Aix en Provence" is one name).
_WORD_SEP = re.compile(
    r"\s+(?:or|and|ou|et|und|oder|o|y|e|i|en|och|og|eller|и|или)\s+"
    r"|\s*&\s*|\s*\+\s*",
    re.I,
)
_SLASH = re.compile(r"\s*[/\\]\s*")
# Runs of three or more spaces become two: no rule tells two spaces from more (they read one
# space, "\s?" or "\s*"), and the separators above scan a run once from each of its positions.
_SPACE_RUN = re.compile(r"[^\S\t\r\n]{3,}")
_PIECES = re.compile(r"[,\uff0c\u3001]|" + _DASH.pattern)
_HAS_DIGIT = re.compile(r"\d").search
_HAS_BRACKET = re.compile(r"[(\[\uff08]").search
_STRIP = " .:-\u2013\u2014\"'`*"
_SLASH_IDS = 64  # slash groups one piece may hold
# Work arrangements and codes peeled off a piece's ends, one at a time, along one reading: each
# peel reads the rest again, so "Remote Remote Remote ..." would take quadratic time.
_MAX_PEELS = 8
# A place reads at most this many qualifiers ("Springfield, Sangamon County, Illinois, US" has
# three), and so does a name that may be a city or a division ("Georgia, US"); more are ignored,
# since reading all of them again for each token of a long list would take quadratic time.
_MAX_QUALIFIERS = 8
_BRACKETED_NAME_CHARS = 40  # "Name (Qualifier)" read as one name only up to this length each
_INDEXED = 64  # candidate lists longer than this are filtered through an index
_TRAILING_CODE = re.compile(r"^(.*\S)\s+([A-Z]{2,3})$")
_INNER_HYPHEN = re.compile(r"\S-\S")
_ISO_ALPHA2 = re.compile(r"[A-Z]{2}")
_COMPASS = frozenset({"north", "south", "east", "west", "mid", "central", "upper", "lower"})
# A township or a numbered district after a town's name (folded text).
_UNIT_SUFFIX = re.compile(
    r"^(.+?) (?:twp|township|(?:\d{1,2}(?:e|er|eme|st|nd|rd|th)?)(?: arrondissement)?)$"
)
# A Japanese prefecture (都道府県) or Chinese province (省) written before the city, no space.
_JP_PREFECTURE = re.compile(r"^[^\x00-\x7f]{1,3}[府県]$")
_CJK_DIVISION = re.compile(r"^([^\x00-\x7f]{1,4}?[都道府県省])([^\x00-\x7f]{2,})$")
_N_PLACES = re.compile(r"^\d+\s*(?:locations?|offices|cities|sites)$")
_CODE = re.compile(r"^[A-Za-z]{2,3}$")
_CONNECTORS = ("based in", "anywhere in", "within", "across", "from", "in", "only", "ok", "for")


# -- vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Vocab:
    arrangement: dict[str, Remote]  # folded phrase -> kind
    arrangement_head: re.Pattern[str]
    arrangement_tail: re.Pattern[str]
    multi: frozenset[str]
    affix_head: re.Pattern[str]
    affix_tail: re.Pattern[str]
    admin: re.Pattern[str]
    admin_words: frozenset[str]
    town: re.Pattern[str]
    noise: frozenset[str]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    by_kind: dict[str, list[str]] = {}
    for row in data_rows("location_words.csv"):
        by_kind.setdefault(row["kind"], []).append(fold(row["phrase"]))
    arrangement: dict[str, Remote] = {}
    for kind in ("onsite", "hybrid", "remote"):
        arrangement.update((p, kind) for p in by_kind.get(kind, []))
    phrases = _alternation(arrangement)
    prefixes = _alternation(by_kind["prefix"])
    admin = _alternation([*by_kind["admin"], *by_kind["admin_head"]])
    town = _alternation(by_kind["town"])
    return _Vocab(
        arrangement=arrangement,
        arrangement_head=re.compile(rf"^({phrases})(?: |$)"),
        arrangement_tail=re.compile(rf" ({phrases})$"),
        multi=frozenset(by_kind.get("multi", [])),
        affix_head=re.compile(rf"^(?:(?:{prefixes}) )+"),
        affix_tail=re.compile(_run_at_end(by_kind["suffix"])),
        admin=re.compile(rf"^(?:(?:{admin}) )+|{_run_at_end(by_kind['admin'])}"),
        admin_words=frozenset(by_kind["admin"]),
        town=re.compile(rf"^(?:(?:{town}) )+|{_run_at_end(by_kind['town'])}"),
        noise=frozenset(by_kind.get("noise", [])),
    )


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of phrases, longest first so that the longest one matches."""
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


def _run_at_end(phrases: list[str]) -> str:
    """A regex for phrases that end a text, each after a space: " area", " metro area".

    The run never starts right after one of the phrases (a run from there extends back to one
    starting earlier, tried first), so "x area area ... area y" is scanned once, not once from
    each phrase (quadratic time). A look-behind has one width: one per phrase length.
    """
    by_width: dict[int, list[str]] = {}
    for phrase in set(phrases):
        by_width.setdefault(len(phrase), []).append(re.escape(phrase))
    not_after = "".join(f"(?<! (?:{'|'.join(ps)}) )" for _, ps in sorted(by_width.items()))
    alternatives = _alternation(phrases)
    return rf" {not_after}(?:{alternatives})(?: (?:{alternatives}))*$"


# -- tokens ----------------------------------------------------------------------------------

Tier = tuple[Constraint, ...]
"""Constraints of equal standing; a qualifier is a sequence of tiers, tried in order."""


@dataclass(slots=True)
class _Token:
    """One comma- or dash-separated part of a location, and everything it may mean."""

    text: str
    key: str
    cities: tuple[CityRef, ...] = ()
    country: str | None = None
    regions: tuple[Region, ...] = ()
    codes: tuple[Constraint, ...] = ()
    region_word: bool = False
    admin_marked: bool = False
    us_state: bool = False
    is_qualifier: bool = False
    tiers: tuple[Tier, ...] = ()
    tier_sets: tuple[frozenset[str], ...] = ()
    countries: frozenset[str] = frozenset()
    paren: bool = False
    slash_group: int = -1


def _make_token(
    text: str,
    key: str,
    cities: tuple[CityRef, ...] = (),
    country: str | None = None,
    regions: tuple[Region, ...] = (),
    codes: tuple[Constraint, ...] = (),
    region_word: bool = False,
    admin_marked: bool = False,
) -> _Token:
    if not (country or regions or codes or region_word):
        return _Token(text, key, cities, admin_marked=admin_marked)  # most city names
    us_state = any(r[0] == "US" and r[1] for r in regions)
    tiers = _tiers(country, regions, codes, us_state)
    return _Token(
        text=text,
        key=key,
        cities=cities,
        country=country,
        regions=regions,
        codes=codes,
        region_word=region_word,
        admin_marked=admin_marked,
        us_state=us_state,
        is_qualifier=bool(country or regions or codes or region_word),
        tiers=tiers,
        tier_sets=tuple(_tier_set(t) for t in tiers),
        countries=frozenset(c for tier in tiers for c, _ in tier),
    )


def _tiers(
    country: str | None, regions: tuple[Region, ...], codes: tuple[Constraint, ...], us_state: bool
) -> tuple[Tier, ...]:
    """Readings as a qualifier, most likely first: "CA" is California, then Canada."""
    if codes:
        return tuple((c,) for c in codes)
    nation: Tier = ((country, ""),) if country else ()
    states: Tier = tuple(("US", r[1]) for r in regions if r[0] == "US")
    others: Tier = tuple((r[0], r[1]) for r in regions if r[0] != "US")
    ordered = (states, nation, others) if us_state else (nation, states + others)
    return tuple(t for t in ordered if t)


@dataclass(slots=True)
class _Piece:
    """What one piece of text says: its tokens, and any work arrangement or "several places"."""

    tokens: tuple[_Token, ...] = ()
    remote: Remote = "unknown"
    multi: bool = False
    slashes: bool = False  # some token is one of "A/B" alternatives

    def __add__(self, other: _Piece) -> _Piece:
        return _Piece(
            self.tokens + other.tokens,
            _stronger(self.remote, other.remote),
            self.multi or other.multi,
            self.slashes or other.slashes,
        )


@dataclass(slots=True)
class _Parsed:
    """What the string says apart from its places."""

    remote: Remote = "unknown"
    multi: bool = False
    chunks: list[list[_Token]] = field(default_factory=list)


@dataclass(slots=True)
class _Group:
    """A place as written: a city token (the anchor) and the tokens that qualify it."""

    anchor: _Token | None
    quals: list[_Token] = field(default_factory=list)
    context: _Token | None = None  # the core city named after a district ("Maslak, Istanbul")
    ambiguous: bool = False
    failed: bool = False


class _Chunk:
    """The tokens of one chunk, and what grouping asks about all of them, worked out once."""

    __slots__ = ("_names", "_places", "_slash_groups", "tokens")

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self._places: int | None = None
        self._slash_groups: dict[int, list[_Token]] | None = None
        self._names: dict[str, tuple[int, int]] | None = None

    def places(self) -> int:
        """Tokens that can only be places, counting slash alternatives as one."""
        if self._places is None:
            self._places = _place_count(self.tokens)
        return self._places

    def siblings(self, tok: _Token) -> list[_Token]:
        """``tok`` and the alternatives written with it ("A/B")."""
        if tok.slash_group < 0:
            return [tok]
        if self._slash_groups is None:
            self._slash_groups = {}
            for t in self.tokens:
                self._slash_groups.setdefault(t.slash_group, []).append(t)
        return self._slash_groups[tok.slash_group]

    def named_twice(self, i: int, before: bool = False) -> bool:
        """Whether another token (before token ``i`` only, with ``before``) has its name.

        A piece written twice verbatim shares one cached token, which is not "another".
        """
        if self._names is None:
            self._names = {}  # name -> (first token with it, first other token with it or -1)
            for j, t in enumerate(self.tokens):
                first, other = self._names.get(t.key, (j, -1))
                if other < 0 and self.tokens[first] is not t:
                    other = j
                self._names[t.key] = (first, other)
        tok = self.tokens[i]
        first, other = self._names[tok.key]
        if self.tokens[first] is not tok:
            return True
        return other >= 0 and (other < i or not before)

    def lookahead(self, i: int) -> list[_Token]:
        """The qualifiers that follow token ``i``, up to the next city (``_MAX_QUALIFIERS``)."""
        out: list[_Token] = []
        for j in range(i + 1, len(self.tokens)):
            t = self.tokens[j]
            if not (t.is_qualifier or t.admin_marked) or len(out) == _MAX_QUALIFIERS:
                break
            if t.is_qualifier:
                out.append(t)
        return out


@dataclass(slots=True)
class _Outcome:
    """One group resolved: a city, or only countries, and how sure."""

    kind: str  # "place" | "ambiguous" | "failed" | "countries"
    city: int = -1
    countries: frozenset[str] = frozenset()


# -- the resolver ----------------------------------------------------------------------------


class LocationResolver:
    """Resolves location strings against one gazetteer and metro assignment."""

    def __init__(self, gazetteer: Gazetteer, metros: Metros) -> None:
        self.gaz = gazetteer
        self.metros = metros
        self._cached = lru_cache(maxsize=_CACHE_SIZE)(self._resolve)
        self._read: Callable[[str], _Piece] = lru_cache(maxsize=_CACHE_SIZE)(self._read_uncached)
        self._area = [f"{c}|{a}" for c, a in zip(gazetteer.country, gazetteer.admin1, strict=True)]
        self._by_area = lru_cache(maxsize=1 << 14)(self._by_area_uncached)
        self._covers: dict[int, int] | None = None

    @classmethod
    def load(cls) -> LocationResolver:
        gaz = load_gazetteer()
        return cls(gaz, load_metros(gaz))

    def resolve(self, text: str | None, country_hint: str | None = None) -> Location:
        if text and len(text) > MAX_LOCATION_CHARS:
            loc = self.resolve(text[:MAX_LOCATION_CHARS], country_hint)
            return replace(loc, truncated=True)
        if not text or not text.strip():
            return Location(status="unresolved")
        return self._cached(text, country_hint or None)

    def metro_info(self, metro_id: str) -> MetroInfo:
        """The metro with this id; raises ``KeyError`` for an unknown id."""
        return self.metros.info(metro_id)

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

    def _resolve(self, text: str, country_hint: str | None) -> Location:
        hint = self.country_of_hint(country_hint)
        parsed, loc = self._resolve_parsed(text, hint)
        code = text.strip()
        # A location field holding only "CA", "DE", "IN" is an ISO 3166 country code (as in
        # aijobs.net's data), not a US state, whatever the hint; "HK" and "SG" stay cities, and
        # so does a city's own abbreviation ("LA").
        if not loc.places and _ISO_ALPHA2.fullmatch(code) and code in self.gaz.country_names:
            return _rated(Location(status="country_only", country_code=code), "country", 0.9)
        if not loc.places and loc.status in ("unresolved", "country_only", "ambiguous"):
            by_postcode = self._resolve_postcode(text, loc.country_code or hint)
            if by_postcode is not None:
                return by_postcode
        if not loc.places and loc.status == "unresolved":
            dropped = self._resolve_without_country(text, hint)
            if dropped is not None:
                return dropped
        if not loc.places and loc.status in ("unresolved", "country_only"):
            fuzzy = self._resolve_fuzzy(text, parsed, hint, loc.country_code)
            if fuzzy is not None:
                return fuzzy
        if hint and self._foreign_alias_only(parsed, loc, hint):
            tok = parsed.chunks[0][0]
            found = self._fuzzy_name(tok.key, hint)
            if found is not None:
                fuzzy = self._resolve_fuzzy_name(text, tok, found, hint)
                if fuzzy is not None:
                    return fuzzy
        return self._rate(loc, parsed, hint)

    def _foreign_alias_only(self, parsed: _Parsed, loc: Location, hint: str) -> bool:
        """ "Glasow" with hint GB: one bare word that only another country's alternate name
        matches (Glazov's German name) is more likely a misspelling of a town of the hint."""
        if len(parsed.chunks) != 1 or len(parsed.chunks[0]) != 1 or len(loc.places) != 1:
            return False
        tok, place = parsed.chunks[0][0], loc.places[0]
        return (
            place.country_code != hint
            and all(r & 1 for r in tok.cities)
            and not any(self.gaz.country[r >> 1] == hint for r in tok.cities)
        )

    def _resolve_fuzzy_name(
        self, text: str, tok: _Token, found: tuple[str, float], hint: str
    ) -> Location | None:
        name, score = found
        parsed, loc = self._resolve_parsed(text.replace(tok.text, name, 1), hint)
        if not loc.places or loc.places[0].country_code != hint:
            return None
        rated = self._rate(loc, parsed, hint)
        confidence = rated.location_confidence * (score / 100.0) * FUZZY_CONFIDENCE
        return _rated(rated, "fuzzy", round(confidence, 3))

    def _resolve_without_country(self, text: str, hint: str | None) -> Location | None:
        """ "Calgary, AB, United States": a town with its own state or province beats a trailing
        country that contradicts it (job boards append the employer's country)."""
        if len(text) > _FUZZY_MAX_CHARS:
            return None
        head, sep, last = text.rpartition(",")
        if not sep or head.count(",") < 1 or fold(last) not in self.gaz.countries:
            return None
        parsed, loc = self._resolve_parsed(head, hint)
        if loc.status != "resolved" or not loc.places:
            return None
        rated = self._rate(loc, parsed, hint)
        return _rated(rated, rated.match_method, round(rated.location_confidence * 0.8, 3))

    def _resolve_postcode(self, text: str, country: str | None) -> Location | None:
        """A string that names no place but a postcode: the postcode's post town
        (:mod:`jobatlas.normalize.postcodes`), "GU1, Surrey" -> Guildford; "75009" with the
        country known (hint FR) -> Paris."""
        if len(text) > _FUZZY_MAX_CHARS or not _HAS_DIGIT(text):
            return None
        found = find_postcode(text, country)
        if found is None:
            return None
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

    def _resolve_parsed(self, text: str, hint: str | None) -> tuple[_Parsed, Location]:
        parsed = self._parse(text)
        outcomes: list[_Outcome] = []
        for chunk in parsed.chunks:
            outcomes += self._resolve_chunk(chunk, hint)
        return parsed, self._compose(parsed, outcomes)

    # -- misspellings and confidence

    def _resolve_fuzzy(
        self, text: str, parsed: _Parsed, hint: str | None, country: str | None
    ) -> Location | None:
        """Retry with the unknown words of ``text`` replaced by the closest gazetteer name.

        Restricted to the country the text or the hint gives (any city); with neither, to cities
        of at least ``FUZZY_GLOBAL_POPULATION``. At most ``_FUZZY_TOKENS`` unknown tokens are
        tried, so hostile inputs stay linear.
        """
        if len(text) > _FUZZY_MAX_CHARS:
            return None
        unknown = [
            t
            for chunk in parsed.chunks
            for t in chunk
            if not (t.cities or t.is_qualifier) and _FUZZY_LEN[0] <= len(t.key) <= _FUZZY_LEN[1]
        ]
        if not unknown or len(unknown) > _FUZZY_TOKENS:
            return None
        scope = country or hint
        fixed, worst = text, 100.0
        for tok in unknown:
            found = self._fuzzy_name(tok.key, scope)
            if found is None or tok.text not in fixed:
                return None
            name, score = found
            fixed = fixed.replace(tok.text, name, 1)
            worst = min(worst, score)
        parsed2, loc = self._resolve_parsed(fixed, hint)
        if not loc.places:
            return None
        if scope is not None and loc.places[0].country_code != scope:
            return None
        rated = self._rate(loc, parsed2, hint)
        confidence = rated.location_confidence * (worst / 100.0) * FUZZY_CONFIDENCE
        return _rated(rated, "fuzzy", round(confidence, 3))

    def _fuzzy_name(self, key: str, country: str | None) -> tuple[str, float] | None:
        # Misspellings keep the first letter ("Sheffeild", "Torronto"); requiring it keeps
        # garbled words ("Vaşington") unresolved and cuts the names compared.
        names = self._fuzzy_pool(country).get(key[:1])
        if not names:
            return None
        from rapidfuzz import fuzz, process  # imported on the first misspelling only

        cutoff = FUZZY_MIN_SCORE if len(key) >= 6 else FUZZY_MIN_SCORE_SHORT
        found = process.extractOne(key, names, scorer=fuzz.ratio, score_cutoff=cutoff)
        if found is None:
            # Two neighbouring letters swapped ("Tuscon") cost two edits in ``fuzz.ratio``.
            swaps = {key[:i] + key[i + 1] + key[i] + key[i + 2 :] for i in range(1, len(key) - 1)}
            swapped = next((n for n in names if n in swaps), None)
            return None if swapped is None else (swapped, FUZZY_MIN_SCORE)
        return found[0], float(found[1])

    def _fuzzy_pool(self, country: str | None) -> dict[str, list[str]]:
        """Folded main names of the cities fuzzy matching may return, by first letter."""
        return _fuzzy_pools(self.gaz).get(country or "", {})

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

    def _load_covers(self) -> dict[int, int]:
        self._covers = _city_covers(self.gaz)
        return self._covers

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

    # -- parsing

    def _parse(self, text: str) -> _Parsed:
        parsed = _Parsed()
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        text = _squeeze(text)
        if _HAS_RADIUS_WORD(text):
            text = _unwrap_radius(text)
        if "+" in text:
            text, n = _OTHERS.subn(" ", text)
            parsed.multi = n > 0
        extra: list[_Token] = []
        if _HAS_DIGIT(text) or _HAS_BRACKET(text):
            text = self._keep_bracketed_names(text)
            text, asides = _take_asides(text)
            extra = self._read_asides(asides, parsed)
            text = _squeeze(ANY_POSTCODE.sub(" ", text))
        offset = 0
        for chunk_text in _BREAK.split(text):
            chunk: list[_Token] = []
            for piece_text in _PIECES.split(chunk_text):
                piece = self._read(piece_text)
                if piece.slashes:
                    chunk += [_copy(t, slash_group=t.slash_group + offset) for t in piece.tokens]
                    offset += _SLASH_IDS
                else:
                    chunk += piece.tokens
                if piece.remote != "unknown":
                    parsed.remote = _stronger(parsed.remote, piece.remote)
                parsed.multi = parsed.multi or piece.multi
            if chunk:
                parsed.chunks.append(chunk)
        if extra:
            if parsed.chunks:
                parsed.chunks[-1] += extra
            else:
                parsed.chunks.append(extra)
        return parsed

    def _keep_bracketed_names(self, text: str) -> str:
        """Unwrap a bracket that belongs to a name: "Halle (Saale)", "Frankfurt (Oder)"."""
        out, last = [], 0
        for m in _PARENS.finditer(text):
            lo = max(last, m.start() - _BRACKETED_NAME_CHARS)
            start = max(text.rfind(c, lo, m.start()) for c in ",;|") + 1
            if (start == 0 and lo > 0) or m.end() - start > 2 * _BRACKETED_NAME_CHARS:
                continue  # no name is that long
            key = fold(text[start : m.end()])
            if key and key != fold(text[start : m.start()]) and self.gaz.lookup(key):
                out.append(text[last : m.start()] + " " + m.group(1) + " ")
                last = m.end()
        return "".join(out) + text[last:] if out else text

    def _read_asides(self, asides: list[str], parsed: _Parsed) -> list[_Token]:
        """Bracketed asides ("(Hybrid)", "(US)", "(All Areas)") add qualifiers, never places."""
        out: list[_Token] = []
        for aside in asides:
            piece = self._read(aside)
            parsed.remote = _stronger(parsed.remote, piece.remote)
            parsed.multi = parsed.multi or piece.multi
            out += [_copy(t, paren=True) for t in piece.tokens]
        return out

    def _read_uncached(self, piece: str, peels: int = 0) -> _Piece:
        """What one piece says; ``peels`` arrangements or codes were already cut off its text."""
        text = piece.strip(_STRIP)
        key = fold(text)
        if not key:
            return _Piece()
        if key in _vocab().multi or _N_PLACES.match(key):
            return _Piece(multi=True)
        if key in _vocab().noise or key.replace(" ", "").isdigit():
            return _Piece()
        if "-" in text and peels < _MAX_PEELS and (tagged := self._split_tag(text, peels + 1)):
            return tagged
        whole = self._analyse(text, key)
        if whole.cities or whole.is_qualifier:
            return _Piece((whole,))
        found = self._split_words(text, peels) or self._split_slash(text, peels)
        if found is None and peels < _MAX_PEELS:
            found = self._split_arrangement(key, peels + 1) or self._split_code(text, peels + 1)
        return found or _Piece((whole,))

    def _reread(self, part: str, peels: int) -> _Piece:
        """A part of a piece: from the cache, unless ends were cut off on the way to it."""
        return self._read(part) if peels == 0 else self._read_uncached(part, peels)

    def _split_words(self, text: str, peels: int) -> _Piece | None:
        """ "NYC or Remote", "Berlin & Munich" (but "Town and Country" is one name)."""
        parts = [p for p in _WORD_SEP.split(text) if p.strip()]
        if len(parts) < 2:
            return None
        pieces = [self._reread(p, peels) for p in parts]
        out = _concat(pieces)
        heads = tuple(
            p.tokens[0]
            for p in pieces
            if p.tokens and p.tokens[0].cities and not p.tokens[0].is_qualifier
        )
        if len(heads) > 1 and _shared_city(heads) is None:
            out.multi = True  # "Palo Alto or San Francisco": two places, even in one metro
        return out

    def _split_slash(self, text: str, peels: int) -> _Piece | None:
        """ "Bangalore/Bengaluru", "SF/NYC": alternatives, merged later when they name one city."""
        parts = [p for p in _SLASH.split(text) if p.strip()]
        if len(parts) < 2:
            return None
        out = _concat(self._reread(p, peels) for p in parts)
        shared = _shared_city(out.tokens)
        if shared is not None:  # "Kochi/Cochin": two names of one city
            return _Piece((shared,), out.remote, out.multi)
        group = max((t.slash_group for t in out.tokens), default=-1) + 1
        tokens = tuple(t if t.slash_group >= 0 else _copy(t, slash_group=group) for t in out.tokens)
        return _Piece(tokens, out.remote, out.multi, slashes=True)

    def _split_tag(self, text: str, peels: int) -> _Piece | None:
        """ "Remote-USA", "USA-Remote", "Remote-US-TX": a work arrangement joined by hyphens to
        its qualifiers; the parts are read apart (never as one hyphenated town, "Usa", Japan)."""
        parts = [p for p in text.split("-") if p.strip()]
        if len(parts) < 2 or len(parts) > _MAX_QUALIFIERS:
            return None
        arrangement = _vocab().arrangement
        if not any(fold(p) in arrangement for p in parts):
            return None
        return _concat(self._reread(p, peels) for p in parts)

    def _split_arrangement(self, key: str, peels: int) -> _Piece | None:
        """ "Remote in UK" -> remote, and the token "UK"."""
        found = _arrangement(key)
        if found is None:
            return None
        kind, rest = found
        inner = self._reread(rest, peels) if rest else _Piece()
        return _Piece(inner.tokens, _stronger(kind, inner.remote), inner.multi)

    def _split_code(self, text: str, peels: int) -> _Piece | None:
        """ "Sydney NSW", "Seattle WA": a division code written without a comma."""
        m = _TRAILING_CODE.match(text)
        if not m or m.group(2) not in self.gaz.codes:
            return None
        code = _Piece((self._analyse(m.group(2), fold(m.group(2))),))
        return self._reread(m.group(1), peels) + code

    def _analyse(self, text: str, key: str) -> _Token:
        gaz = self.gaz
        code = text.strip()
        codes: tuple[Constraint, ...] = ()
        if _CODE.match(code) and (code.isupper() or len(code) == 2):
            codes = gaz.codes.get(code.upper(), ())
        country = gaz.countries.get(key)
        regions = gaz.regions.get(key, ())
        region_word = key in gaz.region_words
        if _JP_PREFECTURE.match(key):  # "京都府", "神奈川県": the prefecture, not its capital
            return _make_token(text, key, regions=(("JP", "", True),))
        cities = self._lookup(key)
        if not (cities or country or regions or codes or region_word):
            bare = _strip_affixes(key)  # "Oregon Metropolitan Area", "Greater Boston"
            if bare != key:
                country, regions = gaz.countries.get(bare), gaz.regions.get(bare, ())
        # "Municipality of Anchorage" is the town; "Kent County Council" is the county; "Canton
        # Twp" is a township, not a Swiss canton.
        town = _strip_town(key)
        stripped = town if _UNIT_SUFFIX.match(town) else _strip_admin(town)
        if town != key and town == stripped:  # "City of Cape Town", "Borough of Poole"
            cities = tuple(dict.fromkeys((*cities, *self._lookup(town))))
        if not cities and stripped == town:
            cities = self._city_refs(text, key)
        elif not cities and (bare := _strip_affixes(key)) != key:
            cities = self._lookup(bare)  # "Greater Paris Metropolitan Region"
        if cities or country or regions or codes or region_word:
            return _make_token(text, key, cities, country, regions, codes, region_word)
        if stripped != key:  # "Heredia Province", "State of São Paulo": a division, not a city
            regions = (
                gaz.regions.get(stripped, ())
                or gaz.regions.get(_strip_compass(stripped), ())
                or self._areas_named_after(stripped)
            )
            return _make_token(text, stripped, regions=regions, admin_marked=True)
        return _make_token(text, key)

    def _areas_named_after(self, key: str) -> tuple[Region, ...]:
        """ "Landkreis München", "Fairfax County": a division named after a town is no town, but
        it lies in a country that has a town of that name (big enough to name a division)."""
        gaz = self.gaz
        return tuple(
            dict.fromkeys(
                (gaz.country[r >> 1], "", False)
                for r in self._lookup(key)
                if gaz.population[r >> 1] >= AREA_NAMED_AFTER_TOWN_POPULATION
            )
        )

    def _city_refs(self, text: str, key: str) -> tuple[CityRef, ...]:
        """Cities a token names once its exact name has failed: "Greater X Area", "X-Y", ..."""
        stripped = _strip_affixes(key)
        if stripped != key and (refs := self._lookup(stripped)):
            return refs
        if _INNER_HYPHEN.search(text):
            for part in text.split("-"):
                part_key = fold(part)
                refs = self._lookup(part_key) or self._lookup(_strip_affixes(part_key))
                if refs and len(part_key) > 2:
                    return refs
        if key.endswith(" city") and (refs := self._lookup(key[:-5])):
            return refs
        m = _UNIT_SUFFIX.match(key)  # "Clinton Twp", "Paris 9e Arrondissement", "Dublin 2"
        if m and (refs := self._lookup(m.group(1) + " township") or self._lookup(m.group(1))):
            return tuple(r for r in refs if not r & 1)  # main names only: not "Area 51"
        if key and not key.isascii():
            m = _CJK_DIVISION.match(key.replace(" ", ""))
            if m and (refs := self._prefix_lookup(m.group(2))):
                return refs  # "神奈川県横浜市": the city after its prefecture or province
            return self._prefix_lookup(key)
        return ()

    def _lookup(self, key: str) -> tuple[CityRef, ...]:
        if not key:
            return ()
        refs = self.gaz.lookup(key)
        alias = self.gaz.city_aliases.get(key)
        if alias is None:
            return refs
        return (alias << 1, *(r for r in refs if r >> 1 != alias))

    def _prefix_lookup(self, key: str) -> tuple[CityRef, ...]:
        """Scripts written without spaces: "東京都港区" starts with "東京都" (Tokyo)."""
        compact = key.replace(" ", "")
        for end in range(min(len(compact), 12), 1, -1):
            refs = self.gaz.lookup(compact[:end])
            if refs:
                return refs
        return ()

    # -- grouping

    def _resolve_chunk(self, chunk: list[_Token], hint: str | None) -> list[_Outcome]:
        groups = self._group(chunk, hint)
        if len(groups) == 1:
            return [self._resolve_group(groups[0], hint, frozenset())]
        chunk_countries = frozenset(
            q.country for g in groups if g.anchor is not None for q in g.quals if q.country
        )
        outcomes = [self._resolve_group(g, hint, chunk_countries) for g in groups]
        return self._merge_slash_groups(groups, outcomes)

    def _group(self, tokens: list[_Token], hint: str | None) -> list[_Group]:
        groups: list[_Group] = []
        current: _Group | None = None
        consumed: set[int] = set()
        chunk = _Chunk(tokens)
        for i, tok in enumerate(tokens):
            if tok.slash_group >= 0 and tok.slash_group in consumed:
                continue
            if current is not None and current.anchor is not None:
                if self._attach(current, tok, chunk, consumed):
                    continue
                if not tok.cities or tok.admin_marked:
                    continue  # a district or a word we do not know: no place of its own
            kind = self._head_kind(chunk, i, hint)
            if kind == "qualifier":
                current = self._add_qualifier(groups, current, tok)
            elif kind != "skip":
                current = _Group(anchor=tok, ambiguous=kind == "ambiguous")
                groups.append(current)
        return groups

    def _attach(self, group: _Group, tok: _Token, chunk: _Chunk, consumed: set[int]) -> bool:
        """Attach a token to the place before it, as a qualifier or as its core city."""
        if self._qualifies(group, tok) or (tok.paren and not tok.cities):
            if len(group.quals) < _MAX_QUALIFIERS:
                group.quals.append(tok)
            return True
        if tok.paren:
            return True  # "Bengaluru (Whitefield)": an aside never names another place
        assert group.anchor is not None
        if _same_place(group.anchor, tok):
            return True  # "Medellín, Medellin, Antioquia": the city named twice
        if chunk.places() > 2 or 0 <= tok.slash_group == group.anchor.slash_group:
            return False  # "Navi Mumbai, Thane, Mumbai" lists places; "SF/NYC" are alternatives
        core = next((t for t in chunk.siblings(tok) if self._is_core_of(group, t)), None)
        if core is None:
            return False
        group.context = group.context or core
        if tok.slash_group >= 0:
            consumed.add(tok.slash_group)
        return True

    @staticmethod
    def _add_qualifier(groups: list[_Group], current: _Group | None, tok: _Token) -> _Group:
        if current is not None and current.anchor is None and not _consistent(current, tok):
            if tok.codes and not current.failed:
                current.failed = True  # "Texas, GA": a state name used as a city name
                return current
        elif current is not None and current.anchor is None:
            if len(current.quals) < _MAX_QUALIFIERS:
                current.quals.append(tok)
            return current
        group = _Group(anchor=None, quals=[tok])
        groups.append(group)
        return group

    def _head_kind(self, chunk: _Chunk, i: int, hint: str | None) -> str:
        """What token ``i``, starting a place, is: "city", "qualifier", "ambiguous" or "skip"."""
        tok = chunk.tokens[i]
        if not tok.cities:
            if tok.is_qualifier:
                return "qualifier"
            if tok.admin_marked or self._town_follows(chunk, i, tok):
                return "skip"
            return "city"  # unknown name: a place we cannot find
        if self._town_follows(chunk, i, tok):
            return "skip"
        if not tok.is_qualifier:
            return "city"
        quals = chunk.lookahead(i)
        if quals:
            return self._head_with_qualifiers(chunk, i, quals)
        return self._bare_head(chunk, i, hint)

    def _town_follows(self, chunk: _Chunk, i: int, tok: _Token) -> bool:
        """ "Le Marais, Paris", "Culham, Abingdon", "Whitefield, Bengaluru": a name we do not
        know, or know only as a small place of another country, before a town is a part of that
        town or a village next to it; the town is the place."""
        if i + 1 >= len(chunk.tokens) or tok.paren or tok.slash_group >= 0:
            return False
        nxt = chunk.tokens[i + 1]
        if not nxt.cities or nxt.country or nxt.us_state or nxt.codes or nxt.slash_group >= 0:
            return False
        gaz = self.gaz
        if nxt.regions:  # "Paris" is also a département; "Knutsford, Cheshire" names a county
            big = {
                gaz.country[r >> 1]
                for r in nxt.cities
                if gaz.population[r >> 1] >= CITY_OVER_REGION_POPULATION
            }
            if not any(region[0] in big for region in nxt.regions):
                return False
        if not tok.cities:
            return True
        towns = {gaz.country[r >> 1] for r in nxt.cities if not r & 1}
        return bool(towns) and all(
            gaz.country[r >> 1] not in towns and gaz.population[r >> 1] < PART_ELSEWHERE_POPULATION
            for r in tok.cities
        )

    def _head_with_qualifiers(self, chunk: _Chunk, i: int, quals: list[_Token]) -> str:
        tok = chunk.tokens[i]
        first = [q.tiers[:1] if q.codes else q.tiers for q in quals]
        city_ok = self._satisfiable(tok, first)
        if tok.key in self.gaz.city_aliases or chunk.named_twice(i):
            return "city" if city_ok else "qualifier"
        if tok.country or tok.us_state or tok.codes:
            foreign = all(q.country and q.country != "US" for q in quals)
            if tok.us_state and foreign:
                return "city" if city_ok else "qualifier"
            if tok.country and not (tok.us_state or tok.codes) and city_ok:
                # "Granada, Spain": a country's name (here Grenada's Spanish one) before
                # another country is a town of that country when a sizeable one exists.
                others = {q.country for q in quals if q.country and q.country != tok.country}
                if len(others) == len(quals) == 1:
                    pop = self._best_population(tok, first, others)
                    if pop >= CITY_OVER_NAMED_REGION_POPULATION:
                        return "city"
            return "city" if city_ok and any(not q.country for q in quals) else "qualifier"
        region_ok = _consistent_options([_options(tok.tiers), *(_options(t) for t in first)])
        if city_ok != region_ok:
            return "city" if city_ok else "qualifier"
        countries = {r[0] for r in tok.regions}
        pop = self._best_population(tok, first, countries)
        only_countries = all(q.country and not q.regions for q in quals)
        county = not any(r[2] for r in tok.regions)  # "Falkirk, Scotland": a council area
        small = only_countries or county
        floor = CITY_OVER_NAMED_REGION_POPULATION if small else CITY_OVER_REGION_POPULATION
        return "city" if pop >= floor or not city_ok else "qualifier"

    def _bare_head(self, chunk: _Chunk, i: int, hint: str | None) -> str:
        """A name standing alone that is both a city and a country, state or division."""
        tok = chunk.tokens[i]
        if tok.key in self.gaz.city_aliases or chunk.named_twice(i, before=True):
            return "city"
        if tok.country:
            return "city" if self._city_state(tok) else "qualifier"
        if tok.us_state or tok.codes:
            in_hint = hint not in (None, "US") and self._best_population(tok, [], {hint or ""}) > 0
            return "city" if in_hint else "qualifier"
        countries = {r[0] for r in tok.regions}
        refs = self._prefer(tok.cities, frozenset({hint}) if hint else frozenset())
        choice = self._choose(refs)
        if hint in countries and (choice is None or self.gaz.country[choice] != hint):
            return "qualifier"
        if choice is None:
            return "ambiguous"
        pop, country = self.gaz.population[choice], self.gaz.country[choice]
        if country in countries:
            # A county or council area named after its town is the town ("Wrexham", "Galway",
            # "Granada"); a state or province needs a big city to be read as one.
            if tok.region_word:  # "APAC" is Asia-Pacific, not Apac, Uganda
                return "qualifier"
            first = any(r[2] for r in tok.regions if r[0] == country)
            floor = CITY_OVER_REGION_POPULATION if first else CITY_OVER_NAMED_REGION_POPULATION
            return "city" if pop >= floor else "qualifier"
        if country == hint or pop >= FOREIGN_CITY_OVER_REGION_POPULATION:
            return "city"
        return "qualifier" if pop < CITY_OVER_REGION_POPULATION else "ambiguous"

    def _city_state(self, tok: _Token) -> bool:
        return tok.country in CITY_STATES and any(
            self.gaz.country[r >> 1] == tok.country for r in tok.cities
        )

    def _satisfiable(self, tok: _Token, tiers: list[tuple[Tier, ...]]) -> bool:
        cands = [r >> 1 for r in tok.cities]
        for t in tiers:
            cands = self._filter(cands, t)
        return bool(cands)

    def _best_population(
        self, tok: _Token, tiers: list[tuple[Tier, ...]], countries: set[str]
    ) -> int:
        cands = [r >> 1 for r in tok.cities if self.gaz.country[r >> 1] in countries]
        for t in tiers:
            cands = self._filter(cands, t)
        return max((self.gaz.population[c] for c in cands), default=0)

    def _qualifies(self, group: _Group, tok: _Token) -> bool:
        """Whether ``tok`` narrows the group's place (a state, a country), not naming another."""
        if not tok.is_qualifier or group.anchor is None:
            return False
        if not tok.cities or tok.country or tok.codes or not group.anchor.cities:
            return True
        cands = [r >> 1 for r in group.anchor.cities]
        for q in group.quals:
            cands = self._filter(cands, q.tiers)
        kept = self._filter(cands, tok.tiers)
        countries = {self.gaz.country[c] for c in kept}
        if kept and self._names_big_city(tok, countries) and not self._in_first_level(kept, tok):
            return False  # "London, Manchester": a district named after its city is the city
        return bool(kept)

    def _in_first_level(self, cities: list[int], tok: _Token) -> bool:
        """Whether some city lies in a first-level division (a state, a Land) ``tok`` names."""
        firsts = [r for r in tok.regions if r[2]]
        return any(self._satisfies(c, ((r[0], r[1]),)) for c in cities for r in firsts)

    def _names_big_city(self, tok: _Token, countries: set[str]) -> bool:
        population, country = self.gaz.population, self.gaz.country
        return any(
            not r & 1
            and population[r >> 1] >= CITY_OVER_REGION_POPULATION
            and country[r >> 1] in countries
            for r in tok.cities
        )

    def _is_core_of(self, group: _Group, tok: _Token, *, main_names: bool = False) -> bool:
        """Whether ``tok`` names the core city of a metro the group's city may lie in.

        Alternate names count ("Sant Cugat, Barcelona", "Lyngby, Copenhagen"); with
        ``main_names`` only the gazetteer's main names of both places do.
        """
        if group.anchor is None or not tok.cities:
            return False
        mine = {
            self.metros.core_of(r >> 1) for r in group.anchor.cities if not (main_names and r & 1)
        }
        population = self.gaz.population
        return any(
            not (main_names and r & 1)
            and (r >> 1) in mine
            and population[r >> 1] >= CONTEXT_MIN_POPULATION
            for r in tok.cities
        )

    # -- choosing a city

    def _resolve_group(self, group: _Group, hint: str | None, chunk: frozenset[str]) -> _Outcome:
        if group.failed:
            return _Outcome("failed")
        if group.anchor is None:
            return _Outcome("countries", countries=_group_countries(group, hint))
        if group.ambiguous:
            return _Outcome("ambiguous")
        cands = group.anchor.cities
        for q in group.quals:
            cands = self._filter_refs(cands, q.tier_sets)
        if cands and group.context is not None:
            cands = self._near(cands, group.context) or cands
        if not cands:
            return _Outcome("failed", countries=_group_countries(group, hint))
        if chunk and not group.quals:
            cands = self._prefer(cands, chunk)
        if hint:
            cands = self._prefer(cands, frozenset((hint,)))
        city = self._choose(cands)
        if city is None:
            return _Outcome("ambiguous")
        if group.context is not None:
            city = self._sublocality(city, group)
        return _Outcome("place", city=self._whole_city(city))

    def _filter(self, cities: list[int], tiers: tuple[Tier, ...]) -> list[int]:
        for tier in tiers:
            kept = [c for c in cities if self._satisfies(c, tier)]
            if kept:
                return kept
        return [] if tiers else cities

    def _filter_refs(
        self, refs: tuple[CityRef, ...], tiers: tuple[frozenset[str], ...]
    ) -> tuple[CityRef, ...]:
        if len(refs) > _INDEXED:
            index = self._by_area(refs)
            for accepted in tiers:
                found = [r for key in accepted for r in index.get(key, ())]
                if found:
                    return tuple(dict.fromkeys(found)) if len(accepted) > 1 else tuple(found)
            return () if tiers else refs
        country, area = self.gaz.country, self._area
        for accepted in tiers:
            kept = tuple(r for r in refs if country[r >> 1] in accepted or area[r >> 1] in accepted)
            if kept:
                return kept
        return () if tiers else refs

    def _by_area_uncached(self, refs: tuple[CityRef, ...]) -> dict[str, tuple[CityRef, ...]]:
        """A long candidate list ("Springfield") grouped by country and by "country|admin1"."""
        index: dict[str, list[CityRef]] = {}
        for r in refs:
            index.setdefault(self.gaz.country[r >> 1], []).append(r)
            index.setdefault(self._area[r >> 1], []).append(r)
        return {k: tuple(v) for k, v in index.items()}

    def _satisfies(self, city: int, tier: Tier) -> bool:
        accepted = _tier_set(tier)
        return self.gaz.country[city] in accepted or self._area[city] in accepted

    def _prefer(self, refs: tuple[CityRef, ...], countries: frozenset[str]) -> tuple[CityRef, ...]:
        if not countries:
            return refs
        kept = tuple(r for r in refs if self.gaz.country[r >> 1] in countries)
        return kept or refs

    def _near(self, refs: tuple[CityRef, ...], context: _Token) -> tuple[CityRef, ...]:
        cores = {self.metros.core_of(r >> 1) for r in context.cities}
        return tuple(r for r in refs if self.metros.core_of(r >> 1) in cores)

    def _choose(self, refs: tuple[CityRef, ...]) -> int | None:
        """Best city per country, then the most populous country if it wins decisively."""
        if len(refs) == 1:
            return refs[0] >> 1
        country = self.gaz.country
        first = country[refs[0] >> 1]
        if all(country[r >> 1] == first for r in refs):
            return max(refs, key=self._rank) >> 1
        by_country: dict[str, list[CityRef]] = {}
        for ref in refs:
            by_country.setdefault(self.gaz.country[ref >> 1], []).append(ref)
        picks = sorted(
            (
                (max(map(self._score, rs)), max(rs, key=self._rank) >> 1)
                for rs in by_country.values()
            ),
            reverse=True,
        )
        if len(picks) > 1 and picks[0][0] < DECISIVE_RATIO * max(picks[1][0], 1.0):
            return None
        return picks[0][1]

    def _rank(self, ref: CityRef) -> float:
        """Within a country: main names first, unless an alias names a far bigger city."""
        pop = self.gaz.population[ref >> 1]
        return pop / ALIAS_DOMINANCE if ref & 1 else float(pop)

    def _score(self, ref: CityRef) -> float:
        """Between countries: an alternate name is weaker evidence than the main name."""
        pop = self.gaz.population[ref >> 1]
        return pop * ALIAS_WEIGHT if ref & 1 else float(pop)

    def _sublocality(self, city: int, group: _Group) -> int:
        """A small district named before its core city counts as the core ("Maslak, Istanbul")."""
        if group.context is None or self.gaz.population[city] >= SUBLOCALITY_POPULATION:
            return city
        if not self._is_core_of(group, group.context, main_names=True):
            return city  # named by an alternate name: a town in its own right, kept
        core = self.metros.core_of(city)
        named = {r >> 1 for r in group.context.cities}
        return core if core in named else city

    def _whole_city(self, city: int) -> int:
        """ "Paris 8e" is GeoNames' "Paris 08 Élysée": report a numbered district as its city."""
        core = self.metros.core_of(city)
        if core == city:
            return city
        name, core_name = self.gaz.name[city], self.gaz.name[core]
        if (
            core != city
            and name.startswith(core_name + " ")
            and name[len(core_name) + 1 : len(core_name) + 2].isdigit()
        ):
            return core
        return city

    def _merge_slash_groups(self, groups: list[_Group], outcomes: list[_Outcome]) -> list[_Outcome]:
        """Alternatives naming one place are one place: "Bangalore/Bengaluru"."""
        out: list[_Outcome] = []
        seen: dict[tuple[int, int], int] = {}
        for group, outcome in zip(groups, outcomes, strict=True):
            slash = group.anchor.slash_group if group.anchor is not None else -1
            if slash < 0 or outcome.kind != "place":
                out.append(outcome)
                continue
            # one place named twice ("Hyderabad/Secunderabad": a part of the city), not two
            # places of one metro ("Mumbai / Thane" lists two cities)
            covers = self._covers if self._covers is not None else self._load_covers()
            key = (slash, covers.get(outcome.city, outcome.city))
            if key not in seen:
                seen[key] = len(out)
                out.append(outcome)
            elif self.gaz.population[outcome.city] > self.gaz.population[out[seen[key]].city]:
                out[seen[key]] = outcome
        return out


# -- helpers ---------------------------------------------------------------------------------


def _rated(loc: Location, method: str, confidence: float) -> Location:
    """``loc`` with its match method and confidence (quicker than ``dataclasses.replace``)."""
    return Location(
        loc.status, loc.remote, loc.places, loc.country_code, loc.truncated, method, confidence
    )


_STRENGTH = {"unknown": 0, "onsite": 1, "hybrid": 2, "remote": 3}


def _stronger(current: Remote, new: Remote) -> Remote:
    """The arrangement that allows more remote work: "Hybrid or Remote" is remote."""
    return new if _STRENGTH[new] > _STRENGTH[current] else current


# "Remote within 50 miles of Boston", "(must live within commuting distance of Phoenix)",
# "Toronto preferred": the phrase goes, the place stays (a place, not an aside, when bracketed).
_RADIUS_PHRASE = (
    r"(?:must\s+(?:live|be|reside)\s+)?(?:within|in)\s+(?:an?\s+)?"
    r"(?:\d+\s*(?:miles?|mi|kms?|kilomet(?:er|re)s?)|(?:easy\s+|reasonable\s+)?"
    r"(?:commut\w*|driving|travel)\s+distance)\s+(?:of|from|to)\b"
)
_HAS_RADIUS_WORD = re.compile(r"within|distance|preferred|preferably", re.I).search
_RADIUS_BRACKET = re.compile(r"[(\[]([^()\[\]]*?)\b" + _RADIUS_PHRASE + r"([^()\[\]]*)[)\]]", re.I)
_RADIUS = re.compile(r"\b" + _RADIUS_PHRASE + r"|\b(?:preferred|preferably)\b", re.I)


def _unwrap_radius(text: str) -> str:
    text = _RADIUS_BRACKET.sub(lambda m: f" - {m.group(1)} - {m.group(2)}", text)
    return _RADIUS.sub(" - ", text)


def _squeeze(text: str) -> str:
    """Runs of three or more spaces as two (tested cheaply first: most texts have none)."""
    return _SPACE_RUN.sub("  ", text) if "   " in text or not text.isprintable() else text


def _strip_connectors(key: str) -> str:
    changed = True
    while changed and key:
        changed = False
        for word in _CONNECTORS:
            if key == word:
                return ""
            if key.startswith(word + " "):
                key, changed = key[len(word) + 1 :], True
            elif key.endswith(" " + word):
                key, changed = key[: -len(word) - 1], True
    return key


def _strip_affixes(key: str) -> str:
    """ "greater seattle area" -> "seattle"."""
    vocab = _vocab()
    return vocab.affix_tail.sub("", vocab.affix_head.sub("", key))


def _strip_town(key: str) -> str:
    """ "city of cape town" -> "cape town"; "wigan council" -> "wigan"."""
    return _vocab().town.sub("", key)


def _strip_compass(key: str) -> str:
    """ "south cambridgeshire" -> "cambridgeshire": a district named after part of its county."""
    head, _, rest = key.partition(" ")
    return rest if rest and head in _COMPASS else key


def _strip_admin(key: str) -> str:
    """ "heredia province" -> "heredia"; "state of sao paulo" -> "sao paulo"; "federal district"
    -> "" (a division word alone names no place)."""
    vocab = _vocab()
    return "" if key in vocab.admin_words else vocab.admin.sub("", key)


def _arrangement(key: str) -> tuple[Remote, str] | None:
    """A work-arrangement phrase at either end of a folded token: its kind and the rest."""
    vocab = _vocab()
    m = vocab.arrangement_head.match(key)
    if m:
        return vocab.arrangement[m.group(1)], _strip_connectors(key[m.end() :])
    m = vocab.arrangement_tail.search(key)
    if m:
        return vocab.arrangement[m.group(1)], _strip_connectors(key[: m.start()])
    return None


# Tables derived from the gazetteer and bundled data only, shared by every resolver of one
# gazetteer (as its Places are): built on first use, never per resolver.
_DERIVED: dict[str, tuple[Gazetteer, Any]] = {}


def _city_covers(gaz: Gazetteer) -> dict[int, int]:
    """City -> the city whose GeoNames entry covers it (``location_city_parts.csv``)."""
    cached = _DERIVED.get("covers")
    if cached is not None and cached[0] is gaz:
        return cast(dict[int, int], cached[1])
    import numpy as np

    rows = list(data_rows("location_city_parts.csv"))
    covers: dict[int, int] = {}
    for row in [r for r in rows if r["scope"] == "part"]:  # one named part of a city
        part = gaz.index_of(int(row["geonameid"]))
        city = gaz.index_of(int(row.get("city_geonameid") or 0))
        if part is None or city is None:
            raise ValueError(f"location_city_parts.csv: no GeoNames city for {row['note']}")
        covers[part] = city
    rows = [r for r in rows if r["scope"] != "part"]
    cores: list[int] = []
    for row in rows:
        core = gaz.index_of(int(row["geonameid"]))
        if core is None:
            raise ValueError(f"location_city_parts.csv: no GeoNames city {row['geonameid']}")
        cores.append(core)
    wanted = {gaz.country[c] for c in cores}
    by_country: dict[str, list[int]] = {c: [] for c in wanted}
    for i, c in enumerate(gaz.country):
        if c in wanted:
            by_country[c].append(i)
    pop_all = np.frombuffer(gaz.population, dtype=np.int64)
    lat_all = np.radians(np.frombuffer(gaz.latitude, dtype=np.float64))
    lon_all = np.radians(np.frombuffer(gaz.longitude, dtype=np.float64))
    for row, core in zip(rows, cores, strict=True):
        members = np.array(by_country[gaz.country[core]], dtype=np.int64)
        if row["scope"] in ("admin1", "radius"):
            a1 = gaz.admin1[core]
            members = members[[gaz.admin1[i] == a1 for i in members.tolist()]]
        if row["scope"] == "radius":
            lat, lon = lat_all[members], lon_all[members]
            dlat, dlon = lat - lat_all[core], lon - lon_all[core]
            h = np.sin(dlat / 2) ** 2 + np.cos(lat) * np.cos(lat_all[core]) * np.sin(dlon / 2) ** 2
            km = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
            small = pop_all[members] * CITY_PART_MAX_SHARE < pop_all[core]
            members = members[(km <= float(row["radius_km"])) & small]
        for i in members.tolist():
            if i != core:
                covers.setdefault(i, core)
    _DERIVED["covers"] = (gaz, covers)
    return covers


def _fuzzy_pools(gaz: Gazetteer) -> dict[str, dict[str, list[str]]]:
    """Country ("" for any) -> first letter -> folded main names fuzzy matching may return."""
    cached = _DERIVED.get("fuzzy")
    if cached is not None and cached[0] is gaz:
        return cast(dict[str, dict[str, list[str]]], cached[1])
    pools: dict[str, dict[str, list[str]]] = {}
    seen: set[tuple[str, str]] = set()
    population, country = gaz.population, gaz.country
    for i in range(len(gaz)):
        pop = population[i]
        if pop < FUZZY_COUNTRY_POPULATION:
            continue
        name = fold(gaz.name[i])
        if not name:
            continue
        scopes = (country[i], "") if pop >= FUZZY_GLOBAL_POPULATION else (country[i],)
        for scope in scopes:
            if (scope, name) not in seen:
                seen.add((scope, name))
                pools.setdefault(scope, {}).setdefault(name[0], []).append(name)
    _DERIVED["fuzzy"] = (gaz, pools)
    return pools


def _take_asides(text: str) -> tuple[str, list[str]]:
    """Remove bracketed asides and return them; a postcode adds its country as an aside."""
    asides = [m.group(1) for m in _PARENS.finditer(text)]
    text = _PARENS.sub(" ", text)
    if UK_POSTCODE.search(text):
        asides.append("GB")
    if CA_POSTCODE.search(text):
        asides.append("Canada")  # not "CA", which reads as California
    return text, asides


def _copy(tok: _Token, *, paren: bool | None = None, slash_group: int | None = None) -> _Token:
    """A copy of a (cached, shared) token with its position flags changed."""
    return _Token(
        tok.text,
        tok.key,
        tok.cities,
        tok.country,
        tok.regions,
        tok.codes,
        tok.region_word,
        tok.admin_marked,
        tok.us_state,
        tok.is_qualifier,
        tok.tiers,
        tok.tier_sets,
        tok.countries,
        tok.paren if paren is None else paren,
        tok.slash_group if slash_group is None else slash_group,
    )


def _concat(pieces: Iterable[_Piece]) -> _Piece:
    """The pieces as one (adding them pairwise would copy the tokens once per piece)."""
    out = _Piece()
    tokens: list[_Token] = []
    for piece in pieces:
        tokens += piece.tokens
        out.remote = _stronger(out.remote, piece.remote)
        out.multi = out.multi or piece.multi
        out.slashes = out.slashes or piece.slashes
    out.tokens = tuple(tokens)
    return out


def _consistent(group: _Group, *tokens: _Token) -> bool:
    """Whether the group's qualifiers and ``tokens`` can all describe one area."""
    return _consistent_options([_options(q.tiers) for q in [*group.quals, *tokens]])


def _options(tiers: tuple[Tier, ...]) -> set[Constraint]:
    return {c for tier in tiers for c in tier}


def _consistent_options(options: list[set[Constraint]]) -> bool:
    options = [o for o in options if o]
    if not options:
        return True
    return any(
        all(
            any(c == country and (not a or not admin1 or a == admin1) for c, a in o)
            for o in options[1:]
        )
        for country, admin1 in options[0]
    )


def _group_countries(group: _Group, hint: str | None) -> frozenset[str]:
    """Countries all the group's qualifiers agree on, each read in its likeliest way."""
    out: frozenset[str] | None = None
    for q in group.quals:
        tiers = q.tiers
        if not tiers:
            continue
        tier = next((t for t in tiers if any(c == hint for c, _ in t)), tiers[0])
        countries = frozenset(c for c, _ in tier)
        out = countries if out is None else out & countries
    return out or frozenset()


def _tier_set(tier: Tier) -> frozenset[str]:
    """A tier as strings to test cities against: "US" (anywhere in it) or "US|CA" (one state)."""
    return frozenset(f"{c}|{a}" if a else c for c, a in tier)


def _shared_city(tokens: tuple[_Token, ...]) -> _Token | None:
    """The first token narrowed to the cities every token may mean, when they share some."""
    if len(tokens) < 2 or any(not t.cities for t in tokens):
        return None
    common = {r >> 1 for r in tokens[0].cities}
    for t in tokens[1:]:
        common &= {r >> 1 for r in t.cities}
    if not common:
        return None
    first = tokens[0]
    refs = tuple(r for r in first.cities if r >> 1 in common)
    return _Token(first.text, first.key, refs)


def _same_place(a: _Token, b: _Token) -> bool:
    mine = {r >> 1 for r in a.cities}
    return any((r >> 1) in mine for r in b.cities)


def _place_count(chunk: list[_Token]) -> int:
    """Tokens that can only be places, counting slash alternatives as one."""
    slots = {
        t.slash_group if t.slash_group >= 0 else -1 - i
        for i, t in enumerate(chunk)
        if t.cities and not t.is_qualifier
    }
    return len(slots)


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


def location_columns(loc: Location) -> dict[str, object]:
    """A location as flat columns: the first place fills the single-place ones.

    ``locations`` is a JSON list of every place (city, country_code, geonameid, metro).
    """
    p = loc.primary
    places = [
        {"city": x.city, "country_code": x.country_code, "geonameid": x.geonameid, "metro": x.metro}
        for x in loc.places
    ]
    return {
        "city": p.city if p else None,
        "admin1": p.admin1 if p else None,
        "country_code": p.country_code if p else loc.country_code,
        "geonameid": p.geonameid if p else None,
        "latitude": p.latitude if p else None,
        "longitude": p.longitude if p else None,
        "metro": p.metro if p else None,
        "metro_id": p.metro_id if p else None,
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
