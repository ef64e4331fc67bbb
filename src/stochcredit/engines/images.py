"""Default probabilities and down-and-out calls by the method of images (zero correlation).

Given its variance path, the log-distance to default ``x_t = ln(Y_t / B)`` of a firm whose asset
noise is independent of its variance is a Brownian motion with drift ``-1/2`` run on the clock
``I_T = int_0^T v_s ds``. Every barrier quantity is then a closed form in ``I_T`` (IM-0, SF-3) and
its expectation is a one-dimensional sine integral against the Laplace transform
``Lhat(T; u) = E[exp(-u I_T)]`` (IM-1, IM-2). All formulas are in MODELS_CREDITGRADES.md.

Numerical scheme for the k-integrals
------------------------------------
The integrand is split into a closed-form part and a residual (control variate)::

    E[f(I_T)] = f(Ibar) + int_0^inf g(k) [Lhat(T; u_k) - exp(-u_k Ibar)] dk,  u_k = (k^2 + 1/4)/2,

with ``Ibar = E[I_T]``, so that a deterministic variance (``eps = 0``) gives the closed form to
rounding. The residual is integrated by composite Gauss-Legendre (16 nodes per panel, panel width at
most 1.5 oscillation periods, graded from 0.5 at the origin) on ``[0, kmax]``; ``kmax`` is the first
point of a geometric probe grid beyond which the residual envelope ``|Lhat - exp(-u Ibar)| / k``
stays below ``tol`` (the tail of the oscillatory integral is about the integrand's envelope at
``kmax``). The nodes and the transform values are shared by all strikes of a maturity and
by all maturities whose ``kmax`` falls in the same power-of-two bucket.

Functions
---------
survival_gbm            IM-0, P(min x > 0) for a driftless-forward GBM with total variance I.
black                   undiscounted Black formula with total variance I.
down_and_out_call       SF-3, driftless down-and-out call (barrier B <= strike).
down_and_out_put        driftless down-and-out put by the reflection principle (B <= strike).
survival_images         IM-1, E[survival_gbm(x0, I_T)] from a Laplace transform.
call_images             IM-2, E[down_and_out_call(V0, B, K*, I_T)] from a Laplace transform.
mean_integrated_variance  E[I_T] from the Laplace transform (numerical derivative at u = 0).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import log_ndtr, ndtr

__all__ = [
    "survival_gbm",
    "black",
    "down_and_out_call",
    "down_and_out_put",
    "survival_images",
    "call_images",
    "mean_integrated_variance",
    "LaplaceFn",
]

LaplaceFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``laplace(u, T)`` = E[exp(-u I_T)], broadcasting ``u`` (real >= 0) against ``T``."""

_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
_PROBE_K = 2.0 ** np.arange(1.0, 24.0, 0.25)  # geometric probe grid for kmax, 2 .. 1.4e7
_K_CAP = 2.0**20
_MAX_BLOCK = 2_000_000  # max elements of a (maturities x nodes) or (strikes x nodes) block


# ---------------------------------------------------------------------------------------------
# closed forms in the total variance I
# ---------------------------------------------------------------------------------------------
def survival_gbm(x0: ArrayLike, variance: ArrayLike) -> np.ndarray:
    """(IM-0) Probability that ``x_s = x0 + W_s - s/2`` stays above 0 for ``s <= variance``.

    ``P_GBM(x0, I) = Phi((x0 - I/2)/sqrt(I)) - e^{x0} Phi((-x0 - I/2)/sqrt(I))``, with
    ``P_GBM(x0, 0) = 1`` for ``x0 > 0`` and ``P_GBM = 0`` for ``x0 <= 0``. The second term is
    evaluated as ``exp(x0 + log Phi(.))`` so that large ``x0`` does not overflow. Broadcasts.
    """
    x0, var = np.broadcast_arrays(np.asarray(x0, dtype=float), np.asarray(variance, dtype=float))
    pos = var > 0.0
    sd = np.sqrt(np.where(pos, var, 1.0))
    xs = np.where(x0 > 0.0, x0, 1.0)
    p = ndtr((xs - var / 2.0) / sd) - np.exp(xs + log_ndtr((-xs - var / 2.0) / sd))
    p = np.where(pos, np.clip(p, 0.0, 1.0), 1.0)
    return np.where(x0 > 0.0, p, 0.0)


def black(forward: ArrayLike, strike: ArrayLike, variance: ArrayLike) -> np.ndarray:
    """Undiscounted Black call ``F Phi(d1) - K Phi(d1 - sqrt(I))``,
    ``d1 = (ln(F/K) + I/2)/sqrt(I)``.

    ``I = 0`` gives ``(F - K)^+`` and ``K = 0`` gives ``F``. Broadcasts.
    """
    f, k, var = np.broadcast_arrays(np.asarray(forward, dtype=float),
                                    np.asarray(strike, dtype=float),
                                    np.asarray(variance, dtype=float))
    ok = (var > 0.0) & (k > 0.0) & (f > 0.0)
    sd = np.sqrt(np.where(ok, var, 1.0))
    with np.errstate(divide="ignore"):
        d1 = (np.log(np.where(ok, f, 1.0) / np.where(ok, k, 1.0)) + var / 2.0) / sd
    price = f * ndtr(d1) - k * ndtr(d1 - sd)
    return np.where(ok, np.maximum(price, f - k), np.maximum(f - k, 0.0))


def _below_prob(forward: np.ndarray, level: np.ndarray, var: np.ndarray) -> np.ndarray:
    """P(F_I <= level) for a driftless lognormal forward, i.e. Phi(-d2)."""
    pos = var > 0.0
    sd = np.sqrt(np.where(pos, var, 1.0))
    d2 = (np.log(forward / level) - var / 2.0) / sd
    return np.where(pos, ndtr(-d2), (forward <= level).astype(float))


def down_and_out_call(y0: ArrayLike, barrier: ArrayLike, strike: ArrayLike,
                      variance: ArrayLike) -> np.ndarray:
    """(SF-3) ``E[(Y_I - K)^+ ; min_{s<=I} Y_s > B]`` for a driftless GBM, ``B <= K``.

    ``DOC = Black(Y0, K, I) - (Y0/B) Black(B^2/Y0, K, I)`` (reflection principle); zero when
    ``Y0 <= B``. Undiscounted, zero rate. Broadcasts; the caller guarantees ``B <= K``.
    """
    y0, b, k, var = np.broadcast_arrays(*(np.asarray(a, dtype=float)
                                          for a in (y0, barrier, strike, variance)))
    alive = y0 > b
    ys = np.where(alive, y0, 2.0 * b)
    out = black(ys, k, var) - (ys / b) * black(b * b / ys, k, var)
    return np.where(alive, np.maximum(out, 0.0), 0.0)


def down_and_out_put(y0: ArrayLike, barrier: ArrayLike, strike: ArrayLike,
                     variance: ArrayLike) -> np.ndarray:
    """``E[(K - Y_I)^+ ; min_{s<=I} Y_s > B]`` for a driftless GBM, ``B <= K`` (reflection).

    With ``g(F) = Put(F, K) - Put(F, B) - (K - B) P(F_I <= B)`` (= ``E[(K - F_I)^+ 1{F_I > B}]``),
    ``DOP = g(Y0) - (Y0/B) g(B^2/Y0)``. Independent of :func:`down_and_out_call`, so it checks
    put-call parity with default. Undiscounted, zero rate. Broadcasts.
    """
    y0, b, k, var = np.broadcast_arrays(*(np.asarray(a, dtype=float)
                                          for a in (y0, barrier, strike, variance)))
    alive = y0 > b
    ys = np.where(alive, y0, 2.0 * b)

    def g(f: np.ndarray) -> np.ndarray:
        put_k = black(f, k, var) - f + k
        put_b = black(f, b, var) - f + b
        return put_k - put_b - (k - b) * _below_prob(f, b, var)

    out = g(ys) - (ys / b) * g(b * b / ys)
    return np.where(alive, np.maximum(out, 0.0), 0.0)


# ---------------------------------------------------------------------------------------------
# expectations over I_T by the method of images
# ---------------------------------------------------------------------------------------------
def mean_integrated_variance(laplace: LaplaceFn, T: ArrayLike, h: float = 1e-4) -> np.ndarray:
    """``E[I_T] = -d/du Lhat(T; u)`` at ``u = 0``, by Richardson on ``-ln Lhat(h)/h``.

    Used only as the control variate of the image integrals, whose result does not depend on it.
    """
    T = np.asarray(T, dtype=float)
    vals = np.asarray(laplace(np.array([h / 2.0, h])[None, :], T.reshape(-1, 1)), dtype=float)
    with np.errstate(divide="ignore"):
        g = -np.log(np.maximum(vals, 1e-300)) / np.array([h / 2.0, h])
    return np.maximum(2.0 * g[:, 0] - g[:, 1], 0.0).reshape(T.shape)


def _kmax(laplace: LaplaceFn, T: np.ndarray, ibar: np.ndarray, tol: float) -> np.ndarray:
    """Smallest probe k beyond which the residual envelope |Lhat - exp(-u Ibar)|/k stays below
    ``tol`` at every probe point (capped at ``_K_CAP``, with a warning if that truncates)."""
    u = (_PROBE_K**2 + 0.25) / 2.0
    lap = np.asarray(laplace(u[None, :], T[:, None]), dtype=float)
    env = np.abs(lap - np.exp(-u[None, :] * ibar[:, None])) / _PROBE_K[None, :]
    # tail of an oscillatory integral ~ f(K)/frequency with f ~ res/k (IM-1) or res/k^2 (IM-2)
    ok = env < tol
    tail_ok = np.flip(np.logical_and.accumulate(np.flip(ok, axis=1), axis=1), axis=1)
    found = tail_ok.any(axis=1)
    idx = np.where(found, tail_ok.argmax(axis=1), len(_PROBE_K) - 1)
    kmax = np.minimum(_PROBE_K[idx], _K_CAP)
    cap_idx = np.searchsorted(_PROBE_K, _K_CAP)
    if np.any(env[:, cap_idx] > 1e3 * tol):
        warnings.warn("method of images: the Laplace transform of integrated variance decays too "
                      f"slowly; the k-integral is truncated at k = {_K_CAP:g}", RuntimeWarning,
                      stacklevel=3)
    return kmax


def _nodes(kmax: float, frequency: float) -> tuple[np.ndarray, np.ndarray]:
    """Composite 16-point Gauss-Legendre nodes/weights on [0, kmax].

    Panels grow geometrically from 0.5 near the origin (the factor ``1/(k^2 + 1/4)`` has poles at
    ``k = +-i/2`` and the transforms' singularities also lie near the imaginary axis), doubling up
    to at most 1.5 oscillation periods ``3 pi / frequency`` and ``kmax / 8``; 16 nodes integrate
    1.5 periods of a sine to ~1e-20 relative.
    """
    cap = max(min(3.0 * np.pi / max(frequency, 1e-12), kmax / 8.0), 0.5)
    edges = [0.0]
    while edges[-1] < kmax:
        edges.append(min(edges[-1] + min(cap, max(0.5, edges[-1])), kmax))
    edges = np.asarray(edges)
    half = np.diff(edges)[:, None] / 2.0
    mid = (edges[:-1, None] + edges[1:, None]) / 2.0
    return (mid + half * _GL_X[None, :]).ravel(), (half * _GL_W[None, :]).ravel()


def _buckets(kmax: np.ndarray) -> dict[int, np.ndarray]:
    """Group maturities whose kmax lies in the same power-of-two bucket."""
    key = np.ceil(np.log2(kmax)).astype(int)
    return {int(b): np.flatnonzero(key == b) for b in np.unique(key)}


def _prepare(laplace: LaplaceFn, T: np.ndarray, tol: float, mean_variance: ArrayLike | None):
    ibar = (mean_integrated_variance(laplace, T) if mean_variance is None
            else np.broadcast_to(np.asarray(mean_variance, dtype=float), T.shape).copy())
    degenerate = ibar <= 0.0
    kmax = np.ones_like(T)
    if np.any(~degenerate):
        kmax[~degenerate] = _kmax(laplace, T[~degenerate], ibar[~degenerate], tol)
    return ibar, degenerate, kmax


def _at(values: ArrayLike | None, shape: tuple, first: np.ndarray) -> np.ndarray | None:
    """``values`` broadcast to ``shape``, flattened and taken at ``first`` (None passes)."""
    if values is None:
        return None
    return np.broadcast_to(np.asarray(values, dtype=float), shape).ravel()[first]


def _residuals(laplace: LaplaceFn, k: np.ndarray, T: np.ndarray, ibar: np.ndarray) -> np.ndarray:
    """``Lhat(T; u_k) - exp(-u_k Ibar)`` on the nodes, shape (len(T), len(k))."""
    u = (k * k + 0.25) / 2.0
    lap = np.asarray(laplace(u[None, :], T[:, None]), dtype=float)
    return lap - np.exp(-u[None, :] * ibar[:, None])


def survival_images(x0: float, laplace: LaplaceFn, T: ArrayLike, *, tol: float = 1e-16,
                    mean_variance: ArrayLike | None = None) -> np.ndarray:
    """(IM-1) ``Q(T) = E[P_GBM(x0, I_T)]`` from the Laplace transform of integrated variance.

    ``Q(T) = (2 e^{x0/2}/pi) int_0^inf k sin(k x0)/(k^2 + 1/4) Lhat(T; (k^2 + 1/4)/2) dk``,
    computed as ``P_GBM(x0, E[I_T])`` plus the image integral of ``Lhat - exp(-u E[I_T])``
    (see the module docstring), so a deterministic variance gives IM-0 to rounding.

    Parameters
    ----------
    x0 : float
        Log-distance to default ``ln(V0/B) > 0``.
    laplace : callable
        ``laplace(u, T) = E[exp(-u I_T)]``, broadcasting ``u`` (shape (1, n)) against ``T``
        (shape (m, 1)); e.g. ``dynamics.variance_laplace``.
    T : float or array_like
        Maturities (``>= 0``; validated by the caller).
    tol : float
        Truncation level of the residual envelope ``|Lhat - exp(-u E[I_T])| / k`` (``kmax``).
    mean_variance : array_like, optional
        ``E[I_T]`` if known (else estimated from ``laplace``); only a control variate.

    Returns
    -------
    ndarray
        Survival probabilities, same shape as ``T``.
    """
    T = np.asarray(T, dtype=float)
    flat = T.ravel()
    uniq, first, inverse = np.unique(flat, return_index=True, return_inverse=True)
    ibar, degenerate, kmax = _prepare(laplace, uniq, tol, _at(mean_variance, T.shape, first))
    out = survival_gbm(x0, ibar)
    live = np.flatnonzero(~degenerate)
    scale = 2.0 * np.exp(x0 / 2.0) / np.pi
    for bucket, members in _buckets(kmax[live]).items():
        idx = live[members]
        k, w = _nodes(2.0**bucket, x0)
        g = w * scale * k * np.sin(k * x0) / (k * k + 0.25)
        step = max(1, _MAX_BLOCK // len(k))
        for start in range(0, len(idx), step):
            sub = idx[start:start + step]
            out[sub] += _residuals(laplace, k, uniq[sub], ibar[sub]) @ g
    return np.clip(out, 0.0, 1.0)[inverse].reshape(T.shape)


def call_images(v0: float, barrier: float, strike_star: ArrayLike, laplace: LaplaceFn,
                T: ArrayLike, *, tol: float = 1e-16,
                mean_variance: ArrayLike | None = None) -> np.ndarray:
    """(IM-2) ``E[DOC(V0, B, K*, I_T)]`` (undiscounted) from the Laplace transform.

    ``E[DOC] = S0 - (2 sqrt(V0 K*)/pi) int_0^inf sin(k x0) sin(k xK)/(k^2 + 1/4) Lhat dk`` with
    ``S0 = V0 - B``, ``x0 = ln(V0/B)``, ``xK = ln(K*/B) >= 0``; computed as
    ``DOC(V0, B, K*, E[I_T])`` minus the image integral of ``Lhat - exp(-u E[I_T])``.
    The equity call of SF-4/IM-2 is ``e^{-qT}`` times this.

    Parameters
    ----------
    v0, barrier : float
        Asset value and barrier, ``v0 > barrier > 0``.
    strike_star : array_like
        Shifted strikes ``K* >= barrier`` (SF-4), broadcast against ``T``.
    laplace : callable
        As in :func:`survival_images`.
    T : array_like
        Maturities ``>= 0``.

    Returns
    -------
    ndarray
        Broadcast shape of ``strike_star`` and ``T``.
    """
    kst, T = np.broadcast_arrays(np.asarray(strike_star, dtype=float), np.asarray(T, dtype=float))
    shape = kst.shape
    kst, T = kst.ravel(), T.ravel()
    x0 = float(np.log(v0 / barrier))
    xk = np.log(np.maximum(kst / barrier, 1.0))
    uniq, first, inverse = np.unique(T, return_index=True, return_inverse=True)
    ibar, degenerate, kmax = _prepare(laplace, uniq, tol, _at(mean_variance, shape, first))
    out = down_and_out_call(v0, barrier, kst, ibar[inverse])
    live = np.flatnonzero(~degenerate)
    for bucket, members in _buckets(kmax[live]).items() if live.size else []:
        idx = live[members]
        freq = x0 + float(np.max(xk[np.isin(inverse, idx)]))
        k, w = _nodes(2.0**bucket, freq)
        base = w * np.sin(k * x0) / (k * k + 0.25)
        step = max(1, _MAX_BLOCK // len(k))
        for start in range(0, len(idx), step):
            sub = idx[start:start + step]
            res = _residuals(laplace, k, uniq[sub], ibar[sub]) * base[None, :]
            for row, j in enumerate(sub):
                pos = np.flatnonzero(inverse == j)
                for s0 in range(0, len(pos), step):
                    p = pos[s0:s0 + step]
                    integral = np.sin(np.outer(xk[p], k)) @ res[row]
                    out[p] -= 2.0 * np.sqrt(v0 * kst[p]) / np.pi * integral
    return np.maximum(out, 0.0).reshape(shape)
