"""The one HTTP client every live source uses: politeness, retries and error mapping.

Every httpx exception and every HTTP error status becomes a jobatlas error here and
nowhere else::

    429              retried, waiting Retry-After   → SourceBlocked after the last try
    refused, host    not retried; the host is       → TransientSourceError at once
    not resolved     skipped from then on
    5xx, timeout,    retried with exponential       → TransientSourceError after the last try
    broken connection, backoff and jitter
    deadline passed,
    body cut short (short of Content-Length, corrupt gzip, JSON that stops mid-way)
    401, 403         not retried                    → SourceBlocked
    other 4xx        not retried (404: check slug)  → SourceError
    body over the    not retried                    → SourceError
    size cap
    body not JSON                                   → SourceSchemaChanged (field "<body>")

The body is streamed and decoded here, at most 64 KiB at a time: its decoded size is
counted against ``max_body_mb``, so a gzip bomb stops at the cap with memory to match
(httpx's own decoder inflates a whole read at once, up to ~1000x its size). The clock
is counted against ``deadline``: httpx's timeout bounds each read, not the request, so
a body trickled a byte at a time would never time out. Both are checked after each
piece, so the deadline can be overrun by at most one read timeout.

A host that refuses the connection or cannot be resolved is marked unreachable at its
first failure, with no retry: every later request to it fails at once, without a wait.
When the first few hosts tried are all unreachable and none has answered, the network
itself is taken to be down and every request fails at once. (A connect timeout is still
retried: a slow host is not a missing one.)

Politeness: each host gets a minimum spacing between request starts (from the
source's rate limit) and a cap on requests in flight; a global cap bounds the whole
process. Tests inject an ``httpx.MockTransport`` (whose responses must still be
streams, as a real transport's are) and a recording ``sleep``.
"""

from __future__ import annotations

import email.utils
import functools
import importlib.metadata
import json
import math
import os
import random
import re
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from jobatlas.errors import (
    ConfigError,
    SourceBlocked,
    SourceError,
    SourceSchemaChanged,
    TransientSourceError,
)


@functools.cache
def user_agent() -> str:
    """``jobatlas/VERSION (+contact)``; the version is the installed distribution's, read
    here rather than from the ``jobatlas`` package, which sits above this floor."""
    try:
        version = importlib.metadata.version("jobatlas")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return f"jobatlas/{version} (+https://github.com/jobatlas/jobatlas)"


Params = Mapping[str, str | int | float]
Sleep = Callable[[float], None]

PIECE = 64 * 1024
"""Most bytes one decoding step may produce."""
_INFLATE = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """Timeouts, retry budget and politeness limits; ``from_env`` reads JOBATLAS_HTTP_*."""

    timeout: float = 20.0
    """Seconds a connection or a single read may take."""
    deadline: float = 60.0
    """Seconds one request may take in all, body included."""
    max_body_mb: float = 50.0
    """Largest body accepted, in MB (10^6 bytes) once decoded (gunzipped)."""
    max_tries: int = 4
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
    max_concurrency: int = 8
    per_host_concurrency: int = 2
    rate: float | None = None
    """Requests per second per host; replaces every source's own limit when set."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HttpConfig:
        values = os.environ if env is None else env
        config = cls()
        for name, attr, kind in _ENV_SETTINGS:
            raw = values.get(name, "").strip()
            if raw:
                value = _positive(name, raw, kind)
                config = replace(config, **{attr: value})  # type: ignore[arg-type]
        return config


_ENV_SETTINGS: tuple[tuple[str, str, type[int] | type[float]], ...] = (
    ("JOBATLAS_HTTP_TIMEOUT", "timeout", float),
    ("JOBATLAS_HTTP_DEADLINE", "deadline", float),
    ("JOBATLAS_HTTP_MAX_BODY_MB", "max_body_mb", float),
    ("JOBATLAS_HTTP_TRIES", "max_tries", int),
    ("JOBATLAS_HTTP_BACKOFF", "backoff_base", float),
    ("JOBATLAS_HTTP_CONCURRENCY", "max_concurrency", int),
    ("JOBATLAS_HTTP_RATE", "rate", float),
)


def _positive(name: str, raw: str, kind: type[int] | type[float]) -> float:
    try:
        value = float(kind(raw))
    except ValueError:
        value = -1.0
    if not value > 0 or math.isinf(value):
        raise ConfigError(f"{name}={raw!r} is not a positive number", hint=f"e.g. {name}=2")
    return int(value) if kind is int else value


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent.

    Decimal seconds are accepted too; an unreadable value counts as absent.
    """
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


def display_url(url: str) -> str:
    """The URL without its query string, so keys passed as parameters never reach a message."""
    return url.split("?", 1)[0]


class _Host:
    """Spacing between request starts to one host, and a cap on its requests in flight."""

    def __init__(self, concurrency: int) -> None:
        self.lock = threading.Lock()
        self.next_start = 0.0
        self.slots = threading.BoundedSemaphore(concurrency)

    def reserve(self, now: float, interval: float) -> float:
        """Book the next start slot; returns how long to wait for it."""
        with self.lock:
            start = max(now, self.next_start)
            self.next_start = start + interval
            return start - now

    def defer(self, until: float) -> None:
        with self.lock:
            self.next_start = max(self.next_start, until)


NETWORK_DOWN_AFTER = 3
"""Unreachable hosts, with none answering, after which the network is taken to be down."""


@dataclass(frozen=True, slots=True)
class _Failure:
    """Why one try failed and how long to wait before the next."""

    reason: str
    status: int | None = None
    wait: float | None = None
    hint: str | None = None
    """What to do if this is still the reason after the last try."""


class HttpClient:
    """Thread-safe GET-JSON client shared by every source of a collection."""

    def __init__(
        self,
        config: HttpConfig | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.config = config or HttpConfig()
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._client = httpx.Client(
            transport=transport,
            verify=_tls_context(),
            timeout=self.config.timeout,
            headers={
                "User-Agent": user_agent(),
                "Accept": "application/json",
                "Accept-Encoding": "gzip, deflate",  # what _decoded can inflate
            },
            follow_redirects=True,
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.config.max_concurrency)
        self.unreachable: dict[str, str] = {}
        """Hosts skipped after their first failure, with the reason."""
        self.answered = False
        """Whether any host has answered (with any HTTP status)."""

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_json(
        self,
        url: str,
        params: Params | None = None,
        *,
        source: str,
        rate: float,
        on_attempt: Callable[[], None] | None = None,
    ) -> Any:
        """GET ``url`` and decode JSON, retrying transient failures within the budget.

        ``on_attempt`` is called before every HTTP request, retries included.
        """
        host = self._host(url)
        self._check_reachable(url, source)
        tries = max(1, self.config.max_tries)
        failure = _Failure("no attempt")
        for attempt in range(1, tries + 1):
            if on_attempt is not None:
                on_attempt()
            outcome = self._try_once(url, params, host, rate, source)
            if not isinstance(outcome, _Failure):
                return outcome
            failure = outcome
            if attempt == tries:
                break
            wait = failure.wait if failure.wait is not None else self._backoff(attempt)
            if wait > self.config.max_retry_after:
                raise SourceBlocked(
                    f"{source}: {display_url(url)} answered {failure.reason} and asked us to "
                    f"wait {wait:.0f} s",
                    hint="collect this source again later",
                )
            host.defer(self._clock() + wait)
            self._sleep(wait)
        raise _gave_up(source, url, tries, failure)

    def status(self, url: str, params: Params | None = None, *, source: str) -> int:
        """The HTTP status of one GET of ``url`` (redirects followed, body not read, no
        retry); raises ``SourceError`` when the host cannot be reached."""
        self._check_reachable(url, source)
        try:
            with self._slots, self._client.stream("GET", url, params=params) as response:
                self.answered = True
                return response.status_code
        except httpx.ConnectError as exc:
            raise self._mark_unreachable(url, source, exc) from exc
        except httpx.TimeoutException as exc:
            raise TransientSourceError(
                f"{source}: {display_url(url)} timed out after {self.config.timeout:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise SourceError(f"{source}: {display_url(url)}: {_first_line(exc)}") from exc

    @property
    def network_down(self) -> bool:
        """No host has answered and the first few tried were unreachable."""
        return not self.answered and len(self.unreachable) >= NETWORK_DOWN_AFTER

    def _check_reachable(self, url: str, source: str) -> None:
        """Fail at once, without a request, for a host already found unreachable."""
        key = _host_key(url)
        if self.network_down:
            raise TransientSourceError(
                f"{source}: {display_url(url)} not tried: network unreachable "
                f"({len(self.unreachable)} hosts failed, none answered)",
                hint="check the connection, then rerun (finished boards are kept)",
            )
        if key in self.unreachable:
            raise TransientSourceError(
                f"{source}: {display_url(url)} not tried: host {key} is unreachable "
                f"({self.unreachable[key]})",
                hint="check the connection or --base-url, then rerun",
            )

    def _mark_unreachable(self, url: str, source: str, error: Exception) -> SourceError:
        """A refused or unresolvable host: recorded, so that it is not tried again."""
        key = _host_key(url)
        reason = f"connection failed: {_first_line(error)}"
        with self._hosts_lock:
            self.unreachable.setdefault(key, reason)
        return TransientSourceError(
            f"{source}: {display_url(url)}: host {key} unreachable ({reason}); "
            "skipped after this first failure",
            hint="check the connection or --base-url, then rerun",
        )

    # -- one request ------------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = _host_key(url)
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(self.config.per_host_concurrency)
            return host

    def _try_once(
        self, url: str, params: Params | None, host: _Host, rate: float, source: str
    ) -> Any:
        """One request: the decoded JSON, or a ``_Failure`` worth retrying; raises the rest."""
        per_second = self.config.rate or rate
        wait = host.reserve(self._clock(), 1.0 / per_second if per_second > 0 else 0.0)
        if wait > 0:
            self._sleep(wait)
        try:
            with self._slots, host.slots:
                body = self._fetch(url, params, source)
        except httpx.ConnectError as exc:
            raise self._mark_unreachable(url, source, exc) from exc
        except httpx.TimeoutException:
            return _Failure(f"timed out after {self.config.timeout:g} s")
        except httpx.UnsupportedProtocol as exc:
            raise SourceError(f"{source}: {display_url(url)}: not an http(s) URL") from exc
        except httpx.RemoteProtocolError as exc:
            return _Failure(f"connection broken ({_first_line(exc)})")
        except httpx.TransportError as exc:
            return _Failure(f"connection failed ({type(exc).__name__})")
        except httpx.HTTPError as exc:
            raise SourceError(f"{source}: {display_url(url)}: {exc}") from exc
        except zlib.error as exc:
            return _Failure(f"compressed body is corrupt ({exc})")
        if isinstance(body, _Failure):
            return body
        return _decode_json(body, source, url)

    def _fetch(self, url: str, params: Params | None, source: str) -> bytes | _Failure:
        """GET ``url`` and read its body within the deadline and the size cap."""
        deadline = self._clock() + self.config.deadline
        with self._client.stream("GET", url, params=params) as response:
            self.answered = True
            status = response.status_code
            if status == 429 or status >= 500:
                wait = parse_retry_after(response.headers.get("Retry-After"))
                return _Failure(f"HTTP {status}", status, wait)
            if status >= 400:
                raise _refused(source, url, status)
            return self._read_body(response, deadline, source, url)

    def _read_body(
        self, response: httpx.Response, deadline: float, source: str, url: str
    ) -> bytes | _Failure:
        limit = self.config.max_body_mb * 1_000_000
        chunks: list[bytes] = []
        size = 0
        for chunk in _decoded(response, source, url):
            size += len(chunk)
            if size > limit:
                raise SourceError(
                    f"{source}: {display_url(url)}: response body over the "
                    f"{self.config.max_body_mb:g} MB limit (size once decoded)",
                    hint="if the board is really that big, raise JOBATLAS_HTTP_MAX_BODY_MB",
                )
            if self._clock() > deadline:
                return _Failure(
                    f"body still arriving after the {self.config.deadline:g} s deadline",
                    hint="the site is sending very slowly; rerun later, or raise "
                    "JOBATLAS_HTTP_DEADLINE if the board is just big",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    # -- retries ------------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: a random wait in [d/2, d], d = base * 2^(n-1)."""
        ceiling = min(self.config.backoff_max, self.config.backoff_base * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * self._jitter())


def _decoded(response: httpx.Response, source: str, url: str) -> Iterator[bytes]:
    """The body, inflated when gzip or deflate, as it arrives: one piece per network read
    (a read is at most 64 KiB), inflated ones cut to ``PIECE`` bytes. Empty pieces are
    yielded too, so the caller checks its deadline on every read."""
    coding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if coding in ("", "identity"):
        yield from response.iter_raw()
        return
    if coding not in _INFLATE:
        raise SourceError(
            f"{source}: {display_url(url)}: unsupported Content-Encoding {coding!r}",
            hint="we ask for gzip or deflate only; the site or a proxy ignored that",
        )
    inflater = zlib.decompressobj(_INFLATE[coding])
    for raw in response.iter_raw():
        data = raw
        while True:
            piece = inflater.decompress(data, PIECE)
            yield piece
            data = inflater.unconsumed_tail
            if not data and len(piece) < PIECE:
                break
    yield inflater.flush()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context shared by every client: loading the CA bundle takes tens of ms.

    httpx's own default: certifi, or SSL_CERT_FILE / SSL_CERT_DIR when set.
    """
    return httpx.create_ssl_context()


def _refused(source: str, url: str, status: int) -> SourceError:
    where = f"{source}: {display_url(url)}"
    if status in (401, 403):
        return SourceBlocked(
            f"{where} refused access (HTTP {status})",
            hint="the board may be private, or the site blocks automated clients",
        )
    if status in (404, 410):
        return SourceError(
            f"{where} not found (HTTP {status})",
            hint="check the board slug; the company may have moved to another ATS",
        )
    return SourceError(f"{where} answered HTTP {status}", hint="check the options given")


def _gave_up(source: str, url: str, tries: int, failure: _Failure) -> SourceError:
    message = f"{source}: {display_url(url)} failed {tries} times; last: {failure.reason}"
    if failure.status == 429:
        return SourceBlocked(
            message, hint="the site is rate-limiting us; wait, or lower JOBATLAS_HTTP_RATE"
        )
    return TransientSourceError(
        message, hint=failure.hint or "the site may be down; rerun later (finished boards are kept)"
    )


def _decode_json(body: bytes, source: str, url: str) -> Any:
    """The JSON in ``body``; a body that stops mid-JSON is a failure worth retrying.

    NaN and Infinity, which JSON does not allow but Python would accept, become null.
    """
    try:
        return json.loads(body, parse_constant=lambda _: None)
    except RecursionError as exc:
        raise SourceSchemaChanged(
            source, "<body>", f"{display_url(url)} returned JSON nested too deeply"
        ) from exc
    except ValueError as exc:
        if _cut_short(exc):
            return _Failure(
                "the JSON body was cut short (empty or truncated)",
                hint="the connection or the site is unreliable; rerun later "
                "(finished boards are kept)",
            )
        raise SourceSchemaChanged(
            source, "<body>", f"{display_url(url)} did not return JSON"
        ) from exc


_PARTIAL_TOKEN = re.compile(r"[-+.0-9eE]*|t(?:ru?)?|f(?:a(?:ls?)?)?|n(?:ul?)?")


def _cut_short(error: ValueError) -> bool:
    """Whether the parser ran out of text (a truncated body) rather than into something else."""
    if isinstance(error, UnicodeDecodeError):
        return error.reason == "unexpected end of data"
    if isinstance(error, json.JSONDecodeError):
        tail = error.doc[error.pos :].strip()
        return error.msg.startswith("Unterminated string") or bool(_PARTIAL_TOKEN.fullmatch(tail))
    return False


def _host_key(url: str) -> str:
    return httpx.URL(url).netloc.decode("ascii", "replace")


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
