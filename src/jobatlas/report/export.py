"""ranking.json and ranking.csv, and the report dict that every output is built from.

``ranking_dict`` rounds every number to the precision the reports print, so the article, the
terminal table and the CSV show exactly the numbers in ranking.json. The JSON bytes depend only
on the data and the settings (seed included): no clock, no host, sorted where order is free.
Schema: docs/ranking_json.md.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from jobatlas.csvio import write_rows
from jobatlas.errors import FileFormatError
from jobatlas.indicators import INDICATORS, Details, MetroResult, OtherRank, Ranking
from jobatlas.indicators.details import country_name
from jobatlas.indicators.sensitivity import ASSUMPTIONS, Index
from jobatlas.report.places import all_coordinates, place_fields

SCHEMA = "jobatlas.ranking/2"
DECIMALS = {i.name: i.decimals for i in INDICATORS}


def _round(value: float | None, decimals: int) -> float | int | None:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if decimals == 0:
        return round(value)
    rounded = round(float(value), decimals)
    return int(rounded) if rounded.is_integer() else rounded


def month_label(day: date | None) -> tuple[str | None, str | None]:
    if day is None:
        return None, None
    return f"{day.year:04d}-{day.month:02d}", day.strftime("%B %Y")


def title(ranking: Ranking, top: int, max_per_country: int | None = None) -> str:
    shown = len(listed_positions(ranking, top, max_per_country))
    _, label = month_label(ranking.coverage.last_date)
    cap = f", at most {max_per_country} per country" if max_per_country else ""
    return (
        f"Top {shown} cities in the world for AI and Machine Learning jobs{cap} "
        f"(as of {label or 'no dated postings'})"
    )


def listed_positions(ranking: Ranking, top: int, max_per_country: int | None) -> list[int]:
    """Positions (1-based) of the metros the reports list: the first ``top`` ranked ones, at
    most ``max_per_country`` of one country when that is set (a world-tour list)."""
    out: list[int] = []
    per_country: dict[str, int] = {}
    for position, m in enumerate(ranking.ranked, start=1):
        if len(out) == top:
            break
        seen = per_country.get(m.country_code, 0)
        if max_per_country is not None and seen >= max_per_country:
            continue
        per_country[m.country_code] = seen + 1
        out.append(position)
    return out


def ranking_dict(
    ranking: Ranking, top: int = 10, max_per_country: int | None = None
) -> dict[str, Any]:
    """Everything the reports show, rounded as shown; serialised as ranking.json."""
    month, label = month_label(ranking.coverage.last_date)
    ranked = ranking.ranked
    where = all_coordinates([m.metro_id for m in ranked])
    positions = listed_positions(ranking, top, max_per_country)
    return {
        "schema": SCHEMA,
        "generator": f"jobatlas {_version()}",
        "title": title(ranking, top, max_per_country),
        "top": len(positions),
        "max_per_country": max_per_country,
        "listed": positions,
        "as_of": {"month": month, "label": label},
        "settings": _settings(ranking),
        "profile": _profile(ranking),
        "indicators": _indicators(ranking),
        "structure": _structure(ranking),
        "coverage": _coverage(ranking),
        "sensitivity": _sensitivity(ranking),
        "other_definition": {
            "definition": ranking.settings.other_definition,
            "metros_ranked": ranking.other_ranked,
        },
        "metros": [_metro(m, i + 1, where) for i, m in enumerate(ranked)],
        "not_enough_data": [_unranked(m) for m in ranking.not_enough_data],
        "countries": [
            {
                "country_code": c.country_code,
                "country": c.country,
                "metros_ranked": c.metros_ranked,
                "indicators": _indicator_values(c.indicators),
            }
            for c in ranking.countries
        ],
    }


def _settings(ranking: Ranking) -> dict[str, Any]:
    s = ranking.settings
    return {
        "profile": s.profile,
        "profiles_file": str(s.profiles_file) if s.profiles_file else None,
        "since": s.since.isoformat() if s.since else None,
        "until": s.until.isoformat() if s.until else None,
        "definition": s.definition,
        "place_weighting": s.place_weighting,
        "min_postings": _round(s.min_postings, 1),
        "min_employers": s.min_employers,
        "min_sample": s.min_sample,
        "normalisation": s.normalisation,
        "aggregation": s.aggregation,
        "winsor_pct": _round(100 * s.winsor, 1),
        "draws": ranking.draws,
        "seed": ranking.seed,
        "weight_jitter_pct": _round(100 * s.weight_jitter, 1),
        "bootstrap": s.bootstrap,
        "vary_normalisation": s.vary_normalisation,
        "vary_aggregation": s.vary_aggregation,
        "interval_pct": [_round(100 * s.interval[0], 1), _round(100 * s.interval[1], 1)],
        "tier_confidence_pct": _round(100 * s.tier_confidence, 1),
        "provisional_below_pct": _round(100 * s.provisional_below, 1),
        "sensitivity_draws": s.sensitivity_draws,
    }


def _profile(ranking: Ranking) -> dict[str, Any]:
    p = ranking.profile
    return {
        "name": p.name,
        "description": p.description,
        "indicators_used": len(p.weights),
        "weights_pct": {n: _round(100 * w, 1) for n, w in p.weights.items()},
        "directions": dict(p.directions),
    }


def _indicators(ranking: Ranking) -> list[dict[str, Any]]:
    p, structure = ranking.profile, ranking.structure
    weights = structure.indicator_weights()
    input_of = {INDICATORS[k].name: i.name for i in structure.inputs for k in i.members}
    return [
        {
            "name": i.name,
            "label": i.label,
            "unit": i.unit,
            "direction": p.directions[i.name],
            "weight_pct": _round(100 * weights[i.name], 1),
            "input": input_of.get(i.name),
        }
        for i in INDICATORS
    ]


def _structure(ranking: Ranking) -> dict[str, Any]:
    st = ranking.structure
    names = [i.name for i in st.inputs]
    return {
        "inputs": [
            {
                "name": i.name,
                "label": i.label,
                "members": [INDICATORS[k].name for k in i.members],
                "weight_pct": _round(100 * i.weight, 1),
            }
            for i in st.inputs
        ],
        "folds": [
            {
                "name": f.fold.name,
                "members": list(f.fold.members),
                "r": _round(f.r, 3),
                "reason": f.fold.reason,
            }
            for f in st.folds
        ],
        "correlations": [
            {"a": names[a], "b": names[b], "r": _round(float(st.correlations[a, b]), 3)}
            for a in range(len(names))
            for b in range(a + 1, len(names))
        ],
        "redundant_pairs": [{"a": a, "b": b, "r": _round(r, 3)} for a, b, r in st.redundant],
        "constant": list(st.constant),
    }


def _coverage(ranking: Ranking) -> dict[str, Any]:
    c = ranking.coverage
    placed = sum(n for cc, n in c.countries if cc)
    ranked = ranking.ranked
    return {
        "postings": c.postings,
        "ai_ml_postings": c.ai_ml_postings,
        "core_postings": c.core_postings,
        "adjacent_postings": c.adjacent_postings,
        "ai_ml_in_metros": c.ai_ml_in_metros,
        "ai_ml_remote_unplaced": c.ai_ml_remote_unplaced,
        "first_date": c.first_date.isoformat() if c.first_date else None,
        "last_date": c.last_date.isoformat() if c.last_date else None,
        "growth": _growth(ranking),
        "sources": [
            {"source": name, "postings": n, "ai_ml_postings": ai} for name, n, ai in c.channels
        ],
        "countries": [
            {
                "country_code": cc or None,
                "country": country_name(cc) if cc else "unknown",
                "ai_ml_postings": n,
                "share_pct": _round(100 * n / placed, 1) if placed and cc else None,
            }
            for cc, n in c.countries
        ],
        "metros_with_ai_ml": len(ranking.metros),
        "metros_ranked": len(ranked),
        "metros_not_enough_data": len(ranking.not_enough_data),
        "metros_provisional": sum(m.provisional for m in ranked),
        "salaries_excluded_estimated": sum(_d(m).excluded_estimated for m in ranked),
        "salaries_excluded_implausible": sum(_d(m).excluded_implausible for m in ranked),
    }


def _growth(ranking: Ranking) -> dict[str, Any]:
    w = ranking.window
    return {
        "computed": w.growth_ok,
        "reason": w.growth_reason,
        "recent_after": w.recent_after.isoformat() if w.growth_ok and w.recent_after else None,
        "previous_after": (
            w.previous_after.isoformat() if w.growth_ok and w.previous_after else None
        ),
        "sources": list(w.growth_sources),
    }


def _index(index: Index) -> dict[str, Any]:
    return {"index": _round(index.value, 3), "ci": [_round(index.low, 3), _round(index.high, 3)]}


def _sensitivity(ranking: Ranking) -> dict[str, Any]:
    sens = ranking.sensitivity
    precision = _round(ranking.settings.sensitivity_precision, 3)
    if sens is None:
        return {
            "draws": 0,
            "precision": precision,
            "varied": None,
            "first_order": None,
            "total_order": None,
            "most_influential": None,
        }
    return {
        "draws": sens.draws,
        "precision": precision,
        "varied": {a: sens.varied[a] for a in ASSUMPTIONS},
        "first_order": {a: _index(sens.first_order[a]) for a in ASSUMPTIONS},
        "total_order": {a: _index(sens.total_order[a]) for a in ASSUMPTIONS},
        "most_influential": sens.most_influential,
    }


def _d(m: MetroResult) -> Details:
    return m.details or Details()


def _indicator_values(values: dict[str, float | None]) -> dict[str, float | int | None]:
    return {k: _round(v, DECIMALS[k]) for k, v in values.items()}


def _metro(
    m: MetroResult, position: int, where: dict[str, tuple[float, float] | None]
) -> dict[str, Any]:
    d = _d(m)
    return {
        "position": position,
        "rank": m.rank,
        "median_rank": _round(m.median_rank, 1),
        "interval": [_round(v, 0) for v in m.interval] if m.interval else None,
        "tier": m.tier,
        "p_above_next_pct": _pct(m.p_above_next),
        "p_meets_thresholds_pct": _pct(m.p_meets),
        "provisional": m.provisional,
        "score": _round(m.score, 1),
        "metro_id": m.metro_id,
        **place_fields(m.metro_id, m.metro, where),
        "metro": m.metro,
        "country_code": m.country_code,
        "country": country_name(m.country_code),
        "population": _round(m.population, 0),
        "indicators": _indicator_values(m.indicators),
        "missing_indicators": list(m.missing),
        "other_definition": _other(m.other),
        "all_postings": _round(d.all_postings, 1),
        "ai_ml_postings_listed": d.ai_ml_postings,
        "salary": {
            "n": d.salary_n,
            "usd_p25": _round(d.salary_usd_p25, 0),
            "usd_p75": _round(d.salary_usd_p75, 0),
            "ppp_p25": _round(d.salary_ppp_p25, 0),
            "ppp_p75": _round(d.salary_ppp_p75, 0),
            "excluded_estimated": d.excluded_estimated,
            "excluded_implausible": d.excluded_implausible,
            "local_currency": d.local_currency,
            "local_median": _round(d.local_median, 0),
            "local_p25": _round(d.local_p25, 0),
            "local_p75": _round(d.local_p75, 0),
        },
        "seniority": dict(d.seniority),
        "top_employers": [{"name": n, "postings": c} for n, c in d.top_employers],
        "top_titles": [{"title": n, "postings": c} for n, c in d.top_titles],
        "top_skills": [{"skill": n, "postings": c} for n, c in d.top_skills],
        "samples": [
            {
                "title": s.title,
                "company": s.company,
                "url": s.url,
                "posted_date": s.posted_date,
                "salary_usd": _round(s.salary_usd, 0),
                "remote": s.remote,
            }
            for s in d.samples
        ],
        "sources": [{"source": n, "postings": c} for n, c in d.sources],
        "monthly_postings": [{"month": mo, "ai_ml_postings": c} for mo, c in d.monthly],
        "warnings": list(d.warnings),
    }


def _pct(p: float | None) -> float | int | None:
    return None if p is None else _round(100 * p, 1)


def _other(other: OtherRank | None) -> dict[str, Any] | None:
    if other is None:
        return None
    return {
        "rank": other.rank,
        "median_rank": _round(other.median_rank, 1),
        "interval": [_round(v, 0) for v in other.interval] if other.interval else None,
    }


def _unranked(m: MetroResult) -> dict[str, Any]:
    return {
        "metro_id": m.metro_id,
        "metro": m.metro,
        "country_code": m.country_code,
        "ai_ml_postings": _round(m.indicators["ai_ml_postings"], 1),
        "employers": _round(m.indicators["employers"], 0),
        "other_definition": _other(m.other),
    }


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


CSV_FIXED = (
    "position",
    "rank",
    "median_rank",
    "interval_low",
    "interval_high",
    "tier",
    "p_above_next_pct",
    "status",
    "provisional",
    "p_meets_thresholds_pct",
    "metro_id",
    "metro",
    "country_code",
    "country",
    "population",
    "score",
    "definition",
    "other_definition",
    "other_rank",
    "other_median_rank",
    "other_interval_low",
    "other_interval_high",
)
CSV_EXTRA = (
    "missing_indicators",
    "all_postings",
    "salary_n",
    "salary_usd_p25",
    "salary_usd_p75",
    "salary_excluded_estimated",
    "salary_excluded_implausible",
    "salary_local_currency",
    "salary_local_median",
    "top_employers",
    "top_skills",
    "sources",
    "warnings",
)


def csv_header() -> list[str]:
    return [*CSV_FIXED, *(i.name for i in INDICATORS), *CSV_EXTRA]


def _other_cells(report: dict[str, Any], m: dict[str, Any]) -> dict[str, object]:
    other = m["other_definition"] or {}
    low, high = other.get("interval") or (None, None)
    return {
        "definition": report["settings"]["definition"],
        "other_definition": report["other_definition"]["definition"],
        "other_rank": other.get("rank"),
        "other_median_rank": other.get("median_rank"),
        "other_interval_low": low,
        "other_interval_high": high,
    }


def csv_rows(report: dict[str, Any]) -> list[dict[str, object]]:
    """One row per metro: the ranked ones, then those with not enough data."""
    rows: list[dict[str, object]] = []
    for m in report["metros"]:
        low, high = m["interval"] or (None, None)
        salary = m["salary"]
        rows.append(
            {
                **{k: m[k] for k in CSV_FIXED if k in m},
                "interval_low": low,
                "interval_high": high,
                "status": "ranked",
                **_other_cells(report, m),
                **m["indicators"],
                "missing_indicators": "; ".join(m["missing_indicators"]),
                "all_postings": m["all_postings"],
                "salary_n": salary["n"],
                "salary_usd_p25": salary["usd_p25"],
                "salary_usd_p75": salary["usd_p75"],
                "salary_excluded_estimated": salary["excluded_estimated"],
                "salary_excluded_implausible": salary["excluded_implausible"],
                "salary_local_currency": salary["local_currency"],
                "salary_local_median": salary["local_median"],
                "top_employers": "; ".join(
                    f"{e['name']} ({e['postings']})" for e in m["top_employers"]
                ),
                "top_skills": "; ".join(f"{s['skill']} ({s['postings']})" for s in m["top_skills"]),
                "sources": "; ".join(f"{s['source']} ({s['postings']})" for s in m["sources"]),
                "warnings": "; ".join(m["warnings"]),
            }
        )
    for m in report["not_enough_data"]:
        rows.append(
            {
                **{k: v for k, v in m.items() if k != "other_definition"},
                "status": "not enough data",
                **_other_cells(report, m),
            }
        )
    return rows


def write_report(
    ranking: Ranking,
    out: Path,
    top: int = 10,
    note: Callable[[str], None] | None = None,
    max_per_country: int | None = None,
) -> list[Path]:
    """Write article.md (with its figures), ranking.json, ranking.csv and report.html into
    ``out``; return their paths. Without the ``report`` extra (vl-convert) the figures and
    report.html are left out, and ``note`` is told why."""
    return ReportFiles(ranking, out, top, max_per_country).write(note)


class ReportFiles:
    """The files of ``write_report``, started: the report's dictionary is made and its
    figures start being drawn (in the helper process, when one was started) at once, so
    that the caller can print the ranking meanwhile; ``write`` writes the files."""

    def __init__(
        self, ranking: Ranking, out: Path, top: int = 10, max_per_country: int | None = None
    ) -> None:
        from jobatlas.report.figures import Drawing

        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileFormatError(
                f"{out}: cannot create the report folder ({exc.strerror})"
            ) from exc
        self._ranking, self._out = ranking, out
        self.report = ranking_dict(ranking, top, max_per_country)
        self._drawing = Drawing(self.report, out) if has_charts() else None

    def write(self, note: Callable[[str], None] | None = None) -> list[Path]:
        """Write the files (waiting for the figures last); return their paths."""
        from jobatlas.report.html import write_html
        from jobatlas.report.markdown import article

        out, report, drawing = self._out, self.report, self._drawing
        paths = [out / "article.md", out / "ranking.json", out / "ranking.csv"]
        _write(paths[0], article(report, drawing.listed if drawing else []))
        _write(paths[1], to_json(report))
        write_rows(str(paths[2]), csv_header(), csv_rows(report))
        if drawing:
            paths.append(write_html(self._ranking, report, out))
            drawing.write()
        elif note is not None:
            note("report.html and the figures need vl-convert: pip install 'jobatlas[report]'")
        return paths


def has_charts() -> bool:
    """Whether vl-convert (the ``report`` extra), which draws the charts offline, is installed."""
    return importlib.util.find_spec("vl_convert") is not None


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot write ({exc.strerror})") from exc


def _version() -> str:
    """The installed jobatlas version (the ``jobatlas`` package is the API, a floor above)."""
    try:
        return importlib.metadata.version("jobatlas")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
