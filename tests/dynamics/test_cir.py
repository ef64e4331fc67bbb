"""CIR integrated-variance transform (HC-1) against independent references."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

import stochcredit as sc
from stochcredit.dynamics.cir import cir_integrated_laplace
from stochcredit.engines.montecarlo.cir import cir_step_exact


def _riccati_reference(s, t, kappa, theta, sigma, v0):
    """Solve the affine ODEs B' = s - kappa B - sigma^2 B^2/2, A' = -kappa theta B numerically."""
    def rhs(_, y):
        a, b = y
        return [-kappa * theta * b, s - kappa * b - 0.5 * sigma**2 * b * b]
    sol = solve_ivp(rhs, (0, t), [0.0, 0.0], rtol=1e-12, atol=1e-14, method="DOP853")
    a, b = sol.y[:, -1]
    return np.exp(a - b * v0)


@pytest.mark.parametrize("s,t,kappa,theta,sigma,v0", [
    (0.5, 1.0, 1.5, 0.04, 0.5, 0.04),
    (3.0, 10.0, 0.3, 0.09, 1.9, 0.01),      # Feller violated, long maturity
    (20.0, 5.0, 4.0, 0.02, 0.1, 0.30),
    (0.1, 0.02, 2.0, 0.04, 2.0, 0.0),       # v0 = 0, one week
])
def test_matches_riccati_ode(s, t, kappa, theta, sigma, v0):
    got = cir_integrated_laplace(s, t, kappa, theta, sigma, v0)
    assert got == pytest.approx(_riccati_reference(s, t, kappa, theta, sigma, v0), rel=1e-10)


@given(sigma=st.floats(0.0, 1e-7), s=st.floats(0.0, 50.0), t=st.floats(0.0, 30.0))
@settings(max_examples=60, deadline=None)
def test_small_vol_of_vol_limit_is_deterministic_variance(sigma, s, t):
    kappa, theta, v0 = 1.3, 0.05, 0.02
    exact = np.exp(-s * (theta * t + (v0 - theta) * (1 - np.exp(-kappa * t)) / kappa))
    assert cir_integrated_laplace(s, t, kappa, theta, sigma, v0) == pytest.approx(
        exact, rel=1e-8, abs=1e-300)


def test_complex_argument_gives_independent_asset_characteristic_function():
    # For an asset independent of its variance, E[e^{iuX}] = L((u^2 + iu)/2); at sigma = 0 with
    # v0 = theta = vol^2 this is the Black-Scholes characteristic function exp(-vol^2 t (u^2+iu)/2).
    u = np.linspace(-20, 20, 41)
    vol, t = 0.25, 2.0
    got = sc.CIR(vol**2, 1.0, vol**2, 0.0).variance_laplace((u * u + 1j * u) / 2, t)
    np.testing.assert_allclose(got, np.exp(-0.5 * vol**2 * t * (u * u + 1j * u)), rtol=1e-13)


def test_exact_sampler_matches_transform_by_monte_carlo():
    rng = np.random.default_rng(1)
    kappa, theta, sigma, v0, h, n = 0.8, 0.04, 0.9, 0.06, 1 / 48, 200_000
    v = np.full(n, v0)
    integral = np.zeros(n)
    for _ in range(48):
        new = cir_step_exact(v, h, kappa, theta, sigma, rng)
        integral += 0.5 * h * (v + new)
        v = new
    sample = np.exp(-2.0 * integral)
    est, se = sample.mean(), sample.std() / np.sqrt(n)
    ref = cir_integrated_laplace(2.0, 1.0, kappa, theta, sigma, v0)
    # trapezoid bias at h = 1/48 is far below the 3-s.e. band at this path count
    assert abs(est - ref) < 3 * se + 2e-5
    # terminal mean is exact (no discretisation): E[v_1] = theta + (v0 - theta) e^{-kappa}
    assert abs(v.mean() - sc.CIR(v0, kappa, theta, sigma).mean(1.0)) < 3 * v.std() / np.sqrt(n)


@pytest.mark.parametrize("field,value", [("kappa", 0.0), ("theta", -0.1), ("sigma", -1.0),
                                         ("v0", -0.01), ("kappa", float("nan"))])
def test_invalid_parameters_raise(field, value):
    params = dict(v0=0.04, kappa=1.0, theta=0.04, sigma=0.3)
    params[field] = value
    with pytest.raises(sc.InvalidParameterError, match=field):
        sc.CIR(**params)
