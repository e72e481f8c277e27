"""Data on stdout in the format asked for; the shared ``--format`` option.

Every command that prints data takes ``--format table|json|jsonl|csv``: ``table`` for a
person at a terminal, the others for programs. ``json`` prints one document, ``jsonl`` one
object per line, ``csv`` goes through the one CSV writer (with its formula guard).
Messages never go to stdout, so ``jobatlas X --format json | jq`` always parses.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console, RenderableType
from rich.table import Table

from jobatlas.cli.app import stderr, stdout
from jobatlas.csvio import write_rows


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


FORMAT = typer.Option(Format.table, "--format", help="table, json, jsonl or csv.")

Record = Mapping[str, Any]


def to_json(value: Any) -> str:
    """Indented JSON; dates and other objects as their text."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n"


def emit(
    fmt: Format,
    records: Sequence[Record],
    table: Callable[[], Iterable[RenderableType]],
    *,
    document: Any = None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print ``records`` in ``fmt``: ``table`` prints what ``table()`` yields; ``json`` prints
    ``document`` (default: the records as a list); ``jsonl`` and ``csv`` print the records."""
    if fmt is Format.table:
        console = stdout()
        for renderable in table():
            console.print(renderable)
    elif fmt is Format.json:
        sys.stdout.write(to_json(list(records) if document is None else document))
    elif fmt is Format.jsonl:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    else:
        header = list(columns) if columns is not None else _keys(records)
        write_rows("-", header, [_flat(r) for r in records])


def _keys(records: Sequence[Record]) -> list[str]:
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    return list(keys)


def _flat(record: Record) -> dict[str, Any]:
    """Lists and objects in a CSV cell as JSON text."""
    return {
        k: json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, list | dict) else v
        for k, v in record.items()
    }


def fit(
    table: Table,
    console: Console,
    drop_order: Sequence[str],
    keep: Sequence[str],
    wrap: Sequence[str] = (),
) -> Table:
    """Make the table fit the console without cutting the columns named in ``keep``: first
    let the columns named in ``wrap`` wrap, then drop those in ``drop_order``, first to last,
    until the ``keep`` columns get their full width."""
    for column in table.columns:
        if str(column.header) in wrap:
            column.no_wrap = False
            column.overflow = "fold"
    for name in drop_order:
        if _kept_whole(table, console, keep):
            break
        table.columns = [c for c in table.columns if str(c.header) != name]
    return table


def _kept_whole(table: Table, console: Console, keep: Sequence[str]) -> bool:
    """Whether the table fits and the ``keep`` columns get their natural width. It asks rich
    for the widths it will use (private methods: rich has no public layout call; the test
    of ``fit`` pins the behaviour)."""
    options = console.options
    widths = table._calculate_column_widths(console, options)
    if sum(widths) + table._extra_width > options.max_width:
        return False
    for column, width in zip(table.columns, widths, strict=True):
        if str(column.header) in keep:
            natural = table._measure_column(console, options, column).maximum
            if width < natural:
                return False
    return True


DELIMITER = typer.Option(
    None,
    "--delimiter",
    help="Field delimiter of the input CSV (',', ';', 'tab', '|') [default: sniffed from the "
    "header line].",
)
ERRORS_HELP = "Also list up to N rows jobatlas gets wrong."


def delimiter_of(value: str | None) -> str | None:
    """The ``--delimiter`` value as one character ("tab" and "\\t" mean a tab)."""
    if value is None:
        return None
    chosen = "\t" if value in ("tab", "\\t") else value
    if len(chosen) != 1:
        raise typer.BadParameter(f"{value!r} is not one character", param_hint="--delimiter")
    return chosen


@contextmanager
def notice_if_slow(message: str, after: float = 1.0) -> Iterator[None]:
    """Print ``message`` on stderr if the block is still running after ``after`` seconds
    (and how long it took, at the end), so a slow first step is never silent."""
    started = time.perf_counter()
    timer = threading.Timer(after, lambda: stderr().print(message))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        took = time.perf_counter() - started
        if took >= after:
            stderr().print(f"done in {took:.1f} s")
