"""What the browser tests of report.html share, whether the page comes from a file or from
`jobatlas serve`: Debian's Chromium through Playwright, a page load that records console
errors and blocks every request outside the page's own origin, and the checks themselves.

Playwright cannot download its own browser builds here, so the tests use /usr/bin/chromium
(``apt-get install chromium``) and skip, saying why, only when it or Playwright is missing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jobatlas.sanitize import one_line

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def browser_or_skip() -> Any:
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium: install it with `apt-get install -y chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("no Playwright: pip install 'jobatlas[report]'")
    return sync_playwright


def launched_chromium() -> Iterator[Any]:
    """A headless Chromium for a module's tests (a generator for a fixture)."""
    sync_playwright = browser_or_skip()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


class Visit:
    """One page load of ``url``: what the page logged, and which requests it attempted
    outside ``origin`` (each blocked)."""

    def __init__(self, page: Any, url: str, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", self._route)
        page.goto(url)
        page.wait_for_selector("html[data-rendered]", timeout=15_000)
        self.render_ms = int(page.evaluate("document.documentElement.dataset.rendered"))

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.origin):
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

    def map_marks(self) -> int:
        count: int = self.page.locator("#chart-map g.bubbles_marks path").count()
        return count


def check_slider_reorders(
    visit: Visit, inputs: list[str], profile_order: list[str], predict: Callable[..., list[str]]
) -> None:
    """Moving sliders re-orders the table as ``predict(weights)`` (Python) says, and the
    reset button brings back ``profile_order``."""
    assert visit.order() == profile_order
    changes = ({"salary": "100", "size": "0"}, {"concentration": "80", "ai_ml_share": "0"})
    for change in changes:
        for name, value in change.items():
            visit.page.locator(f"#weight-{name}").fill(value)
        weights = [float(visit.page.input_value(f"#weight-{n}")) for n in inputs]
        expected = predict(weights)
        assert expected != profile_order  # the change matters, so the test can fail
        assert visit.order() == expected
    visit.page.click("#weights-reset")
    assert visit.order() == profile_order


def check_hostile_as_text(visit: Visit, report: dict[str, Any]) -> None:
    """The hostile employers shown in the report's samples appear as text, with no markup
    of theirs in the page and only http(s) links."""
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
