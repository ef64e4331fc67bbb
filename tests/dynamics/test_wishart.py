"""WishartCovariance: seed Remark 1 (n = 1 is CIR), WI-5 diagonal case, closed form vs a numerical
Riccati solve, the mean vs its ODE, the transform vs Monte Carlo, and §I validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

import stochcredit as sc
from stochcredit.dynamics.cir import cir_integrated_laplace
from stochcredit.dynamics.wishart import WishartCovariance
from stochcredit.engines.montecarlo.multifirm import covariance_stepper

SIG0 = np.array([[0.04, 0.012], [0.012, 0.0625]])
M = np.array([[-1.0, 0.3], [0.1, -1.4]])
Q = np.array([[0.25, 0.05], [-0.1, 0.3]])


def riccati_exponent(cov: WishartCovariance, i: int, u: float, t: float) -> float:
    """-Tr(A(t) Sigma0) - c(t) from WI-2 solved by DOP853 at rtol 1e-13 (independent of WI-3)."""
    n = cov.n
    gamma = np.zeros((n, n))
    gamma[i, i] = u
    m, qtq, drift = cov.m, cov.qtq, cov.drift

    def rhs(_, y):
        a = y[:-1].reshape(n, n)
        da = a @ m + m.T @ a - 2.0 * a @ qtq @ a + gamma
        return np.r_[da.ravel(), np.trace(drift @ a)]

    sol = solve_ivp(rhs, (0.0, t), np.zeros(n * n + 1), method="DOP853", rtol=1e-13,
                    atol=1e-15)
    a, c = sol.y[:-1, -1].reshape(n, n), sol.y[-1, -1]
    return -np.trace(a @ cov.sigma0) - c


@pytest.mark.parametrize("kappa,theta,eps,v0", [(1.5, 0.04, 0.5, 0.06), (0.3, 0.09, 0.9, 0.01),
                                                (4.0, 0.02, 0.1, 0.02), (2.0, 0.05, 1.2, 0.0001)])
def test_n1_is_cir_seed_remark_1(kappa, theta, eps, v0):
    # Remark 1: M = -kappa/2, Q = eps/2, Omega^2 = kappa theta  ->  CIR(kappa, theta, eps); HC-1 is
    # an independent closed form.
    by_beta = WishartCovariance(v0, -kappa / 2, eps / 2, beta=4 * kappa * theta / eps**2)
    by_omega = WishartCovariance(v0, -kappa / 2, eps / 2, omega=np.sqrt(kappa * theta))
    s = np.array([0.0, 0.3, 2.0, 20.0, 300.0, 5000.0])
    t = np.array([[0.05], [1.0], [5.0], [20.0]])
    ref = cir_integrated_laplace(s, t, kappa, theta, eps, v0)
    for cov in (by_beta, by_omega):
        got = cov.marginal(0).variance_laplace(s, t)
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-11, atol=1e-15)


def test_n1_complex_argument_matches_cir_char_fn():
    cov = WishartCovariance(0.05, -0.75, 0.25, beta=4 * 1.5 * 0.04 / 0.25)
    u = np.linspace(-20, 20, 9)
    got = cov.marginal(0).char_fn(u, 2.0)
    ref = cir_integrated_laplace(0.5 * (u * u + 1j * u), 2.0, 1.5, 0.04, 0.5, 0.05)
    np.testing.assert_allclose(got, ref, rtol=1e-11, atol=1e-14)


def test_diagonal_m_q_gives_cir_marginals_wi5():
    m = np.diag([-0.8, -1.5])
    q = np.diag([0.2, 0.35])
    beta = 3.5
    cov = WishartCovariance(SIG0, m, q, beta=beta)
    s = np.array([0.1, 1.0, 10.0, 100.0])
    for i in range(2):
        kappa, eps = -2 * m[i, i], 2 * q[i, i]
        theta = beta * q[i, i] ** 2 / kappa
        ref = cir_integrated_laplace(s, 3.0, kappa, theta, eps, SIG0[i, i])
        np.testing.assert_allclose(cov.marginal(i).variance_laplace(s, 3.0), ref, rtol=1e-11)


@pytest.mark.parametrize("i", [0, 1])
@pytest.mark.parametrize("u,t", [(0.5, 1.0), (3.0, 2.5), (20.0, 5.0), (0.05, 10.0)])
def test_closed_form_vs_numerical_riccati(i, u, t, agreement):
    cov = WishartCovariance(SIG0, M, Q, beta=2.7)
    expo = np.log(cov.marginal(i).variance_laplace(u, t))
    agreement("Wishart integrated-variance transform (WI-3, WI-4)",
              "matrix Riccati ODE (WI-2) by DOP853",
              abs(expo - riccati_exponent(cov, i, u, t)) / max(1.0, abs(expo)), 1e-12)
    assert abs(expo - riccati_exponent(cov, i, u, t)) < 1e-12 * max(1.0, abs(expo))


def test_general_omega_quadrature_vs_riccati_three_firms():
    sig0 = np.array([[0.05, 0.01, 0.0], [0.01, 0.04, -0.005], [0.0, -0.005, 0.09]])
    m = np.array([[-1.2, 0.2, 0.0], [0.0, -0.9, 0.1], [0.1, 0.0, -1.5]])
    q = np.array([[0.2, 0.0, 0.05], [0.0, 0.25, 0.0], [0.05, 0.0, 0.3]])
    omega = np.array([[0.5, 0.1, 0.0], [0.0, 0.45, 0.0], [0.1, 0.0, 0.6]])
    cov = WishartCovariance(sig0, m, q, omega=omega)
    for i, u, t in [(0, 1.0, 2.0), (2, 7.0, 4.0), (1, 0.2, 0.5)]:
        expo = np.log(cov.marginal(i).variance_laplace(u, t))
        assert abs(expo - riccati_exponent(cov, i, u, t)) < 1e-12 * max(1.0, abs(expo))


def test_beta_and_equivalent_omega_agree():
    beta = 3.0
    cov_b = WishartCovariance(SIG0, M, Q, beta=beta)
    cov_o = WishartCovariance(SIG0, M, Q, omega=np.sqrt(beta) * Q.T)  # Omega Omega' = beta Q'Q
    s = np.array([0.0, 0.7, 12.0])
    t = np.array([[0.0], [1.0], [6.0]])
    np.testing.assert_allclose(cov_o.marginal(1).variance_laplace(s, t),
                               cov_b.marginal(1).variance_laplace(s, t), rtol=1e-11)


def test_large_arguments_do_not_overflow():
    cov = WishartCovariance(SIG0, M, Q, beta=2.0)
    out = cov.marginal(0).variance_laplace(np.array([1e4, 1e5, 1e6]), 30.0)
    assert np.all(np.isfinite(out)) and np.all(out >= 0) and np.all(out < 1e-10)
    assert cov.marginal(0).variance_laplace(5.0, 0.0) == 1.0


def test_mean_matches_its_ode_and_stationary_lyapunov():
    cov = WishartCovariance(SIG0, M, Q, beta=2.5)

    def rhs(_, y):
        e = y.reshape(2, 2)
        return (cov.drift + M @ e + e @ M.T).ravel()

    t = np.array([0.0, 0.5, 3.0])
    sol = solve_ivp(rhs, (0, 3.0), SIG0.ravel(), t_eval=t, rtol=1e-12, atol=1e-14)
    got = cov.mean(t)
    assert got.shape == (3, 2, 2)
    np.testing.assert_allclose(got, sol.y.T.reshape(3, 2, 2), rtol=1e-9, atol=1e-13)
    s_inf = cov.stationary_mean
    np.testing.assert_allclose(M @ s_inf + s_inf @ M.T + cov.drift, 0.0, atol=1e-14)
    np.testing.assert_allclose(cov.mean(200.0), s_inf, atol=1e-12)
    rho = cov.expected_correlation(t)
    assert rho[0] == pytest.approx(cov.instantaneous_correlation())


def _simulate_clock(cov, scheme, h, n_steps, n_paths, seed=7, i=0):
    rng = np.random.default_rng(seed)
    stepper = covariance_stepper(cov, h, n_paths, rng, scheme)
    integ = np.zeros(n_paths)
    prev = stepper.sigma[:, i, i].copy()
    for _ in range(n_steps):
        nxt = stepper.step()[:, i, i].copy()
        integ += 0.5 * h * (prev + nxt)
        prev = nxt
    return integ, stepper.sigma


@pytest.mark.parametrize("scheme,beta,i", [("exact", 3.0, 0), ("ahdida_alfonsi", 1.3, 1),
                                           ("ahdida_alfonsi", 1.0, 0), ("auto", 2.5, 0)])
def test_exact_schemes_vs_transform_and_mean(scheme, beta, i):
    # E[exp(-s int Sigma_ii)] from exact covariance paths (trapezoid clock) vs WI-2..WI-4 within
    # 3 s.e.; E[Sigma_T] vs the closed-form mean within 4 s.e. per entry. beta = n - 1 included.
    cov = WishartCovariance(SIG0, M, Q, beta=beta)
    n_paths, t = 6000, 2.0
    integ, sig = _simulate_clock(cov, scheme, 1 / 24, 48, n_paths, i=i)
    for s in (2.0, 10.0):
        sample = np.exp(-s * integ)
        est = sc.Estimate(sample.mean(), sample.std(ddof=1) / np.sqrt(n_paths))
        ref = float(cov.marginal(i).variance_laplace(s, t))
        assert est.agrees_with(ref), (est, ref)
    se = sig.std(axis=0, ddof=1) / np.sqrt(n_paths)
    assert np.all(np.abs(sig.mean(axis=0) - cov.mean(t)) < 4 * se)


def test_euler_scheme_bias_is_bounded_and_shrinks():
    # Full-truncation Euler is weak order 1: at h = 1/48 the bias of E[exp(-2 int Sigma_00)] over
    # 2 years is about -0.008 (measured with 20,000 paths) and falls with h.
    cov = WishartCovariance(SIG0, M, Q, beta=2.5)
    ref = float(cov.marginal(0).variance_laplace(2.0, 2.0))
    errs = []
    for steps_per_year in (12, 48):
        integ, _ = _simulate_clock(cov, "euler", 1 / steps_per_year, 2 * steps_per_year, 3000)
        sample = np.exp(-2.0 * integ)
        errs.append(abs(sample.mean() - ref))
        se = sample.std(ddof=1) / np.sqrt(sample.size)
        assert errs[-1] < 3 * se + 0.04 * 12 / steps_per_year
    assert errs[1] < errs[0]


def test_valid_degenerate_inputs_are_accepted():
    WishartCovariance(SIG0, M, Q, beta=1.0)  # beta = n - 1
    cov = WishartCovariance(SIG0, M, np.zeros((2, 2)), beta=1.0)  # Q = 0: deterministic Sigma
    # Q = 0: int Sigma_00 is deterministic = int of the mean
    t = 2.0
    ts = np.linspace(0, t, 2001)
    integ = np.trapezoid(cov.mean(ts)[:, 0, 0], ts)
    assert cov.marginal(0).variance_laplace(1.5, t) == pytest.approx(np.exp(-1.5 * integ),
                                                                     rel=1e-6)


@pytest.mark.parametrize("kwargs,match", [
    (dict(sigma0=[[0.04, 0.01], [0.0, 0.05]]), "sigma0"),             # not symmetric
    (dict(sigma0=[[0.04, 0.05], [0.05, 0.04]]), "sigma0"),            # not positive definite
    (dict(sigma0=[[0.04, np.nan], [np.nan, 0.05]]), "sigma0"),        # non-finite
    (dict(m=[[0.1, 0.0], [0.0, -1.0]]), "m"),                          # not negative definite
    (dict(m=[[-1.0, 3.0], [0.0, -1.0]]), "m"),                         # M + M' indefinite
    (dict(m=[[-1.0]]), "m"),                                           # dimension mismatch
    (dict(q=np.eye(3)), "q"),                                          # dimension mismatch
    (dict(beta=0.5), "beta"),                                          # beta < n - 1
    (dict(beta=np.inf), "beta"),
    (dict(beta=None), "beta/omega"),                                   # neither
    (dict(omega=np.eye(2)), "beta/omega"),                             # both
])
def test_invalid_inputs_rejected(kwargs, match):
    args = dict(sigma0=SIG0, m=M, q=Q, beta=2.0)
    args.update(kwargs)
    with pytest.raises(sc.InvalidParameterError, match=match):
        WishartCovariance(**args)


def test_invalid_omega_and_index_and_transform_args():
    with pytest.raises(sc.InvalidParameterError, match="omega"):
        # Omega Omega' - (n-1) Q'Q not PSD
        WishartCovariance(SIG0, M, Q, omega=0.1 * np.eye(2))
    cov = WishartCovariance(SIG0, M, Q, beta=2.0)
    for bad in (-1, 2, 0.5):
        with pytest.raises(sc.InvalidParameterError):
            cov.marginal(bad)
    with pytest.raises(sc.InvalidParameterError, match="s"):
        cov.marginal(0).variance_laplace(-1.0, 1.0)
    with pytest.raises(sc.InvalidParameterError, match="t"):
        cov.marginal(0).variance_laplace(1.0, -1.0)
    with pytest.raises(sc.InvalidParameterError, match="t"):
        cov.mean(np.nan)
    with pytest.raises(sc.InvalidParameterError, match="beta"):
        covariance_stepper(WishartCovariance(SIG0, M, Q, beta=2.5), 0.1, 4,
                           np.random.default_rng(0), "exact")


def test_marginal_has_no_rho_attribute():
    cov = WishartCovariance(SIG0, M, Q, beta=2.0)
    assert getattr(cov.marginal(0), "rho", 0.0) == 0.0


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 50.0, allow_subnormal=False), st.floats(0.0, 50.0, allow_subnormal=False),
       st.floats(0.01, 10.0))
def test_transform_is_a_laplace_transform(s1, s2, t):
    cov = WishartCovariance(SIG0, M, Q, beta=2.2)
    lo, hi = sorted((s1, s2))
    val = cov.marginal(1).variance_laplace(np.array([lo, hi]), t)
    assert 0.0 < val[1] <= val[0] * (1 + 1e-12) <= 1.0 + 1e-12
