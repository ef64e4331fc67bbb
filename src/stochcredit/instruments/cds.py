"""Credit default swaps in year fractions, priced from any (discount curve, survival curve) pair.

MODELS.md §2 (seed 000 eqs. 11-12, seed 001's forward CDS). For protection from ``start`` to
``maturity`` with recovery R, premium periods ``(a_k, b_k]`` of ``1/frequency`` years ending at
``maturity`` (the first may be short), discount P and survival Q::

    protection leg  = (1 - R) [ (1 - Q(0)) 1{start = 0} + ∫_start^T P(u) (-dQ(u)) ]
    risky annuity   = Σ_k (b_k - a_k) P(b_k) Q(b_k) + Σ_k ∫_{a_k}^{b_k} (u - a_k) P(u) (-dQ(u))
    par spread      = protection leg / risky annuity
    pv (buyer)      = protection leg - coupon × risky annuity

The annuity includes the premium accrued up to the default time and paid on default. No step-in or
settlement lags and no accrued-premium adjustment: dates and day counts live in the ISDA edge
module. The integrals are the exact closed forms when both curves are piecewise-flat
(``FlatCurve``/``ZeroCurve`` × ``FlatHazardCurve``/``HazardCurve``) and adaptive quadrature
otherwise, see :mod:`stochcredit.market.leg_integrals`. A forward CDS (``start > 0``) is valued
at time 0 with survival from 0 included: a default before ``start`` knocks it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..core.errors import InvalidParameterError
from ..core.validation import as_array, in_range, schedule_maturity
from ..core.validation import frequency as _frequency
from ..market.leg_integrals import LegIntegrals, cds_leg_integrals

__all__ = ["CDS", "forward_cds"]




def _pack(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def _check_curves(discount: Any, credit: Any) -> None:
    if not callable(getattr(discount, "discount", None)):
        raise InvalidParameterError("discount", discount, "a discount curve with .discount(t)")
    if not callable(getattr(credit, "survival", None)):
        raise InvalidParameterError("credit", credit, "a survival curve with .survival(t)")


@dataclass(frozen=True, eq=False)
class CDS:
    """A credit default swap in year fractions; every argument but ``frequency`` broadcasts.

    Parameters
    ----------
    maturity : float or array_like
        End of protection, years, ``> start``.
    coupon : float or array_like
        Running premium (decimal per year, 0.01 = 100 bp), ``>= 0``; used by :meth:`pv`.
    recovery : float or array_like
        Recovery rate in ``[0, 1)``.
    start : float or array_like
        Start of protection, years, ``>= 0`` (``> 0`` is a forward-starting CDS).
    frequency : int
        Premium payments per year (4 = quarterly), a whole number in [1, 365]; maturities are at
        most 200 years.

    Examples
    --------
    >>> from stochcredit import FlatCurve, FlatHazardCurve
    >>> cds = CDS(maturity=[1, 3, 5], coupon=0.01)
    >>> cds.par_spread(FlatCurve(0.03), FlatHazardCurve(0.02))  # (1 - R) h = 0.012 + quarterly lag
    array([0.01204507, 0.01204507, 0.01204507])
    """

    maturity: ArrayLike
    coupon: ArrayLike = 0.0
    recovery: ArrayLike = 0.4
    start: ArrayLike = 0.0
    frequency: int = 4

    def __post_init__(self) -> None:
        maturity = schedule_maturity("maturity", as_array("maturity", self.maturity))
        coupon = as_array("coupon", self.coupon)
        if np.any(coupon < 0):
            raise InvalidParameterError("coupon", coupon[coupon < 0][0] if coupon.ndim else coupon,
                                        "finite and >= 0")
        recovery = as_array("recovery", in_range("recovery", self.recovery, 0.0, 1.0,
                                                 hi_open=True))
        start = as_array("start", self.start)
        if np.any(start < 0):
            raise InvalidParameterError("start", start[start < 0][0] if start.ndim else start,
                                        "finite and >= 0")
        try:
            maturity, coupon, recovery, start = np.broadcast_arrays(maturity, coupon, recovery,
                                                                    start)
        except ValueError as exc:
            raise InvalidParameterError("maturity, coupon, recovery, start must broadcast to "
                                        "one shape") from exc
        bad = maturity <= start
        if np.any(bad):
            raise InvalidParameterError("maturity", maturity[bad].ravel()[0] if maturity.ndim
                                        else float(maturity), f"> start = "
                                        f"{(start[bad].ravel()[0] if start.ndim else start):g}")
        for name, value in (("maturity", maturity), ("coupon", coupon), ("recovery", recovery),
                            ("start", start)):
            value = np.array(value)  # own, contiguous copy
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "frequency", _frequency("frequency", self.frequency))

    @property
    def shape(self) -> tuple[int, ...]:
        return self.maturity.shape

    def leg_integrals(self, discount: Any, credit: Any, method: str = "auto") -> LegIntegrals:
        """The raw leg integrals (flattened arrays).

        See :func:`stochcredit.market.leg_integrals.cds_leg_integrals`.
        """
        _check_curves(discount, credit)
        return cds_leg_integrals(self.maturity.ravel(), self.start.ravel(), self.frequency,
                                 discount, credit, method=method)

    def _shape(self, x: np.ndarray) -> float | np.ndarray:
        return _pack(x.reshape(self.shape))

    def protection_leg(self, discount: Any, credit: Any, method: str = "auto"
                       ) -> float | np.ndarray:
        """(1 - R) [(1 - Q(0)) 1{start=0} + ∫_start^T P(u) (-dQ(u))]; shape of the CDS."""
        li = self.leg_integrals(discount, credit, method)
        return self._shape((1.0 - self.recovery.ravel()) * li.protection)

    def risky_annuity(self, discount: Any, credit: Any, method: str = "auto"
                      ) -> float | np.ndarray:
        """Premium leg per unit spread, accrual on default included (risky PV01 × 1e4)."""
        return self._shape(self.leg_integrals(discount, credit, method).risky_annuity)

    def par_spread(self, discount: Any, credit: Any, method: str = "auto") -> float | np.ndarray:
        """Coupon that makes the CDS worth zero: protection leg / risky annuity (decimals)."""
        li = self.leg_integrals(discount, credit, method)
        ann = li.risky_annuity
        if np.any(ann <= 0):
            raise InvalidParameterError("credit", credit, "a survival curve with Q(maturity) > 0",
                                        "the risky annuity is zero: the par spread is undefined")
        return self._shape((1.0 - self.recovery.ravel()) * li.protection / ann)

    def pv(self, discount: Any, credit: Any, method: str = "auto") -> float | np.ndarray:
        """Value to the protection buyer: protection leg - coupon × risky annuity."""
        li = self.leg_integrals(discount, credit, method)
        return self._shape((1.0 - self.recovery.ravel()) * li.protection
                           - self.coupon.ravel() * li.risky_annuity)

    def legs(self, discount: Any, credit: Any, method: str = "auto"):
        """All results in one pass as a DataFrame (one row per CDS, flattened)."""
        import pandas as pd

        li = self.leg_integrals(discount, credit, method)
        r = self.recovery.ravel()
        prot = (1.0 - r) * li.protection
        ann = li.risky_annuity
        with np.errstate(divide="ignore", invalid="ignore"):
            par = np.where(ann > 0, prot / np.where(ann > 0, ann, 1.0), np.nan)
        return pd.DataFrame({
            "start": self.start.ravel(), "maturity": self.maturity.ravel(),
            "coupon": self.coupon.ravel(), "recovery": r,
            "protection_leg": prot, "premium_leg": li.premium,
            "accrual_on_default": li.accrual_on_default, "risky_annuity": ann,
            "par_spread": par, "pv": prot - self.coupon.ravel() * ann,
        })


def forward_cds(start: ArrayLike, maturity: ArrayLike, discount: Any, credit: Any,
                recovery: ArrayLike = 0.4, frequency: int = 4
                ) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Forward par spread and forward risky annuity of a CDS from ``start`` to ``maturity``.

    Seed 001's forward CDS (MODELS.md §2): the legs are integrated from ``start`` and valued at
    time 0, with survival from 0 included (a default before ``start`` knocks the contract out),
    so ``annuity`` is the knock-out forward risky annuity A_0 and ``spread`` = protection / A_0.

    Returns
    -------
    (spread, annuity) : tuple of float or ndarray
        Broadcast shape of ``start``, ``maturity`` and ``recovery``.
    """
    cds = CDS(maturity=maturity, coupon=0.0, recovery=recovery, start=start, frequency=frequency)
    li = cds.leg_integrals(discount, credit)
    ann = li.risky_annuity
    if np.any(ann <= 0):
        raise InvalidParameterError("credit", credit, "a survival curve with Q(maturity) > 0",
                                    "the forward risky annuity is zero")
    spread = (1.0 - cds.recovery.ravel()) * li.protection / ann
    return cds._shape(spread), cds._shape(ann)
