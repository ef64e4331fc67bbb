"""ParameterSpace: bounds, log transforms, conversions and validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stochcredit import InvalidParameterError
from stochcredit.calibration.parameters import Parameter, ParameterSpace


def _space():
    return ParameterSpace((Parameter("kappa", 1e-2, 25.0, "log"), Parameter("rho", -1.0, 1.0),
                           Parameter("v0", 1e-4, 5.0, "log")))


@settings(max_examples=50, deadline=None)
@given(st.floats(1e-2, 25.0), st.floats(-1.0, 1.0), st.floats(1e-4, 5.0))
def test_internal_external_round_trip(kappa, rho, v0):
    space = _space()
    x = np.array([kappa, rho, v0])
    y = space.to_internal(x)
    assert y[0] == pytest.approx(np.log(kappa)) and y[1] == rho
    np.testing.assert_allclose(space.to_external(y), x, rtol=1e-14)
    lo, hi = np.array(space.internal_bounds).T
    assert np.all(y >= lo - 1e-12) and np.all(y <= hi + 1e-12)


def test_population_shape_is_kept():
    space = _space()
    pop = np.tile([1.0, 0.0, 0.04], (7, 1))
    assert space.to_external(space.to_internal(pop)).shape == (7, 3)


def test_dict_conversions_and_bound_checks():
    space = _space()
    d = {"kappa": 2.0, "rho": -0.5, "v0": 0.04}
    np.testing.assert_array_equal(space.from_dict(d), [2.0, -0.5, 0.04])
    assert space.to_dict([2.0, -0.5, 0.04]) == d
    with pytest.raises(InvalidParameterError, match="rho"):
        space.from_dict({**d, "rho": 1.5})
    with pytest.raises(InvalidParameterError, match="missing v0"):
        space.from_dict({"kappa": 2.0, "rho": 0.0})


def test_at_bound_reports_side():
    space = _space()
    assert space.at_bound([25.0, 0.0, 1e-4]) == ["kappa=upper", "v0=lower"]
    assert space.at_bound([1.0, -1.0, 0.04]) == ["rho=lower"]
    assert space.at_bound([1.0, 0.0, 0.04]) == []


def test_invalid_parameters_raise():
    with pytest.raises(InvalidParameterError, match="upper"):
        Parameter("a", 1.0, 1.0)
    with pytest.raises(InvalidParameterError, match="lower"):
        Parameter("a", 0.0, 1.0, "log")
    with pytest.raises(InvalidParameterError, match="transform"):
        Parameter("a", 0.1, 1.0, "sqrt")
    with pytest.raises(InvalidParameterError, match="unique"):
        ParameterSpace((Parameter("a", 0, 1), Parameter("a", 0, 2)))
    with pytest.raises(InvalidParameterError, match="shape"):
        _space().to_external([1.0, 2.0])


def test_with_bounds_and_extended():
    space = _space().with_bounds({"kappa": (0.1, 10.0)})
    assert space["kappa"].upper == 10.0 and space["kappa"].transform == "log"
    bigger = space.extended([Parameter("leverage", 0.02, 0.98)])
    assert bigger.names[-1] == "leverage" and len(bigger) == 4
    with pytest.raises(InvalidParameterError, match="bounds"):
        space.with_bounds({"nope": (0, 1)})
