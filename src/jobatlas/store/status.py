"""What the store holds: the accounting of raw rows, the runs, the quarantine reasons.

``raw = postings + quarantined + duplicates + pending`` holds at every commit (each stage
writes in one transaction); ``jobatlas status`` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jobatlas.store.duckdb import Store


@dataclass(frozen=True)
class Accounting:
    raw: int
    postings: int
    quarantined: int
    duplicates: int
    pending: int

    @property
    def reconciles(self) -> bool:
        return self.raw == self.postings + self.quarantined + self.duplicates + self.pending


def accounting(store: Store) -> Accounting:
    c = store.counts()
    return Accounting(
        raw=c["raw_postings"],
        postings=c["postings"],
        quarantined=c["quarantine"],
        duplicates=c["duplicates"],
        pending=store.pending_raw(),
    )


def runs(store: Store, limit: int = 20) -> list[tuple[Any, ...]]:
    return store.con.execute(
        "SELECT run_id, stage, status, rows_in, rows_out, rows_rejected, duration_s, "
        "started_at, detail FROM runs ORDER BY run_id DESC LIMIT ?",
        [limit],
    ).fetchall()


def quarantine_reasons(store: Store) -> list[tuple[str, int]]:
    return [
        (str(r), int(n))
        for r, n in store.con.execute(
            "SELECT reason, count(*) FROM quarantine GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    ]
