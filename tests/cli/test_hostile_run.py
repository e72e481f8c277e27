"""Hostile strings through `jobatlas run` and every output it writes (synthetic postings)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hostile import FORBIDDEN_CHARACTERS, hostile_postings
from jobatlas.cli.main import app
from jobatlas.sanitize import markdown_text

runner = CliRunner()
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    # JSON Lines carries every character (NUL and ESC included) as an escape in a text file.
    path = tmp / "hostile.jsonl"
    lines = (json.dumps(row) for row in hostile_postings())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp / "report"
    args = ["run", str(path), "--db", str(tmp / "s.duckdb"), "--out", str(out), "--draws", "50"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output, out


def test_the_run_ranks_the_hostile_postings(hostile_run: tuple[str, Path]) -> None:
    _, out = hostile_run
    report = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    assert {m["metro"] for m in report["metros"]} == {"Boston", "Austin"}
    # JSON keeps the data as it is: the hostile text is there, escaped by JSON itself.
    titles = [s["title"] for m in report["metros"] for s in m["samples"]]
    assert any("\x1b" in t or "<" in t or "[" in t for t in titles)


def test_terminal_output_has_no_markup_effect_and_no_escape(hostile_run: tuple[str, Path]) -> None:
    output, _ = hostile_run
    assert not any(ch in output for ch in FORBIDDEN_CHARACTERS)
    assert "Machine Learning Engineer" in output


def test_article_has_no_active_content(hostile_run: tuple[str, Path]) -> None:
    _, out = hostile_run
    text = (out / "article.md").read_text(encoding="utf-8")
    assert not any(ch in text for ch in FORBIDDEN_CHARACTERS)
    assert not re.search(r"<\s*(script|img|iframe|a)\b", text, re.I)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Labs" in text  # shown as text, not dropped
    report = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    for metro in report["metros"]:
        for sample in metro["samples"][:3]:
            assert markdown_text(sample["title"]) in text
    for bang, target in re.findall(r"(!?)\[(?:[^\]\\]|\\.)*\]\(([^)]*)\)", text):
        if bang:  # an image: only the figures jobatlas drew itself
            assert re.fullmatch(r"figures/[a-z_]+\.svg", target), target
            continue
        assert target.startswith(("http://", "https://")), target
        assert not re.search(r"[\s<>\"()]", target)
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("| #"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 8, line  # seven cells, no extra


def test_csv_has_no_formula_cells(hostile_run: tuple[str, Path]) -> None:
    _, out = hostile_run
    text = (out / "ranking.csv").read_text(encoding="utf-8")
    assert not any(ch in text for ch in FORBIDDEN_CHARACTERS)
    rows = list(csv.reader(io.StringIO(text)))
    top_employers = [r[rows[0].index("top_employers")] for r in rows[1:] if "ranked" in r]
    assert top_employers and all(cell.startswith("'=HYPERLINK") for cell in top_employers)
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_START) or NUMBER.fullmatch(cell), cell


def test_rank_csv_and_status_output_stay_inert(hostile_run: tuple[str, Path]) -> None:
    _, out = hostile_run
    db = str(out.parent / "s.duckdb")
    ranked = runner.invoke(app, ["rank", "--db", db, "--draws", "20", "--format", "csv"])
    assert ranked.exit_code == 0, ranked.output
    for row in csv.reader(io.StringIO(ranked.output)):
        for cell in row:
            assert not cell.startswith(FORMULA_START) or NUMBER.fullmatch(cell), cell
    table = runner.invoke(app, ["rank", "--db", db, "--draws", "20"])
    assert table.exit_code == 0, table.output
    assert not any(ch in table.output for ch in FORBIDDEN_CHARACTERS)
    status = runner.invoke(app, ["status", "--db", db])
    assert status.exit_code == 0 and "reconciles" in status.output
