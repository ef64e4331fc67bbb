"""Curves: interpolation rules of API.md "Curves", validation, and invariants (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stochcredit as sc


def test_flat_curve_discount_and_zero_rate():
    c = sc.FlatCurve(0.03)
    t = np.array([0.0, 0.5, 1.0, 7.3])
    np.testing.assert_allclose(c.discount(t), np.exp(-0.03 * t), rtol=1e-15)
    np.testing.assert_allclose(c.zero_rate(t), 0.03, rtol=1e-15)
    assert isinstance(c.discount(2.0), float)
    assert c.discount(t.reshape(2, 2)).shape == (2, 2)
    assert sc.FlatCurve(-0.01).discount(1.0) > 1.0  # negative rates are fine


def test_zero_curve_interpolation_is_linear_in_rt_with_flat_ends():
    times, rates = np.array([1.0, 2.0, 5.0]), np.array([0.01, 0.02, 0.03])
    c = sc.ZeroCurve(times, rates)
    # at pillars
    np.testing.assert_allclose(c.zero_rate(times), rates, rtol=1e-14)
    # flat zero rate before the first pillar
    np.testing.assert_allclose(c.zero_rate([0.0, 0.3, 0.9]), 0.01, rtol=1e-14)
    # linear r*t between pillars (hand formula)
    t = 3.2
    w = (t - 2.0) / 3.0
    rt = (1 - w) * 0.04 + w * 0.15
    assert c.discount(t) == pytest.approx(np.exp(-rt), rel=1e-15)
    # flat forward beyond the last pillar = the last segment's forward
    f_last = (0.15 - 0.04) / 3.0
    assert c.discount(9.0) == pytest.approx(np.exp(-0.15 - f_last * 4.0), rel=1e-15)
    assert c.forward_rate(6.0, 8.0) == pytest.approx(f_last, rel=1e-13)
    assert c.instantaneous_forward(1.5) == pytest.approx(0.03, rel=1e-13)
    np.testing.assert_allclose(c.forwards, [0.01, 0.03, f_last], rtol=1e-13)


def test_hazard_curve_conventions():
    h = sc.HazardCurve([1.0, 5.0], [0.01, 0.02])
    # hazards[i] on (times[i-1], times[i]]; last extends flat
    np.testing.assert_array_equal(h.hazard([0.0, 0.5, 1.0, 1.0001, 5.0, 30.0]),
                                  [0.01, 0.01, 0.01, 0.02, 0.02, 0.02])
    assert h.survival(3.0) == pytest.approx(np.exp(-(0.01 + 2 * 0.02)), rel=1e-15)
    assert h.survival(0.0) == 1.0
    assert h.default_probability(1e-9) == pytest.approx(1e-11, rel=1e-9)  # no cancellation
    f = sc.FlatHazardCurve(0.02)
    assert f.survival(2.0) == pytest.approx(np.exp(-0.04), rel=1e-15)
    assert sc.FlatHazardCurve(hazard=0.02).hazard(7.0) == 0.02
    df = h.to_frame()
    assert list(df.columns) == ["time", "hazard", "survival"]


@pytest.mark.parametrize("make, match", [
    (lambda: sc.FlatCurve(np.nan), "rate"),
    (lambda: sc.ZeroCurve([1.0, 1.0], [0.01, 0.02]), r"times\[1\]"),
    (lambda: sc.ZeroCurve([0.0, 1.0], [0.01, 0.02]), "times"),
    (lambda: sc.ZeroCurve([1.0, 2.0], [0.01]), "zero_rates"),
    (lambda: sc.HazardCurve([1.0, 2.0], [0.01, -0.02]), r"hazards\[1\]"),
    (lambda: sc.HazardCurve([1.0, 2.0], [0.01, np.inf]), "hazards"),
    (lambda: sc.FlatHazardCurve(-0.1), "hazard"),
    (lambda: sc.FlatCurve(0.01).discount(-1.0), "t"),
    (lambda: sc.FlatHazardCurve(0.01).survival([1.0, np.nan]), "t"),
    (lambda: sc.FlatCurve(0.01).forward_rate(2.0, 1.0), "t2"),
])
def test_invalid_input_raises_named_error(make, match):
    with pytest.raises(sc.InvalidParameterError, match=match):
        make()


hazard_lists = st.lists(st.floats(0.0, 5.0), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(hazards=hazard_lists, data=st.data())
def test_survival_in_unit_interval_and_non_increasing(hazards, data):
    gaps = data.draw(st.lists(st.floats(0.01, 5.0), min_size=len(hazards),
                              max_size=len(hazards)))
    times = np.cumsum(gaps)
    curve = sc.HazardCurve(times, hazards)
    t = np.sort(np.concatenate([np.linspace(0, times[-1] * 1.5, 50), times]))
    q = curve.survival(t)
    assert np.all((q >= 0) & (q <= 1))
    assert np.all(np.diff(q) <= 0)
    np.testing.assert_allclose(q + curve.default_probability(t), 1.0, rtol=0, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(rates=st.lists(st.floats(-0.05, 0.2), min_size=1, max_size=6), data=st.data())
def test_zero_curve_reproduces_pillars_and_is_continuous(rates, data):
    gaps = data.draw(st.lists(st.floats(0.05, 5.0), min_size=len(rates), max_size=len(rates)))
    times = np.cumsum(gaps)
    c = sc.ZeroCurve(times, rates)
    np.testing.assert_allclose(c.discount(times), np.exp(-np.asarray(rates) * times),
                               rtol=1e-13)
    eps = 1e-9
    np.testing.assert_allclose(c.discount(times - eps), c.discount(times + eps), rtol=1e-6)
