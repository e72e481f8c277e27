"""classify, locate, parse_salaries and canonical_employers on every family of column."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import jobatlas.normalize.classify as classify_module
import jobatlas.normalize.locations as locations_module
from jobatlas.api import canonical_employers, classify, locate, parse_salaries
from jobatlas.errors import InputError

TITLES = ["Machine Learning Engineer", "Accountant", "Data Scientist", "Machine Learning Engineer"]
LOCATIONS = ["Berlin, Germany", "Paris", "Remote", "Berlin, Germany"]
SALARIES = ["$120,000 - $150,000 a year", "€25 per hour", "competitive", "£40k"]
EMPLOYERS = ["Amazon.com Services LLC", "AMAZON", "The Home Depot", "Veeva Systems"]

FUNCTIONS: dict[str, tuple[Callable[[Any], Any], list[str]]] = {
    "classify": (classify, TITLES),
    "locate": (locate, LOCATIONS),
    "parse_salaries": (parse_salaries, SALARIES),
    "canonical_employers": (canonical_employers, EMPLOYERS),
}


def as_rows(result: Any) -> list[dict[str, Any]]:
    """Any family's result as a list of dicts with None for missing values."""
    if isinstance(result, pd.DataFrame):
        rows = result.astype(object).to_dict("records")
    elif isinstance(result, pl.DataFrame):
        rows = result.to_dicts()
    elif isinstance(result, pa.Table):
        rows = result.to_pylist()
    else:
        rows = result
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


FAMILIES: dict[str, tuple[Callable[[list[Any]], Any], type]] = {
    "pandas": (lambda v: pd.Series(v, dtype=object), pd.DataFrame),
    "pandas-string": (lambda v: pd.Series(v, dtype="string"), pd.DataFrame),
    "polars": (lambda v: pl.Series(v, dtype=pl.String), pl.DataFrame),
    "arrow": (lambda v: pa.array(v, type=pa.string()), pa.Table),
    "chunked": (lambda v: pa.chunked_array([v[:2], v[2:]], type=pa.string()), pa.Table),
    "list": (list, list),
    "tuple": (tuple, list),
}


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_family_gives_back_its_own_family_with_the_same_rows(
    function: str, family: str
) -> None:
    call, values = FUNCTIONS[function]
    make, expected_type = FAMILIES[family]
    reference = as_rows(call(list(values)))
    result = call(make(values))
    assert isinstance(result, expected_type)
    assert as_rows(result) == reference
    assert len(reference) == len(values)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_none_nan_and_pandas_na_are_missing_values(function: str) -> None:
    call, values = FUNCTIONS[function]
    missing = as_rows(call([None]))[0]
    for series in (
        pd.Series([values[0], None, math.nan, pd.NA], dtype=object),
        pd.Series([values[0], None, None, None], dtype="string"),
    ):
        rows = as_rows(call(series))
        assert rows[1:] == [missing] * 3
        assert rows[0] == as_rows(call([values[0]]))[0]
    assert as_rows(call(pl.Series([values[0], None])))[1] == missing


def test_a_pandas_result_keeps_the_index_so_it_joins_back() -> None:
    frame = pd.DataFrame({"title": TITLES}, index=[10, 20, 30, 40])
    joined = frame.join(classify(frame["title"]))
    assert list(joined.index) == [10, 20, 30, 40]
    assert list(joined["ai_ml_tier"]) == [classify([t])[0]["ai_ml_tier"] for t in TITLES]


def test_result_columns_carry_the_store_names_and_nullable_types() -> None:
    located = locate(pd.Series(["Berlin, Germany", None]))
    assert str(located["geonameid"].dtype) == "Int64"
    assert located["geonameid"].isna().tolist() == [False, True]
    assert set(classify(pd.Series(["x"])).columns) == {
        "ai_ml_tier",
        "ai_ml",
        "ai_ml_family",
        "ai_ml_score",
        "ai_ml_evidence",
    }
    assert "salary_annual_usd" in parse_salaries(pd.Series(["$100k"])).columns


def test_each_distinct_input_is_worked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real_classify = classify_module.classify
    real_resolve = locations_module.resolve_location

    def counting_classify(title: str | None, description: str | None = None) -> Any:
        seen.append(("classify", title, description))
        return real_classify(title, description)

    def counting_resolve(text: str | None, hint: str | None = None) -> Any:
        seen.append(("locate", text, hint))
        return real_resolve(text, hint)

    monkeypatch.setattr(classify_module, "classify", counting_classify)
    monkeypatch.setattr(locations_module, "resolve_location", counting_resolve)
    titles = pl.Series(TITLES * 250 + [None] * 10)
    rows = classify(titles)
    assert rows.height == 1010
    calls = [s for s in seen if s[0] == "classify"]
    assert len(calls) == 4  # three distinct titles and the missing one
    assert set(calls) == {("classify", t, None) for t in {*TITLES, None}}
    located = locate(LOCATIONS * 100, ["DE", "FR", None, "DE"] * 100)
    assert len(located) == 400
    assert len([s for s in seen if s[0] == "locate"]) == 3


def test_the_optional_columns_are_used_and_must_match_in_length() -> None:
    plain = parse_salaries(["$50"])[0]
    hourly_in_canada = parse_salaries(["$50"], countries=["CA"], dates=[dt.date(2023, 5, 1)])[0]
    assert plain["salary_currency"] == "USD"
    assert hourly_in_canada["salary_currency"] == "CAD"
    by_currency = parse_salaries(pd.Series(["25 per hour"]), currencies=pl.Series(["EUR"]))
    assert by_currency["salary_currency"].tolist() == ["EUR"]
    description = "Build machine learning models for computer vision; train deep learning models."
    described = classify(pd.Series(["Engineer"] * 2), descriptions=[description, None])
    assert described["ai_ml_tier"].tolist() == [
        classify_module.classify("Engineer", description).tier,
        classify_module.classify("Engineer").tier,
    ]
    assert described["ai_ml_tier"].nunique() == 2
    with pytest.raises(InputError, match="countries: 2 values for 1 texts"):
        parse_salaries(["$50"], countries=["US", "CA"])


def test_dates_may_be_dates_timestamps_strings_or_missing() -> None:
    texts = ["€60,000 a year"] * 5
    dates = [
        dt.date(2023, 5, 1),
        pd.Timestamp("2023-05-01 10:00"),
        "2023-05-01",
        pd.NaT,
        None,
    ]
    rows = parse_salaries(texts, dates=dates)
    assert rows[0] == rows[1] == rows[2]
    assert rows[3] == rows[4] == parse_salaries(texts[:1])[0]


def test_employers_are_grouped_over_the_whole_column() -> None:
    together = canonical_employers(["Twitch Interactive", "Twitch"])
    alone = canonical_employers(["Twitch Interactive"])
    assert together[0]["employer_key"] == together[1]["employer_key"]
    assert alone[0]["employer_key"] != together[1]["employer_key"]


@pytest.mark.parametrize(
    "value",
    [pd.DataFrame({"a": ["x"]}), "Machine Learning Engineer", {"title": "x"}, 3],
    ids=["dataframe", "str", "dict", "int"],
)
def test_anything_but_a_column_is_refused_with_what_to_give(value: object) -> None:
    with pytest.raises(InputError, match="give a pandas or polars Series"):
        classify(value)


def test_an_empty_column_gives_an_empty_result_with_the_columns() -> None:
    assert classify([]) == []
    empty = locate(pl.Series([], dtype=pl.String))
    assert empty.height == 0
    assert "metro_id" in empty.columns
