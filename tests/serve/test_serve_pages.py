"""The pages: the live report, a metro with its postings, a posting with its evidence;
hostile strings from postings show as text on each; static files stay in their folder."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI

from conftest import call
from hostile import FORBIDDEN_CHARACTERS, HOSTILE_EMPLOYERS
from jobatlas.sanitize import html_text

ACTIVE_TAG = re.compile(r"<\s*(script|img|iframe)\b", re.I)
TAG = re.compile(r"<[a-z][^>]*>", re.I)
ACTIVE_ATTRIBUTE = re.compile(
    r"\son\w+\s*=|(href|src|action)\s*=\s*[\"']?\s*(javascript|data|vbscript):", re.I
)


def assert_inert(page: str, allow_scripts: bool = False) -> None:
    assert not any(ch in page for ch in FORBIDDEN_CHARACTERS)
    text = page
    if allow_scripts:  # the report's own two scripts, which hold data, not posting markup
        text = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S)
    assert not ACTIVE_TAG.search(text), ACTIVE_TAG.search(text)
    for tag in TAG.findall(text):  # markup the page made itself: no handler, no script URL
        assert not ACTIVE_ATTRIBUTE.search(tag), tag


def test_report_page_is_the_html_report(app: FastAPI, ranked: dict[str, Any]) -> None:
    response = call(app, "GET", "/")
    assert response.status_code == 200
    page = response.text
    assert "Content-Security-Policy" in page
    for metro in ranked["metros"]:
        assert html_text(metro["metro"]) in page
    assert_inert(page, allow_scripts=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Labs" in page


def hostile_metro_page(app: FastAPI, ranked: dict[str, Any], **params: Any) -> str:
    metro = ranked["metros"][0]["metro_id"]
    response = call(app, "GET", f"/metros/{metro}", params=params)
    assert response.status_code == 200, response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    return response.text


def test_metro_page_lists_postings_as_text(app: FastAPI, ranked: dict[str, Any]) -> None:
    page = hostile_metro_page(app, ranked, page_size=10)
    assert html_text(ranked["metros"][0]["metro"]) in page
    assert_inert(page)
    assert len(re.findall(r'<a href="/postings/\d+">', page)) == 10
    assert any(html_text(e) in page for e in HOSTILE_EMPLOYERS)
    assert 'href="/postings/' in page and "next</a>" in page


def test_metro_page_search_filters_and_pages(app: FastAPI, ranked: dict[str, Any]) -> None:
    page = hostile_metro_page(app, ranked, q="<script>", tier="core", page=1)
    rows = re.findall(r'<tr><td><a href="/postings/\d+">.*?</tr>', page)
    assert rows and all("&lt;script&gt;" in r for r in rows)  # in the title or the employer
    assert 'value="&lt;script&gt;"' in page  # the visitor's text is escaped too
    assert '<option value="core" selected>' in page
    second = hostile_metro_page(app, ranked, page=2, page_size=10)
    assert "previous</a>" in second and "page 2 of" in second
    assert_inert(page)


def test_metro_page_errors(app: FastAPI, ranked: dict[str, Any]) -> None:
    assert call(app, "GET", "/metros/m0").status_code == 404
    metro = ranked["metros"][0]["metro_id"]
    assert call(app, "GET", f"/metros/{metro}", params={"page": 0}).status_code == 422


def test_every_posting_page_shows_hostile_text_inert(app: FastAPI) -> None:
    listed = call(app, "GET", "/api/postings", params={"page_size": 100}).json()["postings"]
    assert len(listed) >= 80
    for posting in listed:
        response = call(app, "GET", f"/postings/{posting['raw_id']}")
        assert response.status_code == 200
        page = response.text
        assert_inert(page)
        assert html_text(posting["title"]) in page
        for heading in (
            "Classifier evidence",
            "Location evidence",
            "Salary evidence",
            "Raw record",
        ):
            assert heading in page


def test_posting_links_only_to_http_urls(app: FastAPI) -> None:
    listed = call(app, "GET", "/api/postings", params={"page_size": 100}).json()["postings"]
    for posting in listed:
        page = call(app, "GET", f"/postings/{posting['raw_id']}").text
        for href in re.findall(r'href="([^"]*)"', page):
            assert href.startswith(("/", "http://", "https://")), href


def test_unknown_posting_page_is_404(app: FastAPI) -> None:
    assert call(app, "GET", "/postings/999999").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2Fapp.py",
        "/static/%2e%2e/app.py",
        "/static/..%2F..%2F..%2Fpyproject.toml",
        "/static/%2Fetc%2Fpasswd",
    ],
)
def test_static_files_cannot_escape_their_folder(app: FastAPI, path: str) -> None:
    response = call(app, "GET", path)
    assert response.status_code == 404
    assert "create_app" not in response.text


def test_static_stylesheet_is_served(app: FastAPI) -> None:
    response = call(app, "GET", "/static/serve.css")
    assert response.status_code == 200 and "text/css" in response.headers["content-type"]
