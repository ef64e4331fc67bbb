"""Gamma model for the forward CDS spread at expiry (seed 001, "Gamma process" section).

``F_T ~ Gamma(a, b)`` (shape ``a``, scale ``b``) matched to mean ``m`` and st.dev. ``s``:
``a = m²/s²``, ``b = s²/m`` (needs ``m > 0``). With ``x = K/b`` and the regularised incomplete
gamma functions ``P(a, x)`` (``scipy.special.gammainc``) and ``Q = 1 − P`` (``gammaincc``):

    payer    = m Q(a + 1, x) − K Q(a, x),     receiver = K P(a, x) − m P(a + 1, x),

per unit annuity — the seed's ``(−k Gamma[a, k/b] + b Gamma[1 + a, k/b]) / Gamma[a]`` written
with regularised functions (``E[F_T 1{F_T > K}] = a b Q(a + 1, K/b)``). One incomplete-gamma
call per option: ``Q(a + 1, x) = Q(a, x) + x^a e^{−x}/Γ(a + 1)`` (and likewise for ``P``).
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from .parameters import gamma_parameters

__all__ = ["payer", "receiver", "distribution"]


#: below this shape Q(a + 1, x) comes from Q(a, x) by recurrence (one incomplete gamma call)
_RECURRENCE_MAX_SHAPE = 500.0


def _upper_pair(a: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Q(a, x), Q(a + 1, x))`` using ``Q(a + 1, x) = Q(a, x) + x^a e^{-x} / Γ(a + 1)``.

    The recurrence halves the cost; for very large shapes the power term's logarithm cancels
    large numbers, so there both values come from ``gammaincc`` directly.
    """
    q0 = special.gammaincc(a, x)
    q1 = q0 + np.exp(special.xlogy(a, x) - x - special.gammaln(a + 1.0))
    big = a > _RECURRENCE_MAX_SHAPE
    if np.any(big):
        q1[big] = special.gammaincc(a[big] + 1.0, x[big])
    return q0, q1


def payer(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(F_T - K)^+]`` for ``F_T ~ Gamma(m²/s², s²/m)``; ``m, K > 0``."""
    a, b = gamma_parameters(m, s)
    a, x = np.broadcast_arrays(a, k / b)
    q0, q1 = _upper_pair(np.atleast_1d(a), np.atleast_1d(x))
    return (m * q1 - k * q0).reshape(np.shape(a))


def _lower_pair(a: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(P(a, x), P(a + 1, x))`` with ``P(a + 1, x) = P(a, x) − x^a e^{-x} / Γ(a + 1)``."""
    p0 = special.gammainc(a, x)
    p1 = p0 - np.exp(special.xlogy(a, x) - x - special.gammaln(a + 1.0))
    big = a > _RECURRENCE_MAX_SHAPE
    if np.any(big):
        p1[big] = special.gammainc(a[big] + 1.0, x[big])
    return p0, np.maximum(p1, 0.0)


def receiver(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(K - F_T)^+]`` for ``F_T ~ Gamma(m²/s², s²/m)``; ``m, K > 0``."""
    a, b = gamma_parameters(m, s)
    a, x = np.broadcast_arrays(a, k / b)
    p0, p1 = _lower_pair(np.atleast_1d(a), np.atleast_1d(x))
    return (k * p0 - m * p1).reshape(np.shape(a))


def distribution(m: float, s: float):
    """The law of ``F_T`` as a frozen ``scipy.stats.gamma``."""
    a, b = gamma_parameters(m, s)
    return stats.gamma(float(a), scale=float(b))
