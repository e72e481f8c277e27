"""The web app: ``create_app(db)`` assembles the routes, the error handlers and the caps.

Errors: every JobatlasError (its status from ``serve.errors``), every validation error
(422, naming the fields), unknown routes and methods, and anything unexpected (500, with
no traceback) answer in the one JSON shape of ``serve.errors``.
"""

from __future__ import annotations

import importlib.metadata
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jobatlas.errors import JobatlasError
from jobatlas.serve import api_normalize, api_postings, api_ranking, pages
from jobatlas.serve.errors import PayloadTooLarge, error_body, jobatlas_error_body, status_of
from jobatlas.serve.hot import Replay
from jobatlas.serve.models import MAX_BODY_BYTES
from jobatlas.serve.ranking import RankingCache
from jobatlas.serve.state import ServeState
from jobatlas.serve.store import ReadOnlyStore


def create_app(db: Path) -> FastAPI:
    """The app over the store at ``db``, opened read-only at the first request."""
    app = FastAPI(
        title="jobatlas",
        version=importlib.metadata.version("jobatlas"),
        description="The AI/ML city ranking, its postings and the normalisers, read-only.",
    )
    store = ReadOnlyStore(db)
    app.state.jobatlas = ServeState(store, RankingCache(store))
    for module in (api_ranking, api_postings, api_normalize, pages):
        app.include_router(module.router)
    static = Path(str(resources.files("jobatlas.serve").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")
    app.add_exception_handler(JobatlasError, _jobatlas_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
    app.add_middleware(BodyCap, limit=MAX_BODY_BYTES)
    app.add_middleware(Replay)
    app.router.add_event_handler("shutdown", store.close)
    return app


def _json(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=body["error"]["status"])


async def _jobatlas_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, JobatlasError)
    response = _json(jobatlas_error_body(exc))
    if status_of(exc) == 503:
        response.headers["Retry-After"] = "5"
    return response


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {"field": ".".join(str(part) for part in e.get("loc", ())), "message": str(e.get("msg"))}
        for e in exc.errors()
    ]
    names = ", ".join(f["field"] for f in fields)
    return _json(error_body(422, "ValidationError", f"invalid request: {names}", None, fields))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = {404: "NotFound", 405: "MethodNotAllowed", 413: "PayloadTooLarge"}.get(
        exc.status_code, "HTTPError"
    )
    response = _json(error_body(exc.status_code, kind, str(exc.detail)))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    message = f"internal error: {type(exc).__name__}"
    return _json(error_body(500, "InternalError", message, "please report it"))


class BodyCap:
    """Refuse a request body over ``limit`` bytes with 413, by its Content-Length or as it
    streams in, before any route reads it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                too_large = self._error()
                raise StarletteHTTPException(413, too_large.message)
            return message

        await self.app(scope, counted, send)

    def _error(self) -> PayloadTooLarge:
        return PayloadTooLarge(f"request body over {self.limit:,} bytes", hint="send fewer items")

    async def _refuse(self, send: Send) -> None:
        response = _json(jobatlas_error_body(self._error()))
        await response({"type": "http"}, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
