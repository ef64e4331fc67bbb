"""Fixed-coupon bonds and the zero curve bootstrapped from them (seed 002, §4.2).

The seed's principle: "the theoretical price of a bond is equal to the sum of the cash flows
discounted at the zero-coupon rate of each flow", ``P = Σ_k c_k P(0, t_k) + N P(0, T)``. We solve
it bond by bond in maturity order for a :class:`~stochcredit.market.curves.ZeroCurve` whose
pillars are the bond maturities: with the curve up to the previous maturity fixed, the unknown is
the flat forward rate ``f_i`` on ``(T_{i-1}, T_i]`` (the ZeroCurve interpolation, linear in
``r(t) t``), found by ``scipy.optimize.brentq``. Continuously compounded zero rates; the seed's
annually compounded yields are ``exp(r) - 1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import InvalidParameterError
from ..core.validation import frequency as _frequency
from ..core.validation import nonnegative, positive, schedule_maturity
from .curves import ZeroCurve

__all__ = ["Bond", "bootstrap_zero_curve"]

_TOL = 1e-9  # coupon times closer than this (in periods) to 0 are dropped


@dataclass(frozen=True)
class Bond:
    """A fixed-coupon bond with face 1.

    Parameters
    ----------
    maturity : float
        Years to maturity, > 0.
    coupon : float
        Annual coupon rate as a decimal (0.05 = 5 %), >= 0; ``coupon / frequency`` is paid at
        ``maturity - k / frequency`` for every ``k >= 0`` with a positive time.
    price : float
        Price per 1 of face, > 0. Accrued interest is ignored: the price is the present value
        of the remaining cash flows.
    frequency : int
        Coupons per year (2 = semi-annual, the US Treasury convention), a whole number in
        [1, 365]; maturity at most 200 years.
    """

    maturity: float
    coupon: float
    price: float
    frequency: int = 2

    def __post_init__(self) -> None:
        for name, check in (("maturity", positive), ("coupon", nonnegative),
                            ("price", positive)):
            value = check(name, getattr(self, name))
            if np.ndim(value) != 0:
                raise InvalidParameterError(name, value, "a scalar")
            object.__setattr__(self, name, float(value))
        object.__setattr__(self, "frequency", _frequency("frequency", self.frequency))
        schedule_maturity("maturity", self.maturity)
        if self.maturity * self.frequency <= _TOL:
            raise InvalidParameterError("maturity", self.maturity,
                                        f"> {_TOL:g} / frequency (the bond must pay its face)")

    def cashflows(self) -> tuple[np.ndarray, np.ndarray]:
        """``(times, amounts)`` in increasing time; the last amount includes the face."""
        n = int(np.floor(self.maturity * self.frequency - _TOL)) + 1
        times = self.maturity - np.arange(n)[::-1] / self.frequency
        keep = times > _TOL / self.frequency
        times = times[keep]
        amounts = np.full(times.size, self.coupon / self.frequency)
        amounts[-1] += 1.0
        return times, amounts

    def price_from_curve(self, discount: Any) -> float:
        """Σ amounts × ``discount.discount(times)``."""
        times, amounts = self.cashflows()
        return float(amounts @ np.asarray(discount.discount(times), dtype=float))


def bootstrap_zero_curve(bonds: Sequence[Bond]) -> ZeroCurve:
    """Zero curve whose pillars are the bonds' maturities and which reprices every bond.

    Parameters
    ----------
    bonds : sequence of Bond
        Distinct maturities (any order). Zero-coupon bonds (``coupon = 0``) give the zero rate
        directly.

    Returns
    -------
    ZeroCurve
        ``bond.price_from_curve(curve) == bond.price`` to ~1e-15.

    Raises
    ------
    InvalidParameterError
        Duplicate maturities, or a price no finite forward rate reproduces.

    Examples
    --------
    >>> curve = bootstrap_zero_curve([Bond(0.5, 0.0, 0.99), Bond(1.0, 0.03, 1.0),
    ...                               Bond(2.0, 0.035, 1.0)])
    """
    from scipy.optimize import brentq

    bonds = list(bonds)
    if not bonds:
        raise InvalidParameterError("bonds", bonds, "a non-empty sequence of Bond")
    for i, b in enumerate(bonds):
        if not isinstance(b, Bond):
            raise InvalidParameterError(f"bonds[{i}]", b, "a Bond")
    order = np.argsort([b.maturity for b in bonds], kind="stable")
    bonds = [bonds[i] for i in order]
    mats = np.array([b.maturity for b in bonds])
    dup = np.flatnonzero(np.diff(mats) <= 1e-12)
    if dup.size:
        raise InvalidParameterError("bonds", mats[dup[0]], "distinct maturities",
                                    f"two bonds mature at {mats[dup[0]]:g}y")
    log_p = np.zeros(mats.size)   # -ln P(T_i) = r_i T_i
    for i, bond in enumerate(bonds):
        times, amounts = bond.cashflows()
        t_prev = mats[i - 1] if i else 0.0
        cum_prev = log_p[i - 1] if i else 0.0
        known = times <= t_prev + 1e-12
        if i and known.any():
            curve = ZeroCurve(mats[:i], log_p[:i] / mats[:i])
            pv_known = float(amounts[known] @ curve.discount(np.minimum(times[known],
                                                                         mats[i - 1])))
        else:
            pv_known = 0.0
        t_new, a_new = times[~known], amounts[~known]

        def residual(f: float, t_new=t_new, a_new=a_new, pv_known=pv_known,
                     t_prev=t_prev, cum_prev=cum_prev, price=bond.price) -> float:
            return pv_known + float(a_new @ np.exp(-(cum_prev + f * (t_new - t_prev)))) - price

        lo, hi = -0.5, 0.5  # residual decreases in f; grow the bracket a bounded number of times
        r_lo, r_hi = residual(lo), residual(hi)
        for _ in range(10):
            if r_lo > 0 > r_hi:
                break
            if r_lo <= 0:
                lo *= 2
                r_lo = residual(lo)
            if r_hi >= 0:
                hi *= 2
                r_hi = residual(hi)
        if not r_lo > 0 > r_hi:
            raise InvalidParameterError(f"bonds[{int(order[i])}].price", bond.price,
                                        "a price some finite forward rate reproduces",
                                        f"bond maturing at {bond.maturity:g}y")
        f = brentq(residual, lo, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=200)
        log_p[i] = cum_prev + f * (mats[i] - t_prev)
    return ZeroCurve(mats, log_p / mats)
