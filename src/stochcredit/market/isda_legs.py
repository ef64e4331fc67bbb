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

__all__ = ["isda_legs_batch", "isda_bootstrap", "merged_nodes"]


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
def _one(dk, dr, ds, dc, hk, hr, hs, hc, nodes, st, mat, lo, hi, acc_start, acc_end, pay, frac,
         bias, piecewise, taylor, prot_from=-1.0):
    """(protection, premium, accrual on default) per unit of one contract (coupons lo:hi;
    protection from ``prot_from`` when >= 0, else from the step-in date - 1, the trade date)."""
    half = 1.0 / 730.0 if bias else 0.0
    t0 = (max(st, 1) - 1) / 365.0 if prot_from < 0.0 else prot_from
    prot = _protection(dk, dr, ds, dc, hk, hr, hs, hc, nodes, t0, mat / 365.0, taylor)
    p = 0.0
    a = 0.0
    for c in range(lo, hi):
        if pay[c] > st:
            f1 = _integral(dk, dr, ds, dc, pay[c] / 365.0)
            g2 = _integral(hk, hr, hs, hc, (pay[c] - 1) / 365.0)
            p += frac[c] * math.exp(-f1 - g2)
        if acc_end[c] > st:
            ta = (max(acc_start[c], st) - 1) / 365.0
            tb = (pay[c] - 1) / 365.0
            ts = (acc_start[c] - 1) / 365.0 - half
            a += _accrual_on_default(dk, dr, ds, dc, hk, hr, hs, hc, nodes, ta, tb, ts,
                                     piecewise, taylor)
    return prot, p, a * 365.0 / 360.0


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
    for k in range(n):
        prot[k], prem[k], aod[k] = _one(dk, dr, ds, dc, hk, hr, hs, hc, nodes, step_in[k],
                                        maturity[k], offsets[k], offsets[k + 1], acc_start,
                                        acc_end, pay, frac, bias, piecewise, taylor)
    return prot, prem, aod


@njit(cache=True)
def _set_hazard(knots, rates, starts, cum, i, h):
    """rates[j] = h for j >= i and the cumulative integrals from segment i on."""
    n = knots.size
    for j in range(i, n):
        rates[j] = h
        if j > 0:
            cum[j] = cum[j - 1] + rates[j - 1] * (knots[j - 1] - starts[j - 1])


@njit(cache=True)
def _gap(h, i, dk, dr, ds, dc, hk, hr, hs, hc, nodes, mat, offsets, acc_start, acc_end, pay,
         frac, bias, piecewise, taylor, target, lgd, run, pcs, rebate, fixed, c0, t_split):
    """Quote gap of contract i with hazard h from pillar i on: LGD prot - run annuity -
    target (target = upfront P_cs for upfront quotes, 0 for par spreads). ``fixed`` holds the
    legs up to ``t_split`` (the previous pillar), which do not depend on h; only coupons from
    ``c0`` on and protection after ``t_split`` are recomputed."""
    _set_hazard(hk, hr, hs, hc, i, h)
    prot, p, a = _one(dk, dr, ds, dc, hk, hr, hs, hc, nodes, 1, mat[i], c0, offsets[i + 1],
                      acc_start, acc_end, pay, frac, bias, piecewise, taylor,
                      t_split if t_split > 0.0 else -1.0)
    prot += fixed[0]
    ann = fixed[1] + p + a - pcs[i] * rebate[i]
    return lgd * prot - run[i] * ann - target[i]


@njit(cache=True)
def _fixed_part(i, dk, dr, ds, dc, hk, hr, hs, hc, nodes, mat, offsets, acc_start, acc_end,
                pay, frac, bias, piecewise, taylor, fixed):
    """Legs of contract i that only read the curve up to the previous pillar; returns the first
    coupon that reads beyond it and that pillar's time (0 for the first pillar)."""
    fixed[0] = 0.0
    fixed[1] = 0.0
    if i == 0:
        return offsets[0], 0.0
    t_split = hk[i - 1]
    if mat[i] / 365.0 <= t_split:
        return offsets[i], 0.0
    c0 = offsets[i]
    while c0 < offsets[i + 1] and (pay[c0] - 1) / 365.0 <= t_split:
        c0 += 1
    prot, p, a = _one(dk, dr, ds, dc, hk, hr, hs, hc, nodes, 1, mat[i], offsets[i], c0,
                      acc_start, acc_end, pay, frac, bias, piecewise, taylor)
    fixed[0] = _protection(dk, dr, ds, dc, hk, hr, hs, hc, nodes, 0.0, t_split, taylor)
    fixed[1] = p + a
    return c0, t_split


@njit(cache=True)
def isda_bootstrap(dk, dr, ds, dc, knots, nodes, mat, offsets, acc_start, acc_end, pay, frac,
                   bias, piecewise, taylor, target, lgd, run, pcs, rebate, policy, h_guess,
                   h_max, tol, max_iter):
    """Sequential piecewise-flat hazard bootstrap with a bracketed Brent root search.

    ``policy``: 0 fail, 1 zero hazard, 2 ignore (negative hazards allowed) for quotes whose gap
    is already positive at zero hazard. Returns ``(hazards, status, index)``: status 0 success,
    1 arbitrage (negative hazard needed) at ``index``, 2 quote beyond ``h_max`` at ``index``,
    3 no convergence at ``index``.
    """
    n = knots.size
    hr = np.zeros(n)
    hs = np.zeros(n)
    hc = np.zeros(n)
    for j in range(1, n):
        hs[j] = knots[j - 1]
    fixed = np.zeros(2)
    for i in range(n):
        c0, t_split = _fixed_part(i, dk, dr, ds, dc, knots, hr, hs, hc, nodes, mat, offsets,
                                  acc_start, acc_end, pay, frac, bias, piecewise, taylor, fixed)
        def_args = (dk, dr, ds, dc, knots, hr, hs, hc, nodes, mat, offsets, acc_start, acc_end,
                    pay, frac, bias, piecewise, taylor, target, lgd, run, pcs, rebate, fixed, c0,
                    t_split)
        f0 = _gap(0.0, i, *def_args)
        if f0 == 0.0:
            continue
        if f0 > 0.0:
            if policy == 0:
                return hr, 1, i
            if policy == 1:
                _set_hazard(knots, hr, hs, hc, i, 0.0)
                continue
            a, fa = 0.0, f0
            b = -max(h_guess[i], 1e-3)
            fb = _gap(b, i, *def_args)
            while fb > 0.0:
                b *= 2.0
                if b < -h_max:
                    return hr, 2, i
                fb = _gap(b, i, *def_args)
        else:
            a, fa = 0.0, f0
            b = max(2.0 * h_guess[i], 1e-3)
            fb = _gap(b, i, *def_args)
            while fb < 0.0:
                a, fa = b, fb
                b *= 2.0
                if b > h_max:
                    return hr, 2, i
                fb = _gap(b, i, *def_args)
        # Brent's method (zeroin) on [a, b], fa fb of opposite signs
        c, fc = a, fa
        d = b - a
        e = d
        ok = False
        for _ in range(max_iter):
            if (fb > 0.0) == (fc > 0.0):
                c, fc = a, fa
                d = b - a
                e = d
            if abs(fc) < abs(fb):
                a, fa = b, fb
                b, fb = c, fc
                c, fc = a, fa
            tol1 = 2.0 * 2.2e-16 * abs(b) + 0.5 * tol
            xm = 0.5 * (c - b)
            if abs(xm) <= tol1 or fb == 0.0:
                ok = True
                break
            if abs(e) >= tol1 and abs(fa) > abs(fb):
                s = fb / fa
                if a == c:
                    p = 2.0 * xm * s
                    q = 1.0 - s
                else:
                    q = fa / fc
                    r = fb / fc
                    p = s * (2.0 * xm * q * (q - r) - (b - a) * (r - 1.0))
                    q = (q - 1.0) * (r - 1.0) * (s - 1.0)
                if p > 0.0:
                    q = -q
                p = abs(p)
                if 2.0 * p < min(3.0 * xm * q - abs(tol1 * q), abs(e * q)):
                    e = d
                    d = p / q
                else:
                    d = xm
                    e = d
            else:
                d = xm
                e = d
            a, fa = b, fb
            if abs(d) > tol1:
                b += d
            else:
                b += tol1 if xm > 0 else -tol1
            fb = _gap(b, i, *def_args)
        if not ok:
            return hr, 3, i
        _set_hazard(knots, hr, hs, hc, i, b)
    return hr, 0, -1
