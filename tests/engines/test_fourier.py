"""Fourier engine: exact limits, parity, probabilities, invariants (hypothesis), validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

import stochcredit as sc
from stochcredit.engines.fourier import exercise_probability, option_price


def _bs(S, K, T, r, q, vol, kind="call"):
    d1 = (np.log(S / K) + (r - q + 0.5 * vol**2) * T) / (vol * np.sqrt(T))
    d2 = d1 - vol * np.sqrt(T)
    if kind == "call":
        return S * np.exp(-q * T) * norm.cdf(d1) - K * np.exp(-r * T) * norm.cdf(d2)
    return K * np.exp(-r * T) * norm.cdf(-d2) - S * np.exp(-q * T) * norm.cdf(-d1)


HESTON = sc.Heston(0.04, 1.5, 0.04, 0.5, -0.7)
SPEC_I = sc.MultiFactorHeston([sc.Heston(0.0581, 1.2017, 0.0524, 0.8968, -0.559),
                               sc.Heston(0.0174, 0.3605, 0.0157, 0.269, -0.1677)])


@pytest.mark.parametrize("method", ["lewis", "gil_pelaez"])
def test_black_scholes_dynamics_reproduce_closed_form(method):
    K = np.array([[50.0], [90.0], [100.0], [130.0], [250.0]])
    T = np.array([7 / 365, 0.5, 5.0, 30.0])
    for kind in ("call", "put"):
        ours = option_price(100.0, K, T, 0.03, sc.BlackScholes(0.25), kind=kind, dividend=0.01,
                            method=method)
        ref = _bs(100.0, K, T, 0.03, 0.01, 0.25, kind)
        tol = (1e-13 if method == "lewis" else 1e-9) * 100.0
        np.testing.assert_allclose(ours, ref, rtol=1e-12 if method == "lewis" else 1e-8, atol=tol)


def test_heston_sigma_zero_is_black_scholes_with_mean_variance():
    v0, kappa, theta, T = 0.09, 2.0, 0.04, np.array([0.1, 1.0, 10.0])
    w = theta * T + (v0 - theta) * (1 - np.exp(-kappa * T)) / kappa
    K = np.array([[70.0], [100.0], [140.0]])
    ref = _bs(100.0, K, T, 0.02, 0.0, np.sqrt(w / T))
    for sigma in (0.0, 1e-8):
        ours = option_price(100.0, K, T, 0.02, sc.Heston(v0, kappa, theta, sigma, 0.5))
        assert np.all(np.isfinite(ours))
        np.testing.assert_allclose(ours, ref, rtol=1e-7 if sigma else 1e-12, atol=1e-12)


@pytest.mark.parametrize("dyn", [HESTON, SPEC_I], ids=["heston", "two_factor"])
def test_put_call_parity(dyn):
    S, r, q = 1.0, 0.05, 0.02
    K = np.linspace(0.3, 2.5, 12)[:, None]
    T = np.array([0.02, 1.0, 10.0, 30.0])
    c = option_price(S, K, T, r, dyn, "call", q)
    p = option_price(S, K, T, r, dyn, "put", q)
    np.testing.assert_allclose(c - p, S * np.exp(-q * T) - K * np.exp(-r * T), atol=2e-14)


def test_gil_pelaez_agrees_with_lewis_on_two_factor():
    K = np.array([0.43, 0.8, 1.0, 1.3])[:, None]
    T = np.array([0.1, 1.0, 10.0])
    a = option_price(1.0, K, T, 0.05, SPEC_I)
    b = option_price(1.0, K, T, 0.05, SPEC_I, method="gil_pelaez", n_nodes=192)
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_exercise_probability_is_minus_strike_derivative():
    S, r, T = 100.0, 0.03, 2.0
    K = np.array([60.0, 95.0, 100.0, 120.0, 200.0])
    h = 1e-4 * K
    dcdk = (option_price(S, K + h, T, r, HESTON) - option_price(S, K - h, T, r, HESTON)) / (2 * h)
    prob = exercise_probability(S, K, T, r, HESTON)
    np.testing.assert_allclose(prob, -np.exp(r * T) * dcdk, atol=2e-8)
    np.testing.assert_allclose(prob, exercise_probability(S, K, T, r, HESTON,
                                                          method="gil_pelaez"), atol=1e-10)
    below = exercise_probability(S, K, T, r, HESTON, kind="put")
    np.testing.assert_allclose(prob + below, 1.0, atol=1e-13)


def test_black_scholes_probability_is_n_d2():
    K = np.array([40.0, 100.0, 300.0])
    T = 3.0
    d2 = (np.log(100.0 / K) + (0.01 - 0.5 * 0.09) * T) / (0.3 * np.sqrt(T))
    np.testing.assert_allclose(exercise_probability(100.0, K, T, 0.01, sc.BlackScholes(0.3)),
                               norm.cdf(d2), rtol=1e-13)
    np.testing.assert_allclose(exercise_probability(100.0, K, T, 0.01, sc.BlackScholes(0.3),
                                                    kind="put"), norm.cdf(-d2), rtol=1e-12)


def test_zero_maturity_is_intrinsic():
    K = np.array([80.0, 120.0])
    np.testing.assert_allclose(option_price(100.0, K, 0.0, 0.05, HESTON), [20.0, 0.0])
    np.testing.assert_allclose(option_price(100.0, K, 0.0, 0.05, HESTON, "put"), [0.0, 20.0])
    np.testing.assert_allclose(exercise_probability(100.0, K, 0.0, 0.05, HESTON), [1.0, 0.0])


def test_array_parameter_sets_match_a_loop():
    kappa = np.array([[0.5], [2.0], [8.0]])
    rho = np.array([[-0.9], [0.0], [0.9]])
    dyn = sc.MultiFactorHeston([sc.Heston(0.05, kappa, 0.04, 0.8, rho),
                                sc.Heston(0.02, 0.3, 0.03, 0.3, -0.2)])
    T = np.array([0.5, 2.0, 10.0])
    out = option_price(1.0, 0.5, T, 0.01, dyn, "put")
    assert out.shape == (3, 3)
    for i in range(3):
        one = sc.MultiFactorHeston([sc.Heston(0.05, kappa[i, 0], 0.04, 0.8, rho[i, 0]),
                                    sc.Heston(0.02, 0.3, 0.03, 0.3, -0.2)])
        np.testing.assert_allclose(out[i], option_price(1.0, 0.5, T, 0.01, one, "put"),
                                   rtol=1e-9, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(v0=st.floats(0.005, 0.5), kappa=st.floats(0.1, 10.0), theta=st.floats(0.005, 0.5),
       sigma=st.floats(0.0, 2.0), rho=st.floats(-0.95, 0.95), T=st.floats(0.02, 30.0))
def test_prices_monotone_convex_and_bounded_in_strike(v0, kappa, theta, sigma, rho, T):
    """Call: decreasing, convex, between (F-K)+ e^{-rT} and S; holds for any valid parameters."""
    S, r = 100.0, 0.02
    K = np.linspace(40.0, 250.0, 43)
    c = option_price(S, K, T, r, sc.Heston(v0, kappa, theta, sigma, rho))
    disc, F = np.exp(-r * T), S * np.exp(r * T)
    tol = 1e-9 * S
    assert np.all(np.isfinite(c))
    assert np.all(np.diff(c) <= tol)
    assert np.all(np.diff(c, 2) >= -tol)
    assert np.all(c >= disc * np.maximum(F - K, 0.0) - tol) and np.all(c <= S + tol)


@pytest.mark.parametrize("kwargs,name", [
    (dict(spot=-1.0), "spot"), (dict(strike=0.0), "strike"), (dict(T=-0.5), "T"),
    (dict(rate=np.nan), "rate"), (dict(kind="straddle"), "kind"), (dict(method="fft"), "method"),
    (dict(strike=np.array([90.0, np.inf])), "strike"),
])
def test_bad_inputs_raise(kwargs, name):
    args = dict(spot=100.0, strike=100.0, T=1.0, rate=0.01, dynamics=HESTON)
    args.update(kwargs)
    with pytest.raises(sc.InvalidParameterError, match=name):
        option_price(**args)


def test_dynamics_without_char_fn_rejected():
    with pytest.raises(sc.InvalidParameterError, match="dynamics"):
        option_price(100.0, 100.0, 1.0, 0.0, object())


def test_compiled_and_numpy_paths_agree():
    """The numba kernels (default for the Heston family) and the plain-numpy path."""
    K = np.array([[0.3], [0.8], [1.0], [1.6]])
    T = np.array([7 / 365, 0.5, 5.0, 30.0])
    for dyn in (HESTON, SPEC_I, sc.BlackScholes(0.3), sc.Heston(0.04, 1.0, 0.04, 0.6, 0.999)):
        for kind in ("call", "put"):
            a = option_price(1.0, K, T, 0.02, dyn, kind)
            b = option_price(1.0, K, T, 0.02, dyn, kind, method="lewis_numpy")
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(exercise_probability(1.0, K, T, 0.02, dyn),
                                   exercise_probability(1.0, K, T, 0.02, dyn,
                                                        method="lewis_numpy"), atol=1e-13)


class _GenericHeston:
    """A dynamics object known only through char_fn (exercises the generic path)."""

    def __init__(self, h):
        self.h = h

    def char_fn(self, u, t):
        return self.h.char_fn(u, t)


def test_any_char_fn_object_is_priced():
    K = np.array([70.0, 100.0, 140.0])
    np.testing.assert_allclose(option_price(100.0, K, 2.0, 0.01, _GenericHeston(HESTON)),
                               option_price(100.0, K, 2.0, 0.01, HESTON), rtol=1e-11)


@pytest.mark.parametrize("rho", [-1.0, 1.0])
def test_perfect_correlation_is_the_limit_of_near_perfect(rho):
    """|rho| = 1 (the paper's Chevron Heston fit has rho = -1) is continuous in rho."""
    K = np.array([0.16, 0.5, 1.0, 1.5])[:, None]
    T = np.array([0.1, 1.0, 10.0])
    at = option_price(1.0, K, T, 0.0025, sc.Heston(0.2, 5.0, 0.13, 2.0, rho), "put")
    near = option_price(1.0, K, T, 0.0025, sc.Heston(0.2, 5.0, 0.13, 2.0, rho * (1 - 1e-9)),
                        "put")
    assert np.all(np.isfinite(at))
    np.testing.assert_allclose(at, near, rtol=1e-6, atol=1e-12)


def test_gil_pelaez_refuses_after_moment_explosion_lewis_matches_quantlib():
    """rho sigma > kappa: moments of order > 1 explode before 30 years. The seed's Phi_1 (on
    Im u = -1) would silently be wrong (0.0719 instead of 0.1436); it must raise, while the Lewis
    contour still matches QuantLib (AnalyticHestonEngine, Gauss-Lobatto 1e-14)."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from _quantlib_heston import quantlib_heston_price

    p = (0.04, 1.0, 0.1, 1.5, 0.9)
    with pytest.raises(sc.InvalidParameterError, match="lewis"):
        option_price(1.0, 0.5, 30.0, 0.01, sc.Heston(*p), "put", method="gil_pelaez")
    ref = quantlib_heston_price(1.0, 0.5, 10950, 0.01, 0.0, *p, kind="put")
    assert abs(option_price(1.0, 0.5, 30.0, 0.01, sc.Heston(*p), "put") - ref) <= 1e-12
