"""The metro assignment and name tables shipped in the package equal fresh ones, and are used
when they fit."""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from jobatlas.normalize import gazetteer, metros
from jobatlas.normalize.gazetteer import load_gazetteer
from jobatlas.normalize.gazetteer_tables import apply_shipped_tables, decode_tables, encode_tables
from jobatlas.normalize.metros_index import decode_metros, encode_metros, shipped_metros


def test_the_shipped_assignment_equals_a_fresh_one() -> None:
    gaz = load_gazetteer()
    shipped = shipped_metros(metros.metros_key(gaz))
    assert shipped is not None, "rebuild it: python tools/build_city_index.py --metros-only"
    fresh = metros.assign_metros(gaz, metros.load_overrides())
    assert shipped == (fresh.core, fresh._population)


def test_encoding_round_trips_and_checks_its_key() -> None:
    core = array("q", [0, 0, 2, 0, 4])
    population = {0: 1_500_000, 2: 80_000, 4: 12}
    data = encode_metros("k1", core, population)
    assert decode_metros(data, "k1") == (core, population)
    assert decode_metros(data, "k2") is None  # built from other inputs: not used


def test_a_first_run_reads_the_shipped_file_instead_of_computing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gaz = load_gazetteer()
    monkeypatch.setenv("JOBATLAS_CACHE_DIR", str(tmp_path))

    def fail(*_: object) -> None:
        raise AssertionError("computed although the shipped assignment fits")

    monkeypatch.setattr(metros, "assign_metros", fail)
    loaded = metros.load_metros(gaz)
    assert loaded.metro_name(gaz.index_of(5809844) or 0) == "Seattle"
    assert list(tmp_path.glob("metros-*.marshal"))  # and cached for the next run


def test_the_shipped_name_tables_equal_a_fresh_build() -> None:
    gaz = gazetteer.shipped_cities()
    assert gaz is not None
    assert apply_shipped_tables(gaz, gazetteer.tables_key()), (
        "rebuild it: python tools/build_city_index.py --metros-only"
    )
    fresh = gazetteer.shipped_cities()
    assert fresh is not None
    gazetteer.add_tables(fresh)
    for name in ("countries", "country_names", "regions", "codes", "city_aliases", "region_words"):
        assert getattr(gaz, name) == getattr(fresh, name), name


def test_name_tables_built_from_other_inputs_are_not_used() -> None:
    gaz = gazetteer.shipped_cities()
    assert gaz is not None
    data = encode_tables("old key", gaz)
    assert decode_tables(data, "old key") is not None
    assert decode_tables(data, gazetteer.tables_key()) is None
