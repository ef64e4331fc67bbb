"""Compiled (numba) Newton solve of one hazard pillar on many curves (see :mod:`.grid`).

The segments of the pillar's quote contract that touch the unknown hazard ``x`` are ("live"):
``ln Q0 = c0 − x a``, ``ĥ = k + x d`` with ``c0``/``k`` (per row) from the known pillars; their
ISDA terms (QuantLib ``IsdaCdsEngine``: protection ``ĥ/X (P0Q0 − P1Q1)``, accrual on default,
Taylor series where ``X = f̂ + ĥ < 1e-4``) are carried with their exact derivative in ``x``
(forward-mode dual numbers written out), so each Newton step is one pass over the segments.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["solve_rows"]

_TINY = 1e-4


@njit(cache=True, inline="always")
def _pieces(x, c0, k, a, d, fh, p0, p1):
    q0 = math.exp(c0 - x * a)
    dq0 = -a * q0
    hh = k + x * d
    e1 = math.exp(-hh)
    big = fh + hh
    pq0, dpq0 = p0 * q0, p0 * dq0
    pq1 = p1 * q0 * e1
    dpq1 = p1 * (dq0 * e1 - d * q0 * e1)
    return hh, d, big, pq0, dpq0, pq1, dpq1


@njit(cache=True)
def _live(x, c0, k, a, d, fh, p0, p1, t0, t1, ts, accrual, taylor):
    v = 0.0
    dv = 0.0
    for s in range(a.size):
        hh, dhh, big, pq0, dpq0, pq1, dpq1 = _pieces(x, c0[s], k[s], a[s], d[s], fh[s],
                                                     p0[s], p1[s])
        dbig = dhh
        if taylor and big < _TINY:
            b2 = big * big
            if accrual:
                lag, dt = t0[s] - ts[s], t1[s] - t0[s]
                pa = 1.0 - 0.5 * big + b2 / 6.0 - b2 * big / 24.0
                pb = 0.5 - big / 3.0 + b2 / 8.0 - b2 * big / 30.0
                dpa = -0.5 + big / 3.0 - b2 / 8.0
                dpb = -1.0 / 3.0 + big / 4.0 - b2 / 10.0
                inner = lag * pa + dt * pb
                v += hh * pq0 * inner
                dv += (dhh * pq0 + hh * dpq0) * inner + hh * pq0 * (lag * dpa + dt * dpb) * dbig
            else:
                pp = 1.0 - 0.5 * big + b2 / 6.0 - b2 * big / 24.0 + b2 * b2 / 120.0
                dpp = -0.5 + big / 3.0 - b2 / 8.0 + b2 * big / 30.0
                v += pq0 * hh * pp
                dv += (dpq0 * hh + pq0 * dhh) * pp + pq0 * hh * dpp * dbig
        else:
            if not taylor:
                big += 1e-50
            r = hh / big
            dr = (dhh * big - hh * dbig) / (big * big)
            dd = pq0 - pq1
            ddd = dpq0 - dpq1
            if accrual:
                lag, dt = t0[s] - ts[s], t1[s] - t0[s]
                inner = dt * (dd / big - pq1) + lag * dd
                dinner = dt * ((ddd * big - dd * dbig) / (big * big) - dpq1) + lag * ddd
                v += r * inner
                dv += dr * inner + r * dinner
            else:
                v += r * dd
                dv += dr * dd + r * ddd
    return v, dv


@njit(cache=True)
def solve_rows(x0, const, run, lgd, pc0, pk, pa, pd_, pfh, pp0, pp1,
               ac0, ak, aa, ad, afh, ap0, ap1, at0, at1, ats,
               mc0, mw, mm, taylor, tol, max_iter):
    """Newton on each row: ``const + lgd·prot(x) − run·(prem(x) + 365/360·accr(x)) = 0``.

    Returns the roots and a flag per row (``False``: no convergence in ``max_iter`` steps).
    """
    n = x0.size
    out = np.empty(n)
    ok = np.zeros(n, dtype=np.bool_)
    e = np.zeros(0)
    for b in range(n):
        x = x0[b]
        for _ in range(max_iter):
            vp, dp = _live(x, pc0[b], pk[b], pa, pd_, pfh, pp0, pp1, e, e, e, False, taylor)
            va, da = _live(x, ac0[b], ak[b], aa, ad, afh, ap0, ap1, at0, at1, ats, True, taylor)
            vm = 0.0
            dm = 0.0
            for c in range(mw.size):
                q = mm[c] * math.exp(mc0[b, c] - x * mw[c])
                vm += q
                dm -= mw[c] * q
            f = const[b] + lgd[b] * vp - run[b] * (vm + va * (365.0 / 360.0))
            df = lgd[b] * dp - run[b] * (dm + da * (365.0 / 360.0))
            step = f / df if df != 0.0 else 0.0
            xn = x - step
            if xn < -0.5:
                xn = 0.5 * (x - 0.5)
            elif xn > 4.0 * abs(x) + 1.0:  # the legs flatten at large hazards: no long jumps
                xn = 4.0 * abs(x) + 1.0
            if abs(xn - x) <= tol * max(1.0, abs(x)):
                x = xn
                ok[b] = True
                break
            x = xn
        out[b] = x
    return out, ok


@njit(cache=True)
def rows_value(c0, k, fh, p0, p1, t0, t1, ts, accrual, taylor):
    """Protection (``accrual=False``) or accrual-on-default sums per row, all hazards known
    (``ln Q0 = c0``, ``ĥ = k``, shape ``(rows, segments)``)."""
    n, m = c0.shape
    out = np.empty(n)
    zero = np.zeros(m)
    for b in range(n):
        out[b] = _live(0.0, c0[b], k[b], zero, zero, fh, p0, p1, t0, t1, ts, accrual, taylor)[0]
    return out
