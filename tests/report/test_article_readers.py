"""The article for readers: plain words, paragraphs that differ, honest headline (issue #15)."""

from __future__ import annotations

import itertools
import re

import pytest
from world_postings import world_ranking

from jobatlas.indicators import RankSettings, build_ranking
from jobatlas.report.export import ranking_dict, to_json
from jobatlas.report.markdown import article
from jobatlas.sanitize import visible_controls
from synthetic_store import make_store, varied_metros

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
RUN = 8  # no two city paragraphs may share more consecutive words than this


def numbers(text: str) -> set[float]:
    return {float(n.replace(",", "")) for n in NUMBER.findall(text)}


def paragraphs(text: str) -> dict[str, list[str]]:
    """City heading -> the words of its paragraph."""
    sections = re.split(r"^### ", text, flags=re.M)[1:]
    return {s.split("\n", 1)[0]: s.split("\n", 1)[1].split("\n## ")[0].split() for s in sections}


def shared_runs(a: list[str], b: list[str], n: int) -> set[tuple[str, ...]]:
    grams = [{tuple(w[i : i + n]) for i in range(len(w) - n + 1)} for w in (a, b)]
    return grams[0] & grams[1]


@pytest.fixture(scope="module")
def reports() -> dict[str, dict[str, object]]:
    synthetic = build_ranking(make_store(varied_metros(12)).con, RankSettings(draws=60, seed=5))
    return {"synthetic": ranking_dict(synthetic, 10), "world": world_ranking().to_dict()}


@pytest.mark.parametrize("which", ["synthetic", "world"])
def test_no_two_city_paragraphs_share_a_run_of_more_than_eight_words(
    reports: dict[str, dict[str, object]], which: str
) -> None:
    cities = paragraphs(article(reports[which]))
    assert len(cities) >= 9
    for (a, wa), (b, wb) in itertools.combinations(cities.items(), 2):
        shared = shared_runs(wa, wb, RUN + 1)
        assert not shared, f"{a} and {b} share: {' '.join(sorted(shared)[0])}"


@pytest.mark.parametrize("which", ["synthetic", "world"])
def test_every_number_in_the_article_is_in_ranking_json(
    reports: dict[str, dict[str, object]], which: str
) -> None:
    """Numbers in the posting strings count as they are shown: a bidi override of a hostile
    employer is printed as the escape ``\\u202e``, so its digits are in the JSON that way."""
    report = reports[which]
    assert not numbers(article(report)) - numbers(visible_controls(to_json(report)))


def test_each_paragraph_leads_with_its_strongest_measure(
    reports: dict[str, dict[str, object]],
) -> None:
    for words in paragraphs(article(reports["world"])).values():
        assert words[0] == "Strongest:"
    text = article(reports["world"])
    assert text.index("*In plain words:") < text.index("\n### ")


def test_the_headline_names_the_dominant_country_and_the_rest_of_the_world(
    reports: dict[str, dict[str, object]],
) -> None:
    world = reports["world"]
    text = article(world)
    us = next(c for c in world["coverage"]["countries"] if c["country_code"] == "US")  # type: ignore[attr-defined]
    assert us["share_pct"] > 50
    assert text.startswith(
        "# Top 9 cities for AI and Machine Learning jobs in 2024 postings, "
        f"{us['share_pct']}% from the United States"
    )
    outside = text.split("## Outside the United States\n\n")[1].split("\n\n")[0]
    assert "London" in outside and "Berlin" in outside and "Boston" not in outside
    synthetic = article(reports["synthetic"])  # no country holds half: the plain title
    assert synthetic.startswith("# Top 10 cities in the world for AI")
    assert "## Outside" not in synthetic


def test_display_names_and_ppp_only_where_it_differs(
    reports: dict[str, dict[str, object]],
) -> None:
    cities = {h: " ".join(w) for h, w in paragraphs(article(reports["world"])).items()}
    assert any(h.endswith("San Francisco Bay Area, United States") for h in cities)
    for heading, text in cities.items():
        us = heading.endswith("United States")
        assert ("purchasing-power dollars" in text) == (not us and "median over" in text)
