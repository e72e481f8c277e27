"""report.html in a real browser: Debian's Chromium driven by Playwright (marker ``browser``).

The page is opened from ``file://`` with every other request blocked and recorded. Playwright
cannot download its own browser builds here, so the tests use /usr/bin/chromium (``apt-get
install chromium``) and skip, saying why, only when it or Playwright is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from world_postings import python_order, world_ranking

from jobatlas.report.export import ranking_dict
from jobatlas.report.html import write_html
from jobatlas.sanitize import one_line

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
RENDER_LIMIT_MS = 2000
VIEWPORTS = ((1280, 800), (390, 844))


def _browser_or_skip() -> Any:
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium: install it with `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("no Playwright: pip install 'jobatlas[report]'")
    return sync_playwright


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "report"
    world = world_ranking()
    write_html(world.result, ranking_dict(world.result, 9), out)
    return out


class Visit:
    """One page load: what the page logged and which requests it attempted."""

    def __init__(self, page: Any, report_dir: Path) -> None:
        self.page = page
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", self._route)
        page.goto((report_dir / "report.html").as_uri())
        page.wait_for_selector("html[data-rendered]", timeout=15_000)
        self.render_ms = int(page.evaluate("document.documentElement.dataset.rendered"))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def order(self) -> list[str]:
        return list(
            self.page.eval_on_selector_all(
                "#ranking tbody tr", "rs => rs.map(r => r.dataset.metro)"
            )
        )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def visit(browser: Any, report_dir: Path) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield Visit(context.new_page(), report_dir)
    context.close()


def test_the_page_loads_offline_without_errors_and_renders_in_time(
    browser: Any, report_dir: Path
) -> None:
    for width, height in VIEWPORTS:
        context = browser.new_context(viewport={"width": width, "height": height})
        v = Visit(context.new_page(), report_dir)
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
    bubbles = visit.page.locator("#chart-map g.bubbles_marks path")
    assert bubbles.count() == len(ranked) >= 8


def test_a_slider_reorders_the_list_as_the_python_composite_does(visit: Visit) -> None:
    ranking = world_ranking()
    inputs = [i.name for i in ranking.result.structure.inputs]
    profile_order = [m.metro_id for m in ranking.result.ranked]
    assert visit.order() == profile_order
    changes = ({"salary": "100", "size": "0"}, {"concentration": "80", "ai_ml_share": "0"})
    for change in changes:
        for name, value in change.items():
            visit.page.locator(f"#weight-{name}").fill(value)
        weights = [float(visit.page.input_value(f"#weight-{n}")) for n in inputs]
        expected = python_order(ranking, weights)
        assert expected != profile_order  # the change matters, so the test can fail
        assert visit.order() == expected
    visit.page.click("#weights-reset")
    assert visit.order() == profile_order


def test_hostile_strings_show_as_text(visit: Visit) -> None:
    report = world_ranking().to_dict()
    page = visit.page
    assert page.locator("main script, main img, main iframe, main object").count() == 0
    shown = page.inner_text("main")
    companies = {one_line(s["company"]) for m in report["metros"][:9] for s in m["samples"][:3]}
    hostile = [c for c in companies if "<" in c or "=" in c]
    assert hostile, "the fixture should show hostile employers"
    for company in hostile:
        assert company in shown
    for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
        assert href.startswith(("https://", "http://"))
