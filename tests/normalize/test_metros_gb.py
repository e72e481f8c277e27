"""English metros follow the metropolitan counties and the ONS 2011 travel-to-work areas."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest

from jobatlas.normalize.gazetteer import data_rows
from jobatlas.normalize.locations import LocationResolver, get_resolver, resolve_location
from jobatlas.normalize.metros_gb import (
    CITY_DISTRICTS,
    METRO_DISTRICTS,
    TOWN_TTWAS,
    VILLAGE_KM,
    gb_parents,
)


@pytest.fixture(scope="module")
def resolver() -> LocationResolver:
    return get_resolver()


def test_the_tables_are_whole_and_consistent(resolver: LocationResolver) -> None:
    gaz = resolver.gaz
    counties: dict[str, set[str]] = defaultdict(set)
    for row in data_rows(METRO_DISTRICTS):
        counties[row["county"]].add(row["district"])
    # 36 metropolitan boroughs in six counties (Local Government Act 1972), and Greater London
    assert sorted(len(d) for d in counties.values()) == [1, 4, 5, 5, 5, 7, 10]
    known = {row["district"] for row in data_rows(CITY_DISTRICTS)}
    assert {d for ds in counties.values() for d in ds} <= known  # spelled as GeoNames does
    british = {gaz.geonameid[i] for i in range(len(gaz)) if gaz.country[i] == "GB"}
    placed = {int(row["geonameid"]) for row in data_rows(CITY_DISTRICTS)}
    assert len(placed & british) >= 0.99 * len(british)
    towns = list(data_rows(TOWN_TTWAS))
    # the ONS table: 1,100 towns in 154 travel-to-work areas, most found in the gazetteer
    assert len(towns) == 1100 and len({t["ttwa"] for t in towns}) == 154
    assert sum(bool(t["geonameid"]) for t in towns) >= 0.9 * len(towns)


@pytest.mark.parametrize(
    ("text", "metro"),
    [
        ("Bolton, UK", "Manchester"),  # a metropolitan borough of Greater Manchester
        ("Gateshead, UK", "Newcastle upon Tyne"),  # Tyne and Wear
        ("Coventry, UK", "Coventry"),  # West Midlands county, but a TTWA of its own
        ("Croydon, UK", "London"),  # Greater London
        ("Knutsford, Cheshire", "Crewe"),  # Knutsford is in the Crewe TTWA
        ("Hitchin, Hertfordshire", "Stevenage"),  # "Stevenage and Welwyn Garden City"
        ("Beverley, UK", "Kingston upon Hull"),  # the "Hull" TTWA names its city shortly
        ("Whitchurch, Shropshire", "Shrewsbury"),
        ("Newport, Isle of Wight", "Newport"),  # an area named after no town: its largest
        ("Penrith, Cumbria", "Penrith"),  # a TTWA whose town is too small to be a core
    ],
)
def test_english_towns_follow_their_travel_to_work_area(text: str, metro: str) -> None:
    place = resolve_location(text).primary
    assert place is not None and place.metro == metro, (text, place)


def test_places_under_the_towns_threshold_join_the_nearest_town(
    resolver: LocationResolver,
) -> None:
    gaz = resolver.gaz
    parents = gb_parents(gaz, 50_000)
    listed = sorted(
        {gaz.index_of(int(row["geonameid"])) for row in data_rows(TOWN_TTWAS) if row["geonameid"]}
        - {None}
    )
    fixed = {row["district"] for row in data_rows(METRO_DISTRICTS)}
    district = {int(row["geonameid"]): row["district"] for row in data_rows(CITY_DISTRICTS)}
    lat = np.radians([gaz.latitude[t] for t in listed])
    lon = np.radians([gaz.longitude[t] for t in listed])
    joined = alone = 0
    for i in range(len(gaz)):
        if gaz.country[i] != "GB" or gaz.admin1[i] != "ENG" or i in listed:
            continue
        if district.get(gaz.geonameid[i]) in fixed:
            continue
        la, lo = math.radians(gaz.latitude[i]), math.radians(gaz.longitude[i])
        h = np.sin((lat - la) / 2) ** 2 + math.cos(la) * np.cos(lat) * np.sin((lon - lo) / 2) ** 2
        km = 2 * 6371.0 * np.arcsin(np.sqrt(h))
        nearest = int(km.argmin())
        if km[nearest] <= VILLAGE_KM:
            assert parents[i] == parents[listed[nearest]], gaz.name[i]
            joined += 1
        else:
            assert i not in parents, gaz.name[i]  # left to the global rule
            alone += 1
    assert joined > 500 and alone > 50
    # Scotland, Wales and Northern Ireland are left to the global rule
    assert not any(gaz.admin1[i] in ("SCT", "WLS", "NIR") for i in parents)
