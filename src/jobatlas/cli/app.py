"""The Typer application objects that every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="jobatlas",
    help="Rank the world's cities for AI/ML jobs from real postings, with the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Measure a normaliser against a labelled CSV.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
