"""`jobatlas serve`: its options, a missing store, and the line saying where it listens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jobatlas.cli import serve as serve_module
from jobatlas.cli.main import app

runner = CliRunner()


def test_help_names_the_options() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--db", "--host", "--port", "127.0.0.1"):
        assert option in result.output


def test_a_missing_store_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0
    assert "no store here" in str(result.exception)


@pytest.mark.parametrize(
    ("host", "says"),
    [("127.0.0.1", "only this machine"), ("0.0.0.0", "reachable from the network")],
)
def test_says_where_it_listens_and_binds_there(
    monkeypatch: pytest.MonkeyPatch, store_path: Path, host: str, says: str
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(asgi: Any, **kwargs: Any) -> None:
        seen.update(kwargs, app=asgi)

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(app, ["serve", "--db", str(store_path), "--host", host])
    assert result.exit_code == 0, result.output
    assert says in result.output and "read-only" in result.output
    assert seen["host"] == host and seen["port"] == 8000
    assert seen["app"].state.jobatlas.store.path == store_path


def test_default_host_is_loopback() -> None:
    assert serve_module._is_local("127.0.0.1") and serve_module._is_local("::1")
    assert not serve_module._is_local("0.0.0.0") and not serve_module._is_local("example.org")
