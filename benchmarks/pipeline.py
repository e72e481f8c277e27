"""Throughput and peak memory of ingest, normalize and rank on N SYNTHETIC postings.

The postings are synthetic: rows of the bundled real file resampled with replacement,
with the employer name suffixed and the posting date shifted at random so that most
are not copies of each other. They are for timing only, never for reporting.

    python benchmarks/pipeline.py --rows 1000000 [--compare] [--keep DIR]

``--compare`` also runs the pandas analyst script (``analyst_baseline.py``) on the same
file in the same process and prints how many times faster jobatlas's ingest + normalize is.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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


def cpu() -> float:
    """CPU time of this process's threads and of its ended children (the helper process,
    once closed)."""
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def end_helper() -> float:
    """Close the helper process normalize used (``jobatlas.helper``), so that its CPU time
    is counted; return its peak memory in MB (VmHWM: ``ru_maxrss`` would count the pages of
    this process the child had before it ran Python), 0 without a helper (a tree from before
    the helper has none)."""
    try:
        from jobatlas.helper import running
    except ImportError:
        return 0.0
    helper = running()
    if helper is None or helper.pid is None:
        return 0.0
    peak = 0.0
    with contextlib.suppress(OSError):
        status = Path(f"/proc/{helper.pid}/status").read_text(encoding="utf-8")
        lines = [line for line in status.splitlines() if line.startswith("VmHWM:")]
        peak = int(lines[0].split()[1]) / 1024 if lines else 0.0
    helper.close(wait=True)
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument(
        "--compare", action="store_true", help="also time the pandas analyst baseline"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the synthetic file in this folder and reuse it in later runs (same rows "
        "and seed), so that alternated runs read the same bytes and skip the synthesis",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        data = folder / f"synthetic-{args.rows}-{args.seed}.csv.gz"
        if not data.exists():
            t0 = time.perf_counter()
            synthesise(args.rows, data, args.seed)
            print(f"synthesised {args.rows:,} rows in {time.perf_counter() - t0:.1f} s (synthetic)")
        peaks = {"start": peak_mb()}
        with Store.open(Path(tmp) / "bench.duckdb") as store:
            t0, c0 = time.perf_counter(), time.process_time()
            ingested = ingest_file(store, data)
            t_ingest, c_ingest = time.perf_counter() - t0, time.process_time() - c0
            peaks["ingest"] = peak_mb()
            t0, c0 = time.perf_counter(), cpu()
            result = normalize(store)
            t_norm = time.perf_counter() - t0
            helper_mb = end_helper()
            c_norm = cpu() - c0
            peaks["normalize"] = peak_mb()
            detail = store.scalar("SELECT detail FROM runs WHERE stage = 'normalize'")
            grouping = float(json.loads(detail or "{}").get("employer_grouping_s", 0.0))
            t0, c0 = time.perf_counter(), time.process_time()
            from jobatlas.indicators import RankSettings, build_ranking

            ranking = build_ranking(store.con, RankSettings(draws=args.draws, seed=args.seed))
            t_rank, c_rank = time.perf_counter() - t0, time.process_time() - c0
            peaks["rank"] = peak_mb()
        peak = peak_mb()
        print("wall time, then CPU time of every thread (the steadier figure on a shared machine)")
        print(
            f"ingest    {t_ingest:7.2f} s  {ingested.rows_read / t_ingest:10,.0f} rows/s  "
            f"(CPU {c_ingest:.2f} s)"
        )
        print(
            f"normalize {t_norm:7.2f} s  {result.postings / t_norm:10,.0f} postings/s  "
            f"({result.postings:,} postings, {result.duplicates:,} duplicates, "
            f"{result.quarantined:,} quarantined; CPU {c_norm:.2f} s, helper process included)"
        )
        rest = t_norm - grouping
        print(
            f"  of which grouping employer names {grouping:.2f} s; the rest {rest:.2f} s, "
            f"{result.postings / rest:,.0f} postings/s"
        )
        print(
            f"rank      {t_rank:7.2f} s  ({args.draws} draws, {len(ranking.ranked)} metros ranked; "
            f"CPU {c_rank:.2f} s)"
        )
        print(
            f"peak memory (max RSS) {peak:,.0f} MB; the process's peak so far at the end of "
            + ", ".join(f"{stage} {mb:,.0f} MB" for stage, mb in peaks.items())
            + f"; helper process peak {helper_mb:,.0f} MB"
        )
        if args.compare:
            from analyst_baseline import analyse

            t0, c0 = time.perf_counter(), time.process_time()
            frame = analyse(str(data))
            t_pandas, c_pandas = time.perf_counter() - t0, time.process_time() - c0
            ours = t_ingest + t_norm
            print(
                f"analyst baseline (pandas) {t_pandas:.2f} s on {len(frame):,} rows: "
                f"jobatlas ingest + normalize is {t_pandas / ours:.1f}x faster "
                f"({t_pandas / (ours - grouping):.1f}x without grouping employer names); "
                f"CPU {c_pandas:.2f} s against {c_ingest + c_norm:.2f} s"
            )


if __name__ == "__main__":
    main()
