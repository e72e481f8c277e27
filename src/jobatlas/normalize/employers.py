# ruff: noqa: RUF002 (legal forms written in Cyrillic and CJK; look-alike quote marks)
"""Employer names to one canonical name per employer.

``canonical_employer("Amazon.com Services LLC")`` is ``"Amazon"``, ``"The Home Depot"`` is
``"Home Depot"``, ``"Google LLC"`` is ``"Google"``: a pure function of one name. ``employer_key``
is its grouping key (the canonical name folded: case, accents, punctuation and spaces removed).
``group_employers`` takes all the distinct names of a run with their posting counts and gives
each raw name its employer: the key, joined to a bare name of the same data when the only
difference is legal-name words and nothing else there starts with that bare name ("Veeva" and
"Veeva Systems"), and the display name (the alias name, else the commonest mixed-case spelling).

The rules, applied until nothing changes (docs/methodology.md, section employers):

1. text: repair UTF-8 read as Windows-1252 ("WÃ¤rtsilÃ¤"), NFKC, drop ™ ® ℠ © °, one kind of
   apostrophe, quote and dash, single spaces; at most ``MAX_LENGTH`` characters;
2. notes: parenthesised and bracketed parts ("ADP (Automatic Data Processing)", "(Remote)"),
   a rating or id after a dash ("Deloitte - 3.9"), "; formerly known as ...", ", a Pequot
   company", everything after " | " and after "/" when two words come before it, a dash tail that
   is the name's acronym ("Tailored Management - TMI") or a country or region ("Syneos Health -
   USA"), a comma tail that is a country or US state ("Charleston County, SC"), trailing
   "Careers"/"Jobs", leading "The" and trailing ", The", "M/s";
3. legal forms, from cleanco's term list (MIT licence) with the terms that are ordinary words
   or acronyms removed ("as", "at", "uk", "ca" ...) and a few added ("Pvt", "Pty", "PBC",
   "N.A.", "S.A.B. de C.V." ...); Japanese, Chinese, Korean and Russian forms (株式会社, 有限公司,
   주식회사, ООО) also where written without a space;
4. corporate descriptors at the end: "Holdings" (any name), "Group", "Companies",
   "International", "Worldwide" (only when two words remain, so "Capital Group" stays apart from
   a bare "Capital"); a country or region at the end when two words remain ("Tiger Analytics
   India"), or one word before a private legal form ("Disys India Private Limited") or for "USA",
   "US", "UK", "America" ("Randstad USA", but "Bank of America" and "Air India" stay);
5. aliases (``data/employer_aliases.csv``): exact spellings ("Facebook" -> "Meta") and brands
   followed only by division, legal-entity, place or careers words ("Amazon Web Services" ->
   "Amazon", "Walmart Global Tech" -> "Walmart").

The key then also drops ".com", "&"/"and" and the plural of a few corporate nouns
("Technologies" = "Technology"), so "Bill.com" and "Bill" share a key, "Y & L Consulting" and
"Y&L Consulting" too. The raw name is never changed: callers keep it next to the key.

The steps live in ``employers_text`` (step 1 and the key's folding), ``employers_clean`` (steps 2
to 4, over ``employers_legal`` and ``employers_places``) and ``employers_aliases`` (step 5); this
module gives the canonical name and key of one name and groups the names of a run.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

from jobatlas.normalize.employers_aliases import DIVISION_WORDS, Alias, alias_for, load_aliases
from jobatlas.normalize.employers_clean import CACHE_SIZE, has_word, peel
from jobatlas.normalize.employers_text import (
    DOT_COM,
    MAX_LENGTH,
    PLURALS,
    fold_tokens,
    key_of,
    word_set,
)

__all__ = [
    "DIVISION_WORDS",
    "LEGAL_NAME_WORDS",
    "MAX_LENGTH",
    "Alias",
    "Employer",
    "EmployerGrouping",
    "canonical_employer",
    "display_names",
    "employer_key",
    "group_employers",
    "load_aliases",
]


def _canonical_of(pre_legal: str, final: str) -> str | None:
    if not has_word(final):
        return None
    alias = alias_for(pre_legal, final)
    return alias if alias is not None else final


@lru_cache(maxsize=CACHE_SIZE)
def _canonical(text: str) -> str | None:
    # Peeling can leave text that peels further (layers of mojibake around a symbol, never
    # plain ASCII): the result is taken to its fixed point, so that the function is idempotent.
    result = _canonical_of(*peel(text))
    for _ in range(_FIXED_POINT_ROUNDS):
        if result is None or result.isascii():
            break
        again = _canonical_of(*peel(result))
        if again == result:
            break
        result = again
    return result


_FIXED_POINT_ROUNDS = 4


def _as_text(name: object) -> str | None:
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return None
    if not isinstance(name, str):
        return None
    return name


def canonical_employer(name: str | None) -> str | None:
    """The display name of an employer ("Amazon.com Services LLC" -> "Amazon"), or None.

    None, NaN, empty and punctuation-only names give None. Deterministic, and idempotent:
    ``canonical_employer(canonical_employer(x)) == canonical_employer(x)``.
    """
    text = _as_text(name)
    if text is None or not text.strip():
        return None
    return _canonical(text[:MAX_LENGTH])


def employer_key(name: str | None) -> str | None:
    """The grouping key of an employer: two names are the same employer when their keys are equal.

    It is the canonical name folded ("homedepot" for "The Home Depot"), with ".com", "and"/"&"
    and the plural of a few corporate nouns removed.
    """
    canonical = canonical_employer(name)
    if canonical is None:
        return None
    key = key_of(canonical)
    return key or None


#: Words that complete a brand into its legal name ("Veeva Systems", "Twitch Interactive",
#: "PennyMac Financial Services"), in key form (singular). ``group_employers`` joins "X <these>"
#: to a bare "X" seen in the same data. Words that often start another business ("Bank",
#: "Insurance", "Consulting", "Solutions", "Health", "Partners") are left out.
LEGAL_NAME_WORDS = word_set(
    """
    analytic communication company corporation financial global group holding interactive
    international lab network software system tech technology worldwide
    """
)
#: A bare name must have at least this many letters for the join ("SGS" is not "SGS Consulting").
MIN_JOIN_KEY = 4


@dataclass(frozen=True, slots=True)
class Employer:
    """One employer as ``group_employers`` sees it: its grouping key and its display name."""

    key: str
    name: str


_CAMEL_TAIL = re.compile(
    r"(?<=[a-z])(Group|Technologies|Technology|Systems|Software|Analytics|Interactive|Global)$"
)


def _key_tokens(name: str) -> tuple[str, ...]:
    """Key words of a name for the join; "TekwissenGroup" reads as "Tekwissen Group"."""
    tokens = fold_tokens(DOT_COM.sub(" ", _CAMEL_TAIL.sub(r" \1", name)))
    return tuple(PLURALS.get(t, t) for t in tokens if t != "and")


@lru_cache(maxsize=CACHE_SIZE)
def _resolved(
    pre_legal: str, final: str
) -> tuple[str, str, tuple[str, ...], tuple[str, ...]] | None:
    """What ``group_employers`` needs of a peeled name: its canonical name, key, key words, and
    the key words of the name before aliases; None when it has no key. Cached on the peeled
    name, which many raw names share ("X (Remote)", "X, Inc.")."""
    canonical = _canonical_of(pre_legal, final)
    if canonical is None:
        return None
    key = key_of(canonical)
    if not key:
        return None
    key_tokens = _key_tokens(canonical)
    return canonical, key, key_tokens, key_tokens if final == canonical else _key_tokens(final)


def _legal_name_tail(words: tuple[str, ...]) -> bool:
    """True when every word completes a legal name ("Systems", "Financial Services")."""
    return bool(words) and all(
        w in LEGAL_NAME_WORDS or (w == "service" and i > 0 and words[i - 1] == "financial")
        for i, w in enumerate(words)
    )


def _joins(
    keys: Mapping[str, tuple[str, ...]], spellings: Iterable[tuple[str, ...]] = ()
) -> dict[str, str]:
    """Keys to merge into a shorter key seen in the same data: {"veevasystem": "veeva"}.

    ``keys`` maps each key to its words (after aliases); ``spellings`` adds the words of the
    names before aliases, so that "Synchrony Financial" (an alias of Synchrony) still counts as
    a second "Synchrony ..." name. "X W..." joins "X" when X is a key, every W is a legal-name
    word, X has at least ``MIN_JOIN_KEY`` characters, and no other name of the data starts with
    X's words: "Veeva" and "Veeva Systems" join; "Synchrony", "Synchrony Financial" and
    "Synchrony Systems" do not.
    """
    by_tokens: dict[tuple[str, ...], str] = {}
    for key, tokens in keys.items():
        if tokens:
            by_tokens.setdefault(tokens, key)
    family: Counter[tuple[str, ...]] = Counter()
    for tokens in set(by_tokens) | set(spellings):
        for i in range(1, len(tokens) + 1):
            family[tokens[:i]] += 1
    joins: dict[str, str] = {}
    for tokens, key in by_tokens.items():
        for i in range(len(tokens) - 1, 0, -1):
            head = tokens[:i]
            target = by_tokens.get(head)
            if target is None:
                continue
            if (
                target != key
                and len(target) >= MIN_JOIN_KEY
                and family[head] == 2
                and _legal_name_tail(tokens[i:])
            ):
                joins[key] = target
            break
    return joins


def _display_rank(spelling: str, count: int) -> tuple[int, int, int, str]:
    """Sort key of a display spelling: mixed case first ("Edward Jones" over "EDWARD JONES"
    and "worldgate"; names of at most four letters, "IBM", count as mixed), then most postings,
    then shorter, then code-point order."""
    letters = [c for c in spelling if c.isalpha() and c.isascii()]
    shouting = len(letters) > 4 and all(c.isupper() for c in letters)
    lower = bool(letters) and all(c.islower() for c in letters)
    return (shouting or lower, -count, len(spelling), spelling)


NameParts = tuple[str, str, tuple[str, ...], tuple[str, ...]]
"""What grouping needs of a raw name (see ``_resolved``)."""


def name_parts(raw: object) -> NameParts | None:
    """What ``EmployerGrouping`` keeps of one raw name, None for a name without a key. It
    depends on the name alone, so it can be worked out ahead (``EmployerGrouping(known)``)."""
    if not isinstance(raw, str) or not raw.strip():
        return None  # what ``canonical_employer`` gives None for before peeling
    return _resolved(*peel(raw[:MAX_LENGTH]))


def parts_of(names: list[str]) -> list[NameParts | None]:
    """``name_parts`` of each name (what a helper process is asked for)."""
    return [name_parts(n) for n in names]


class EmployerGrouping:
    """``group_employers`` in two steps, for callers that stream their names: ``add`` each
    raw name with its postings (it returns the name's own key, before any join), then
    ``employers`` gives every key seen its employer. Only what the keys need is kept, not
    the raw names, so a store's names can be read in batches. ``known`` gives the
    ``name_parts`` of names worked out before."""

    def __init__(self, known: Mapping[str, NameParts | None] | None = None) -> None:
        self._known = known or {}
        self._aliases = {row.canonical for row in load_aliases()}
        self._spellings: dict[str, Counter[str]] = defaultdict(Counter)
        self._tokens: dict[str, tuple[str, ...]] = {}
        self._before_alias: set[tuple[str, ...]] = set()

    def add(self, raw: object, count: int) -> str | None:
        """Count one raw name; its key, or None for a name with none."""
        return self.count(self.parts(raw), count)

    def knows(self, raw: object) -> bool:
        """Whether the ``name_parts`` of ``raw`` were given (``known``)."""
        return isinstance(raw, str) and raw in self._known

    def parts(self, raw: object) -> NameParts | None:
        """``name_parts(raw)``, taken from ``known`` when it has them."""
        return self._known[raw] if isinstance(raw, str) and raw in self._known else name_parts(raw)

    def count(self, found: NameParts | None, count: int) -> str | None:
        """``add`` for a name whose ``name_parts`` are ``found``."""
        if found is None:
            return None
        canonical, key, key_tokens, final_tokens = found
        self._spellings[key][canonical] += int(count)
        self._tokens.setdefault(key, key_tokens)
        self._before_alias.add(final_tokens)
        return key

    @staticmethod
    def batch(companies: list[str], counts: list[int], keys: list[str | None]) -> pa.RecordBatch:
        """One batch of names as ``table`` takes them: each name, its postings, its own key."""
        import pyarrow as pa

        return pa.record_batch(
            [
                pa.array(companies, pa.string()),
                pa.array(counts, pa.int64()),
                pa.array(keys, pa.string()),
            ],
            names=["company", "n_postings", "own_key"],
        )

    def table(self, batches: list[pa.RecordBatch]) -> pa.Table:
        """The names of ``batches`` (every one given to ``add``) with their postings, employer
        key and display name (both None for a name with no key): the employers of the keys
        are looked up in bulk, in Arrow."""
        import pyarrow as pa
        import pyarrow.compute as pc

        employers = self.employers()
        schema = pa.schema(
            [("company", pa.string()), ("n_postings", pa.int64()), ("own_key", pa.string())]
        )
        rows = pa.Table.from_batches(batches, schema=schema)
        at = pc.index_in(rows.column("own_key"), value_set=pa.array(list(employers), pa.string()))
        found = list(employers.values())
        return pa.table(
            {
                "company": rows.column("company"),
                "n_postings": rows.column("n_postings"),
                "employer_key": pa.array([e.key for e in found], pa.string()).take(at),
                "employer_name": pa.array([e.name for e in found], pa.string()).take(at),
            }
        )

    def employers(self) -> dict[str, Employer]:
        """Each key given by ``add`` mapped to its employer, using all names together."""
        joins = _joins(self._tokens, self._before_alias)

        def root(key: str) -> str:
            seen = 0
            while key in joins and seen < 8:
                key, seen = joins[key], seen + 1
            return key

        # Most keys are their own root with one spelling: their counters are used as they are.
        grouped: dict[str, Counter[str]] = {}
        merged: set[str] = set()
        for key, names in self._spellings.items():
            top = root(key)
            into = grouped.get(top)
            if into is None:
                grouped[top] = names
                continue
            if top not in merged:
                grouped[top] = into = Counter(into)
                merged.add(top)
            into.update(names)
        chosen: dict[str, str] = {}
        for key, names in grouped.items():
            if len(names) == 1:
                chosen[key] = next(iter(names))
                continue
            targets = sorted(n for n in names if n in self._aliases)
            if targets:
                chosen[key] = targets[0]
            else:
                chosen[key] = min(names.items(), key=lambda kv: _display_rank(*kv))[0]
        employers = {key: Employer(key, name) for key, name in chosen.items()}
        return {key: employers[root(key)] for key in self._spellings}


def group_employers(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> dict[str, Employer]:
    """Each raw name mapped to its employer (key and display name), using all names together.

    ``counts`` gives each distinct raw name with its number of postings (for example every
    employer name of one run). Beyond ``employer_key``, names that are a bare name of the same
    data plus legal-name words join it when nothing else in the data starts with that bare name
    ("Veeva Systems" with "Veeva"; see ``_joins``).

    The display name of a group is the alias name if one applies ("Amazon"); otherwise, among
    the canonical spellings of its raw names, one in mixed case before one in all capitals or
    all lower case ("Edward Jones" over "EDWARD JONES"), then the one with the most postings,
    then the shorter, then the first in code-point order. Names without a key (None, empty,
    punctuation only) are left out.
    """
    items = counts.items() if isinstance(counts, Mapping) else counts
    grouping = EmployerGrouping()
    keys = {raw: key for raw, count in items if (key := grouping.add(raw, count)) is not None}
    of_key = grouping.employers()
    return {raw: of_key[key] for raw, key in keys.items()}


def display_names(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> dict[str, str]:
    """Each raw name mapped to the display name of its employer (see ``group_employers``)."""
    return {raw: employer.name for raw, employer in group_employers(counts).items()}
