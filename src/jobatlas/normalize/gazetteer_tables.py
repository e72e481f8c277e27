"""The gazetteer's name tables shipped in the package (``jobatlas/data/geonames_tables.json.gz``).

Countries, subdivisions in 28 languages, codes and the bundled alias tables take about half a
second to index on a machine that never ran jobatlas; this file holds the result, and is used
when it was built from the same city index, pycountry and tables (its key says so).
``tools/build_city_index.py`` writes it at release from the same code a machine without it runs,
and a test checks that the shipped file equals a fresh build.
"""

from __future__ import annotations

import gzip
import json
import zlib
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobatlas.normalize.gazetteer import Gazetteer

TABLES_INDEX = "geonames_tables.json.gz"
_FIELDS = ("countries", "country_names", "regions", "codes", "city_aliases", "region_words")


def encode_tables(key: str, gaz: Gazetteer) -> bytes:
    payload: dict[str, Any] = {"key": key}
    payload.update((name, getattr(gaz, name)) for name in _FIELDS)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


def decode_tables(data: bytes, key: str) -> dict[str, Any] | None:
    """The tables in ``data`` with their tuples restored, or None when built from other inputs."""
    payload = json.loads(gzip.decompress(data))
    if payload.get("key") != key:
        return None
    return {
        "countries": payload["countries"],
        "country_names": payload["country_names"],
        "regions": {k: tuple(tuple(r) for r in v) for k, v in payload["regions"].items()},
        "codes": {k: tuple(tuple(c) for c in v) for k, v in payload["codes"].items()},
        "city_aliases": payload["city_aliases"],
        "region_words": payload["region_words"],
    }


def apply_shipped_tables(gaz: Gazetteer, key: str) -> bool:
    """Fill ``gaz``'s name tables from the shipped file; False when it is missing or stale."""
    try:
        tables = decode_tables(files("jobatlas.data").joinpath(TABLES_INDEX).read_bytes(), key)
    except (OSError, EOFError, zlib.error, ValueError, KeyError):
        return False
    if tables is None:
        return False
    for name, value in tables.items():
        setattr(gaz, name, value)
    return True
