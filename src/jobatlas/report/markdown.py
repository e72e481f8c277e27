"""article.md: the ranking written up, built only from the report dict of ranking.json.

Every number printed here is a value of that dict, formatted (thousands separators, a % or a
currency sign) but never recomputed, so each one can be found in ranking.json. Every string
from the data (names, titles, sources, URLs, warnings) goes through ``sanitize`` as Markdown
text, so none of it can become HTML, a link or table structure.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from jobatlas.report.facts import (
    GLOSSARY,
    distinctive,
    dominant_country,
    extremes,
    headline,
    listed,
    outside,
    the_country,
)
from jobatlas.report.places import display_name
from jobatlas.sanitize import markdown_link, safe_url
from jobatlas.sanitize import markdown_text as md

Report = dict[str, Any]

EN_DASH = "\u2013"
METHOD_TEXT = {"minmax": "min-max", "zscore": "z-score", "rank": "percentile rank"}
ASSUMPTION_TEXT = {
    "bootstrap": "resampling the postings",
    "weights": "the indicator weights",
    "normalisation": "the normalisation method",
    "aggregation": "the aggregation",
}
#: The column (and label) for the other definition's ranks, by that definition.
DEFINITION_COLUMN = {"core": "Core only", "core+adjacent": "With adjacent"}
#: How a paragraph names the other definition's standing.
DEFINITION_SHORT = {"core": "Core jobs only", "core+adjacent": "With adjacent jobs"}
DEFINITION_TEXT = {
    "core": "counting only core AI/ML jobs",
    "core+adjacent": "counting adjacent-tier jobs too",
}


def number(value: float | int | None) -> str:
    """A number with thousands separators, as stored (no re-rounding)."""
    if value is None:
        return "n/a"
    if value < 0:
        return "-" + number(-value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    whole, _, frac = str(value).partition(".")
    return f"{int(whole):,}.{frac}"


def index_text(index: Report, sens: Report, assumption: str) -> str:
    """A sensitivity index as printed: "0.13 (0.11-0.15)", "< 0.02" when its whole 95%
    interval is below the precision target, "not varied" for an assumption held fixed."""
    if not sens["varied"][assumption]:
        return "not varied"
    low, high = index["ci"]
    if high < sens["precision"]:
        return f"< {number(sens['precision'])}"
    return f"{number(index['index'])} ({number(low)}{EN_DASH}{number(high)})"


def _money(value: float | int | None, currency: str = "USD") -> str:
    if value is None:
        return "n/a"
    return f"${number(value)}" if currency == "USD" else f"{number(value)} {currency}"


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def article(report: Report, figures: Sequence[tuple[str, str]] = ()) -> str:
    """The article; ``figures`` are (alt text, relative path) of the images to embed after
    the introduction (``figures.write_figures`` draws them)."""
    sections = [
        f"# {md(headline(report))}",
        _caveat(report),
        f"*{GLOSSARY}*",
        _intro(report),
        "\n\n".join(f"![{md(alt)}]({safe_path(path)})" for alt, path in figures),
        *(_city(m, report) for m in listed(report)),
        _outside(report),
        _samples_table(report),
        _method_note(report),
        _coverage_note(report),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def safe_path(path: str) -> str:
    """A relative file path as a Markdown link target (percent-encoded, no scheme)."""
    return quote(path, safe="/._-")


def name(m: Report) -> str:
    """The metro as readers know it ("Washington, D.C."), as Markdown text."""
    return md(m.get("display_name") or display_name(m["metro_id"], m["metro"]))


def _caveat(report: Report) -> str:
    dominant = dominant_country(report)
    if dominant is None:
        return ""
    return (
        f"**Read this first:** {number(dominant['share_pct'])}% of the located AI/ML postings "
        f"are in {md(the_country(dominant['country']))}, so this list mostly describes that "
        "country's market and says little about places the data barely covers; the best "
        "cities outside it are listed after the main list."
    )


def _intro(report: Report) -> str:
    c = report["coverage"]
    s = report["settings"]
    other = DEFINITION_TEXT[report["other_definition"]["definition"]]
    return (
        "Which cities have the most to offer people who work in AI and machine learning? "
        "This list answers from job postings, and only from the postings jobatlas was given: "
        f"{number(c['postings'])} postings dated {c['first_date']} to {c['last_date']}, of "
        f"which {number(c['ai_ml_postings'])} count as AI/ML jobs ({_tiers(c, s)}) and "
        f"{number(c['ai_ml_in_metros'])} could be placed in a metro area. Each city gets "
        f"a composite score from {report['profile']['indicators_used']} weighted measures (the "
        f"{md(report['profile']['name'])} profile). Cities are listed by their median rank over "
        f"{number(s['draws'])} Monte Carlo draws that vary the assumptions. A city's rank "
        f"interval is the range its rank stays within in all but the best and worst "
        f"{number(s['interval_pct'][0])}% of those draws, so a wide interval means the data "
        "cannot place the city precisely. A tier groups neighbouring cities that the draws "
        "cannot tell apart: no city in a tier ranks above another city of the same tier in "
        f"{number(s['tier_confidence_pct'])}% or more of the draws. Each city's paragraph "
        "opens with its strongest and weakest measure against the other ranked cities "
        '("2nd of 31": second of the 31 ranked cities with that figure). '
        f"{other[0].upper()}{other[1:]} gives a second ranking, shown in each paragraph as "
        f'"{DEFINITION_SHORT[report["other_definition"]["definition"]]}". The notes at the '
        "end say how, and what the data does not cover."
    )


def _tiers(c: Report, s: Report) -> str:
    if s["definition"] == "core":
        return f"the core tier only; {number(c['adjacent_postings'])} adjacent-tier jobs left out"
    return (
        f"{number(c['core_postings'])} in the core AI/ML tier and "
        f"{number(c['adjacent_postings'])} in the adjacent tier of roles that often use machine "
        "learning without saying so, such as data science"
    )


def _city(m: Report, report: Report) -> str:
    """A city's paragraph: what stands out first, then its standing and its facts.

    Fixed wording is kept to short phrases between the city's own numbers and names, so no
    two paragraphs read alike (a test checks that none share a run of more than eight words).
    """
    parts = [
        notable(m, report),
        _standing(m, report),
        _provisional(m),
        _volume(m, {ind for ind, _, _ in extremes(m, report)}),
        _salary(m["indicators"], m["salary"], report["settings"]["min_sample"]),
        _employers(m, report),
        _skills_and_titles(m, report),
        _missing(m),
    ]
    heading = f"### {m['position']}. {name(m)}, {md(m['country'])}"
    return heading + "\n\n" + " ".join(p for p in parts if p)


def _measure(indicator: str, value: float | int) -> str:
    v = number(value)
    return {
        "ai_ml_postings": f"{v} AI/ML postings",
        "ai_ml_share": f"AI/ML share {v}%",
        "ai_ml_per_million": f"{v} AI/ML postings per million people",
        "salary_usd_median": f"median pay ${v}",
        "employers": f"{v} employers",
        "top3_share": f"employer spread, top three {v}%",
        "growth": f"AI/ML share change {'+' if value > 0 else ''}{v}%",
    }[indicator]


def notable(m: Report, report: Report) -> str:
    """The city's strongest and weakest measure against the other ranked cities (plain text:
    labels and numbers only, nothing from postings)."""
    found = extremes(m, report)
    if not found:
        return ""
    labels = ("Strongest", "Weakest")
    return " ".join(
        f"{label}: {_measure(ind, m['indicators'][ind])} ({ordinal(place)} of {of})."
        for label, (ind, place, of) in zip(labels, found, strict=False)
    )


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _standing(m: Report, report: Report) -> str:
    other = m["other_definition"]
    short = DEFINITION_SHORT[report["other_definition"]["definition"]]
    if other is None:
        beside = f"{short}: not ranked."
    elif other["interval"] is None:
        beside = f"{short}: rank {other['rank']}."
    else:
        low, high = other["interval"]
        beside = f"{short}: {number(other['median_rank'])} ({low}{EN_DASH}{high})."
    if m["interval"] is None:
        return f"Rank {m['rank']}, score {number(m['score'])}. {beside}"
    low, high = m["interval"]
    return (
        f"Median rank {number(m['median_rank'])}, interval {low}{EN_DASH}{high}, tier "
        f"{m['tier']}; baseline score {number(m['score'])}, rank {m['rank']}. {beside}"
    )


def _provisional(m: Report) -> str:
    if not m["provisional"]:
        return ""
    return f"Its place is provisional ({number(m['p_meets_thresholds_pct'])}% of draws qualify)."


def _missing(m: Report) -> str:
    """The weighted indicators the city is scored without (the method note says why)."""
    missing = set(m["missing_indicators"])
    reasons = []
    if {"salary_usd_median", "salary_ppp_median"} & missing:
        reasons.append(f"pay ({number(m['salary']['n'])} usable salaries)")
    if "growth" in missing:
        reasons.append("growth")
    if "ai_ml_per_million" in missing:
        reasons.append("postings per resident (population unknown)")
    return f"Scored without {_list(reasons)}." if reasons else ""


def _volume(m: Report, said: set[str]) -> str:
    """Postings, share, density and growth, less what the paragraph's lead already said."""
    ind = m["indicators"]
    text = (
        f"{number(ind['ai_ml_postings'])} AI/ML postings, {number(ind['ai_ml_share'])}% of "
        f"{number(m['all_postings'])} located here"
    )
    if ind["ai_ml_per_million"] is not None and "ai_ml_per_million" not in said:
        text += f", {number(ind['ai_ml_per_million'])} per million people"
    if ind["growth"] is not None and "growth" not in said:
        sign = "+" if ind["growth"] > 0 else ""
        text += f"; share change {sign}{number(ind['growth'])}% on the prior half-year"
    return text + "."


def _salary(ind: Report, sal: Report, min_sample: int) -> str:
    excluded = sal["excluded_estimated"] + sal["excluded_implausible"]
    note = (
        f"; {number(sal['excluded_estimated'])} estimated, "
        f"{number(sal['excluded_implausible'])} implausible left out"
        if excluded
        else ""
    )
    if ind["salary_usd_median"] is None:
        if sal["n"]:
            return (
                f"Too few salaries for a median: {number(sal['n'])} of {number(min_sample)}{note}."
            )
        return f"No usable posted salary{note}."
    local = ""
    if sal["local_currency"] and sal["local_currency"] != "USD":
        local = f"{_money(sal['local_median'], md(sal['local_currency']))}, or "
    text = (
        f"Pay: {local}{_money(ind['salary_usd_median'])} median over "
        f"{number(sal['n'])} salaries (middle half {_money(sal['usd_p25'])}{EN_DASH}"
        f"{_money(sal['usd_p75'])}{note})"
    )
    ppp = ind["salary_ppp_median"]
    if ppp is not None and ppp != ind["salary_usd_median"]:
        text += f", {number(ppp)} in purchasing-power dollars"
    return text + "."


def _employers(m: Report, report: Report) -> str:
    ind = m["indicators"]
    top = [f"{md(e['name'])} ({number(e['postings'])})" for e in m["top_employers"][:3]]
    text = f"{number(ind['employers'])} employers"
    if top:
        text += f"; most active {_list(top)}"
    if ind["top3_share"] is not None:
        text += f", top three {number(ind['top3_share'])}%"
    own = distinctive(m, report, "top_employers", "name")
    own = [x for x in own if x not in {e["name"] for e in m["top_employers"][:3]}]
    if own:
        text += f". Leading only here: {_list([md(x) for x in own[:3]])}"
    return text + "."


def _skills_and_titles(m: Report, report: Report) -> str:
    skills = [f"{md(s['skill'])} ({number(s['postings'])})" for s in m["top_skills"][:4]]
    out = []
    if skills:
        out.append(f"Skills: {_list(skills)}.")
    own_skills = distinctive(m, report, "top_skills", "skill")
    if own_skills:
        out.append(f"Unusual among listed cities: {_list([md(x) for x in own_skills[:3]])}.")
    titles = distinctive(m, report, "top_titles", "title")
    if titles:
        out.append(f"Titles seen here: {_list([f'“{md(x)}”' for x in titles[:2]])}.")
    return " ".join(out)


def _outside(report: Report) -> str:
    dominant, others = outside(report)
    if dominant is None or not others:
        return ""
    where = md(the_country(dominant["country"]))
    lines = [f"## Outside {where}", ""]
    for m in others:
        interval = m["interval"]
        rank = (
            f"median rank {number(m['median_rank'])}, interval {interval[0]}{EN_DASH}{interval[1]}"
            if interval
            else f"rank {m['rank']}"
        )
        lines.append(
            f"- {name(m)}, {md(m['country'])}: number {m['position']} of the list ({rank}), "
            f"{number(m['indicators']['ai_ml_postings'])} AI/ML postings."
        )
    return "\n".join(lines)


def _samples_table(report: Report) -> str:
    """Three sample postings per listed city; the link column only if some posting has one."""
    samples = [(m, s) for m in listed(report) for s in m["samples"][:3]]
    linked = any(safe_url(s["url"]) for _, s in samples)
    head = "| # | City | Title | Employer | Posted | Salary (USD) |"
    lines = [
        "## Sample AI/ML job posts",
        "",
        head + (" Link |" if linked else ""),
        "|---|---|---|---|---|---|" + ("---|" if linked else ""),
    ]
    for m, s in samples:
        link = f" {markdown_link('posting', s['url'], 'no link in source')} |" if linked else ""
        lines.append(
            f"| {m['position']} | {name(m)} | {md(s['title'])} | "
            f"{md(s['company'] or 'not named')} | {md(s['posted_date'] or 'n/a')} | "
            f"{_money(s['salary_usd']) if s['salary_usd'] is not None else '-'} |{link}"
        )
    if samples and not linked:
        lines += ["", "The sources give no links to these postings."]
    return "\n".join(lines)


def _method_note(report: Report) -> str:
    s, p = report["settings"], report["profile"]
    weights = [
        f"{md(i['label'])} {number(i['weight_pct'])}%"
        + (" (lower is better)" if i["direction"] < 0 else "")
        for i in report["indicators"]
        if i["weight_pct"]
    ]
    folds = [
        f"{md(f['name'])} ({' and '.join(md(x) for x in f['members'])}, r = {number(f['r'])})"
        for f in report["structure"]["folds"]
        if f["r"] is not None
    ]
    fold_text = (
        f" Indicators that measure one thing count as one input, the mean of the two, so "
        f"neither is counted twice: {_list(folds)}, r being their correlation across the "
        "ranked cities."
        if folds
        else ""
    )
    growth = report["coverage"]["growth"]
    return (
        "## How the ranking was made\n\n"
        f"Indicators and weights ({md(p['name'])} profile): {_list(weights)}.{fold_text} A "
        f"posting listing several cities counts as a fraction in each ({s['place_weighting']} "
        f"weighting). Each indicator is winsorised at {number(s['winsor_pct'])}% and "
        f"normalised by {METHOD_TEXT[s['normalisation']]}; the score is the {s['aggregation']} "
        f"mean. A city short of the evidence for an indicator (fewer than "
        f"{number(s['min_sample'])} usable salaries, or for growth fewer than "
        f"{number(s['min_sample'])} AI/ML postings in either half-year) has that weight shared "
        f"among its other indicators. {_growth_note(growth)} Only metros with at "
        f"least {number(s['min_postings'])} AI/ML postings and {number(s['min_employers'])} "
        f"employers are ranked. The {number(s['draws'])} Monte Carlo draws (seed {s['seed']}) "
        "resample the postings, perturb every weight by up to "
        f"±{number(s['weight_jitter_pct'])}%, switch the normalisation between min-max, "
        "z-score and rank and the aggregation between the arithmetic and the geometric mean; "
        "which jobs count is not varied but ranked as a second scenario."
        f"{_sensitivity_note(report)} Full definitions: docs/methodology.md in the jobatlas "
        "repository."
    )


def _growth_note(growth: Report) -> str:
    if growth["computed"]:
        return f"Growth: {md(growth['reason'])}."
    return f"Growth is not computed: {md(growth['reason'])}."


def _sensitivity_note(report: Report) -> str:
    sens = report["sensitivity"]
    if not sens["draws"]:
        return ""
    parts = [
        f"{ASSUMPTION_TEXT[a]} {index_text(sens['total_order'][a], sens, a)} in all and "
        f"{index_text(sens['first_order'][a], sens, a)} alone"
        for a in sens["total_order"]
    ]
    top = sens["most_influential"]
    lead = (
        f" Of the assumptions varied, {ASSUMPTION_TEXT[top]} moves the ranks most." if top else ""
    )
    return (
        f"{lead} Shares of the rank variance each assumption is involved in (total-order "
        f"index) and explains alone (first-order), with 95% intervals over "
        f"{number(sens['draws'])} draws: {'; '.join(parts)}."
    )


def _coverage_note(report: Report) -> str:
    c = report["coverage"]
    sources = [
        f"{md(x['source'])} ({number(x['ai_ml_postings'])} of {number(x['postings'])})"
        for x in c["sources"][:8]
    ]
    countries = [
        f"{md(x['country'])} {number(x['share_pct'])}%"
        for x in c["countries"][:6]
        if x["share_pct"]
    ]
    lines = [
        "## What the data covers",
        "",
        f"- Postings: {number(c['postings'])}, dated {c['first_date']} to {c['last_date']}.",
        f"- Sources (AI/ML postings of all postings): {_list(sources)}"
        + (", and smaller ones (see ranking.json)" if len(c["sources"]) > 8 else "")
        + ".",
        f"- Where the located AI/ML postings are: {_list(countries)}.",
        f"- Metros with AI/ML postings: {number(c['metros_with_ai_ml'])}; ranked: "
        f"{number(c['metros_ranked'])}; not enough data: {number(c['metros_not_enough_data'])}.",
        f"- AI/ML postings that are remote with no city: {number(c['ai_ml_remote_unplaced'])} "
        "(not counted in any city).",
        "- Salaries left out of the ranked cities' medians: "
        f"{number(c['salaries_excluded_estimated'])} estimated by a job board, "
        f"{number(c['salaries_excluded_implausible'])} implausible.",
        "- Counts are counts of postings in these sources, not of all jobs, and shares are "
        "shares of these sources' postings, which may themselves be a selection (a search for "
        "data roles, say). A city the sources barely search cannot rank high, whatever its "
        "real market.",
    ]
    warned = [m for m in listed(report) if m["warnings"]]
    for m in warned:
        lines.append(f"- {md(m['metro'])}: " + "; ".join(md(w) for w in m["warnings"]) + ".")
    return "\n".join(lines)
