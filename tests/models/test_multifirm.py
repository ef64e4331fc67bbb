"""MultiFirmCreditGrades and Firm: marginals through CreditGradesEquity vs Monte Carlo, limits,
parity, validation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

import stochcredit as sc
from stochcredit.dynamics.constant_covariance import ConstantCovariance

FIRMS = [sc.Firm(40.0, 50.0, 0.5, dividend=0.01), sc.Firm(30.0, 45.0, 0.6)]
RATE = 0.03
SIG0 = np.array([[0.05, 0.015], [0.015, 0.07]])
M = np.array([[-1.0, 0.3], [0.1, -1.4]])
Q = np.array([[0.25, 0.05], [-0.1, 0.3]])


def wishart():
    return sc.WishartCovariance(SIG0, M, Q, beta=3.0)


def pc():
    return sc.PrincipalComponentCovariance.two_firm(0.5, [0.08, 0.03], [1.0, 2.0], [0.06, 0.03],
                                                    [0.35, 0.2])


def p_gbm(x0, var):
    sd = np.sqrt(var)
    return norm.cdf((x0 - var / 2) / sd) - np.exp(x0) * norm.cdf((-x0 - var / 2) / sd)


def black(f, k, var):
    sd = np.sqrt(var)
    d1 = (np.log(f / k) + var / 2) / sd
    return f * norm.cdf(d1) - k * norm.cdf(d1 - sd)


def doc(v0, b, k_star, var):
    """SF-3 written out independently: Black(V0, K*) - (V0/B) Black(B^2/V0, K*)."""
    return black(v0, k_star, var) - (v0 / b) * black(b * b / v0, k_star, var)


def test_firm_properties_and_validation():
    f = FIRMS[0]
    assert f.barrier == 25.0 and f.asset_value == 65.0
    assert f.distance_to_default == pytest.approx(np.log(65 / 25))
    for kwargs in (dict(equity=0.0), dict(equity=-1.0), dict(debt_per_share=0.0),
                   dict(recovery_mean=0.0), dict(recovery_mean=-0.5), dict(equity=np.nan),
                   dict(dividend=np.inf)):
        args = dict(equity=40.0, debt_per_share=50.0, recovery_mean=0.5)
        args.update(kwargs)
        with pytest.raises(sc.InvalidParameterError):
            sc.Firm(**args)


def test_model_validation():
    with pytest.raises(sc.InvalidParameterError):
        sc.MultiFirmCreditGrades(FIRMS[:1], wishart(), RATE)  # dimension mismatch
    with pytest.raises(sc.InvalidParameterError):
        sc.MultiFirmCreditGrades([FIRMS[0], "firm"], wishart(), RATE)
    with pytest.raises(sc.InvalidParameterError):
        sc.MultiFirmCreditGrades(FIRMS, object(), RATE)
    with pytest.raises(sc.InvalidParameterError):
        sc.MultiFirmCreditGrades(FIRMS, wishart(), np.nan)
    model = sc.MultiFirmCreditGrades(FIRMS, wishart(), RATE)
    for bad in (-1, 2, 1.5):
        with pytest.raises(sc.InvalidParameterError):
            model.firm(bad)
    assert model.to_frame().shape == (2, 7)


def test_constant_covariance_marginal_is_stamicar_finger():
    cov = ConstantCovariance.from_vols([0.25, 0.3], 0.4)
    model = sc.MultiFirmCreditGrades(FIRMS, cov, RATE)
    t = np.array([0.5, 2.0, 5.0])
    for i, vol in enumerate([0.25, 0.3]):
        f = FIRMS[i]
        np.testing.assert_allclose(model.firm(i).survival(t),
                                   p_gbm(f.distance_to_default, vol**2 * t), rtol=1e-9)
        k_star = f.barrier + 35.0 * np.exp(-(RATE - f.dividend) * 2.0)
        ref = np.exp(-f.dividend * 2.0) * doc(f.asset_value, f.barrier, k_star, vol**2 * 2.0)
        assert model.firm(i).call(35.0, 2.0) == pytest.approx(ref, rel=1e-8)


@pytest.mark.parametrize("make", [wishart, pc])
def test_marginal_survival_and_call_vs_monte_carlo(make):
    model = sc.MultiFirmCreditGrades(FIRMS, make(), RATE)
    T = 2.0
    res = model.simulate(T, 12_000, steps_per_year=24, seed=0)
    for i, f in enumerate(FIRMS):
        marg = model.firm(i)
        assert res.survival(i).agrees_with(float(marg.survival(T)))
        # call: conditional estimator e^{-qT} DOC(V0, B, K*, I_T) on the simulated clocks (H.7)
        for strike in (20.0, 45.0):
            k_star = f.barrier + strike * np.exp(-(RATE - f.dividend) * T)
            sample = np.exp(-f.dividend * T) * doc(f.asset_value, f.barrier, k_star,
                                                   res.integrated_variance[:, i])
            est = sc.Estimate(sample.mean(), sample.std(ddof=1) / np.sqrt(sample.size))
            assert est.agrees_with(float(marg.call(strike, T))), (i, strike, est)


def test_put_call_parity_and_zero_strike_on_marginals():
    model = sc.MultiFirmCreditGrades(FIRMS, wishart(), RATE)
    f = FIRMS[0]
    firm = model.firm(0)
    k = np.array([10.0, 40.0, 70.0])
    lhs = firm.call(k, 1.5) - firm.put(k, 1.5)
    rhs = f.equity * np.exp(-f.dividend * 1.5) - k * np.exp(-RATE * 1.5)
    np.testing.assert_allclose(lhs, rhs, atol=1e-8)
    assert firm.call(0.0, 1.5) == pytest.approx(f.equity * np.exp(-f.dividend * 1.5), rel=1e-8)
    assert not hasattr(model.covariance.marginal(0), "rho")


def test_rho_zero_joint_survival_is_product():
    cov = ConstantCovariance.from_vols([0.25, 0.3], 0.0)
    model = sc.MultiFirmCreditGrades(FIRMS, cov, RATE)
    res = model.simulate(3.0, 20_000, seed=2)
    q = [float(model.firm(i).survival(3.0)) for i in range(2)]
    assert res.joint_survival().agrees_with(q[0] * q[1])
    dc = res.default_correlation()
    assert abs(dc.value) < 3 * dc.stderr + 1e-3


def test_cds_on_marginal_via_sc_cds():
    model = sc.MultiFirmCreditGrades(FIRMS, pc(), RATE)
    cds = sc.CDS(5.0, 0.01, recovery=0.4)
    spread = cds.par_spread(sc.FlatCurve(RATE), model.firm(0))
    assert 0 < spread < 0.2
    # survival-weighted sanity: the par spread is a ratio of the legs
    prot = cds.protection_leg(sc.FlatCurve(RATE), model.firm(0))
    ann = cds.risky_annuity(sc.FlatCurve(RATE), model.firm(0))
    assert spread == pytest.approx(prot / ann, rel=1e-12)


@pytest.mark.parametrize("name", ["constant", "wishart", "pc"])
def test_presets_have_the_target_mean_covariance(name):
    from stochcredit.models.multifirm_examples import covariance_from_vols

    cov = covariance_from_vols(name, [0.2, 0.3, 0.25], 0.35, kappa=1.5, beta=2.5)
    target = 0.35 * np.outer([0.2, 0.3, 0.25], [0.2, 0.3, 0.25])
    np.fill_diagonal(target, [0.04, 0.09, 0.0625])
    for t in (0.0, 1.0, 7.0):
        np.testing.assert_allclose(cov.mean(t), target, rtol=1e-10, atol=1e-14)
    with pytest.raises(sc.InvalidParameterError):
        covariance_from_vols(name, [0.2, 0.3, 0.25], 1.5)
    if name != "constant":
        with pytest.raises(sc.InvalidParameterError):
            covariance_from_vols(name, [0.2, 0.3, 0.25], 0.35, beta=1.5)  # beta < n - 1


@pytest.mark.slow
def test_three_firms_real_beta_marginals_and_pairwise_limits():
    # n = 3, real beta (exact Ahdida-Alfonsi paths): marginal survival of every firm vs the
    # semi-analytic marginal within 3 s.e.; Frechet bounds on the pairwise joint survival
    from stochcredit.models.multifirm_examples import covariance_from_vols

    firms = [sc.Firm(40.0, 50.0, 0.5), sc.Firm(30.0, 45.0, 0.6), sc.Firm(60.0, 40.0, 0.5)]
    cov = covariance_from_vols("wishart", [0.25, 0.3, 0.35], 0.3, kappa=1.0, beta=2.4)
    model = sc.MultiFirmCreditGrades(firms, cov, RATE)
    res = model.simulate(3.0, 40_000, steps_per_year=24, seed=5)
    for i in range(3):
        assert res.survival(i).agrees_with(float(model.firm(i).survival(3.0))), i
    q = [res.survival(i).value for i in range(3)]
    q01 = res.joint_survival(firms=[0, 1]).value
    assert max(0, q[0] + q[1] - 1) <= q01 <= min(q[0], q[1])
    assert res.joint_survival().value <= q01


@pytest.mark.slow
@pytest.mark.parametrize("steps_per_year", [12, 96])
def test_h5_within_step_independence_bias_is_small(steps_per_year):
    # H.5: joint survival weight w1 w2 treats the two bridges in a step as independent; check
    # against JS-1 at coarse and fine steps (rho = 0.8, strong correlation) within 3 s.e.
    from stochcredit.models.joint_survival import joint_survival_constant_correlation

    cov = ConstantCovariance.from_vols([0.3, 0.3], 0.8)
    model = sc.MultiFirmCreditGrades(FIRMS, cov, RATE)
    res = model.simulate(3.0, 100_000, steps_per_year=steps_per_year, seed=8)
    x = model.distances_to_default
    ref = joint_survival_constant_correlation(x[0], x[1], 0.3, 0.3, 0.8, 3.0)
    assert res.joint_survival().agrees_with(ref), (res.joint_survival(), ref)


def test_one_firm_wishart_prices_like_heston_seed_remark_1():
    # Remark 1 at the price level: CreditGradesEquity on the n = 1 Wishart marginal equals
    # CreditGradesEquity on sc.Heston(rho = 0) (HC-1 route), calls and survival.
    v0, kappa, theta, eps = 0.05, 1.5, 0.04, 0.5
    w1 = sc.WishartCovariance(v0, -kappa / 2, eps / 2, beta=4 * kappa * theta / eps**2)
    one = sc.MultiFirmCreditGrades([FIRMS[0]], w1, RATE).firm(0)
    f = FIRMS[0]
    ref = sc.CreditGradesEquity(f.equity, f.debt_per_share, f.recovery_mean, RATE,
                                dynamics=sc.Heston(v0, kappa, theta, eps, 0.0),
                                dividend=f.dividend)
    k = np.array([10.0, 30.0, 40.0, 60.0])
    np.testing.assert_allclose(one.call(k, 2.0), ref.call(k, 2.0), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(one.survival([0.5, 5.0]), ref.survival([0.5, 5.0]), rtol=1e-10)
