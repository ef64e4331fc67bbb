"""Single-firm Monte Carlo (MODELS_CREDITGRADES.md §H) vs every semi-analytic quantity (3 s.e.).

The semi-analytic side: SF-4..SF-6 closed forms (Black-Scholes), IM-1/IM-2 (Heston, rho = 0),
CG-2 with the time shift, CDS-1..CDS-3 from those survival curves. Default tests use 20-40k paths
on a coarse grid; the large runs are marked slow.
"""

from __future__ import annotations

import numpy as np
import pytest

import stochcredit as sc
from stochcredit import BlackScholes, CreditGradesEquity, Estimate, Heston, InvalidParameterError
from stochcredit.engines.montecarlo.single_firm import simulate_single_firm, variance_factors
from stochcredit.instruments.structural_cds import structural_cds_spread

S0, D, L, R, Q = 50.0, 40.0, 0.5, 0.03, 0.01
STRIKES = np.array([0.0, 30.0, 50.0, 70.0])
PREMIUMS = ("continuous", "quarterly", "quarterly_accrual")


def within(est: Estimate, ref: float, n_se: float = 3.0) -> bool:
    return abs(est.value - ref) <= n_se * est.stderr + 1e-12


def check_all(dyn, T, lam, n_paths, steps, seed, recovery=0.4, options=True):
    model = CreditGradesEquity(S0, D, L, R, dyn, dividend=Q, barrier_std=lam)
    res = simulate_single_firm(S0, D, L, T, dyn, rate=R, dividend=Q, barrier_std=lam,
                               strikes=STRIKES, n_paths=n_paths, steps_per_year=steps, seed=seed)
    failures = []
    surv = model.survival(T)
    for name, est in (("survival", res.survival()), ("cond_survival", res.conditional_survival())):
        if not within(est, surv):
            failures.append((name, est, surv))
    for prem in PREMIUMS:
        ref = structural_cds_spread(model, T, R, recovery, premium=prem)
        est = res.cds_spread(recovery, prem)
        if not within(est, ref):
            failures.append((prem, est, ref))
    if options:
        for k in STRIKES:
            for name, est, ref in (("call", res.call(k), model.call(k, T)),
                                   ("put", res.put(k), model.put(k, T)),
                                   ("cond_call", res.conditional_call(k), model.call(k, T))):
                if not within(est, ref):
                    failures.append((f"{name}({k})", est, ref))
    return res, failures


def test_black_scholes_mc_matches_closed_forms():
    _, failures = check_all(BlackScholes(0.25), T=2.0, lam=0.0, n_paths=40_000, steps=12, seed=11)
    assert not failures, failures


def test_heston_mc_matches_method_of_images():
    _, failures = check_all(Heston(0.06, 1.5, 0.05, 0.8, 0.0), T=2.0, lam=0.0, n_paths=40_000,
                            steps=24, seed=12)
    assert not failures, failures


def test_time_shift_mc_matches_cg2_and_images():
    for dyn in (BlackScholes(0.3), Heston(0.06, 1.5, 0.05, 0.8, 0.0)):
        res, failures = check_all(dyn, T=3.0, lam=0.4, n_paths=30_000, steps=12, seed=13,
                                  options=False)
        assert not failures, failures
    # the classic model's CDS (CG-3) is the same quantity
    cg = sc.CreditGrades(S0, 0.3 * (S0 + L * D) / S0, D, L, barrier_std=0.4, rate=R)
    res = simulate_single_firm(S0, D, L, 3.0, BlackScholes(0.3), rate=R, dividend=Q,
                               barrier_std=0.4, n_paths=30_000, steps_per_year=12, seed=14)
    assert within(res.cds_spread(0.5), cg.cds_spread(3.0, 0.5))


def test_survival_curve_on_grid():
    dyn = Heston(0.06, 1.5, 0.05, 0.8, 0.0)
    model = CreditGradesEquity(S0, D, L, R, dyn)
    res = simulate_single_firm(S0, D, L, 2.0, dyn, n_paths=20_000, steps_per_year=12, seed=3)
    curve = res.survival_curve()
    assert curve.index[0] == 0.0 and curve.index[-1] == pytest.approx(2.0)
    assert curve["survival"].iloc[0] == 1.0 and np.all(np.diff(curve["survival"]) <= 0)
    sub = curve.iloc[6::6]
    ref = model.survival(sub.index.to_numpy())
    assert np.all(np.abs(sub["survival"] - ref) <= 3 * sub["stderr"] + 1e-12)


def test_multifactor_heston_mc_matches_images():
    dyn = sc.MultiFactorHeston((Heston(0.03, 2.0, 0.03, 0.6, 0.0), Heston(0.02, 0.5, 0.03, 0.4,
                                                                          0.0)))
    model = CreditGradesEquity(S0, D, L, R, dyn, dividend=Q)
    res = simulate_single_firm(S0, D, L, 2.0, dyn, rate=R, dividend=Q, strikes=[40.0],
                               n_paths=20_000, steps_per_year=12, seed=5)
    assert within(res.survival(), model.survival(2.0))
    assert within(res.conditional_survival(), model.survival(2.0))
    assert within(res.conditional_call(40.0), model.call(40.0, 2.0))


def test_seeded_and_reproducible():
    a = simulate_single_firm(S0, D, L, 1.0, BlackScholes(0.3), n_paths=2_000, seed=9)
    b = simulate_single_firm(S0, D, L, 1.0, BlackScholes(0.3), n_paths=2_000, seed=9)
    c = simulate_single_firm(S0, D, L, 1.0, BlackScholes(0.3), n_paths=2_000, seed=10)
    assert a.survival() == b.survival() and a.survival() != c.survival()


def test_antithetic_pairs_and_plain_paths_both_valid():
    dyn = BlackScholes(0.35)
    model = CreditGradesEquity(S0, D, L, R, dyn)
    for anti in (True, False):
        res = simulate_single_firm(S0, D, L, 2.0, dyn, rate=R, strikes=[50.0], n_paths=20_000,
                                   steps_per_year=12, seed=21, antithetic=anti)
        assert within(res.survival(), model.survival(2.0))
        assert within(res.call(50.0), model.call(50.0, 2.0))
    assert res.survival_samples.shape == (20_000,)


def test_variance_factors_and_rejections():
    assert variance_factors(0.2) == (0.2, [])
    assert variance_factors(BlackScholes(0.2))[0] == pytest.approx(0.2)
    assert variance_factors(Heston(0.04, 1.0, 0.05, 0.3, 0.0))[1] == [(0.04, 1.0, 0.05, 0.3)]
    with pytest.raises(InvalidParameterError, match="rho"):
        simulate_single_firm(S0, D, L, 1.0, Heston(0.04, 1.0, 0.05, 0.3, -0.5))
    with pytest.raises(InvalidParameterError, match="T ="):
        simulate_single_firm(S0, D, L, 0.0, BlackScholes(0.2))
    with pytest.raises(InvalidParameterError, match="equity"):
        simulate_single_firm(0.0, D, L, 1.0, BlackScholes(0.2))
    with pytest.raises(InvalidParameterError, match="strikes"):
        simulate_single_firm(S0, D, L, 1.0, BlackScholes(0.2), strikes=[-1.0])
    res = simulate_single_firm(S0, D, L, 1.1, BlackScholes(0.2), strikes=[50.0], n_paths=100)
    with pytest.raises(InvalidParameterError, match="strike"):
        res.call(49.0)
    shifted = simulate_single_firm(S0, D, L, 1.0, BlackScholes(0.2), strikes=[50.0],
                                   n_paths=100, barrier_std=0.2)
    with pytest.raises(InvalidParameterError, match="barrier_std"):
        shifted.call(50.0)
    with pytest.raises(InvalidParameterError, match="premium"):
        res.cds_spread(0.4, "quarterly")  # 1.1 years: premium dates not on the grid
    with pytest.raises(InvalidParameterError, match="recovery"):
        res.cds_spread(1.5)


@pytest.mark.slow
@pytest.mark.parametrize("dyn", [BlackScholes(0.25), Heston(0.06, 1.5, 0.05, 0.8, 0.0),
                                 Heston(0.02, 0.7, 0.08, 1.2, 0.0)])
def test_large_mc_matches_all_semi_analytic_quantities(dyn):
    _, failures = check_all(dyn, T=5.0, lam=0.0, n_paths=400_000, steps=48, seed=99)
    assert not failures, failures
    _, failures = check_all(dyn, T=5.0, lam=0.3, n_paths=200_000, steps=48, seed=98,
                            options=False)
    assert not failures, failures
