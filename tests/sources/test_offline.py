"""Collection offline or misconfigured (issue #14): fail fast and say why; --dry-run;
``companies verify``. Every request goes to an ``httpx.MockTransport``, never the network."""

from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

import jobatlas.cli.companies as companies_cli
import jobatlas.collect as collect_module
from jobatlas.cli.main import app
from jobatlas.collect import collect
from jobatlas.sources.companies import bundled_companies, load_companies
from jobatlas.sources.http import HttpClient, HttpConfig
from jobatlas.store.duckdb import Store

runner = CliRunner()
Handler = Callable[[httpx.Request], httpx.Response]


def answer(status: int, payload: Any) -> httpx.Response:
    """A response still to be read, as a real transport gives it (the client streams)."""
    return httpx.Response(status, stream=httpx.ByteStream(json.dumps(payload).encode()))


def offline(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)


def mock_client(handler: Handler) -> Callable[..., HttpClient]:
    """An ``HttpClient`` factory for the code under test: real client, mocked transport."""

    def make(config: HttpConfig | None = None, **_: Any) -> HttpClient:
        return HttpClient(config, transport=httpx.MockTransport(handler))

    return make


@pytest.fixture(autouse=True)
def in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JOBATLAS_COMPANIES", raising=False)
    for name in ("GREENHOUSE", "LEVER", "ASHBY", "WORKABLE", "SMARTRECRUITERS", "RECRUITEE"):
        monkeypatch.delenv(f"JOBATLAS_{name}_URL", raising=False)


@pytest.mark.timed
def test_offline_bundled_collection_ends_fast_saying_network_unreachable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On main, 46 Lever boards offline took 3 minutes (4 tries each, with backoff)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return offline(request)

    monkeypatch.setattr(collect_module, "HttpClient", mock_client(handler))
    started = time.perf_counter()
    result = runner.invoke(
        app, ["collect", "--companies", "bundled", "--db", str(tmp_path / "s.duckdb")]
    )
    took = time.perf_counter() - started
    assert took < 30, f"offline collection took {took:.1f} s"
    assert result.exit_code == 1
    assert "network unreachable" in result.stderr
    assert f"{len(bundled_companies())} boards not collected" in result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped host")]
    assert skipped and all("after its first failure" in line for line in skipped)
    assert len(seen) <= 3 * 2  # a few hosts tried once each (two workers may race), no retries
    assert result.stdout == ""


def test_a_refused_host_is_tried_once_and_named_on_one_line(store: Store) -> None:
    """One host refuses, the other answers: the refused host's boards fail at once."""
    from jobatlas.sources.base import board

    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        if request.url.host == "api.lever.co":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return answer(200, {"jobs": []})

    boards = [board("lever", f"site{i}") for i in range(5)] + [
        board("greenhouse", "acme", company="Acme")
    ]
    client = HttpClient(HttpConfig(max_tries=4), transport=httpx.MockTransport(handler))
    report = collect(store, boards, client=client, workers=1)
    assert seen.count("api.lever.co") == 1
    assert report.count("failed") == 5 and report.count("ok") == 1
    assert list(report.unreachable) == ["api.lever.co"] and not report.network_down
    assert all("unreachable" in (o.error or "") for o in report.failed)


def test_dry_run_lists_each_board_and_its_first_url_and_fetches_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"--dry-run fetched {request.url}")

    monkeypatch.setattr(collect_module, "HttpClient", mock_client(handler))
    db = tmp_path / "s.duckdb"
    result = runner.invoke(
        app, ["collect", "--companies", "bundled", "--ats", "lever", "--dry-run", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    lever = [c for c in bundled_companies() if c.ats == "lever"]
    assert len(lines) == len(lever)
    assert all(line.startswith("lever:") and "GET https://" in line for line in lines)
    assert f"lever:{lever[0].slug}" in result.stdout
    assert "/v0/postings/" in result.stdout and not db.exists()
    single = runner.invoke(app, ["collect", "greenhouse", "--board", "acme", "--dry-run"])
    assert single.exit_code == 0, single.output
    assert "https://boards-api.greenhouse.io/v1/boards/acme/jobs" in single.stdout


def test_companies_verify_records_verified_at_and_the_http_status(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    file = tmp_path / "mine.toml"
    file.write_text(
        '[[company]]\nname = "Acme"\nats = "greenhouse"\nslug = "acme"\n'
        '[[company]]\nname = "Gone"\nats = "lever"\nslug = "gone"\nverified = true\n'
        '[[company]]\nname = "Nowhere"\nats = "recruitee"\nslug = "nowhere"\n',
        encoding="utf-8",
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "nowhere.recruitee.com":
            raise httpx.ConnectError("no such host", request=request)
        return answer(200 if "acme" in request.url.path else 404, {"jobs": []})

    monkeypatch.setattr(companies_cli, "HttpClient", mock_client(handler))
    result = runner.invoke(app, ["companies", "verify", "--file", str(file), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = tomllib.loads(file.read_text(encoding="utf-8"))["company"]
    acme, gone, nowhere = data
    assert (acme["http_status"], acme["verified"]) == (200, True)
    assert (gone["http_status"], gone["verified"]) == (404, False)
    assert acme["verified_at"].endswith("Z") and acme["verified_at"][:4].isdigit()
    assert "http_status" not in nowhere and "verified_at" not in nowhere
    rows = json.loads(result.stdout)
    assert [r["http_status"] for r in rows] == [200, 404, None]
    assert "unreachable" in rows[2]["error"]
    listed = load_companies(file)
    assert [c.http_status for c in listed] == [200, 404, None]


def test_companies_verify_offline_exits_1_saying_network_unreachable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(companies_cli, "HttpClient", mock_client(offline))
    result = runner.invoke(app, ["companies", "verify", "--ats", "workable"])
    assert result.exit_code == 1
    assert "network unreachable" in result.stderr
    assert not (tmp_path / "companies.toml").exists()  # nothing answered, nothing recorded


def test_companies_add_then_list_show_the_same_registry(tmp_path: Path) -> None:
    """On main, `add` wrote ./companies.toml but `list` still showed the starter list."""
    before = runner.invoke(app, ["companies", "list", "--format", "json"])
    added = runner.invoke(
        app, ["companies", "add", "Nimbus Labs", "--ats", "lever", "--slug", "nimbuslabs"]
    )
    assert added.exit_code == 0, added.output
    assert "added Nimbus Labs" in added.stderr and added.stdout == ""
    after = runner.invoke(app, ["companies", "list", "--ats", "lever", "--format", "jsonl"])
    assert after.exit_code == 0, after.output
    assert "nimbuslabs" in after.stdout and (tmp_path / "companies.toml").exists()
    assert len([json.loads(line) for line in after.stdout.splitlines()]) == 1 + len(
        [c for c in json.loads(before.stdout) if c["ats"] == "lever"]
    )
