"""Greeks and implied volatility of CDS options.

Greeks are checked against 5-point finite differences of an *independent* price: QuantLib's
Black/Bachelier formulas, and the quadrature of each law's density for the Gamma, IG and
Gamma-exponential laws (test_cds_option_models._quad_price) — never our own closed form.
Black's analytic Greeks are also checked against QuantLib's BlackCalculator.
"""

import numpy as np
import pytest
from test_cds_option_models import _quad_price

import stochcredit as sc

MODELS = ["black", "bachelier", "gamma", "inverse_gaussian", "gamma_exponential"]


def _reference_price(model, kind, f, k, t, ann, vol):
    """QuantLib's Black / Bachelier formulas; density quadrature for the other laws."""
    s = vol * np.sqrt(t)
    if model in ("black", "bachelier"):
        import QuantLib as ql

        typ = ql.Option.Call if kind == "payer" else ql.Option.Put
        formula = ql.blackFormula if model == "black" else ql.bachelierBlackFormula
        return ann * formula(typ, k, f, s)
    return ann * _quad_price(model, f, s, k, kind)


def _five_point(fun, x, h):
    """First and second derivatives by 5-point stencils (errors O(h^4))."""
    fm2, fm1, f0, fp1, fp2 = (fun(x + j * h) for j in (-2, -1, 0, 1, 2))
    first = (fm2 - 8 * fm1 + 8 * fp1 - fp2) / (12 * h)
    second = (-fm2 + 16 * fm1 - 30 * f0 + 16 * fp1 - fp2) / (12 * h * h)
    return first, second


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["payer", "receiver"])
@pytest.mark.parametrize("moneyness", [1.0, pytest.param(0.8, marks=pytest.mark.slow),
                                       pytest.param(1.3, marks=pytest.mark.slow)])
def test_greeks_match_finite_differences_of_quadrature_price(model, kind, moneyness):
    f, t, ann = 0.015, 2.0, 3.1
    k = moneyness * f
    cv = {"black": None, "gamma_exponential": 1.5}.get(model, 0.4)
    vol = 0.35 if model == "black" else cv * f / np.sqrt(t)
    g = sc.cds_option_greeks(f, k, t, ann, vol, model=model, kind=kind)
    s = vol * np.sqrt(t)
    h = 0.02 * s if model != "black" else 0.02 * f * s
    delta, gamma = _five_point(lambda x: _reference_price(model, kind, x, k, t, ann, vol), f, h)
    vega, _ = _five_point(lambda v: _reference_price(model, kind, f, k, t, ann, v), vol, 0.02 * vol)
    theta, _ = _five_point(lambda tt: _reference_price(model, kind, f, k, tt, ann, vol), t, 0.02)
    assert g["delta"] == pytest.approx(delta, rel=1e-6, abs=1e-9)
    assert g["gamma"] == pytest.approx(gamma, rel=1e-5)
    assert g["vega"] == pytest.approx(vega, rel=1e-6)
    assert g["theta"] == pytest.approx(-theta, rel=1e-5)


def test_black_greeks_match_quantlib_black_calculator():
    ql = pytest.importorskip("QuantLib")
    f, t, ann, vol = 0.0125, 1.75, 2.4, 0.42
    for k in (0.008, 0.0125, 0.02):
        for kind, typ in (("payer", ql.Option.Call), ("receiver", ql.Option.Put)):
            calc = ql.BlackCalculator(ql.PlainVanillaPayoff(typ, k), f, vol * np.sqrt(t), 1.0)
            g = sc.cds_option_greeks(f, k, t, ann, vol, kind=kind)
            assert g["delta"] == pytest.approx(ann * calc.deltaForward(), rel=1e-12)
            assert g["gamma"] == pytest.approx(ann * calc.gammaForward(), rel=1e-12)
            assert g["vega"] == pytest.approx(ann * calc.vega(t), rel=1e-12)


def test_seed_black_delta_and_vega_formulas():
    """Seed 001: Delta = A (1 + Erf[(t s^2 - 2 log k + 2 log x0)/(2 sqrt2 sqrt t s)])/2 and
    Vega = A sqrt(k t x0) exp(-(t^2 s^4 + 4 (log k - log x0)^2)/(8 t s^2)) / sqrt(2 pi)."""
    from scipy.special import erf

    a, t, x0, k, s = 4.56, 3.0, 0.014, 0.0125, 0.28
    delta = 0.5 * (1 + erf((t * s * s - 2 * np.log(k) + 2 * np.log(x0))
                           / (2 * np.sqrt(2) * np.sqrt(t) * s))) * a
    vega = (np.exp(-(t ** 2 * s ** 4 + 4 * (np.log(k) - np.log(x0)) ** 2) / (8 * t * s * s))
            * np.sqrt(k) * np.sqrt(t) * np.sqrt(x0) * a / np.sqrt(2 * np.pi))
    g = sc.cds_option_greeks(x0, k, t, a, s)
    assert g["delta"] == pytest.approx(delta, rel=1e-13)
    assert g["vega"] == pytest.approx(vega, rel=1e-13)


def test_greeks_vectorise():
    k = np.array([0.01, 0.014, 0.02])
    for model in MODELS:
        vol = 0.03 if model == "gamma_exponential" else 0.3 if model == "black" else 0.004
        g = sc.cds_option_greeks(0.014, k, 2.0, 3.0, vol, model=model)
        for key in ("delta", "gamma", "vega", "theta"):
            assert g[key].shape == (3,)
            single = sc.cds_option_greeks(0.014, k[1], 2.0, 3.0, vol, model=model)[key]
            assert g[key][1] == pytest.approx(single, rel=1e-12)


def test_greeks_at_zero_vol_and_the_strike_raise():
    """Zero vol is the deterministic limit; at the strike its gamma is infinite."""
    with pytest.raises(sc.InvalidParameterError, match="vol"):
        sc.cds_option_greeks(0.014, 0.014, 2.0, 3.0, 0.0)


def test_greeks_near_gamma_exponential_domain_boundary():
    """s barely above m: bumps shrink to stay inside the domain; still match quadrature."""
    f, t = 0.01, 1.0
    vol = 1.02 * f
    g = sc.cds_option_greeks(f, f, t, 1.0, vol, model="gamma_exponential")
    h = 0.002 * f
    delta, _ = _five_point(lambda x: _quad_price("gamma_exponential", x, vol, f, "payer"), f, h)
    assert g["delta"] == pytest.approx(delta, rel=1e-5)


# --- implied volatility -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["payer", "receiver"])
def test_implied_vol_round_trip(kind):
    rng = np.random.default_rng(7)
    f = rng.uniform(0.003, 0.06, 400)
    k = f * np.exp(rng.uniform(-1.0, 1.0, 400))
    t = rng.uniform(0.1, 5, 400)
    vol = rng.uniform(0.05, 1.5, 400)
    ann = rng.uniform(0.2, 4.5, 400)
    price = sc.cds_option_price(f, k, t, ann, vol, kind=kind)
    # keep prices carrying at least 1e-9 relative time value (otherwise vol is not identified)
    intrinsic = ann * np.maximum(f - k if kind == "payer" else k - f, 0)
    keep = price - intrinsic > 1e-9 * price
    got = sc.implied_black_vol(price[keep], f[keep], k[keep], t[keep], ann[keep], kind=kind)
    np.testing.assert_allclose(got, vol[keep], rtol=1e-8)


def test_implied_vol_matches_quantlib():
    ql = pytest.importorskip("QuantLib")
    f, k, t, ann = 0.014, 0.017, 3.0, 4.2
    price = 0.0051
    std = ql.blackFormulaImpliedStdDev(ql.Option.Call, k, f, price / ann, 1.0, 0.0, 0.2, 1e-14,
                                       200)
    assert sc.implied_black_vol(price, f, k, t, ann) == pytest.approx(std / np.sqrt(t), rel=1e-10)


def test_implied_vol_of_seed_premium_is_28_percent():
    ann = 0.0122312 / sc.cds_option_price(0.014, 0.014, 3.0, 1.0, 0.28)
    assert sc.implied_black_vol(0.0122312, 0.014, 0.014, 3.0, ann) == pytest.approx(0.28,
                                                                                   rel=1e-12)


@pytest.mark.parametrize("price,kind", [(-1e-4, "payer"), (0.0140 * 2.0, "payer"),
                                        (0.013 * 2.0 + 1e-6, "receiver"), (0.001, "payer")])
def test_implied_vol_out_of_bounds_raises(price, kind):
    # forward 0.014, strike 0.013, annuity 2: payer in [0.002, 0.028), receiver in [0, 0.026)
    with pytest.raises(sc.InvalidParameterError, match="price"):
        sc.implied_black_vol(price, 0.014, 0.013, 1.0, 2.0, kind=kind)


def test_implied_vol_of_intrinsic_value_is_zero():
    assert sc.implied_black_vol(0.0, 0.014, 0.02, 1.0, 2.0) == 0.0


def test_implied_vol_bracketed_fallback(monkeypatch):
    """Elements the Newton phase leaves unconverged go to the bracketed Chandrupatla solver."""
    from stochcredit.instruments.cds_options import implied_vol

    original = implied_vol._newton

    def newton_one_step(*args, **kwargs):
        w, _ = original(*args, max_iter=1)
        return w, np.zeros(w.shape, dtype=bool)

    monkeypatch.setattr(implied_vol, "_newton", newton_one_step)
    k = np.array([0.008, 0.014, 0.03])
    price = sc.cds_option_price(0.014, k, 2.0, 3.0, [0.2, 0.5, 0.9])
    np.testing.assert_allclose(sc.implied_black_vol(price, 0.014, k, 2.0, 3.0), [0.2, 0.5, 0.9],
                               rtol=1e-10)


@pytest.mark.parametrize("model", MODELS)
def test_greeks_with_drift_match_finite_differences_of_closed_form(model):
    """With a drift the mean moves with expiry: theta picks up -drift * delta. The closed form
    itself is validated against density quadrature in test_cds_option_models."""
    f, k, t, ann, mu = 0.012, 0.013, 1.5, 2.0, 0.002
    vol = {"black": 0.4, "gamma_exponential": 0.02}.get(model, 0.005)
    g = sc.cds_option_greeks(f, k, t, ann, vol, model=model, kind="receiver", drift=mu)

    def price(x=f, v=vol, tt=t):
        return sc.cds_option_price(x, k, tt, ann, v, model=model, kind="receiver", drift=mu)

    delta, gamma = _five_point(lambda x: price(x=x), f, 1e-3 * f)
    vega, _ = _five_point(lambda v: price(v=v), vol, 1e-3 * vol)
    dvdt, _ = _five_point(lambda tt: price(tt=tt), t, 1e-3)
    assert g["delta"] == pytest.approx(delta, rel=1e-7)
    assert g["gamma"] == pytest.approx(gamma, rel=1e-5)
    assert g["vega"] == pytest.approx(vega, rel=1e-7)
    assert g["theta"] == pytest.approx(-dvdt, rel=1e-6)


@pytest.mark.parametrize("model", MODELS)
def test_greek_signs_and_bounds(model):
    rng = np.random.default_rng(12)
    f = rng.uniform(0.005, 0.03, 200)
    k = f * np.exp(rng.uniform(-0.8, 0.8, 200))
    t = rng.uniform(0.25, 4.0, 200)
    cv = rng.uniform(1.1, 2.5, 200) if model == "gamma_exponential" else rng.uniform(0.1, 0.8, 200)
    vol = np.sqrt(np.log1p(cv ** 2) / t) if model == "black" else cv * f / np.sqrt(t)
    pay = sc.cds_option_greeks(f, k, t, 1.5, vol, model=model)
    rec = sc.cds_option_greeks(f, k, t, 1.5, vol, model=model, kind="receiver")
    tol = 1e-7
    assert np.all((pay["delta"] >= -tol) & (pay["delta"] <= 1.5 + tol))
    np.testing.assert_allclose(pay["delta"] - rec["delta"], 1.5, rtol=1e-6)  # parity
    # finite-difference Greeks: error relative to the largest gamma of the set (~1e-8)
    np.testing.assert_allclose(pay["gamma"], rec["gamma"], rtol=1e-5,
                               atol=1e-7 * np.abs(pay["gamma"]).max())
    np.testing.assert_allclose(pay["vega"], rec["vega"], rtol=1e-6, atol=1e-12)
    assert np.all(pay["gamma"] >= -1e-6 * np.abs(pay["gamma"]).max())
    assert np.all(pay["vega"] >= -1e-12)
