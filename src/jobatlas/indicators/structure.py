"""Which indicators enter the composite and how: folds, correlations and constant inputs.

This is the JRC Handbook's correlation step. Pairs that measure one thing (``FOLDS``: postings
and employers, top-3 share and HHI, salary in USD and in PPP $) become one composite input when
a profile weights both, the mean of the two normalised values, so the composite does not count
one dimension twice; the report states each fold with its members' correlation across the
ranked metros. Every other pair of inputs with |r| > ``REDUNDANT_R`` is reported as redundant,
and every input with no spread across the ranked metros as constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from jobatlas.errors import ConfigError
from jobatlas.indicators.metrics import COLUMN, INDICATORS, FloatArray

if TYPE_CHECKING:
    from jobatlas.indicators.rank import Profile


@dataclass(frozen=True, slots=True)
class Fold:
    """Two indicators that measure one thing: a profile weighting both (or the fold's name)
    gets one composite input, the mean of the two normalised values (``structure``)."""

    name: str
    label: str
    members: tuple[str, str]
    reason: str


FOLDS: tuple[Fold, ...] = (
    Fold(
        "size",
        "Market size (AI/ML postings and employers)",
        ("ai_ml_postings", "employers"),
        "more AI/ML postings come from more employers: both measure the size of the market",
    ),
    Fold(
        "salary",
        "Median salary (USD and PPP $)",
        ("salary_usd_median", "salary_ppp_median"),
        "the same salaries converted two ways; they part only where price levels differ",
    ),
    Fold(
        "concentration",
        "Employer concentration (top-3 share and HHI)",
        ("top3_share", "hhi"),
        "both measure how much of the market its largest employers hold",
    ),
)
FOLD_NAMES: tuple[str, ...] = tuple(f.name for f in FOLDS)

REDUNDANT_R = 0.9
MIN_PAIRS = 3  # metros with both values needed for a correlation


@dataclass(frozen=True)
class Input:
    """One input of the composite: an indicator, or a fold of two (``members``: columns)."""

    name: str
    label: str
    members: tuple[int, ...]
    weight: float


@dataclass(frozen=True)
class FoldCheck:
    """A fold the profile uses, with its members' Pearson r across the ranked metros."""

    fold: Fold
    r: float | None


@dataclass(frozen=True)
class Structure:
    """The composite's inputs (weights summing to 1), directions per indicator, and checks."""

    inputs: tuple[Input, ...]
    directions: FloatArray  # [K], +1 or -1 per indicator
    folds: tuple[FoldCheck, ...]
    correlations: FloatArray  # [I, I] across the ranked metros; NaN where undefined
    constant: tuple[str, ...]
    redundant: tuple[tuple[str, str, float], ...]

    @property
    def weights(self) -> FloatArray:
        return np.array([i.weight for i in self.inputs], dtype=np.float64)

    @property
    def columns(self) -> list[int]:
        """The indicator columns the inputs use, ascending."""
        return sorted({k for i in self.inputs for k in i.members})

    def indicator_weights(self) -> dict[str, float]:
        """Each indicator's share of the weight: a fold's weight split equally (exact for the
        arithmetic mean when a metro has both members)."""
        out = dict.fromkeys((i.name for i in INDICATORS), 0.0)
        for inp in self.inputs:
            for k in inp.members:
                out[INDICATORS[k].name] += inp.weight / len(inp.members)
        return out


def pearson(x: FloatArray, y: FloatArray) -> float:
    """Pearson's r over the pairs where both are known; NaN with fewer than 3 or no spread."""
    both = ~np.isnan(x) & ~np.isnan(y)
    if both.sum() < MIN_PAIRS:
        return float("nan")
    a, b = x[both] - x[both].mean(), y[both] - y[both].mean()
    denominator = np.sqrt(np.sum(a * a) * np.sum(b * b))
    return float(np.sum(a * b) / denominator) if denominator > 0 else float("nan")


def correlation_matrix(values: FloatArray) -> FloatArray:
    """[K, K] Pearson r between the columns of ``values`` ([metros, K]), pairwise complete."""
    k = values.shape[1]
    out = np.eye(k)
    for a in range(k):
        for b in range(a + 1, k):
            out[a, b] = out[b, a] = pearson(values[:, a], values[:, b])
    return out


def _zscores(values: FloatArray) -> FloatArray:
    """Column z-scores over the known values (NaN stays NaN; no spread gives NaN)."""
    known = ~np.isnan(values)
    count = np.maximum(known.sum(axis=0), 1)
    filled = np.where(known, values, 0.0)
    mean = filled.sum(axis=0) / count
    sd = np.sqrt(np.where(known, (values - mean) ** 2, 0.0).sum(axis=0) / count)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((values - mean) / np.where(sd > 0, sd, np.nan))


def input_values(
    values: FloatArray, inputs: tuple[Input, ...], directions: FloatArray
) -> FloatArray:
    """[metros, I]: each input as the composite sees it before normalisation, for correlations:
    an indicator times its direction, a fold the mean of its members' z-scores."""
    out = np.full((values.shape[0], len(inputs)), np.nan)
    if values.shape[0] == 0:
        return out
    directed = values * directions
    for i, inp in enumerate(inputs):
        if len(inp.members) == 1:
            out[:, i] = directed[:, inp.members[0]]
            continue
        z = _zscores(directed[:, list(inp.members)])
        known = ~np.isnan(z)
        count = known.sum(axis=1)
        total = np.where(known, z, 0.0).sum(axis=1)
        out[:, i] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def build_structure(profile: Profile, values: FloatArray) -> Structure:
    """The inputs of ``profile`` and their checks on the ranked metros' values [metros, K]."""
    weights = dict(profile.weights)
    directions = profile.direction_vector()
    inputs: list[Input] = []
    checks: list[FoldCheck] = []
    taken: set[int] = set()
    for fold in FOLDS:
        members = tuple(COLUMN[m] for m in fold.members)
        member_weights = [weights.get(m, 0.0) for m in fold.members]
        total = weights.get(fold.name, 0.0) + sum(member_weights)
        if weights.get(fold.name, 0.0) == 0 and not all(w > 0 for w in member_weights):
            continue  # at most one member is weighted: nothing is counted twice
        if directions[members[0]] != directions[members[1]]:
            raise ConfigError(
                f"profile {profile.name!r}: {' and '.join(fold.members)} form the fold "
                f"{fold.name!r} but have opposite directions",
                hint="weight only one of them, or give both the same direction",
            )
        r = pearson(values[:, members[0]], values[:, members[1]])
        checks.append(FoldCheck(fold, None if np.isnan(r) else r))
        inputs.append(Input(fold.name, fold.label, members, total))
        taken.update(members)
    for k, ind in enumerate(INDICATORS):
        if k not in taken and weights.get(ind.name, 0.0) > 0:
            inputs.append(Input(ind.name, ind.label, (k,), weights[ind.name]))
    inputs.sort(key=lambda i: min(i.members))
    total_weight = sum(i.weight for i in inputs)
    inputs = [Input(i.name, i.label, i.members, i.weight / total_weight) for i in inputs]
    frozen = tuple(inputs)
    x = input_values(values, frozen, directions)
    corr = correlation_matrix(x)
    names = [i.name for i in frozen]
    redundant = tuple(
        (names[a], names[b], float(corr[a, b]))
        for a in range(len(names))
        for b in range(a + 1, len(names))
        if abs(corr[a, b]) > REDUNDANT_R
    )
    constant = tuple(n for n, col in zip(names, x.T, strict=True) if _no_spread(col))
    return Structure(frozen, directions, tuple(checks), corr, constant, redundant)


def _no_spread(column: FloatArray) -> bool:
    known = column[~np.isnan(column)]
    return len(known) >= 2 and bool(np.all(known == known[0]))
