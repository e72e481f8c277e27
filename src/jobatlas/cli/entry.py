"""The ``jobatlas`` command's entry point.

The command line takes about 0.3 s to import. `jobatlas run` (on the store) hands the
location and salary steps to a helper process (``jobatlas.helper``), whose tables take
about as long to load (``pipeline.prepare``); starting the helper before the imports lets it
be ready when the ingest ends instead of after it.

The command is a short-lived process whose imports and normalisers make millions of objects
that live until it ends, so Python's cyclic garbage collector, with its default thresholds,
spent about 0.1 s of a 2.5 s `jobatlas run` walking them (benchmarks/README.md): it is off
while the command line is imported, what the imports made is frozen out of its reach, and it
then runs every ``helper.GC_ALLOCATIONS`` allocations instead of every 700.
"""

from __future__ import annotations

import gc
import itertools
import sys


def main() -> None:
    gc.disable()
    try:
        if runs_on_the_store(sys.argv[1:]):
            from jobatlas.engines.distinct import warm_up_in_helper

            warm_up_in_helper()
        from jobatlas.cli.main import main as cli_main
    finally:
        from jobatlas.helper import GC_ALLOCATIONS

        gc.freeze()
        gc.set_threshold(GC_ALLOCATIONS, 20, 20)
        gc.enable()
    cli_main()


def runs_on_the_store(args: list[str]) -> bool:
    """Whether ``args`` ask for `jobatlas run` on the DuckDB engine (not for its help)."""
    words = [a for a in args if a != "--debug"]
    if not words or words[0] != "run" or "--help" in words:
        return False
    engines = [b for a, b in itertools.pairwise(words) if a == "--engine"]
    engines += [a.partition("=")[2] for a in words if a.startswith("--engine=")]
    return all(engine == "duckdb" for engine in engines)
