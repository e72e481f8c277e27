# ruff: noqa: RUF001, RUF002, RUF003  (salary idioms from many languages, on purpose)
"""Salary idioms that the token grammar (:mod:`jobatlas.normalize.salary_text`) reads wrong (#11).

Each rule fixes a class of texts, not single strings:

- S1 ``p/h``, ``p/hr``, ``p.h.``, ``ph`` right after an amount mean per hour, never pence
  (:func:`rewrite`);
- S5 a currency named in words ("75000 Canadian Dollars"), "with bonus" after a figure and
  "Hourly pay 15.50"; S4 "9.35 to Negotiable" is "from 9.35" (:func:`rewrite`);
- S7 months of pay named in the text ("x13", "(14x)", "13e maand": :func:`months_of_pay`);
- S6 the period a country's boards mean when none is written (:func:`convention`, from
  ``data/salary_period_conventions.csv``);
- S2 "Up to X" followed by a range ending at X is that range; S3 a range followed by a
  basic/OTE breakdown is the basic; S4 words between the two ends of a range, and
  "X to Negotiable" (:func:`refine`, which reads parts of the text again with the parser).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Final, NamedTuple, Protocol

from jobatlas.normalize import currency as fx


class _Parsed(Protocol):
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def period(self) -> str | None: ...
    @property
    def flags(self) -> tuple[str, ...]: ...


# --------------------------------------------------------------------------- S1, S5: rewrites

# "7.85p/hr", "£12 p.h.", "£11ph", "9.50 P/H": per hour (UK and Irish agency ads).
_PER_HOUR_RE: Final = re.compile(
    r"(?<=\d)\s?p(?:\s?/\s?|\.\s?)?h(?:r|our)?\b\.?(?![A-Za-z])", re.IGNORECASE
)
# A dollar named with its country in words: the code, so the currency is not left to the hint.
_DOLLAR_WORDS: Final = {
    "canadian": "CAD",
    "australian": "AUD",
    "us": "USD",
    "u.s.": "USD",
    "american": "USD",
    "singapore": "SGD",
    "new zealand": "NZD",
    "nz": "NZD",
    "hong kong": "HKD",
}
_DOLLAR_RE: Final = re.compile(
    r"\b(canadian|australian|u\.s\.|us|american|singapore|new zealand|nz|hong kong)\s+dollars?\b",
    re.IGNORECASE,
)
# "Hourly pay 15.50", "Daily rate: £450": the period named before the figure.
_PERIOD_ADJECTIVES: Final = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month"}
_PERIOD_FIRST_RE: Final = re.compile(
    r"\b(hourly|daily|weekly|monthly)\s+(?:pay|rate|wage)\s*:?\s*"
    r"((?:[£$€]\s?)?\d+(?:[.,]\d+)*(?:\s?[kK]\b)?)",
    re.IGNORECASE,
)
# "9.35 to Negotiable per hour", "£30k - Neg": the upper end is open, so it is "from X".
_OPEN_END_RE: Final = re.compile(
    r"((?<![\w.,])[^\s\d]{0,3}\s?\d[\d.,]*(?:\s?[kK])?)\s*(?:to|-|–)\s*"
    r"(?:negotiable|negociable|neg\.?)(?![a-z])",
    re.IGNORECASE,
)
_RANGE_BEFORE_RE: Final = re.compile(r"(?:\bto|-|–|\bbis|\bà)\s*$", re.IGNORECASE)


def _open_end(match: re.Match[str]) -> str:
    """'X to Negotiable' is 'from X', unless X already ends a range ('£30k to £35k - neg')."""
    if _RANGE_BEFORE_RE.search(match.string, 0, match.start()):
        return match.group(1)
    return f"from {match.group(1)}"


# "22-26k with bonus": the bonus is beside the salary, as with "+ bonus".
_WITH_RE: Final = re.compile(r"(?<=[\dkK])\s+with\s+(?=[A-Za-z])", re.IGNORECASE)


def rewrite(s: str) -> str:
    """The text with idioms the grammar does not know written in forms it does."""
    low = s.lower()
    if "ph" in low or "p/" in low or "p." in low or "p /" in low:
        s = _PER_HOUR_RE.sub(" per hour", s)
    if "ollar" in low:
        s = _DOLLAR_RE.sub(lambda m: _DOLLAR_WORDS[m.group(1).lower()], s)
    if "ly " in low and ("hour" in low or "dai" in low or "week" in low or "month" in low):
        s = _PERIOD_FIRST_RE.sub(
            lambda m: f"{m.group(2)} per {_PERIOD_ADJECTIVES[m.group(1).lower()]}", s
        )
    if "neg" in low:
        s = _OPEN_END_RE.sub(_open_end, s)
    if " with " in low:
        s = _WITH_RE.sub(" + ", s)
    return s


# --------------------------------------------------------------------------- S6: conventions


@lru_cache(maxsize=1)
def _conventions() -> dict[str, str]:
    return {
        row["country"]: row["convention"] for row in fx.data_rows("salary_period_conventions.csv")
    }


def convention(country: str | None) -> str | None:
    """'year' or 'month': what a bare figure means on the boards of ``country``, if known."""
    return _conventions().get(country or "")


# --------------------------------------------------------------------------- S7: months of pay

_MONTHS: Final = r"(1[2-6](?:[.,]5)?)"
# "x13", "x 14", "× 13,5", "(14x)", "14 Gehälter", "13 Monatslöhne", "sur 13 mois",
# "13e maand", "13th month", "+ 13º salário" (NFKC makes º an "o"), "x 13 months (AWS)".
_MONTHS_RE: Final = re.compile(
    rf"(?:(?<![\w.,])[x×]\s?{_MONTHS}(?![\d.,]*\d)(?!\s*(?:hours?|h|days?|weeks?|%)\b)"
    rf"|\(\s?{_MONTHS}\s?[x×]\s?\)"
    rf"|\b{_MONTHS}\s+(?:monatslöhne|monatsgehälter|gehälter|sueldos|salaires|salaris|mois)\b"
    r"|\b(1[3-6])\s?(?:e|de|th|o|°|\.)\s*(?:maand|month|salário|salario|sueldo|monatslohn|monatsgehalt|mois|mensilità)\b)",
    re.IGNORECASE,
)


def months_of_pay(s: str) -> float | None:
    """How many monthly salaries a year the text states ("x13", "(14x)", "13e maand"), if any."""
    if "1" not in s:
        return None
    match = _MONTHS_RE.search(s)
    if match is None:
        return None
    text = next(g for g in match.groups() if g)
    return float(text.replace(",", "."))


# --------------------------------------------------------------------------- S2, S3, S4

# "Up to 57,500 per annum + 49500.00-57500.00": a "+" before the range does not make it an extra.
_PLUS_BEFORE_RE: Final = re.compile(r"\+(?=\s*[^\d\s]{0,3}\s?\d)")
_BRACKETED_RE: Final = re.compile(r"\(([^()]*\d[^()]*)\)")
_NUMBER_RE: Final = re.compile(r"\d+(?:[.,'’ \u00a0\u202f]\d+)*")
_BASIC_RE: Final = re.compile(
    r"\b(?:basic|base|fixum|fixgehalt|fixe|fijo|fisso|podstawa|fixo)\b", re.IGNORECASE
)
# Where a clause ends: brackets, "+", ";", "|", ", " and the words that name the other part.
_CLAUSE_RE: Final = re.compile(r"[()\[\];|+]|,\s|\bOTE\b|\.\s", re.IGNORECASE)
# "to", "bis", "à", "a", "até", "au" before the upper end ("£45k DOE to £55k DOE").
_TO_RE: Final = re.compile(
    r"\s(?:to|bis|à|a|até|au)\s+(?=(?:[^\d\s]{1,4}\s?)?\d|negotiable\b|negociable\b|negoziabile\b"
    r"|verhandelbar\b|négociable\b)",
    re.IGNORECASE,
)
_OPEN_RE: Final = re.compile(
    r"^\s*(?:negotiable|negociable|negoziabile|verhandelbar|négociable)\b", re.IGNORECASE
)


Parse = Callable[[str], _Parsed]


class Refined(NamedTuple):
    min: float | None
    max: float | None
    flag: str


def _single(p: _Parsed) -> float | None:
    return p.min if p.min is not None and p.min == p.max else None


def _up_to_range(s: str, parsed: _Parsed, parse: Parse) -> Refined | None:
    """S2: 'Up to £45,000 (£40,000 - £45,000)' is the range."""
    first = _NUMBER_RE.search(s)
    if first is None:
        return None
    tail = s[first.end() :]
    # the rest, or a bracket in it ("Up to AU$140k + super ($125k - $140k)")
    for part in (_PLUS_BEFORE_RE.sub(" ", tail), *_BRACKETED_RE.findall(tail)):
        rest = parse(part)
        if (
            rest.min is not None
            and rest.max is not None
            and rest.max == parsed.max
            and rest.min < rest.max
            and rest.currency in (parsed.currency, None)
        ):
            return Refined(rest.min, rest.max, "range_after_up_to")
    return None


def _basic(s: str, parsed: _Parsed, parse: Parse) -> Refined | None:
    """S3: '£28k-£38k OTE (£28k basic)' is the basic, £28k; so is a basic range below the
    whole one ('$120k - $180k OTE ($90k - $100k base + commission)')."""
    assert parsed.min is not None and parsed.max is not None
    for match in _BASIC_RE.finditer(s):
        k = match.start()
        start = max((m.end() for m in _CLAUSE_RE.finditer(s, 0, k)), default=0)
        end_match = _CLAUSE_RE.search(s, match.end())
        end = end_match.start() if end_match else len(s)
        # the clause, else its tail from a figure on ("21000 - 28000/annum 21k basic")
        starts = [] if start == 0 and end == len(s) else [start]
        for number in _NUMBER_RE.finditer(s, start + 1, k):
            head = number.start()
            while head > start and not s[head - 1].isspace() and not s[head - 1].isdigit():
                head -= 1
            starts.append(head)
        for head in starts:
            part = parse(s[head:end])
            low, high = part.min, part.max
            if low is None or high is None or low > parsed.min or high >= parsed.max:
                continue
            if low < parsed.min and high > parsed.min:
                continue  # a range overlapping the whole one from below is no breakdown
            if part.currency not in (parsed.currency, None):
                continue
            return Refined(low, high, "basic")
    return None


def _spread_range(s: str, parsed: _Parsed, parse: Parse) -> Refined | None:
    """S4: '12.75 per hour umbrella to 15.25 per hour umbrella', '£9.50 to negotiable'."""
    low = _single(parsed)
    if low is None:
        return None
    for match in _TO_RE.finditer(s):
        right_text = s[match.end() :]
        left = parse(s[: match.start()])
        if _single(left) != low:
            continue
        if _OPEN_RE.match(right_text):
            return Refined(low, None, "min_only")
        right = parse(right_text)
        high = right.max
        if high is None or right.min != high or not low < high <= low * 5:
            continue
        if right.currency not in (parsed.currency, None):
            continue
        return Refined(low, high, "range_with_words")
    return None


class _Nothing(NamedTuple):
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: str | None = None
    flags: tuple[str, ...] = ()


def refine(
    s: str,
    parsed: _Parsed,
    parse: Callable[[str, str | None, str | None], _Parsed],
    country: str | None,
    hint: str | None,
) -> Refined | None:
    """New (min, max) for a text whose parse a class S2–S4 idiom changes, or None.

    ``parse(part, country, hint)`` reads a part of the text; only strictly shorter parts are
    read, so this ends."""
    low, high = parsed.min, parsed.max
    if high is None:
        return None
    if low is None:
        rule = _up_to_range if "max_only" in parsed.flags else None
    elif low < high:
        lower = s.lower()
        basic = "bas" in lower or "fix" in lower or "fij" in lower or "fiss" in lower
        rule = _basic if (basic or "podst" in lower) and _BASIC_RE.search(s) else None
    else:
        to = " to " in s or " a " in s or " à " in s or " bis " in s or " até " in s
        to = to or " au " in s or " TO " in s or " To " in s or " A " in s
        rule = _spread_range if to else None
    if rule is None:
        return None
    size = len(s.strip())

    def shorter(part: str) -> _Parsed:
        return parse(part, country, hint) if len(part.strip()) < size else _Nothing()

    return rule(s, parsed, shorter)
