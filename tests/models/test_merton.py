"""Merton structural model (H-3) under Black-Scholes, Heston and two-factor Heston."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import stochcredit as sc
from stochcredit.core.protocols import SurvivalCurve
from stochcredit.models.merton import merton_credit_spreads

SPEC_I = sc.MultiFactorHeston([sc.Heston(0.0581, 1.2017, 0.0524, 0.8968, -0.559),
                               sc.Heston(0.0174, 0.3605, 0.0157, 0.269, -0.1677)])


def _merton_1974(S, B, r, vol, T):
    """Closed-form Merton (1974): D = S N(-d1) + B e^{-rT} N(d2)."""
    d1 = (np.log(S / B) + (r + 0.5 * vol**2) * T) / (vol * np.sqrt(T))
    d2 = d1 - vol * np.sqrt(T)
    debt = S * norm.cdf(-d1) + B * np.exp(-r * T) * norm.cdf(d2)
    # spread from the put (D = B e^{-rT} - P) so that sub-bp spreads are not lost to cancellation
    put = B * np.exp(-r * T) * norm.cdf(-d2) - S * norm.cdf(-d1)
    return debt, -np.log1p(-put * np.exp(r * T) / B) / T, norm.cdf(-d2)


@pytest.mark.parametrize("B,vol", [(0.43, 0.3), (0.8, 0.25), (0.16, 0.6667), (0.36, 0.5489)])
def test_black_scholes_is_merton_1974(B, vol):
    T = np.array([0.1, 0.5, 1.0, 5.0, 10.0, 30.0])
    m = sc.Merton(1.0, B, 0.0025, sc.BlackScholes(vol))
    debt, spread, pd_ = _merton_1974(1.0, B, 0.0025, vol, T)
    np.testing.assert_allclose(m.debt_value(T), debt, rtol=1e-13)
    # relative accuracy also for spreads of a fraction of a bp (short maturities)
    np.testing.assert_allclose(m.credit_spread(T), spread, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(m.default_probability(T), pd_, rtol=1e-9, atol=1e-16)
    np.testing.assert_allclose(m.survival(T), 1.0 - pd_, rtol=1e-12)


def test_debt_value_is_asset_minus_equity():
    m = sc.Merton(1.0, 0.48, 0.05, SPEC_I)
    T = np.array([0.5, 2.0, 10.0])
    np.testing.assert_allclose(m.debt_value(T), 1.0 - m.equity_value(T), atol=1e-14)
    np.testing.assert_allclose(m.credit_spread(T),
                               -np.log(m.debt_value(T) / 0.48) / T - 0.05, rtol=1e-9)


def test_survival_curve_protocol_and_cds():
    m = sc.Merton(1.0, 0.58, 0.05, SPEC_I)
    assert isinstance(m, SurvivalCurve)
    t = np.linspace(0.0, 10.0, 41)
    q = m.survival(t)
    assert q[0] == 1.0 and np.all(np.diff(q) <= 1e-15) and np.all((q >= 0) & (q <= 1))
    np.testing.assert_allclose(m.default_probability(t), 1.0 - q, atol=1e-14)
    spread = sc.CDS(5.0, recovery=0.4).par_spread(sc.FlatCurve(0.05), m)
    assert 0.0 < spread < 0.1


def test_vectorised_spreads_equal_loop():
    rng = np.random.default_rng(3)
    P = 5
    f = lambda lo, hi: rng.uniform(lo, hi, (P, 1))  # noqa: E731
    a = [f(0.01, 0.3), f(0.3, 10.0), f(0.01, 0.3), f(0.05, 1.5), f(-0.99, 0.99)]
    b = [f(0.01, 0.3), f(0.3, 10.0), f(0.01, 0.3), f(0.05, 1.5), f(-0.99, 0.99)]
    dyn = sc.MultiFactorHeston([sc.Heston(*a), sc.Heston(*b)])
    T = np.arange(1.0, 12.0)
    cs = merton_credit_spreads(T, 1.0, 0.36, 0.0025, dyn)
    assert cs.shape == (P, 11)
    for i in range(P):
        one = sc.MultiFactorHeston([sc.Heston(*(x[i, 0] for x in a)),
                                    sc.Heston(*(x[i, 0] for x in b))])
        np.testing.assert_allclose(cs[i], sc.Merton(1.0, 0.36, 0.0025, one).credit_spread(T),
                                   rtol=1e-8, atol=1e-13)


def test_heston_spreads_exceed_black_scholes_at_short_maturities():
    """Seed 002, §3: stochastic volatility lifts short-dated spreads above Merton-BS with the
    same initial variance (BS short spreads vanish)."""
    T = np.array([0.25, 0.5])
    bs = sc.Merton(1.0, 0.43, 0.05, sc.BlackScholes(np.sqrt(0.0581 + 0.0174))).credit_spread(T)
    sv = sc.Merton(1.0, 0.43, 0.05, SPEC_I).credit_spread(T)
    assert np.all(sv > bs)


@pytest.mark.parametrize("kwargs,name", [
    (dict(asset=0.0), "asset"), (dict(debt=-1.0), "debt"), (dict(rate=np.inf), "rate"),
    (dict(dynamics="bs"), "dynamics"),
])
def test_bad_parameters(kwargs, name):
    args = dict(asset=1.0, debt=0.5, rate=0.01, dynamics=sc.BlackScholes(0.2))
    args.update(kwargs)
    with pytest.raises(sc.InvalidParameterError, match=name):
        sc.Merton(**args)


def test_spread_needs_positive_maturity():
    with pytest.raises(sc.InvalidParameterError, match="maturities"):
        sc.Merton(1.0, 0.5, 0.01, sc.BlackScholes(0.2)).credit_spread(0.0)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1.0), st.floats(0.05, 20.0), st.floats(0.0, 0.5),
                          st.floats(0.0, 2.0), st.floats(-1.0, 1.0)), min_size=2, max_size=2),
       st.floats(0.05, 0.9))
def test_spreads_agree_across_fourier_representations(factors, leverage):
    """Compiled Lewis, numpy Lewis and the seed's Gil-Pelaez form agree for any valid 2F model;
    spreads are finite, non-negative, and survival is in [0, 1]."""
    dyn = sc.MultiFactorHeston([sc.Heston(*f) for f in factors])
    T = np.array([0.25, 1.0, 5.0, 30.0])
    a = merton_credit_spreads(T, 1.0, leverage, 0.01, dyn)
    b = merton_credit_spreads(T, 1.0, leverage, 0.01, dyn, method="lewis_numpy")
    assert np.all(np.isfinite(a)) and np.all(a >= 0)
    np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)   # 1e-6 bp
    try:
        c = merton_credit_spreads(T, 1.0, leverage, 0.01, dyn, method="gil_pelaez", n_nodes=128)
    except sc.InvalidParameterError as exc:  # near-zero variance: GP refuses, never guesses
        assert "gil_pelaez" in str(exc)
    else:
        # compare spread x T; GP has no control variate and converges slowly when the total
        # variance is large (1e-6 relative with 128 nodes at w = 15, 1e-11 with 512)
        np.testing.assert_allclose(a * T, c * T, rtol=3e-5, atol=1e-8)
    q = sc.Merton(1.0, leverage, 0.01, dyn).survival(T)
    assert np.all((q >= 0) & (q <= 1))
