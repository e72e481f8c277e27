"""The collect, sources and companies commands, through Typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakeapi import FakeApi, install_world, load
from typer.testing import CliRunner

from jobatlas.cli.main import app
from jobatlas.errors import ConfigError
from jobatlas.sources.registry import registry
from jobatlas.store.duckdb import Store

runner = CliRunner()


@pytest.fixture(autouse=True)
def quick_http(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no ./companies.toml unless a test writes one
    monkeypatch.setenv("JOBATLAS_HTTP_RATE", "10000")
    monkeypatch.setenv("JOBATLAS_HTTP_BACKOFF", "0.001")
    monkeypatch.setenv("JOBATLAS_HTTP_TRIES", "2")
    monkeypatch.delenv("JOBATLAS_COMPANIES", raising=False)


def test_sources_lists_every_source_with_needs_and_limits() -> None:
    result = runner.invoke(app, ["sources"])
    assert result.exit_code == 0, result.output
    for name, source in registry().items():
        assert name in result.output
        assert source.info.rate_text in result.output
    assert "ADZUNA_APP_ID and ADZUNA_APP_KEY" in result.output
    assert "pip install 'jobatlas[jobspy]'" in result.output
    assert "$JOBATLAS_GREENHOUSE_URL" in result.output


def test_collect_greenhouse_from_a_base_url(api: FakeApi, tmp_path: Path) -> None:
    install_world(api)
    db = tmp_path / "cli.duckdb"
    args = ["collect", "greenhouse", "--board", "acmerobotics", "--base-url", api.url]
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert (
        "collection #1 ok: 1 ok, 0 degraded, 0 failed; 3 new rows "
        "(0 of them unreadable, kept for quarantine), 0 repeated ids skipped" in result.output
    )
    with Store.open(db) as store:
        assert store.scalar("SELECT count(*) FROM raw_postings WHERE source = 'greenhouse'") == 3


def test_collect_uses_the_env_base_url_and_db(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_world(api)
    monkeypatch.setenv("JOBATLAS_LEVER_URL", api.url)
    monkeypatch.setenv("JOBATLAS_DB", str(tmp_path / "env.duckdb"))
    result = runner.invoke(app, ["collect", "lever", "--site", "nimbuslabs", "--eu"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env.duckdb").exists()
    assert api.count("/v0/postings/nimbuslabs") == 1


def test_a_failed_board_exits_1_with_its_reason(api: FakeApi, tmp_path: Path) -> None:
    install_world(api)
    args = ["collect", "ashby", "--org", "lumen", "--org", "ghost", "--base-url", api.url]
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "f.duckdb")])
    assert result.exit_code == 1
    assert "ashby:ghost" in result.output and "HTTP 404" in result.output
    assert "1 ok, 0 degraded, 1 failed" in result.output
    assert "--retry-failed" in result.output


def test_a_board_with_an_unreadable_job_is_degraded_naming_the_field(
    api: FakeApi, tmp_path: Path
) -> None:
    install_world(api)
    page = load("greenhouse_jobs.json")
    page["jobs"][0]["id"] = None
    api.json(r"/v1/boards/broken/jobs", page)
    args = ["collect", "greenhouse", "--board", "broken", "--board", "acmerobotics"]
    result = runner.invoke(app, [*args, "--base-url", api.url, "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 0, result.output
    assert "jobs[].id" in result.output and "1 ok, 1 degraded, 0 failed" in result.output


def test_a_board_without_its_job_list_fails_naming_the_field(api: FakeApi, tmp_path: Path) -> None:
    install_world(api)
    api.json(r"/v1/boards/broken/jobs", {"postings": []})
    args = ["collect", "greenhouse", "--board", "broken", "--board", "acmerobotics"]
    result = runner.invoke(app, [*args, "--base-url", api.url, "--db", str(tmp_path / "m.db")])
    assert result.exit_code == 1
    assert "'jobs'" in result.output and "1 ok, 0 degraded, 1 failed" in result.output


def test_collect_companies_file(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_world(api)
    for name in ("GREENHOUSE", "LEVER", "WORKABLE"):
        monkeypatch.setenv(f"JOBATLAS_{name}_URL", api.url)
    monkeypatch.setenv("JOBATLAS_RECRUITEE_URL", api.url + "/{company}")
    file = tmp_path / "companies.toml"
    file.write_text(
        '[[company]]\nname = "Acme"\nats = "greenhouse"\nslug = "acmerobotics"\n'
        '[[company]]\nname = "Nimbus"\nats = "lever"\nslug = "nimbuslabs"\n'
        '[[company]]\nname = "Orbital"\nats = "workable"\nslug = "orbital"\n'
        '[[company]]\nname = "Tulip"\nats = "recruitee"\nslug = "tulip"\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "c.duckdb")
    result = runner.invoke(app, ["collect", "--companies", str(file), "--db", db])
    assert result.exit_code == 0, result.output
    assert "4 ok" in result.output and "12 new rows" in result.output
    only = runner.invoke(app, ["collect", "--companies", str(file), "--ats", "lever", "--db", db])
    assert only.exit_code == 0 and "1 ok" in only.output and "0 new rows" in only.output
    with Store.open(db) as store:
        company = store.scalar("SELECT company FROM raw_postings WHERE source = 'lever' LIMIT 1")
    assert company == "Nimbus"  # the registry's name, since Lever's API has none


def test_collect_without_arguments_shows_help() -> None:
    result = runner.invoke(app, ["collect"])
    assert "greenhouse" in result.output and "--companies" in result.output


def test_adzuna_without_keys_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.delenv("ADZUNA_APP_KEY", raising=False)
    args = ["collect", "adzuna", "--country", "gb", "--query", "ml"]
    result = runner.invoke(app, [*args, "--db", str(tmp_path / "a.duckdb")])
    assert isinstance(result.exception, ConfigError)
    assert "ADZUNA_APP_ID and ADZUNA_APP_KEY" in str(result.exception)


def test_companies_list_filters() -> None:
    result = runner.invoke(app, ["companies", "list", "--city", "Dublin"])
    assert result.exit_code == 0, result.output
    assert "Intercom" in result.output and "Lightdash" not in result.output
    everyone = runner.invoke(app, ["companies", "list"])
    count = int(everyone.output.strip().splitlines()[-1].split()[0])
    assert count >= 150


def test_companies_add_and_remove(tmp_path: Path) -> None:
    file = str(tmp_path / "mine.toml")
    args = ["companies", "add", "Nimbus Labs", "--ats", "lever", "--slug", "nimbuslabs"]
    added = runner.invoke(app, [*args, "--hub", "London", "--hub", "Paris", "--file", file])
    assert added.exit_code == 0, added.output
    assert "added Nimbus Labs (lever:nimbuslabs)" in added.output
    listed = runner.invoke(app, ["companies", "list", "--file", file, "--ats", "lever"])
    assert "nimbuslabs" in listed.output
    removed = runner.invoke(app, ["companies", "remove", "Nimbus Labs", "--file", file])
    assert removed.exit_code == 0 and "removed Nimbus Labs" in removed.output
    missing = runner.invoke(app, ["companies", "remove", "Nimbus Labs", "--file", file])
    assert isinstance(missing.exception, ConfigError)


def test_every_command_has_help() -> None:
    for args in (
        ["collect", name, "--help"]
        for name in ("greenhouse", "lever", "ashby", "workable", "smartrecruiters")
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "--base-url" in result.output and "--db" in result.output
    for args in (["collect", "hn", "--help"], ["collect", "recruitee", "--help"]):
        assert "--base-url" in runner.invoke(app, args).output
    assert "--query" in runner.invoke(app, ["collect", "jobspy", "--help"]).output
    assert "--country" in runner.invoke(app, ["collect", "adzuna", "--help"]).output


def test_fixture_data_is_synthetic() -> None:
    assert load("greenhouse_board.json")["name"] == "Acme Robotics"
