"""Heston and multi-factor Heston characteristic functions (H-1) vs QuantLib and exact limits."""

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st

import stochcredit as sc
from stochcredit.dynamics.cir import cir_integrated_laplace

PARAMS = [
    (0.04, 1.5, 0.04, 0.5, -0.7),
    (0.09, 0.5, 0.04, 1.0, -0.5),      # Feller violated
    (0.04, 2.0, 0.06, 2.0, 0.3),       # vol-of-vol 2
    (0.04, 1.0, 0.04, 0.6, 0.999),
    (0.04, 1.0, 0.04, 0.6, -0.999),
]


def _ql_engine(v0, kappa, theta, sigma, rho):
    today = ql.Date(2, 1, 2020)
    ql.Settings.instance().evaluationDate = today
    rts = ql.YieldTermStructureHandle(ql.FlatForward(today, 0.0, ql.Actual365Fixed()))
    proc = ql.HestonProcess(rts, rts, ql.QuoteHandle(ql.SimpleQuote(1.0)), v0, kappa, theta,
                            sigma, rho)
    return ql.AnalyticHestonEngine(ql.HestonModel(proc))


@pytest.mark.parametrize("p", PARAMS)
@pytest.mark.parametrize("t", [7 / 365, 1.0, 30.0])
def test_char_fn_matches_quantlib(p, t):
    """QuantLib's AnalyticHestonEngine.chF uses the same martingale log-return convention."""
    eng = _ql_engine(*p)
    h = sc.Heston(*p)
    for z in [0.3, 1.0, 5.0, 40.0, 2.0 - 0.5j, 7.0 - 1.0j]:
        ref = eng.chF(complex(z), t)
        ours = complex(h.char_fn(z, t))
        assert abs(ours - ref) <= 1e-13 * max(abs(ref), 1e-3), (z, ours, ref)


@pytest.mark.parametrize("p", PARAMS)
def test_martingale(p):
    np.testing.assert_allclose(sc.Heston(*p).char_fn(-1j, [0.01, 1.0, 30.0]), 1.0, atol=1e-14)


def test_sigma_zero_is_black_scholes_with_deterministic_variance():
    v0, kappa, theta, t = 0.09, 2.0, 0.04, np.array([0.02, 1.0, 30.0])
    w = theta * t + (v0 - theta) * (1 - np.exp(-kappa * t)) / kappa
    u = np.array([[0.5], [3.0], [50.0]])
    ref = np.exp(-0.5 * w * (u * u + 1j * u))
    np.testing.assert_allclose(sc.Heston(v0, kappa, theta, 0.0, -0.7).char_fn(u, t), ref,
                               rtol=1e-13)
    tiny = sc.Heston(v0, kappa, theta, 1e-9, -0.7).char_fn(u, t)
    assert np.all(np.isfinite(tiny))
    np.testing.assert_allclose(tiny, ref, rtol=1e-6, atol=1e-300)


def test_zero_correlation_is_variance_laplace():
    """rho = 0: E[e^{iuX}] = E[exp(-(u^2 + iu)/2 int v)] (independent noise)."""
    h = sc.Heston(0.05, 1.2, 0.03, 0.9, 0.0)
    u = np.array([0.3, 2.0, 10.0])
    for t in (0.1, 2.0, 20.0):
        np.testing.assert_allclose(h.char_fn(u, t), h.variance_laplace((u * u + 1j * u) / 2, t),
                                   rtol=1e-12)


def test_variance_laplace_is_cir_regardless_of_rho():
    h = sc.Heston(0.05, 1.2, 0.03, 0.9, -0.8)
    np.testing.assert_allclose(h.variance_laplace([0.1, 1.0], 3.0),
                               cir_integrated_laplace([0.1, 1.0], 3.0, 1.2, 0.03, 0.9, 0.05))


def test_two_factor_is_product_of_one_factor():
    f1 = sc.Heston(0.0581, 1.2017, 0.0524, 0.8968, -0.559)
    f2 = sc.Heston(0.0174, 0.3605, 0.0157, 0.269, -0.1677)
    mf = sc.MultiFactorHeston([f1, f2])
    u = np.array([0.2, 1.0, 4.0, 1.0 - 0.5j])[:, None]
    t = np.array([0.1, 1.0, 10.0])
    np.testing.assert_allclose(mf.char_fn(u, t), f1.char_fn(u, t) * f2.char_fn(u, t), rtol=1e-14)
    np.testing.assert_allclose(mf.variance_laplace(0.7, t),
                               f1.variance_laplace(0.7, t) * f2.variance_laplace(0.7, t))
    np.testing.assert_allclose(mf.mean_integrated_variance(t),
                               f1.mean_integrated_variance(t) + f2.mean_integrated_variance(t))
    assert mf.factors[0].rho == -0.559


def test_array_parameters_broadcast_like_a_loop():
    v0 = np.array([[0.02], [0.05], [0.2]])
    rho = np.array([[-0.9], [0.0], [0.5]])
    h = sc.Heston(v0, 1.5, 0.04, 0.7, rho)
    t = np.array([0.5, 1.0, 5.0, 10.0])
    out = h.char_fn(1.3, t)
    assert out.shape == (3, 4) and h.param_shape == (3, 1)
    for i in range(3):
        np.testing.assert_allclose(out[i], sc.Heston(v0[i, 0], 1.5, 0.04, 0.7, rho[i, 0])
                                   .char_fn(1.3, t), rtol=1e-15)


@pytest.mark.parametrize("kwargs,name", [
    (dict(v0=-0.01), "v0"), (dict(kappa=0.0), "kappa"), (dict(kappa=-1.0), "kappa"),
    (dict(theta=-0.01), "theta"), (dict(sigma=-0.1), "sigma"), (dict(rho=1.01), "rho"),
    (dict(rho=-1.5), "rho"), (dict(v0=np.nan), "v0"), (dict(sigma=np.inf), "sigma"),
    (dict(v0=np.array([0.1, -0.1])), "v0"),
])
def test_bad_parameters_raise(kwargs, name):
    base = dict(v0=0.04, kappa=1.5, theta=0.04, sigma=0.5, rho=-0.7)
    base.update(kwargs)
    with pytest.raises(sc.InvalidParameterError, match=name):
        sc.Heston(**base)


def test_bad_factor_list():
    with pytest.raises(sc.InvalidParameterError):
        sc.MultiFactorHeston([])
    with pytest.raises(sc.InvalidParameterError):
        sc.MultiFactorHeston([sc.Heston(0.04, 1.5, 0.04, 0.5, -0.7), sc.BlackScholes(0.2)])
    with pytest.raises(sc.InvalidParameterError):
        sc.Heston(np.zeros(2), 1.0, np.zeros(3) + 0.1, 0.5, 0.0)


@settings(max_examples=60, deadline=None)
@given(v0=st.floats(0.0, 1.0), kappa=st.floats(0.05, 20.0), theta=st.floats(0.0, 1.0),
       sigma=st.floats(0.0, 2.0), rho=st.floats(-1.0, 1.0), t=st.floats(1e-3, 30.0),
       u=st.floats(-200.0, 200.0))
def test_char_fn_is_a_characteristic_function(v0, kappa, theta, sigma, rho, t, u):
    """|phi(u)| <= 1, phi(-u) = conj(phi(u)), finite, for any admissible parameters."""
    h = sc.Heston(v0, kappa, theta, sigma, rho)
    a, b = complex(h.char_fn(u, t)), complex(h.char_fn(-u, t))
    assert np.isfinite(a) and abs(a) <= 1.0 + 1e-12
    assert abs(a - b.conjugate()) <= 1e-12
