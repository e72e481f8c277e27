"""``jobatlas eval employers``: the employer normaliser on labelled name pairs and on the
bundled postings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from jobatlas.cli.app import eval_app, stderr
from jobatlas.cli.output import FORMAT, Format, emit
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
    errors: Annotated[
        str | None,
        typer.Option("--errors", help="Also list the false merges and missed pairs of this split."),
    ] = None,
    legacy_misses: Annotated[
        str | None, typer.Option("--misses", hidden=True, help="Old --errors.")
    ] = None,
    format_: Format = FORMAT,
) -> None:
    """Precision and recall of employer grouping on name pairs, per split, against baselines;
    then the biggest merges on the bundled postings."""
    if not labels.is_file():
        raise InputError(f"{labels}: no such file", hint="give a CSV of labelled name pairs")
    wanted = errors or legacy_misses
    if wanted is not None and wanted not in SPLITS:
        raise typer.BadParameter(f"{wanted!r}: one of {', '.join(SPLITS)}", param_hint="--errors")
    pairs = read_pairs(labels)
    counts = bundled_employer_counts()
    grouped = grouped_key(pairs, counts)
    keys = {"grouped": grouped, "employer_key": employer_key, **BASELINES}
    records: list[dict[str, Any]] = []
    wrong: list[dict[str, str]] = []
    for split in SPLITS:
        subset = [p for p in pairs if split == "all" or p.split == split]
        for name, key in keys.items():
            s = score(subset, key, name)
            records.append(
                {
                    "split": split,
                    "method": name,
                    "pairs": s.pairs,
                    "precision": s.precision,
                    "recall": s.recall,
                }
            )
        if wanted == split:
            result = score(subset, grouped, "grouped")
            for kind, found in (("false merge", result.false_merges), ("missed", result.missed)):
                wrong.extend(
                    {"kind": kind, "name_a": p.name_a, "name_b": p.name_b, "note": p.note}
                    for p in found
                )
    report = merge_report(counts)
    document = {
        "scores": records,
        "errors": wrong,
        "bundled": {
            "raw_names": report.raw_names,
            "lower_strip_names": report.lower_strip_names,
            "employers": report.keys,
            "merges": [
                {"employer": m.display, "postings": m.postings, "spellings": m.spellings}
                for m in report.merges[:10]
            ],
        },
    }

    def tables() -> Iterator[Any]:
        for w in wrong:
            yield f"{w['kind']}: {w['name_a']!r} ~ {w['name_b']!r} ({w['note']})"
        table = Table(title=f"employer pairs ({labels.name})")
        for column in ("split", "method", "pairs", "precision", "recall"):
            table.add_column(column, justify="left" if column in ("split", "method") else "right")
        for split in SPLITS:
            subset = [p for p in pairs if split == "all" or p.split == split]
            for name, key in keys.items():
                table.add_row(split, name, *_cells(score(subset, key, name)))
        yield table
        yield (
            f"bundled postings: {report.raw_names:,} distinct raw names, "
            f"{report.lower_strip_names:,} after lower-casing, {report.keys:,} employers"
        )
        for merge in report.merges[:10]:
            spellings = "; ".join(f"{s} ({n})" for s, n in merge.spellings[:4])
            yield f"  {merge.display} [{merge.postings}]: {spellings}"

    emit(format_, records, tables, document=document)
    if wanted and not wrong:
        stderr().print(f"split {wanted}: every pair grouped right")


def _cells(scores: Scores) -> tuple[str, str, str]:
    predicted = scores.true_positives + scores.false_positives
    same = scores.true_positives + scores.false_negatives
    precision = f"{scores.precision:.3f} ({scores.true_positives}/{predicted})"
    recall = f"{scores.recall:.3f} ({scores.true_positives}/{same})"
    return str(scores.pairs), precision, recall
