# ruff: noqa: RUF001  (multilingual tokens, on purpose)
"""Salary text to classified tokens: numbers in every grouping convention, words, symbols.

Numbers keep their grouping style (``1,200``, ``1.200``, ``1 200``, ``12,00,000``); CJK runs are
split by longest match; a multiplier glued to a currency ("k$", "TEUR") becomes two tokens;
multi-word phrases ("per annum", "up to") are joined into one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from jobatlas.normalize import currency as fx
from jobatlas.normalize.salary_vocab import (
    CJK_MAX,
    CJK_WORDS,
    CONN,
    CUR,
    MULT,
    NOUNS,
    NUM,
    OTHER,
    PER,
    PERW,
    PHRASES,
    WORDLIKE_CODES,
    WORDS,
    Word,
)

_TOKEN_RE: Final = re.compile(
    r"(?:"
    r"(?P<indian>\d{1,2}(?:,\d\d)+,\d{3}(?:\.\d+)?)"  # 12,00,000
    r"|(?P<comma>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"  # 1,200,000.50
    r"|(?P<dot>\d{1,3}(?:\.\d{3})+(?:,\d+)?)"  # 1.200.000,50
    r"|(?P<space>\d{1,3}(?:[ '’]\d{3})+(?:[.,]\d+)?)"  # 1 200 000, 1'200'000
    r"|(?P<plain>\d+(?:[.,]\d+)?)"
    r")(?!\d)"
    r"|(?P<w>[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?[$£]?)"
    r"|(?P<s>[^\w\s])"
)
_CJK_RUN_RE: Final = re.compile(
    r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+|[^\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]+"
)
DIGIT_RE: Final = re.compile(r"\d")
CJK_CHAR_RE: Final = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af]")
SWISS_DASH_RE: Final = re.compile(r"(?<=\d)[.,][-–—]")
KANA_RE: Final = re.compile(r"[\u3040-\u30ff]")
HANGUL_RE: Final = re.compile(r"[\uac00-\ud7af]")


@dataclass(slots=True)
class Item:
    """One token after classification: a number, or a word/symbol with its meaning."""

    kind: str
    start: int
    end: int
    text: str = ""
    word: Word | None = None
    value: float = 0.0
    style: str = ""  # number grouping: "comma", "dot", "space", "indian", "plain"
    single_group: bool = False  # "1.250": one dot group, read as a decimal before k/M
    num: int = -1  # position among the text's numbers


def number_value(style: str, raw: str) -> float:
    """The value of a number token of a given grouping style."""
    if style == "comma" or style == "indian":
        return float(raw.replace(",", ""))
    if style == "dot":
        return float(raw.replace(".", "").replace(",", "."))
    if style == "space":
        return float(raw.replace(" ", "").replace("'", "").replace("’", "").replace(",", "."))
    return float(raw.replace(",", "."))


def number_item(style: str, raw: str, start: int, end: int) -> Item:
    single = style == "dot" and raw.count(".") == 1 and "," not in raw and raw[0] != "0"
    return Item(
        NUM, start, end, raw, value=number_value(style, raw), style=style, single_group=single
    )


def lookup_word(text: str) -> Word | None:
    word = WORDS.get(text)
    if word is None and text.endswith(".") and len(text) > 1:
        word = WORDS.get(text[:-1])
    if word is None and len(text) == 3 and text.isalpha() and text.upper() in fx.known_currencies():
        word = Word(CUR, text.upper(), weak=text in WORDLIKE_CODES)
    return word


def _cjk_items(text: str, offset: int) -> list[Item]:
    """Split a run of CJK/Hangul/kana by longest match against the CJK vocabulary."""
    items: list[Item] = []
    for part in _CJK_RUN_RE.finditer(text):
        start = offset + part.start()
        chunk = part.group()
        if chunk.isascii() or chunk[0] < "\u2e80":
            items.extend(_word_items(chunk, start, start + len(chunk)))
            continue
        i = 0
        while i < len(chunk):
            for size in range(min(CJK_MAX, len(chunk) - i), 0, -1):
                piece = chunk[i : i + size]
                word = CJK_WORDS.get(piece)
                if word is not None:
                    items.append(Item(word.kind, start + i, start + i + size, piece, word))
                    i += size
                    break
            else:
                i += 1
    return items


def tokenize(s: str) -> list[Item]:
    items: list[Item] = []
    numbers = 0
    for match in _TOKEN_RE.finditer(s):
        group = match.lastgroup or ""
        if group not in ("w", "s"):
            item = number_item(group, match.group(), match.start(), match.end())
            item.num = numbers
            numbers += 1
            items.append(item)
            continue
        text = match.group().lower()
        if group == "w" and not text.isascii() and CJK_CHAR_RE.search(text):
            items.extend(_cjk_items(text, match.start()))
            continue
        items.extend(_word_items(text, match.start(), match.end()))
    return _join_phrases(items)


_THOUSAND: Final = Word(MULT, factor=1e3)


def _word_items(text: str, start: int, end: int) -> list[Item]:
    """One word, or a multiplier glued to a currency ("k$", "kEUR", "TEUR") split in two."""
    word = lookup_word(text)
    if word is not None or len(text) < 2:
        return [Item(word.kind if word else OTHER, start, end, text, word)]
    for cut in (len(text) - 1, 1):
        head, tail = text[:cut], text[cut:]
        first = _THOUSAND if head == "t" else lookup_word(head)
        second = lookup_word(tail)
        if first is not None and second is not None and {first.kind, second.kind} == {MULT, CUR}:
            return [
                Item(first.kind, start, start + cut, head, first),
                Item(second.kind, start + cut, end, tail, second),
            ]
    if "-" in text:  # "k-A$160k": a hyphen between amounts, not a compound word
        cut = text.index("-")
        dash = WORDS["-"]
        return [
            *_word_items(text[:cut], start, start + cut),
            Item(CONN, start + cut, start + cut + 1, "-", dash),
            *_word_items(text[cut + 1 :], start + cut + 1, end),
        ]
    if text[-1] in "$£":  # "c£45,000", "CAN$": a word glued to a currency sign
        sign = WORDS[text[-1]]
        return [*_word_items(text[:-1], start, end - 1), Item(CUR, end - 1, end, text[-1], sign)]
    return [Item(OTHER, start, end, text)]


def _join_phrases(items: list[Item]) -> list[Item]:
    out: list[Item] = []
    i = 0
    while i < len(items):
        item = items[i]
        for rest, word in PHRASES.get(item.text, ()):
            end = i + 1 + len(rest)
            if tuple(x.text for x in items[i + 1 : end]) == rest:
                out.append(Item(word.kind, item.start, items[end - 1].end, item.text, word))
                i = end
                break
        else:
            noun = NOUNS.get(items[i + 1].text.rstrip(".")) if i + 1 < len(items) else None
            if item.kind == PERW and noun is not None:
                nxt = items[i + 1]
                out.append(
                    Item(
                        PER,
                        item.start,
                        nxt.end,
                        nxt.text,
                        Word(PER, period=noun.period, lang=noun.lang),
                    )
                )
                i += 2
                continue
            out.append(item)
            i += 1
    return out
