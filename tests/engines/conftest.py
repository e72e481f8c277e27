"""One Spark session (local[2]) for the engine tests; they skip, saying why, without pyspark
or Java."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from jobatlas.errors import JobatlasError


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from jobatlas.engines.spark import require_spark, spark_session

    try:
        require_spark()
    except JobatlasError as exc:
        pytest.skip(f"the Spark engine cannot run here: {exc}")
    session = spark_session("local[2]", partitions=2)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
