"""The decision pieces the classifier combines.

A title's verdict, what a description signals, which traps are worth trying on a title, and the
rules for a core title's family and for demoting a title with AI words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from jobatlas.models import Tier
from jobatlas.normalize.classify_match import WordSet
from jobatlas.normalize.classify_taxonomy import Term, Trap
from jobatlas.normalize.classify_text import Text

DOMAINS = ("genai_llm", "speech", "nlp", "computer_vision", "robotics_autonomy")


class Verdict(NamedTuple):
    """The decision from the title, plus what the description step needs."""

    tier: Tier
    family: str | None
    score: float
    evidence: tuple[str, ...]
    text: Text | None = None
    vetoed: bool = False

    def key(self) -> tuple[Tier, str | None, float, tuple[str, ...]]:
        return (self.tier, self.family, round(self.score, 3), self.evidence)


class TrapOutcome(NamedTuple):
    text: Text
    evidence: tuple[str, ...] = ()
    veto: bool = False
    adjacent_family: str | None = None
    industry: bool = False


@dataclass(frozen=True, slots=True)
class Signals:
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
class TrapPlan:
    """Which traps are worth trying on a title, decided with set operations, not regexes.

    A trap with a target is a candidate when a term its target matches was found (a trap
    without one, or a veto, whenever the title has a term); a trap with ``needs`` words is
    then tried only when one of them is in the title.
    """

    by_term: Mapping[str, frozenset[int]]
    always: frozenset[int]
    gated: frozenset[int]
    needs: Mapping[str, frozenset[int]]
    loose: tuple[tuple[int, WordSet], ...]

    @classmethod
    def of(cls, traps: Sequence[Trap], terms: Mapping[str, Term]) -> TrapPlan:
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
                loose.append((number, WordSet.of(trap.needs)))
        return cls(
            {k: frozenset(v) for k, v in by_term.items()},
            frozenset(always),
            frozenset(n for n, trap in enumerate(traps) if trap.needs),
            {k: frozenset(v) for k, v in needs.items()},
            tuple(loose),
        )

    def candidates(self, keys: Iterable[str], text: Text) -> list[int]:
        numbers = set(self.always)
        for key in keys:
            more = self.by_term.get(key)
            if more:
                numbers |= more
        gated = numbers & self.gated
        if gated:
            numbers -= gated - self._armed(text)
        return sorted(numbers) if numbers else []

    def _armed(self, text: Text) -> set[int]:
        needs = self.needs
        armed: set[int] = set()
        for word in text.tokens:
            if word in needs:
                armed |= needs[word]
        if self.loose:
            armed.update(number for number, words in self.loose if words.any_of(text))
        return armed


def demotion_reason(kinds: frozenset[str], only_generic: bool) -> str | None:
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


def blank_spans(light: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(light)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def core_family(families: Sequence[str], kinds: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The family of a core title: role words first, then the most specific AI domain."""
    for kind, family in (("product", "ai_product"), ("business", "ai_business")):
        if kind in kinds:
            return family, (f"role:{kind}",)
    for family, kind in (("ai_infra_hardware", "hardware"), ("mlops_platform", "platform")):
        if family in families or kind in kinds:
            return family, ()
    for family in DOMAINS:
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


def promote(verdict: Verdict, family: str, signals: Signals) -> Verdict:
    score = min(0.9, 0.7 + 0.03 * (len(signals.work) - signals.needed))
    evidence = (*verdict.evidence, "rule:description shows ML work", *signals.evidence(True))
    return verdict._replace(tier="core", family=family, score=score, evidence=evidence)
