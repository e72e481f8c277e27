"""Made-up postings in real cities on three continents, for report.html tests: the cities differ
in size, pay, employer spread and AI/ML share, so changing the weights reorders them. The hostile
postings of tests/hostile.py (Boston and Austin) come along, so the page shows hostile strings."""

from __future__ import annotations

import functools

import numpy as np

from hostile import hostile_postings
from jobatlas.api import Ranking, rank
from jobatlas.indicators.metrics import INDICATOR_NAMES
from jobatlas.indicators.rank import NORMALISATIONS, composite

#: city, AI/ML postings, other postings, distinct employers, salary text
CITIES = [
    ("San Francisco, CA", 60, 20, 14, "$180,000 - $230,000 a year"),
    ("New York, NY", 70, 60, 20, "$150,000 - $190,000 a year"),
    ("Seattle, WA", 36, 10, 5, "$170,000 - $210,000 a year"),
    ("London, United Kingdom", 40, 40, 10, "£70,000 - £90,000 a year"),
    ("Berlin, Germany", 30, 12, 9, "€65,000 - €80,000 a year"),
    ("Toronto, Canada", 28, 40, 7, "CA$110,000 - CA$130,000 a year"),
    ("Bengaluru, India", 45, 30, 12, ""),
]
TITLES = ("Machine Learning Engineer", "Data Scientist", "AI Research Scientist", "MLOps Engineer")


def world_postings() -> list[dict[str, str]]:
    rows = hostile_postings()
    # The hostile postings make Boston and Austin twins; these make them differ.
    for i in range(24):
        rows.append(
            {
                "title": "Data Scientist" if i % 2 else "Office Manager",
                "company": f"Boston Firm {i % 7}",
                "location": "Boston, MA",
                "salary_text": "$120,000 - $140,000 a year",
                "posted_at": f"2024-05-{1 + i:02d}",
                "url": f"https://jobs.example/boston/{i}",
            }
        )
    for c, (city, ai_ml, other, employers, salary) in enumerate(CITIES):
        for i in range(ai_ml + other):
            rows.append(
                {
                    "title": TITLES[i % len(TITLES)] if i < ai_ml else "Accountant",
                    # the first employer posts a share that differs from city to city
                    "company": f"Firm {c}-{0 if i % (c + 2) == 0 else i % employers}",
                    "location": city,
                    "salary_text": salary,
                    "posted_at": f"2024-{1 + i % 6:02d}-{1 + i % 28:02d}",
                    "url": f"https://jobs.example/{c}/{i}",
                }
            )
    return rows


@functools.cache
def world_ranking() -> Ranking:
    """The ranking of ``world_postings`` through the library API (no store), made once."""
    return rank(world_postings(), draws=100, seed=3, min_postings=10, min_employers=3)


def python_scores(ranking: Ranking, weights: list[float]) -> list[float]:
    """The baseline composite of the ranked metros (list order) at the inputs' ``weights``,
    computed by jobatlas.indicators, as the page must compute it."""
    result = ranking.result
    values = np.array(
        [[np.nan if m.indicators[n] is None else m.indicators[n] for n in INDICATOR_NAMES]
         for m in result.ranked]
    )  # fmt: skip
    s = result.settings
    method = np.array([NORMALISATIONS.index(s.normalisation)])
    scores = composite(
        values[None], result.structure, np.array(weights, dtype=float), method, s.aggregation,
        s.winsor,
    )  # fmt: skip
    return [float(v) for v in scores[0]]


def python_order(ranking: Ranking, weights: list[float]) -> list[str]:
    """Metro ids by that score, best first; a missing score last, ties in list order."""
    scores = python_scores(ranking, weights)
    ids = [m.metro_id for m in ranking.result.ranked]
    key = {
        i: (-v if v == v else float("inf"), j)
        for j, (i, v) in enumerate(zip(ids, scores, strict=True))
    }
    return sorted(ids, key=key.__getitem__)
