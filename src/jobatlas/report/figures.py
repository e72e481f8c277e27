"""The article's figures: report.html's main charts drawn to SVG files by vl-convert.

Only charts of metro names and numbers are drawn (no string from postings), so the SVG holds
nothing a stranger wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jobatlas.errors import ConfigError, FileFormatError
from jobatlas.report import charts
from jobatlas.report.places import with_places

Report = dict[str, Any]

#: The width a figure is drawn at (the page's charts fit their container instead).
WIDTH = 720
FOLDER = "figures"


def figure_specs(report: Report) -> list[tuple[str, str, charts.Spec]]:
    """(file stem, alt text, spec) of each figure the report can draw."""
    report = with_places(report)
    found: list[tuple[str, str, charts.Spec | None]] = [
        ("map", "Map of the ranked cities, bubble size by AI/ML postings and colour by tier",
         charts.world_map(report, charts.world_outline())),
        ("ranks", "Median rank and rank interval of each ranked city, coloured by tier",
         charts.intervals(report)),
        ("salaries", "Posted salaries in USD of the listed cities: middle half and median",
         charts.salaries(report)),
    ]  # fmt: skip
    return [(stem, alt, {**spec, "width": WIDTH}) for stem, alt, spec in found if spec]


def write_figures(report: Report, out: Path) -> list[tuple[str, str]]:
    """Write ``out``/figures/*.svg; return (alt text, path relative to ``out``) of each, as
    ``markdown.article`` takes them."""
    try:
        import vl_convert
    except ImportError as exc:
        raise ConfigError(
            "the article's figures need the vl-convert-python package",
            hint="pip install 'jobatlas[report]'",
        ) from exc
    folder = out / FOLDER
    written = []
    for stem, alt, spec in figure_specs(report):
        path = folder / f"{stem}.svg"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(str(vl_convert.vegalite_to_svg(spec)), encoding="utf-8")
        except OSError as exc:
            raise FileFormatError(f"{path}: cannot write ({exc.strerror})") from exc
        written.append((alt, f"{FOLDER}/{stem}.svg"))
    return written
