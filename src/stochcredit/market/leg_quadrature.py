"""Adaptive quadrature of the CDS legs on any survival curve (the non-piecewise-flat case).

Integrating by parts on a premium period ``(a, b]`` with ``X(u) = Q(a) - Q(u)`` (so no derivative
of Q is needed, and the jump ``1 - Q(0)`` of a structural model is handled separately)::

    ∫_a^b P (-dQ)            = P(b) X(b) + ∫_a^b f(u) P(u) X(u) du
    ∫_a^b (u - a) P (-dQ)    = (b - a) P(b) X(b) - ∫_a^b X(u) P(u) [1 - (u - a) f(u)] du

with f the instantaneous forward rate of the discount curve (exact for our curves, a
Richardson-extrapolated difference of ln P otherwise). Vectorised adaptive Gauss-Legendre:
8 against 16 nodes per piece, the pieces whose estimates disagree by more than the tolerance
(or the rounding floor) are bisected; one call of ``survival`` per round on all nodes. Work is
bounded (rounds and pieces), so it never hangs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from ..core.errors import InvalidParameterError
from .curves import PiecewiseFlatRate
from .leg_integrals import LegIntegrals, PremiumSchedule, _split, _sum

__all__ = ["quadrature_legs"]

_EPS = np.finfo(float).eps
_MAX_PIECES = 2_000_000  # bound on the adaptive quadrature's work (never a hang)


@lru_cache(maxsize=8)
def _legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(n)
    return (x + 1.0) / 2.0, w / 2.0  # on [0, 1]


def _forward_fn(discount: Any):
    """Instantaneous forward f(t) of a discount curve (exact if the curve provides it)."""
    if hasattr(discount, "instantaneous_forward"):
        return lambda t: np.asarray(discount.instantaneous_forward(t), dtype=float)

    def fwd(t: np.ndarray) -> np.ndarray:  # Richardson-extrapolated central difference of ln P
        t = np.asarray(t, dtype=float)
        e = 1e-4
        tt = np.maximum(t, 2 * e)  # stay at t >= 0; f is taken as flat on [0, 2e]

        def d(step: float) -> np.ndarray:
            lp = np.log(np.asarray(discount.discount(np.concatenate([tt + step, tt - step])),
                                   dtype=float))
            return (lp[tt.size:] - lp[:tt.size]) / (2 * step)

        return (4 * d(e) - d(2 * e)) / 3

    return fwd


def _breakpoints(curve: Any) -> np.ndarray:
    pf = getattr(curve, "piecewise_flat", None)
    return pf.breakpoints if isinstance(pf, PiecewiseFlatRate) else np.empty(0)


def quadrature_legs(sched: PremiumSchedule, start: np.ndarray, discount: Any, credit: Any,
                rtol: float, max_rounds: int) -> LegIntegrals:
    n = sched.n_cds
    fwd = _forward_fn(discount)
    a, b = sched.begin, sched.end
    q_ab = _call(credit.survival, np.concatenate([a, b]), "credit.survival")
    _check_survival(q_ab, np.concatenate([a, b]))
    q_a, q_b = q_ab[:a.size], q_ab[a.size:]
    p_b = _call(discount.discount, b, "discount.discount")
    premium = _sum(sched.owner, (b - a) * p_b * q_b, n)
    prot = _sum(sched.owner, p_b * (q_a - q_b), n)
    aod = _sum(sched.owner, (b - a) * p_b * (q_a - q_b), n)
    # jump at t = 0: protection paid at once (CreditGrades' barrier uncertainty)
    first = np.flatnonzero(start == 0.0)
    if first.size:
        q0 = _call(credit.survival, np.zeros(1), "credit.survival")[0]
        prot[first] += 1.0 - q0

    grid = np.union1d(_breakpoints(discount), _breakpoints(credit))
    parent, lo, hi = _split(a, b, grid)
    x8, w8 = _legendre(8)
    x16, w16 = _legendre(16)
    xs = np.concatenate([x8, x16])
    err = np.zeros(n)
    for rnd in range(max_rounds + 1):
        width = (hi - lo)[:, None]
        u = lo[:, None] + width * xs[None, :]
        q = _call(credit.survival, u.ravel(), "credit.survival").reshape(u.shape)
        _check_survival(q, u)
        p = _call(discount.discount, u.ravel(), "discount.discount").reshape(u.shape)
        f = fwd(u.ravel()).reshape(u.shape)
        x = q_a[parent][:, None] - q
        g_prot = f * p * x
        g_aod = -x * p * (1.0 - (u - a[parent][:, None]) * f)
        i8_p = (g_prot[:, :8] @ w8) * width[:, 0]
        i16_p = (g_prot[:, 8:] @ w16) * width[:, 0]
        i8_a = (g_aod[:, :8] @ w8) * width[:, 0]
        i16_a = (g_aod[:, 8:] @ w16) * width[:, 0]
        e_p = np.abs(i16_p - i8_p)
        e_a = np.abs(i16_a - i8_a)
        # tolerance per piece: relative to the period's own size (hence the owner's total)
        scale = np.abs(p_b * (q_a - q_b))[parent]  # size of the period's protection
        # rounding floor: X = Q(a) - Q(u) carries an absolute error ~ eps, so no rule can do
        # better than ~eps x width x max|integrand weight| on a piece
        floor = 64 * _EPS * width[:, 0] * np.max(p * (1.0 + np.abs(f)), axis=1)
        ok = (e_p <= rtol * scale + floor) & (e_a <= (rtol * scale + floor) * (b - a)[parent]
                                               + floor)
        ok |= (hi - lo) < 1e-9
        if rnd == max_rounds or lo.size > _MAX_PIECES:
            ok[:] = True
        owner = sched.owner[parent[ok]]
        prot += _sum(owner, i16_p[ok], n)
        aod += _sum(owner, i16_a[ok], n)
        err += _sum(owner, e_p[ok] + e_a[ok], n)
        if ok.all():
            break
        bad = ~ok
        mid = 0.5 * (lo[bad] + hi[bad])
        parent = np.repeat(parent[bad], 2)
        lo, hi = np.column_stack([lo[bad], mid]).ravel(), np.column_stack([mid, hi[bad]]).ravel()
    return LegIntegrals(prot, premium, aod, err)


def _call(fn: Any, t: np.ndarray, name: str) -> np.ndarray:
    """``fn(t)`` as a float array of ``t``'s shape (curves must be vectorised over ``t``)."""
    out = np.asarray(fn(t), dtype=float)
    if out.shape != t.shape:
        if out.ndim == 0:
            out = np.full(t.shape, float(out)) if t.size == 1 else out
        if out.shape != t.shape:
            raise InvalidParameterError(f"{name}(t)", out, f"an array of shape {t.shape} "
                                        "(the curve must broadcast over t)")
    return out


def _check_survival(q: np.ndarray, t: np.ndarray) -> None:
    if not np.all(np.isfinite(q)) or np.any(q < -1e-12) or np.any(q > 1 + 1e-12):
        bad = ~(np.isfinite(q) & (q >= -1e-12) & (q <= 1 + 1e-12))
        raise InvalidParameterError("credit.survival(t)", q[bad].ravel()[0], "finite in [0, 1]",
                                    f"at t = {np.asarray(t)[bad].ravel()[0]:g}")
