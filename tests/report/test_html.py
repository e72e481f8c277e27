"""report.html without a browser: self-contained, escaped, readable without JavaScript."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from world_postings import python_scores, world_ranking

from hostile import FORBIDDEN_CHARACTERS
from jobatlas.report.export import ranking_dict
from jobatlas.report.html import render_html, script_json, write_html
from jobatlas.report.places import display_name, place_fields

MAX_BYTES = 3 * 1024 * 1024


class Page(HTMLParser):
    """The parts of a page the tests look at: scripts, CSP, table rows, links, resources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.csp = ""
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.resources: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []
        self._in_ranking = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self._script, self._text = a, []
            if a.get("src"):
                self.resources.append(str(a["src"]))
        elif tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = str(a["content"])
        elif tag == "table" and a.get("id") == "ranking":
            self._in_ranking = True
        elif tag == "tr" and self._in_ranking:
            self.rows.append([])
        elif tag == "td" and self._in_ranking:
            self._cell = []
        elif tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        elif tag in ("link", "img", "iframe", "object", "embed", "source"):
            self.resources.append(str(a.get("href") or a.get("src")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None
        elif tag == "table":
            self._in_ranking = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Page]:
    out = tmp_path_factory.mktemp("report")
    world = world_ranking()
    path = write_html(world.result, ranking_dict(world.result, 5), out)
    text = path.read_text(encoding="utf-8")
    parsed = Page()
    parsed.feed(text)
    return text, parsed


def test_the_page_is_one_file_with_nothing_to_fetch(page: tuple[str, Page]) -> None:
    text, parsed = page
    assert len(text.encode("utf-8")) < MAX_BYTES
    assert parsed.resources == []
    assert "@import" not in text and "url(" not in text.split("<script")[0]
    for href in parsed.links:  # the only URLs: links to postings, http(s) only
        assert re.match(r"https?://", href), href


def test_the_csp_allows_exactly_the_inline_scripts(page: tuple[str, Page]) -> None:
    _, parsed = page
    assert "default-src 'none'" in parsed.csp and "connect-src" not in parsed.csp
    assert "unsafe-eval" not in parsed.csp
    executable = [body for attrs, body in parsed.scripts if attrs.get("type") is None]
    assert len(executable) == 2
    allowed = set(re.findall(r"'sha256-([^']+)'", parsed.csp))
    for body in executable:
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert digest in allowed


def test_no_string_from_postings_breaks_out(page: tuple[str, Page]) -> None:
    text, parsed = page
    assert len(parsed.scripts) == 3  # the JSON data, the Vega bundle, the page's script
    assert text.count("</script>") == 3
    assert "<script>alert" not in text and "<img src=x" not in text
    for char in FORBIDDEN_CHARACTERS:
        assert char not in text
    data = json.loads(next(b for a, b in parsed.scripts if a.get("id") == "jobatlas-data"))
    assert {"model", "charts"} <= set(data)


def test_script_json_cannot_close_its_element() -> None:
    hostile = {"t": "</script><script>alert(1)</script><!-- \u2028"}
    text = script_json(hostile)
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == hostile


def test_the_ranking_table_is_plain_html_in_list_order(page: tuple[str, Page]) -> None:
    _, parsed = page
    report = world_ranking().to_dict()
    body = [r for r in parsed.rows if r]
    assert [r[0] for r in body] == [str(m["position"]) for m in report["metros"]]
    names = [display_name(m["metro_id"], m["metro"]) for m in report["metros"]]
    assert [r[1] for r in body] == names
    assert [r[6] for r in body] == [str(m["score"]) for m in report["metros"]]


def test_the_coverage_panel_comes_before_the_list(page: tuple[str, Page]) -> None:
    text, _ = page
    assert text.index('id="coverage"') < text.index('id="ranking"')
    assert "AI/ML postings by country" in text and "Postings by source" in text


def test_the_slider_model_reproduces_the_python_scores() -> None:
    """The page's model holds the inputs and unrounded values the Python composite uses."""
    ranking = world_ranking()
    report = ranking.to_dict()
    weights = [i.weight for i in ranking.result.structure.inputs]
    scores = python_scores(ranking, weights)
    assert [round(s, 1) for s in scores] == [m["score"] for m in report["metros"]]


def test_a_report_of_another_ranking_is_refused() -> None:
    ranking = world_ranking()
    report = ranking.to_dict()
    report["metros"] = report["metros"][::-1]
    with pytest.raises(Exception, match="not of this ranking"):
        render_html(ranking.result, report)


def test_place_fields_give_known_names_and_coordinates() -> None:
    washington = place_fields("m4140963", "Washington")
    assert washington["display_name"] == "Washington, D.C."
    assert 38 < washington["latitude"] < 39.5 and -78 < washington["longitude"] < -76.5
    unknown = place_fields("syn-00", "Synthetic City")
    assert unknown == {"display_name": "Synthetic City", "latitude": None, "longitude": None}


def test_write_html_writes_beside_the_other_outputs(tmp_path: Path) -> None:
    world = world_ranking()
    path = write_html(world.result, ranking_dict(world.result, 3), tmp_path / "new")
    assert path == tmp_path / "new" / "report.html" and path.stat().st_size > 0


def test_the_article_embeds_figures_drawn_without_posting_strings(tmp_path: Path) -> None:
    from xml.etree import ElementTree

    from jobatlas.report.figures import write_figures
    from jobatlas.report.markdown import article

    report = world_ranking().to_dict()
    figures = write_figures(report, tmp_path)
    assert [path for _, path in figures] == [
        "figures/map.svg",
        "figures/ranks.svg",
        "figures/salaries.svg",
    ]
    for _, path in figures:
        svg = (tmp_path / path).read_text(encoding="utf-8")
        root = ElementTree.fromstring(svg)
        assert root.tag.endswith("svg")
        assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "foreignObject")]
        assert "evil" not in svg
    text = article(report, figures)
    intro_end = text.index("\n### ")
    for alt, path in figures:
        assert text.index(f"![{alt}]({path})") < intro_end


def test_without_vl_convert_the_page_and_figures_are_skipped_with_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobatlas.report import export

    monkeypatch.setattr(export, "has_charts", lambda: False)
    notes: list[str] = []
    paths = export.write_report(world_ranking().result, tmp_path, 3, note=notes.append)
    assert [p.name for p in paths] == ["article.md", "ranking.json", "ranking.csv"]
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "figures").exists()
    assert notes and "jobatlas[report]" in notes[0]
    assert "figures/" not in (tmp_path / "article.md").read_text(encoding="utf-8")


def test_max_per_country_lists_a_world_tour_without_changing_ranks() -> None:
    result = world_ranking().result
    full = ranking_dict(result, 10)
    tour = ranking_dict(result, 10, max_per_country=1)
    countries = [full["metros"][p - 1]["country_code"] for p in tour["listed"]]
    assert len(countries) == len(set(countries)) == tour["top"] > 1
    assert tour["listed"] == sorted(tour["listed"])  # best first, global positions kept
    assert tour["metros"] == full["metros"]  # the ranking itself is the same
    assert "at most 1 per country" in tour["title"]
    # every metro skipped ranks below the listed one of its country
    first_of = {full["metros"][p - 1]["country_code"]: p for p in tour["listed"]}
    for m in full["metros"][: tour["listed"][-1]]:
        assert m["position"] >= first_of[m["country_code"]]
    from jobatlas.report.markdown import article

    text = article(tour)
    assert all(f"{full['metros'][p - 1]['metro']}" in text for p in tour["listed"])


def test_a_prefetched_bundle_is_the_one_the_page_gets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("vl_convert")
    from jobatlas.report import html

    monkeypatch.setenv("JOBATLAS_CACHE_DIR", str(tmp_path))
    prefetch = html.prefetch_vega_bundle()
    assert prefetch is not None
    bundle = html.vega_bundle()  # waits for the prefetch rather than bundling twice
    assert prefetch.result() == bundle
    cached = list(tmp_path.glob("vega-bundle-*.js"))
    assert len(cached) == 1 and cached[0].read_text(encoding="utf-8") == bundle
    assert "vegaEmbed" in bundle
