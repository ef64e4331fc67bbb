"""Gamma-process CDS-rate paths (seed 001) against the Gamma law used for pricing."""

import numpy as np
import pytest
from scipy import stats

import stochcredit as sc
from stochcredit.dynamics.gamma_process import GammaProcess, gamma_cds_rate_paths


def test_terminal_distribution_matches_gamma_pricing_model_ks():
    m, s, t = 0.014, 0.00415 * np.sqrt(3.0), 3.0
    process = GammaProcess.from_moments(m, s, t)
    paths = process.simulate(t, n_steps=12, n_paths=20_000, seed=11)
    a, b = (m / s) ** 2, s * s / m  # MODELS.md §3 "gamma" law of F_T
    assert stats.kstest(paths.terminal, stats.gamma(a, scale=b).cdf).pvalue > 1e-3


def test_monte_carlo_option_price_matches_gamma_closed_form_within_3_se():
    m, s, t, ann = 0.014, 0.00415 * np.sqrt(3.0), 3.0, 4.56
    paths = GammaProcess.from_moments(m, s, t).simulate(t, n_steps=6, n_paths=100_000, seed=3)
    for k in (0.010, 0.014, 0.020):
        payoff = ann * np.maximum(paths.terminal - k, 0.0)
        se = payoff.std(ddof=1) / np.sqrt(payoff.size)
        closed = sc.cds_option_price(m, k, t, ann, 0.00415, model="gamma")
        assert abs(payoff.mean() - closed) < 3 * se


def test_moments_at_every_time_within_3_se():
    process = GammaProcess(shape_rate=4.0, scale=0.005)
    paths = process.simulate(1.0, n_steps=10, n_paths=40_000, seed=5)
    for j in (1, 5, 10):
        x = paths.values[:, j]
        t = paths.times[j]
        se_mean = x.std(ddof=1) / np.sqrt(x.size)
        assert abs(x.mean() - process.mean(t)) < 3 * se_mean
        # variance: s.e. from the fourth central moment
        var_se = np.sqrt((np.mean((x - x.mean()) ** 4) - x.var() ** 2) / x.size)
        assert abs(x.var(ddof=1) - process.std(t) ** 2) < 3 * var_se


def test_increments_are_independent_gamma():
    process = GammaProcess(shape_rate=2.0, scale=0.01)
    paths = process.simulate(2.0, n_steps=4, n_paths=20_000, seed=9)
    inc = np.diff(paths.values, axis=1)
    assert stats.kstest(inc[:, 2], stats.gamma(2.0 * 0.5, scale=0.01).cdf).pvalue > 1e-3
    corr = np.corrcoef(inc[:, 0], inc[:, 1])[0, 1]
    assert abs(corr) < 3 / np.sqrt(inc.shape[0])


def test_seed_paths_scale_by_loss_given_default_and_are_reproducible():
    a = gamma_cds_rate_paths(seed=4)
    b = gamma_cds_rate_paths(seed=4)
    assert a.values.shape == (20, 51)
    np.testing.assert_array_equal(a.values, b.values)
    assert np.all(np.diff(a.values, axis=1) >= 0)  # a Gamma process only goes up
    full = gamma_cds_rate_paths(seed=4, recovery=0.0)
    np.testing.assert_allclose(a.values, 0.6 * full.values, rtol=1e-15)
    assert not np.array_equal(a.values, gamma_cds_rate_paths(seed=5).values)


def test_start_and_frame():
    paths = GammaProcess(1.0, 0.01).simulate(1.0, 4, 3, seed=0, start=0.02)
    assert np.all(paths.values[:, 0] == 0.02)
    frame = paths.to_frame()
    assert frame.shape == (5, 3) and frame.index.name == "t"


@pytest.mark.parametrize("kwargs,name", [(dict(shape_rate=0.0, scale=1.0), "shape_rate"),
                                         (dict(shape_rate=1.0, scale=np.nan), "scale")])
def test_invalid_parameters_raise(kwargs, name):
    with pytest.raises(sc.InvalidParameterError, match=name):
        GammaProcess(**kwargs)
    with pytest.raises(sc.InvalidParameterError, match="n_paths"):
        GammaProcess(1.0, 1.0).simulate(1.0, 10, 0)
