"""Scores of the salary normaliser (and of price-parser, the usual library) on labelled rows.

A labels file has the columns ``salary``, optional ``country_hint`` and ``date``,
``expected_status``, ``min``, ``max``, ``currency``, ``period``, ``annual_min``, ``annual_max``.
Three scores, as issue 5 defines them:

- exact: among rows that state a salary (status not ``none``), the share whose (min, max,
  currency, period) match exactly (amounts equal to a cent; blank = none);
- annual: among rows with an expected annual figure, the share whose annual min and max are
  within 1 %;
- no-salary: among all rows, the share where "no salary" (status ``none``) is called right.

Issue #11 adds "annual USD within 2 %": the annual min and max within 2 % *and* the currency
right. The labels give annual figures in the stated currency; with the same currency both sides
convert at the same rate on the posting date, so this is the annual USD figure within 2 %.
:func:`score_by` splits the scores by a column (``class``, ``country_hint``).

It also counts wrong currencies: rows where both the label and the system name a currency and
they differ (the issue allows none where the text states the currency).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jobatlas.errors import MissingDependency
from jobatlas.models import Salary
from jobatlas.normalize.salary import normalize_salary, posting_date

LABEL_COLUMNS = ("salary", "expected_status", "min", "max", "currency", "period")

Row = Mapping[str, str]
Predict = Callable[[Row], "Prediction"]


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a system says about one row, in the terms the labels use."""

    none: bool
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    period: str | None = None
    annual_min: float | None = None
    annual_max: float | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Miss:
    text: str
    expected: str
    got: str


@dataclass(frozen=True, slots=True)
class Scores:
    rows: int
    salary_rows: int
    exact: int
    amounts_exact: int
    annual_rows: int
    annual_within: int
    none_correct: int
    status_correct: int | None
    wrong_currency: int
    misses: tuple[Miss, ...]
    annual_usd_within: int = 0

    @property
    def annual_usd_rate(self) -> float:
        return self.annual_usd_within / self.annual_rows if self.annual_rows else math.nan

    @property
    def exact_rate(self) -> float:
        return self.exact / self.salary_rows if self.salary_rows else math.nan

    @property
    def amounts_rate(self) -> float:
        return self.amounts_exact / self.salary_rows if self.salary_rows else math.nan

    @property
    def annual_rate(self) -> float:
        return self.annual_within / self.annual_rows if self.annual_rows else math.nan

    @property
    def none_rate(self) -> float:
        return self.none_correct / self.rows if self.rows else math.nan

    @property
    def status_rate(self) -> float | None:
        return (
            None
            if self.status_correct is None or not self.rows
            else self.status_correct / self.rows
        )


def _number(text: str | None) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _same(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(tolerance * abs(b), 0.005)


def jobatlas_predict(row: Row) -> Prediction:
    salary: Salary = normalize_salary(
        row.get("salary") or None,
        country=row.get("country_hint") or None,
        posted=posting_date(row.get("date")),
    )
    return Prediction(
        salary.status == "none",
        salary.min,
        salary.max,
        salary.currency,
        salary.period,
        salary.annual_min,
        salary.annual_max,
        salary.status,
    )


# price-parser reports the symbol or code it saw; these are the unambiguous ones.
_SYMBOL_CODES = {
    "$": "USD",
    "US$": "USD",
    "£": "GBP",
    "€": "EUR",
    "₹": "INR",
    "R$": "BRL",
    "円": "JPY",
}


def price_parser_predictor() -> Predict:
    """A predictor running price-parser's ``Price.fromstring``: one amount, no period."""
    try:
        from price_parser import Price
    except ImportError as exc:
        raise MissingDependency("price-parser", "eval") from exc

    def predict(row: Row) -> Prediction:
        price = Price.fromstring(row.get("salary") or "")
        amount = price.amount
        if not isinstance(amount, Decimal) or amount <= 0:
            return Prediction(True)
        symbol = (price.currency or "").strip()
        code = (
            symbol.upper() if len(symbol) == 3 and symbol.isalpha() else _SYMBOL_CODES.get(symbol)
        )
        value = float(amount)
        return Prediction(False, value, value, code, None, value, value)

    return predict


def _describe(p: Prediction) -> str:
    return f"{p.status or ('none' if p.none else 'salary')} {p.min} {p.max} {p.currency} {p.period}"


def score(
    rows: Sequence[Row], predict: Predict = jobatlas_predict, with_status: bool = True
) -> Scores:
    """Score ``predict`` on labelled rows (see the module docstring for the three scores)."""
    salary_rows = exact = annual_rows = annual_within = none_correct = status_correct = 0
    wrong_currency = amounts_exact = annual_usd_within = 0
    misses: list[Miss] = []
    for row in rows:
        expected_status = (row.get("expected_status") or "").strip()
        expected = Prediction(
            expected_status == "none",
            _number(row.get("min")),
            _number(row.get("max")),
            (row.get("currency") or "").strip() or None,
            (row.get("period") or "").strip() or None,
            _number(row.get("annual_min")),
            _number(row.get("annual_max")),
            expected_status,
        )
        got = predict(row)
        none_correct += got.none == expected.none
        status_correct += got.status == expected.status
        wrong_currency += (
            bool(expected.currency and got.currency) and expected.currency != got.currency
        )
        if not expected.none:
            salary_rows += 1
            amounts = _same(got.min, expected.min, 0) and _same(got.max, expected.max, 0)
            hit = amounts and got.currency == expected.currency and got.period == expected.period
            exact += hit
            amounts_exact += amounts
        else:
            hit = got.none
        if expected.annual_min is not None or expected.annual_max is not None:
            annual_rows += 1
            annual_within += _same(got.annual_min, expected.annual_min, 0.01) and _same(
                got.annual_max, expected.annual_max, 0.01
            )
            annual_usd_within += (
                got.currency == expected.currency
                and _same(got.annual_min, expected.annual_min, 0.02)
                and _same(got.annual_max, expected.annual_max, 0.02)
            )
        if not hit or (with_status and got.status != expected.status):
            misses.append(Miss(row.get("salary") or "", _describe(expected), _describe(got)))
    return Scores(
        len(rows),
        salary_rows,
        exact,
        amounts_exact,
        annual_rows,
        annual_within,
        none_correct,
        status_correct if with_status else None,
        wrong_currency,
        tuple(misses),
        annual_usd_within,
    )


def score_by(
    rows: Sequence[Row], column: str, predict: Predict = jobatlas_predict
) -> dict[str, Scores]:
    """:func:`score` per value of ``column`` (blank: "-"), in order of first appearance."""
    parts: dict[str, list[Row]] = {}
    for row in rows:
        parts.setdefault((row.get(column) or "").strip() or "-", []).append(row)
    return {key: score(part, predict) for key, part in parts.items()}


def select(rows: Sequence[Row], column: str, value: str) -> list[Row]:
    """The rows whose ``column`` is ``value`` (e.g. split = dev)."""
    return [row for row in rows if (row.get(column) or "").strip() == value]
