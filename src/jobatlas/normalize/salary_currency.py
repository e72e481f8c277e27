"""The currency of a salary text: the words next to the figure, else what the clues imply.

A sign shared by several currencies (``$``, ``kr``, ``¥``, ``rs``) is decided by a source's hint,
the posting's country, the text's language, its thousands grouping or the figure's size, in
that order; flags say when the reading is a convention rather than near-certain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from jobatlas.normalize import currency as fx
from jobatlas.normalize.salary_amounts import Context, currency_neighbours, item_at
from jobatlas.normalize.salary_groups import Group
from jobatlas.normalize.salary_tokens import HANGUL_RE, KANA_RE, Item
from jobatlas.normalize.salary_vocab import (
    AMBIGUOUS,
    CUR,
    DEFAULTS,
    LANG_COUNTRIES,
    LANG_CURRENCY,
    MULT,
    NOUNS,
    NUM,
    WORDLIKE_CODES,
)


@dataclass(frozen=True, slots=True)
class CurrencyClues:
    """Everything besides a symbol that says which currency is meant."""

    country: str | None
    hint: str | None
    langs: frozenset[str]
    grouping: str
    big_yen: bool = False  # large enough to be yen, not yuan


def text_langs(s: str, items: Iterable[Item], group: Group) -> frozenset[str]:
    langs = {item.word.lang for item in items if item.word is not None and item.word.lang}
    langs |= {n.lang for item in items if (n := NOUNS.get(item.text)) is not None and n.lang}
    langs |= {x.lang for x in (group.low, group.high) if x.lang}
    if KANA_RE.search(s):
        langs.add("ja")
    if HANGUL_RE.search(s):
        langs.add("ko")
    return frozenset(langs)


def resolve_sign(code: str, clues: CurrencyClues) -> tuple[str | None, str | None]:
    """A currency code for a currency word; with a flag when the reading is a convention."""
    options = AMBIGUOUS.get(code)
    if options is None:
        return code, None
    if clues.hint in options:
        return clues.hint, None
    local = fx.country_currency(clues.country)
    if local in options:
        return local, None
    for lang in sorted(clues.langs):
        if LANG_CURRENCY.get(lang) in options:
            return LANG_CURRENCY[lang], None
    if code == "kr" and "nd" in clues.langs and clues.grouping in ("space", "dot"):
        # per måned is Norwegian or Danish; Norway groups thousands with spaces, Denmark dots.
        return ("NOK" if clues.grouping == "space" else "DKK"), "currency_inferred"
    if code == "¥" and clues.big_yen:
        return "JPY", "currency_inferred"  # yuan salaries do not reach these figures
    default = DEFAULTS.get(code)
    if default is None:
        return None, None
    flagged = default[1] and not (code == "$" and clues.country)
    return default[0], ("currency_assumed" if flagged else None)


def currency_items(ctx: Context, groups: Sequence[Group], chosen: Group, s: str) -> list[Item]:
    """Currency words next to the chosen amounts; else any strong one not next to others."""
    items = ctx.items
    near = sorted(
        {i for a in (chosen.low, chosen.high) for i in currency_neighbours(items, a)}
        | {i for i in range(chosen.first, chosen.last + 1) if items[i].kind == CUR}
    )
    usable = [items[i] for i in near if _counts(items, i, s)]
    if usable:
        return usable
    taken = {
        i
        for g in groups
        if g is not chosen
        for a in (g.low, g.high)
        for i in currency_neighbours(items, a)
    }
    return [
        item
        for i, item in enumerate(items)
        if item.kind == CUR and i not in taken and item.word is not None and not item.word.weak
    ]


def _counts(items: Sequence[Item], i: int, s: str) -> bool:
    """A weak currency word ("TL", "Php", "R", "Fr.") counts only written against a number
    ("30.000 TL", "R45 000"), and a word-like code only in capitals ("PEN 4,000")."""
    item = items[i]
    word = item.word
    if word is None or not word.weak:
        return True
    if item.text in WORDLIKE_CODES and not s[item.start : item.end].isupper():
        return False
    nxt, prev = item_at(items, i + 1), item_at(items, i - 1)
    if item.text == "r":
        return nxt is not None and nxt.kind == NUM and nxt.start - item.end <= 1
    return (nxt is not None and nxt.kind == NUM) or (prev is not None and prev.kind in (NUM, MULT))


@lru_cache(maxsize=1 << 14)
def choose_currency(
    codes: tuple[str, ...],
    country: str | None,
    hint: str | None,
    langs: frozenset[str],
    grouping: str,
    big_yen: bool,
) -> tuple[str | None, tuple[str, ...]]:
    return _pick_currency(codes, CurrencyClues(country, hint, langs, grouping, big_yen))


def _pick_currency(
    codes: tuple[str, ...], clues: CurrencyClues
) -> tuple[str | None, tuple[str, ...]]:
    """The currency the text names (``codes``, nearest first), else what the clues imply."""
    for code in codes:
        if code not in AMBIGUOUS:
            return code, ()
    for code in codes:
        currency, flag = resolve_sign(code, clues)
        if currency is not None:
            return currency, (flag,) if flag else ()
    if codes:
        return None, ()
    if clues.hint:
        return clues.hint, ()
    for lang in ("in", "ja", "ko", "zh"):
        if lang in clues.langs:
            native = LANG_COUNTRIES.get(lang, frozenset())
            if clues.country in native:
                return fx.country_currency(clues.country), ()
            return LANG_CURRENCY[lang], ("currency_inferred",)
    local = fx.country_currency(clues.country)
    return local, ("currency_from_country",) if local else ()
