"""The HTML of the metro and posting pages. Every value from the store, and every value a
visitor typed, is written through ``sanitize.html_text``; URLs from postings become links
only when ``sanitize.safe_url`` accepts them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from jobatlas.sanitize import html_text as h
from jobatlas.sanitize import safe_url

#: Pages of the web app run no script and load only the app's own stylesheet.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{h(title)}</title><link rel="stylesheet" href="/static/serve.css"></head>'
        f'<body><nav><a href="/">Ranking</a> · <a href="/docs">API</a></nav><main>{body}'
        "</main></body></html>\n"
    )


def table(rows: Iterable[tuple[object, object]]) -> str:
    """A two-column table of names and values (values as text; None shown as a dash)."""
    cells = "".join(f"<tr><th>{h(k)}</th><td>{_value(v)}</td></tr>" for k, v in rows)
    return f'<table class="fields">{cells}</table>'


def _value(value: object) -> str:
    return "-" if value is None or value == "" else h(value)


def link(url: object, label: object) -> str:
    target = safe_url(url)
    if target is None:
        return h(label)
    return f'<a href="{h(target)}" rel="noopener noreferrer nofollow">{h(label)}</a>'


def query_link(path: str, params: Mapping[str, object]) -> str:
    """``path`` with ``params`` (empty ones left out), escaped for an attribute."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return h(f"{path}?{urlencode(kept)}" if kept else path)


def metro_page(metro: Mapping[str, Any], found: Mapping[str, Any], form: Mapping[str, Any]) -> str:
    ranking = metro.get("ranking") or {}
    facts = table(
        [
            ("Country", metro.get("country_code")),
            ("Population", metro.get("population")),
            ("Rank", ranking.get("rank") if metro.get("ranked") else "not ranked"),
            ("Tier", ranking.get("tier")),
            ("AI/ML postings (weighted)", ranking.get("ai_ml_postings")),
            *((f"Postings, {t}", n) for t, n in metro.get("postings_by_tier", {}).items()),
        ]
    )
    path = f"/metros/{metro['metro_id']}"
    return page(
        f"{metro['metro']} · jobatlas",
        f"<h1>{h(metro['metro'])}</h1>{facts}{_search_form(path, form)}"
        f"{_postings_table(found)}{_pager(path, form, found)}",
    )


def _options(name: str, choices: Iterable[str], chosen: object) -> str:
    items = ['<option value="">any</option>'] + [
        f'<option value="{h(c)}"{" selected" if c == chosen else ""}>{h(c)}</option>'
        for c in choices
    ]
    return f'<label>{h(name)} <select name="{h(name)}">{"".join(items)}</select></label>'


def _search_form(path: str, form: Mapping[str, Any]) -> str:
    return (
        f'<form method="get" action="{h(path)}" class="search">'
        f'<label>search <input type="search" name="q" value="{h(form.get("q") or "")}" '
        'maxlength="200"></label>'
        + _options("tier", ("core", "adjacent", "none"), form.get("tier"))
        + _options(
            "seniority", ("intern", "junior", "mid", "senior", "lead_plus"), form.get("seniority")
        )
        + f'<label>family <input name="family" value="{h(form.get("family") or "")}" '
        'pattern="[a-z_]{1,40}"></label>'
        + f'<label>since <input name="since" value="{h(form.get("since") or "")}" '
        'placeholder="YYYY-MM-DD"></label>'
        + f'<label>until <input name="until" value="{h(form.get("until") or "")}" '
        'placeholder="YYYY-MM-DD"></label>'
        + _options("salary", ("true", "false"), form.get("salary"))
        + '<button type="submit">Filter</button></form>'
    )


def _postings_table(found: Mapping[str, Any]) -> str:
    head = "".join(
        f"<th>{c}</th>" for c in ("Title", "Employer", "Tier", "Level", "Salary USD", "Posted")
    )
    rows = []
    for p in found["postings"]:
        usd = p.get("salary_annual_usd")
        rows.append(
            f'<tr><td><a href="/postings/{int(p["raw_id"])}">{h(p["title"])}</a></td>'
            f"<td>{_value(p.get('company'))}</td><td>{h(p['ai_ml_tier'])}</td>"
            f"<td>{h(p.get('seniority'))}</td>"
            f"<td>{_value(f'{usd:,.0f}' if usd is not None else None)}</td>"
            f"<td>{_value(p.get('posted_date'))}</td></tr>"
        )
    summary = f"<p>{found['total']:,} postings</p>"
    return f'{summary}<table class="postings"><tr>{head}</tr>{"".join(rows)}</table>'


def _pager(path: str, form: Mapping[str, Any], found: Mapping[str, Any]) -> str:
    page_no, pages = found["page"], found["pages"]
    parts = []
    if page_no > 1:
        parts.append(f'<a href="{query_link(path, {**form, "page": page_no - 1})}">previous</a>')
    parts.append(f"page {page_no} of {pages}")
    if page_no < pages:
        parts.append(f'<a href="{query_link(path, {**form, "page": page_no + 1})}">next</a>')
    return f'<p class="pager">{" · ".join(parts)}</p>'


def posting_page(detail: Mapping[str, Any]) -> str:
    p = detail["posting"]
    evidence = detail["evidence"]
    metro = (
        f'<p>Metro: <a href="/metros/{h(p["metro_id"])}">{h(p["metro"])}</a></p>'
        if p.get("metro_id")
        else ""
    )
    places = [
        (
            f"Place {pl['place_index'] + 1}",
            f"{pl['city']}, {pl['country_code']} → {pl['metro']} (weight {pl['weight']:.2f})",
        )
        for pl in evidence["location"]["places"]
    ]
    record = detail["raw"].get("record")
    record_rows = record.items() if isinstance(record, dict) else [("record", record)]
    raw_rows = [(k, v) for k, v in detail["raw"].items() if k != "record"]
    return page(
        f"{p['title']} · jobatlas",
        f"<h1>{h(p['title'])}</h1><p>{_value(p.get('company'))} · "
        f"{link(p.get('url'), 'original posting')}</p>{metro}"
        "<h2>Classifier evidence</h2>"
        + table(
            [
                ("Tier", evidence["classifier"]["tier"]),
                ("Family", evidence["classifier"]["family"]),
                ("Score", evidence["classifier"]["score"]),
                ("Rules", "; ".join(evidence["classifier"]["rules"])),
                ("Seniority", evidence["classifier"]["seniority"]),
            ]
        )
        + "<h2>Location evidence</h2>"
        + table(
            [
                (k.replace("_", " ").capitalize(), v)
                for k, v in evidence["location"].items()
                if k != "places"
            ]
            + places
        )
        + "<h2>Salary evidence</h2>"
        + table(
            [
                (k.replace("_", " ").capitalize(), "; ".join(v) if isinstance(v, list) else v)
                for k, v in evidence["salary"].items()
            ]
        )
        + "<h2>Normalised fields</h2>"
        + table(p.items())
        + "<h2>Raw record</h2>"
        + table(raw_rows)
        + table(record_rows),
    )
