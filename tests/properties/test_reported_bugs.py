"""Regression tests for issue 14's validation bugs (each used to hang, overflow or allocate GiB)."""

import numpy as np
import pytest

import stochcredit as sc


def test_cds_frequency_above_daily_is_refused():
    with pytest.raises(sc.InvalidParameterError, match="frequency"):
        sc.CDS(5.0, frequency=1e30)
    assert sc.CDS(5.0, frequency=365).frequency == 365
    with pytest.raises(sc.InvalidParameterError, match="frequency"):
        sc.CDS(5.0, frequency=float("inf"))


def test_cds_absurd_maturity_is_refused_not_hung():
    with pytest.raises(sc.InvalidParameterError, match="maturity"):
        sc.CDS(maturity=1e9)


def test_bond_infinite_frequency_is_invalid_parameter():
    with pytest.raises(sc.InvalidParameterError, match="frequency"):
        sc.Bond(5.0, 0.03, 1.0, frequency=float("inf"))


def test_joint_survival_refuses_before_allocating():
    with pytest.raises(sc.InvalidParameterError, match="cap"):
        sc.joint_survival_constant_correlation(0.5, 10000.0, 0.25, 0.3, 0.4, 5.0)
    # typical input still works and is a probability
    q = sc.joint_survival_constant_correlation(0.5, 0.6, 0.25, 0.3, 0.4, [1.0, 5.0])
    assert np.all((q >= 0) & (q <= 1)) and q[1] <= q[0]


@pytest.mark.parametrize("params", [(0.00928, 0.516, 0.0845, 1.0, 1.0),
                                    (0.04, 0.5, 0.04, 2.0, 0.9), (0.04, 0.5, 0.04, 1.0, -1.0)])
@pytest.mark.parametrize("t", [0.5, 50.0])
def test_heston_char_fn_is_one_at_minus_i_when_rho_sigma_exceeds_kappa(params, t):
    # E[exp(X_t)] = 1 for the martingale log-return, whatever the parameters
    value = sc.Heston(*params).char_fn(-1j, t)
    assert abs(value - 1.0) < 1e-12


def _little_trap(u, t, v0, kappa, theta, sigma, rho):
    """Albrecher et al. (2007) 'little Heston trap' form, written independently of heston.py."""
    xi = kappa - rho * sigma * 1j * u
    d = np.sqrt(xi * xi + sigma * sigma * (u * u + 1j * u))
    g2 = (xi - d) / (xi + d)
    e = np.exp(-d * t)
    c = kappa * theta / sigma**2 * ((xi - d) * t - 2.0 * np.log((1.0 - g2 * e) / (1.0 - g2)))
    dd = (xi - d) / sigma**2 * (1.0 - e) / (1.0 - g2 * e)
    return np.exp(c + dd * v0)


@pytest.mark.parametrize("u", [0.3, 1.7, 0.5 - 0.4j, -0.9j])
def test_heston_char_fn_in_the_cancelling_branch_matches_little_trap(u):
    params = (0.04, 0.3, 0.05, 1.2, 0.8)  # rho sigma = 0.96 > kappa: beta + d cancels near u = -i
    got = sc.Heston(*params).char_fn(u, 2.0)
    ref = _little_trap(u, 2.0, *params)
    assert abs(got - ref) < 1e-12 * max(1.0, abs(ref))


def test_distressed_bootstrap_reprices_every_quote():
    # issue 14: the compiled secant step overshot to h = -121 and stopped on the step size
    mats, quotes = [1, 2, 3, 5], [0.5, 0.5, 0.1, 0.1]
    disc = sc.FlatCurve(0.03)
    try:
        curve = sc.bootstrap_hazard_curve(mats, quotes, disc, recovery=0.8, frequency=1)
    except sc.InvalidParameterError as exc:  # allowed: the tenor must be named
        assert "tenor" in str(exc)
        return
    assert np.all(curve.hazards >= 0)
    model = [sc.CDS(m, recovery=0.8, frequency=1).par_spread(disc, curve) for m in mats]
    np.testing.assert_allclose(model, quotes, rtol=1e-9)


def test_bond_without_cashflows_is_refused():
    with pytest.raises(sc.InvalidParameterError, match="maturity"):
        sc.Bond(1e-12, 0.03, 1.0)
    times, amounts = sc.Bond(0.5, 0.04, 1.0).cashflows()
    np.testing.assert_allclose(amounts, [1.02])


def test_ragged_input_raises_invalid_parameter_naming_it():
    with pytest.raises(sc.InvalidParameterError, match="times"):
        sc.HazardCurve([1.0, [1.0, 2.0]], [0.1, 0.02])
