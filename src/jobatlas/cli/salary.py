"""Commands for the salary normaliser: annotate a CSV, and score the parser on labels."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from jobatlas.cli.app import app, eval_app, stdout
from jobatlas.csvio import Row, annotate_csv, read_rows
from jobatlas.errors import EmptyInputError, MissingColumnError, MissingDependency

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
    split: str | None = typer.Option(
        None,
        "--split",
        help="Score only the rows whose 'split' column has this value (e.g. dev).",
    ),
) -> None:
    """Score the salary normaliser against labels, beside price-parser on the same strings;
    per class and per country when the labels have 'class' and 'country_hint' columns."""
    from jobatlas.normalize import salary_eval as ev

    header, read = read_rows(labels_path, ev.LABEL_COLUMNS)
    rows: Sequence[Mapping[str, str]] = read
    if split is not None:
        if "split" not in header:
            raise MissingColumnError(labels_path, "split", header)
        rows = ev.select(rows, "split", split)
    if not rows:
        raise EmptyInputError(f"{labels_path}: no labelled rows", hint="add rows under the header")
    ours = ev.score(rows)
    try:
        theirs: Scores | None = ev.score(rows, ev.price_parser_predictor(), with_status=False)
    except MissingDependency:
        theirs = None
    console = stdout()
    console.print(_scores_table(ours, theirs))
    for column, title in (("class", "failure class"), ("country_hint", "country")):
        if column in header:
            console.print(_breakdown_table(title, ev.score_by(rows, column)))
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
        _rate(scores.annual_usd_rate, scores.annual_usd_within, scores.annual_rows),
        _rate(scores.none_rate, scores.none_correct, scores.rows),
        _rate(scores.status_rate, scores.status_correct, scores.rows),
        str(scores.wrong_currency),
    ]


_METRICS = (
    "exact (min, max, currency, period)",
    "exact amounts only (min, max)",
    "annual figures within 1%",
    "annual USD within 2% (currency right)",
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


def _breakdown_table(title: str, parts: Mapping[str, Scores]) -> Table:
    table = Table(title=f"jobatlas per {title}")
    table.add_column(title)
    for name in ("rows", "exact", "annual within 1%", "annual USD within 2%", "no-salary"):
        table.add_column(name, justify="right")
    table.add_column("wrong currency", justify="right")
    for key in sorted(parts):
        s = parts[key]
        table.add_row(
            key,
            str(s.rows),
            _rate(s.exact_rate, s.exact, s.salary_rows),
            _rate(s.annual_rate, s.annual_within, s.annual_rows),
            _rate(s.annual_usd_rate, s.annual_usd_within, s.annual_rows),
            _rate(s.none_rate, s.none_correct, s.rows),
            str(s.wrong_currency),
        )
    return table
