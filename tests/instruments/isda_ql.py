"""QuantLib reference set-up for the dated ISDA CDS tests (test oracle only).

QuantLib's ``IsdaCdsEngine`` on a ``CreditDefaultSwap`` built as ``MakeCreditDefaultSwap`` does
(CDS2015 schedule on WeekendsOnly, Following, Actual360 with ``Actual360(True)`` in the last
period, protection from the trade date, accrual rebate, cash settlement T+3), and curves made of
the same nodes as ours: a discount curve log-linear in discount factors and a backward-flat hazard
curve, both Act/365F from the trade date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import QuantLib as ql

import stochcredit as sc


def qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


def pd_(d: ql.Date) -> dt.date:
    return dt.date(d.year(), d.month(), d.dayOfMonth())


def set_today(d: dt.date) -> None:
    ql.Settings.instance().evaluationDate = qd(d)


def ql_isda_discount(trade: dt.date, deposits, swaps, fixed=ql.Semiannual, float_months=3,
                     currency=None):
    """The discount curve of QuantLib's own ISDA tests (testIsdaEngine)."""
    set_today(trade)
    cal = ql.WeekendsOnly()
    helpers = [ql.DepositRateHelper(r, ql.Period(t), 2, cal, ql.ModifiedFollowing, False,
                                    ql.Actual360()) for t, r in deposits.items()]
    ibor = ql.IborIndex("IsdaIbor", ql.Period(float_months, ql.Months), 2,
                        currency or ql.USDCurrency(), cal, ql.ModifiedFollowing, False,
                        ql.Actual360())
    helpers += [ql.SwapRateHelper(r, ql.Period(t), cal, fixed, ql.ModifiedFollowing,
                                  ql.Thirty360(ql.Thirty360.BondBasis), ibor)
                for t, r in swaps.items()]
    curve = ql.PiecewiseLogLinearDiscount(0, cal, helpers, ql.Actual365Fixed())
    curve.enableExtrapolation()
    return curve


def ours_from_ql_discount(trade: dt.date, curve) -> sc.ZeroCurve:
    """The same curve as ours: nodes at the same days, log-linear discount factors."""
    dates = [pd_(d) for d in curve.dates()][1:]
    t = np.array([(d - trade).days / 365.0 for d in dates])
    z = -np.log([curve.discount(qd(d)) for d in dates]) / t
    return sc.ZeroCurve(t, z)


def ql_flat_discount(trade, rate):
    set_today(trade)
    return ql.FlatForward(qd(trade), rate, ql.Actual365Fixed(), ql.Continuous)


def ql_hazard(trade, times_days, hazards):
    set_today(trade)
    if np.ndim(hazards) == 0:
        return ql.FlatHazardRate(qd(trade), ql.QuoteHandle(ql.SimpleQuote(float(hazards))),
                                 ql.Actual365Fixed())
    dates = [qd(trade)] + [qd(trade + dt.timedelta(days=int(d))) for d in times_days]
    c = ql.HazardRateCurve(dates, [float(hazards[0])] + [float(h) for h in hazards],
                           ql.Actual365Fixed())
    c.enableExtrapolation()
    return c


def ours_hazard(times_days, hazards):
    if np.ndim(hazards) == 0:
        return sc.FlatHazardCurve(float(hazards))
    return sc.HazardCurve(np.asarray(times_days) / 365.0, hazards)


def ql_cds(trade: dt.date, maturity: dt.date, coupon: float, notional: float = 1.0,
           side: str = "buy", upfront: float = 0.0):
    set_today(trade)
    cal = ql.WeekendsOnly()
    sched = ql.Schedule(qd(trade), qd(maturity), ql.Period(3, ql.Months), cal, ql.Following,
                        ql.Unadjusted, ql.DateGeneration.CDS2015, False)
    cs = cal.advance(qd(trade), 3, ql.Days)
    s = ql.Protection.Buyer if side == "buy" else ql.Protection.Seller
    return ql.CreditDefaultSwap(s, notional, upfront, coupon, sched, ql.Following,
                                ql.Actual360(), True, True, qd(trade), cs,
                                ql.FaceValueClaim(), ql.Actual360(True), True, qd(trade), 3)


def ql_price(cds, discount, hazard, recovery, fix="taylor", bias="half_day",
             forwards="piecewise"):
    eng = ql.IsdaCdsEngine(ql.DefaultProbabilityTermStructureHandle(hazard), recovery,
                           ql.YieldTermStructureHandle(discount), False,
                           ql.IsdaCdsEngine.Taylor if fix == "taylor" else ql.IsdaCdsEngine.NoFix,
                           ql.IsdaCdsEngine.HalfDayBias if bias == "half_day"
                           else ql.IsdaCdsEngine.NoBias,
                           ql.IsdaCdsEngine.Piecewise if forwards == "piecewise"
                           else ql.IsdaCdsEngine.Flat)
    cds.setPricingEngine(eng)
    return {"npv": cds.NPV(), "protection_leg": abs(cds.defaultLegNPV()),
            "premium_leg": abs(cds.couponLegNPV()), "accrual_rebate": cds.accrualRebate().amount(),
            "par_spread": cds.fairSpread(), "clean_upfront": cds.fairUpfront()}


def ql_discount_nodes(trade: dt.date, days, discounts):
    """QuantLib log-linear discount curve with nodes ``days`` after the trade date."""
    set_today(trade)
    dates = [qd(trade)] + [qd(trade + dt.timedelta(days=int(d))) for d in days]
    c = ql.DiscountCurve(dates, [1.0] + [float(x) for x in discounts], ql.Actual365Fixed())
    c.enableExtrapolation()
    return c


def ours_discount_nodes(days, discounts) -> sc.ZeroCurve:
    t = np.asarray(days, dtype=float) / 365.0
    return sc.ZeroCurve(t, -np.log(discounts) / t)
