"""Dated ISDA standard CDS: our timings beside QuantLib's on the same inputs, in the same run.

1. 10,000 dated standard CDS of mixed maturities (6M-10Y standard tenors and IMM dates to 2025,
   100/500 bp coupons) on the packaged ISDA USD curve of 2014-10-16 and a bootstrapped hazard
   curve. QuantLib: a CreditDefaultSwap per contract (CDS2015 schedule) with the IsdaCdsEngine
   on the same nodes. Timed three ways: pricing prebuilt contracts; building StandardCDS objects
   plus pricing; pricing straight from a frame of terms (maturity, coupon, notional), which is
   how a book is priced in bulk. QuantLib's time always includes building its instruments for
   the last two.
   Goal: >= 20x. The NPVs are cross-checked (max |diff| per unit notional).
2. An 8-pillar ISDA credit-curve bootstrap (6M..10Y par spreads). QuantLib:
   PiecewiseFlatHazardRate over SpreadCdsHelper(model=ISDA). Goal: >= 10x.

Each timing is the best of a few repeats (this 2-core machine is shared).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import QuantLib as ql
from _timing import best_of

import stochcredit as sc

TRADE = dt.date(2014, 10, 16)
QTRADE = ql.Date(16, 10, 2014)
TENORS = ["6M", "1Y", "2Y", "3Y", "4Y", "5Y", "7Y", "10Y"]
SPREADS = [0.0030, 0.0040, 0.0060, 0.0080, 0.0100, 0.0120, 0.0130, 0.0140]


def curves():
    rates = sc.load_isda_rates("2014-10-16")
    disc = sc.isda_discount_curve(TRADE, rates["deposits"], rates["swaps"], "USD")
    credit = sc.isda_credit_curve(TRADE, TENORS, SPREADS, disc)
    ql.Settings.instance().evaluationDate = QTRADE
    days = np.round(disc.times * 365).astype(int)
    qdisc = ql.DiscountCurve([QTRADE] + [QTRADE + int(d) for d in days],
                             [1.0] + list(disc.discount(days / 365.0)), ql.Actual365Fixed())
    qdisc.enableExtrapolation()
    hdays = np.round(credit.times * 365).astype(int)
    qhaz = ql.HazardRateCurve([QTRADE] + [QTRADE + int(d) for d in hdays],
                              [float(credit.hazards[0])] + list(map(float, credit.hazards)),
                              ql.Actual365Fixed())
    qhaz.enableExtrapolation()
    return disc, credit, qdisc, qhaz


def contracts(n=10_000):
    rng = np.random.default_rng(0)
    imm = [dt.date(y, m, 20) for y in range(2015, 2026) for m in (3, 6, 9, 12)]
    out = []
    for _ in range(n):
        mat = TENORS[rng.integers(len(TENORS))] if rng.random() < 0.5 else \
            imm[rng.integers(len(imm))]
        out.append((mat, float(rng.choice([0.01, 0.05])), float(rng.integers(1, 100)) * 1e5))
    return out


def cds_batch() -> None:
    disc, credit, qdisc, qhaz = curves()
    spec = contracts()

    def build():
        return [sc.StandardCDS(TRADE, m, c, 0.4, n) for m, c, n in spec]

    ours_cds = build()
    sc.price_standard_cds(ours_cds[:10], disc, credit)  # warm-up (compiled kernel)
    t_price, frame = best_of(lambda: sc.price_standard_cds(ours_cds, disc, credit), repeat=5)
    t_all, _ = best_of(lambda: sc.price_standard_cds(build(), disc, credit), repeat=3)
    terms = pd.DataFrame(spec, columns=["maturity", "coupon", "notional"])
    t_frame, frame2 = best_of(lambda: sc.price_standard_cds(terms, disc, credit,
                                                             trade_date=TRADE), repeat=5)
    assert np.array_equal(frame2.npv.to_numpy(), frame.npv.to_numpy())

    engine = ql.IsdaCdsEngine(ql.DefaultProbabilityTermStructureHandle(qhaz), 0.4,
                              ql.YieldTermStructureHandle(qdisc))
    cal = ql.WeekendsOnly()
    cs = cal.advance(QTRADE, 3, ql.Days)

    def ql_build():
        out = []
        for (_m, c, n), ours in zip(spec, ours_cds, strict=True):
            md = ours.maturity_date
            sched = ql.Schedule(QTRADE, ql.Date(md.day, md.month, md.year),
                                ql.Period(3, ql.Months), cal, ql.Following, ql.Unadjusted,
                                ql.DateGeneration.CDS2015, False)
            cds = ql.CreditDefaultSwap(ql.Protection.Buyer, n, 0.0, c, sched, ql.Following,
                                       ql.Actual360(), True, True, QTRADE, cs,
                                       ql.FaceValueClaim(), ql.Actual360(True), True, QTRADE, 3)
            cds.setPricingEngine(engine)
            out.append(cds)
        return out

    ql_cds = ql_build()

    def ql_price(objs):
        out = np.empty(len(objs))
        for i, c in enumerate(objs):
            c.recalculate()
            out[i] = c.NPV()
        return out

    t_ql_price, npv_ql = best_of(lambda: ql_price(ql_cds), repeat=2)
    t_ql_all, _ = best_of(lambda: ql_price(ql_build()), repeat=2)
    notional = np.array([n for _, _, n in spec])
    diff = np.max(np.abs(frame.npv.to_numpy() - npv_ql) / notional)
    print(f"10,000 dated CDS (ISDA engine): max |NPV diff| / notional {diff:.1e}")
    print(f"  pricing prebuilt contracts: ours {t_price * 1e3:8.2f} ms, QuantLib "
          f"{t_ql_price * 1e3:8.1f} ms -> ratio {t_ql_price / t_price:6.1f}x (goal >= 20x)")
    print(f"  building + pricing:         ours {t_all * 1e3:8.2f} ms, QuantLib "
          f"{t_ql_all * 1e3:8.1f} ms -> ratio {t_ql_all / t_all:6.1f}x (goal >= 20x)")
    print(f"  terms frame -> prices:      ours {t_frame * 1e3:8.2f} ms, QuantLib "
          f"{t_ql_all * 1e3:8.1f} ms -> ratio {t_ql_all / t_frame:6.1f}x (goal >= 20x)")


def bootstrap() -> None:
    disc, _, qdisc, _ = curves()
    sc.isda_credit_curve(TRADE, TENORS, SPREADS, disc)  # warm-up
    t_ours, curve = best_of(lambda: sc.isda_credit_curve(TRADE, TENORS, SPREADS, disc),
                            repeat=5, number=200)
    h = ql.YieldTermStructureHandle(qdisc)
    quotes = [ql.SimpleQuote(s) for s in SPREADS]

    def quantlib():
        helpers = [ql.SpreadCdsHelper(ql.QuoteHandle(q), ql.Period(t), 0, ql.WeekendsOnly(),
                                      ql.Quarterly, ql.Following, ql.DateGeneration.CDS2015,
                                      ql.Actual360(), 0.4, h, True, True, ql.Date(),
                                      ql.Actual360(True), True, ql.CreditDefaultSwap.ISDA)
                   for t, q in zip(TENORS, quotes, strict=True)]
        c = ql.PiecewiseFlatHazardRate(QTRADE, helpers, ql.Actual365Fixed())
        c.enableExtrapolation()
        return [c.hazardRate(d - 1) for d in c.dates()[1:]]

    t_ql, h_ql = best_of(quantlib, repeat=5, number=20)
    reprice = max(abs(sc.StandardCDS(TRADE, t, 0.01).price(disc, curve).par_spread - s)
                  for t, s in zip(TENORS, SPREADS, strict=True))
    print(f"8-pillar ISDA credit curve: ours {t_ours * 1e6:8.1f} us, QuantLib "
          f"{t_ql * 1e6:8.1f} us -> ratio {t_ql / t_ours:6.1f}x (goal >= 10x)  max |hazard "
          f"diff| {np.max(np.abs(curve.hazards - h_ql)):.1e}, repricing error {reprice:.1e}")


if __name__ == "__main__":
    cds_batch()
    bootstrap()
