"""Tiers from pairwise comparisons over the Monte Carlo draws.

P(i above j) is the share of draws in which metro i's rank is strictly better (lower) than
metro j's; a tied rank counts for neither. Metros are taken in list order (median rank), and
the first opens tier 1. A metro joins the current tier only if no member of the tier is above
it, and it is above no member, in ``confidence`` (95%) or more of the draws; otherwise it
opens the next tier. So no two metros of one tier are told apart at that level, whichever
way, and in particular the tier's first metro is above every member in fewer than 95% of the
draws.
"""

from __future__ import annotations

import numpy as np

from jobatlas.indicators.metrics import FloatArray, IntArray


def p_above(ranks: FloatArray, i: int, others: IntArray | list[int]) -> FloatArray:
    """P(rank of i < rank of j) over the draws, for each j in ``others``."""
    return np.asarray((ranks[:, [i]] < ranks[:, others]).mean(axis=0), dtype=np.float64)


def assign_tiers(order: IntArray, ranks: FloatArray, confidence: float) -> IntArray:
    """Tier numbers (1 = first) for the metros (columns of ``ranks`` [draws, metros]), taken
    in ``order``."""
    tiers = np.zeros(ranks.shape[1], dtype=np.int64)
    by_order = np.ascontiguousarray(ranks[:, order].T)  # [metros in list order, draws]
    tier, start = 1, 0
    for k, m in enumerate(int(x) for x in order):
        if k > start:
            # The current tier's members are rows start..k-1; compare each with metro m.
            diff = by_order[start:k] - by_order[k]
            above, below = (diff < 0).mean(axis=1).max(), (diff > 0).mean(axis=1).max()
            if max(above, below) >= confidence:
                tier, start = tier + 1, k
        tiers[m] = tier
    return tiers


def p_above_next(order: IntArray, ranks: FloatArray) -> FloatArray:
    """For each metro, P(it is above the next metro in ``order``); NaN for the last."""
    out = np.full(ranks.shape[1], np.nan)
    if len(order) > 1:
        by_order = ranks[:, order]
        out[order[:-1]] = (by_order[:, :-1] < by_order[:, 1:]).mean(axis=0)
    return out
