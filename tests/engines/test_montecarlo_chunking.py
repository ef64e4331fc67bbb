"""Monte Carlo in chunks under a memory budget equals the one-chunk run for the same seed."""

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.core import chunking
from stochcredit.engines.montecarlo.multifirm import simulate_joint_default
from stochcredit.engines.montecarlo.single_firm import simulate_single_firm
from stochcredit.instruments.first_to_default import first_to_default_spread
from stochcredit.models.multifirm_examples import covariance_from_vols

N_PAIRS = 2 * chunking.BLOCK + 77  # three blocks, the last one short


def test_block_rng_gives_each_block_its_own_stream():
    whole = chunking.BlockRNG(3, 0, N_PAIRS)
    tail = chunking.BlockRNG(3, chunking.BLOCK, N_PAIRS)
    lam = np.linspace(0.0, 4.0, N_PAIRS)
    np.testing.assert_array_equal(whole.poisson(lam)[chunking.BLOCK:],
                                  tail.poisson(lam[chunking.BLOCK:]))
    np.testing.assert_array_equal(whole.standard_normal((N_PAIRS, 2))[chunking.BLOCK:],
                                  tail.standard_normal((N_PAIRS - chunking.BLOCK, 2)))
    with pytest.raises(sc.InvalidParameterError, match="size"):
        whole.standard_normal((5, 2))


@pytest.mark.parametrize("model", ["wishart", "pc"])
def test_multifirm_in_chunks_equals_one_chunk(model):
    cov = covariance_from_vols(model, [0.25, 0.3], 0.4, kappa=1.0, beta=3.0)
    done = []
    kw = dict(steps_per_year=12, seed=5, keep_paths=True)
    small = simulate_joint_default([0.5, 0.6], cov, 2.0, 2 * N_PAIRS, memory_budget=80e6,
                                   progress=lambda d, t: done.append((d, t)), **kw)
    whole = simulate_joint_default([0.5, 0.6], cov, 2.0, 2 * N_PAIRS, **kw)
    assert len(done) >= 2 and done[-1] == (N_PAIRS, N_PAIRS)  # several chunks
    for name in ("weights", "integrated_variance", "mean_survival", "mean_joint_survival",
                 "mean_correlation", "sample_covariance", "joint_moments"):
        np.testing.assert_array_equal(getattr(small, name), getattr(whole, name), err_msg=name)
    for a, b in zip(small.moments + small.conditional_moments,
                    whole.moments + whole.conditional_moments, strict=True):
        np.testing.assert_array_equal(a, b)
    assert small.default_correlation() == whole.default_correlation()


def test_moment_estimators_agree_with_per_path_formulas():
    cov = covariance_from_vols("wishart", [0.25, 0.3, 0.2], 0.4, kappa=1.0, beta=3.0)
    res = simulate_joint_default([0.5, 0.6, 0.4], cov, 2.0, 20_000, steps_per_year=12, seed=1,
                                 keep_paths=True)
    w = res.weights[-1]  # (2, n_pairs, n)

    def est(samples):
        return samples.mean(), samples.std(ddof=1) / np.sqrt(samples.size)

    for got, (value, se) in [
        (res.survival(1), est(w[:, :, 1].mean(axis=0))),
        (res.joint_survival(), est(w.prod(axis=2).mean(axis=0))),
        (res.joint_survival(firms=[0, 2]), est((w[:, :, 0] * w[:, :, 2]).mean(axis=0))),
        (res.joint_default_probability(0, 1),
         est((1 - w[:, :, 0] - w[:, :, 1] + w[:, :, 0] * w[:, :, 1]).mean(axis=0))),
    ]:
        assert got.value == pytest.approx(value, rel=1e-12)
        assert got.stderr == pytest.approx(se, rel=1e-7)
    # first-to-default spread s.e.: moments formula vs the per-pair residuals
    sp = first_to_default_spread(res, discount=0.03, recovery=0.4)
    t = res.record_times
    g = res.pair_joint_survival()
    d = np.exp(-0.03 * 0.5 * (t[:-1] + t[1:]))
    drop = g[:-1] - g[1:]
    prot = 0.6 * d @ drop
    ann = (np.diff(t) * np.exp(-0.03 * t[1:])) @ g[1:] + (0.5 * np.diff(t) * d) @ drop
    resid = prot - prot.mean() / ann.mean() * ann
    assert sp.stderr == pytest.approx(resid.std(ddof=1) / np.sqrt(resid.size) / ann.mean(),
                                      rel=1e-7)
    # a subset of 3 of 3 firms is the joint survival; 3 of 4 would need the paths
    small = simulate_joint_default([0.5, 0.6, 0.4], cov, 1.0, 2000, steps_per_year=4,
                                   keep_paths=False)
    assert small.weights is None
    with pytest.raises(sc.InvalidParameterError, match="keep_paths"):
        small.pair_joint_survival()


def test_sizes_that_cannot_run_fail_before_allocating():
    cov = covariance_from_vols("wishart", [0.25, 0.3], 0.4, kappa=1.0, beta=3.0)
    with pytest.raises(sc.InvalidParameterError, match="memory budget"):
        simulate_joint_default([0.5, 0.6], cov, 50.0, 10**10, steps_per_year=100_000,
                               memory_budget=2**30)
    with pytest.raises(sc.InvalidParameterError, match="memory_budget"):
        simulate_joint_default([0.5, 0.6], cov, 1.0, 1000, memory_budget=-1)
    with pytest.raises(sc.InvalidParameterError, match="memory budget"):
        simulate_single_firm(40, 50, 0.5, 1.0, 0.3, n_paths=10**9, steps_per_year=10**6,
                             memory_budget=2**30)


def test_single_firm_in_chunks_equals_one_chunk():
    heston = sc.Heston(0.09, 1.5, 0.09, 0.5, 0.0)
    kw = dict(rate=0.03, barrier_std=0.3, n_paths=2 * N_PAIRS, steps_per_year=12, seed=9)
    a = simulate_single_firm(40, 50, 0.5, 2.0, heston, memory_budget=40e6, **kw)
    b = simulate_single_firm(40, 50, 0.5, 2.0, heston, **kw)
    for name in ("curve_mean", "curve_se", "survival_samples", "protection_samples",
                 "conditional_survival_samples"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.cds_spread(0.5) == b.cds_spread(0.5)


def test_gamma_paths_in_chunks_equal_one_chunk():
    g = sc.GammaProcess(4.0, 0.005)
    a = g.simulate(1.0, 10, N_PAIRS, seed=2, memory_budget=4.5e6)
    b = g.simulate(1.0, 10, N_PAIRS, seed=2)
    np.testing.assert_array_equal(a.values, b.values)
    with pytest.raises(sc.InvalidParameterError, match="memory budget"):
        g.simulate(1.0, 1000, 10**9, memory_budget=2**30)
