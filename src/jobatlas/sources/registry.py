"""The registry of live sources: every source module, by name.

It sits above the source modules (each imports ``base``), so ``base`` imports none of them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from jobatlas.errors import ConfigError
from jobatlas.sources import (
    adzuna,
    ashby,
    greenhouse,
    hn,
    jobspy,
    lever,
    recruitee,
    smartrecruiters,
    workable,
)
from jobatlas.sources.base import Source


@functools.cache
def registry() -> Mapping[str, Source]:
    """Every source, by name, in the order ``jobatlas sources`` lists them."""
    modules = (greenhouse, lever, ashby, workable, smartrecruiters, recruitee, hn, jobspy, adzuna)
    return {m.SOURCE.info.name: m.SOURCE for m in modules}


def get_source(name: str) -> Source:
    sources = registry()
    if name not in sources:
        raise ConfigError(f"unknown source {name!r}", hint="known: " + ", ".join(sources))
    return sources[name]
