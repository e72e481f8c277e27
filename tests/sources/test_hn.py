"""Hacker News "Who is hiring?": finding the thread and parsing head lines."""

from __future__ import annotations

import pytest
from fakeapi import FakeApi, fast_client, install_world, load, reply
from hypothesis import given
from hypothesis import strategies as st

from jobatlas.errors import ConfigError, SourceError
from jobatlas.sources import hn
from jobatlas.sources.base import FetchContext, board


def collect_month(api: FakeApi, month: str = "2024-06") -> list[hn.RawPosting]:
    install_world(api)
    with fast_client() as client:
        return hn.SOURCE.fetch(board("hn", month), FetchContext(client, hn.INFO, api.url))


def test_finds_the_hiring_thread_not_the_other_two(api: FakeApi) -> None:
    postings = collect_month(api)
    assert api.count(r"/api/v1/items/40563283") == 1
    assert api.count(r"/api/v1/items/4056328[45]") == 0
    search = next(q for p, q in api.requests if p == "/api/v1/search_by_date")
    assert search["tags"] == "story,author_whoishiring"
    assert search["numericFilters"].startswith("created_at_i>=")
    assert len(postings) == 5


def test_one_posting_per_role_keeping_the_comment_id(api: FakeApi) -> None:
    postings = {p.source_id: p for p in collect_month(api)}
    assert set(postings) == {
        "40563401",
        "40563402:1",
        "40563402:2",
        "40563402:3",
        "40563405",
    }
    roles = [postings[f"40563402:{n}"].fields["title"] for n in (1, 2, 3)]
    assert roles == ["Data Scientist", "MLOps Engineer", "Product Designer"]
    bramble = postings["40563402:2"]
    assert bramble.record["id"] == 40563402 and "children" not in bramble.record
    assert bramble.fields["url"] == "https://news.ycombinator.com/item?id=40563402#role-2"
    assert bramble.fields["salary_text"] == "£70k-£95k"
    assert bramble.fields["remote_hint"] == "hybrid"
    assert bramble.fields["location"] == "London, UK"
    assert "https://bramble.example/jobs" in bramble.fields["description"]


def test_head_line_fields(api: FakeApi) -> None:
    postings = {p.source_id: p.fields for p in collect_month(api)}
    quill = postings["40563401"]
    assert quill["company"] == "Quillfeather"  # the (YC W23) tag is dropped
    assert (quill["title"], quill["location"]) == ("Senior ML Engineer", "Boston, MA")
    assert (quill["remote_hint"], quill["salary_text"]) == ("onsite", "$170k-$210k + equity")
    assert quill["posted_at"].startswith("2024-06-03T15:02:10")
    kestrel = postings["40563405"]
    assert kestrel["title"] == "Robotics Software Engineer"
    assert kestrel["remote_hint"] == "remote" and kestrel["location"] == "REMOTE (US, Canada)"


def test_a_comment_without_a_numeric_id_is_set_aside(api: FakeApi) -> None:
    install_world(api)
    item = load("hn_item.json")
    item["children"][0]["id"] = "40563401"  # a string: Algolia items carry numbers
    api.script(r"/api/v1/items/40563283", reply(item))
    with fast_client() as client:
        ctx = FetchContext(client, hn.INFO, api.url)
        postings = hn.SOURCE.fetch(board("hn", "2024-06"), ctx)
    assert "40563401" not in {p.source_id for p in postings}
    assert len(postings) == 4  # the other comments: three roles of one, and one more
    [rejected] = ctx.rejected
    assert rejected.position == 1 and "'children[].id' (got str)" in rejected.reason


def test_no_thread_for_the_month_fails_clearly(api: FakeApi) -> None:
    with pytest.raises(SourceError, match="2024-07"):
        collect_month(api, "2024-07")


def test_search_pages_until_found(api: FakeApi) -> None:
    install_world(api)
    first = load("hn_search.json")
    second = load("hn_search.json")
    first["hits"] = first["hits"][1:]
    second["hits"] = second["hits"][:1]
    first["nbPages"] = second["nbPages"] = 2
    second["page"] = 1
    api.script(r"/api/v1/search_by_date", reply(first), reply(second))
    with fast_client() as client:
        found = hn.find_thread(FetchContext(client, hn.INFO, api.url), 2024, 6)
    assert found == 40563283
    pages = [q["page"] for p, q in api.requests if p == "/api/v1/search_by_date"]
    assert pages == ["0", "1"]


@pytest.mark.parametrize("month", ["2024-13", "June 2024", "2024-6", ""])
def test_bad_months_are_config_errors(month: str) -> None:
    with pytest.raises(ConfigError, match="YYYY-MM"):
        hn.SOURCE.check(board("hn", month or " "))


@pytest.mark.parametrize(
    ("line", "company", "roles", "location", "remote", "salary"),
    [
        (
            "Acme | Backend Engineer | Berlin, Germany | ONSITE",
            "Acme",
            ("Backend Engineer",),
            "Berlin, Germany",
            "onsite",
            None,
        ),
        (
            "Acme | ML/AI Engineer | Remote | €90k",
            "Acme",
            ("ML/AI Engineer",),
            None,
            "remote",
            "€90k",
        ),
        (
            "Acme Inc (https://acme.example) | Toronto | Staff Engineer, Research Scientist",
            "Acme Inc",
            ("Staff Engineer", "Research Scientist"),
            "Toronto",
            None,
            None,
        ),
        (
            "Acme | Founding Engineer | San Francisco or Remote (US) | $150k - $200k",
            "Acme",
            ("Founding Engineer",),
            "San Francisco or Remote (US)",
            "remote",
            "$150k - $200k",
        ),
        (
            "Acme | Platform Engineer | Tokyo | Onsite or Remote",
            "Acme",
            ("Platform Engineer",),
            "Tokyo",
            None,
            None,
        ),
        ("Acme | Wizard | Tokyo", "Acme", ("Wizard",), "Tokyo", None, None),
        (
            "Acme \uff5c Data Engineer \uff5c Remote",
            "Acme",
            ("Data Engineer",),
            None,
            "remote",
            None,
        ),
    ],
)
def test_parse_head(
    line: str,
    company: str,
    roles: tuple[str, ...],
    location: str | None,
    remote: str | None,
    salary: str | None,
) -> None:
    head = hn.parse_head(line + "<p>More text.</p>")
    assert head is not None
    assert (head.company, head.roles, head.location, head.remote, head.salary) == (
        company,
        roles,
        location,
        remote,
        salary,
    )


@pytest.mark.parametrize(
    "body",
    ["Great thread!", "Anyone hiring in Lisbon?<p>Thanks", " | Engineer", "Acme |  | "],
)
def test_comments_that_are_not_job_posts(body: str) -> None:
    assert hn.parse_head(body) is None


def test_role_splitting() -> None:
    assert hn.split_roles("iOS Engineer & Android Engineer") == ["iOS Engineer", "Android Engineer"]
    assert hn.split_roles("Engineers (Backend, Frontend)") == ["Engineers (Backend, Frontend)"]


@given(st.text(max_size=300))
def test_parse_head_never_raises(body: str) -> None:
    head = hn.parse_head(body)
    if head is not None:
        assert head.company and head.roles and all(r.strip() for r in head.roles)


@given(
    st.lists(st.text(alphabet=st.characters(blacklist_characters="|<>\n"), max_size=30), max_size=6)
)
def test_parse_head_on_pipe_lines(parts: list[str]) -> None:
    head = hn.parse_head(" | ".join(parts))
    assert head is None or head.company.strip()
