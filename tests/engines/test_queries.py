"""The Spark side of the ranking's query seam, without Spark: parameters written in as
literals, and the transpiled text (the results themselves: test_spark_engine)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

import jobatlas.engines.employers as spark_employers
import jobatlas.engines.queries as spark_queries
from jobatlas.engines.queries import to_spark, with_literals

SQL = """SELECT s || '(?i) via ?' AS channel, d > ? AS recent, list_contains(?, s) AS listed,
                n <= ? AS small, ? AS name
         FROM t ORDER BY ALL"""
PARAMS = [date(2024, 1, 2), ["a", "it's"], 5, "O'Hare \\b"]


def test_parameters_become_literals_with_the_same_meaning() -> None:
    """The literal text gives DuckDB the rows the parameters give it; a question mark
    inside a string is text, not a parameter."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES ('a', DATE '2024-01-03', 4), "
        "('it''s', DATE '2024-01-01', 6), ('b', NULL, 5)) v(s, d, n)"
    )
    written = with_literals(SQL, PARAMS)
    assert "'(?i) via ?'" in written and "?" not in written.replace("'(?i) via ?'", "")
    assert con.execute(written).fetchall() == con.execute(SQL, PARAMS).fetchall()


def test_an_empty_list_is_still_a_list_of_texts() -> None:
    written = with_literals("SELECT list_contains(?, 'a')", [[]])
    assert duckdb.execute(written).fetchall() == [(False,)]
    assert "ARRAY<STRING>" in to_spark(written).upper()


def test_the_parameters_must_match_the_marks() -> None:
    with pytest.raises(ValueError, match="2 parameters in the query, 1 given"):
        with_literals("SELECT ? + ?", [1])


def test_quantiles_stay_exact_on_spark() -> None:
    spark = to_spark("SELECT quantile_cont(x, 0.25), median(x) FROM t").upper()
    assert "PERCENTILE(X, 0.25)" in spark and "APPROX" not in spark


def test_the_spark_ranking_holds_no_query_of_its_own() -> None:
    """The ranking's SQL lives in indicators/ only; the Spark side runs it as given."""
    for module in (spark_queries, spark_employers):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        found = re.findall(r"\b(select\s+[\w*]|group\s+by|order\s+by|over\s*\()", source, re.I)
        assert not found, f"{module.__name__} writes SQL: {found}"
