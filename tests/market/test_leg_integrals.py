"""Leg integrals: the phi functions, the schedule, exact vs quadrature vs compiled paths."""

from fractions import Fraction

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.market import leg_integrals as L
from stochcredit.market.leg_kernels import _phi2 as phi2_compiled


def _phi2_rational(y: float) -> float:
    """Exact rational series sum_n (-y)^n / (n! (n+2)) (80 terms) - an independent reference."""
    y = Fraction(y)
    term, acc = Fraction(1), Fraction(1, 2)
    for n in range(1, 80):
        term = term * (-y) / n
        acc += term / (n + 2)
    return float(acc)


@pytest.mark.parametrize("y", [0.0, 1e-12, -1e-8, 1e-4, 0.05, 0.0999, 0.1, 0.1001, -0.3, 0.7,
                               3.0, -2.5, 12.0])
def test_phi2_series_and_closed_form(y):
    ref = _phi2_rational(y)
    assert L.phi2(np.array([y]))[0] == pytest.approx(ref, rel=2e-15)
    assert phi2_compiled(y) == pytest.approx(ref, rel=2e-15)


def test_phi1_limit():
    np.testing.assert_allclose(L.phi1(np.array([0.0, 1e-10, 1.0])),
                               [1.0, 1 - 5e-11, 1 - np.exp(-1.0)], rtol=1e-15)


def test_schedule_has_short_first_period_and_ends_at_maturity():
    s = L.premium_schedule(np.array([1.1, 2.0]), np.array([0.0, 0.5]), 4)
    first = s.owner == 0
    np.testing.assert_allclose(np.sort(s.end[first]), [0.1, 0.35, 0.6, 0.85, 1.1], rtol=1e-14)
    np.testing.assert_allclose(np.sort(s.begin[first]), [0.0, 0.1, 0.35, 0.6, 0.85], atol=1e-14)
    second = s.owner == 1
    assert second.sum() == 6
    assert s.begin[second].min() == 0.5


CURVES = [
    (sc.FlatCurve(0.03), sc.FlatHazardCurve(0.02)),
    (sc.FlatCurve(0.0), sc.FlatHazardCurve(0.0)),      # lambda = 0 limit
    (sc.FlatCurve(-0.02), sc.FlatHazardCurve(0.02)),    # lambda = 0 with h > 0
    (sc.ZeroCurve([0.5, 2, 7], [0.01, -0.005, 0.02]),
     sc.HazardCurve([1, 3, 5, 10], [0.01, 0.05, 0.02, 0.03])),
    (sc.ZeroCurve([0.25, 1.3], [0.05, 0.04]), sc.HazardCurve([0.7, 2.2], [0.8, 0.3])),
]


@pytest.mark.parametrize("discount, credit", CURVES)
def test_exact_matches_adaptive_quadrature(discount, credit):
    mats = np.array([0.1, 0.9, 3.0, 5.25, 12.0])
    starts = np.array([0.0, 0.0, 1.0, 0.3, 2.0])
    a = L.cds_leg_integrals(mats, starts, 4, discount, credit, method="exact")
    b = L.cds_leg_integrals(mats, starts, 4, discount, credit, method="quadrature")
    for x, y in [(a.protection, b.protection), (a.premium, b.premium),
                 (a.accrual_on_default, b.accrual_on_default)]:
        np.testing.assert_allclose(x, y, rtol=1e-11, atol=1e-17)


@pytest.mark.parametrize("discount, credit", CURVES)
def test_compiled_kernel_matches_numpy_closed_forms(discount, credit):
    rng = np.random.default_rng(1)
    mats = rng.uniform(0.05, 15, 300)
    starts = np.where(rng.uniform(size=300) < 0.3, rng.uniform(0, 0.9, 300) * mats, 0.0)
    starts[:5] = [0.5, 1.0, 3.0, 0.25, 7.0]  # on pillars and period boundaries
    mats[:5] = [1.0, 2.0, 5.0, 10.0, 12.0]
    a = L._exact(L.premium_schedule(mats, starts, 4), starts, discount.piecewise_flat,
                 credit.piecewise_flat)
    b = L._exact_compiled(mats, starts, 4, discount.piecewise_flat, credit.piecewise_flat)
    np.testing.assert_allclose(a.protection, b.protection, rtol=1e-13, atol=1e-18)
    np.testing.assert_allclose(a.premium, b.premium, rtol=1e-13)
    np.testing.assert_allclose(a.accrual_on_default, b.accrual_on_default, rtol=1e-13,
                               atol=1e-18)


def test_exact_method_refuses_smooth_curves():
    class Smooth:
        def survival(self, t):
            return np.exp(-0.02 * np.asarray(t) ** 1.5)

    with pytest.raises(sc.InvalidParameterError, match="method"):
        L.cds_leg_integrals(np.array([5.0]), np.array([0.0]), 4, sc.FlatCurve(0.01), Smooth(),
                            method="exact")


def test_bad_survival_values_are_reported():
    class Broken:
        def survival(self, t):
            return np.full(np.shape(t), np.nan)

    with pytest.raises(sc.InvalidParameterError, match="survival"):
        sc.CDS(5.0).par_spread(sc.FlatCurve(0.01), Broken())


def test_quadrature_chunks_give_identical_results(monkeypatch):
    class Smooth:
        def survival(self, t):
            return np.exp(-0.02 * np.asarray(t, dtype=float) ** 1.2)

    mats = np.linspace(0.3, 7.0, 23)
    starts = np.zeros(mats.size)
    whole = L.cds_leg_integrals(mats, starts, 4, sc.FlatCurve(0.02), Smooth())
    monkeypatch.setattr(L, "_CHUNK_PERIODS", 9)
    chunked = L.cds_leg_integrals(mats, starts, 4, sc.FlatCurve(0.02), Smooth())
    np.testing.assert_allclose(chunked.protection, whole.protection, rtol=1e-14)
    np.testing.assert_allclose(chunked.risky_annuity, whole.risky_annuity, rtol=1e-14)


def test_non_vectorised_survival_is_reported():
    class Scalar:
        def survival(self, t):
            return 0.9

    with pytest.raises(sc.InvalidParameterError, match="broadcast"):
        sc.CDS(5.0).par_spread(sc.FlatCurve(0.01), Scalar())
