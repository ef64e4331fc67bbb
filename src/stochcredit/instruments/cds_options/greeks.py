"""Sensitivities of CDS options: ``delta = ∂V/∂x_0``, ``gamma = ∂²V/∂x_0²``, ``vega = ∂V/∂σ``,
``theta = −∂V/∂T`` (forward, annuity and vol held fixed; MODELS.md §3).

Black (seed 001's ``D[gbmev, x0]`` and ``D[gbmev, σ]``) and Bachelier are analytic:

    Black:     delta = A Φ(d1) (payer), A (Φ(d1) − 1) (receiver); gamma = A φ(d1)/(m σ√T);
               vega = A m φ(d1) √T;  ∂V/∂T = A (m φ(d1) σ/(2√T) + μ ∂V/∂m / A)
    Bachelier: delta = A Φ(d) (payer), A (Φ(d) − 1) (receiver); gamma = A φ(d)/s;
               vega = A φ(d) √T;     ∂V/∂T = A (φ(d) σ/(2√T) + μ ∂V/∂m / A)

with ``d = (m − K)/s``. The Gamma, inverse Gaussian and Gamma-exponential closed forms depend on
``(m, s)`` through shape parameters with no library derivative, so their Greeks are central
differences of the closed form with one Richardson extrapolation (truncation error O(h⁴)), steps
``h = 0.004 s`` in the forward (``0.004 σ`` in vol, ``0.004 T`` in time), shrunk to stay inside the
model's domain. Relative accuracy is ~1e-9 for delta/vega and ~1e-8 for gamma.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from ...core.errors import InvalidParameterError
from .parameters import OptionInputs, prepare_inputs
from .pricing import undiscounted_price

__all__ = ["cds_option_greeks"]

_STEP = 4e-3
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


def _room(model: str, m: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Largest shift of ``m`` (either way) that keeps ``(m, s)`` in the model's domain."""
    room = np.full(m.shape, np.inf)
    if model != "bachelier":
        room = np.minimum(room, m)
    if model == "gamma_exponential":
        room = np.minimum(room, s - m)
    return room


def _richardson(f, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and second derivative of ``f(shift)`` at 0 by central differences + Richardson."""
    f0 = f(0.0)
    fp, fm = f(h), f(-h)
    fp2, fm2 = f(0.5 * h), f(-0.5 * h)
    d1_h, d1_h2 = (fp - fm) / (2 * h), (fp2 - fm2) / h
    d2_h, d2_h2 = (fp - 2 * f0 + fm) / h ** 2, (fp2 - 2 * f0 + fm2) / (0.25 * h ** 2)
    return (4 * d1_h2 - d1_h) / 3, (4 * d2_h2 - d2_h) / 3


def _numerical(x: OptionInputs) -> dict[str, np.ndarray]:
    model, kind, k, t, a, vol, mu = x.model, x.kind, x.strike, x.expiry, x.annuity, x.vol, x.drift
    m, s = x.mean, x.std

    def price(dm=0.0, dvol=0.0, dt=0.0):
        tt = t + dt
        return a * undiscounted_price(model, kind, m + dm + mu * dt, (vol + dvol) * np.sqrt(tt), k)

    h_m = np.minimum(_STEP * s, 0.5 * _room(model, m, s))
    delta, gamma = _richardson(lambda e: price(dm=e), h_m)
    # vol: s moves by dvol*sqrt(T); for gamma_exponential keep s - dvol*sqrt(T) > m
    h_v = _STEP * vol
    if model == "gamma_exponential":
        h_v = np.minimum(h_v, 0.5 * (s - m) / np.sqrt(t))
    vega, _ = _richardson(lambda e: price(dvol=e), h_v)
    # time: d(s - m)/dT = vol/(2 sqrt T) - mu; keep T - h > 0 and the domain
    h_t = _STEP * t
    if model != "bachelier":
        h_t = np.minimum(h_t, 0.5 * m / np.maximum(np.abs(mu), 1e-300))
    if model == "gamma_exponential":
        slope = np.abs(vol / (2 * np.sqrt(t)) - mu)
        h_t = np.minimum(h_t, 0.5 * (s - m) / np.maximum(slope, 1e-300))
    dv_dt, _ = _richardson(lambda e: price(dt=e), h_t)
    return {"delta": delta, "gamma": gamma, "vega": vega, "theta": -dv_dt}


def cds_option_greeks(forward: ArrayLike, strike: ArrayLike, expiry: ArrayLike,
                      annuity: ArrayLike, vol: ArrayLike, model: str = "black",
                      kind: str = "payer", drift: ArrayLike = 0.0) -> dict[str, float | np.ndarray]:
    """Delta, gamma, vega and theta of :func:`cds_option_price` (same arguments).

    ``delta = ∂V/∂x_0`` and ``gamma = ∂²V/∂x_0²`` (x_0 = ``forward``), ``vega = ∂V/∂vol`` (per unit
    of the model's ``vol``: lognormal for Black, absolute otherwise), ``theta = −∂V/∂T`` with the
    forward, annuity and vol fixed. Analytic for Black and Bachelier, Richardson-extrapolated
    central differences of the closed form otherwise (see module docstring).

    Returns
    -------
    dict
        ``{"delta", "gamma", "vega", "theta"}``, each of the broadcast input shape.

    Raises
    ------
    InvalidParameterError
        As :func:`cds_option_price`, and for ``vol = 0`` or ``expiry = 0`` (the value is then
        the intrinsic value, whose derivatives jump at the strike).

    Examples
    --------
    >>> g = cds_option_greeks(0.014, 0.014, 3.0, 4.56, 0.28)
    >>> round(g["delta"], 4)  # A Φ(d1)
    2.7168
    """
    x = prepare_inputs(forward, strike, expiry, annuity, vol, model, kind, drift)
    for name, arr in (("vol", x.vol), ("expiry", x.expiry)):
        if np.any(arr <= 0):
            raise InvalidParameterError(name, float(arr[arr <= 0][0]), "> 0",
                                        reason="Greeks need a non-degenerate law of F_T")
    if x.model == "black":
        out = _black(x)
    elif x.model == "bachelier":
        out = _bachelier(x)
    else:
        out = _numerical(x)
    return {key: x.pack(np.asarray(val, dtype=float)) for key, val in out.items()}
