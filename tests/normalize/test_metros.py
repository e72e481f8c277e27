from __future__ import annotations

import csv
from array import array
from pathlib import Path

import pytest

from jobatlas.errors import ConfigError
from jobatlas.normalize import locations_eval, metros
from jobatlas.normalize.gazetteer import Gazetteer, NameIndex, data_rows
from jobatlas.normalize.locations import LocationResolver, get_resolver, resolve_location

# -- the rule, on a small synthetic gazetteer (made-up places) ---------------------------------

_KM = 1 / 111.2  # degrees of latitude per kilometre


def _gazetteer(rows: list[tuple[str, str, int, float]]) -> Gazetteer:
    """Synthetic places on one meridian: (name, country, population, km north of the equator)."""
    return Gazetteer(
        name=[r[0] for r in rows],
        country=[r[1] for r in rows],
        admin1=["01"] * len(rows),
        population=array("q", [r[2] for r in rows]),
        latitude=array("d", [r[3] * _KM for r in rows]),
        longitude=array("d", [0.0] * len(rows)),
        geonameid=array("q", range(1, len(rows) + 1)),
        names=NameIndex.build({}),
        countries={},
        country_names={},
        regions={},
        codes={},
        city_aliases={},
        region_words={},
    )


def _core_names(gaz: Gazetteer, overrides: list[metros.Override] | None = None) -> list[str]:
    m = metros.assign_metros(gaz, overrides or [])
    return [gaz.name[m.core_of(i)] for i in range(len(gaz))]


def test_a_big_core_claims_nearby_towns_but_not_distant_ones() -> None:
    reach = metros.radius_km(2_000_000)
    gaz = _gazetteer(
        [
            ("Bigcity", "XA", 2_000_000, 0.0),
            ("Nearby", "XA", 40_000, reach - 5),
            ("Faraway", "XA", 40_000, reach + 5),
        ]
    )
    assert _core_names(gaz) == ["Bigcity", "Bigcity", "Faraway"]


def test_a_town_with_its_own_centre_stays_a_core_unless_the_big_core_is_close() -> None:
    standalone = metros.STANDALONE_KM * 2.0**metros.STANDALONE_EXPONENT
    assert standalone < metros.radius_km(2_000_000)
    rows = [
        ("Bigcity", "XA", 2_000_000, 0.0),
        ("Closeby", "XA", 200_000, standalone - 3),
        ("Ownton", "XA", 200_000, -(standalone + 3)),
        ("Village", "XA", 20_000, -(standalone + 6)),
    ]
    assert _core_names(_gazetteer(rows)) == ["Bigcity", "Bigcity", "Ownton", "Ownton"]
    # Where metros are unions of counties (US MSAs) the big core claims both.
    us = [(name, "US", pop, km) for name, _, pop, km in rows]
    assert _core_names(_gazetteer(us)) == ["Bigcity"] * 4


def test_a_core_never_claims_across_a_border() -> None:
    gaz = _gazetteer([("Bigcity", "XA", 2_000_000, 0.0), ("Bordertown", "XB", 50_000, 10.0)])
    assert _core_names(gaz) == ["Bigcity", "Bordertown"]


def test_where_urban_areas_lie_within_a_state_a_core_claims_only_its_own_state() -> None:
    rows = [("Bigcity", "IN", 2_000_000, 0.0), ("Sametown", "IN", 40_000, 10.0)]
    rows += [("Othertown", "IN", 40_000, -10.0)]
    gaz = _gazetteer(rows)
    gaz.admin1[2] = "02"
    assert _core_names(gaz) == ["Bigcity", "Bigcity", "Othertown"]
    # A core whose official region crosses state borders (Delhi's National Capital Region).
    gaz.geonameid[0] = metros.STATE_BOUNDED_METROS["IN"][0]
    assert _core_names(gaz) == ["Bigcity"] * 3
    # Elsewhere states do not bound metros.
    assert _core_names(_gazetteer([(n, "XA", p, km) for n, _, p, km in rows])) == ["Bigcity"] * 3


def test_twin_cities_merge_only_when_close() -> None:
    radius = metros.radius_km(1_000_000)
    close = metros.TWIN_SHARE * radius - 2
    far = metros.TWIN_SHARE * radius + 2
    gaz = _gazetteer(
        [
            ("Alpha", "XA", 1_000_000, 0.0),
            ("Beta", "XA", 700_000, close),
            ("Gamma", "XA", 700_000, -far),
        ]
    )
    assert _core_names(gaz) == ["Alpha", "Alpha", "Gamma"]


def test_membership_is_transitive() -> None:
    big = metros.radius_km(3_000_000, "US")
    gaz = _gazetteer(
        [
            ("Capital", "US", 3_000_000, 0.0),
            ("Satellite", "US", 200_000, big - 3),
            ("Suburb", "US", 20_000, big + 15),
        ]
    )
    assert _core_names(gaz) == ["Capital", "Capital", "Capital"]


def test_a_section_named_after_its_city_never_becomes_its_core() -> None:
    gaz = _gazetteer(
        [("New South Springtown", "XA", 640_000, 5.0), ("Springtown", "XA", 630_000, 0.0)]
    )
    assert _core_names(gaz) == ["Springtown", "Springtown"]


def test_overrides_move_cities_and_keep_their_target_a_core() -> None:
    gaz = _gazetteer(
        [
            ("Alpha", "XA", 1_000_000, 0.0),
            ("Beta", "XA", 400_000, 100.0),
            ("Gamma", "XA", 30_000, 5.0),
        ]
    )
    override = metros.Override(geonameid=2, metro_geonameid=3, kind="member", reason="test")
    names = _core_names(gaz, [override])
    assert names == ["Alpha", "Gamma", "Gamma"]


def test_override_loops_end_instead_of_hanging() -> None:
    gaz = _gazetteer([("Alpha", "XA", 100_000, 0.0), ("Beta", "XA", 100_000, 500.0)])
    loop = [
        metros.Override(1, 2, "member", "test"),
        metros.Override(2, 1, "member", "test"),
    ]
    assert len(set(_core_names(gaz, loop))) == 1


def test_an_override_naming_an_unknown_city_is_a_config_error() -> None:
    gaz = _gazetteer([("Alpha", "XA", 100_000, 0.0)])
    with pytest.raises(ConfigError):
        metros.assign_metros(gaz, [metros.Override(1, 999, "member", "test")])


def test_population_sums_members_but_not_sections_inside_the_core() -> None:
    footprint = metros.footprint_km(1_000_000)
    gaz = _gazetteer(
        [
            ("Alpha", "XA", 1_000_000, 0.0),
            ("Alpha North", "XA", 400_000, footprint / 2),
            ("Alpha South", "XA", 300_000, -footprint / 2),
            ("Commuterville", "XA", 45_000, footprint + 15),
        ]
    )
    m = metros.assign_metros(gaz, [])
    info = m.info(metros.metro_id_of(1))
    assert info.population == 1_000_000 + 45_000
    assert (info.name, info.country_code) == ("Alpha", "XA")


def test_radius_grows_with_population() -> None:
    sizes = [50_000, 500_000, 5_000_000]
    radii = [metros.radius_km(p) for p in sizes]
    assert radii == sorted(radii) and radii[0] < radii[-1]


# -- the real assignment -----------------------------------------------------------------------

METRO_LABELS = Path(__file__).resolve().parents[1] / "data" / "locations_metro_labels.csv"


def test_suburbs_and_standalone_towns_of_the_metro_labels() -> None:
    with METRO_LABELS.open(encoding="utf-8", newline="") as fh:
        labels = locations_eval.labels_from_rows(list(csv.DictReader(fh)))
    scores = locations_eval.score(labels, locations_eval.predict_jobatlas(labels))
    assert len(labels) >= 200
    assert scores.metro_accuracy is not None and scores.metro_accuracy >= 0.95


@pytest.mark.parametrize(
    ("text", "metro"),
    [
        ("Darmstadt, Germany", "Darmstadt"),
        ("Offenbach am Main", "Frankfurt am Main"),
        ("Bonn, Germany", "Bonn"),
        ("Yokohama, Japan", "Tokyo"),
        ("Mississauga, ON", "Toronto"),
        ("Guelph, ON", "Guelph"),
        ("Aurora, CO", "Denver"),
    ],
)
def test_standalone_towns_keep_their_metro_and_suburbs_join_the_core(text: str, metro: str) -> None:
    place = resolve_location(text).primary
    assert place is not None and place.metro == metro


@pytest.fixture(scope="module")
def resolver() -> LocationResolver:
    return get_resolver()


@pytest.mark.parametrize(
    ("text", "metro"),
    [
        ("Redmond, WA", "Seattle"),
        ("Bellevue, WA", "Seattle"),
        ("Cambridge, MA", "Boston"),
        ("Palo Alto, CA", "San Francisco"),
        ("Mountain View, CA", "San Francisco"),
        ("Sunnyvale, CA", "San Francisco"),
        ("Santa Clara, CA", "San Francisco"),
        ("Jersey City, NJ", "New York City"),
        ("Brooklyn, NY", "New York City"),
        ("Gurugram, Haryana, India", "Delhi"),
        ("Noida, Uttar Pradesh, India", "Delhi"),
        ("Mohali, Punjab, India", "Chandigarh"),
        ("Hosur, Tamil Nadu", "Hosūr"),  # not Bengaluru's: another state
        ("Kawasaki, Kanagawa, Japan", "Tokyo"),
        ("Boulogne-Billancourt, France", "Paris"),
        ("Mississauga, ON, Canada", "Toronto"),
        ("Cambridge, UK", "Cambridge"),
        ("Oxford, UK", "Oxford"),
        # official definitions in metro_overrides.csv (metropolitan counties, TTWAs, FUAs, MSAs)
        ("Bolton, UK", "Manchester"),
        ("Sunderland, UK", "Newcastle upon Tyne"),
        ("Warrington, UK", "Warrington"),
        ("Bonn, Germany", "Bonn"),
        ("Guelph, Ontario", "Guelph"),
        ("St. Catharines, ON", "St. Catharines"),  # a CMA of its own, 50 km from Toronto
        ("Welland, ON", "St. Catharines"),
        ("Whitby, ON", "Oshawa"),
        ("Research Triangle Park, NC", "Durham"),
        ("Boulder, CO", "Boulder"),
        ("Aurora, IL", "Chicago"),
        ("Norwalk, CT", "New York City"),
        # capital areas of small countries that the radius rule splits (metro_overrides.csv)
        ("Quatre Bornes, Mauritius", "Port Louis"),
        ("Ebene, Mauritius", "Port Louis"),
        ("Lusail, Qatar", "Doha"),
        ("Seeb, Oman", "Muscat"),
        ("Talcahuano, Chile", "Concepción"),
        ("Riffa, Bahrain", "Manama"),
        ("Sengkurong, Brunei", "Bandar Seri Begawan"),
        ("Kuala Belait, Brunei", "Kuala Belait"),
        ("Winterthur, ZH", "Winterthur"),  # its own agglomeration (BFS), not Zürich's
        ("Neuhausen am Rheinfall", "Schaffhausen"),
        ("Leuven, Vlaams-Brabant", "Leuven"),  # its own stadsgewest (Statbel), not Brussels'
        ("Zaventem, Belgium", "Brussels"),
        ("Viña del Mar, Chile", "Valparaíso"),  # Gran Valparaíso, though Viña is larger
        ("Sandnes, Rogaland", "Stavanger"),
        ("Toyota-shi, Aichi", "Toyota"),  # its own metropolitan employment area
        # a landscape names the Land: Hesse's Sulzbach, not Saarland's larger one
        ("Sulzbach (Taunus)", "Frankfurt am Main"),
        ("Black Forest, CO", "Colorado Springs"),
        ("경기 광주시", "Seoul"),  # Gyeonggi's Gwangju, not the metropolitan city
        ("충북 청주시", "Cheongju-si"),
        ("US-GA-Duluth", "Atlanta"),  # Workday: the state code picks Georgia's Duluth
        ("US-MN-Duluth", "Duluth"),
        ("Chatham, Sangamon County, IL", "Springfield"),  # the county picks the village
        ("Chatham, IL", "Chicago"),
        ("Wodonga, VIC 3690", "Albury"),  # one urban area across the state border (ABS)
        ("Storkøbenhavn", "Copenhagen"),  # "Stor-": the greater area
        ("Stor-Oslo", "Oslo"),
        ("Jerudong, Brunei-Muara", "Bandar Seri Begawan"),  # GeoNames: Kampung Jerudong
        # GeoNames has one Cheadle (Staffordshire); ONS also lists Cheadle, Stockport
        ("Cheadle, Staffordshire", "Stoke-on-Trent"),
        ("Bridgend, Wales", "Bridgend"),  # a TTWA of its own, not Cardiff's
        ("Merthyr Tydfil, Wales", "Merthyr Tydfil"),
    ],
)
def test_issue_metro_memberships(text: str, metro: str) -> None:
    place = resolve_location(text).primary
    assert place is not None and place.metro == metro


def test_metro_ids_derive_from_the_core_geonameid(resolver: LocationResolver) -> None:
    place = resolve_location("Redmond, WA").primary
    assert place is not None
    seattle = resolve_location("Seattle, WA").primary
    assert seattle is not None and place.metro_id == f"m{seattle.geonameid}"
    info = resolver.metro_info(place.metro_id)
    assert (info.name, info.country_code, info.metro_id) == ("Seattle", "US", place.metro_id)
    assert info.population > 1_000_000
    assert abs(info.latitude - seattle.latitude) < 1e-9


def test_unknown_metro_ids_raise_key_error(resolver: LocationResolver) -> None:
    for bad in ("m0", "x5809844", "", "m5808079"):  # the last one is Redmond: no metro of its own
        with pytest.raises(KeyError):
            resolver.metro_info(bad)


def test_metros_iterate_most_populous_first(resolver: LocationResolver) -> None:
    first = [m.population for _, m in zip(range(50), resolver.iter_metros(), strict=False)]
    assert first == sorted(first, reverse=True)


def test_every_override_names_real_places_and_gives_a_reason(resolver: LocationResolver) -> None:
    gaz = resolver.gaz
    for row in data_rows("metro_overrides.csv"):
        city, core = gaz.index_of(int(row["geonameid"])), gaz.index_of(int(row["metro_geonameid"]))
        assert city is not None and core is not None, row
        assert (gaz.name[city], gaz.name[core]) == (row["name"], row["metro_name"])
        assert len(row["reason"]) > 20
        assert resolver.metros.core_of(city) == core
