"""The Typer application objects that every command module registers on."""

from __future__ import annotations

import os

import typer
from rich.console import Console

app = typer.Typer(
    name="jobatlas",
    help="Rank the world's cities for AI/ML jobs from real postings, with the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Measure a normaliser against a labelled CSV.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


def stdout() -> Console:
    """The console for results. Pipes and files get a fixed wide layout (150 columns, or
    $COLUMNS) so tables stay readable outside a terminal."""
    return _console(stderr=False)


def stderr() -> Console:
    """The console for errors, warnings and progress."""
    return _console(stderr=True)


def _console(stderr: bool) -> Console:
    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(stderr=stderr, highlight=False, soft_wrap=True, width=150)
    return console
