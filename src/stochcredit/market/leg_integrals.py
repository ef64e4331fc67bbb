"""Exact and adaptive integrals behind the CDS legs (MODELS.md §2; seed 000 eqs. 11-12).

For a CDS with premium periods ``(a_k, b_k]``, discount curve P and survival curve Q
(default probability D = 1 - Q):

- protection integral   ``∫_start^T P(u) (-dQ(u))``, plus the jump ``1 - Q(0)`` when
  ``start = 0`` (protection paid at once when the survival curve starts below 1);
- premium per unit spread  ``Σ_k (b_k - a_k) P(b_k) Q(b_k)``;
- accrual on default      ``Σ_k ∫_{a_k}^{b_k} (u - a_k) P(u) (-dQ(u))``.

Two ways to compute them, chosen by :func:`cds_leg_integrals`:

``exact`` (piecewise-flat forward f and hazard h, i.e. ``FlatCurve``/``ZeroCurve`` with
``FlatHazardCurve``/``HazardCurve``: the ISDA standard model's representation). Every period is
split at the pillars of both curves; on a piece ``[c, d]`` where ``h`` and ``f`` are flat, with
``λ = h + f``, ``w = d - c`` and ``PQ(c) = P(c) Q(c)``::

    ∫_c^d P h Q du           = h PQ(c) w φ1(λ w)
    ∫_c^d (u - a) P h Q du   = h PQ(c) [ (c - a) w φ1(λ w) + w² φ2(λ w) ]
    φ1(y) = (1 - e^{-y}) / y,     φ2(y) = (1 - e^{-y}(1 + y)) / y²

``φ1`` is ``scipy.special.exprel(-y)``; ``φ2`` uses its Taylor series for ``|y| < 0.1`` so the
``λ -> 0`` limit (zero hazard with zero or offsetting negative rates) is exact, not 0/0. Large
batches run the same formulas compiled (:mod:`stochcredit.market.leg_kernels`).

``quadrature`` (any survival curve with ``.survival(t)``, e.g. structural models). Integrating by
parts with ``X(u) = Q(a) - Q(u)`` on a period ``(a, b]`` (so no derivative of Q is needed)::

    ∫_a^b P (-dQ)            = P(b) X(b) + ∫_a^b f(u) P(u) X(u) du
    ∫_a^b (u - a) P (-dQ)    = (b - a) P(b) X(b) - ∫_a^b X(u) P(u) [1 - (u - a) f(u)] du

with f the instantaneous forward rate, by vectorised adaptive Gauss-Legendre
(:mod:`stochcredit.market.leg_quadrature`). Periods are first split at the pillars of both
curves when they expose them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import exprel

from ..core.errors import InvalidParameterError
from .curves import PiecewiseFlatRate

__all__ = ["LegIntegrals", "PremiumSchedule", "premium_schedule", "cds_leg_integrals",
           "phi1", "phi2"]

_CHUNK_PERIODS = 20_000  # quadrature batches: ~500k nodes, a few MB per array
_STUB_TOL = 1e-7  # a first period shorter than this many periods is merged into the next one


def phi1(y: np.ndarray) -> np.ndarray:
    """(1 - e^{-y}) / y with the limit 1 at y = 0."""
    return exprel(-np.asarray(y, dtype=float))


_PHI2_SERIES = np.array([(-1.0) ** n / (math.factorial(n) * (n + 2)) for n in range(12)])[::-1]


def phi2(y: np.ndarray) -> np.ndarray:
    """∫_0^1 w e^{-y w} dw = (1 - e^{-y}(1 + y)) / y², with the limit 1/2 at y = 0.

    Taylor series Σ_n (-y)^n / (n! (n + 2)) (12 terms, < 1e-17 relative) for ``|y| < 0.1``,
    ``(φ1(y) - e^{-y}) / y`` otherwise (relative error < 1e-14).
    """
    y = np.asarray(y, dtype=float)
    series = np.polyval(_PHI2_SERIES, y)
    big = np.abs(y) >= 0.1
    if not big.any():
        return series
    yb = np.where(big, y, 1.0)
    return np.where(big, (exprel(-yb) - np.exp(-yb)) / yb, series)


@dataclass(frozen=True)
class PremiumSchedule:
    """Premium periods of many CDS, flattened: period ``p`` belongs to CDS ``owner[p]``."""

    owner: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    n_cds: int


def premium_schedule(maturity: np.ndarray, start: np.ndarray, frequency: int) -> PremiumSchedule:
    """Periods of ``1/frequency`` years ending at ``maturity``, back to ``start``.

    The first period is short (a stub) when ``maturity - start`` is not a whole number of periods;
    a stub shorter than ``1e-7`` periods is merged into the next period.
    """
    maturity = np.asarray(maturity, dtype=float).ravel()
    start = np.asarray(start, dtype=float).ravel()
    n = np.maximum(np.ceil((maturity - start) * frequency - _STUB_TOL), 1).astype(np.int64)
    owner = np.repeat(np.arange(maturity.size), n)
    offsets = np.concatenate(([0], np.cumsum(n)[:-1]))
    k = np.arange(owner.size) - np.repeat(offsets, n)  # k = 0 is the last period
    end = maturity[owner] - k / frequency
    begin = np.where(k == n[owner] - 1, start[owner], maturity[owner] - (k + 1) / frequency)
    return PremiumSchedule(owner, begin, end, maturity.size)


@dataclass(frozen=True)
class LegIntegrals:
    """Per-CDS leg integrals (flattened arrays); see the module docstring."""

    protection: np.ndarray          # ∫ P (-dQ) over (start, T], plus 1 - Q(0) if start = 0
    premium: np.ndarray             # Σ Δ_k P(b_k) Q(b_k)
    accrual_on_default: np.ndarray  # Σ ∫ (u - a_k) P (-dQ)
    error: np.ndarray               # estimated absolute quadrature error (0 for exact)

    @property
    def risky_annuity(self) -> np.ndarray:
        return self.premium + self.accrual_on_default


def _sum(owner: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(owner, weights=values, minlength=n)


def _split(begin: np.ndarray, end: np.ndarray, grid: np.ndarray):
    """Split intervals ``[begin, end]`` at the grid points strictly inside them.

    Returns ``(parent, lo, hi)``: the pieces and the index of the interval each belongs to.
    """
    if grid.size == 0:
        return np.arange(begin.size), begin, end
    i0 = np.searchsorted(grid, begin, side="right")
    i1 = np.searchsorted(grid, end, side="left")
    inside = np.maximum(i1 - i0, 0)
    pieces = inside + 1
    parent = np.repeat(np.arange(begin.size), pieces)
    offsets = np.concatenate(([0], np.cumsum(pieces)[:-1]))
    j = np.arange(parent.size) - np.repeat(offsets, pieces)  # piece number within its interval
    # piece j runs from cut j-1 to cut j, cuts = [begin, grid[i0..i1-1], end]
    gi = i0[parent] + j
    last = j == pieces[parent] - 1
    lo = np.where(j == 0, begin[parent], grid[np.minimum(gi - 1, grid.size - 1)])
    hi = np.where(last, end[parent], grid[np.minimum(gi, grid.size - 1)])
    return parent, lo, hi


_NUMBA_MIN_PERIODS = 4000  # larger batches go to the compiled kernel (leg_kernels.legs_batch)


def merged_grid(fwd: PiecewiseFlatRate, haz: PiecewiseFlatRate):
    """Union of both curves' pillars: ``(grid, segment starts, λ = f + h, h, PiecewiseFlat λ)``."""
    grid = np.union1d(fwd.breakpoints, haz.breakpoints)
    seg_start = np.concatenate(([0.0], grid))
    seg_mid = seg_start + 0.5 * np.diff(np.append(seg_start, seg_start[-1] + 2.0))
    h_seg = haz.rate(seg_mid)
    lam_seg = h_seg + fwd.rate(seg_mid)
    return grid, seg_start, lam_seg, h_seg, PiecewiseFlatRate(np.append(grid, np.inf), lam_seg)


def _exact_compiled(maturity: np.ndarray, start: np.ndarray, frequency: int,
                    fwd: PiecewiseFlatRate, haz: PiecewiseFlatRate) -> LegIntegrals:
    from .leg_kernels import legs_batch

    _, seg_start, lam_seg, h_seg, lam = merged_grid(fwd, haz)
    prot, prem, aod = legs_batch(np.ascontiguousarray(maturity, dtype=float),
                                 np.ascontiguousarray(start, dtype=float), float(frequency),
                                 seg_start, lam_seg, h_seg, np.ascontiguousarray(lam.cum))
    return LegIntegrals(prot, prem, aod, np.zeros(prot.size))


def _exact(sched: PremiumSchedule, start: np.ndarray, fwd: PiecewiseFlatRate,
           haz: PiecewiseFlatRate) -> LegIntegrals:
    grid, seg_start, lam_seg, h_seg, lam = merged_grid(fwd, haz)
    parent, lo, hi = _split(sched.begin, sched.end, grid)
    j = lam.segment(0.5 * (lo + hi))
    lam_j = lam.rates[j]
    big_lam_lo = lam.cum[j] + lam_j * (lo - seg_start[j])
    w = hi - lo
    y = lam_j * w
    h = h_seg[j]
    pq_lo = np.exp(-big_lam_lo)
    p1 = phi1(y)
    prot_piece = h * pq_lo * w * p1
    aod_piece = h * pq_lo * ((lo - sched.begin[parent]) * w * p1 + w * w * phi2(y))
    owner = sched.owner[parent]
    n = sched.n_cds
    # P Q at each period end = at the end of the period's last piece
    last = np.flatnonzero(np.diff(np.append(parent, -1)) != 0)
    pq_end = np.exp(-(big_lam_lo[last] + y[last]))
    premium = _sum(sched.owner, (sched.end - sched.begin) * pq_end, n)
    return LegIntegrals(_sum(owner, prot_piece, n), premium, _sum(owner, aod_piece, n),
                        np.zeros(n))


def cds_leg_integrals(maturity: np.ndarray, start: np.ndarray, frequency: int, discount: Any,
                      credit: Any, method: str = "auto", rtol: float = 1e-12,
                      max_rounds: int = 20) -> LegIntegrals:
    """Leg integrals of CDS with the given (flattened) maturities and starts.

    Parameters
    ----------
    maturity, start : ndarray
        1-d arrays of equal length, ``0 <= start < maturity``.
    frequency : int
        Premium payments per year.
    discount : object with ``discount(t)``
    credit : object with ``survival(t)``
    method : {"auto", "exact", "quadrature"}
        ``auto`` uses the closed forms when both curves are piecewise-flat (the curves of
        :mod:`stochcredit.market.curves`) and quadrature otherwise.
    rtol : float
        Relative tolerance of each quadrature piece (the result is typically ~1e-13 relative).
    max_rounds : int
        Bound on the bisection rounds of the adaptive quadrature (never a hang).
    """
    fwd = getattr(discount, "piecewise_flat", None)
    haz = getattr(credit, "piecewise_flat", None)
    exact_ok = isinstance(fwd, PiecewiseFlatRate) and isinstance(haz, PiecewiseFlatRate)
    if method not in ("auto", "exact", "quadrature"):
        raise InvalidParameterError("method", method, "one of 'auto', 'exact', 'quadrature'")
    if method == "exact" and not exact_ok:
        raise InvalidParameterError("method", method, "'auto' or 'quadrature'",
                                    "closed forms need piecewise-flat discount and hazard curves")
    maturity = np.asarray(maturity, dtype=float).ravel()
    start = np.asarray(start, dtype=float).ravel()
    if exact_ok and method != "quadrature":
        if np.sum(maturity - start) * frequency >= _NUMBA_MIN_PERIODS:
            return _exact_compiled(maturity, start, frequency, fwd, haz)
        return _exact(premium_schedule(maturity, start, frequency), start, fwd, haz)
    from .leg_quadrature import quadrature_legs

    # quadrature in chunks of about _CHUNK_PERIODS periods (bounded memory for big batches)
    periods = np.maximum(np.ceil((maturity - start) * frequency - _STUB_TOL), 1)
    cuts = np.searchsorted(np.cumsum(periods), np.arange(1, int(periods.sum() // _CHUNK_PERIODS)
                                                         + 1) * _CHUNK_PERIODS)
    parts = [quadrature_legs(premium_schedule(maturity[i:j], start[i:j], frequency), start[i:j],
                         discount, credit, rtol, max_rounds)
             for i, j in zip(np.concatenate(([0], cuts)), np.concatenate((cuts, [maturity.size])),
                             strict=True) if j > i]
    if len(parts) == 1:
        return parts[0]
    return LegIntegrals(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                          ("protection", "premium", "accrual_on_default", "error")))
