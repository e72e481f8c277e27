"""Collecting boards into the store: concurrent fetches, one writer, resumable.

Worker threads fetch boards through the shared HTTP client; only the calling thread
writes. It stores each fetched board as a whole: its postings (``ingest_records``),
then its sightings and its ``collection_runs`` row, which marks it done. A process
killed in between leaves the board not done, so it is fetched again on resume, and
nothing is stored twice since postings are keyed by (source, source id). A board that
fails is recorded as failed with its reason; the others go on.

A host that refuses connections or cannot be resolved is skipped after its first failure
(see ``sources.http``); the report names those hosts, and says the network is unreachable
when no host answered at all, so an offline run ends in seconds with that one line.

A collection is one pass over a list of boards, identified by the list itself. If it
is killed, running the same list again resumes it: boards already collected (ok or
degraded) are skipped, failed and missing ones are fetched.

Within a board, a job the source could not map is stored as a raw row carrying a
``parse_error`` (board, job position, field), which normalize quarantines as
``malformed_row``; the board is ``degraded``. A repeated id keeps its first copy and
the later ones are counted as duplicates, not stored. Per board,
``fetched = added + skipped + duplicates``.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime

from jobatlas.errors import ConfigError, JobatlasError
from jobatlas.ingest import ingest_records
from jobatlas.models import RawPosting
from jobatlas.sources.base import Board, FetchContext, Rejected, Source
from jobatlas.sources.http import HttpClient, HttpConfig
from jobatlas.sources.probe import Request, first_request
from jobatlas.sources.registry import registry
from jobatlas.store.duckdb import Store

DEFAULT_WORKERS = 4
OK, DEGRADED, FAILED = "ok", "degraded", "failed"


@dataclass(frozen=True, slots=True)
class BoardOutcome:
    """What happened to one board; ``resumed`` when it was collected earlier in this pass.

    ``fetched`` counts every job the source returned: ``added + skipped + duplicates``.
    ``rejected`` jobs could not be read; they are among the added or skipped raw rows.
    """

    board: Board
    status: str
    fetched: int = 0
    added: int = 0
    skipped: int = 0
    rejected: int = 0
    duplicates: int = 0
    requests: int = 0
    duration_s: float = 0.0
    error: str | None = None
    error_type: str | None = None
    resumed: bool = False


@dataclass
class CollectionReport:
    collection_id: int
    run_id: int
    resumed: bool
    outcomes: list[BoardOutcome] = field(default_factory=list)
    unreachable: dict[str, str] = field(default_factory=dict)
    """Hosts skipped after their first failure, with the reason."""
    network_down: bool = False
    """No host answered and the first ones tried were unreachable."""

    @property
    def status(self) -> str:
        return overall_status([o.status for o in self.outcomes])

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failed(self) -> list[BoardOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]


@dataclass
class _Harvest:
    """One board as fetched by a worker: its postings, or the error that stopped it."""

    board: Board
    postings: list[RawPosting]
    rejected: list[Rejected]
    started_at: datetime
    duration_s: float
    requests: int
    origin: str | None
    notes: list[str]
    error: BaseException | None = None


OnBoard = Callable[[BoardOutcome], None]


def overall_status(statuses: Sequence[str]) -> str:
    """ok when every board is ok, failed when every board failed, degraded otherwise."""
    if statuses and all(s == FAILED for s in statuses):
        return FAILED
    return OK if all(s == OK for s in statuses) else DEGRADED


def collect(
    store: Store,
    boards: Iterable[Board],
    *,
    client: HttpClient | None = None,
    base_urls: Mapping[str, str] | None = None,
    sources: Mapping[str, Source] | None = None,
    workers: int = DEFAULT_WORKERS,
    fresh: bool = False,
    retry_failed: bool = False,
    on_board: OnBoard | None = None,
) -> CollectionReport:
    """Collect every board into ``store``; see the module docstring for resume rules.

    ``base_urls`` overrides the base URL per source name. ``fresh`` starts a new pass even
    when this list was interrupted; ``retry_failed`` reopens the last pass of this list
    (finished or not) to fetch only its failed boards. ``on_board`` is told of each board.
    Config problems (unknown source, missing key or extra, bad base URL) raise before any
    request is made.
    """
    plan = _plan(
        boards,
        sources if sources is not None else registry(),
        base_urls or {},
        workers,
        "retry" if retry_failed else "fresh" if fresh else "resume",
        on_board,
    )
    http = client or HttpClient(HttpConfig.from_env())
    try:
        with store.run("collect") as (run_id, stats):
            report = _collect(store, run_id, http, plan)
            report.unreachable = dict(http.unreachable)
            report.network_down = http.network_down
            stats.rows_in = sum(o.fetched for o in report.outcomes if not o.resumed)
            stats.rows_out = sum(o.added for o in report.outcomes)
            stats.rows_rejected = sum(o.rejected for o in report.outcomes)
            stats.status = report.status
            stats.detail.update(
                collection_id=report.collection_id,
                boards=len(report.outcomes),
                resumed_boards=sum(o.resumed for o in report.outcomes),
                duplicates=sum(o.duplicates for o in report.outcomes),
                failed={o.board.key: o.error for o in report.failed},
            )
    finally:
        if client is None:
            http.close()
    return report


def dry_run(
    boards: Iterable[Board],
    *,
    base_urls: Mapping[str, str] | None = None,
    sources: Mapping[str, Source] | None = None,
) -> list[tuple[Board, Request | None]]:
    """Each board with the first request collecting it would make (None: not over HTTP);
    the same checks as ``collect`` run first, and nothing is fetched or stored."""
    plan = _plan(
        boards, sources if sources is not None else registry(), base_urls or {}, 1, "fresh", None
    )
    return [(b, first_request(source, b, base)) for b, source, base in plan.boards]


@dataclass(frozen=True)
class _Plan:
    """The checked boards of one call, each with its source and base URL."""

    boards: list[tuple[Board, Source, str]]
    workers: int
    mode: str
    """resume (the unfinished pass, if any), fresh (a new pass) or retry (the last pass)."""
    on_board: OnBoard | None

    @property
    def fingerprint(self) -> str:
        keys = sorted(b.key for b, _, _ in self.boards)
        return hashlib.sha1("\n".join(keys).encode()).hexdigest()


def _plan(
    boards: Iterable[Board],
    catalog: Mapping[str, Source],
    base_urls: Mapping[str, str],
    workers: int,
    mode: str,
    on_board: OnBoard | None,
) -> _Plan:
    checked = []
    for b in {b.key: b for b in boards}.values():
        if b.source not in catalog:
            raise ConfigError(
                f"unknown source {b.source!r} for board {b.slug!r}",
                hint="known: " + ", ".join(catalog),
            )
        source = catalog[b.source]
        source.check(b)
        base = source.info.base_url(b, base_urls.get(b.source))
        if source.info.extra is None and not _HTTP_URL.match(base):
            raise ConfigError(
                f"{b.source}: base URL {base!r} is not an http(s) URL",
                hint=f"check --base-url or ${source.info.env_var}, e.g. https://mirror.example",
            )
        checked.append((b, source, base))
    return _Plan(checked, max(1, workers), mode, on_board)


_HTTP_URL = re.compile(r"^https?://[^/\s]+", re.IGNORECASE)


def _collect(store: Store, run_id: int, client: HttpClient, plan: _Plan) -> CollectionReport:
    collection_id, resumed = _open_collection(store, plan.fingerprint, len(plan.boards), plan.mode)
    report = CollectionReport(collection_id=collection_id, run_id=run_id, resumed=resumed)
    done = _finished_boards(store, collection_id)
    pool = ThreadPoolExecutor(max_workers=plan.workers, thread_name_prefix="collect")
    try:
        futures: list[Future[_Harvest]] = []
        for b, source, base in plan.boards:
            if b.key in done:
                _report(report, BoardOutcome(b, done[b.key], resumed=True), plan.on_board)
            else:
                futures.append(pool.submit(_harvest, source, b, client, base))
        for future in as_completed(futures):
            outcome = _store_harvest(store, collection_id, run_id, future.result())
            _report(report, outcome, plan.on_board)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    _close_collection(store, collection_id, report.status)
    return report


def _report(report: CollectionReport, outcome: BoardOutcome, on_board: OnBoard | None) -> None:
    report.outcomes.append(outcome)
    if on_board is not None:
        on_board(outcome)


def _harvest(source: Source, board: Board, client: HttpClient, base_url: str) -> _Harvest:
    """Fetch one board in a worker thread; every error is kept for the board's record."""
    ctx = FetchContext(client, source.info, base_url)
    started_at = _now()
    started = time.perf_counter()
    postings: list[RawPosting] = []
    error: BaseException | None = None
    try:
        postings = list(source.fetch(board, ctx))
    except Exception as exc:  # isolate the board: any failure is recorded, not raised
        error = exc
    return _Harvest(
        board=board,
        postings=postings,
        rejected=ctx.rejected,
        started_at=started_at,
        duration_s=round(time.perf_counter() - started, 3),
        requests=ctx.requests,
        origin=ctx.origin,
        notes=ctx.notes,
        error=error,
    )


def _store_harvest(
    store: Store, collection_id: int, run_id: int, harvest: _Harvest
) -> BoardOutcome:
    board = harvest.board
    if harvest.error is not None:
        outcome = BoardOutcome(
            board,
            FAILED,
            requests=harvest.requests,
            duration_s=harvest.duration_s,
            error=describe_error(harvest.error),
            error_type=type(harvest.error).__name__,
        )
        with store.transaction():
            _record_run(store, collection_id, run_id, harvest, outcome)
        return outcome
    origin = harvest.origin or board.key
    postings = _first_copies(harvest.postings)
    rejected = _rejected_rows(harvest.rejected, board)
    result = ingest_records(store, postings, origin=origin, run_id=run_id)
    notes = harvest.notes + _rejected_note(harvest.rejected, len(rejected))
    fetched = len(harvest.postings) + len(harvest.rejected)
    with store.transaction():
        rejected_added = _store_rejected(store, rejected, board, origin, run_id)
        outcome = BoardOutcome(
            board,
            DEGRADED if notes else OK,
            fetched=fetched,
            added=result.added + rejected_added,
            skipped=result.skipped + len(rejected) - rejected_added,
            rejected=len(rejected),
            duplicates=fetched - len(postings) - len(rejected),
            requests=harvest.requests,
            duration_s=harvest.duration_s,
            error="; ".join(notes) or None,
        )
        _record_sightings(store, postings, board.key, collection_id)
        _record_run(store, collection_id, run_id, harvest, outcome)
    return outcome


def _first_copies(postings: Sequence[RawPosting]) -> list[RawPosting]:
    """The first posting of each (source, source id); later copies are the board's duplicates."""
    first: dict[tuple[str, str], RawPosting] = {}
    for p in postings:
        first.setdefault((p.source, p.source_id), p)
    return list(first.values())


def _rejected_note(rejected: Sequence[Rejected], distinct: int) -> list[str]:
    if not rejected:
        return []
    first = rejected[0]
    return [
        f"{distinct} job(s) unreadable, kept for quarantine "
        f"(first: job {first.position}: {first.reason})"
    ]


def _rejected_rows(rejected: Sequence[Rejected], board: Board) -> dict[str, tuple[int, str]]:
    """{record JSON: (position, parse error)}, one per distinct record (repeats are duplicates)."""
    rows: dict[str, tuple[int, str]] = {}
    for r in rejected:
        record = r.record if isinstance(r.record, Mapping) else {"_unparsed": r.record}
        text = json.dumps(record, ensure_ascii=False, default=str)
        rows.setdefault(text, (r.position, f"{board.key}: job {r.position}: {r.reason}"))
    return rows


def describe_error(error: BaseException) -> str:
    if isinstance(error, JobatlasError):
        return str(error)
    return f"internal error {type(error).__name__}: {error} (please report it)"


# -- the store side -------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _open_collection(store: Store, print_: str, n_boards: int, mode: str) -> tuple[int, bool]:
    """The collection to continue for this board list, or a new one.

    ``resume``: the unfinished one if any; ``retry``: the latest one, reopened;
    ``fresh``: always new (an unfinished one is marked abandoned).
    """
    finished = "" if mode == "retry" else " AND finished_at IS NULL"
    found = store.scalar(
        f"SELECT max(collection_id) FROM collections WHERE fingerprint = ?{finished}", [print_]
    )
    if found is not None and mode != "fresh":
        if mode == "retry":
            with store.transaction():
                store.con.execute(
                    "UPDATE collections SET finished_at = NULL, status = 'running' "
                    "WHERE collection_id = ?",
                    [found],
                )
        return int(found), True
    with store.transaction():
        store.con.execute(
            "UPDATE collections SET finished_at = ?, status = 'abandoned' "
            "WHERE fingerprint = ? AND finished_at IS NULL",
            [_now(), print_],
        )
        new_id = int(store.scalar("SELECT nextval('collection_id_seq')"))
        store.con.execute(
            "INSERT INTO collections (collection_id, fingerprint, n_boards, started_at, status) "
            "VALUES (?, ?, ?, ?, 'running')",
            [new_id, print_, n_boards, _now()],
        )
    return new_id, False


def _finished_boards(store: Store, collection_id: int) -> dict[str, str]:
    rows = store.con.execute(
        "SELECT board, arg_max(status, collection_run_id) FROM collection_runs "
        "WHERE collection_id = ? GROUP BY board",
        [collection_id],
    ).fetchall()
    return {str(board): str(status) for board, status in rows if status in (OK, DEGRADED)}


def _close_collection(store: Store, collection_id: int, status: str) -> None:
    with store.transaction():
        store.con.execute(
            "UPDATE collections SET finished_at = ?, status = ? WHERE collection_id = ?",
            [_now(), status, collection_id],
        )


def _store_rejected(
    store: Store, rows: Mapping[str, tuple[int, str]], board: Board, origin: str, run_id: int
) -> int:
    """Store unreadable jobs as raw rows with a ``parse_error``; returns how many were new.

    Keyed by board and record, so the same unreadable job collected again adds nothing.
    """
    if not rows:
        return 0
    inserted = store.con.execute(
        """
        INSERT INTO raw_postings (raw_id, run_id, source, source_file, source_row,
                                  content_hash, ingested_at, record, parse_error)
        SELECT (SELECT coalesce(max(raw_id), 0) FROM raw_postings)
                   + row_number() OVER (ORDER BY k.source_row),
               ?, ?, ?, k.source_row, k.content_hash, ?, k.record::JSON, k.parse_error
        FROM (
            SELECT md5('rejected|' || ? || '|' || record) AS content_hash, *
            FROM (SELECT unnest(?::VARCHAR[]) AS record, unnest(?::BIGINT[]) AS source_row,
                         unnest(?::VARCHAR[]) AS parse_error)
        ) k
        ANTI JOIN raw_postings r ON r.content_hash = k.content_hash
        """,
        [
            run_id,
            board.source,
            origin,
            _now(),
            board.key,
            list(rows),
            [position for position, _ in rows.values()],
            [error for _, error in rows.values()],
        ],
    ).fetchone()
    return int(inserted[0]) if inserted else 0


def _record_run(
    store: Store, collection_id: int, run_id: int, harvest: _Harvest, outcome: BoardOutcome
) -> None:
    row_id = int(store.scalar("SELECT nextval('collection_run_id_seq')"))
    store.con.execute(
        "INSERT INTO collection_runs (collection_run_id, collection_id, run_id, source, board, "
        "origin, started_at, finished_at, duration_s, status, n_fetched, n_added, n_skipped, "
        "n_requests, error_type, error, n_rejected, n_duplicates) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            row_id,
            collection_id,
            run_id,
            harvest.board.source,
            harvest.board.key,
            harvest.origin,
            harvest.started_at,
            _now(),
            outcome.duration_s,
            outcome.status,
            outcome.fetched,
            outcome.added,
            outcome.skipped,
            outcome.requests,
            outcome.error_type,
            outcome.error,
            outcome.rejected,
            outcome.duplicates,
        ],
    )


def _record_sightings(
    store: Store, postings: Sequence[RawPosting], board_key: str, collection_id: int
) -> None:
    if not postings:
        return
    now = _now()
    store.con.execute(
        "INSERT INTO sightings "
        "SELECT source, source_id, ?, ?, ?, 1, ? FROM ("
        "SELECT unnest(?::VARCHAR[]) AS source, unnest(?::VARCHAR[]) AS source_id) "
        "ON CONFLICT (source, source_id) DO UPDATE SET board = excluded.board, "
        "last_seen = excluded.last_seen, times_seen = times_seen + 1, "
        "last_collection_id = excluded.last_collection_id",
        [
            board_key,
            now,
            now,
            collection_id,
            [p.source for p in postings],
            [p.source_id for p in postings],
        ],
    )
