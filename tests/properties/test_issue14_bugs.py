"""Regression tests for the specific library bugs listed in issue 14 (each checked against an
independent reference: repricing by the CDS legs, or a closed-form statement)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stochcredit as sc


def test_bootstrap_unattainable_quote_raises_naming_tenor():
    # 0.1 at 3y after 0.5 at 2y needs a negative forward hazard: the par spread of the 3y CDS
    # with zero forward hazard after 2y is ~0.49 (repriced below), far above 0.1.
    disc = sc.FlatCurve(0.03)
    zero_fwd = sc.HazardCurve([1, 2, 3, 5], [2.4767, 2.4767, 0.0, 0.0])
    assert sc.CDS(3, recovery=0.8, frequency=1).par_spread(disc, zero_fwd) > 0.4
    with pytest.raises(sc.InvalidParameterError, match="tenor 3y"):
        sc.bootstrap_hazard_curve([1, 2, 3, 5], [0.5, 0.5, 0.1, 0.1], disc, recovery=0.8,
                                  frequency=1)


@settings(max_examples=50, deadline=None)
@given(hz=st.lists(st.floats(1e-4, 3.0), min_size=1, max_size=5),
       rec=st.floats(0.0, 0.95), freq=st.sampled_from([1, 2, 4, 12]),
       rate=st.floats(-0.02, 0.1))
def test_distressed_bootstrap_reprices_every_quote(hz, rec, freq, rate):
    """Quotes from a (possibly distressed, up to 300% hazard) curve are repriced by the result.

    Cumulative hazard stays <= 15: beyond, later quotes hardly depend on their own hazard.
    """
    mats = np.arange(1, len(hz) + 1, dtype=float)
    disc = sc.FlatCurve(rate)
    truth = sc.HazardCurve(mats, np.asarray(hz))
    quotes = [sc.CDS(t, recovery=rec, frequency=freq).par_spread(disc, truth) for t in mats]
    curve = sc.bootstrap_hazard_curve(mats, quotes, disc, recovery=rec, frequency=freq)
    back = [sc.CDS(t, recovery=rec, frequency=freq).par_spread(disc, curve) for t in mats]
    np.testing.assert_allclose(back, quotes, rtol=1e-12, atol=0)


@pytest.mark.parametrize("call", [
    lambda: sc.CDS(5.0, frequency=1e30),
    lambda: sc.CDS(5.0, frequency=366),
    lambda: sc.CDS(5.0, frequency=0),
    lambda: sc.CDS(maturity=1e9).par_spread(sc.FlatCurve(0.03), sc.FlatHazardCurve(0.02)),
    lambda: sc.Bond(5.0, 0.03, 1.0, frequency=float("inf")),
    lambda: sc.Bond(1e6, 0.03, 1.0),
    lambda: sc.bootstrap_hazard_curve([1, 500], [0.01, 0.01], sc.FlatCurve(0.0)),
    lambda: sc.bootstrap_hazard_curve([1, 5], [0.01, 0.01], sc.FlatCurve(0.0), frequency=1e9),
])
def test_schedule_sizes_are_bounded(call):
    with pytest.raises(sc.InvalidParameterError):
        call()


def test_largest_schedule_matches_continuous_credit_triangle():
    # flat hazard h, accrual on default: as frequency -> inf the par spread -> (1 - R) h exactly;
    # daily payments over the longest accepted maturity are within h / (2 * 365) relative
    from stochcredit.core.validation import MAX_FREQUENCY, MAX_MATURITY

    s = sc.CDS(MAX_MATURITY, frequency=MAX_FREQUENCY).par_spread(sc.FlatCurve(0.03),
                                                               sc.FlatHazardCurve(0.02))
    assert abs(float(s) / (0.6 * 0.02) - 1) < 1e-4


@pytest.mark.parametrize("params", [(0.00928, 0.516, 0.0845, 1.0), (0.01, 1.5, 0.001, 2.0),
                                    (0.04, 0.5, 0.04, 1.2)])
@pytest.mark.parametrize("rho", [1.0, -1.0])
def test_heston_char_fn_at_unit_correlation(params, rho):
    """Martingale: phi(-i, t) = 1 exactly; and |rho| = 1 is the continuous limit of |rho| < 1."""
    model = sc.Heston(*params, rho)
    near = sc.Heston(*params, rho * (1 - 1e-9))
    for t in (0.5, 10.0, 50.0):
        np.testing.assert_allclose(model.char_fn(-1j, t), 1.0, rtol=0, atol=1e-12)
        u = np.linspace(-20, 20, 41)[:, None] - 1j * np.array([0.0, 0.5, 1.0])
        a, b = model.char_fn(u, t), near.char_fn(u, t)
        assert np.isfinite(a).all()
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)  # |d rho| = 1e-9 moves phi O(1e-7)


def test_joint_survival_refuses_huge_grids_before_allocating():
    import tracemalloc

    tracemalloc.start()
    with pytest.raises(sc.InvalidParameterError, match="x1, x2"):
        sc.joint_survival_constant_correlation(0.5, 10000.0, 0.25, 0.3, 0.4, 5.0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 500e6
