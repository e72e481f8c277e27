"""jobatlas as a library: the normalisers on columns, ``normalize`` and ``rank`` on tables.

Documented in docs/api.md. Every function takes pandas, polars, pyarrow or plain Python
objects and gives back the same family; none needs a store.
"""

from jobatlas.api.columns import canonical_employers, classify, locate, parse_salaries
from jobatlas.api.postings import Normalized, normalize
from jobatlas.api.ranking import Ranking, rank

__all__ = [
    "Normalized",
    "Ranking",
    "canonical_employers",
    "classify",
    "locate",
    "normalize",
    "parse_salaries",
    "rank",
]
