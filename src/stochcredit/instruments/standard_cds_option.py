"""``StandardCDSOption``: a CDS option (credit default swaption) on a dated ISDA standard CDS.

The option, bought on the underlying's trade date ``t0``, gives at ``expiry`` the right to enter
the standard contract struck on the expiry date (same maturity date, running spread ``strike``):
protection from the expiry's step-in to maturity, the full first coupon with its accrual rebate.
Valued at ``t0`` with the ISDA Standard Model legs (QuantLib ``IsdaCdsEngine``) of that forward
contract, a default before expiry knocking it out:

- forward risky annuity ``A_0 = A_full − rebate · P(t0, settle_E) · Q(E)`` (clean, per unit
  spread and notional: coupons paid after the step-in and accrual on default, less the accrual
  rebate paid at the expiry's cash settlement if the name survives to expiry);
- forward spread ``F_0 = (1 − R) · Prot_0 / A_0``;
- premium ``N [A_0 E[(F_T − K)^+] + FEP]`` (payer; receiver ``(K − F_T)^+``) with ``F_T`` under
  any seed-001 model of :func:`~stochcredit.cds_option_price`, ``T = (E − t0)/365`` (ACT/365F,
  as the ISDA curves), and for a payer that does not knock out the front-end protection
  ``FEP = (1 − R) P(t0, E) (1 − Q(E))``.

QuantLib's ``BlackCdsOptionEngine`` (ql/experimental/credit/blackcdsoptionengine.cpp) uses the
underlying's ``fairSpread`` and ``|couponLegNPV| / spread`` (the annuity *before* the rebate) and
discounts the rebate without ``Q(E)``; the two agree exactly when the expiry is the day before a
coupon date (no rebate), which the tests use, and otherwise differ by the rebate terms above.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..core.errors import InvalidParameterError
from ..core.validation import choice, finite
from ..market.calendars import to_date
from .cds_options import cds_option_price
from .isda_risk.contracts import contract_of, restruck
from .isda_risk.grid import contract_legs

__all__ = ["StandardCDSOption"]


@dataclass(frozen=True, eq=False)
class StandardCDSOption:
    """Option at ``expiry`` to enter ``underlying`` (a :class:`~stochcredit.StandardCDS`) at
    running spread ``strike``; valued on the underlying's trade date (module docstring).

    Parameters
    ----------
    underlying : StandardCDS
        Its ``trade_date`` is the valuation date; its maturity, recovery and notional are the
        option's (its coupon and side are not used).
    expiry : date or ISO string
        After the trade date and before the maturity.
    strike : float
        Strike spread (decimal).
    kind : {"payer", "receiver"}
        Payer = right to buy protection.
    knockout : bool
        ``True``: the option dies on a default before expiry; ``False``: a payer also receives
        the front-end protection.

    Examples
    --------
    >>> import stochcredit as sc
    >>> rates = sc.load_isda_rates("2014-10-16")
    >>> disc = sc.isda_discount_curve("2014-10-16", rates["deposits"], rates["swaps"])
    >>> credit = sc.isda_credit_curve("2014-10-16", ["1Y", "3Y", "5Y", "7Y", "10Y"],
    ...                               [0.004, 0.0065, 0.0095, 0.011, 0.0125], disc)
    >>> cds = sc.StandardCDS("2014-10-16", "5Y", 0.01, notional=1e7)
    >>> opt = sc.StandardCDSOption(cds, "2015-03-19", 0.0095)
    >>> fwd, annuity = opt.forward(disc, credit)
    >>> round(fwd, 6), round(annuity, 4)
    (0.01002, 4.5111)
    >>> round(opt.price(disc, credit, vol=0.4), 2)
    58198.63
    >>> round(opt.price(disc, credit, vol=0.004, model="gamma"), 2)
    58373.12
    """

    underlying: Any
    expiry: Any
    strike: float
    kind: str = "payer"
    knockout: bool = True

    def __post_init__(self) -> None:
        expiry = to_date(self.expiry, "expiry")
        trade = to_date(self.underlying.trade_date, "underlying.trade_date")
        maturity = to_date(self.underlying.maturity_date, "underlying.maturity_date")
        if not trade < expiry < maturity:
            raise InvalidParameterError("expiry", str(expiry),
                                        f"after the trade date {trade} and before the "
                                        f"maturity {maturity}")
        strike = finite("strike", self.strike)
        if np.ndim(strike) != 0:
            raise InvalidParameterError("strike", self.strike, "a scalar")
        object.__setattr__(self, "expiry", expiry)
        object.__setattr__(self, "strike", float(strike))
        object.__setattr__(self, "kind", choice("kind", self.kind, ("payer", "receiver")))
        object.__setattr__(self, "knockout", bool(self.knockout))

    @property
    def trade_date(self) -> _dt.date:
        return to_date(self.underlying.trade_date)

    @property
    def time_to_expiry(self) -> float:
        """``(expiry − trade date) / 365`` (ACT/365F)."""
        return (self.expiry - self.trade_date).days / 365.0

    def forward_contract(self) -> Any:
        """The standard contract struck on the expiry date (what the holder enters)."""
        return restruck(self.underlying, self.expiry)

    def forward(self, discount: Any, credit: Any) -> tuple[float, float]:
        """``(F_0, A_0)``: knock-out forward spread and clean forward annuity (per unit notional)
        of the forward contract, valued on the trade date."""
        contract = contract_of(self.forward_contract(), valuation_date=self.trade_date)
        prot, ann, table = contract_legs(contract, discount, credit)
        q_exp = float(credit.survival(self.time_to_expiry))
        annuity = ann - table.rebate_pv * q_exp
        rec = float(self.underlying.recovery)
        return (1.0 - rec) * prot / annuity, annuity

    def front_end_protection(self, discount: Any, credit: Any) -> float:
        """``N (1 − R) P(E) (1 − Q(E))`` for a payer that does not knock out, else 0."""
        if self.knockout or self.kind != "payer":
            return 0.0
        t = self.time_to_expiry
        return (float(self.underlying.notional) * (1.0 - float(self.underlying.recovery))
                * float(discount.discount(t)) * float(credit.default_probability(t)))

    def price(self, discount: Any, credit: Any, vol: ArrayLike, model: str = "black",
              drift: ArrayLike = 0.0) -> float | np.ndarray:
        """Premium in currency: ``N A_0 E[payoff]`` under ``model`` plus the front-end
        protection (``vol`` as in :func:`~stochcredit.cds_option_price`)."""
        fwd, ann = self.forward(discount, credit)
        value = cds_option_price(fwd, self.strike, self.time_to_expiry, ann, vol, model=model,
                                 kind=self.kind, drift=drift)
        total = (float(self.underlying.notional) * np.asarray(value)
                 + self.front_end_protection(discount, credit))
        return float(total) if np.ndim(total) == 0 else total

    def to_frame(self, discount: Any, credit: Any, vol: ArrayLike, model: str = "black",
                 drift: ArrayLike = 0.0):
        """One row per volatility: expiry, maturity, strike, forward, annuity, front-end
        protection and premium (currency) as a pandas DataFrame."""
        import pandas as pd

        fwd, ann = self.forward(discount, credit)
        vols = np.atleast_1d(np.asarray(vol, dtype=float))
        return pd.DataFrame({
            "model": model, "kind": self.kind, "expiry": self.expiry,
            "maturity": to_date(self.underlying.maturity_date), "strike": self.strike,
            "forward": fwd, "annuity": ann, "vol": vols,
            "front_end_protection": self.front_end_protection(discount, credit),
            "premium": np.atleast_1d(self.price(discount, credit, vols, model=model,
                                                drift=drift))})
