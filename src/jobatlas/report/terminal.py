"""The ranking as a rich table, built from the same report dict as ranking.json.

Cells are ``Text`` made through ``sanitize.terminal_text``, so names and titles from postings
are never read as console markup and carry no control characters, on any rich console.
"""

from __future__ import annotations

from typing import Any

from rich.console import JustifyMethod
from rich.table import Table
from rich.text import Text

from jobatlas.report.facts import listed
from jobatlas.report.markdown import (
    ASSUMPTION_TEXT,
    DEFINITION_COLUMN,
    EN_DASH,
    index_text,
    number,
)
from jobatlas.sanitize import terminal_text

Report = dict[str, Any]
PROVISIONAL_MARK = "*"


def ranking_table(report: Report, top: int = 10) -> Table:
    """Rank, interval, tier, metro, country, the other definition's median rank and the key
    indicators of the top ``top`` metros; a provisional metro's position carries a ``*``."""
    table = Table(title=_plain(report["title"]), title_justify="left")
    other = DEFINITION_COLUMN[report["other_definition"]["definition"]]
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("#", "right"),
        ("Median rank", "right"),
        (f"5{EN_DASH}95%", "center"),
        ("Tier", "right"),
        ("Metro", "left"),
        ("Country", "left"),
        (other, "right"),
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
    for m in listed(report)[:top]:
        ind = m["indicators"]
        interval = f"{m['interval'][0]}{EN_DASH}{m['interval'][1]}" if m["interval"] else "-"
        cells = (
            f"{m['position']}{PROVISIONAL_MARK if m['provisional'] else ''}",
            number(m["median_rank"]) if m["median_rank"] is not None else str(m["rank"]),
            interval,
            str(m["tier"]) if m["tier"] is not None else "-",
            m["metro"],
            m["country_code"],
            other_rank(m["other_definition"]),
            number(ind["ai_ml_postings"]),
            f"{number(ind['ai_ml_share'])}%" if ind["ai_ml_share"] is not None else "-",
            number(ind["salary_usd_median"]) if ind["salary_usd_median"] is not None else "-",
            number(ind["employers"]),
            "; ".join(s["title"] for s in m["samples"][:2]),
        )
        table.add_row(*(_plain(cell) for cell in cells))
    return table


def other_rank(other: Report | None) -> str:
    """The other definition's median rank (its baseline rank without draws), or "-"."""
    if other is None:
        return "-"
    return number(other["median_rank"]) if other["median_rank"] is not None else str(other["rank"])


def _plain(text: str) -> Text:
    return Text(terminal_text(text))


def summary_lines(report: Report) -> list[str]:
    """Short lines to print under the table: what was ranked, on what, and what moved it."""
    c, s = report["coverage"], report["settings"]
    ranked, thin = number(c["metros_ranked"]), number(c["metros_not_enough_data"])
    other = report["other_definition"]
    lines = [
        f"{ranked} metros ranked, {thin} with not enough data (< {number(s['min_postings'])} "
        f"AI/ML postings or < {number(s['min_employers'])} employers); jobs counted: "
        f"{s['definition']}; profile {report['profile']['name']}, {number(s['draws'])} draws, "
        f"seed {s['seed']}.",
        f"data: {number(c['postings'])} postings, {c['first_date']} to {c['last_date']}, "
        f"{number(len(c['sources']))} source(s).",
        f"{DEFINITION_COLUMN[other['definition']]}: the median rank when counting "
        f"{other['definition']} jobs instead ({number(other['metros_ranked'])} metros ranked "
        "that way; - = not enough data).",
    ]
    if s["draws"]:
        lines.append(
            f"tiers: within a tier no metro ranks above another in >= "
            f"{number(s['tier_confidence_pct'])}% of draws."
        )
    if c["metros_provisional"]:
        lines.append(
            f"{PROVISIONAL_MARK} provisional: meets the thresholds in < "
            f"{number(s['provisional_below_pct'])}% of bootstrap draws "
            f"({number(c['metros_provisional'])} ranked metro(s)); see ranking.json."
        )
    lines.extend(sensitivity_lines(report))
    folds = report["structure"]["folds"]
    if folds:
        lines.append(
            "folded (one input each; r across the ranked metros): "
            + ", ".join(f"{f['name']} = {' + '.join(f['members'])} (r {_r(f['r'])})" for f in folds)
        )
    for pair in report["structure"]["redundant_pairs"]:
        lines.append(f"redundant inputs: {pair['a']} and {pair['b']} (r {_r(pair['r'])})")
    if report["structure"]["constant"]:
        lines.append(
            "no spread across ranked metros: " + ", ".join(report["structure"]["constant"])
        )
    growth = c["growth"]
    lines.append(f"growth: {'on' if growth['computed'] else 'off'}, {growth['reason']}")
    warned = [m for m in report["metros"] if m["warnings"]]
    if warned:
        lines.append(f"coverage warnings for {len(warned)} ranked metro(s): see ranking.json")
    return lines


def _r(value: float | int | None) -> str:
    return "n/a" if value is None else number(value)


def sensitivity_lines(report: Report) -> list[str]:
    sens = report["sensitivity"]
    if not sens["draws"]:
        return []
    parts = [
        f"{ASSUMPTION_TEXT[a]} {index_text(sens['first_order'][a], sens, a)} / "
        f"{index_text(sens['total_order'][a], sens, a)}"
        for a in sens["first_order"]
    ]
    return [
        f"sensitivity of ranks, first-order / total (95% interval; {number(sens['draws'])} "
        "draws): " + "; ".join(parts)
    ]
