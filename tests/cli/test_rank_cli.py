"""`jobatlas rank`, `report` and `compare` on SYNTHETIC stores written to a temporary file."""

from __future__ import annotations

import io
import json
import time
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import jobatlas.cli.rank as rank_cli
from jobatlas.cli.app import app
from jobatlas.errors import ConfigError, StoreError
from jobatlas.store.duckdb import Store
from synthetic_store import SynMetro, make_store, varied_metros

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "syn.duckdb"
    metros = [
        *varied_metros(10),
        SynMetro("syn-cheap", "Cheapton", core=150, salary=60_000, pattern="pair"),
        SynMetro("syn-pricey", "Priceton", core=150, salary=240_000, pattern="pair"),
    ]
    make_store(metros, str(path)).close()
    return path


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_rank_json_is_byte_identical_for_a_seed(db: Path) -> None:
    args = ("rank", "--db", str(db), "--format", "json", "--draws", "60", "--seed", "7")
    first, second = invoke(*args), invoke(*args)
    assert first == second
    report = json.loads(first)
    assert report["settings"]["seed"] == 7
    for m in report["metros"]:
        assert m["median_rank"] is not None and m["interval"] and m["tier"] >= 1


def test_rank_table(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = invoke("rank", "--db", str(db), "--draws", "50", "--seed", "1", "--top", "3")
    assert "Median rank" in out and "Tier" in out and "metros ranked" in out
    assert len([line for line in out.splitlines() if line.startswith("│")]) == 3


def test_rank_csv(db: Path) -> None:
    out = invoke("rank", "--db", str(db), "--format", "csv", "--draws", "20", "--seed", "1")
    header, *rows = out.strip().splitlines()
    assert header.startswith("position,rank,median_rank") and len(rows) == 12


def test_switching_profile_changes_the_order(db: Path) -> None:
    def order(profile: str) -> list[str]:
        out = invoke("rank", "--db", str(db), "--format", "json", "--draws", "20", "--seed", "2",
                     "--profile", profile)  # fmt: skip
        return [m["metro_id"] for m in json.loads(out)["metros"]]

    seeker, employer = order("job_seeker"), order("employer")
    assert seeker != employer
    assert seeker.index("syn-pricey") < seeker.index("syn-cheap")
    assert employer.index("syn-cheap") < employer.index("syn-pricey")


def test_options_reach_the_settings(db: Path) -> None:
    out = invoke(
        *("rank", "--db", str(db), "--format", "json", "--draws", "0", "--definition", "core"),
        *("--since", "2023-07", "--until", "2023-12", "--min-postings", "10"),
        *("--min-employers", "3", "--normalisation", "rank", "--aggregation", "geometric"),
    )
    report = json.loads(out)
    s = report["settings"]
    assert (s["since"], s["until"], s["definition"]) == ("2023-07-01", "2023-12-31", "core")
    assert (s["min_postings"], s["min_employers"]) == (10, 3)
    assert (s["normalisation"], s["aggregation"]) == ("rank", "geometric")
    assert report["other_definition"]["definition"] == "core+adjacent"


@pytest.mark.parametrize(
    "flags,definition",
    [((), "core+adjacent"), (("--core-only",), "core"), (("--include-adjacent",), "core+adjacent")],
)
def test_the_old_adjacent_flags_still_choose_the_definition(
    db: Path, flags: tuple[str, ...], definition: str
) -> None:
    out = invoke("rank", "--db", str(db), "--format", "json", "--draws", "0", *flags)
    assert json.loads(out)["settings"]["definition"] == definition


def test_every_ranking_option_is_in_the_cli_docs() -> None:
    from typer.main import get_command

    from jobatlas.cli.main import app as every_command

    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text(encoding="utf-8")
    commands = get_command(every_command).commands  # type: ignore[attr-defined]
    for name in ("rank", "report", "compare", "run"):
        for param in commands[name].params:
            if getattr(param, "hidden", False) or not param.opts[0].startswith("--"):
                continue
            if param.opts[0] == "--help":
                continue
            assert param.opts[0] in docs, f"jobatlas {name} {param.opts[0]} is not in cli.md"
    for choice in ("`core+adjacent`", "`core`"):
        assert choice in docs


def test_report_writes_the_article_its_figures_the_tables_and_the_page(
    db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    invoke("report", "--db", str(db), "--out", str(out), "--draws", "30", "--seed", "3")
    files = {"article.md", "ranking.json", "ranking.csv", "report.html", "figures"}
    assert {p.name for p in out.iterdir()} == files
    assert {p.suffix for p in (out / "figures").iterdir()} == {".svg"}


CITY_TO_METRO = {
    "Synthville 00": ("syn-00", "Synthville 00"),
    "Synthville 03": ("syn-03", "Synthville 03"),
    "Priceton": ("syn-pricey", "Priceton"),
    "Cheapton": ("syn-cheap", "Cheapton"),
    "Atlantis": ("syn-atlantis", "Atlantis"),
}


def test_compare_prints_the_table_and_both_correlations(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rank_cli, "resolve_metro", CITY_TO_METRO.get)
    reference = tmp_path / "ref.csv"
    reference.write_text(
        "rank,city\n1,Priceton\n2,Synthville 03\n3,Cheapton\n4,Synthville 00\n5,Nowhere\n"
        "6,Atlantis\n",
        encoding="utf-8",
    )
    out = invoke("compare", str(reference), "--db", str(db), "--draws", "20", "--seed", "1")
    assert "Spearman rho" in out and "Kendall tau-b" in out
    assert "common ranked metros: 4" in out
    assert "not resolved" in out and "no AI/ML postings" in out


def test_compare_finds_the_bundled_blog_list(monkeypatch: pytest.MonkeyPatch) -> None:
    path = rank_cli.reference_path("blog_2021")
    assert path.read_text(encoding="utf-8").splitlines()[1] == "1,Seattle"


def test_missing_store_is_a_store_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["rank", "--db", str(tmp_path / "none.duckdb")])
    assert isinstance(result.exception, StoreError)


def test_empty_store_is_a_store_error(tmp_path: Path) -> None:
    Store.open(tmp_path / "empty.duckdb").close()
    result = runner.invoke(app, ["rank", "--db", str(tmp_path / "empty.duckdb")])
    assert isinstance(result.exception, StoreError)


def test_unknown_profile_is_a_config_error(db: Path) -> None:
    result = runner.invoke(app, ["rank", "--db", str(db), "--profile", "nope", "--draws", "0"])
    assert isinstance(result.exception, ConfigError)


def test_parse_day() -> None:
    assert rank_cli.parse_day("2024-02", end=True) == date(2024, 2, 29)
    assert rank_cli.parse_day("2024-02", end=False) == date(2024, 2, 1)
    with pytest.raises(ConfigError):
        rank_cli.parse_day("Feb 2024", end=False)


def test_rank_and_report_for_the_run_command(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    console = Console(file=open(tmp_path / "out.txt", "w"), width=200)  # noqa: SIM115
    with Store.open(db) as store:
        ranking = rank_cli.rank_and_report(
            store, out=tmp_path / "r", top=5, draws=20, seed=7, console=console
        )
    console.file.close()
    assert len(ranking.ranked) == 12 and (tmp_path / "r" / "article.md").exists()
    table = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "Median rank" in table and "wrote" not in table
    assert "wrote" in capsys.readouterr().err  # a message: stderr (issue #14)


def test_progress_bar_appears_only_for_slow_runs() -> None:
    quick = rank_cli._LazyBar(Console(file=io.StringIO()), time.perf_counter())
    quick(1, 10)
    assert quick.progress is None  # projected well under a second
    slow = rank_cli._LazyBar(Console(file=io.StringIO()), time.perf_counter() - 5)
    slow(1, 10)
    assert slow.progress is not None
    slow(10, 10)
    slow.progress.stop()
