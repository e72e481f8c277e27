"""The salary text grammar: what a string states, as a :class:`ParsedSalary` (cached).

:func:`parse_salary_text` reads tokens, amounts, ranges, bounds, period and currency once per
text shape (digits masked) into a :class:`Plan`, then applies the plan to each text's own
numbers; regional idioms (:mod:`jobatlas.normalize.salary_idioms`) rewrite and refine around it.
A period not written is inferred from the figure's size and the country's convention.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, NamedTuple

from jobatlas.models import Period
from jobatlas.normalize import currency as fx
from jobatlas.normalize import salary_idioms as idioms
from jobatlas.normalize.salary_amounts import AmountSpec, Context, assess, build_amounts
from jobatlas.normalize.salary_currency import choose_currency, currency_items, text_langs
from jobatlas.normalize.salary_groups import bound_flags, find_groups, is_extra, stated_period
from jobatlas.normalize.salary_tokens import (
    CJK_CHAR_RE,
    DIGIT_RE,
    SWISS_DASH_RE,
    Item,
    number_item,
    number_value,
    tokenize,
)
from jobatlas.normalize.salary_vocab import EST, EXTRA, INCL, MSAL, NET, NUM, OTE, PRORATA

#: Longest salary text read; a longer one is cut here and its result flagged ``truncated``.
MAX_SALARY_TEXT_CHARS: Final = 500

ANNUAL_FACTORS: Final[Mapping[Period, float]] = {
    "hour": 2080.0,
    "day": 260.0,
    "week": 52.0,
    "month": 12.0,
    "year": 1.0,
}


class ParsedSalary(NamedTuple):
    """What a text (or structured fields) states, before annualising and converting.

    ``per_year`` is the annualisation factor for ``period`` (2080, 260, 52, 12 or 1, unless
    the text says otherwise, e.g. "·15薪" gives 15 for a monthly figure).
    """

    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: Period | None = None
    per_year: float | None = None
    flags: tuple[str, ...] = ()

    @property
    def stated(self) -> bool:
        return self.min is not None or self.max is not None


NOTHING: Final = ParsedSalary()


@lru_cache(maxsize=4096)
def _units_per_intl_dollar(currency: str | None, country: str | None) -> float:
    """Rough size of one international $ in ``currency``, to tell an hourly from a yearly figure."""
    if currency is None:
        return 1.0
    money = fx.countries().get(country or "")
    place = (
        country
        if money is not None and money.ppp_currency == currency
        else fx.home_country(currency)
    )
    factor = fx.ppp_factor(place) if place else None
    if factor:
        return factor
    rate = fx.convert(1.0, "USD", currency)
    return rate.amount if rate is not None else 1.0


def infer_period(top: float, currency: str | None, country: str | None) -> Period:
    """The period a figure must be when none is stated, from its size in international $."""
    size = top / _units_per_intl_dollar(currency, country)
    if size < 250:
        return "hour"
    if size < 1000:
        return "day"
    if size < 20000:
        return "month"
    return "year"


def _local_period(top: float, currency: str | None, country: str | None) -> Period:
    """The period of a figure with none stated: its size, read with the country's convention
    (``data/salary_period_conventions.csv``): a GB figure the size of a monthly one is yearly,
    a Colombian or Brazilian one the size of a daily one is monthly."""
    period = infer_period(top, currency, country)
    usual = idioms.convention(country)
    if usual == "year" and period == "month":
        if top / _units_per_intl_dollar(currency, country) >= 5000:
            return "year"
    elif usual == "month" and period == "day":
        return "month"
    return period


def _flag_words(ctx: Context) -> list[str]:
    flags: list[str] = []
    items = ctx.items
    for i, item in enumerate(items):
        if item.kind == EST:
            flags.append("estimated")
        elif item.kind == EXTRA:
            window = items[max(0, i - 3) : i]
            flags.append(
                "extras_included" if any(x.kind == INCL for x in window) else "extras_excluded"
            )
        elif item.kind == NET:
            flags.append("net")
        elif item.kind == PRORATA:
            flags.append("pro_rata")
    return flags


def _normalise_text(text: str) -> str:
    s = text if text.isascii() else unicodedata.normalize("NFKC", text)
    return SWISS_DASH_RE.sub("", s) if ".-" in s or ",-" in s or not s.isascii() else s


@dataclass(frozen=True, slots=True)
class Plan:
    """What the words of a text say, independent of its numbers' exact values: which numbers
    make the salary and how, the qualifiers, the stated period, the currency words. Shared by
    every text of the same shape (digits masked) whose numbers fall in the same value classes."""

    low: AmountSpec
    high: AmountSpec
    is_range: bool
    bound: str | None
    period: Period | None
    codes: tuple[str, ...]
    langs: frozenset[str]
    grouping: str
    flags: tuple[str, ...]
    months: int | None = None  # positions of the numbers that change the annual factor
    hours: int | None = None
    days: int | None = None
    usual_period: Period | None = None  # the local convention when no period is stated


_ZEROS: Final = str.maketrans("123456789", "000000000")
_PLANS: dict[tuple[str, tuple[int, ...]], Plan | None] = {}
_MAX_PLANS: Final = 1 << 16


@dataclass(frozen=True, slots=True)
class Layout:
    """The classified tokens of a text shape, and where its numbers are."""

    items: tuple[Item, ...]
    spans: tuple[tuple[int, int, str], ...]


@lru_cache(maxsize=1 << 14)
def _layout(skeleton: str) -> Layout:
    items = tuple(tokenize(skeleton))
    return Layout(items, tuple((x.start, x.end, x.style) for x in items if x.kind == NUM))


def _value_class(value: float, raw: str, style: str) -> int:
    """Every threshold the plan depends on, as bits: two numbers with the same bits read alike."""
    if value >= 1000:
        year = style == "plain" and value <= 2100 and value >= 1950 and value.is_integer()
        return 1 | (2 if year else 0) | (4 if raw[0] == "0" else 0)
    whole = value.is_integer()
    return (
        8
        | (16 if value <= 0 else 0)
        | (32 if value >= 1 else 0)
        | (64 if value <= 7 else 0)
        | (128 if value <= 12 else 0)
        | (256 if 12 <= value <= 16 and whole else 0)
        | (512 if value <= 80 else 0)
        | (1024 if raw in ("401", "403", "457") else 0)
        | (2048 if raw[0] == "0" else 0)
    )


@lru_cache(maxsize=1 << 18)
def parse_salary_text(
    text: str | None, country: str | None = None, currency_hint: str | None = None
) -> ParsedSalary:
    """Read the salary a text states. Pure and cached on its arguments.

    ``country`` (ISO alpha-2) decides a bare ``$``, ``kr`` or ``¥``; ``currency_hint`` (a
    source's currency field) decides them first and names the currency of a text without one.
    Returns :data:`NOTHING` when the text states no salary. A text longer than
    :data:`MAX_SALARY_TEXT_CHARS` is read up to there, and flagged ``truncated``.
    """
    if text and len(text) > MAX_SALARY_TEXT_CHARS:
        parsed = parse_salary_text(text[:MAX_SALARY_TEXT_CHARS], country, currency_hint)
        return parsed._replace(flags=(*parsed.flags, "truncated"))
    if not text or DIGIT_RE.search(text) is None:
        return NOTHING
    s = idioms.rewrite(_normalise_text(text))
    skeleton = s.translate(_ZEROS)
    layout = _layout(skeleton)
    if not layout.spans:
        return NOTHING
    texts: list[str] = []
    values: list[float] = []
    classes: list[int] = []
    for start, end, style in layout.spans:
        raw = s[start:end]
        value = number_value(style, raw)
        texts.append(raw)
        values.append(value)
        classes.append(_value_class(value, raw, style))
    key = (skeleton, tuple(classes))
    if key in _PLANS:
        plan = _PLANS[key]
    else:
        plan = _make_plan(s, layout, texts)
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        _PLANS[key] = plan
    if plan is None:
        return NOTHING
    parsed = _apply(plan, values, texts, country, currency_hint)
    if parsed.period == "month" and parsed.per_year == 12.0 and plan.months is None:
        months = idioms.months_of_pay(s)
        if months is not None and months != 12.0:
            flags = (*parsed.flags, f"months_per_year={months:g}")
            parsed = parsed._replace(per_year=months, flags=flags)
    better = idioms.refine(s, parsed, parse_salary_text, country, currency_hint)
    if better is None:
        return parsed
    flags = tuple(f for f in parsed.flags if f not in ("max_only", "min_only"))
    if better.flag == "min_only":
        flags = ("min_only", *flags)
    return parsed._replace(min=better.min, max=better.max, flags=(*flags, better.flag))


def _make_plan(s: str, layout: Layout, texts: Sequence[str]) -> Plan | None:
    items = [
        x if x.kind != NUM else number_item(x.style, texts[x.num], x.start, x.end)
        for x in layout.items
    ]
    for x, template in zip(items, layout.items, strict=True):
        x.num = template.num
    ctx = Context(items)
    amounts = build_amounts(items)
    assess(ctx, amounts)
    groups = find_groups(items, amounts)
    salary_groups = [g for g in groups if not is_extra(items, g)]
    if not salary_groups:
        return None
    chosen = salary_groups[0]
    later = [g for g in groups if g.first > chosen.last]
    next_start = items[later[0].first].start if later else None
    cjk = not s.isascii() and CJK_CHAR_RE.search(s) is not None
    bound = bound_flags(items, chosen, cjk)
    flags = _flag_words(ctx)
    if len(salary_groups) > 1:
        flags.append("multiple_amounts")
    if "ote" in bound or (any(x.kind == OTE for x in items) and len(groups) == 1):
        flags.append("ote")
    period = stated_period(ctx, chosen, next_start)
    if period is None and any(item.kind == MSAL for item in items):
        period = "month"
    found = currency_items(ctx, groups, chosen, s)
    # Lakh and crore figures ("6-10 Lacs", "₹8,00,000") quote the annual package (CTC).
    indian = "in" in (chosen.low.lang, chosen.high.lang) or items[chosen.first].style == "indian"
    return Plan(
        chosen.low.spec,
        chosen.high.spec,
        chosen.is_range,
        next((b for b in bound if b != "ote"), None),
        period,
        tuple(x.word.code for x in found if x.word is not None),
        text_langs(s, items, chosen),
        items[chosen.first].style,
        tuple(dict.fromkeys(flags)),
        ctx.months_per_year,
        ctx.hours_per_week,
        ctx.days_per_week,
        "year" if indian else None,
    )


def _share(plan: Plan, a: float, b: float, values: Sequence[float]) -> tuple[float, float]:
    """'50-60k', '15-25 LPA', '1.5-2万': a multiplier written once applies to both ends;
    '$80-100,000': so do thousands written once."""
    fa, fb = plan.low.factor, plan.high.factor
    raw_b = values[plan.high.numbers[0]]
    if fa == 1.0 and fb != 1.0 and a < raw_b:
        return a * fb, b
    if fb == 1.0 and fa != 1.0 and b * fa >= a > b:
        return a, b * fa
    if fa == fb == 1.0 and a < 1000 <= b / 10 <= a * 1000 <= b:
        return a * 1000, b
    return a, b


def _apply(
    plan: Plan, values: Sequence[float], texts: Sequence[str], country: str | None, hint: str | None
) -> ParsedSalary:
    """The salary a plan reads from this text's numbers."""
    low = plan.low.value(values, texts)
    high = plan.high.value(values, texts) if plan.is_range else low
    if plan.is_range:
        low, high = _share(plan, low, high, values)
    flags = [plan.bound] if plan.bound else []
    flags += plan.flags
    if low > high:
        low, high = high, low
        flags.append("swapped")
    period = plan.period
    big_yen = "¥" in plan.codes and (high >= 2e6 or (period == "month" and high >= 2e5))
    currency, currency_flags = choose_currency(
        plan.codes, country, hint, plan.langs, plan.grouping, big_yen
    )
    flags += currency_flags
    if period is None:
        period = plan.usual_period or _local_period(high, currency, country)
        flags.append("period_inferred")
    per_year = ANNUAL_FACTORS[period]
    if period == "month" and plan.months is not None:
        per_year = values[plan.months]
        flags.append(f"months_per_year={per_year:g}")
    elif period == "hour" and plan.hours is not None:
        per_year = values[plan.hours] * 52
        flags.append(f"hours_per_week={values[plan.hours]:g}")
    elif period == "day" and plan.days is not None:
        per_year = values[plan.days] * 52
        flags.append(f"days_per_week={values[plan.days]:g}")
    lo: float | None = None if plan.bound == "max_only" else low
    hi: float | None = None if plan.bound == "min_only" else high
    return ParsedSalary(lo, hi, currency, period, per_year, tuple(flags))
