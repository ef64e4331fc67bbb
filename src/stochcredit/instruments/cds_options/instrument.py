"""``CDSOption``: a credit default swaption priced from a discount curve and a survival curve.

The trade (expiry, underlying CDS, strike, payer/receiver, knock-out) is a frozen dataclass; the
market (curves, volatility, model) is passed to the pricing methods, as in Strata.

Valuation (seed 001, MODELS.md §3): the forward spread ``F_0`` and the knock-out forward risky
annuity ``A_0`` of the CDS from ``expiry`` to ``maturity`` come from :func:`forward_cds` (survival
from time 0 included, so a default before expiry knocks the option out), and

    V = A_0 E[(F_T − K)^+]  (payer),   V = A_0 E[(K − F_T)^+]  (receiver)

under the chosen model of ``F_T`` (:func:`cds_option_price`). A payer that does *not* knock out
(the market's index-option convention) also delivers the protection on a default before expiry;
its value adds the front-end protection ``FEP = (1 − R) P(0, T_e) (1 − Q(T_e))``. A receiver on a
defaulted name is worthless, so ``knockout`` changes only payers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ...core.errors import InvalidParameterError
from ...core.validation import as_array, choice, in_range, integer, positive
from ..cds import forward_cds
from .greeks import cds_option_greeks
from .implied_vol import implied_black_vol
from .pricing import cds_option_price

__all__ = ["CDSOption"]


def _pack(x: Any) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=float)


@dataclass(frozen=True, eq=False)
class CDSOption:
    """Option at ``expiry`` to enter a CDS protecting ``(expiry, maturity]`` at spread ``strike``.

    Parameters
    ----------
    expiry : float or array_like
        Option expiry (= start of the underlying CDS), years, ``> 0``.
    maturity : float or array_like
        End of the underlying CDS, years from today, ``> expiry`` (a "3Y into 2Y" option has
        ``expiry=3, maturity=5``; see :meth:`on_tenor`).
    strike : float or array_like
        Strike spread (decimal).
    kind : {"payer", "receiver"}
        Payer = right to buy protection at ``strike``.
    recovery : float
        Recovery rate of the underlying CDS, in ``[0, 1)``.
    frequency : int
        Premium payments per year of the underlying CDS.
    knockout : bool
        ``True`` (single-name market standard): the option dies on a default before expiry.
        ``False``: a payer also receives the front-end protection.

    Examples
    --------
    >>> from stochcredit import FlatCurve, FlatHazardCurve
    >>> opt = CDSOption.on_tenor(expiry=3.0, tenor=2.0, strike=0.014)
    >>> opt.price(FlatCurve(0.03), FlatHazardCurve(0.0233), vol=0.28)  # doctest: +SKIP
    """

    expiry: ArrayLike
    maturity: ArrayLike
    strike: ArrayLike
    kind: str = "payer"
    recovery: float = 0.4
    frequency: int = 4
    knockout: bool = True

    def __post_init__(self) -> None:
        expiry = np.asarray(positive("expiry", self.expiry))
        maturity = as_array("maturity", self.maturity)
        if np.any(np.broadcast_to(maturity, np.broadcast_shapes(maturity.shape, expiry.shape))
                  <= expiry):
            raise InvalidParameterError("maturity", self.maturity, "> expiry",
                                        reason="the underlying CDS starts at the option expiry")
        object.__setattr__(self, "expiry", _pack(expiry))
        object.__setattr__(self, "maturity", _pack(maturity))
        object.__setattr__(self, "strike", _pack(as_array("strike", self.strike)))
        object.__setattr__(self, "kind", choice("kind", self.kind, ("payer", "receiver")))
        object.__setattr__(self, "recovery", float(in_range("recovery", self.recovery, 0.0, 1.0,
                                                            hi_open=True)))
        object.__setattr__(self, "frequency", integer("frequency", self.frequency, minimum=1))
        object.__setattr__(self, "knockout", bool(self.knockout))

    @classmethod
    def on_tenor(cls, expiry: ArrayLike, tenor: ArrayLike, strike: ArrayLike,
                 **kwargs: Any) -> CDSOption:
        """An option at ``expiry`` on a CDS of length ``tenor`` (maturity = expiry + tenor)."""
        tenor = np.asarray(positive("tenor", tenor))
        return cls(expiry, np.asarray(expiry, dtype=float) + tenor, strike, **kwargs)

    def forward(self, discount: Any, credit: Any) -> tuple[float | np.ndarray, ...]:
        """``(F_0, A_0)``: forward par spread and knock-out forward risky annuity (forward_cds)."""
        return forward_cds(self.expiry, self.maturity, discount, credit, recovery=self.recovery,
                           frequency=self.frequency)

    def front_end_protection(self, discount: Any, credit: Any) -> float | np.ndarray:
        """``(1 − R) P(0, T_e) (1 − Q(T_e))`` for a non-knock-out payer, else 0."""
        if self.knockout or self.kind != "payer":
            return _pack(np.zeros(np.shape(self.expiry)))
        t = np.asarray(self.expiry, dtype=float)
        value = ((1.0 - self.recovery) * np.asarray(discount.discount(t))
                 * (1.0 - np.asarray(credit.survival(t))))
        return _pack(value)

    def price(self, discount: Any, credit: Any, vol: ArrayLike, model: str = "black",
              drift: ArrayLike = 0.0) -> float | np.ndarray:
        """Premium today: ``A_0 E[payoff]`` under ``model`` (+ front-end protection if any).

        ``vol`` as in :func:`cds_option_price` (lognormal for Black, absolute otherwise).
        """
        fwd, ann = self.forward(discount, credit)
        value = cds_option_price(fwd, self.strike, self.expiry, ann, vol, model=model,
                                 kind=self.kind, drift=drift)
        return _pack(np.asarray(value) + np.asarray(self.front_end_protection(discount, credit)))

    def greeks(self, discount: Any, credit: Any, vol: ArrayLike, model: str = "black",
               drift: ArrayLike = 0.0) -> dict[str, float | np.ndarray]:
        """:func:`cds_option_greeks` at the curves' forward and annuity (delta w.r.t. ``F_0``)."""
        fwd, ann = self.forward(discount, credit)
        return cds_option_greeks(fwd, self.strike, self.expiry, ann, vol, model=model,
                                 kind=self.kind, drift=drift)

    def implied_vol(self, price: ArrayLike, discount: Any, credit: Any) -> float | np.ndarray:
        """Black volatility reproducing ``price`` (front-end protection removed first)."""
        fwd, ann = self.forward(discount, credit)
        net = np.asarray(price, dtype=float) - np.asarray(self.front_end_protection(discount,
                                                                                   credit))
        return implied_black_vol(net, fwd, self.strike, self.expiry, ann, kind=self.kind)

    def to_frame(self, discount: Any, credit: Any, vol: ArrayLike, model: str = "black",
                 drift: ArrayLike = 0.0, greeks: bool = False):
        """One row per option: expiry, maturity, strike, forward, annuity, front-end protection,
        premium (and the Greeks when ``greeks``) as a pandas DataFrame."""
        import pandas as pd

        fwd, ann = self.forward(discount, credit)
        columns = {"expiry": self.expiry, "maturity": self.maturity, "strike": self.strike,
                   "forward": fwd, "annuity": ann, "vol": vol,
                   "front_end_protection": self.front_end_protection(discount, credit),
                   "premium": self.price(discount, credit, vol, model=model, drift=drift)}
        if greeks:
            columns.update(self.greeks(discount, credit, vol, model=model, drift=drift))
        arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in columns.values()))
        frame = pd.DataFrame({key: np.atleast_1d(a).ravel()
                              for key, a in zip(columns, arrays, strict=True)})
        frame.insert(0, "kind", self.kind)
        frame.insert(0, "model", model)
        return frame
