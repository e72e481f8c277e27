"""US metros follow the county's OMB metropolitan statistical area (us_metro_counties.csv)."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from jobatlas.normalize.gazetteer import data_rows
from jobatlas.normalize.locations import LocationResolver, get_resolver, resolve_location
from jobatlas.normalize.metros_us import CITY_COUNTIES, METRO_COUNTIES, msa_parents, principal_city


@pytest.fixture(scope="module")
def resolver() -> LocationResolver:
    return get_resolver()


def test_the_omb_table_is_whole_and_consistent() -> None:
    rows = list(data_rows(METRO_COUNTIES))
    titles: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        assert re.fullmatch(r"[A-Z]{2}", row["state"]), row
        assert re.fullmatch(r"\d{5}", row["fips"]) and re.fullmatch(r"\d{5}", row["cbsa"]), row
        titles[row["cbsa"]].add(row["title"])
    # OMB Bulletin 13-01: 1,167 counties in 381 metropolitan statistical areas (50 states + DC),
    # and Dutchess and Orange counties, NY, as the MSA of their own Bulletin 23-01 made them
    assert (len(rows), len(titles)) == (1167, 382)
    assert {r["county"] for r in rows if r["cbsa"] == "28880"} == {
        "Dutchess County",
        "Orange County",
    }
    assert all(len(t) == 1 for t in titles.values())
    assert len({(r["state"], r["county"]) for r in rows}) == len(rows)


def test_every_msa_is_named_after_a_city_of_its_first_state(resolver: LocationResolver) -> None:
    gaz = resolver.gaz
    for title in {row["title"] for row in data_rows(METRO_COUNTIES)}:
        city = principal_city(gaz, title)
        assert gaz.country[city] == "US"
        assert gaz.admin1[city] == title.rpartition(", ")[2][:2], title


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("New York-Newark-Jersey City, NY-NJ-PA", "New York City"),
        ("Winston-Salem, NC", "Winston-Salem"),  # a hyphen inside the city's own name
        ("Lexington-Fayette, KY", "Lexington"),  # the bigger of GeoNames' two entries
        ("Urban Honolulu, HI", "Honolulu"),
        ("Louisville/Jefferson County, KY-IN", "Louisville"),
        ("Nashville-Davidson--Murfreesboro--Franklin, TN", "Nashville"),
        ("Elizabethtown-Fort Knox, KY", "Elizabethtown"),  # a main name before an alias
    ],
)
def test_principal_cities(resolver: LocationResolver, title: str, name: str) -> None:
    assert resolver.gaz.name[principal_city(resolver.gaz, title)] == name


def test_the_county_table_covers_the_gazetteers_us_cities(resolver: LocationResolver) -> None:
    gaz = resolver.gaz
    counties = {int(row["geonameid"]): row["county"] for row in data_rows(CITY_COUNTIES)}
    us = [i for i in range(len(gaz)) if gaz.country[i] == "US"]
    assert sum(gaz.geonameid[i] in counties for i in us) >= 0.99 * len(us)
    # the two files name counties alike: most cities with a county lie in an MSA's county
    in_msa = {(row["state"], row["county"]) for row in data_rows(METRO_COUNTIES)}
    named = [
        (gaz.admin1[i], counties[gaz.geonameid[i]]) for i in us if gaz.geonameid[i] in counties
    ]
    assert sum(key in in_msa for key in named) >= 0.6 * len(named)
    assert ("VA", "Alexandria city") in set(named) and ("NM", "Doña Ana County") in set(named)


def test_cities_outside_any_msa_are_their_own_cores(resolver: LocationResolver) -> None:
    parents = msa_parents(resolver.gaz)
    place = resolve_location("Casper, WY").primary  # Natrona County: an MSA of its own
    assert place is not None and place.metro == "Casper"
    place = resolve_location("Jackson, WY").primary  # Teton County: micropolitan, no MSA
    assert place is not None and place.metro == "Jackson"
    jackson = resolver.gaz.index_of(place.geonameid or 0)
    assert jackson is not None and parents[jackson] == jackson


@pytest.mark.parametrize(
    ("text", "metro"),
    [
        ("Galveston, TX", "Houston"),  # Galveston County, Houston MSA
        ("Casa Grande, AZ", "Phoenix"),  # Pinal County, 70 km from Phoenix
        ("Toms River, NJ", "New York City"),  # Ocean County
        ("Longmont, CO", "Boulder"),  # Boulder County: its own MSA, not Denver's
        ("Nashua, NH", "Manchester"),  # Manchester-Nashua MSA
        ("Derry, NH", "Boston"),  # Rockingham County, Boston MSA
        ("Fredericksburg, VA", "Washington"),  # an independent city of the DC MSA
        ("Bristol, TN", "Kingsport"),  # Kingsport-Bristol-Bristol MSA
        ("Poughkeepsie, NY", "Poughkeepsie"),  # left New York's MSA in 2023 (an override)
        ("San Jose, CA", "San Francisco"),  # the Bay Area convention (an override)
    ],
)
def test_us_towns_follow_their_countys_msa(text: str, metro: str) -> None:
    place = resolve_location(text).primary
    assert place is not None and place.metro == metro
