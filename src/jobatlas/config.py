"""Settings that more than one stage reads. Imports nothing of ours above errors/models."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "jobatlas.duckdb"
DB_ENV = "JOBATLAS_DB"


def db_path(explicit: str | Path | None = None) -> Path:
    """The store path: the explicit option, else $JOBATLAS_DB, else ./jobatlas.duckdb."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)
