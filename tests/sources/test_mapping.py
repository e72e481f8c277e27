"""Each source maps its own response shape to RawPosting fields (fixtures are synthetic)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fakeapi import FakeApi, fast_client, install_world, load, reply
from hypothesis import example, given
from hypothesis import strategies as st

from jobatlas.errors import ConfigError, SourceSchemaChanged
from jobatlas.models import CANONICAL_FIELDS, RawPosting
from jobatlas.sources import adzuna, ashby, greenhouse, lever, recruitee, smartrecruiters, workable
from jobatlas.sources.base import (
    FetchContext,
    Rejected,
    Source,
    board,
    country_code,
    html_to_text,
    iso_timestamp,
    remote_from_label,
)


def by_id(postings: list[RawPosting]) -> dict[str, RawPosting]:
    return {p.source_id: p for p in postings}


def fetch(
    api: FakeApi, source: Source, slug: str, base: str | None = None, **options: Any
) -> list[RawPosting]:
    install_world(api)
    with fast_client() as client:
        ctx = FetchContext(client, source.info, base or api.url)
        return list(source.fetch(board(source.info.name, slug, **options), ctx))


def test_every_mapped_field_is_canonical(api: FakeApi) -> None:
    postings = fetch(api, greenhouse.SOURCE, "acmerobotics")
    for p in postings:
        assert set(p.fields) <= set(CANONICAL_FIELDS)
        assert p.fields["title"] and p.source == "greenhouse"


# -- Greenhouse ---------------------------------------------------------------------------------


def test_greenhouse_cents_become_units_with_inferred_periods(api: FakeApi) -> None:
    jobs = by_id(fetch(api, greenhouse.SOURCE, "acmerobotics"))
    annual, hourly, unpaid = (jobs[str(5100001000 + i)].fields for i in (1, 2, 3))
    assert (annual["salary_min"], annual["salary_max"]) == (140_000.0, 180_000.0)
    assert (annual["salary_currency"], annual["salary_period"]) == ("USD", "year")
    assert (hourly["salary_min"], hourly["salary_max"], hourly["salary_period"]) == (60, 85, "hour")
    assert "salary_min" not in unpaid


def test_greenhouse_text_fields(api: FakeApi) -> None:
    jobs = by_id(fetch(api, greenhouse.SOURCE, "acmerobotics"))
    first = jobs["5100001001"].fields
    assert first["company"] == "Acme Robotics"
    assert first["remote_hint"] == "hybrid"  # from the Workplace Type custom field
    assert jobs["5100001002"].fields["remote_hint"] == "remote"  # "Remote, United States"
    assert "remote_hint" not in jobs["5100001003"].fields
    assert first["posted_at"] == "2024-05-28T09:00:00-04:00"  # first_published, not updated_at
    text = first["description"]
    assert "<" not in text and "&lt;" not in text and "&amp;" not in text
    assert "equity & benefits" in text and "- Train perception models" in text
    assert jobs["5100001003"].fields["url"].endswith("?gh_jid=5100001003")


def test_greenhouse_asks_the_board_name_only_when_jobs_lack_it(api: FakeApi) -> None:
    install_world(api)
    page = load("greenhouse_jobs.json")
    for job in page["jobs"]:
        del job["company_name"]
    api.json(r"/v1/boards/oldstyle/jobs", page)
    api.json(r"/v1/boards/oldstyle", {"name": "Old Style Inc"})
    postings = fetch(api, greenhouse.SOURCE, "oldstyle")
    assert {p.fields["company"] for p in postings} == {"Old Style Inc"}
    assert api.count(r"/v1/boards/acmerobotics") == 0
    fetch(api, greenhouse.SOURCE, "acmerobotics")
    assert api.count(r"/v1/boards/acmerobotics") == 0  # company_name present: no extra call


def test_greenhouse_details_fetch_pay_missing_from_the_list(api: FakeApi) -> None:
    install_world(api)
    page = load("greenhouse_jobs.json")
    ranges = page["jobs"][0].pop("pay_input_ranges")
    api.json(r"/v1/boards/lean/jobs", page)
    api.json(r"/v1/boards/lean/jobs/5100001001", {"id": 5100001001, "pay_input_ranges": ranges})
    plain = by_id(fetch(api, greenhouse.SOURCE, "lean"))
    assert "salary_min" not in plain["5100001001"].fields
    detailed = by_id(fetch(api, greenhouse.SOURCE, "lean", details=True))
    assert detailed["5100001001"].fields["salary_max"] == 180_000.0
    assert api.count(r"/v1/boards/lean/jobs/\d+") == 1


def test_greenhouse_details_skip_jobs_without_an_id_and_quote_odd_ones(api: FakeApi) -> None:
    install_world(api)
    page = load("greenhouse_jobs.json")
    for job in page["jobs"]:
        job.pop("pay_input_ranges", None)
    page["jobs"][0]["id"] = None
    page["jobs"][1]["id"] = "../../admin"
    api.json(r"/v1/boards/odd/jobs", page)
    api.route(r"/v1/boards/odd/jobs/(.+)", lambda match, query: reply({"id": match.group(1)}))
    postings, rejected = fetch_all(api, greenhouse.SOURCE, "odd", details=True)
    assert [r.position for r in rejected] == [1]
    assert [p.source_id for p in postings] == ["../../admin", str(page["jobs"][2]["id"])]
    details = [path for path, _ in api.requests if path.startswith("/v1/boards/odd/jobs/")]
    assert details == ["/v1/boards/odd/jobs/..%2F..%2Fadmin", "/v1/boards/odd/jobs/5100001003"]


@pytest.mark.parametrize(
    ("low", "high", "currency", "text", "expected"),
    [
        (140_000, 180_000, "USD", "Pay: $140,000 - $180,000 annually.", "year"),
        (60, 85, "USD", "Pay: $60 to $85 per hour. Annual leave: 25 days.", "hour"),
        (4_000, 6_000, "EUR", "Salary €4.000 - €6.000 per month", "month"),
        (4_000, 6_000, "EUR", "Salary from 4000", None),  # ambiguous size, no word
        (150_000, 200_000, "USD", "$150k-$200k, 24 hourly shifts", "year"),  # contradiction
        (120_000, 160_000, "USD", None, "year"),
        (75, 100, "USD", None, "hour"),
        (8_000_000, 12_000_000, "JPY", None, None),  # not a dollar-scale currency
        (8_000_000, 12_000_000, "JPY", "年収 ¥8,000,000 - ¥12,000,000 per year", "year"),
    ],
)
def test_greenhouse_period_rule(
    low: float, high: float, currency: str, text: str | None, expected: str | None
) -> None:
    assert greenhouse.infer_period(low, high, currency, text) == expected


def test_greenhouse_range_titles_name_the_period() -> None:
    assert greenhouse.infer_period(40, 55, "GBP", None, ["Hourly rate", ""]) == "hour"


def test_greenhouse_several_pay_zones_give_their_envelope() -> None:
    zones = [
        {"min_cents": 15_000_000, "max_cents": 20_000_000, "currency_type": "USD", "title": "NYC"},
        {"min_cents": 12_000_000, "max_cents": 17_000_000, "currency_type": "USD", "title": "US"},
        {"min_cents": 9_000_000, "max_cents": 11_000_000, "currency_type": "CAD", "title": "CA"},
    ]
    fields = greenhouse.pay_fields(zones, None)
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"]) == (
        120_000.0,
        200_000.0,
        "USD",
    )


def test_greenhouse_page_without_a_job_list_fails_the_board(api: FakeApi) -> None:
    install_world(api)
    api.json(r"/v1/boards/broken/jobs", {"jobs": {"oops": 1}})
    with pytest.raises(SourceSchemaChanged) as caught:
        fetch(api, greenhouse.SOURCE, "broken")
    assert caught.value.field == "jobs"
    assert "'jobs'" in str(caught.value)


@pytest.mark.parametrize(
    ("mutate", "index", "field"),
    [
        (lambda jobs: jobs[1].pop("id"), 1, "'jobs[].id' (got nothing)"),
        (lambda jobs: jobs[0].update(title=None), 0, "'jobs[].title'"),
        (lambda jobs: jobs[2].update(title=["ML Engineer"]), 2, "'jobs[].title' (got list)"),
        (lambda jobs: jobs[0].update(location="Seattle"), 0, "'jobs[].location'"),
        (
            lambda jobs: jobs[0]["pay_input_ranges"][0].update(min_cents="lots"),
            0,
            "'jobs[].pay_input_ranges[0].min_cents'",
        ),
        (lambda jobs: jobs[1].update(metadata=5), 1, "TypeError"),
        (lambda jobs: jobs.__setitem__(2, "not a job"), 2, "'jobs[]' (expected an object"),
    ],
)
def test_greenhouse_an_unreadable_job_is_set_aside_naming_the_field(
    api: FakeApi, mutate: Any, index: int, field: str
) -> None:
    page = load("greenhouse_jobs.json")
    mutate(page["jobs"])
    install_world(api)
    api.json(r"/v1/boards/broken/jobs", page)
    api.json(r"/v1/boards/broken", {"name": "Broken Inc"})
    postings, rejected = fetch_all(api, greenhouse.SOURCE, "broken")
    others = [str(j["id"]) for i, j in enumerate(page["jobs"]) if i != index]
    assert [p.source_id for p in postings] == others
    assert [(r.position, r.record) for r in rejected] == [(index + 1, page["jobs"][index])]
    assert field in rejected[0].reason


def fetch_all(
    api: FakeApi, source: Source, slug: str, **options: Any
) -> tuple[list[RawPosting], list[Rejected]]:
    """The postings of a board and the jobs set aside as unreadable."""
    base = api.url + ("/{company}" if source is recruitee.SOURCE else "")
    with fast_client() as client:
        ctx = FetchContext(client, source.info, base)
        postings = list(source.fetch(board(source.info.name, slug, **options), ctx))
    return postings, ctx.rejected


@pytest.mark.parametrize(
    ("source", "slug", "path", "fixture", "jobs_of", "id_key", "field"),
    [
        (
            lever.SOURCE,
            "nimbuslabs",
            r"/v0/postings/nimbuslabs",
            "lever_postings.json",
            lambda d: d,
            "id",
            "postings[].id",
        ),
        (
            ashby.SOURCE,
            "lumen",
            r"/posting-api/job-board/lumen",
            "ashby_board.json",
            lambda d: d["jobs"],
            "id",
            "jobs[].id",
        ),
        (
            workable.SOURCE,
            "orbital",
            r"/api/v1/widget/accounts/orbital",
            "workable_account.json",
            lambda d: d["jobs"],
            "shortcode",
            "jobs[].shortcode",
        ),
        (
            smartrecruiters.SOURCE,
            "Quanta1",
            r"/v1/companies/Quanta1/postings",
            "smartrecruiters_postings.json",
            lambda d: d["content"],
            "id",
            "content[].id",
        ),
        (
            recruitee.SOURCE,
            "tulip",
            r"/tulip/api/offers/",
            "recruitee_offers.json",
            lambda d: d["offers"],
            "id",
            "offers[].id",
        ),
        (
            adzuna.SOURCE,
            "gb",
            r"/v1/api/jobs/gb/search/1",
            "adzuna_search.json",
            lambda d: d["results"],
            "id",
            "results[].id",
        ),
    ],
)
def test_every_source_sets_aside_a_job_without_an_id_and_keeps_the_rest(
    api: FakeApi,
    monkeypatch: pytest.MonkeyPatch,
    source: Source,
    slug: str,
    path: str,
    fixture: str,
    jobs_of: Any,
    id_key: str,
    field: str,
) -> None:
    monkeypatch.setenv("ADZUNA_APP_ID", "id")
    monkeypatch.setenv("ADZUNA_APP_KEY", "key")
    install_world(api)
    base = fetch_all(api, source, slug)[0]
    payload = load(fixture)
    jobs_of(payload)[0][id_key] = None
    api.script(path, reply(payload))
    postings, rejected = fetch_all(api, source, slug)
    assert [p.source_id for p in postings] == [p.source_id for p in base[1:]]
    assert len(rejected) == 1 and rejected[0].position == 1
    assert f"{field!r} (got nothing)" in rejected[0].reason
    assert rejected[0].record == jobs_of(payload)[0]


# -- Lever --------------------------------------------------------------------------------------


def test_lever_intervals_and_fields(api: FakeApi) -> None:
    items = by_id(fetch(api, lever.SOURCE, "nimbuslabs"))
    yearly, hourly, monthly, unpaid = (
        items[f"0b6a3f0e-1111-4c2a-9d7e-5a0c0000000{i}"].fields for i in (1, 2, 3, 4)
    )
    assert (yearly["salary_min"], yearly["salary_max"], yearly["salary_period"]) == (
        75_000.0,
        95_000.0,
        "year",
    )
    assert (hourly["salary_currency"], hourly["salary_period"]) == ("INR", "hour")
    assert (monthly["salary_currency"], monthly["salary_period"]) == ("SGD", "month")
    assert "salary_min" not in unpaid
    assert yearly["location"] == "London; Paris"
    assert yearly["country_hint"] == "GB" and yearly["remote_hint"] == "hybrid"
    assert hourly["remote_hint"] == "onsite" and monthly["remote_hint"] == "onsite"
    assert unpaid["remote_hint"] == "remote"
    assert yearly["posted_at"] == "2024-06-03T08:00:00+00:00"
    assert yearly["salary_text"] == "Salary depends on level."
    assert "3+ years of ML in production" in yearly["description"]
    assert yearly["company"] == "nimbuslabs"


def test_lever_pages_with_skip_and_limit(api: FakeApi) -> None:
    postings = fetch(api, lever.SOURCE, "bigboard")
    assert len(postings) == 130 and len(by_id(postings)) == 130
    skips = [q["skip"] for path, q in api.requests if path == "/v0/postings/bigboard"]
    assert skips == ["0", "100"]
    assert all(q["mode"] == "json" for path, q in api.requests if path.startswith("/v0/"))


@pytest.mark.parametrize(
    ("interval", "period"),
    [
        ("per-year-salary", "year"),
        ("per-month-salary", "month"),
        ("per-week-salary", "week"),
        ("per-day-wage", "day"),
        ("per-hour-wage", "hour"),
        ("hourly", "hour"),
        ("annual", "year"),
        ("one-time", None),
        (None, None),
    ],
)
def test_lever_interval_names(interval: str | None, period: str | None) -> None:
    assert lever.interval_period(interval) == period


def test_lever_eu_instance_is_the_default_base_for_eu_boards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JOBATLAS_LEVER_URL", raising=False)
    assert lever.INFO.base_url(board("lever", "x", eu=True)) == "https://api.eu.lever.co"
    assert lever.INFO.base_url(board("lever", "x")) == "https://api.lever.co"
    assert lever.INFO.base_url(board("lever", "x", eu=True), "http://m.test/") == "http://m.test"
    monkeypatch.setenv("JOBATLAS_LEVER_URL", "http://env.test")
    assert lever.INFO.base_url(board("lever", "x", eu=True)) == "http://env.test"


def test_lever_salary_amount_that_is_not_a_number() -> None:
    with pytest.raises(SourceSchemaChanged, match="salaryRange"):
        lever.salary_fields({"currency": "USD", "interval": "per-year-salary", "min": "lots"})


# -- Ashby --------------------------------------------------------------------------------------


def test_ashby_compensation_and_listing(api: FakeApi) -> None:
    jobs = by_id(fetch(api, ashby.SOURCE, "lumen"))
    assert len(jobs) == 2  # the unlisted job is skipped
    founding = jobs["6f1d2c3b-aaaa-4bbb-8ccc-000000000001"].fields
    contractor = jobs["6f1d2c3b-aaaa-4bbb-8ccc-000000000002"].fields
    assert (founding["salary_min"], founding["salary_max"]) == (80_000.0, 110_000.0)
    assert (founding["salary_currency"], founding["salary_period"]) == ("EUR", "year")
    assert founding["salary_text"] == "€80K - €110K"
    assert (contractor["salary_period"], contractor["remote_hint"]) == ("hour", "remote")
    assert founding["remote_hint"] == "hybrid" and founding["country_hint"] == "FR"
    assert founding["location"] == "Paris; London"


@pytest.mark.parametrize(
    ("interval", "period"),
    [
        ("1 YEAR", "year"),
        ("1 HOUR", "hour"),
        ("1 month", "month"),
        ("2 WEEK", None),
        ("NONE", None),
    ],
)
def test_ashby_interval_names(interval: str, period: str | None) -> None:
    assert ashby.interval_period(interval) == period


# -- Workable, SmartRecruiters, Recruitee ---------------------------------------------------------


def test_workable_fields(api: FakeApi) -> None:
    jobs = by_id(fetch(api, workable.SOURCE, "orbital"))
    cv, ds = jobs["7A1B2C3D4E"].fields, jobs["7A1B2C3D4F"].fields
    assert cv["company"] == "Orbital Health"
    assert cv["location"] == "Dublin, County Dublin, Ireland" and cv["country_hint"] == "IE"
    assert "remote_hint" not in cv and ds["remote_hint"] == "remote"
    assert cv["posted_at"].startswith("2024-06-03")
    assert cv["description"] == "Train segmentation models & deploy them."


def test_smartrecruiters_list_and_details(api: FakeApi) -> None:
    listed = by_id(fetch(api, smartrecruiters.SOURCE, "Quanta1"))
    nlp = listed["744000009000001"].fields
    assert nlp["location"] == "Tokyo, Japan" and nlp["country_hint"] == "JP"
    assert nlp["url"] == "https://jobs.smartrecruiters.com/Quanta1/744000009000001"
    assert nlp["company"] == "Quanta Foods" and "description" not in nlp
    assert listed["744000009000002"].fields["remote_hint"] == "remote"
    detailed = by_id(fetch(api, smartrecruiters.SOURCE, "Quanta1", details=True))
    nlp = detailed["744000009000001"].fields
    assert nlp["url"].endswith("744000009000001-nlp-engineer")
    assert "Build language models for recipe search and support." in nlp["description"]


def test_smartrecruiters_pages_by_total_found(api: FakeApi) -> None:
    postings = fetch(api, smartrecruiters.SOURCE, "BigCo")
    assert len(by_id(postings)) == 120
    offsets = [q["offset"] for p, q in api.requests if p == "/v1/companies/BigCo/postings"]
    assert offsets == ["0", "100"]


def test_recruitee_fields(api: FakeApi) -> None:
    offers = by_id(fetch(api, recruitee.SOURCE, "tulip", base=api.url + "/{company}"))
    pm, intern, office = (offers[str(2900000 + i)].fields for i in (1, 2, 3))
    assert (pm["salary_min"], pm["salary_max"], pm["salary_period"]) == (70_000.0, 90_000.0, "year")
    assert pm["salary_currency"] == "EUR" and pm["country_hint"] == "NL"
    assert pm["location"] == "Amsterdam, North Holland, Netherlands"
    assert pm["posted_at"] == "2024-06-03T09:12:44+00:00"
    assert pm["remote_hint"] == "hybrid" and intern["remote_hint"] == "remote"
    assert office["remote_hint"] == "onsite"
    assert "salary_min" not in intern and "salary_min" not in office
    assert intern["location"] == "Remote job"


def test_recruitee_base_without_placeholder_is_the_careers_site(api: FakeApi) -> None:
    install_world(api)
    api.json(r"/api/offers/", load("recruitee_offers.json"))
    assert len(fetch(api, recruitee.SOURCE, "ignored", base=api.url)) == 3


# -- Adzuna -------------------------------------------------------------------------------------


def test_adzuna_flags_predicted_salaries(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADZUNA_APP_ID", "id123")
    monkeypatch.setenv("ADZUNA_APP_KEY", "key456")
    results = by_id(fetch(api, adzuna.SOURCE, "gb", query="machine learning", pages=3))
    posted, predicted = results["4800000001"].fields, results["4800000002"].fields
    assert posted["salary_estimated"] is False and predicted["salary_estimated"] is True
    assert (posted["salary_currency"], posted["salary_period"]) == ("GBP", "year")
    assert posted["country_hint"] == "GB" and posted["company"] == "Heron Credit"
    calls = [q for p, q in api.requests if p.startswith("/v1/api/jobs/gb/search/")]
    assert len(calls) == 1  # count 2 < one page of 50: no second request
    assert calls[0]["what"] == "machine learning" and calls[0]["app_key"] == "key456"


def test_adzuna_needs_its_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.setenv("ADZUNA_APP_KEY", "k")
    with pytest.raises(ConfigError, match="ADZUNA_APP_ID") as caught:
        adzuna.SOURCE.check(board("adzuna", "gb", query="ml"))
    assert "developer.adzuna.com" in str(caught.value)
    monkeypatch.setenv("ADZUNA_APP_ID", "i")
    with pytest.raises(ConfigError, match="country"):
        adzuna.SOURCE.check(board("adzuna", "xx", query="ml"))


def test_adzuna_never_puts_the_key_in_the_origin(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADZUNA_APP_ID", "id123")
    monkeypatch.setenv("ADZUNA_APP_KEY", "key456")
    install_world(api)
    with fast_client() as client:
        ctx = FetchContext(client, adzuna.INFO, api.url)
        adzuna.SOURCE.fetch(board("adzuna", "gb", query="ml"), ctx)
    assert ctx.origin is not None and "key456" not in ctx.origin


# -- shared helpers -----------------------------------------------------------------------------


def test_html_to_text() -> None:
    assert (
        html_to_text("<p>A &amp; B</p><ul><li>one</li><li>two</li></ul>")
        == "A & B\n\n- one\n\n- two"
    )
    assert html_to_text("&lt;b&gt;bold&lt;/b&gt; &amp;amp;", escaped=True) == "bold &"
    assert html_to_text("<style>p{}</style>kept") == "kept"
    assert html_to_text("") is None and html_to_text(None) is None


@given(st.text(max_size=200))
@example("<![0")  # Python < 3.13's parser asserts on a malformed marked section
@example("a <![x b")
def test_html_to_text_never_raises(markup: str) -> None:
    out = html_to_text(markup)
    assert out is None or out == out.strip()


@given(st.text(max_size=40))
def test_date_and_place_helpers_never_raise(value: str) -> None:
    iso_timestamp(value)
    remote_from_label(value)
    code = country_code(value)
    assert code is None or (len(code) == 2 and code.isupper())


def test_country_codes() -> None:
    assert country_code("United Kingdom") == "GB"
    assert country_code("gb") == "GB" and country_code("FRA") == "FR"
    assert country_code("UK") == "GB" and country_code("Atlantis") is None


def test_timestamps() -> None:
    assert iso_timestamp("2024-07-23 13:13:04 UTC") == "2024-07-23T13:13:04+00:00"
    assert iso_timestamp("2024-08-08T07:51:55.575Z") == "2024-08-08T07:51:55.575000+00:00"
    assert iso_timestamp("yesterday") is None


def test_mappers_do_not_mutate_their_input() -> None:
    page = load("lever_postings.json")
    before = copy.deepcopy(page)
    for item in page:
        lever.map_posting(item, "x")
    assert page == before


@given(
    st.floats(min_value=0, max_value=1e9, allow_nan=False),
    st.sampled_from(["USD", "EUR", "JPY", "INR"]),
    st.one_of(st.none(), st.text(max_size=200)),
    st.text(max_size=30),
)
def test_period_parsers_never_raise(
    high: float, currency: str, text: str | None, label: str
) -> None:
    periods = {None, "hour", "day", "week", "month", "year"}
    assert greenhouse.infer_period(high / 2, high, currency, text, [label]) in periods
    assert lever.interval_period(label) in periods
    assert ashby.interval_period(label) in periods
