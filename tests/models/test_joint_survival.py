"""JS-1 (Zhou's wedge formula) against the rho = 0 product, Frechet bounds and Monte Carlo."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

import stochcredit as sc
from stochcredit.dynamics.constant_covariance import ConstantCovariance
from stochcredit.engines.montecarlo.multifirm import simulate_joint_default
from stochcredit.models.joint_survival import joint_survival_constant_correlation as js

X1, X2, S1, S2 = 0.5, 0.7, 0.25, 0.3


def p_gbm(x0, var):
    """IM-0 written out independently of the library."""
    sd = np.sqrt(var)
    return norm.cdf((x0 - var / 2) / sd) - np.exp(x0) * norm.cdf((-x0 - var / 2) / sd)


@pytest.mark.parametrize("t", [0.05, 0.5, 2.0, 10.0])
def test_rho_zero_is_product_of_marginals(t):
    ref = p_gbm(X1, S1**2 * t) * p_gbm(X2, S2**2 * t)
    assert js(X1, X2, S1, S2, 0.0, t) == pytest.approx(ref, abs=1e-13)


def test_shapes_and_time_zero():
    t = np.array([[0.0, 1.0], [2.0, 3.0]])
    out = js(X1, X2, S1, S2, 0.3, t)
    assert out.shape == (2, 2) and out[0, 0] == 1.0
    assert isinstance(js(X1, X2, S1, S2, 0.3, 1.0), float)


def test_frechet_bounds_monotone_in_rho_and_symmetry():
    t = 3.0
    q1, q2 = p_gbm(X1, S1**2 * t), p_gbm(X2, S2**2 * t)
    rhos = [-0.95, -0.5, 0.0, 0.5, 0.95]
    vals = [js(X1, X2, S1, S2, r, t) for r in rhos]
    assert np.all(np.diff(vals) > 0)  # joint survival increases with asset correlation
    for val in vals:
        assert max(0.0, q1 + q2 - 1.0) - 1e-12 <= val <= min(q1, q2) + 1e-12
    assert js(X2, X1, S2, S1, 0.5, t) == pytest.approx(vals[3], abs=1e-12)
    # near-comonotone identical firms: joint survival -> marginal survival
    near = js(X1, X1, S1, S1, 0.9999, t)
    assert near == pytest.approx(q1, abs=5e-3) and near <= q1 + 1e-12


@pytest.mark.parametrize("rho", [-0.6, 0.7])
def test_against_monte_carlo_constant_covariance(rho, agreement):
    # bridge-corrected monitoring is exact for constant covariance up to H.5's within-step
    # conditional independence; 3 s.e. band
    cov = ConstantCovariance.from_vols([S1, S2], rho)
    res = simulate_joint_default([X1, X2], cov, 2.0, 40_000, steps_per_year=48, seed=11)
    for t in (1.0, 2.0):
        est = res.joint_survival(t)
        ref = js(X1, X2, S1, S2, rho, t)
        assert est.agrees_with(ref), (t, est, ref)
        agreement("joint survival of two firms, constant correlation (JS-1)",
                  "Monte Carlo, 40,000 paths, bridge-corrected", abs(est.value - ref) / est.stderr,
                  3.0, unit="standard errors")


@pytest.mark.parametrize("bad", [dict(rho=1.0), dict(rho=-1.0), dict(rho=1.5), dict(x1=0.0),
                                 dict(vol2=-0.1), dict(t=-1.0), dict(x2=np.nan)])
def test_invalid_inputs(bad):
    args = dict(x1=X1, x2=X2, vol1=S1, vol2=S2, rho=0.2, t=1.0)
    args.update(bad)
    with pytest.raises(sc.InvalidParameterError):
        js(**args)
