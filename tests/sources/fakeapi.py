"""Offline doubles for the live sources: a loopback server at the APIs' real paths, a clock.

``FakeApi`` answers like Greenhouse, Lever, Ashby, Workable, SmartRecruiters, Recruitee,
Algolia HN and Adzuna (fixtures in ``fixtures/``, synthetic). Faults are scripted per
path: the next matching requests get the scripted responses (an HTTP error, a stall, a
trickled, truncated or gzip-bomb body), then the normal answer.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jobatlas.sources.http import HttpClient, HttpConfig

FIXTURES = Path(__file__).parent / "fixtures"

Reply = tuple[int, dict[str, str], bytes | Iterable[bytes]]
"""Status, headers and body; a body given in pieces is written piece by piece, and its
Content-Length is whatever the headers say (none: the body ends when the connection does)."""
Answer = Callable[[re.Match[str], dict[str, str]], Reply]
Scripted = Reply | Callable[[], Reply]


def load(name: str) -> Any:
    """A fresh copy of a fixture (tests may change it)."""
    return json.loads(_text(name))


@functools.cache
def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def reply(payload: Any, status: int = 200, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(payload).encode()


def truncated(payload: Any, keep: int, *, claim_full: bool = False) -> Reply:
    """The first ``keep`` bytes of the JSON; ``claim_full`` announces the full length."""
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if claim_full:
        return 200, headers | {"Content-Length": str(len(body))}, [body[:keep]]
    return 200, headers, body[:keep]


def trickle(size: int, interval: float) -> Reply:
    """Valid JSON of ``size`` bytes sent one byte every ``interval`` s (at most size x interval)."""
    body = b'{"jobs": [' + b" " * max(0, size - 12) + b"]}"

    def drip() -> Iterator[bytes]:
        for byte in body:
            time.sleep(interval)
            yield bytes([byte])

    return 200, {"Content-Type": "application/json", "Content-Length": str(len(body))}, drip()


@functools.cache
def _bomb(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
    spaces = b" " * 1_000_000
    parts = [packer.compress(b'{"jobs": [')]
    parts += [packer.compress(spaces) for _ in range(megabytes)]
    parts += [packer.compress(b"]}"), packer.flush()]
    return b"".join(parts)


def gzip_bomb(megabytes: int) -> Reply:
    """A small gzip body that expands to ``megabytes`` MB of valid JSON."""
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return 200, headers, _bomb(megabytes)


class FakeApi:
    """A ThreadingHTTPServer on 127.0.0.1 with regex routes, scripted faults and a request log."""

    def __init__(self) -> None:
        self.routes: list[tuple[re.Pattern[str], Answer]] = []
        self.scripts: list[tuple[re.Pattern[str], list[Scripted]]] = []
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = api.answer(self.path)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if isinstance(body, bytes):
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for piece in [body] if isinstance(body, bytes) else body:
                        self.wfile.write(piece)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def route(self, pattern: str, answer: Answer) -> None:
        self.routes.append((re.compile(f"^{pattern}$"), answer))

    def json(self, pattern: str, payload: Any) -> None:
        self.route(pattern, lambda m, q: reply(payload))

    def script(self, pattern: str, *replies: Scripted) -> None:
        """The next requests matching ``pattern`` get ``replies`` in order."""
        with self.lock:
            self.scripts.append((re.compile(f"^{pattern}$"), list(replies)))

    def count(self, pattern: str) -> int:
        rx = re.compile(f"^{pattern}$")
        with self.lock:
            return sum(1 for path, _ in self.requests if rx.match(path))

    def answer(self, raw_path: str) -> Reply:
        parts = urlsplit(raw_path)
        path, query = parts.path, dict(parse_qsl(parts.query))
        with self.lock:
            self.requests.append((path, query))
            scripted = self._next_scripted(path)
        if scripted is not None:
            return scripted() if callable(scripted) else scripted
        for rx, answer in self.routes:
            match = rx.match(path)
            if match:
                return answer(match, query)
        return reply({"error": "not found"}, 404)

    def _next_scripted(self, path: str) -> Scripted | None:
        for rx, queue in self.scripts:
            if queue and rx.match(path):
                return queue.pop(0)
        return None


@functools.cache
def lever_board(n: int) -> list[dict[str, Any]]:
    """A Lever board of ``n`` postings built from the fixture's first posting."""
    template = load("lever_postings.json")[0]
    board = []
    for i in range(n):
        item = copy.deepcopy(template)
        item["id"] = f"big-{i:05d}"
        item["text"] = f"Machine Learning Engineer {i}"
        item["hostedUrl"] = f"https://jobs.lever.co/bigboard/big-{i:05d}"
        board.append(item)
    return board


@functools.cache
def smartrecruiters_board(n: int) -> list[dict[str, Any]]:
    template = load("smartrecruiters_postings.json")["content"][0]
    items = []
    for i in range(n):
        item = copy.deepcopy(template)
        item["id"] = f"7440{i:011d}"
        item["name"] = f"NLP Engineer {i}"
        items.append(item)
    return items


def _lever(postings: list[dict[str, Any]]) -> Answer:
    def answer(match: re.Match[str], query: dict[str, str]) -> Reply:
        skip, limit = int(query.get("skip", 0)), int(query.get("limit", 10**6))
        return reply(postings[skip : skip + limit])

    return answer


def _smartrecruiters(items: list[dict[str, Any]]) -> Answer:
    def answer(match: re.Match[str], query: dict[str, str]) -> Reply:
        offset, limit = int(query.get("offset", 0)), min(100, int(query.get("limit", 10)))
        page = items[offset : offset + limit]
        return reply({"offset": offset, "limit": limit, "totalFound": len(items), "content": page})

    return answer


def _smartrecruiters_detail(match: re.Match[str], query: dict[str, str]) -> Reply:
    detail = load("smartrecruiters_posting.json")
    detail["id"] = match.group(1)
    return reply(detail)


def _adzuna(match: re.Match[str], query: dict[str, str]) -> Reply:
    if not query.get("app_id") or not query.get("app_key"):
        return reply({"exception": "AUTH_FAIL"}, 401)
    page = load("adzuna_search.json")
    if match.group(1) != "1":
        page["results"] = []
    return reply(page)


BOARDS = {
    "greenhouse": ["acmerobotics"],
    "lever": ["nimbuslabs", "bigboard"],
    "ashby": ["lumen"],
    "workable": ["orbital"],
    "smartrecruiters": ["Quanta1", "BigCo"],
    "recruitee": ["tulip"],
    "hn": ["2024-06"],
}
"""Boards the standard fake world serves, by source."""

EXPECTED = {
    "greenhouse": 3,
    "lever": 4 + 130,
    "ashby": 2,
    "workable": 2,
    "smartrecruiters": 2 + 120,
    "recruitee": 3,
    "hn": 1 + 3 + 1,
}
"""Postings each source yields from the standard world (Ashby: one unlisted job skipped;
HN: one comment with three roles, two not parseable)."""


def install_world(api: FakeApi) -> None:
    """Serve every standard board at the real API paths."""
    api.json(r"/v1/boards/acmerobotics/jobs", load("greenhouse_jobs.json"))
    api.json(r"/v1/boards/acmerobotics", load("greenhouse_board.json"))
    api.route(r"/v0/postings/nimbuslabs", _lever(load("lever_postings.json")))
    api.route(r"/v0/postings/bigboard", _lever(lever_board(130)))
    api.json(r"/posting-api/job-board/lumen", load("ashby_board.json"))
    api.json(r"/api/v1/widget/accounts/orbital", load("workable_account.json"))
    quanta = load("smartrecruiters_postings.json")["content"]
    api.route(r"/v1/companies/Quanta1/postings", _smartrecruiters(quanta))
    api.route(r"/v1/companies/Quanta1/postings/(\d+)", _smartrecruiters_detail)
    api.route(r"/v1/companies/BigCo/postings", _smartrecruiters(smartrecruiters_board(120)))
    api.json(r"/tulip/api/offers/", load("recruitee_offers.json"))
    api.json(r"/api/v1/search_by_date", load("hn_search.json"))
    api.json(r"/api/v1/items/40563283", load("hn_item.json"))
    api.route(r"/v1/api/jobs/gb/search/(\d+)", _adzuna)


def base_urls(api: FakeApi) -> dict[str, str]:
    urls = {name: api.url for name in (*BOARDS, "adzuna")}
    urls["recruitee"] = api.url + "/{company}"
    return urls


def fast_client(**overrides: Any) -> HttpClient:
    """A real client with tiny backoff and no politeness spacing, for loopback tests."""
    settings: dict[str, Any] = {"timeout": 2.0, "backoff_base": 0.001, "rate": 10_000.0}
    return HttpClient(HttpConfig(**(settings | overrides)))


class FakeClock:
    """A monotonic clock that ``sleep`` advances, recording every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
