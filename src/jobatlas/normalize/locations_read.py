"""Reading a location string into tokens, the first step of the location resolver.

The text is cut into chunks (list items: ``|``, ``;``, line breaks) and each chunk into pieces
(comma- or dash-separated). A piece is read, once per distinct text, into tokens: each says every
city, country, division or code its words may mean. Words such as "or", "&" and "/" split a piece
further; work arrangements ("Remote") and trailing codes ("Seattle WA") are peeled off its ends.
The token types live here; the reading methods form ``_Reader``, a mixin of ``LocationResolver``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from jobatlas.models import Remote
from jobatlas.normalize.gazetteer import CityRef, Constraint, Gazetteer, Region, fold
from jobatlas.normalize.locations_compound import (
    greater_nordic_refs,
    hyphenated_refs,
    malay_village_refs,
)
from jobatlas.normalize.locations_vocab import (
    _BREAK,
    _CAMEL_GAP,
    _CJK_DIVISION,
    _CODE,
    _COMMA_PARTS,
    _COMMAS,
    _COUNTRY_WIDE,
    _DASH,
    _EAST_ASIAN,
    _HAS_BRACKET,
    _HAS_DIGIT,
    _HAS_RADIUS_WORD,
    _HAS_SCHEDULE_WORD,
    _HAS_TIME_ZONE_WORD,
    _INNER_HYPHEN,
    _JP_PREFECTURE,
    _JP_ROMAJI_PREFECTURE,
    _LONE_LETTER,
    _N_PLACES,
    _NEAR,
    _NUMBERED_PART,
    _OTHERS,
    _PARENS,
    _PIECES,
    _PLACE_WORD,
    _SLASH,
    _STRIP,
    _THAI,
    _TIME_ZONES,
    _TRAILING_CODE,
    _UNIT_SUFFIX,
    _WORD_SEP,
    _arrangement,
    _may_need_readings,
    _may_say_near,
    _script_countries,
    _spell_out,
    _squeeze,
    _strip_admin,
    _strip_affixes,
    _strip_compass,
    _strip_town,
    _stronger,
    _take_asides,
    _unit_country,
    _unwrap_arranged,
    _unwrap_near,
    _unwrap_radius,
    _vocab,
    _without_schedule,
)
from jobatlas.normalize.postcodes import ANY_POSTCODE

#: A city known by another name ("Praha", "Wien") is numbered by district from this size on.
_NUMBERED_CITY_POPULATION = 500_000

#: "Landkreis München", "Pune District": a division named after a town this big lies where it is.
AREA_NAMED_AFTER_TOWN_POPULATION = 10_000

_SLASH_IDS = 64  # slash groups one piece may hold
# Work arrangements and codes peeled off a piece's ends, one at a time, along one reading: each
# peel reads the rest again, so "Remote Remote Remote ..." would take quadratic time.
_MAX_PEELS = 8
# A place reads at most this many qualifiers ("Springfield, Sangamon County, Illinois, US" has
# three), and so does a name that may be a city or a division ("Georgia, US"); more are ignored,
# since reading all of them again for each token of a long list would take quadratic time.
_MAX_QUALIFIERS = 8
_BRACKETED_NAME_CHARS = 40  # "Name (Qualifier)" read as one name only up to this length each


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
    listed: bool = False  # starts an item of a list written with words: "A or B", "A e B"


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


def _tier_set(tier: Tier) -> frozenset[str]:
    """A tier as strings to test cities against: "US" (anywhere in it) or "US|CA" (one state)."""
    return frozenset(f"{c}|{a}" if a else c for c, a in tier)


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


def _copy(
    tok: _Token,
    *,
    paren: bool | None = None,
    slash_group: int | None = None,
    listed: bool | None = None,
) -> _Token:
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
        tok.listed if listed is None else listed,
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


# -- reading -------------------------------------------------------------------------------


class _Reader:
    """Reads text into tokens; ``LocationResolver`` sets ``gaz`` and the cached ``_read`` and
    ``_is_qualifier_text``."""

    gaz: Gazetteer
    _read: Callable[[str], _Piece]
    _is_qualifier_text: Callable[[str], bool]

    def _parse(self, text: str) -> _Parsed:
        parsed = _Parsed()
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text)
        text = _squeeze(text)
        if _may_need_readings(text):
            if _HAS_TIME_ZONE_WORD(text):  # "Remote, US time zones (PT to ET)": not Ethiopia
                text = _TIME_ZONES.sub(" ", text)
            if _HAS_SCHEDULE_WORD(text):  # "Hybrid - 2 days/week onsite, Charlotte, NC"
                text = _without_schedule(text)
            if _HAS_RADIUS_WORD(text):
                text = _unwrap_radius(text)
        if " " in text and _may_say_near(text) and _NEAR.search(text):
            text = self._unwrap_near(text)
        if "+" in text:
            text, n = _OTHERS.subn(" ", text)
            parsed.multi = n > 0
        extra: list[_Token] = []
        if _HAS_DIGIT(text) or _HAS_BRACKET(text):
            text = _unwrap_arranged(self._keep_bracketed_names(text))
            text, asides = _take_asides(text)
            extra = self._read_asides(asides, parsed)
            text = _squeeze(ANY_POSTCODE.sub(" ", text))
        if "-" in text and _DASH.search(text):
            text = self._join_broken_hyphens(text)
        offset = 0
        for chunk_text in self._split_listed_places(_BREAK.split(text)):
            chunk: list[_Token] = []
            # without a dash, the commas alone separate pieces (the one search costs less)
            has_dash = "-" in chunk_text or "\u2013" in chunk_text or "\u2014" in chunk_text
            for piece_text in (_PIECES if has_dash else _COMMAS).split(chunk_text):
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

    def _unwrap_near(self, text: str) -> str:
        """ "Eschborn bei Frankfurt" is Eschborn near Frankfurt, but "Feldkirchen bei Graz" is
        a town's whole name: a part the gazetteer knows whole is kept."""
        parts = text.split(",")
        for i, part in enumerate(parts):
            if _NEAR.search(part) and not self.gaz.lookup(fold(part)):
                parts[i] = _unwrap_near(part)
        return ",".join(parts)

    def _join_broken_hyphens(self, text: str) -> str:
        """ "Stoke - on - Trent", "Wilkes -Barre, PA": a part whose dashes are spaced out but
        which names a place whole is that place, not a list of its pieces."""
        parts = _COMMA_PARTS.split(text)
        joined = [
            _DASH.sub("-", part) if _DASH.search(part) and self.gaz.lookup(fold(part)) else part
            for part in parts
        ]
        return "".join(joined)

    def _split_listed_places(self, chunks: list[str]) -> Iterable[str]:
        """ "Denver, CO / Austin, TX": a slash after a place's qualifier, before another place
        with its own, separates list items (a slash inside a name joins alternatives: "Kochi/
        Cochin, Kerala"; "Maslak, Sariyer/Istanbul" names a district and its city)."""
        for chunk in chunks:
            if "/" not in chunk or chunk.count(",") < 2:
                yield chunk
                continue
            parts = _SLASH.split(chunk)
            if len(parts) > 1 and "," in parts[-1] and all(map(self._ends_qualified, parts[:-1])):
                yield from parts
            else:
                yield chunk

    def _ends_qualified(self, part: str) -> bool:
        """Whether ``part`` is a place followed by a qualifier ("Denver, CO")."""
        head, comma, last = part.rpartition(",")
        if not (comma and head.strip() and last.strip()):
            return False
        return self._is_qualifier_text(last.strip())

    def _is_qualifier_uncached(self, text: str) -> bool:
        return self._analyse(text, fold(text)).is_qualifier

    def _keep_bracketed_names(self, text: str) -> str:
        """Unwrap a bracket that belongs to a name: "Halle (Saale)", "Frankfurt (Oder)"."""
        out, last = [], 0
        for m in _PARENS.finditer(text):
            lo = max(last, m.start() - _BRACKETED_NAME_CHARS)
            start = max(text.rfind(c, lo, m.start()) for c in ",;|") + 1
            if (start == 0 and lo > 0) or m.end() - start > 2 * _BRACKETED_NAME_CHARS:
                continue  # no name is that long
            # "15230 Frankfurt (Oder)": the name without the postcode written before it
            key = fold(ANY_POSTCODE.sub(" ", text[start : m.end()]))
            bare = fold(ANY_POSTCODE.sub(" ", text[start : m.start()]))
            if key and key != bare and self.gaz.lookup(key):
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
        if key in _vocab().noise or key.replace(" ", "").isdigit() or _NUMBERED_PART.match(key):
            return _Piece()
        # A whole piece that is a work arrangement is one, though GeoNames may know a place so
        # named or so nicknamed ("Headquarters" is an alternate name of an English village).
        if (arranged := _vocab().arrangement.get(key)) is not None:
            return _Piece(remote=arranged)
        if "-" in text and peels < _MAX_PEELS and (tagged := self._split_tag(text, peels + 1)):
            return tagged
        if (
            not key.isascii()
            and _SLASH.search(text)  # "東京/大阪": not one name's prefix
            and (alternatives := self._split_slash(text, peels)) is not None
        ):
            return alternatives
        wide = _COUNTRY_WIDE.match(key)
        if wide and wide[1] != key and wide[1] in self.gaz.countries:
            return self._reread(wide[1], peels)  # "Australia wide", "deutschlandweit"
        whole = self._analyse(text, key)
        if whole.cities or whole.is_qualifier:
            return _Piece((whole,))
        found = (
            self._split_words(text, peels)
            or self._split_slash(text, peels)
            or self._split_east_asian(text, peels)
        )
        if found is None and peels < _MAX_PEELS:
            found = self._split_arrangement(text, key, peels + 1) or self._split_code(
                text, peels + 1
            )
        return found or _Piece((whole,))

    def _reread(self, part: str, peels: int) -> _Piece:
        """A part of a piece: from the cache, unless ends were cut off on the way to it."""
        return self._read(part) if peels == 0 else self._read_uncached(part, peels)

    def _split_east_asian(self, text: str, peels: int) -> _Piece | None:
        """ "경기도 성남시 분당구": a Korean, Japanese or Chinese address names the province first
        and the district last; read from the smallest part, as "Bundang-gu, Seongnam, Gyeonggi"."""
        parts = text.split()
        if len(parts) < 2 or not _EAST_ASIAN.search(text):
            return None
        return _concat(self._reread(p, peels) for p in reversed(parts))

    def _split_words(self, text: str, peels: int) -> _Piece | None:
        """ "NYC or Remote", "Berlin & Munich" (but "Town and Country" is one name)."""
        parts = [p for p in _WORD_SEP.split(text) if p.strip()]
        if len(parts) < 2:
            return None
        pieces = [self._reread(p, peels) for p in parts]
        for n, piece in enumerate(pieces[1:], 1):  # each item is a place of its own
            if piece.tokens:
                head = _copy(piece.tokens[0], listed=True)
                pieces[n] = replace(piece, tokens=(head, *piece.tokens[1:]))
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

    def _split_arrangement(self, text: str, key: str, peels: int) -> _Piece | None:
        """ "Remote in UK" -> remote, and the token "UK"; the rest is reread as written, so
        that a code keeps its capitals ("Remote VIC" is Victoria, not Vic, Spain)."""
        found = _arrangement(key)
        if found is None:
            return None
        kind, rest = found
        words = text.split()
        ends = (" ".join(w) for n in range(1, len(words)) for w in (words[-n:], words[:n]))
        rest = next((part for part in ends if fold(part) == rest), rest)
        inner = self._reread(rest, peels) if rest else _Piece()
        return _Piece(inner.tokens, _stronger(kind, inner.remote), inner.multi)

    def _split_code(self, text: str, peels: int) -> _Piece | None:
        """ "Sydney NSW", "Seattle WA": a division code written without a comma."""
        m = _TRAILING_CODE.match(text)
        if not m or m.group(2) not in self.gaz.codes:
            return None
        code = _Piece((self._analyse(m.group(2), fold(m.group(2))),))
        return self._reread(m.group(1), peels) + code

    def _romaji_prefecture(self, key: str) -> bool:
        m = _JP_ROMAJI_PREFECTURE.match(key)
        return m is not None and any(r[0] == "JP" for r in self.gaz.regions.get(m.group(1), ()))

    def _analyse(self, text: str, key: str) -> _Token:
        gaz = self.gaz
        code = text.strip()
        codes: tuple[Constraint, ...] = ()
        if _CODE.match(code) and (code.isupper() or len(code) == 2):
            codes = gaz.codes.get(code.upper(), ())
        country = gaz.countries.get(key)
        regions = gaz.regions.get(key, ())
        region_word = key in gaz.region_words
        if region_word:  # "APAC" is Asia-Pacific, never Apac, Uganda
            return _make_token(text, key, region_word=True)
        if _JP_PREFECTURE.match(key) or self._romaji_prefecture(key):  # "京都府", "Osaka-fu":
            return _make_token(text, key, regions=(("JP", "", True),))  # not its capital
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
            named = self._lookup(town)
            if not named and town.endswith("s"):  # "Göteborgs stad": a Nordic genitive
                named = self._lookup(town[:-1])
            cities = tuple(dict.fromkeys((*cities, *named)))
        if (
            not cities
            and stripped == town
            # a state's hyphenated name names no town by its first part ("Basel-Landschaft")
            and not (_INNER_HYPHEN.search(text) and any(r[2] for r in regions))
        ):
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
            # a unit word of one country ("Landkreis Landshut") keeps the name in that country,
            # or gives the country alone when the name is unknown ("Rhein-Sieg-Kreis")
            if unit := _unit_country(key):
                regions = tuple(r for r in regions if r[0] == unit) or ((unit, "", False),)
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
        # not "Greater Area": what is left is itself an area word (and a town's old name)
        if stripped != key and stripped not in _vocab().noise and (refs := self._lookup(stripped)):
            return refs
        # "Dallas-Fort Worth", but not a list: "Paris ou X-Y", "Tel Aviv-Yafo / Herzliya"
        if (
            _INNER_HYPHEN.search(text)
            and not (_WORD_SEP.search(text) or _SLASH.search(text))
            and (refs := hyphenated_refs(self.gaz, self._lookup, text))
        ):
            return refs
        if key.endswith((" city", " town")) and (refs := self._lookup(key[:-5])):
            return refs  # "Kansas City" is found whole; "Cavan Town" is Cavan
        m = _UNIT_SUFFIX.match(key)  # "Clinton Twp", "Paris 9e Arrondissement", "Dublin 2"
        if m and (refs := self._lookup(m.group(1) + " township") or self._lookup(m.group(1))):
            # main names only ("Area 51" is no place), else a big city's other name ("Praha 4")
            pop = self.gaz.population
            return tuple(r for r in refs if not r & 1) or tuple(
                r for r in refs if pop[r >> 1] >= _NUMBERED_CITY_POPULATION
            )
        if (spelled := _spell_out(key)) != key and (refs := self._lookup(spelled)):
            return refs  # "Freiburg i. Br.", "Mülheim a. d. Ruhr"
        m = _PLACE_WORD.match(key)  # "Linthicum Heights", "Annapolis Junction": the town's area
        if m and (refs := tuple(r for r in self._lookup(m.group(1)) if not r & 1)):
            return refs
        if (  # "NewYork": the words run together
            " " not in key
            and _CAMEL_GAP.search(text)
            and (refs := self._lookup(fold(_CAMEL_GAP.sub(" ", text))))
        ):
            return refs
        if (joined := _LONE_LETTER.sub(r"\1", key)) != key and (refs := self._lookup(joined)):
            return refs  # "Coeur D Alene", "O Fallon": USPS writes the apostrophe as a space
        if refs := greater_nordic_refs(self.gaz, self._lookup, key):
            return refs  # "Storkøbenhavn", "Stor-Oslo"
        if refs := malay_village_refs(self.gaz, self._lookup, key):
            return refs  # "Jerudong": Kampung Jerudong
        if key and not key.isascii() and (_EAST_ASIAN.search(key) or _THAI.search(key)):
            # only scripts written without spaces ("Αττική" is no longer "Ατ", Ath's name)
            m = _CJK_DIVISION.match(key.replace(" ", ""))
            if m and (refs := self._prefix_lookup(m.group(2))):
                return refs  # "神奈川県横浜市": the city after its prefecture or province
            return self._prefix_lookup(key)
        return ()

    def _lookup(self, key: str) -> tuple[CityRef, ...]:
        if not key:
            return ()
        refs = self.gaz.lookup(key)
        if refs and not key.isascii() and (countries := _script_countries(key)):
            # GeoNames lists "Αττική" for Ath, Belgium and "Московская область" for Moscow,
            # Idaho: a name in a script is an alternate name only where the script is written
            refs = tuple(r for r in refs if not r & 1 or self.gaz.country[r >> 1] in countries)
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
