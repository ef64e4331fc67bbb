"""Black (lognormal) model for the forward CDS spread at expiry (seed 001, Black formula).

``F_T`` is lognormal with mean ``m`` and total volatility ``w = sigma * sqrt(T)``:

    payer    = m Φ(d1) − K Φ(d2),    receiver = K Φ(−d2) − m Φ(−d1),
    d1 = (ln(m/K) + w²/2)/w,          d2 = d1 − w,

per unit annuity (the seed writes the same with ``Erf``). Far out of the money (``d1 < 0`` for a
payer, ``d2 > 0`` for a receiver) the same value is computed as a difference of scaled
complementary error functions, which keeps ~13 significant digits where the plain formula
cancels two tiny normal tails. Inputs are arrays already validated and
broadcast, with ``m > 0``, ``K > 0`` and ``w > 0``.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

__all__ = ["payer", "receiver", "d1", "distribution"]

_SQRT2 = np.sqrt(2.0)


def d1(m: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``(ln(m/K) + w^2/2)/w``."""
    return np.log(m / k) / w + 0.5 * w


def _tail_difference(m, w, d, u, v):
    """``m φ(d)/φ(0)/2 · (erfcx(u/√2) − erfcx(v/√2))``: the deep out-of-the-money form.

    Uses ``Φ(−x) = erfcx(x/√2) e^{−x²/2}/2`` and ``m φ(d1) = K φ(d2)``; the difference of two
    ``erfcx`` values loses ~``log10(x/w)`` digits instead of the ~``x²/2/ln 10`` digits lost by
    subtracting two tiny normal tails.
    """
    return 0.5 * m * np.exp(-0.5 * d * d) * (special.erfcx(u / _SQRT2) - special.erfcx(v / _SQRT2))


def payer(m: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(F_T - K)^+]`` for lognormal ``F_T`` with mean ``m`` and total vol ``w``."""
    m, w, k = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (m, w, k)))
    d = d1(m, w, k)
    out = m * special.ndtr(d) - k * special.ndtr(d - w)
    tail = d < 0
    if np.any(tail):
        dt = d[tail]
        out[tail] = _tail_difference(m[tail], w[tail], dt, -dt, w[tail] - dt)
    return out


def receiver(m: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(K - F_T)^+]`` for lognormal ``F_T`` with mean ``m`` and total vol ``w``."""
    m, w, k = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (m, w, k)))
    d = d1(m, w, k)
    out = k * special.ndtr(w - d) - m * special.ndtr(-d)
    tail = d - w > 0
    if np.any(tail):
        dt = d[tail]
        out[tail] = _tail_difference(m[tail], w[tail], dt, dt - w[tail], dt)
    return out


def distribution(m: float, w: float):
    """The law of ``F_T`` as a frozen ``scipy.stats.lognorm`` (``ln F_T ~ N(ln m − w²/2, w²)``)."""
    return stats.lognorm(s=w, scale=m * np.exp(-0.5 * w * w))
