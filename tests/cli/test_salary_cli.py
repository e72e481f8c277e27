"""`jobatlas salary` and `jobatlas eval salary` (salary strings are synthetic)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import jobatlas.cli.salary  # noqa: F401  (registers the commands)
from jobatlas.cli.app import app
from jobatlas.errors import MissingColumnError
from jobatlas.normalize.salary import OUTPUT_COLUMNS
from samples import read_csv, write_csv

LABELS = Path(__file__).resolve().parents[1] / "data" / "salary_labels.csv"


def test_salary_annotates_every_row_in_order(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "pay": "$53K - $61K (Glassdoor est.)", "cc": "US", "day": "2024-06-14"},
        {"id": "2", "pay": "Competitive", "cc": "GB", "day": "2024-06-14"},
        {"id": "3", "pay": "£400 - £500 per day", "cc": "United Kingdom", "day": "2024-06-14"},
        {"id": "4", "pay": "45 000 per month", "cc": "", "day": ""},
    ]
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    args = ["salary", str(source), "--column", "pay", "--country-column", "cc"]
    args += ["--date-column", "day", "--output", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    written = read_csv(out)[1]
    assert [r["id"] for r in written] == ["1", "2", "3", "4"]
    assert list(written[0])[-len(OUTPUT_COLUMNS) :] == list(OUTPUT_COLUMNS)
    first = written[0]
    assert (first["salary_min"], first["salary_max"], first["salary_currency"]) == (
        "53000",
        "61000",
        "USD",
    )
    assert first["salary_annual_usd_mid"] == "57000"
    assert first["salary_status"] == "parsed" and "estimated" in first["salary_flags"].split(";")
    assert written[1]["salary_status"] == "none" and written[1]["salary_min"] == ""
    third = written[2]
    assert (third["salary_period"], third["salary_annual_min"]) == ("day", "104000")
    assert written[3]["salary_status"] == "unknown_currency"


def test_currency_column_names_the_currency(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [{"pay": "45 000 per month", "cur": "SEK"}])
    out = tmp_path / "out.csv"
    args = ["salary", str(source), "--column", "pay", "--currency-column", "cur", "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert read_csv(out)[1][0]["salary_currency"] == "SEK"


def test_missing_column_is_a_one_line_error(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [{"pay": "£40k"}])
    result = CliRunner().invoke(app, ["salary", str(source), "--column", "salary"])
    assert result.exit_code != 0
    assert isinstance(result.exception, MissingColumnError)
    assert "pay" in str(result.exception)


def test_eval_salary_prints_both_systems() -> None:
    pytest.importorskip("price_parser")
    result = CliRunner().invoke(app, ["eval", "salary", str(LABELS), "--misses", "3"])
    assert result.exit_code == 0, result.output
    for text in ("exact (min, max, currency, period)", "annual figures within 1%",
                 "no-salary detection", "jobatlas", "price-parser"):  # fmt: skip
        assert text in result.output
    assert "not installed" not in result.output


def test_eval_salary_reports_misses(tmp_path: Path) -> None:
    row = {"salary": "£40,000 - £50,000 per annum", "country_hint": "GB", "date": "2024-01-02",
           "expected_status": "parsed", "min": "41000", "max": "50000", "currency": "GBP",
           "period": "year", "annual_min": "41000", "annual_max": "50000"}  # fmt: skip
    labels = write_csv(tmp_path / "labels.csv", [row])
    result = CliRunner().invoke(app, ["eval", "salary", str(labels), "--misses", "5"])
    assert result.exit_code == 0, result.output
    assert "0.000 (0/1)" in result.output and "expected parsed 41000.0" in result.output


def test_eval_salary_scores_one_split_per_class_and_country(tmp_path: Path) -> None:
    base = {"country_hint": "GB", "date": "2024-01-02", "expected_status": "parsed",
            "currency": "GBP", "period": "year"}  # fmt: skip
    rows = [
        {**base, "salary": "£40,000 per annum", "min": "40000", "max": "40000",
         "annual_min": "40000", "annual_max": "40000", "class": "plain", "split": "dev"},
        {**base, "salary": "10,500", "min": "10500", "max": "10500", "annual_min": "10500",
         "annual_max": "10500", "class": "S6", "split": "dev"},
        {**base, "salary": "£1", "min": "7", "max": "7", "annual_min": "7", "annual_max": "7",
         "class": "S1", "split": "blind"},
    ]  # fmt: skip
    labels = write_csv(tmp_path / "labels.csv", rows)
    result = CliRunner().invoke(app, ["eval", "salary", str(labels), "--split", "dev"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "on 2 labelled rows" in out and "annual USD within 2%" in out
    assert "per failure class" in out and "S6" in out and "S1" not in out
    assert "per country" in out and "GB" in out
    missing = CliRunner().invoke(app, ["eval", "salary", str(LABELS), "--split", "dev"])
    assert missing.exit_code != 0
    assert isinstance(missing.exception, MissingColumnError)
