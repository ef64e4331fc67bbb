"""Shared helpers of the benchmark scripts (``from _timing import best_of, record``).

``record`` appends one headline result to the JSON-lines file named by ``$STOCHCREDIT_BENCH_JSONL``
(set by ``run_all.py``, which collects them into ``benchmarks/results/latest.json`` for the
documentation's performance page); run alone, a script only prints.
"""

from __future__ import annotations

import json
import os
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


def record(benchmark: str, ours_s: float, *, reference: str = "", reference_s: float | None = None,
           goal: str = "", met: bool | None = None, note: str = "") -> None:
    """One headline row: our time (seconds per operation), the reference's, their ratio
    (reference / ours: > 1 means we are faster), the goal and whether it is met."""
    path = os.environ.get("STOCHCREDIT_BENCH_JSONL")
    if not path:
        return
    row = {"benchmark": benchmark, "ours_s": float(ours_s), "reference": reference,
           "reference_s": None if reference_s is None else float(reference_s),
           "speedup": None if reference_s is None else float(reference_s) / float(ours_s),
           "goal": goal, "met": met, "note": note}
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
