"""``jobatlas normalize --engine spark``, and the one-line errors when Spark cannot run."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from jobatlas.cli.main import app
from jobatlas.engines.spark import require_spark
from jobatlas.errors import ConfigError, InputError, MissingDependency
from samples import CANONICAL_ROWS, late_failing_csv, write_csv

runner = CliRunner()


def test_a_missing_pyspark_is_named_with_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(MissingDependency) as caught:
        require_spark()
    assert str(caught.value) == "pyspark is not installed — run: pip install 'jobatlas[spark]'"


def test_a_missing_java_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ConfigError, match=r"^Java is not installed"):
        require_spark()


def test_the_spark_engine_needs_an_output_folder(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["normalize", "--db", str(tmp_path / "s.duckdb"), "--engine", "spark"]
    )
    assert isinstance(result.exception, ConfigError)
    assert "--out" in str(result.exception)


@pytest.mark.spark
def test_normalize_with_spark_writes_parquet_and_leaves_the_store(
    spark: Any, tmp_path: Path
) -> None:
    db, out = tmp_path / "s.duckdb", tmp_path / "out"
    rows = [*CANONICAL_ROWS, {**CANONICAL_ROWS[0], "title": ""}]
    jobs = write_csv(tmp_path / "j.csv", rows)
    assert runner.invoke(app, ["ingest", "--db", str(db), str(jobs)]).exit_code == 0
    result = runner.invoke(
        app, ["normalize", "--db", str(db), "--engine", "spark", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "4 raw rows with Spark" in result.output
    assert "3 postings, 1 quarantined, 0 duplicates" in result.output
    titles = duckdb.execute(
        f"SELECT title FROM read_parquet('{out}/postings/**/*.parquet') ORDER BY 1"
    ).fetchall()
    assert sorted(t for (t,) in titles) == sorted(r["title"] for r in CANONICAL_ROWS)
    status = runner.invoke(app, ["status", "--db", str(db), "--format", "json"])
    assert '"postings": 0' in status.output  # the store has no postings: Spark wrote Parquet
    checked = runner.invoke(
        app, ["status", "--engine", "spark", "--path", str(out), "--format", "json"]
    )
    assert checked.exit_code == 0, checked.output
    document = json.loads(checked.output)
    assert document["accounting"] == {
        "raw": 4,
        "postings": 3,
        "quarantined": 1,
        "duplicates": 0,
        "reconciles": True,
    }
    assert document["quarantine"] == {"missing_title": 1}
    # a lost partition of postings breaks the equation, and status says so
    lost = next((out / "postings").glob("country=GB/*"))
    shutil.rmtree(lost)
    broken = runner.invoke(app, ["status", "--engine", "spark", "--path", str(out)])
    assert broken.exit_code == 2
    assert "DOES NOT RECONCILE" in broken.output


@pytest.mark.spark
def test_status_of_a_folder_spark_did_not_write(spark: Any, tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--engine", "spark", "--path", str(tmp_path)])
    assert isinstance(result.exception, InputError)
    assert "not the output of a Spark normalize" in str(result.exception)


def test_rank_with_spark_needs_the_folder_to_rank() -> None:
    result = runner.invoke(app, ["rank", "--engine", "spark"])
    assert isinstance(result.exception, ConfigError)
    assert "--path" in str(result.exception)


def test_run_with_spark_does_not_add_to_an_earlier_output(tmp_path: Path) -> None:
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "postings").mkdir()
    jobs = write_csv(tmp_path / "j.csv", CANONICAL_ROWS)
    result = runner.invoke(
        app, ["run", str(jobs), "--engine", "spark", "--path", str(tmp_path / "earlier")]
    )
    assert isinstance(result.exception, ConfigError)
    assert "is not empty" in str(result.exception)


@pytest.mark.spark
def test_run_with_spark_reads_the_files_and_ranks_as_duckdb(spark: Any, tmp_path: Path) -> None:
    """Files read by jobatlas's readers, normalised and ranked through Spark, give the
    ranking.json of the DuckDB run (a smaller case than the bundled one of
    test_spark_engine, through the whole command)."""
    jobs = write_csv(tmp_path / "j.csv", CANONICAL_ROWS)
    options = ["--draws", "50", "--seed", "3", "--min-postings", "1", "--min-employers", "1"]
    by_spark = runner.invoke(
        app,
        ["run", str(jobs), "--engine", "spark", "--path", str(tmp_path / "spark"),
         "--out", str(tmp_path / "r1"), "--format", "json", *options],
    )  # fmt: skip
    assert by_spark.exit_code == 0, by_spark.output
    by_duckdb = runner.invoke(
        app,
        ["run", str(jobs), "--db", str(tmp_path / "s.duckdb"), "--out", str(tmp_path / "r2"),
         "--format", "json", *options],
    )  # fmt: skip
    assert by_duckdb.exit_code == 0, by_duckdb.output
    assert "3 postings, 0 quarantined, 0 duplicates" in by_spark.output
    assert f"ingested {jobs} (jobatlas): 3 rows, 3 new" in by_spark.output  # read by Spark
    assert (tmp_path / "spark" / "raw").is_dir()  # the folder is kept, to rank again
    written = (tmp_path / "r1" / "ranking.json").read_text(encoding="utf-8")
    assert written == (tmp_path / "r2" / "ranking.json").read_text(encoding="utf-8")
    assert [m["metro"] for m in json.loads(written)["metros"] if m["rank"]] != []


@pytest.mark.spark
def test_ingest_with_spark_reads_folders_and_adds_each_row_once(spark: Any, tmp_path: Path) -> None:
    """A folder's files in path order, a missing path and an unreadable file each named on
    one line, nothing added twice (test_spark_engine normalizes such a folder)."""
    lake = tmp_path / "lake"
    (lake / "2024").mkdir(parents=True)
    first = write_csv(lake / "2024" / "a.csv", CANONICAL_ROWS)
    second = write_csv(lake / "2024" / "b.csv", [*CANONICAL_ROWS[:1], *CANONICAL_ROWS])
    (lake / "2024" / "bad.csv").write_bytes(b"\x00\x01\x02binary")
    raw = tmp_path / "raw"
    args = ["ingest", "--engine", "spark", "--out", str(raw)]
    result = runner.invoke(app, [*args, str(lake), str(tmp_path / "missing.csv")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"ingested {first} (jobatlas): 3 rows, 3 new, 0 already stored;" in result.output
    # b.csv repeats a.csv's rows (already stored) plus a second copy of its first row
    assert f"ingested {second} (jobatlas): 4 rows, 1 new, 3 already stored;" in result.output
    assert any(line.startswith(f"error: {lake / '2024' / 'bad.csv'}: binary") for line in lines)
    assert f"error: {tmp_path / 'missing.csv'}: no such file or folder" in lines
    again = runner.invoke(app, [*args, str(first), str(second)])
    assert again.exit_code == 0, again.output
    assert "3 rows, 0 new, 3 already stored" in again.output
    ids = sorted(r[0] for r in spark.read.parquet(str(raw)).select("raw_id").collect())
    assert ids == [1, 2, 3, 5]  # b.csv's new row (its row 2) continues after a.csv's: 3 + 2


def test_ingest_with_spark_needs_a_folder_to_write() -> None:
    result = runner.invoke(app, ["ingest", "--engine", "spark", "x.csv"])
    assert isinstance(result.exception, ConfigError)
    assert "--out" in str(result.exception)


@pytest.mark.spark
def test_spark_keeps_the_careful_readers_rows_when_the_fast_one_gives_up(
    spark: Any, tmp_path: Path
) -> None:
    """The fast reader's rows already sent from the executor do not count once it gives up:
    the folder holds the rows the store holds, once each."""
    from jobatlas.engines.spark_ingest import ingest_spark
    from jobatlas.ingest import ingest_file
    from jobatlas.store.duckdb import Store

    path = late_failing_csv(tmp_path / "late.csv")
    result = ingest_spark(spark, [str(path)], str(tmp_path / "raw"))
    assert [(f.rows_read, f.added, f.malformed) for f in result.files] == [(150_001, 150_001, 1)]
    columns = "raw_id, source_row, content_hash, record, parse_error, title, company, location"
    with Store.open(tmp_path / "s.duckdb") as store:
        ingest_file(store, path)
        written = f"read_parquet('{tmp_path / 'raw'}/*.parquet')"
        for a, b in (("raw_postings", written), (written, "raw_postings")):
            differ = store.con.execute(
                f"SELECT {columns} FROM {a} EXCEPT ALL SELECT {columns} FROM {b}"
            ).fetchall()
            assert not differ, differ[:3]
