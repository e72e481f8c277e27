"""The company registry: the starter list, parsing rules, and editing."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobatlas.errors import ConfigError
from jobatlas.sources.companies import (
    ATS_SOURCES,
    Company,
    add_company,
    bundled_companies,
    load_companies,
    parse_companies,
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
