"""normalize and rank without a store, beside the CLI on the same postings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from jobatlas.api import Normalized, Ranking, normalize, rank
from jobatlas.bundled import bundled_postings
from jobatlas.cli.main import app
from jobatlas.errors import ConfigError, EmptyInputError, InputError, MissingColumnError
from jobatlas.report import markdown
from jobatlas.report.export import csv_header

SAMPLE_ROWS = 1_000
SAMPLE_SEED = 14
# Lower thresholds than the defaults, so that a 1,000-posting sample ranks a dozen metros
# (the defaults rank one or two); fewer draws than the default, to keep the test fast.
OPTIONS = {"draws": 300, "seed": 7, "min_postings": 5, "min_employers": 3}
CLI_OPTIONS = ["--draws", "300", "--seed", "7", "--min-postings", "5", "--min-employers", "3"]


@pytest.fixture(scope="module")
def sample() -> pl.DataFrame:
    """1,000 bundled postings, read as polars reads a CSV (typed columns: floats, booleans)."""
    return pl.read_csv(bundled_postings()).sample(SAMPLE_ROWS, seed=SAMPLE_SEED)


@pytest.fixture(scope="module")
def normalized(sample: pl.DataFrame) -> Iterator[Normalized]:
    with normalize(sample) as n:
        yield n


@pytest.fixture(scope="module")
def ranking(normalized: Normalized) -> Ranking:
    return rank(normalized, **OPTIONS)  # type: ignore[arg-type]


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_notebook_polars_to_article_equals_the_cli_report(
    sample: pl.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The must-reach of issue 14: polars -> normalize -> rank -> article, with no store,
    gives what `jobatlas ingest`, `normalize` and `report` write for the same rows.
    Nothing is excluded from the comparison: ranking.json holds no timestamp and no path."""
    notebook = tmp_path / "notebook"
    notebook.mkdir()
    monkeypatch.chdir(notebook)
    with normalize(sample) as postings:
        ranking = rank(postings, **OPTIONS)  # type: ignore[arg-type]
    article = ranking.article()
    assert list(notebook.iterdir()) == []  # no store, no file written

    csv = tmp_path / "postings.csv"
    sample.write_csv(csv)
    db, out = str(tmp_path / "cli.duckdb"), tmp_path / "report"
    run_cli("ingest", str(csv), "--db", db)
    run_cli("normalize", "--db", db)
    run_cli("report", "--out", str(out), "--db", db, *CLI_OPTIONS)

    cli_json = (out / "ranking.json").read_text(encoding="utf-8")
    assert ranking.to_dict() == json.loads(cli_json)
    assert ranking.to_json() == cli_json
    written = ranking.write(tmp_path / "api")
    for path in written:  # the same files, byte for byte (report.html and the figures too)
        assert path.read_bytes() == (out / path.relative_to(tmp_path / "api")).read_bytes()
    assert {p.name for p in written} >= {"article.md", "ranking.json", "ranking.csv"}
    assert article == markdown.article(json.loads(cli_json))  # the same text, minus figures
    assert len(ranking.to_dict()["metros"]) >= 5  # a real ranking, not an empty one


def test_normalize_accounts_for_every_row(sample: pl.DataFrame, normalized: Normalized) -> None:
    a = normalized.accounting
    assert a.raw == SAMPLE_ROWS
    assert a.reconciles
    assert a.pending == 0
    postings = normalized.postings
    assert isinstance(postings, pl.DataFrame)
    assert postings.height == a.postings
    assert normalized.duplicates.height == a.duplicates
    assert normalized.quarantine.height == a.quarantined
    assert normalized.schema == "google-jobs-2023"
    # raw_id is the row's position in the input, from 1
    first = postings.row(0, named=True)
    assert first["title"] == sample["job_title"][first["raw_id"] - 1].strip()
    assert "run_id" not in postings.columns
    assert {"ai_ml_tier", "metro_id", "salary_annual_usd", "posted_date"} <= set(postings.columns)


ROWS: list[dict[str, Any]] = [
    {"title": "Machine Learning Engineer", "company": "Acme", "location": "Berlin"},
    {"title": "Data Scientist", "company": "Beta", "location": "Paris, France"},
    {"title": "", "company": "Gamma", "location": "Paris"},
    {"title": "Machine Learning Engineer", "company": "Acme", "location": "Berlin"},
    {"title": "Accountant", "company": None, "location": None},
]


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda rows: rows, list),
        (lambda rows: tuple(rows), list),
        (pd.DataFrame, pd.DataFrame),
        (pl.DataFrame, pl.DataFrame),
        (lambda rows: pl.DataFrame(rows).lazy(), pl.DataFrame),
        (pa.Table.from_pylist, pa.Table),
    ],
    ids=["list", "tuple", "pandas", "polars", "polars-lazy", "arrow"],
)
def test_every_table_family_gives_the_same_postings_in_its_own_family(
    make: Any, kind: type
) -> None:
    with normalize(ROWS) as reference, normalize(make(ROWS)) as n:
        assert isinstance(n.postings, kind)
        assert isinstance(n.quarantine, kind)
        assert _rows(n.postings) == _rows(reference.postings)
        assert _rows(n.quarantine) == [
            {"raw_id": 3, "reason": "missing_title", "detail": "no title in the row"}
        ]
        assert _rows(n.duplicates) == [{"raw_id": 4, "duplicate_of": 1, "reason": "same_job"}]
        assert (n.accounting.postings, n.accounting.quarantined) == (3, 1)


def _rows(result: Any) -> list[dict[str, Any]]:
    if isinstance(result, pd.DataFrame):
        result = pa.Table.from_pandas(result, preserve_index=False)
    if isinstance(result, pl.DataFrame):
        result = result.to_arrow()
    if isinstance(result, pa.Table):
        return result.to_pylist()
    assert isinstance(result, list)
    return result


def test_columns_of_mixed_or_nested_types_are_read_as_text_like_a_file_would_be() -> None:
    mixed = pd.DataFrame(
        {
            "title": ["ML Engineer", "Data Scientist"],
            "location": ["Berlin", "Paris"],
            "company": ["Acme", 42],  # text and a number in one object column
        }
    )
    with normalize(mixed) as n:
        assert n.postings["company"].tolist() == ["Acme", "42"]
    nested = pl.DataFrame(
        {"title": ["ML Engineer"], "location": ["Berlin"], "company": ["Acme"]}
    ).with_columns(skills=pl.Series([["python", "pytorch"]]))
    with normalize(nested) as n:
        assert "pytorch" in n.postings["skills"][0]


def test_a_mapping_names_the_users_columns() -> None:
    rows = [{"job": r["title"], "employer": r["company"], "where": r["location"]} for r in ROWS]
    mapping = {"title": "job", "company": "employer", "location": "where"}
    with normalize(rows, mapping) as mapped, normalize(ROWS) as plain:
        assert mapped.schema == "mapped"
        assert _rows(mapped.postings) == _rows(plain.postings)


def test_table_errors_name_the_table_and_the_fix() -> None:
    with pytest.raises(MissingColumnError, match=r"^postings: no column 'title'"):
        normalize([{"name": "x"}])
    with pytest.raises(ConfigError, match="unknown field 'job'"):
        normalize(ROWS, {"job": "title"})
    with pytest.raises(MissingColumnError, match="'nope'"):
        normalize(ROWS, {"title": "nope"})
    with pytest.raises(EmptyInputError, match="no rows"):
        normalize(pd.DataFrame({"title": []}))
    with pytest.raises(InputError, match="give a pandas or polars DataFrame"):
        normalize("postings.csv")
    with normalize(ROWS) as n:
        again = n.postings
    with pytest.raises(InputError, match="normalised postings already"):
        normalize(again)
    with pytest.raises(InputError, match="closed"):
        _ = n.postings


def test_rank_takes_raw_postings_too_and_gives_the_same_ranking(
    sample: pl.DataFrame, ranking: Ranking
) -> None:
    assert rank(sample.to_pandas(), **OPTIONS).to_dict() == ranking.to_dict()  # type: ignore[arg-type]


def test_to_frame_has_the_ranking_csv_columns_in_the_postings_family(ranking: Ranking) -> None:
    frame = ranking.to_frame()
    assert isinstance(frame, pl.DataFrame)
    assert frame.columns == csv_header()
    report = ranking.to_dict()
    assert frame.height == len(report["metros"]) + len(report["not_enough_data"])
    assert frame["metro_id"].to_list()[:3] == [m["metro_id"] for m in report["metros"][:3]]
    assert frame["status"].to_list()[0] == "ranked"


def test_rank_options_reach_the_settings(normalized: Normalized) -> None:
    r = rank(normalized, draws=0, seed=3, since="2023-03", until="2023-10", definition="core")
    settings = r.to_dict()["settings"]
    assert (settings["since"], settings["until"]) == ("2023-03-01", "2023-10-31")
    assert (settings["definition"], settings["draws"], settings["seed"]) == ("core", 0, 3)
    assert repr(r).startswith(f"Ranking({len(r.result.ranked)} metros ranked")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"definition": "all"}, "unknown definition 'all'"),
        ({"normalisation": "log"}, "unknown normalisation 'log'"),
        ({"since": "March"}, "not a date: 'March'"),
        ({"since": "2023-06", "until": "2023-01"}, "is after"),
        ({"top": 0}, "top must be 1 or more"),
        ({"profile": "nobody"}, "nobody"),
    ],
)
def test_bad_rank_options_are_config_errors(
    normalized: Normalized, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        rank(normalized, draws=0, **options)


def test_no_postings_to_rank_is_an_error_that_names_the_cause() -> None:
    with pytest.raises(EmptyInputError, match="of 1 rows, 1 were quarantined"):
        rank([{"title": "", "company": "Acme", "location": "Berlin"}])
