"""Rankings computed from the store and kept per parameter set.

A ranking takes about a second on the bundled store, so each set of parameters is computed
once (concurrent requests for it wait for the one computation) and kept, with its JSON,
in a small least-recently-used cache. The store is read-only while served, so a cached
ranking stays true until the server restarts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from jobatlas.errors import ConfigError
from jobatlas.indicators import Ranking, RankSettings, build_ranking
from jobatlas.indicators.metrics import Definition
from jobatlas.report.export import ranking_dict
from jobatlas.report.html import render_html
from jobatlas.serve.store import ReadOnlyStore

DEFAULT_DRAWS = 2000
"""Draws of GET /api/ranking and the pages: the command line's default."""
MAX_CUSTOM_DRAWS = 1000
"""The most Monte Carlo draws a POST /api/ranking may ask for."""
DEFAULT_SEED = 7
CUSTOM_PROFILE = "custom"


@dataclass(frozen=True)
class RankingKey:
    """Everything a served ranking depends on; ``weights`` (sorted pairs) makes it custom."""

    profile: str = "balanced"
    since: date | None = None
    until: date | None = None
    definition: Definition = "core+adjacent"
    max_per_country: int | None = None
    top: int = 10
    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    weights: tuple[tuple[str, float], ...] | None = None


@dataclass
class Served:
    """A computed ranking with its report dict; JSON and HTML are made on first use."""

    ranking: Ranking
    report: dict[str, Any]

    @cached_property
    def json_bytes(self) -> bytes:
        """ranking.json's content, compact (the file is indented for reading)."""
        text = json.dumps(self.report, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8")

    @cached_property
    def json_gzip(self) -> bytes:
        """``json_bytes`` compressed once: a ranking is some 300 KB of JSON, 40 KB gzipped."""
        return gzip.compress(self.json_bytes, compresslevel=6, mtime=0)

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.json_bytes).hexdigest()[:32] + '"'

    @cached_property
    def html(self) -> str:
        return render_html(self.ranking, self.report)


class RankingCache:
    def __init__(self, store: ReadOnlyStore, size: int = 32) -> None:
        self.store = store
        self.size = size
        self._done: OrderedDict[RankingKey, Served] = OrderedDict()
        self._pending: dict[RankingKey, threading.Lock] = {}
        self._lock = threading.Lock()

    def peek(self, key: RankingKey) -> Served | None:
        """The cached ranking for ``key``, if there is one (never computes)."""
        with self._lock:
            return self._done.get(key)

    def get(self, key: RankingKey) -> Served:
        """The ranking for ``key``, computed at most once at a time (call from a thread)."""
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._done:
                    return self._done[key]
            served = self._compute(key)
            with self._lock:
                self._done[key] = served
                self._pending.pop(key, None)
                while len(self._done) > self.size:
                    self._done.popitem(last=False)
            return served

    def _compute(self, key: RankingKey) -> Served:
        with tempfile.TemporaryDirectory(prefix="jobatlas-serve-") as tmp:
            profiles_file = _profiles_file(Path(tmp), key.weights) if key.weights else None
            settings = RankSettings(
                profile=CUSTOM_PROFILE if key.weights else key.profile,
                profiles_file=profiles_file,
                since=key.since,
                until=key.until,
                definition=key.definition,
                draws=key.draws,
                seed=key.seed,
            )
            ranking = build_ranking(self.store.cursor(), settings)
        if not ranking.ranked:
            raise ConfigError(
                "no metro meets the evidence thresholds with these parameters",
                hint="widen or drop since / until",
            )
        return Served(ranking, ranking_dict(ranking, key.top, key.max_per_country))


def _profiles_file(folder: Path, weights: tuple[tuple[str, float], ...]) -> Path:
    """A profiles TOML holding the ``custom`` profile (names are checked before this)."""
    lines = [f"[profiles.{CUSTOM_PROFILE}]", 'description = "Weights given to the web API."']
    lines.append(f"[profiles.{CUSTOM_PROFILE}.weights]")
    lines += [f"{name} = {float(weight)!r}" for name, weight in weights]
    path = folder / "profiles.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
