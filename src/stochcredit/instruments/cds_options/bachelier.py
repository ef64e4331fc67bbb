"""Bachelier (normal) model for the forward CDS spread at expiry (MODELS.md §3).

``F_T ~ N(m, s²)`` with ``s = vol * sqrt(T)`` absolute; with ``d = (m − K)/s``:

    payer    = (m − K) Φ(d) + s φ(d),      receiver = (K − m) Φ(−d) + s φ(d),

per unit annuity. Defined for every mean ``m`` (negative spreads are possible under this law).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

__all__ = ["payer", "receiver", "distribution"]

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def _phi(d: np.ndarray) -> np.ndarray:
    return _INV_SQRT_2PI * np.exp(-0.5 * d * d)


def payer(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(F_T - K)^+]`` for ``F_T ~ N(m, s^2)``."""
    d = (m - k) / s
    return (m - k) * special.ndtr(d) + s * _phi(d)


def receiver(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(K - F_T)^+]`` for ``F_T ~ N(m, s^2)``."""
    d = (m - k) / s
    return (k - m) * special.ndtr(-d) + s * _phi(d)


def distribution(m: float, s: float):
    """The law of ``F_T`` as a frozen ``scipy.stats.norm``."""
    return stats.norm(loc=m, scale=s)
