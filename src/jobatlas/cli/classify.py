"""``jobatlas classify`` and ``jobatlas eval classify``: thin wrappers over the classifier."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import typer
from rich.table import Table

from jobatlas.cli.app import app, eval_app, stderr
from jobatlas.cli.output import DELIMITER, ERRORS_HELP, FORMAT, Format, delimiter_of, emit
from jobatlas.csvio import Row, annotate_csv
from jobatlas.models import TIERS
from jobatlas.normalize.classify import (
    OUTPUT_COLUMNS,
    Classifier,
    as_columns,
    default_classifier,
)
from jobatlas.normalize.classify_eval import LabelledRow, Scores, evaluate, mistakes, read_labels

_TAXONOMY_HELP = (
    'A taxonomy TOML to use instead (start it with extends = "builtin" to add to ours).'
)


def _classifier(taxonomy: str | None) -> Classifier:
    return Classifier.from_path(Path(taxonomy)) if taxonomy else default_classifier()


@app.command("classify")
def classify_command(
    input_path: str = typer.Argument(..., metavar="INPUT", help="CSV to read; - for stdin."),
    title_column: str = typer.Option(..., "--title-column", help="Column with the job title."),
    description_column: str | None = typer.Option(
        None, "--description-column", help="Column with the job description (optional)."
    ),
    output: str = typer.Option("-", "--output", "-o", help="CSV to write; - for stdout."),
    taxonomy: str | None = typer.Option(None, "--taxonomy", help=_TAXONOMY_HELP),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the input CSV."),
    delimiter: str | None = DELIMITER,
) -> None:
    """Add ai_ml_tier, ai_ml, ai_ml_family, ai_ml_score and ai_ml_evidence to every row."""
    classifier = _classifier(taxonomy)

    def annotate(row: Row) -> dict[str, object]:
        description = row[description_column] if description_column else None
        return as_columns(classifier.classify(row[title_column], description))

    required = [title_column, *([description_column] if description_column else [])]
    count = annotate_csv(
        input_path,
        output,
        required,
        OUTPUT_COLUMNS,
        annotate,
        encoding,
        delimiter=delimiter_of(delimiter),
    )
    if output != "-":
        stderr().print(f"classified {count} rows into {output}")


@eval_app.command("classify")
def eval_classify_command(
    labels: str = typer.Argument(
        ..., metavar="LABELS.csv", help="CSV with title, label (core/adjacent/none), description."
    ),
    errors: int = typer.Option(0, "--errors", min=0, help=ERRORS_HELP),
    taxonomy: str | None = typer.Option(None, "--taxonomy", help=_TAXONOMY_HELP),
    encoding: str = typer.Option("utf-8", "--encoding", help="Encoding of the labels CSV."),
    format_: Format = FORMAT,
) -> None:
    """Core-vs-none precision, recall and F1 and a confusion table, against a keyword baseline."""
    rows = read_labels(labels, encoding)
    classifier = _classifier(taxonomy)
    ours, baseline = evaluate(rows, classifier)
    wrong = mistakes(rows, classifier)[:errors] if errors else []
    records = [_score_record(s) for s in (ours, baseline)]
    document = {
        "scores": records,
        "confusion": {
            s.name: {label: {p: s.count(label, p) for p in TIERS} for label in TIERS}
            for s in (ours, baseline)
        },
        "errors": [
            {"title": r.title, "label": r.label, "predicted": p, "evidence": e} for r, p, e in wrong
        ],
    }

    def tables() -> Iterator[Table]:
        yield _summary(ours, baseline)
        for scores in (ours, baseline):
            yield _confusion(scores)
        if wrong:
            yield _mistakes(wrong)

    emit(format_, records, tables, document=document)
    if errors and not wrong:
        stderr().print("no core-vs-none errors")


def _score_record(scores: Scores) -> dict[str, object]:
    return {
        "method": scores.name,
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "scored": scores.scored,
        "left_out": scores.excluded,
    }


def _summary(ours: Scores, baseline: Scores) -> Table:
    table = Table(title="core vs none (rows labelled adjacent are left out)")
    table.add_column("", no_wrap=True)
    for column in ("precision", "recall", "F1", "scored", "left out"):
        table.add_column(column, justify="right")
    for scores in (ours, baseline):
        table.add_row(
            scores.name,
            f"{scores.precision:.3f}",
            f"{scores.recall:.3f}",
            f"{scores.f1:.3f}",
            str(scores.scored),
            str(scores.excluded),
        )
    table.caption = f"F1 margin over the keyword baseline: {ours.f1 - baseline.f1:+.3f}"
    return table


def _confusion(scores: Scores) -> Table:
    table = Table(title=f"{scores.name}: label x predicted")
    table.add_column("label", no_wrap=True)
    for tier in TIERS:
        table.add_column(tier, justify="right")
    for label in TIERS:
        table.add_row(label, *(str(scores.count(label, predicted)) for predicted in TIERS))
    return table


def _mistakes(rows: Sequence[tuple[LabelledRow, str, str]]) -> Table:
    table = Table(title="core-vs-none errors")
    for column in ("label", "predicted", "title", "evidence"):
        table.add_column(column)
    for row, predicted, evidence in rows:
        table.add_row(row.label, predicted, row.title, evidence)
    return table
