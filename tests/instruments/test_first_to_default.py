"""First-to-default basket CDS from simulated joint survival vs closed-form joint survival."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

import stochcredit as sc
from stochcredit.dynamics.constant_covariance import ConstantCovariance
from stochcredit.instruments.first_to_default import (
    first_to_default_spread,
    simulated_survival_curve,
)
from stochcredit.models.joint_survival import joint_survival_constant_correlation

FIRMS = [sc.Firm(40.0, 50.0, 0.5), sc.Firm(30.0, 45.0, 0.6)]
VOLS = [0.25, 0.3]
RATE = 0.03


def p_gbm(x0, var):
    sd = np.sqrt(np.maximum(var, 1e-300))
    return np.where(var > 0, norm.cdf((x0 - var / 2) / sd)
                    - np.exp(x0) * norm.cdf((-x0 - var / 2) / sd), 1.0)


def curve_from(times, q):
    return sc.HazardCurve(times[1:], -np.diff(np.log(q)) / np.diff(times))


@pytest.mark.parametrize("rho", [0.0, 0.6])
def test_ftd_spread_vs_closed_form_joint_survival(rho):
    cov = ConstantCovariance.from_vols(VOLS, rho)
    model = sc.MultiFirmCreditGrades(FIRMS, cov, RATE)
    res = model.simulate(3.0, 30_000, steps_per_year=24, seed=4)
    est = first_to_default_spread(res, discount=sc.FlatCurve(RATE), recovery=0.4)
    x = model.distances_to_default
    times = np.linspace(0.0, 3.0, 19)
    if rho == 0.0:
        q = p_gbm(x[0], VOLS[0] ** 2 * times) * p_gbm(x[1], VOLS[1] ** 2 * times)
    else:
        q = joint_survival_constant_correlation(x[0], x[1], VOLS[0], VOLS[1], rho, times)
    ref = sc.CDS(3.0, 0.0, recovery=0.4).par_spread(sc.FlatCurve(RATE), curve_from(times, q))
    assert est.stderr > 0
    assert est.agrees_with(float(ref)), (est, ref)


def test_ftd_spread_exceeds_single_names_and_curve_matches_grid():
    cov = sc.WishartCovariance([[0.05, 0.015], [0.015, 0.07]], [[-1.0, 0.3], [0.1, -1.4]],
                               [[0.25, 0.05], [-0.1, 0.3]], beta=3.0)
    model = sc.MultiFirmCreditGrades(FIRMS, cov, RATE)
    res = model.simulate(2.0, 4000, seed=3)
    ftd = first_to_default_spread(res, discount=RATE)
    disc = sc.FlatCurve(RATE)
    for i in range(2):
        single = sc.CDS(2.0, 0.0, recovery=0.4).par_spread(disc, simulated_survival_curve(res, i))
        assert ftd.value > single
    curve = simulated_survival_curve(res)
    np.testing.assert_allclose(curve.survival(res.times), res.joint_survival_curve(), rtol=1e-10)
    shorter = first_to_default_spread(res, maturity=1.0, discount=RATE)
    assert shorter.value > 0


def test_ftd_validation():
    cov = ConstantCovariance.from_vols(VOLS, 0.2)
    res = sc.MultiFirmCreditGrades(FIRMS, cov, RATE).simulate(1.0, 1000, seed=0)
    for kwargs in (dict(maturity=2.0), dict(maturity=0.0), dict(recovery=1.5),
                   dict(frequency=0), dict(discount=np.nan)):
        with pytest.raises(sc.InvalidParameterError):
            first_to_default_spread(res, **kwargs)
    one = sc.MultiFirmCreditGrades(FIRMS[:1], ConstantCovariance([[0.04]]), RATE).simulate(1.0, 100)
    with pytest.raises(sc.InvalidParameterError):
        first_to_default_spread(one)
