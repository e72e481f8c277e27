"""Location resolver of this tree against the same code at other git revisions, in one process.

Timing two trees in two processes on a shared 2-core machine compares the machine's moods more
than the code (runs of one tree vary by 30% there). Here every revision's ``jobatlas`` package is
exported with ``git archive`` and renamed (``jobatlas_<rev>``), so that all of them load side by
side; the strings (those of ``bench_locations.py``: the bundled real ones and the SYNTHETIC ones)
are resolved in turns of 200, tree after tree, each pass by fresh resolvers with empty caches,
and each tree's CPU time is summed over its turns. A burst of load then falls on every tree
alike. Garbage collection is off while timing (``--gc`` leaves it on; the trees then share one
heap, which each one's collections walk).

Run: ``python benchmarks/compare_resolvers.py REV [REV ...] [--repeat 4] [--gc]``; the first
revision is the baseline of the ratios, the working tree (``jobatlas``) comes last.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_locations import real_strings, reference_seconds, synthetic_strings

ROOT = Path(__file__).resolve().parents[1]
TURN = 200
_IMPORTED = re.compile(r"\bjobatlas(?=[.\s])")


def export(rev: str, target: Path) -> str:
    """Write ``src/jobatlas`` of ``rev`` under ``target`` as package ``jobatlas_<rev>``."""
    name = "jobatlas_" + re.sub(r"\W", "_", rev)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "src/jobatlas"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            path = target / name / Path(member.name).relative_to("src/jobatlas")
            path.parent.mkdir(parents=True, exist_ok=True)
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if path.suffix == ".py":
                data = _IMPORTED.sub(name, data.decode()).encode()
            path.write_bytes(data)
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="+", help="git revisions; the first is the baseline")
    parser.add_argument("--repeat", type=int, default=4)
    parser.add_argument("--count", type=int, default=20_000, help="synthetic strings")
    parser.add_argument("--gc", action="store_true", help="leave garbage collection on")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sys.path.insert(0, tmp)
        names = [export(rev, Path(tmp)) for rev in args.revs] + ["jobatlas"]
        labels = dict(zip(names, [*args.revs, "working tree"], strict=True))
        trees: dict[str, tuple[Any, Any, Any]] = {}
        for name in names:
            locations = importlib.import_module(name + ".normalize.locations")
            gazetteer = importlib.import_module(name + ".normalize.gazetteer")
            trees[name] = (locations, gazetteer, locations.get_resolver())
        inputs = {
            "real": real_strings(),
            "synthetic": synthetic_strings(trees["jobatlas"][2], args.count),
        }
        for _, _, resolver in trees.values():  # load every table used on first call
            for text in inputs["real"] + inputs["synthetic"]:
                resolver.resolve(text)
        rates = {(name, kind): [] for name in names for kind in inputs}
        for rep in range(args.repeat):
            for kind, strings in inputs.items():
                spent = _pass(trees, strings, rep, args.gc)
                for name in names:
                    rates[name, kind].append(len(strings) / spent[name])
    print(f"reference loop: {reference_seconds():.2f} s CPU; {args.repeat} passes")
    for kind, strings in inputs.items():
        print(f"{kind} ({len(strings):,} distinct strings):")
        for name in names:
            ratios = [a / b for a, b in zip(rates[name, kind], rates[names[0], kind], strict=True)]
            print(
                f"  {labels[name]:14s} median {statistics.median(rates[name, kind]):8,.0f} /s"
                f"   ratio to {labels[names[0]]}: median {statistics.median(ratios):.3f}"
                f" ({min(ratios):.3f}-{max(ratios):.3f})"
            )


def _pass(
    trees: dict[str, tuple[Any, Any, Any]], strings: list[str], rep: int, keep_gc: bool
) -> dict[str, float]:
    """CPU seconds of each tree's fresh resolver over ``strings``, timed in turns."""
    fresh = {}
    for name, (locations, gazetteer, shared) in trees.items():
        gazetteer.fold.cache_clear()
        shared.metros.forget_places()
        fresh[name] = locations.LocationResolver(shared.gaz, shared.metros)
    spent = dict.fromkeys(trees, 0.0)
    gc.collect()
    if not keep_gc:
        gc.disable()
    try:
        for turn, start in enumerate(range(0, len(strings), TURN)):
            chunk = strings[start : start + TURN]
            order = list(trees) if (turn + rep) % 2 == 0 else list(trees)[::-1]
            for name in order:
                resolve = fresh[name].resolve
                begin = time.process_time()
                for text in chunk:
                    resolve(text)
                spent[name] += time.process_time() - begin
    finally:
        gc.enable()
    return spent


if __name__ == "__main__":
    main()
