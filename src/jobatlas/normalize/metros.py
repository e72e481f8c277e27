"""Metro areas: the commuting region around a core city, worldwide, from one rule plus overrides.

The rule (see docs/methodology.md, section locations):

* A city of at least ``CORE_MIN_POPULATION`` people can be a core. A core of population ``P``
  reaches ``radius_km(P) = RADIUS_KM * (P / 1e6) ** RADIUS_EXPONENT`` kilometres, or
  ``COUNTY_RADIUS_KM * (P / 1e6) ** COUNTY_RADIUS_EXPONENT`` in the countries whose official
  metros are unions of counties.
* Every city joins, among the cores of its own country that reach it and have at least
  ``DOMINANCE`` times its population, the one that pulls hardest (population / distance²).
  A city no such core reaches may join a larger core of less than that size that is within
  ``TWIN_SHARE`` of its radius (twin cities merge only when close). GeoNames lists some parts
  of cities as places of their own, named after the city ("West Raleigh", "New South
  Memphis"): such a place never claims the city it is named after, and the city may claim it
  even when smaller.
  A city big enough to be a core is never claimed by a bigger core that lies further than
  ``STANDALONE_KM * (P / 1e6) ** STANDALONE_EXPONENT`` (outside ``COUNTY_METROS``): Darmstadt,
  Bonn and Halle keep their own metros next to Frankfurt, Cologne and Leipzig, while Yokohama
  and Mississauga, in the reach of much bigger cores, join Tokyo and Toronto.
  A city no core claims is the core of its own metro.
* Membership is transitive: Santa Clara joins San Jose, and San Jose's metro is San Francisco's
  (an override), so Santa Clara is in the San Francisco metro.
* A metro's population is the sum over its cities, except that GeoNames lists the districts of
  many big cities next to the city itself: members inside the core's own footprint (a disc of
  ``population / CORE_DENSITY`` km²) are left out when together they add up to at least
  ``SECTION_SHARE`` of the core's population, since the core's figure already counts them.
* ``metro_overrides.csv`` sets the metro of a few cities by hand, each with its reason; a core
  named there is kept as a core. Rows of kind ``section`` mark GeoNames entries that are parts of
  their core city (New York's boroughs) and so are left out of the metro's population.

A metro's id is ``"m"`` + its core city's GeoNames id: stable as long as the core is.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jobatlas.errors import ConfigError
from jobatlas.models import Place

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

from jobatlas.normalize.gazetteer import (
    Gazetteer,
    build_key,
    city_index_key,
    data_rows,
    data_text,
    fold_uncached,
    read_cached,
    write_cached,
)
from jobatlas.normalize.gazetteer_cache import content_key
from jobatlas.normalize.metros_eu import FUA_CITIES, fua_parents
from jobatlas.normalize.metros_gb import CITY_DISTRICTS, METRO_DISTRICTS, TOWN_TTWAS, gb_parents
from jobatlas.normalize.metros_index import shipped_metros
from jobatlas.normalize.metros_us import CITY_COUNTIES, METRO_COUNTIES, msa_parents

CORE_MIN_POPULATION = 50_000
RADIUS_KM = 46.0
RADIUS_EXPONENT = 0.3
DOMINANCE = 2.0
#: Cores of similar size merge (into the larger) only this close, as a share of its radius.
TWIN_SHARE = 0.4
#: A city big enough to be a core stays one when the bigger core of P people that would claim
#: it is at least ``STANDALONE_KM * (P / 1e6) ** STANDALONE_EXPONENT`` away: a town with its
#: own centre is its own functional urban area unless a big core lies close by.
STANDALONE_KM = 20.0
STANDALONE_EXPONENT = 0.35
#: Countries whose official metros are built from whole counties (US OMB MSAs). They reach
#: further than functional urban areas elsewhere, so there a core reaches further and its radius
#: grows more slowly with its size, and the standalone test does not apply.
COUNTY_METROS = ("US",)
#: Countries whose official metros take in every town that commutes to the core (US MSAs,
#: Canadian CMAs): there the standalone test does not apply, and a town of 50,000 people next
#: to a big core is part of its metro (Airdrie in Calgary's, Coquitlam in Vancouver's).
COMMUTING_METROS = (*COUNTY_METROS, "CA")
COUNTY_RADIUS_KM = 55.0
COUNTY_RADIUS_EXPONENT = 0.15
#: Countries whose official urban areas lie within one first-level division (India's census
#: urban agglomerations lie within a state), with the cores whose official regions cross those
#: borders by statute (India's National Capital Region and the Chandigarh Tricity): elsewhere a
#: core there does not reach across its state's border (Hosur, Tamil Nadu, is not Bengaluru's).
STATE_BOUNDED_METROS: dict[str, tuple[int, ...]] = {"IN": (1273294, 1274746)}
#: People per km² assumed to turn a core's population into its own footprint.
CORE_DENSITY = 5000.0
#: Members inside a core's footprint whose people add up to this share of the core's are
#: taken as GeoNames sections of the core city (boroughs, districts), not separate towns.
SECTION_SHARE = 0.5
#: Bump when the rule's code changes, so cached assignments are rebuilt.
RULE_VERSION = 12
_EARTH_KM = 6371.0


def radius_km(population: int, country: str = "") -> float:
    """How far a core of ``population`` people in ``country`` reaches, in km."""
    if country in COUNTY_METROS:
        return float(COUNTY_RADIUS_KM * (population / 1e6) ** COUNTY_RADIUS_EXPONENT)
    return float(RADIUS_KM * (population / 1e6) ** RADIUS_EXPONENT)


def metro_id_of(geonameid: int) -> str:
    return f"m{geonameid}"


@dataclass(frozen=True, slots=True)
class MetroInfo:
    """A metro area: its core city's name and place, and the population of all its cities."""

    metro_id: str
    name: str
    country_code: str
    population: int
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Override:
    geonameid: int
    metro_geonameid: int
    kind: str
    reason: str


class Metros:
    """The metro of every gazetteer city (as the index of its core city), and metro totals."""

    def __init__(self, gaz: Gazetteer, core: array[int], population: dict[int, int]) -> None:
        self._gaz = gaz
        self.core = core
        self._population = population
        self._places: dict[int, Place] = {}

    def forget_places(self) -> None:
        """Drop the Place objects built so far (for cold-cache measurements)."""
        self._places.clear()

    def place(self, city: int) -> Place:
        """Gazetteer city ``city`` as a Place with its metro (built once per city)."""
        place = self._places.get(city)
        if place is None:
            gaz = self._gaz
            place = Place(
                city=gaz.name[city],
                admin1=gaz.admin1[city] or None,
                country_code=gaz.country[city],
                geonameid=gaz.geonameid[city],
                latitude=gaz.latitude[city],
                longitude=gaz.longitude[city],
                metro=self.metro_name(city),
                metro_id=self.metro_id(city),
            )
            self._places[city] = place
        return place

    def core_of(self, city: int) -> int:
        return self.core[city]

    def metro_id(self, city: int) -> str:
        return metro_id_of(self._gaz.geonameid[self.core[city]])

    def metro_name(self, city: int) -> str:
        return self._gaz.name[self.core[city]]

    def info(self, metro_id: str) -> MetroInfo:
        """Look up a metro by id; raises ``KeyError`` for an id that is no metro."""
        core = self._core_index(metro_id)
        gaz = self._gaz
        return MetroInfo(
            metro_id=metro_id,
            name=gaz.name[core],
            country_code=gaz.country[core],
            population=self._population[core],
            latitude=gaz.latitude[core],
            longitude=gaz.longitude[core],
        )

    def __iter__(self) -> Iterator[MetroInfo]:
        for core in sorted(self._population, key=lambda c: -self._population[c]):
            yield self.info(metro_id_of(self._gaz.geonameid[core]))

    def __len__(self) -> int:
        return len(self._population)

    def _core_index(self, metro_id: str) -> int:
        gid = int(metro_id[1:]) if metro_id[:1] == "m" and metro_id[1:].isdigit() else -1
        core = self._gaz.index_of(gid)
        if core is None or core not in self._population:
            raise KeyError(metro_id)
        return core


def load_overrides() -> list[Override]:
    out = []
    for row in data_rows("metro_overrides.csv"):
        kind = row["kind"] or "member"
        if kind not in ("member", "section", "core"):
            raise ConfigError(f"metro_overrides.csv: unknown kind {kind!r} for {row['name']}")
        if not row["reason"]:
            raise ConfigError(f"metro_overrides.csv: no reason given for {row['name']}")
        out.append(
            Override(int(row["geonameid"]), int(row["metro_geonameid"]), kind, row["reason"])
        )
    return out


def load_metros(gaz: Gazetteer) -> Metros:
    """Metros for ``gaz``: from the cache file, else as shipped in the package when it was built
    from the same inputs, else computed; cached for the next run."""
    shipped_key = metros_key(gaz)
    key = build_key((shipped_key,))
    cached = read_cached("metros", key)
    if cached is not None:
        core = array("q")
        core.frombytes(cached[0])
        return Metros(gaz, core, cached[1])
    shipped = shipped_metros(shipped_key)
    metros = Metros(gaz, *shipped) if shipped else assign_metros(gaz, load_overrides())
    write_cached("metros", key, (metros.core.tobytes(), metros._population))
    return metros


def metros_key(gaz: Gazetteer) -> str:
    """What the assignment depends on besides the code: the city index, the rule, the tables."""
    params = f"{CORE_MIN_POPULATION},{RADIUS_KM},{RADIUS_EXPONENT},{DOMINANCE},{TWIN_SHARE}"
    params += f",{STANDALONE_KM},{STANDALONE_EXPONENT},{COUNTY_METROS},{COMMUTING_METROS}"
    params += f",{COUNTY_RADIUS_KM},{COUNTY_RADIUS_EXPONENT}"
    params += f",{CORE_DENSITY},{SECTION_SHARE},{RULE_VERSION}"
    names = ("metro_overrides.csv", CITY_COUNTIES, METRO_COUNTIES)
    gb = (CITY_DISTRICTS, METRO_DISTRICTS, TOWN_TTWAS)
    tables = [data_text(name) for name in (*names, *gb, FUA_CITIES)]
    return content_key(city_index_key(), params, *tables, str(len(gaz)))


def assign_metros(gaz: Gazetteer, overrides: list[Override]) -> Metros:
    parent = _rule_parents(gaz)
    sections = _apply_overrides(gaz, parent, overrides)
    _break_cycles(parent, gaz.population)
    core = array("q", (_root(parent, i) for i in range(len(gaz))))
    sections |= _footprint_sections(gaz, core)
    population: dict[int, int] = {}
    for i, c in enumerate(core):
        population[c] = population.get(c, 0) + (0 if i in sections else gaz.population[i])
    return Metros(gaz, core, population)


def footprint_km(population: int) -> float:
    return math.sqrt(population / CORE_DENSITY / math.pi)


def _footprint_sections(gaz: Gazetteer, core: array[int]) -> set[int]:
    import numpy as np  # imported only when metros are computed

    geo = _Geo(gaz)
    cities = np.arange(len(gaz))
    cores = np.frombuffer(core, dtype=np.int64)
    members = cities[cores != cities]
    d = geo.distance(members, cores[members])
    inside = members[d <= np.sqrt(geo.pop[cores[members]] / CORE_DENSITY / math.pi)]
    totals: dict[int, int] = {}
    for i in inside.tolist():
        totals[core[i]] = totals.get(core[i], 0) + gaz.population[i]
    return {
        i for i in inside.tolist() if totals[core[i]] >= SECTION_SHARE * gaz.population[core[i]]
    }


class _Geo:
    """Coordinates and populations as numpy arrays, for distances in bulk."""

    def __init__(self, gaz: Gazetteer) -> None:
        import numpy as np  # imported only when metros are computed

        self.lat = np.radians(np.frombuffer(gaz.latitude, dtype=np.float64))
        self.lon = np.radians(np.frombuffer(gaz.longitude, dtype=np.float64))
        self.pop = np.frombuffer(gaz.population, dtype=np.int64).astype(np.float64)
        ids = {c: n for n, c in enumerate(sorted(set(gaz.country)))}
        self.country = np.array([ids[c] for c in gaz.country], dtype=np.int32)
        self.county_based = np.isin(np.array(gaz.country), COUNTY_METROS)
        self.state_bounded = np.isin(np.array(gaz.country), list(STATE_BOUNDED_METROS))
        self.cross_state = np.isin(
            np.frombuffer(gaz.geonameid, dtype=np.int64),
            [k for cores in STATE_BOUNDED_METROS.values() for k in cores],
        )
        self.admin1 = np.array(gaz.admin1)
        self.commuting_based = np.isin(np.array(gaz.country), COMMUTING_METROS)

    def distance(self, a: NDArray[np.int64], b: NDArray[np.int64] | int) -> NDArray[np.float64]:
        """Great-circle distances in km between cities ``a`` and ``b`` (haversine)."""
        import numpy as np

        dlat, dlon = self.lat[b] - self.lat[a], self.lon[b] - self.lon[a]
        h = (
            np.sin(dlat / 2) ** 2
            + np.cos(self.lat[a]) * np.cos(self.lat[b]) * np.sin(dlon / 2) ** 2
        )
        return 2 * _EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))  # type: ignore[no-any-return]


def _rule_parents(gaz: Gazetteer) -> list[int]:
    """Each city's parent under the global rule (itself when no core claims it)."""
    import numpy as np  # imported only when metros are computed

    geo = _Geo(gaz)
    city, core, dist = _pairs_in_reach(gaz, geo)
    names = [f" {fold_uncached(n)} " for n in gaz.name]
    part_of = np.array(
        [
            _named_after(names[k], names[i])
            for i, k in zip(city.tolist(), core.tolist(), strict=True)
        ],
        dtype=bool,
    )
    section = np.array(
        [
            _named_after(names[i], names[k])
            for i, k in zip(city.tolist(), core.tolist(), strict=True)
        ],
        dtype=bool,
    )
    pop_city, pop_core = geo.pop[city], geo.pop[core]
    pull = pop_core / np.maximum(dist, 1.0) ** 2
    parent = list(range(len(gaz)))
    county_based = geo.county_based[city]
    standalone = (
        (pop_city >= CORE_MIN_POPULATION)
        & (dist >= STANDALONE_KM * (pop_core / 1e6) ** STANDALONE_EXPONENT)
        & ~geo.commuting_based[city]
    )
    dominant = (pop_core >= DOMINANCE * pop_city) & ~part_of & ~standalone
    _assign_strongest(parent, city[dominant], core[dominant], pull[dominant])
    radius = np.where(
        county_based,
        COUNTY_RADIUS_KM * (pop_core / 1e6) ** COUNTY_RADIUS_EXPONENT,
        RADIUS_KM * (pop_core / 1e6) ** RADIUS_EXPONENT,
    )
    unclaimed = np.array([parent[i] == i for i in city.tolist()], dtype=bool)
    twin = unclaimed & ~part_of & (dist <= TWIN_SHARE * radius) & ((pop_core > pop_city) | section)
    _assign_strongest(parent, city[twin], core[twin], pull[twin])
    for us_city, msa_core in msa_parents(gaz).items():
        parent[us_city] = msa_core
    for gb_city, gb_core in gb_parents(gaz, CORE_MIN_POPULATION).items():
        parent[gb_city] = gb_core
    for eu_city, fua_core in fua_parents(gaz, DOMINANCE).items():
        parent[eu_city] = fua_core
    return parent


def _pairs_in_reach(
    gaz: Gazetteer, geo: _Geo
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Every (city, core, distance) with the core in the same country and within its radius."""
    import numpy as np  # imported only when metros are computed

    order = np.argsort(geo.lat, kind="stable")
    lat_sorted = geo.lat[order]
    cities: list[NDArray[np.int64]] = []
    cores: list[NDArray[np.int64]] = []
    dists: list[NDArray[np.float64]] = []
    for k in np.nonzero(geo.pop >= CORE_MIN_POPULATION)[0].tolist():
        reach = radius_km(int(geo.pop[k]), gaz.country[k]) / _EARTH_KM  # in radians
        lo, hi = np.searchsorted(lat_sorted, [geo.lat[k] - reach, geo.lat[k] + reach])
        near = order[lo:hi]
        near = near[(geo.country[near] == geo.country[k]) & (near != k)]
        if geo.state_bounded[k] and not geo.cross_state[k]:
            near = near[geo.admin1[near] == geo.admin1[k]]
        d = geo.distance(near, k)
        keep = np.maximum(d, 1.0) <= reach * _EARTH_KM
        cities.append(near[keep])
        cores.append(np.full(int(keep.sum()), k, dtype=np.int64))
        dists.append(d[keep])
    return np.concatenate(cities), np.concatenate(cores), np.concatenate(dists)


def _assign_strongest(
    parent: list[int], city: NDArray[np.int64], core: NDArray[np.int64], pull: NDArray[np.float64]
) -> None:
    """Give each city the core that pulls it hardest (population / distance²)."""
    import numpy as np  # imported only when metros are computed

    order = np.lexsort((-pull, city))
    city, core = city[order], core[order]
    first = np.ones(len(city), dtype=bool)
    first[1:] = city[1:] != city[:-1]
    for i, k in zip(city[first].tolist(), core[first].tolist(), strict=True):
        parent[i] = k


def _named_after(name_a: str, name_b: str) -> bool:
    """Whether padded folded name ``a`` contains ``b`` as whole words (" west raleigh ")."""
    return name_a != name_b and name_b in name_a


def _apply_overrides(gaz: Gazetteer, parent: list[int], overrides: list[Override]) -> set[int]:
    """Set overridden parents; returns the cities whose population their core already counts."""
    sections: set[int] = set()
    overridden = set()
    for o in overrides:
        city, target = gaz.index_of(o.geonameid), gaz.index_of(o.metro_geonameid)
        if city is None or target is None:
            raise ConfigError(
                f"metro_overrides.csv: GeoNames id {o.geonameid} or {o.metro_geonameid} "
                "is not in the gazetteer"
            )
        parent[city] = city if o.kind == "core" else target
        overridden.add(city)
        if o.kind == "section":
            sections.add(city)
    for o in overrides:
        target = gaz.index_of(o.metro_geonameid)
        if target is not None and target not in overridden:
            parent[target] = target
    return sections


def _break_cycles(parent: list[int], population: array[int]) -> None:
    """Overrides can form a loop; its most populous city becomes the core of all of it."""
    done: set[int] = set()
    for start in range(len(parent)):
        path: dict[int, int] = {}
        i = start
        while i not in done and i not in path and parent[i] != i:
            path[i] = len(path)
            i = parent[i]
        if i in path:
            cycle = list(path)[path[i] :]
            top = max(cycle, key=lambda c: population[c])
            parent[top] = top
        done.update(path)


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        i = parent[i]
    return i
