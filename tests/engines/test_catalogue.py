"""The catalogue is the one definition of the normalize stage's rules: every engine runs all
of its steps, Spark can run each statement, and the engines hold no rule of their own."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import jobatlas.engines.spark as spark_engine
import jobatlas.pipeline as duckdb_engine
from jobatlas.engines.catalogue import SPARK_FUNCTIONS, STEPS, Sql, render
from jobatlas.ingest import ingest_file
from jobatlas.pipeline import normalize
from jobatlas.store.duckdb import Store
from samples import CANONICAL_ROWS, write_csv

sqlglot = pytest.importorskip("sqlglot", reason="sqlglot is not installed (the spark extra)")
exp = sqlglot.exp

SQL_STEPS = [s for s in STEPS if isinstance(s, Sql)]

# Codes the catalogue gives rows: a disposition, a reason or a status set by a rule.
RULE_CODES = (
    "malformed_row",
    "missing_title",
    "title_too_long",
    "title_not_text",
    "same_url",
    "same_job",
    "unknown_currency",
    "no_rate",
    "implausible",
)


def test_the_duckdb_engine_runs_every_step_in_order(store: Store, tmp_path: Path) -> None:
    ingest_file(store, write_csv(tmp_path / "jobs.csv", CANONICAL_ROWS))
    result = normalize(store)
    assert list(result.seconds) == [s.name for s in STEPS]


def test_every_statement_reads_as_spark_sql() -> None:
    for step in SQL_STEPS:
        spark_sql = render(step.name, "spark")
        assert sqlglot.parse_one(spark_sql, read="spark") is not None, step.name


def test_spark_numbers_distinct_values_without_ordering_them() -> None:
    """Each ``row_number() OVER ()`` (a numbering) becomes a Spark id, and nothing else does:
    the windows that rank rows (``OVER w``, ``OVER (PARTITION BY ...)``) stay."""
    numberings = sum(s.sql.count("row_number() OVER ()") for s in SQL_STEPS)
    ids = sum(render(s.name, "spark").count("MONOTONICALLY_INCREASING_ID()") for s in SQL_STEPS)
    windows = sum(s.sql.lower().count("row_number()") for s in SQL_STEPS)
    spark_windows = sum(render(s.name, "spark").count("ROW_NUMBER()") for s in SQL_STEPS)
    assert numberings == ids == 5
    assert spark_windows == windows - numberings > 0


def test_functions_spark_lacks_are_supplied_by_the_spark_engine() -> None:
    """A function SQLGlot does not know (so does not translate) must be one the Spark engine
    registers: adding a DuckDB-only function to the catalogue fails here."""
    unknown = {
        node.name.lower()
        for step in SQL_STEPS
        for node in sqlglot.parse_one(step.sql, read="duckdb").find_all(exp.Anonymous)
    }
    assert unknown <= set(SPARK_FUNCTIONS), unknown - set(SPARK_FUNCTIONS)
    assert set(SPARK_FUNCTIONS) <= set(spark_engine._FUNCTIONS)


def test_the_engines_hold_no_rule_of_their_own() -> None:
    """Reason codes and statuses are written in the catalogue only, never in an engine."""
    catalogue = "\n".join(s.sql for s in SQL_STEPS)
    for code in RULE_CODES:
        assert f"'{code}'" in catalogue, code
    for module in (duckdb_engine, spark_engine):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        found = [code for code in RULE_CODES if code in source]
        assert not found, f"{module.__name__} defines {found}"
        assert not re.search(r"\b(over|regexp_\w+|md5)\s*\(", source, re.I), module.__name__


@given(st.text())
@example("\U00013447")  # a Unicode 15 mark Python 3.11's tables do not know (found by CI)
@example("é\U00013447a")
def test_spark_strip_accents_is_duckdbs(text: str) -> None:
    got = duckdb.execute("SELECT strip_accents($t)", {"t": text}).fetchall()[0][0]
    assert spark_engine.strip_accents(text) == got


def test_strip_accents_examples() -> None:
    assert spark_engine.strip_accents("Société Générale") == "Societe Generale"
    assert spark_engine.strip_accents("İstanbul") == "Istanbul"
    assert spark_engine.strip_accents(None) is None
