"""Entry point: registers every command module and maps our errors to one line and an exit code."""

from __future__ import annotations

import os
import sys

import typer

from jobatlas.cli import (  # noqa: F401  (each registers its commands)
    classify,
    collect,
    companies,
    employers,
    locate,
    pipeline,
    rank,
    salary,
    serve,
)
from jobatlas.cli.app import app, stderr, styled
from jobatlas.errors import JobatlasError


def _print_version(value: bool) -> None:
    if value:
        from jobatlas import __version__

        typer.echo(f"jobatlas {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: bool = typer.Option(
        False,
        "--debug",
        envvar="JOBATLAS_DEBUG",
        help="Show full tracebacks on errors (anywhere on the command line).",
    ),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Rank the world's cities for AI/ML jobs from real postings, with the evidence."""


def split_debug(args: list[str]) -> tuple[list[str], bool]:
    """The arguments without ``--debug`` (accepted anywhere before a ``--``), and whether it
    was there; it goes back in front of the subcommand, where the parser expects it."""
    end = args.index("--") if "--" in args else len(args)
    found = "--debug" in args[:end]
    rest = [a for a in args[:end] if a != "--debug"] + args[end:]
    return (["--debug", *rest] if found else rest), found


def main(argv: list[str] | None = None) -> None:
    args, flagged = split_debug(sys.argv[1:] if argv is None else argv)
    debug = flagged or os.environ.get("JOBATLAS_DEBUG", "") not in ("", "0", "false")
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
