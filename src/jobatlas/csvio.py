"""Reading and writing CSV files: the one CSV writer of jobatlas, and the plumbing of the
per-value commands (classify, locate, salary).

Those commands read a CSV (or ``-`` for stdin), add columns computed from some input columns,
and write every input column plus the new ones, one row per input row, in input order (or
``-`` for stdout). Every cell written goes through ``sanitize.csv_cell`` (the formula guard).
"""

from __future__ import annotations

import codecs
import csv
import io
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from jobatlas.errors import (
    ConfigError,
    EmptyInputError,
    EncodingError,
    FileFormatError,
    MissingColumnError,
)
from jobatlas.sanitize import csv_cell

Row = dict[str, str]


def check_encoding(encoding: str) -> None:
    """Raise a one-line ``ConfigError`` unless ``encoding`` names a text codec."""
    try:
        known = codecs.lookup(encoding)._is_text_encoding
    except LookupError:
        known = False
    if not known:
        raise ConfigError(
            f"unknown text encoding {encoding!r}",
            hint="use a Python codec name such as utf-8, latin-1, cp1252 or utf-16",
        )


@contextmanager
def _open_in(path: str, encoding: str) -> Iterator[IO[str]]:
    check_encoding(encoding)
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"  # the same bytes, less a byte-order mark if there is one
    if path == "-":
        yield io.TextIOWrapper(sys.stdin.buffer, encoding=encoding, newline="")
        return
    try:
        with Path(path).open(encoding=encoding, newline="") as fh:
            yield fh
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot read ({exc.strerror})") from exc


@contextmanager
def _open_out(path: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        with Path(path).open("w", encoding="utf-8", newline="") as fh:
            yield fh
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot write ({exc.strerror})") from exc


def read_rows(
    path: str, required: Sequence[str], encoding: str = "utf-8", *, delimiter: str | None = None
) -> tuple[list[str], list[Row]]:
    """Read a whole CSV, checking that ``required`` columns exist (None entries are skipped);
    the delimiter is sniffed unless given."""
    with _open_in(path, encoding) as fh:
        try:
            text = fh.read()
            reader = csv.DictReader(io.StringIO(text), delimiter=delimiter or sniff_delimiter(text))
            header = list(reader.fieldnames or [])
            if not header:
                raise EmptyInputError(f"{path}: empty file", hint="give a CSV with a header row")
            for column in required:
                if column not in header:
                    raise MissingColumnError(path, column, header)
            rows = [
                {k: (v if v is not None else "") for k, v in r.items() if k is not None}
                for r in reader
            ]
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"{path}: not valid {encoding} text (byte {exc.start})",
                hint="re-save it as UTF-8 or pass --encoding latin-1",
            ) from exc
        except csv.Error as exc:
            raise FileFormatError(f"{path}: not a readable CSV ({exc})") from exc
    return header, rows


DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV: whichever of ``, ; tab |`` its header line holds most of
    (a comma when none, or on a tie with one), so spreadsheet exports with ``;`` read too."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def write_rows(path: str, header: Sequence[str], rows: Sequence[Mapping[str, object]]) -> None:
    with _open_out(path) as fh:
        csv.writer(fh).writerow([csv_cell(name) for name in header])
        writer = csv.DictWriter(fh, fieldnames=list(header), extrasaction="ignore")
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return csv_cell(value)


def annotate_csv(
    input_path: str,
    output_path: str,
    required: Sequence[str],
    new_columns: Sequence[str],
    annotate: Callable[[Row], Mapping[str, object]],
    encoding: str = "utf-8",
    *,
    delimiter: str | None = None,
) -> int:
    """Add ``new_columns`` (computed by ``annotate`` from each row) and write; returns row count.

    New columns replace input columns of the same name rather than duplicating them.
    """
    header, rows = read_rows(input_path, required, encoding, delimiter=delimiter)
    out_header = [c for c in header if c not in new_columns] + list(new_columns)
    out_rows = [{**row, **annotate(row)} for row in rows]
    write_rows(output_path, out_header, out_rows)
    return len(out_rows)
