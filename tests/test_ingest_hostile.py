"""Hostile and unusual input files (issue #10): read right, or one line naming file and fix."""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
from pathlib import Path

import pytest

import jobatlas.ingest as ingest_module
from jobatlas.errors import ConfigError, EncodingError, FileFormatError
from jobatlas.ingest import ingest_file, ingest_paths
from jobatlas.pipeline import accounting, normalize
from jobatlas.sources.files import open_table
from jobatlas.sources.rows import IngestResult
from jobatlas.store.duckdb import Store
from samples import CANONICAL_ROWS, write_csv

HEADER = "title,company,location"
# A quote opened on the first data line closes two lines later, followed by junk.
OPEN_QUOTE = (
    f'{HEADER}\nML Engineer,Acme,"Boston, MA\nData Scientist,Foo,Austin\n'
    'AI Engineer,Bar,Denver" CO\nResearch Scientist,Baz,Seattle\n'
)


def _careful_only(monkeypatch: pytest.MonkeyPatch) -> None:
    careful = lambda *a, **k: dataclasses.replace(open_table(*a, **k), fast_batches=None)  # noqa: E731
    monkeypatch.setattr(ingest_module, "open_table", careful)


def _stored(store: Store) -> list[tuple[int, str | None, str | None, str | None]]:
    rows = store.con.execute(
        "SELECT source_row, title, location, parse_error FROM raw_postings ORDER BY source_row"
    ).fetchall()
    return [tuple(r) for r in rows]


def _unparsed(store: Store) -> list[str]:
    rows = store.con.execute(
        "SELECT record->>'_unparsed' FROM raw_postings WHERE parse_error IS NOT NULL "
        "ORDER BY source_row"
    ).fetchall()
    return [r[0] for r in rows]


def _counts(r: IngestResult) -> tuple[int, int, int]:
    return r.rows_read, r.added, r.malformed


@pytest.mark.parametrize("careful", [False, True], ids=["as-ingest-reads", "careful-only"])
def test_a_quote_left_open_quarantines_its_line_and_merges_no_rows(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, careful: bool
) -> None:
    path = tmp_path / "open_quote.csv"
    path.write_text(OPEN_QUOTE, encoding="utf-8")
    if careful:
        _careful_only(monkeypatch)
    assert _counts(ingest_file(store, path)) == (4, 4, 1)
    stored = _stored(store)
    assert [r[1] for r in stored] == [None, "Data Scientist", "AI Engineer", "Research Scientist"]
    assert not any("\n" in (r[2] or "") for r in stored)  # no posting inside another's field
    assert _unparsed(store) == ['ML Engineer,Acme,"Boston, MA']
    assert "does not close cleanly" in (stored[0][3] or "")
    assert ingest_file(store, path).added == 0
    normalize(store)
    acc = accounting(store)
    assert acc.reconciles and acc.raw == 4 and acc.quarantined >= 1


def test_a_long_misquoted_stretch_keeps_one_row_per_line(store: Store, tmp_path: Path) -> None:
    """Each line closes the previous one's quote and opens another, and only the last closes
    with junk after it: every line is its own row, and each is parsed at most twice (were
    the lines after a bad one parsed again as a stream, time would grow with the square of
    the stretch: some 20 s here)."""
    lines = ['ML Engineer,Acme,"Boston', *['MA",Foo,"Austin'] * 20_000, 'TX" y,Bar,Denver']
    path = tmp_path / "stretch.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_file(store, path)
    assert (result.rows_read, result.malformed) == (len(lines), len(lines) - 1)
    assert _stored(store)[-1][1:3] == ('TX" y', "Denver")


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_every_line_ending_reads_the_same_rows(store: Store, tmp_path: Path, ending: str) -> None:
    rows = [HEADER, 'ML Engineer,Acme,"Boston,\rMA"', "Data Scientist,Foo,Austin"]
    path = tmp_path / "endings.csv"
    path.write_bytes(ending.join(rows).encode() + ending.encode())
    assert _counts(ingest_file(store, path)) == (2, 2, 0)
    assert [r[1:3] for r in _stored(store)] == [
        ("ML Engineer", "Boston,\rMA"),
        ("Data Scientist", "Austin"),
    ]


@pytest.mark.parametrize("careful", [False, True], ids=["as-ingest-reads", "careful-only"])
def test_a_bare_cr_ends_a_line_so_good_rows_stay_out_of_the_bad_one(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, careful: bool
) -> None:
    path = tmp_path / "bare_cr.csv"
    path.write_bytes(
        f"{HEADER}\nML Engineer,Acme,Boston\nBad line,two\rGood One,a,b\rGood Two,c,d\n"
        "Last,x,y\n".encode()
    )
    if careful:
        _careful_only(monkeypatch)
    assert _counts(ingest_file(store, path)) == (5, 5, 1)
    titles = [r[1] for r in _stored(store)]
    assert titles == ["ML Engineer", None, "Good One", "Good Two", "Last"]
    assert _unparsed(store) == ["Bad line,two"]
    assert _counts(ingest_file(store, path)) == (5, 0, 1)


@pytest.mark.parametrize(
    ("bom", "encoding", "option"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-8"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-8"),
    ],
    ids=["utf-8", "utf-16-le", "utf-16-be", "utf-16-le-with-option", "utf-32-le"],
)
def test_a_byte_order_mark_names_the_encoding(
    store: Store, tmp_path: Path, bom: bytes, encoding: str, option: str
) -> None:
    text = '"title",company,location\nIngénieur IA,Acme,"Zürich, CH"\nML Engineer,B,C\n'
    path = tmp_path / "bom.csv"
    path.write_bytes(bom + text.encode(encoding))
    result = ingest_file(store, path, encoding=option)
    assert result.schema == "jobatlas" and _counts(result) == (2, 2, 0)
    assert _stored(store)[0][1:3] == ("Ingénieur IA", "Zürich, CH")


def test_utf16_without_a_mark_needs_the_option_and_the_error_says_so(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(f"{HEADER}\nML Engineer,Acme,Boston\n".encode("utf-16-le"))
    with pytest.raises(FileFormatError, match="--encoding utf-16-le"):
        ingest_file(store, path)
    assert ingest_file(store, path, encoding="utf-16-le").added == 1


def test_text_with_terminal_escapes_is_text(store: Store, tmp_path: Path) -> None:
    rows = "".join(f"\x1b[31mML Engineer {i}\x1b[0m,Acme,Boston\n" for i in range(50))
    path = tmp_path / "ansi.csv"
    path.write_text(HEADER + "\n" + rows, encoding="utf-8")
    assert ingest_file(store, path).added == 50
    assert _stored(store)[0][1] == "\x1b[31mML Engineer 0\x1b[0m"


@pytest.mark.parametrize("encoding", ["nonsense", "rot13", "base64"])
def test_an_unknown_encoding_is_one_line_naming_it(
    store: Store, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS)
    with pytest.raises(ConfigError) as info:
        ingest_paths(store, [path], encoding=encoding)
    message = str(info.value)
    assert "\n" not in message and repr(encoding) in message and "utf-8" in message
    assert int(store.scalar("SELECT count(*) FROM raw_postings")) == 0


@pytest.mark.parametrize("encoding", ["idna", "punycode", "undefined"])
def test_a_codec_that_cannot_read_the_file_is_an_encoding_error(
    store: Store, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS)
    with pytest.raises(EncodingError) as info:
        ingest_file(store, path, encoding=encoding)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and encoding in message


def test_a_symlink_loop_is_reported_and_the_next_files_are_read(
    store: Store, tmp_path: Path
) -> None:
    loop, other = tmp_path / "loop.csv", tmp_path / "other.csv"
    os.symlink(other, loop)
    os.symlink(loop, other)
    good = write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS)
    results, errors = ingest_paths(store, [loop, good])
    assert [(r.origin, r.added) for r in results] == [(str(good), 3)]
    assert len(errors) == 1 and isinstance(errors[0], FileFormatError)
    message = str(errors[0])
    assert "\n" not in message and str(loop) in message and "symbolic link" in message


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_json_lines_with_a_byte_order_mark(store: Store, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "jobs.jsonl"
    lines = [json.dumps(row, ensure_ascii=False) for row in CANONICAL_ROWS]
    path.write_bytes("\n".join(lines).encode(encoding))
    result = ingest_file(store, path)
    assert (result.rows_read, result.malformed) == (3, 0)
    assert [r[1] for r in _stored(store)] == [row["title"] for row in CANONICAL_ROWS]
