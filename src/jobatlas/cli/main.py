"""Entry point: registers every command module and maps our errors to one line and an exit code."""

from __future__ import annotations

import os
import sys

import typer

from jobatlas.cli import (  # noqa: F401  (each registers its commands)
    classify,
    collect,
    employers,
    locate,
    pipeline,
    rank,
    salary,
)
from jobatlas.cli.app import app, stderr, styled
from jobatlas.errors import JobatlasError


@app.callback()
def _root(
    debug: bool = typer.Option(
        False, "--debug", envvar="JOBATLAS_DEBUG", help="Show full tracebacks on errors."
    ),
) -> None:
    """Rank the world's cities for AI/ML jobs from real postings, with the evidence."""


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or os.environ.get("JOBATLAS_DEBUG", "") not in ("", "0", "false")
    try:
        app(args=args, prog_name="jobatlas")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        if isinstance(exc, JobatlasError):
            message = str(exc)
        else:
            message = (
                f"internal error: {type(exc).__name__}: {exc} "
                "— rerun with --debug for the traceback, and please report it"
            )
        stderr().print(styled(("error: ", "red"), message))
        sys.exit(1)
