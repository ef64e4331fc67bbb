"""One-factor Heston prices vs QuantLib's AnalyticHestonEngine (independent implementation).

Reference: ``ql.AnalyticHestonEngine(model, 1e-14, 100000)`` (Gatheral log form, adaptive
Gauss-Lobatto at 1e-14 relative tolerance); where that does not converge, the Andersen-Piterbarg
form with ``FourierIntegration.gaussLobatto(1e-14, 1e-15, 100000)``. QuantLib's own two
configurations differ by up to ~1e-11 relative at |rho| = 0.999 and QuantLib returns values down
to -1.7e-10 for worthless options, so the reference is clipped at 0 and the bar is
``|ours - ql| <= 1e-10 |ql| + 1e-12 S`` (the absolute floor is for OTM prices below ~1e-2 S,
where QuantLib's integration tolerance is effectively absolute).

The default run checks a 3 x 3 corner of the grid per parameter set; the full grid
(5 maturities x 7 strikes x call/put, ~2 minutes) is marked slow.
"""

import numpy as np
import pytest
from _quantlib_heston import quantlib_heston_price

import stochcredit as sc

S, R, Q = 100.0, 0.02, 0.01
PARAMS = {
    "typical": (0.04, 1.5, 0.04, 0.5, -0.7),
    "feller_violated": (0.09, 0.5, 0.04, 1.0, -0.5),
    "vol_of_vol_2": (0.04, 2.0, 0.06, 2.0, -0.3),
    "rho_plus_0.999": (0.04, 1.0, 0.04, 0.6, 0.999),
    "rho_minus_0.999": (0.04, 1.0, 0.04, 0.6, -0.999),
    "paper_spec_I_factor_1": (0.0581, 1.2017, 0.0524, 0.8968, -0.559),
}
DAYS = [7, 91, 365, 1825, 10950]          # 1 week ... 30 years (Actual/365)
MONEYNESS = np.array([0.25, 0.5, 0.8, 1.0, 1.25, 2.0, 4.0])


def _reference(k, days, p, kind):
    try:
        ref = quantlib_heston_price(S, k, days, R, Q, *p, kind=kind, engine="lobatto")
    except RuntimeError:
        ref = quantlib_heston_price(S, k, days, R, Q, *p, kind=kind, engine="ap")
    return max(ref, 0.0)


def _check(name, days, moneyness, kinds, agreement=None):
    p = PARAMS[name]
    T = days / 365.0
    K = S * np.exp((R - Q) * T) * moneyness
    h = sc.Heston(*p)
    for kind in kinds:
        ours = sc.european_option(S, K, T, R, h, kind=kind, dividend=Q)
        ref = np.array([_reference(k, days, p, kind) for k in K])
        tol = 1e-10 * np.abs(ref) + 1e-12 * S
        assert np.all(np.abs(ours - ref) <= tol), (kind, ours - ref, ref)
        if agreement is not None:
            agreement(f"Heston {kind} prices ({name})",
                      "QuantLib AnalyticHestonEngine (Gauss-Lobatto 1e-14)",
                      float(np.max(np.abs(ours - ref) / tol)), 1.0,
                      unit="multiple of 1e-10 relative + 1e-12 S")


@pytest.mark.parametrize("name", list(PARAMS))
@pytest.mark.parametrize("days", [7, 365, 10950])
def test_heston_prices_match_quantlib(name, days, agreement):
    _check(name, days, np.array([0.5, 1.0, 2.0]), ("call",) if days != 365 else ("put",),
           agreement)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PARAMS))
@pytest.mark.parametrize("days", DAYS)
def test_heston_prices_match_quantlib_full_grid(name, days):
    _check(name, days, MONEYNESS, ("call", "put"))


@pytest.mark.parametrize("name", ["typical", "feller_violated", "paper_spec_I_factor_1"])
def test_gil_pelaez_matches_quantlib(name):
    """The seed's form (H-2): no control variate, ~1e-9 relative with 96 base nodes."""
    p = PARAMS[name]
    for days in (30, 365, 3650):
        T = days / 365.0
        K = S * np.exp((R - Q) * T) * np.array([0.7, 1.0, 1.4])
        ours = sc.european_option(S, K, T, R, sc.Heston(*p), dividend=Q, method="gil_pelaez",
                                  n_nodes=96)
        ref = np.array([_reference(k, days, p, "call") for k in K])
        np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-11 * S)


def test_vectorised_grid_equals_one_by_one():
    h = sc.Heston(*PARAMS["typical"])
    K = np.array([[60.0], [100.0], [150.0]])
    T = np.array([7 / 365, 1.0, 30.0])
    grid = sc.european_option(S, K, T, R, h, dividend=Q)
    assert grid.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            one = sc.european_option(S, K[i, 0], T[j], R, h, dividend=Q)
            assert abs(grid[i, j] - one) <= 1e-12 * S
