"""Inverse Gaussian model for the forward CDS spread at expiry (seed 001, "IG model").

``F_T ~ IG(mu, lambda)`` (mean ``mu``, shape ``lambda``) with ``mu = m``, ``lambda = m³/s²``
(needs ``m > 0``). Its cdf is ``F(K) = Φ(d1) + e^{2λ/μ} Φ(−d2)`` with
``d1 = sqrt(λ/K) (K/μ − 1)``, ``d2 = sqrt(λ/K) (K/μ + 1)``, and
``E[F_T 1{F_T ≤ K}] = μ (Φ(d1) − e^{2λ/μ} Φ(−d2))``, so that

    payer    = (m − K) Φ(−d1) + (m + K) e^{2λ/μ} Φ(−d2),
    receiver = (K − m) Φ(d1)  + (m + K) e^{2λ/μ} Φ(−d2),

per unit annuity (the seed's Erf/Erfc formula). ``e^{2λ/μ} Φ(−d2)`` is evaluated as
``exp(2λ/μ + log Φ(−d2))`` (``scipy.special.log_ndtr``) so that small volatilities do not
overflow.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

from .parameters import inverse_gaussian_parameters

__all__ = ["payer", "receiver", "distribution"]


def _terms(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mu, lam = inverse_gaussian_parameters(m, s)
    root = np.sqrt(lam / k)
    d1 = root * (k / mu - 1.0)
    d2 = root * (k / mu + 1.0)
    reflected = np.exp(2.0 * lam / mu + special.log_ndtr(-d2))
    return d1, reflected


def payer(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(F_T - K)^+]`` for ``F_T ~ IG(m, m³/s²)``; ``m, K > 0``."""
    d1, reflected = _terms(m, s, k)
    return (m - k) * special.ndtr(-d1) + (m + k) * reflected


def receiver(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(K - F_T)^+]`` for ``F_T ~ IG(m, m³/s²)``; ``m, K > 0``."""
    d1, reflected = _terms(m, s, k)
    return (k - m) * special.ndtr(d1) + (m + k) * reflected


def distribution(m: float, s: float):
    """The law of ``F_T`` as a frozen ``scipy.stats.invgauss`` (``mu = μ/λ``, ``scale = λ``)."""
    mu, lam = inverse_gaussian_parameters(m, s)
    return stats.invgauss(float(mu / lam), scale=float(lam))
