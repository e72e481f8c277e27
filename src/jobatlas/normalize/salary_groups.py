# ruff: noqa: RUF003  (multilingual examples, on purpose)
"""Salary amounts into stated salaries (a single figure or a range), with their bounds and period.

Ranges joined by a dash, "to" or "between ... and"; extras that are not the salary ("+ £5k
bonus"); "up to"/"from"/"OTE" qualifiers; the period stated for the chosen figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from jobatlas.models import Period
from jobatlas.normalize.salary_amounts import Amount, Context, is_year, item_at
from jobatlas.normalize.salary_tokens import Item
from jobatlas.normalize.salary_vocab import (
    AND,
    BETWEEN,
    CONN,
    CUR,
    EXTRA,
    FILL,
    NOUNS,
    NUM,
    OTE,
    OTHER,
    PER,
    PERW,
    PLUS,
    QMAX,
    QMIN,
    TO,
)


@dataclass(slots=True)
class Group:
    """One stated salary: a single amount or a range."""

    low: Amount
    high: Amount

    @property
    def first(self) -> int:
        return self.low.first

    @property
    def last(self) -> int:
        return self.high.last

    @property
    def is_range(self) -> bool:
        return self.low is not self.high


def _connects(items: Sequence[Item], a: Amount, b: Amount) -> bool:
    between = items[a.last + 1 : b.first]
    links = [
        x
        for x in between
        if x.kind in (CONN, TO, AND)
        or (x.kind == QMAX and x.word is not None and x.word.where != "post")
        or (x.kind == PERW and x.word is not None and x.word.code == "conn")
    ]
    if len(links) != 1 or any(x.kind not in (CUR, PER, FILL) and x not in links for x in between):
        return False
    if links[0].kind != AND:
        return True
    before = items[max(0, a.first - 3) : a.first]
    return any(x.kind == BETWEEN for x in before)


def find_groups(items: Sequence[Item], amounts: Sequence[Amount]) -> list[Group]:
    usable = [a for a in amounts if not a.excluded]
    groups: list[Group] = []
    i = 0
    while i < len(usable):
        a = usable[i]
        b = usable[i + 1] if i + 1 < len(usable) else None
        if b is not None and _connects(items, a, b):
            for x, y in ((a, b), (b, a)):
                x.lang = x.lang or y.lang
                x.period = x.period or y.period
            groups.append(Group(a, b))
            i += 2
        else:
            groups.append(Group(a, a))
            i += 1
    return [g for g in groups if g.low.strong or g.high.strong or _large_pair(items, g)]


def _large_pair(items: Sequence[Item], group: Group) -> bool:
    """'50000-60000': two large numbers joined as a range read as money (years excluded)."""
    ends = (group.low, group.high)
    return group.is_range and all(a.value >= 1000 and not is_year(items[a.first]) for a in ends)


def _skip(items: Sequence[Item], i: int, step: int, kinds: tuple[str, ...]) -> Item | None:
    while 0 <= i < len(items):
        item = items[i]
        if item.kind not in kinds and item.text not in (":", "(", ")", ","):
            return item
        i += step
    return None


def is_extra(items: Sequence[Item], group: Group) -> bool:
    """'+ £5,000 bonus', '£5k car allowance': an amount that is not the salary."""
    before = _skip(items, group.first - 1, -1, (CUR,))
    if before is not None and before.kind in (PLUS, EXTRA):
        return True
    i = group.last + 1
    while i < len(items) and items[i].kind == CUR:
        i += 1
    for k, item in enumerate(items[i : i + 2]):  # "£5k bonus"; not "£60k p.a. + bonus"
        if item.kind == EXTRA:
            # "月給25万円 賞与4ヶ月分": a bonus word before its own figure heads that figure
            then = item_at(items, i + k + 1)
            return then is None or then.kind != NUM
        if item.kind != OTHER or not item.text[:1].isalpha():
            break  # "(賞与年2回)": a bracket opens a note about the bonus
    return False


def bound_flags(items: Sequence[Item], group: Group, cjk: bool) -> list[str]:
    """min_only / max_only / ote from the words right around the chosen amounts."""
    before = _skip(items, group.first - 1, -1, (CUR,))
    after_index = group.last + 1
    while after_index < len(items) and items[after_index].kind in (CUR, PER):
        after_index += 1
    after = _skip(items, after_index, 1, ())
    flags = ["ote" for item in (before, after) if item is not None and item.kind == OTE]
    if group.is_range:
        return flags
    pre = _pre_bound(before, cjk) if before is not None else None
    post = _post_bound(items, after_index, group, cjk) if after is not None else None
    return flags + [flag for flag in (pre or post,) if flag]


def _pre_bound(item: Item, cjk: bool) -> str | None:
    word = item.word
    if word is None or word.where == "post":
        return None
    if item.kind == QMAX or item.kind == TO:
        return "max_only"
    if item.kind == QMIN:
        return "min_only"
    if item.kind == CONN and word.code == "tilde" and cjk:
        return "max_only"  # "〜50万円"; in English "~$60k" means about $60k
    return None


def _post_bound(items: Sequence[Item], i: int, group: Group, cjk: bool) -> str | None:
    item = _skip(items, i, 1, ())
    word = item.word if item is not None else None
    if item is None or word is None or word.where == "pre":
        return None
    if item.kind == QMAX:
        return "max_only"
    if item.kind == QMIN:
        return "min_only"
    if item.kind == CONN and word.code == "tilde" and cjk:
        return "min_only"  # "時給1,200円～"
    if item.kind == PLUS and item.text == "+":
        touching = item.start == items[group.last].end
        beyond = item_at(items, items.index(item) + 1)
        return "min_only" if touching or beyond is None else None  # "£50k+", not "£50k + bonus"
    return None


def stated_period(ctx: Context, group: Group, next_start: int | None) -> Period | None:
    """The period stated for the group: the first period word after it (before the next
    amount), else the last one before it. A bare noun ("£25 hour") counts only next to it;
    "paid monthly" is a pay frequency, not the period of the figure."""
    items = ctx.items
    start = items[group.first].start
    before: Period | None = None
    for i, item in enumerate(items):
        if i in ctx.consumed or item.kind != PER or item.word is None:
            continue
        prev = item_at(items, i - 1)
        if prev is not None and prev.text in ("paid", "payable"):
            continue
        if item.start >= start and (next_start is None or item.start < next_start):
            return item.word.period
        if item.start < start:
            before = item.word.period
    return before or _adjacent_noun(ctx, group) or group.low.period or group.high.period


def _adjacent_noun(ctx: Context, group: Group) -> Period | None:
    after = _skip(ctx.items, group.last + 1, 1, (CUR,))
    before = _skip(ctx.items, group.first - 1, -1, (CUR,))
    for item in (after, before):
        noun = NOUNS.get(item.text) if item is not None else None
        if noun is not None and not noun.strict:
            return noun.period
    return None
