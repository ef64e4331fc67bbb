"""First-to-default basket CDS from a simulated joint survival curve (JS-2, H.8, MODELS.md §2).

The basket's protection pays ``1 - R`` at the first default among the names; its premium stops
then. Both legs are those of a single-name CDS on the *joint* survival curve
``Q_all(t) = P(no name has defaulted by t)``, which the multi-firm simulation estimates on its time
grid. The curve is turned into a piecewise-constant hazard curve through the grid values
(``h_k = -ln(Q_k/Q_{k-1})/(t_k - t_{k-1})``, exact at the grid points) and priced with
:class:`~stochcredit.instruments.cds.CDS` (closed-form leg integrals).

The standard error of the spread is the delta method on the per-path legs: protection and risky
annuity are linear in the survival curve, so with per-path (antithetic pair) survival curves at the
recorded dates ``s.e.(s) = sd(Prot_p - s Ann_p) / (sqrt(N) mean(Ann_p))`` (H.8), the legs being
discretised on the recorded (about quarterly) dates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import validation as v
from ..core.errors import InvalidParameterError
from ..core.estimate import Estimate
from ..market.curves import FlatCurve, HazardCurve
from .cds import CDS

__all__ = ["simulated_survival_curve", "first_to_default_spread"]


def simulated_survival_curve(result, i: int | None = None, maturity: float | None = None
                             ) -> HazardCurve:
    """Piecewise-flat hazard curve through the simulated survival of firm ``i`` (or of all
    firms jointly when ``i`` is None) at the grid times up to ``maturity`` (default: horizon)."""
    times = np.asarray(result.times)
    q = result.survival_curve(i) if i is not None else result.joint_survival_curve()
    if maturity is not None:
        keep = times <= maturity + 1e-12
        times, q = times[keep], q[keep]
    q = np.maximum(q, 1e-300)
    hazards = -np.diff(np.log(q)) / np.diff(times)
    return HazardCurve(times[1:], np.maximum(hazards, 0.0))


def _discount(discount: Any):
    if callable(getattr(discount, "discount", None)):
        return discount
    return FlatCurve(v.finite("discount", discount))


def first_to_default_spread(result, maturity: float | None = None, discount: Any = 0.0,
                            recovery: float = 0.4, frequency: int = 4) -> Estimate:
    """Par spread of a first-to-default basket CDS on the simulated names.

    Parameters
    ----------
    result : MultiFirmSimulationResult
        From ``MultiFirmCreditGrades.simulate`` (>= 2 firms).
    maturity : float, optional
        Basket CDS maturity in years, ``0 < maturity <= horizon`` (default: the horizon).
    discount : DiscountCurve or float
        A discount curve, or a flat continuously compounded rate.
    recovery : float
        Recovery of the first defaulted name, in ``[0, 1]``.
    frequency : int
        Premium payments per year (accrued premium paid on default).

    Returns
    -------
    Estimate
        Spread (decimal) and its Monte Carlo standard error.
    """
    if result.n < 2:
        raise InvalidParameterError("result", f"{result.n} firm", "a simulation of >= 2 firms")
    horizon = result.horizon
    maturity = horizon if maturity is None else v.in_range("maturity", maturity, 0.0,
                                                             horizon + 1e-12, lo_open=True)
    recovery = v.in_range("recovery", recovery, 0.0, 1.0)
    frequency = v.integer("frequency", frequency, minimum=1)
    disc = _discount(discount)
    curve = simulated_survival_curve(result, None, maturity)
    cds = CDS(maturity, 0.0, recovery=recovery, frequency=frequency)
    spread = float(cds.par_spread(disc, curve))
    # delta-method standard error from per-pair curves at the recorded dates
    rec_t = np.asarray(result.record_times)
    keep = rec_t <= maturity + 1e-12
    t_k = rec_t[keep]
    if t_k.size < 2:
        return Estimate(spread, float("nan"))
    mean, cov = result.joint_survival_moments()               # over pairs, at record times
    mean, cov = mean[keep], cov[np.ix_(keep, keep)]
    mid = 0.5 * (t_k[:-1] + t_k[1:])
    d_mid = np.asarray(disc.discount(mid))
    d_end = np.asarray(disc.discount(t_k[1:]))
    dt = np.diff(t_k)
    # per pair, prot = a.g and ann = b.g are linear in the joint survival g at the record times
    diff = np.zeros((t_k.size - 1, t_k.size))                  # drop = diff @ g
    diff[np.arange(t_k.size - 1), np.arange(t_k.size - 1)] = 1.0
    diff[np.arange(t_k.size - 1), np.arange(1, t_k.size)] = -1.0
    a = (1.0 - recovery) * (d_mid @ diff)
    b = (0.5 * dt * d_mid) @ diff
    b[1:] += dt * d_end
    s_hat = (a @ mean) / (b @ mean)
    c = a - s_hat * b
    se = float(np.sqrt(max(c @ cov @ c, 0.0) / result.n_pairs) / (b @ mean))
    return Estimate(spread, se)
