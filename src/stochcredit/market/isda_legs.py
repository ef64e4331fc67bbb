"""Compiled (numba) legs of dated standard CDS under the ISDA CDS Standard Model.

Discount and hazard curves are piecewise flat in their instantaneous rates, so on every interval
between merged curve nodes the legs integrate in closed form (ISDA CDS Standard Model, "Standard
CDS Examples" and QuantLib's ``IsdaCdsEngine``). On ``[t0, t1]`` with ``f̂ = ln P0 - ln P1`` and
``ĥ = ln Q0 - ln Q1``:

- protection: ``ĥ / (f̂ + ĥ) (P0 Q0 - P1 Q1)``;
- accrual on default (per unit coupon, ACT/360 accrual from ``t_s``):
  ``ĥ/(f̂+ĥ) [(t1 - t0)((P0Q0 - P1Q1)/(f̂+ĥ) - P1Q1) + (t0 - t_s)(P0Q0 - P1Q1)] 365/360``;
- where ``f̂ + ĥ < 1e-4`` the ``"taylor"`` numerical fix uses the series of these expressions
  (the ISDA code's fix); ``"none"`` adds ``1e-50`` to the denominators, as QuantLib does.

Times are ACT/365F day counts from the trade date: a date ``d`` days after it is ``d / 365``.
Premium coupons are discounted at their payment date and weighted by survival to the day before
it; accrual on default runs from ``max(accrual start, step-in) - 1`` to the payment date - 1, with
the accrual clock started half a day early under the ``"half_day"`` bias (all as QuantLib's
``IsdaCdsEngine``). Protection runs from the trade date to maturity.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["isda_legs_batch", "merged_nodes"]


def merged_nodes(*knot_arrays: np.ndarray) -> np.ndarray:
    """Sorted union of the finite, positive knots of piecewise-flat curves."""
    parts = [np.asarray(k, dtype=float) for k in knot_arrays]
    allk = np.concatenate(parts) if parts else np.empty(0)
    allk = allk[np.isfinite(allk) & (allk > 0)]
    return np.unique(allk)


@njit(cache=True, inline="always")
def _integral(knots, rates, starts, cum, t):
    n = knots.size
    j = np.searchsorted(knots, t)
    if j > n - 1:
        j = n - 1
    return cum[j] + rates[j] * (t - starts[j])


@njit(cache=True, inline="always")
def _lnpq(dk, dr, ds, dc, hk, hr, hs, hc, t):
    return _integral(dk, dr, ds, dc, t), _integral(hk, hr, hs, hc, t)


@njit(cache=True)
def _protection(dk, dr, ds, dc, hk, hr, hs, hc, nodes, t0, tm, taylor):
    nfix = 0.0 if taylor else 1e-50
    f0, g0 = _lnpq(dk, dr, ds, dc, hk, hr, hs, hc, t0)
    pq0 = math.exp(-f0 - g0)
    total = 0.0
    i = np.searchsorted(nodes, t0, side="right")
    done = False
    while not done:
        if i < nodes.size and nodes[i] < tm:
            t1 = nodes[i]
            i += 1
        else:
            t1 = tm
            done = True
        f1, g1 = _lnpq(dk, dr, ds, dc, hk, hr, hs, hc, t1)
        pq1 = math.exp(-f1 - g1)
        fhat = f1 - f0
        hhat = g1 - g0
        x = fhat + hhat
        if taylor and x < 1e-4:
            x2 = x * x
            total += pq0 * hhat * (1.0 - 0.5 * x + x2 / 6.0 - x2 * x / 24.0 + x2 * x2 / 120.0)
        else:
            total += hhat / (x + nfix) * (pq0 - pq1)
        f0, g0, pq0 = f1, g1, pq1
    return total


@njit(cache=True)
def _accrual_on_default(dk, dr, ds, dc, hk, hr, hs, hc, nodes, ta, tb, ts, piecewise, taylor):
    nfix = 0.0 if taylor else 1e-50
    f0, g0 = _lnpq(dk, dr, ds, dc, hk, hr, hs, hc, ta)
    pq0 = math.exp(-f0 - g0)
    t0 = ta
    total = 0.0
    i = np.searchsorted(nodes, ta, side="right")
    done = False
    while not done:
        if piecewise and i < nodes.size and nodes[i] < tb:
            t1 = nodes[i]
            i += 1
        else:
            t1 = tb
            done = True
        f1, g1 = _lnpq(dk, dr, ds, dc, hk, hr, hs, hc, t1)
        pq1 = math.exp(-f1 - g1)
        fhat = f1 - f0
        hhat = g1 - g0
        x = fhat + hhat
        if taylor and x < 1e-4:
            x2 = x * x
            total += hhat * pq0 * ((t0 - ts) * (1.0 - 0.5 * x + x2 / 6.0 - x2 * x / 24.0)
                                   + (t1 - t0) * (0.5 - x / 3.0 + x2 / 8.0 - x2 * x / 30.0))
        else:
            total += (hhat / (x + nfix)) * ((t1 - t0) * ((pq0 - pq1) / (x + nfix) - pq1)
                                            + (t0 - ts) * (pq0 - pq1))
        t0, f0, g0, pq0 = t1, f1, g1, pq1
    return total


@njit(cache=True)
def isda_legs_batch(dk, dr, ds, dc, hk, hr, hs, hc, nodes, step_in, maturity, offsets,
                    acc_start, acc_end, pay, frac, bias, piecewise, taylor):
    """Per-unit legs of many contracts (day counts from the trade date, ints).

    Parameters are the discount (``d*``) and hazard (``h*``) piecewise-flat representations
    (knots, rates, starts, cum), the merged node times, and per contract ``step_in`` and
    ``maturity`` days; contract ``k``'s coupons are ``offsets[k]:offsets[k+1]`` of the
    ``acc_start``, ``acc_end``, ``pay`` (days) and ``frac`` (ACT/360 fractions) arrays.

    Returns
    -------
    (protection, premium, accrual) : arrays
        ∫ P dQ to maturity; Σ frac P(pay) Q(pay - 1) over coupons paid after step-in; the accrual
        on default per unit coupon.
    """
    n = maturity.size
    prot = np.empty(n)
    prem = np.empty(n)
    aod = np.empty(n)
    half = 1.0 / 730.0 if bias else 0.0
    for k in range(n):
        st = step_in[k]
        prot[k] = _protection(dk, dr, ds, dc, hk, hr, hs, hc, nodes, (max(st, 1) - 1) / 365.0,
                              maturity[k] / 365.0, taylor)
        p = 0.0
        a = 0.0
        for c in range(offsets[k], offsets[k + 1]):
            if pay[c] > st:
                f1, g1 = _lnpq(dk, dr, ds, dc, hk, hr, hs, hc, pay[c] / 365.0)
                g2 = _integral(hk, hr, hs, hc, (pay[c] - 1) / 365.0)
                p += frac[c] * math.exp(-f1 - g2)
            if acc_end[c] > st:
                ta = (max(acc_start[c], st) - 1) / 365.0
                tb = (pay[c] - 1) / 365.0
                ts = (acc_start[c] - 1) / 365.0 - half
                a += _accrual_on_default(dk, dr, ds, dc, hk, hr, hs, hc, nodes, ta, tb, ts,
                                         piecewise, taylor)
        prem[k] = p
        aod[k] = a * 365.0 / 360.0
    return prot, prem, aod
