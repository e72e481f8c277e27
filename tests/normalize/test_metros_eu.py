"""European metros follow Eurostat's functional urban areas (Urban Audit 2021)."""

from __future__ import annotations

import pytest

from jobatlas.normalize.gazetteer import data_rows
from jobatlas.normalize.locations import get_resolver, resolve_location
from jobatlas.normalize.metros import DOMINANCE
from jobatlas.normalize.metros_eu import FUA_CITIES, FUA_MEMBER_KM, fua_parents


def test_the_table_is_whole_and_matched() -> None:
    rows = list(data_rows(FUA_CITIES))
    # 725 cities in 631 FUAs with a core city (Latvia's four FUAs have none listed)
    assert len(rows) == 725
    fuas = {r["fua_code"] for r in rows}
    cores = {r["fua_code"] for r in rows if r["urau_code"][:-1] == r["fua_code"][:-1]}
    assert len(fuas) == len(cores) == 631
    gaz = get_resolver().gaz
    unmatched = [r["name"] for r in rows if not r["geonameid"]]
    # only French overseas cities, which GeoNames files under their own country codes
    assert sorted(unmatched) == ["Cayenne", "Fort-de-France", "Mamoudzou", "Saint-Denis",
                                 "Saint-Louis"]  # fmt: skip
    for row in rows:
        if row["geonameid"]:
            city = gaz.index_of(int(row["geonameid"]))
            assert city is not None and gaz.country[city] == row["country"], row


def test_a_core_is_its_own_and_a_close_smaller_city_joins_it() -> None:
    gaz = get_resolver().gaz
    parents = fua_parents(gaz, DOMINANCE)
    for city, core in parents.items():
        if core != city:
            assert gaz.population[core] >= DOMINANCE * gaz.population[city]
            assert gaz.country[core] == gaz.country[city]
    assert FUA_MEMBER_KM == 25.0


@pytest.mark.parametrize(
    ("text", "metro"),
    [
        ("Zoetermeer, Netherlands", "The Hague"),  # in The Hague's FUA, 12 km away
        ("Helmond, Netherlands", "Eindhoven"),
        ("Lund, Sweden", "Malmö"),
        ("Zug, Switzerland", "Zug"),  # an FUA of its own, next to Zürich's
        ("Remscheid, Germany", "Remscheid"),  # its own FUA, next to Wuppertal
        ("Duisburg, Germany", "Duisburg"),  # in the Ruhr FUA, but as big as Essen
        ("Lüneburg, Germany", "Lüneburg"),  # in Hamburg's FUA, but 45 km away
        ("Darmstadt, Germany", "Darmstadt"),
        ("Offenbach am Main, Germany", "Frankfurt am Main"),
    ],
)
def test_european_cities_follow_their_functional_urban_area(text: str, metro: str) -> None:
    place = resolve_location(text).primary
    assert place is not None and place.metro == metro, place
