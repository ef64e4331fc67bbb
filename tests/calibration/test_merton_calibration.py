"""calibrate_merton (seed 002 §4, H-3/H-4): round trips from known parameters, reproducibility,
leverage calibration, diagnostics and validation.

References: Black-Scholes Merton spreads from the closed form (scipy's normal cdf, written here
independently of the library); Heston spreads from ``sc.Merton`` at the paper's Table 4.2
parameters (the round trip checks that the optimiser recovers a zero-error fit).
"""

import json

import numpy as np
import pytest
from scipy.stats import norm

import stochcredit as sc
from stochcredit import InvalidParameterError
from stochcredit.calibration.merton import merton_parameter_space, merton_spreads
from stochcredit.data import path

T10 = np.array([0.5, 1, 2, 3, 4, 5, 6, 7, 8, 10.0])
TABLES = json.loads(path("paper_tables.json").read_text())[
    "calibrated_parameters_tables_4_1_to_4_3"]
LEVERAGE = {"IBM": 0.36, "HP": 0.27, "Chevron": 0.16}  # paper, Figures 4.1-4.3
RATE = 0.0025


def bs_merton_spread(vol, T, asset, debt, r):
    """Merton (1974) closed form: D0 = B e^{-rT} N(d2) + S N(-d1); CS = -ln(D0/B)/T - r."""
    d1 = (np.log(asset / debt) + (r + 0.5 * vol**2) * T) / (vol * np.sqrt(T))
    d2 = d1 - vol * np.sqrt(T)
    d0 = debt * np.exp(-r * T) * norm.cdf(d2) + asset * norm.cdf(-d1)
    return -np.log(d0 / debt) / T - r


def heston_x(firm):
    p = TABLES["heston"][firm]
    return np.array([p["V"], p["alpha"], p["Vbar"], p["sigma"], p["rho"]])


def heston2_x(firm):
    p = TABLES["heston2"][firm]
    return np.array([p[k] for k in ("V1", "alpha1", "Vbar1", "sigma1", "rho1",
                                    "V2", "alpha2", "Vbar2", "sigma2", "rho2")])


def test_vectorised_spreads_agree_with_closed_form_and_merton_object():
    vols = np.array([[0.2], [0.3], [0.5]])
    ours = merton_spreads("black_scholes", vols, T10, 1.0, 0.4, 0.03)
    np.testing.assert_allclose(ours, bs_merton_spread(vols, T10, 1.0, 0.4, 0.03), rtol=1e-9,
                               atol=1e-14)
    x = heston_x("IBM")
    one = sc.Merton(1.0, 0.36, RATE, sc.Heston(*x)).credit_spread(T10)
    np.testing.assert_allclose(merton_spreads("heston", x[None], T10, 1.0, 0.36, RATE)[0], one,
                               rtol=1e-8)


def test_rate_curve_uses_zero_rate_per_maturity():
    curve = sc.ZeroCurve([1.0, 5.0, 10.0], [0.01, 0.03, 0.04])
    got = merton_spreads("black_scholes", [[0.3]], T10, 1.0, 0.4, curve)[0]
    want = bs_merton_spread(0.3, T10, 1.0, 0.4, curve.zero_rate(T10))
    np.testing.assert_allclose(got, want, rtol=1e-9)


@pytest.mark.parametrize("firm", ["IBM", "HP", "Chevron"])
def test_black_scholes_round_trip_table_4_1(firm):
    vol = TABLES["black_scholes"][firm]["V"]  # Table 4.1's V read as a volatility
    spreads = bs_merton_spread(vol, T10, 1.0, LEVERAGE[firm], RATE)
    res = sc.calibrate_merton("black_scholes", T10, spreads, 1.0, LEVERAGE[firm], RATE)
    assert res.error <= 1e-10
    assert res.params["vol"] == pytest.approx(vol, rel=1e-6)
    assert res.identified and res.warnings == []
    # both paths price with the one MERTON_N_NODES quadrature, so they differ only by the
    # order of floating-point operations (population chunks vs one call): 1e-12 relative, and
    # 1e-16 absolute (1e-12 bp) for the 1y spread of 6.9e-10 whose -log1p loses digits
    np.testing.assert_allclose(res.model.credit_spread(T10), res.fitted, rtol=1e-12, atol=1e-16)


def test_heston_polish_from_nearby_start_and_identification_report():
    firm = "HP"
    x = heston_x(firm)
    spreads = merton_spreads("heston", x[None], T10, 1.0, LEVERAGE[firm], RATE)[0]
    start = dict(zip(("v0", "kappa", "theta", "sigma", "rho"), x * [1.2, 0.8, 1.2, 0.9, 0.8],
                     strict=True))
    res = sc.calibrate_merton("heston", T10, spreads, 1.0, LEVERAGE[firm], RATE, seed=0,
                              popsize=2, maxiter=1, n_starts=1, x0=start)
    assert res.error <= 1e-10
    np.testing.assert_allclose(res.fitted, spreads, rtol=1e-4)
    # the diagnostics are a consistent description of the fit
    d = res.diagnostics
    assert set(d["feller"]) == {"feller"}
    assert d["singular_values"].shape == (5,)
    assert all(0 <= f["ratio"] < 1e-3 for f in d["flat_directions"])
    frame = res.to_frame()
    assert list(frame.columns) == ["market", "fitted", "relative_error"]
    np.testing.assert_allclose(frame.index, T10)
    assert frame.attrs["fit_error"] == res.error
    assert isinstance(res.model, sc.Merton)


def test_same_seed_same_result():
    spreads = bs_merton_spread(0.3, T10, 1.0, 0.5, RATE) * (1 + 0.05 * np.sin(T10))
    kw = dict(maturities=T10, spreads=spreads, asset=1.0, debt=0.5, rate=RATE, seed=3,
              popsize=4, maxiter=3, n_starts=1, max_nfev=10)
    a = sc.calibrate_merton("heston", **kw)
    b = sc.calibrate_merton("heston", **kw)
    assert a.params == b.params and a.error == b.error and a.nfev == b.nfev


def test_leverage_calibration_reaches_zero_error():
    spreads = bs_merton_spread(0.25, T10, 1.0, 0.6, RATE)
    res = sc.calibrate_merton("black_scholes", T10, spreads, 1.0, None, RATE,
                              calibrate_leverage=True)
    assert res.error <= 1e-10
    assert res.params["leverage"] == pytest.approx(0.6, rel=1e-4)
    assert res.model.debt == pytest.approx(res.params["leverage"])


def test_paper_bounds_contain_paper_tables():
    for model, key in (("heston", heston_x), ("heston2", heston2_x)):
        space = merton_parameter_space(model)
        for firm in LEVERAGE:
            space.check(key(firm))


def test_invalid_inputs():
    with pytest.raises(InvalidParameterError, match="model"):
        sc.calibrate_merton("cev", T10, T10 * 1e-3, 1.0, 0.5, RATE)
    with pytest.raises(InvalidParameterError, match="spreads"):
        sc.calibrate_merton("black_scholes", [1, 2], [0.01, -0.01], 1.0, 0.5, RATE)
    with pytest.raises(InvalidParameterError, match="maturities"):
        sc.calibrate_merton("black_scholes", [1, 2, 3], [0.01, 0.02], 1.0, 0.5, RATE)
    with pytest.raises(InvalidParameterError, match="debt"):
        sc.calibrate_merton("black_scholes", [1, 2], [0.01, 0.02], 1.0, 0.0, RATE)


@pytest.mark.slow
@pytest.mark.parametrize("firm", ["IBM", "HP", "Chevron"])
def test_heston_round_trip_table_4_2(firm):
    spreads = merton_spreads("heston", heston_x(firm)[None], T10, 1.0, LEVERAGE[firm], RATE)[0]
    res = sc.calibrate_merton("heston", T10, spreads, 1.0, LEVERAGE[firm], RATE, seed=0)
    assert res.error <= 1e-10


@pytest.mark.slow
@pytest.mark.parametrize("firm", ["IBM", "HP", "Chevron"])
def test_heston2_round_trip_table_4_3(firm):
    spreads = merton_spreads("heston2", heston2_x(firm)[None], T10, 1.0, LEVERAGE[firm], RATE)[0]
    res = sc.calibrate_merton("heston2", T10, spreads, 1.0, LEVERAGE[firm], RATE, seed=0)
    assert res.error <= 1e-10
    assert res.params["kappa_1"] <= res.params["kappa_2"]


@pytest.mark.parametrize("model,x", [("black_scholes", np.array([0.3])),
                                     ("heston", None), ("heston2", None)])
def test_exact_jacobian_matches_differences_of_spreads(model, x):
    from stochcredit.calibration.merton import merton_spreads_jacobian

    x = {"heston": heston_x("HP"), "heston2": heston2_x("Chevron")}.get(model, x)
    spread, jac = merton_spreads_jacobian(model, x, T10, 1.0, 0.3, RATE)
    np.testing.assert_allclose(spread, merton_spreads(model, x[None], T10, 1.0, 0.3, RATE)[0],
                               rtol=1e-12, atol=1e-17)
    for j in range(x.size):
        h = 1e-4 * abs(x[j])
        f = lambda e: merton_spreads(model, (x + e * np.eye(x.size)[j])[None], T10, 1.0,  # noqa
                                     0.3, RATE)[0]
        d = lambda s, f=f: (f(s) - f(-s)) / (2 * s)  # noqa: E731
        ref = (4 * d(h / 2) - d(h)) / 3
        np.testing.assert_allclose(jac[:, j], ref, rtol=1e-6, atol=1e-6 * np.abs(ref).max())


def test_leverage_column_of_the_exact_jacobian():
    from stochcredit.calibration.merton import merton_spreads_jacobian

    x = np.append(heston_x("IBM"), 0.4)
    _, jac = merton_spreads_jacobian("heston", x, T10, 1.0, 0.3, RATE)
    h = 1e-5
    f = lambda e: merton_spreads("heston", (x + e * np.eye(6)[5])[None], T10, 1.0, 0.3,  # noqa
                                 RATE)[0]
    np.testing.assert_allclose(jac[:, 5], (f(h) - f(-h)) / (2 * h), rtol=1e-6)


def test_analytic_and_difference_jacobians_reach_the_same_fit():
    spreads = merton_spreads("heston", heston_x("IBM")[None], T10, 1.0, LEVERAGE["IBM"], RATE)[0]
    a = sc.calibrate_merton("heston", T10, spreads, 1.0, LEVERAGE["IBM"], RATE, seed=0)
    assert a.error <= 1e-10
    b = sc.calibrate_merton("heston", T10, spreads, 1.0, LEVERAGE["IBM"], RATE, seed=0)
    assert a.params == b.params    # deterministic for a seed
    # the diagnostics' Jacobian (exact) has the singular values of the difference Jacobian
    c = sc.calibrate_merton("heston", T10, spreads, 1.0, LEVERAGE["IBM"], RATE, seed=0,
                            jacobian="fd")
    assert c.error <= 1e-10
    np.testing.assert_allclose(a.diagnostics["singular_values"][:3],
                               c.diagnostics["singular_values"][:3], rtol=1e-3)
