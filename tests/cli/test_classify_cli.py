"""``jobatlas classify`` and ``jobatlas eval classify``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

import jobatlas.cli.classify  # noqa: F401  (registers the commands)
from jobatlas.cli.app import app
from jobatlas.cli.main import main
from jobatlas.errors import InputError, MissingColumnError
from jobatlas.normalize.classify import OUTPUT_COLUMNS
from samples import read_csv, write_csv

POSTINGS = [
    {"id": "1", "job": "Machine Learning Engineer H/F", "text": ""},
    {
        "id": "2",
        "job": "Software Engineer",
        "text": "Train and serve deep learning models (PyTorch)",
    },
    {"id": "3", "job": "HTML Developer", "text": ""},
    {"id": "4", "job": "Data Scientist", "text": ""},
]


def test_classify_writes_every_input_column_plus_the_five_columns(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", POSTINGS)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app, ["classify", str(src), "--title-column", "job", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    header, rows = read_csv(out)
    assert header == ["id", "job", "text", *OUTPUT_COLUMNS]
    assert [r["id"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["ai_ml_tier"] for r in rows] == ["core", "none", "none", "adjacent"]
    assert [r["ai_ml"] for r in rows] == ["true", "false", "false", "false"]
    assert rows[0]["ai_ml_family"] == "ml_engineering" and rows[2]["ai_ml_family"] == ""
    assert float(rows[0]["ai_ml_score"]) > float(rows[3]["ai_ml_score"])
    assert rows[0]["ai_ml_evidence"] == "ai:machine learning"


def test_classify_uses_the_description_column_when_given(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", POSTINGS)
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app,
        [
            "classify",
            str(src),
            "--title-column",
            "job",
            "--description-column",
            "text",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    software = read_csv(out)[1][1]
    assert software["ai_ml_tier"] == "core"
    assert "rule:description shows ML work" in software["ai_ml_evidence"].split("; ")


def test_classify_reads_stdin_and_writes_stdout() -> None:
    text = "title,n\nNLP Engineer,1\nCashier,2\n"
    result = CliRunner().invoke(
        app, ["classify", "-", "--title-column", "title", "-o", "-"], input=text
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["n"], r["ai_ml_tier"]) for r in rows] == [("1", "core"), ("2", "none")]


@pytest.mark.parametrize("flag", ["--title-column", "--description-column"])
def test_a_missing_column_is_reported(tmp_path: Path, flag: str) -> None:
    src = write_csv(tmp_path / "in.csv", POSTINGS)
    args = ["classify", str(src), "--title-column", "job", "-o", str(tmp_path / "o.csv")]
    args += [flag, "nope"]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, MissingColumnError)
    assert result.exception.missing == "nope"


def test_a_missing_column_is_one_line_listing_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_csv(tmp_path / "in.csv", POSTINGS)
    with pytest.raises(SystemExit) as exit_info:
        main(["classify", str(src), "--title-column", "title", "-o", str(tmp_path / "o.csv")])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "'title'" in err and "id, job, text" in err


def test_a_user_taxonomy_can_be_passed(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv", [{"title": "Kognitive Systeme Ingenieur"}])
    taxonomy = tmp_path / "t.toml"
    taxonomy.write_text('extends = "builtin"\n[core.other_ai]\nterms = ["kognitive systeme"]\n')
    out = tmp_path / "out.csv"
    args = ["classify", str(src), "--title-column", "title", "-o", str(out)]
    result = CliRunner().invoke(app, [*args, "--taxonomy", str(taxonomy)])
    assert result.exit_code == 0, result.output
    assert read_csv(out)[1][0]["ai_ml_tier"] == "core"


def _labels(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "labels.csv",
        [
            {"title": "Machine Learning Engineer", "description": "", "label": "core"},
            {"title": "Ingénieur IA (F/H)", "description": "", "label": "core"},
            {"title": "AML Analyst", "description": "", "label": "none"},
            {"title": "Data Scientist", "description": "", "label": "adjacent"},
            {"title": "Software Engineer", "description": "We use ML daily.", "label": "none"},
        ],
    )


def test_eval_classify_prints_scores_confusion_and_the_baseline(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "classify", str(_labels(tmp_path))], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    for word in ("precision", "recall", "F1", "jobatlas", "keyword baseline", "adjacent"):
        assert word in result.output
    ours = next(line for line in result.output.splitlines() if "│ jobatlas" in line)
    baseline = next(line for line in result.output.splitlines() if "│ keyword baseline" in line)
    assert ours.count("1.000") == 3
    assert "0.500" in baseline
    assert "margin over the keyword baseline: +0.500" in result.output


def test_eval_classify_lists_errors_on_request(tmp_path: Path) -> None:
    labels = write_csv(
        tmp_path / "labels.csv",
        [{"title": "Cashier", "label": "core"}, {"title": "NLP Engineer", "label": "core"}],
    )
    result = CliRunner().invoke(
        app, ["eval", "classify", str(labels), "--errors", "5"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    assert "Cashier" in result.output and "NLP Engineer" not in result.output


def test_eval_classify_rejects_an_unknown_label(tmp_path: Path) -> None:
    labels = write_csv(tmp_path / "labels.csv", [{"title": "Cashier", "label": "maybe"}])
    result = CliRunner().invoke(app, ["eval", "classify", str(labels)])
    assert isinstance(result.exception, InputError)


def test_both_commands_have_help() -> None:
    for args in (["classify", "--help"], ["eval", "classify", "--help"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0
        assert "--taxonomy" in result.output
