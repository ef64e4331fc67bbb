"""Dated standard CDS under the ISDA CDS Standard Model (the market's upfront calculator).

Conventions (ISDA "Standard North American Corporate CDS Contract Specification" and the CDS2015
roll; QuantLib ``MakeCreditDefaultSwap`` + ``IsdaCdsEngine``): quarterly IMM-20th coupons from the
last IMM date whose Following-adjusted date is on or before the trade date; Following on a
weekends-only calendar unless a holiday :class:`~stochcredit.market.calendars.Calendar` is given;
unadjusted maturity; ACT/360 with one extra day in the last period; protection and step-in from
T+1; the full first coupon is paid and the accrued part rebated at cash settlement, T+3 business
days. Curves are year-fraction curves with ``t = days / 365`` from the trade date; the legs are
the exact integrals of :mod:`stochcredit.market.isda_legs` over the merged nodes of both curves.

Examples
--------
>>> from stochcredit import FlatCurve, FlatHazardCurve
>>> cds = StandardCDS("2014-10-16", "5Y", coupon=0.01, notional=1e7)
>>> cds.maturity_date, cds.step_in_date, cds.cash_settlement_date
(datetime.date(2019, 12, 20), datetime.date(2014, 10, 17), datetime.date(2014, 10, 21))
>>> res = cds.price(FlatCurve(0.02), FlatHazardCurve(0.02))
>>> round(res.accrual_rebate, 2), res.accrued_days
(6944.44, 25)
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from ..core.errors import InvalidParameterError
from ..core.validation import choice
from ..market.calendars import Calendar, to_date
from ..market.isda import cds_maturity, coupon_schedule, rebate_days
from ..market.isda_legs import isda_legs_batch, merged_nodes

__all__ = ["StandardCDS", "StandardCDSPrice", "price_standard_cds", "ENGINE_SWITCHES"]

_TENOR = re.compile(r"^\s*\d+\s*[A-Za-z]+\s*$")
ENGINE_SWITCHES = {"accrual_bias": ("half_day", "none"),
                   "forwards_in_coupon_period": ("piecewise", "flat"),
                   "numerical_fix": ("taylor", "none")}


_WEEKENDS = Calendar()
_INF = float("inf")


def _calendar(calendar: Any) -> Calendar:
    if calendar is None:
        return _WEEKENDS
    if isinstance(calendar, Calendar):
        return calendar
    if isinstance(calendar, str):
        return Calendar(calendar)
    raise InvalidParameterError("calendar", calendar, "a Calendar, a calendar name or None")


def _finite(name: str, x: Any, lo: float, hi: float, lo_open: bool = False,
            hi_open: bool = False, valid: str = "") -> float:
    if type(x) is float and lo < x < hi:
        return x
    try:
        v = float(x)
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(name, x, valid) from exc
    bad = (not np.isfinite(v) or v < lo or v > hi or (lo_open and v == lo)
           or (hi_open and v == hi))
    if bad or isinstance(x, bool):
        raise InvalidParameterError(name, x, valid)
    return v


@lru_cache(maxsize=8192)
def _tenor_maturity(trade: _dt.date, tenor: str) -> _dt.date:
    return cds_maturity(trade, tenor)


@lru_cache(maxsize=8192)
def _arrays(trade: _dt.date, mat: _dt.date, cal: Calendar):
    """Integer-day arrays of one contract (days from the trade date), cached."""
    starts, ends, pay, days = coupon_schedule(trade, mat, cal)
    base = trade.toordinal()
    a = np.array([d.toordinal() - base for d in starts], dtype=np.int64)
    e = np.array([d.toordinal() - base for d in ends], dtype=np.int64)
    p = np.array([d.toordinal() - base for d in pay], dtype=np.int64)
    frac = np.array(days, dtype=float) / 360.0
    rd = rebate_days(trade, starts, ends, pay)
    cs = cal.add_business_days(trade, 3).toordinal() - base
    for arr in (a, e, p, frac):
        arr.setflags(write=False)
    return a, e, p, frac, rd, cs, mat.toordinal() - base


@dataclass(frozen=True, eq=False)
class StandardCDS:
    """A dated standard CDS (see the module docstring for the conventions).

    Parameters
    ----------
    trade_date : date or ISO string
    maturity : date, ISO string or tenor string
        A tenor (``"6M"``, ``"5Y"``) gives the CDS2015 standard maturity
        (:func:`~stochcredit.market.isda.cds_maturity`); a date is used unadjusted.
    coupon : float
        Running coupon (decimal per year, 0.01 = 100 bp), ``>= 0``.
    recovery : float
        Recovery rate in ``[0, 1)``.
    notional : float
        ``> 0``, in currency.
    side : {"buy", "sell"}
        Protection buyer or seller (flips :attr:`StandardCDSPrice.npv` only).
    calendar : Calendar, str or None
        Holiday calendar for the accrual/payment dates and cash settlement (default weekends only).
    """

    trade_date: Any
    maturity: Any
    coupon: float
    recovery: float = 0.4
    notional: float = 1.0
    side: str = "buy"
    calendar: Any = None
    maturity_date: _dt.date = field(init=False, repr=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        td = self.trade_date
        if type(td) is not _dt.date:
            td = to_date(td, "trade_date")
            set_(self, "trade_date", td)
        cal = self.calendar
        if type(cal) is not Calendar:
            set_(self, "calendar", _calendar(cal))
        mat = self.maturity
        if type(mat) is _dt.date:
            mdate = mat
        elif isinstance(mat, str) and _TENOR.match(mat):
            mdate = _tenor_maturity(td, mat)
        else:
            mdate = to_date(mat, "maturity")
        if mdate <= td:
            raise InvalidParameterError("maturity", str(mdate), f"after the trade date {td}")
        set_(self, "maturity_date", mdate)
        c, r, n = self.coupon, self.recovery, self.notional
        if (type(c) is float and 0.0 <= c < _INF and type(r) is float and 0.0 <= r < 1.0
                and type(n) is float and 0.0 < n < _INF):
            if self.side not in ("buy", "sell"):
                set_(self, "side", choice("side", self.side, ("buy", "sell")))
            return
        set_(self, "coupon", _finite("coupon", self.coupon, 0.0, np.inf, valid="finite and >= 0"))
        set_(self, "recovery", _finite("recovery", self.recovery, 0.0, 1.0, hi_open=True,
                                       valid="in [0, 1)"))
        set_(self, "notional", _finite("notional", self.notional, 0.0, np.inf, lo_open=True,
                                       valid="finite and > 0"))
        if self.side not in ("buy", "sell"):
            set_(self, "side", choice("side", self.side, ("buy", "sell")))

    # dates -----------------------------------------------------------------------------------
    @property
    def step_in_date(self) -> _dt.date:
        """Trade date + 1 calendar day (protection and accrual rebate reference)."""
        return self.trade_date + _dt.timedelta(days=1)

    @property
    def cash_settlement_date(self) -> _dt.date:
        """Trade date + 3 business days of :attr:`calendar`."""
        return self.calendar.add_business_days(self.trade_date, 3)

    @property
    def accrual_start(self) -> _dt.date:
        """First accrual start (adjusted)."""
        return coupon_schedule(self.trade_date, self.maturity_date, self.calendar)[0][0]

    def restruck(self, trade_date: Any) -> StandardCDS:
        """The same contract (same maturity date) seen from another trade date."""
        return StandardCDS(trade_date, self.maturity_date, self.coupon, self.recovery,
                           self.notional, self.side, self.calendar)

    def _arrays(self):
        return _arrays(self.trade_date, self.maturity_date, self.calendar)

    def schedule(self) -> pd.DataFrame:
        """Coupon periods: ``accrual_start``, ``accrual_end``, ``payment_date``, ``accrual_days``,
        ``accrual_fraction`` (= days / 360) and ``amount`` (coupon x notional x fraction)."""
        starts, ends, pay, days = coupon_schedule(self.trade_date, self.maturity_date,
                                                  self.calendar)
        d = np.array(days, dtype=np.int64)
        return pd.DataFrame({"accrual_start": starts, "accrual_end": ends, "payment_date": pay,
                             "accrual_days": d, "accrual_fraction": d / 360.0,
                             "amount": self.coupon * self.notional * d / 360.0})

    def price(self, discount: Any, credit: Any, accrual_bias: str = "half_day",
              forwards_in_coupon_period: str = "piecewise",
              numerical_fix: str = "taylor") -> StandardCDSPrice:
        """Value as of the trade date (ISDA CDS Standard Model; see :class:`StandardCDSPrice`).

        ``discount`` and ``credit`` are piecewise-flat year-fraction curves (``FlatCurve`` /
        ``ZeroCurve`` / ``isda_discount_curve``, ``FlatHazardCurve`` / ``HazardCurve`` /
        ``isda_credit_curve``) starting at the trade date.
        """
        frame = price_standard_cds([self], discount, credit, accrual_bias=accrual_bias,
                                   forwards_in_coupon_period=forwards_in_coupon_period,
                                   numerical_fix=numerical_fix)
        row = frame.iloc[0]
        return StandardCDSPrice(**{k: (int(row[k]) if k == "accrued_days" else float(row[k]))
                                   for k in StandardCDSPrice.__dataclass_fields__})


@dataclass(frozen=True)
class StandardCDSPrice:
    """Price of a :class:`StandardCDS` (amounts in currency, as of the trade date).

    Attributes
    ----------
    npv : float
        Buyer's value ``protection_leg - premium_leg + P(cash settlement) accrual_rebate``
        (QuantLib ``IsdaCdsEngine``); negated for ``side="sell"``.
    protection_leg, premium_leg : float
        Default leg and coupons plus accrual on default (both >= 0 for positive hazards).
    accrual_rebate : float
        Accrued coupon the seller pays back at cash settlement (undiscounted).
    accrued_days : int
    par_spread : float
        ``protection_leg / (notional risky_annuity)``.
    risky_annuity : float
        Clean RPV01 per unit spread and notional: ``(premium_leg - P_cs rebate) / (c N)``.
    clean_upfront, dirty_upfront : float
        Fractions of notional the buyer pays at cash settlement;
        ``dirty = clean - accrual_rebate / notional``.
    """

    npv: float
    protection_leg: float
    premium_leg: float
    accrual_rebate: float
    accrued_days: int
    par_spread: float
    risky_annuity: float
    clean_upfront: float
    dirty_upfront: float

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the attributes."""
        return pd.DataFrame([asdict(self)])


def _pwf(name: str, curve: Any, attr: str):
    pwf = getattr(curve, "piecewise_flat", None)
    if pwf is None or not callable(getattr(curve, attr, None)):
        kind = "discount" if attr == "discount" else "survival"
        raise InvalidParameterError(name, curve, f"a piecewise-flat {kind} curve "
                                    f"(with .{attr}(t) and .piecewise_flat)")
    return pwf


def _switches(accrual_bias: str, forwards_in_coupon_period: str, numerical_fix: str):
    bias = choice("accrual_bias", accrual_bias, ENGINE_SWITCHES["accrual_bias"]) == "half_day"
    pw = choice("forwards_in_coupon_period", forwards_in_coupon_period,
                ENGINE_SWITCHES["forwards_in_coupon_period"]) == "piecewise"
    tay = choice("numerical_fix", numerical_fix, ENGINE_SWITCHES["numerical_fix"]) == "taylor"
    return bias, pw, tay


def _stack(contracts: list[StandardCDS]):
    parts = [c._arrays() for c in contracts]
    counts = np.array([p[0].size for p in parts], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    cat = [np.concatenate([p[i] for p in parts]) for i in range(4)]
    rd = np.array([p[4] for p in parts], dtype=float)
    cs = np.array([p[5] for p in parts], dtype=float)
    mat = np.array([p[6] for p in parts], dtype=np.int64)
    return offsets, cat, rd, cs, mat


def unit_legs(dpwf, hpwf, nodes, mat, offsets, cat, switches):
    """Per-unit (protection, premium + accrual on default) of stacked contracts (trade date
    day 0, step-in day 1)."""
    step = np.ones(mat.size, dtype=np.int64)
    prot, prem, aod = isda_legs_batch(dpwf.knots, dpwf.rates, dpwf.starts, dpwf.cum,
                                      hpwf.knots, hpwf.rates, hpwf.starts, hpwf.cum, nodes,
                                      step, mat, offsets, cat[0], cat[1], cat[2], cat[3],
                                      *switches)
    return prot, prem + aod


def _frame_inputs(frame: pd.DataFrame, trade_date: Any):
    """Vectorised inputs from a frame of contract terms (no per-row objects)."""
    if "maturity" not in frame or "coupon" not in frame:
        raise InvalidParameterError("contracts", list(frame.columns),
                                    "a frame with columns 'maturity' and 'coupon' (optional "
                                    "'recovery', 'notional', 'side')")
    if trade_date is None:
        if "trade_date" not in frame or frame["trade_date"].nunique() != 1:
            raise InvalidParameterError("trade_date", trade_date, "given, or one common "
                                        "'trade_date' column value")
        trade_date = frame["trade_date"].iloc[0]
    trade = to_date(trade_date, "trade_date")
    n = len(frame)

    def col(name, default):
        v = frame[name].to_numpy(dtype=float) if name in frame else np.full(n, default)
        return v

    coupon, rec, notional = col("coupon", 0.0), col("recovery", 0.4), col("notional", 1.0)
    for name, v, ok, valid in (("coupon", coupon, np.isfinite(coupon) & (coupon >= 0),
                                "finite and >= 0"),
                               ("recovery", rec, (rec >= 0) & (rec < 1), "in [0, 1)"),
                               ("notional", notional, np.isfinite(notional) & (notional > 0),
                                "finite and > 0")):
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            raise InvalidParameterError(f"{name}[{i}]", v[i], valid)
    side = (frame["side"].astype(str).str.lower().to_numpy() if "side" in frame
            else np.full(n, "buy"))
    bad = ~np.isin(side, ("buy", "sell"))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidParameterError(f"side[{i}]", side[i], "'buy' or 'sell'")
    codes, uniq = pd.factorize(frame["maturity"].astype(object), sort=False)
    layouts = []
    for i, m in enumerate(uniq):
        try:
            layouts.append(StandardCDS(trade, m, 0.0))
        except InvalidParameterError as exc:
            raise InvalidParameterError(f"maturity[{int(np.flatnonzero(codes == i)[0])}]", m,
                                        "a date or tenor after the trade date") from exc
    return (trade, layouts, codes.astype(np.int64), coupon, rec, notional,
            np.where(side == "buy", 1.0, -1.0))


def price_standard_cds(contracts: Any, discount: Any, credit: Any, *,
                       trade_date: Any = None, accrual_bias: str = "half_day",
                       forwards_in_coupon_period: str = "piecewise",
                       numerical_fix: str = "taylor") -> pd.DataFrame:
    """Price many standard CDS of one trade date on one pair of curves, in one pass.

    ``contracts`` is a :class:`StandardCDS`, a list or a ``{name: StandardCDS}`` mapping, or a
    DataFrame of terms with columns ``maturity`` (dates or tenors), ``coupon`` and optional
    ``recovery`` (0.4), ``notional`` (1), ``side`` ("buy"), with ``trade_date`` given here or as
    a column (weekends-only calendar). Contracts with the same schedule share one evaluation of
    their per-unit legs. Returns a DataFrame with one row per contract and the columns of
    :class:`StandardCDSPrice` (index: the mapping keys or the frame's index).
    """
    index = None
    dpwf = _pwf("discount", discount, "discount")
    hpwf = _pwf("credit", credit, "survival")
    switches = _switches(accrual_bias, forwards_in_coupon_period, numerical_fix)
    if isinstance(contracts, pd.DataFrame):
        index = contracts.index
        trade, uniq, which, coupon, rec, notional, sign = _frame_inputs(contracts, trade_date)
    else:
        if isinstance(contracts, StandardCDS):
            contracts = [contracts]
        elif isinstance(contracts, dict):
            index = list(contracts)
            contracts = list(contracts.values())
        else:
            contracts = list(contracts)
        if not contracts or not all(isinstance(c, StandardCDS) for c in contracts):
            raise InvalidParameterError("contracts", contracts,
                                        "a non-empty list of StandardCDS or a frame of terms")
        trade = contracts[0].trade_date
        for i, c in enumerate(contracts):
            if c.trade_date != trade:
                raise InvalidParameterError(f"contracts[{i}].trade_date", str(c.trade_date),
                                            f"the common trade date {trade}")
        # contracts sharing a schedule (same maturity and calendar) share their per-unit legs
        layout: dict = {}
        cals: dict = {}
        which = np.array([layout.setdefault((c.maturity_date, c.calendar.name), len(layout))
                          for c in contracts], dtype=np.int64)
        for c in contracts:
            cals.setdefault(c.calendar.name, c.calendar)
        uniq = [StandardCDS(trade, m, 0.0, calendar=cals[name]) for m, name in layout]
        coupon = np.array([c.coupon for c in contracts])
        rec = np.array([c.recovery for c in contracts])
        notional = np.array([c.notional for c in contracts])
        sign = np.array([1.0 if c.side == "buy" else -1.0 for c in contracts])
    offsets, cat, rd, cs, mat = _stack(uniq)
    nodes = merged_nodes(dpwf.knots, hpwf.knots)
    prot, prem = unit_legs(dpwf, hpwf, nodes, mat, offsets, cat, switches)
    prot, prem, rd, cs = prot[which], prem[which], rd[which], cs[which]
    p_cs = np.exp(-dpwf.integral(cs / 365.0))
    annuity = prem - p_cs * rd / 360.0
    protection = notional * (1.0 - rec) * prot
    premium = notional * coupon * prem
    rebate = notional * coupon * rd / 360.0
    buyer = protection - premium + p_cs * rebate
    with np.errstate(divide="ignore", invalid="ignore"):
        par = np.where(annuity != 0, (1.0 - rec) * prot / annuity, np.nan)
    clean = buyer / (notional * p_cs)
    return pd.DataFrame({"npv": sign * buyer, "protection_leg": protection,
                         "premium_leg": premium, "accrual_rebate": rebate,
                         "accrued_days": rd.astype(np.int64), "par_spread": par,
                         "risky_annuity": annuity, "clean_upfront": clean,
                         "dirty_upfront": clean - rebate / notional}, index=index)
