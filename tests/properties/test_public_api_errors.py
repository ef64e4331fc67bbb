"""Random calls over some public constructors: valid input gives finite results, anything else
raises InvalidParameterError (no TypeError, OverflowError, hang or silent NaN escapes)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import stochcredit as sc

anything = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**9),
                     st.text(max_size=3), st.none(), st.lists(st.floats(-1, 1), max_size=3))


def _call_or_invalid(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except sc.InvalidParameterError:
        return None


@settings(max_examples=50, deadline=None)
@given(a=anything, b=anything)
def test_constructors_raise_only_invalid_parameter(a, b):
    _call_or_invalid(sc.FlatCurve, a)
    _call_or_invalid(sc.FlatHazardCurve, a)
    _call_or_invalid(sc.ZeroCurve, a, b)
    _call_or_invalid(sc.HazardCurve, a, b)
    _call_or_invalid(sc.CDS, a, frequency=b)
    _call_or_invalid(sc.Bond, a, 0.03, 1.0, frequency=b)
    _call_or_invalid(sc.CIR, a, 1.0, 0.04, b)


@settings(max_examples=50, deadline=None)
@given(T=st.floats(0.01, 200.0), freq=st.integers(1, 365), h=st.floats(0.0, 5.0),
       r=st.floats(-0.05, 0.2), R=st.floats(0.0, 0.99))
def test_valid_cds_inputs_give_finite_spreads(T, freq, h, r, R):
    s = sc.CDS(T, recovery=R, frequency=freq).par_spread(sc.FlatCurve(r), sc.FlatHazardCurve(h))
    assert np.isfinite(s) and s >= 0
