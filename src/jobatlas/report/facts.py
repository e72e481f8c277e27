"""What the article and report.html both say: the headline, the glossary, the dominant country.

Built from the report dict alone (the content of ranking.json), so every number they print is
one of its values.
"""

from __future__ import annotations

from typing import Any

Report = dict[str, Any]

#: A country holding more than this share of the located AI/ML postings dominates the data:
#: the headline names it and the article adds the best cities outside it.
DOMINANT_PCT = 50

GLOSSARY = (
    "In plain words: each city's place comes from many re-runs of the ranking with the data "
    "resampled and the assumptions varied. Its median rank is its middle rank over those "
    "re-runs; its rank interval is the range it stays in apart from the extreme re-runs; a tier "
    "groups cities the re-runs cannot tell apart, and tier 1 holds the best."
)


def dominant_country(report: Report) -> Report | None:
    """The country entry of ``coverage`` holding most located AI/ML postings, if it dominates."""
    countries = [c for c in report["coverage"]["countries"] if c["country_code"]]
    if countries and (countries[0]["share_pct"] or 0) > DOMINANT_PCT:
        first: Report = countries[0]
        return first
    return None


def period(report: Report) -> str:
    """The years the postings were dated in: "2023" or "2022-2023"."""
    c = report["coverage"]
    first, last = (c["first_date"] or "")[:4], (c["last_date"] or "")[:4]
    if not first or not last:
        return ""
    return first if first == last else f"{first}\u2013{last}"


def listed(report: Report) -> list[Report]:
    """The metros the reports list, in order: ranking.json's ``listed`` positions (the first
    ``top``, at most ``max_per_country`` of one country when that was asked for)."""
    positions = report.get("listed")
    if positions is None:  # a ranking.json written before the key existed
        return list(report["metros"][: report["top"]])
    by_position = {m["position"]: m for m in report["metros"]}
    return [by_position[p] for p in positions]


def headline(report: Report) -> str:
    """The title, naming the data's coverage when one country dominates it."""
    top = report["top"]
    dominant = dominant_country(report)
    years = period(report)
    if dominant is None or not years:
        return str(report["title"])
    most = report.get("max_per_country")
    cap = f", at most {most} per country" if most else ""
    return (
        f"Top {top} cities for AI and Machine Learning jobs{cap} in {years} postings, "
        f"{dominant['share_pct']}% from {the_country(dominant['country'])}"
    )


def the_country(country: str) -> str:
    """ "the United States", "the United Kingdom", but "India"."""
    plural = ("United ", "Netherlands", "Philippines", "Czech Republic", "Republic of")
    return f"the {country}" if country.startswith(plural) else country


def outside(report: Report, limit: int = 5) -> tuple[Report | None, list[Report]]:
    """The dominant country, and the best-placed ranked cities outside it (up to ``limit``)."""
    dominant = dominant_country(report)
    if dominant is None:
        return None, []
    others = [m for m in report["metros"] if m["country_code"] != dominant["country_code"]]
    return dominant, others[:limit]


# -- what is notable about a city, against the other ranked cities ------------------------

#: The indicators a city's paragraph may lead with, and how a reader knows each. (HHI and the
#: PPP salary are left out: each is the jargon twin of one listed here.)
MEASURES = {
    "ai_ml_postings": "AI/ML postings",
    "ai_ml_share": "AI/ML share of postings",
    "ai_ml_per_million": "AI/ML postings per million residents",
    "salary_usd_median": "median posted salary",
    "employers": "employers hiring",
    "top3_share": "share held by the top three employers",
    "growth": "change in AI/ML share",
}


def places(report: Report, indicator: str) -> dict[str, int]:
    """metro_id -> 1 + the number of ranked metros doing strictly better on ``indicator``
    (by its direction), over the ranked metros that have a value."""
    sign = report["profile"]["directions"][indicator]
    values = {
        m["metro_id"]: sign * m["indicators"][indicator]
        for m in report["metros"]
        if m["indicators"][indicator] is not None
    }
    return {k: 1 + sum(o > v for o in values.values()) for k, v in values.items()}


def extremes(m: Report, report: Report) -> list[tuple[str, int, int]]:
    """The city's strongest and weakest measures as (indicator, place, of how many), best
    first; empty when no measure has at least three cities to compare."""
    found = []
    for indicator in MEASURES:
        table = places(report, indicator)
        if m["metro_id"] in table and len(table) >= 3:
            found.append((indicator, table[m["metro_id"]], len(table)))
    if not found:
        return []
    found.sort(key=lambda x: (x[1] / x[2], list(MEASURES).index(x[0])))
    best, worst = found[0], found[-1]
    return [best] if best == worst or worst[1] / worst[2] <= 0.5 else [best, worst]


def distinctive(m: Report, report: Report, key: str, field: str) -> list[str]:
    """Names in the city's top list ``key`` (field ``field``) that lead in no other listed city
    (among the first five of each)."""
    elsewhere = {
        str(x[field]).casefold()
        for other in listed(report)
        if other["metro_id"] != m["metro_id"]
        for x in other[key][:5]
    }
    return [str(x[field]) for x in m[key][:5] if str(x[field]).casefold() not in elsewhere]
