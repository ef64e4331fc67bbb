"""PrincipalComponentCovariance: PC-1..PC-3 against CIR closed forms, the Wishart reduction, Monte
Carlo, and §I validation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stochcredit as sc
from stochcredit.dynamics.cir import cir_integrated_laplace
from stochcredit.dynamics.principal_component import PrincipalComponentCovariance
from stochcredit.engines.montecarlo.multifirm import covariance_stepper

LAM0 = [0.06, 0.02]
KAPPA = [1.0, 2.5]
THETA = [0.05, 0.03]
SIGMA = [0.3, 0.2]


def pc(angle=0.6):
    return PrincipalComponentCovariance.two_firm(angle, LAM0, KAPPA, THETA, SIGMA)


def test_two_firm_matrix_and_correlation_formulas():
    th = 0.6
    cov = pc(th)
    c, s = np.cos(th), np.sin(th)
    np.testing.assert_allclose(cov.eigenvectors, [[c, -s], [s, c]])
    l1, l2 = LAM0
    s11 = c * c * l1 + s * s * l2
    s22 = s * s * l1 + c * c * l2
    s12 = s * c * (l1 - l2)
    np.testing.assert_allclose(cov.sigma0, [[s11, s12], [s12, s22]], rtol=1e-15)
    assert cov.instantaneous_correlation() == pytest.approx(s12 / np.sqrt(s11 * s22), rel=1e-14)
    # expected correlation -> correlation of A diag(theta) A'
    t1, t2 = THETA
    rho_inf = s * c * (t1 - t2) / np.sqrt((c * c * t1 + s * s * t2) * (s * s * t1 + c * c * t2))
    assert cov.expected_correlation(100.0) == pytest.approx(rho_inf, rel=1e-12)
    assert cov.expected_correlation(0.0) == pytest.approx(cov.instantaneous_correlation())
    assert cov.expected_correlation(np.array([0.5, 1.0])).shape == (2,)


def test_marginal_is_product_of_cir_transforms_pc3():
    cov = pc()
    a = cov.eigenvectors
    s = np.array([0.0, 0.4, 3.0, 50.0])
    t = np.array([[0.5], [2.0], [10.0]])
    for i in range(2):
        ref = np.ones((3, 4))
        for j in range(2):
            ref = ref * cir_integrated_laplace(s * a[i, j] ** 2, t, KAPPA[j], THETA[j], SIGMA[j],
                                               LAM0[j])
        np.testing.assert_allclose(cov.marginal(i).variance_laplace(s, t), ref, rtol=1e-14)


def test_angle_zero_gives_independent_cir_firms():
    cov = pc(0.0)
    np.testing.assert_allclose(cov.marginal(0).variance_laplace(2.0, 3.0),
                               cir_integrated_laplace(2.0, 3.0, KAPPA[0], THETA[0], SIGMA[0],
                                                      LAM0[0]), rtol=1e-14)
    np.testing.assert_allclose(cov.marginal(1).variance_laplace(2.0, 3.0),
                               cir_integrated_laplace(2.0, 3.0, KAPPA[1], THETA[1], SIGMA[1],
                                                      LAM0[1]), rtol=1e-14)
    assert cov.instantaneous_correlation() == 0.0


def test_one_firm_pc_equals_one_firm_wishart():
    # n = 1: both are CIR; the Wishart route (seed Remark 1) is an independent computation
    k, th, eps, v0 = 1.2, 0.05, 0.4, 0.03
    p1 = PrincipalComponentCovariance([[1.0]], [v0], [k], [th], [eps])
    w1 = sc.WishartCovariance(v0, -k / 2, eps / 2, beta=4 * k * th / eps**2)
    s = np.array([0.1, 1.0, 10.0])
    np.testing.assert_allclose(p1.marginal(0).variance_laplace(s, 2.0),
                               w1.marginal(0).variance_laplace(s, 2.0), rtol=1e-11)


def test_three_firms_general_orthogonal_matrix():
    q_mat, _ = np.linalg.qr(np.array([[1.0, 0.2, 0.3], [0.1, 1.0, -0.4], [0.5, 0.2, 1.0]]))
    cov = PrincipalComponentCovariance(q_mat, [0.05, 0.03, 0.01], [1, 2, 3], [0.04, 0.02, 0.01],
                                       [0.2, 0.3, 0.1])
    # PC-2: E[int Sigma_ii] = sum_j A_ij^2 E[int lambda_j]; check via -d/ds Lhat at s = 0
    h = 1e-6
    for i in range(3):
        deriv = -(cov.marginal(i).variance_laplace(h, 2.0)
                  - cov.marginal(i).variance_laplace(0.0, 2.0)) / h
        ints = [sc.CIR(l0, k, th, s).integrated_mean(2.0)
                for l0, k, th, s in zip(cov.lambda0, cov.kappa, cov.theta, cov.sigma, strict=False)]
        assert deriv == pytest.approx(float(q_mat[i] ** 2 @ np.array(ints)), rel=1e-5)
    np.testing.assert_allclose(cov.mean(0.0), cov.sigma0)


def test_transform_and_mean_vs_monte_carlo():
    cov = pc()
    rng = np.random.default_rng(3)
    h, n_steps, n_paths = 1 / 24, 48, 6000
    stepper = covariance_stepper(cov, h, n_paths, rng)
    integ = np.zeros((n_paths, 2))
    prev = np.diagonal(stepper.sigma, axis1=1, axis2=2).copy()
    for _ in range(n_steps):
        nxt = np.diagonal(stepper.step(), axis1=1, axis2=2).copy()
        integ += 0.5 * h * (prev + nxt)
        prev = nxt
    for i in range(2):
        sample = np.exp(-5.0 * integ[:, i])
        est = sc.Estimate(sample.mean(), sample.std(ddof=1) / np.sqrt(n_paths))
        assert est.agrees_with(float(cov.marginal(i).variance_laplace(5.0, 2.0))), (i, est)
    sig = stepper.sigma
    se = sig.std(axis=0, ddof=1) / np.sqrt(n_paths)
    assert np.all(np.abs(sig.mean(axis=0) - cov.mean(2.0)) < 4 * se)


def test_valid_degenerate_inputs_accepted():
    # unordered eigenvalue means, zero vol of variance, zero initial eigenvalue, Feller violation
    cov = PrincipalComponentCovariance.two_firm(0.3, [0.0, 0.05], [1.0, 1.0], [0.01, 0.09],
                                                [0.0, 1.0])
    out = cov.marginal(0).variance_laplace([0.0, 1.0], 1.0)
    assert out[0] == 1.0 and 0 < out[1] < 1


@pytest.mark.parametrize("kwargs,match", [
    (dict(eigenvectors=[[1.0, 0.1], [0.0, 1.0]]), "eigenvectors"),   # not orthogonal
    (dict(eigenvectors=[[1.0, 0.0, 0.0]]), "eigenvectors"),           # not square
    (dict(lambda0=[0.05]), "lambda0"),                                # wrong length
    (dict(kappa=[1.0, 2.0, 3.0]), "kappa"),                           # wrong length
    (dict(kappa=[0.0, 1.0]), "kappa"),
    (dict(theta=[-0.01, 0.02]), "theta"),
    (dict(sigma=[0.2, -0.1]), "sigma"),
    (dict(lambda0=[np.nan, 0.02]), "lambda0"),
])
def test_invalid_inputs_rejected(kwargs, match):
    args = dict(eigenvectors=np.eye(2), lambda0=LAM0, kappa=KAPPA, theta=THETA, sigma=SIGMA)
    args.update(kwargs)
    with pytest.raises(sc.InvalidParameterError, match=match):
        PrincipalComponentCovariance(**args)


def test_invalid_calls_rejected():
    cov = pc()
    with pytest.raises(sc.InvalidParameterError):
        cov.marginal(2)
    with pytest.raises(sc.InvalidParameterError):
        PrincipalComponentCovariance.two_firm(np.inf, LAM0, KAPPA, THETA, SIGMA)
    with pytest.raises(sc.InvalidParameterError):
        cov.marginal(0).variance_laplace(-0.1, 1.0)
    with pytest.raises(sc.InvalidParameterError):
        cov.expected_correlation(-1.0)
    assert getattr(cov.marginal(0), "rho", 0.0) == 0.0


@settings(max_examples=40, deadline=None)
@given(st.floats(-np.pi, np.pi), st.floats(0.001, 0.2), st.floats(0.001, 0.2))
def test_correlation_bounds_and_symmetry(angle, l1, l2):
    cov = PrincipalComponentCovariance.two_firm(angle, [l1, l2], KAPPA, THETA, SIGMA)
    rho = cov.instantaneous_correlation()
    assert -1.0 <= rho <= 1.0
    # swapping the two eigenvalues mirrors the correlation (A -> A rotated by 90 degrees)
    swapped = PrincipalComponentCovariance.two_firm(angle + np.pi / 2, [l2, l1], KAPPA, THETA,
                                                    SIGMA)
    assert np.allclose(swapped.sigma0, cov.sigma0, atol=1e-15)
