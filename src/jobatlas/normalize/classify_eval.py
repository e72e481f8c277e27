"""Measure the AI/ML classifier on a labelled CSV, against the keyword baseline.

Scores are core-vs-none: rows labelled adjacent are left out, and a predicted adjacent counts
as "not core". The confusion table keeps every row (3 labels x 3 predictions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from jobatlas.csvio import read_rows
from jobatlas.errors import InputError
from jobatlas.models import TIERS, Tier
from jobatlas.normalize.classify import Classifier, default_classifier, keyword_baseline

__all__ = ["LabelledRow", "Scores", "evaluate", "mistakes", "read_labels", "score"]

Predict = Callable[[str, str | None], Tier]


@dataclass(frozen=True, slots=True)
class LabelledRow:
    title: str
    description: str | None
    label: Tier


@dataclass(frozen=True, slots=True)
class Scores:
    """Core-vs-none figures and the full confusion table of one predictor."""

    name: str
    confusion: Mapping[tuple[Tier, Tier], int] = field(default_factory=dict)

    def count(self, label: Tier, predicted: Tier) -> int:
        return self.confusion.get((label, predicted), 0)

    @property
    def true_positives(self) -> int:
        return self.count("core", "core")

    @property
    def false_positives(self) -> int:
        return self.count("none", "core")

    @property
    def false_negatives(self) -> int:
        return self.count("core", "adjacent") + self.count("core", "none")

    @property
    def scored(self) -> int:
        """Rows labelled core or none (the ones precision and recall are computed on)."""
        return sum(n for (label, _), n in self.confusion.items() if label != "adjacent")

    @property
    def excluded(self) -> int:
        return sum(n for (label, _), n in self.confusion.items() if label == "adjacent")

    @property
    def precision(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_positives)

    @property
    def recall(self) -> float:
        return _ratio(self.true_positives, self.true_positives + self.false_negatives)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)


def _ratio(numerator: float, denominator: float) -> float:
    """A ratio that is 0.0 (not an error) when nothing was counted."""
    return numerator / denominator if denominator else 0.0


def score(rows: Iterable[LabelledRow], predict: Predict, name: str) -> Scores:
    counts: Counter[tuple[Tier, Tier]] = Counter(
        (row.label, predict(row.title, row.description)) for row in rows
    )
    return Scores(name, dict(counts))


def evaluate(
    rows: Iterable[LabelledRow], classifier: Classifier | None = None
) -> tuple[Scores, Scores]:
    """The classifier's scores and the keyword baseline's, on the same rows."""
    model = classifier or default_classifier()
    rows = list(rows)
    ours = score(rows, lambda t, d: model.classify(t, d).tier, "jobatlas")
    return ours, score(rows, keyword_baseline, "keyword baseline")


def mistakes(
    rows: Iterable[LabelledRow], classifier: Classifier | None = None
) -> list[tuple[LabelledRow, Tier, str]]:
    """Rows labelled core or none that the classifier gets wrong, with its tier and evidence."""
    model = classifier or default_classifier()
    wrong = []
    for row in rows:
        if row.label == "adjacent":
            continue
        result = model.classify(row.title, row.description)
        if (result.tier == "core") != (row.label == "core"):
            wrong.append((row, result.tier, "; ".join(result.evidence)))
    return wrong


def read_labels(path: str, encoding: str = "utf-8") -> list[LabelledRow]:
    """Read ``title``, ``label`` and (optional) ``description`` columns of a CSV."""
    header, rows = read_rows(path, ["title", "label"], encoding)
    has_description = "description" in header
    labelled = []
    for number, row in enumerate(rows, start=2):
        label = row["label"].strip().casefold()
        if label not in TIERS:
            raise InputError(
                f"{path}: line {number}: label {row['label']!r} is not one of {', '.join(TIERS)}",
                hint="fix the label or remove the row",
            )
        description = row["description"] if has_description and row["description"] else None
        labelled.append(LabelledRow(row["title"], description, label))
    return labelled
