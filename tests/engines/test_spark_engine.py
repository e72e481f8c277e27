"""The bundled postings, plus rows that reach every disposition, through both engines: Spark
(local[2]) writes the same postings, places, metros, quarantine, duplicates and employers as
DuckDB, and ranking them through Spark writes the same report."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from jobatlas.bundled import bundled_postings
from jobatlas.cli.main import app
from jobatlas.cli.rank import rank_and_report
from jobatlas.engines.catalogue import STEPS
from jobatlas.engines.spark import SparkResult, normalize_spark, spark_accounting
from jobatlas.engines.spark_ingest import SparkIngest, ingest_spark
from jobatlas.ingest import ingest_paths
from jobatlas.pipeline import NormalizeResult, normalize
from jobatlas.store.duckdb import Store
from samples import write_csv

pytestmark = pytest.mark.spark

FIELDS = ("title", "company", "location", "salary_text", "posted_at", "url", "remote_hint")


def _row(title: str, company: str = "Example Robotics", location: str = "Seattle, WA",
         salary: str = "", posted: str = "2024-03-01", url: str = "",
         remote: str = "") -> dict[str, str]:  # fmt: skip
    return dict(zip(FIELDS, (title, company, location, salary, posted, url, remote), strict=True))


# Rows for every quarantine reason, both kinds of copy (and chains of copies, an undated
# one first), the date forms, accents in the dedupe key, salaries in several currencies and
# periods, scripts, several places.
EDGE_ROWS = [
    _row("Machine Learning Engineer", url="https://jobs.example.com/1"),
    _row("Machine Learning Engineer", posted="2024-03-09", url="https://jobs.example.com/1"),
    _row("", url="https://jobs.example.com/empty"),
    _row("12345 ###", url="https://jobs.example.com/digits"),
    _row("Data Scientist " * 30, url="https://jobs.example.com/long"),
    _row("Data Scientist", "Société Générale", "Paris, France", posted="2024-01-01"),
    _row("Data Scientist", "Societe Generale!", "Paris, France", posted="2024/01/20"),
    _row("Data Scientist", "SOCIÉTÉ GÉNÉRALE", "Paris, France", posted="2024-6-1"),
    _row("Data Engineer", posted=" 2024-01-05"),
    _row("Data Engineer", "Example Two", posted="2024-01-05T10:00:00Z"),
    _row("Data Engineer", "Example Three", posted="20240105"),
    _row("Data Engineer", "Example Four", posted="yesterday"),
    _row("Data Engineer", "Example Five", posted="2024-02-30"),
    _row("ML Engineer", location="Berlin, Germany", salary="€60.000 - €70.000 pro Jahr"),
    _row("ML Engineer", location="Bengaluru, India", salary="₹12,00,000 per annum"),
    _row("ML Engineer", location="Tokyo, Japan", salary="¥6,000,000 - ¥9,000,000"),
    _row("ML Engineer", location="Austin, TX", salary="$40 - $60 an hour"),
    _row("ML Engineer", location="Austin, TX", salary="$5 - $6 a year", company="Tiny"),
    _row("ML Engineer", location="Anywhere", salary="competitive"),
    _row("機械学習エンジニア", "İş Bankası", "İstanbul, Türkiye"),  # noqa: RUF001 (Turkish dotless i)
    _row("Инженер по машинному обучению", location="Москва"),
    _row("AI Researcher", location="Seattle, WA; London, UK", remote="hybrid"),
    _row("AI Researcher", location="Remote", remote="remote"),
    *(
        _row("Research Scientist", "Chain Labs", posted=d)
        for d in ("", "2024-01-01", "2024-01-20", "2024-02-15", "2024-04-01", "2024-04-10")
    ),
]

TABLES = {
    "postings": "raw_id",
    "posting_places": "raw_id, place_index",
    "metros": "metro_id",
    "quarantine": "raw_id",
    "duplicates": "raw_id",
    "employers": "company",
}


@dataclass(frozen=True)
class Runs:
    store: Store
    ingested: SparkIngest
    duckdb: NormalizeResult
    spark: SparkResult
    raw: Path
    out: Path
    left: tuple[tuple[set[str], set[int]], tuple[set[str], set[int]]]
    """What ingest, then normalize, left in the session (views, persisted blocks)."""


@pytest.fixture(scope="module")
def runs(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    folder = tmp_path_factory.mktemp("engines")
    edge = write_csv(folder / "edge.csv", EDGE_ROWS)
    with edge.open("a", encoding="utf-8") as fh:
        fh.write('Broken,"row\n')
    inputs = [bundled_postings(), edge]
    raw = folder / "raw"
    with Store.open(folder / "s.duckdb") as store:
        _, errors = ingest_paths(store, inputs)
        assert not errors
        before = session_state(spark)
        ingested = ingest_spark(spark, [str(p) for p in inputs], str(raw))
        assert not ingested.errors
        after_ingest = left_behind(spark, before)
        by_duckdb = normalize(store)
        by_spark = normalize_spark(spark, raw, folder / "out")
        left = (after_ingest, left_behind(spark, before))
        yield Runs(store, ingested, by_duckdb, by_spark, raw, folder / "out", left)


SessionState = tuple[set[str], set[int]]


def session_state(spark: Any) -> SessionState:
    """The session's temporary views and the ids of its persisted blocks."""
    views = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    return views, {int(i) for i in spark.sparkContext._jsc.getPersistentRDDs().keySet()}


def left_behind(spark: Any, before: SessionState) -> SessionState:
    """Views and blocks made since ``before`` and still there (earlier tests may have left
    some of their own, which the JVM collects at any time)."""
    views, blocks = session_state(spark)
    return views - before[0], blocks - before[1]


def test_ingest_and_normalize_leave_no_views_or_blocks_behind(runs: Runs) -> None:
    """What they checkpointed on the executors is dropped once written, so one session can
    ingest, normalize and rank 5M rows in turn (a 1 GB local JVM ran out of heap before)."""
    after_ingest, after_normalize = runs.left
    assert after_ingest == (set(), set())
    assert after_normalize == (set(), set())


def _columns(store: Store, table: str) -> list[str]:
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] != "run_id"]


def _written(runs: Runs, table: str) -> str:
    return f"read_parquet('{runs.out / table}/**/*.parquet', hive_partitioning = false)"


def test_spark_ingests_the_raw_rows_duckdb_stores(runs: Runs) -> None:
    """Same ids, provenance, records, hashes and canonical fields, the malformed row too
    (the run and the time of ingest aside)."""
    listed = ", ".join(c for c in _columns(runs.store, "raw_postings") if c != "ingested_at")
    con = runs.store.con
    stored = f"SELECT {listed} FROM raw_postings"
    written = f"SELECT {listed} FROM read_parquet('{runs.raw}/*.parquet')"
    assert (
        con.execute(f"SELECT count(*) FROM ({written})").fetchall()[0][0]
        == 32_672 + len(EDGE_ROWS) + 1
    )  # and the broken line
    for a, b in ((stored, written), (written, stored)):
        differ = con.execute(f"SELECT * FROM ({a} EXCEPT ALL {b}) ORDER BY 1 LIMIT 3").fetchall()
        assert not differ, differ
    files = [(f.origin, f.rows_read, f.added, f.malformed) for f in runs.ingested.files]
    assert files == [
        (str(bundled_postings()), 32_672, 32_672, 0),
        (files[1][0], len(EDGE_ROWS) + 1, len(EDGE_ROWS) + 1, 1),
    ]


@pytest.mark.parametrize("table", TABLES)
def test_spark_writes_what_duckdb_stores(runs: Runs, table: str) -> None:
    """Row for row, on every column (the run id aside)."""
    listed = ", ".join(_columns(runs.store, table))
    con = runs.store.con
    stored = f"SELECT {listed} FROM {table}"
    written = f"SELECT {listed} FROM {_written(runs, table)}"
    n_stored = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    n_written = con.execute(f"SELECT count(*) FROM {_written(runs, table)}").fetchall()[0][0]
    assert n_stored == n_written > 0
    for a, b in ((stored, written), (written, stored)):
        differ = con.execute(f"SELECT * FROM ({a} EXCEPT ALL {b}) ORDER BY 1 LIMIT 3").fetchall()
        assert not differ, differ


def test_the_rows_reach_every_disposition(runs: Runs) -> None:
    """The comparison above is not vacuous: every reason code has rows."""
    con = runs.store.con
    reasons = {r[0] for r in con.execute("SELECT DISTINCT reason FROM quarantine").fetchall()}
    assert reasons == {"malformed_row", "missing_title", "title_too_long", "title_not_text"}
    copies = {r[0] for r in con.execute("SELECT DISTINCT reason FROM duplicates").fetchall()}
    assert copies == {"same_url", "same_job"}
    statuses = {r[0] for r in con.execute("SELECT DISTINCT salary_status FROM postings").fetchall()}
    assert {"parsed", "none", "implausible"} <= statuses


def test_both_engines_account_for_every_raw_row(spark: Any, runs: Runs) -> None:
    s, d = runs.spark, runs.duckdb
    assert s.rows_in == s.postings + s.quarantined + s.duplicates
    counted = spark_accounting(spark, runs.out)  # from the files written
    assert counted.reconciles
    assert (counted.raw, counted.postings, counted.quarantined, counted.duplicates) == (
        s.rows_in,
        s.postings,
        s.quarantined,
        s.duplicates,
    )
    assert (s.rows_in, s.postings, s.quarantined, s.duplicates) == (
        d.rows_in,
        d.postings,
        d.quarantined,
        d.duplicates,
    )


def test_spark_runs_every_step_in_order(runs: Runs) -> None:
    steps = [k for k in runs.spark.seconds if not k.startswith("write ")]
    assert steps == [s.name for s in STEPS] == list(runs.duckdb.seconds)


def test_postings_are_partitioned_by_country_and_month(runs: Runs) -> None:
    con = runs.store.con
    rows = con.execute(
        f"""SELECT DISTINCT country, month, coalesce(country_code, 'none'),
                   coalesce(strftime(posted_date, '%Y-%m'), 'none')
            FROM read_parquet('{runs.out / "postings"}/**/*.parquet', hive_partitioning = true)"""
    ).fetchall()
    assert len({r[0] for r in rows}) > 10
    assert all(r[0] == r[2] and r[1] == r[3] for r in rows), [r for r in rows if r[:2] != r[2:]]


def test_run_with_spark_writes_the_report_duckdb_writes(
    spark: Any, runs: Runs, tmp_path: Path
) -> None:
    """`jobatlas run --engine spark` on the folder written: the ranking's queries run on
    Spark, the draws (same seed) on the driver; the report files are byte-identical to
    those of the DuckDB run of the same rows."""
    by_duckdb, by_spark = tmp_path / "duckdb", tmp_path / "spark"
    console = Console(file=io.StringIO(), width=200)
    rank_and_report(runs.store, out=by_duckdb, draws=300, seed=7, console=console)
    result = CliRunner().invoke(
        app,
        ["run", "--engine", "spark", "--path", str(runs.out), "--out", str(by_spark),
         "--draws", "300", "--seed", "7"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"ranking the Spark output in {runs.out}" in result.output
    files = sorted(p.relative_to(by_duckdb) for p in by_duckdb.rglob("*") if p.is_file())
    assert Path("ranking.json") in files and Path("article.md") in files
    assert files == sorted(p.relative_to(by_spark) for p in by_spark.rglob("*") if p.is_file())
    differ = [f for f in files if (by_spark / f).read_bytes() != (by_duckdb / f).read_bytes()]
    assert not differ
    report = json.loads((by_duckdb / "ranking.json").read_text(encoding="utf-8"))
    ranked = [m for m in report["metros"] if m["rank"] is not None]
    assert len(ranked) >= 10  # not vacuous: metros, details and draws to compare
    assert all(m["top_employers"] and m["top_skills"] and m["samples"] for m in ranked)
