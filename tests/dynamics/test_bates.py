"""Bates (Heston + lognormal jumps): QuantLib BatesEngine, the lambda = 0 limit, bad input."""

from __future__ import annotations

import numpy as np
import pytest

import stochcredit as sc

pytestmark = pytest.mark.filterwarnings("error")

S, R, Q = 100.0, 0.03, 0.01
PARAMS = [(0.04, 1.5, 0.05, 0.6, -0.6, 0.3, -0.12, 0.18),
          (0.09, 0.8, 0.06, 1.0, -0.9, 1.0, 0.05, 0.3),
          (0.02, 3.0, 0.03, 0.3, 0.2, 0.1, -0.3, 0.05)]


@pytest.mark.parametrize("p", PARAMS)
def test_vs_quantlib_bates_engine(p):
    ql = pytest.importorskip("QuantLib")
    today = ql.Date(2, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, R, dc))
    dts = ql.YieldTermStructureHandle(ql.FlatForward(today, Q, dc))
    proc = ql.BatesProcess(rts, dts, ql.QuoteHandle(ql.SimpleQuote(S)), *p)
    engine = ql.BatesEngine(ql.BatesModel(proc), 1e-14, 100000)
    days = np.array([37, 182, 365, 730, 1826, 3650])
    strikes = np.linspace(50.0, 150.0, 11)
    ref = np.empty((days.size, strikes.size))
    for i, d in enumerate(days):
        for j, k in enumerate(strikes):
            kind = ql.Option.Call if k >= S else ql.Option.Put   # OTM side: the hard one
            opt = ql.VanillaOption(ql.PlainVanillaPayoff(kind, float(k)),
                                   ql.EuropeanExercise(today + int(d)))
            opt.setPricingEngine(engine)
            ref[i, j] = opt.NPV()
    b = sc.Bates(*p)
    t = days[:, None] / 365.0
    call = sc.european_option(S, strikes, t, R, b, dividend=Q)
    put = sc.european_option(S, strikes, t, R, b, kind="put", dividend=Q)
    got = np.where(strikes >= S, call, put)
    np.testing.assert_allclose(got, ref, rtol=1e-8, atol=1e-12 * S)


def test_zero_intensity_is_heston_exactly():
    h = sc.Heston(0.04, 1.5, 0.05, 0.6, -0.6)
    b = sc.Bates(0.04, 1.5, 0.05, 0.6, -0.6, 0.0, -0.2, 0.3)
    u = np.array([0.3 - 0.5j, 4.0, 20.0 - 0.2j])
    assert np.array_equal(b.char_fn(u, 2.0), h.char_fn(u, 2.0))
    k, t = np.linspace(60, 140, 9), np.array([[0.25], [3.0]])
    a = sc.european_option(S, k, t, R, b, method="lewis_numpy")
    assert np.array_equal(a, sc.european_option(S, k, t, R, h, method="lewis_numpy"))
    np.testing.assert_allclose(a, sc.european_option(S, k, t, R, h), rtol=1e-12, atol=1e-12)


def test_martingale_and_merton_short_end():
    b = sc.Bates(0.04, 1.5, 0.05, 0.6, -0.6, 0.5, -0.4, 0.2)
    np.testing.assert_allclose(b.char_fn(-1j, [0.1, 1.0, 10.0]), 1.0, atol=1e-14)
    t = np.array([0.05, 0.1, 0.25])
    jumpy = sc.Merton(1.0, 0.5, 0.02, b).credit_spread(t)
    pure = sc.Merton(1.0, 0.5, 0.02, b.heston).credit_spread(t)
    assert np.all(jumpy > 10 * pure)      # jumps give finite short-end spreads
    # short-end limit: CS(T -> 0) -> lambda E[(B - S e^Y)^+] / B, Y ~ N(mu_J, delta^2) (one jump
    # through the debt; the diffusion's contribution vanishes faster than T)
    from scipy.stats import norm
    d1 = (np.log(1.0 / 0.5) - 0.4 + 0.2**2) / 0.2
    loss = 0.5 * norm.cdf(-(d1 - 0.2)) - np.exp(-0.4 + 0.02) * norm.cdf(-d1)
    limit = 0.5 * loss / 0.5
    assert sc.Merton(1.0, 0.5, 0.0, b).credit_spread(1e-4) == pytest.approx(limit, rel=1e-2)


@pytest.mark.parametrize(("kw", "name"), [({"jump_intensity": -0.1}, "jump_intensity"),
                                          ({"jump_vol": -0.2}, "jump_vol"),
                                          ({"jump_mean": np.nan}, "jump_mean"),
                                          ({"jump_mean": 1j}, "jump_mean"),
                                          ({"rho": 1.5}, "rho")])
def test_bad_parameters_refused(kw, name):
    p = dict(v0=0.04, kappa=1.5, theta=0.05, sigma=0.6, rho=-0.6, jump_intensity=0.3,
             jump_mean=-0.1, jump_vol=0.2)
    p.update(kw)
    with pytest.raises(sc.InvalidParameterError, match=name):
        sc.Bates(**p)
