"""Sensitivities of CDS options: ``delta = ∂V/∂x_0``, ``gamma = ∂²V/∂x_0²``, ``vega = ∂V/∂σ``,
``theta = −∂V/∂T`` (forward, annuity and vol held fixed; MODELS.md §3).

Black (seed 001's ``D[gbmev, x0]`` and ``D[gbmev, σ]``) and Bachelier are analytic:

    Black:     delta = A Φ(d1) (payer), A (Φ(d1) − 1) (receiver); gamma = A φ(d1)/(m σ√T);
               vega = A m φ(d1) √T;  ∂V/∂T = A (m φ(d1) σ/(2√T) + μ ∂V/∂m / A)
    Bachelier: delta = A Φ(d) (payer), A (Φ(d) − 1) (receiver); gamma = A φ(d)/s;
               vega = A φ(d) √T;     ∂V/∂T = A (φ(d) σ/(2√T) + μ ∂V/∂m / A)

with ``d = (m − K)/s``. For the other laws every Greek is assembled from the derivatives of the
undiscounted price in the law's mean and st.dev., ``(P_m, P_mm, P_s)`` (:mod:`.law_derivatives`:
closed form for the inverse Gaussian; for the Gamma and Gamma-exponential laws closed forms in
the scale and one smooth Gamma-density integral for the shape, :mod:`.gamma_moments`):

    delta = A P_m,  gamma = A P_mm,  vega = A √T P_s,  ∂V/∂T = A (μ P_m + σ/(2√T) P_s).

Accuracy: ~1e-10 relative against derivatives under the density integral (tests).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ...core.errors import InvalidParameterError
from . import law_derivatives
from .parameters import OptionInputs, prepare_inputs

__all__ = ["cds_option_greeks"]

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


def _black(x: OptionInputs) -> dict[str, np.ndarray]:
    m, k, t, a, vol = x.mean, x.strike, x.expiry, x.annuity, x.vol
    live = k > 0
    ks = np.where(live, k, 1.0)
    w = vol * np.sqrt(t)
    d1 = np.log(m / ks) / w + 0.5 * w
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * d1 * d1)
    cdf = np.where(live, special.ndtr(d1), 1.0)
    pdf = np.where(live, pdf, 0.0)
    delta = cdf if x.kind == "payer" else cdf - 1.0
    dv_dt = m * pdf * vol / (2.0 * np.sqrt(t)) + x.drift * delta
    return {"delta": a * delta, "gamma": a * pdf / (m * w), "vega": a * m * pdf * np.sqrt(t),
            "theta": -a * dv_dt}


def _bachelier(x: OptionInputs) -> dict[str, np.ndarray]:
    m, k, t, a, vol = x.mean, x.strike, x.expiry, x.annuity, x.vol
    s = x.std
    d = (m - k) / s
    pdf = _INV_SQRT_2PI * np.exp(-0.5 * d * d)
    cdf = special.ndtr(d)
    delta = cdf if x.kind == "payer" else cdf - 1.0
    dv_dt = pdf * vol / (2.0 * np.sqrt(t)) + x.drift * delta
    return {"delta": a * delta, "gamma": a * pdf / s, "vega": a * pdf * np.sqrt(t),
            "theta": -a * dv_dt}


_LAWS = {"gamma": law_derivatives.gamma, "inverse_gaussian": law_derivatives.inverse_gaussian,
         "gamma_exponential": law_derivatives.gamma_exponential}


def _from_law(x: OptionInputs) -> dict[str, np.ndarray]:
    """Greeks from ``(P_m, P_mm, P_s)`` of the law (:mod:`.law_derivatives`); ``s > 0``."""
    m, k, t, a, vol = x.mean, x.strike, x.expiry, x.annuity, x.vol
    s = x.std
    live = k > 0           # K <= 0: always exercised, the payer is m - K (no law needed)
    pm = np.full(m.shape, 1.0 if x.kind == "payer" else 0.0)
    pmm, ps = np.zeros(m.shape), np.zeros(m.shape)
    if np.any(live):
        pm[live], pmm[live], ps[live] = _LAWS[x.model](m[live], s[live], k[live], x.kind)
    dv_dt = x.drift * pm + vol / (2.0 * np.sqrt(t)) * ps
    return {"delta": a * pm, "gamma": a * pmm, "vega": a * np.sqrt(t) * ps, "theta": -a * dv_dt}


def _deterministic(x: OptionInputs) -> dict[str, np.ndarray]:
    """Limits of the Greeks as ``s = vol sqrt(T) -> 0`` (the law tends to the point mass at m)."""
    m, k, a = x.mean, x.strike, x.annuity
    atm = m == k
    if np.any(atm):
        raise InvalidParameterError(
            "strike", float(k[atm][0]), f"!= forward + drift*expiry = {float(m[atm][0]):.6g}",
            reason="with vol*sqrt(expiry) = 0 the value is the intrinsic value (m - K)+ whose "
                   "gamma is infinite at the strike")
    itm = (m > k).astype(float)
    delta = itm if x.kind == "payer" else itm - 1.0
    zero = np.zeros(m.shape)
    return {"delta": a * delta, "gamma": zero, "vega": zero.copy(), "theta": -a * x.drift * delta}


def cds_option_greeks(forward: ArrayLike, strike: ArrayLike, expiry: ArrayLike,
                      annuity: ArrayLike, vol: ArrayLike, model: str = "black",
                      kind: str = "payer", drift: ArrayLike = 0.0) -> dict[str, float | np.ndarray]:
    """Delta, gamma, vega and theta of :func:`cds_option_price` (same arguments).

    ``delta = ∂V/∂x_0`` and ``gamma = ∂²V/∂x_0²`` (x_0 = ``forward``), ``vega = ∂V/∂vol`` (per unit
    of the model's ``vol``: lognormal for Black, absolute otherwise), ``theta = −∂V/∂T`` with the
    forward, annuity and vol fixed. Closed form for Black, Bachelier and the inverse Gaussian;
    closed form plus one smooth Gamma-density integral (derivatives in the shape) for the Gamma
    and Gamma-exponential models (see the module docstring); ~1e-10 relative.

    Zero volatility (``vol * sqrt(expiry) = 0``) is the deterministic limit, as for the price
    (the intrinsic value ``A (m − K)^+``): ``delta = A 1{m > K}`` (payer; receiver minus A),
    ``gamma = vega = 0``, ``theta = −A drift delta``; at the strike ``m = K`` gamma has no finite
    limit and an :class:`InvalidParameterError` is raised. The Gamma-exponential law needs
    ``s > m`` and refuses ``vol = 0`` (price and Greeks alike).

    Returns
    -------
    dict
        ``{"delta", "gamma", "vega", "theta"}``, each of the broadcast input shape.

    Raises
    ------
    InvalidParameterError
        As :func:`cds_option_price`, and at ``vol * sqrt(expiry) = 0`` with ``m = K``.

    Examples
    --------
    >>> g = cds_option_greeks(0.014, 0.014, 3.0, 4.56, 0.28)
    >>> round(g["delta"], 4)  # A Φ(d1)
    2.7168
    >>> cds_option_greeks(0.014, 0.012, 3.0, 4.56, 0.0, model="gamma")["delta"]
    4.56
    """
    x = prepare_inputs(forward, strike, expiry, annuity, vol, model, kind, drift)
    flat = x.std == 0
    out = {key: np.zeros(x.mean.shape) for key in ("delta", "gamma", "vega", "theta")}
    for mask, fn in ((~flat, _GREEKS[x.model]), (flat, _deterministic)):
        if not mask.any():
            continue
        sub = x if mask.all() else replace(x, **{f: getattr(x, f)[mask] for f in _FIELDS})
        for key, val in fn(sub).items():
            if mask.all():
                out[key] = np.asarray(val, dtype=float)
            else:
                out[key][mask] = val
    return {key: x.pack(val) for key, val in out.items()}


_GREEKS = {"black": _black, "bachelier": _bachelier, "gamma": _from_law,
           "inverse_gaussian": _from_law, "gamma_exponential": _from_law}
_FIELDS = ("forward", "strike", "expiry", "annuity", "vol", "drift")
