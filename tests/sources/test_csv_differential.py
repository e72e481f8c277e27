"""One CSV truth: the fast (Arrow) path never stores other rows than the careful reader.

Hypothesis builds hostile files (quotes, separators, CR/LF/CRLF, BOM, NUL, unicode,
embedded newlines, unbalanced quotes, ragged rows). Whenever the fast reader finishes, its
rows must equal the careful reader's, row numbers and quarantined rows included; otherwise
it must step aside (``FastPathFailed``) and ingest reads the file the careful way.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jobatlas.errors import InputError
from jobatlas.sources.files import FastPathFailed, Table, open_table

HEADER = ["title", "company", "location"]
PADDING = "".join(f"ML Engineer {i},Example Co,Boston MA\n" for i in range(250)).encode()
FRAGMENTS = [
    "ML Engineer", "Acme", "Boston MA", "Paris", " ", "é", "東京", "x",
    '"', '""', ",", "\t", "\r", "\n", "\r\n", "\ufeff", "\u2028", "\x85",
]  # fmt: skip
RARE = ["\x00", "\x1b[31m", "\x0b"]  # mostly make the sniff refuse the file: kept rare
# A field is plain, "open" (a quote that never closes) or quoted and then followed by this
# text after its closing quote: nothing, or junk that strict CSV refuses and Arrow accepts.
STYLES = ["plain", "", "open", "x", " ", '"']
TEXT = st.lists(st.sampled_from(FRAGMENTS + RARE) | st.characters(codec="utf-8"), max_size=3)


def _fields(styles: list[str], plain: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Mostly one draw per field (drawing each piece is what makes a run slow)."""
    pieces = {s: plain if s == "plain" else FRAGMENTS for s in styles}
    common = sorted({(a + b, s) for s in styles for a in ["", *pieces[s]] for b in pieces[s]})
    some = st.tuples(TEXT.map("".join), st.sampled_from(styles))
    field = st.one_of(*[st.sampled_from(common)] * 3, some)
    return st.one_of(*[st.lists(field, min_size=3, max_size=3)] * 2, st.lists(field, max_size=4))


ENDS = st.sampled_from(["\n", "\n", "\r\n", "\r", ""])
# Half the files are near-valid (quotes closed, no separator or line break in unquoted
# fields), half use everything, so that both the fast path and its refusals are exercised.
SAFE = [f for f in FRAGMENTS if f not in (",", "\t", "\r", "\n", "\r\n")]
ROWS = [
    st.lists(st.tuples(_fields(["plain", ""], SAFE), ENDS), min_size=1, max_size=6),
    st.lists(st.tuples(_fields(STYLES, FRAGMENTS), ENDS), max_size=6),
]

# Text without the control characters that make the sniff call a file binary.
CELL = st.characters(codec="utf-8", exclude_categories=["Cc"], include_characters='\r\n\t",')
Reader = Callable[[Callable[[float], None]], Iterator[pa.RecordBatch]]


def _render(text: str, style: str) -> str:
    if style == "plain":
        return text
    quoted = '"' + text.replace('"', '""')
    return quoted if style == "open" else quoted + '"' + style


@st.composite
def _csv_file(draw: st.DrawFn) -> tuple[str, bytes]:
    tsv, header_row, hostile = draw(st.tuples(st.booleans(), st.integers(0, 9), st.booleans()))
    rows = draw(ROWS[hostile])
    sep = "\t" if tsv else ","
    header = sep.join(HEADER) + "\n" if header_row else ""  # else a data row is the header
    body = header + "".join(sep.join(_render(*f) for f in row) + end for row, end in rows)
    encoded = body.encode()
    pad, bom, gz = draw(st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(0, 9)))
    if pad == 0:  # push NUL and friends past the 8 KiB binary sniff
        first, end, rest = encoded.partition(b"\n")
        encoded = first + end + PADDING.replace(b",", sep.encode()) + rest
    if bom == 0:
        encoded = b"\xef\xbb\xbf" + encoded
    name = "jobs.tsv" if tsv else "jobs.csv"
    if gz == 0:
        return name + ".gz", gzip.compress(encoded, mtime=0)
    return name, encoded


def _rows(table: Table, read: Reader) -> list[dict[str, Any]] | str:
    """Every row with its number, error and raw text, or the error that stopped the read."""
    try:
        batches = list(read(lambda _: None))
    except InputError as exc:
        return f"{type(exc).__name__}: {exc}"
    return pa.Table.from_batches(batches, schema=table.schema).to_pylist()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("differential")


@pytest.mark.long
@settings(
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_csv_file())
def test_fast_and_careful_readers_agree_on_every_row_and_every_bad_row(
    scratch: Path, file: tuple[str, bytes]
) -> None:
    name, content = file
    path = scratch / name
    path.write_bytes(content)
    try:
        table = open_table(path)
    except InputError as exc:
        event(f"refused at open: {type(exc).__name__}")
        return
    careful = _rows(table, table.batches)
    if table.fast_batches is None:
        event("careful only (one column)")
        return
    try:
        fast = _rows(table, table.fast_batches)
    except FastPathFailed:
        event("fast path stepped aside")
        return
    event("fast path taken")
    assert fast == careful


def _well_formed(rows: list[list[str]], terminator: str) -> bytes:
    """CSV as RFC 4180 writes it, quoting only the fields that need it."""

    def cell(text: str) -> str:
        needs = text.startswith('"') or any(c in text for c in ',\r\n"')
        return '"' + text.replace('"', '""') + '"' if needs else text

    return "".join(",".join(map(cell, row)) + terminator for row in [HEADER, *rows]).encode()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(st.text(CELL), min_size=3, max_size=3), max_size=5),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_well_formed_csv_takes_the_fast_path_with_the_same_rows(
    scratch: Path, rows: list[list[str]], terminator: str
) -> None:
    """The pre-check is no way of never using Arrow: valid CSV goes the fast way."""
    rows = [["ML Engineer", "Acme", "Paris"], *rows]
    path = scratch / "valid.csv"
    path.write_bytes(_well_formed(rows, terminator))
    table = open_table(path)
    assert table.fast_batches is not None
    fast = _rows(table, table.fast_batches)
    assert fast == _rows(table, table.batches)
    assert isinstance(fast, list) and len(fast) == len(rows)
