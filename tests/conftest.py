from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import settings

from jobatlas.store.duckdb import Store

# No per-example deadline: speed is measured in benchmarks/, not in unit tests, and a busy
# machine (a CI runner, a parallel job) can make one example exceed Hypothesis's default 200 ms
# ("Unreliable test timings") without anything being wrong. Example counts are unchanged.
settings.register_profile("jobatlas", deadline=None)
settings.load_profile("jobatlas")

_LOCKS = "JOBATLAS_SUITE_LOCKS"
_TOGETHER = "spark and timed tests"  # the scheduler's name for their unit of work


def pytest_configure(config: pytest.Config) -> None:
    """The main process makes the folder of the run's locks, which the workers inherit. It
    also lets the processes it starts write bytecode caches where PYTHONDONTWRITEBYTECODE
    says not to (as on the project's CI machines): otherwise both workers and every process
    a test starts (the CLI, the helper, Spark's Python workers) compile the same modules
    again, and collection alone takes twice as long."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        os.environ[_LOCKS] = tempfile.mkdtemp(prefix="jobatlas-suite-")
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ:
        shutil.rmtree(os.environ.pop(_LOCKS), ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """On an xdist worker, the files the scheduler (main process) treats apart, by marker:
    they are known only where tests are collected."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    files: dict[str, list[str]] = {"spark": [], "timed": [], "long": []}
    for item in items:
        file = item.nodeid.split("::", 1)[0]
        for marker, held in files.items():
            if item.get_closest_marker(marker) is not None and file not in held:
                held.append(file)
    plan = Path(os.environ[_LOCKS]) / "plan.json"
    written = plan.with_name(f"plan-{os.environ['PYTEST_XDIST_WORKER']}.json")
    written.write_text(json.dumps(files), encoding="utf-8")
    written.replace(plan)  # both workers write the same plan; a reader sees a whole one


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, with three changes that shorten the run on two workers: the files
    of Spark tests, then the files of timed tests, are one unit of work for one worker (one
    JVM, warm for the second file; the timed tests wait for the other worker's short tests,
    not for a Spark test of a minute); that unit and files holding a ``long`` test are handed
    out first, the rest as xdist orders them."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class MachineFirst(LoadFileScheduling):  # type: ignore[misc]
        together: frozenset[str] = frozenset()
        first: frozenset[str] = frozenset()

        def schedule(self) -> None:
            if self.collection is None:
                plan = Path(os.environ[_LOCKS]) / "plan.json"
                files = json.loads(plan.read_text(encoding="utf-8")) if plan.exists() else {}
                self.together = frozenset(files.get("spark", []) + files.get("timed", []))
                self.first = frozenset(files.get("long", [])) | {_TOGETHER}
            super().schedule()

        def _split_scope(self, nodeid: str) -> str:
            file = str(super()._split_scope(nodeid))
            return _TOGETHER if file in self.together else file

        def _assign_work_unit(self, node: Any) -> None:
            early = [scope for scope in self.workqueue if scope in self.first]
            if early:
                self.workqueue.move_to_end(early[0], last=False)
            super()._assign_work_unit(node)

    return MachineFirst(config, log)


def _timed(item: pytest.Item | None) -> bool:
    return item is not None and item.get_closest_marker("timed") is not None


_held: list[IO[str]] = []  # the lock files a run of timed tests on this worker holds


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
    """On xdist workers, a test marked ``timed`` (it asserts a wall time an issue asks for)
    runs while no test runs on another worker; the others share the machine. A reader-writer
    lock on two files of the run, held from the test's setup (module fixtures included) to
    its teardown: a timed test holds the gate while it waits, so that the other worker's next
    test waits for it, not the reverse. Timed tests that follow each other keep the lock
    (one wait for the other worker, not one per test)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:  # one process: nothing runs beside the test
        return (yield)
    alone = _timed(item)
    if not _held:
        folder = Path(os.environ[_LOCKS])
        gate, machine = (folder / "gate").open("a"), (folder / "machine").open("a")
        _held.extend((gate, machine))
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(machine, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        if not alone:
            fcntl.flock(gate, fcntl.LOCK_UN)
    try:
        return (yield)
    finally:
        if not (alone and _timed(nextitem)):
            while _held:
                _held.pop().close()  # closing the files releases both locks


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
