"""Commands for the locate normaliser: annotate a CSV, and score the resolver on labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

import typer
from rich.table import Table

from jobatlas.cli.app import app, eval_app, stdout
from jobatlas.csvio import Row, annotate_csv, read_rows
from jobatlas.errors import EmptyInputError


@app.command("locate")
def locate(
    input_path: str = typer.Argument(..., metavar="INPUT", help="CSV to read ('-' for stdin)."),
    column: str = typer.Option(..., "--column", help="Column holding the location text."),
    country_column: str | None = typer.Option(
        None, "--country-column", help="Column holding a country hint (ISO code or name)."
    ),
    output: str = typer.Option("-", "--output", "-o", help="CSV to write ('-' for stdout)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input file."),
) -> None:
    """Resolve free-text locations to city, country and metro area (GeoNames, offline)."""
    from jobatlas.normalize.locations import OUTPUT_COLUMNS, get_resolver, location_columns

    resolver = get_resolver()

    def annotate(row: Row) -> Mapping[str, object]:
        hint = row.get(country_column) if country_column else None
        return location_columns(resolver.resolve(row[column], hint))

    required = [column] + ([country_column] if country_column else [])
    annotate_csv(input_path, output, required, OUTPUT_COLUMNS, annotate, encoding)


@eval_app.command("locate")
def eval_locate(
    labels_path: str = typer.Argument(..., metavar="LABELS", help="Labelled CSV ('-' for stdin)."),
    errors: int = typer.Option(0, "--errors", help="Also list up to N rows jobatlas gets wrong."),
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Also score jobatlas per group: 'class' (the labels' class column) or"
            " 'country' (expected country, else the hint). Repeatable.",
        ),
    ] = None,
) -> None:
    """Score the location resolver against labels, beside a naive baseline and geotext."""
    from jobatlas.normalize import locations_eval as ev

    _, rows = read_rows(labels_path, ev.REQUIRED_COLUMNS)
    if not rows:
        raise EmptyInputError(f"{labels_path}: no labelled rows", hint="add rows under the header")
    by = by or []
    for grouping in by:
        if grouping not in ev.GROUPINGS:
            raise typer.BadParameter(
                f"{grouping!r}: expected one of {', '.join(ev.GROUPINGS)}", param_hint="--by"
            )
    labels = ev.labels_from_rows(rows)
    scores = ev.evaluate(labels)
    console = stdout()
    console.print(_scores_table(scores, len(labels)))
    predictions = ev.predict_jobatlas(labels) if (errors or by) else []
    for grouping in by:
        console.print(_groups_table(ev.score_by(labels, predictions, grouping), grouping))
    if errors:
        for miss in ev.misses(labels, predictions)[:errors]:
            p = miss.prediction
            console.print(
                f"{miss.label.location!r}: expected {miss.label.status} {miss.label.city or ''}"
                f" {miss.label.country_code or ''} {miss.label.metro or ''}; got {p.status}"
                f" {p.city or ''} {p.country_code or ''} {p.metro or ''} ({', '.join(miss.wrong)})"
            )


_METRICS = (
    ("city accuracy", "city_accuracy"),
    ("country accuracy", "country_accuracy"),
    ("wrong-country rate", "wrong_country_rate"),
    ("unresolved rate", "unresolved_rate"),
    ("status accuracy", "status_accuracy"),
    ("metro accuracy", "metro_accuracy"),
)


def _groups_table(groups: Mapping[str, object], grouping: str) -> Table:
    table = Table(title=f"jobatlas per {grouping}")
    table.add_column(grouping)
    table.add_column("rows", justify="right")
    for label, _ in _METRICS:
        table.add_column(label.replace(" accuracy", "").replace(" rate", ""), justify="right")
    for name, result in groups.items():
        cells = [getattr(result, attr) for _, attr in _METRICS]
        table.add_row(
            name,
            str(getattr(result, "rows", "")),
            *("n/a" if v is None else f"{v:.3f}" for v in cells),
        )
    return table


def _scores_table(scores: Mapping[str, object], rows: int) -> Table:
    table = Table(title=f"Location resolution on {rows} labelled rows")
    table.add_column("metric")
    for name in scores:
        table.add_column(name, justify="right")
    for label, attr in _METRICS:
        cells = []
        for result in scores.values():
            if result is None:
                cells.append("not installed (pip install geotext)")
                continue
            value = getattr(result, attr)
            cells.append("n/a" if value is None else f"{value:.3f}")
        table.add_row(label, *cells)
    return table
