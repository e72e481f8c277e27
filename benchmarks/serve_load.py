"""Load test of `jobatlas serve` against 127.0.0.1 only: a fixed number of requests, then stop.

    python benchmarks/serve_load.py [--db PATH] [--requests N] [--clients C]

Without ``--db`` it builds the bundled store first (`jobatlas run` into a temporary folder).
It starts `jobatlas serve` on a free local port and measures:

- the time from starting the process to the first answered request (GET /api/postings),
  and to the first ranking (GET /api/ranking, computed on that first call);
- ``--requests`` GET /api/ranking (cached), ``--requests`` GET /api/postings over 60 URLs
  (metros, text queries, tiers, pages; answered from the cache after the first time),
  ``--requests`` GET /api/postings each with a URL of its own (metro, tier, page size), and
  ``--requests`` text searches each with a URL of its own (word, metro or none, page), from
  ``--clients`` concurrent keep-alive connections: latency percentiles as the clients see
  them, requests per second, and errors (non-200 answers);
- POST /api/ranking with custom weights and 1,000 draws, a few times (each computed anew).

The server is stopped (by its pid) at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path
from urllib.parse import urlencode

import httpx

HOST = "127.0.0.1"
QUERIES = ("data", "machine learning", "engineer")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def bundled_store(folder: Path) -> Path:
    path = folder / "bundled.duckdb"
    jobatlas = Path(sys.executable).with_name("jobatlas")
    subprocess.run(
        [str(jobatlas), "run", "--db", str(path), "--out", str(folder / "report")],
        check=True,
        capture_output=True,
    )
    return path


def wait_for(url: str, started: float, timeout: float = 60.0) -> float:
    """Seconds from ``started`` until ``url`` answers 200."""
    while time.perf_counter() - started < timeout:
        try:
            if httpx.get(url, timeout=30).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


async def one_client(
    port: int, todo: Iterator[str], latencies: list[float], statuses: list[int]
) -> None:
    """One keep-alive HTTP/1.1 connection sending GETs one after another. A plain client on
    asyncio streams: httpx spends some 3 ms of CPU per request, so 50 httpx clients in one
    process measure the client, not the server (they top out near 270 requests/s here)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        for path in todo:
            request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept-Encoding: gzip\r\n\r\n"
            t0 = time.perf_counter()
            writer.write(request.encode("ascii"))
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
            length = int({k.lower(): v for k, v in fields.items()}.get("content-length", -1))
            if length < 0:
                raise RuntimeError(head)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            statuses.append(int(lines[0].split()[1]))
    finally:
        writer.close()
        await writer.wait_closed()


async def hammer(port: int, paths: list[str], total: int, clients: int) -> dict[str, float]:
    """``total`` GETs over ``paths`` (in turn) from ``clients`` concurrent connections."""
    latencies: list[float] = []
    statuses: list[int] = []
    todo = iter([p for p, _ in zip(cycle(paths), range(total), strict=False)])
    started = time.perf_counter()
    await asyncio.gather(*(one_client(port, todo, latencies, statuses) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(q: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": sum(status != 200 for status in statuses),
        "per_s": len(latencies) / elapsed,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
    }


def postings_paths(base: str) -> list[str]:
    metros = [m["metro_id"] for m in httpx.get(f"{base}/api/ranking", timeout=60).json()["metros"]]
    paths = []
    for i, metro in enumerate(metros[:20]):
        paths += [
            f"/api/postings?metro={metro}&page={1 + i % 3}",
            f"/api/postings?metro={metro}&tier=core&page_size=50",
            "/api/postings?" + urlencode({"q": QUERIES[i % 3], "page": 1 + i % 5}),
        ]
    return paths


def distinct_postings_paths(base: str, total: int) -> list[str]:
    """``total`` different URLs (metro x tier x page size), so no answer comes from a cache."""
    metros = [m["metro_id"] for m in httpx.get(f"{base}/api/ranking", timeout=60).json()["metros"]]
    tiers = ("", "core", "adjacent", "none")
    combos = (
        {"metro": metro, "tier": tier, "page_size": size}
        for size in range(1, 101)
        for tier in tiers
        for metro in metros
    )
    return [
        "/api/postings?" + urlencode({k: v for k, v in c.items() if v})
        for c, _ in zip(combos, range(total), strict=False)
    ]


def distinct_search_paths(base: str, total: int) -> list[str]:
    """``total`` different text searches (word x metro or none x page), each a scan of the
    title and employer of the metro's postings, or of all of them."""
    metros = [m["metro_id"] for m in httpx.get(f"{base}/api/ranking", timeout=60).json()["metros"]]
    words = (*QUERIES, "senior", "analyst", "python")
    combos = (
        {"q": word, "metro": metro, "page": page}
        for page in range(1, 1001)
        for metro in ("", *metros)
        for word in words
    )
    return [
        "/api/postings?" + urlencode({k: v for k, v in c.items() if v})
        for c, _ in zip(combos, range(total), strict=False)
    ]


def custom_rankings(base: str, times: int) -> list[float]:
    seconds = []
    for i in range(times):
        body = {"weights": {"size": 1.0, "salary": 1.0 + i, "growth": 0.5}, "draws": 1000}
        t0 = time.perf_counter()
        response = httpx.post(f"{base}/api/ranking", json=body, timeout=60)
        seconds.append(time.perf_counter() - t0)
        response.raise_for_status()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="store to serve [default: the bundled one]")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or bundled_store(Path(tmp))
        port = free_port()
        base = f"http://{HOST}:{port}"
        command = [sys.executable, "-m", "jobatlas", "serve", "--db", str(db), "--port", str(port)]
        started = time.perf_counter()
        server = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=os.environ.copy())
        try:
            first = wait_for(f"{base}/api/postings?page_size=1", started)
            ranking = wait_for(f"{base}/api/ranking", started)
            print(f"first answer {first:.2f} s; first ranking {ranking:.2f} s after start")
            for name, paths in (
                ("GET /api/ranking (cached)", ["/api/ranking"]),
                ("GET /api/postings (60 URLs, cached after the first)", postings_paths(base)),
                ("GET /api/postings (every URL new)", distinct_postings_paths(base, args.requests)),
                (
                    "GET /api/postings (every URL a new text search)",
                    distinct_search_paths(base, args.requests),
                ),
            ):
                r = asyncio.run(hammer(port, paths, args.requests, args.clients))
                print(
                    f"{name}: {r['requests']:.0f} requests, {r['errors']:.0f} errors, "
                    f"{r['per_s']:.0f}/s, p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
                    f"p99 {r['p99_ms']:.1f} ms ({args.clients} clients)"
                )
            custom = custom_rankings(base, 3)
            print("POST /api/ranking, 1,000 draws: " + ", ".join(f"{s:.2f} s" for s in custom))
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
