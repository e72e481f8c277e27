"""Throughput and peak memory of ingest, normalize and rank on N SYNTHETIC postings.

The postings are synthetic: rows of the bundled real file resampled with replacement,
with the employer name suffixed and the posting date shifted at random so that most
are not copies of each other. They are for timing only, never for reporting.

    python benchmarks/pipeline.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from jobatlas.bundled import bundled_postings
from jobatlas.ingest import ingest_file
from jobatlas.pipeline import normalize
from jobatlas.store.duckdb import Store


def synthesise(rows: int, out: Path, seed: int) -> None:
    con = duckdb.connect()
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    con.execute(
        f"""
        CREATE TABLE real AS
        SELECT row_number() OVER () - 1 AS i, *
        FROM read_csv('{bundled_postings()}', all_varchar = true)
        """
    )
    n_real = con.execute("SELECT count(*) FROM real").fetchone()[0]  # type: ignore[index]
    con.execute(
        f"""
        COPY (
            SELECT r.* EXCLUDE (i, company_name, job_posted_date),
                   r.company_name || ' (synthetic ' || (s.k % 97) || ')' AS company_name,
                   strftime(TRY_CAST(r.job_posted_date AS TIMESTAMP)
                            + to_days(CAST(floor(random() * 60) AS INTEGER) - 30),
                            '%Y-%m-%d %H:%M:%S') AS job_posted_date
            FROM (SELECT range AS k, CAST(floor(random() * {n_real}) AS BIGINT) AS pick
                  FROM range({rows})) s
            JOIN real r ON r.i = s.pick
        ) TO '{out}' (HEADER, COMPRESSION gzip)
        """
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "synthetic.csv.gz"
        t0 = time.perf_counter()
        synthesise(args.rows, data, args.seed)
        print(f"synthesised {args.rows:,} rows in {time.perf_counter() - t0:.1f} s (synthetic)")
        with Store.open(Path(tmp) / "bench.duckdb") as store:
            t0 = time.perf_counter()
            ingest_file(store, data)
            t_ingest = time.perf_counter() - t0
            t0 = time.perf_counter()
            result = normalize(store)
            t_norm = time.perf_counter() - t0
            t0 = time.perf_counter()
            from jobatlas.indicators import RankSettings, build_ranking

            ranking = build_ranking(store.con, RankSettings(draws=args.draws, seed=args.seed))
            t_rank = time.perf_counter() - t0
        n = args.rows
        print(f"ingest    {t_ingest:7.2f} s  {n / t_ingest:10,.0f} rows/s")
        print(f"normalize {t_norm:7.2f} s  {n / t_norm:10,.0f} postings/s  ({result})")
        print(
            f"rank      {t_rank:7.2f} s  {n / t_rank:10,.0f} postings/s  ({args.draws} draws, "
            f"{len(ranking.ranked)} metros ranked)"
        )
        print(f"peak memory (max RSS) {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
