"""Commands for the pipeline stages: ingest, normalize, status and run."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from jobatlas.bundled import bundled_postings
from jobatlas.cli.app import app, stderr, styled
from jobatlas.cli.output import FORMAT, Format, emit
from jobatlas.cli.rank import (
    AGGREGATION,
    DEFINITION,
    DRAWS,
    LEGACY_ADJACENT,
    MAX_PER_COUNTRY,
    MIN_EMPLOYERS,
    MIN_POSTINGS,
    NORMALISATION,
    PROFILE,
    PROFILES_FILE,
    SEED,
    SINCE,
    TOP,
    UNTIL,
    AggregationChoice,
    DefinitionChoice,
    EngineChoice,
    NormalisationChoice,
    make_settings,
    rank_and_report,
)
from jobatlas.config import DB_ENV, db_path
from jobatlas.errors import ConfigError, JobatlasError
from jobatlas.ingest import ingest_paths
from jobatlas.pipeline import (
    NormalizeResult,
    accounting,
    normalize,
    prepare,
    quarantine_reasons,
    runs,
)
from jobatlas.sources.rows import IngestResult
from jobatlas.sources.schemas import parse_mapping
from jobatlas.store.duckdb import Store

if TYPE_CHECKING:
    from jobatlas.engines.spark import SparkResult
    from jobatlas.indicators.queries import Queries

MasterOption = Annotated[str, typer.Option(help="Spark master URL.")]

DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar=DB_ENV, help="Store file [default: ./jobatlas.duckdb]."),
]
STDIN_NAME = "stdin"


def open_store(db: Path | None) -> Store:
    return Store.open(db_path(db))


@contextmanager
def stdin_as_file(paths: list[Path]) -> Iterator[list[Path]]:
    """``-`` among ``paths`` read from stdin into a temporary file (the readers need a file
    they can open twice: one pass to sniff, one to read)."""
    if Path("-") not in paths:
        yield paths
        return
    folder = Path(tempfile.mkdtemp(prefix="jobatlas-"))
    try:
        spooled = folder / STDIN_NAME
        with spooled.open("wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh)
        yield [spooled if p == Path("-") else p for p in paths]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _ingest(store: Store, paths: list[Path], mapping: str | None, encoding: str) -> bool:
    """Ingest files and print a line per file; returns False if any file could not be read."""
    with stdin_as_file(paths) as readable:
        results, errors = ingest_paths(
            store,
            readable,
            mapping=parse_mapping(mapping) if mapping else None,
            encoding=encoding,
        )
        spooled = {str(p) for p, given in zip(readable, paths, strict=True) if p != given}
    for result in results:
        stderr().print(_ingest_line(result, "-" if result.origin in spooled else result.origin))
    for error in errors:
        stderr().print(styled(("error: ", "red"), str(error)))
    return not errors


def _ingest_line(r: IngestResult, origin: str) -> str:
    line = (
        f"ingested {origin} ({r.schema}): {r.rows_read:,} rows, {r.added:,} new, "
        f"{r.skipped:,} already stored"
    )
    if r.malformed:
        line += f", {r.malformed:,} malformed (kept for quarantine)"
    if r.missing_fields:
        line += f"; not in this file: {', '.join(r.missing_fields)}"
    return line


def _normalize_line(r: NormalizeResult) -> str:
    return (
        f"normalized {r.rows_in:,} new raw rows: {r.postings:,} postings, "
        f"{r.quarantined:,} quarantined, {r.duplicates:,} duplicates"
    )


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="CSV, JSONL or Parquet files (plain or .gz); - reads stdin."),
    ],
    db: DbOption = None,
    map_: Annotated[
        str | None,
        typer.Option(
            "--map", help="Column mapping for other schemas, e.g. title=job_title,company=org."
        ),
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of CSV/JSONL input.")] = "utf-8",
    engine: Annotated[
        EngineChoice,
        typer.Option(help="duckdb: into the store; spark: through Spark, into the --out folder."),
    ] = EngineChoice.duckdb,
    out: Annotated[
        str | None,
        typer.Option(help="Spark: the folder (path or URI) of raw rows as Parquet to add to."),
    ] = None,
    master: MasterOption = "local[2]",
) -> None:
    """Read files into raw_postings, keeping every row with its provenance; repeats add nothing.

    With --engine spark the files may be folders or any URI Spark reads, and the raw rows go
    to the --out folder, which `normalize --engine spark --raw` reads."""
    if engine is EngineChoice.spark:
        if out is None:
            raise ConfigError("--engine spark writes Parquet files", hint="give --out FOLDER")
        ok = _ingest_spark([str(p) for p in paths], out, map_, encoding, master)
    else:
        with open_store(db) as store:
            ok = _ingest(store, paths, map_, encoding)
    if not ok:
        raise typer.Exit(1)


def _ingest_spark(
    inputs: list[str], out: str, mapping: str | None, encoding: str, master: str
) -> bool:
    """Ingest with Spark and print a line per file; returns False if any input was not read."""
    from jobatlas.engines.spark import spark_session
    from jobatlas.engines.spark_ingest import ingest_spark

    if "-" in inputs:
        raise ConfigError("--engine spark reads files, not stdin", hint="give file or folder paths")
    result = ingest_spark(
        spark_session(master),
        inputs,
        out,
        mapping=parse_mapping(mapping) if mapping else None,
        encoding=encoding,
    )
    for file in result.files:
        stderr().print(_ingest_line(file, file.origin))
    for error in result.errors:
        stderr().print(styled(("error: ", "red"), str(error)))
    return not result.errors


@app.command("normalize")
def normalize_cmd(
    db: DbOption = None,
    engine: Annotated[
        EngineChoice,
        typer.Option(help="duckdb: into the store; spark: through Spark, as Parquet in --out."),
    ] = EngineChoice.duckdb,
    out: Annotated[
        Path | None, typer.Option(help="New folder for the Spark engine's Parquet output.")
    ] = None,
    raw: Annotated[
        str | None,
        typer.Option(help="Raw rows as Parquet (path or URI) for Spark, instead of the store's."),
    ] = None,
    master: MasterOption = "local[2]",
) -> None:
    """Turn new raw rows into postings (AI/ML tier, metro, salary), quarantine or duplicates."""
    if engine is EngineChoice.spark:
        _normalize_spark(db, out, raw, master)
        return
    with open_store(db) as store:
        stderr().print(_normalize_line(normalize(store)))


def _normalize_spark(db: Path | None, out: Path | None, raw: str | None, master: str) -> None:
    from jobatlas.engines.raw import export_raw
    from jobatlas.engines.spark import normalize_spark, require_spark, spark_session

    if out is None:
        raise ConfigError("--engine spark writes Parquet files", hint="give --out NEW_FOLDER")
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"{out} is not empty", hint="give --out a new or empty folder")
    require_spark()
    out.mkdir(parents=True, exist_ok=True)
    if raw is None:
        raw = str(out / "raw.parquet")
        with open_store(db) as store:
            export_raw(store.con, raw)
    result = normalize_spark(spark_session(master), raw, out)
    stderr().print(_spark_line(result, out))


def _spark_line(r: SparkResult, out: Path) -> str:
    return (
        f"normalized {r.rows_in:,} raw rows with Spark into {out}: {r.postings:,} postings, "
        f"{r.quarantined:,} quarantined, {r.duplicates:,} duplicates"
    )


RUN_COLUMNS = ("run", "stage", "status", "in", "out", "rejected", "seconds", "started")


EngineOption = Annotated[
    EngineChoice,
    typer.Option(help="duckdb: the store; spark: a Spark output folder (--out, --path)."),
]


@app.command()
def status(
    db: DbOption = None,
    format_: Format = FORMAT,
    engine: EngineOption = EngineChoice.duckdb,
    path: Annotated[
        str | None, typer.Option(help="The folder a Spark normalize wrote (--engine spark).")
    ] = None,
    master: MasterOption = "local[2]",
) -> None:
    """Show counts per table and per run, and whether the accounting reconciles."""
    if engine is EngineChoice.spark:
        _status_spark(path, master, format_)
        return
    with open_store(db) as store:
        acc = accounting(store)
        counts = store.counts()
        reasons = quarantine_reasons(store)
        run_rows = runs(store)
        path = str(store.path)
    run_records = [_run_record(row) for row in run_rows]
    document = {
        "store": path,
        "tables": counts,
        "accounting": {
            "raw": acc.raw,
            "postings": acc.postings,
            "quarantined": acc.quarantined,
            "duplicates": acc.duplicates,
            "pending": acc.pending,
            "reconciles": acc.reconciles,
        },
        "quarantine": dict(reasons),
        "runs": run_records,
    }
    records = [{"table": name, "rows": n} for name, n in counts.items()]

    def tables() -> Iterator[Any]:
        table = Table(title=f"store {path}")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, n in counts.items():
            table.add_row(name, f"{n:,}")
        yield table
        sign = ("reconciles", "green") if acc.reconciles else ("DOES NOT RECONCILE", "red")
        yield styled(
            f"raw {acc.raw:,} = postings {acc.postings:,} + quarantined {acc.quarantined:,} "
            f"+ duplicates {acc.duplicates:,} + awaiting normalize {acc.pending:,}: ",
            sign,
        )
        if reasons:
            yield "quarantine: " + ", ".join(f"{r} {n:,}" for r, n in reasons)
        run_table = Table(title="runs (latest first)")
        for col in RUN_COLUMNS:
            run_table.add_column(col, overflow="fold")
        for r in run_records:
            cells = [r[k] for k in ("run", "stage", "status", "in", "out", "rejected", "seconds")]
            run_table.add_row(
                *("" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in cells),
                f"{r['started']:%m-%d %H:%M:%S}",
            )
        yield run_table
        for r in run_records:
            if r["detail"]:
                yield f"run {r['run']} {r['stage']}: {_short_detail(r['detail'])}"

    emit(format_, records, tables, document=document)
    if not acc.reconciles:
        raise typer.Exit(2)


def _status_spark(path: str | None, master: str, format_: Format) -> None:
    from jobatlas.engines.spark import spark_accounting, spark_session

    if path is None:
        raise ConfigError("--engine spark reads a Spark output folder", hint="give --path FOLDER")
    acc = spark_accounting(spark_session(master), path)
    counts = {"postings": acc.postings, "quarantine": acc.quarantined, "duplicates": acc.duplicates}
    document = {
        "path": path,
        "accounting": {
            "raw": acc.raw,
            "postings": acc.postings,
            "quarantined": acc.quarantined,
            "duplicates": acc.duplicates,
            "reconciles": acc.reconciles,
        },
        "quarantine": dict(acc.quarantine_reasons),
    }

    def tables() -> Iterator[Any]:
        sign = ("reconciles", "green") if acc.reconciles else ("DOES NOT RECONCILE", "red")
        yield styled(
            f"{path}: raw {acc.raw:,} = postings {acc.postings:,} + quarantined "
            f"{acc.quarantined:,} + duplicates {acc.duplicates:,}: ",
            sign,
        )
        if acc.quarantine_reasons:
            yield "quarantine: " + ", ".join(f"{r} {n:,}" for r, n in acc.quarantine_reasons)

    emit(format_, [{"table": k, "rows": v} for k, v in counts.items()], tables, document=document)
    if not acc.reconciles:
        raise typer.Exit(2)


def _run_record(row: tuple[Any, ...]) -> dict[str, Any]:
    *head, started, detail = row
    record = dict(zip(RUN_COLUMNS[:-1], head, strict=True))
    return record | {"started": started, "detail": json.loads(detail) if detail else None}


def _short_detail(detail: dict[str, Any], limit: int = 400) -> str:
    text = ", ".join(f"{k}={v}" for k, v in detail.items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def run(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files to ingest first (optional); - reads stdin.")
    ] = None,
    db: DbOption = None,
    out: Annotated[
        Path, typer.Option(help="Folder for article.md, ranking.csv and ranking.json.")
    ] = Path("report"),
    top: int = TOP,
    max_per_country: int | None = MAX_PER_COUNTRY,
    format_: Format = FORMAT,
    profile: str = PROFILE,
    profiles_file: Path | None = PROFILES_FILE,
    draws: int = DRAWS,
    seed: int = SEED,
    since: str | None = SINCE,
    until: str | None = UNTIL,
    definition: DefinitionChoice = DEFINITION,
    include_adjacent: bool | None = LEGACY_ADJACENT,
    min_postings: float = MIN_POSTINGS,
    min_employers: int = MIN_EMPLOYERS,
    normalisation: NormalisationChoice = NORMALISATION,
    aggregation: AggregationChoice = AGGREGATION,
    engine: Annotated[
        EngineChoice,
        typer.Option(help="duckdb: through the store; spark: through Spark, in --path."),
    ] = EngineChoice.duckdb,
    path: Annotated[
        Path | None,
        typer.Option(help="Spark: folder for the Parquet outputs [default: a temporary one]."),
    ] = None,
    master: MasterOption = "local[2]",
) -> None:
    """Ingest (bundled data if the store is empty and no file is given), normalize, rank, report.

    Takes every ranking option of `jobatlas rank`."""
    settings = make_settings(**locals())
    from jobatlas.report.html import prefetch_vega_bundle

    report = partial(
        rank_and_report,
        out=out,
        top=top,
        max_per_country=max_per_country,
        draws=draws,
        seed=seed,
        settings=settings,
        format_=format_,
    )
    if engine is EngineChoice.spark:
        prefetch_vega_bundle()  # bundled or read in the helper process while Spark works
        with _spark_folder(path) as folder:
            report(_spark_normalized(list(paths or []), folder, master))
        return
    prepare()  # the helper process loads the normalisers' tables during the ingest
    # Bundling Vega takes 1-2 s, so a first run starts it now; a cached bundle is read later
    bundling = prefetch_vega_bundle(only_if_not_cached=True)
    with _closing_in_background(open_store(db)) as (store, close):
        inputs = list(paths or [])
        if not inputs and store.counts()["raw_postings"] == 0:
            inputs = [bundled_postings()]
            stderr().print(f"empty store: using the bundled real postings ({inputs[0].name})")
        if inputs and not _ingest(store, inputs, None, "utf-8"):
            raise JobatlasError("some inputs could not be read", hint="see the errors above")
        stderr().print(_normalize_line(normalize(store)))
        if bundling is None:
            prefetch_vega_bundle()  # read while the ranking is computed
        report(store, computed=close)


@contextmanager
def _closing_in_background(store: Store) -> Iterator[tuple[Store, Callable[[], None]]]:
    """The store, and a call that starts closing it on a thread of its own: DuckDB writes
    its checkpoint without the GIL while the report is written. Leaving waits for it."""
    closer = threading.Thread(target=store.close, name="jobatlas-close")
    try:
        yield store, closer.start
    finally:
        if closer.ident is None:
            store.close()
        else:
            closer.join()


@contextmanager
def _spark_folder(folder: Path | None) -> Iterator[Path]:
    """The folder given, or a temporary one, removed after the ranking."""
    if folder is not None:
        yield folder
        return
    scratch = Path(tempfile.mkdtemp(prefix="jobatlas-spark-"))
    try:
        yield scratch / "run"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _spark_normalized(inputs: list[Path], folder: Path, master: str) -> Queries:
    """The ranking's queries over ``folder``: the Spark output already there when no input
    is given, else the inputs (the bundled postings if none) normalised into it."""
    from jobatlas.engines.queries import SparkQueries
    from jobatlas.engines.spark import normalize_spark, require_spark, spark_session

    written = folder.exists() and any(folder.iterdir())
    if written and inputs:
        raise ConfigError(
            f"{folder} is not empty",
            hint="give --path a new or empty folder (a Spark run does not add to an earlier one)",
        )
    require_spark()
    if written:
        stderr().print(f"ranking the Spark output in {folder}")
        return SparkQueries(spark_session(master), str(folder))
    if not inputs:
        inputs = [bundled_postings()]
        stderr().print(f"no input: using the bundled real postings ({inputs[0].name})")
    folder.mkdir(parents=True, exist_ok=True)
    raw = str(folder / "raw")
    if not _ingest_spark([str(p) for p in inputs], raw, None, "utf-8", master):
        raise JobatlasError("some inputs could not be read", hint="see the errors above")
    spark = spark_session(master)
    stderr().print(_spark_line(normalize_spark(spark, raw, folder), folder))
    return SparkQueries(spark, str(folder))
