import numpy as np
import pytest

import stochcredit as sc
from stochcredit.core import validation as v
from stochcredit.engines.montecarlo.barrier import bridge_survival


def test_error_is_value_error_naming_parameter_value_and_range():
    with pytest.raises(ValueError) as info:
        v.in_range("recovery", 1.5, 0.0, 1.0, hi_open=True)
    assert isinstance(info.value, sc.InvalidParameterError)
    message = str(info.value)
    assert "recovery" in message and "1.5" in message and "[0, 1)" in message


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc", [1.0, np.nan]])
def test_non_finite_rejected(bad):
    with pytest.raises(sc.InvalidParameterError):
        v.finite("x", bad)


def test_positive_reports_first_offender_in_array():
    with pytest.raises(sc.InvalidParameterError, match="-2"):
        v.positive("t", [1.0, -2.0, 3.0])


def test_bridge_survival_matches_reflection_principle():
    # P(min of a Brownian bridge from a to b over variance s > 0) = 1 - exp(-2ab/s)
    a, b, s = 0.3, 0.2, 0.05
    assert bridge_survival(a, b, s) == pytest.approx(1 - np.exp(-2 * a * b / s), rel=1e-15)
    assert bridge_survival(-0.1, 0.2, 0.05) == 0.0
    assert bridge_survival(0.1, 0.2, 0.0) == 1.0


def test_public_names_resolve():
    assert sc.Estimate(1.0, 0.1).agrees_with(1.2)
    with pytest.raises(AttributeError):
        sc.not_a_name  # noqa: B018
