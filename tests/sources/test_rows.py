"""A file's raw rows as the Spark engine reads them (``sources.rows``): the rows, records and
hashes the store's ingest keeps, and errors that name the file as the user gave it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from jobatlas.errors import FileFormatError
from jobatlas.ingest import ingest_file
from jobatlas.sources.files import FastPathFailed
from jobatlas.sources.rows import open_file_rows
from jobatlas.store.duckdb import Store
from samples import late_failing_csv


def _gives_up_after_its_first_part(
    careful: Callable[[Callable[[float], None]], Iterator[pa.RecordBatch]],
) -> Callable[[Callable[[float], None]], Iterator[pa.RecordBatch]]:
    """A fast reader that yields one part and then gives up. Arrow's own reader reads ahead on
    its threads, so whether it yields a part before it meets the broken last line depends on
    timing; this one always does (its part is the careful reader's first, which has the fast
    reader's columns)."""

    def read(advance: Callable[[float], None]) -> Iterator[pa.RecordBatch]:
        yield next(iter(careful(advance)))
        raise FastPathFailed

    return read


def test_the_careful_readers_rows_replace_the_fast_ones(tmp_path: Path) -> None:
    path = late_failing_csv(tmp_path / "late.csv")
    rows = open_file_rows(path, origin=str(path))
    assert rows._table.fast_batches is not None
    rows._table.fast_batches = _gives_up_after_its_first_part(rows._table.batches)
    parts = list(rows.read())
    attempts = [a for a, _ in parts]
    assert attempts[0] == 1 and attempts[-1] == 2 and attempts == sorted(attempts)
    assert parts[0][1].num_rows > 0
    # the real file: whenever Arrow gives up, the rows that count are the careful reader's
    parts = list(open_file_rows(path, origin=str(path)).read())
    assert parts[-1][0] == 2
    final = pa.concat_tables([t for a, t in parts if a == 2])
    assert final.num_rows == 150_001
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest_file(store, path)
        stored = store.con.execute(
            "SELECT source_row, record, md5(CAST(record AS VARCHAR)), parse_error, title "
            "FROM raw_postings ORDER BY raw_id"
        ).fetchall()
    read = list(
        zip(
            *(final.column(c).to_pylist() for c in ("source_row", "record", "record_md5")),
            *(final.column(c).to_pylist() for c in ("parse_error", "title")),
            strict=True,
        )
    )
    assert read == stored
    assert read[-1][3] is not None  # the broken line is kept as a malformed row


def test_errors_name_the_file_the_user_gave(tmp_path: Path) -> None:
    local = tmp_path / "copy.csv"
    local.write_bytes(b"\x00\x01binary")
    with pytest.raises(FileFormatError) as caught:
        open_file_rows(local, origin="s3a://lake/jobs.csv")
    assert str(caught.value).startswith("s3a://lake/jobs.csv: binary data")
    assert str(local) not in str(caught.value)
