"""Bucketed CS01 of the 125 CDX.NA.IG S7 names: ``sc.cds_risk`` beside QuantLib bumping.

Each name (packaged ``cdx_na_ig_s7_2007-08-01.csv``: par spreads at 3Y/5Y/7Y/10Y, recovery) gets
an ISDA credit curve; the trade is a 5Y 100 bp buy-protection standard CDS, 10mm notional; one
bucket per quoted tenor (+1 bp on that quote, re-bootstrap, re-price), plus the base valuation.
The discount curve is the ISDA curve of illustrative USD deposit/swap rates of mid-2007 (the
data set has no rates).

QuantLib: ``PiecewiseFlatHazardRate`` over ``SpreadCdsHelper`` (ISDA model) on ``SimpleQuote``s,
``IsdaCdsEngine``; per name, bump each quote, re-price (the curve re-bootstraps), restore — the
way QuantLib's users compute bucketed CS01. Goal: >= 20x. The two ladders are cross-checked.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import QuantLib as ql
from _timing import best_of, record

import stochcredit as sc
from stochcredit.market.isda_quotes import packaged_quote_file

TRADE = dt.date(2007, 8, 1)
DEPOSITS = {"1M": 0.0532, "2M": 0.0535, "3M": 0.0536, "6M": 0.0539, "9M": 0.0540,
            "1Y": 0.0541}
SWAPS = {"2Y": 0.0520, "3Y": 0.0521, "4Y": 0.0525, "5Y": 0.0530, "6Y": 0.0534, "7Y": 0.0538,
         "8Y": 0.0541, "9Y": 0.0544, "10Y": 0.0547, "12Y": 0.0552, "15Y": 0.0557,
         "20Y": 0.0561, "25Y": 0.0561, "30Y": 0.0560}
TENORS = ["3Y", "5Y", "7Y", "10Y"]
MATURITY = dt.date(2012, 9, 20)  # the 5Y standard maturity of 2007-08-01
NOTIONAL = 1e7


def qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


def main() -> None:
    data = pd.read_csv(packaged_quote_file("cdx"))
    spreads = data[TENORS].to_numpy() / 1e4
    recovery = data["Recovery"].to_numpy()
    names = list(data["Ticker"])

    disc = sc.isda_discount_curve(TRADE, DEPOSITS, SWAPS)
    quotes = sc.CreditQuotes(TENORS, spreads, recovery=recovery, names=names)

    cds = make_trades(recovery)
    sc.cds_risk(cds[:2], disc, sc.CreditQuotes(TENORS, spreads[:2], recovery=recovery[:2]),
                measures=("bucketed_cs01",))  # warm-up
    t_ours, ours = best_of(lambda: sc.cds_risk(cds, disc, quotes, measures=("bucketed_cs01",)),
                           repeat=3)
    ladder = ours.bucketed_cs01.to_numpy()

    t_ql, ref = best_of(lambda: quantlib(spreads, recovery), repeat=1)
    diff = np.max(np.abs(ladder - ref))
    ratio = t_ql / t_ours
    print(f"bucketed CS01, 125 names x {len(TENORS)} buckets (+ base), 5Y 100bp, 10mm:")
    print(f"  stochcredit cds_risk: {t_ours * 1e3:8.1f} ms")
    print(f"  QuantLib bumping:     {t_ql * 1e3:8.1f} ms")
    print(f"  ratio {ratio:.1f}x (goal >= 20x); max |difference| {diff:.2e} "
          f"(of 1e7 notional); total 5Y bucket {ladder[:, 1].sum():,.2f}")
    record("bucketed CS01, 125 CDX names (ISDA)", t_ours, reference="QuantLib bumping",
           reference_s=t_ql, goal=">= 20x", met=ratio >= 20,
           note=f"max |CS01 difference| {diff:.1e} on 1e7 notional")


def make_trades(recovery: np.ndarray) -> list:
    return [sc.StandardCDS(TRADE, MATURITY, 0.01, recovery=float(r), notional=NOTIONAL)
            for r in recovery]


def quantlib(spreads: np.ndarray, recovery: np.ndarray) -> np.ndarray:
    ql.IborCoupon.createAtParCoupons()
    ql.Settings.instance().evaluationDate = qd(TRADE)
    cal = ql.WeekendsOnly()
    helpers = [ql.DepositRateHelper(r, ql.Period(t), 2, cal, ql.ModifiedFollowing, False,
                                    ql.Actual360()) for t, r in DEPOSITS.items()]
    index = ql.IborIndex("IsdaIbor", ql.Period("3M"), 2, ql.USDCurrency(), cal,
                         ql.ModifiedFollowing, False, ql.Actual360())
    helpers += [ql.SwapRateHelper(r, ql.Period(t), cal, ql.Semiannual, ql.ModifiedFollowing,
                                  ql.Thirty360(ql.Thirty360.BondBasis), index)
                for t, r in SWAPS.items()]
    curve = ql.PiecewiseLogLinearDiscount(qd(TRADE), helpers, ql.Actual365Fixed())
    dh = ql.YieldTermStructureHandle(curve)
    sched = ql.MakeSchedule(effectiveDate=qd(TRADE), terminationDate=qd(MATURITY),
                            tenor=ql.Period("3M"), calendar=cal, convention=ql.Following,
                            terminalDateConvention=ql.Unadjusted,
                            rule=ql.DateGeneration.CDS2015)
    out = np.empty(spreads.shape)
    for i, (row, rec) in enumerate(zip(spreads, recovery, strict=True)):
        qs = [ql.SimpleQuote(s) for s in row]
        hs = [ql.SpreadCdsHelper(ql.QuoteHandle(q), ql.Period(t), 0, cal, ql.Quarterly,
                                 ql.Following, ql.DateGeneration.CDS2015, ql.Actual360(),
                                 float(rec), dh, True, True, ql.Date(), ql.Actual360(True), True,
                                 ql.CreditDefaultSwap.ISDA) for q, t in zip(qs, TENORS,
                                                                            strict=True)]
        credit = ql.PiecewiseFlatHazardRate(qd(TRADE), hs, ql.Actual365Fixed())
        credit.enableExtrapolation()
        engine = ql.IsdaCdsEngine(ql.DefaultProbabilityTermStructureHandle(credit), float(rec),
                                  dh)
        trade = ql.CreditDefaultSwap(ql.Protection.Buyer, NOTIONAL, 0.01, sched, ql.Following,
                                     ql.Actual360(), True, True, qd(TRADE), ql.FaceValueClaim(),
                                     ql.Actual360(True), True, qd(TRADE), 3)
        trade.setPricingEngine(engine)
        base = trade.NPV()
        for k, q in enumerate(qs):
            q.setValue(row[k] + 1e-4)
            out[i, k] = trade.NPV() - base
            q.setValue(row[k])
    return out


if __name__ == "__main__":
    main()
