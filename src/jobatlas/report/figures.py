"""The article's figures: report.html's main charts drawn to SVG files by vl-convert.

Only charts of metro names and numbers are drawn (no string from postings), so the SVG holds
nothing a stranger wrote.

vl-convert holds the GIL while its engine starts (about 0.3 s) and while it draws, so
``jobatlas run`` starts it in a helper process at the beginning (``start_helper``), where
it is ready by the time the figures are drawn, beside the main process.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from jobatlas.errors import ConfigError, FileFormatError
from jobatlas.helper import Helper, Pending, shared
from jobatlas.report import charts
from jobatlas.report.places import with_places

Report = dict[str, Any]

#: The width a figure is drawn at (the page's charts fit their container instead).
WIDTH = 720
FOLDER = "figures"

_WARM: list[Helper] = []  # the helper processes already told to start vl-convert


def start_helper() -> Helper:
    """The helper process (``helper.shared``), told to start vl-convert's engine if it was
    not yet: figures drawn after this call are drawn there."""
    helper = shared()
    if helper not in _WARM:
        _WARM[:] = [helper]
        helper.submit(warm_up)
    return helper


def warm_up() -> None:
    """Start vl-convert's engine by drawing a small chart of the marks the figures use (a map
    shape, circles, bars, rules, text, axes and a title): the first figure drawn after an
    empty chart still paid about 0.05 s for them (benchmarks/README.md)."""
    import vl_convert

    vl_convert.vegalite_to_svg(_warm_up_spec())


def _warm_up_spec() -> charts.Spec:
    shape = {"type": "Polygon", "coordinates": [[[0, 0], [10, 0], [10, 10], [0, 0]]]}
    rows = [{"name": "Zürich", "value": 1, "low": 0, "high": 2}]
    axes = {
        "y": {"field": "name", "type": "nominal", "title": "Metro"},
        "x": {"field": "value", "type": "quantitative", "title": "Rank"},
    }
    return {
        "vconcat": [
            {
                "projection": {"type": "equalEarth"},
                "layer": [
                    {
                        "mark": "geoshape",
                        "data": {"values": [{"type": "Feature", "geometry": shape}]},
                    },
                    {
                        "mark": "circle",
                        "data": {"values": [{"lon": 1, "lat": 1, "n": 3}]},
                        "encoding": {
                            "longitude": {"field": "lon", "type": "quantitative"},
                            "latitude": {"field": "lat", "type": "quantitative"},
                            "size": {"field": "n", "type": "quantitative"},
                        },
                    },
                ],
            },
            {"mark": "bar", "title": "Warm-up", "data": {"values": rows}, "encoding": axes},
            {
                "mark": "rule",
                "data": {"values": rows},
                "encoding": {**axes, "x": {**axes["x"], "field": "low"}, "x2": {"field": "high"}},
            },
            {
                "mark": {"type": "text", "align": "left"},
                "data": {"values": rows},
                "encoding": {"text": {"field": "name"}, "y": axes["y"]},
            },
        ]
    }


def svg(spec: charts.Spec) -> str:
    """``spec`` drawn as SVG text."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec))


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
    drawing = Drawing(report, out)
    drawing.write()
    return drawing.listed


class Drawing:
    """The figures of ``report`` being drawn: in the helper process if ``start_helper`` was
    called, while the caller writes the other files (``listed`` is known at once), else here;
    ``write`` writes them into ``out``/figures."""

    def __init__(self, report: Report, out: Path) -> None:
        if importlib.util.find_spec("vl_convert") is None:
            raise ConfigError(
                "the article's figures need the vl-convert-python package",
                hint="pip install 'jobatlas[report]'",
            )
        specs = figure_specs(report)
        self._folder = out / FOLDER
        self._stems = [stem for stem, _, _ in specs]
        self.listed = [(alt, f"{FOLDER}/{stem}.svg") for stem, alt, _ in specs]
        """(alt text, path relative to ``out``) of each figure."""
        self._drawn: list[Pending[str] | str] = (
            [_WARM[0].submit(svg, spec) for _, _, spec in specs]
            if _WARM
            else [svg(spec) for _, _, spec in specs]
        )

    def write(self) -> None:
        for stem, text in zip(self._stems, self._drawn, strict=True):
            path = self._folder / f"{stem}.svg"
            try:
                self._folder.mkdir(parents=True, exist_ok=True)
                path.write_text(text if isinstance(text, str) else text.result(), encoding="utf-8")
            except OSError as exc:
                raise FileFormatError(f"{path}: cannot write ({exc.strerror})") from exc
