"""Progress bars for any work that may take over a second.

Bars go to stderr and only when it is a terminal, so pipes, tests and CI stay clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from jobatlas.sanitize import terminal_text

Advance = Callable[[float], None]


@contextmanager
def progress(description: str, total: float | None) -> Iterator[Advance]:
    """Yield ``advance(n)``; draws a transient bar while the block runs."""
    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    with bar:
        task = bar.add_task(terminal_text(description), total=total)

        def advance(n: float) -> None:
            bar.advance(task, n)

        yield advance
