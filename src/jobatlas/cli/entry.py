"""The ``jobatlas`` command's entry point.

The command line takes about 0.3 s to import. `jobatlas run` (on the store) hands the
location and salary steps to a helper process (``jobatlas.helper``), whose tables take
about as long to load (``pipeline.prepare``); starting the helper before the imports lets it
be ready when the ingest ends instead of after it.
"""

from __future__ import annotations

import itertools
import sys


def main() -> None:
    if runs_on_the_store(sys.argv[1:]):
        from jobatlas.engines.distinct import warm_up
        from jobatlas.helper import shared

        shared().submit(warm_up)
    from jobatlas.cli.main import main as cli_main

    cli_main()


def runs_on_the_store(args: list[str]) -> bool:
    """Whether ``args`` ask for `jobatlas run` on the DuckDB engine (not for its help)."""
    words = [a for a in args if a != "--debug"]
    if not words or words[0] != "run" or "--help" in words:
        return False
    engines = [b for a, b in itertools.pairwise(words) if a == "--engine"]
    engines += [a.partition("=")[2] for a in words if a.startswith("--engine=")]
    return all(engine == "duckdb" for engine in engines)
