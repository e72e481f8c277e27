"""Commands for the salary normaliser: annotate a CSV, and score the parser on labels."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from jobatlas.cli.app import app, eval_app, stdout
from jobatlas.csvio import Row, annotate_csv, read_rows
from jobatlas.errors import EmptyInputError, MissingDependency

if TYPE_CHECKING:
    from jobatlas.normalize.salary_eval import Scores


@app.command("salary")
def salary(
    input_path: str = typer.Argument(..., metavar="INPUT", help="CSV to read ('-' for stdin)."),
    column: str = typer.Option(..., "--column", help="Column holding the salary text."),
    country_column: str | None = typer.Option(
        None,
        "--country-column",
        help="Column holding the posting's country (ISO alpha-2 or name): decides a bare $, "
        "the PPP factor and the plausibility bounds.",
    ),
    date_column: str | None = typer.Option(
        None,
        "--date-column",
        help="Column holding the posting date (ISO); amounts are converted at that date "
        "(default: the latest rate).",
    ),
    currency_column: str | None = typer.Option(
        None,
        "--currency-column",
        help="Column holding a currency field: names the currency when the text does not, "
        "and decides an ambiguous sign.",
    ),
    output: str = typer.Option("-", "--output", "-o", help="CSV to write ('-' for stdout)."),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input file."),
) -> None:
    """Normalise salary text: amounts, currency, period, annual, USD and PPP figures, status."""
    from jobatlas.normalize.salary import (
        OUTPUT_COLUMNS,
        normalize_salary,
        posting_date,
        salary_columns,
    )

    def annotate(row: Row) -> Mapping[str, object]:
        result = normalize_salary(
            row[column],
            currency=row[currency_column] or None if currency_column else None,
            country=row[country_column] or None if country_column else None,
            posted=posting_date(row[date_column]) if date_column else None,
        )
        return salary_columns(result)

    optional = [c for c in (country_column, date_column, currency_column) if c]
    annotate_csv(input_path, output, [column, *optional], OUTPUT_COLUMNS, annotate, encoding)


@eval_app.command("salary")
def eval_salary(
    labels_path: str = typer.Argument(..., metavar="LABELS", help="Labelled CSV ('-' for stdin)."),
    misses: int = typer.Option(0, "--misses", help="Also list up to N rows jobatlas gets wrong."),
) -> None:
    """Score the salary normaliser against labels, beside price-parser on the same strings."""
    from jobatlas.normalize import salary_eval as ev

    _, rows = read_rows(labels_path, ev.LABEL_COLUMNS)
    if not rows:
        raise EmptyInputError(f"{labels_path}: no labelled rows", hint="add rows under the header")
    ours = ev.score(rows)
    try:
        theirs: Scores | None = ev.score(rows, ev.price_parser_predictor(), with_status=False)
    except MissingDependency:
        theirs = None
    console = stdout()
    console.print(_scores_table(ours, theirs))
    for miss in ours.misses[:misses]:
        console.print(f"{miss.text!r}: expected {miss.expected}; got {miss.got}")


def _rate(value: float | None, hits: int | None, total: int) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    return f"{value:.3f} ({hits}/{total})"


def _column(scores: Scores) -> list[str]:
    return [
        _rate(scores.exact_rate, scores.exact, scores.salary_rows),
        _rate(scores.amounts_rate, scores.amounts_exact, scores.salary_rows),
        _rate(scores.annual_rate, scores.annual_within, scores.annual_rows),
        _rate(scores.none_rate, scores.none_correct, scores.rows),
        _rate(scores.status_rate, scores.status_correct, scores.rows),
        str(scores.wrong_currency),
    ]


_METRICS = (
    "exact (min, max, currency, period)",
    "exact amounts only (min, max)",
    "annual figures within 1%",
    "no-salary detection",
    "status",
    "wrong currency (rows)",
)


def _scores_table(ours: Scores, theirs: Scores | None) -> Table:
    table = Table(title=f"Salary normalisation on {ours.rows} labelled rows")
    table.add_column("metric")
    table.add_column("jobatlas", justify="right")
    table.add_column("price-parser", justify="right")
    other = (
        _column(theirs) if theirs else ["not installed (pip install price-parser)"] * len(_METRICS)
    )
    for row in zip(_METRICS, _column(ours), other, strict=True):
        table.add_row(*row)
    return table
