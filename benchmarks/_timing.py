"""Shared timer for the benchmark scripts (imported as ``from _timing import best_of``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int = 3, number: int = 1) -> tuple[float, Any]:
    """Best wall time per call over ``repeat`` rounds of ``number`` calls, and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            out = fn()
        times.append((time.perf_counter() - t0) / number)
    return min(times), out
