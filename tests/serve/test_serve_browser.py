"""The report page served live at / passes the browser checks of the file report (marker
``browser``): `jobatlas serve`'s app under uvicorn on 127.0.0.1, a free port, in a thread
of this process (so the checks can read the ranking the server computed), stopped at the
end. The store holds the postings of tests/report/world_postings.py, hostile ones included.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import uvicorn

from browser_helpers import Visit, check_hostile_as_text, check_slider_reorders, launched_chromium
from jobatlas.ingest import ingest_file
from jobatlas.pipeline import normalize
from jobatlas.serve.app import create_app
from jobatlas.serve.ranking import RankingKey, Served
from jobatlas.store.duckdb import Store
from report.world_postings import python_order, world_postings

pytestmark = pytest.mark.browser

HOST = "127.0.0.1"


class LiveServer:
    """The app on a socket bound here first (so the port is ours), served by uvicorn in a
    thread until ``stop``."""

    def __init__(self, db: Path) -> None:
        self.app = create_app(db)
        self.socket = socket.socket()
        self.socket.bind((HOST, 0))
        self.origin = f"http://{HOST}:{self.socket.getsockname()[1]}/"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, args=([self.socket],))
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "no server"
            time.sleep(0.05)

    def ranking(self) -> Served:
        """The default ranking, as the server computed it for /."""
        served = self.app.state.jobatlas.rankings.peek(RankingKey())
        assert served is not None, "/ was not loaded"
        found: Served = served
        return found

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.socket.close()
        assert not self.thread.is_alive()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("live")
    source = tmp / "world.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in world_postings()) + "\n", "utf-8")
    with Store.open(tmp / "world.duckdb") as store:
        ingest_file(store, source)
        normalize(store)
    server = LiveServer(tmp / "world.duckdb")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture
def visit(browser: Any, live: LiveServer) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield Visit(context.new_page(), live.origin, live.origin)
    context.close()


def test_the_served_page_stays_on_its_origin_without_errors(visit: Visit) -> None:
    assert visit.outside == [], "the page tried to leave its origin"
    assert visit.errors == []
    assert visit.order(), "the ranking table is empty"


def test_the_map_has_one_mark_per_ranked_metro(visit: Visit, live: LiveServer) -> None:
    ranked = live.ranking().ranking.ranked
    assert visit.map_marks() == len(ranked) >= 5


def test_a_slider_reorders_as_python_predicts(visit: Visit, live: LiveServer) -> None:
    result = live.ranking().ranking
    inputs = [i.name for i in result.structure.inputs]
    profile_order = [m.metro_id for m in result.ranked]
    predicted = SimpleNamespace(result=result)
    check_slider_reorders(visit, inputs, profile_order, lambda w: python_order(predicted, w))


def test_hostile_strings_show_as_text(visit: Visit, live: LiveServer) -> None:
    check_hostile_as_text(visit, live.ranking().report)
