"""Collect from fake servers, then normalize and rank: structured pay ends as annual salaries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fakeapi import BOARDS, FakeApi, base_urls, fast_client, install_world
from typer.testing import CliRunner

from jobatlas.collect import collect
from jobatlas.sources.base import board
from jobatlas.sources.jobspy import JobSpy
from jobatlas.sources.registry import registry
from jobatlas.store.duckdb import Store

pipeline = pytest.importorskip("jobatlas.pipeline", reason="the normalize stage is not there yet")
salary = pytest.importorskip("jobatlas.normalize.salary", reason="the salary normaliser is missing")

GREENHOUSE_URL = "https://boards.greenhouse.io/acmerobotics/jobs/5100001001"
LINKEDIN_COPY = {
    "id": "li-4000000001",
    "site": "linkedin",
    "job_url": "https://www.linkedin.com/jobs/view/4000000001",
    "job_url_direct": GREENHOUSE_URL,
    "title": "Senior Machine Learning Engineer",
    "company": "Acme Robotics",
    "location": "Seattle, WA",
    "date_posted": date(2024, 6, 1),
}


class Frame:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def to_dict(self, orient: str) -> list[dict[str, Any]]:
        return self.rows


@pytest.fixture(scope="module")
def normalized(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One store, collected from the fake servers (plus a LinkedIn copy) and normalized."""
    api = FakeApi()
    api.thread.start()
    install_world(api)
    linkedin = SimpleNamespace(scrape_jobs=lambda **kwargs: Frame([LINKEDIN_COPY]))
    sources = dict(registry()) | {"jobspy": JobSpy(loader=lambda: linkedin)}
    boards = [board(s, slug) for s, slugs in BOARDS.items() for slug in slugs]
    boards.append(board("jobspy", "linkedin", query="machine learning", location="Seattle"))
    path = tmp_path_factory.mktemp("e2e") / "collected.duckdb"
    try:
        with Store.open(path) as store, fast_client() as client:
            report = collect(
                store, boards, client=client, base_urls=base_urls(api), sources=sources
            )
            assert report.status == "ok"
            pipeline.normalize(store)
    finally:
        api.server.shutdown()
        api.server.server_close()
    yield path


@pytest.fixture
def store(normalized: Path) -> Iterator[Store]:
    with Store.open(normalized) as opened:
        yield opened


def salaries(store: Store, source: str) -> dict[str, tuple[Any, ...]]:
    rows = store.con.execute(
        "SELECT source_id, salary_period, salary_currency, salary_annual_min, salary_annual_max "
        "FROM postings WHERE source = ?",
        [source],
    ).fetchall()
    return {str(r[0]): tuple(r[1:]) for r in rows}


def test_collected_pay_becomes_correct_annual_salaries(store: Store) -> None:
    hour = salary.ANNUAL_FACTORS["hour"]
    month = salary.ANNUAL_FACTORS["month"]

    greenhouse = salaries(store, "greenhouse")
    assert greenhouse["5100001001"] == ("year", "USD", 140_000.0, 180_000.0)  # cents / 100
    assert greenhouse["5100001002"] == ("hour", "USD", 60 * hour, 85 * hour)

    lever = salaries(store, "lever")
    prefix = "0b6a3f0e-1111-4c2a-9d7e-5a0c0000000"
    assert lever[prefix + "1"] == ("year", "GBP", 75_000.0, 95_000.0)
    assert lever[prefix + "2"] == ("hour", "INR", 400 * hour, 550 * hour)
    assert lever[prefix + "3"] == ("month", "SGD", 9_000 * month, 12_000 * month)


def test_the_linkedin_copy_of_a_greenhouse_job_counts_once(store: Store) -> None:
    kept = store.scalar("SELECT count(*) FROM postings WHERE url = ?", [GREENHOUSE_URL])
    assert kept == 1
    reasons = store.con.execute("SELECT reason FROM duplicates").fetchall()
    assert reasons == [("same_url",)]  # and nothing else: HN roles of one comment stay apart
    accounted = store.scalar(
        "SELECT (SELECT count(*) FROM postings) + (SELECT count(*) FROM duplicates) "
        "+ (SELECT count(*) FROM quarantine)"
    )
    assert accounted == store.scalar("SELECT count(*) FROM raw_postings")


def test_rank_runs_on_collected_data(normalized: Path) -> None:
    pytest.importorskip("jobatlas.cli.rank", reason="the rank command is not there yet")
    from jobatlas.cli.app import app

    args = ["rank", "--db", str(normalized), "--min-postings", "0", "--min-employers", "0"]
    result = CliRunner().invoke(app, [*args, "--draws", "0"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Top [1-9]\d* cities", result.output), result.output
