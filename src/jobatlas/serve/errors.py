"""HTTP statuses for the one exception tree, and the one JSON error shape.

Each error the web app raises carries its HTTP status as the class attribute ``status``
(datasette's pattern); errors of the library keep their classes and get a status from
``STATUS_OF`` by their nearest listed base class. Every error answer has one shape::

    {"error": {"status": 404, "type": "NotFound", "message": "...", "hint": "...",
               "fields": [{"field": "query.page_size", "message": "..."}]}}

``fields`` is empty except for validation errors (422), where it names each bad field.
"""

from __future__ import annotations

from typing import Any

from jobatlas.errors import (
    ConfigError,
    InputError,
    JobatlasError,
    MissingDependency,
    StoreError,
)


class HTTPError(JobatlasError):
    """An error of the web app itself; ``status`` is its HTTP status."""

    status = 500


class NotFound(HTTPError):
    status = 404


class PayloadTooLarge(HTTPError):
    status = 413


class StoreUnavailable(StoreError):
    """The store cannot be opened now: a writer holds its lock, or it is missing."""

    status = 503


STATUS_OF: dict[type[JobatlasError], int] = {
    ConfigError: 400,
    InputError: 400,
    MissingDependency: 500,
    StoreError: 500,
    JobatlasError: 500,
}
"""Statuses of the library's errors, which know nothing of HTTP."""


def status_of(exc: JobatlasError) -> int:
    """The class's own ``status`` if it has one, else that of its nearest base in STATUS_OF."""
    for cls in type(exc).__mro__:
        own = cls.__dict__.get("status")
        if isinstance(own, int):
            return own
        if cls in STATUS_OF:
            return STATUS_OF[cls]
    return 500


def error_body(
    status: int,
    kind: str,
    message: str,
    hint: str | None = None,
    fields: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The one error shape (see the module docstring)."""
    return {
        "error": {
            "status": status,
            "type": kind,
            "message": message,
            "hint": hint,
            "fields": fields or [],
        }
    }


def jobatlas_error_body(exc: JobatlasError) -> dict[str, Any]:
    return error_body(status_of(exc), type(exc).__name__, exc.message, exc.hint)
