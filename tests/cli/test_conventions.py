"""The command line's habits (issue #14): --version, data on stdout and messages on stderr,
--format everywhere data is printed, stdin, CSV sniffing, one option name, empty results as
errors, tables that fit 80 columns. SYNTHETIC data throughout."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console
from typer.main import get_command
from typer.testing import CliRunner

import jobatlas
import jobatlas.cli.locate as locate_cli
from hostile import hostile_postings
from jobatlas.cli.main import app, main, split_debug
from jobatlas.cli.output import Format, emit, fit, notice_if_slow
from jobatlas.errors import StoreError
from synthetic_store import make_store, varied_metros

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "data"
FAST = ("--draws", "20", "--seed", "3")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("conv") / "syn.duckdb"
    make_store(varied_metros(12), str(path)).close()
    return str(path)


@pytest.fixture(scope="module")
def postings_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("in") / "postings.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in hostile_postings()) + "\n", encoding="utf-8")
    return path


def ok(*args: str, stdin: str | None = None) -> tuple[str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_version() -> None:
    out, _ = ok("--version")
    assert out.strip() == f"jobatlas {jobatlas.__version__}"


def test_debug_is_accepted_anywhere_on_the_line(tmp_path: Path) -> None:
    db = str(tmp_path / "missing-folder" / "s.duckdb")
    assert split_debug(["status", "--db", db, "--debug"]) == (
        ["--debug", "status", "--db", db],
        True,
    )
    assert split_debug(["ingest", "--", "--debug"]) == (["ingest", "--", "--debug"], False)
    with pytest.raises(StoreError):  # --debug re-raises instead of printing one line
        main(["status", "--db", db, "--debug"])
    loud = subprocess.run(
        [sys.executable, "-m", "jobatlas", "status", "--db", db, "--debug"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert loud.returncode == 1 and "Traceback" in loud.stderr


def test_status_json_parses_through_a_pipe(db: str) -> None:
    """The issue's own check, with a real pipe between two processes."""
    env = os.environ | {"JOBATLAS_DB": db}
    shell = (
        f"{sys.executable} -m jobatlas status --format json | "
        f"{sys.executable} -c 'import json,sys; d = json.load(sys.stdin); print(d[\"tables\"])'"
    )
    done = subprocess.run(shell, shell=True, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "'postings': 3" in done.stdout  # 3,xxx synthetic postings


DATA_COMMANDS = [
    ("status",),
    ("rank", *FAST),
    ("compare", "blog_2021", *FAST),
    ("sources",),
    ("companies", "list"),
    ("eval", "classify", str(DATA / "classify_extra_labels.csv"), "--errors", "2"),
    ("eval", "salary", str(DATA / "salary_labels.csv"), "--errors", "2"),
    ("eval", "employers", str(DATA / "employer_pairs.csv"), "--errors", "dev"),
    ("eval", "locate", str(DATA / "locations_extra_labels.csv"), "--errors", "2"),
]


@pytest.mark.parametrize("command", DATA_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_data_command_prints_json_jsonl_and_csv(
    command: tuple[str, ...], db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    # status exits 2 on the synthetic store (postings without raw rows): use an empty one
    monkeypatch.setenv(
        "JOBATLAS_DB", str(tmp_path / "empty.duckdb") if command[0] == "status" else db
    )
    document = json.loads(ok(*command, "--format", "json")[0])
    assert document
    lines = ok(*command, "--format", "jsonl")[0].splitlines()
    records = [json.loads(line) for line in lines]
    assert records and all(isinstance(r, dict) for r in records)
    rows = list(csv.DictReader(io.StringIO(ok(*command, "--format", "csv")[0])))
    assert len(rows) == len(records)
    if command[0] != "rank":  # rank's CSV is ranking.csv, flat; its jsonl keeps the nesting
        assert set(rows[0]) == set(records[0])


def test_messages_go_to_stderr_and_data_to_stdout(
    tmp_path: Path, postings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = str(tmp_path / "s.duckdb")
    out, err = ok("ingest", str(postings_file), "--db", db)
    assert out == "" and "ingested" in err
    out, err = ok("normalize", "--db", db)
    assert out == "" and "normalized" in err
    args = ("--min-postings", "1", "--min-employers", "1", *FAST)
    out, err = ok("report", "--db", db, *args)
    assert out == "" and "wrote report/article.md" in err
    assert (tmp_path / "report" / "ranking.json").exists()  # --out defaults to ./report
    out, err = ok("rank", "--db", db, "--format", "json", *args)
    assert json.loads(out)["metros"] and "wrote" not in out


def test_ingest_reads_stdin(tmp_path: Path, postings_file: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    text = postings_file.read_text(encoding="utf-8")
    _, err = ok("ingest", "-", "--db", db, stdin=text)
    assert f"ingested - (jobatlas): {len(hostile_postings())} rows" in err
    _, again = ok("ingest", "-", "--db", db, stdin=text)
    assert "0 new" in again


def test_ingest_reads_a_semicolon_csv_with_a_bom(tmp_path: Path) -> None:
    src = tmp_path / "export.csv"
    src.write_bytes(
        "\ufefftitle;company;location;description\n"
        "Machine Learning Engineer;Acme, Inc.;Berlin;Models, data\n".encode()
    )
    _, err = ok("ingest", str(src), "--db", str(tmp_path / "s.duckdb"))
    assert "1 rows, 1 new" in err
    missing = err.split("not in this file:")[1]
    assert not {"title", "company", "location", "description"} & set(
        missing.replace(",", " ").split()
    )


def test_run_takes_every_ranking_option_of_rank() -> None:
    commands = get_command(app).commands  # type: ignore[attr-defined]
    rank = {p.opts[0]: p.default for p in commands["rank"].params}
    run = {p.opts[0]: p.default for p in commands["run"].params}
    missing = sorted(set(rank) - set(run))
    assert not missing
    assert {k: run[k] for k in rank} == rank


def test_run_with_profile_core_only_and_since(tmp_path: Path, postings_file: Path) -> None:
    out, _ = ok(
        *("run", str(postings_file), "--db", str(tmp_path / "s.duckdb")),
        *("--out", str(tmp_path / "r"), "--format", "json", *FAST),
        *("--profile", "job_seeker", "--core-only", "--since", "2000-01"),
        *("--min-postings", "1", "--min-employers", "1"),
    )
    settings = json.loads(out)["settings"]
    assert settings["definition"] == "core" and settings["since"] == "2000-01-01"
    assert json.loads(out)["profile"]["name"] == "job_seeker"


def test_an_empty_window_is_an_error_naming_the_cause(db: str) -> None:
    result = runner.invoke(app, ["rank", "--db", db, "--since", "2030-01", *FAST])
    assert result.exit_code == 1
    message = str(result.exception)
    assert "no postings dated from 2030-01-01" in message and "2023-01-01 to 2023-12-31" in message
    assert "--min-postings" not in message


def test_thresholds_no_metro_meets_are_an_error(db: str) -> None:
    result = runner.invoke(app, ["rank", "--db", db, "--min-postings", "1000000", *FAST])
    assert result.exit_code == 1 and "lower --min-postings" in str(result.exception)


def test_the_ranking_table_fits_80_columns_keeping_rank_interval_tier_country(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    out, _ = ok("rank", "--db", db, *FAST)
    table = [line for line in out.splitlines() if line[:1] in "┏┃┡│└"]
    assert table and max(len(line) for line in table) <= 80
    header = next(line for line in table if "Tier" in line)
    cells = [c.strip() for c in header.strip("┃").split("┃")]
    assert cells[:1] == ["#"] and {"5\u201395%", "Tier", "Country"} <= set(cells)
    first = next(line for line in table if line.startswith("│"))
    assert first.split("│")[1].strip() == "1"  # the position is shown whole


def test_fit_drops_in_order_and_never_cuts_the_kept_columns() -> None:
    from rich.table import Table

    table = Table("#", "Tier", "Extra", "Wide")
    table.add_row("10*", "3", "x" * 30, "y" * 30)
    console = Console(width=50, file=io.StringIO())
    fit(table, console, drop_order=("Wide", "Extra"), keep=("#", "Tier"))
    assert [str(c.header) for c in table.columns] == ["#", "Tier", "Extra"]


def test_classify_writes_to_stdout_by_default_and_reads_bom_and_semicolons(
    tmp_path: Path,
) -> None:
    src = tmp_path / "titles.csv"
    src.write_bytes("\ufefftitle;id\nMachine Learning Engineer;1\nCook;2\n".encode())
    out, _ = ok("classify", str(src), "--title-column", "title")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["ai_ml_tier"]) for r in rows] == [("1", "core"), ("2", "none")]


def test_delimiter_overrides_the_sniffed_one(tmp_path: Path) -> None:
    src = tmp_path / "one_column.csv"
    src.write_text("title\nData Scientist, Senior\n", encoding="utf-8")
    sniffed, _ = ok("classify", str(src), "--title-column", "title")
    assert next(csv.DictReader(io.StringIO(sniffed)))["title"] == "Data Scientist"
    out, _ = ok("classify", str(src), "--title-column", "title", "--delimiter", "tab")
    assert next(csv.DictReader(io.StringIO(out)))["title"] == "Data Scientist, Senior"
    bad = runner.invoke(app, ["classify", str(src), "--title-column", "t", "--delimiter", "||"])
    assert bad.exit_code == 2 and "not one character" in bad.output


def test_the_evals_share_one_errors_option_and_print_no_empty_table(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("title,label\nMachine Learning Engineer,core\nCook,none\n", "utf-8")
    out, err = ok("eval", "classify", str(labels), "--errors", "5")
    assert "core-vs-none errors" not in out and "no core-vs-none errors" in err
    commands = get_command(app).commands["eval"].commands  # type: ignore[attr-defined]
    for name in ("classify", "locate", "salary", "employers"):
        visible = {p.opts[0] for p in commands[name].params if not getattr(p, "hidden", False)}
        assert "--errors" in visible and "--misses" not in visible, name
    salary = tmp_path / "salary.csv"
    salary.write_text(
        "salary,expected_status,min,max,currency,period,annual_min,annual_max\n"
        '"$100,000 - $120,000 a year",parsed,100000,120000,USD,year,100000,120000\n',
        encoding="utf-8",
    )
    old, _ = ok("eval", "salary", str(salary), "--misses", "3")  # the old name still works
    new, _ = ok("eval", "salary", str(salary), "--errors", "3")
    assert old == new


def test_a_slow_step_prints_a_line_after_a_second(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with notice_if_slow("working...", after=0.05):
        time.sleep(0.3)
    with notice_if_slow("never shown", after=5):
        pass
    err = capsys.readouterr().err
    assert "working..." in err and "done in" in err and "never shown" not in err

    def slow_build() -> object:
        time.sleep(1.2)
        return object()

    import jobatlas.normalize.locations as locations

    monkeypatch.setattr(locations, "get_resolver", slow_build)
    locate_cli.load_resolver()
    assert "building the place index" in capsys.readouterr().err


def test_emit_jsonl_and_csv_flatten_lists(capsys: pytest.CaptureFixture[str]) -> None:
    records = [{"a": 1, "b": ["x", "y"]}]
    emit(Format.csv, records, tuple)
    assert capsys.readouterr().out.splitlines() == ["a,b", '1,"[""x"", ""y""]"']
    emit(Format.jsonl, records, tuple)
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == records
