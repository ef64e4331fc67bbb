"""Joint-default Monte Carlo engine (§H): numba kernel vs numpy reference, exactness of the bridge
correction under constant covariance, conditional estimator vs the semi-analytic transform."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad_vec
from scipy.linalg import expm
from scipy.stats import norm

import stochcredit as sc
from stochcredit.dynamics.constant_covariance import ConstantCovariance
from stochcredit.dynamics.principal_component import PrincipalComponentCovariance
from stochcredit.dynamics.wishart import WishartCovariance
from stochcredit.engines.montecarlo import multifirm as mf
from stochcredit.engines.montecarlo.wishart import van_loan_covariance

SIG0 = np.array([[0.05, 0.015], [0.015, 0.07]])
M = np.array([[-1.0, 0.3], [0.1, -1.4]])
Q = np.array([[0.25, 0.05], [-0.1, 0.3]])
X0 = np.array([0.45, 0.6])


def p_gbm(x0, var):
    sd = np.sqrt(var)
    return norm.cdf((x0 - var / 2) / sd) - np.exp(x0) * norm.cdf((-x0 - var / 2) / sd)


def survival_images(x0, laplace, t, kmax=300.0):
    """IM-1 by composite Gauss-Legendre on [0, kmax] in one vectorised transform call
    (independent of the library's images engine; Lhat(kmax^2/2) is negligible here)."""
    gx, gw = np.polynomial.legendre.leggauss(8)
    edges = np.linspace(0.0, kmax, 601)
    half = np.diff(edges)[:, None] / 2
    k = ((edges[:-1] + edges[1:])[:, None] / 2 + half * gx).ravel()
    w = (half * gw).ravel()
    vals = k * np.sin(k * x0) / (k * k + 0.25) * laplace((k * k + 0.25) / 2, t)
    return 2 * np.exp(x0 / 2) / np.pi * float(w @ vals)


def test_reference_images_quadrature_reproduces_closed_form():
    # the test's own IM-1 quadrature vs IM-0 for a constant variance
    lap = ConstantCovariance([[0.09]]).marginal(0).variance_laplace
    assert survival_images(0.45, lap, 2.0) == pytest.approx(p_gbm(0.45, 0.18), abs=1e-9)


def test_van_loan_matches_quadrature():
    c = Q.T @ Q
    ref = quad_vec(lambda s: expm(s * M) @ c @ expm(s * M).T, 0, 0.25, epsabs=1e-15)[0]
    np.testing.assert_allclose(van_loan_covariance(M, c, 0.25), ref, rtol=1e-12, atol=1e-16)


def test_numba_kernel_equals_numpy_reference():
    rng = np.random.default_rng(0)
    p, n = 200, 3
    a = rng.standard_normal((p, n, n)) * 0.2
    sig_prev = a @ a.transpose(0, 2, 1) + 0.01 * np.eye(n)
    b = rng.standard_normal((p, n, n)) * 0.2
    sig_next = b @ b.transpose(0, 2, 1)
    sig_next[0] = 0.0  # singular dC is handled
    sig_prev[0] = 0.0
    x = rng.uniform(0.01, 0.5, (2, p, n))
    w = rng.uniform(0.0, 1.0, (2, p, n))
    z = rng.standard_normal((p, n))
    integ = np.zeros((p, n))
    x2, w2, integ2, sums = x.copy(), w.copy(), integ.copy(), np.zeros((1, n + 1))  # 1 block
    mf.asset_step_reference(x, w, integ, sig_prev, sig_next, 1 / 48, z)
    mf._asset_step(x2, w2, integ2, sig_prev, sig_next, 1 / 48, z, sums)
    # the kernel uses chol(dC), the reference a symmetric root: same law, different paths, so
    # compare the parts that do not depend on the factorisation choice
    np.testing.assert_allclose(integ2, integ, rtol=1e-14)
    np.testing.assert_allclose(x2.sum(axis=0), x.sum(axis=0), rtol=1e-12)  # +Z and -Z cancel
    assert np.all((w2 >= 0) & (w2 <= 1))
    np.testing.assert_allclose(sums[0, :-1], w2.sum(axis=(0, 1)))
    # one firm: chol = symmetric root, so the two agree exactly
    x, w, integ = x[:, :, :1].copy(), w[:, :, :1].copy(), np.zeros((p, 1))
    x2, w2, integ2 = x.copy(), w.copy(), integ.copy()
    s1, s2 = sig_prev[:, :1, :1].copy(), sig_next[:, :1, :1].copy()
    mf.asset_step_reference(x, w, integ, s1, s2, 1 / 48, z[:, :1].copy())
    mf._asset_step(x2, w2, integ2, s1, s2, 1 / 48, z[:, :1].copy(), np.zeros((1, 2)))
    np.testing.assert_allclose(x2, x, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(w2, w, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("steps_per_year", [4, 48])
def test_bridge_makes_constant_variance_unbiased_at_any_step(steps_per_year):
    cov = ConstantCovariance.from_vols([0.3, 0.2], 0.0)
    res = mf.simulate_joint_default(X0, cov, 3.0, 20_000, steps_per_year=steps_per_year, seed=5)
    for i, vol in enumerate([0.3, 0.2]):
        assert res.survival(i).agrees_with(p_gbm(X0[i], vol**2 * 3.0))
    # rho = 0: joint survival = product of marginals (JS-1 limit)
    ref = p_gbm(X0[0], 0.09 * 3.0) * p_gbm(X0[1], 0.04 * 3.0)
    assert res.joint_survival().agrees_with(ref)
    assert abs(res.default_correlation().value) < 3 * res.default_correlation().stderr + 1e-3


@pytest.mark.parametrize("model", ["wishart_int", "wishart_real", "pc"])
def test_marginal_survival_vs_semi_analytic(model):
    if model == "pc":
        cov = PrincipalComponentCovariance.two_firm(0.5, [0.08, 0.03], [1.0, 2.0], [0.06, 0.03],
                                                    [0.35, 0.2])
    else:
        cov = WishartCovariance(SIG0, M, Q, beta=3.0 if model == "wishart_int" else 1.6)
    res = mf.simulate_joint_default(X0, cov, 2.0, 10_000, steps_per_year=24, seed=9)
    for i in range(2):
        ref = survival_images(X0[i], cov.marginal(i).variance_laplace, 2.0)
        assert res.survival(i).agrees_with(ref), (i, res.survival(i), ref)
        assert res.conditional_survival(i).agrees_with(ref), (i, res.conditional_survival(i), ref)


def test_result_api_and_validation():
    cov = WishartCovariance(SIG0, M, Q, beta=3.0)
    res = mf.simulate_joint_default(X0, cov, 1.0, 2000, seed=1)
    again = mf.simulate_joint_default(X0, cov, 1.0, 2000, seed=1)
    assert res.joint_survival() == again.joint_survival()  # reproducible
    assert res.n == 2 and res.n_paths == 2000 and res.horizon == 1.0
    ftd = res.first_to_default_probability()
    assert ftd.value == pytest.approx(1 - res.joint_survival().value)
    p12 = res.joint_default_probability().value
    q1, q2, q12 = res.survival(0).value, res.survival(1).value, res.joint_survival().value
    assert p12 == pytest.approx(1 - q1 - q2 + q12, abs=1e-12)
    assert np.all(np.diff(res.survival_curve(0)) <= 1e-15)
    assert res.joint_survival(0.5).value >= res.joint_survival(1.0).value
    df = res.to_frame()
    assert {"joint_survival", "ftd_probability", "default_correlation_se"} <= set(df.columns)
    with pytest.raises(sc.InvalidParameterError):
        res.survival(2)
    with pytest.raises(sc.InvalidParameterError):
        res.joint_survival(0.3)  # not a recorded time
    for kwargs in (dict(n_paths=1001), dict(horizon=-1.0), dict(x0=[0.5]), dict(x0=[0.5, -0.1]),
                   dict(steps_per_year=0)):
        args = dict(x0=X0, covariance=cov, horizon=1.0, n_paths=1000)
        args.update(kwargs)
        with pytest.raises(sc.InvalidParameterError):
            mf.simulate_joint_default(**args)
    with pytest.raises(sc.InvalidParameterError):
        mf.covariance_stepper(object(), 0.1, 10, np.random.default_rng(0))
