from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import jobatlas.cli.locate  # noqa: F401  (registers the commands)
from jobatlas.cli.app import app
from jobatlas.cli.main import main
from jobatlas.errors import MissingColumnError
from jobatlas.normalize import locations_eval
from jobatlas.normalize.locations import OUTPUT_COLUMNS
from samples import read_csv, write_csv


def test_locate_writes_every_input_column_plus_the_location_columns(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "in.csv",
        [
            {"id": "1", "where": "Redmond, WA", "cc": ""},
            {"id": "2", "where": "Cambridge", "cc": "GB"},
            {"id": "3", "where": "SF, NYC or Remote", "cc": ""},
            {"id": "4", "where": "Remote in UK", "cc": ""},
        ],
    )
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        ["locate", str(src), "--column", "where", "--country-column", "cc", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    header, rows = read_csv(out)
    assert header == ["id", "where", "cc", *OUTPUT_COLUMNS]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    redmond, cambridge, multi, remote = rows
    assert (redmond["city"], redmond["metro"], redmond["admin1"]) == ("Redmond", "Seattle", "WA")
    assert redmond["metro_id"].startswith("m") and redmond["geonameid"].isdigit()
    assert cambridge["country_code"] == "GB"
    assert (multi["location_status"], multi["city"], multi["remote"]) == (
        "multi",
        "San Francisco",
        "remote",
    )
    assert [p["city"] for p in json.loads(multi["locations"])] == ["San Francisco", "New York City"]
    assert (remote["location_status"], remote["country_code"], remote["city"]) == (
        "remote",
        "GB",
        "",
    )


def test_without_a_country_column_bare_names_stay_ambiguous(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"where": "Cambridge"}])
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["locate", str(src), "--column", "where", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert read_csv(out)[1][0]["location_status"] == "ambiguous"


def test_a_missing_column_is_reported(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"where": "Paris"}])
    result = CliRunner().invoke(
        app, ["locate", str(src), "--column", "city", "-o", str(tmp_path / "o.csv")]
    )
    assert isinstance(result.exception, MissingColumnError)
    assert "city" in str(result.exception)


def _labels(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "labels.csv",
        [
            {
                "location": "Redmond, WA",
                "country_hint": "",
                "expected_status": "resolved",
                "city": "Redmond",
                "country_code": "US",
                "geonameid": "5808079",
                "metro": "Seattle",
            },
            {
                "location": "Anywhere",
                "country_hint": "",
                "expected_status": "remote",
                "city": "",
                "country_code": "",
                "geonameid": "",
                "metro": "",
            },
            {
                "location": "Toronto, SD",
                "country_hint": "",
                "expected_status": "unresolvable",
                "city": "",
                "country_code": "",
                "geonameid": "",
                "metro": "",
            },
        ],
    )


def test_eval_locate_prints_every_metric_for_every_resolver(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "locate", str(_labels(tmp_path)), "--errors", "3"])
    assert result.exit_code == 0, result.output
    for metric in (
        "city accuracy",
        "country accuracy",
        "wrong-country rate",
        "unresolved rate",
        "status accuracy",
        "metro accuracy",
    ):
        assert metric in result.output
    assert "jobatlas" in result.output and "naive" in result.output and "geotext" in result.output
    assert "1.000" in result.output


def test_eval_locate_says_when_geotext_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(locations_eval, "geotext_predictor", lambda: None)
    result = CliRunner().invoke(app, ["eval", "locate", str(_labels(tmp_path))], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "pip install geotext" in result.output


def test_an_unknown_encoding_is_one_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "in.csv", [{"where": "Boston, MA"}])
    with pytest.raises(SystemExit) as exit_info:
        main(["locate", str(src), "--column", "where", "--encoding", "nonsense"])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: unknown text encoding 'nonsense' — use a Python codec name such as utf-8, "
        "latin-1, cp1252 or utf-16"
    ]


def test_locate_writes_the_match_method_and_confidence(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"where": "Redmond, WA"}, {"where": "Hybrid"}])
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["locate", str(src), "--column", "where", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _, (redmond, hybrid) = read_csv(out)
    assert redmond["match_method"] == "exact" and 0.5 < float(redmond["location_confidence"]) <= 1
    assert hybrid["match_method"] == "none" and float(hybrid["location_confidence"]) == 0


def test_eval_locate_scores_per_class_and_per_country(tmp_path: Path) -> None:
    rows = [
        {"location": "Knutsford, Cheshire", "expected_status": "resolved", "city": "Knutsford",
         "country_code": "GB", "class": "L1"},
        {"location": "Paris, France", "expected_status": "resolved", "city": "Paris",
         "country_code": "FR", "class": "plain"},
    ]  # fmt: skip
    labels = write_csv(tmp_path / "labels.csv", rows)
    result = CliRunner().invoke(
        app, ["eval", "locate", str(labels), "--by", "class", "--by", "country"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "jobatlas per class" in result.output and "jobatlas per country" in result.output
    lines = result.output.splitlines()
    assert any("L1" in line and "1.000" in line for line in lines)
    assert any("FR" in line for line in lines) and any("GB" in line for line in lines)
    bad = CliRunner().invoke(app, ["eval", "locate", str(labels), "--by", "nope"])
    assert bad.exit_code != 0
