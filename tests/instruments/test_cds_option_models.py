"""CDS-option prices of the five models against independent references.

References: direct quadrature of each law's density (scipy.stats pdf; for the Gamma-exponential
mixture a quadrature over the exponential scale of the Gamma call), QuantLib's Black formula and
BlackCdsOptionEngine, put–call parity, and the numbers printed in seed 001.
"""

import numpy as np
import pytest
from scipy import integrate, special, stats

import stochcredit as sc
from stochcredit.instruments.cds_options import (
    bachelier,
    black,
    gamma,
    gamma_exponential,
    inverse_gaussian,
)
from stochcredit.instruments.cds_options.parameters import gamma_exponential_parameters

MODELS = ["black", "bachelier", "gamma", "inverse_gaussian", "gamma_exponential"]
# MODELS.md §3 laws of F_T with mean m and st.dev. s (Black: total lognormal vol s), built here
# from scipy.stats independently of the library's parameter mapping
DIST = {
    "black": lambda m, w: stats.lognorm(s=w, scale=m * np.exp(-0.5 * w * w)),
    "bachelier": lambda m, s: stats.norm(m, s),
    "gamma": lambda m, s: stats.gamma((m / s) ** 2, scale=s * s / m),
    "inverse_gaussian": lambda m, s: stats.invgauss((s / m) ** 2, scale=m ** 3 / s ** 2),
}
LIBRARY_DIST = {"black": black.distribution, "bachelier": bachelier.distribution,
                "gamma": gamma.distribution, "inverse_gaussian": inverse_gaussian.distribution}


@pytest.mark.parametrize("model", ["bachelier", "gamma", "inverse_gaussian"])
def test_laws_have_the_matched_mean_and_std(model):
    for dist in (DIST[model](0.014, 0.006), LIBRARY_DIST[model](0.014, 0.006)):
        assert dist.mean() == pytest.approx(0.014, rel=1e-12)
        assert dist.std() == pytest.approx(0.006, rel=1e-12)
    lib = LIBRARY_DIST["black"](0.014, 0.5)
    assert lib.mean() == pytest.approx(0.014, rel=1e-12)


def _quad_price(model, m, s, k, kind):
    """E[(X-K)+] or E[(K-X)+] by adaptive quadrature of the scipy.stats density."""
    if model == "gamma_exponential":
        a, lam = gamma_exponential_parameters(m, s)

        def conditional(b):  # Gamma(a, scale b) call/put times the Exp(lam) density of b
            x = k / b
            if kind == "payer":
                v = a * b * special.gammaincc(a + 1, x) - k * special.gammaincc(a, x)
            else:
                v = k * special.gammainc(a, x) - a * b * special.gammainc(a + 1, x)
            return v * lam * np.exp(-lam * b)

        pieces = [0.0, k / (a + 1), 1 / lam, 5 / lam, 40 / lam, np.inf]
        pieces = sorted(set(pieces))
        return sum(integrate.quad(conditional, lo, hi, epsabs=0, epsrel=1e-13, limit=400)[0]
                   for lo, hi in zip(pieces[:-1], pieces[1:], strict=True))
    d = DIST[model](m, s)
    lo = -np.inf if model == "bachelier" else 0.0
    mu, sd = d.mean(), d.std()
    grid = np.array([lo, mu - 3 * sd, mu, k, mu + 3 * sd, mu + 10 * sd, np.inf])
    grid = np.unique(grid[grid >= lo])
    if kind == "payer":
        grid = grid[grid >= k]
        f = lambda x: (x - k) * d.pdf(x)  # noqa: E731
    else:
        grid = grid[grid <= k]
        f = lambda x: (k - x) * d.pdf(x)  # noqa: E731
    return sum(integrate.quad(f, lo_, hi_, epsabs=0, epsrel=1e-13, limit=400)[0]
               for lo_, hi_ in zip(grid[:-1], grid[1:], strict=True))


CASES = [  # (forward, strike, expiry, vol) -- absolute vol except Black
    (0.014, 0.014, 3.0, None), (0.014, 0.010, 2.0, None), (0.014, 0.020, 1.0, None),
    (0.030, 0.025, 5.0, None), (0.0080, 0.0125, 0.5, None),
]


def _vol(model, f, t, cv):
    """A vol giving coefficient of variation cv of F_T (Black: lognormal vol of similar size)."""
    if model == "black":
        return np.sqrt(np.log1p(cv ** 2) / t)
    return cv * f / np.sqrt(t)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["payer", "receiver"])
@pytest.mark.parametrize("case", CASES)
def test_price_matches_quadrature_of_density(model, kind, case, agreement):
    f, k, t, _ = case
    cv = 1.6 if model == "gamma_exponential" else 0.45
    vol = _vol(model, f, t, cv)
    annuity = 3.7
    ours = sc.cds_option_price(f, k, t, annuity, vol, model=model, kind=kind)
    s = vol * np.sqrt(t)
    ref = annuity * _quad_price(model, f, s, k, kind)
    assert ours == pytest.approx(ref, rel=1e-9)
    agreement(f"CDS option premium, {model}", "quadrature of the density",
              abs(ours / ref - 1), 1e-9)


@pytest.mark.parametrize("model", ["gamma", "inverse_gaussian", "gamma_exponential"])
@pytest.mark.parametrize("cv", [0.05, 0.2, 1.05, 3.0])
def test_price_matches_quadrature_over_volatility_range(model, cv):
    if model == "gamma_exponential" and cv <= 1:
        cv = 1.0 + cv  # the mixture needs s/m > 1
    f, t = 0.02, 2.0
    vol = cv * f / np.sqrt(t)
    for k in (0.6 * f, f, 1.5 * f):
        ours = sc.cds_option_price(f, k, t, 1.0, vol, model=model)
        assert ours == pytest.approx(_quad_price(model, f, vol * np.sqrt(t), k, "payer"),
                                     rel=1e-9)


@pytest.mark.parametrize("model", MODELS)
def test_put_call_parity_for_every_model(model):
    rng = np.random.default_rng(4)
    f = rng.uniform(0.005, 0.05, 50)
    k = f * rng.uniform(0.3, 2.5, 50)
    t = rng.uniform(0.25, 5, 50)
    ann = rng.uniform(0.5, 4.5, 50)
    drift = rng.uniform(-0.001, 0.001, 50)
    m = f + drift * t
    vol = _vol(model, m, t, 1.7 if model == "gamma_exponential" else 0.4)
    pay = sc.cds_option_price(f, k, t, ann, vol, model=model, kind="payer", drift=drift)
    rec = sc.cds_option_price(f, k, t, ann, vol, model=model, kind="receiver", drift=drift)
    np.testing.assert_allclose(pay - rec, ann * (m - k), rtol=0, atol=1e-15)


def test_black_matches_quantlib_black_formula():
    ql = pytest.importorskip("QuantLib")
    f, t, ann = 0.0137, 2.5, 3.3
    for k in (0.006, 0.0137, 0.025):
        for vol in (0.1, 0.45, 1.2):
            std = vol * np.sqrt(t)
            for kind, typ in (("payer", ql.Option.Call), ("receiver", ql.Option.Put)):
                ref = ann * ql.blackFormula(typ, k, f, std)
                assert sc.cds_option_price(f, k, t, ann, vol, kind=kind) == pytest.approx(
                    ref, rel=1e-12)


def test_bachelier_matches_quantlib_bachelier_formula():
    ql = pytest.importorskip("QuantLib")
    f, t, ann = 0.0137, 2.5, 3.3
    for k in (-0.002, 0.006, 0.0137, 0.025):
        for vol in (0.001, 0.006):
            std = vol * np.sqrt(t)
            for kind, typ in (("payer", ql.Option.Call), ("receiver", ql.Option.Put)):
                ref = ann * ql.bachelierBlackFormula(typ, k, f, std)
                got = sc.cds_option_price(f, k, t, ann, vol, model="bachelier", kind=kind)
                assert got == pytest.approx(ref, rel=1e-12, abs=1e-18)


def _quantlib_cds_option(ql, kind, knockout, hazard=0.025, rate=0.03, vol=0.4, strike=0.016):
    today = ql.Date(15, 1, 2024)
    ql.Settings.instance().evaluationDate = today
    dc = ql.Actual365Fixed()
    yts = ql.YieldTermStructureHandle(ql.FlatForward(today, rate, dc))
    dts = ql.DefaultProbabilityTermStructureHandle(
        ql.FlatHazardRate(today, ql.QuoteHandle(ql.SimpleQuote(hazard)), dc))
    expiry = today + 3 * 365  # 3.0 years in Actual/365F
    sched = ql.Schedule(expiry, expiry + ql.Period(2, ql.Years), ql.Period(ql.Quarterly),
                        ql.NullCalendar(), ql.Unadjusted, ql.Unadjusted,
                        ql.DateGeneration.Forward, False)
    side = ql.Protection.Buyer if kind == "payer" else ql.Protection.Seller
    cds = ql.CreditDefaultSwap(side, 1.0, strike, sched, ql.Unadjusted, dc)
    cds.setPricingEngine(ql.MidPointCdsEngine(dts, 0.4, yts))
    option = ql.CdsOption(cds, ql.EuropeanExercise(expiry), knockout)
    option.setPricingEngine(ql.BlackCdsOptionEngine(dts, 0.4, yts,
                                                    ql.QuoteHandle(ql.SimpleQuote(vol))))
    return option, dc.yearFraction(today, expiry)


@pytest.mark.parametrize("kind", ["payer", "receiver"])
@pytest.mark.parametrize("strike", [0.010, 0.016, 0.022])
def test_black_matches_quantlib_black_cds_option_engine(kind, strike, agreement):
    """Same forward (QuantLib's atmRate) and annuity (its riskyAnnuity): the knock-out values
    agree to rounding. QuantLib's vol time is the yield curve's Act/365F year fraction."""
    ql = pytest.importorskip("QuantLib")
    option, t = _quantlib_cds_option(ql, kind, True, strike=strike)
    fwd, ann = option.atmRate(), abs(option.riskyAnnuity())
    ours = sc.cds_option_price(fwd, strike, t, ann, 0.4, kind=kind)
    assert ours == pytest.approx(option.NPV(), rel=1e-12)
    agreement("Black CDS option premium", "QuantLib BlackCdsOptionEngine",
              abs(ours / option.NPV() - 1), 1e-12)


def test_non_knockout_payer_adds_quantlibs_front_end_protection():
    ql = pytest.importorskip("QuantLib")
    ko, t = _quantlib_cds_option(ql, "payer", True)
    nko, _ = _quantlib_cds_option(ql, "payer", False)
    opt = sc.CDSOption(expiry=t, maturity=t + 2, strike=0.016, knockout=False)
    fep = opt.front_end_protection(sc.FlatCurve(0.03), sc.FlatHazardCurve(0.025))
    assert fep == pytest.approx(nko.NPV() - ko.NPV(), rel=1e-12)


def test_seed_numbers_gamma_and_inverse_gaussian_with_annuity_from_black():
    """Seed 001: 3Y option on 2Y CDS, K = x0 = 1.4%; Black (sigma 28%) premium 0.0122312 gives
    the unprinted annuity; Gamma and IG (vol 0.00415 absolute) premiums then match the seed."""
    ann = 0.0122312 / sc.cds_option_price(0.014, 0.014, 3.0, 1.0, 0.28)
    assert 4.55 < ann < 4.57
    gamma_premium = sc.cds_option_price(0.014, 0.014, 3.0, ann, 0.00415, model="gamma")
    ig_premium = sc.cds_option_price(0.014, 0.014, 3.0, ann, 0.00415, model="inverse_gaussian")
    assert gamma_premium == pytest.approx(0.0127924, abs=6e-8)
    assert ig_premium == pytest.approx(0.0123451, abs=6e-8)


def test_seed_gamma_exponential_inputs_are_outside_the_model_domain():
    """The seed's vol 0.004 gives s = 0.0069 < m = 0.014: a = -2.65, lambda = -189; no law."""
    with pytest.raises(sc.InvalidParameterError, match="vol"):
        sc.cds_option_price(0.014, 0.014, 3.0, 4.56, 0.004, model="gamma_exponential")


def test_gamma_exponential_density_and_moments():
    m, s = 0.014, 0.03
    x = np.array([1e-4, 0.005, 0.014, 0.05])
    a, lam = gamma_exponential_parameters(m, s)

    def gamma_pdf(xi, b):  # Gamma(a, scale b) density times the Exp(lam) density of b
        return np.exp((a - 1) * np.log(xi) - xi / b - special.gammaln(a) - a * np.log(b)
                      + np.log(lam) - lam * b)

    mix = [integrate.quad(lambda b, xi=xi: gamma_pdf(xi, b), 0, np.inf, epsrel=1e-12,
                          limit=400)[0] for xi in x]
    np.testing.assert_allclose(gamma_exponential.pdf(x, m, s), mix, rtol=1e-8)
    mean = integrate.quad(lambda y: y * gamma_exponential.pdf(y, m, s), 0, np.inf, limit=400)[0]
    second = integrate.quad(lambda y: y * y * gamma_exponential.pdf(y, m, s), 0, np.inf,
                            limit=400)[0]
    assert mean == pytest.approx(m, rel=1e-8)
    assert np.sqrt(second - mean ** 2) == pytest.approx(s, rel=1e-7)
    sf = integrate.quad(lambda y: gamma_exponential.pdf(y, m, s), 0.02, np.inf, limit=400)[0]
    assert gamma_exponential.sf(0.02, m, s) == pytest.approx(sf, rel=1e-8)


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_gamma_exponential_large_shape_uses_quadrature_fallback():
    m, t = 0.02, 1.0
    s = m * np.sqrt(1 + 2 / 2000.0)  # a = 2000: kve overflows
    ours = sc.cds_option_price(m, [0.5 * m, m, 1.2 * m], t, 1.0, s, model="gamma_exponential")
    ref = [_quad_price("gamma_exponential", m, s, k, "payer") for k in (0.5 * m, m, 1.2 * m)]
    np.testing.assert_allclose(ours, ref, rtol=1e-8)


def test_broadcasting_and_scalar_output():
    out = sc.cds_option_price(0.014, np.array([[0.01], [0.014]]), [1.0, 2.0, 3.0], 4.0, 0.3)
    assert out.shape == (2, 3)
    assert isinstance(sc.cds_option_price(0.014, 0.014, 1.0, 4.0, 0.3), float)
    for model in MODELS:
        vol = 0.02 if model == "gamma_exponential" else 0.3 if model == "black" else 0.004
        grid = sc.cds_option_price(0.014, [0.01, 0.014], 2.0, 4.0, vol, model=model)
        single = [sc.cds_option_price(0.014, k, 2.0, 4.0, vol, model=model) for k in (0.01, 0.014)]
        np.testing.assert_allclose(grid, single, rtol=1e-15)


@pytest.mark.parametrize("model", ["black", "bachelier", "gamma", "inverse_gaussian"])
def test_zero_vol_or_expiry_gives_intrinsic_value(model):
    pay = sc.cds_option_price(0.014, [0.01, 0.02], [0.0, 1.0], 2.0, [0.3, 0.0], model=model)
    np.testing.assert_allclose(pay, [2.0 * 0.004, 0.0])


def test_nonpositive_strike_is_always_exercised_for_positive_laws():
    for model in ["black", "gamma", "inverse_gaussian"]:
        vol = 0.3 if model == "black" else 0.004
        assert sc.cds_option_price(0.014, 0.0, 2.0, 2.0, vol, model=model) == pytest.approx(0.028)
        assert sc.cds_option_price(0.014, -0.01, 2.0, 2.0, vol, model=model,
                                   kind="receiver") == 0.0


@pytest.mark.parametrize("model", ["black", "gamma", "inverse_gaussian", "gamma_exponential"])
def test_positive_laws_reject_nonpositive_mean(model):
    with pytest.raises(sc.InvalidParameterError, match="forward"):
        sc.cds_option_price(-0.001, 0.01, 1.0, 1.0, 0.5, model=model)
    with pytest.raises(sc.InvalidParameterError, match="drift"):
        sc.cds_option_price(0.01, 0.01, 1.0, 1.0, 0.5, model=model, drift=-0.02)


def test_bachelier_allows_negative_forward():
    assert sc.cds_option_price(-0.001, 0.0, 1.0, 1.0, 0.002, model="bachelier") > 0


@pytest.mark.parametrize("bad", [
    dict(forward=np.nan), dict(strike=np.inf), dict(expiry=-1.0), dict(annuity=-0.1),
    dict(vol=-0.2), dict(model="heston"), dict(kind="straddle"),
])
def test_bad_input_raises_named_error(bad):
    args = dict(forward=0.014, strike=0.014, expiry=1.0, annuity=1.0, vol=0.3)
    args.update(bad)
    name = next(iter(bad))
    with pytest.raises(sc.InvalidParameterError, match=name):
        sc.cds_option_price(**args)


def test_shape_mismatch_raises():
    with pytest.raises(sc.InvalidParameterError, match="broadcast"):
        sc.cds_option_price([0.01, 0.02], [0.01, 0.02, 0.03], 1.0, 1.0, 0.3)
