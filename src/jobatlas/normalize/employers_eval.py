"""Scores of the employer normaliser on labelled name pairs, and its effect on the bundled data.

The labelled set (``tests/data/employer_pairs.csv``) has the columns ``name_a``, ``name_b``,
``same`` (1 when both names are the same employer, 0 when not), ``source`` (``bundled``: both
names are ``company_name`` values of the bundled Google Jobs 2023 postings; ``constructed``: the
forms used by international job boards and registries - GmbH, SAS, Pvt Ltd, 株式会社, 有限公司,
Ltda - for real employers), ``split`` and ``note``. Labels are hand judgements; "same employer"
follows the policy in ``data/employer_aliases.csv`` (a parent brand followed by a division,
regional or legal entity is the parent; separately listed or differently branded companies are
not). Pairs whose sameness could not be judged from public knowledge were left out.

The split was frozen before any rule was written: a pair is ``blind`` when the first 8 hex
digits of SHA-256 of ``name_a + TAB + name_b``, as an integer, modulo 100 are below 35, else
``dev``. Rules were tuned on dev misses only.

Scores, over pairs: precision = of the pairs predicted same, the share labelled same; recall =
of the pairs labelled same, the share predicted same. A pair is predicted same when both names
have a key and the keys are equal.

Run ``jobatlas eval employers [PAIRS.csv] [--misses dev|blind|all]``.
"""

from __future__ import annotations

import csv
import gzip
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jobatlas.normalize.employers import employer_key, group_employers

__all__ = [
    "BASELINES",
    "Merge",
    "MergeReport",
    "Pair",
    "Scores",
    "bundled_employer_counts",
    "exact_key",
    "grouped_key",
    "lower_strip_key",
    "merge_report",
    "names_per_second",
    "read_pairs",
    "score",
]

KeyFunction = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Pair:
    name_a: str
    name_b: str
    same: bool
    source: str
    split: str
    note: str


@dataclass(frozen=True, slots=True)
class Scores:
    name: str
    true_positives: int
    false_positives: int
    false_negatives: int
    true_negatives: int
    false_merges: tuple[Pair, ...]
    missed: tuple[Pair, ...]

    @property
    def pairs(self) -> int:
        return (
            self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
        )

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 0.0


def read_pairs(path: str | Path) -> list[Pair]:
    """Rows of a labelled pairs CSV (see the module docstring)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pairs = []
    for number, row in enumerate(rows, start=2):
        same = (row.get("same") or "").strip()
        if same not in ("0", "1"):
            raise ValueError(f"{path}: line {number}: same must be 0 or 1, not {same!r}")
        pairs.append(
            Pair(
                row["name_a"],
                row["name_b"],
                same == "1",
                (row.get("source") or "").strip(),
                (row.get("split") or "").strip(),
                (row.get("note") or "").strip(),
            )
        )
    return pairs


def exact_key(name: str) -> str | None:
    """Baseline: the raw string."""
    return name or None


def lower_strip_key(name: str) -> str | None:
    """Baseline: lower case, surrounding spaces removed (what the indicators did before)."""
    return name.strip().lower() or None


BASELINES: dict[str, KeyFunction] = {"exact string": exact_key, "lower + strip": lower_strip_key}


def score(pairs: Iterable[Pair], key: KeyFunction = employer_key, name: str = "jobatlas") -> Scores:
    """Pairwise precision and recall of ``key`` (two names are the same when their keys match)."""
    tp = fp = fn = tn = 0
    false_merges: list[Pair] = []
    missed: list[Pair] = []
    for pair in pairs:
        a, b = key(pair.name_a), key(pair.name_b)
        predicted = a is not None and a == b
        if predicted and pair.same:
            tp += 1
        elif predicted:
            fp += 1
            false_merges.append(pair)
        elif pair.same:
            fn += 1
            missed.append(pair)
        else:
            tn += 1
    return Scores(name, tp, fp, fn, tn, tuple(false_merges), tuple(missed))


def grouped_key(pairs: Iterable[Pair], counts: Counter[str] | None = None) -> KeyFunction:
    """The key ``group_employers`` gives each name when the pair names join ``counts``.

    ``counts`` defaults to the bundled data's employer names: the pairs are judged as the
    pipeline would group them on that data, both names of every pair being present.
    """
    corpus: Counter[str] = Counter(bundled_employer_counts() if counts is None else counts)
    for pair in pairs:
        corpus[pair.name_a] += 1
        corpus[pair.name_b] += 1
    groups = group_employers(corpus)

    def key(name: str) -> str | None:
        employer = groups.get(name)
        return None if employer is None else employer.key

    return key


def bundled_employer_counts(path: str | Path | None = None) -> Counter[str]:
    """Postings per raw ``company_name`` in the bundled Google Jobs 2023 extract."""
    if path is None:
        from jobatlas.bundled import bundled_postings

        path = bundled_postings()
    counts: Counter[str] = Counter()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row.get("company_name")
            if name:
                counts[name] += 1
    return counts


@dataclass(frozen=True, slots=True)
class Merge:
    key: str
    display: str
    postings: int
    spellings: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class MergeReport:
    raw_names: int
    keys: int
    lower_strip_names: int
    merges: tuple[Merge, ...]  # keys with more than one raw spelling, most postings first


def merge_report(counts: Counter[str], *, grouped: bool = True) -> MergeReport:
    """How many distinct employers the bundled data has before and after canonicalisation.

    With ``grouped`` the keys are those of ``group_employers`` on all names; without, those of
    ``employer_key`` name by name (the display names come from ``group_employers`` either way).
    """
    employers = group_employers(counts)
    display = {raw: e.name for raw, e in employers.items()}
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for raw, n in counts.items():
        key = employers[raw].key if grouped and raw in employers else employer_key(raw)
        if key is not None:
            groups[key].append((raw, n))
    merges = []
    for key, spellings in groups.items():
        if len(spellings) > 1:
            ordered = tuple(sorted(spellings, key=lambda s: (-s[1], s[0])))
            merges.append(Merge(key, display[ordered[0][0]], sum(n for _, n in spellings), ordered))
    merges.sort(key=lambda m: (-(m.postings - m.spellings[0][1]), -m.postings, m.key))
    lower = {lower_strip_key(raw) for raw in counts} - {None}
    return MergeReport(len(counts), len(groups), len(lower), tuple(merges))


def names_per_second(names: Sequence[str], key: KeyFunction = employer_key) -> float:
    """Throughput of ``key`` on distinct names, caches cleared first (a cold run)."""
    from jobatlas.normalize import employers

    employers._canonical.cache_clear()
    key("warm-up Inc.")  # loads cleanco, pycountry and the alias table once
    employers._canonical.cache_clear()
    start = time.perf_counter()
    for name in names:
        key(name)
    elapsed = time.perf_counter() - start
    return len(names) / elapsed if elapsed else float("inf")
