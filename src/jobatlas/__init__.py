"""jobatlas: which cities are best for AI/ML jobs, from real postings, with the evidence.

The public API is documented in docs/api.md. Its functions live in ``jobatlas.api`` and are
loaded on first use, so ``import jobatlas`` stays light. ``normalize`` is reached as
``jobatlas.api.normalize``: ``jobatlas.normalize`` is the package of the normalisers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobatlas.errors import JobatlasError

if TYPE_CHECKING:
    from jobatlas.api import (
        Normalized,
        Ranking,
        canonical_employers,
        classify,
        locate,
        parse_salaries,
        rank,
    )

__all__ = [
    "JobatlasError",
    "Normalized",
    "Ranking",
    "__version__",
    "canonical_employers",
    "classify",
    "locate",
    "parse_salaries",
    "rank",
]

__version__ = "0.1.0"

_FROM_API = frozenset(__all__) - {"JobatlasError", "__version__"}


def __getattr__(name: str) -> Any:
    if name in _FROM_API:
        from jobatlas import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'jobatlas' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _FROM_API)
