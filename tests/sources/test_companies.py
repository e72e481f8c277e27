"""The company registry: the starter list, parsing rules, and editing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jobatlas.cli.main import app
from jobatlas.errors import ConfigError
from jobatlas.sources.companies import (
    ATS_SOURCES,
    Company,
    add_company,
    bundled_companies,
    bundled_text,
    load_companies,
    parse_companies,
    record_checks,
    remove_company,
)
from jobatlas.sources.registry import registry

SEED_CITIES = (
    "Seattle",
    "Toronto",
    "London",
    "Paris",
    "Dublin",
    "Beijing",
    "Tokyo",
    "Singapore",
    "Bengaluru",
    "Boston",
)


def test_starter_list_size_and_spread() -> None:
    companies = bundled_companies()
    assert len(companies) >= 150
    for city in SEED_CITIES:
        assert sum(city in c.hubs for c in companies) >= 5, city
    assert {c.ats for c in companies} == set(ATS_SOURCES)
    assert set(ATS_SOURCES) <= set(registry())


def test_starter_list_is_honest_about_verification() -> None:
    companies = bundled_companies()
    verified = [c for c in companies if c.verified]
    assert len(verified) < len(companies) / 10
    assert all(c.note for c in verified)  # each verified entry says how it was checked


def test_every_entry_makes_a_board() -> None:
    boards = [c.board() for c in bundled_companies()]
    assert len({b.key for b in boards}) == len(boards)
    assert all(b.company for b in boards)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[company]]\nname = "A"\nats = "greenhouse"\nslug = "a"\ncolour = "red"', "colour"),
        ('[[company]]\nname = "A"\nats = "workday"\nslug = "a"', "workday"),
        ('[[company]]\nname = "A"\nats = "lever"', "slug"),
        ('[[company]]\nname = "A"\nats = "lever"\nslug = "a"\nverified = "yes"', "verified"),
        ('[[company]]\nname = "A"\nats = "lever"\nslug = "a"\nhubs = "Paris"', "hubs"),
        ("[[company]\nname =", "not valid TOML"),
        ('[[company]]\nname = "A"\nats = "lever"\nslug = "a"\nevidence = 3', "evidence"),
        ('[[company]]\nname = "A"\nats = "lever"\nslug = "a"\nevidence = " "', "evidence"),
        (
            '[[company]]\nname = "A"\nats = "lever"\nslug = "a"\nevidence = "javascript:alert(1)"',
            "neither a URL",
        ),
        (
            '[[company]]\nname = "A"\nats = "lever"\nslug = "a"\nevidence = "ftp://example.org/a"',
            "not an http",
        ),
        (
            '[[company]]\nname = "A"\nats = "lever"\nslug = "a"\n'
            'evidence = "owner/repo jobs.py\\nmore"',
            "neither a URL",
        ),
        (
            '[[company]]\nname = "A"\nats = "lever"\nslug = "a"\nevidence = "https://x.org/'
            + "a" * 300
            + '"',
            "longer than",
        ),
        (
            '[[company]]\nname = "A"\nats = "lever"\nslug = "a"\n'
            '[[company]]\nname = "B"\nats = "lever"\nslug = "A"',
            "listed twice",
        ),
    ],
)
def test_bad_files_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_companies(text, "test.toml")


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="no such company file"):
        load_companies("/nonexistent/companies.toml")


def test_add_creates_the_file_from_the_starter_list_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    new = Company(
        name='Quote "Co"', ats="lever", slug="quoteco", hubs=("Oslo",), eu=True, note="a\\b"
    )
    companies = add_company(path, new)
    assert len(companies) == len(bundled_companies()) + 1
    assert path.read_text(encoding="utf-8").startswith("# jobatlas company registry")
    again = load_companies(path)
    assert again[-1] == new and again[-1].board().option("eu") == "1"
    with pytest.raises(ConfigError, match="listed twice"):
        add_company(path, Company(name="Other", ats="lever", slug="QuoteCo"))
    with pytest.raises(ConfigError, match="not supported"):
        add_company(path, Company(name="Other", ats="taleo", slug="x"))


def test_remove_by_name_or_slug(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "# my list\n\n"
        '[[company]]\nname = "Alpha"\nats = "lever"\nslug = "alpha"\n\n'
        '[[company]]\nname = "Beta"\nats = "ashby"\nslug = "beta-ai"\n',
        encoding="utf-8",
    )
    assert remove_company(path, "beta-ai").name == "Beta"
    assert [c.name for c in load_companies(path)] == ["Alpha"]
    assert path.read_text(encoding="utf-8").startswith("# my list\n")
    with pytest.raises(ConfigError, match="no company named"):
        remove_company(path, "gamma")


def test_evidence_is_kept_through_edits(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        "# my list\n\n"
        '[[company]]\nname = "Alpha"\nats = "lever"\nslug = "alpha"\n'
        'evidence = "https://jobs.lever.co/alpha"\n',
        encoding="utf-8",
    )
    cited = Company(
        name="Beta", ats="ashby", slug="beta", evidence="someone/job-scraper data/ashby.json"
    )
    add_company(path, cited)
    record_checks(path, {("lever", "alpha"): 404}, datetime(2026, 1, 2, tzinfo=UTC))
    alpha, beta = load_companies(path)
    assert alpha.evidence == "https://jobs.lever.co/alpha" and alpha.http_status == 404
    assert beta == cited


def test_bundled_evidence_is_provenance_not_verification() -> None:
    companies = bundled_companies()
    cited = [c for c in companies if c.evidence]
    assert cited, "the starter list cites public evidence for some boards"
    # a citation is not a live check: the verified entries must still say how they were checked
    assert all(c.note for c in companies if c.verified)
    for c in cited:
        # a URL that is a board address must name the entry's own slug
        if c.evidence and c.evidence.startswith(("https://boards.greenhouse.io/", "https://jobs.")):
            assert c.slug.lower() in c.evidence.lower(), c.name


def test_companies_list_json_shows_evidence(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "companies",
            "add",
            "Gamma",
            "--ats",
            "greenhouse",
            "--slug",
            "gamma",
            "--evidence",
            "https://boards.greenhouse.io/gamma",
            "--file",
            str(path),
        ],
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(app, ["companies", "list", "--file", str(path), "--format", "json"])
    assert listed.exit_code == 0, listed.output
    records = {r["name"]: r for r in json.loads(listed.stdout)}
    assert records["Gamma"]["evidence"] == "https://boards.greenhouse.io/gamma"
    assert sum(r["evidence"] is not None for r in records.values()) == sum(
        c.evidence is not None for c in load_companies(path)
    )
    bad = ["--evidence", "not a reference", "--file", str(path)]
    add_delta = ["companies", "add", "Delta", "--ats", "lever", "--slug", "delta", *bad]
    refused = runner.invoke(app, add_delta)
    assert isinstance(refused.exception, ConfigError) and "evidence" in str(refused.exception)
    assert [c.name for c in load_companies(path)][-1] == "Gamma"


def test_starter_list_header_states_its_evidence_count() -> None:
    """The header of the bundled file quotes how many entries carry evidence; keep it true."""
    header = bundled_text().split("[[company]]", 1)[0].replace("\n#", "")
    stated = re.search(r"(\d+) of the (\d+) entries carry one", header)
    assert stated is not None
    companies = bundled_companies()
    assert int(stated.group(2)) == len(companies)
    assert int(stated.group(1)) == sum(c.evidence is not None for c in companies)
