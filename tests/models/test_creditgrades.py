"""Classic CreditGrades (CG-1..CG-5) against independent references.

References: the inverse Gaussian first-passage law (scipy) for CG-2, a plain Monte Carlo over the
random recovery for CG-5, the CDS-1 leg integrals by quadrature (a different formula from the
CG-3/CG-4 closed form) for the spread, and hand-computed CG-1 values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import stochcredit as sc
from stochcredit import CreditGrades, InvalidParameterError
from stochcredit.engines.images import survival_gbm


def test_asset_value_and_vol_cg1():
    cg = CreditGrades(equity=60.0, equity_vol=0.3, debt_per_share=40.0, recovery_mean=0.5)
    assert cg.asset_value == 80.0
    assert cg.asset_vol == pytest.approx(0.3 * 60.0 / 80.0, rel=1e-15)
    ref = CreditGrades(60.0, 0.3, 40.0, reference_equity=50.0, reference_vol=0.4)
    assert ref.asset_vol == pytest.approx(0.4 * 50.0 / 70.0, rel=1e-15)


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.6])
def test_survival_cg2_is_first_passage_of_shifted_brownian_motion(lam):
    cg = CreditGrades(50.0, 0.35, 45.0, recovery_mean=0.6, barrier_std=lam)
    t = np.array([0.0, 0.5, 1.0, 5.0, 20.0])
    ln_d = np.log(cg.asset_value / cg.barrier) + lam**2
    a2 = cg.asset_vol**2 * t + lam**2
    # P(inverse-Gaussian first-passage time > A^2), mean 2 ln d, shape (ln d)^2
    ref = np.where(a2 > 0, stats.invgauss.sf(np.maximum(a2, 1e-300), mu=2 / ln_d,
                                             scale=ln_d**2), 1.0)
    np.testing.assert_allclose(cg.survival(t), ref, rtol=1e-11, atol=1e-14)


def test_survival_at_zero_below_one_only_with_barrier_uncertainty():
    assert CreditGrades(20.0, 0.5, 40.0, barrier_std=0.3).survival(0.0) < 1.0
    assert CreditGrades(20.0, 0.5, 40.0, barrier_std=0.0).survival(0.0) == 1.0


def test_survival_shape_and_scalar():
    cg = CreditGrades(50.0, 0.3, 40.0)
    assert isinstance(cg.survival(1.0), float)
    assert cg.survival(np.ones((2, 3))).shape == (2, 3)
    assert cg.default_probability(2.0) == pytest.approx(1.0 - cg.survival(2.0))


def test_exact_random_barrier_cg5_against_monte_carlo():
    cg = CreditGrades(20.0, 0.45, 40.0, recovery_mean=0.5, barrier_std=0.4)
    t = np.array([0.0, 1.0, 5.0])
    rng = np.random.default_rng(7)
    z = rng.standard_normal(400_000)
    big_l = cg.recovery_mean * np.exp(cg.barrier_std * z - cg.barrier_std**2 / 2)
    x = np.log(cg.asset_value / (big_l * cg.debt_per_share))
    exact = cg.survival_exact(t)
    for ti, ex in zip(t, exact, strict=True):
        samples = survival_gbm(x, cg.asset_vol**2 * ti)  # 0 where L D >= V0
        mean, se = samples.mean(), samples.std(ddof=1) / np.sqrt(len(samples))
        assert abs(ex - mean) <= 3 * se + 1e-12


def test_time_shift_cg2_close_to_exact_cg5_for_moderate_leverage():
    # MODELS_CREDITGRADES.md: CG-2 and CG-5 "typically differ by about 1e-6 to 1e-5"
    cg = CreditGrades(50.0, 0.3, 40.0, recovery_mean=0.5, barrier_std=0.3)
    t = np.array([0.0, 1.0, 5.0, 10.0])
    diff = np.abs(cg.survival_exact(t) - cg.survival(t))
    assert np.max(diff) < 5e-5 and np.max(diff) > 0.0


def test_exact_equals_cg2_without_barrier_uncertainty():
    cg = CreditGrades(30.0, 0.4, 40.0, barrier_std=0.0)
    t = np.array([0.0, 2.0, 7.0])
    np.testing.assert_allclose(cg.survival_exact(t), cg.survival(t), atol=1e-15)


def _cds1_by_quadrature(cg, T, recovery):
    """CDS-1 from Q(t) with scipy quad: (1-R)(1 - e^{-rT}Q(T) - r A)/A, A = int e^{-rt}Q."""
    r = cg.rate
    ann = integrate.quad(lambda t: np.exp(-r * t) * cg.survival(t), 0.0, T, epsabs=1e-14,
                         epsrel=1e-13, limit=200)[0]
    prot = 1.0 - np.exp(-r * T) * cg.survival(T) - r * ann
    return (1.0 - recovery) * prot / ann


@pytest.mark.parametrize("rate", [0.05, 0.0, -0.004, 0.00005, 0.0002, 0.12])
@pytest.mark.parametrize("lam", [0.0, 0.3])
def test_cds_spread_closed_form_equals_continuous_premium_legs(rate, lam):
    cg = CreditGrades(35.0, 0.4, 40.0, recovery_mean=0.5, barrier_std=lam, rate=rate)
    for T in (0.5, 3.0, 10.0):
        assert cg.cds_spread(T, recovery=0.4) == pytest.approx(_cds1_by_quadrature(cg, T, 0.4),
                                                               rel=1e-9)


def test_cds_spread_is_continuous_in_rate_through_zero():
    base = CreditGrades(35.0, 0.4, 40.0, rate=0.0).cds_spread(5.0)
    for r in (1e-7, -1e-7, 0.99e-4, 1.01e-4):
        s = CreditGrades(35.0, 0.4, 40.0, rate=r).cds_spread(5.0)
        assert s == pytest.approx(base, rel=2e-3 * abs(r) / 1e-4 + 1e-9)
    below = CreditGrades(35.0, 0.4, 40.0, rate=0.99999e-4).cds_spread(5.0)
    above = CreditGrades(35.0, 0.4, 40.0, rate=1.00001e-4).cds_spread(5.0)
    assert above == pytest.approx(below, rel=1e-7)  # both branches agree at the switch


def test_cds_spread_zero_lambda_short_maturity_is_tiny_and_positive():
    cg = CreditGrades(100.0, 0.2, 40.0, barrier_std=0.0, rate=0.03)
    s = cg.cds_spread(np.array([0.25, 1.0]))
    assert np.all(s >= 0) and s[0] < 1e-8


def test_cds_spread_matches_generic_cds_with_continuous_limit():
    # sc.CDS with a very high frequency approaches the continuous premium of CG-3
    cg = CreditGrades(35.0, 0.4, 40.0, rate=0.03)
    generic = sc.CDS(5.0, recovery=0.4, frequency=365).par_spread(sc.FlatCurve(0.03), cg)
    assert generic == pytest.approx(cg.cds_spread(5.0, recovery=0.4), rel=1e-4)


def test_to_frame():
    df = CreditGrades(50.0, 0.3, 40.0).to_frame([1, 5, 10])
    assert list(df.columns) == ["survival", "cds_spread_bp"] and len(df) == 3


@settings(max_examples=50, deadline=None)
@given(t1=st.floats(0.0, 30.0), t2=st.floats(0.0, 30.0), debt=st.floats(1.0, 200.0),
       extra=st.floats(0.0, 100.0), lam=st.floats(0.0, 1.0), asset_vol=st.floats(0.05, 1.0))
def test_survival_monotone_in_time_and_leverage(t1, t2, debt, extra, lam, asset_vol):
    lo, hi = sorted((t1, t2))

    def model(d):  # same equity and same asset volatility, debt d (CG-1 inverted)
        return CreditGrades(50.0, asset_vol * (50.0 + 0.5 * d) / 50.0, d, barrier_std=lam)

    cg, more_debt = model(debt), model(debt + extra)
    p_lo, p_hi = cg.survival(lo), cg.survival(hi)
    assert 0.0 <= p_hi <= p_lo + 1e-14 <= 1.0 + 1e-14
    # higher leverage L D / V0 at the same asset volatility: lower survival
    assert more_debt.survival(hi) <= cg.survival(hi) + 1e-12


# --- §I: rejected and accepted inputs ---------------------------------------------------------
@pytest.mark.parametrize("kwargs", [
    dict(equity=0.0), dict(equity=-1.0), dict(equity=np.nan), dict(debt_per_share=0.0),
    dict(recovery_mean=0.0), dict(recovery_mean=-0.5), dict(equity_vol=0.0),
    dict(equity_vol=-0.2), dict(equity_vol=np.inf), dict(barrier_std=-0.1),
    dict(rate=np.nan),
])
def test_invalid_construction_rejected(kwargs):
    args = dict(equity=50.0, equity_vol=0.3, debt_per_share=40.0)
    args.update(kwargs)
    with pytest.raises(InvalidParameterError) as err:
        CreditGrades(**args)
    assert next(iter(kwargs)) in str(err.value)


def test_invalid_calls_rejected():
    cg = CreditGrades(50.0, 0.3, 40.0)
    with pytest.raises(InvalidParameterError, match="t ="):
        cg.survival(-1.0)
    with pytest.raises(InvalidParameterError):
        cg.survival([1.0, np.nan])
    with pytest.raises(InvalidParameterError, match="recovery"):
        cg.cds_spread(5.0, recovery=1.2)
    with pytest.raises(InvalidParameterError, match="recovery"):
        cg.cds_spread(5.0, recovery=-0.1)
    with pytest.raises(InvalidParameterError, match="T ="):
        cg.cds_spread(0.0)
    with pytest.raises(InvalidParameterError, match="T ="):
        cg.cds_spread([1.0, -2.0])
    low_rate = CreditGrades(50.0, 0.3, 40.0, rate=-0.01)  # sigma = 0.214: -sigma^2/8 = -0.0057
    with pytest.raises(InvalidParameterError, match="rate"):
        low_rate.cds_spread(5.0)


def test_valid_degenerate_inputs_accepted():
    cg0 = CreditGrades(50.0, 0.3, 40.0, barrier_std=0.0, rate=0.0)
    assert cg0.survival(0.0) == 1.0
    assert np.isfinite(cg0.cds_spread(5.0))
    neg = CreditGrades(50.0, 0.3, 40.0, rate=-0.002)  # slightly negative rate
    assert neg.cds_spread(5.0) == pytest.approx(_cds1_by_quadrature(neg, 5.0, 0.5), rel=1e-9)
    assert CreditGrades(50.0, 0.3, 40.0).cds_spread(5.0, recovery=1.0) == 0.0
