"""Salary normaliser: issue-5 forms, statuses, structured sources, and properties.

Salary strings here are synthetic (written for these tests), as is tests/data/salary_labels.csv.
"""

# ruff: noqa: RUF001  (salary strings from many countries, on purpose)
from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobatlas.models import Salary
from jobatlas.normalize import salary as S
from jobatlas.normalize import salary_text
from jobatlas.normalize.salary_eval import score

LABELS = Path(__file__).resolve().parents[1] / "data" / "salary_labels.csv"
DAY = dt.date(2024, 6, 14)


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("£40,000 - £50,000 per annum", "GB", (40000, 50000, "GBP", "year")),
        ("$80K - $120K (Glassdoor est.)", None, (80000, 120000, "USD", "year")),
        ("₹12,00,000 - ₹18,00,000 a year", "IN", (1_200_000, 1_800_000, "INR", "year")),
        ("15-25 LPA", None, (1_500_000, 2_500_000, "INR", "year")),
        ("月給30万円～50万円", None, (300_000, 500_000, "JPY", "month")),
        ("年収600万円", "JP", (6_000_000, 6_000_000, "JPY", "year")),
        ("20k-40k·15薪", "CN", (20000, 40000, "CNY", "month")),
        ("R$ 8.000,00 mensal", "BR", (8000, 8000, "BRL", "month")),
        ("45.000 € brut/an", "FR", (45000, 45000, "EUR", "year")),
        ("CHF 120'000", "CH", (120_000, 120_000, "CHF", "year")),
        ("zł 15 000 - 20 000 mies.", "PL", (15000, 20000, "PLN", "month")),
        ("kr 45 000 per måned", "NO", (45000, 45000, "NOK", "month")),
        ("£25 - £30 per hour", "GB", (25, 30, "GBP", "hour")),
        ("£450 - £550 per day", "GB", (450, 550, "GBP", "day")),
        ("up to £90k", "GB", (None, 90000, "GBP", "year")),
        ("from €50k", "DE", (50000, None, "EUR", "year")),
        ("OTE $200k", "US", (200_000, 200_000, "USD", "year")),
        ("£60k - £70k + bonus + equity", "GB", (60000, 70000, "GBP", "year")),
        ("연봉 4,000만원 ~ 6,000만원", "KR", (40_000_000, 60_000_000, "KRW", "year")),
        ("1억5천만원", "KR", (150_000_000, 150_000_000, "KRW", "year")),
        ("$80-100,000", "US", (80000, 100_000, "USD", "year")),
        ("S$6,000 - S$9,000 per month", "SG", (6000, 9000, "SGD", "month")),
        ("$6,000 - $9,000 per month", "SG", (6000, 9000, "SGD", "month")),
        ("$120,000 - $140,000 + super", "AU", (120_000, 140_000, "AUD", "year")),
        ("70-80 TEUR", "DE", (70000, 80000, "EUR", "year")),
    ],
)
def test_issue_forms(text: str, country: str | None, expected: tuple[object, ...]) -> None:
    salary = S.normalize_salary(text, country=country, posted=DAY)
    assert (salary.min, salary.max, salary.currency, salary.period) == expected
    assert salary.status == "parsed"


@pytest.mark.parametrize(
    "text",
    ["", "-1", "Competitive", "DOE", "Negotiable", "面议", "Competitive, 25 days holiday",
     "Up to 20% bonus", "401(k) and competitive pay", "Band 7", "37.5 hours per week",
     "ISO 27001", "Start date: January 2025", "$0 - $0", "9am-5pm, Mon-Fri"],
)  # fmt: skip
def test_no_salary(text: str) -> None:
    assert S.normalize_salary(text, country="GB").status == "none"


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("$80K - $120K (Glassdoor est.)", "estimated"),
        ("OTE $200k", "ote"),
        ("up to £90k", "max_only"),
        ("from €50k", "min_only"),
        ("£50k+", "min_only"),
        ("£45k + bonus + equity", "extras_excluded"),
        ("$700 per day inc super", "extras_included"),
        ("£28,000 pro rata", "pro_rata"),
        ("1.800 € netti al mese", "net"),
        ("CHF 120'000", "period_inferred"),
        ("$90K", "currency_assumed"),
    ],
)
def test_flags(text: str, flag: str) -> None:
    country = None if flag == "currency_assumed" else "GB"
    assert flag in S.normalize_salary(text, country=country).flags


def test_glassdoor_employer_estimate_is_not_a_board_estimate() -> None:
    assert "estimated" not in S.normalize_salary("$90K (Employer est.)").flags
    assert "estimated" in S.normalize_salary("$90K (Employer est.)", estimated=True).flags


def test_annualisation_factors_and_overrides() -> None:
    hourly = S.normalize_salary("£20 per hour", country="GB")
    assert hourly.annual_min == 20 * 2080
    assert S.normalize_salary("£500 per day", country="GB").annual_min == 500 * 260
    assert S.normalize_salary("£600 per week", country="GB").annual_min == 600 * 52
    assert S.normalize_salary("£3,000 per month", country="GB").annual_min == 36000
    fifteen = S.normalize_salary("20k-40k·15薪", country="CN")
    assert (fifteen.annual_min, fifteen.annual_max) == (300_000, 600_000)
    weekly_hours = S.normalize_salary("£12 per hour, 37.5 hours per week", country="GB")
    assert weekly_hours.annual_min == 12 * 37.5 * 52
    office = S.normalize_salary("£500 per day, hybrid 2 days a week in office", country="GB")
    assert office.annual_min == 500 * 260


def test_bare_dollar_follows_the_country() -> None:
    for country, code in [("US", "USD"), ("CA", "CAD"), ("AU", "AUD"), ("SG", "SGD"),
                          ("HK", "HKD"), ("NZ", "NZD"), ("MX", "MXN"), ("DE", "USD")]:  # fmt: skip
        assert S.normalize_salary("$100,000 a year", country=country).currency == code


def test_stated_currency_beats_the_country() -> None:
    assert S.normalize_salary("€60,000 a year", country="US").currency == "EUR"
    assert S.normalize_salary("USD 8,000 per month", country="IN").currency == "USD"
    assert S.normalize_salary("$4,000 MXN mensuales", country="US").currency == "MXN"


def test_ambiguous_signs_are_not_guessed() -> None:
    kr = S.normalize_salary("kr 45.000 per month")
    assert kr.status == "unknown_currency" and kr.currency is None and kr.min == 45000
    yuan_or_yen = S.normalize_salary("¥25,000 per month")
    assert yuan_or_yen.status == "unknown_currency"
    assert S.normalize_salary("¥300,000 per month").currency == "JPY"  # too large for yuan
    assert S.normalize_salary("¥25,000 per month", country="CN").currency == "CNY"
    assert S.normalize_salary("50-60k").status == "unknown_currency"
    assert S.normalize_salary("50-60k", country="FR").currency == "EUR"


def test_currency_hint_names_a_missing_or_ambiguous_currency() -> None:
    assert S.normalize_salary("$120k", currency="CAD").currency == "CAD"
    assert S.normalize_salary("45 000 per month", currency="SEK").currency == "SEK"
    assert S.normalize_salary("€45,000", currency="USD").currency == "EUR"


def test_statuses_no_rate_and_implausible() -> None:
    assert S.normalize_salary("₦500,000 monthly", country="NG", posted=DAY).status == "no_rate"
    rub = S.normalize_salary("150 000 ₽ в месяц", country="RU", posted=dt.date(2024, 3, 1))
    assert rub.status == "no_rate" and rub.annual_usd_mid is None and rub.min == 150_000
    yen_as_dollars = S.normalize_salary("$5,000,000 per year", country="JP", posted=DAY)
    assert yen_as_dollars.status == "implausible" and yen_as_dollars.max == 5_000_000
    monthly_as_yearly = S.normalize_salary("€4,500 per year", country="DE", posted=DAY)
    assert monthly_as_yearly.status == "implausible" and monthly_as_yearly.annual_usd_mid
    assert S.normalize_salary("€4,500 per month", country="DE", posted=DAY).status == "parsed"


def test_usd_and_ppp_figures() -> None:
    us = S.normalize_salary("$100,000 - $120,000 a year", country="US", posted=DAY)
    assert us.annual_usd_mid == 110_000 and us.annual_ppp_mid == 110_000
    gb = S.normalize_salary("£50,000 a year", country="GB", posted=DAY)
    assert gb.annual_usd_mid is not None and gb.annual_ppp_mid is not None
    assert 55_000 < gb.annual_usd_mid < 75_000
    assert gb.annual_ppp_mid > gb.annual_usd_mid  # UK prices are below US prices
    india = S.normalize_salary("₹12,00,000 a year", country="IN", posted=DAY)
    assert india.annual_ppp_mid is not None and india.annual_usd_mid is not None
    assert india.annual_ppp_mid > 3 * india.annual_usd_mid


def test_google_jobs_structured_call() -> None:
    yearly = S.normalize_salary(
        min_amount=115_000.0, max_amount=115_000.0, currency="USD", period="year",
        country=None, posted=dt.date(2023, 5, 2), estimated=True,
    )  # fmt: skip
    assert (yearly.status, yearly.annual_usd_mid, yearly.annual_ppp_mid) == (
        "parsed",
        115_000,
        115_000,
    )
    assert "estimated" in yearly.flags and "country_assumed" in yearly.flags
    hourly = S.normalize_salary(
        min_amount=46.0, max_amount=46.0, currency="USD", period="hour", country="US"
    )
    assert hourly.annual_min == 46 * 2080 and hourly.period == "hour"
    india = S.normalize_salary(
        min_amount=60_000.0, max_amount=60_000.0, currency="USD", period="year", country="IN",
        posted=dt.date(2023, 5, 2),
    )  # fmt: skip
    assert india.annual_ppp_mid is not None and india.annual_ppp_mid > 60_000


def test_structured_fields_win_and_are_cleaned() -> None:
    salary = S.normalize_salary(
        "£1 a year", min_amount=70_000, max_amount=50_000, currency="gbp", period="yearly"
    )
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        50_000,
        70_000,
        "GBP",
        "year",
    )
    assert "swapped" in salary.flags
    assert S.normalize_salary(min_amount=math.nan, max_amount=-5.0).status == "none"
    monthly = S.normalize_salary(min_amount=9000.0, currency="SGD", period="per-month-salary")
    assert monthly.period == "month" and "min_only" in monthly.flags


def test_greenhouse_pay_ranges_in_cents() -> None:
    yearly = S.from_greenhouse_pay_ranges(
        [{"min_cents": 12000000, "max_cents": 16000000, "currency_type": "USD", "title": "Pay"}],
        country="US",
    )
    assert (yearly.min, yearly.max, yearly.period) == (120_000, 160_000, "year")
    hourly = S.from_greenhouse_pay_ranges(
        [{"min_cents": 7500, "max_cents": 10000, "currency_type": "USD"}], country="US"
    )
    assert (hourly.min, hourly.max, hourly.period) == (75, 100, "hour")
    zones = S.from_greenhouse_pay_ranges(
        [
            {"min_cents": 15000000, "max_cents": 19000000, "currency_type": "USD"},
            {"min_cents": 13000000, "max_cents": 17000000, "currency_type": "USD"},
        ]
    )
    assert (zones.min, zones.max) == (130_000, 190_000) and "multiple_ranges" in zones.flags
    assert S.from_greenhouse_pay_ranges([]).status == "none"


def test_lever_salary_range() -> None:
    salary = S.from_lever_salary_range(
        {"currency": "GBP", "interval": "per-year-salary", "min": 60000, "max": 80000}
    )
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        60_000,
        80_000,
        "GBP",
        "year",
    )
    hourly = S.from_lever_salary_range({"currency": "USD", "interval": "per-hour-wage", "min": 50})
    assert hourly.period == "hour" and hourly.max is None


def test_ashby_compensation() -> None:
    compensation = {
        "compensationTierSummary": "£60K – £95K • 0.1% – 0.3%",
        "summaryComponents": [
            {"compensationType": "EquityPercentage", "interval": "NONE", "currencyCode": None,
             "minValue": 0.1, "maxValue": 0.3},
            {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "GBP",
             "minValue": 60000, "maxValue": 95000},
        ],
    }  # fmt: skip
    salary = S.from_ashby_compensation(compensation, country="GB")
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        60_000,
        95_000,
        "GBP",
        "year",
    )
    assert "extras_excluded" in salary.flags
    text_only = S.from_ashby_compensation({"scrapeableCompensationSalarySummary": "£60K - £95K"})
    assert (text_only.min, text_only.max, text_only.currency) == (60_000, 95_000, "GBP")


def test_dev_labels_meet_the_issue_targets() -> None:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    scores = score(rows)
    assert scores.salary_rows >= 150
    assert scores.exact_rate >= 0.97, scores.misses[:5]
    assert scores.none_rate >= 0.99
    assert scores.annual_rate >= 0.97


def test_the_fresh_salary_labels_hold() -> None:
    """200 strings an outside labeller wrote (tests/data/salary_fresh_labels.md)."""
    path = LABELS.with_name("salary_fresh_labels.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    scores = score(rows)
    assert len(rows) == 200
    assert scores.exact_rate >= 0.97, scores.misses[:5]
    assert scores.annual_usd_within / scores.annual_rows >= 0.97
    assert scores.wrong_currency == 0


def test_results_are_cached() -> None:
    first = S.normalize_salary("£41,234 - £52,345 per annum", country="GB")
    assert S.normalize_salary("£41,234 - £52,345 per annum", country="GB") is first


# ---------------------------------------------------------------- properties

SIGNS = {"GBP": "£", "EUR": "€", "USD": "US$", "INR": "₹", "JPY": "JPY ", "CHF": "CHF "}
PERIOD_WORDS = {
    "year": ["per annum", "a year", "/yr", "p.a.", "annually", "per year"],
    "month": ["per month", "a month", "/month", "monthly", "pcm"],
    "hour": ["per hour", "an hour", "/hr", "hourly", "p/h"],
    "day": ["per day", "a day", "/day", "daily"],
}


def _grouped(value: int, style: str) -> str:
    text = f"{value:,}"
    return {"comma": text, "dot": text.replace(",", "."), "space": text.replace(",", " "),
            "apostrophe": text.replace(",", "'"), "plain": str(value)}[style]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    low=st.integers(1000, 400_000),
    spread=st.integers(0, 200_000),
    currency=st.sampled_from(sorted(SIGNS)),
    period=st.sampled_from(sorted(PERIOD_WORDS)),
    data=st.data(),
)
def test_a_known_salary_renders_and_parses_back(
    low: int, spread: int, currency: str, period: str, data: st.DataObject
) -> None:
    high = low + spread
    style = data.draw(st.sampled_from(["comma", "dot", "space", "apostrophe", "plain"]))
    dash = data.draw(st.sampled_from([" - ", "-", " – ", " to ", "–"]))
    word = data.draw(st.sampled_from(PERIOD_WORDS[period]))
    sign = SIGNS[currency]
    before = data.draw(st.booleans())
    amounts = [_grouped(x, style) for x in (low, high)]
    if before:
        text = f"{sign}{amounts[0]}{dash}{sign}{amounts[1]} {word}"
    else:
        text = f"{amounts[0]}{dash}{amounts[1]} {sign.strip()} {word}"
    parsed = S.parse_salary_text(text)
    assert (parsed.min, parsed.max, parsed.currency, parsed.period) == (low, high, currency, period)


@settings(max_examples=200, deadline=None)
@given(thousands=st.integers(10, 900), extra=st.integers(1, 300), sign=st.sampled_from("£$€"))
def test_k_shorthand_parses_back(thousands: int, extra: int, sign: str) -> None:
    text = f"{sign}{thousands}k-{thousands + extra}k"
    parsed = S.parse_salary_text(text, "US")
    assert (parsed.min, parsed.max) == (thousands * 1000, (thousands + extra) * 1000)
    shared = S.parse_salary_text(f"{sign}{thousands}-{thousands + extra}k", "US")
    assert (shared.min, shared.max) == (parsed.min, parsed.max)


SALARYISH = st.text(
    alphabet=st.sampled_from([*"0123456789 ,.'-–~+/$£€¥₹kKmMLpa万円元薪年月時給()%:", "\u00a0"]),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=80), SALARYISH), country=st.sampled_from([None, "US", "JP"]))
def test_never_raises_and_min_is_at_most_max(text: str, country: str | None) -> None:
    salary = S.normalize_salary(text, country=country)
    assert isinstance(salary, Salary)
    if salary.min is not None and salary.max is not None:
        assert salary.min <= salary.max
    if salary.annual_min is not None and salary.annual_max is not None:
        assert salary.annual_min <= salary.annual_max
    assert (salary.status == "none") == (salary.min is None and salary.max is None)


@settings(max_examples=200, deadline=None)
@given(
    low=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    high=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    currency=st.one_of(st.none(), st.text(max_size=4), st.sampled_from(["USD", "$", "kr"])),
    period=st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["hourly", "1 YEAR"])),
)
def test_structured_fields_never_raise(
    low: float | None, high: float | None, currency: str | None, period: str | None
) -> None:
    salary = S.normalize_salary(min_amount=low, max_amount=high, currency=currency, period=period)
    if salary.min is not None and salary.max is not None:
        assert salary.min <= salary.max


@settings(max_examples=150, deadline=None)
@given(
    template=st.sampled_from(
        ["£{a} - £{b} per annum", "{a}-{b} LPA", "月給{a}万円～{b}万円", "${a}K - ${b}K",
         "{a} - {b} per hour", "{a}k-{b}k·{m}薪", "Salary: {a} - {b}", "{a} hours, £{b}/day"]
    ),
    a=st.integers(0, 3000),
    b=st.integers(0, 3000),
    m=st.integers(10, 18),
)  # fmt: skip
def test_shape_plans_give_the_same_answer_as_a_fresh_parse(
    template: str, a: int, b: int, m: int
) -> None:
    """Texts of one shape share a cached plan; it must read them as a fresh parse would."""
    text = template.format(a=a, b=b, m=m)
    S.parse_salary_text(template.format(a=b, b=a, m=m))  # warm the shape with other numbers
    cached = S.parse_salary_text.__wrapped__(text)
    salary_text._PLANS.clear()
    assert S.parse_salary_text.__wrapped__(text) == cached


# Issue #11 failure classes S1-S7: strings written for this test (and the issue's own examples).
@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        # S1: p/h, p/hr, p.h., ph after an amount are per hour, not pence
        ("7.85p/hr", "GB", (7.85, 7.85, "GBP", "hour")),
        ("£11.20 p.h.", "GB", (11.2, 11.2, "GBP", "hour")),
        ("£13ph + holiday pay", "GB", (13, 13, "GBP", "hour")),
        ("10.50 - 12.00 P/H", "IE", (10.5, 12, "EUR", "hour")),
        # S2: "Up to X" then a range ending at X is the range
        ("Up to 57,500 per annum + 49500.00-57500.00", "GB", (49500, 57500, "GBP", "year")),
        ("Up to £33k (£29k - £33k)", "GB", (29000, 33000, "GBP", "year")),
        ("Up to £33k (£29k - £31k)", "GB", (None, 33000, "GBP", "year")),
        # S3: a range then a basic/OTE breakdown is the basic
        ("21000 - 28000/annum 21k basic, OTE 28k", "GB", (21000, 21000, "GBP", "year")),
        ("£31k - £50k OTE (basic £31k - £34k)", "GB", (31000, 34000, "GBP", "year")),
        ("$120,000 base to $140,000 base", "US", (120000, 140000, "USD", "year")),
        # S4: words between the ends; "X to Negotiable" is min only
        ("12.75 per hour umbrella to 15.25 per hour umbrella", "GB", (12.75, 15.25, "GBP", "hour")),
        ("9.35 to Negotiable per hour", "GB", (9.35, None, "GBP", "hour")),
        ("£400 per day outside IR35 to £450 per day outside IR35", "GB", (400, 450, "GBP", "day")),
        ("£30,000 to £35,000 - negotiable", "GB", (30000, 35000, "GBP", "year")),
        ("£12.75 p/hr (£13.50 p/hr nights)", "GB", (12.75, 12.75, "GBP", "hour")),
        # S5: words around a figure
        ("22-26k with bonus", "GB", (22000, 26000, "GBP", "year")),
        ("75000 Canadian Dollars annually", "CA", (75000, 75000, "CAD", "year")),
        ("Hourly rate 14.75 plus overtime", "GB", (14.75, 14.75, "GBP", "hour")),
        # S6: the country's convention when no period is written
        ("1.350.000", "CO", (1_350_000, 1_350_000, "COP", "month")),
        ("10,500", "GB", (10500, 10500, "GBP", "year")),
        ("R$ 2.300", "BR", (2300, 2300, "BRL", "month")),
        # S7: months of pay (annual figures are checked below)
        ("CHF 7'800 x13", "CH", (7800, 7800, "CHF", "month")),
        ("€3,650 gross x 14", "ES", (3650, 3650, "EUR", "month")),
    ],
)
def test_issue_11_classes(text: str, country: str, expected: tuple[object, ...]) -> None:
    parsed = S.parse_salary_text(text, country)
    assert (parsed.min, parsed.max, parsed.currency, parsed.period) == expected


@pytest.mark.parametrize(
    ("text", "country", "annual"),
    [
        ("CHF 7'800 x13", "CH", 101_400),
        ("€3,650 gross x 14", "ES", 51_100),
        ("€ 3.900 bruto per maand + 13e maand", "NL", 50_700),
        ("2 900 € brut/mois sur 13 mois", "FR", 37_700),
        ("€ 3.000 brutto/Monat x 13,5", "DE", 40_500),
        ("€ 3.000 brutto/Monat x 12", "DE", 36_000),
        ("€ 3.100 brutto monatlich + 13. Monatsgehalt", "DE", 40_300),
        ("R$ 5.500 + 13º salário", "BR", 71_500),
        ("45 000 € brut annuel sur 13 mois", "FR", 45_000),  # already annual
        ("R$ 7.000,00 CLT", "BR", 84_000),  # implicit extras are not counted
    ],
)
def test_months_of_pay_when_the_text_names_them(text: str, country: str, annual: float) -> None:
    salary = S.parse_salary(text, country=country)
    assert salary.annual_min == salary.annual_max == annual


def test_eval_scores_the_issue_11_metric_and_splits_by_class() -> None:
    from jobatlas.normalize.salary_eval import score_by, select

    rows = [
        {"salary": "£30,000", "country_hint": "GB", "expected_status": "parsed", "min": "30000",
         "max": "30000", "currency": "GBP", "period": "year", "annual_min": "30000",
         "annual_max": "30000", "class": "plain", "split": "dev"},
        {"salary": "£30,000", "country_hint": "GB", "expected_status": "parsed", "min": "30000",
         "max": "30000", "currency": "GBP", "period": "year", "annual_min": "29500",
         "annual_max": "29500", "class": "S5", "split": "dev"},
        {"salary": "DOE", "country_hint": "GB", "expected_status": "none", "class": "none",
         "split": "other"},
    ]  # fmt: skip
    scores = score(rows)
    assert (scores.annual_within, scores.annual_usd_within, scores.annual_rows) == (1, 2, 2)
    by_class = score_by(rows, "class")
    assert list(by_class) == ["plain", "S5", "none"]
    assert by_class["S5"].annual_usd_within == 1
    assert len(select(rows, "split", "dev")) == 2
