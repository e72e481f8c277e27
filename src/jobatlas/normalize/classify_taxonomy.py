"""The classifier's taxonomy: families, role lists, terms, contexts and traps.

Read from ``data/ai_ml_taxonomy.toml``, or from a user file that replaces or extends it, and
validated (a mistake raises :class:`jobatlas.errors.ConfigError` naming the place).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from jobatlas.errors import ConfigError
from jobatlas.normalize.classify_match import WordSet
from jobatlas.normalize.classify_text import normalise_term

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


@dataclass(frozen=True, slots=True)
class Term:
    kind: TermKind
    family: str | None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class TermContext:
    before: WordSet
    after: WordSet
    anywhere: WordSet


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

    terms: Mapping[str, Term]
    roles: Mapping[str, frozenset[str]]
    contexts: Mapping[str, TermContext]
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
    terms: dict[str, Term] = {}
    _add_family_terms(terms, data, "core", where)
    _add_family_terms(terms, data, "weak", where)
    _add_family_terms(terms, data, "adjacent", where)
    generic = _as_table(data.get("generic", {}), f"{where}: [generic]")
    for term in _strings(generic.get("terms", []), f"{where}: [generic]"):
        terms[term] = Term("generic", None)
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
    terms: dict[str, Term], data: Mapping[str, Any], kind: TermKind, where: str
) -> None:
    for family, section in _as_table(data.get(kind, {}), f"{where}: [{kind}]").items():
        place = f"{where}: [{kind}.{family}]"
        if family not in FAMILIES:
            raise ConfigError(f"{place} is not a family", hint=f"families: {', '.join(FAMILIES)}")
        for term in _strings(_as_table(section, place).get("terms", []), place):
            terms[term] = Term(kind, family)


def _parse_contexts(
    section: Mapping[str, Any], where: str, terms: dict[str, Term]
) -> dict[str, TermContext]:
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
        contexts[name] = TermContext(WordSet.of(before), WordSet.of(after), WordSet.of(anywhere))
        for term in _strings(table.get("terms", []), f"{place} terms"):
            terms[term] = Term("contextual", None, name)
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
