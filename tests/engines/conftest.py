"""One Spark session (local[2]) for the engine tests; they skip, saying why, without pyspark
or Java."""

from __future__ import annotations

import os
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
    # The tests' jobs are small and short: a driver JVM with only the C1 compiler spends less
    # time compiling (about 15% off these tests); the JVM is started with the session.
    before = os.environ.get("PYSPARK_SUBMIT_ARGS")
    os.environ["PYSPARK_SUBMIT_ARGS"] = (
        "--driver-java-options -XX:TieredStopAtLevel=1 pyspark-shell"
    )
    try:
        session = spark_session("local[2]", partitions=2)
    finally:
        if before is None:
            os.environ.pop("PYSPARK_SUBMIT_ARGS")
        else:
            os.environ["PYSPARK_SUBMIT_ARGS"] = before
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
