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
from samples import CANONICAL_ROWS, write_csv

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
    assert (tmp_path / "spark" / "raw.parquet").exists()  # the folder is kept, to rank again
    written = (tmp_path / "r1" / "ranking.json").read_text(encoding="utf-8")
    assert written == (tmp_path / "r2" / "ranking.json").read_text(encoding="utf-8")
    assert [m["metro"] for m in json.loads(written)["metros"] if m["rank"]] != []
