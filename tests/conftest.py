from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
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

_LOCKS = "JOBATLAS_SUITE_LOCKS"


def pytest_configure(config: pytest.Config) -> None:
    """The main process makes the folder of the run's locks, which the workers inherit."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        os.environ[_LOCKS] = tempfile.mkdtemp(prefix="jobatlas-suite-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ:
        shutil.rmtree(os.environ.pop(_LOCKS), ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[object]:
    """On xdist workers, a test marked ``timed`` (it asserts a wall time an issue asks for)
    runs while no test runs on another worker; the others share the machine. A reader-writer
    lock on two files of the run, held from the test's setup (module fixtures included) to
    its teardown: a timed test holds the gate while it waits, so that the other worker's next
    test waits for it, not the reverse."""
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process: nothing runs beside the test
        return (yield)
    folder = Path(os.environ[_LOCKS])
    alone = item.get_closest_marker("timed") is not None
    with (folder / "gate").open("a") as gate, (folder / "machine").open("a") as machine:
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(machine, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        if not alone:
            fcntl.flock(gate, fcntl.LOCK_UN)
        return (yield)  # closing the files releases both locks


@pytest.fixture(autouse=True, scope="session")
def _no_terminal_size() -> Iterator[None]:
    """Output is checked as a program reading it sees it, whatever the terminal the suite
    runs from: GNU readline, loaded by the main process, exports COLUMNS=80 and LINES to the
    xdist workers, which would narrow the CLI's tables."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("COLUMNS", raising=False)
        patch.delenv("LINES", raising=False)
        yield


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "test.duckdb") as s:
        yield s
