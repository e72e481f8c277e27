"""report.html in a real browser: Debian's Chromium driven by Playwright (marker ``browser``).

The page is opened from ``file://`` with every other request blocked and recorded; the page
load and the checks are shared with the live server's tests (tests/browser_helpers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from world_postings import python_order, world_ranking

from browser_helpers import Visit, check_hostile_as_text, check_slider_reorders, launched_chromium
from jobatlas.report.export import ranking_dict
from jobatlas.report.html import write_html

pytestmark = pytest.mark.browser

RENDER_LIMIT_MS = 2000
VIEWPORTS = ((1280, 800), (390, 844))


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "report"
    world = world_ranking()
    write_html(world.result, ranking_dict(world.result, 9), out)
    return out


def _visit(page: Any, report_dir: Path) -> Visit:
    return Visit(page, (report_dir / "report.html").as_uri(), "file://")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launched_chromium()


@pytest.fixture
def visit(browser: Any, report_dir: Path) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield _visit(context.new_page(), report_dir)
    context.close()


@pytest.mark.timed
def test_the_page_loads_offline_without_errors_and_renders_in_time(
    browser: Any, report_dir: Path
) -> None:
    for width, height in VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height})
        v = _visit(context.new_page(), report_dir)
        assert v.outside == [], "the page tried to reach the network"
        assert v.errors == []
        assert v.render_ms < RENDER_LIMIT_MS
        shot = report_dir / f"screenshot-{width}x{height}.png"
        v.page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        (report_dir / f"render-ms-{width}x{height}.txt").write_text(f"{v.render_ms}\n")
        context.close()


def test_the_map_has_one_bubble_per_ranked_metro(visit: Visit) -> None:
    ranked = world_ranking().to_dict()["metros"]
    assert visit.map_marks() == len(ranked) >= 8


def test_a_slider_reorders_the_list_as_the_python_composite_does(visit: Visit) -> None:
    ranking = world_ranking()
    inputs = [i.name for i in ranking.result.structure.inputs]
    profile_order = [m.metro_id for m in ranking.result.ranked]
    check_slider_reorders(visit, inputs, profile_order, lambda w: python_order(ranking, w))


def test_hostile_strings_show_as_text(visit: Visit) -> None:
    check_hostile_as_text(visit, world_ranking().to_dict())
