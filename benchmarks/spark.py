"""Each normalize step, and the rank stage, on the DuckDB and the Spark engine (local[2]) on
the same N SYNTHETIC rows, and how the distinct values the normalisers pay for grow with the
rows.

The rows are those of ``pipeline.py`` (the bundled real file resampled, employer names
suffixed, dates shifted): timing only, never reporting.

    python benchmarks/spark.py --rows 1000000 [--check] [--growth 100000,1000000,5000000]
        [--rows-per-file 1000000]

The rows are written in gzip CSV files of ``--rows-per-file`` rows, as a data lake holds
them; each engine reads them all (Spark one task per file).

DuckDB ingests the rows into a store and Spark into a Parquet folder (both timed, and
compared by ``--check``); DuckDB normalizes the store and Spark the folder, in this process.
Printed: wall seconds of each catalogue step on each engine
and their ratio, both engines' totals with CPU time (this process; the JVM's and its Python
workers' from /proc), and the peak RSS of this process (overall, and during the Spark run:
the driver's Python) and of the JVM. Then each engine ranks its output (``build_ranking``,
``--draws`` Monte Carlo draws on this process either way; Spark computes the statistics from
the Parquet written): wall and CPU seconds, their ratio, and the peaks again. ``--check``
compares the engines' outputs row for row, and their ranking.json byte for byte.
``--growth`` counts the distinct titles, locations, salary inputs and employer names at each
size (the synthetic rows ingested into a store, no normalize); ``--rows 0`` skips the rest.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from jobatlas.engines.catalogue import INPUTS
from jobatlas.engines.queries import SparkQueries
from jobatlas.engines.spark import normalize_spark, spark_session
from jobatlas.engines.spark_ingest import ingest_spark
from jobatlas.indicators import RankSettings, build_ranking
from jobatlas.ingest import ingest_file
from jobatlas.pipeline import normalize
from jobatlas.report.export import ranking_dict, to_json
from jobatlas.store.duckdb import Store
from pipeline import synthesise  # benchmarks/pipeline.py, beside this script

_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_tree(root: int) -> list[int]:
    """``root`` and every process below it (the JVM's Python workers)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(c) for c in children)
    return found


def _cpu_s(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / _TICKS


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak(pid: int) -> None:
    """Start the kernel's peak-RSS count of ``pid`` again (Linux)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _compare(db: Path, raw: Path, out: Path) -> dict[str, int]:
    """Rows of each table in one engine's output and not in the other's (both ways)."""
    differ = {}
    with Store.open(db) as store:
        # EXCEPT ALL over 5M raw rows, their records included, needs more than the default cap
        store.con.execute("SET memory_limit = '8GB'")
        for table in ("raw_postings", "postings", "quarantine", "duplicates", "posting_places"):
            columns = ", ".join(
                str(r[0])
                for r in store.con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "AND column_name NOT IN ('run_id', 'ingested_at')",
                    [table],
                ).fetchall()
            )
            where = raw if table == "raw_postings" else out / table
            written = f"read_parquet('{where}/**/*.parquet', hive_partitioning = false)"
            a, b = f"SELECT {columns} FROM {table}", f"SELECT {columns} FROM {written}"
            differ[table] = sum(
                int(store.scalar(f"SELECT count(*) FROM ({x} EXCEPT ALL {y})"))
                for x, y in ((a, b), (b, a))
            )
    return differ


def growth(sizes: list[int], folder: Path, seed: int) -> None:
    print("distinct values per input (synthetic rows: titles and places are the bundled "
          "file's, employer names get one of 97 suffixes)")  # fmt: skip
    print(f"{'rows':>10} " + " ".join(f"{t:>12}" for t in INPUTS))
    for rows in sizes:
        data = folder / f"growth_{rows}.csv.gz"
        synthesise(rows, data, seed)
        with Store.open(folder / f"growth_{rows}.duckdb") as store:
            ingest_file(store, data)
            counts = [
                store.scalar(
                    f"SELECT count(*) FROM (SELECT DISTINCT {', '.join(c)} FROM raw_postings)"
                )
                for c in INPUTS.values()
            ]
        data.unlink()
        print(f"{rows:>10,} " + " ".join(f"{n:>12,}" for n in counts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--rows-per-file", type=int, default=1_000_000, help="the rows are written in files of"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--partitions", type=int, default=4, help="Spark shuffle partitions")
    parser.add_argument("--draws", type=int, default=2000, help="Monte Carlo draws of the rank")
    parser.add_argument("--growth", default="", help="row counts, comma-separated")
    parser.add_argument(
        "--check", action="store_true", help="compare the two engines' postings row for row"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.growth:
            growth([int(n) for n in args.growth.split(",")], folder, args.seed)
        if not args.rows:
            return
        # files of at most --rows-per-file rows, as a data lake holds them; both engines read all
        sizes = [args.rows_per_file] * (args.rows // args.rows_per_file)
        sizes += [args.rows % args.rows_per_file] if args.rows % args.rows_per_file else []
        parts = [folder / f"synthetic_{i}.csv.gz" for i in range(len(sizes))]
        for i, (size, part) in enumerate(zip(sizes, parts, strict=True)):
            synthesise(size, part, args.seed + i)
        with Store.open(folder / "bench.duckdb") as store:
            t0, c0 = time.perf_counter(), time.process_time()
            for part in parts:
                ingest_file(store, part)
            t_ingest, c_ingest = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            by_duckdb = normalize(store)
            t_duck, c_duck = time.perf_counter() - t0, time.process_time() - c0
        _reset_peak(os.getpid())
        spark = spark_session("local[2]", partitions=args.partitions)
        spark.sparkContext.setLogLevel("ERROR")
        jvm = int(spark.sparkContext._jvm.java.lang.ProcessHandle.current().pid())  # type: ignore[union-attr]
        cpu_jvm0, c0, t0 = _cpu_s(_proc_tree(jvm)), time.process_time(), time.perf_counter()
        ingested = ingest_spark(spark, [str(p) for p in parts], str(folder / "raw"))
        t_spark_ingest = time.perf_counter() - t0
        c_spark_ingest = time.process_time() - c0 + _cpu_s(_proc_tree(jvm)) - cpu_jvm0
        assert not ingested.errors, ingested.errors
        print(f"ingest: DuckDB {t_ingest:.1f} s ({args.rows / t_ingest:,.0f} rows/s, CPU "
              f"{c_ingest:.1f} s); Spark {t_spark_ingest:.1f} s ({args.rows / t_spark_ingest:,.0f} "
              f"rows/s, CPU {c_spark_ingest:.1f} s with the JVM and its Python workers; "
              f"{len(parts)} file(s), one task each): Spark / DuckDB "
              f"{t_spark_ingest / t_ingest:.1f}x")  # fmt: skip
        cpu_jvm0, c0, t0 = _cpu_s(_proc_tree(jvm)), time.process_time(), time.perf_counter()
        by_spark = normalize_spark(spark, folder / "raw", folder / "out")
        t_spark = time.perf_counter() - t0
        c_spark = time.process_time() - c0 + _cpu_s(_proc_tree(jvm)) - cpu_jvm0
        jvm_peak, driver_peak = _peak_mb(jvm), _peak_mb(os.getpid())
        settings = RankSettings(draws=args.draws, seed=args.seed)
        with Store.open(folder / "bench.duckdb") as store:
            t0, c0 = time.perf_counter(), time.process_time()
            ranked_duckdb = to_json(ranking_dict(build_ranking(store.con, settings)))
            rank_duck, rank_duck_cpu = time.perf_counter() - t0, time.process_time() - c0
        _reset_peak(os.getpid())
        _reset_peak(jvm)
        cpu_jvm0, c0, t0 = _cpu_s(_proc_tree(jvm)), time.process_time(), time.perf_counter()
        queries = SparkQueries(spark, str(folder / "out"))
        ranked_spark = to_json(ranking_dict(build_ranking(queries, settings)))
        rank_spark = time.perf_counter() - t0
        rank_spark_cpu = time.process_time() - c0 + _cpu_s(_proc_tree(jvm)) - cpu_jvm0
        rank_peaks = _peak_mb(jvm), _peak_mb(os.getpid())
        spark.stop()
        if args.check:
            print(f"ranking.json identical: {ranked_spark == ranked_duckdb}", flush=True)
            differ = _compare(folder / "bench.duckdb", folder / "raw", folder / "out")
            print(f"rows that differ between the engines: {differ}")
    d, s = by_duckdb, by_spark
    print(f"\n{args.rows:,} synthetic rows: {d.postings:,} postings, {d.duplicates:,} "
          f"duplicates, {d.quarantined:,} quarantined (Spark: {s.postings:,} / "
          f"{s.duplicates:,} / {s.quarantined:,})")  # fmt: skip
    print(f"{'step':<22}{'DuckDB s':>10}{'Spark s':>10}{'ratio':>8}")
    for name, spark_s in by_spark.seconds.items():
        duck_s = by_duckdb.seconds.get(name)
        ratio = f"{spark_s / duck_s:8.1f}" if duck_s else " " * 8
        shown = "" if duck_s is None else f"{duck_s:10.2f}"
        print(f"{name:<22}{shown:>10}{spark_s:10.2f}{ratio}")
    print(f"total normalize: DuckDB {t_duck:.1f} s ({args.rows / t_duck:,.0f} rows/s, "
          f"CPU {c_duck:.1f} s, employer grouping included); Spark {t_spark:.1f} s "
          f"({args.rows / t_spark:,.0f} rows/s, CPU {c_spark:.1f} s with the JVM and its "
          f"Python workers): Spark / DuckDB {t_spark / t_duck:.1f}x")  # fmt: skip
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS: this process {own:,.0f} MB (DuckDB included); during the Spark run "
        f"{driver_peak:,.0f} MB, and the Spark JVM (driver and executors) {jvm_peak:,.0f} MB"
    )
    jvm_rank, driver_rank = rank_peaks
    print(f"rank ({args.draws} draws): DuckDB {rank_duck:.1f} s (CPU {rank_duck_cpu:.1f} s); "
          f"Spark {rank_spark:.1f} s (CPU {rank_spark_cpu:.1f} s with the JVM and its Python "
          f"workers): Spark / DuckDB {rank_spark / rank_duck:.1f}x; peak RSS during the Spark "
          f"rank: this process {driver_rank:,.0f} MB, the JVM {jvm_rank:,.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
