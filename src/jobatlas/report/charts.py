"""Vega-Lite specifications of the report's charts, built from the report dict.

Each function returns a plain Vega-Lite v6 spec (a dict) with its data inline, so report.html
can render it offline and article.md's figures can be drawn by vl-convert from the same spec.
Strings from postings (employers, skills, titles) enter the data through ``sanitize.one_line``
and are shortened; Vega draws them as SVG text, never as markup.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from jobatlas.report.facts import listed
from jobatlas.sanitize import one_line

Spec = dict[str, Any]
Report = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
#: Longest string from postings that a chart shows (a hostile title can be 100,000 characters).
MAX_LABEL = 60
TIER_SCHEME = "category10"


def label(text: object, limit: int = MAX_LABEL) -> str:
    """Text from postings as a chart label: one line, controls visible, at most ``limit``."""
    plain = one_line(str(text))
    return plain if len(plain) <= limit else plain[: limit - 1] + "\u2026"


def name(m: Report) -> str:
    return str(m.get("display_name") or m["metro"])


def _tier_color() -> Spec:
    return {
        "field": "tier",
        "type": "ordinal",
        "title": "Tier",
        "scale": {"scheme": TIER_SCHEME},
    }


def _base(description: str) -> Spec:
    return {
        "$schema": SCHEMA,
        "description": description,
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
    }


def intervals(report: Report) -> Spec | None:
    """Every ranked metro: its median rank as a dot on its 5-95% rank interval, by tier."""
    if not report["metros"]:
        return None
    rows = [
        {
            "position": m["position"],
            "city": label(name(m)),
            "median_rank": m["median_rank"] if m["median_rank"] is not None else m["rank"],
            "low": m["interval"][0] if m["interval"] else m["rank"],
            "high": m["interval"][1] if m["interval"] else m["rank"],
            "tier": m["tier"] if m["tier"] is not None else 1,
        }
        for m in report["metros"]
    ]
    low, high = report["settings"]["interval_pct"]
    y = {
        "field": "city",
        "type": "nominal",
        "sort": {"field": "position"},
        "title": None,
    }
    tooltip = [
        {"field": "city", "title": "City"},
        {"field": "median_rank", "title": "Median rank"},
        {"field": "low", "title": f"Rank at {low}%"},
        {"field": "high", "title": f"Rank at {high}%"},
        {"field": "tier", "title": "Tier"},
    ]
    return {
        **_base(f"Median rank and {low}-{high}% rank interval of each ranked city"),
        "width": "container",
        "height": 16 * len(rows),
        "data": {"values": rows},
        "encoding": {"y": y, "color": _tier_color(), "tooltip": tooltip},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 3, "opacity": 0.6},
                "encoding": {
                    "x": {"field": "low", "type": "quantitative", "title": "Rank (1 = best)"},
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 60},
                "encoding": {"x": {"field": "median_rank", "type": "quantitative"}},
            },
        ],
    }


def world_outline() -> Spec:
    """The bundled Natural Earth 110m country outlines (data/WORLD_110M_NOTICE)."""
    import json

    text = resources.files("jobatlas.data").joinpath("world_110m.json").read_text("utf-8")
    outline: Spec = json.loads(text)
    return outline


def world_map(report: Report, outline: Spec) -> Spec | None:
    """One bubble per ranked metro with coordinates: size AI/ML postings, colour tier."""
    rows = [
        {
            "position": m["position"],
            "city": label(name(m)),
            "country": label(m["country"]),
            "latitude": m["latitude"],
            "longitude": m["longitude"],
            "postings": m["indicators"]["ai_ml_postings"],
            "median_rank": m["median_rank"] if m["median_rank"] is not None else m["rank"],
            "salary": m["indicators"]["salary_usd_median"],
            "tier": m["tier"] if m["tier"] is not None else 1,
        }
        for m in report["metros"]
        if m.get("latitude") is not None and m.get("longitude") is not None
    ]
    if not rows:
        return None
    return {
        **_base("World map of the ranked cities; bubble size is the number of AI/ML postings"),
        "width": "container",
        "height": 380,
        "projection": {"type": "equalEarth"},
        "layer": [
            {
                "data": {"values": outline["features"]},
                "mark": {"type": "geoshape", "fill": "#e4e4e4", "stroke": "#ffffff"},
            },
            {
                "name": "bubbles",
                "data": {"values": rows},
                "mark": {"type": "circle", "opacity": 0.75, "stroke": "#333", "strokeWidth": 0.5},
                "encoding": {
                    "longitude": {"field": "longitude", "type": "quantitative"},
                    "latitude": {"field": "latitude", "type": "quantitative"},
                    "size": {
                        "field": "postings",
                        "type": "quantitative",
                        "title": "AI/ML postings",
                        "scale": {"range": [30, 900]},
                    },
                    "color": _tier_color(),
                    "tooltip": [
                        {"field": "city", "title": "City"},
                        {"field": "country", "title": "Country"},
                        {"field": "position", "title": "Place in the list"},
                        {"field": "median_rank", "title": "Median rank"},
                        {"field": "postings", "title": "AI/ML postings"},
                        {"field": "salary", "title": "Median salary (USD)", "format": ","},
                    ],
                },
            },
        ],
    }


def salaries(report: Report) -> Spec | None:
    """The listed cities' posted salaries in USD: middle half as a bar, median as a tick."""
    rows = [
        {
            "position": m["position"],
            "city": label(name(m)),
            "median": m["indicators"]["salary_usd_median"],
            "p25": m["salary"]["usd_p25"],
            "p75": m["salary"]["usd_p75"],
            "n": m["salary"]["n"],
        }
        for m in listed(report)
        if m["indicators"]["salary_usd_median"] is not None
    ]
    if not rows:
        return None
    y = {"field": "city", "type": "nominal", "sort": {"field": "position"}, "title": None}
    tooltip = [
        {"field": "city", "title": "City"},
        {"field": "median", "title": "Median (USD)", "format": ","},
        {"field": "p25", "title": "25th percentile (USD)", "format": ","},
        {"field": "p75", "title": "75th percentile (USD)", "format": ","},
        {"field": "n", "title": "Salaries"},
    ]
    return {
        **_base("Posted annual salaries in USD: middle half and median per city"),
        "width": "container",
        "height": 22 * len(rows),
        "data": {"values": rows},
        "encoding": {"y": y, "tooltip": tooltip},
        "layer": [
            {
                "mark": {"type": "bar", "height": 12, "color": "#9ecae1"},
                "encoding": {
                    "x": {
                        "field": "p25",
                        "type": "quantitative",
                        "title": "Annual salary (USD)",
                        "axis": {"format": "~s"},
                    },
                    "x2": {"field": "p75"},
                },
            },
            {
                "mark": {"type": "tick", "thickness": 3, "size": 16, "color": "#08519c"},
                "encoding": {"x": {"field": "median", "type": "quantitative"}},
            },
        ],
    }


def _bars(rows: list[dict[str, Any]], title: str) -> Spec:
    return {
        "title": title,
        "width": 220,
        "height": {"step": 16},
        "data": {"values": rows},
        "mark": {"type": "bar", "color": "#6baed6"},
        "encoding": {
            "y": {"field": "name", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "postings", "type": "quantitative", "title": "AI/ML postings"},
            "tooltip": [
                {"field": "name", "title": title},
                {"field": "postings", "title": "AI/ML postings"},
            ],
        },
    }


def _months(m: Report) -> Spec | None:
    rows = [
        {"month": r["month"], "postings": r["ai_ml_postings"]}
        for r in m.get("monthly_postings", [])
    ]
    if not rows:
        return None
    return {
        "title": "AI/ML postings per month",
        "width": 220,
        "height": 120,
        "data": {"values": rows},
        "mark": {"type": "bar", "color": "#6baed6"},
        "encoding": {
            "x": {"field": "month", "type": "ordinal", "title": None},
            "y": {"field": "postings", "type": "quantitative", "title": "AI/ML postings"},
            "tooltip": [
                {"field": "month", "title": "Month"},
                {"field": "postings", "title": "AI/ML postings"},
            ],
        },
    }


def city_profile(m: Report) -> Spec | None:
    """A listed city's top employers, most named skills and postings per month, side by side."""
    employers = [
        {"name": label(e["name"], 32), "postings": e["postings"]} for e in m["top_employers"][:8]
    ]
    skills = [
        {"name": label(s["skill"], 32), "postings": s["postings"]} for s in m["top_skills"][:8]
    ]
    parts = [
        _bars(rows, title)
        for rows, title in ((employers, "Top employers"), (skills, "Skills named"))
        if rows
    ]
    months = _months(m)
    if months is not None:
        parts.append(months)
    if not parts:
        return None
    return {
        **_base(f"Top employers, skills and postings per month of {label(name(m))}"),
        "hconcat": parts,
    }
