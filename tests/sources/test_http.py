"""The shared HTTP client: retries, Retry-After, error mapping, politeness."""

from __future__ import annotations

import gzip
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fakeapi import FakeApi, FakeClock, fast_client, gzip_bomb
from hypothesis import given
from hypothesis import strategies as st

from jobatlas import __version__
from jobatlas.errors import (
    ConfigError,
    SourceBlocked,
    SourceError,
    SourceSchemaChanged,
    TransientSourceError,
)
from jobatlas.sources.http import (
    NETWORK_DOWN_AFTER,
    HttpClient,
    HttpConfig,
    parse_retry_after,
    user_agent,
)

URL = "https://api.example.test/v1/things"
Handler = Callable[[httpx.Request], httpx.Response]


def make_client(handler: Handler, clock: FakeClock, **config: float) -> HttpClient:
    settings = {"max_tries": 4, "backoff_base": 1.0} | config
    return HttpClient(
        HttpConfig(**settings),  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        clock=clock.clock,
        jitter=lambda: 1.0,
    )


def streamed(answer: httpx.Response) -> httpx.Response:
    """A fresh copy whose body is still to be read, as a real transport gives it."""
    return httpx.Response(
        answer.status_code, headers=answer.headers, stream=httpx.ByteStream(answer.content)
    )


def sequence(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering with ``responses`` in order (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[min(len(seen), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return streamed(answer)

    return handler, seen


def encoded(coding: str, body: bytes) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering 200 with ``body`` sent as is under ``Content-Encoding: coding``."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        headers = {"Content-Encoding": coding}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(body))

    return handler, seen


def get(client: HttpClient, url: str = URL) -> object:
    return client.get_json(url, source="test", rate=1000.0)


def test_user_agent_names_version_and_contact() -> None:
    handler, seen = sequence(httpx.Response(200, json={"ok": True}))
    assert get(make_client(handler, FakeClock())) == {"ok": True}
    agent = seen[0].headers["User-Agent"]
    assert agent == user_agent()
    assert __version__ in agent and "https://github.com/jobatlas/jobatlas" in agent


def test_500_then_success_is_retried_after_a_backoff() -> None:
    clock = FakeClock()
    handler, seen = sequence(httpx.Response(500), httpx.Response(200, json=[1]))
    assert get(make_client(handler, clock)) == [1]
    assert len(seen) == 2
    assert clock.sleeps == [1.0]


def test_backoff_grows_exponentially_with_jitter_below_the_ceiling() -> None:
    clock = FakeClock()
    busy = httpx.Response(503)
    handler, _ = sequence(busy, busy, httpx.Response(200, json={}))
    client = HttpClient(
        HttpConfig(max_tries=3, backoff_base=2.0),
        transport=httpx.MockTransport(handler),
        sleep=clock.sleep,
        clock=clock.clock,
        jitter=lambda: 0.0,
    )
    get(client)
    assert clock.sleeps == [1.0, 2.0]  # half of 2 s, then half of 4 s


def test_429_waits_what_retry_after_says() -> None:
    clock = FakeClock()
    limited = httpx.Response(429, headers={"Retry-After": "7"})
    handler, _ = sequence(limited, httpx.Response(200, json={"fine": 1}))
    assert get(make_client(handler, clock)) == {"fine": 1}
    assert clock.sleeps == [7.0]


def test_retry_after_as_http_date() -> None:
    now = datetime(2024, 6, 3, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 03 Jun 2024 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Mon, 03 Jun 2024 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_repeated_429_gives_up_as_blocked_with_a_clear_message() -> None:
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "1"}))
    with pytest.raises(SourceBlocked) as caught:
        get(make_client(handler, FakeClock(), max_tries=3))
    assert len(seen) == 3
    message = str(caught.value)
    assert "failed 3 times" in message and "HTTP 429" in message and "JOBATLAS_HTTP_RATE" in message


def test_retry_after_beyond_the_limit_is_not_waited_for() -> None:
    clock = FakeClock()
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(SourceBlocked, match="wait 3600 s"):
        get(make_client(handler, clock, max_retry_after=300))
    assert len(seen) == 1 and clock.sleeps == []


def test_timeouts_are_retried_then_reported_as_transient() -> None:
    handler, seen = sequence(httpx.ReadTimeout("slow"))
    with pytest.raises(TransientSourceError, match="timed out") as caught:
        get(make_client(handler, FakeClock(), max_tries=2))
    assert len(seen) == 2
    assert "failed 2 times" in str(caught.value)


def test_a_timeout_then_success() -> None:
    handler, seen = sequence(httpx.ConnectTimeout("slow"), httpx.Response(200, json=[]))
    assert get(make_client(handler, FakeClock())) == []
    assert len(seen) == 2


def test_connection_errors_are_transient() -> None:
    handler, _ = sequence(httpx.ConnectError("refused"))
    with pytest.raises(TransientSourceError, match="connection failed"):
        get(make_client(handler, FakeClock(), max_tries=2))


def test_a_refused_host_is_skipped_after_its_first_failure() -> None:
    """Issue #14: a refused or unresolvable host is tried once, not max_tries times per board,
    and later requests to it fail at once, without a request or a wait."""
    handler, seen = sequence(httpx.ConnectError("[Errno 111] Connection refused"))
    clock = FakeClock()
    client = make_client(handler, clock, max_tries=4)
    with pytest.raises(TransientSourceError, match=r"unreachable.*skipped after this first"):
        get(client)
    with pytest.raises(TransientSourceError, match=r"not tried: host api\.example\.test"):
        get(client, URL + "/other")
    assert len(seen) == 1 and clock.sleeps == []
    assert list(client.unreachable) == ["api.example.test"]


def test_the_network_is_down_when_the_first_hosts_are_all_unreachable() -> None:
    handler, seen = sequence(*[httpx.ConnectError("Name or service not known")] * 10)
    client = make_client(handler, FakeClock())
    hosts = [f"https://h{i}.example.test/x" for i in range(NETWORK_DOWN_AFTER + 2)]
    for url in hosts:
        with pytest.raises(TransientSourceError):
            get(client, url)
    assert client.network_down and len(seen) == NETWORK_DOWN_AFTER
    with pytest.raises(TransientSourceError, match="network unreachable"):
        get(client, "https://another.example.test/x")


def test_a_host_that_answered_keeps_the_network_up() -> None:
    handler, _ = sequence(httpx.Response(200, json=[]), *[httpx.ConnectError("refused")] * 5)
    client = make_client(handler, FakeClock())
    get(client)
    for i in range(NETWORK_DOWN_AFTER + 1):
        with pytest.raises(TransientSourceError, match="unreachable"):
            get(client, f"https://h{i}.example.test/x")
    assert client.answered and not client.network_down


@pytest.mark.parametrize("status", [401, 403])
def test_refusals_are_blocked_at_once(status: int) -> None:
    handler, seen = sequence(httpx.Response(status))
    with pytest.raises(SourceBlocked, match=f"HTTP {status}"):
        get(make_client(handler, FakeClock()))
    assert len(seen) == 1


def test_404_says_to_check_the_slug() -> None:
    handler, seen = sequence(httpx.Response(404))
    with pytest.raises(SourceError, match="check the board slug") as caught:
        get(make_client(handler, FakeClock()))
    assert not isinstance(caught.value, TransientSourceError | SourceBlocked)
    assert len(seen) == 1


def test_a_body_that_is_not_json_is_a_schema_change() -> None:
    handler, _ = sequence(httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(SourceSchemaChanged) as caught:
        get(make_client(handler, FakeClock()))
    assert caught.value.field == "<body>"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b'{"jobs": [{"id": 1, "title": "ML Eng',
        b'{"jobs": [{"id": 1',
        b'{"jobs": [{"id": 1, "remote": tr',
        b'{"jobs": [{"id": 1.',
        b'{"jobs": [{"id": 1, "title": "Ing\xc3',  # cut inside a UTF-8 character
        b'{"jobs": [{"id": 1},',
    ],
)
def test_a_body_cut_short_is_retried_then_reported_as_transient(body: bytes) -> None:
    handler, seen = sequence(httpx.Response(200, content=body))
    with pytest.raises(TransientSourceError) as caught:
        get(make_client(handler, FakeClock(), max_tries=3))
    assert len(seen) == 3
    assert "cut short" in str(caught.value) and not isinstance(caught.value, SourceSchemaChanged)


def test_a_body_cut_short_then_whole_succeeds() -> None:
    clock = FakeClock()
    handler, seen = sequence(
        httpx.Response(200, content=b'{"jobs": ['), httpx.Response(200, json={"jobs": []})
    )
    assert get(make_client(handler, clock)) == {"jobs": []}
    assert len(seen) == 2 and clock.sleeps == [1.0]


@pytest.mark.parametrize("body", [b"[1, 2] trailing junk", b'{"a": 1 x}', b"\xff\xfe<html>"])
def test_a_complete_body_that_is_not_json_is_not_retried(body: bytes) -> None:
    handler, seen = sequence(httpx.Response(200, content=body))
    with pytest.raises(SourceSchemaChanged):
        get(make_client(handler, FakeClock()))
    assert len(seen) == 1


def test_nan_and_infinity_become_null() -> None:
    handler, _ = sequence(httpx.Response(200, content=b'{"a": NaN, "b": [Infinity, -Infinity]}'))
    assert get(make_client(handler, FakeClock())) == {"a": None, "b": [None, None]}


def test_json_nested_too_deeply_is_a_schema_change_not_a_crash() -> None:
    handler, _ = sequence(httpx.Response(200, content=b"[" * 200_000 + b"]" * 200_000))
    with pytest.raises(SourceSchemaChanged, match="nested too deeply"):
        get(make_client(handler, FakeClock()))


class Dripping(httpx.SyncByteStream):
    """A body whose every piece takes ``step`` seconds of the fake clock."""

    def __init__(self, clock: FakeClock, pieces: list[bytes], step: float) -> None:
        self.clock, self.pieces, self.step = clock, pieces, step

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.clock.now += self.step
            yield piece


def test_the_deadline_bounds_the_whole_body_not_each_read() -> None:
    clock = FakeClock()
    pieces = [b"[", *[b" "] * 20, b"]"]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, stream=Dripping(clock, pieces, 1.0))

    with pytest.raises(TransientSourceError) as caught:
        get(make_client(handler, clock, deadline=5.0, max_tries=2))
    assert len(seen) == 2
    message = str(caught.value)
    assert "after the 5 s deadline" in message and "JOBATLAS_HTTP_DEADLINE" in message
    assert get(make_client(handler, clock, deadline=30.0)) == []  # 22 s of pieces fits in 30


def test_gzip_and_deflate_bodies_are_decoded_past_one_piece() -> None:
    payload = b'{"jobs": [' + b" " * 300_000 + b'"x"]}'
    for coding, packed in (("gzip", gzip.compress(payload)), ("deflate", zlib.compress(payload))):
        handler, _ = encoded(coding, packed)
        assert get(make_client(handler, FakeClock())) == {"jobs": ["x"]}


def test_an_encoding_we_did_not_ask_for_is_refused() -> None:
    handler, seen = encoded("br", b"\x1b\x00")
    with pytest.raises(SourceError, match="unsupported Content-Encoding 'br'"):
        get(make_client(handler, FakeClock()))
    assert len(seen) == 1
    assert seen[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_a_corrupt_gzip_body_is_transient() -> None:
    handler, seen = encoded("gzip", b"not gzip")
    with pytest.raises(TransientSourceError, match="compressed body is corrupt"):
        get(make_client(handler, FakeClock(), max_tries=2))
    assert len(seen) == 2


def test_a_gzip_bomb_stops_at_the_cap_with_memory_to_match(api: FakeApi) -> None:
    api.script("/bomb", gzip_bomb(100))  # about 100 kB that inflate to 100 MB
    with fast_client(max_body_mb=1.0) as client:
        tracemalloc.start()
        try:
            with pytest.raises(SourceError) as caught:
                client.get_json(api.url + "/bomb", source="test", rate=1000.0)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert not isinstance(caught.value, TransientSourceError)
    assert "/bomb: response body over the 1 MB limit" in str(caught.value)
    assert peak < 8_000_000  # httpx's own decoder would hold ~64 MB from one read


def test_query_parameters_never_reach_messages() -> None:
    handler, _ = sequence(httpx.Response(403))
    client = make_client(handler, FakeClock())
    with pytest.raises(SourceBlocked) as caught:
        client.get_json(URL, {"app_key": "sekrit123"}, source="adzuna", rate=1.0)
    assert "sekrit123" not in str(caught.value)


def test_rate_limit_spaces_request_starts_per_host() -> None:
    clock = FakeClock()
    handler, seen = sequence(httpx.Response(200, json={}))
    client = make_client(handler, clock)
    for _ in range(3):
        client.get_json(URL, source="test", rate=2.0)
    client.get_json("https://other.example.test/x", source="test", rate=2.0)
    assert clock.sleeps == [0.5, 0.5]  # the other host does not wait
    assert len(seen) == 4


def test_a_429_holds_back_every_request_to_that_host() -> None:
    """The Retry-After deferral is per host, so other threads wait too (checked on the gate)."""
    clock = FakeClock()
    handler, _ = sequence(
        httpx.Response(429, headers={"Retry-After": "5"}), httpx.Response(200, json={})
    )
    client = make_client(handler, clock)
    get(client)
    gate = client._host(URL)
    assert gate.reserve(clock.now - 5.0, 0.0) == pytest.approx(5.0, abs=0.01)


def test_concurrency_cap_per_host() -> None:
    in_flight = 0
    peak = 0
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        time.sleep(0.03)
        with lock:
            in_flight -= 1
        return streamed(httpx.Response(200, json={}))

    client = HttpClient(
        HttpConfig(per_host_concurrency=2, rate=10_000), transport=httpx.MockTransport(handler)
    )
    threads = [threading.Thread(target=get, args=(client,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


def test_config_from_env() -> None:
    config = HttpConfig.from_env(
        {
            "JOBATLAS_HTTP_TIMEOUT": "3.5",
            "JOBATLAS_HTTP_TRIES": "2",
            "JOBATLAS_HTTP_RATE": "9",
            "JOBATLAS_HTTP_DEADLINE": "45",
            "JOBATLAS_HTTP_MAX_BODY_MB": "0.5",
        }
    )
    assert (config.timeout, config.max_tries, config.rate) == (3.5, 2, 9.0)
    assert (config.deadline, config.max_body_mb) == (45.0, 0.5)
    assert HttpConfig.from_env({}) == HttpConfig()
    with pytest.raises(ConfigError, match="JOBATLAS_HTTP_TRIES"):
        HttpConfig.from_env({"JOBATLAS_HTTP_TRIES": "0"})
    with pytest.raises(ConfigError, match="JOBATLAS_HTTP_TIMEOUT"):
        HttpConfig.from_env({"JOBATLAS_HTTP_TIMEOUT": "fast"})
    with pytest.raises(ConfigError, match="JOBATLAS_HTTP_MAX_BODY_MB"):
        HttpConfig.from_env({"JOBATLAS_HTTP_MAX_BODY_MB": "-1"})


@given(st.text(max_size=60))
def test_parse_retry_after_never_raises(value: str) -> None:
    seconds = parse_retry_after(value)
    assert seconds is None or seconds >= 0
