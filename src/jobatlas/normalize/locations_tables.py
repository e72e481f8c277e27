"""Tables the location resolver derives from the gazetteer and the bundled data.

Which city covers which (``location_city_parts.csv``: a named part of a city, the towns of a
city-state, of a city's own division or within its radius), the town that stands for a county
(``location_county_seats.csv``), and the names fuzzy matching may return. They depend on
nothing else, so every resolver of one gazetteer shares them.
"""

from __future__ import annotations

import math
from typing import Any, cast

from jobatlas.errors import ConfigError
from jobatlas.normalize.gazetteer import CityRef, Gazetteer, data_rows, fold

#: A place within the radius of a city of ``location_city_parts.csv`` is reported as that city
#: only when the city is more than this many times larger (Thane, a separate city, is not Mumbai).
CITY_PART_MAX_SHARE = 10
_EARTH_KM = 6371.0

#: Fuzzy matching (misspellings): cities considered within a known country and with no
#: country known.
FUZZY_COUNTRY_POPULATION = 15_000
FUZZY_GLOBAL_POPULATION = 200_000

#: A town given with its county is looked for within this distance of the county town.
COUNTY_SEAT_KM = 50.0

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
            km = _km_from(lat_all[core], lon_all[core], lat_all[members], lon_all[members])
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


def _county_seats(gaz: Gazetteer) -> dict[tuple[str, str], int]:
    """(country, folded county name) -> the gazetteer index of its county town."""
    cached = _DERIVED.get("seats")
    if cached is not None and cached[0] is gaz:
        return cast(dict[tuple[str, str], int], cached[1])
    seats: dict[tuple[str, str], int] = {}
    for row in data_rows("location_county_seats.csv"):
        seat = gaz.index_of(int(row["seat_geonameid"]))
        if seat is None:
            raise ConfigError(
                f"location_county_seats.csv: no GeoNames city {row['seat_geonameid']} "
                f"for {row['county']!r}"
            )
        seats[row["country"], fold(row["county"])] = seat
    _DERIVED["seats"] = (gaz, seats)
    _DERIVED["county_names"] = (gaz, frozenset(name for _, name in seats))
    return seats


def joined_towns(gaz: Gazetteer) -> dict[str, tuple[CityRef, ...]]:
    """Folded part -> the towns whose main name joins it with a hyphen to another town's name
    ("Mörfelden-Walldorf": "walldorf", "morfelden"), as city refs of main names."""
    cached = _DERIVED.get("joined")
    if cached is not None and cached[0] is gaz:
        return cast(dict[str, tuple[CityRef, ...]], cached[1])
    found: dict[str, list[CityRef]] = {}
    for i, name in enumerate(gaz.name):
        if "-" not in name:
            continue
        parts = [fold(part) for part in name.split("-")]
        if len(parts) == 2 and all(len(part) >= 4 for part in parts):
            for part in parts:
                found.setdefault(part, []).append(i << 1)
    joined = {key: tuple(refs) for key, refs in found.items()}
    _DERIVED["joined"] = (gaz, joined)
    return joined


def county_names(gaz: Gazetteer) -> frozenset[str]:
    """The folded names of the counties of ``location_county_seats.csv``."""
    cached = _DERIVED.get("county_names")
    if cached is None or cached[0] is not gaz:
        _county_seats(gaz)
        cached = _DERIVED["county_names"]
    return cast(frozenset[str], cached[1])


def county_towns(gaz: Gazetteer, seat: int) -> tuple[int, ...]:
    """The gazetteer towns within ``COUNTY_SEAT_KM`` of county town ``seat``, in its country,
    most populous first (a county's towns, as near as coordinates tell)."""
    cached = _DERIVED.get("county_towns")
    if cached is None or cached[0] is not gaz:
        cached = (gaz, {})
        _DERIVED["county_towns"] = cached
    towns = cast(dict[int, tuple[int, ...]], cached[1])
    found = towns.get(seat)
    if found is None:
        import numpy as np

        lat = np.radians(np.frombuffer(gaz.latitude, dtype=np.float64))
        lon = np.radians(np.frombuffer(gaz.longitude, dtype=np.float64))
        near = np.flatnonzero(_km_from(lat[seat], lon[seat], lat, lon) <= COUNTY_SEAT_KM)
        country = gaz.country[seat]
        kept = [int(c) for c in near if gaz.country[c] == country]
        found = tuple(sorted(kept, key=lambda c: -gaz.population[c]))
        towns[seat] = found
    return found


def _km_from(la: Any, lo: Any, lat: Any, lon: Any) -> Any:
    """Great-circle distances in km from one point to many (numpy arrays, radians)."""
    import numpy as np

    h = np.sin((lat - la) / 2) ** 2 + np.cos(lat) * np.cos(la) * np.sin((lon - lo) / 2) ** 2
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def distance_km(gaz: Gazetteer, a: int, b: int) -> float:
    """Great-circle distance between gazetteer cities ``a`` and ``b``."""
    return km_between(gaz.latitude[a], gaz.longitude[a], gaz.latitude[b], gaz.longitude[b])


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in degrees."""
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _fuzzy_areas(gaz: Gazetteer) -> dict[str, list[str]]:
    """First letter -> folded names of countries and first-level divisions (Latin script)."""
    cached = _DERIVED.get("fuzzy_areas")
    if cached is not None and cached[0] is gaz:
        return cast(dict[str, list[str]], cached[1])
    names = {n for n in gaz.countries if n.isascii()}
    names |= {n for n, regions in gaz.regions.items() if n.isascii() and any(r[2] for r in regions)}
    pools: dict[str, list[str]] = {}
    for name in sorted(names):
        if len(name) >= 6:
            pools.setdefault(name[0], []).append(name)
    _DERIVED["fuzzy_areas"] = (gaz, pools)
    return pools


def _whole_division_cities(gaz: Gazetteer) -> frozenset[int]:
    """Cities whose first-level division is the city itself (``location_city_parts.csv`` rows
    of scope ``admin1``: Mexico City, Berlin, Seoul)."""
    cached = _DERIVED.get("whole_divisions")
    if cached is not None and cached[0] is gaz:
        return cast(frozenset[int], cached[1])
    rows = data_rows("location_city_parts.csv")
    found = (gaz.index_of(int(r["geonameid"])) for r in rows if r["scope"] == "admin1")
    out = frozenset(c for c in found if c is not None)
    _DERIVED["whole_divisions"] = (gaz, out)
    return out


def _division_leaders(gaz: Gazetteer) -> frozenset[int]:
    """The most populous city of each first-level division (country, admin1)."""
    cached = _DERIVED.get("leaders")
    if cached is not None and cached[0] is gaz:
        return cast(frozenset[int], cached[1])
    best: dict[tuple[str, str], tuple[int, int]] = {}  # one pass, no sort (a first call)
    population = gaz.population
    for city, division in enumerate(zip(gaz.country, gaz.admin1, strict=True)):
        pop = population[city]
        if division[1] and pop > best.get(division, (-1, 0))[0]:
            best[division] = (pop, city)
    out = frozenset(city for _, city in best.values())
    _DERIVED["leaders"] = (gaz, out)
    return out
