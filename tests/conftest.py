from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from jobatlas.store.duckdb import Store

# No per-example deadline: speed is measured in benchmarks/, not in unit tests, and a busy
# machine (a CI runner, a parallel job) can make one example exceed Hypothesis's default 200 ms
# ("Unreliable test timings") without anything being wrong. Example counts are unchanged.
settings.register_profile("jobatlas", deadline=None)
settings.load_profile("jobatlas")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "test.duckdb") as s:
        yield s
