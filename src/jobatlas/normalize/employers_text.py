# ruff: noqa: RUF001  (look-alike quote marks and dashes, on purpose)
"""Employer name text: repair mojibake, normalise characters and spaces, fold into key words.

Step 1 of :mod:`jobatlas.normalize.employers`, and the folding of a canonical name into its
grouping key (case, accents, punctuation, ".com", "and", plural corporate nouns).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Longer inputs are cut to this many characters first (employer names are short; this keeps the
#: work per name bounded whatever a source sends).
MAX_LENGTH = 300


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u0152-\u017e\u02c6\u02dc]")
_DROP_CHARS = dict.fromkeys(map(ord, "™®℠©°\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "´": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "«": '"',
        "»": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "│": "|",
        "¦": "|",
        "｜": "|",
        "\t": " ",
        "\n": " ",
        "\r": " ",
    }
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SPACES = re.compile(r"\s+")
_COMMA_SPACE = re.compile(r",(?=[^\s\d,])")
GLUED_FORM = re.compile(r"(?<=[^\W\d_]{2})-(?:inc|llc|ltd|corp|gmbh|plc)\.?$", re.IGNORECASE)


def _repair_mojibake(text: str) -> str:
    """'WÃ¤rtsilÃ¤' -> 'Wärtsilä': UTF-8 bytes that were decoded as Windows-1252."""
    for _ in range(len(text)):  # each repair shortens the text
        if not _MOJIBAKE.search(text):
            break
        try:
            fixed = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            break
        text = fixed
    return text


def normalise_text(text: str) -> str:
    if text.isascii() and text.isprintable() and "`" not in text:
        # Nothing to repair, drop, compose or translate: only commas and spaces to tidy
        # (equal to ``normalise_any``, which the tests check).
        if "," in text:
            text = _COMMA_SPACE.sub(", ", text)
        return (SPACES.sub(" ", text) if "  " in text else text).strip()
    return normalise_any(text)


def normalise_any(text: str) -> str:
    """Step 1 of the employers module for any text (``normalise_text`` without its fast path).

    Repeated until nothing changes (at most ``_ROUNDS`` times): dropping a control character
    can leave text that now reads as mojibake ("Â¡\x80" gives "Â¡", which is "¡"), and the
    step must give the same result when run on its own output."""
    for _ in range(_ROUNDS):
        done = _normalise_once(text)
        if done == text:
            break
        text = done
    return text


_ROUNDS = 4


def _normalise_once(text: str) -> str:
    text = _repair_mojibake(text).translate(_DROP_CHARS)
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _CONTROL.sub(" ", text.translate(_DROP_CHARS))
    text = _COMMA_SPACE.sub(", ", text)
    return SPACES.sub(" ", text).strip()


# -- folding (the key) -------------------------------------------------------------------------

_FOLD_SPECIAL = str.maketrans(
    {"ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"}
)
_WORD = re.compile(r"[^\W_]+")
DOT_COM = re.compile(r"\.com\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base = decomposed[0]
    # Only Latin, Greek and Cyrillic letters lose their marks; a Japanese voiced kana keeps its.
    if ord(base) < 0x0530 or 0x1E00 <= ord(base) <= 0x1FFF:
        return "".join(c for c in decomposed if not unicodedata.combining(c))
    return ch


def fold_tokens(text: str) -> list[str]:
    """Words of ``text``, case-folded and without Latin accents or apostrophes."""
    if text.isascii():  # ASCII case-folds to lower case and has no special letter
        return _WORD.findall(text.lower().replace("'", ""))
    s = text.casefold().translate(_FOLD_SPECIAL).replace("'", "")
    if not s.isascii():
        s = "".join(_fold_char(c) if not c.isascii() else c for c in s)
    return _WORD.findall(s)


PLURALS = {
    "technologies": "technology",
    "services": "service",
    "solutions": "solution",
    "systems": "system",
    "groups": "group",
    "companies": "company",
    "laboratories": "laboratory",
    "labs": "lab",
    "networks": "network",
    "resources": "resource",
    "partners": "partner",
    "consultants": "consultant",
    "associates": "associate",
    "industries": "industry",
    "sciences": "science",
    "communications": "communication",
    "enterprises": "enterprise",
    "holdings": "holding",
    "analytics": "analytic",
    "therapeutics": "therapeutic",
    "pharmaceuticals": "pharmaceutical",
}


_PLURAL_IN_KEY = re.compile("|".join(sorted((p for p in PLURALS if len(p) >= 7), key=len)[::-1]))


def key_of(text: str) -> str:
    tokens = fold_tokens(DOT_COM.sub(" ", text))
    key = "".join(PLURALS.get(t, t) for t in tokens if t != "and")
    # "AaraTechnologies" and "Aara Technologies" share a key.
    return _PLURAL_IN_KEY.sub(lambda m: PLURALS[m.group()], key)
