"""The python-jobspy adapter, against a fake ``jobspy`` module (no scraping)."""

from __future__ import annotations

import logging
import math
import sys
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from jobatlas.collect import collect
from jobatlas.errors import ConfigError, MissingDependency
from jobatlas.sources import jobspy
from jobatlas.sources.base import board
from jobatlas.store.duckdb import Store

ROW: dict[str, Any] = {
    "id": "li-4000000001",
    "site": "linkedin",
    "job_url": "https://www.linkedin.com/jobs/view/4000000001",
    "job_url_direct": "https://boards.greenhouse.io/acmerobotics/jobs/5100001001",
    "title": "Senior Machine Learning Engineer",
    "company": "Acme Robotics",
    "location": "Seattle, WA, US",
    "date_posted": date(2024, 6, 1),
    "job_type": "fulltime",
    "salary_source": "direct_data",
    "interval": "yearly",
    "min_amount": 140000.0,
    "max_amount": 180000.0,
    "currency": "USD",
    "is_remote": False,
    "description": "Train perception models.",
    "skills": float("nan"),
    "work_from_home_type": None,
}


class Frame:
    """The part of a pandas DataFrame the adapter uses."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def to_dict(self, orient: str) -> list[dict[str, Any]]:
        assert orient == "records"
        return self.rows


def fake_module(rows: list[dict[str, Any]] | Exception, warn: str | None = None) -> Any:
    calls: list[dict[str, Any]] = []
    logger = logging.getLogger("JobSpy:Fake")
    logger.propagate = False

    def scrape_jobs(**kwargs: Any) -> Frame:
        calls.append(kwargs)
        if warn:
            logger.error(warn)
        if isinstance(rows, Exception):
            raise rows
        return Frame(rows)

    return SimpleNamespace(scrape_jobs=scrape_jobs, calls=calls)


def run(store: Store, module: Any, **options: Any) -> Any:
    source = jobspy.JobSpy(loader=lambda: module)
    settings = {"query": "machine learning", "location": "Seattle"} | options
    target = board("jobspy", settings.pop("site", "linkedin"), **settings)
    return collect(store, [target], sources={"jobspy": source}).outcomes[0]


def test_rows_become_postings_with_our_own_salary_text(store: Store) -> None:
    other = ROW | {"id": "li-2", "salary_source": "description", "min_amount": 1.0}
    module = fake_module([ROW, other])
    outcome = run(store, module)
    assert (outcome.status, outcome.added) == ("ok", 2)
    assert module.calls == [
        {
            "site_name": ["linkedin"],
            "search_term": "machine learning",
            "results_wanted": 50,
            "location": "Seattle",
        }
    ]
    rows = store.con.execute(
        "SELECT source_id, via, salary_text, salary_min, url, posted_at, skills, record "
        "FROM raw_postings ORDER BY source_id"
    ).fetchall()
    first = rows[1]
    assert first[:5] == (
        "li-4000000001",
        "linkedin",
        "USD 140,000 - 180,000 per year",
        None,  # structured pay is left to our parser
        "https://boards.greenhouse.io/acmerobotics/jobs/5100001001",
    )
    assert first[5] == "2024-06-01" and first[6] is None
    assert '"skills": null' in first[7]  # NaN stored as null, not as invalid JSON
    assert rows[0][2] is None  # a salary JobSpy guessed from the text is dropped


def test_a_failure_is_a_failed_board_not_an_empty_success(store: Store) -> None:
    outcome = run(store, fake_module(RuntimeError("HTTP 429 from LinkedIn")))
    assert outcome.status == "failed"
    assert "RuntimeError" in (outcome.error or "") and "429" in (outcome.error or "")


def test_no_rows_is_degraded(store: Store) -> None:
    outcome = run(store, fake_module([]))
    assert outcome.status == "degraded" and "0 results" in (outcome.error or "")


def test_no_rows_with_logged_errors_is_failed(store: Store) -> None:
    outcome = run(store, fake_module([], warn="429 Response - Blocked by LinkedIn"))
    assert outcome.status == "failed" and outcome.error_type == "SourceBlocked"
    assert "Blocked by LinkedIn" in (outcome.error or "")


def test_rows_with_logged_errors_are_degraded(store: Store) -> None:
    outcome = run(store, fake_module([ROW], warn="page 2 failed"))
    assert (outcome.status, outcome.added) == ("degraded", 1)


def test_a_row_without_an_id_is_kept_for_quarantine(store: Store) -> None:
    outcome = run(store, fake_module([ROW, ROW | {"id": None, "title": "Data Engineer"}]))
    assert (outcome.status, outcome.fetched, outcome.added, outcome.rejected) == (
        "degraded",
        2,
        2,
        1,
    )
    error = store.scalar("SELECT parse_error FROM raw_postings WHERE parse_error IS NOT NULL")
    assert error.startswith("jobspy:linkedin?") and "'rows[].id' (got nothing)" in error


def test_google_gets_its_own_search_term(store: Store) -> None:
    module = fake_module([ROW])
    run(store, module, site="google", country="usa", hours=72, results=20)
    call = module.calls[0]
    assert call["google_search_term"] == "machine learning jobs near Seattle"
    assert (call["country_indeed"], call["hours_old"], call["results_wanted"]) == ("usa", 72, 20)


def test_unknown_site_and_missing_query_are_config_errors(store: Store) -> None:
    source = jobspy.JobSpy(loader=lambda: fake_module([]))
    with pytest.raises(ConfigError, match="myspace"):
        source.check(board("jobspy", "myspace", query="ml"))
    with pytest.raises(ConfigError, match="query"):
        source.check(board("jobspy", "indeed"))


def test_missing_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jobspy", None)  # makes the import fail
    with pytest.raises(MissingDependency) as caught:
        jobspy.import_jobspy()
    assert caught.value.package == "python-jobspy"
    assert "pip install 'jobatlas[jobspy]'" in str(caught.value)


def test_jsonable_row() -> None:
    class Scalar:
        def item(self) -> int:
            return 7

    row = jobspy.jsonable_row(
        {"a": math.nan, "b": Scalar(), "c": date(2024, 1, 2), "d": [math.inf, "x"], 3: "k"}
    )
    assert row == {"a": None, "b": 7, "c": "2024-01-02", "d": [None, "x"], "3": "k"}
