"""The Typer application objects that every command module registers on, and its consoles."""

from __future__ import annotations

import os
from typing import Any

import typer
from rich.console import Console
from rich.style import Style
from rich.text import Text

from jobatlas.sanitize import terminal_text, visible_controls

app = typer.Typer(
    name="jobatlas",
    help="Rank the world's cities for AI/ML jobs from real postings, with the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help text is plain: "[default: …]" is not console markup
)
eval_app = typer.Typer(
    help="Measure a normaliser against a labelled CSV.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(eval_app, name="eval")


class PlainConsole(Console):
    """The terminal boundary: every string printed is plain text, never console markup or
    emoji codes, and control characters in it are shown as escapes, so text from postings
    (``[/bold]``, ``[link=…]``, ESC sequences) is printed as it reads. Styles come only from
    ``styled`` and rich objects built in code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, soft_wrap=True, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False)
        return super().render_str(visible_controls(text), **kwargs)


def styled(*parts: str | tuple[str, str | Style]) -> Text:
    """A line from plain parts and (text, style) pairs; every part's text is made safe."""
    return Text.assemble(
        *((terminal_text(p[0]), p[1]) if isinstance(p, tuple) else terminal_text(p) for p in parts)
    )


def stdout() -> Console:
    """The console for results. Pipes and files get a fixed wide layout (150 columns, or
    $COLUMNS) so tables stay readable outside a terminal."""
    return _console(stderr=False)


def stderr() -> Console:
    """The console for errors, warnings and progress."""
    return _console(stderr=True)


def _console(stderr: bool) -> Console:
    console = PlainConsole(stderr=stderr)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = PlainConsole(stderr=stderr, width=150)
    return console
