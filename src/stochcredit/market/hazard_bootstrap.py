"""Bootstrap a piecewise-flat hazard curve from spot CDS par spreads.

Pillar by pillar (the standard "ISDA / piecewise-flat hazard" bootstrap): with the hazards of the
earlier pillars fixed, the hazard ``h_i`` on ``(T_{i-1}, T_i]`` is the root of

    (1 - R_i) protection_i(h_i) - s_i × risky_annuity_i(h_i) = 0,

the legs of :class:`stochcredit.CDS` (MODELS.md §2, accrual on default included). The left side
increases with ``h_i``, so the root is unique when it exists. If it is already positive at
``h_i = 0`` the quote implies a *negative* forward hazard (an arbitrage against the shorter quotes)
and :class:`InvalidParameterError` names the tenor. Bounded work: the bracket's upper end grows
at most 40 times (×4 each, i.e. hazards up to ~1e24) and the bracketed solve (Illinois regula
falsi, bisection-safeguarded) takes at most 200 steps — never a hang. No cap on hazards:
distressed curves (5,000 bp and more) and inverted curves work; negative rates work.

On piecewise-flat discount curves (``FlatCurve``, ``ZeroCurve``) the whole bootstrap runs in one
compiled pass (:func:`stochcredit.market.leg_kernels.bootstrap_hazards`); other discount curves use
``scipy.optimize.brentq`` on the quadrature legs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..core.errors import InvalidParameterError
from ..core.validation import as_array, in_range, schedule_maturity
from ..core.validation import frequency as _frequency
from .curves import HazardCurve, PiecewiseFlatRate

__all__ = ["bootstrap_hazard_curve"]

_MAX_EXPAND = 40
_MAX_ITER = 200


def _tenor(t: float) -> str:
    return f"{t:g}y"


def _validate(maturities: ArrayLike, par_spreads: ArrayLike, recovery: ArrayLike
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    try:
        mats = np.atleast_1d(np.asarray(maturities, dtype=float))
        spreads = np.atleast_1d(np.asarray(par_spreads, dtype=float))
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError("maturities/par_spreads must be real numbers") from exc
    if mats.ndim != 1 or mats.size == 0:
        raise InvalidParameterError("maturities", maturities, "a non-empty 1-d sequence")
    if spreads.shape != mats.shape:
        raise InvalidParameterError("par_spreads", par_spreads,
                                    f"{mats.size} values, one per maturity")
    ok = (np.isfinite(mats).all() and mats[0] > 0 and bool(np.all(np.diff(mats) > 0))
          and np.isfinite(spreads).all() and spreads.min() >= 0)
    if not ok:  # find and name the first offending quote
        for i, (t, s) in enumerate(zip(mats, spreads, strict=True)):
            if not np.isfinite(t) or t <= 0:
                raise InvalidParameterError(f"maturities[{i}]", float(t), "finite and > 0")
            if i and t <= mats[i - 1]:
                raise InvalidParameterError(f"maturities[{i}]", float(t),
                                            f"> maturities[{i - 1}] = {mats[i - 1]:g} "
                                            "(strictly increasing)")
            if not np.isfinite(s) or s < 0:
                raise InvalidParameterError(f"par_spreads[{i}] (tenor {_tenor(t)})", float(s),
                                            "finite and >= 0")
    rec = np.asarray(recovery, dtype=float) if not isinstance(recovery, float) else None
    if rec is None or rec.ndim == 0:
        r = float(recovery) if rec is None else float(rec)
        if not 0.0 <= r < 1.0:  # also catches NaN
            in_range("recovery", r, 0.0, 1.0, hi_open=True)  # raises with the message
        return mats, spreads, np.full(mats.size, r)
    rec = in_range("recovery", rec, 0.0, 1.0, hi_open=True)
    try:
        rec = np.broadcast_to(as_array("recovery", rec), mats.shape).astype(float)
    except ValueError as exc:
        raise InvalidParameterError("recovery", recovery, f"a scalar or {mats.size} values"
                                    ) from exc
    return mats, spreads, rec


def bootstrap_hazard_curve(maturities: ArrayLike, par_spreads: ArrayLike, discount: Any,
                           recovery: ArrayLike = 0.4, frequency: int = 4) -> HazardCurve:
    """Piecewise-flat hazard curve whose pillars are the maturities and which reprices every quote.

    Parameters
    ----------
    maturities : array_like
        CDS maturities in years, strictly increasing, > 0 (spot-starting CDS).
    par_spreads : array_like
        Par spreads as decimals (0.01 = 100 bp), finite and >= 0.
    discount : DiscountCurve
        E.g. ``FlatCurve`` or ``ZeroCurve``; any object with ``discount(t)`` works (slower).
    recovery : float or array_like
        Recovery rate in ``[0, 1)``, one for all quotes or one per quote. It changes the curve:
        roughly ``h ≈ s / (1 - R)``.
    frequency : int
        Premium payments per year of the quoted CDS, in [1, 365]; maturities <= 200 years.

    Returns
    -------
    HazardCurve
        ``CDS(T_i, recovery=R_i, frequency=frequency).par_spread(discount, curve)`` equals
        ``par_spreads[i]`` to ~1e-16 relative.

    Raises
    ------
    InvalidParameterError
        Non-finite or negative quotes, unsorted maturities, or a quote that implies a negative
        forward hazard (the message names the tenor).

    Examples
    --------
    >>> from stochcredit import FlatCurve
    >>> curve = bootstrap_hazard_curve([1, 3, 5], [0.006, 0.008, 0.01], FlatCurve(0.02))
    >>> curve.hazards.round(5)
    array([0.00998, 0.01505, 0.0221 ])
    """
    mats, spreads, rec = _validate(maturities, par_spreads, recovery)
    frequency = _frequency("frequency", frequency)
    schedule_maturity("maturities", mats)
    if not callable(getattr(discount, "discount", None)):
        raise InvalidParameterError("discount", discount, "a discount curve with .discount(t)")
    fwd = getattr(discount, "piecewise_flat", None)
    if isinstance(fwd, PiecewiseFlatRate):
        hazards = _bootstrap_compiled(mats, spreads, rec, frequency, fwd)
        if not _reprices(mats, spreads, rec, frequency, discount, hazards):
            # the compiled secant can overshoot on distressed quotes: redo it bracketed (brentq,
            # converged on the residual), which either reprices or raises naming the tenor
            hazards = _bootstrap_generic(mats, spreads, rec, frequency, discount)
    else:
        hazards = _bootstrap_generic(mats, spreads, rec, frequency, discount)
    return HazardCurve._trusted(mats, hazards)


def _reprices(mats: np.ndarray, spreads: np.ndarray, rec: np.ndarray, frequency: int,
              discount: Any, hazards: np.ndarray) -> bool:
    from .leg_integrals import cds_leg_integrals

    if not np.all(np.isfinite(hazards)) or np.any(hazards < 0):
        return False
    li = cds_leg_integrals(mats, np.zeros(mats.size), frequency, discount,
                           HazardCurve._trusted(mats, hazards))
    model = (1 - rec) * li.protection / li.risky_annuity
    return bool(np.all(np.abs(model - spreads) <= 1e-9 * spreads + 1e-15))


def _raise(status: int, i: int, mats: np.ndarray, spreads: np.ndarray) -> None:
    name = f"par_spreads[{i}] (tenor {_tenor(mats[i])})"
    if status == 1:
        raise InvalidParameterError(name, float(spreads[i]), "at least the spread implied by the "
                                    "shorter quotes with zero forward hazard",
                                    "the quote implies a negative forward hazard rate")
    if status == 2:
        raise InvalidParameterError(name, float(spreads[i]),
                                    "a spread some finite hazard reproduces",
                                    "no finite hazard rate reprices it")
    raise InvalidParameterError(name, float(spreads[i]), "a quote the bootstrap can solve",
                                f"no convergence in {_MAX_ITER} iterations")


def _bootstrap_compiled(mats: np.ndarray, spreads: np.ndarray, rec: np.ndarray, frequency: int,
                        fwd: PiecewiseFlatRate) -> np.ndarray:
    from .leg_kernels import bootstrap_hazards

    seg = np.concatenate(([0.0], mats[:-1]))
    if fwd.breakpoints.size == 0:  # flat rate: the merged grid is the pillars
        fwd_seg = np.full(mats.size, float(fwd.rates[0]))
        pillar_of = np.arange(mats.size)
    else:
        seg = np.union1d(seg, fwd.breakpoints)
        mid = seg + 0.5 * np.diff(np.append(seg, seg[-1] + 2.0))
        fwd_seg = np.ascontiguousarray(fwd.rate(mid), dtype=float)
        pillar_of = np.minimum(np.searchsorted(mats, mid, side="left"), mats.size - 1)
    hazards, status, bad = bootstrap_hazards(mats, spreads, rec, float(frequency), seg, fwd_seg,
                                             pillar_of.astype(np.int64), _MAX_EXPAND, _MAX_ITER)
    if status != 0:
        _raise(int(status), int(bad), mats, spreads)
    return hazards


def _bootstrap_generic(mats: np.ndarray, spreads: np.ndarray, rec: np.ndarray, frequency: int,
                       discount: Any) -> np.ndarray:
    from scipy.optimize import brentq

    from .leg_integrals import cds_leg_integrals

    hazards = np.zeros(mats.size)

    def residual(h: float, i: int) -> float:
        hz = hazards.copy()
        hz[i:] = h
        curve = HazardCurve(mats, hz)
        li = cds_leg_integrals(mats[i:i + 1], np.zeros(1), frequency, discount, curve)
        return float((1 - rec[i]) * li.protection[0] - spreads[i] * li.risky_annuity[0])

    for i in range(mats.size):
        lo, hi = 0.0, max(2 * spreads[i] / (1 - rec[i]), 1e-4)
        f_lo = residual(lo, i)
        if f_lo > 1e-13 * spreads[i] * mats[i]:  # beyond rounding
            _raise(1, i, mats, spreads)
        if f_lo >= 0:
            continue
        for _ in range(_MAX_EXPAND):
            if residual(hi, i) >= 0:
                break
            lo, hi = hi, 4 * hi
        else:
            _raise(2, i, mats, spreads)
        hazards[i] = brentq(residual, lo, hi, args=(i,), xtol=1e-300, rtol=4 * np.finfo(float).eps,
                            maxiter=_MAX_ITER)
    return hazards
