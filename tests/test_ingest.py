from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jobatlas.errors import (
    EmptyInputError,
    EncodingError,
    FileFormatError,
    MissingColumnError,
    StoreError,
)
from jobatlas.ingest import ingest_file, ingest_paths
from jobatlas.sources.files import open_table
from jobatlas.store.duckdb import Store
from samples import CANONICAL_ROWS, write_csv


def _cut_gzip() -> bytes:
    whole = gzip.compress(
        b"title\n" + "".join(f"ML Engineer {i}\n" for i in range(50_000)).encode()
    )
    return whole[: len(whole) // 2]


def _damaged_gzip(header: str, junk: bytes) -> bytes:
    """A gzip file whose deflate stream is overwritten with ``junk`` in the middle: the
    inflater finds an invalid block there (0xFE) or a wrong checksum at the end (0xFF)."""
    body = "".join(f"ML Engineer {i},Acme {i % 7}\n" for i in range(50_000))
    whole = bytearray(gzip.compress(f"{header}\n{body}".encode()))
    middle = len(whole) // 2
    whole[middle : middle + 64] = junk * 64
    return bytes(whole)


def raw_count(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM raw_postings"))


def test_csv_rows_keep_provenance_and_map_to_canonical_fields(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS)
    result = ingest_file(store, path)
    assert (result.rows_read, result.added, result.skipped) == (3, 3, 0)
    rows = store.con.execute(
        "SELECT source_file, source_row, title, company, location, salary_text, record "
        "FROM raw_postings ORDER BY source_row"
    ).fetchall()
    assert [r[1] for r in rows] == [1, 2, 3]
    assert rows[0][0] == str(path)
    assert rows[2][2:5] == ("Senior NLP Scientist", "Example Labs", "London, UK")
    assert rows[1][5] is None  # empty text becomes NULL in the canonical field ...
    assert json.loads(rows[1][6])["salary_text"] == ""  # ... but the record keeps it as read


def test_same_rows_again_add_nothing_even_from_another_format(store: Store, tmp_path: Path) -> None:
    plain = write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS)
    gz = tmp_path / "copy.csv.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    ingest_file(store, plain)
    again = ingest_file(store, gz)
    assert (again.added, again.skipped) == (0, 3)
    assert raw_count(store) == 3


def test_identical_rows_within_one_file_are_all_kept(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jobs.csv", [CANONICAL_ROWS[0], CANONICAL_ROWS[0]])
    assert ingest_file(store, path).added == 2
    assert ingest_file(store, path).added == 0


def test_jsonl_and_parquet(store: Store, tmp_path: Path) -> None:
    jsonl = tmp_path / "jobs.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps(r) for r in CANONICAL_ROWS[:2]) + "\nnot json\n[1, 2]\n",
        encoding="utf-8",
    )
    result = ingest_file(store, jsonl)
    assert (result.rows_read, result.malformed) == (4, 2)
    parquet = tmp_path / "jobs.parquet"
    pq.write_table(pa.Table.from_pylist(CANONICAL_ROWS), parquet)
    assert ingest_file(store, parquet).added == 1  # two rows repeat the JSONL ones
    errors = store.con.execute(
        "SELECT source_row, parse_error FROM raw_postings WHERE parse_error IS NOT NULL"
    ).fetchall()
    assert sorted(r[0] for r in errors) == [3, 4]


def test_a_short_row_is_kept_as_malformed_not_dropped(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS)
    with path.open("a", encoding="utf-8") as fh:
        fh.write('Truncated Title,"Cut off')
    result = ingest_file(store, path)
    assert (result.rows_read, result.malformed) == (4, 1)
    row = store.con.execute(
        "SELECT source_row, parse_error, record->>'_unparsed' FROM raw_postings "
        "WHERE parse_error IS NOT NULL"
    ).fetchone()
    assert row is not None
    assert row[0] == 4 and "malformed CSV" in row[1] and "Truncated Title" in row[2]


def test_google_jobs_schema_is_recognised(store: Store, tmp_path: Path) -> None:
    row = {
        "job_title_short": "Data Scientist",
        "job_title": "Senior ML Scientist",
        "job_location": "Anywhere",
        "job_via": "via Ai-Jobs.net",
        "job_schedule_type": "Full-time",
        "job_work_from_home": "True",
        "search_location": "Sudan",
        "job_posted_date": "2023-04-24 09:51:15",
        "job_no_degree_mention": "False",
        "job_health_insurance": "False",
        "job_country": "Sudan",
        "salary_rate": "hour",
        "salary_year_avg": "",
        "salary_hour_avg": "55.5",
        "company_name": "Example Co",
        "job_skills": "['python']",
    }
    result = ingest_file(store, write_csv(tmp_path / "g.csv", [row]))
    assert result.schema == "google-jobs-2023"
    got = store.con.execute(
        "SELECT title, remote_hint, salary_min, salary_period, salary_currency, salary_estimated, "
        "via, country_hint FROM raw_postings"
    ).fetchone()
    assert got == ("Senior ML Scientist", "remote", 55.5, "hour", "USD", True, "Ai-Jobs.net", None)


def test_map_option_names_columns_of_other_schemas(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [{"Job Name": "AI Engineer", "Where": "Paris"}])
    with pytest.raises(MissingColumnError, match="--map title=COLUMN"):
        ingest_file(store, path)
    ingest_file(store, path, mapping={"title": "Job Name", "location": "Where"})
    assert store.con.execute("SELECT title, location FROM raw_postings").fetchone() == (
        "AI Engineer",
        "Paris",
    )


@pytest.mark.parametrize(
    ("name", "content", "error", "words"),
    [
        ("empty.csv", b"", EmptyInputError, "empty file"),
        ("header.csv", b"title,company\n", EmptyInputError, "no data rows"),
        ("junk.csv", bytes(range(256)) * 40, FileFormatError, "binary data"),
        ("controls.csv", b"title\n" + bytes(range(1, 32)) * 300, FileFormatError, "binary data"),
        ("header.tsv", b'"title"x\tcompany\nML\tAcme\n', FileFormatError, "malformed header"),
        ("cut.csv.gz", _cut_gzip(), FileFormatError, "truncated or damaged"),
        *(
            (f"junk{i}.csv.gz", _damaged_gzip(header, junk), FileFormatError, "or damaged")
            for i, (header, junk) in enumerate(
                (h, j) for h in ("title", "title,company") for j in (b"\xfe", b"\xff")
            )
        ),
        (
            "latin1.csv",
            "title,location\nIngénieur IA,Montréal\n".encode("latin-1"),
            EncodingError,
            "--encoding latin-1",
        ),
        ("array.json", b'[{"title": "x"}]', FileFormatError, "JSON Lines"),
        (
            "notitle.csv",
            b"name,location\nx,y\n",
            MissingColumnError,
            "columns present: name, location",
        ),
    ],
)
def test_bad_files_give_one_line_errors_and_store_nothing(
    store: Store, tmp_path: Path, name: str, content: bytes, error: type[Exception], words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as info:
        ingest_file(store, path)
    message = str(info.value)
    assert "\n" not in message and str(path) in message and words in message
    assert raw_count(store) == 0


def test_latin1_reads_with_the_encoding_option(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("title,location\nIngénieur IA,Montréal\n".encode("latin-1"))
    ingest_file(store, path, encoding="latin-1")
    assert store.con.execute("SELECT title FROM raw_postings").fetchone() == ("Ingénieur IA",)


def test_ingest_paths_reports_bad_and_repeated_files_and_keeps_going(
    store: Store, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS)
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    results, errors = ingest_paths(store, [good, bad, good])
    assert [r.added for r in results] == [3]
    assert len(errors) == 2
    assert "given twice" in str(errors[1])
    failed = store.con.execute("SELECT count(*) FROM runs WHERE status = 'failed'").fetchone()
    assert failed == (0,)  # a file that cannot be opened never starts a run


def test_fast_and_careful_csv_readers_store_identical_rows(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Well-formed CSV takes Arrow's reader; re-reading it with the careful one adds nothing."""
    import dataclasses

    import jobatlas.ingest as ingest_module

    tricky = [
        {"title": 'ML Engineer, "Vision"', "company": "Ex\r\nample", "location": ""},
        {"title": "Ingénieur IA — 東京", "company": "  spaced  ", "location": "Paris (75)"},
    ]
    path = write_csv(tmp_path / "tricky.csv", tricky)
    first = ingest_file(store, path)
    assert first.added == 2
    careful = lambda *a, **k: dataclasses.replace(open_table(*a, **k), fast_batches=None)  # noqa: E731
    monkeypatch.setattr(ingest_module, "open_table", careful)
    again = ingest_file(store, path)
    assert (again.added, again.skipped) == (0, 2)
    company = store.con.execute("SELECT record->>'company' FROM raw_postings ORDER BY 1").fetchall()
    assert company == [("  spaced  ",), ("Ex\r\nample",)]


def test_rows_whose_settling_fails_are_taken_out(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are inserted, then settled in a transaction of their own: when the settling
    fails, the inserted rows go too, and the run is marked failed."""
    import duckdb

    import jobatlas.ingest as ingest

    def broken(*_args: object, **_kwargs: object) -> None:
        raise duckdb.IOException("disk full")

    monkeypatch.setattr(ingest, "_settle", broken)
    with pytest.raises(StoreError, match="disk full"):
        ingest_file(store, write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS))
    assert raw_count(store) == 0
    assert store.scalar("SELECT status FROM runs WHERE stage = 'ingest'") == "failed"


def test_rows_of_an_ingest_killed_before_settling_are_taken_out_at_the_next_open(
    tmp_path: Path,
) -> None:
    """A process killed between the insert and the settling leaves its rows and a run still
    ``running``: opening the store marks the run interrupted and takes its rows out, and
    the rows of a collection run interrupted the same way stay (each board was settled)."""
    db = tmp_path / "s.duckdb"
    with Store.open(db) as store:
        ingest_file(store, write_csv(tmp_path / "kept.csv", CANONICAL_ROWS))
        kept = raw_count(store)
        for stage in ("ingest", "collect"):
            run_id = store.start_run(stage)
            store.con.execute(
                "INSERT INTO raw_postings (raw_id, run_id, source, content_hash, ingested_at, "
                "record, title) SELECT 1000 + i + ? * 10, ?, 'file:test', md5(i::VARCHAR || ?), "
                "now(), to_json({'title': 'ML Engineer'}), 'ML Engineer' FROM range(3) t(i)",
                [run_id, run_id, stage],
            )
        # as another process left them (runs of this process are left alone)
        store.con.execute(
            "UPDATE runs SET detail = '{\"process\": \"gone\"}' WHERE status = 'running'"
        )
    with Store.open(db) as store:
        stages = store.con.execute(
            "SELECT stage, status FROM runs WHERE stage <> 'ingest' OR run_id > 1 ORDER BY run_id"
        ).fetchall()
        assert stages == [("ingest", "interrupted"), ("collect", "interrupted")]
        assert raw_count(store) == kept + 3  # the collection's three rows
