"""Is a job posting an AI/ML job? An explainable, multilingual, rule-based classifier.

The title decides first; a description, when given, can promote a generic technical title
(a Software Engineer who trains and serves models) or demote an ambiguous one (a Data
Scientist who builds dashboards). All vocabulary lives in ``data/ai_ml_taxonomy.toml``; this
module only holds the rules that use it. docs/methodology.md describes them.

Speed (>= 50,000 distinct titles/s on one core for a realistic feed; see benchmarks/) comes
from matching words with dictionary lookups rather than regular expressions, one trie-shaped
regex for the few terms in other scripts (run only on non-ASCII titles), trying trap patterns
only on titles whose matched terms or words can trigger them, and caching on distinct inputs.
"""

from __future__ import annotations

import functools
import html
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Generic, Literal, NamedTuple, TypeVar

from jobatlas.errors import ConfigError
from jobatlas.models import Classification, Tier

__all__ = [
    "FAMILIES",
    "MAX_DESCRIPTION_CHARS",
    "MAX_TITLE_CHARS",
    "OUTPUT_COLUMNS",
    "Classifier",
    "Taxonomy",
    "as_columns",
    "classify",
    "default_classifier",
    "keyword_baseline",
    "load_taxonomy",
]

FAMILIES: tuple[str, ...] = (
    "ml_engineering",
    "research_science",
    "applied_science",
    "data_science",
    "nlp",
    "computer_vision",
    "speech",
    "genai_llm",
    "mlops_platform",
    "ai_product",
    "ai_business",
    "robotics_autonomy",
    "ai_infra_hardware",
    "other_ai",
)
ROLE_KINDS: tuple[str, ...] = (
    "tech",
    "product",
    "business",
    "research",
    "applied",
    "data_science",
    "platform",
    "hardware",
    "recruiting",
    "support",
    "data_ops",
    "data_work",
    "game",
    "none_roles",
    "none_fields",
)
Effect = Literal["mask", "veto", "adjacent", "industry"]
_EFFECTS: tuple[Effect, ...] = ("mask", "veto", "adjacent", "industry")
TermKind = Literal["core", "weak", "generic", "contextual", "adjacent"]
_GENERIC_KINDS: frozenset[str] = frozenset({"generic", "contextual"})
_DOMAINS = ("genai_llm", "speech", "nlp", "computer_vision", "robotics_autonomy")
_PROMOTABLE = frozenset(
    {"tech", "product", "research", "applied", "data_science", "platform", "hardware"}
)
#: Longest title read; a longer one is cut here and ``truncated:title`` added to the evidence.
MAX_TITLE_CHARS = 300
#: Longest description read; a longer one is cut here (``truncated:description``).
MAX_DESCRIPTION_CHARS = 20_000
_CACHE_SIZE = 1 << 18
_SHORT_DESCRIPTION = 600

# ---------------------------------------------------------------------------------------------
# Text normalisation
# ---------------------------------------------------------------------------------------------

_BOUND = "0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u052f"
_BOUND_CHAR = re.compile(f"[{_BOUND}]")
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
_TOKEN = re.compile(f"[{_BOUND}]+|[^{_BOUND}\\W_]+")
_ASCII_WORD = re.compile("[a-z0-9]+")
_TAGS = re.compile(r"<[^>]{0,200}>")


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


# ---------------------------------------------------------------------------------------------
# Word lists. Terms written in Latin, Greek or Cyrillic letters are matched as sequences of
# whole words (a dictionary lookup on the first word); terms in other scripts (CJK, kana,
# Hangul, Arabic, Thai...) are matched as substrings by one trie-shaped regex, run only on
# texts that are not plain ASCII.
# ---------------------------------------------------------------------------------------------

V = TypeVar("V")
_Trie = dict[str, "_Trie"]
_WORD_TERM = re.compile(f"[{_BOUND}* ]+")
_STAR = f"[{_BOUND}]*"


class _Found(NamedTuple, Generic[V]):
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


class _Index(Generic[V]):
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

    def find(self, tokens: list[str], text: str) -> list[_Found[V]]:
        found: list[_Found[V]] = []
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
                found.append(_Found(words, phrase.key, phrase.value, start, size))
                free = start + size
        if self._other is not None and not text.isascii():
            found.extend(self._find_other(text, self._other))
        return found

    def _find_other(self, text: str, regex: re.Pattern[str]) -> Iterator[_Found[V]]:
        for match in regex.finditer(text):
            words = match.group()
            if words in self._other_exact:
                yield _Found(words, words, self._other_exact[words])
            else:
                yield next(
                    _Found(words, k, v) for rx, k, v in self._other_wild if rx.fullmatch(words)
                )


_NO_KINDS: frozenset[str] = frozenset()


class _Roles:
    """Which role lists a text's words belong to (every match counts, not only the longest).

    Single words are looked up word by word through a memo (job titles reuse a small
    vocabulary); phrases and words in other scripts go through an :class:`_Index`.
    """

    _MEMO_LIMIT = 200_000

    def __init__(self, roles: Mapping[str, frozenset[str]]) -> None:
        single = {w: k for w, k in roles.items() if _WORD_TERM.fullmatch(w) and " " not in w}
        self._exact = {w: k for w, k in single.items() if "*" not in w}
        wild = [w for w in single if "*" in w]
        self._wild = [(re.compile(_wildcard_regex(w)), single[w]) for w in wild]
        self._maybe_wild = _WordSet.of(wild)
        # Only a word made of digits (and wildcards) can match a number.
        self._numbers_match = any(w.replace("*", "").isdigit() for w in single)
        phrases = {w: k for w, k in roles.items() if w not in single}
        self._phrases = _Index(phrases)
        starts = {w.split(" ")[0] for w in phrases if " " in w}
        self._phrase_starts = frozenset(starts)
        # Scan anyway for a text that is not ASCII (roles in other scripts) or when a phrase
        # starts with a wildcard word.
        self._phrase_other = any(" " not in w for w in phrases)
        self._phrase_always = any("*" in w for w in starts)
        self._memo: dict[str, frozenset[str]] = {}

    def kinds(self, text: _Text) -> frozenset[str]:
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
        start = term.startswith("*") or bool(_BOUND_CHAR.match(term[0]))
        end = term.endswith("*") or bool(_BOUND_CHAR.match(term[-1]))
        _insert(groups.setdefault((start, end), {}), term)
    parts = []
    for (start, end), trie in sorted(groups.items(), reverse=True):
        before = f"(?<![{_BOUND}])" if start else ""
        after = f"(?![{_BOUND}])" if end else ""
        parts.append(f"{before}(?:{_render(trie)}){after}")
    return re.compile("|".join(parts))


@dataclass(frozen=True, slots=True)
class _WordSet:
    """Single words; ``word*`` matches by prefix and ``*word`` or ``*word*`` by substring."""

    exact: frozenset[str]
    loose: re.Pattern[str] | None  # the prefixes at a word start, or the inner parts anywhere

    @classmethod
    def of(cls, words: Iterable[str]) -> _WordSet:
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

    def any_of(self, text: _Text) -> bool:
        """Whether any word of the text is in the set."""
        return not self.exact.isdisjoint(text.tokens) or self._loose(text.joined)

    def _loose(self, text: str) -> bool:
        return self.loose is not None and self.loose.search(text) is not None


# ---------------------------------------------------------------------------------------------
# Taxonomy
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Term:
    kind: TermKind
    family: str | None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class _Context:
    before: _WordSet
    after: _WordSet
    anywhere: _WordSet


@dataclass(frozen=True, slots=True)
class Trap:
    """A pattern showing that an AI-looking word means something else."""

    name: str
    pattern: re.Pattern[str]
    target: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    effect: Effect
    family: str | None
    needs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The validated word lists and traps (see data/ai_ml_taxonomy.toml for the format)."""

    terms: Mapping[str, _Term]
    roles: Mapping[str, frozenset[str]]
    contexts: Mapping[str, _Context]
    traps: tuple[Trap, ...]
    description_work: tuple[str, ...]
    description_reporting: tuple[str, ...]
    source: str


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The bundled taxonomy, or a user file (merged into the bundled one if it says so)."""
    builtin = _read_toml(
        files("jobatlas.data").joinpath("ai_ml_taxonomy.toml").read_text("utf-8"),
        "builtin taxonomy",
    )
    if path is None:
        return _parse(builtin, "builtin taxonomy")
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read taxonomy ({exc})") from exc
    user = _read_toml(text, where)
    extends = user.pop("extends", None)
    if extends not in (None, "builtin"):
        raise ConfigError(
            f"{where}: extends = {extends!r}", hint='use extends = "builtin" or omit it'
        )
    return _parse(_merge(builtin, user) if extends else user, where)


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML ({exc})") from exc


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        old = merged.get(key)
        if isinstance(old, dict) and isinstance(value, Mapping):
            merged[key] = _merge(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            merged[key] = old + value
        else:
            merged[key] = value
    return merged


def _as_table(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: expected a table")
    return value


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    words = [normalise_term(v) for v in value]
    if not all(words):
        raise ConfigError(f"{where}: a term is empty after normalisation")
    return words


def _parse(data: Mapping[str, Any], where: str) -> Taxonomy:
    if data.get("schema", 1) != 1:
        raise ConfigError(
            f"{where}: unsupported schema {data.get('schema')!r}", hint="use schema = 1"
        )
    terms: dict[str, _Term] = {}
    _add_family_terms(terms, data, "core", where)
    _add_family_terms(terms, data, "weak", where)
    _add_family_terms(terms, data, "adjacent", where)
    generic = _as_table(data.get("generic", {}), f"{where}: [generic]")
    for term in _strings(generic.get("terms", []), f"{where}: [generic]"):
        terms[term] = _Term("generic", None)
    contextual = _as_table(data.get("contextual", {}), f"{where}: [contextual]")
    contexts = _parse_contexts(contextual, where, terms)
    description = _as_table(data.get("description", {}), f"{where}: [description]")
    return Taxonomy(
        terms=terms,
        roles=_parse_roles(_as_table(data.get("roles", {}), f"{where}: [roles]"), where),
        contexts=contexts,
        traps=tuple(_parse_trap(t, where) for t in data.get("trap", [])),
        description_work=tuple(_strings(description.get("ml_work", []), f"{where}: ml_work")),
        description_reporting=tuple(
            _strings(description.get("reporting", []), f"{where}: reporting")
        ),
        source=where,
    )


def _add_family_terms(
    terms: dict[str, _Term], data: Mapping[str, Any], kind: TermKind, where: str
) -> None:
    for family, section in _as_table(data.get(kind, {}), f"{where}: [{kind}]").items():
        place = f"{where}: [{kind}.{family}]"
        if family not in FAMILIES:
            raise ConfigError(f"{place} is not a family", hint=f"families: {', '.join(FAMILIES)}")
        for term in _strings(_as_table(section, place).get("terms", []), place):
            terms[term] = _Term(kind, family)


def _parse_contexts(
    section: Mapping[str, Any], where: str, terms: dict[str, _Term]
) -> dict[str, _Context]:
    contexts = {}
    for name, spec in section.items():
        place = f"{where}: [contextual.{name}]"
        table = _as_table(spec, place)
        before, after, anywhere = (
            _strings(table.get(key, []), f"{place} {key}")
            for key in ("before", "after", "anywhere")
        )
        if any(" " in word for word in (*before, *after, *anywhere)):
            raise ConfigError(f"{place}: context words must be single words")
        contexts[name] = _Context(_WordSet.of(before), _WordSet.of(after), _WordSet.of(anywhere))
        for term in _strings(table.get("terms", []), f"{place} terms"):
            terms[term] = _Term("contextual", None, name)
    return contexts


def _parse_roles(section: Mapping[str, Any], where: str) -> dict[str, frozenset[str]]:
    roles: dict[str, set[str]] = {}
    for kind, words in section.items():
        if kind not in ROLE_KINDS:
            raise ConfigError(
                f"{where}: [roles] {kind} is not a role list",
                hint=f"lists: {', '.join(ROLE_KINDS)}",
            )
        for word in _strings(words, f"{where}: [roles] {kind}"):
            roles.setdefault(word, set()).add(kind)
    return {word: frozenset(kinds) for word, kinds in roles.items()}


def _parse_trap(spec: object, where: str) -> Trap:
    if not isinstance(spec, Mapping) or not isinstance(spec.get("name"), str):
        raise ConfigError(f"{where}: every [[trap]] needs a name")
    name = spec["name"]
    effect = spec.get("effect", "mask")
    if effect not in _EFFECTS:
        raise ConfigError(
            f"{where}: trap {name!r}: effect {effect!r}", hint=f"effects: {', '.join(_EFFECTS)}"
        )
    family = spec.get("family")
    if family is not None and family not in FAMILIES:
        raise ConfigError(f"{where}: trap {name!r}: {family!r} is not a family")
    needs = _strings(spec.get("needs", []), f"{where}: trap {name!r} needs")
    if any(" " in word for word in needs):
        raise ConfigError(f"{where}: trap {name!r}: needs words must be single words")
    target, unless = (spec.get(key) for key in ("target", "unless"))
    return Trap(
        name=name,
        pattern=_compile(spec.get("pattern"), name, where),
        target=None if target is None else _compile(target, name, where),
        unless=None if unless is None else _compile(unless, name, where),
        effect=effect,
        family=family,
        needs=tuple(needs),
    )


def _compile(pattern: object, name: str, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise ConfigError(f"{where}: trap {name!r} needs a pattern string")
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: trap {name!r}: bad regular expression ({exc})") from exc


# ---------------------------------------------------------------------------------------------
# The classifier
# ---------------------------------------------------------------------------------------------

_Hit = _Found[_Term]


class _Text(NamedTuple):
    """A text ready for matching: its words, and the words joined by spaces."""

    tokens: list[str]
    joined: str

    @classmethod
    def of(cls, light: str) -> _Text:
        tokens = tokenise(light)
        return cls(tokens, " ".join(tokens))


class _Verdict(NamedTuple):
    """The decision from the title, plus what the description step needs."""

    tier: Tier
    family: str | None
    score: float
    evidence: tuple[str, ...]
    text: _Text | None = None
    vetoed: bool = False

    def key(self) -> tuple[Tier, str | None, float, tuple[str, ...]]:
        return (self.tier, self.family, round(self.score, 3), self.evidence)


class _TrapOutcome(NamedTuple):
    text: _Text
    evidence: tuple[str, ...] = ()
    veto: bool = False
    adjacent_family: str | None = None
    industry: bool = False


@dataclass(frozen=True, slots=True)
class _Signals:
    """What a description says: AI/ML work terms, reporting terms, and AI domains."""

    work: frozenset[str]
    reporting: frozenset[str]
    domains: tuple[str, ...]
    short: bool

    @property
    def needed(self) -> int:
        return 2 if self.short else 3

    def evidence(self, positive: bool) -> tuple[str, ...]:
        words, sign = (self.work, "desc+") if positive else (self.reporting, "desc-")
        return tuple(f"{sign}:{w}" for w in sorted(words)[:5])


@dataclass(frozen=True, slots=True)
class _TrapPlan:
    """Which traps are worth trying on a title, decided with set operations, not regexes.

    A trap with a target is a candidate when a term its target matches was found (a trap
    without one, or a veto, whenever the title has a term); a trap with ``needs`` words is
    then tried only when one of them is in the title.
    """

    by_term: Mapping[str, frozenset[int]]
    always: frozenset[int]
    gated: frozenset[int]
    needs: Mapping[str, frozenset[int]]
    loose: tuple[tuple[int, _WordSet], ...]

    @classmethod
    def of(cls, traps: Sequence[Trap], terms: Mapping[str, _Term]) -> _TrapPlan:
        by_term: dict[str, set[int]] = {}
        needs: dict[str, set[int]] = {}
        always, loose = set(), []
        for number, trap in enumerate(traps):
            if trap.target is None or trap.effect == "veto":
                always.add(number)
            else:
                for term in terms:
                    if trap.target.search(term):
                        by_term.setdefault(term, set()).add(number)
            for word in trap.needs:
                if "*" not in word:
                    needs.setdefault(word, set()).add(number)
            if any("*" in word for word in trap.needs):
                loose.append((number, _WordSet.of(trap.needs)))
        return cls(
            {k: frozenset(v) for k, v in by_term.items()},
            frozenset(always),
            frozenset(n for n, trap in enumerate(traps) if trap.needs),
            {k: frozenset(v) for k, v in needs.items()},
            tuple(loose),
        )

    def candidates(self, keys: Iterable[str], text: _Text) -> list[int]:
        numbers = set(self.always)
        for key in keys:
            more = self.by_term.get(key)
            if more:
                numbers |= more
        gated = numbers & self.gated
        if gated:
            numbers -= gated - self._armed(text)
        return sorted(numbers) if numbers else []

    def _armed(self, text: _Text) -> set[int]:
        needs = self.needs
        armed: set[int] = set()
        for word in text.tokens:
            if word in needs:
                armed |= needs[word]
        if self.loose:
            armed.update(number for number, words in self.loose if words.any_of(text))
        return armed


class Classifier:
    """Classify job titles (and optional descriptions) with one taxonomy; cached per input."""

    def __init__(self, taxonomy: Taxonomy | None = None, *, cache_size: int = _CACHE_SIZE) -> None:
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self._terms = _Index(self.taxonomy.terms)
        self._roles = _Roles(self.taxonomy.roles)
        self._work = _Index(dict.fromkeys(self.taxonomy.description_work, True))
        self._reporting = _Index(dict.fromkeys(self.taxonomy.description_reporting, True))
        self._traps = self.taxonomy.traps
        self._trap_plan = _TrapPlan.of(self._traps, self.taxonomy.terms)
        self._results: dict[tuple[Tier, str | None, float, tuple[str, ...]], Classification] = {}
        self._judge = functools.lru_cache(maxsize=cache_size)(self._judge_title)
        self._cached = functools.lru_cache(maxsize=cache_size)(self._classify)

    @classmethod
    def from_path(cls, path: str | Path) -> Classifier:
        return cls(load_taxonomy(path))

    def classify(self, title: str | None, description: str | None = None) -> Classification:
        return self._cached(title, description)

    def _classify(self, title: str | None, description: str | None) -> Classification:
        if (title and len(title) > MAX_TITLE_CHARS) or (
            description and len(description) > MAX_DESCRIPTION_CHARS
        ):
            return self._truncated(title, description)
        if not (description and description.strip()):
            return self._result(self._judge_title(title or ""))
        verdict = self._judge(title or "")
        if verdict.text is not None:
            verdict = self._with_description(verdict, self._signals(description))
        return self._result(verdict)

    def _truncated(self, title: str | None, description: str | None) -> Classification:
        """A posting with a text over its cap: classified on the texts cut there, and flagged."""
        cut: list[str] = []
        if title and len(title) > MAX_TITLE_CHARS:
            title = title[:MAX_TITLE_CHARS]
            cut.append("truncated:title")
        if description and len(description) > MAX_DESCRIPTION_CHARS:
            description = description[:MAX_DESCRIPTION_CHARS]
            cut.append("truncated:description")
        result = self._cached(title, description)
        return Classification(result.tier, result.family, result.score, (*result.evidence, *cut))

    def _result(self, verdict: _Verdict) -> Classification:
        """The classification for a verdict; equal results share one (immutable) object."""
        key = verdict.key()
        result = self._results.get(key)
        if result is None:
            if len(self._results) >= _CACHE_SIZE:
                self._results.clear()
            result = self._results[key] = Classification(*key)
        return result

    # -- title ---------------------------------------------------------------------------------

    def _judge_title(self, title: str) -> _Verdict:
        light = light_normalise(title)
        text = _Text.of(light)
        if not text.tokens:
            return _Verdict("none", None, 0.0, ("rule:empty title",))
        hits = self._terms.find(text.tokens, text.joined)
        if not hits:
            return _Verdict("none", None, 0.03, (), text)
        candidates = self._trap_plan.candidates([hit.key for hit in hits], text)
        if not candidates:
            return self._decide(text, hits, _TrapOutcome(text))
        traps = self._apply_traps(light, text, candidates)
        if traps.veto:
            return _Verdict("none", None, 0.02, traps.evidence, traps.text, vetoed=True)
        if traps.evidence:
            text = traps.text
            hits = self._terms.find(text.tokens, text.joined)
        return self._decide(text, hits, traps)

    def _apply_traps(self, light: str, text: _Text, candidates: list[int]) -> _TrapOutcome:
        spans: list[tuple[int, int]] = []
        evidence: list[str] = []
        veto, industry, adjacent_family = False, False, None
        for number in candidates:
            trap = self._traps[number]
            if not trap.pattern.search(light) or (trap.unless and trap.unless.search(light)):
                continue
            if trap.effect == "veto":
                veto = True
                evidence.append(f"trap:{trap.name}")
                continue
            found = [m.span() for m in (trap.target or trap.pattern).finditer(light)]
            found = [(s, e) for s, e in found if self._has_terms(light[s:e])]
            if not found:
                continue
            spans.extend(found)
            evidence.append(f"trap:{trap.name}")
            industry = industry or trap.effect == "industry"
            if trap.effect in ("adjacent", "industry"):
                adjacent_family = adjacent_family or trap.family or "other_ai"
        if spans:
            text = _Text.of(_blank(light, spans))
        return _TrapOutcome(text, tuple(evidence), veto, adjacent_family, industry)

    def _has_terms(self, light: str) -> bool:
        text = _Text.of(light)
        return bool(self._terms.find(text.tokens, text.joined))

    def _decide(self, text: _Text, hits: list[_Hit], traps: _TrapOutcome) -> _Verdict:
        kinds = self._roles.kinds(text)
        strong: list[_Hit] = []
        ambiguous: list[_Hit] = []
        anywhere: dict[str, bool] = {}
        for hit in hits:
            kind = hit.value.kind
            if kind == "contextual" and not self._in_context(hit, text.tokens, anywhere):
                continue
            if kind == "weak":
                (strong if "tech" in kinds else ambiguous).append(hit)
            elif kind == "adjacent":
                ambiguous.append(hit)
            else:
                strong.append(hit)
        if strong:
            return self._core_or_demoted(text, strong, kinds, traps)
        if traps.industry and "business" in kinds:
            evidence = (*traps.evidence, "role:business")
            return _Verdict("core", "ai_business", 0.75, evidence, text)
        return self._adjacent_or_none(text, ambiguous, kinds, traps)

    def _in_context(self, hit: _Hit, tokens: Sequence[str], anywhere: dict[str, bool]) -> bool:
        """Whether a contextual term has its context; ``anywhere`` keeps, per context, whether
        one of its words is anywhere in the text (looked up once, not once per term found)."""
        name = hit.value.context or ""
        context = self.taxonomy.contexts[name]
        before = tokens[hit.start - 1] if hit.start > 0 else ""
        end = hit.start + hit.size
        after = tokens[end] if hit.start >= 0 and end < len(tokens) else ""
        if before in context.before or after in context.after:
            return True
        if name not in anywhere:
            anywhere[name] = any(word in context.anywhere for word in tokens)
        return anywhere[name]

    def _core_or_demoted(
        self, text: _Text, strong: list[_Hit], kinds: frozenset[str], traps: _TrapOutcome
    ) -> _Verdict:
        words: dict[str, None] = {}
        families: list[str] = []
        present: set[str] = set()
        for hit in strong:
            words[f"ai:{hit.words}"] = None
            present.add(hit.value.kind)
            if hit.value.family:
                families.append(hit.value.family)
        family, role = _core_family(families, kinds)
        evidence = (*words, *role, *traps.evidence)
        demotion = _demotion(kinds, present <= _GENERIC_KINDS)
        if demotion is not None:
            demoted_family = "other_ai" if demotion == "data_ops" else family
            return _Verdict(
                "adjacent", demoted_family, 0.45, (*evidence, f"demote:{demotion}"), text
            )
        base = 0.9 if "core" in present else 0.85 if "generic" in present else 0.8
        score = min(0.97, base + 0.03 * (len(words) - 1))
        return _Verdict("core", family, score, evidence, text)

    def _adjacent_or_none(
        self, text: _Text, ambiguous: list[_Hit], kinds: frozenset[str], traps: _TrapOutcome
    ) -> _Verdict:
        words = tuple(dict.fromkeys(f"adjacent:{hit.words}" for hit in ambiguous))
        evidence = (*words, *traps.evidence)
        if not ambiguous and traps.adjacent_family is None:
            return _Verdict("none", None, 0.05 if evidence else 0.03, evidence, text)
        family = ambiguous[0].value.family if ambiguous else traps.adjacent_family
        if family in ("robotics_autonomy", "computer_vision") and "none_roles" in kinds:
            return _Verdict("none", None, 0.1, (*evidence, "rule:non-AI role"), text)
        if family in ("research_science", "applied_science") and "none_fields" in kinds:
            return _Verdict("none", None, 0.1, (*evidence, "rule:non-AI research field"), text)
        return _Verdict("adjacent", family, 0.5, evidence, text)

    # -- description ---------------------------------------------------------------------------

    def _signals(self, description: str) -> _Signals:
        raw = _TAGS.sub(" ", html.unescape(description))
        text = _Text.of(light_normalise(raw))
        work = {found.words for found in self._work.find(text.tokens, text.joined)}
        domains: list[str] = []
        for hit in self._terms.find(text.tokens, text.joined):
            if hit.value.kind in ("core", "weak"):
                work.add(hit.words)
                if hit.value.family in _DOMAINS:
                    domains.append(hit.value.family)
        reporting = {found.words for found in self._reporting.find(text.tokens, text.joined)}
        ordered = tuple(dict.fromkeys(domains))
        short = len(text.joined) < _SHORT_DESCRIPTION
        return _Signals(frozenset(work), frozenset(reporting), ordered, short)

    def _with_description(self, verdict: _Verdict, signals: _Signals) -> _Verdict:
        work, reporting = len(signals.work), len(signals.reporting)
        if verdict.vetoed:
            return verdict
        if verdict.tier == "core":
            score = min(0.99, verdict.score + 0.01 * min(work, 3))
            return verdict._replace(score=score, evidence=verdict.evidence + signals.evidence(True))
        shows_ml = work >= signals.needed and work > reporting
        if verdict.tier == "adjacent":
            if shows_ml:
                family = verdict.family or "other_ai"
                if family == "other_ai" and signals.domains:
                    family = signals.domains[0]
                return _promote(verdict, family, signals)
            if (work == 0 and not signals.short) or (reporting >= 2 and work <= 1):
                evidence = (
                    *verdict.evidence,
                    "rule:description shows no ML work",
                    *signals.evidence(False),
                )
                return verdict._replace(tier="none", family=None, score=0.15, evidence=evidence)
            return verdict
        return self._promote_none(verdict, signals)

    def _promote_none(self, verdict: _Verdict, signals: _Signals) -> _Verdict:
        kinds = self._roles.kinds(verdict.text) if verdict.text else frozenset()
        if not kinds & _PROMOTABLE or kinds & {"recruiting", "none_roles", "data_ops"}:
            return verdict
        work, reporting = len(signals.work), len(signals.reporting)
        if work >= signals.needed and work >= 2 * reporting:
            family, _ = _core_family(list(signals.domains), kinds)
            return _promote(verdict, family, signals)
        if work >= 2 and work > reporting:
            evidence = (*verdict.evidence, "rule:description mentions ML", *signals.evidence(True))
            return verdict._replace(
                tier="adjacent", family="other_ai", score=0.4, evidence=evidence
            )
        return verdict


def _demotion(kinds: frozenset[str], only_generic: bool) -> str | None:
    """Why a title with AI words is not core: AI data work, a support role, or game AI.

    ``data_work`` and ``support`` words only count in a title without a technical role word.
    """
    technical = "tech" in kinds
    if "data_ops" in kinds or ("data_work" in kinds and not technical):
        return "data_ops"
    if "recruiting" in kinds or ("support" in kinds and not technical):
        return "support"
    if only_generic and "game" in kinds:
        return "game"
    return None


def _blank(light: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(light)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _core_family(families: Sequence[str], kinds: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The family of a core title: role words first, then the most specific AI domain."""
    for kind, family in (("product", "ai_product"), ("business", "ai_business")):
        if kind in kinds:
            return family, (f"role:{kind}",)
    for family, kind in (("ai_infra_hardware", "hardware"), ("mlops_platform", "platform")):
        if family in families or kind in kinds:
            return family, ()
    for family in _DOMAINS:
        if family in families:
            return family, ()
    for kind, family in (
        ("applied", "applied_science"),
        ("data_science", "data_science"),
        ("research", "research_science"),
    ):
        if kind in kinds:
            return family, ()
    if families:
        return families[0], ()
    return ("ml_engineering" if "tech" in kinds else "other_ai"), ()


def _promote(verdict: _Verdict, family: str, signals: _Signals) -> _Verdict:
    score = min(0.9, 0.7 + 0.03 * (len(signals.work) - signals.needed))
    evidence = (*verdict.evidence, "rule:description shows ML work", *signals.evidence(True))
    return verdict._replace(tier="core", family=family, score=score, evidence=evidence)


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


@functools.cache
def default_classifier() -> Classifier:
    """The classifier with the bundled taxonomy, built on first use."""
    return Classifier(load_taxonomy())


def classify(title: str | None, description: str | None = None) -> Classification:
    """Classify one posting with the bundled taxonomy (cached on ``(title, description)``).

    A title longer than :data:`MAX_TITLE_CHARS` or a description longer than
    :data:`MAX_DESCRIPTION_CHARS` is read up to there, and the evidence says so
    (``truncated:title``, ``truncated:description``).
    """
    return default_classifier().classify(title, description)


OUTPUT_COLUMNS: tuple[str, ...] = (
    "ai_ml_tier",
    "ai_ml",
    "ai_ml_family",
    "ai_ml_score",
    "ai_ml_evidence",
)


def as_columns(result: Classification) -> dict[str, object]:
    """A classification as the ``OUTPUT_COLUMNS`` of a CSV row (evidence joined with "; ")."""
    return {
        "ai_ml_tier": result.tier,
        "ai_ml": result.ai_ml,
        "ai_ml_family": result.family,
        "ai_ml_score": result.score,
        "ai_ml_evidence": "; ".join(result.evidence),
    }


_BASELINE = re.compile(r"\b(?:ai|ml|artificial intelligence|machine learning)\b", re.IGNORECASE)


def keyword_baseline(title: str | None, description: str | None = None) -> Tier:
    """Indeed-style baseline: core when the posting mentions AI, ML or their long forms as words."""
    text = " ".join(part for part in (title, description) if part)
    return "core" if _BASELINE.search(text) else "none"
