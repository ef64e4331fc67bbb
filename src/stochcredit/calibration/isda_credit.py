"""ISDA credit curves from CDS quotes, and the market's quote conversion.

:func:`isda_credit_curve` bootstraps a piecewise-flat hazard curve so that every quoted standard
CDS (:class:`~stochcredit.StandardCDS`, default ISDA engine switches) reprices its quote: par
spreads, or clean points upfront with a running coupon. Pillars sit at each contract's protection
end, the Following-adjusted maturity + 1 day (the last date any leg of that contract reads, as
QuantLib's ``CdsHelper`` with the ISDA model), so the hazards are fitted one at a time; each one
is a bracketed Brent root search (compiled, :func:`~stochcredit.market.isda_legs.isda_bootstrap`)
with a bounded number of iterations. Distressed quotes are fine (the bracket grows to
``h_max = 1e4`` per year); negative rates too.

:func:`upfront_from_spread` / :func:`spread_from_upfront` are the standard converter (ISDA CDS
Standard Model, Markit "CDS Converter Specification"): one flat hazard rate reproducing the quoted
spread (or upfront) of the contract itself, then the other quantity on that flat curve.

Examples
--------
>>> from stochcredit import FlatCurve
>>> curve = isda_credit_curve("2014-10-16", ["1Y", "5Y"], [0.005, 0.01], FlatCurve(0.02))
>>> curve.tenors, [round(float(h), 6) for h in curve.hazards]
(('1Y', '5Y'), [0.008427, 0.019599])
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError
from ..core.validation import choice
from ..instruments.standard_cds import StandardCDS, _calendar, _pwf, _stack
from ..market.calendars import to_date
from ..market.curves import HazardCurve
from ..market.isda_legs import isda_bootstrap, merged_nodes

__all__ = ["isda_credit_curve", "IsdaCreditCurve", "upfront_from_spread", "spread_from_upfront"]

_H_MAX = 1e4
_TOL = 1e-16
_MAX_ITER = 200
_POLICIES = ("fail", "zero_hazard", "ignore")


class IsdaCreditCurve(HazardCurve):
    """A :class:`~stochcredit.HazardCurve` bootstrapped from CDS quotes that keeps its inputs.

    Attributes: ``trade_date``, ``tenors``, ``quotes``, ``quote_type``, ``coupon``,
    ``recovery``, ``arbitrage``, ``discount``, ``calendar``, ``pillar_dates``; hazards may be
    negative only with ``arbitrage="ignore"``. :meth:`rebuild` re-runs the bootstrap.
    """

    def rebuild(self, quotes: Any = None, discount: Any = None,
                recovery: Any = None) -> IsdaCreditCurve:
        """The bootstrap again with some inputs replaced (e.g. bumped quotes for CS01)."""
        return isda_credit_curve(self.trade_date, list(self.tenors),
                                 self.quotes if quotes is None else quotes,
                                 self.discount if discount is None else discount,
                                 recovery=self.recovery if recovery is None else recovery,
                                 quote_type=self.quote_type, coupon=self.coupon,
                                 arbitrage=self.arbitrage, calendar=self.calendar)

    def to_frame(self) -> pd.DataFrame:
        """Pillars: tenor, pillar date, time, hazard, survival at the pillar."""
        return pd.DataFrame({"tenor": self.tenors, "pillar_date": self.pillar_dates,
                             "time": self.times, "hazard": self.hazards,
                             "survival": self.survival(self.times)})


def _quotes(name: str, quotes: Any, n: int) -> np.ndarray:
    try:
        q = np.asarray(quotes, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(name, quotes, "numbers") from exc
    if q.size != n:
        raise InvalidParameterError(name, quotes, f"{n} values, one per tenor")
    bad = ~np.isfinite(q)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidParameterError(f"{name}[{i}]", q[i], "finite")
    return q


def _contracts(trade: _dt.date, tenors: Any, coupons: np.ndarray, recovery: float,
               calendar: Any) -> list[StandardCDS]:
    if isinstance(tenors, str) or not hasattr(tenors, "__len__") or len(tenors) == 0:
        raise InvalidParameterError("tenors", tenors, "a non-empty list of tenors such as "
                                    "['1Y', '3Y', '5Y']")
    out = []
    for i, tenor in enumerate(tenors):
        try:
            out.append(StandardCDS(trade, tenor, coupons[i], recovery, calendar=calendar))
        except InvalidParameterError as exc:
            if "tenor" in str(exc) or "maturity" in str(exc):
                raise InvalidParameterError(f"tenors[{i}]", tenor, "a standard tenor such as "
                                            "'6M', '1Y', '5Y', after the trade date") from exc
            raise
        if i and out[i].maturity_date <= out[i - 1].maturity_date:
            raise InvalidParameterError(f"tenors[{i}]", tenor, f"a maturity after that of "
                                        f"tenors[{i - 1}] = {tenors[i - 1]!r} (sorted, no "
                                        "duplicates)")
    return out


@lru_cache(maxsize=1024)
def _layout(trade: _dt.date, tenors: tuple, cal: Any):
    """Quote-independent part of a bootstrap (schedules, pillars), cached by its inputs."""
    contracts = _contracts(trade, tenors, np.zeros(len(tenors)), 0.0, cal)
    offsets, cat, rd, cs, mat = _stack(contracts)
    base = trade.toordinal()
    pillar_dates = tuple(cal.adjust(c.maturity_date) + _dt.timedelta(days=1) for c in contracts)
    knots = np.array([d.toordinal() - base for d in pillar_dates], dtype=float) / 365.0
    for arr in (offsets, *cat, rd, cs, mat, knots):
        arr.setflags(write=False)
    return offsets, cat, rd, cs, mat, pillar_dates, knots


_SETUPS: dict = {}


def _setup(trade_date, tenors, discount, calendar):
    """Everything but the quotes, cached for the last few (inputs, discount object) pairs."""
    key = (trade_date, tuple(tenors) if isinstance(tenors, list | tuple) else None, calendar,
           id(discount))
    hit = _SETUPS.get(key) if key[1] is not None and _hashable(key) else None
    if hit is not None and hit[0] is discount:
        return hit[1]
    out = _setup_uncached(trade_date, tenors, discount, calendar)
    if key[1] is not None and _hashable(key):
        if len(_SETUPS) > 64:
            _SETUPS.clear()
        _SETUPS[key] = (discount, out)
    return out


def _hashable(key) -> bool:
    try:
        hash(key)
    except TypeError:
        return False
    return True


def _setup_uncached(trade_date, tenors, discount, calendar):
    trade = to_date(trade_date, "trade_date")
    cal = _calendar(calendar)
    if isinstance(tenors, str) or not hasattr(tenors, "__len__") or len(tenors) == 0:
        raise InvalidParameterError("tenors", tenors, "a non-empty list of tenors such as "
                                    "['1Y', '3Y', '5Y']")
    key = tuple(t if isinstance(t, str) else to_date(t, "tenors") for t in tenors)
    offsets, cat, rd, cs, mat, pillar_dates, knots = _layout(trade, key, cal)
    dpwf = _pwf("discount", discount, "discount")
    nodes = merged_nodes(dpwf.knots, knots)
    pcs = np.exp(-dpwf.integral(cs / 365.0))
    for arr in (nodes, pcs):
        arr.setflags(write=False)
    return trade, cal, dpwf, offsets, cat, rd, mat, pillar_dates, knots, nodes, pcs


def _solve(dpwf, knots, nodes, mat, offsets, cat, target, lgd, run, pcs, rd, policy, guess):
    return isda_bootstrap(dpwf.knots, dpwf.rates, dpwf.starts, dpwf.cum, knots, nodes, mat,
                          offsets, cat[0], cat[1], cat[2], cat[3], True, True, True, target,
                          lgd, run, pcs, rd / 360.0, policy, guess, _H_MAX, _TOL, _MAX_ITER)


def isda_credit_curve(trade_date: Any, tenors: Any, quotes: Any, discount: Any,
                      recovery: float = 0.4, quote_type: str = "spread",
                      coupon: float | None = None, arbitrage: str = "fail", *,
                      calendar: Any = None) -> IsdaCreditCurve:
    """Piecewise-flat hazard curve reproducing standard-CDS quotes (ISDA CDS Standard Model).

    Parameters
    ----------
    trade_date : date or ISO string
    tenors : sequence of str
        Standard tenors (``"6M"``, ``"1Y"`` ... ``"10Y"``), strictly increasing maturities.
    quotes : array_like
        Par spreads (decimals) for ``quote_type="spread"``; clean points upfront (fractions of
        notional, buyer pays) for ``quote_type="upfront"`` with running ``coupon``.
    discount : discount curve
        Piecewise flat, ACT/365F from the trade date
        (e.g. :func:`~stochcredit.isda_discount_curve`).
    recovery : float
        In ``[0, 1)``.
    arbitrage : {"fail", "zero_hazard", "ignore"}
        For a quote that needs a negative forward hazard: raise ``InvalidParameterError`` naming
        the tenor; set that segment's hazard to 0 (the quote is then not met); or keep the
        negative hazard.
    calendar : Calendar or str, optional
        Holiday calendar of the contracts (default weekends only).

    Returns
    -------
    IsdaCreditCurve
        Pillars at each contract's protection end; the last hazard extends flat.
    """
    if isinstance(tenors, str) or not hasattr(tenors, "__len__") or len(tenors) == 0:
        raise InvalidParameterError("tenors", tenors, "a non-empty list of tenors such as "
                                    "['1Y', '3Y', '5Y']")
    quote_type = choice("quote_type", quote_type, ("spread", "upfront"))
    policy = _POLICIES.index(choice("arbitrage", arbitrage, _POLICIES))
    n = len(tenors) if hasattr(tenors, "__len__") and not isinstance(tenors, str) else 0
    q = _quotes("quotes", quotes, max(n, 1) if n else 1)
    if quote_type == "spread":
        if np.any(q < 0):
            i = int(np.flatnonzero(q < 0)[0])
            raise InvalidParameterError(f"quotes[{i}]", q[i], "a par spread >= 0")
        run = q.copy()
        cpn = None
    else:
        if coupon is None:
            raise InvalidParameterError("coupon", coupon, "the running coupon of upfront quotes "
                                        "(e.g. 0.01)")
        cpn = float(coupon)
        if not np.isfinite(cpn) or cpn < 0:
            raise InvalidParameterError("coupon", coupon, "finite and >= 0")
        if np.any(q >= 1):
            i = int(np.flatnonzero(q >= 1)[0])
            raise InvalidParameterError(f"quotes[{i}]", q[i], "an upfront < 1 (fraction of "
                                        "notional)")
        run = np.full(q.size, cpn)
    if not (0.0 <= float(recovery) < 1.0):
        raise InvalidParameterError("recovery", recovery, "in [0, 1)")
    rec = float(recovery)
    (trade, cal, dpwf, offsets, cat, rd, mat, pillar_dates, knots, nodes,
     pcs) = _setup(trade_date, tenors, discount, calendar)
    target = np.zeros(q.size) if quote_type == "spread" else q * pcs
    guess = np.maximum(run, 1e-4) / (1.0 - rec)
    hazards, status, idx = _solve(dpwf, knots, nodes, mat, offsets, cat, target, 1.0 - rec, run,
                                  pcs, rd, policy, guess)
    if status:
        what = {1: "implies a negative forward hazard (arbitrage); use arbitrage='zero_hazard' "
                   "or 'ignore' to accept it",
                2: f"cannot be met with a hazard rate within ±{_H_MAX:g} per year",
                3: "did not converge"}[int(status)]
        raise InvalidParameterError(f"quotes[{idx}] (tenor {tenors[idx]!r})", q[idx],
                                    "a quote the bootstrap can fit", reason=f"the quote {what}")
    curve = IsdaCreditCurve._trusted(knots.copy(), hazards)
    attrs = {"trade_date": trade, "tenors": tuple(str(t) for t in tenors), "quotes": q,
             "quote_type": quote_type, "coupon": cpn, "recovery": rec,
             "arbitrage": _POLICIES[policy], "discount": discount, "calendar": cal,
             "pillar_dates": pillar_dates}
    q.setflags(write=False)
    for k, v in attrs.items():
        object.__setattr__(curve, k, v)
    return curve


def _flat_convert(trade_date, maturity, quote, coupon, discount, recovery, to_upfront):
    q = np.asarray(quote, dtype=float)
    m = np.asarray(maturity, dtype=object)
    q, m = np.broadcast_arrays(q, m)
    out = np.empty(q.shape)
    for k in np.ndindex(q.shape):
        mk = m[k]
        tenors = [mk if isinstance(mk, str) else to_date(mk, "maturity")]
        if to_upfront:
            if q[k] < 0 or not np.isfinite(q[k]):
                raise InvalidParameterError("quoted_spread", q[k], "finite and >= 0")
            curve = _flat(trade_date, tenors, q[k], discount, recovery, "spread", None)
            cds = StandardCDS(trade_date, tenors[0], coupon, recovery)
            out[k] = cds.price(discount, curve).clean_upfront
        else:
            curve = _flat(trade_date, tenors, q[k], discount, recovery, "upfront", coupon)
            cds = StandardCDS(trade_date, tenors[0], coupon, recovery)
            out[k] = cds.price(discount, curve).par_spread
    return float(out) if out.ndim == 0 else out


def _flat(trade_date, tenors, quote, discount, recovery, quote_type, coupon):
    curve = isda_credit_curve(trade_date, tenors, [quote], discount, recovery=recovery,
                              quote_type=quote_type, coupon=coupon, arbitrage="fail")
    from ..market.curves import FlatHazardCurve

    return FlatHazardCurve(float(curve.hazards[0]))


def upfront_from_spread(trade_date: Any, maturity: Any, quoted_spread: Any, coupon: float,
                        discount: Any, recovery: float = 0.4) -> float | np.ndarray:
    """Clean points upfront (fraction of notional, buyer pays) from a quoted (flat) spread.

    One flat hazard makes the contract's par spread equal ``quoted_spread``; the upfront of the
    ``coupon`` contract on that curve is returned. Vectorised over ``quoted_spread`` (and
    ``maturity``: dates or tenor strings).

    Examples
    --------
    >>> from stochcredit import FlatCurve
    >>> round(upfront_from_spread("2014-10-16", "5Y", 0.02, 0.01, FlatCurve(0.02)), 6)
    0.045749
    """
    return _flat_convert(trade_date, maturity, quoted_spread, coupon, discount, recovery, True)


def spread_from_upfront(trade_date: Any, maturity: Any, upfront: Any, coupon: float,
                        discount: Any, recovery: float = 0.4) -> float | np.ndarray:
    """Quoted (flat-hazard) spread from clean points upfront; the inverse of
    :func:`upfront_from_spread`. Vectorised over ``upfront`` and ``maturity``."""
    return _flat_convert(trade_date, maturity, upfront, coupon, discount, recovery, False)
