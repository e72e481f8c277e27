"""Is a job posting an AI/ML job? An explainable, multilingual, rule-based classifier.

The title decides first; a description, when given, can promote a generic technical title
(a Software Engineer who trains and serves models) or demote an ambiguous one (a Data
Scientist who builds dashboards). All vocabulary lives in ``data/ai_ml_taxonomy.toml``; the
``classify*`` modules only hold the rules that use it. docs/methodology.md describes them.

Speed (>= 50,000 distinct titles/s on one core for a realistic feed; see benchmarks/) comes
from matching words with dictionary lookups rather than regular expressions, one trie-shaped
regex for the few terms in other scripts (run only on non-ASCII titles), trying trap patterns
only on titles whose matched terms or words can trigger them, and caching on distinct inputs.

The pieces: ``classify_text`` (normalising titles and terms), ``classify_match`` (finding the
taxonomy's terms and role words in a text), ``classify_taxonomy`` (loading and validating the
word lists) and ``classify_rules`` (verdicts, description signals, trap plans, families); this
module holds the classifier that combines them and the public functions.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jobatlas.models import Classification, Tier
from jobatlas.normalize.classify_match import Found, RoleIndex, TermIndex
from jobatlas.normalize.classify_rules import (
    DOMAINS,
    Signals,
    TrapOutcome,
    TrapPlan,
    Verdict,
    blank_spans,
    core_family,
    demotion_reason,
    promote,
)
from jobatlas.normalize.classify_taxonomy import FAMILIES, Taxonomy, Term, load_taxonomy
from jobatlas.normalize.classify_text import TAGS, Text, light_normalise

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

_GENERIC_KINDS: frozenset[str] = frozenset({"generic", "contextual"})
_PROMOTABLE = frozenset(
    {"tech", "product", "research", "applied", "data_science", "platform", "hardware"}
)
#: Longest title read; a longer one is cut here and ``truncated:title`` added to the evidence.
MAX_TITLE_CHARS = 300
#: Longest description read; a longer one is cut here (``truncated:description``).
MAX_DESCRIPTION_CHARS = 20_000
_CACHE_SIZE = 1 << 18
_SHORT_DESCRIPTION = 600

_Hit = Found[Term]


class Classifier:
    """Classify job titles (and optional descriptions) with one taxonomy; cached per input."""

    def __init__(self, taxonomy: Taxonomy | None = None, *, cache_size: int = _CACHE_SIZE) -> None:
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
        self._terms = TermIndex(self.taxonomy.terms)
        self._roles = RoleIndex(self.taxonomy.roles)
        self._work = TermIndex(dict.fromkeys(self.taxonomy.description_work, True))
        self._reporting = TermIndex(dict.fromkeys(self.taxonomy.description_reporting, True))
        self._traps = self.taxonomy.traps
        self._trap_plan = TrapPlan.of(self._traps, self.taxonomy.terms)
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

    def _result(self, verdict: Verdict) -> Classification:
        """The classification for a verdict; equal results share one (immutable) object."""
        key = verdict.key()
        result = self._results.get(key)
        if result is None:
            if len(self._results) >= _CACHE_SIZE:
                self._results.clear()
            result = self._results[key] = Classification(*key)
        return result

    # -- title ---------------------------------------------------------------------------------

    def _judge_title(self, title: str) -> Verdict:
        light = light_normalise(title)
        text = Text.of(light)
        if not text.tokens:
            return Verdict("none", None, 0.0, ("rule:empty title",))
        hits = self._terms.find(text.tokens, text.joined)
        if not hits:
            return Verdict("none", None, 0.03, (), text)
        candidates = self._trap_plan.candidates([hit.key for hit in hits], text)
        if not candidates:
            return self._decide(text, hits, TrapOutcome(text))
        traps = self._apply_traps(light, text, candidates)
        if traps.veto:
            return Verdict("none", None, 0.02, traps.evidence, traps.text, vetoed=True)
        if traps.evidence:
            text = traps.text
            hits = self._terms.find(text.tokens, text.joined)
        return self._decide(text, hits, traps)

    def _apply_traps(self, light: str, text: Text, candidates: list[int]) -> TrapOutcome:
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
            text = Text.of(blank_spans(light, spans))
        return TrapOutcome(text, tuple(evidence), veto, adjacent_family, industry)

    def _has_terms(self, light: str) -> bool:
        text = Text.of(light)
        return bool(self._terms.find(text.tokens, text.joined))

    def _decide(self, text: Text, hits: list[_Hit], traps: TrapOutcome) -> Verdict:
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
            return Verdict("core", "ai_business", 0.75, evidence, text)
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
        self, text: Text, strong: list[_Hit], kinds: frozenset[str], traps: TrapOutcome
    ) -> Verdict:
        words: dict[str, None] = {}
        families: list[str] = []
        present: set[str] = set()
        for hit in strong:
            words[f"ai:{hit.words}"] = None
            present.add(hit.value.kind)
            if hit.value.family:
                families.append(hit.value.family)
        family, role = core_family(families, kinds)
        evidence = (*words, *role, *traps.evidence)
        demotion = demotion_reason(kinds, present <= _GENERIC_KINDS)
        if demotion is not None:
            demoted_family = "other_ai" if demotion == "data_ops" else family
            return Verdict(
                "adjacent", demoted_family, 0.45, (*evidence, f"demote:{demotion}"), text
            )
        base = 0.9 if "core" in present else 0.85 if "generic" in present else 0.8
        score = min(0.97, base + 0.03 * (len(words) - 1))
        return Verdict("core", family, score, evidence, text)

    def _adjacent_or_none(
        self, text: Text, ambiguous: list[_Hit], kinds: frozenset[str], traps: TrapOutcome
    ) -> Verdict:
        words = tuple(dict.fromkeys(f"adjacent:{hit.words}" for hit in ambiguous))
        evidence = (*words, *traps.evidence)
        if not ambiguous and traps.adjacent_family is None:
            return Verdict("none", None, 0.05 if evidence else 0.03, evidence, text)
        family = ambiguous[0].value.family if ambiguous else traps.adjacent_family
        if family in ("robotics_autonomy", "computer_vision") and "none_roles" in kinds:
            return Verdict("none", None, 0.1, (*evidence, "rule:non-AI role"), text)
        if family in ("research_science", "applied_science") and "none_fields" in kinds:
            return Verdict("none", None, 0.1, (*evidence, "rule:non-AI research field"), text)
        return Verdict("adjacent", family, 0.5, evidence, text)

    # -- description ---------------------------------------------------------------------------

    def _signals(self, description: str) -> Signals:
        raw = TAGS.sub(" ", html.unescape(description))
        text = Text.of(light_normalise(raw))
        work = {found.words for found in self._work.find(text.tokens, text.joined)}
        domains: list[str] = []
        for hit in self._terms.find(text.tokens, text.joined):
            if hit.value.kind in ("core", "weak"):
                work.add(hit.words)
                if hit.value.family in DOMAINS:
                    domains.append(hit.value.family)
        reporting = {found.words for found in self._reporting.find(text.tokens, text.joined)}
        ordered = tuple(dict.fromkeys(domains))
        short = len(text.joined) < _SHORT_DESCRIPTION
        return Signals(frozenset(work), frozenset(reporting), ordered, short)

    def _with_description(self, verdict: Verdict, signals: Signals) -> Verdict:
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
                return promote(verdict, family, signals)
            if (work == 0 and not signals.short) or (reporting >= 2 and work <= 1):
                evidence = (
                    *verdict.evidence,
                    "rule:description shows no ML work",
                    *signals.evidence(False),
                )
                return verdict._replace(tier="none", family=None, score=0.15, evidence=evidence)
            return verdict
        return self._promote_none(verdict, signals)

    def _promote_none(self, verdict: Verdict, signals: Signals) -> Verdict:
        kinds = self._roles.kinds(verdict.text) if verdict.text else frozenset()
        if not kinds & _PROMOTABLE or kinds & {"recruiting", "none_roles", "data_ops"}:
            return verdict
        work, reporting = len(signals.work), len(signals.reporting)
        if work >= signals.needed and work >= 2 * reporting:
            family, _ = core_family(list(signals.domains), kinds)
            return promote(verdict, family, signals)
        if work >= 2 and work > reporting:
            evidence = (*verdict.evidence, "rule:description mentions ML", *signals.evidence(True))
            return verdict._replace(
                tier="adjacent", family="other_ai", score=0.4, evidence=evidence
            )
        return verdict


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
    (``truncated:title``, ``truncated:description``). Anything that is not a string (None,
    NaN) is a missing value.
    """
    return default_classifier().classify(
        title if isinstance(title, str) else None,
        description if isinstance(description, str) else None,
    )


OUTPUT_COLUMNS: tuple[str, ...] = (
    "ai_ml_tier",
    "ai_ml",
    "ai_ml_family",
    "ai_ml_score",
    "ai_ml_evidence",
)


def as_columns(result: Classification) -> dict[str, Any]:
    """A classification as the ``ai_ml_*`` columns of ``postings`` and of ``jobatlas classify``
    (``OUTPUT_COLUMNS``): the evidence joined with "; ", None when there is none."""
    return {
        "ai_ml_tier": result.tier,
        "ai_ml": result.ai_ml,
        "ai_ml_family": result.family,
        "ai_ml_score": result.score,
        "ai_ml_evidence": "; ".join(result.evidence) or None,
    }


_BASELINE = re.compile(r"\b(?:ai|ml|artificial intelligence|machine learning)\b", re.IGNORECASE)


def keyword_baseline(title: str | None, description: str | None = None) -> Tier:
    """Indeed-style baseline: core when the posting mentions AI, ML or their long forms as words."""
    text = " ".join(part for part in (title, description) if part)
    return "core" if _BASELINE.search(text) else "none"
