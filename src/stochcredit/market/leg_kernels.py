"""Compiled (numba) kernels of the exact CDS leg integrals and of the hazard bootstrap.

Same closed forms as :mod:`stochcredit.market.leg_integrals` (ISDA model: piecewise-flat forward
``f`` and hazard ``h``; on a piece ``[c, d]`` inside one flat segment, with ``λ = f + h`` and
``w = d - c``: protection ``h P Q(c) w φ1(λw)``, accrual on default
``h P Q(c) [(c - a) w φ1(λw) + w² φ2(λw)]``), written as loops so that a batch of 10,000 CDS or
a whole bootstrap costs one pass over the periods instead of dozens of numpy temporaries.

The piecewise-flat input is a merged grid: segment ``j`` is ``(s_j, s_{j+1}]`` with
``s_0 = 0``, the last segment extends to infinity; ``lam[j] = f_j + h_j``, ``haz[j] = h_j`` and
``cum[j] = ∫_0^{s_j} λ`` (so ``P(t) Q(t) = exp(-(cum[j] + lam[j] (t - s_j)))``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["legs_batch", "bootstrap_hazards"]

_STUB_TOL = 1e-7


@njit(cache=True, inline="always")
def _phi1(y: float) -> float:
    if y == 0.0:
        return 1.0
    return -math.expm1(-y) / y


# Taylor coefficients (-1)^n / (n! (n + 2)), highest order first (Horner)
_PHI2 = np.array([(-1.0) ** n / (math.factorial(n) * (n + 2)) for n in range(12)])[::-1].copy()


@njit(cache=True, inline="always")
def _phi2(y: float) -> float:
    if abs(y) < 0.1:
        acc = 0.0
        for c in _PHI2:
            acc = acc * y + c
        return acc
    return (_phi1(y) - math.exp(-y)) / y


@njit(cache=True, inline="always")
def _n_periods(maturity: float, start: float, freq: float) -> int:
    n = int(math.ceil((maturity - start) * freq - _STUB_TOL))
    return n if n >= 1 else 1


@njit(cache=True)
def _one_cds(maturity: float, start: float, freq: float, seg: np.ndarray, lam: np.ndarray,
             haz: np.ndarray, cum: np.ndarray, k_first: int = -1, k_last: int = 0
             ) -> tuple[float, float, float]:
    """(protection integral, premium Σ Δ P Q, accrual on default) of one CDS.

    Only the periods ``k_first >= k >= k_last`` (``k = 0`` is the last period; ``k_first = -1``
    means the first period) are summed, so the bootstrap can keep the periods it has fixed.
    """
    nseg = seg.size
    n = _n_periods(maturity, start, freq)
    if k_first < 0 or k_first > n - 1:
        k_first = n - 1
    prot = 0.0
    prem = 0.0
    aod = 0.0
    a0 = start if k_first == n - 1 else maturity - (k_first + 1) / freq
    # segment holding the first period's start (s_j <= a < s_{j+1})
    j = np.searchsorted(seg, a0, side="right") - 1
    for k in range(k_first, k_last - 1, -1):
        a = start if k == n - 1 else maturity - (k + 1) / freq
        b = maturity - k / freq
        while j + 1 < nseg and seg[j + 1] <= a:
            j += 1
        c = a
        while True:
            right = seg[j + 1] if j + 1 < nseg else np.inf
            d = b if b <= right else right
            w = d - c
            y = lam[j] * w
            pq = math.exp(-(cum[j] + lam[j] * (c - seg[j])))
            p1 = _phi1(y)
            hp = haz[j] * pq
            prot += hp * w * p1
            aod += hp * ((c - a) * w * p1 + w * w * _phi2(y))
            if d >= b:
                prem += (b - a) * pq * math.exp(-y)
                break
            c = d
            j += 1
    return prot, prem, aod


@njit(cache=True)
def legs_batch(maturity: np.ndarray, start: np.ndarray, freq: float, seg: np.ndarray,
               lam: np.ndarray, haz: np.ndarray, cum: np.ndarray):
    """Leg integrals of many CDS (1-d ``maturity``/``start``) on one merged grid."""
    m = maturity.size
    prot = np.empty(m)
    prem = np.empty(m)
    aod = np.empty(m)
    for i in range(m):
        prot[i], prem[i], aod[i] = _one_cds(maturity[i], start[i], freq, seg, lam, haz, cum)
    return prot, prem, aod


@njit(cache=True)
def _cumulate(seg: np.ndarray, lam: np.ndarray, cum: np.ndarray) -> None:
    cum[0] = 0.0
    for j in range(1, seg.size):
        cum[j] = cum[j - 1] + lam[j - 1] * (seg[j] - seg[j - 1])


@njit(cache=True)
def _set_hazard(h: float, i: int, pillar_of: np.ndarray, fwd: np.ndarray, hazards: np.ndarray,
                seg: np.ndarray, lam: np.ndarray, haz: np.ndarray, cum: np.ndarray) -> None:
    """Merged-grid arrays for hazards fixed before pillar ``i`` and ``h`` from pillar i on."""
    for j in range(seg.size):
        hj = hazards[pillar_of[j]] if pillar_of[j] < i else h
        haz[j] = hj
        lam[j] = fwd[j] + hj
    _cumulate(seg, lam, cum)


@njit(cache=True)
def _residual(h: float, i: int, pillar_of: np.ndarray, fwd: np.ndarray, hazards: np.ndarray,
              seg: np.ndarray, lam: np.ndarray, haz: np.ndarray, cum: np.ndarray,
              maturity: float, spread: float, recovery: float, freq: float, k_first: int,
              fixed: float) -> float:
    """(1-R) protection - s annuity of pillar ``i``'s CDS with hazard ``h`` from pillar i on.

    Periods ``k > k_first`` end before the previous pillar; their contribution ``fixed`` does
    not depend on ``h`` and is passed in.
    """
    _set_hazard(h, i, pillar_of, fwd, hazards, seg, lam, haz, cum)
    prot, prem, aod = _one_cds(maturity, 0.0, freq, seg, lam, haz, cum, k_first, 0)
    return fixed + (1.0 - recovery) * prot - spread * (prem + aod)


@njit(cache=True)
def bootstrap_hazards(maturities: np.ndarray, spreads: np.ndarray, recovery: np.ndarray,
                      freq: float, seg: np.ndarray, fwd: np.ndarray, pillar_of: np.ndarray,
                      max_expand: int, max_iter: int):
    """Piecewise-flat hazards repricing each spot CDS quote, pillar by pillar.

    ``pillar_of[j]`` is the pillar whose hazard applies on merged segment ``j``. The residual
    ``(1-R) protection - s annuity`` increases with the new hazard and is nearly linear in it: a
    secant iteration from the credit-triangle guess converges in a few steps (at most 30); its
    answer is accepted only where the residual changes sign (a small step is not a root). Should
    it fail, leave ``(0, 1e6]``, or not bracket a sign change, the root is bracketed in
    ``[0, hi]`` (``hi`` grown at most ``max_expand`` times) and solved by bisection-safeguarded
    Illinois regula falsi (at most ``max_iter`` steps). Returns ``(hazards, status,
    failed_pillar)``: status 0 = ok,
    1 = the quote needs a negative forward hazard, 2 = no bracket (quote too large / non-finite),
    3 = no convergence.
    """
    npil = maturities.size
    hazards = np.zeros(npil)
    lam = np.empty(seg.size)
    haz = np.empty(seg.size)
    cum = np.empty(seg.size)
    for i in range(npil):
        T = maturities[i]
        s = spreads[i]
        R = recovery[i]
        # periods ending at or before the previous pillar do not depend on the new hazard
        kf = -1
        fixed = 0.0
        if i > 0:
            n = _n_periods(T, 0.0, freq)
            m = int(math.ceil((T - maturities[i - 1]) * freq - 1e-9))  # periods ending after it
            if m < n:
                kf = m - 1
                # h is irrelevant before T_{i-1}
                _set_hazard(0.0, i, pillar_of, fwd, hazards, seg, lam, haz, cum)
                p0, q0, a0 = _one_cds(T, 0.0, freq, seg, lam, haz, cum, n - 1, m)
                fixed = (1.0 - R) * p0 - s * (q0 + a0)
        # secant from the credit-triangle guess for the forward hazard; the residual is smooth,
        # increasing and nearly linear in h, so this converges in a handful of steps
        if i == 0:
            x0 = s / (1.0 - R)
        else:
            t0 = maturities[i - 1]
            x0 = (s * T - spreads[i - 1] * t0) / (T - t0) / (1.0 - R)
        if not (x0 > 0.0):
            x0 = 0.5 * s / (1.0 - R)
        x1 = x0 * 1.001 + 1e-8
        f0 = _residual(x0, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                      T, s, R, freq, kf, fixed)
        f1 = _residual(x1, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                      T, s, R, freq, kf, fixed)
        converged = False
        for _ in range(30):
            if f1 == f0 or not math.isfinite(f1):
                break
            x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
            if not math.isfinite(x2) or x2 < 0.0 or x2 > 1e6:
                break  # left the domain: the bracketed solve below decides (and checks h >= 0)
            if abs(x2 - x1) <= 1e-15 * abs(x2) + 1e-300:
                x1 = x2
                converged = True
                break
            x0, f0 = x1, f1
            x1 = x2
            f1 = _residual(x1, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                      T, s, R, freq, kf, fixed)
        if converged:
            # a small step is not a root: accept only if the residual changes sign around x1
            dx = 1e-10 * x1 + 1e-300
            f_a = _residual(x1 - dx, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                            T, s, R, freq, kf, fixed)
            f_b = _residual(x1 + dx, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                            T, s, R, freq, kf, fixed)
            if f_a <= 0.0 <= f_b and x1 - dx > 0.0:
                hazards[i] = x1
                continue
        # fallback (and the negative-forward check): bracket [0, hi] and Illinois regula falsi
        lo = 0.0
        f_lo = _residual(lo, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                      T, s, R, freq, kf, fixed)
        if f_lo > 1e-13 * s * T:  # beyond rounding: a negative forward hazard is needed
            return hazards, 1, i
        if f_lo >= 0.0:
            hazards[i] = 0.0  # zero forward hazard up to rounding
            continue
        hi = max(2.0 * s / (1.0 - R), 1e-4)
        f_hi = _residual(hi, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                      T, s, R, freq, kf, fixed)
        grown = 0
        while not (f_hi >= 0.0) and grown < max_expand:
            lo, f_lo = hi, f_hi
            hi *= 4.0
            f_hi = _residual(hi, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                      T, s, R, freq, kf, fixed)
            grown += 1
        if not (f_hi >= 0.0) or not math.isfinite(f_hi):
            return hazards, 2, i
        side = 0
        x = hi
        converged = False
        for _ in range(max_iter):
            if f_hi == 0.0:
                x = hi
                converged = True
                break
            x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
            if not (lo < x < hi):
                x = 0.5 * (lo + hi)
            fx = _residual(x, i, pillar_of, fwd, hazards, seg, lam, haz, cum,
                      T, s, R, freq, kf, fixed)
            if fx == 0.0:
                converged = True
                break
            if fx < 0.0:
                lo, f_lo = x, fx
                if side == -1:
                    f_hi *= 0.5
                side = -1
            else:
                hi, f_hi = x, fx
                if side == 1:
                    f_lo *= 0.5
                side = 1
            if hi - lo <= 4e-16 * hi:
                x = 0.5 * (lo + hi)
                converged = True
                break
        if not converged:
            return hazards, 3, i
        hazards[i] = x
    return hazards, 0, -1
