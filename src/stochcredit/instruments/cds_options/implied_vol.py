"""Black implied volatility of CDS option prices (inverse of the seed's Black formula).

The price is normalised by the annuity and mapped to the out-of-the-money side by parity
(``payer − receiver = A (F − K)``), where it is an increasing function ``c(w)`` of the total
volatility ``w = σ√T`` with ``c(0+) = 0`` and ``c(∞) = min(F, K)``. We solve
``log c(w) = log p`` by a vectorised, safeguarded Newton iteration (``d log c/dw = F φ(d1)/c``,
started near the inflection point ``w = sqrt(2 |ln F/K|)``, bisection whenever a step leaves the
current bracket), the bracket being doubled until it holds the root; elements that have not
converged after 40 steps go to Chandrupatla's bracketed method
(``scipy.optimize.elementwise.find_root``). Working on the log-price keeps deep
out-of-the-money options well conditioned.
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


def _otm_value(w: np.ndarray, f: np.ndarray, k: np.ndarray, otm_payer: np.ndarray) -> np.ndarray:
    """Black value of the out-of-the-money side (payer where ``otm_payer``, else receiver)."""
    out = np.empty(np.shape(w))
    if otm_payer.any():
        out[otm_payer] = black.payer(f[otm_payer], w[otm_payer], k[otm_payer])
    rec = ~otm_payer
    if rec.any():
        out[rec] = black.receiver(f[rec], w[rec], k[rec])
    return out


def _log_otm(w: np.ndarray, f: np.ndarray, k: np.ndarray, otm_payer: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(_otm_value(w, f, k, otm_payer), 1e-300))


def _newton(target, f, k, otm_payer, lo, hi, max_iter=40):
    """Safeguarded Newton on ``log c(w) = target``: ``d log c/dw = F φ(d1)/c``; a step leaving
    the bracket ``[lo, hi]`` (kept up to date from the sign of the residual) is replaced by
    bisection. Iterates only on the elements not yet converged. Returns ``(w, converged)``."""
    x = np.log(f / k)
    w = np.clip(np.sqrt(2.0 * np.abs(x)) + 0.1, lo, hi)  # near the inflection point of c(w)
    converged = np.zeros(w.shape, dtype=bool)
    act = np.arange(w.size)
    wa, la, ha = w.copy(), lo.copy(), hi.copy()
    fa, ka, oa, xa, ta = f, k, otm_payer, x, target
    for _ in range(max_iter):
        c = np.maximum(_otm_value(wa, fa, ka, oa), 1e-300)
        resid = np.log(c) - ta
        la = np.where(resid < 0, wa, la)
        ha = np.where(resid > 0, wa, ha)
        d1 = xa / wa + 0.5 * wa
        slope = fa * np.exp(-0.5 * d1 * d1) / (np.sqrt(2 * np.pi) * c)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            new = wa - resid / slope
        bisect = ~np.isfinite(new) | (new <= la) | (new >= ha)
        new = np.where(bisect, 0.5 * (la + ha), new)
        done = (np.abs(new - wa) <= 1e-14 * wa) | (resid == 0)
        w[act] = new
        converged[act[done]] = True
        keep = ~done
        if not keep.any():
            break
        act, wa, la, ha = act[keep], new[keep], la[keep], ha[keep]
        fa, ka, oa, xa, ta = fa[keep], ka[keep], oa[keep], xa[keep], ta[keep]
    return w, converged


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
        ws, done = _newton(target, ff, kk, oo, lo, hi)
        if not done.all():  # rare: fall back to Chandrupatla's bracketed method
            r = ~done
            res = elementwise.find_root(g, (lo[r], hi[r]),
                                        args=(ff[r], kk[r], oo[r].astype(float), target[r]),
                                        tolerances={"xatol": 1e-15, "xrtol": 1e-14})
            ws[r] = res.x
        w[solve] = ws
    vol = w / np.sqrt(t)
    return float(vol) if scalar else vol
