"""Find word-list terms in a text: the taxonomy's terms (longest match first) and role words.

Terms written in Latin, Greek or Cyrillic letters are matched as sequences of whole words (a
dictionary lookup on the first word); terms in other scripts (CJK, kana, Hangul, Arabic,
Thai...) are matched as substrings by one trie-shaped regex, run only on texts that are not
plain ASCII. A ``*`` in a term is a wildcard within a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from jobatlas.normalize.classify_text import BOUND, BOUND_CHAR, Text

V = TypeVar("V")
_Trie = dict[str, "_Trie"]
_WORD_TERM = re.compile(f"[{BOUND}* ]+")
_STAR = f"[{BOUND}]*"


class Found(NamedTuple, Generic[V]):
    """One term found in a text: the words matched, the term, its value and its word position."""

    words: str
    key: str
    value: V
    start: int = -1
    size: int = 0


@dataclass(frozen=True, slots=True)
class _Phrase(Generic[V]):
    key: str
    value: V
    parts: list[str]
    wild: tuple[re.Pattern[str] | None, ...] | None  # None when no part has a wildcard

    @classmethod
    def of(cls, key: str, value: V) -> _Phrase[V]:
        parts = key.split(" ")
        wild = tuple(re.compile(_wildcard_regex(p)) if "*" in p else None for p in parts)
        return cls(key, value, parts, wild if any(wild) else None)

    def matches(self, tokens: list[str], start: int) -> bool:
        end = start + len(self.parts)
        if self.wild is None:
            return tokens[start:end] == self.parts
        if end > len(tokens):
            return False
        for part, wild, token in zip(self.parts, self.wild, tokens[start:end], strict=True):
            if not (wild.fullmatch(token) if wild else token == part):
                return False
        return True


# The phrases that can start at a word: those to compare, longest first, and the match when
# none of them does (see _starts).
_Starts = tuple[tuple[_Phrase[V], ...], _Phrase[V] | None]
_NO_START: _Starts[Any] = ((), None)


class TermIndex(Generic[V]):
    """Find the terms of a word list in a text (longest match first, no overlaps)."""

    def __init__(self, entries: Mapping[str, V]) -> None:
        self._first: dict[str, list[_Phrase[V]]] = {}
        self._prefix: dict[str, list[_Phrase[V]]] = {}
        self._infix: list[tuple[str, _Phrase[V]]] = []
        other: dict[str, V] = {}
        for key, value in entries.items():
            if _WORD_TERM.fullmatch(key):
                self._add(_Phrase.of(key, value))
            else:
                other[key] = value
        self._infix.sort(key=lambda item: -len(item[1].parts))
        self._starts = {
            word: _starts([*phrases, *self._prefix.get(word[:4], ())])
            for word, phrases in self._first.items()
        }
        self._prefix_starts = {stem: _starts(phrases) for stem, phrases in self._prefix.items()}
        self._other = _trie_regex(other) if other else None
        self._other_exact = {k: v for k, v in other.items() if "*" not in k}
        self._other_wild = [
            (re.compile(_wildcard_regex(k)), k, v) for k, v in other.items() if "*" in k
        ]

    def _add(self, phrase: _Phrase[V]) -> None:
        first = phrase.parts[0]
        literal = first.split("*")[0]
        if "*" not in first:
            self._first.setdefault(first, []).append(phrase)
        elif len(literal) >= 4:
            self._prefix.setdefault(literal[:4], []).append(phrase)
        else:
            self._infix.append((max(first.split("*"), key=len), phrase))

    def find(self, tokens: list[str], text: str) -> list[Found[V]]:
        found: list[Found[V]] = []
        starts, prefix_starts = self._starts, self._prefix_starts
        infix = (
            [phrase for literal, phrase in self._infix if literal in text] if self._infix else []
        )
        free = 0
        for start, token in enumerate(tokens):
            if start < free:
                continue
            entry = starts.get(token) or prefix_starts.get(token[:4])
            if entry is None:
                if not infix:
                    continue
                entry = _NO_START
            check, phrase = entry
            for candidate in check:  # longest first; none matching leaves the default
                if candidate.matches(tokens, start):
                    phrase = candidate
                    break
            if infix:
                longer = _first_match(infix, tokens, start)
                if longer is not None and (phrase is None or len(longer.parts) > len(phrase.parts)):
                    phrase = longer
            if phrase is not None:
                size = len(phrase.parts)
                words = token if size == 1 else " ".join(tokens[start : start + size])
                found.append(Found(words, phrase.key, phrase.value, start, size))
                free = start + size
        if self._other is not None and not text.isascii():
            found.extend(self._find_other(text, self._other))
        return found

    def _find_other(self, text: str, regex: re.Pattern[str]) -> Iterator[Found[V]]:
        for match in regex.finditer(text):
            words = match.group()
            if words in self._other_exact:
                yield Found(words, words, self._other_exact[words])
            else:
                yield next(
                    Found(words, k, v) for rx, k, v in self._other_wild if rx.fullmatch(words)
                )


_NO_KINDS: frozenset[str] = frozenset()


class RoleIndex:
    """Which role lists a text's words belong to (every match counts, not only the longest).

    Single words are looked up word by word through a memo (job titles reuse a small
    vocabulary); phrases and words in other scripts go through an :class:`TermIndex`.
    """

    _MEMO_LIMIT = 200_000

    def __init__(self, roles: Mapping[str, frozenset[str]]) -> None:
        single = {w: k for w, k in roles.items() if _WORD_TERM.fullmatch(w) and " " not in w}
        self._exact = {w: k for w, k in single.items() if "*" not in w}
        wild = [w for w in single if "*" in w]
        self._wild = [(re.compile(_wildcard_regex(w)), single[w]) for w in wild]
        self._maybe_wild = WordSet.of(wild)
        # Only a word made of digits (and wildcards) can match a number.
        self._numbers_match = any(w.replace("*", "").isdigit() for w in single)
        phrases = {w: k for w, k in roles.items() if w not in single}
        self._phrases = TermIndex(phrases)
        starts = {w.split(" ")[0] for w in phrases if " " in w}
        self._phrase_starts = frozenset(starts)
        # Scan anyway for a text that is not ASCII (roles in other scripts) or when a phrase
        # starts with a wildcard word.
        self._phrase_other = any(" " not in w for w in phrases)
        self._phrase_always = any("*" in w for w in starts)
        self._memo: dict[str, frozenset[str]] = {}

    def kinds(self, text: Text) -> frozenset[str]:
        found: set[str] = set()
        memo = self._memo
        for token in text.tokens:
            kinds = memo.get(token)
            if kinds is None:
                kinds = self._word_kinds(token)
            if kinds:
                found |= kinds
        scan = self._phrase_always or not self._phrase_starts.isdisjoint(text.tokens)
        if scan or (self._phrase_other and not text.joined.isascii()):
            for phrase in self._phrases.find(text.tokens, text.joined):
                found |= phrase.value
        return frozenset(found)

    def _word_kinds(self, word: str) -> frozenset[str]:
        if word.isdigit():  # not memoised: running numbers would flood the memo
            return self._lookup(word) if self._numbers_match else _NO_KINDS
        kinds = self._lookup(word)
        if len(self._memo) >= self._MEMO_LIMIT:
            self._memo.clear()
        self._memo[word] = kinds
        return kinds

    def _lookup(self, word: str) -> frozenset[str]:
        kinds = self._exact.get(word, _NO_KINDS)
        if word in self._maybe_wild:
            kinds = kinds.union(*[more for regex, more in self._wild if regex.fullmatch(word)])
        return kinds


def _first_match(group: Iterable[_Phrase[V]], tokens: list[str], start: int) -> _Phrase[V] | None:
    """The first phrase of ``group`` found at ``start``."""
    for phrase in group:
        if phrase.matches(tokens, start):
            return phrase
    return None


def _starts(phrases: list[_Phrase[V]]) -> _Starts[V]:
    """The phrases that can start at one word, longest first, as (to compare, default).

    A one-word phrase without wildcards is the word itself: it needs no comparing, and
    phrases after it (no longer, or listed later) can never be the longest match.
    """
    phrases = sorted(phrases, key=lambda phrase: -len(phrase.parts))
    for number, phrase in enumerate(phrases):
        if phrase.wild is None and len(phrase.parts) == 1:
            return tuple(phrases[:number]), phrase
    return tuple(phrases), None


def _wildcard_regex(term: str) -> str:
    return _STAR.join(re.escape(part) for part in term.split("*"))


def _insert(root: _Trie, term: str) -> None:
    node = root
    for char in term:
        node = node.setdefault(char, {})
    node[""] = {}


def _render(node: _Trie) -> str:
    alternatives = [
        (_STAR if char == "*" else re.escape(char)) + _render(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not alternatives:
        return ""
    if "" in node:
        return "(?:" + "|".join(alternatives) + ")?"
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


def _trie_regex(terms: Iterable[str]) -> re.Pattern[str]:
    """One regex for many terms, with word boundaries only where a term has Latin-like ends."""
    groups: dict[tuple[bool, bool], _Trie] = {}
    for term in terms:
        start = term.startswith("*") or bool(BOUND_CHAR.match(term[0]))
        end = term.endswith("*") or bool(BOUND_CHAR.match(term[-1]))
        _insert(groups.setdefault((start, end), {}), term)
    parts = []
    for (start, end), trie in sorted(groups.items(), reverse=True):
        before = f"(?<![{BOUND}])" if start else ""
        after = f"(?![{BOUND}])" if end else ""
        parts.append(f"{before}(?:{_render(trie)}){after}")
    return re.compile("|".join(parts))


@dataclass(frozen=True, slots=True)
class WordSet:
    """Single words; ``word*`` matches by prefix and ``*word`` or ``*word*`` by substring."""

    exact: frozenset[str]
    loose: re.Pattern[str] | None  # the prefixes at a word start, or the inner parts anywhere

    @classmethod
    def of(cls, words: Iterable[str]) -> WordSet:
        words = list(words)
        exact = frozenset(w for w in words if "*" not in w)
        stems = [re.escape(w.rstrip("*")) for w in words if "*" in w and not w.startswith("*")]
        loose = ["(?<![^ ])(?:" + "|".join(stems) + ")"] if stems else []
        loose += [re.escape(w.strip("*")) for w in words if w.startswith("*")]
        return cls(exact, re.compile("|".join(loose)) if loose else None)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word:
            return False
        return word in self.exact or self._loose(word)

    def any_of(self, text: Text) -> bool:
        """Whether any word of the text is in the set."""
        return not self.exact.isdisjoint(text.tokens) or self._loose(text.joined)

    def _loose(self, text: str) -> bool:
        return self.loose is not None and self.loose.search(text) is not None
