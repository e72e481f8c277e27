"""End-to-end checks of the pipeline commands on the bundled real postings."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from typer.testing import CliRunner

from jobatlas.bundled import bundled_postings
from jobatlas.cli.main import app
from jobatlas.normalize.employers import employer_key

runner = CliRunner()


def test_run_on_a_fresh_store_ranks_ten_metros_with_enough_evidence(tmp_path: Path) -> None:
    db, out = tmp_path / "s.duckdb", tmp_path / "report"
    result = runner.invoke(app, ["run", "--db", str(db), "--out", str(out), "--draws", "200"])
    assert result.exit_code == 0, result.output
    assert "using the bundled real postings" in result.output
    ranking = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    top = ranking["metros"][:10]
    assert len(top) == 10
    for metro in top:
        assert metro["indicators"]["ai_ml_postings"] >= 30, metro["metro"]
        assert metro["indicators"]["employers"] >= 5, metro["metro"]
        assert len(metro["top_titles"]) >= 2
    for metro in ranking["metros"]:  # one employer, one entry: "The Home Depot" is "Home Depot"
        keys = [employer_key(e["name"]) for e in metro["top_employers"]]
        assert len(keys) == len(set(keys)), metro["top_employers"]
    assert (out / "article.md").read_text(encoding="utf-8").count("\n## ") >= 1
    assert (out / "ranking.csv").exists()
    # the store was closed (checkpointed into its file) while the report was written
    assert not db.with_name(db.name + ".wal").exists()
    status = runner.invoke(app, ["status", "--db", str(db)])
    assert status.exit_code == 0 and "reconciles" in status.output
    assert "Core only" in result.output  # the other definition's ranks, beside
    # The run passes --definition through; the store is already filled, so this only ranks.
    again = runner.invoke(
        app, ["run", "--db", str(db), "--out", str(tmp_path / "core"), "--draws", "0",
              "--definition", "core"],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    core = json.loads((tmp_path / "core" / "ranking.json").read_text(encoding="utf-8"))
    assert core["settings"]["definition"] == "core" and "With adjacent" in again.output
    assert len(core["metros"]) < len(ranking["metros"])


def _sample(tmp_path: Path, rows: int) -> Path:
    with gzip.open(bundled_postings(), "rt", encoding="utf-8", newline="") as fh:
        lines = [next(fh) for _ in range(rows + 1)]
    path = tmp_path / "sample.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_bad_inputs_and_repeats_leave_the_accounting_exact(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    sample = _sample(tmp_path, 400)
    bad = {
        "empty.csv": b"",
        "junk.bin": bytes(range(256)) * 50,
        "latin1.csv": "title,location\nIngénieur IA,Montréal\n".encode("latin-1"),
        "no_title.csv": b"name,location\nML Engineer,Paris\n",
        "cut.csv.gz": gzip.compress(sample.read_bytes())[:2000],
    }
    for name, content in bad.items():
        (tmp_path / name).write_bytes(content)
    args = ["ingest", str(sample), str(sample), *(str(tmp_path / n) for n in bad), "--db", db]
    first = runner.invoke(app, args)
    assert first.exit_code == 1
    assert "400 new" in first.output
    for name in bad:
        assert name in first.output  # each bad file named on its own line
    assert "given twice" in first.output
    again = runner.invoke(app, ["ingest", str(sample), "--db", db])
    assert again.exit_code == 0 and "0 new, 400 already stored" in again.output
    assert runner.invoke(app, ["normalize", "--db", db]).exit_code == 0
    status = runner.invoke(app, ["status", "--db", db])
    assert status.exit_code == 0, status.output
    assert "raw 400 = postings" in status.output and "reconciles" in status.output
