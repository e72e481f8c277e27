"""Timing one call for the worst-case sections of the normaliser benchmarks."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """CPU and wall seconds of one call, with garbage collection off."""
    gc.collect()
    gc.disable()
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        call()
        return time.process_time() - cpu, time.perf_counter() - wall
    finally:
        gc.enable()
