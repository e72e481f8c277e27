"""The composite index: profiles, winsorising, normalisation, aggregation and ranks.

Every function works on a stack of draws: indicator arrays are [draws, metros, K], so the
point estimate is simply a stack of one. The composite's inputs (single indicators or folds
of two) come from a ``Structure``. NaN marks a missing input; its weight is shared among the
metro's other inputs.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from jobatlas.errors import ConfigError
from jobatlas.indicators.metrics import INDICATOR_NAMES, FloatArray, IntArray
from jobatlas.indicators.structure import FOLD_NAMES

if TYPE_CHECKING:
    from jobatlas.indicators.structure import Structure

NORMALISATIONS: tuple[str, ...] = ("minmax", "zscore", "rank")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")


@dataclass(frozen=True)
class Profile:
    """Relative weights (summing to 1) per indicator or fold, and directions (+1 or -1) per
    indicator."""

    name: str
    description: str
    weights: dict[str, float]
    directions: dict[str, int]

    def direction_vector(self) -> FloatArray:
        return np.array([self.directions[n] for n in INDICATOR_NAMES], dtype=np.float64)


def _read_toml(path: Path | None) -> dict[str, Any]:
    where = str(path) if path else "profiles.toml (bundled)"
    try:
        if path is None:
            text = resources.files("jobatlas.data").joinpath("profiles.toml").read_text("utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc})") from exc


def load_profiles(extra: Path | None = None) -> dict[str, Profile]:
    """The bundled profiles, plus (and overridden by) those in ``extra``."""
    bundled = _read_toml(None)
    user = _read_toml(extra) if extra else {}
    directions = {**bundled.get("directions", {}), **user.get("directions", {})}
    tables = {**bundled.get("profiles", {}), **user.get("profiles", {})}
    return {name: _profile(name, body, directions) for name, body in tables.items()}


def load_profile(name: str, extra: Path | None = None) -> Profile:
    profiles = load_profiles(extra)
    if name not in profiles:
        raise ConfigError(
            f"no ranking profile {name!r}", hint=f"choose one of: {', '.join(sorted(profiles))}"
        )
    return profiles[name]


def _profile(name: str, body: dict[str, Any], base_directions: dict[str, Any]) -> Profile:
    weights = {str(k): float(v) for k, v in body.get("weights", {}).items()}
    directions = {**base_directions, **body.get("directions", {})}
    unknown = sorted((set(weights) - set(INDICATOR_NAMES) - set(FOLD_NAMES)) | (
        set(directions) - set(INDICATOR_NAMES)
    ))  # fmt: skip
    if unknown:
        dropped = " (remote_share was dropped: a remote posting has no city)" if (
            "remote_share" in unknown
        ) else ""  # fmt: skip
        raise ConfigError(
            f"profile {name!r}: unknown indicator(s) {', '.join(unknown)}{dropped}",
            hint=f"weights may name: {', '.join(INDICATOR_NAMES + FOLD_NAMES)}",
        )
    missing = [n for n in INDICATOR_NAMES if n not in directions]
    if missing or any(int(d) not in (1, -1) for d in directions.values()):
        raise ConfigError(f"profile {name!r}: every indicator needs a direction of 1 or -1")
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ConfigError(f"profile {name!r}: weights must be >= 0 and not all 0")
    total = sum(weights.values())
    return Profile(
        name=name,
        description=str(body.get("description", "")),
        weights={k: v / total for k, v in weights.items() if v > 0},
        directions={k: int(directions[k]) for k in INDICATOR_NAMES},
    )


# -- sorting helpers ----------------------------------------------------------------------


def average_ranks(x: FloatArray) -> FloatArray:
    """0-based ascending ranks along axis 1, ties averaged, NaN left NaN."""
    order = np.argsort(x, axis=1, kind="stable")
    s = np.take_along_axis(x, order, axis=1)
    n = x.shape[1]
    idx = np.broadcast_to(np.arange(n).reshape((1, n) + (1,) * (x.ndim - 2)), s.shape)
    new_run = np.ones(s.shape, dtype=bool)
    new_run[:, 1:] = s[:, 1:] != s[:, :-1]
    run_end = np.ones(s.shape, dtype=bool)
    run_end[:, :-1] = new_run[:, 1:]
    start = np.maximum.accumulate(np.where(new_run, idx, 0), axis=1)
    end = np.flip(np.minimum.accumulate(np.flip(np.where(run_end, idx, n - 1), 1), axis=1), 1)
    ranks = np.empty_like(x)
    np.put_along_axis(ranks, order, (start + end) / 2.0, axis=1)
    ranks[np.isnan(x)] = np.nan
    return ranks


def _sorted_quantile(s: FloatArray, valid: IntArray, q: float) -> FloatArray:
    """Quantile along axis 1 of NaN-last sorted data with ``valid`` values per column."""
    pos = q * np.maximum(valid - 1, 0)
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    frac = pos - lo
    low = np.take_along_axis(s, lo[:, None], axis=1)[:, 0]
    high = np.take_along_axis(s, hi[:, None], axis=1)[:, 0]
    return np.asarray(low * (1 - frac) + high * frac)


def winsorise(x: FloatArray, share: float) -> FloatArray:
    """Clip each [draw, :, indicator] column to its ``share`` and ``1 - share`` quantiles."""
    if share <= 0 or x.shape[1] < 3:
        return x
    s = np.sort(x, axis=1)
    valid = np.sum(~np.isnan(x), axis=1)
    lo = _sorted_quantile(s, valid, share)
    hi = _sorted_quantile(s, valid, 1 - share)
    return np.clip(x, lo[:, None], hi[:, None])


def normalise(x: FloatArray, method: str) -> FloatArray:
    """Min-max to [0, 100], z-scores, or percentile ranks in [0, 100]; higher is better.

    A column with no spread carries no information: every metro gets the midpoint.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "minmax":
            lo, hi = np.nanmin(_safe(x), axis=1), np.nanmax(_safe(x), axis=1)
            span = hi - lo
            out = 100 * (x - lo[:, None]) / np.where(span > 0, span, np.nan)[:, None]
            return np.where((span > 0)[:, None] | np.isnan(x), out, 50.0)
        if method == "zscore":
            mean = np.nanmean(_safe(x), axis=1)
            sd = np.nanstd(_safe(x), axis=1)
            out = (x - mean[:, None]) / np.where(sd > 0, sd, np.nan)[:, None]
            return np.where((sd > 0)[:, None] | np.isnan(x), out, 0.0)
        if method == "rank":
            valid = np.sum(~np.isnan(x), axis=1)
            ranks = average_ranks(x)
            out = 100 * ranks / np.where(valid > 1, valid - 1, np.nan)[:, None]
            return np.where((valid > 1)[:, None] | np.isnan(x), out, 50.0)
    raise ConfigError(f"unknown normalisation {method!r}", hint=f"use {', '.join(NORMALISATIONS)}")


def _safe(x: FloatArray) -> FloatArray:
    """Fill all-NaN columns with 0 so nan-reductions do not warn; they stay NaN in ``x``."""
    empty = np.all(np.isnan(x), axis=1, keepdims=True)
    return np.where(empty, 0.0, x)


def aggregation_terms(v: FloatArray, method: str) -> FloatArray:
    """What the weighted mean averages: the normalised values (arithmetic), or their logs after
    shifting each [draw, :, input] column so its minimum is 1 (geometric)."""
    if method == "arithmetic":
        return v
    if method == "geometric":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(np.log(v - np.nanmin(_safe(v), axis=1, keepdims=True) + 1.0))
    raise ConfigError(f"unknown aggregation {method!r}", hint=f"use {', '.join(AGGREGATIONS)}")


def weighted_mean(terms: FloatArray, weights: FloatArray) -> FloatArray:
    """[draws, metros]: the weighted mean over the available inputs (a missing input's weight
    is shared among the metro's others). ``weights`` is [draws, I] or [I]."""
    w = np.broadcast_to(weights, (terms.shape[0], terms.shape[2]))[:, None, :]
    w = np.where(np.isnan(terms), 0.0, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.sum(np.nan_to_num(terms) * w, axis=2) / w.sum(axis=2))


def aggregate(v: FloatArray, weights: FloatArray, method: str) -> FloatArray:
    """Weighted arithmetic or geometric mean over available inputs: [draws, metros].

    For the geometric mean each column is first shifted so its minimum is 1 (the mean needs
    positive values).
    """
    mean = weighted_mean(aggregation_terms(v, method), weights)
    return np.exp(mean) if method == "geometric" else mean


def normalised_inputs(
    x: FloatArray, structure: Structure, method: str, winsor: float
) -> FloatArray:
    """[draws, metros, I]: each input normalised, from indicators [draws, metros, K].

    Each indicator the inputs use is turned by its direction, winsorised and normalised; a fold
    is the mean of its members' normalised values (one member if the other is missing).
    """
    columns = structure.columns
    position = {k: j for j, k in enumerate(columns)}
    v = normalise(winsorise(x[..., columns] * structure.directions[columns], winsor), method)
    out = np.empty((*x.shape[:2], len(structure.inputs)))
    for i, inp in enumerate(structure.inputs):
        part = v[..., [position[k] for k in inp.members]]
        known = ~np.isnan(part)
        count = known.sum(axis=-1)
        total = np.where(known, part, 0.0).sum(axis=-1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[..., i] = np.where(count > 0, total / count, np.nan)
    return out


def composite(
    x: FloatArray,
    structure: Structure,
    weights: FloatArray,
    methods: IntArray,
    aggregation: str,
    winsor: float,
) -> FloatArray:
    """Scores [draws, metros] from indicators [draws, metros, K].

    ``methods`` gives each draw's normalisation as an index into ``NORMALISATIONS``;
    ``weights`` are the inputs' weights, [I] or [draws, I].
    """
    if x.shape[1] == 0:
        return np.empty(x.shape[:2])
    normalised = np.empty((*x.shape[:2], len(structure.inputs)))
    for code in np.unique(methods):
        rows = methods == code
        normalised[rows] = normalised_inputs(x[rows], structure, NORMALISATIONS[int(code)], winsor)
    w2 = np.atleast_2d(weights)
    return aggregate(normalised, w2 if w2.shape[0] > 1 else w2[0], aggregation)


def ranks_from_scores(scores: FloatArray) -> FloatArray:
    """1 = best; tied scores share the average rank; a NaN score ranks last."""
    filled = np.where(np.isnan(scores), -np.inf, scores)
    return 1.0 + average_ranks(-filled[..., None])[..., 0]


# -- agreement with another ranking ------------------------------------------------------


def spearman(x: FloatArray, y: FloatArray) -> float:
    """Spearman's rho: Pearson's correlation of the average ranks (NaN if undefined)."""
    if len(x) < 2:
        return float("nan")
    rx = average_ranks(np.asarray(x, dtype=float)[None, :])[0]
    ry = average_ranks(np.asarray(y, dtype=float)[None, :])[0]
    rx, ry = rx - rx.mean(), ry - ry.mean()
    denominator = np.sqrt(np.sum(rx**2) * np.sum(ry**2))
    return float(np.sum(rx * ry) / denominator) if denominator > 0 else float("nan")


def kendall_tau_b(x: FloatArray, y: FloatArray) -> float:
    """Kendall's tau-b, which corrects for ties in either ranking (NaN if undefined)."""
    n = len(x)
    if n < 2:
        return float("nan")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    upper = np.triu(np.ones((n, n), dtype=bool), k=1)
    dx = np.sign(x[:, None] - x[None, :])[upper]
    dy = np.sign(y[:, None] - y[None, :])[upper]
    pairs = upper.sum()
    untied_x, untied_y = pairs - np.sum(dx == 0), pairs - np.sum(dy == 0)
    denominator = np.sqrt(float(untied_x) * float(untied_y))
    return float(np.sum(dx * dy) / denominator) if denominator > 0 else float("nan")
