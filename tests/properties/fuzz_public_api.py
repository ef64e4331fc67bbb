"""Standalone fuzz driver over part of the public API (issue 14, Build 3).

Run: ``PYTHONPATH=src python tests/properties/fuzz_public_api.py [n_per_function]``. Calls each
covered function with typical, boundary, extreme and invalid inputs (seeded) and counts calls and
*escapes*: any exception other than ``InvalidParameterError``, or a non-finite accepted result.
Policy: wrong types raise ``InvalidParameterError`` naming the argument.
"""

from __future__ import annotations

import sys
from collections import Counter

import numpy as np

import stochcredit as sc

RNG = np.random.default_rng(14)
POOL = [0.0, -1.0, 1e-12, 0.5, 1.0, 3.0, 1e6, np.inf, np.nan, "x", None, [1.0, 2.0]]


def _val(lo: float, hi: float):
    return POOL[RNG.integers(len(POOL))] if RNG.random() < 0.3 else float(RNG.uniform(lo, hi))


CASES = {
    "FlatCurve": lambda: sc.FlatCurve(_val(-0.05, 0.2)).discount(_val(0, 30)),
    "FlatHazardCurve": lambda: sc.FlatHazardCurve(_val(0, 1)).survival(_val(0, 30)),
    "HazardCurve": lambda: sc.HazardCurve([1.0, _val(2, 10)], [_val(0, 1), 0.02]).survival(3.0),
    "CDS": lambda: sc.CDS(_val(0.1, 30), recovery=_val(0, 1)).par_spread(
        sc.FlatCurve(0.03), sc.FlatHazardCurve(0.02)),
    "Bond": lambda: sc.Bond(_val(0.5, 30), _val(0, 0.1), _val(0.5, 1.2)).cashflows()[1].sum(),
    "BlackScholes": lambda: sc.BlackScholes(_val(0, 2)).char_fn(-1j, _val(0, 30)),
    "Heston": lambda: sc.Heston(_val(0, .5), _val(0, 5), _val(0, .5), _val(0, 2),
                                _val(-1, 1)).char_fn(-1j, _val(0, 50)),
    "cds_option_price": lambda: sc.cds_option_price(
        _val(0, 0.05), _val(0, 0.05), _val(0, 5), _val(0, 5), _val(0, 1),
        model=["black", "bachelier", "gamma", "inverse_gaussian"][RNG.integers(4)]),
}


def main(n: int) -> int:
    calls, escapes = Counter(), Counter()
    for name, case in CASES.items():
        for _ in range(n):
            calls[name] += 1
            try:
                with np.errstate(all="ignore"):
                    out = case()
                if not np.all(np.isfinite(np.asarray(out, dtype=complex))):
                    escapes[name] += 1
            except sc.InvalidParameterError:
                pass
            except Exception as exc:  # noqa: BLE001 - counting escapes is the point
                escapes[name] += 1
                if escapes[name] <= 2:
                    print(f"  {name}: {type(exc).__name__}: {str(exc)[:120]}")
    for name in CASES:
        print(f"{name:20s} calls {calls[name]:6d}  escapes {escapes[name]}")
    print(f"total calls {sum(calls.values())}, escapes {sum(escapes.values())}")
    return 1 if sum(escapes.values()) else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
