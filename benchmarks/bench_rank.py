"""Benchmark: rank 1,000,000 SYNTHETIC postings in 500 metros with 1000 Monte Carlo draws.

The postings are generated inside DuckDB from hashes of the row number (deterministic, made
up: no real employer, title or salary). Metro sizes and employer sizes are skewed, 25% of
postings are core AI/ML and 10% adjacent, and 5% list a second metro (weight 1/2 each).

    python benchmarks/bench_rank.py [--postings N] [--metros M] [--draws D] [--db PATH]

Prints the time to build the store, the time to fill its ``employers`` table (what
``jobatlas normalize`` does once after adding postings), the time of ``build_ranking`` plus the
table (what ``jobatlas rank`` does) with the share spent grouping employer names inside it
(none when the table is current) and in the sensitivity analysis, the time to write the
report, and the peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

import jobatlas.indicators as indicators
import jobatlas.indicators.metrics as metrics
from jobatlas.indicators import RankSettings, build_ranking
from jobatlas.report.export import ranking_dict, write_report
from jobatlas.report.terminal import ranking_table
from jobatlas.store.duckdb import Store
from jobatlas.store.employers import refresh_employers

COUNTRIES = ("US", "GB", "DE", "FR", "IN", "CA", "SG", "JP", "AU", "NL")


def _u(expr: str, salt: int) -> str:
    """A deterministic pseudo-uniform number in [0, 1) from a hash."""
    return f"((hash({expr} * 7919 + {salt}) % 1000003) / 1000003.0)"


def country(column: str) -> str:
    codes = ", ".join(f"'{c}'" for c in COUNTRIES)
    return f"[{codes}][1 + {column} % {len(COUNTRIES)}]"


def build_store(path: str, postings: int, metros: int) -> Store:
    store = Store.open(path)
    con = store.con
    con.execute(
        f"""INSERT INTO metros
            SELECT 'bench-' || i, 'Bench Metro ' || i,
                   {country("i")},
                   (200000 + {_u("i", 1)} * 5000000)::BIGINT, NULL, NULL
            FROM range({metros}) t(i)"""
    )
    con.execute(
        f"""CREATE TEMP TABLE gen AS
            SELECT i + 1 AS raw_id,
                   floor({metros} * pow({_u("i", 2)}, 2.2))::INT AS m,
                   floor({metros} * {_u("i", 3)})::INT AS m2,
                   {_u("i", 4)} AS tier_u,
                   {_u("i", 5)} AS emp_u,
                   {_u("i", 6)} AS sal_u,
                   {_u("i", 7)} AS rem_u,
                   {_u("i", 8)} AS day_u,
                   {_u("i", 9)} AS multi_u
            FROM range({postings}) t(i)"""
    )
    con.execute(
        f"""INSERT INTO postings (raw_id, run_id, source, via, title, company, ai_ml_tier, ai_ml,
               location_status, remote, country_code, metro, metro_id, n_places,
               salary_annual_usd, salary_annual_ppp, salary_annual_min, salary_annual_max,
               salary_currency, salary_status, salary_flags, posted_date, skills, url,
               dedupe_key)
            SELECT raw_id, 1, 'synthetic', CASE WHEN rem_u < 0.5 THEN 'via BoardA'
                                               ELSE 'via BoardB' END,
                   ['ML Engineer', 'Senior Data Scientist', 'AI Research Intern',
                    'Staff ML Engineer', 'Applied Scientist', 'NLP Engineer'][1 + raw_id % 6],
                   'Employer ' || m || '-' ||
                       floor(pow(emp_u, 2.5) * (5 + 4000 / sqrt(m + 1)))::INT,
                   CASE WHEN tier_u < 0.25 THEN 'core' WHEN tier_u < 0.35 THEN 'adjacent'
                        ELSE 'none' END,
                   tier_u < 0.25, 'resolved',
                   CASE WHEN rem_u < 0.1 THEN 'remote' ELSE 'onsite' END,
                   {country("m")},
                   'Bench Metro ' || m, 'bench-' || m,
                   CASE WHEN multi_u < 0.05 AND m2 <> m THEN 2 ELSE 1 END,
                   CASE WHEN sal_u < 0.6 THEN 70000 + sal_u * 200000 + m * 50 END,
                   CASE WHEN sal_u < 0.6 THEN 65000 + sal_u * 190000 END,
                   NULL, NULL, CASE WHEN sal_u < 0.6 THEN 'USD' END,
                   CASE WHEN sal_u < 0.6 THEN 'parsed' ELSE 'none' END, NULL,
                   DATE '2023-01-01' + floor(day_u * 365)::INT,
                   ['[''python'', ''pytorch'']', 'tensorflow, spark', 'llm, nlp'][1 + raw_id % 3],
                   NULL, 'k' || raw_id
            FROM gen"""
    )
    con.execute(
        f"""INSERT INTO posting_places (raw_id, place_index, country_code, metro, metro_id, weight)
            SELECT raw_id, 0, {country("m")}, 'Bench Metro ' || m, 'bench-' || m,
                   CASE WHEN multi_u < 0.05 AND m2 <> m THEN 0.5 ELSE 1.0 END FROM gen
            UNION ALL
            SELECT raw_id, 1, {country("m2")}, 'Bench Metro ' || m2, 'bench-' || m2, 0.5
            FROM gen WHERE multi_u < 0.05 AND m2 <> m"""
    )
    con.execute("DROP TABLE gen")
    return store


def _timed(name: str, module: Any, spent: dict[str, float]) -> None:
    """Wrap ``module.name`` so the time spent in it is added to ``spent[name]``."""
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    setattr(module, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=1_000_000)
    parser.add_argument("--metros", type=int, default=500)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--db", default=":memory:")
    args = parser.parse_args()

    started = time.perf_counter()
    store = build_store(args.db, args.postings, args.metros)
    filled = time.perf_counter()
    refresh_employers(store.con)  # as normalize does: rank then reads the table
    grouped = time.perf_counter()
    spent: dict[str, float] = {}
    _timed("employer_names", metrics, spent)
    _timed("_sensitivity", indicators, spent)
    built, cpu_built = time.perf_counter(), time.process_time()
    ranking = build_ranking(store.con, RankSettings(draws=args.draws, seed=7))
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        Console(file=devnull).print(ranking_table(ranking_dict(ranking), top=10))
    ranked, cpu_ranked = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as out:
        write_report(ranking, Path(out))
    reported = time.perf_counter()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n_cells = store.scalar(
        "SELECT count(*) FROM (SELECT DISTINCT pp.metro_id, company FROM postings p "
        "JOIN posting_places pp USING (raw_id) WHERE ai_ml_tier <> 'none')"
    )
    print(f"synthetic postings: {args.postings:,} in {args.metros} metros")
    print(f"metro-employer cells with AI/ML postings: {n_cells:,}")
    print(f"ranked metros: {len(ranking.ranked)}, draws: {ranking.draws}")
    print(f"build store: {filled - started:.1f} s")
    print(f"employers table (grouping, as normalize does): {grouped - filled:.1f} s")
    print(
        f"rank (build_ranking + table, as `jobatlas rank`): {ranked - built:.1f} s wall, "
        f"{cpu_ranked - cpu_built:.1f} s CPU (all threads)"
    )
    grouping, sensitivity = spent.get("employer_names", 0.0), spent.get("_sensitivity", 0.0)
    names = store.scalar("SELECT count(DISTINCT company) FROM postings")
    print(
        f"  of which grouping {names:,} employer names: {grouping:.1f} s; sensitivity "
        f"({ranking.sensitivity.draws if ranking.sensitivity else 0:,} draws): "
        f"{sensitivity:.1f} s; the rest: {ranked - built - grouping:.1f} s"
    )
    print(f"report (article.md, ranking.json, ranking.csv): {reported - ranked:.1f} s")
    print(f"peak RSS: {peak_mib:,.0f} MiB; load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
