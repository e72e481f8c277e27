"""The metro assignment shipped in the package (``jobatlas/data/geonames_metros.npy.xz``).

Assigning every gazetteer city to its metro takes about a second; a machine that never ran
jobatlas reads this file instead, when it was built from the same city index, rule and tables
(its key says so). ``tools/build_city_index.py`` writes it at release from the same
:func:`jobatlas.normalize.metros.assign_metros` a machine without it runs, and a test checks that
the shipped file equals a fresh assignment.

Layout: four ``.npy`` arrays one after another, compressed with xz: the key (text); each city's
core as its distance in the city table (``core[i] - i``: mostly zero, so it compresses to
almost nothing), int32; the metro cores, int32; their populations, int64.
"""

from __future__ import annotations

import io
import lzma
from array import array
from importlib.resources import files

METRO_INDEX = "geonames_metros.npy.xz"


def encode_metros(key: str, core: array[int], population: dict[int, int]) -> bytes:
    import numpy as np

    cores = np.frombuffer(core, dtype=np.int64)
    offsets = cores - np.arange(len(cores), dtype=np.int64)
    heads = sorted(population)
    arrays = (
        np.array(key),
        offsets.astype("<i4"),
        np.array(heads, dtype="<i4"),
        np.array([population[h] for h in heads], dtype="<i8"),
    )
    if not np.array_equal(arrays[1].astype(np.int64), offsets):
        raise ValueError("a core lies too far from its city in the table")
    out = io.BytesIO()
    for a in arrays:
        np.lib.format.write_array(out, a, allow_pickle=False)
    return lzma.compress(out.getvalue(), preset=9)


def decode_metros(data: bytes, key: str) -> tuple[array[int], dict[int, int]] | None:
    """The cores and metro populations in ``data``, or None when built from other inputs."""
    import numpy as np

    raw = io.BytesIO(lzma.decompress(data))
    stored, offsets, heads, people = (
        np.lib.format.read_array(raw, allow_pickle=False) for _ in range(4)
    )
    if str(stored) != key:
        return None
    cores = offsets.astype(np.int64) + np.arange(len(offsets), dtype=np.int64)
    core = array("q")
    core.frombytes(cores.astype("<i8").tobytes())
    return core, dict(zip(heads.tolist(), people.tolist(), strict=True))


def shipped_metros(key: str) -> tuple[array[int], dict[int, int]] | None:
    """The shipped assignment, unless it is missing, damaged or was built from other inputs."""
    try:
        return decode_metros(files("jobatlas.data").joinpath(METRO_INDEX).read_bytes(), key)
    except (OSError, lzma.LZMAError, ValueError):
        return None
