"""Commands for the salary normaliser: annotate a CSV, and score the parser on labels."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from jobatlas.cli.app import app, eval_app, stderr
from jobatlas.cli.output import DELIMITER, ERRORS_HELP, FORMAT, Format, delimiter_of, emit
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
    delimiter: str | None = DELIMITER,
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
    annotate_csv(
        input_path,
        output,
        [column, *optional],
        OUTPUT_COLUMNS,
        annotate,
        encoding,
        delimiter=delimiter_of(delimiter),
    )


@eval_app.command("salary")
def eval_salary(
    labels_path: str = typer.Argument(..., metavar="LABELS", help="Labelled CSV ('-' for stdin)."),
    errors: int = typer.Option(0, "--errors", min=0, help=ERRORS_HELP),
    legacy_misses: int = typer.Option(0, "--misses", min=0, hidden=True, help="Old --errors."),
    split: str | None = typer.Option(
        None,
        "--split",
        help="Score only the rows whose 'split' column has this value (e.g. dev).",
    ),
    format_: Format = FORMAT,
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
    wanted = errors or legacy_misses
    breakdowns = {
        title: ev.score_by(rows, column)
        for column, title in (("class", "failure class"), ("country_hint", "country"))
        if column in header
    }
    misses = ours.misses[:wanted]
    records = [
        {"method": name, **_values(scores)}
        for name, scores in (("jobatlas", ours), ("price-parser", theirs))
        if scores is not None
    ]
    document = {
        "scores": records,
        "breakdowns": {
            title: {key: _values(s) for key, s in sorted(parts.items())}
            for title, parts in breakdowns.items()
        },
        "errors": [{"text": m.text, "expected": m.expected, "got": m.got} for m in misses],
    }

    def tables() -> Iterator[Any]:
        yield _scores_table(ours, theirs)
        for title, parts in breakdowns.items():
            yield _breakdown_table(title, parts)
        for miss in misses:
            yield f"{miss.text!r}: expected {miss.expected}; got {miss.got}"

    emit(format_, records, tables, document=document)
    if wanted and not misses:
        stderr().print("no rows wrong")


def _values(scores: Scores) -> dict[str, object]:
    names = (
        "rows",
        "salary_rows",
        "exact_rate",
        "amounts_rate",
        "annual_rate",
        "annual_usd_rate",
        "none_rate",
        "status_rate",
        "wrong_currency",
    )
    values = {name: getattr(scores, name) for name in names}
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in values.items()}


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
