"""The helper process runs a call as this process would, or lets this process run it."""

from __future__ import annotations

import json
import threading
import time

import pytest

from jobatlas import helper
from jobatlas.normalize.employers import name_parts, parts_of

NAMES = ["Acme Corp (Remote)", "ACME CORPORATION", "Veeva Systems Inc.", "", "  "]


def test_a_call_in_the_helper_returns_what_it_returns_here() -> None:
    child = helper.Helper()
    try:
        first = child.submit(parts_of, NAMES)
        second = child.submit(json.loads, '{"a": [1, 2]}')
        assert second.result() == {"a": [1, 2]}  # answers come back in order, each to its call
        assert first.done() and first.result() == [name_parts(n) for n in NAMES]
    finally:
        child.close(wait=True)


def test_an_error_in_the_helper_is_raised_to_the_caller() -> None:
    child = helper.Helper()
    try:
        with pytest.raises(json.JSONDecodeError, match="Expecting"):
            child.submit(json.loads, "{").result()
        assert child.submit(json.loads, "3").result() == 3  # the child goes on after an error
    finally:
        child.close(wait=True)


def test_without_its_process_a_call_runs_in_the_caller() -> None:
    child = helper.Helper()
    child.close(wait=True)
    pending = child.submit(parts_of, NAMES)
    assert pending.done() and pending.result() == [name_parts(n) for n in NAMES]


def test_the_shared_helper_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    first = helper.shared()
    assert helper.shared() is first and helper.running() is first
    monkeypatch.setenv("JOBATLAS_TEST_HELPER", "changed")
    assert helper.running() is None  # the child would not see the new variable
    second = helper.shared()
    assert second is not first and second.submit(json.loads, "1").result() == 1


def test_long_requests_and_replies_cross_without_blocking() -> None:
    """A long reply (more than a pipe holds) is read while a long request is written."""
    names = [f"Acme Corp (Remote) {i}" for i in range(50_000)]
    child = helper.Helper()
    got: list[object] = []

    def ask() -> None:
        first = child.submit(parts_of, names)
        second = child.submit(json.loads, json.dumps(names))
        got.extend([second.result(), len(first.result())])

    try:
        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        asking.join(timeout=120)
        assert got == [names, len(names)]
    finally:
        child.close(wait=not asking.is_alive())


@pytest.mark.timed
def test_a_request_is_sent_without_waiting_for_a_busy_child() -> None:
    """A request longer than a pipe holds, sent while the child works on the one before,
    returns at once: a thread writes it (the caller goes on with its own work)."""
    child = helper.Helper()
    try:
        busy = child.submit(time.sleep, 3.0)
        started = time.perf_counter()
        long = child.submit(json.loads, json.dumps(["x" * 100] * 20_000))  # about 2 MB
        assert time.perf_counter() - started < 1.5 and not busy.done()
        assert len(long.result()) == 20_000 and busy.done()
    finally:
        child.close(wait=True)
