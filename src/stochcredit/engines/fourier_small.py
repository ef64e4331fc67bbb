"""One compiled call for small Lewis problems (a few strikes/maturities, one parameter set).

For one Heston-family parameter set and up to :data:`MAX_ENTRIES` (strike, maturity) pairs the
whole evaluation - expected variance, node planning (:func:`.fourier_kernels.plan_nodes`), the
characteristic function at the nodes, the phase sums and the Black-Scholes control variate
(:mod:`.fourier`) - runs inside one numba function, so a single price or a single Merton curve
pays no per-call numpy set-up (validation, broadcasting, buffers). Same mathematics and node
rules as the vectorised engine; the results agree to round-off (tests). Anything else returns
``None`` and takes the general path.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from . import fourier_kernels as fk
from .fourier import _MAX_SUBPANELS, _NODES_PER_RADIAN, _SIZES, _TAIL_NODES_PER_RADIAN, _legendre01

__all__ = ["small_lewis", "parse_small", "table_of", "MAX_ENTRIES"]

MAX_ENTRIES = 64
_SQRT_HALF = math.sqrt(0.5)


@lru_cache(maxsize=1)
def _node_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes on [0, 1] of every tabulated size, concatenated, with offsets."""
    off = np.full(_SIZES[-1] + 1, -1, dtype=np.int64)
    ys, ws, pos = [], [], 0
    for n in _SIZES:
        y, w = _legendre01(int(n))
        off[n] = pos
        ys.append(y)
        ws.append(w)
        pos += int(n)
    return np.concatenate(ys), np.concatenate(ws), off


def _ndtr(x):  # pragma: no cover - compiled
    return 0.5 * math.erfc(-x * _SQRT_HALF)


def _kernel(spot, strike, t, rate, dividend, table, n_base, tol_log,
            rate_nodes, rate_tail, sizes, max_sub, node_y, node_w, node_off, call_out,
            put_out):  # pragma: no cover - compiled
    n = t.shape[0]
    n_f = table.shape[1]
    full = np.empty((5, n, n_f))
    for c in range(5):
        for e in range(n):
            for j in range(n_f):
                full[c, e, j] = table[c, j]
    v0, kappa, theta, sigma, rho = full[0], full[1], full[2], full[3], full[4]
    w = np.empty(n)
    x = np.empty(n)
    fwd = np.empty(n)
    for e in range(n):
        acc = 0.0
        for j in range(n_f):
            acc += theta[e, j] * t[e] - (v0[e, j] - theta[e, j]) * math.expm1(
                -kappa[e, j] * t[e]) / kappa[e, j]
        w[e] = acc
        fwd[e] = spot * math.exp((rate[e] - dividend) * t[e])
        x[e] = math.log(fwd[e] / strike[e])
    xmax = np.abs(x)
    panels = np.empty((n, 2))
    counts = np.empty((n, 4), dtype=np.int64)
    fk.plan_nodes(t, w, xmax, v0, kappa, theta, sigma, rho, 2.0, -0.5, tol_log, n_base,
                  rate_nodes, rate_tail, sizes, max_sub, panels, counts)
    offsets = np.zeros(n + 1, dtype=np.int64)
    for e in range(n):
        offsets[e + 1] = offsets[e] + counts[e, 0] * counts[e, 1] + counts[e, 2] * counts[e, 3]
    u_buf = np.empty(offsets[n])
    g_buf = np.empty(offsets[n], dtype=np.complex128)
    fk.fill_integrand(t, w, v0, kappa, theta, sigma, rho, True, panels, counts, offsets,
                      node_y, node_w, node_off, u_buf, g_buf)
    idx = np.arange(n)
    total = np.empty(n)
    fk.phase_sums(x, idx, offsets, u_buf, g_buf, total)
    for e in range(n):
        f, k, ww, xe = fwd[e], strike[e], w[e], x[e]
        if ww > 0.0:
            sw = math.sqrt(ww)
            d1 = (xe + 0.5 * ww) / sw
            d2 = d1 - sw
            put = k * _ndtr(-d2) - f * _ndtr(-d1)
            call = f * _ndtr(d1) - k * _ndtr(d2)
        else:
            put = max(k - f, 0.0)
            call = max(f - k, 0.0)
        if xe > 0.0:
            call = f - k + put
        if xe < 0.0:
            put = k - f + call
        corr = math.sqrt(f * k) / math.pi * total[e]
        disc = math.exp(-rate[e] * t[e])
        call_out[e] = max(disc * (max(call, 0.0) - corr), 0.0)
        put_out[e] = max(disc * (max(put, 0.0) - corr), 0.0)


if fk.AVAILABLE:
    _ndtr = fk.njit(cache=True)(_ndtr)
    _compiled = fk.njit(cache=True)(_kernel)
else:  # pragma: no cover
    _compiled = None


def table_of(dynamics) -> np.ndarray | None:
    """``(5, J)`` table (v0, kappa, theta, sigma, rho) of a scalar Heston-family dynamics."""
    names = getattr(dynamics, "gradient_names", None)
    if names == ("vol",):
        var = float(dynamics.vol) ** 2
        return np.array([[var], [1.0], [var], [0.0], [0.0]])
    factors = getattr(dynamics, "factors", None)
    if factors is None:
        if names != ("v0", "kappa", "theta", "sigma", "rho"):
            return None
        factors = (dynamics,)
    try:
        return np.array([[float(f.v0), float(f.kappa), float(f.theta), float(f.sigma),
                          float(f.rho)] for f in factors]).T.copy()
    except (TypeError, AttributeError):
        return None


def parse_small(spot, strike, T, rate, dividend):
    """``(spot, dividend, strikes, maturities, rates, shape)`` as floats and 1-d arrays when the
    inputs make a small problem (see :func:`small_lewis`), else ``None``."""
    try:
        s, q = float(spot), float(dividend)
    except (TypeError, ValueError):
        return None
    if np.ndim(spot) or np.ndim(dividend) or isinstance(spot, complex):
        return None
    if not (s > 0 and math.isfinite(s) and math.isfinite(q)):
        return None
    if isinstance(strike, float) and isinstance(T, float) and isinstance(rate, float):
        shape, k, t, r = (), np.array([strike]), np.array([T]), np.array([rate])
    else:
        k, t, r = np.asarray(strike), np.asarray(T), np.asarray(rate)
        if max(k.ndim, t.ndim, r.ndim) > 1 or any(a.dtype.kind not in "fi" for a in (k, t, r)):
            return None
        try:
            k, t, r = np.broadcast_arrays(k.astype(float), t.astype(float), r.astype(float))
        except ValueError:
            return None
        shape = k.shape
        if k.size > MAX_ENTRIES or k.size == 0:
            return None
        k, t, r = (np.ascontiguousarray(a).reshape(-1) for a in (k, t, r))
        if t.size > 1 and np.unique(t).size < t.size:
            return None   # strikes sharing a maturity share its CF: the general path
    lo_k, lo_t = k.min(), t.min()
    if not (lo_k > 0 and lo_t >= 0 and math.isfinite(k.sum() + t.sum() + r.sum())):
        return None
    return s, q, k, t, r, shape


def small_lewis(spot, strike, T, rate, dynamics, dividend, n_nodes: int, tol: float):
    """``(call, put)`` arrays for a small problem, or ``None`` when it does not apply.

    Applies to scalar ``spot`` and ``dividend``; ``strike``, ``T`` and ``rate`` scalars or 1-d
    arrays of one length (<= :data:`MAX_ENTRIES`) with distinct maturities (one characteristic
    function per entry, e.g. a single price or a Merton curve), and a Heston-family dynamics with
    a single parameter set; invalid values also return ``None`` (the general path raises).
    """
    if _compiled is None or getattr(dynamics, "param_shape", None) != ():
        return None
    parsed = parse_small(spot, strike, T, rate, dividend)
    if parsed is None:
        return None
    s, q, k, t, r, shape = parsed
    table = table_of(dynamics)
    if table is None:
        return None
    node_y, node_w, node_off = _node_table()
    call, put = np.empty(t.size), np.empty(t.size)
    _compiled(s, k, t, r, q, table, int(n_nodes), math.log(tol), _NODES_PER_RADIAN,
              _TAIL_NODES_PER_RADIAN, _SIZES, _MAX_SUBPANELS, node_y, node_w, node_off, call,
              put)
    return call.reshape(shape), put.reshape(shape)
