from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from jobatlas.cli.entry import runs_on_the_store
from jobatlas.cli.main import app, main

ROOT = Path(__file__).resolve().parents[2]


def _commands(group: typer.Typer) -> list[tuple[str, str | None]]:
    """Every leaf command as (full name, help); groups are walked, not listed."""
    out: list[tuple[str, str | None]] = []

    def walk(cmd: Any, path: str) -> None:
        subcommands = getattr(cmd, "commands", None)
        if subcommands is None:
            out.append((path, cmd.help))
            return
        if path and getattr(cmd, "invoke_without_command", False):
            out.append((path, cmd.help))
        for name, sub in subcommands.items():
            walk(sub, f"{path} {name}".strip())

    walk(get_command(group), "")
    return out


def test_every_command_has_help_and_is_documented() -> None:
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = _commands(app)
    assert len(commands) >= 8
    for name, help_text in commands:
        assert help_text, f"jobatlas {name} has no help text"
        assert f"jobatlas {name}" in docs, f"jobatlas {name} is not in docs/cli.md"


def test_errors_are_one_line_with_exit_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(SystemExit) as info:
        main(["ingest", str(missing), "--db", str(tmp_path / "s.duckdb")])
    assert info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no such file" in err and str(missing) in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "missing-folder" / "s.duckdb")
    quiet = subprocess.run(
        [sys.executable, "-m", "jobatlas", "status", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    loud = subprocess.run(
        [sys.executable, "-m", "jobatlas", "--debug", "status", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert quiet.returncode == 1 and "Traceback" not in quiet.stderr
    assert "does not exist" in quiet.stderr
    assert loud.returncode == 1 and "Traceback" in loud.stderr and "StoreError" in loud.stderr


def test_help_runs_without_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "ingest" in result.output and not (tmp_path / "jobatlas.duckdb").exists()


@pytest.mark.parametrize(
    ("args", "early"),
    [
        (["run"], True),
        (["--debug", "run", "--db", "s.duckdb", "--engine", "duckdb"], True),
        (["run", "--engine=spark"], False),
        (["run", "jobs.csv", "--engine", "spark", "--path", "out"], False),
        (["run", "--help"], False),
        (["rank", "--engine", "duckdb"], False),
        ([], False),
    ],
)
def test_the_helper_starts_before_the_imports_only_for_a_run_on_the_store(
    args: list[str], early: bool
) -> None:
    assert runs_on_the_store(args) is early
