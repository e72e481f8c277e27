"""The ranking as a rich table, built from the same report dict as ranking.json.

Cells are ``Text`` made through ``sanitize.terminal_text``, so names and titles from postings
are never read as console markup and carry no control characters, on any rich console.
"""

from __future__ import annotations

from typing import Any

from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

from jobatlas.report.markdown import ASSUMPTION_TEXT, EN_DASH, number
from jobatlas.sanitize import terminal_text

Report = dict[str, Any]


def ranking_table(report: Report, top: int = 10) -> Table:
    """Rank, interval, tier, metro, country and the key indicators of the top ``top`` metros."""
    table = Table(title=_plain(report["title"]), title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"),
        ("Median rank", "right"),
        (f"5{EN_DASH}95%", "center"),
        ("Tier", "right"),
        ("Metro", "left"),
        ("Country", "left"),
        ("AI/ML posts", "right"),
        ("AI/ML share", "right"),
        ("Median USD", "right"),
        ("Employers", "right"),
    )
    for name, justify in columns:
        width = 16 if name == "Metro" else max(len(name), 3)
        table.add_column(name, justify=justify, no_wrap=True, min_width=width)
    # One line per metro: long titles are cut with an ellipsis, never wrapped.
    table.add_column("Sample titles", no_wrap=True, overflow="ellipsis", max_width=50)
    for m in report["metros"][:top]:
        ind = m["indicators"]
        interval = f"{m['interval'][0]}{EN_DASH}{m['interval'][1]}" if m["interval"] else "-"
        cells = (
            str(m["position"]),
            number(m["median_rank"]) if m["median_rank"] is not None else str(m["rank"]),
            interval,
            str(m["tier"]) if m["tier"] is not None else "-",
            m["metro"],
            m["country_code"],
            number(ind["ai_ml_postings"]),
            f"{number(ind['ai_ml_share'])}%" if ind["ai_ml_share"] is not None else "-",
            number(ind["salary_usd_median"]) if ind["salary_usd_median"] is not None else "-",
            number(ind["employers"]),
            "; ".join(s["title"] for s in m["samples"][:2]),
        )
        table.add_row(*(_plain(cell) for cell in cells))
    return table


def _plain(text: str) -> Text:
    return Text(terminal_text(text))


def summary_lines(report: Report) -> list[str]:
    """Short lines to print under the table: what was ranked, on what, and what moved it."""
    c, s = report["coverage"], report["settings"]
    ranked, thin = number(c["metros_ranked"]), number(c["metros_not_enough_data"])
    lines = [
        f"{ranked} metros ranked, {thin} with not enough data (< {number(s['min_postings'])} "
        f"AI/ML postings or < {number(s['min_employers'])} employers); profile "
        f"{report['profile']['name']}, {number(s['draws'])} draws, seed {s['seed']}.",
        f"data: {number(c['postings'])} postings, {c['first_date']} to {c['last_date']}, "
        f"{number(len(c['sources']))} source(s).",
    ]
    sens = report["sensitivity"]
    if sens["most_influential"]:
        lines.append(
            "first-order sensitivity of ranks: "
            + ", ".join(f"{ASSUMPTION_TEXT[k]} {number(v)}" for k, v in sens["first_order"].items())
        )
    warned = [m for m in report["metros"] if m["warnings"]]
    if warned:
        lines.append(f"coverage warnings for {len(warned)} ranked metro(s): see ranking.json")
    return lines
