"""Employer brand aliases, from ``data/employer_aliases.csv`` (step 5 of the employers module).

Exact spellings ("Facebook" -> "Meta"), and brands followed only by division, legal-entity,
place or careers words ("Amazon Web Services" -> "Amazon").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from jobatlas.normalize.employers_clean import peel
from jobatlas.normalize.employers_places import place_names
from jobatlas.normalize.employers_text import DOT_COM, fold_tokens, word_set

#: Words that, after a known brand, name a division, a legal entity, a place or a careers page
#: of that brand ("Amazon Web Services", "Walmart Global Tech", "IBM Careers"). Country and
#: region names are added from pycountry.
DIVISION_WORDS = word_set(
    """
    analytic analytics and bank bancorp business career careers center centre cloud com
    commercial communication communications companies company connect consulting corporate data
    dev development digital division ecommerce engineering enterprise enterprises entertainment
    federal financial global government group groups holding holdings inc information infotech
    insurance interactive international investment investments job jobs lab labs laboratories
    laboratory management media network networks operation operations partner partners
    recruiting recruitment research retail security service services software solution
    solutions staffing studio studios system systems talent tech technical technologies
    technology us usa workforce worldwide web
    """
)


@dataclass(frozen=True, slots=True)
class Alias:
    name: str
    canonical: str
    match: str
    reason: str


@dataclass(frozen=True, slots=True)
class _AliasIndex:
    exact: Mapping[str, str]
    brand: Mapping[str, tuple[str, bool]]  # key -> (canonical, any continuation allowed)
    longest_brand: int


@lru_cache(maxsize=1)
def load_aliases() -> tuple[Alias, ...]:
    """The rows of ``data/employer_aliases.csv``."""
    import csv
    from importlib.resources import files

    text = files("jobatlas.data").joinpath("employer_aliases.csv").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    rows = []
    for row in csv.DictReader(lines):
        match = (row.get("match") or "").strip()
        if match not in ("exact", "brand", "any"):
            raise ValueError(f"employer_aliases.csv: bad match {match!r} in {row}")
        rows.append(
            Alias(
                (row.get("name") or "").strip(),
                (row.get("canonical") or "").strip(),
                match,
                (row.get("reason") or "").strip(),
            )
        )
    return tuple(rows)


def _alias_tokens(text: str) -> list[str]:
    return [t for t in fold_tokens(DOT_COM.sub(" ", text)) if t != "and"]


@lru_cache(maxsize=1)
def _alias_index() -> _AliasIndex:
    exact: dict[str, str] = {}
    brand: dict[str, tuple[str, bool]] = {}
    longest = 0
    for row in load_aliases():
        pre_legal, final = peel(row.name)
        if row.match == "exact":
            # Written as the name is before legal forms go: "Merck KGaA" is not "Merck & Co.".
            exact["".join(_alias_tokens(pre_legal))] = row.canonical
        else:
            tokens = _alias_tokens(final)
            brand["".join(tokens)] = (row.canonical, row.match == "any")
            longest = max(longest, len(tokens))
    return _AliasIndex(exact, brand, longest)


@lru_cache(maxsize=1)
def _continuation_words() -> frozenset[str]:
    words = set(DIVISION_WORDS)
    for place in place_names():
        words.update(place)
    return frozenset(words)


def alias_for(pre_legal: str, final: str) -> str | None:
    index = _alias_index()
    tokens = _alias_tokens(pre_legal)
    hit = index.exact.get("".join(tokens))
    if hit is not None:
        return hit
    if final != pre_legal:
        tokens = _alias_tokens(final)
        hit = index.exact.get("".join(tokens))
        if hit is not None:
            return hit
    allowed = _continuation_words()
    joined = ""
    for i, token in enumerate(tokens[: index.longest_brand + 2]):
        joined += token
        found = index.brand.get(joined)
        if found is not None:
            canonical, anything = found
            if anything or all(t in allowed for t in tokens[i + 1 :]):
                return canonical
    return None
