"""``jobatlas eval employers``: the employer normaliser on labelled name pairs and on the
bundled postings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from jobatlas.cli.app import eval_app, stdout
from jobatlas.errors import InputError
from jobatlas.normalize.employers import employer_key
from jobatlas.normalize.employers_eval import (
    BASELINES,
    Scores,
    bundled_employer_counts,
    grouped_key,
    merge_report,
    read_pairs,
    score,
)

SPLITS = ("dev", "blind", "all")


@eval_app.command("employers")
def eval_employers_command(
    labels: Annotated[
        Path,
        typer.Argument(
            metavar="PAIRS.csv",
            help="CSV with name_a, name_b, same (0/1), split and note "
            "(the repository's: tests/data/employer_pairs.csv).",
        ),
    ],
    misses: Annotated[
        str | None,
        typer.Option("--misses", help="Also list false merges and missed pairs of this split."),
    ] = None,
) -> None:
    """Precision and recall of employer grouping on name pairs, per split, against baselines;
    then the biggest merges on the bundled postings."""
    if not labels.is_file():
        raise InputError(f"{labels}: no such file", hint="give a CSV of labelled name pairs")
    pairs = read_pairs(labels)
    counts = bundled_employer_counts()
    grouped = grouped_key(pairs, counts)
    console = stdout()
    table = Table(title=f"employer pairs ({labels.name})")
    for column in ("split", "method", "pairs", "precision", "recall"):
        table.add_column(column, justify="left" if column in ("split", "method") else "right")
    for split in SPLITS:
        subset = [p for p in pairs if split == "all" or p.split == split]
        keys = {"grouped": grouped, "employer_key": employer_key, **BASELINES}
        for name, key in keys.items():
            table.add_row(split, name, *_cells(score(subset, key, name)))
        if misses == split:
            result = score(subset, grouped, "grouped")
            for kind, found in (("false merge", result.false_merges), ("missed", result.missed)):
                for pair in found:
                    console.print(f"{kind}: {pair.name_a!r} ~ {pair.name_b!r} ({pair.note})")
    console.print(table)
    report = merge_report(counts)
    console.print(
        f"bundled postings: {report.raw_names:,} distinct raw names, "
        f"{report.lower_strip_names:,} after lower-casing, {report.keys:,} employers"
    )
    for merge in report.merges[:10]:
        spellings = "; ".join(f"{s} ({n})" for s, n in merge.spellings[:4])
        console.print(f"  {merge.display} [{merge.postings}]: {spellings}")


def _cells(scores: Scores) -> tuple[str, str, str]:
    predicted = scores.true_positives + scores.false_positives
    same = scores.true_positives + scores.false_negatives
    precision = f"{scores.precision:.3f} ({scores.true_positives}/{predicted})"
    recall = f"{scores.recall:.3f} ({scores.true_positives}/{same})"
    return str(scores.pairs), precision, recall
