"""Amounts in a tokenised salary text, and which of them are money.

An amount is a number with its multiplier (k, M, lakh, CJK units). :func:`assess` marks those
that are not money (counts, percentages, grades, clock times, years) and those that certainly
are; hours or days per week and months of pay stated beside them are kept in the
:class:`Context`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from jobatlas.models import Period
from jobatlas.normalize.salary_tokens import Item
from jobatlas.normalize.salary_vocab import (
    CJKU,
    CONN,
    CUR,
    MSAL,
    MULT,
    NOUN,
    NOUNS,
    NUM,
    OTHER,
    PER,
    PREX,
    SALW,
    TO,
    UNIT,
    word_set,
)


@dataclass(slots=True)
class Amount:
    """A number with its multiplier: items ``first..last`` of the classified text."""

    spec: AmountSpec
    value: float
    first: int
    last: int
    factor: float = 1.0  # the multiplier applied (1 if none)
    lang: str = ""  # cue carried by the multiplier (lakh/crore -> "in")
    period: Period | None = None  # period carried by the multiplier (LPA)
    strong: bool = False  # certainly money: a currency, a multiplier, a period, or >= 1000
    excluded: bool = False  # a count, a percentage, a grade, a time, a year


@dataclass(frozen=True, slots=True)
class AmountSpec:
    """How an amount is computed from the text's numbers, so that it can be recomputed for
    another text of the same shape: ``numbers`` (positions) each with CJK ``units`` ("万",
    "천만"; empty for western numbers), else one number times ``factor`` (k, M, lakh)."""

    numbers: tuple[int, ...]
    units: tuple[str, ...] = ()
    factor: float = 1.0
    decimal: bool = False  # "1.250k": the dot is a decimal point

    def value(self, values: Sequence[float], texts: Sequence[str]) -> float:
        if self.units:
            return _cjk_value(
                [(values[i], u) for i, u in zip(self.numbers, self.units, strict=True)]
            )
        i = self.numbers[0]
        return (float(texts[i]) if self.decimal else values[i]) * self.factor


_CJK_SMALL: Final = {"千": 1e3, "천": 1e3, "百": 1e2, "백": 1e2, "十": 10.0, "십": 10.0}
_CJK_BIG: Final = {"万": 1e4, "萬": 1e4, "만": 1e4, "億": 1e8, "亿": 1e8, "억": 1e8}


def _cjk_value(parts: Sequence[tuple[float, str]]) -> float:
    """Evaluate digits with CJK units: 1億5千万 = 1e8 + 5e3 x 1e4; 3천5백만 = 3500 x 1e4."""
    total = section = 0.0
    for number, units in parts:
        current: float | None = number
        for char in units:
            small = _CJK_SMALL.get(char)
            if small is not None:
                section += (1.0 if current is None else current) * small
            else:
                section += current or 0.0
                total += (section or 1.0) * _CJK_BIG[char]
                section = 0.0
            current = None
        section += current or 0.0
    return total + section


def _cjk_amount(items: Sequence[Item], i: int) -> Amount | None:
    parts: list[tuple[float, str]] = []
    j = i
    while j < len(items) and items[j].kind == NUM:
        units, k = "", j + 1
        while k < len(items) and items[k].kind == CJKU and items[k].start - items[k - 1].end <= 1:
            units += items[k].text
            k += 1
        if not units:
            break
        parts.append((items[j].value, units))
        j = k
    if not parts:
        return None
    numbers = tuple(items[k].num for k in range(i, j) if items[k].kind == NUM)
    factor = _cjk_value([(1.0, parts[0][1])]) if len(parts) == 1 else 1.0
    spec = AmountSpec(numbers, tuple(u for _, u in parts), factor)
    return Amount(spec, _cjk_value(parts), i, j - 1, factor=factor)


def _western_amount(items: Sequence[Item], i: int) -> Amount:
    item = items[i]
    nxt = items[i + 1] if i + 1 < len(items) else None
    if nxt is not None and nxt.text == "t" and item_at(items, i + 2) is not None:
        sign = items[i + 2]
        if sign.kind == CUR and sign.start == nxt.end:  # "60 T€": thousands of euros
            return Amount(AmountSpec((item.num,), factor=1e3), item.value * 1e3, i, i + 1, 1e3)
    if nxt is None or nxt.kind != MULT or nxt.word is None or nxt.start - item.end > 2:
        return Amount(AmountSpec((item.num,)), item.value, i, i)
    base = float(item.text) if item.single_group else item.value
    word = nxt.word
    spec = AmountSpec((item.num,), factor=word.factor, decimal=item.single_group)
    return Amount(spec, base * word.factor, i, i + 1, word.factor, word.lang, word.period)


def build_amounts(items: Sequence[Item]) -> list[Amount]:
    amounts: list[Amount] = []
    i = 0
    while i < len(items):
        if items[i].kind != NUM:
            i += 1
            continue
        amount = _cjk_amount(items, i) or _western_amount(items, i)
        amounts.append(amount)
        i = amount.last + 1
    return amounts


@dataclass(slots=True)
class Context:
    """What the whole text says besides the chosen amounts."""

    items: list[Item]
    consumed: set[int] = field(default_factory=set)
    hours_per_week: int | None = None  # positions among the numbers
    days_per_week: int | None = None
    months_per_year: int | None = None


def item_at(items: Sequence[Item], i: int) -> Item | None:
    return items[i] if 0 <= i < len(items) else None


def currency_neighbours(items: Sequence[Item], amount: Amount) -> list[int]:
    """Indices of currency items written right before or after an amount."""
    found: list[int] = []
    i, steps = amount.first - 1, 0
    while i >= 0 and steps < 3:
        item = items[i]
        if item.kind == CUR:
            found.insert(0, i)
        elif item.text not in (":", "("):
            break
        i, steps = i - 1, steps + 1
    i = amount.last + 1
    while i < len(items) and items[i].kind == CUR and i <= amount.last + 2:
        found.append(i)
        i += 1
    return found


def is_year(item: Item) -> bool:
    return item.style == "plain" and item.value.is_integer() and 1950 <= item.value <= 2100


def _count_unit(ctx: Context, amount: Amount) -> bool:
    """A bare number followed by a period noun is a count ("12 months", "37.5 hours per week")."""
    items = ctx.items
    j = amount.last + 1
    nxt = item_at(items, j)
    if nxt is not None and nxt.text in ("+", "-"):
        j += 1
        nxt = item_at(items, j)
    noun = NOUNS.get(nxt.text) if nxt is not None and nxt.kind in (OTHER, NOUN) else None
    if noun is None or noun.strict:
        return False
    ctx.consumed.add(j)
    after = item_at(items, j + 1)
    if after is not None and after.kind == PER and after.word and after.word.period == "week":
        value, num = amount.value, amount.spec.numbers[0]
        if noun.period == "hour" and 1 <= value <= 80:
            ctx.hours_per_week = num if ctx.hours_per_week is None else ctx.hours_per_week
            ctx.consumed.add(j + 1)
        elif noun.period == "day" and 1 <= value <= 7 and not _attendance(items, j):
            ctx.days_per_week = num if ctx.days_per_week is None else ctx.days_per_week
            ctx.consumed.add(j + 1)
    return True


_ATTENDANCE: Final = word_set("office onsite on-site site remote remotely hybrid wfh home")


def _attendance(items: Sequence[Item], j: int) -> bool:
    """'2 days a week in the office' is about attendance, not paid days."""
    return any(x.text in _ATTENDANCE for x in items[max(0, j - 3) : j + 6])


def _clock(items: Sequence[Item], amount: Amount) -> bool:
    """'9:00', '17:30': digits on either side of a colon, written without spaces."""
    num = items[amount.first]
    for colon, other in ((amount.first - 1, amount.first - 2), (amount.last + 1, amount.last + 2)):
        c, o = item_at(items, colon), item_at(items, other)
        if c is None or o is None or c.text != ":" or o.kind != NUM:
            continue
        if c.start in (num.end, o.end) and c.end in (num.start, o.start):
            return True
    return False


def _excluded(ctx: Context, amount: Amount, priced: bool) -> bool:
    items = ctx.items
    num = items[amount.first]
    prev, nxt = item_at(items, amount.first - 1), item_at(items, amount.last + 1)
    touching = nxt is not None and nxt.start == items[amount.last].end
    if amount.value <= 0 or (prev is not None and prev.kind == PREX):
        return True
    if nxt is not None and nxt.kind == UNIT and (touching or len(nxt.text) > 2 or nxt.text == "%"):
        return True
    if nxt is not None and nxt.kind == MSAL:
        if amount.factor == 1.0 and 12 <= amount.value <= 16 and amount.value.is_integer():
            ctx.months_per_year = amount.spec.numbers[0]
        return True
    if num.text in ("401", "403", "457") and amount.factor == 1e3 and not priced:
        return prev is None or prev.kind not in (CONN, TO)  # 401(k), unless "£101k-401k"
    if priced or amount.factor != 1.0:
        return False
    if nxt is not None and nxt.text in ("pm", "am") and touching and amount.value <= 12:
        ctx.consumed.add(amount.last + 1)
        return True
    if _clock(items, amount):
        return True
    if is_year(num) and not (nxt is not None and nxt.kind == PER):
        # "2020-2024" stays out; "1950 - 2100 per month" and "1950 - 1990 CHF" are ranges
        then, beyond = item_at(items, amount.last + 2), item_at(items, amount.last + 3)
        if nxt is None or nxt.kind not in (CONN, TO) or then is None or then.kind != NUM:
            return True
        return is_year(then) and (beyond is None or beyond.kind not in (CUR, MULT, PER))
    return _count_unit(ctx, amount)


def assess(ctx: Context, amounts: Sequence[Amount]) -> None:
    """Mark each amount excluded (not money) or strong (certainly money). A bare number is
    strong only with a period after it, or when large and grouped ("45 000"), named a salary
    ("Salary: 45000") or alone ("45000"); a digit run among words ("Zip 94105") is not."""
    items = ctx.items
    only_numbers = not any(x.kind == OTHER and x.text.isalpha() for x in items)
    for amount in amounts:
        priced = bool(currency_neighbours(items, amount))
        bare = amount.factor == 1.0 and not priced
        amount.excluded = _excluded(ctx, amount, priced)
        nxt = item_at(items, amount.last + 1)
        then = item_at(items, amount.last + 2)
        followed_by_period = (nxt is not None and nxt.kind == PER) or (
            nxt is not None and nxt.kind == CUR and then is not None and then.kind == PER
        )
        num = items[amount.first]
        big = amount.value >= 1000 and (
            num.style != "plain" or only_numbers or _named_salary(items, amount.first)
        )
        amount.strong = not bare or big or followed_by_period


def _named_salary(items: Sequence[Item], first: int) -> bool:
    return any(x.kind in (SALW, PER) for x in items[max(0, first - 3) : first])
