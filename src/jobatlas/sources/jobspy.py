"""python-jobspy behind an adapter: one site per call, failures as run status.

JobSpy (extra ``jobatlas[jobspy]``) scrapes LinkedIn, Indeed, Glassdoor, Google,
ZipRecruiter, Naukri and Bayt. It logs errors instead of raising them, so being
blocked looks like "0 jobs"; here an exception fails the board, an empty result is
``degraded`` (or ``failed`` when JobSpy logged errors), never an empty success.
Its salary and location are not trusted: location goes to our resolver as text, and
only pay the board gave as data (``salary_source = direct_data``) is passed on, as
text for our salary parser.
"""

from __future__ import annotations

import importlib
import logging
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from types import ModuleType
from typing import Any

from jobatlas.errors import ConfigError, MissingDependency, SourceBlocked, SourceError
from jobatlas.models import RawPosting
from jobatlas.sources.base import (
    Board,
    FetchContext,
    SourceInfo,
    iso_timestamp,
    need,
    number,
    posting,
    remote_from_label,
    text,
)

NAME = "jobspy"
SITES = ("linkedin", "indeed", "glassdoor", "google", "zip_recruiter", "naukri", "bayt")
INFO = SourceInfo(
    name=NAME,
    title="python-jobspy: " + ", ".join(SITES),
    default_base_url="(python library; no base URL)",
    rate_limit=0.1,
    board_label="site + query + location",
    docs_url="https://github.com/speedyapply/JobSpy",
    extra="jobspy",
    rate_note="one search at a time; JobSpy paces its own requests",
)
DEFAULT_RESULTS = 50
_INTERVALS = {
    "yearly": "year",
    "monthly": "month",
    "weekly": "week",
    "daily": "day",
    "hourly": "hour",
}


def import_jobspy() -> ModuleType:
    try:
        return importlib.import_module("jobspy")
    except ImportError as exc:
        raise MissingDependency("python-jobspy", "jobspy") from exc


class JobSpy:
    info = INFO

    def __init__(self, loader: Callable[[], Any] = import_jobspy) -> None:
        self._loader = loader
        self._one_at_a_time = threading.Lock()

    def check(self, board: Board) -> None:
        if board.slug not in SITES:
            raise ConfigError(
                f"jobspy site {board.slug!r} is not supported", hint="one of: " + ", ".join(SITES)
            )
        if not board.option("query"):
            raise ConfigError("jobspy needs a search query", hint="add --query 'machine learning'")
        self._loader()

    def fetch(self, board: Board, ctx: FetchContext) -> list[RawPosting]:
        module = self._loader()
        site = board.slug
        with self._one_at_a_time, _captured("JobSpy") as logged:
            try:
                frame = module.scrape_jobs(**scrape_arguments(board))
            except Exception as exc:  # JobSpy raises anything its scrapers hit
                raise SourceError(
                    f"jobspy/{site}: {type(exc).__name__}: {_first_line(exc)}",
                    hint="the site may be blocking us; wait, or use a proxy with JobSpy",
                ) from exc
        rows = [jsonable_row(r) for r in _records(frame)]
        problems = [r.getMessage() for r in logged if r.levelno >= logging.WARNING]
        if not rows and problems:
            raise SourceBlocked(f"jobspy/{site}: no results; JobSpy logged: {problems[0]}")
        if not rows:
            ctx.degrade(f"{site}: 0 results (JobSpy returns nothing when blocked)")
        elif problems:
            ctx.degrade(f"{site}: JobSpy logged {len(problems)} problem(s): {problems[0]}")
        return ctx.map_each(rows, lambda row: map_row(row, site))


def scrape_arguments(board: Board) -> dict[str, Any]:
    query = board.option("query") or ""
    location = board.option("location")
    args: dict[str, Any] = {
        "site_name": [board.slug],
        "search_term": query,
        "results_wanted": int(board.option("results") or DEFAULT_RESULTS),
    }
    if location:
        args["location"] = location
    if board.slug == "google":
        args["google_search_term"] = f"{query} jobs" + (f" near {location}" if location else "")
    if board.option("country"):
        args["country_indeed"] = board.option("country")
    if board.option("hours"):
        args["hours_old"] = int(board.option("hours") or 0)
    return args


@contextmanager
def _captured(prefix: str) -> Iterator[list[logging.LogRecord]]:
    """Collect what JobSpy's own loggers (which do not propagate) say during the call."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.WARNING)
    names = [n for n in logging.root.manager.loggerDict if n.startswith(prefix)]
    loggers = [logging.getLogger(n) for n in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _records(frame: Any) -> list[Mapping[str, Any]]:
    if frame is None:
        return []
    rows = frame.to_dict(orient="records") if hasattr(frame, "to_dict") else frame
    return [r for r in rows if isinstance(r, Mapping)]


def jsonable_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row with NaN/NaT as None, numpy scalars as Python values and dates as ISO text."""
    return {str(k): _jsonable(v) for k, v in row.items()}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if str(value) in ("NaT", "nan", "NaN", "None", "<NA>"):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return str(value)


def map_row(row: Mapping[str, Any], site: str) -> RawPosting:
    where = "rows[]"
    row_id = need(NAME, where, row, "id", str)
    title = need(NAME, where, row, "title", str)
    remote = "remote" if row.get("is_remote") is True else None
    return posting(
        NAME,
        row_id,
        row,
        url=text(row.get("job_url_direct")) or text(row.get("job_url")),
        title=title.strip(),
        company=text(row.get("company")),
        location=text(row.get("location")),
        remote_hint=remote or remote_from_label(row.get("work_from_home_type")),
        description=text(row.get("description")),
        posted_at=iso_timestamp(row.get("date_posted")),
        salary_text=salary_text(row),
        skills=_skills(row.get("skills")),
        via=site,
    )


def _skills(value: Any) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v) or None
    return text(value)


def salary_text(row: Mapping[str, Any]) -> str | None:
    """Pay the board gave as data, written out for our parser; JobSpy's own guesses dropped."""
    if row.get("salary_source") != "direct_data":
        return None
    low, high = number(row.get("min_amount")), number(row.get("max_amount"))
    currency = text(row.get("currency"))
    if (low is None and high is None) or currency is None:
        return None
    amounts = " - ".join(f"{v:,.2f}".removesuffix(".00") for v in (low, high) if v is not None)
    period = _INTERVALS.get(str(row.get("interval") or "").lower())
    return f"{currency} {amounts}" + (f" per {period}" if period else "")


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else "no message"


SOURCE = JobSpy()
