"""Dated CDS options (``StandardCDSOption``) against QuantLib's ``BlackCdsOptionEngine``.

1. QuantLib's own cached value (test-suite/cdsoption.cpp, testCached: 270.976348 on 1mm) with its
   set-up reproduced: QuantLib's underlying forward spread and annuity into ``cds_option_price``.
2. A dated option on an ISDA standard CDS, expiry the day before a coupon date (no accrual
   rebate): ``CdsOption`` on a ``CreditDefaultSwap`` priced by ``IsdaCdsEngine``, the same
   curves: payer, receiver, non-knock-out payer, to 1e-10 of notional.
3. Any expiry: the forward annuity and spread from QuantLib's legs with the rebate counted only
   if the name survives to expiry (see the module docstring), then every seed-001 model.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.instruments.standard_cds_option import StandardCDSOption

ql = pytest.importorskip("QuantLib")
from isda_ql_risk import QLMarket, qd  # noqa: E402

TRADE = dt.date(2014, 10, 16)
TENORS = ["6M", "1Y", "2Y", "3Y", "4Y", "5Y", "7Y", "10Y"]
SPREADS = [0.0030, 0.0035, 0.0050, 0.0065, 0.0080, 0.0095, 0.0110, 0.0125]
MATURITY = dt.date(2019, 12, 20)
N = 1e7


@pytest.fixture(autouse=True)
def _reset():
    yield
    ql.Settings.instance().evaluationDate = ql.Date()


@pytest.fixture(scope="module")
def market():
    rates = sc.load_isda_rates("2014-10-16")
    mk = QLMarket(TRADE, rates["deposits"], rates["swaps"], TENORS, SPREADS, 0.4)
    disc = sc.isda_discount_curve(TRADE, rates["deposits"], rates["swaps"])
    nodes = mk.credit.nodes()
    credit = sc.HazardCurve([(d - qd(TRADE)) / 365.0 for d, _ in nodes[1:]],
                            [h for _, h in nodes[1:]])
    return mk, disc, credit


def test_quantlib_cached_value_testcached(agreement):
    """cdsoption.cpp testCached: MidPointCdsEngine underlying, TARGET, 1mm, vol 20 %."""
    today = ql.Date(10, 12, 2007)
    ql.Settings.instance().evaluationDate = today
    cal = ql.TARGET()
    risk_free = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.02, ql.Actual360()))
    expiry = cal.advance(today, 9, ql.Months)
    start = cal.advance(expiry, 1, ql.Months)
    maturity = cal.advance(start, 7, ql.Years)
    conv = ql.ModifiedFollowing
    hazard = ql.DefaultProbabilityTermStructureHandle(
        ql.FlatHazardRate(0, cal, ql.QuoteHandle(ql.SimpleQuote(0.001)), ql.Actual360()))
    sched = ql.Schedule(start, maturity, ql.Period(ql.Quarterly), cal, conv, conv,
                        ql.DateGeneration.Forward, False)
    engine = ql.MidPointCdsEngine(hazard, 0.4, risk_free)
    probe = ql.CreditDefaultSwap(ql.Protection.Seller, 1e6, 0.001, sched, conv, ql.Actual360())
    probe.setPricingEngine(engine)
    strike = probe.fairSpread()
    for side, kind in ((ql.Protection.Seller, "receiver"), (ql.Protection.Buyer, "payer")):
        und = ql.CreditDefaultSwap(side, 1e6, strike, sched, conv, ql.Actual360())
        und.setPricingEngine(engine)
        opt = ql.CdsOption(und, ql.EuropeanExercise(expiry))
        opt.setPricingEngine(ql.BlackCdsOptionEngine(hazard, 0.4, risk_free,
                                                     ql.QuoteHandle(ql.SimpleQuote(0.20))))
        assert opt.NPV() == pytest.approx(270.976348, abs=1e-5)  # the set-up is QuantLib's
        annuity = abs(und.couponLegNPV() / strike)
        t = ql.Actual360().yearFraction(today, expiry)
        ours = sc.cds_option_price(und.fairSpread(), strike, t, annuity, 0.20, kind=kind)
        agreement("Black CDS option premium (QuantLib's forward and annuity)",
                  "QuantLib cdsoption.cpp testCached 270.976348", abs(ours - 270.976348), 1e-5,
                  unit="absolute (1mm notional)")


def ql_option(mk: QLMarket, expiry: dt.date, strike: float, kind: str, knockout: bool,
              vol: float):
    ql.Settings.instance().evaluationDate = qd(TRADE)
    side = ql.Protection.Buyer if kind == "payer" else ql.Protection.Seller
    sched = ql.MakeSchedule(effectiveDate=qd(expiry), terminationDate=qd(MATURITY),
                            tenor=ql.Period("3M"), calendar=ql.WeekendsOnly(),
                            convention=ql.Following, terminalDateConvention=ql.Unadjusted,
                            rule=ql.DateGeneration.CDS2015)
    # struck on the expiry date: protection from its step-in (expiry + 1), T+3 settlement
    und = ql.CreditDefaultSwap(side, N, strike, sched, ql.Following, ql.Actual360(), True, True,
                               qd(expiry) + 1, ql.FaceValueClaim(), ql.Actual360(True), True,
                               qd(expiry), 3)
    und.setPricingEngine(mk.engine())
    opt = ql.CdsOption(und, ql.EuropeanExercise(qd(expiry)), knockout)
    opt.setPricingEngine(ql.BlackCdsOptionEngine(mk.ch, 0.4, mk.dh,
                                                 ql.QuoteHandle(ql.SimpleQuote(vol))))
    return opt, und


@pytest.mark.parametrize(("kind", "knockout"), [("payer", True), ("receiver", True),
                                                ("payer", False)])
@pytest.mark.parametrize("strike", [0.0070, 0.0095, 0.0140])
def test_black_matches_quantlib_black_cds_option_engine(market, kind, knockout, strike,
                                                       agreement):
    mk, disc, credit = market
    expiry = dt.date(2015, 3, 19)  # the day before the 20 Mar 2015 coupon date: no rebate
    opt = StandardCDSOption(sc.StandardCDS(TRADE, MATURITY, 0.01, notional=N), expiry, strike,
                            kind=kind, knockout=knockout)
    ref, und = ql_option(mk, expiry, strike, kind, knockout, 0.4)
    fwd, ann = opt.forward(disc, credit)
    assert und.accrualRebateNPV() == 0.0
    assert fwd == pytest.approx(und.fairSpread(), rel=1e-12)
    assert N * ann == pytest.approx(ref.riskyAnnuity(), rel=1e-12)
    agreement("dated CDS option premium, Black (StandardCDSOption)",
              "QuantLib BlackCdsOptionEngine on an IsdaCdsEngine underlying",
              abs(opt.price(disc, credit, 0.4) - ref.NPV()) / N, 1e-10, unit="of notional")
    if not knockout:
        assert opt.front_end_protection(disc, credit) > 1e3  # the test sees the FEP


@pytest.mark.parametrize("model,vol", [("black", 0.45), ("bachelier", 0.004), ("gamma", 0.004),
                                       ("inverse_gaussian", 0.004),
                                       ("gamma_exponential", 0.02)])
def test_any_expiry_forward_from_quantlib_legs_and_every_model(market, model, vol):
    mk, disc, credit = market
    expiry = dt.date(2015, 5, 7)  # inside a coupon period: the holder gets a rebate
    strike = 0.0100
    opt = StandardCDSOption(sc.StandardCDS(TRADE, MATURITY, 0.01, notional=N), expiry, strike,
                            knockout=False)
    _, und = ql_option(mk, expiry, strike, "payer", False, 0.4)
    rebate = abs(und.accrualRebateNPV())
    assert rebate > 0
    q_e = mk.credit.survivalProbability(qd(expiry))
    ann = (abs(und.couponLegNPV()) - rebate * q_e) / (strike * N)
    fwd = abs(und.defaultLegNPV()) / (N * ann)
    np.testing.assert_allclose(opt.forward(disc, credit), (fwd, ann), rtol=1e-12)
    t = (expiry - TRADE).days / 365.0
    fep = N * 0.6 * mk.discount.discount(qd(expiry)) * (1 - q_e)
    ref = N * sc.cds_option_price(fwd, strike, t, ann, vol, model=model) + fep
    assert opt.price(disc, credit, vol, model=model) == pytest.approx(ref, rel=1e-12)


def test_parity_and_frame(market):
    mk, disc, credit = market
    cds = sc.StandardCDS(TRADE, MATURITY, 0.01, notional=N)
    payer = StandardCDSOption(cds, "2015-06-15", 0.0090)
    receiver = StandardCDSOption(cds, "2015-06-15", 0.0090, kind="receiver")
    fwd, ann = payer.forward(disc, credit)
    for model, vol in (("black", 0.5), ("bachelier", 0.004)):
        diff = payer.price(disc, credit, vol, model) - receiver.price(disc, credit, vol, model)
        assert diff == pytest.approx(N * ann * (fwd - 0.0090), rel=1e-12)
    frame = payer.to_frame(disc, credit, [0.3, 0.5])
    assert list(frame["premium"]) == pytest.approx([payer.price(disc, credit, 0.3),
                                                    payer.price(disc, credit, 0.5)])
    assert (frame["forward"] == fwd).all()


def test_flat_curves_match_quantlib_flat_hazard(market):
    mk, disc, _ = market
    h = 0.02
    credit = sc.FlatHazardCurve(h)
    mk.ch = ql.DefaultProbabilityTermStructureHandle(
        ql.FlatHazardRate(qd(TRADE), ql.QuoteHandle(ql.SimpleQuote(h)), ql.Actual365Fixed()))
    try:
        ref, _ = ql_option(mk, dt.date(2015, 3, 19), 0.012, "payer", True, 0.3)
        opt = StandardCDSOption(sc.StandardCDS(TRADE, MATURITY, 0.01, notional=N), "2015-03-19",
                                0.012)
        assert opt.price(disc, credit, 0.3) == pytest.approx(ref.NPV(), rel=0, abs=1e-10 * N)
    finally:
        mk.ch = ql.DefaultProbabilityTermStructureHandle(mk.credit)


def test_bad_input_names_the_parameter(market):
    _, disc, _ = market
    cds = sc.StandardCDS(TRADE, MATURITY, 0.01)
    for expiry in ("2014-10-16", "2019-12-20", "2020-01-10"):
        with pytest.raises(sc.InvalidParameterError, match="expiry"):
            StandardCDSOption(cds, expiry, 0.01)
    with pytest.raises(sc.InvalidParameterError, match="kind"):
        StandardCDSOption(cds, "2015-03-19", 0.01, kind="call")
    with pytest.raises(sc.InvalidParameterError, match="strike"):
        StandardCDSOption(cds, "2015-03-19", float("nan"))
    opt = StandardCDSOption(cds, "2015-03-19", 0.01)

    class NotFlat:
        def survival(self, t):
            return np.exp(-0.01 * np.asarray(t))

    with pytest.raises(sc.InvalidParameterError, match="credit"):
        opt.price(disc, NotFlat(), 0.3)
