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
    "aggregation": "the aggregation",
}
#: The column (and label) for the other definition's ranks, by that definition.
DEFINITION_COLUMN = {"core": "Core only", "core+adjacent": "With adjacent"}
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


def article(report: Report) -> str:
    sections = [
        f"# {md(report['title'])}",
        _intro(report),
        *(_city(m, report) for m in report["metros"][: report["top"]]),
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
        f"a composite score from {report['profile']['indicators_used']} weighted measures (the "
        f"{md(report['profile']['name'])} profile). Cities are listed by their median rank over "
        f"{number(s['draws'])} Monte Carlo draws that vary the assumptions. A city's rank "
        f"interval is the range its rank stays within in all but the best and worst "
        f"{number(s['interval_pct'][0])}% of those draws, so a wide interval means the data "
        "cannot place the city precisely. A tier groups neighbouring cities that the draws "
        "cannot tell apart: no city in a tier ranks above another city of the same tier in "
        f"{number(s['tier_confidence_pct'])}% or more of the draws. The notes at the end say "
        "how, and what the data does not cover."
    )


def _tiers(c: Report, s: Report) -> str:
    core = f"{number(c['core_postings'])} in the core AI/ML tier"
    if s["definition"] == "core":
        return (
            f"the core tier only; {number(c['adjacent_postings'])} adjacent-tier jobs left "
            "out, and shown as a second ranking that counts them"
        )
    return (
        f"{core} and {number(c['adjacent_postings'])} in the adjacent tier of roles that "
        "often use machine learning without saying so, such as data science; a second "
        "ranking counting only the core tier is given beside each city"
    )


def _city(m: Report, report: Report) -> str:
    parts = [
        f"### {m['position']}. {md(m['metro'])}, {md(m['country'])}",
        _standing(m, report["settings"]),
        _other_definition(m, report),
        _provisional(m, report["settings"]),
        _volume(m),
        _salary(m["indicators"], m["salary"], report["settings"]["min_sample"]),
        _employers(m),
        _skills_and_titles(m),
        _missing(m, report),
    ]
    return "\n\n".join([parts[0], " ".join(p for p in parts[1:] if p)])


def _standing(m: Report, s: Report) -> str:
    if m["interval"] is None:
        return f"Rank {m['rank']} (score {number(m['score'])})."
    low, high = m["interval"]
    interval_pct = s["interval_pct"]
    return (
        f"Median rank {number(m['median_rank'])}, with a "
        f"{number(interval_pct[0])}{EN_DASH}{number(interval_pct[1])}% interval of "
        f"{low}{EN_DASH}{high} (tier {m['tier']}); on the baseline settings alone it scores "
        f"{number(m['score'])} and ranks {m['rank']}."
    )


def _other_definition(m: Report, report: Report) -> str:
    other = m["other_definition"]
    how = DEFINITION_TEXT[report["other_definition"]["definition"]]
    if other is None:
        return f"{how[0].upper()}{how[1:]}, it would not have the evidence to be ranked."
    if other["median_rank"] is None:
        return f"{how[0].upper()}{how[1:]}, it ranks {other['rank']}."
    low, high = other["interval"]
    return (
        f"{how[0].upper()}{how[1:]}, its median rank is {number(other['median_rank'])} "
        f"({low}{EN_DASH}{high})."
    )


def _provisional(m: Report, s: Report) -> str:
    if not m["provisional"]:
        return ""
    return (
        "Its place is provisional: resampling the postings, it keeps the "
        f"{number(s['min_postings'])} AI/ML postings and {number(s['min_employers'])} "
        f"employers needed to be ranked in only {number(m['p_meets_thresholds_pct'])}% of "
        "the draws."
    )


def _missing(m: Report, report: Report) -> str:
    """Which weighted indicators the city has no value for, and why (the evidence rule)."""
    missing = set(m["missing_indicators"])
    n = number(report["settings"]["min_sample"])
    reasons = []
    if {"salary_usd_median", "salary_ppp_median"} & missing:
        reasons.append(f"pay (fewer than {n} usable salaries)")
    if "growth" in missing and report["coverage"]["growth"]["computed"]:
        reasons.append(f"growth (fewer than {n} AI/ML postings in a half-year)")
    if "ai_ml_per_million" in missing:
        reasons.append("postings per resident (no population known)")
    if not reasons:
        return ""
    return (
        f"Its score leaves out {_list(reasons)}; that weight is shared among its other indicators."
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
            f"; the AI/ML share of its postings changed by {sign}{number(ind['growth'])}% from "
            "the previous six months to the last six"
        )
    return text + "."


def _salary(ind: Report, sal: Report, min_sample: int) -> str:
    excluded = sal["excluded_estimated"] + sal["excluded_implausible"]
    note = (
        f" ({number(sal['excluded_estimated'])} estimated and "
        f"{number(sal['excluded_implausible'])} implausible salaries left out)"
        if excluded
        else ""
    )
    if ind["salary_usd_median"] is None:
        if sal["n"]:
            return (
                f"Only {number(sal['n'])} posted salaries could be used, fewer than the "
                f"{number(min_sample)} a median needs{note}."
            )
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
    warned = [m for m in report["metros"][: report["top"]] if m["warnings"]]
    for m in warned:
        lines.append(f"- {md(m['metro'])}: " + "; ".join(md(w) for w in m["warnings"]) + ".")
    return "\n".join(lines)
