"""article.md: the ranking written up, built only from the report dict of ranking.json.

Every number printed here is a value of that dict, formatted (thousands separators, a % or a
currency sign) but never recomputed, so each one can be found in ranking.json. Every string
from the data (names, titles, sources, URLs, warnings) goes through ``sanitize`` as Markdown
text, so none of it can become HTML, a link or table structure.
"""

from __future__ import annotations

from typing import Any

from jobatlas.sanitize import markdown_link
from jobatlas.sanitize import markdown_text as md

Report = dict[str, Any]

EN_DASH = "\u2013"
METHOD_TEXT = {"minmax": "min-max", "zscore": "z-score", "rank": "percentile rank"}
ASSUMPTION_TEXT = {
    "bootstrap": "resampling the postings",
    "weights": "the indicator weights",
    "normalisation": "the normalisation method",
    "adjacent": "counting adjacent-tier jobs",
}


def number(value: float | int | None) -> str:
    """A number with thousands separators, as stored (no re-rounding)."""
    if value is None:
        return "n/a"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    whole, _, frac = str(value).partition(".")
    return f"{int(whole):,}.{frac}"


def _money(value: float | int | None, currency: str = "USD") -> str:
    if value is None:
        return "n/a"
    return f"${number(value)}" if currency == "USD" else f"{number(value)} {currency}"


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def article(report: Report) -> str:
    sections = [
        f"# {md(report['title'])}",
        _intro(report),
        *(_city(m, report["settings"]["interval_pct"]) for m in report["metros"][: report["top"]]),
        _samples_table(report),
        _method_note(report),
        _coverage_note(report),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _intro(report: Report) -> str:
    c = report["coverage"]
    s = report["settings"]
    countries = [x for x in c["countries"] if x["country_code"]]
    lead = ""
    if countries and (countries[0]["share_pct"] or 0) >= 50:
        lead = (
            f" {number(countries[0]['share_pct'])}% of the located AI/ML postings are in one "
            f"country ({md(countries[0]['country'])}), so this list mostly describes that "
            "country's market and says little about places the data barely covers."
        )
    return (
        "Which cities have the most to offer people who work in AI and machine learning? "
        "This list answers from job postings, and only from the postings jobatlas was given: "
        f"{number(c['postings'])} postings dated {c['first_date']} to {c['last_date']}, of "
        f"which {number(c['ai_ml_postings'])} count as AI/ML jobs ({_tiers(c, s)}) and "
        f"{number(c['ai_ml_in_metros'])} could be placed in a metro area.{lead} Each city gets "
        f"a composite score from {report['profile']['indicators_used']} indicators (the "
        f"{md(report['profile']['name'])} profile). Cities are listed by their median rank over "
        f"{number(s['draws'])} Monte Carlo draws that vary the assumptions, each with its "
        f"{number(s['interval_pct'][0])}{EN_DASH}{number(s['interval_pct'][1])}% rank "
        "interval; cities whose intervals overlap share a tier. The notes at the end say how, "
        "and what the data does not cover."
    )


def _tiers(c: Report, s: Report) -> str:
    core = f"{number(c['core_postings'])} in the core AI/ML tier"
    if not s["include_adjacent"]:
        return f"the core tier only; {number(c['adjacent_postings'])} adjacent-tier jobs left out"
    return (
        f"{core} and {number(c['adjacent_postings'])} in the adjacent tier of roles that "
        "often use machine learning without saying so, such as data science; the rank "
        "intervals also count the adjacent tier out in half the draws"
    )


def _city(m: Report, interval_pct: list[float]) -> str:
    parts = [
        f"### {m['position']}. {md(m['metro'])}, {md(m['country'])}",
        _standing(m, interval_pct),
        _volume(m),
        _salary(m["indicators"], m["salary"]),
        _employers(m),
        _skills_and_titles(m),
    ]
    return "\n\n".join([parts[0], " ".join(p for p in parts[1:] if p)])


def _standing(m: Report, interval_pct: list[float]) -> str:
    if m["interval"] is None:
        return f"Rank {m['rank']} (score {number(m['score'])})."
    low, high = m["interval"]
    return (
        f"Median rank {number(m['median_rank'])}, with a "
        f"{number(interval_pct[0])}{EN_DASH}{number(interval_pct[1])}% interval of "
        f"{low}{EN_DASH}{high} (tier {m['tier']}); on the baseline settings alone it scores "
        f"{number(m['score'])} and ranks {m['rank']}."
    )


def _volume(m: Report) -> str:
    ind = m["indicators"]
    text = (
        f"The data holds {number(ind['ai_ml_postings'])} AI/ML postings here, "
        f"{number(ind['ai_ml_share'])}% of the {number(m['all_postings'])} postings located in "
        "the metro"
    )
    if ind["ai_ml_per_million"] is not None:
        text += f" ({number(ind['ai_ml_per_million'])} per million residents)"
    if ind["growth"] is not None:
        sign = "+" if ind["growth"] > 0 else ""
        text += (
            f"; the last six months ran at {sign}{number(ind['growth'])}% against the six before"
        )
    return text + "."


def _salary(ind: Report, sal: Report) -> str:
    excluded = sal["excluded_estimated"] + sal["excluded_implausible"]
    note = (
        f" ({number(sal['excluded_estimated'])} estimated and "
        f"{number(sal['excluded_implausible'])} implausible salaries left out)"
        if excluded
        else ""
    )
    if ind["salary_usd_median"] is None:
        return f"No posted salary could be used{note}."
    local = ""
    if sal["local_currency"] and sal["local_currency"] != "USD":
        local = f"{_money(sal['local_median'], md(sal['local_currency']))}, or "
    text = (
        f"The median posted salary is {local}{_money(ind['salary_usd_median'])} a year "
        f"over {number(sal['n'])} salaries (middle half {_money(sal['usd_p25'])}{EN_DASH}"
        f"{_money(sal['usd_p75'])})"
    )
    if ind["salary_ppp_median"] is not None:
        text += f", {number(ind['salary_ppp_median'])} in purchasing-power dollars"
    return text + note + "."


def _employers(m: Report) -> str:
    ind = m["indicators"]
    top = [f"{md(e['name'])} ({number(e['postings'])})" for e in m["top_employers"][:3]]
    text = f"{number(ind['employers'])} employers posted AI/ML jobs"
    if top:
        text += f"; the most active were {_list(top)}"
    if ind["top3_share"] is not None:
        text += f", and the top three held {number(ind['top3_share'])}% of the postings"
    return text + "."


def _skills_and_titles(m: Report) -> str:
    skills = [f"{md(s['skill'])} ({number(s['postings'])})" for s in m["top_skills"][:4]]
    titles = [f"“{md(t['title'])}”" for t in m["top_titles"][:2]]
    out = []
    if skills:
        out.append(f"Skills named most often: {_list(skills)}.")
    if titles:
        out.append(f"Typical titles: {_list(titles)}.")
    return " ".join(out)


def _samples_table(report: Report) -> str:
    lines = [
        "## Sample AI/ML job posts",
        "",
        "| # | City | Title | Employer | Posted | Salary (USD) | Link |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in report["metros"][: report["top"]]:
        for s in m["samples"][:3]:
            link = markdown_link("posting", s["url"], "no link in source")
            lines.append(
                f"| {m['position']} | {md(m['metro'])} | {md(s['title'])} | "
                f"{md(s['company'] or 'not named')} | {md(s['posted_date'] or 'n/a')} | "
                f"{_money(s['salary_usd']) if s['salary_usd'] is not None else '-'} | {link} |"
            )
    return "\n".join(lines)


def _method_note(report: Report) -> str:
    s, p = report["settings"], report["profile"]
    weights = [
        f"{md(i['label'])} {number(i['weight_pct'])}%"
        + (" (lower is better)" if i["direction"] < 0 else "")
        for i in report["indicators"]
        if i["weight_pct"]
    ]
    sens = report["sensitivity"]
    moved = ""
    if sens["most_influential"]:
        name = sens["most_influential"]
        moved = (
            f" Of the assumptions varied, {ASSUMPTION_TEXT[name]} moves the ranks most "
            f"(first-order index {number(sens['first_order'][name])}; "
            + ", ".join(
                f"{ASSUMPTION_TEXT[k]} {number(v)}"
                for k, v in sens["first_order"].items()
                if k != name
            )
            + ")."
        )
    return (
        "## How the ranking was made\n\n"
        f"Indicators and weights ({md(p['name'])} profile): {_list(weights)}. A posting listing "
        f"several cities counts as a fraction in each ({s['place_weighting']} weighting). Each "
        f"indicator is winsorised at {number(s['winsor_pct'])}% and normalised by "
        f"{METHOD_TEXT[s['normalisation']]}; "
        f"the score is the {s['aggregation']} mean. Only metros with at least "
        f"{number(s['min_postings'])} AI/ML postings and {number(s['min_employers'])} "
        f"employers are ranked. The {number(s['draws'])} Monte Carlo draws (seed {s['seed']}) "
        "resample the postings, perturb every weight by up to "
        f"±{number(s['weight_jitter_pct'])}%, switch the normalisation between min-max, "
        "z-score and rank, and count adjacent-tier jobs in or "
        f"out.{moved} Full definitions: docs/methodology.md in the jobatlas repository."
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
    warned = [m for m in report["metros"][: report["top"]] if m["warnings"]]
    for m in warned:
        lines.append(f"- {md(m['metro'])}: " + "; ".join(md(w) for w in m["warnings"]) + ".")
    return "\n".join(lines)
