"""The article, ranking.json and ranking.csv, from a SYNTHETIC store of twelve made-up metros."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from jobatlas.indicators import INDICATORS, Ranking, RankSettings, build_ranking
from jobatlas.report.export import ranking_dict, write_report
from jobatlas.report.markdown import article
from jobatlas.report.terminal import ranking_table, summary_lines
from synthetic_store import SynMetro, make_store, varied_metros

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "ranking_json.md"


def numbers(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in NUMBER.findall(text)}


@pytest.fixture(scope="module")
def ranking() -> Ranking:
    store = make_store(varied_metros(12))
    return build_ranking(store.con, RankSettings(draws=200, seed=9))


def test_every_number_in_the_article_is_in_ranking_json(ranking: Ranking, tmp_path: Path) -> None:
    write_report(ranking, tmp_path)
    text = (tmp_path / "article.md").read_text(encoding="utf-8")
    missing = numbers(text) - numbers((tmp_path / "ranking.json").read_text(encoding="utf-8"))
    assert not missing, f"numbers in the article but not in ranking.json: {sorted(missing)}"


def test_article_has_ten_cities_with_at_least_four_facts_each(ranking: Ranking) -> None:
    text = article(ranking_dict(ranking, 10))
    assert text.startswith(
        "# Top 10 cities in the world for AI and Machine Learning jobs (as of December 2023)"
    )
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    assert len(sections) == 10
    for section in sections:
        body = section.split("\n", 1)[1].split("\n## ")[0]
        assert len(NUMBER.findall(body)) >= 4
    for heading in ("## Sample AI/ML job posts", "## How the ranking was made", "## What the data"):
        assert heading in text
    assert "EUR" in text  # metros paying in euros show the local currency too


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    store = make_store(varied_metros(12))
    outputs = []
    for run, seed in enumerate((4, 4, 5)):
        out = tmp_path / str(run)
        write_report(build_ranking(store.con, RankSettings(draws=40, seed=seed)), out)
        outputs.append({str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*.*")})
    assert outputs[0] == outputs[1]
    assert outputs[0]["ranking.json"] != outputs[2]["ranking.json"]


def test_ranking_json_carries_intervals_tiers_and_every_indicator(ranking: Ranking) -> None:
    report = json.loads(json.dumps(ranking_dict(ranking)))
    assert report["metros"]
    for m in report["metros"]:
        assert m["median_rank"] is not None and m["tier"] >= 1
        low, high = m["interval"]
        assert 1 <= low <= high <= len(report["metros"])
        assert set(m["indicators"]) == {i.name for i in INDICATORS}
    assert report["as_of"] == {"month": "2023-12", "label": "December 2023"}


def test_ranking_csv_has_a_row_per_metro(ranking: Ranking, tmp_path: Path) -> None:
    write_report(ranking, tmp_path)
    with (tmp_path / "ranking.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(ranking.metros)
    ranked = [r for r in rows if r["status"] == "ranked"]
    assert [int(r["position"]) for r in ranked] == list(range(1, len(ranked) + 1))
    medians = [float(r["median_rank"]) for r in ranked]
    assert medians == sorted(medians)
    for column in ("median_rank", "interval_low", "interval_high", "tier", "score", "hhi"):
        assert all(r[column] != "" for r in ranked)


def test_the_json_schema_doc_names_every_key(ranking: Ranking) -> None:
    report = ranking_dict(ranking)
    doc = DOCS.read_text(encoding="utf-8")
    keys = (
        set(report) | set(report["metros"][0]) | set(report["coverage"]) | set(report["settings"])
    )
    undocumented = sorted(k for k in keys if f"`{k}`" not in doc)
    assert not undocumented, f"document these ranking.json keys: {undocumented}"


@pytest.fixture(scope="module")
def thin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Ranking, Path]:
    """Twelve synthetic metros and one with just over 30 AI/ML postings: provisional."""
    thin_metro = SynMetro("syn-thin", "Thinville", core=25, adjacent=7, employers=6)
    store = make_store([*varied_metros(12), thin_metro])
    ranking = build_ranking(store.con, RankSettings(draws=300, seed=2, sensitivity_draws=2000))
    out = tmp_path_factory.mktemp("thin")
    write_report(ranking, out, top=13)
    return ranking, out


def test_a_provisional_metro_is_marked_in_every_output(thin: tuple[Ranking, Path]) -> None:
    _, out = thin
    report = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    flagged = [m for m in report["metros"] if m["provisional"]]
    assert [m["metro_id"] for m in flagged] == ["syn-thin"]
    assert flagged[0]["p_meets_thresholds_pct"] < 90
    assert report["coverage"]["metros_provisional"] == 1
    with (out / "ranking.csv").open(encoding="utf-8") as fh:
        rows = {r["metro_id"]: r for r in csv.DictReader(fh)}
    assert rows["syn-thin"]["provisional"] == "true" and rows["syn-00"]["provisional"] == "false"
    article_text = (out / "article.md").read_text(encoding="utf-8")
    section = article_text.split(". Thinville, ")[1].split("\n### ")[0]
    assert "Its place is provisional" in section
    table = io.StringIO()
    Console(file=table, width=250).print(ranking_table(report, 13))
    lines = [line for line in table.getvalue().splitlines() if "Thinville" in line]
    assert lines and re.search(r"\d+\*", lines[0])
    assert any(line.startswith("* provisional") for line in summary_lines(report))


def test_the_other_definition_is_shown_beside_the_main_one(thin: tuple[Ranking, Path]) -> None:
    ranking, out = thin
    report = json.loads((out / "ranking.json").read_text(encoding="utf-8"))
    assert report["settings"]["definition"] == "core+adjacent"
    assert report["other_definition"]["definition"] == "core"
    assert report["other_definition"]["metros_ranked"] == ranking.other_ranked >= 5
    table = io.StringIO()
    Console(file=table, width=250).print(ranking_table(report, 13))
    assert "Core only" in table.getvalue()
    with (out / "ranking.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["other_definition"] for r in rows} == {"core"}
    ranked_core = [r for r in rows if r["other_median_rank"]]
    assert len(ranked_core) == report["other_definition"]["metros_ranked"]
    assert "Counting only core AI/ML jobs" in (out / "article.md").read_text(encoding="utf-8")


def test_the_article_explains_intervals_and_tiers_in_a_sentence_each(
    thin: tuple[Ranking, Path],
) -> None:
    _, out = thin
    intro = (out / "article.md").read_text(encoding="utf-8").split("\n### ")[0]
    assert "A city's rank interval is the range its rank stays within" in intro
    assert "A tier groups neighbouring cities that the draws cannot tell apart" in intro


def test_each_metro_carries_its_postings_per_month(ranking: Ranking) -> None:
    report = json.loads(json.dumps(ranking_dict(ranking)))
    for m in report["metros"]:
        months = [r["month"] for r in m["monthly_postings"]]
        assert months == sorted(set(months)) and all(len(x) == 7 for x in months)
        counts = [r["ai_ml_postings"] for r in m["monthly_postings"]]
        assert all(c > 0 for c in counts)
        assert sum(counts) <= m["ai_ml_postings_listed"]
    assert any(m["monthly_postings"] for m in report["metros"])


def test_local_salaries_have_quartiles_around_their_median(ranking: Ranking) -> None:
    report = json.loads(json.dumps(ranking_dict(ranking)))
    local = [m["salary"] for m in report["metros"] if m["salary"]["local_currency"]]
    assert local
    for s in local:
        assert s["local_p25"] <= s["local_median"] <= s["local_p75"]
