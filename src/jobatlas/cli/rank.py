"""Commands that rank metros and write the reports: rank, report, compare.

Option parsing and output only; the work is in ``jobatlas.indicators`` and ``jobatlas.report``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from jobatlas.cli.app import app, stderr, stdout
from jobatlas.cli.locate import load_resolver
from jobatlas.cli.output import FORMAT, Format, emit, fit
from jobatlas.config import DB_ENV, db_path
from jobatlas.csvio import read_rows, write_rows
from jobatlas.errors import ConfigError, InputError, JobatlasError, StoreError
from jobatlas.indicators import Ranking, RankSettings, build_ranking
from jobatlas.indicators.metrics import Definition, parse_day
from jobatlas.indicators.queries import DuckQueries, Queries
from jobatlas.indicators.rank import kendall_tau_b, spearman
from jobatlas.report.export import (
    ReportFiles,
    csv_header,
    csv_rows,
    ranking_dict,
    to_json,
    write_report,
)
from jobatlas.report.markdown import EN_DASH, number
from jobatlas.report.terminal import ranking_table, summary_lines
from jobatlas.store.duckdb import Store


class NormalisationChoice(StrEnum):
    minmax = "minmax"
    zscore = "zscore"
    rank = "rank"


class AggregationChoice(StrEnum):
    arithmetic = "arithmetic"
    geometric = "geometric"


class DefinitionChoice(StrEnum):
    core_adjacent = "core+adjacent"
    core = "core"


class EngineChoice(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


DB_OPTION = typer.Option(
    None, "--db", envvar=DB_ENV, help="Store file [default: ./jobatlas.duckdb]."
)
TOP = typer.Option(10, "--top", min=1, help="How many metros to show.")
MAX_PER_COUNTRY = typer.Option(
    None,
    "--max-per-country",
    min=1,
    help="List at most N metros of one country (a world-tour list); ranks are unchanged.",
)
PROFILE = typer.Option(
    "balanced", "--profile", help="Weight profile: balanced, job_seeker, employer, or one of yours."
)
PROFILES_FILE = typer.Option(
    None, "--profiles-file", help="TOML file adding or replacing profiles."
)
DRAWS = typer.Option(
    2000, "--draws", min=0, help="Monte Carlo draws for the rank intervals (0: none)."
)
SEED = typer.Option(7, "--seed", help="Random seed; the same seed gives the same output.")
SINCE = typer.Option(None, "--since", help="First posting date, YYYY-MM-DD or YYYY-MM.")
UNTIL = typer.Option(None, "--until", help="Last posting date, YYYY-MM-DD or YYYY-MM.")
DEFINITION = typer.Option(
    DefinitionChoice.core_adjacent,
    "--definition",
    help="Which jobs count as AI/ML: core+adjacent (adds roles such as data science) or core. "
    "The other is ranked too, beside it.",
)
# Before --definition: kept working, hidden from --help.
LEGACY_ADJACENT = typer.Option(
    None, "--include-adjacent/--core-only", hidden=True, help="Old form of --definition."
)
MIN_POSTINGS = typer.Option(
    30.0, "--min-postings", min=0, help="Fewest AI/ML postings to be ranked."
)
MIN_EMPLOYERS = typer.Option(
    5, "--min-employers", min=0, help="Fewest distinct employers to be ranked."
)
NORMALISATION = typer.Option(
    NormalisationChoice.minmax, "--normalisation", help="Baseline normalisation."
)
OUT = typer.Option(
    Path("report"), "--out", help="Folder for article.md, ranking.json and ranking.csv."
)
AGGREGATION = typer.Option(
    AggregationChoice.arithmetic, "--aggregation", help="How indicators combine."
)
ENGINE = typer.Option(
    EngineChoice.duckdb,
    "--engine",
    help="duckdb: the store; spark: the Spark output folder at --path.",
)
SPARK_PATH = typer.Option(
    None, "--path", help="The folder a Spark normalize wrote (path or URI; --engine spark)."
)
MASTER = typer.Option("local[2]", "--master", help="Spark master URL.")


def definition_of(definition: DefinitionChoice, legacy: bool | None) -> Definition:
    """The --definition value, or what the old --include-adjacent / --core-only said."""
    if legacy is not None:
        return "core+adjacent" if legacy else "core"
    return "core" if definition is DefinitionChoice.core else "core+adjacent"


def make_settings(**options: Any) -> RankSettings:
    """RankSettings from the shared command-line options."""
    return RankSettings(
        profile=options["profile"],
        profiles_file=options["profiles_file"],
        draws=options["draws"],
        seed=options["seed"],
        since=parse_day(options["since"], end=False),
        until=parse_day(options["until"], end=True),
        definition=definition_of(options["definition"], options["include_adjacent"]),
        min_postings=options["min_postings"],
        min_employers=options["min_employers"],
        normalisation=options["normalisation"].value,
        aggregation=options["aggregation"].value,
    )


def open_existing(db: Path | None) -> Store:
    path = db_path(db)
    if not path.exists():
        raise StoreError(
            f"{path}: no store here", hint="run `jobatlas run` (or ingest and normalize) first"
        )
    return Store.open(path)


@dataclass
class _LazyBar:
    """A progress callback that shows a bar only once the run is projected to pass 1 s."""

    console: Console
    started: float
    progress: Progress | None = None
    task: Any = None

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.started
        if self.progress is None:
            if done >= total or elapsed / done * total < 1.0:
                return
            self.progress = Progress(
                TextColumn("Monte Carlo draws"),
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("draws", total=total)
        self.progress.update(self.task, completed=done)


@contextmanager
def progress_bar(quiet: bool = False) -> Iterator[_LazyBar | None]:
    if quiet:
        yield None
        return
    bar = _LazyBar(stderr(), time.perf_counter())
    try:
        yield bar
    finally:
        if bar.progress is not None:
            bar.progress.stop()


def compute(source: Store | Queries, settings: RankSettings) -> Ranking:
    """The ranking of a store's postings, or of those an engine's ``Queries`` reads (the
    Spark engine's output folder); an error naming the cause when nothing is ranked."""
    queries = DuckQueries(source.con) if isinstance(source, Store) else source
    name = source.path if isinstance(source, Store) else "the Spark output"
    ((postings,),) = queries.rows("SELECT count(*) FROM postings")
    if not postings:
        raise StoreError(
            f"{name}: no postings to rank",
            hint="run `jobatlas normalize` (or `jobatlas run`)",
        )
    with progress_bar() as bar:
        ranking = build_ranking(queries, settings, progress=bar)
    if not ranking.ranked:
        raise nothing_ranked(queries, settings, ranking)
    return ranking


def spark_queries(path: str | None, master: str) -> Queries:
    """The ranking's queries on Spark, over the output folder of a Spark normalize."""
    from jobatlas.engines.queries import SparkQueries
    from jobatlas.engines.spark import spark_session

    if path is None:
        raise ConfigError("--engine spark ranks a Spark output folder", hint="give --path FOLDER")
    return SparkQueries(spark_session(master), path)


def nothing_ranked(queries: Queries, settings: RankSettings, ranking: Ranking) -> JobatlasError:
    """Why no metro is ranked: no postings in the window, or none meets the thresholds."""
    if ranking.window.first is None:
        first, last = queries.rows("SELECT min(posted_date), max(posted_date) FROM postings")[0]
        window = f"from {settings.since or 'the start'} to {settings.until or 'the end'}"
        held = f"the store's postings run from {first} to {last}" if first else "none is dated"
        return ConfigError(
            f"no postings dated {window}; {held}", hint="widen or drop --since / --until"
        )
    return ConfigError(
        f"no metro has >= {number(settings.min_postings)} AI/ML postings and >= "
        f"{settings.min_employers} employers ({len(ranking.metros)} metros have some)",
        hint="lower --min-postings or --min-employers, or ingest more postings",
    )


# The ranking table's columns, least important first: dropped in this order until the
# table fits the terminal (metro and sample titles wrap first). Rank, interval, tier and
# country always stay whole.
RANKING_DROP_ORDER = (
    "Core only",
    "With adjacent",
    "Employers",
    "AI/ML share",
    "Sample titles",
    "Median USD",
    "Median rank",
    "AI/ML posts",
)

RANKING_KEEP = ("#", f"5{EN_DASH}95%", "Tier", "Country")


def print_table(report: dict[str, Any], top: int, out: Console) -> None:
    table = ranking_table(report, top)
    out.print(fit(table, out, RANKING_DROP_ORDER, RANKING_KEEP, wrap=("Metro", "Sample titles")))
    for line in summary_lines(report):
        out.print(line)


def print_ranking(report: dict[str, Any], top: int, format_: Format) -> None:
    """The ranking in ``format_``: the table and summary, ranking.json, one metro per line
    (jsonl) or ranking.csv."""
    if format_ is Format.csv:
        write_rows("-", csv_header(), csv_rows(report))
    elif format_ is Format.json:
        sys.stdout.write(to_json(report))
    elif format_ is Format.jsonl:
        emit(format_, report["metros"], tuple)
    else:
        print_table(report, top, stdout())


def rank_and_report(
    store: Store | Queries,
    *,
    out: Path | None = None,
    top: int = 10,
    max_per_country: int | None = None,
    draws: int = 2000,
    seed: int | None = None,
    console: Console | None = None,
    settings: RankSettings | None = None,
    format_: Format = Format.table,
    computed: Callable[[], None] | None = None,
) -> Ranking:
    """Rank, print the ranking and (if ``out`` is given) write the report; for `jobatlas run`.

    The ranking goes to ``console`` (stdout) in ``format_``; the "wrote" lines to stderr.
    ``computed`` is called once the ranking is computed: ``store`` is not read after it."""
    chosen = replace(settings or RankSettings(), draws=draws, seed=seed)
    ranking = compute(store, chosen)
    if computed is not None:
        computed()
    files = ReportFiles(ranking, out, top, max_per_country) if out is not None else None
    report = files.report if files is not None else ranking_dict(ranking, top, max_per_country)
    if format_ is Format.table:
        print_table(report, top, console or stdout())
    else:
        print_ranking(report, top, format_)
    if files is not None:
        for path in files.write(stderr().print):
            stderr().print(f"wrote {path}")
    return ranking


def _compute_on(
    engine: EngineChoice, db: Path | None, path: str | None, master: str, settings: RankSettings
) -> Ranking:
    if engine is EngineChoice.spark:
        return compute(spark_queries(path, master), settings)
    with open_existing(db) as store:
        return compute(store, settings)


@app.command()
def rank(
    db: Path | None = DB_OPTION,
    top: int = TOP,
    max_per_country: int | None = MAX_PER_COUNTRY,
    format_: Format = FORMAT,
    profile: str = PROFILE,
    profiles_file: Path | None = PROFILES_FILE,
    draws: int = DRAWS,
    seed: int | None = SEED,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    definition: DefinitionChoice = DEFINITION,
    include_adjacent: bool | None = LEGACY_ADJACENT,
    min_postings: float = MIN_POSTINGS,
    min_employers: int = MIN_EMPLOYERS,
    normalisation: NormalisationChoice = NORMALISATION,
    aggregation: AggregationChoice = AGGREGATION,
    engine: EngineChoice = ENGINE,
    path: str | None = SPARK_PATH,
    master: str = MASTER,
) -> None:
    """Rank metros for AI/ML jobs, with a 5-95% rank interval and a tier for each."""
    settings = make_settings(**locals())
    ranking = _compute_on(engine, db, path, master, settings)
    print_ranking(ranking_dict(ranking, top, max_per_country), top, format_)


@app.command()
def report(
    out: Path = OUT,
    db: Path | None = DB_OPTION,
    top: int = TOP,
    max_per_country: int | None = MAX_PER_COUNTRY,
    profile: str = PROFILE,
    profiles_file: Path | None = PROFILES_FILE,
    draws: int = DRAWS,
    seed: int | None = SEED,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    definition: DefinitionChoice = DEFINITION,
    include_adjacent: bool | None = LEGACY_ADJACENT,
    min_postings: float = MIN_POSTINGS,
    min_employers: int = MIN_EMPLOYERS,
    normalisation: NormalisationChoice = NORMALISATION,
    aggregation: AggregationChoice = AGGREGATION,
    engine: EngineChoice = ENGINE,
    path: str | None = SPARK_PATH,
    master: str = MASTER,
) -> None:
    """Write the article (article.md) and the full ranking (ranking.json, ranking.csv)."""
    settings = make_settings(**locals())
    ranking = _compute_on(engine, db, path, master, settings)
    for written in write_report(ranking, out, top, stderr().print, max_per_country):
        stderr().print(f"wrote {written}")


# -- compare ------------------------------------------------------------------------------


def reference_path(text: str) -> Path:
    """A file path, or the name of a bundled reference list (e.g. ``blog_2021``)."""
    path = Path(text)
    if path.exists():
        return path
    bundled = resources.files("jobatlas.data").joinpath("reference_rankings", f"{path.stem}.csv")
    if bundled.is_file():
        return Path(str(bundled))
    raise InputError(f"{text}: no such file", hint="give a CSV with columns rank,city")


def resolve_metro(city: str) -> tuple[str, str] | None:
    """The metro (id, name) the location resolver gives a city name, if any."""
    from jobatlas.normalize.locations import resolve_location

    place = resolve_location(city).primary
    return (place.metro_id, place.metro) if place else None


@dataclass(frozen=True)
class ComparedRow:
    reference_rank: float
    city: str
    metro: str | None
    ours: dict[str, Any] | None
    status: str


def compare_rows(rows: list[dict[str, str]], report: dict[str, Any]) -> list[ComparedRow]:
    ranked = {m["metro_id"]: m for m in report["metros"]}
    unranked = {m["metro_id"] for m in report["not_enough_data"]}
    out = []
    for row in rows:
        try:
            ref_rank = float(row["rank"])
        except ValueError as exc:
            raise InputError(f"reference rank {row['rank']!r} is not a number") from exc
        metro_id, name = resolve_metro(row["city"]) or (None, None)
        if metro_id is None:
            status = "not resolved"
        elif metro_id in ranked:
            status = "ranked"
        elif metro_id in unranked:
            status = "not enough data"
        else:
            status = "no AI/ML postings"
        out.append(ComparedRow(ref_rank, row["city"], name, ranked.get(metro_id or ""), status))
    return out


def correlations(rows: list[ComparedRow]) -> tuple[int, float, float]:
    common = [r for r in rows if r.ours is not None]
    ref = np.array([r.reference_rank for r in common])
    ours = np.array([float(r.ours["rank"]) for r in common if r.ours is not None])
    return len(common), spearman(ref, ours), kendall_tau_b(ref, ours)


def _comparison_table(rows: list[ComparedRow], name: str) -> Table:
    table = Table(title=f"{name} beside jobatlas", title_justify="left")
    for col in (
        "Ref. rank",
        "City",
        "Metro",
        "Our rank",
        "Median rank",
        f"5{EN_DASH}95%",
        "Tier",
        "Status",
    ):
        table.add_column(col, overflow="fold")
    for r in rows:
        m = r.ours or {}
        interval = m.get("interval")
        table.add_row(
            number(r.reference_rank),
            r.city,
            r.metro or "-",
            str(m.get("rank", "-")),
            number(m["median_rank"]) if m.get("median_rank") is not None else "-",
            f"{interval[0]}{EN_DASH}{interval[1]}" if interval else "-",
            str(m.get("tier", "-")),
            r.status,
        )
    return table


@app.command()
def compare(
    reference: str = typer.Argument(
        ..., help="CSV with columns rank,city, or a bundled list: blog_2021."
    ),
    db: Path | None = DB_OPTION,
    format_: Format = FORMAT,
    profile: str = PROFILE,
    profiles_file: Path | None = PROFILES_FILE,
    draws: int = DRAWS,
    seed: int | None = SEED,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    definition: DefinitionChoice = DEFINITION,
    include_adjacent: bool | None = LEGACY_ADJACENT,
    min_postings: float = MIN_POSTINGS,
    min_employers: int = MIN_EMPLOYERS,
    normalisation: NormalisationChoice = NORMALISATION,
    aggregation: AggregationChoice = AGGREGATION,
) -> None:
    """Set a published ranking beside ours; Spearman and Kendall correlations on common metros."""
    settings = make_settings(**locals())
    path = reference_path(reference)
    _, rows = read_rows(str(path), ["rank", "city"])
    with open_existing(db) as store:
        ranking = compute(store, settings)
    load_resolver()  # says so on stderr when the place index is built (a first run)
    compared = compare_rows(rows, ranking_dict(ranking))
    n, rho, tau = correlations(compared)
    if n < 2:
        summary = f"common ranked metros: {n}; correlations need at least 2"
    else:
        summary = (
            f"common ranked metros: {n}; Spearman rho = {rho:.3f}; Kendall tau-b = {tau:.3f} "
            "(ranks re-taken within the common metros)"
        )
    records = [_compared_record(r) for r in compared]
    document = {
        "reference": path.name,
        "common_ranked_metros": n,
        "spearman_rho": rho if n >= 2 else None,
        "kendall_tau_b": tau if n >= 2 else None,
        "rows": records,
    }
    emit(
        format_,
        records,
        lambda: (_comparison_table(compared, path.name), summary),
        document=document,
    )


def _compared_record(row: ComparedRow) -> dict[str, Any]:
    ours = row.ours or {}
    return {
        "reference_rank": row.reference_rank,
        "city": row.city,
        "metro": row.metro,
        "rank": ours.get("rank"),
        "median_rank": ours.get("median_rank"),
        "interval": ours.get("interval"),
        "tier": ours.get("tier"),
        "status": row.status,
    }
