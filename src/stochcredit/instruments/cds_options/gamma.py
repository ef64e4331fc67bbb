"""Gamma model for the forward CDS spread at expiry (seed 001, "Gamma process" section).

``F_T ~ Gamma(a, b)`` (shape ``a``, scale ``b``) matched to mean ``m`` and st.dev. ``s``:
``a = m²/s²``, ``b = s²/m`` (needs ``m > 0``). With ``x = K/b`` and the regularised incomplete
gamma functions ``P(a, x)`` (``scipy.special.gammainc``) and ``Q = 1 − P`` (``gammaincc``):

    payer    = m Q(a + 1, x) − K Q(a, x),     receiver = K P(a, x) − m P(a + 1, x),

per unit annuity — the seed's ``(−k Gamma[a, k/b] + b Gamma[1 + a, k/b]) / Gamma[a]`` written
with regularised functions (``E[F_T 1{F_T > K}] = a b Q(a + 1, K/b)``).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from .parameters import gamma_parameters

__all__ = ["payer", "receiver", "distribution"]


def payer(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(F_T - K)^+]`` for ``F_T ~ Gamma(m²/s², s²/m)``; ``m, K > 0``."""
    a, b = gamma_parameters(m, s)
    x = k / b
    return m * special.gammaincc(a + 1.0, x) - k * special.gammaincc(a, x)


def receiver(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(K - F_T)^+]`` for ``F_T ~ Gamma(m²/s², s²/m)``; ``m, K > 0``."""
    a, b = gamma_parameters(m, s)
    x = k / b
    return k * special.gammainc(a, x) - m * special.gammainc(a + 1.0, x)


def distribution(m: float, s: float):
    """The law of ``F_T`` as a frozen ``scipy.stats.gamma``."""
    a, b = gamma_parameters(m, s)
    return stats.gamma(float(a), scale=float(b))
