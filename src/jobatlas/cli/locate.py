"""Commands for the locate normaliser: annotate a CSV, and score the resolver on labels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from jobatlas.cli.app import app, eval_app, stderr
from jobatlas.cli.output import (
    DELIMITER,
    ERRORS_HELP,
    FORMAT,
    Format,
    delimiter_of,
    emit,
    notice_if_slow,
)
from jobatlas.csvio import Row, annotate_csv, read_rows
from jobatlas.errors import EmptyInputError

if TYPE_CHECKING:
    from jobatlas.normalize.locations import LocationResolver


@app.command("locate")
def locate(
    input_path: str = typer.Argument(..., metavar="INPUT", help="CSV to read ('-' for stdin)."),
    column: str = typer.Option(..., "--column", help="Column holding the location text."),
    country_column: str | None = typer.Option(
        None, "--country-column", help="Column holding a country hint (ISO code or name)."
    ),
    output: str = typer.Option("-", "--output", "-o", help="CSV to write ('-' for stdout)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input file."),
    delimiter: str | None = DELIMITER,
) -> None:
    """Resolve free-text locations to city, country and metro area (GeoNames, offline)."""
    from jobatlas.normalize.locations import OUTPUT_COLUMNS, location_columns

    resolver = load_resolver()

    def annotate(row: Row) -> Mapping[str, object]:
        hint = row.get(country_column) if country_column else None
        return location_columns(resolver.resolve(row[column], hint))

    required = [column] + ([country_column] if country_column else [])
    annotate_csv(
        input_path,
        output,
        required,
        OUTPUT_COLUMNS,
        annotate,
        encoding,
        delimiter=delimiter_of(delimiter),
    )


INDEX_NOTICE = (
    "building the place index (first run only: about 2 s from the index shipped in the "
    "package, 5 s or more without it; later runs load it from the cache in well under a "
    "second)..."
)


def load_resolver() -> LocationResolver:
    """The location resolver, with a line on stderr if loading it (building its index on a
    first run) takes more than a second."""
    from jobatlas.normalize.locations import get_resolver

    with notice_if_slow(INDEX_NOTICE):
        return get_resolver()


@eval_app.command("locate")
def eval_locate(
    labels_path: str = typer.Argument(..., metavar="LABELS", help="Labelled CSV ('-' for stdin)."),
    errors: int = typer.Option(0, "--errors", min=0, help=ERRORS_HELP),
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            help="Also score jobatlas per group: 'class' (the labels' class column) or"
            " 'country' (expected country, else the hint). Repeatable.",
        ),
    ] = None,
    format_: Format = FORMAT,
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
    load_resolver()
    scores = ev.evaluate(labels)
    predictions = ev.predict_jobatlas(labels) if (errors or by) else []
    groups = {g: ev.score_by(labels, predictions, g) for g in by}
    misses = ev.misses(labels, predictions)[:errors] if errors else []
    records = [{"method": name, **_metric_values(result)} for name, result in scores.items()]
    document = {
        "rows": len(labels),
        "scores": records,
        "groups": {
            g: [{g: name, **_metric_values(r)} for name, r in found.items()]
            for g, found in groups.items()
        },
        "errors": [_miss_record(m) for m in misses],
    }

    def tables() -> Iterator[Any]:
        yield _scores_table(scores, len(labels))
        for grouping, found in groups.items():
            yield _groups_table(found, grouping)
        for miss in misses:
            yield _miss_line(miss)

    emit(format_, records, tables, document=document)
    if errors and not misses:
        stderr().print("no rows wrong")


def _metric_values(result: object) -> dict[str, object]:
    if result is None:
        return {"installed": False}
    return {attr: getattr(result, attr) for _, attr in _METRICS}


def _miss_record(miss: Any) -> dict[str, object]:
    label, p = miss.label, miss.prediction
    return {
        "location": label.location,
        "expected": {
            "status": label.status,
            "city": label.city,
            "country_code": label.country_code,
            "metro": label.metro,
        },
        "got": {
            "status": p.status,
            "city": p.city,
            "country_code": p.country_code,
            "metro": p.metro,
        },
        "wrong": list(miss.wrong),
    }


def _miss_line(miss: Any) -> str:
    p = miss.prediction
    return (
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
