"""Text normalisation for the AI/ML classifier.

Fold case, accents and punctuation, undot "A.I.", drop gender markers and split into words: the
same for a title, a description and a taxonomy term, so that they match.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from typing import NamedTuple

BOUND = "0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"
BOUND_CHAR = re.compile(f"[{BOUND}]")
_MILLILITRE = re.compile(r"(?<![A-Za-z])mL(?![A-Za-z])")
_DOTTED = re.compile(r"([am])(?<![a-z][am])\.\s?([il])\.?(?![a-z])")
_G = r"(?:[mwfhdxv]|nb|div|divers|diverse|inter)\.?"
_GENDER_BRACKETS = re.compile(
    r"[(\[]\s*(?:all\s+genders?|alle\s+geschlechter|gn\*?|"
    + _G
    + r"(?:\s*[/|,]\s*"
    + _G
    + r"){1,4})\s*\*?\s*[)\]]"
)
_GENDER_BARE = re.compile(r"[mwfhdxv](?:\s*/\s*" + _G + r"){1,3}(?![\w/])")
_TOKEN = re.compile(f"[{BOUND}]+|[^{BOUND}\\W_]+")
_ASCII_WORD = re.compile("[a-z0-9]+")
TAGS = re.compile(r"<[^>]{0,200}>")


@functools.cache
def _fold_table() -> dict[int, str | None]:
    """Map accented Latin, Greek and Cyrillic letters to their base letters; drop combining marks.

    CJK, kana and Hangul are left alone (decomposing them would break substring matching).
    """
    table: dict[int, str | None] = {}
    ranges = itertools.chain(range(0xC0, 0x250), range(0x370, 0x530), range(0x1E00, 0x2000))
    for code in ranges:
        char = chr(code)
        parts = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in parts if not unicodedata.combining(c))
        if base and base != char:
            table[code] = base
    table.update(dict.fromkeys(range(0x300, 0x370)))
    extra = {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "\u0131": "i", "æ": "ae", "œ": "oe", "þ": "th"}
    table.update({ord(k): v for k, v in extra.items()})
    # Dashes, quotes, bullets and middle dots become ASCII, so such titles stay on the ASCII path.
    table.update(dict.fromkeys(range(0x2010, 0x2016), "-"))
    table.update(dict.fromkeys((0x2018, 0x2019, 0x201A, 0x201B), "'"))
    table.update(dict.fromkeys((0x201C, 0x201D, 0x201E, 0x201F), '"'))
    table.update(dict.fromkeys((0xB7, 0x2022, 0x2027, 0x30FB, 0xA0), " "))
    return table


def light_normalise(text: str) -> str:
    """NFKC, casefold, fold accents, undot "A.I.", drop gender markers; keep punctuation."""
    if "mL" in text:
        text = _MILLILITRE.sub(" millilitre ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if not text.isascii():
        text = text.translate(_fold_table())
    if "." in text:
        text = _DOTTED.sub(_undot, text)
    if "(" in text or "[" in text:
        text = _GENDER_BRACKETS.sub(" ", text)
    if "/" in text:
        text = _GENDER_BARE.sub(_drop_marker, text)
    return text


def _drop_marker(match: re.Match[str]) -> str:
    """Drop a bare gender marker ("H/F", "m/w/d") unless it is the tail of a longer word."""
    start = match.start()
    before = match.string[start - 1] if start else " "
    return match.group() if before.isalnum() or before in "/_" else " "


def _undot(match: re.Match[str]) -> str:
    """Undot "A.I." to "ai" and "M.L." to "ml"; other dotted pairs stay as they were."""
    pair = match.group(1) + match.group(2)
    return pair if pair in ("ai", "ml") else match.group()


def tokenise(light: str) -> list[str]:
    """Words of a lightly normalised text; a change of script (``ai工程师``) also splits words."""
    return (_ASCII_WORD if light.isascii() else _TOKEN).findall(light)


def flatten(light: str) -> str:
    """The words of a text joined by single spaces (what terms are matched against)."""
    return " ".join(tokenise(light))


_WILD_MARK = "qqwildcardqq"  # survives normalisation, unlike "*"


def normalise_term(raw: str) -> str:
    """A taxonomy term in the form it is matched (each ``*`` kept as a wildcard)."""
    term = flatten(light_normalise(raw.replace("*", _WILD_MARK))).replace(_WILD_MARK, "*")
    return term if term.strip("*") else ""


class Text(NamedTuple):
    """A text ready for matching: its words, and the words joined by spaces."""

    tokens: list[str]
    joined: str

    @classmethod
    def of(cls, light: str) -> Text:
        tokens = tokenise(light)
        return cls(tokens, " ".join(tokens))
