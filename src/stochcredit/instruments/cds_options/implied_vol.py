"""Black implied volatility of CDS option prices (inverse of the seed's Black formula).

The price is normalised by the annuity and mapped to the out-of-the-money side by parity
(``payer − receiver = A (F − K)``), where it is an increasing function ``c(w)`` of the total
volatility ``w = σ√T`` with ``c(0+) = 0`` and ``c(∞) = min(F, K)``. We solve
``log c(w) = log p`` by a bracketed, vectorised root finder (Chandrupatla's method,
``scipy.optimize.elementwise.find_root``), the bracket being doubled until it holds the root.
Working on the log-price keeps deep out-of-the-money options well conditioned.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import elementwise

from ...core.errors import InvalidParameterError
from ...core.validation import as_array, choice, positive
from . import black

__all__ = ["implied_black_vol"]

_W_MIN, _W_MAX = 1e-8, 64.0


def _log_otm(w: np.ndarray, f: np.ndarray, k: np.ndarray, otm_payer: np.ndarray) -> np.ndarray:
    value = np.where(otm_payer, black.payer(f, w, k), black.receiver(f, w, k))
    return np.log(np.maximum(value, 1e-300))


def implied_black_vol(price: ArrayLike, forward: ArrayLike, strike: ArrayLike, expiry: ArrayLike,
                      annuity: ArrayLike, kind: str = "payer") -> float | np.ndarray:
    """Lognormal volatility ``σ`` at which the Black CDS-option price equals ``price``.

    Parameters
    ----------
    price : float or array_like
        Option premium (same units as :func:`cds_option_price`, i.e. including the annuity).
    forward, strike : float or array_like
        Forward CDS spread and strike, ``> 0``.
    expiry : float or array_like
        Years to expiry, ``> 0``.
    annuity : float or array_like
        Forward risky annuity, ``> 0``.
    kind : {"payer", "receiver"}

    Returns
    -------
    float or ndarray
        ``σ`` with relative accuracy ~1e-12 (0 when the price equals the intrinsic value).

    Raises
    ------
    InvalidParameterError
        When ``price`` is outside the no-arbitrage bounds ``A·max(F − K, 0) <= price < A·F``
        (payer) or ``A·max(K − F, 0) <= price < A·K`` (receiver): no volatility reproduces it.

    Examples
    --------
    >>> round(implied_black_vol(0.0122312, 0.014, 0.014, 3.0, 4.55986), 6)
    0.28
    """
    kind = choice("kind", kind, ("payer", "receiver"))
    arrays = [as_array("price", price), np.asarray(positive("forward", forward)),
              np.asarray(positive("strike", strike)), np.asarray(positive("expiry", expiry)),
              np.asarray(positive("annuity", annuity))]
    scalar = all(a.ndim == 0 for a in arrays)
    p, f, k, t, a = (np.array(x, dtype=float) for x in np.broadcast_arrays(*arrays))
    p = p / a
    intrinsic = np.maximum(f - k, 0.0) if kind == "payer" else np.maximum(k - f, 0.0)
    upper = f if kind == "payer" else k
    # a price below the intrinsic value by rounding only (annuity products) counts as intrinsic
    slack = 8 * np.finfo(float).eps * np.maximum(f, k)
    bad = (p < intrinsic - slack) | (p >= upper)
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        lo, hi = (a * intrinsic).ravel()[i], (a * upper).ravel()[i]
        raise InvalidParameterError(
            "price", (p * a).ravel()[i], f"in [{lo:.6g}, {hi:.6g})",
            reason="outside the Black no-arbitrage bounds annuity*intrinsic <= price < "
                   "annuity*forward (payer) or annuity*strike (receiver)")
    p = np.maximum(p, intrinsic)
    otm_payer = k >= f
    # out-of-the-money value by parity: payer - receiver = F - K
    p_otm = np.where(otm_payer == (kind == "payer"), p, p - (f - k) if kind == "payer" else
                     p + (f - k))
    w = np.zeros(p.shape)
    solve = p_otm > 0
    if np.any(solve):
        ff, kk, pp, oo = f[solve], k[solve], p_otm[solve], otm_payer[solve]
        target = np.log(pp)

        def g(x, ff, kk, oo, target):
            return _log_otm(x, ff, kk, oo > 0.5) - target

        hi = np.ones(pp.shape)
        for _ in range(8):  # 1, 2, 4, ..., 128 > _W_MAX: c(hi) >= p for every admissible p
            short = g(hi, ff, kk, oo, target) < 0
            if not np.any(short):
                break
            hi[short] *= 2.0
        hi = np.minimum(hi, _W_MAX)
        lo = np.full(pp.shape, _W_MIN)
        res = elementwise.find_root(g, (lo, hi), args=(ff, kk, oo.astype(float), target),
                                    tolerances={"xatol": 1e-15, "xrtol": 1e-14})
        w[solve] = res.x
    vol = w / np.sqrt(t)
    return float(vol) if scalar else vol
