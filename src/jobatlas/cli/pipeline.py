"""Commands for the pipeline stages: ingest, normalize, status and run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jobatlas.bundled import bundled_postings
from jobatlas.cli.app import app, stderr, stdout, styled
from jobatlas.cli.rank import DefinitionChoice
from jobatlas.config import DB_ENV, db_path
from jobatlas.errors import JobatlasError
from jobatlas.ingest import IngestResult, ingest_paths
from jobatlas.pipeline import NormalizeResult, accounting, normalize, quarantine_reasons, runs
from jobatlas.sources.schemas import parse_mapping
from jobatlas.store.duckdb import Store

DbOption = Annotated[
    Path | None,
    typer.Option("--db", envvar=DB_ENV, help="Store file [default: ./jobatlas.duckdb]."),
]


def open_store(db: Path | None) -> Store:
    return Store.open(db_path(db))


def _ingest(store: Store, paths: list[Path], mapping: str | None, encoding: str) -> bool:
    """Ingest files and print a line per file; returns False if any file could not be read."""
    results, errors = ingest_paths(
        store, paths, mapping=parse_mapping(mapping) if mapping else None, encoding=encoding
    )
    for result in results:
        stdout().print(_ingest_line(result))
    for error in errors:
        stderr().print(styled(("error: ", "red"), str(error)))
    return not errors


def _ingest_line(r: IngestResult) -> str:
    line = (
        f"ingested {r.origin} ({r.schema}): {r.rows_read:,} rows, {r.added:,} new, "
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
        list[Path], typer.Argument(help="CSV, JSONL or Parquet files (plain or .gz).")
    ],
    db: DbOption = None,
    map_: Annotated[
        str | None,
        typer.Option(
            "--map", help="Column mapping for other schemas, e.g. title=job_title,company=org."
        ),
    ] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of CSV/JSONL input.")] = "utf-8",
) -> None:
    """Read files into raw_postings, keeping every row with its provenance; repeats add nothing."""
    with open_store(db) as store:
        ok = _ingest(store, paths, map_, encoding)
    if not ok:
        raise typer.Exit(1)


@app.command("normalize")
def normalize_cmd(db: DbOption = None) -> None:
    """Turn new raw rows into postings (AI/ML tier, metro, salary), quarantine or duplicates."""
    with open_store(db) as store:
        stdout().print(_normalize_line(normalize(store)))


@app.command()
def status(db: DbOption = None) -> None:
    """Show counts per table and per run, and whether the accounting reconciles."""
    with open_store(db) as store:
        acc = accounting(store)
        counts = store.counts()
        table = Table(title=f"store {store.path}")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name, n in counts.items():
            table.add_row(name, f"{n:,}")
        stdout().print(table)
        sign = ("reconciles", "green") if acc.reconciles else ("DOES NOT RECONCILE", "red")
        stdout().print(
            styled(
                f"raw {acc.raw:,} = postings {acc.postings:,} + quarantined {acc.quarantined:,} "
                f"+ duplicates {acc.duplicates:,} + awaiting normalize {acc.pending:,}: ",
                sign,
            )
        )
        reasons = quarantine_reasons(store)
        if reasons:
            stdout().print("quarantine: " + ", ".join(f"{r} {n:,}" for r, n in reasons))
        run_table = Table(title="runs (latest first)")
        for col in ("run", "stage", "status", "in", "out", "rejected", "seconds", "started"):
            run_table.add_column(col, overflow="fold")
        details = []
        for row in runs(store):
            *head, started, detail = row
            cells = ["" if v is None else f"{v:,}" if isinstance(v, int) else str(v) for v in head]
            run_table.add_row(*cells, f"{started:%m-%d %H:%M:%S}")
            if detail:
                details.append(f"run {head[0]} {head[1]}: {_short_detail(detail)}")
        stdout().print(run_table)
        for line in details:
            stdout().print(line)
    if not acc.reconciles:
        raise typer.Exit(2)


def _short_detail(detail: str, limit: int = 400) -> str:
    text = ", ".join(f"{k}={v}" for k, v in json.loads(detail).items())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@app.command()
def run(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files to ingest first (optional).")
    ] = None,
    db: DbOption = None,
    out: Annotated[
        Path, typer.Option(help="Folder for article.md, ranking.csv and ranking.json.")
    ] = Path("report"),
    top: Annotated[int, typer.Option(min=1, help="How many metros to show.")] = 10,
    draws: Annotated[int, typer.Option(min=0, help="Monte Carlo draws for rank intervals.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same output).")] = 7,
    definition: Annotated[
        DefinitionChoice,
        typer.Option(
            help="Which jobs count as AI/ML: core+adjacent or core. The other is ranked too, "
            "beside it."
        ),
    ] = DefinitionChoice.core_adjacent,
) -> None:
    """Ingest (bundled data if the store is empty and no file is given), normalize, rank, report."""
    from jobatlas.cli.rank import definition_of, rank_and_report
    from jobatlas.indicators import RankSettings

    settings = RankSettings(definition=definition_of(definition, None))

    with open_store(db) as store:
        inputs = list(paths or [])
        if not inputs and store.counts()["raw_postings"] == 0:
            inputs = [bundled_postings()]
            stdout().print(f"empty store: using the bundled real postings ({inputs[0].name})")
        if inputs and not _ingest(store, inputs, None, "utf-8"):
            raise JobatlasError("some inputs could not be read", hint="see the errors above")
        stdout().print(_normalize_line(normalize(store)))
        rank_and_report(
            store, out=out, top=top, draws=draws, seed=seed, console=stdout(), settings=settings
        )
