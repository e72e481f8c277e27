"""What a board's first request would be, and one GET to see whether the board answers.

``first_request`` runs a source's own ``fetch`` against a context that records the first
request and stops there, so the URL shown by ``collect --dry-run`` and probed by
``companies verify`` is the one a real collection would fetch first, with no URL
written twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from jobatlas.errors import JobatlasError
from jobatlas.sources.base import Board, FetchContext, Source
from jobatlas.sources.http import HttpClient, Params, display_url


@dataclass(frozen=True, slots=True)
class Request:
    url: str
    params: Mapping[str, str | int | float]

    @property
    def shown(self) -> str:
        """The URL with its parameters, less any that look like keys."""
        query = "&".join(
            f"{k}={v}" for k, v in self.params.items() if "key" not in k and "id" not in k
        )
        return display_url(self.url) + (f"?{query}" if query else "")


class _Stop(Exception):
    """Raised by the recording context at the first request."""

    def __init__(self, request: Request) -> None:
        super().__init__(request.url)
        self.request = request


class _Recorder(FetchContext):
    def get_json(self, path_or_url: str, params: Params | None = None) -> object:
        url = path_or_url if "://" in path_or_url else self.base_url + path_or_url
        raise _Stop(Request(url, dict(params or {})))


def first_request(source: Source, board: Board, base_url: str) -> Request | None:
    """The first GET that collecting ``board`` makes; None for a source that makes none of
    its own (python-jobspy)."""
    if source.info.extra is not None:
        return None
    # The client is never used: the first request stops the fetch before it.
    ctx = _Recorder(cast(HttpClient, None), source.info, base_url)
    try:
        source.fetch(board, ctx)
    except _Stop as stop:
        return stop.request
    return None


@dataclass(frozen=True, slots=True)
class Probe:
    """One board's answer: an HTTP status, or why no status came back."""

    board: Board
    url: str
    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


def probe(client: HttpClient, source: Source, board: Board, base_url: str) -> Probe:
    """GET the board's first page once and keep the HTTP status (no retry, body unread)."""
    request = first_request(source, board, base_url)
    if request is None:
        return Probe(board, "", None, "not an HTTP source")
    try:
        status = client.status(request.url, request.params, source=source.info.name)
    except JobatlasError as exc:
        return Probe(board, request.shown, None, str(exc))
    return Probe(board, request.shown, status)
