"""``CDSOption`` priced from curves: against QuantLib's CdsOption + BlackCdsOptionEngine, and the
knock-out / front-end-protection limits."""

import numpy as np
import pytest

import stochcredit as sc

DISC = sc.FlatCurve(0.03)


def _quantlib_price(ql, hazard, strike, vol=0.4, knockout=True):
    """QuantLib knock-out Black CDS option: 3Y expiry (1095 days, Act/365F) into a 2Y CDS."""
    today = ql.Date(15, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    yts = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.03, dc, ql.Continuous))
    dts = ql.DefaultProbabilityTermStructureHandle(
        ql.FlatHazardRate(today, ql.QuoteHandle(ql.SimpleQuote(hazard)), dc))
    expiry = today + 1095
    sched = ql.Schedule(expiry, expiry + 730, ql.Period(ql.Quarterly), ql.NullCalendar(),
                        ql.Unadjusted, ql.Unadjusted, ql.DateGeneration.Backward, False)
    cds = ql.CreditDefaultSwap(ql.Protection.Buyer, 1.0, strike, sched, ql.Unadjusted, dc)
    cds.setPricingEngine(ql.MidPointCdsEngine(dts, 0.4, yts))
    option = ql.CdsOption(cds, ql.EuropeanExercise(expiry), knockout)
    option.setPricingEngine(ql.BlackCdsOptionEngine(dts, 0.4, yts,
                                                    ql.QuoteHandle(ql.SimpleQuote(vol))))
    return option.NPV()


@pytest.mark.parametrize("hazard", [0.01, 0.03, 0.1])
@pytest.mark.parametrize("strike", [0.006, 0.016])
@pytest.mark.parametrize("knockout", [True, False])
def test_price_from_curves_matches_quantlib(hazard, strike, knockout):
    """Our exact leg integrals vs QuantLib's mid-point CDS engine on dated quarterly periods
    (91-92 day accruals vs 1/4): forward and annuity differ by ~1e-5 relative, prices by < 1e-4."""
    ql = pytest.importorskip("QuantLib")
    opt = sc.CDSOption(expiry=3.0, maturity=5.0, strike=strike, knockout=knockout)
    ours = opt.price(DISC, sc.FlatHazardCurve(hazard), vol=0.4)
    assert ours == pytest.approx(_quantlib_price(ql, hazard, strike, knockout=knockout), rel=2e-4)


def test_price_is_model_price_at_curve_forward_and_annuity():
    credit = sc.FlatHazardCurve(0.02)
    opt = sc.CDSOption.on_tenor(expiry=[1.0, 3.0], tenor=2.0, strike=0.012, kind="receiver")
    fwd, ann = sc.forward_cds([1.0, 3.0], [3.0, 5.0], DISC, credit)
    for model, vol in (("black", 0.5), ("gamma", 0.004), ("gamma_exponential", 0.02)):
        np.testing.assert_allclose(
            opt.price(DISC, credit, vol, model=model),
            sc.cds_option_price(fwd, 0.012, [1.0, 3.0], ann, vol, model=model, kind="receiver"),
            rtol=1e-14)


def test_knockout_option_vanishes_and_non_knockout_payer_tends_to_front_end_protection():
    credit = sc.FlatHazardCurve(8.0)  # default before expiry almost sure
    ko = sc.CDSOption(2.0, 4.0, 0.01)
    nko = sc.CDSOption(2.0, 4.0, 0.01, knockout=False)
    assert ko.price(DISC, credit, 0.5) < 1e-6
    limit = 0.6 * np.exp(-0.03 * 2.0)  # (1 - R) P(0, Te) with Q(Te) ~ 0
    assert nko.price(DISC, credit, 0.5) == pytest.approx(limit, rel=1e-6)


def test_front_end_protection_formula_and_receivers_ignore_it():
    credit = sc.FlatHazardCurve(0.05)
    nko = sc.CDSOption(2.0, 7.0, 0.02, knockout=False, recovery=0.25)
    expected = 0.75 * np.exp(-0.06) * (1 - np.exp(-0.1))
    assert nko.front_end_protection(DISC, credit) == pytest.approx(expected, rel=1e-14)
    rec = sc.CDSOption(2.0, 7.0, 0.02, kind="receiver", knockout=False)
    assert rec.front_end_protection(DISC, credit) == 0.0
    assert rec.price(DISC, credit, 0.4) == sc.CDSOption(2.0, 7.0, 0.02, kind="receiver").price(
        DISC, credit, 0.4)


def test_implied_vol_round_trip_with_front_end_protection():
    credit = sc.FlatHazardCurve(0.03)
    opt = sc.CDSOption(1.5, 6.5, [0.012, 0.018, 0.025], knockout=False)
    price = opt.price(DISC, credit, vol=[0.3, 0.5, 0.7])
    np.testing.assert_allclose(opt.implied_vol(price, DISC, credit), [0.3, 0.5, 0.7], rtol=1e-9)


def test_greeks_are_the_model_greeks_at_the_forward():
    credit = sc.FlatHazardCurve(0.02)
    opt = sc.CDSOption(3.0, 5.0, 0.013)
    fwd, ann = opt.forward(DISC, credit)
    g = opt.greeks(DISC, credit, 0.35)
    assert g["delta"] == pytest.approx(sc.cds_option_greeks(fwd, 0.013, 3.0, ann, 0.35)["delta"])


@pytest.mark.parametrize("kwargs,name", [
    (dict(expiry=3.0, maturity=2.0, strike=0.01), "maturity"),
    (dict(expiry=0.0, maturity=2.0, strike=0.01), "expiry"),
    (dict(expiry=1.0, maturity=2.0, strike=np.nan), "strike"),
    (dict(expiry=1.0, maturity=2.0, strike=0.01, kind="call"), "kind"),
    (dict(expiry=1.0, maturity=2.0, strike=0.01, recovery=1.0), "recovery"),
])
def test_invalid_construction_raises(kwargs, name):
    with pytest.raises(sc.InvalidParameterError, match=name):
        sc.CDSOption(**kwargs)


def test_to_frame_one_row_per_option():
    credit = sc.FlatHazardCurve(0.02)
    opt = sc.CDSOption(2.0, 5.0, [0.01, 0.012, 0.015])
    frame = opt.to_frame(DISC, credit, 0.45, greeks=True)
    assert len(frame) == 3
    np.testing.assert_allclose(frame["premium"], opt.price(DISC, credit, 0.45), rtol=1e-15)
    assert {"forward", "annuity", "delta", "vega", "gamma", "theta"} <= set(frame.columns)
