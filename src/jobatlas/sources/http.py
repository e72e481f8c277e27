"""The one HTTP client every live source uses: politeness, retries and error mapping.

Every httpx exception and every HTTP error status becomes a jobatlas error here and
nowhere else::

    429              retried, waiting Retry-After   → SourceBlocked after the last try
    5xx, timeout,    retried with exponential       → TransientSourceError after the last try
    connection error backoff and jitter
    401, 403         not retried                    → SourceBlocked
    other 4xx        not retried (404: check slug)  → SourceError
    body not JSON                                   → SourceSchemaChanged (field "<body>")

Politeness: each host gets a minimum spacing between request starts (from the
source's rate limit) and a cap on requests in flight; a global cap bounds the whole
process. Tests inject an ``httpx.MockTransport`` and a recording ``sleep``.
"""

from __future__ import annotations

import email.utils
import functools
import math
import os
import random
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx

from jobatlas import __version__
from jobatlas.errors import (
    ConfigError,
    SourceBlocked,
    SourceError,
    SourceSchemaChanged,
    TransientSourceError,
)

USER_AGENT = f"jobatlas/{__version__} (+https://github.com/jobatlas/jobatlas)"

Params = Mapping[str, str | int | float]
Sleep = Callable[[float], None]


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """Timeouts, retry budget and politeness limits; ``from_env`` reads JOBATLAS_HTTP_*."""

    timeout: float = 20.0
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


@dataclass(frozen=True, slots=True)
class _Failure:
    """Why one try failed and how long to wait before the next."""

    reason: str
    status: int | None
    wait: float | None


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
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
        )
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.config.max_concurrency)

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
        response = self._get_with_retries(url, params, source, rate, on_attempt)
        try:
            return response.json()
        except ValueError as exc:
            raise SourceSchemaChanged(
                source, "<body>", f"{display_url(url)} did not return JSON"
            ) from exc

    # -- one request ------------------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = httpx.URL(url).netloc.decode("ascii", "replace")
        with self._hosts_lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host(self.config.per_host_concurrency)
            return host

    def _send(self, url: str, params: Params | None, host: _Host, rate: float) -> httpx.Response:
        per_second = self.config.rate or rate
        wait = host.reserve(self._clock(), 1.0 / per_second if per_second > 0 else 0.0)
        if wait > 0:
            self._sleep(wait)
        with self._slots, host.slots:
            return self._client.get(url, params=params)

    def _try_once(
        self, url: str, params: Params | None, host: _Host, rate: float, source: str
    ) -> httpx.Response | _Failure:
        try:
            response = self._send(url, params, host, rate)
        except httpx.TimeoutException:
            return _Failure(f"timed out after {self.config.timeout:g} s", None, None)
        except httpx.UnsupportedProtocol as exc:
            raise SourceError(f"{source}: {display_url(url)}: not an http(s) URL") from exc
        except httpx.TransportError as exc:
            return _Failure(f"connection failed ({type(exc).__name__})", None, None)
        except httpx.HTTPError as exc:
            raise SourceError(f"{source}: {display_url(url)}: {exc}") from exc
        status = response.status_code
        if status < 400:
            return response
        if status == 429 or status >= 500:
            wait = parse_retry_after(response.headers.get("Retry-After"))
            return _Failure(f"HTTP {status}", status, wait)
        raise _refused(source, url, status)

    # -- retries ------------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: a random wait in [d/2, d], d = base * 2^(n-1)."""
        ceiling = min(self.config.backoff_max, self.config.backoff_base * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * self._jitter())

    def _get_with_retries(
        self,
        url: str,
        params: Params | None,
        source: str,
        rate: float,
        on_attempt: Callable[[], None] | None,
    ) -> httpx.Response:
        host = self._host(url)
        tries = max(1, self.config.max_tries)
        failure = _Failure("no attempt", None, None)
        for attempt in range(1, tries + 1):
            if on_attempt is not None:
                on_attempt()
            outcome = self._try_once(url, params, host, rate, source)
            if isinstance(outcome, httpx.Response):
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
        message, hint="the site may be down; rerun later (finished boards are kept)"
    )
