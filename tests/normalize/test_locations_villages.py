"""Places the gazetteer lacks: villages of GeoNames cities500, US post offices and ZIP codes,
and the metro of a small place that no core's commuting area reaches."""

from __future__ import annotations

import gzip
from importlib.resources import files
from pathlib import Path

import pytest

from jobatlas.ingest import ingest_file
from jobatlas.normalize.gazetteer import shipped_cities
from jobatlas.normalize.locations import LocationResolver, resolve_location
from jobatlas.normalize.locations_villages import VILLAGES, build_villages
from jobatlas.pipeline import normalize
from jobatlas.store.duckdb import Store
from samples import CANONICAL_ROWS, write_csv


@pytest.mark.parametrize(
    ("text", "hint", "city", "country", "metro"),
    [
        ("Ickleton, Cambridgeshire", None, "Ickleton", "GB", "Cambridge"),  # by its county
        ("Munsbach, Luxembourg", None, "Münsbach", "LU", "Luxembourg"),  # by its country
        ("Mettawa, IL", "US", "Mettawa", "US", "Chicago"),  # by its state
    ],
)
def test_a_village_with_its_qualifier_is_placed(
    text: str, hint: str | None, city: str, country: str, metro: str
) -> None:
    loc = resolve_location(text, hint)
    place = loc.primary
    assert (loc.status, loc.match_method) == ("resolved", "village")
    assert place is not None and (place.city, place.country_code, place.metro) == (
        city,
        country,
        metro,
    )


def test_a_village_is_reported_as_itself_in_its_towns_metro() -> None:
    place = resolve_location("Ickleton, Cambridgeshire").primary
    cambridge = resolve_location("Cambridge, UK").primary
    assert place is not None and cambridge is not None
    assert place.geonameid not in (None, cambridge.geonameid)  # the village's own GeoNames id
    assert abs(place.latitude - cambridge.latitude) < 0.2
    assert place.metro_id == cambridge.metro_id


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Ickleton", "GB"),  # a bare name is never a village
        ("San Jose, NM", "SD"),  # the Californian city in the wrong state, not the hamlet
        ("Mettawa, WI", "US"),  # a state the village does not lie in (Illinois)
        ("Ickleton, Wales", None),
    ],
)
def test_a_village_needs_a_qualifier_that_agrees_and_a_name_that_is_not_famous(
    text: str, hint: str | None
) -> None:
    assert resolve_location(text, hint).status == "unresolved"


def test_a_postcode_is_never_read_as_a_foreign_village() -> None:
    # France has a village called Pin: "PIN" is India's postal index number here
    place = resolve_location("PIN 560066", "IN").primary
    assert place is not None and (place.city, place.country_code) == ("Bengaluru", "IN")


def test_a_post_office_named_like_a_small_town_elsewhere_is_placed() -> None:
    # Flushing, Michigan (8,000 people) is no famous city: the NY post office is meant
    loc = resolve_location("Flushing, NY", "US")
    assert loc.match_method == "postal" and loc.primary is not None
    assert loc.primary.metro == "New York City"
    for famous in ("Toronto, SD", "Sydney, FL", "Ohio, IL"):  # world-famous, or a state
        assert resolve_location(famous, "US").status == "unresolved"
    # Warrington, England (172,000 people, and a borough) is not famous enough to bar it
    warrington = resolve_location("Warrington, PA", "US").primary
    assert warrington is not None and warrington.metro == "Philadelphia"


def test_a_small_place_no_core_reaches_is_its_own_metro() -> None:
    resolver = LocationResolver.load()
    surry = resolver.resolve("Surry, NH", "US").primary  # by Keene, 23,000 people: no core
    assert surry is not None and (surry.city, surry.metro) == ("Surry", "Surry")
    info = resolver.metro_info(surry.metro_id)
    assert (info.name, info.country_code, info.population) == ("Surry", "US", 717)
    melrose = resolver.resolve("Melrose, NM", "US")  # a post office by Clovis (38,000)
    assert melrose.match_method == "postal" and melrose.primary is not None
    assert melrose.primary.metro == "Melrose"
    with pytest.raises(KeyError):
        resolver.metro_info("m1")


def test_a_village_metro_reaches_the_store(store: Store, tmp_path: Path) -> None:
    row = dict(CANONICAL_ROWS[0], location="Surry, NH")
    ingest_file(store, write_csv(tmp_path / "jobs.csv", [row]))
    normalize(store)
    got = store.con.execute(
        "SELECT p.metro, m.metro, m.population FROM postings p JOIN metros m USING (metro_id)"
    ).fetchall()
    assert got == [("Surry", "Surry", 717)]


def test_the_shipped_villages_equal_a_fresh_build() -> None:
    gaz = shipped_cities()
    assert gaz is not None
    shipped = gzip.decompress(files("jobatlas.data").joinpath(VILLAGES).read_bytes()).decode()
    assert shipped == build_villages(gaz), "rebuild it: python tools/build_city_index.py"


@pytest.mark.parametrize(
    ("text", "hint", "city", "metro"),
    [
        ("94105", "US", "San Francisco", "San Francisco"),
        ("02139", "US", "Cambridge", "Boston"),  # the USPS city, read with its state
        ("TX 78701", None, "Austin", "Austin"),  # the state code makes it a US posting
        ("10001-1234", "US", "New York City", "New York City"),  # ZIP+4
    ],
)
def test_a_us_zip_code_alone_is_its_usps_city(
    text: str, hint: str | None, city: str, metro: str
) -> None:
    loc = resolve_location(text, hint)
    assert loc.match_method == "postcode" and loc.primary is not None
    assert (loc.primary.city, loc.primary.metro) == (city, metro)


def test_a_zip_code_needs_the_us_to_be_known() -> None:
    assert resolve_location("94105").status == "unresolved"  # "75009" would be Paris with FR
    assert resolve_location("99999", "US").status == "unresolved"  # no such ZIP code
