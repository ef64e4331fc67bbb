"""A DiscountCurve as ``rate``: the price at T uses P(0, T) (deterministic rates)."""

from __future__ import annotations

import numpy as np
import pytest

import stochcredit as sc

pytestmark = pytest.mark.filterwarnings("error")

CURVE = sc.ZeroCurve([0.5, 2.0, 5.0, 10.0], [0.01, 0.018, 0.025, 0.03])
T = np.array([0.25, 1.0, 3.0, 7.0, 12.0])
DYN = sc.Heston(0.04, 1.5, 0.04, 0.5, -0.7)


def _flat_rates(t):
    return -np.log(CURVE.discount(t)) / t


def test_merton_curve_equals_flat_at_zero_rate():
    curved = sc.Merton(1.0, 0.6, CURVE, DYN)
    for j, t in enumerate(T):
        flat = sc.Merton(1.0, 0.6, float(_flat_rates(t)), DYN)
        assert curved.credit_spread(T)[j] == pytest.approx(flat.credit_spread(t), rel=1e-12)
        assert curved.debt_value(T)[j] == pytest.approx(flat.debt_value(t), rel=1e-12)
        assert curved.default_probability(T)[j] == pytest.approx(flat.default_probability(t),
                                                                 rel=1e-12)


def test_european_option_and_spreads_with_curve():
    got = sc.european_option(100.0, 90.0, T, CURVE, DYN, kind="put")
    want = [sc.european_option(100.0, 90.0, t, float(_flat_rates(t)), DYN, kind="put")
            for t in T]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    cs = sc.merton_credit_spreads(T, 1.0, 0.6, CURVE, DYN)
    np.testing.assert_allclose(cs, [sc.merton_credit_spreads(t, 1.0, 0.6, float(_flat_rates(t)),
                                                             DYN) for t in T], rtol=1e-12)


def test_calibration_model_reproduces_fitted_with_curve():
    mats = np.array([1.0, 3.0, 5.0, 7.0, 10.0])
    market = sc.Merton(1.0, 0.4, CURVE, sc.BlackScholes(0.25)).credit_spread(mats)
    res = sc.calibrate_merton("black_scholes", mats, market, asset=1.0, debt=0.4, rate=CURVE)
    np.testing.assert_allclose(res.model.credit_spread(mats), res.fitted, rtol=1e-10)
    assert res.params["vol"] == pytest.approx(0.25, rel=1e-6)
