"""Joint two-firm calibration (seed 000): CDS shortcut vs the CDS pricer, round trip (slow)."""

import numpy as np
import pytest

import stochcredit as sc
from stochcredit import InvalidParameterError
from stochcredit.calibration.multifirm import (
    FirmQuotes,
    build_multifirm,
    calibrate_multifirm,
    model_quotes,
    multifirm_parameter_space,
)

FIRMS = [sc.Firm(40, 50, 0.5), sc.Firm(30, 45, 0.5)]
TRUTH = dict(angle=0.6, lambda0_1=0.06, kappa_1=1.0, theta_1=0.06, sigma_1=0.3, lambda0_2=0.02,
             kappa_2=2.0, theta_2=0.02, sigma_2=0.2)
K = np.array([0.8, 1.0, 1.2] * 2)
T = np.repeat([0.5, 2.0], 3)
MATS = np.array([1.0, 3.0, 5.0, 10.0])


def _quotes(model):
    """Market data from the model: calls from the model, CDS from sc.CDS (adaptive quadrature)."""
    out = []
    for i, f in enumerate(FIRMS):
        m = model.firm(i)
        spreads = [sc.CDS(t, 0.01, recovery=0.4).par_spread(sc.FlatCurve(0.03), m) for t in MATS]
        out.append(FirmQuotes(f.equity * K, T, m.call(f.equity * K, T), MATS, spreads))
    return out


def test_cds_shortcut_matches_cds_pricer_and_parameters_map_to_model():
    model = build_multifirm("pc", FIRMS, 0.03, TRUTH)
    # angle -> eigenvectors: instantaneous correlation of A diag(lambda0) A' (PC-1)
    c, s = np.cos(0.6), np.sin(0.6)
    cov = np.array([[c, -s], [s, c]]) @ np.diag([0.06, 0.02]) @ np.array([[c, -s], [s, c]]).T
    assert model.covariance.instantaneous_correlation() == pytest.approx(
        cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1]), rel=1e-12)
    quotes = _quotes(model)
    for val, q in zip(model_quotes(model, quotes), quotes, strict=True):
        np.testing.assert_allclose(val["cds"], q.cds_spreads, rtol=3e-4)
        np.testing.assert_allclose(val["calls"], q.call_prices, rtol=1e-12)


def test_wishart_space_builds_a_valid_model():
    space = multifirm_parameter_space("wishart")
    x = 0.5 * (space.lower + space.upper)
    model = build_multifirm("wishart", FIRMS, 0.03, x)
    sig0 = np.asarray(model.covariance.sigma0)
    assert sig0[0, 0] == pytest.approx(x[0]) and sig0[1, 1] == pytest.approx(x[1])


def test_invalid_quotes():
    with pytest.raises(InvalidParameterError, match="equal length"):
        FirmQuotes([1.0, 2.0], [1.0], [0.1, 0.2], [5.0], [0.01])
    with pytest.raises(InvalidParameterError, match="cds_spreads"):
        FirmQuotes([1.0], [1.0], [0.1], [5.0, 7.0], [0.01])
    q = FirmQuotes([40.0], [1.0], [50.0], [5.0], [0.01])  # call above spot: no implied vol
    with pytest.raises(InvalidParameterError, match="call_prices"):
        calibrate_multifirm(FIRMS, [q, q], 0.03)
    with pytest.raises(InvalidParameterError, match="covariance"):
        multifirm_parameter_space("gaussian")


@pytest.mark.slow
def test_pc_round_trip_from_a_nearby_start_and_reproducible():
    model = build_multifirm("pc", FIRMS, 0.03, TRUTH)
    quotes = _quotes(model)
    x0 = {k: v * 1.1 if k != "angle" else v for k, v in TRUTH.items()}
    res = calibrate_multifirm(FIRMS, quotes, 0.03, "pc", seed=0, x0=x0)
    assert res.error < 1e-8
    assert isinstance(res.model, sc.MultiFirmCreditGrades)
    again = calibrate_multifirm(FIRMS, quotes, 0.03, "pc", seed=0, x0=x0)
    assert again.params == res.params
