"""Property-based requests generated from the OpenAPI schema: no answer is a server error,
and every error answer has the one JSON shape. Bounded: 30 examples per operation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobatlas.serve.app import create_app

SHAPE = {"status", "type", "message", "hint", "fields"}

# The schema is read when the module loads (schemathesis parametrizes at collection); the
# store is opened only at the first request, after the fixture below points the app at it.
APP = create_app(Path("not-yet-built.duckdb"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _on_the_test_store(store_path: Path) -> Iterator[None]:
    APP.state.jobatlas.store.path = store_path
    yield
    APP.state.jobatlas.store.close()


# One test per operation, named by it, with valid and invalid requests (the schema's two
# generation modes): ``schema.parametrize()`` gives every operation's test the same node id,
# and pytest-xdist, which schedules tests by node id, ran only one of the eight.
OPERATIONS = {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_server_error(operation: str, data: st.DataObject) -> None:
    modes = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
    case = data.draw(st.one_of(*(OPERATIONS[operation].as_strategy(mode) for mode in modes)))
    response = case.call()
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()["error"]) == SHAPE
