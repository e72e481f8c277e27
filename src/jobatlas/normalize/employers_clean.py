"""Peel an employer name down to its core (steps 2 to 4 of :mod:`jobatlas.normalize.employers`).

Notes (brackets, ratings, "formerly ...", dash and comma tails), then legal forms, careers words
and corporate descriptors, each step repeated to a fixed point.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from jobatlas.normalize.employers_legal import (
    CJK_LEGAL,
    PRIVATE_FORMS,
    RU_LEGAL,
    legal_term_set,
    norm_token,
    strip_legal,
)
from jobatlas.normalize.employers_places import US_STATES, place_suffix, strip_place
from jobatlas.normalize.employers_text import (
    GLUED_FORM,
    MAX_LENGTH,
    SPACES,
    fold_tokens,
    normalise_text,
)

CACHE_SIZE = 1 << 16

_PARENS = re.compile(r"\s*[\(\[\{][^\(\)\[\]\{\}]*[\)\]\}]\s*")
_OPEN_TAIL = re.compile(r"\s*[\(\[][^\)\]]*$")
_RATING = re.compile(r"\s+-\s*\d(?:\.\d)?\s*$|\s+-\s*\S*\d{5,}\S*\s*$")
_FORMERLY = re.compile(
    r"\s*[,;(-]?\s*\b(?:formerly|previously|now part of|f/k/a|fka)\b.*$", re.IGNORECASE
)
_A_COMPANY = re.compile(
    r"\s*(?:,|\s-)\s*(?:a|an)\s+[^,;]{1,80}?\b(?:company|firm|business)\s*$", re.IGNORECASE
)
_PIPE = re.compile(r"\s*\|.*$")
_SEMICOLON = re.compile(r"\s*;.*$")
_DASH_TAIL = re.compile(r"^(?P<head>.+?)\s+-\s+(?P<tail>[^-]+)$")
_COMMA_TAIL = re.compile(r"^(?P<head>.+?),\s*(?P<tail>[^,]+)$")
_INVERTED_THE = re.compile(r",\s*the$", re.IGNORECASE)
_LEADING = re.compile(r"^(?:the|m/s\.?)\s+(?=\S)", re.IGNORECASE)
_FORMERLY_WORDS = ("formerly", "previously", "now part of", "f/k/a", "fka")
_FORMERLY_HINT = re.compile("|".join(_FORMERLY_WORDS), re.IGNORECASE)


def _may_say_formerly(s: str) -> bool:
    if s.isascii():  # ASCII: lower() matches exactly what IGNORECASE does, and faster
        low = s.lower()
        return (
            "formerly" in low
            or "previously" in low
            or "now part of" in low
            or "f/k/a" in low
            or "fka" in low
        )
    return _FORMERLY_HINT.search(s) is not None


_ALNUM = re.compile(r"[^\W_]")
_JUNK = ",;:&+/-|"
_TRAILING_JUNK = re.compile(r"[\s,;:&+/\-|]+$|\s+(?:and|&)$", re.IGNORECASE)
_LEADING_JUNK = re.compile(r"^[\s,;:&+/\-|.]+")
_CAREERS = (
    ("careers",),
    ("career", "page"),
    ("careers", "page"),
    ("jobs",),
    ("job", "advertisements"),
    ("job", "postings"),
    ("misc", "postings"),
    ("postings",),
    ("hiring",),
    ("family", "of", "companies"),
)
_CAREERS_LAST = frozenset(tail[-1] for tail in _CAREERS)
_DESCRIPTORS_ANY = frozenset({"holdings", "holding"})
_DESCRIPTORS_TWO = frozenset(
    {"group", "groups", "groupe", "grupo", "companies", "international", "intl", "worldwide"}
)


def has_word(text: str) -> bool:
    """Whether ``text`` has a letter or digit (``[^\\W_]`` is exactly ``str.isalnum``)."""
    return _ALNUM.search(text) is not None


def _initials(words: Iterable[str]) -> str:
    return "".join(w[0] for w in words if w and w[0].isalnum()).upper()


def _trim(s: str) -> str:
    """``s`` stripped, with single spaces, when that leaves a word (what ``_cut_note`` does
    when its pattern does not match)."""
    cut = s.strip()
    return _single_spaced(cut) if cut != s and has_word(cut) else s


def _cut_note(s: str, pattern: re.Pattern[str]) -> str:
    cut = pattern.sub(" ", s).strip()
    return _single_spaced(cut) if cut != s and has_word(cut) else s


def _single_spaced(s: str) -> str:
    # Every whitespace character but " " is unprintable: no "  " and all printable means
    # SPACES has nothing to replace.
    return SPACES.sub(" ", s) if "  " in s or not s.isprintable() else s


def _peel_notes(text: str) -> str:
    """Step 2 of the module docstring, once."""
    s = text
    if len(s) > 2 and s[0] in "([{" and s[-1] in ")]}":
        inner = s[1:-1].strip()
        if not any(c in inner for c in "()[]{}") and has_word(inner):
            s = inner  # "(THE VANGUARD GROUP/MALVERN,PA)"
    if len(s) > 2 and s[0] == '"' and s[-1] == '"' and '"' not in s[1:-1]:
        s = s[1:-1].strip()
    # A pattern that needs a character (or words) the name lacks cannot match: it would only
    # trim. Each test reads the name as the previous cut left it.
    s = _cut_note(s, _PARENS) if "(" in s or "[" in s or "{" in s else _trim(s)
    s = _cut_note(s, _OPEN_TAIL) if "(" in s or "[" in s else _trim(s)
    s = _cut_note(s, _RATING) if "-" in s else _trim(s)
    s = _cut_note(s, _FORMERLY) if _may_say_formerly(s) else _trim(s)
    s = _cut_note(s, _A_COMPANY) if "," in s or "-" in s else _trim(s)
    s = _cut_note(s, _PIPE) if "|" in s else _trim(s)
    s = _cut_note(s, _SEMICOLON) if ";" in s else _trim(s)
    if "/" in s:
        left, _, right = s.partition("/")
        glued = (left.split() or [""])[-1] + "/" + (right.split() or [""])[0]
        if (
            len(left.split()) >= 2
            and sum(c.isalpha() for c in right) >= 2
            and (norm_token(glued),) not in legal_term_set()
        ):
            s = left.strip()  # "Home Depot / THD", but not "Totvs S/A"
    if "-" in s:
        s = _peel_dash(s)
    if "," in s:
        s = _peel_comma(s)
        cut = _INVERTED_THE.sub("", s)
        if cut != s and has_word(cut):
            s = cut
    if s[:1] in ("t", "T", "m", "M"):
        cut = _LEADING.sub("", s)
        if cut != s and has_word(cut):
            s = cut
    return s


def _peel_dash(s: str) -> str:
    m = _DASH_TAIL.match(s)
    if not m:
        return s
    head, tail = m.group("head").strip(), m.group("tail").strip()
    if not has_word(head):
        return s
    tail_words = fold_tokens(tail)
    head_words = head.split()
    if tail_words and place_suffix(tail_words) == len(tail_words):
        return head
    if tail_words and tuple(tail_words) in _CAREERS:
        return head
    compact = tail.replace(".", "")
    if 2 <= len(compact) <= 6 and compact.isalpha() and " " not in compact:
        initials = _initials(head_words)
        if len(initials) >= 2 and compact.upper().startswith(initials[:2]):
            return head  # "Tailored Management - TMI"
    head_compact = head.replace(".", "")
    if (
        2 <= len(head_compact) <= 6
        and head_compact.isalpha()
        and head_compact.isupper()
        and _initials(w for w in tail.split() if w.lower() not in ("of", "and", "&"))
        == head_compact
    ):
        return head  # "UKG - Ultimate Kronos Group"
    return s


def _peel_comma(s: str) -> str:
    m = _COMMA_TAIL.match(s)
    if not m:
        return s
    head, tail = m.group("head").strip(), m.group("tail").strip()
    if not has_word(head):
        return s
    tail_words = fold_tokens(tail)
    if not tail_words:
        return s
    if len(tail_words) == 1 and tail_words[0] in US_STATES and tail.isupper():
        return head  # "CHARLESTON COUNTY, SC"
    if place_suffix(tail_words) == len(tail_words):
        return head  # ", USA"
    return s


def _peel_words(s: str) -> str:
    """Steps 3 and 4 of the module docstring, once: legal forms and descriptors at the end."""
    # Every CJK form has a non-ASCII character, and every glued form a dash.
    cjk = (s if s.isascii() else CJK_LEGAL.sub("", s)).strip()
    if cjk != s and has_word(cjk):
        return cjk
    ru = RU_LEGAL.match(s)
    if ru and has_word(ru.group(1)):
        return ru.group(1).strip()
    glued = GLUED_FORM.sub("", s) if "-" in s else s
    if glued != s and has_word(glued):
        return glued  # "proit-inc"
    tokens = s.split()
    stripped, term = strip_legal(tokens)
    if term is not None:
        rest = _TRAILING_JUNK.sub("", " ".join(stripped))
        if not has_word(rest):
            return s
        if term in PRIVATE_FORMS:
            # "Disys India Private Limited": the private company of Disys in India.
            kept = strip_place(rest.split(), one_word_ok=True)
            if kept is not None:
                return _TRAILING_JUNK.sub("", " ".join(kept))
        return rest
    folded_last = [norm_token(t) for t in tokens[-3:]]
    for tail in _CAREERS if folded_last and folded_last[-1] in _CAREERS_LAST else ():
        if len(tail) < len(tokens) and tuple(folded_last[-len(tail) :]) == tail:
            return _TRAILING_JUNK.sub("", " ".join(tokens[: -len(tail)]))
    if len(tokens) >= 2 and folded_last[-1] in _DESCRIPTORS_ANY:
        return _TRAILING_JUNK.sub("", " ".join(tokens[:-1]))
    if len(tokens) >= 3 and folded_last[-1] in _DESCRIPTORS_TWO:
        return _TRAILING_JUNK.sub("", " ".join(tokens[:-1]))
    kept = strip_place(tokens, one_word_ok=False)
    if kept is not None:
        return _TRAILING_JUNK.sub("", " ".join(kept))
    return s


def _cut_junk(s: str) -> str:
    first, last = s[:1], s[-1:]
    if not (
        (first and (first in _JUNK or first == "." or first.isspace()))
        or (last and (last in _JUNK or last in "dD" or last.isspace()))
    ):
        return s  # neither junk pattern can match (the trailing one ends in junk or "and")
    cut = _LEADING_JUNK.sub("", _TRAILING_JUNK.sub("", s)).strip()
    return cut if cut != s and has_word(cut) else s


# Each step below shortens the name or ends the peeling, so the result from a name is the
# result from the next one: caching the intermediate names makes "X (note 1)", "X (note 2)" ...
# cost one step each once X is known.
@lru_cache(maxsize=CACHE_SIZE)
def _notes_fixed(s: str) -> str:
    """``s`` with notes peeled to a fixed point."""
    s = _cut_junk(s)
    t = _peel_notes(s)
    return s if t == s else _notes_fixed(t)


@lru_cache(maxsize=CACHE_SIZE)
def _after_notes(s: str) -> str:
    """``_words_fixed(s)`` for ``s`` that ``_peel_notes`` leaves as it is (a name after the
    notes), without peeling its notes again."""
    t = _peel_words(s)
    if t == s:
        t = _cut_junk(s)
        if t == s:
            return s
    return _words_fixed(t)


@lru_cache(maxsize=CACHE_SIZE)
def _words_fixed(s: str) -> str:
    """``s`` with legal forms, descriptors and notes peeled to a fixed point."""
    t = _peel_words(s)
    if t == s:
        t = _cut_junk(_peel_notes(s))
        if t == s:
            return s
    return _words_fixed(t)


def peel(text: str) -> tuple[str, str]:
    """(name after the notes, name after everything), each a fixed point of its steps.

    The first step is taken outside the caches, which would otherwise fill with raw names that
    each occur once; callers cache by raw name where they need to."""
    s = _cut_junk(normalise_text(text[:MAX_LENGTH])[:MAX_LENGTH].strip())
    t = _peel_notes(s)
    pre_legal = s if t == s else _notes_fixed(t)
    return pre_legal, _after_notes(pre_legal)
