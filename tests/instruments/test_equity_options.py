"""sc.european_option: the public entry point, vs QuantLib (BS and Heston) and closed forms."""

import numpy as np
import pytest
import QuantLib as ql

import stochcredit as sc


def _ql_bs(S, K, days, r, q, vol, kind):
    today = ql.Date(2, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    proc = ql.BlackScholesMertonProcess(
        ql.QuoteHandle(ql.SimpleQuote(S)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, q, dc)),
        ql.YieldTermStructureHandle(ql.FlatForward(today, r, dc)),
        ql.BlackVolTermStructureHandle(ql.BlackConstantVol(today, ql.NullCalendar(), vol, dc)))
    opt = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call if kind == "call"
                                                 else ql.Option.Put, K),
                           ql.EuropeanExercise(today + days))
    opt.setPricingEngine(ql.AnalyticEuropeanEngine(proc))
    return opt.NPV()


@pytest.mark.parametrize("kind", ["call", "put"])
@pytest.mark.parametrize("days", [7, 365, 3650])
def test_black_scholes_vs_quantlib(kind, days):
    K = np.array([60.0, 100.0, 170.0])
    ours = sc.european_option(100.0, K, days / 365, 0.03, sc.BlackScholes(0.2), kind=kind,
                              dividend=0.01)
    ref = np.array([_ql_bs(100.0, k, days, 0.03, 0.01, 0.2, kind) for k in K])
    np.testing.assert_allclose(ours, ref, rtol=1e-11, atol=1e-13)


def test_heston_vs_quantlib_default_engine_and_shape():
    """QuantLib's default (Gauss-Laguerre 144) engine: agreement ~1e-9 at a moderate point."""
    today = ql.Date(2, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.03, ql.Actual365Fixed()))
    proc = ql.HestonProcess(rts, rts, ql.QuoteHandle(ql.SimpleQuote(100.0)),
                            0.04, 1.5, 0.04, 0.5, -0.7)
    eng = ql.AnalyticHestonEngine(ql.HestonModel(proc))
    K = np.array([[80.0], [100.0], [125.0]])
    days = np.array([182, 730])
    ours = sc.european_option(100.0, K, days / 365, 0.03, sc.Heston(0.04, 1.5, 0.04, 0.5, -0.7),
                              dividend=0.03)
    assert ours.shape == (3, 2)
    for i in range(3):
        for j in range(2):
            o = ql.VanillaOption(ql.PlainVanillaPayoff(ql.Option.Call, float(K[i, 0])),
                                 ql.EuropeanExercise(today + int(days[j])))
            o.setPricingEngine(eng)
            assert abs(ours[i, j] - o.NPV()) <= 1e-8 * o.NPV()


def test_scalar_in_scalar_out():
    p = sc.european_option(100.0, 100.0, 1.0, 0.0, sc.BlackScholes(0.2))
    assert isinstance(p, float)


def test_bad_kind():
    with pytest.raises(sc.InvalidParameterError, match="kind"):
        sc.european_option(100.0, 100.0, 1.0, 0.0, sc.BlackScholes(0.2), kind="binary")
