"""The strict-CSV check runs on the bytes Arrow reads, in whatever pieces it reads them.

``_StrictCheck`` replaced a pre-scan that matched the whole file record by record before the
first row; the record grammar below is that pre-scan's, kept here as the oracle: the
check must accept exactly the files it accepted, however the bytes are cut. And when the
check says no late in a file, after rows were already stored, ingest must end with the
careful reader's rows and nothing else.
"""

from __future__ import annotations

import gzip
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jobatlas.sources.files as files
from jobatlas.errors import EncodingError
from jobatlas.ingest import ingest_file
from jobatlas.store.duckdb import Store


def _record_grammar(delimiter: str) -> re.Pattern[bytes]:
    """Whole files as records: fields quoted (quotes doubled, the closing one followed by
    a delimiter or a line end) or plain (not starting with a quote), records ending at CR,
    LF or CRLF, the last one perhaps unended."""
    d = re.escape(delimiter.encode())
    quoted = rb'"[^"]*(?:""[^"]*)*"'
    plain = rb'[^"%s\r\n][^%s\r\n]*' % (d, d)
    field = rb"(?:%s|%s)?" % (quoted, plain)
    record = rb"%s(?:%s%s)*" % (field, d, field)
    return re.compile(rb"(?:%s(?:\r\n|\r|\n))*%s" % (record, record))


PIECES = [b"a", b"bc", b"\xc3\xa9", b'"', b'""', b",", b";", b"\r", b"\n", b"\r\n", b" "]


def _feed(check: files._StrictCheck, data: bytes, cuts: list[int]) -> bool:
    bounds = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    for start, end in itertools.pairwise(bounds):
        if end > start:  # an empty read is the end of the file
            check.feed(data[start:end])
    return check.feed(b"")


@settings(max_examples=3000, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=40).map(b"".join),
    st.lists(st.integers(0, 1000), max_size=6),
    st.sampled_from([",", ";"]),
    st.booleans(),
)
def test_the_check_accepts_exactly_the_record_grammar_however_the_bytes_are_cut(
    data: bytes, cuts: list[int], delimiter: str, bom: bool
) -> None:
    expected = _record_grammar(delimiter).fullmatch(data) is not None
    if bom:
        data = b"\xef\xbb\xbf" + data
    assert _feed(files._StrictCheck(delimiter), data, cuts) is expected


def test_an_unfinished_quoted_field_longer_than_a_block_says_no(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(files, "_ARROW_BLOCK", 64)
    check = files._StrictCheck(",")
    assert check.feed(b'a,"' + b"x" * 40)
    assert not check.feed(b"y" * 40)
    assert not check.feed(b'"\n')  # it stays refused once it has said no
    assert not check.feed(b"")


def test_a_late_break_of_the_grammar_stores_the_careful_readers_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrow has read and stored several blocks of good rows when the check says no: they
    are rolled back and the careful reader's rows stored instead, the bad one quarantined
    with its row number."""
    monkeypatch.setattr(files, "_ARROW_BLOCK", 1 << 12)
    good = "".join(f"ML Engineer {i},Example Co,Boston MA\n" for i in range(1, 2001))
    text = "title,company,location\n" + good + '"Data Scientist"x,Acme,Paris\nLast,Acme,Paris\n'
    path = tmp_path / "jobs.csv.gz"
    path.write_bytes(gzip.compress(text.encode(), mtime=0))
    fast = files.open_table(path).fast_batches
    assert fast is not None
    with pytest.raises(files.FastPathFailed):
        for _ in fast(lambda n: None):
            pass
    with Store.open(tmp_path / "jobatlas.duckdb") as store:
        result = ingest_file(store, path)
        assert (result.rows_read, result.added, result.malformed) == (2002, 2002, 1)
        bad = store.con.execute(
            "SELECT source_row, record->>'_unparsed' FROM raw_postings "
            "WHERE parse_error IS NOT NULL"
        ).fetchall()
        assert bad == [(2001, '"Data Scientist"x,Acme,Paris')]
        last = store.scalar("SELECT title FROM raw_postings WHERE source_row = 2002")
        assert last == "Last"


@pytest.mark.parametrize("bad", [b"\xff", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe2\x82"])
def test_invalid_utf8_late_in_a_file_is_refused_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: bytes
) -> None:
    """Encoding is left to Arrow on the fast path: a bad byte sequence after blocks of good
    rows (a stray byte, a surrogate, an overlong form, a cut sequence) still ends with the
    careful reader's refusal of the whole file and nothing stored."""
    monkeypatch.setattr(files, "_ARROW_BLOCK", 1 << 12)
    good = "".join(f"ML Engineer {i},Example Co,Boston MA\n" for i in range(1, 2001)).encode()
    path = tmp_path / "jobs.csv"
    path.write_bytes(b"title,company,location\n" + good + b"Last," + bad + b",Paris\n")
    with Store.open(tmp_path / "jobatlas.duckdb") as store:
        with pytest.raises(EncodingError, match="not valid utf-8"):
            ingest_file(store, path)
        assert store.scalar("SELECT count(*) FROM raw_postings") == 0
