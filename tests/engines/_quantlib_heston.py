"""QuantLib reference prices for Heston European options (test-only helper)."""

from __future__ import annotations

import QuantLib as ql

DAYS = 365  # Actual/365 Fixed: maturities are whole days / 365 so both sides use the same T


def quantlib_heston_price(spot, strike, days, rate, dividend, v0, kappa, theta, sigma, rho,
                          kind="call", engine="lobatto"):
    """Price with ql.AnalyticHestonEngine.

    engine="lobatto": adaptive Gauss-Lobatto, relative tolerance 1e-14, 100000 evaluations
    (Gatheral log form); engine="ap": Andersen-Piterbarg control variate with
    FourierIntegration.gaussLobatto(1e-14, 1e-15, 100000).
    """
    today = ql.Date(2, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, rate, dc))
    dts = ql.YieldTermStructureHandle(ql.FlatForward(today, dividend, dc))
    proc = ql.HestonProcess(rts, dts, ql.QuoteHandle(ql.SimpleQuote(spot)), v0, kappa, theta,
                            sigma, rho)
    model = ql.HestonModel(proc)
    if engine == "lobatto":
        eng = ql.AnalyticHestonEngine(model, 1e-14, 100000)
    else:
        eng = ql.AnalyticHestonEngine(model, ql.AnalyticHestonEngine.AndersenPiterbarg,
                                      ql.FourierIntegration.gaussLobatto(1e-14, 1e-15, 100000),
                                      1e-15)
    opt_type = ql.Option.Call if kind == "call" else ql.Option.Put
    option = ql.VanillaOption(ql.PlainVanillaPayoff(opt_type, strike),
                              ql.EuropeanExercise(today + int(days)))
    option.setPricingEngine(eng)
    return option.NPV()
