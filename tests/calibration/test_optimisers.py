"""Differential evolution + least-squares polish on toy problems with known answers."""

import numpy as np
import pytest

from stochcredit import InvalidParameterError
from stochcredit.calibration.optimisers import minimise_residuals, scaled_jacobian
from stochcredit.calibration.parameters import Parameter, ParameterSpace
from stochcredit.calibration.results import feller_conditions, flat_directions

T = np.linspace(0.5, 10.0, 10)


def _curve(x):
    """y(t) = a exp(-b t) + c for each row (a, b, c) — vectorised over rows."""
    x = np.atleast_2d(x)
    return x[:, :1] * np.exp(-x[:, 1:2] * T) + x[:, 2:3]


SPACE = ParameterSpace((Parameter("a", 0.01, 10.0, "log"), Parameter("b", 0.01, 5.0, "log"),
                        Parameter("c", -1.0, 1.0)))
TRUE = np.array([2.0, 0.7, 0.3])
MARKET = _curve(TRUE)[0]


def _residuals(x):
    return (_curve(x) - MARKET) / MARKET


def test_recovers_known_parameters_to_round_off():
    out = minimise_residuals(_residuals, SPACE, seed=1)
    assert out.fun < 1e-20
    np.testing.assert_allclose(out.x, TRUE, rtol=1e-8)
    assert out.nfev > 0 and out.nit > 0 and out.seconds >= 0


def test_same_seed_same_result_and_different_seed_runs():
    a = minimise_residuals(_residuals, SPACE, seed=7, polish=False)
    b = minimise_residuals(_residuals, SPACE, seed=7, polish=False)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.nfev == b.nfev


def test_local_only_needs_a_start():
    with pytest.raises(InvalidParameterError, match="x0"):
        minimise_residuals(_residuals, SPACE, global_search=False)
    out = minimise_residuals(_residuals, SPACE, global_search=False, x0=[1.5, 0.5, 0.2])
    np.testing.assert_allclose(out.x, TRUE, rtol=1e-8)


def test_solution_outside_box_ends_at_bound():
    tight = SPACE.with_bounds({"b": (0.01, 0.5)})
    out = minimise_residuals(_residuals, tight, seed=0)
    assert out.x[1] == pytest.approx(0.5)
    assert "b=upper" in tight.at_bound(out.x)


def test_flat_direction_of_a_product_is_found():
    # y = (a * b) t: only the product is identified -> one flat direction loading on a and b
    space = ParameterSpace((Parameter("a", 0.1, 10.0, "log"), Parameter("b", 0.1, 10.0, "log")))
    market = 2.0 * T

    def res(x):
        x = np.atleast_2d(x)
        return (x[:, :1] * x[:, 1:2] * T - market) / market

    out = minimise_residuals(res, space, seed=0)
    assert out.fun < 1e-20
    flats = flat_directions(out.jacobian, space.names)
    assert len(flats) == 1 and set(flats[0]["parameters"]) == {"a", "b"}
    # the identified direction is not flat in the 3-parameter exponential problem
    jac = scaled_jacobian(_residuals, SPACE, TRUE)
    assert flat_directions(jac, SPACE.names) == []


def test_bad_residual_shape_is_reported():
    with pytest.raises(InvalidParameterError, match="shape"):
        minimise_residuals(lambda x: np.zeros(3), SPACE, seed=0, maxiter=1)


def test_feller_conditions_by_factor():
    assert feller_conditions({"kappa": 2.0, "theta": 0.04, "sigma": 0.3}) == {"feller": True}
    got = feller_conditions({"kappa_1": 1.0, "theta_1": 0.01, "sigma_1": 1.0,
                             "kappa_2": 5.0, "theta_2": 0.1, "sigma_2": 0.2})
    assert got == {"feller_1": False, "feller_2": True}


def test_time_limit_returns_best_so_far():
    import time

    def slow(x):
        time.sleep(0.05)
        return _residuals(x)

    out = minimise_residuals(slow, SPACE, seed=0, maxiter=1000, tol=1e-12, time_limit=0.3)
    assert np.isfinite(out.fun) and "time limit reached" in out.message
    assert out.nit < 1000


@pytest.mark.parametrize("local", ["lm", "auto_lm", "auto", "trf"])
def test_fewer_residuals_than_parameters_still_polished(local):
    # 2 quotes, 3 parameters: MINPACK's LM cannot run; the trf polish must still happen
    t2 = T[[0, -1]]

    def res(x):
        x = np.atleast_2d(x)
        y = x[:, :1] * np.exp(-x[:, 1:2] * t2) + x[:, 2:3]
        target = 2.0 * np.exp(-0.7 * t2) + 0.3
        return (y - target) / target

    out = minimise_residuals(res, SPACE, seed=0, popsize=3, maxiter=2, local=local)
    assert out.fun < 1e-16
