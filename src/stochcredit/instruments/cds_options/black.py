"""Black (lognormal) model for the forward CDS spread at expiry (seed 001, Black formula).

``F_T`` is lognormal with mean ``m`` and total volatility ``w = sigma * sqrt(T)``:

    payer    = m Φ(d1) − K Φ(d2),    receiver = K Φ(−d2) − m Φ(−d1),
    d1 = (ln(m/K) + w²/2)/w,          d2 = d1 − w,

per unit annuity (the seed writes the same with ``Erf``). Inputs are arrays already validated and
broadcast, with ``m > 0``, ``K > 0`` and ``w > 0``.
"""

from __future__ import annotations

import numpy as np
from scipy import special, stats

__all__ = ["payer", "receiver", "d1", "distribution"]


def d1(m: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``(ln(m/K) + w^2/2)/w``."""
    return np.log(m / k) / w + 0.5 * w


def payer(m: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(F_T - K)^+]`` for lognormal ``F_T`` with mean ``m`` and total vol ``w``."""
    d = d1(m, w, k)
    return m * special.ndtr(d) - k * special.ndtr(d - w)


def receiver(m: np.ndarray, w: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(K - F_T)^+]`` for lognormal ``F_T`` with mean ``m`` and total vol ``w``."""
    d = d1(m, w, k)
    return k * special.ndtr(w - d) - m * special.ndtr(-d)


def distribution(m: float, w: float):
    """The law of ``F_T`` as a frozen ``scipy.stats.lognorm`` (``ln F_T ~ N(ln m − w²/2, w²)``)."""
    return stats.lognorm(s=w, scale=m * np.exp(-0.5 * w * w))
