"""Collecting from a loopback server at the real API paths: once-only storage, faults, resume."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from fakeapi import (
    BOARDS,
    EXPECTED,
    FakeApi,
    base_urls,
    fast_client,
    gzip_bomb,
    install_world,
    load,
    reply,
    trickle,
    truncated,
)

from jobatlas.collect import BoardOutcome, CollectionReport, collect
from jobatlas.errors import ConfigError
from jobatlas.pipeline import accounting, normalize
from jobatlas.sources.base import Board, board
from jobatlas.store.duckdb import Store


def all_boards() -> list[Board]:
    return [board(source, slug) for source, slugs in BOARDS.items() for slug in slugs]


def small_boards() -> list[Board]:
    """Every board but the two big paged ones, for the fault tests."""
    return [b for b in all_boards() if b.slug not in ("bigboard", "BigCo")]


SMALL = EXPECTED | {"lever": 4, "smartrecruiters": 2}


def run(
    store: Store,
    api: FakeApi,
    boards: list[Board] | None = None,
    client: dict[str, Any] | None = None,
    **options: Any,
) -> CollectionReport:
    with fast_client(**(client or {})) as http:
        return collect(
            store, boards or small_boards(), client=http, base_urls=base_urls(api), **options
        )


def stored_by_source(store: Store) -> dict[str, int]:
    rows = store.con.execute("SELECT source, count(*) FROM raw_postings GROUP BY source").fetchall()
    return {str(source): int(n) for source, n in rows}


def outcome(report: CollectionReport, key: str) -> BoardOutcome:
    return next(o for o in report.outcomes if o.board.key == key)


def test_every_posting_is_stored_once(store: Store, api: FakeApi) -> None:
    install_world(api)
    report = run(store, api, all_boards())
    assert report.status == "ok" and not report.resumed
    assert {o.status for o in report.outcomes} == {"ok"}
    assert stored_by_source(store) == EXPECTED
    duplicates = store.scalar(
        "SELECT count(*) FROM (SELECT source, source_id FROM raw_postings "
        "GROUP BY ALL HAVING count(*) > 1)"
    )
    assert duplicates == 0
    runs = store.con.execute(
        "SELECT board, status, n_fetched, n_added, n_requests FROM collection_runs ORDER BY board"
    ).fetchall()
    assert len(runs) == len(all_boards())
    assert ("lever:bigboard", "ok", 130, 130, 2) in runs
    assert store.scalar("SELECT count(*) FROM sightings") == sum(EXPECTED.values())
    assert store.scalar("SELECT status FROM runs WHERE stage = 'collect'") == "ok"


def test_recollecting_stores_nothing_twice_and_updates_last_seen(
    store: Store, api: FakeApi
) -> None:
    install_world(api)
    first = run(store, api, all_boards())
    before = dict(
        store.con.execute("SELECT source || source_id, last_seen FROM sightings").fetchall()
    )
    first_seen = store.scalar("SELECT min(first_seen) FROM sightings")
    time.sleep(0.01)
    second = run(store, api, all_boards())
    assert second.collection_id != first.collection_id and not second.resumed
    assert sum(o.added for o in second.outcomes) == 0
    assert sum(o.skipped for o in second.outcomes) == sum(EXPECTED.values())
    assert stored_by_source(store) == EXPECTED
    after = dict(
        store.con.execute("SELECT source || source_id, last_seen FROM sightings").fetchall()
    )
    assert after.keys() == before.keys()
    assert all(after[k] > before[k] for k in before)
    assert store.scalar("SELECT min(first_seen) FROM sightings") == first_seen
    assert store.scalar("SELECT min(times_seen) FROM sightings") == 2


def test_a_page_without_its_job_list_fails_naming_the_field_while_others_complete(
    store: Store, api: FakeApi
) -> None:
    install_world(api)
    page = load("greenhouse_jobs.json")
    page["jobs"] = {"count": 3}
    api.json(r"/v1/boards/broken/jobs", page)
    report = run(store, api, [*small_boards(), board("greenhouse", "broken")])
    broken = outcome(report, "greenhouse:broken")
    assert broken.status == "failed" and broken.error_type == "SourceSchemaChanged"
    assert "'jobs'" in (broken.error or "")
    assert {o.status for o in report.outcomes if o is not broken} == {"ok"}
    assert report.status == "degraded"
    assert stored_by_source(store) == SMALL  # nothing from the broken board
    row = store.con.execute(
        "SELECT status, error_type, error FROM collection_runs WHERE board = 'greenhouse:broken'"
    ).fetchone()
    assert row is not None and row[:2] == ("failed", "SourceSchemaChanged")
    assert "'jobs'" in row[2]


def mixed_board() -> dict[str, Any]:
    """A Greenhouse page of three jobs: one good, one with a title that is not text, one
    without an id (ids shifted so they differ from the standard board's)."""
    page = load("greenhouse_jobs.json")
    for job in page["jobs"]:
        job["id"] += 1000
    page["jobs"][1]["title"] = {"en": "Research Scientist"}
    del page["jobs"][2]["id"]
    return page


def test_an_unreadable_job_is_quarantined_naming_board_and_field_and_the_rest_stored(
    store: Store, api: FakeApi
) -> None:
    page = mixed_board()
    api.json(r"/v1/boards/mixed/jobs", page)
    report = run(store, api, [board("greenhouse", "mixed")])
    mixed = report.outcomes[0]
    assert (mixed.status, mixed.fetched, mixed.added, mixed.skipped) == ("degraded", 3, 3, 0)
    assert (mixed.rejected, mixed.duplicates) == (2, 0)
    assert "2 job(s) unreadable" in (mixed.error or "") and "jobs[].title" in (mixed.error or "")
    good = store.con.execute("SELECT source_id FROM raw_postings WHERE parse_error IS NULL")
    assert good.fetchall() == [(str(page["jobs"][0]["id"]),)]
    bad = store.con.execute(
        "SELECT source_row, parse_error, record FROM raw_postings "
        "WHERE parse_error IS NOT NULL ORDER BY source_row"
    ).fetchall()
    assert [row[0] for row in bad] == [2, 3]
    assert bad[0][1].startswith("greenhouse:mixed: job 2: ") and "'jobs[].title'" in bad[0][1]
    assert bad[1][1].startswith("greenhouse:mixed: job 3: ") and "'jobs[].id'" in bad[1][1]
    assert [json.loads(row[2]) for row in bad] == page["jobs"][1:]
    counts = store.con.execute(
        "SELECT n_fetched, n_added, n_rejected, n_duplicates, status FROM collection_runs"
    ).fetchone()
    assert counts == (3, 3, 2, 0, "degraded")
    assert store.scalar("SELECT rows_rejected FROM runs WHERE stage = 'collect'") == 2

    result = normalize(store)
    assert (result.rows_in, result.quarantined) == (3, 2)
    quarantined = store.con.execute("SELECT reason, detail FROM quarantine ORDER BY raw_id")
    details = quarantined.fetchall()
    assert [reason for reason, _ in details] == ["malformed_row", "malformed_row"]
    assert [detail for _, detail in details] == [row[1] for row in bad]
    books = accounting(store)
    assert books.reconciles and books.pending == 0
    assert books.raw == books.postings + books.quarantined + books.duplicates == 3


def test_collecting_an_unreadable_job_again_stores_nothing_new(store: Store, api: FakeApi) -> None:
    api.json(r"/v1/boards/mixed/jobs", mixed_board())
    run(store, api, [board("greenhouse", "mixed")])
    again = run(store, api, [board("greenhouse", "mixed")]).outcomes[0]
    assert (again.fetched, again.added, again.skipped, again.rejected) == (3, 0, 3, 2)
    assert store.scalar("SELECT count(*) FROM raw_postings") == 3


def test_a_500_then_success_and_a_429_with_retry_after(store: Store, api: FakeApi) -> None:
    install_world(api)
    api.script(r"/v0/postings/nimbuslabs", reply({"error": "oops"}, 500))
    api.script(
        r"/posting-api/job-board/lumen", reply({"error": "slow down"}, 429, **{"Retry-After": "0"})
    )
    report = run(store, api)
    assert report.status == "ok"
    assert api.count(r"/v0/postings/nimbuslabs") == 2
    assert api.count(r"/posting-api/job-board/lumen") == 2
    assert outcome(report, "lever:nimbuslabs").requests == 2
    assert stored_by_source(store) == SMALL


def test_a_board_that_times_out_fails_alone(store: Store, api: FakeApi) -> None:
    install_world(api)

    def stall() -> tuple[int, dict[str, str], bytes]:
        time.sleep(0.6)
        return reply({"jobs": []})

    api.script(r"/api/v1/widget/accounts/orbital", stall, stall)
    report = run(store, api, client={"timeout": 0.2, "max_tries": 2})
    stuck = outcome(report, "workable:orbital")
    assert stuck.status == "failed" and stuck.error_type == "TransientSourceError"
    assert "timed out" in (stuck.error or "") and "failed 2 times" in (stuck.error or "")
    assert report.count("ok") == len(report.outcomes) - 1
    assert "workable" not in stored_by_source(store)


def test_an_interrupted_collection_resumes_without_refetching(store: Store, api: FakeApi) -> None:
    install_world(api)
    boards = small_boards()
    done: list[str] = []

    def interrupt_after_three(result: BoardOutcome) -> None:
        done.append(result.board.key)
        if len(done) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(store, api, boards, workers=1, on_board=interrupt_after_three)
    assert store.scalar("SELECT status FROM runs WHERE stage = 'collect'") == "failed"
    requests_before = {b.key: _board_requests(api, b) for b in boards}
    report = run(store, api, boards)
    assert report.resumed and report.status == "ok"
    assert {o.board.key for o in report.outcomes if o.resumed} == set(done)
    for b in boards:
        if b.key in done:
            assert _board_requests(api, b) == requests_before[b.key]  # not fetched again
    assert stored_by_source(store) == SMALL
    assert store.scalar("SELECT count(*) FROM collections WHERE finished_at IS NULL") == 0


def _board_requests(api: FakeApi, b: Board) -> int:
    return sum(1 for path, _ in api.requests if f"/{b.slug}" in path)


def test_retry_failed_fetches_only_the_failed_boards(store: Store, api: FakeApi) -> None:
    install_world(api)
    api.script(r"/api/v1/widget/accounts/orbital", reply({}, 503), reply({}, 503))
    first = run(store, api, client={"max_tries": 2})
    assert outcome(first, "workable:orbital").status == "failed"
    lever_calls = api.count(r"/v0/postings/.*")
    again = run(store, api, retry_failed=True)
    assert again.collection_id == first.collection_id and again.resumed
    assert outcome(again, "workable:orbital").status == "ok"
    assert api.count(r"/v0/postings/.*") == lever_calls
    assert stored_by_source(store) == SMALL


def test_fresh_starts_a_new_pass(store: Store, api: FakeApi) -> None:
    install_world(api)
    with pytest.raises(KeyboardInterrupt):
        run(store, api, workers=1, on_board=lambda o: (_ for _ in ()).throw(KeyboardInterrupt))
    report = run(store, api, fresh=True)
    assert not report.resumed and not any(o.resumed for o in report.outcomes)
    assert store.scalar("SELECT count(*) FROM collections WHERE status = 'abandoned'") == 1


def test_a_repeated_id_keeps_the_first_copy_and_is_counted(store: Store, api: FakeApi) -> None:
    first = load("lever_postings.json")[0]
    second = first | {"text": "Another title under the same id"}
    api.json(r"/v0/postings/echo", [first, second, first])
    report = run(store, api, [board("lever", "echo")])
    echo = report.outcomes[0]
    assert (echo.status, echo.fetched, echo.added, echo.duplicates) == ("ok", 3, 1, 2)
    assert store.scalar("SELECT title FROM raw_postings") == first["text"]
    row = store.con.execute("SELECT n_fetched, n_added, n_duplicates FROM collection_runs")
    assert row.fetchone() == (3, 1, 2)
    detail = json.loads(store.scalar("SELECT detail FROM runs WHERE stage = 'collect'"))
    assert detail["duplicates"] == 2


def test_truncated_json_is_retried_then_stored(store: Store, api: FakeApi) -> None:
    page = load("greenhouse_jobs.json")
    api.json(r"/v1/boards/acmerobotics/jobs", page)
    cut = len(json.dumps(page)) // 2
    api.script(
        r"/v1/boards/acmerobotics/jobs",
        truncated(page, cut),  # a body that is complete as HTTP but stops mid-JSON
        truncated(page, cut, claim_full=True),  # fewer bytes than Content-Length
    )
    report = run(store, api, [board("greenhouse", "acmerobotics")])
    assert report.outcomes[0].status == "ok"
    assert report.outcomes[0].requests == 3
    assert store.scalar("SELECT count(*) FROM raw_postings") == len(page["jobs"])


def test_json_truncated_every_time_fails_as_transient_not_as_a_schema_change(
    store: Store, api: FakeApi
) -> None:
    page = load("greenhouse_jobs.json")
    api.script(r"/v1/boards/acmerobotics/jobs", truncated(page, 100), truncated(page, 100))
    report = run(store, api, [board("greenhouse", "acmerobotics")], client={"max_tries": 2})
    failed = report.outcomes[0]
    assert (failed.status, failed.error_type) == ("failed", "TransientSourceError")
    assert "failed 2 times" in (failed.error or "") and "cut short" in (failed.error or "")


@pytest.mark.timed
def test_a_trickled_body_ends_at_the_deadline(store: Store, api: FakeApi) -> None:
    install_world(api)
    # 200 bytes at one per 20 ms: 4 s per try, while no single read waits long enough to
    # reach the 2 s read timeout.
    slow = [lambda: trickle(200, 0.02)] * 2
    api.script(r"/api/v1/widget/accounts/orbital", *slow)
    boards = [board("workable", "orbital"), board("lever", "nimbuslabs")]
    started = time.monotonic()
    report = run(store, api, boards, client={"deadline": 0.3, "max_tries": 2})
    elapsed = time.monotonic() - started
    stuck = outcome(report, "workable:orbital")
    assert (stuck.status, stuck.error_type) == ("failed", "TransientSourceError")
    assert "0.3 s deadline" in (stuck.error or "") and "failed 2 times" in (stuck.error or "")
    assert "JOBATLAS_HTTP_DEADLINE" in (stuck.error or "")
    assert outcome(report, "lever:nimbuslabs").status == "ok"
    assert elapsed < 2.5


def test_a_gzip_bomb_fails_its_board_at_the_size_cap(store: Store, api: FakeApi) -> None:
    install_world(api)
    api.script(r"/v1/boards/acmerobotics/jobs", gzip_bomb(20))
    boards = [board("greenhouse", "acmerobotics"), board("lever", "nimbuslabs")]
    report = run(store, api, boards, client={"max_body_mb": 1})
    bombed = outcome(report, "greenhouse:acmerobotics")
    assert (bombed.status, bombed.error_type) == ("failed", "SourceError")
    error = bombed.error or ""
    assert "/v1/boards/acmerobotics/jobs" in error and "1 MB limit" in error
    assert "JOBATLAS_HTTP_MAX_BODY_MB" in error
    assert api.count(r"/v1/boards/acmerobotics/jobs") == 1  # not retried
    assert outcome(report, "lever:nimbuslabs").status == "ok"


def test_config_errors_come_before_any_request(
    store: Store, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_world(api)
    monkeypatch.delenv("ADZUNA_APP_ID", raising=False)
    monkeypatch.delenv("ADZUNA_APP_KEY", raising=False)
    with pytest.raises(ConfigError, match="ADZUNA"):
        run(store, api, [board("greenhouse", "acmerobotics"), board("adzuna", "gb", query="ml")])
    with pytest.raises(ConfigError, match="unknown source"):
        run(store, api, [board("monster", "x")])
    with pytest.raises(ConfigError, match="JOBATLAS_LEVER_URL"), fast_client() as http:
        collect(store, [board("lever", "x")], client=http, base_urls={"lever": "ftp://m"})
    assert api.requests == []
    assert store.scalar("SELECT count(*) FROM runs") == 0
