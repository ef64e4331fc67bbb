"""CDS-1..CDS-3 from a survival curve (MODELS_CREDITGRADES.md §F).

References: closed forms for a flat hazard rate (geometric sums and exponentials written out here),
the CG-3 closed form (CDS-1 under CG-2), and the generic ``sc.CDS`` (CDS-3 convention, premium
accrued to default) on the same models.
"""

from __future__ import annotations

import numpy as np
import pytest

import stochcredit as sc
from stochcredit import InvalidParameterError
from stochcredit.instruments.structural_cds import structural_cds_legs, structural_cds_spread


class ScaledExponential:
    """Q(t) = q0 exp(-h t): a flat hazard with a jump 1 - q0 at time 0."""

    def __init__(self, h, q0=1.0):
        self.h, self.q0 = h, q0

    def survival(self, t):
        return self.q0 * np.exp(-self.h * np.asarray(t, dtype=float))


@pytest.mark.parametrize("rate", [0.0, 0.04])
@pytest.mark.parametrize("q0", [1.0, 0.97])
def test_flat_hazard_closed_forms(rate, q0):
    h, rec, T = 0.02, 0.4, np.array([1.0, 5.0, 7.0])
    curve = ScaledExponential(h, q0)
    a = rate + h
    ann_cont = q0 * (1 - np.exp(-a * T)) / a
    prot = (1 - q0) + q0 * h * ann_cont / q0
    n = (4 * T).astype(int)
    ann_q = np.array([q0 * 0.25 * np.sum(np.exp(-a * 0.25 * np.arange(1, k + 1))) for k in n])
    np.testing.assert_allclose(structural_cds_spread(curve, T, rate, rec), (1 - rec) * prot
                               / ann_cont, rtol=1e-13)
    np.testing.assert_allclose(structural_cds_spread(curve, T, rate, rec, premium="quarterly"),
                               (1 - rec) * prot / ann_q, rtol=1e-13)
    legs = structural_cds_legs(curve, T, rate)
    np.testing.assert_allclose(legs["protection"], prot, rtol=1e-13)
    if q0 == 1.0:  # the continuous premium of a flat hazard is (1 - R) h exactly
        np.testing.assert_allclose(structural_cds_spread(curve, T, rate, rec), (1 - rec) * h,
                                   rtol=1e-13)


@pytest.mark.parametrize("rate", [0.0, 0.03, -0.002])
def test_cds1_is_the_creditgrades_closed_form(rate):
    cg = sc.CreditGrades(35.0, 0.4, 40.0, barrier_std=0.3, rate=rate)
    T = np.array([0.5, 1.0, 3.0, 5.0, 10.0])
    np.testing.assert_allclose(structural_cds_spread(cg, T, rate, 0.4), cg.cds_spread(T, 0.4),
                               rtol=1e-10)


def test_cds3_agrees_with_generic_cds_on_structural_models():
    models = [sc.CreditGrades(35.0, 0.4, 40.0, barrier_std=0.3, rate=0.03),
              sc.CreditGradesEquity(35.0, 40.0, 0.5, 0.03, sc.Heston(0.06, 1.5, 0.05, 0.8, 0.0),
                                    barrier_std=0.3),
              ScaledExponential(0.03, 0.95)]
    T = np.array([1.0, 2.5, 5.0])
    for m in models:
        ours = structural_cds_spread(m, T, 0.03, 0.4, premium="quarterly_accrual")
        generic = sc.CDS(T, recovery=0.4).par_spread(sc.FlatCurve(0.03), m)
        np.testing.assert_allclose(ours, generic, rtol=1e-8)


def test_conventions_order_and_short_first_period():
    cg = sc.CreditGrades(35.0, 0.4, 40.0, rate=0.03)
    for T in (2.3, 5.0):  # 2.3: first premium period is short (0.05 years)
        c = structural_cds_spread(cg, T, 0.03, premium="continuous")
        q = structural_cds_spread(cg, T, 0.03, premium="quarterly")
        qa = structural_cds_spread(cg, T, 0.03, premium="quarterly_accrual")
        assert q > qa > c > 0  # no accrual: smaller annuity, larger spread
        generic = sc.CDS(T, recovery=0.5).par_spread(sc.FlatCurve(0.03), cg)
        assert qa == pytest.approx(generic, rel=1e-8)


def test_scalar_and_shape():
    cg = sc.CreditGrades(35.0, 0.4, 40.0)
    assert isinstance(structural_cds_spread(cg, 5.0), float)
    assert structural_cds_spread(cg, np.array([[1.0, 2.0], [3.0, 4.0]])).shape == (2, 2)


def test_invalid_inputs_rejected():
    cg = sc.CreditGrades(35.0, 0.4, 40.0)
    with pytest.raises(InvalidParameterError, match="recovery"):
        structural_cds_spread(cg, 5.0, recovery=1.01)
    with pytest.raises(InvalidParameterError, match="recovery"):
        structural_cds_spread(cg, 5.0, recovery=-0.01)
    with pytest.raises(InvalidParameterError, match="T ="):
        structural_cds_spread(cg, 0.0)
    with pytest.raises(InvalidParameterError, match="premium"):
        structural_cds_spread(cg, 5.0, premium="annual")
    with pytest.raises(InvalidParameterError, match="credit"):
        structural_cds_spread(object(), 5.0)
    with pytest.raises(InvalidParameterError, match="rate"):
        structural_cds_spread(cg, 5.0, rate=np.nan)
    assert structural_cds_spread(cg, 5.0, recovery=1.0) == 0.0
