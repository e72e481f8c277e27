"""report.html: the ranking as one self-contained page, with charts, a map and live weights.

Everything is inline (styles, data, the Vega/Vega-Lite/vega-embed bundle from vl-convert, the
Natural Earth outline), so the page opens from ``file://`` with no network; its
Content-Security-Policy allows only its own two scripts, by hash, and no connection at all.
The ranking table, the coverage panel and each city's facts are plain HTML, readable without
JavaScript; the charts are drawn on top and each has a text alternative. Every string from
postings is written through ``sanitize.html_text``; the JSON data block is escaped so no
string can close its ``<script>`` element.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import tempfile
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobatlas.errors import ConfigError, FileFormatError
from jobatlas.helper import Pending
from jobatlas.report import charts
from jobatlas.report.facts import (
    GLOSSARY,
    dominant_country,
    headline,
    listed,
    outside,
    the_country,
)
from jobatlas.report.figures import start_helper
from jobatlas.report.markdown import notable, number
from jobatlas.report.places import with_places
from jobatlas.sanitize import html_text as h
from jobatlas.sanitize import safe_url

if TYPE_CHECKING:
    from jobatlas.indicators import Ranking

Report = dict[str, Any]

#: What a page built by this module may do: its own scripts (by hash), inline styles (Vega
#: sets style attributes), images from ``data:``; no fetch, frame, form, font or base URL.
CSP = (
    "default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def write_html(ranking: Ranking, report: Report, out: Path) -> Path:
    """Write ``out``/report.html for ``ranking`` and return its path; ``report`` is
    ``export.ranking_dict(ranking, top)``, the dict ranking.json holds."""
    path = out / "report.html"
    text = render_html(ranking, report)
    try:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot write ({exc.strerror})") from exc
    return path


def render_html(ranking: Ranking, report: Report) -> str:
    report = with_places(report)
    specs = chart_specs(report)
    data = {"model": composite_model(ranking, report), "charts": specs}
    scripts = [vega_bundle(), _asset("app.js")]
    csp = CSP.format(scripts=" ".join(_hash(s) for s in scripts))
    body = "\n".join(
        [
            _header(report),
            _coverage(report),
            _weights(report),
            _table(report),
            _figures(report, specs),
            *(_city(m, report) for m in listed(report)),
            _footer(report),
        ]
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{h(headline(report))}</title>\n<style>\n{_asset('style.css')}</style>\n"
        f"</head>\n<body>\n<main>\n{body}\n</main>\n"
        f'<script type="application/json" id="jobatlas-data">{script_json(data)}</script>\n'
        + "".join(f"<script>{s}</script>\n" for s in scripts)
        + "</body>\n</html>\n"
    )


def composite_model(ranking: Ranking, report: Report) -> Report:
    """What the page needs to recompute the baseline composite at other weights: the ranked
    metros' unrounded indicators (list order), the inputs and the baseline settings."""
    from jobatlas.indicators.metrics import INDICATOR_NAMES

    ranked = ranking.ranked
    if [m.metro_id for m in ranked] != [m["metro_id"] for m in report["metros"]]:
        raise ConfigError("report.html: the report dict is not of this ranking")
    st, s = ranking.structure, ranking.settings
    shown = {i["name"]: i["weight_pct"] for i in report["structure"]["inputs"]}
    return {
        "metros": [m.metro_id for m in ranked],
        "values": [[m.indicators[n] for n in INDICATOR_NAMES] for m in ranked],
        "directions": [float(d) for d in st.directions],
        "inputs": [
            {
                "name": i.name,
                "members": list(i.members),
                "weight": i.weight,
                "weight_pct": shown[i.name],
            }
            for i in st.inputs
        ],
        "normalisation": s.normalisation,
        "aggregation": s.aggregation,
        "winsor": s.winsor,
    }


def chart_specs(report: Report) -> dict[str, Any]:
    specs: dict[str, Any] = {
        "intervals": charts.intervals(report),
        "map": charts.world_map(report, charts.world_outline()),
        "salaries": charts.salaries(report),
    }
    for m in listed(report):
        specs[f"city-{m['position']}"] = charts.city_profile(m)
    return {k: v for k, v in specs.items() if v is not None}


def script_json(value: object) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as \\u escapes, so no
    ``</script>`` or ``<!--`` can appear; U+2028/2029 escaped too."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _asset(name: str) -> str:
    return resources.files("jobatlas.report").joinpath("assets", name).read_text("utf-8")


_BUNDLING = threading.Lock()
_PREFETCHED: list[Pending[str]] = []  # bundles asked of the helper process, not yet taken


def prefetch_vega_bundle(*, only_if_not_cached: bool = False) -> Pending[str] | None:
    """Start bundling in the figures' helper process (``figures.start_helper``), so that a
    page written later in this process finds the bundle ready; without vl-convert, nothing
    happens. vl-convert holds the GIL while it bundles: on a thread of this process, the
    bundling would stop the normalisers. With ``only_if_not_cached``, a bundle already in
    the cache folder is left for a later call (it only needs reading), so that the helper
    is free for the normalisers meanwhile."""
    if importlib.util.find_spec("vl_convert") is None:
        return None
    from jobatlas.normalize.gazetteer import cache_dir

    if only_if_not_cached and _bundle_path(cache_dir()).is_file():
        return None
    pending = start_helper().submit(_vega_bundle, cache_dir())
    _PREFETCHED.append(pending)
    return pending


def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script, from vl-convert (no network).

    vl-convert takes about two seconds to bundle them, so the bundle is kept in the jobatlas
    cache folder, one file per vl-convert version.
    """
    with _BUNDLING:  # one bundling at a time: a prefetch in progress is waited for
        while _PREFETCHED:
            with contextlib.suppress(Exception):  # bundled here instead, which says why
                return _PREFETCHED.pop().result()
        return _vega_bundle()


def _vega_bundle(folder: Path | None = None) -> str:
    """The bundle, read from ``folder`` (the cache folder by default) or made and kept there."""
    try:
        import vl_convert
    except ImportError as exc:
        raise ConfigError(
            "report.html needs the vl-convert-python package",
            hint="pip install 'jobatlas[report]'",
        ) from exc
    from jobatlas.normalize.gazetteer import cache_dir

    path = _bundle_path(folder or cache_dir())
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = str(vl_convert.javascript_bundle())  # type: ignore[call-arg]  # stub lacks the default
    if "</script" in bundle.lower():
        raise ConfigError("the Vega bundle contains </script> and cannot be inlined")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vega-bundle-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(bundle)
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache only costs the next run the bundling time
    return bundle


def _bundle_path(folder: Path) -> Path:
    version = importlib.metadata.version("vl-convert-python")
    return folder / f"vega-bundle-{version}.js"


# -- the page's sections ----------------------------------------------------------------


def _header(report: Report) -> str:
    as_of = report["as_of"]["label"] or "no dated postings"
    return (
        f"<header>\n<h1>{h(headline(report))}</h1>\n"
        f'<p class="lede">From {number(report["coverage"]["postings"])} job postings, as of '
        f"{h(as_of)}. Profile: {h(report['profile']['name'])}.</p>\n"
        f'<p class="glossary">{h(GLOSSARY)}</p>\n</header>'
    )


def _coverage(report: Report) -> str:
    c = report["coverage"]
    countries = "".join(
        f'<tr><td>{h(x["country"])}</td><td class="num">{number(x["ai_ml_postings"])}</td>'
        f'<td class="num">{_pct(x["share_pct"])}</td></tr>'
        for x in c["countries"][:8]
    )
    sources = "".join(
        f'<tr><td>{h(x["source"])}</td><td class="num">{number(x["postings"])}</td>'
        f'<td class="num">{number(x["ai_ml_postings"])}</td></tr>'
        for x in c["sources"][:8]
    )
    warnings = "".join(
        f"<li><strong>{h(charts.name(m))}</strong>: {h('; '.join(m['warnings']))}</li>"
        for m in listed(report)
        if m["warnings"]
    )
    dominant = dominant_country(report)
    caveat = (
        f'<p class="warning">{number(dominant["share_pct"])}% of the located AI/ML postings '
        f"are in {h(the_country(dominant['country']))}: this list mostly describes that "
        "country's market.</p>"
        if dominant
        else ""
    )
    return f"""<section id="coverage" aria-labelledby="coverage-title">
<h2 id="coverage-title">What the data covers</h2>
{caveat}
<p>{number(c["postings"])} postings dated {h(c["first_date"])} to {h(c["last_date"])};
{number(c["ai_ml_postings"])} are AI/ML jobs, {number(c["ai_ml_in_metros"])} of them placed in
a metro. {number(c["metros_ranked"])} metros have the evidence to be ranked;
{number(c["metros_not_enough_data"])} do not.</p>
<div class="panel">
<div><h3>AI/ML postings by country</h3><div class="scroll"><table>
<thead><tr><th>Country</th><th class="num">Postings</th><th class="num">Share</th></tr></thead>
<tbody>{countries}</tbody></table></div></div>
<div><h3>Postings by source</h3><div class="scroll"><table>
<thead><tr><th>Source</th><th class="num">All</th><th class="num">AI/ML</th></tr></thead>
<tbody>{sources}</tbody></table></div></div>
<div><h3>What it can and cannot say</h3>
<p>It counts postings in these sources, not all jobs: a city the sources barely search cannot
rank high, whatever its real market. Salaries are posted salaries, and remote jobs with no
city count nowhere ({number(c["ai_ml_remote_unplaced"])} AI/ML postings).</p>
{f"<ul class='warning'>{warnings}</ul>" if warnings else ""}</div>
</div>
</section>"""


def _pct(value: float | int | None) -> str:
    return "" if value is None else f"{number(value)}%"


def _weights(report: Report) -> str:
    directions = report["profile"]["directions"]
    rows = "".join(
        f'<div class="weight"><label for="weight-{h(i["name"])}">{h(i["label"])}'
        f"{' (less is better)' if directions[i['members'][0]] < 0 else ''}</label>"
        f'<input type="range" id="weight-{h(i["name"])}" min="0" max="100" step="0.1" '
        f'value="{i["weight_pct"]}">'
        f'<output id="share-{h(i["name"])}" for="weight-{h(i["name"])}">'
        f"{number(i['weight_pct'])}%</output></div>"
        for i in report["structure"]["inputs"]
    )
    return f"""<section id="weights" aria-labelledby="weights-title">
<h2 id="weights-title">Your weights</h2>
<p>Move a slider to re-score the cities with the {h(report["profile"]["name"])} profile's
settings at your weights (the baseline score, with no Monte Carlo).</p>
{rows}
<p><button type="button" id="weights-reset">Back to the profile's weights</button>
<span id="weights-status" role="status"></span></p>
</section>"""


def _table(report: Report) -> str:
    low, high = report["settings"]["interval_pct"]
    rows = []
    for m in report["metros"]:
        interval = f"{m['interval'][0]}\u2013{m['interval'][1]}" if m["interval"] else ""
        rows.append(
            f'<tr data-metro="{h(m["metro_id"])}"><td class="num place">{m["position"]}</td>'
            f"<td>{h(charts.name(m))}</td><td>{h(m['country'])}</td>"
            f'<td class="num">{number(m["median_rank"])}</td><td class="num">{interval}</td>'
            f'<td class="num">{number(m["tier"])}</td><td class="num">{number(m["score"])}</td>'
            f'<td class="num live">{number(m["score"])}</td>'
            f'<td class="num">{number(m["indicators"]["ai_ml_postings"])}</td>'
            f'<td class="num">{_usd(m["indicators"]["salary_usd_median"])}</td></tr>'
        )
    return f"""<section aria-labelledby="ranking-title">
<h2 id="ranking-title">The ranking</h2>
<div class="scroll"><table id="ranking">
<caption class="muted">Median rank, {number(low)}\u2013{number(high)}% rank interval and tier
come from the Monte Carlo at the profile's weights; the score at your weights follows the
sliders.</caption>
<thead><tr><th class="num">#</th><th>City</th><th>Country</th>
<th class="num">Median rank</th><th class="num">Rank interval (Monte Carlo)</th>
<th class="num">Tier</th><th class="num">Baseline score</th>
<th class="num">Score at your weights</th><th class="num">AI/ML postings</th>
<th class="num">Median salary (USD)</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table></div>
</section>"""


def _usd(value: float | int | None) -> str:
    return "n/a" if value is None else f"${number(value)}"


def _figures(report: Report, specs: dict[str, Any]) -> str:
    """The charts that have data, each with a caption and a text alternative."""
    mapped = [m for m in report["metros"] if m.get("latitude") is not None]
    countries = sorted({m["country"] for m in mapped})
    biggest = sorted(mapped, key=lambda m: -(m["indicators"]["ai_ml_postings"] or 0))[:3]
    dominant, others = outside(report)
    outside_text = (
        f" Outside {h(the_country(dominant['country']))}, the best placed are "
        + ", ".join(f"{h(charts.name(m))} (#{m['position']})" for m in others)
        + "."
        if dominant and others
        else ""
    )
    map_text = (
        f"{len(mapped)} ranked cities in {len(countries)} countries; the most AI/ML postings "
        "are in "
        + ", ".join(
            f"{h(charts.name(m))} ({number(m['indicators']['ai_ml_postings'])})" for m in biggest
        )
        + f".{outside_text}"
    )
    captions = {
        "map": (
            "Where the ranked cities are: bubble size is AI/ML postings, colour the tier.",
            map_text,
        ),
        "intervals": (
            "Each city's median rank (dot) on its rank interval (line), coloured by tier.",
            "The table above lists the same median ranks and intervals.",
        ),
        "salaries": (
            "Posted annual salaries in USD: the middle half (bar) and the median (tick).",
            "Each city's section below gives the same salary figures.",
        ),
    }
    figures = [_figure(k, *text) for k, text in captions.items() if k in specs]
    return '<section aria-label="Charts">\n' + "\n".join(figures) + "\n</section>"


def _figure(chart: str, caption: str, alternative: str) -> str:
    return (
        f'<figure><div class="chart" id="chart-{chart}" data-chart="{chart}" role="img" '
        f'aria-label="{h(caption)}"></div>\n<figcaption>{h(caption)} '
        f"<span>{alternative}</span></figcaption></figure>"
    )


def _city(m: Report, report: Report) -> str:
    ind, sal = m["indicators"], m["salary"]
    facts = [
        f"{number(ind['ai_ml_postings'])} AI/ML postings, {number(ind['ai_ml_share'])}% of "
        f"the {number(m['all_postings'])} postings located here",
        f"{number(ind['employers'])} employers posting AI/ML jobs",
    ]
    if ind["salary_usd_median"] is not None:
        local = ""
        if sal["local_currency"] and sal["local_currency"] != "USD":
            cur = h(sal["local_currency"])
            local = (
                f" ({number(sal['local_median'])} {cur}, middle half "
                f"{number(sal['local_p25'])}\u2013{number(sal['local_p75'])} {cur})"
            )
        facts.append(
            f"median posted salary {_usd(ind['salary_usd_median'])}{local}, middle half "
            f"{_usd(sal['usd_p25'])}\u2013{_usd(sal['usd_p75'])} over {number(sal['n'])} "
            "salaries"
        )
        if ind["salary_ppp_median"] not in (None, ind["salary_usd_median"]):
            facts.append(f"{number(ind['salary_ppp_median'])} in purchasing-power dollars")
    lists = [
        (
            "Top employers",
            [f"{h(e['name'])} ({number(e['postings'])})" for e in m["top_employers"][:5]],
        ),
        (
            "Skills named",
            [f"{h(s['skill'])} ({number(s['postings'])})" for s in m["top_skills"][:6]],
        ),
        ("Titles", [f"{h(t['title'])} ({number(t['postings'])})" for t in m["top_titles"][:3]]),
        (
            "AI/ML postings per month",
            [f"{h(r['month'])}: {number(r['ai_ml_postings'])}" for r in m["monthly_postings"]],
        ),
    ]
    lines = "".join(f"<li>{f}</li>" for f in facts)
    lines += "".join(f"<li>{name}: {', '.join(items)}</li>" for name, items in lists if items)
    chart = ""
    if charts.city_profile(m) is not None:
        chart = (
            f'<div class="chart" data-chart="city-{m["position"]}" role="img" '
            f'aria-label="Bar charts of the employers, skills and monthly postings listed above">'
            "</div>"
        )
    return f"""<section class="city" id="city-{m["position"]}">
<h3>{m["position"]}. {h(charts.name(m))}, {h(m["country"])}</h3>
<p>{h(notable(m, report))}</p>
<ul>{lines}</ul>
{chart}
{_samples(m)}
</section>"""


def _samples(m: Report) -> str:
    items = []
    for s in m["samples"][:3]:
        title = h(charts.label(s["title"], 120))
        url = safe_url(s["url"])
        link = (
            f'<a href="{h(url)}" rel="noopener noreferrer nofollow">{title}</a>' if url else title
        )
        who = h(charts.label(s["company"] or "employer not named", 80))
        items.append(f"<li>{link}, {who}, {h(s['posted_date'] or 'undated')}</li>")
    return f'<p>Sample postings:</p><ul class="samples">{"".join(items)}</ul>' if items else ""


def _footer(report: Report) -> str:
    return (
        f"<footer><p>Made by {h(report['generator'])} from the data in ranking.json beside this "
        "file; methods in docs/methodology.md of the jobatlas repository. Map outline: Natural "
        "Earth (public domain). Charts: Vega-Lite.</p></footer>"
    )
