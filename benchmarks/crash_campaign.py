"""Crash campaign: SIGKILL ingest, normalize and collect at random points, rerun, compare.

What it shows, for the inputs used and the kill points sampled: a stage killed with SIGKILL
(while opening or migrating the store, reading input, fetching, writing or committing)
loses nothing and duplicates nothing. Rerunning the same command to completion leaves a
store whose tables hold exactly the rows a clean, uninterrupted run leaves (every column
but run ids, timestamps and per-attempt counters, listed in ``EXCLUDED``), and
``jobatlas status`` reconciles (raw = postings + quarantined + duplicates + awaiting
normalize). It is a random sample of kill points, not a proof over all of them.

Each trial starts the real CLI (``python -m jobatlas ...``) as a child process on a fresh
store, kills it with SIGKILL after a random delay drawn uniformly within the window where
the clean run had its store open (from the store file or its WAL appearing to the exit of
the quicker of two clean runs, which must also leave identical stores), reruns the same
command, runs ``jobatlas status`` and compares every table with the clean run's as
multisets of row digests (md5 of the row's JSON).

Stages (inputs are real postings, or the offline fake ATS API for collect):

* ingest: ``jobatlas ingest part1.csv.gz part2.csv.gz`` into a new store: the first
  ``--rows`` rows of the bundled Google Jobs 2023 file (real), split in two files.
* normalize: ``jobatlas normalize`` on a store where part 1 is already normalized and
  part 2 is ingested, so the killed run also dedupes against existing postings.
* collect: ``jobatlas collect --companies FILE`` into a new store, against the loopback
  fake ATS API of ``tests/sources/fakeapi.py`` (127.0.0.1, stopped at the end), serving
  the standard fake boards plus ``--boards`` synthetic Greenhouse boards. If the killed
  run had already closed its pass, the rerun is a second pass by design, so that trial is
  compared with two clean passes in a row.

    python benchmarks/crash_campaign.py --runs 10 --seed 1

Exits 1 if any trial's store differs from the clean one, does not reconcile, or a rerun
fails. Only its own child processes are ever killed.
"""

from __future__ import annotations

import argparse
import copy
import csv
import gzip
import itertools
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parent.parent
FAKEAPI_DIR = REPO / "tests" / "sources"
STAGES = ("ingest", "normalize", "collect")
COMMAND_TIMEOUT = 180.0
POLL = 0.005

RUN_ID = "run_id: a killed run consumed a run id, so the rerun's rows carry the next one"
WALL_CLOCK = "wall-clock time of the attempt"
EXCLUDED: dict[str, dict[str, str]] = {
    "raw_postings": {"run_id": RUN_ID, "ingested_at": WALL_CLOCK},
    "postings": {"run_id": RUN_ID},
    "quarantine": {"run_id": RUN_ID},
    "duplicates": {"run_id": RUN_ID},
    "schema_migrations": {"applied_at": WALL_CLOCK},
    "collections": {"started_at": WALL_CLOCK, "finished_at": WALL_CLOCK},
    "collection_runs": {
        "run_id": RUN_ID,
        "started_at": WALL_CLOCK,
        "finished_at": WALL_CLOCK,
        "duration_s": WALL_CLOCK,
        "n_added": "per attempt: a board whose postings the killed run stored but whose "
        "run row it did not is refetched, and its rows then count as known (n_skipped)",
        "n_skipped": "per attempt, see n_added",
    },
    "sightings": {"first_seen": WALL_CLOCK, "last_seen": WALL_CLOCK},
}
"""Columns that legitimately differ between a killed-then-rerun store and a clean one."""

CONCURRENT_ORDER = "boards are stored in the order their fetches finish (--collect-workers > 1)"
EXCLUDED_CONCURRENT: dict[str, dict[str, str]] = {
    "raw_postings": {"raw_id": CONCURRENT_ORDER},
    "collection_runs": {"collection_run_id": CONCURRENT_ORDER},
}
"""Also excluded for collect when boards are fetched concurrently (rows are still compared
by every other column, including content_hash, which is md5(source|source_id))."""

KNOWN_ON_RERUN = (
    "SELECT (SELECT count(*) FROM raw_postings) "
    "- (SELECT coalesce(sum(n_added), 0) FROM collection_runs)"
)
"""collect stores a board's postings, then (second transaction) its sightings and its
collection_runs row. Killed in between, the board is refetched on rerun and its postings,
already stored, count as known (n_skipped): raw rows the n_added column does not account for.
Expected by design (nothing is stored twice); counted per trial to show the window was hit."""

NOT_COMPARED = {
    "runs": "one row per attempt: the killed run leaves an extra row (its status is left "
    "'running', or 'interrupted' once the next start marks it); summarised instead",
}


# -- running the CLI ------------------------------------------------------------------------


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "jobatlas", *args]


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("JOBATLAS_DB", "JOBATLAS_DEBUG")}
    env["COLUMNS"] = "200"
    return env | (extra or {})


def run_to_end(argv: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def check(done: subprocess.CompletedProcess, what: str) -> None:
    if done.returncode != 0:
        raise SystemExit(
            f"{what} failed (exit {done.returncode}): {last_line(done.stderr or done.stdout)}"
        )


@dataclass
class Timing:
    opened: float  # seconds from start until the process had the store open
    total: float


def timed_run(argv: list[str], env: dict[str, str], cwd: Path, db: Path) -> Timing:
    """Run to completion, noting when the store was first opened (file or WAL appears)."""
    existed = db.exists()
    wal = Path(f"{db}.wal")
    log = cwd / "clean.log"
    start = time.perf_counter()
    opened = None
    with log.open("w") as out:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        try:
            while proc.poll() is None:
                if opened is None and (wal.exists() or (not existed and db.exists())):
                    opened = time.perf_counter() - start
                if time.perf_counter() - start > COMMAND_TIMEOUT:
                    proc.kill()
                    proc.wait()
                    raise SystemExit(f"clean run timed out: {' '.join(argv)}")
                time.sleep(POLL)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    total = time.perf_counter() - start
    if proc.returncode != 0:
        text = log.read_text(errors="replace")
        raise SystemExit(f"clean run failed (exit {proc.returncode}): {last_line(text)}")
    return Timing(opened if opened is not None else 0.0, total)


def run_and_kill(argv: list[str], env: dict[str, str], cwd: Path, delay: float) -> bool:
    """Start ``argv``; SIGKILL it after ``delay`` seconds. False if it ended before that."""
    proc = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- comparing stores ---------------------------------------------------------------------


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [str(r[0]) for r in rows]


@dataclass
class Snapshot:
    """Every compared table of a store as a multiset of row digests."""

    path: Path
    digests: dict[str, Counter[str]]
    compared: dict[str, list[str]]
    run_status: Counter[str]
    stats: dict[str, int] = field(default_factory=dict)


def snapshot(path: Path, exclude: dict[str, dict[str, str]]) -> Snapshot:
    con = duckdb.connect(str(path), read_only=True)
    try:
        digests: dict[str, Counter[str]] = {}
        compared: dict[str, list[str]] = {}
        for table in tables(con):
            if table in NOT_COMPARED:
                continue
            cols = [c for c in columns(con, table) if c not in exclude.get(table, {})]
            select = ", ".join(quote(c) for c in cols)
            rows = con.execute(
                f"SELECT md5(to_json(t)) FROM (SELECT {select} FROM {quote(table)}) t"
            ).fetchall()
            digests[table] = Counter(str(r[0]) for r in rows)
            compared[table] = cols
        status = Counter(
            {
                str(s): int(n)
                for s, n in con.execute("SELECT status, count(*) FROM runs GROUP BY 1").fetchall()
            }
        )
        return Snapshot(path, digests, compared, status)
    finally:
        con.close()


def example_rows(path: Path, table: str, cols: list[str], digests: list[str]) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        select = ", ".join(quote(c) for c in cols)
        rows = con.execute(
            f"SELECT * FROM (SELECT md5(to_json(t)) AS d, t.* FROM "
            f"(SELECT {select} FROM {quote(table)}) t) WHERE d IN (SELECT unnest(?)) LIMIT 3",
            [digests[:50]],
        ).fetchall()
    finally:
        con.close()
    out = []
    for row in rows:
        cells = []
        for name, value in zip(cols, row[1:], strict=True):
            text = repr(value)
            cells.append(f"{name}={text[:40] + '…' if len(text) > 40 else text}")
        text = "(" + ", ".join(cells) + ")"
        out.append(text if len(text) <= 600 else text[:599] + "…")
    return out


@dataclass
class Difference:
    table: str
    only_clean: int
    only_trial: int
    examples: list[str]

    def __str__(self) -> str:
        return f"{self.table} (-{self.only_clean}/+{self.only_trial} rows)"


def compare(clean: Snapshot, trial: Snapshot) -> list[Difference]:
    found = []
    for table in sorted(set(clean.digests) | set(trial.digests)):
        if table not in clean.digests or table not in trial.digests:
            found.append(Difference(table, 0, 0, ["table present in only one store"]))
            continue
        if clean.compared[table] != trial.compared[table]:
            found.append(Difference(table, 0, 0, ["columns differ"]))
            continue
        missing = clean.digests[table] - trial.digests[table]
        extra = trial.digests[table] - clean.digests[table]
        if missing or extra:
            cols = clean.compared[table]
            examples = [
                f"only clean: {r}" for r in example_rows(clean.path, table, cols, [*missing])
            ]
            examples += [
                f"only trial: {r}" for r in example_rows(trial.path, table, cols, [*extra])
            ]
            found.append(Difference(table, sum(missing.values()), sum(extra.values()), examples))
    return found


def state_after_kill(path: Path, watch: tuple[tuple[str, str], ...]) -> str:
    """What the killed process left, read without writing (the WAL is replayed in memory)."""
    if not path.exists():
        return "no store file"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        return f"store not openable read-only ({str(exc).splitlines()[0][:80]})"
    try:
        names = set(tables(con))
        if "runs" not in names:
            return "store created, not migrated"
        parts = [
            f"schema v{con.execute('SELECT max(version) FROM schema_migrations').fetchone()[0]}"
        ]
        for table, label in watch:
            if table in names:
                parts.append(
                    f"{label} {con.execute(f'SELECT count(*) FROM {table}').fetchone()[0]}"
                )
        running = con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()
        parts.append(f"runs running {running[0] if running else 0}")
        if Path(f"{path}.wal").exists():
            parts.append("WAL")
        return ", ".join(parts)
    except duckdb.Error as exc:
        return f"store not readable ({str(exc).splitlines()[0][:60]})"
    finally:
        con.close()


def probe(path: Path, sql: str) -> int:
    """``sql``'s count in the store at ``path``, read-only; 0 when it cannot be read."""
    if not path.exists():
        return 0
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return 0
    try:
        row = con.execute(sql).fetchone()
        return int(row[0]) if row and row[0] is not None else 0
    except duckdb.Error:
        return 0
    finally:
        con.close()


_ACCOUNTING = re.compile(
    r"raw ([\d,]+) = postings ([\d,]+) \+ quarantined ([\d,]+) \+ duplicates ([\d,]+) "
    r"\+ awaiting normalize ([\d,]+)"
)


def accounting(db: Path, env: dict[str, str], cwd: Path) -> tuple[bool, str]:
    """``jobatlas status``: does raw = postings + quarantined + duplicates + pending?"""
    done = run_to_end(cli("status", "--db", str(db)), env, cwd)
    match = _ACCOUNTING.search(done.stdout)
    if not match:
        return False, f"status exit {done.returncode}: {last_line(done.stderr or done.stdout)}"
    raw, posted, quarantined, duplicates, pending = (
        int(g.replace(",", "")) for g in match.groups()
    )
    ok = done.returncode == 0 and raw == posted + quarantined + duplicates + pending
    return ok, f"raw {raw} = {posted}+{quarantined}+{duplicates}+{pending}"


# -- inputs ----------------------------------------------------------------------------------


def bundled_file() -> Path:
    from jobatlas.bundled import bundled_postings

    return Path(bundled_postings())


def slice_input(rows: int, folder: Path) -> tuple[Path, Path, int]:
    """The first ``rows`` rows (0: all) of the bundled real file, as two gzip CSV files."""
    with gzip.open(bundled_file(), "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        data = list(itertools.islice(reader, rows or None))
    half = len(data) // 2
    parts = (folder / "part1.csv.gz", folder / "part2.csv.gz")
    for part, chunk in zip(parts, (data[:half], data[half:]), strict=True):
        with gzip.open(part, "wt", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(chunk)
    return parts[0], parts[1], len(data)


class FakeWorld:
    """The fake ATS API on 127.0.0.1 with a fixed delay per request; stopped by ``close``."""

    def __init__(self, boards: int, latency: float) -> None:
        sys.path.insert(0, str(FAKEAPI_DIR))
        import fakeapi

        outer = self

        class SlowApi(fakeapi.FakeApi):
            def answer(self, raw_path: str) -> Any:
                time.sleep(outer.latency)
                return super().answer(raw_path)

        self.latency = latency
        self.api = SlowApi()
        fakeapi.install_world(self.api)
        template = fakeapi.load("greenhouse_jobs.json")
        self.extra = [f"crash{i:02d}" for i in range(1, boards + 1)]
        for n, token in enumerate(self.extra, start=1):
            page = copy.deepcopy(template)
            for job in page["jobs"]:
                job["id"] = job["id"] * 100 + n
            self.api.json(f"/v1/boards/{token}/jobs", page)
        self.api.thread.start()
        self.env = {f"JOBATLAS_{k.upper()}_URL": v for k, v in fakeapi.base_urls(self.api).items()}
        self.env |= {
            "JOBATLAS_HTTP_RATE": "10000",
            "JOBATLAS_HTTP_BACKOFF": "0.001",
            "JOBATLAS_HTTP_TIMEOUT": "20",
        }
        self.boards = {
            src: names
            for src, names in fakeapi.BOARDS.items()
            if src in ("greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee")
        }

    def companies_file(self, path: Path) -> Path:
        entries = [(src, slug) for src, slugs in self.boards.items() for slug in slugs]
        entries += [("greenhouse", token) for token in self.extra]
        path.write_text(
            "\n".join(
                f'[[company]]\nname = "{src} {slug}"\nats = "{src}"\nslug = "{slug}"\n'
                for src, slug in entries
            ),
            encoding="utf-8",
        )
        return path

    def close(self) -> None:
        self.api.server.shutdown()
        self.api.server.server_close()


# -- the campaign ----------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    argv: Callable[[Path], list[str]]  # the command killed, then rerun, for a store path
    prepare: Callable[[Path], None]  # puts the starting store (if any) at the path
    env: dict[str, str]
    exclude: dict[str, dict[str, str]]
    watch: tuple[tuple[str, str], ...]  # (table, label) counted in the store after a kill
    closed_sql: str | None = None
    """Counts the passes a killed run had already closed. When non-zero, rerunning the
    command is a new pass by design (collect), so the store is compared with two clean
    passes in a row instead of one."""
    note_sql: str | None = None
    """A count shown after the rerun when non-zero (see ``KNOWN_ON_RERUN``)."""


@dataclass
class Tally:
    trials: int = 0
    killed: int = 0
    identical: int = 0
    mismatched: int = 0
    errors: int = 0
    unreconciled: int = 0
    left_running: int = 0
    left_interrupted: int = 0
    second_pass: int = 0
    skipped: int = 0
    known_on_rerun: int = 0
    mismatched_tables: Counter[str] = field(default_factory=Counter)
    findings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.errors or self.unreconciled)


def merged(*maps: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for m in maps:
        for table, cols in m.items():
            out.setdefault(table, {}).update(cols)
    return out


def run_stage(
    stage: Stage, runs: int, rng: random.Random, work: Path, deadline: float, keep: bool
) -> Tally:
    tally = Tally()
    folder = work / stage.name
    folder.mkdir()
    env = child_env(stage.env)
    clean_db = folder / "clean.duckdb"
    timings = []
    for attempt in ("clean", "control"):
        db = clean_db if attempt == "clean" else folder / "control.duckdb"
        stage.prepare(db)
        timings.append(timed_run(stage.argv(db), env, folder, db))
    clean = snapshot(clean_db, stage.exclude)
    control_diff = compare(clean, snapshot(folder / "control.duckdb", stage.exclude))
    # the quicker clean run bounds the window: other jobs on the machine only slow runs down
    lo = min(t.opened for t in timings)
    hi = min(t.total for t in timings)
    sizes = ", ".join(f"{t} {sum(c.values()):,}" for t, c in clean.digests.items() if c)
    print(
        f"[{stage.name}] clean runs {timings[0].total:.2f}s and {timings[1].total:.2f}s "
        f"(store open from {lo:.2f}s); kill window {lo:.2f}-{hi:.2f}s; clean store: {sizes}",
        flush=True,
    )
    if control_diff:
        tally.errors += 1
        tally.findings.append(
            f"{stage.name}: two clean runs differ ({', '.join(map(str, control_diff))}); "
            "the comparison is not valid for this stage"
        )
        print(f"[{stage.name}] CONTROL MISMATCH: {tally.findings[-1]}", flush=True)
        for d in control_diff:
            for ex in d.examples:
                print(f"    {d.table}: {ex}", flush=True)
        return tally
    ok, acc = accounting(clean_db, env, folder)
    if not ok:
        raise SystemExit(f"[{stage.name}] the clean store does not reconcile: {acc}")
    two_passes: list[Snapshot] = []

    def reference(closed: int) -> Snapshot:
        if not closed:
            return clean
        if not two_passes:
            twice = folder / "two-passes.duckdb"
            shutil.copyfile(clean_db, twice)
            check(run_to_end(stage.argv(twice), env, folder), f"{stage.name} second clean pass")
            two_passes.append(snapshot(twice, stage.exclude))
        return two_passes[0]

    for i in range(1, runs + 1):
        if time.monotonic() > deadline:
            tally.skipped = runs - i + 1
            print(f"[{stage.name}] time budget spent: {tally.skipped} trials not run", flush=True)
            break
        tally.trials += 1
        db = folder / f"trial{i:03d}.duckdb"
        stage.prepare(db)
        argv = stage.argv(db)
        delay = rng.uniform(lo, hi)
        killed = run_and_kill(argv, env, folder, delay)
        tally.killed += killed
        left = state_after_kill(db, stage.watch) if killed else "finished before the kill"
        closed = probe(db, stage.closed_sql) if stage.closed_sql else 0
        if closed:
            left += " (pass closed: rerun is a 2nd pass, compared with 2 clean passes)"
            tally.second_pass += 1
        share = (delay - lo) / (hi - lo) if hi > lo else 0.0
        head = f"{stage.name} #{i:02d} kill@{delay:.2f}s ({share:4.0%} into window): {left}"
        started = time.perf_counter()
        try:
            rerun = run_to_end(argv, env, folder)
        except subprocess.TimeoutExpired:
            tally.errors += 1
            tally.findings.append(f"{head}; rerun timed out")
            print(f"{head} | RERUN TIMED OUT", flush=True)
            continue
        took = time.perf_counter() - started
        if rerun.returncode != 0:
            tally.errors += 1
            why = last_line(rerun.stderr or rerun.stdout)
            tally.findings.append(f"{head}; rerun failed (exit {rerun.returncode}): {why}")
            print(f"{head} | RERUN FAILED exit {rerun.returncode}: {why}", flush=True)
            continue
        reconciles, acc = accounting(db, env, folder)
        trial = snapshot(db, stage.exclude)
        tally.left_running += trial.run_status.get("running", 0)
        tally.left_interrupted += trial.run_status.get("interrupted", 0)
        diff = compare(reference(closed), trial)
        verdict = "identical" if not diff else "MISMATCH " + ", ".join(map(str, diff))
        if not reconciles:
            tally.unreconciled += 1
            tally.findings.append(f"{head}; accounting does not reconcile: {acc}")
            verdict += f"; DOES NOT RECONCILE ({acc})"
        if diff:
            tally.mismatched += 1
            tally.mismatched_tables.update(d.table for d in diff)
            tally.findings.append(f"{head}; differs: {', '.join(map(str, diff))}")
        else:
            tally.identical += 1
        runs_left = ", ".join(f"{s} {n}" for s, n in sorted(trial.run_status.items()))
        known = probe(db, stage.note_sql) if stage.note_sql and not closed else 0
        if known:
            tally.known_on_rerun += 1
            acc += f"; {known} raw rows stored by the killed run, counted as known on rerun"
        print(f"{head} | rerun {took:.2f}s | runs: {runs_left} | {acc} | {verdict}", flush=True)
        for d in diff:
            for ex in d.examples:
                print(f"    {d.table}: {ex}", flush=True)
        if not diff and reconciles and not keep:
            for leftover in (db, Path(f"{db}.wal")):
                leftover.unlink(missing_ok=True)
    return tally


def build_stages(args: argparse.Namespace, work: Path, world: FakeWorld | None) -> list[Stage]:
    stages = []
    inputs = work / "input"
    inputs.mkdir()
    if {"ingest", "normalize"} & set(args.stages):
        part1, part2, n = slice_input(args.rows, inputs)
        print(f"input: first {n:,} rows of {bundled_file().name} (real), in two files", flush=True)
    if "ingest" in args.stages:
        stages.append(
            Stage(
                "ingest",
                lambda db: cli("ingest", str(part1), str(part2), "--db", str(db)),
                lambda db: None,
                {},
                EXCLUDED,
                (("raw_postings", "raw"),),
            )
        )
    if "normalize" in args.stages:
        template = inputs / "half-normalized.duckdb"
        env = child_env()
        for argv in (
            cli("ingest", str(part1), "--db", str(template)),
            cli("normalize", "--db", str(template)),
            cli("ingest", str(part2), "--db", str(template)),
        ):
            check(run_to_end(argv, env, inputs), " ".join(argv[2:4]) + " (normalize template)")
        stages.append(
            Stage(
                "normalize",
                lambda db: cli("normalize", "--db", str(db)),
                lambda db: shutil.copyfile(template, db),
                {},
                EXCLUDED,
                (("postings", "postings"), ("duplicates", "duplicates")),
            )
        )
    if "collect" in args.stages and world is not None:
        companies = world.companies_file(inputs / "companies.toml")
        exclude = EXCLUDED if args.collect_workers == 1 else merged(EXCLUDED, EXCLUDED_CONCURRENT)
        stages.append(
            Stage(
                "collect",
                lambda db: cli(
                    "collect",
                    "--companies",
                    str(companies),
                    "--db",
                    str(db),
                    "--workers",
                    str(args.collect_workers),
                ),
                lambda db: None,
                world.env,
                exclude,
                (("raw_postings", "raw"), ("collection_runs", "boards done")),
                "SELECT count(*) FROM collections WHERE finished_at IS NOT NULL",
                KNOWN_ON_RERUN,
            )
        )
    return stages


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="trials per stage (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the kill delays")
    parser.add_argument(
        "--rows",
        type=int,
        default=0,
        help="first N rows of the bundled real file for ingest/normalize (0: all 32,672)",
    )
    parser.add_argument(
        "--stages",
        default=",".join(STAGES),
        help="comma-separated subset of ingest,normalize,collect",
    )
    parser.add_argument(
        "--boards", type=int, default=12, help="synthetic Greenhouse boards added for collect"
    )
    parser.add_argument(
        "--latency", type=float, default=0.03, help="fake API delay per request, seconds"
    )
    parser.add_argument("--collect-workers", type=int, default=2, help="collect --workers")
    parser.add_argument(
        "--budget", type=float, default=600, help="start no trial after this many seconds"
    )
    parser.add_argument("--keep", action="store_true", help="keep every store (default: only bad)")
    parser.add_argument("--tmp", type=Path, default=None, help="where the work folder goes")
    args = parser.parse_args(argv)
    args.stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(args.stages) - set(STAGES)
    if unknown or not args.stages:
        parser.error(f"--stages: choose from {', '.join(STAGES)}")
    if args.runs < 1 or args.rows < 0 or args.boards < 0 or args.collect_workers < 1:
        parser.error("--runs, --collect-workers must be >= 1; --rows, --boards >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    if sys.platform == "win32":
        raise SystemExit("SIGKILL is POSIX-only")
    args = parse_args(argv)
    rng = random.Random(args.seed)
    started = time.monotonic()
    deadline = started + args.budget
    work = Path(tempfile.mkdtemp(prefix="jobatlas-crash-", dir=args.tmp))
    world = FakeWorld(args.boards, args.latency) if "collect" in args.stages else None
    tallies: dict[str, Tally] = {}
    try:
        if world is not None:
            print(f"fake ATS API on {world.api.url} (loopback), {args.latency:.3f}s per request")
        for stage in build_stages(args, work, world):
            tallies[stage.name] = run_stage(stage, args.runs, rng, work, deadline, args.keep)
    except BaseException:
        print(f"stopped; work folder kept: {work}", file=sys.stderr)
        raise
    finally:
        if world is not None:
            world.close()
    elapsed = time.monotonic() - started
    ok = all(t.ok for t in tallies.values())
    print(f"\nsummary (seed {args.seed}, {elapsed:.0f}s wall, {os.cpu_count()} cores):")
    for name, t in tallies.items():
        tables_hit = ", ".join(f"{k} {n}" for k, n in t.mismatched_tables.items()) or "-"
        print(
            f"  {name:9} trials {t.trials}, killed {t.killed}, pass already closed "
            f"{t.second_pass}, identical {t.identical}, "
            f"mismatched {t.mismatched} (tables: {tables_hit}), errors {t.errors}, "
            f"not reconciled {t.unreconciled}, not run (budget) {t.skipped}; runs after rerun: "
            f"running {t.left_running}, interrupted {t.left_interrupted}"
        )
    for name, t in tallies.items():
        if t.known_on_rerun:
            print(
                f"  note [{name}]: {t.known_on_rerun} trial(s) killed between a board's postings "
                "and its run row: the board was refetched and its rows counted as known"
            )
        for finding in t.findings:
            print(f"  finding [{name}]: {finding}")
    if ok and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"stores kept in {work}")
    print("result: " + ("all identical and reconciled" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
