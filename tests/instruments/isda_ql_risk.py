"""QuantLib side of the dated-CDS risk and option tests (isda12c; QuantLib is a test dependency).

The ISDA set-up of QuantLib's test-suite/creditdefaultswap.cpp (testIsdaEngine): discount curve
``PiecewiseLogLinearDiscount`` from deposits and swaps on a weekends-only calendar, credit curve
``PiecewiseFlatHazardRate`` from ``SpreadCdsHelper``/``UpfrontCdsHelper`` priced with the ISDA
model, contracts ``CreditDefaultSwap`` on a CDS2015 schedule priced by ``IsdaCdsEngine``
(Taylor fix, half-day bias, piecewise forwards).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import QuantLib as ql

CAL = ql.WeekendsOnly()


def qd(d: dt.date) -> ql.Date:
    return ql.Date(d.day, d.month, d.year)


def pd_(d: ql.Date) -> dt.date:
    return dt.date(d.year(), d.month(), d.dayOfMonth())


@dataclass
class QLMarket:
    """Quotes as ``SimpleQuote``s so that bumps re-bootstrap QuantLib's curves."""

    trade: dt.date
    deposits: dict
    swaps: dict
    tenors: list
    quotes: list
    recovery: float
    quote_type: str = "spread"
    coupon: float = 0.01
    curve: object = None  # our IsdaDiscountCurve, for weekend trade dates (see below)

    def __post_init__(self) -> None:
        ql.IborCoupon.createAtParCoupons()
        ql.Settings.instance().evaluationDate = qd(self.trade)
        if self.curve is not None:
            # QuantLib's rate helpers ask for a past fixing on a weekend trade date: take the
            # discount factors at our curve's pillars (tests/market/test_isda_discount.py shows
            # QuantLib's own bootstrap reproduces them) in a log-linear DiscountCurve
            days = [0] + [round(t * 365) for t in self.curve.times]
            self.discount = ql.DiscountCurve([qd(self.trade) + d for d in days],
                                             [1.0] + list(self.curve.discount(self.curve.times)),
                                             ql.Actual365Fixed())
            self.discount.enableExtrapolation()
            self.dh = ql.YieldTermStructureHandle(self.discount)
            self.rate_quotes = {}
            self.credit_quotes = [ql.SimpleQuote(v) for v in self.quotes]
            self.build_credit(self.recovery)
            return
        self.rate_quotes = {("deposit", k): ql.SimpleQuote(v) for k, v in self.deposits.items()}
        self.rate_quotes.update({("swap", k): ql.SimpleQuote(v) for k, v in self.swaps.items()})
        helpers = [ql.DepositRateHelper(ql.QuoteHandle(self.rate_quotes["deposit", t]),
                                        ql.Period(t), 2, CAL, ql.ModifiedFollowing, False,
                                        ql.Actual360()) for t in self.deposits]
        index = ql.IborIndex("IsdaIbor", ql.Period("3M"), 2, ql.USDCurrency(), CAL,
                             ql.ModifiedFollowing, False, ql.Actual360())
        helpers += [ql.SwapRateHelper(ql.QuoteHandle(self.rate_quotes["swap", t]),
                                      ql.Period(t), CAL, ql.Semiannual, ql.ModifiedFollowing,
                                      ql.Thirty360(ql.Thirty360.BondBasis), index)
                    for t in self.swaps]
        self.discount = ql.PiecewiseLogLinearDiscount(qd(self.trade), helpers,
                                                      ql.Actual365Fixed(),
                                                      ql.IterativeBootstrap(1e-15))
        self.discount.enableExtrapolation()
        self.dh = ql.YieldTermStructureHandle(self.discount)
        self.credit_quotes = [ql.SimpleQuote(v) for v in self.quotes]
        self.build_credit(self.recovery)

    def build_credit(self, recovery: float) -> None:
        common = (0, CAL, ql.Quarterly, ql.Following, ql.DateGeneration.CDS2015, ql.Actual360(),
                  recovery, self.dh, True, True, ql.Date(), ql.Actual360(True), True,
                  ql.CreditDefaultSwap.ISDA)
        if self.quote_type == "spread":
            helpers = [ql.SpreadCdsHelper(ql.QuoteHandle(q), ql.Period(t), *common)
                       for q, t in zip(self.credit_quotes, self.tenors, strict=True)]
        else:
            helpers = [ql.UpfrontCdsHelper(ql.QuoteHandle(q), self.coupon, ql.Period(t),
                                           *common[:8], 3, True, True, ql.Date(),
                                           ql.Actual360(True), True, ql.CreditDefaultSwap.ISDA)
                       for q, t in zip(self.credit_quotes, self.tenors, strict=True)]
        self.credit_helpers = helpers
        self.credit = ql.PiecewiseFlatHazardRate(qd(self.trade), helpers, ql.Actual365Fixed(),
                                                 ql.IterativeBootstrap(1e-15))
        self.credit.enableExtrapolation()
        self.ch = ql.DefaultProbabilityTermStructureHandle(self.credit)
        self.rec = recovery

    def engine(self, recovery: float | None = None) -> ql.IsdaCdsEngine:
        return ql.IsdaCdsEngine(self.ch, self.rec if recovery is None else recovery, self.dh,
                                False, ql.IsdaCdsEngine.Taylor, ql.IsdaCdsEngine.HalfDayBias,
                                ql.IsdaCdsEngine.Piecewise)

    def hazards(self) -> list[float]:
        return [h for _, h in self.credit.nodes()][1:]


def ql_cds(trade: dt.date, maturity: dt.date, coupon: float, notional: float = 1.0,
           side: str = "buy", upfront: float | None = None) -> ql.CreditDefaultSwap:
    """The standard contract: CDS2015 schedule from the trade date, step-in T+1, T+3 settle."""
    sched = ql.MakeSchedule(effectiveDate=qd(trade), terminationDate=qd(maturity),
                            tenor=ql.Period("3M"), calendar=CAL, convention=ql.Following,
                            terminalDateConvention=ql.Unadjusted,
                            rule=ql.DateGeneration.CDS2015)
    s = ql.Protection.Buyer if side == "buy" else ql.Protection.Seller
    if upfront is not None:
        return ql.CreditDefaultSwap(s, notional, upfront, coupon, sched, ql.Following,
                                    ql.Actual360(), True, True, qd(trade), ql.Date(),
                                    ql.FaceValueClaim(), ql.Actual360(True), True, qd(trade), 3)
    return ql.CreditDefaultSwap(s, notional, coupon, sched, ql.Following, ql.Actual360(), True,
                                True, qd(trade), ql.FaceValueClaim(), ql.Actual360(True), True,
                                qd(trade), 3)


@dataclass(frozen=True)
class QLDefinedCDS:
    """A dated contract whose dates come from QuantLib's ``CreditDefaultSwap`` (the StandardCDS
    attributes the risk code reads: trade date, schedule, step-in, cash settlement, ...)."""

    trade_date: dt.date
    maturity: dt.date
    coupon: float
    recovery: float = 0.4
    notional: float = 1.0
    side: str = "buy"

    def _ql(self) -> ql.CreditDefaultSwap:
        return ql_cds(self.trade_date, self.maturity, self.coupon, self.notional, self.side)

    @property
    def maturity_date(self) -> dt.date:
        return self.maturity

    @property
    def step_in_date(self) -> dt.date:
        return self.trade_date + dt.timedelta(days=1)

    @property
    def cash_settlement_date(self) -> dt.date:
        return pd_(self._ql().accrualRebate().date())

    def schedule(self) -> pd.DataFrame:
        rows = []
        for cf in self._ql().coupons():
            c = ql.as_fixed_rate_coupon(cf)
            rows.append({"accrual_start": pd_(c.accrualStartDate()),
                         "accrual_end": pd_(c.accrualEndDate()), "payment_date": pd_(c.date()),
                         "accrual_fraction": c.accrualPeriod()})
        return pd.DataFrame(rows)
