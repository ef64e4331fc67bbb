"""ISDA curves in bulk: the rate curve and 125 credit curves, beside QuantLib.

1. ``sc.isda_discount_curve`` on the packaged ISDA USD rates of 2014-10-16 (5 deposits,
   14 swaps) vs QuantLib ``PiecewiseLogLinearDiscount`` on ``DepositRateHelper`` /
   ``SwapRateHelper`` (test-suite ``testIsdaEngine`` set-up), each built and read at its pillars.
2. ``sc.isda_credit_curves`` on the packaged CDX.NA.IG S7 file (125 names, 3Y-10Y, read row by
   row, each curve repriced) vs QuantLib ``PiecewiseFlatHazardRate`` over ISDA-model
   ``SpreadCdsHelper``s for the same names (bootstrapped only). Both on a flat 5 % curve
   (the data set has no rates). Informational: no goal is set for these two.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import QuantLib as ql
from _timing import best_of, record

import stochcredit as sc
from stochcredit.market.isda_quotes import packaged_quote_file


def qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


def ql_rate_curve(trade: dt.date, rates: dict) -> float:
    ql.Settings.instance().evaluationDate = qd(trade)
    cal = ql.WeekendsOnly()
    helpers = [ql.DepositRateHelper(r, ql.Period(t), 2, cal, ql.ModifiedFollowing, False,
                                    ql.Actual360()) for t, r in rates["deposits"].items()]
    index = ql.IborIndex("IsdaIbor", ql.Period("3M"), 2, ql.USDCurrency(), cal,
                         ql.ModifiedFollowing, False, ql.Actual360())
    helpers += [ql.SwapRateHelper(r, ql.Period(t), cal, ql.Semiannual, ql.ModifiedFollowing,
                                  ql.Thirty360(ql.Thirty360.BondBasis), index)
                for t, r in rates["swaps"].items()]
    curve = ql.PiecewiseLogLinearDiscount(qd(trade), helpers, ql.Actual365Fixed())
    return sum(curve.discount(d) for d in curve.dates())


def ql_credit_curves(trade: dt.date, data: pd.DataFrame, tenors: list[str]) -> float:
    ql.Settings.instance().evaluationDate = qd(trade)
    flat = ql.YieldTermStructureHandle(ql.FlatForward(qd(trade), 0.05, ql.Actual365Fixed(),
                                                      ql.Continuous))
    total = 0.0
    for _, row in data.iterrows():
        helpers = [ql.SpreadCdsHelper(row[t] / 1e4, ql.Period(t), 0, ql.WeekendsOnly(),
                                      ql.Quarterly, ql.Following, ql.DateGeneration.CDS2015,
                                      ql.Actual360(), float(row["Recovery"]), flat, True, True,
                                      ql.Date(), ql.Actual360(True), True,
                                      ql.CreditDefaultSwap.ISDA) for t in tenors]
        curve = ql.PiecewiseFlatHazardRate(qd(trade), helpers, ql.Actual365Fixed())
        total += curve.survivalProbability(qd(trade) + ql.Period("9Y"))
    return total


def main() -> None:
    ql.IborCoupon.createAtParCoupons()
    trade = dt.date(2014, 10, 16)
    rates = sc.load_isda_rates(trade)
    from stochcredit.market.isda_discount import _layout

    def cold():  # dates and schedules recomputed, as QuantLib does
        _layout.cache_clear()
        return sc.isda_discount_curve(trade, **rates)

    ours, _ = best_of(cold, repeat=5)
    warm, _ = best_of(lambda: sc.isda_discount_curve(trade, **rates), repeat=5)
    ref, _ = best_of(lambda: ql_rate_curve(trade, rates), repeat=5)
    print(f"ISDA USD rate curve (19 instruments): ours {1e3 * ours:.2f} ms (a re-bootstrap "
          f"of bumped quotes, dates cached: {1e3 * warm:.2f} ms), QuantLib {1e3 * ref:.2f} ms, "
          f"ratio {ref / ours:.2f}x")
    record("ISDA rate curve bootstrap (19 instruments)", ours, reference="QuantLib "
           "PiecewiseLogLinearDiscount", reference_s=ref, note="informational")

    cdx = packaged_quote_file("cdx")
    data = pd.read_csv(cdx)
    tenors = ["3Y", "5Y", "7Y", "10Y"]
    day = dt.date(2007, 8, 1)
    flat = sc.FlatCurve(0.05)
    sc.isda_credit_curves(cdx, flat, trade_date=day)   # compile the kernels
    ours, batch = best_of(lambda: sc.isda_credit_curves(cdx, flat, trade_date=day), repeat=3)
    ref, _ = best_of(lambda: ql_credit_curves(day, data, tenors), repeat=3)
    print(f"125 CDX credit curves from the file ({batch.summary()}): ours {ours:.3f} s "
          f"(reading, bootstrap, repricing), QuantLib {ref:.3f} s (bootstrap), "
          f"ratio {ref / ours:.2f}x")
    record("125 ISDA credit curves from the CDX file", ours,
           reference="QuantLib PiecewiseFlatHazardRate", reference_s=ref,
           note="informational; ours includes reading the file and repricing every quote")


if __name__ == "__main__":
    main()
