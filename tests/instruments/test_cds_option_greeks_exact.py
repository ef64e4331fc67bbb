"""CDS-option Greeks of the Gamma, inverse Gaussian and Gamma-exponential laws against exact
derivatives of the density-quadrature price: ``∂/∂θ E[(F − K)^+] = ∫ (x − K)^+ ∂f(x; θ)/∂θ dx``
with the score ``∂ ln f/∂θ`` written out by hand and the integral by ``scipy.integrate.quad``
(``epsrel = 1e-13``) in the physical variable, independent of the library's graded Gauss rule and
of its chain rule through the Mills ratio / incomplete gamma closed forms. The Gamma-exponential
reference integrates over both mixture variables (the exponential scale in closed form)."""

import warnings

import numpy as np
import pytest
from scipy import integrate, special, stats

import stochcredit as sc

RTOL = 1e-8


def _quad(fun, pieces):
    pieces = sorted(set(pieces))
    with warnings.catch_warnings():   # quad's round-off notices at 1e-13 are not failures here
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        return sum(integrate.quad(fun, lo, hi, epsabs=0, epsrel=1e-13, limit=500)[0]
                   for lo, hi in zip(pieces[:-1], pieces[1:], strict=True))


def _scores(model, m, s, x):
    """(l_m, l_mm + l_m^2, l_s) of the log-density at x (so f_mm = f (l_mm + l_m^2))."""
    if model == "inverse_gaussian":  # l = 1.5 ln m - ln s - ln(2 pi x^3)/2 - m (x-m)^2/(2 s^2 x)
        lm = 1.5 / m - (x - m) * (x - 3 * m) / (2 * s * s * x)
        lmm = -1.5 / m ** 2 + (4 * x - 6 * m) / (2 * s * s * x)
        ls = -1.0 / s + m * (x - m) ** 2 / (s ** 3 * x)
        return lm, lmm + lm * lm, ls
    a, b = (m / s) ** 2, s * s / m     # l = (a-1) ln x - x/b - ln G(a) - a ln b
    la = np.log(x) - special.digamma(a) - np.log(b)
    lm = 2 * m / s ** 2 * la - x / s ** 2 + m / s ** 2
    lmm = 2 / s ** 2 * la + 2 * m / s ** 2 * (-special.polygamma(1, a) * 2 * m / s ** 2
                                               + 1 / m) + 1 / s ** 2
    ls = -2 * m * m / s ** 3 * la + 2 * x * m / s ** 3 - 2 * m * m / s ** 3
    return lm, lmm + lm * lm, ls


def _reference(model, m, s, k, kind):
    """(P_m, P_mm, P_s) under the integral sign, on the out-of-the-money side of the strike (the
    other side by exact parity, payer - receiver = m - K)."""
    if model == "gamma_exponential":
        return _reference_mixture(m, s, k, kind)
    law = (stats.invgauss(m * s * s / m ** 3, scale=m ** 3 / (s * s)) if model == "inverse_gaussian"
           else stats.gamma((m / s) ** 2, scale=s * s / m))
    side = "payer" if k >= m else "receiver"
    hi = m + 60 * s + 160 * s * s / m         # both tails decay at rate >= m/(2 s^2)
    pieces = [0.0, k, m, m - s, m + s, m + 5 * s, m + 15 * s, m + 40 * s * s / m, hi]
    pieces = [p for p in pieces if (p >= k if side == "payer" else p <= k) and p >= 0]
    pay = (lambda x: x - k) if side == "payer" else (lambda x: k - x)
    out = [_quad(lambda x, j=j: pay(x) * law.pdf(x) * _scores(model, m, s, x)[j], pieces)
           for j in range(3)]
    if side != kind:
        out[0] += 1.0 if kind == "payer" else -1.0
    return tuple(out)


def _reference_mixture(m, s, k, kind):
    """F = B G, B ~ Exp(lam), G ~ Gamma(a, 1); E over B in closed form, over G by quad.

    With l = ln lam - lam b + (a-1) ln g - g - ln G(a): l_lam = 1/lam - b, l_a = ln g - psi(a),
    and for fixed g, c = K/g: int_c^inf (b g - K) b^n lam e^{-lam b} db in closed form."""
    e = s * s - m * m
    a, lam = 2 * m * m / e, 2 * m / e
    a_m, a_s = 4 * m / e + 4 * m ** 3 / e ** 2, -4 * m * m * s / e ** 2
    a_mm = 4 / e + 20 * m * m / e ** 2 + 16 * m ** 4 / e ** 3
    l_m, l_s = 2 / e + 4 * m * m / e ** 2, -4 * m * s / e ** 2
    l_mm = 12 * m / e ** 2 + 16 * m ** 3 / e ** 3

    def moments(g):   # E_B[(Bg - K)^+ B^n], n = 0, 1, 2
        c = k / g
        ec = np.exp(-lam * c)
        # int_0^inf g t lam e^{-lam (c+t)} (c+t)^n dt
        m0 = g * ec / lam
        m1 = g * ec * (c / lam + 2 / lam ** 2)
        m2 = g * ec * (c * c / lam + 4 * c / lam ** 2 + 6 / lam ** 3)
        return m0, m1, m2

    def integrand(g, which):
        m0, m1, m2 = moments(g)
        w = np.log(g) - special.digamma(a)
        s_l0 = m0 / lam - m1                          # E[payoff l_lam]
        s_ll = m0 / lam ** 2 - 2 * m1 / lam + m2 - m0 / lam ** 2   # E[payoff (l_lam^2 + l_ll)]
        if which == 0:   # P_m
            val = w * m0 * a_m + s_l0 * l_m
        elif which == 1:  # P_mm = E[payoff (l_mm + l_m^2)]
            val = ((w * w - special.polygamma(1, a)) * m0 * a_m ** 2 + 2 * w * s_l0 * a_m * l_m
                   + s_ll * l_m ** 2 + w * m0 * a_mm + s_l0 * l_mm)
        else:
            val = w * m0 * a_s + s_l0 * l_s
        return val * stats.gamma.pdf(g, a)

    g_law = stats.gamma(a)
    pieces = [0.0, g_law.ppf(1e-6), g_law.ppf(0.5), g_law.isf(1e-6), g_law.isf(1e-40)]
    out = [_quad(lambda g, j=j: integrand(g, j), pieces) for j in range(3)]
    if kind == "receiver":
        out[0] -= 1.0
    return tuple(out)


CASES = [(model, kind, cv, km)
         for model in ("gamma", "inverse_gaussian", "gamma_exponential")
         for kind in ("payer", "receiver")
         for cv in ((1.1, 1.5, 3.0) if model == "gamma_exponential" else (0.05, 0.3, 1.0, 2.0))
         for km in (0.3, 0.8, 1.0, 1.25, 3.0)]


@pytest.mark.parametrize("model,kind,cv,km", CASES)
def test_greeks_match_derivatives_under_the_integral(model, kind, cv, km):
    f, t, ann, mu = 0.015, 2.0, 3.1, 0.0
    m, s = f, cv * f
    vol = s / np.sqrt(t)
    k = km * f
    pm, pmm, ps = _reference(model, m, s, k, kind)
    g = sc.cds_option_greeks(f, k, t, ann, vol, model=model, kind=kind, drift=mu)
    # absolute floors far below the Greeks' scales (deep out-of-the-money values are ~1e-30)
    assert g["delta"] == pytest.approx(ann * pm, rel=RTOL, abs=1e-14)
    assert g["gamma"] == pytest.approx(ann * pmm, rel=RTOL, abs=1e-14 / s)
    assert g["vega"] == pytest.approx(ann * np.sqrt(t) * ps, rel=RTOL, abs=1e-14)
    assert g["theta"] == pytest.approx(-ann * vol / (2 * np.sqrt(t)) * ps, rel=RTOL, abs=1e-14)


@pytest.mark.parametrize("model", ["black", "bachelier", "gamma", "inverse_gaussian"])
@pytest.mark.parametrize("kind", ["payer", "receiver"])
def test_zero_vol_is_the_deterministic_limit(model, kind):
    f, t, ann, mu = 0.015, 2.0, 3.1, 0.001
    m = f + mu * t
    for k, itm in ((0.9 * m, kind == "payer"), (1.1 * m, kind == "receiver")):
        g = sc.cds_option_greeks(f, k, t, ann, 0.0, model=model, kind=kind, drift=mu)
        delta = ann * (1.0 if itm else 0.0) * (1.0 if kind == "payer" else -1.0)
        assert g == {"delta": delta, "gamma": 0.0, "vega": 0.0, "theta": -mu * delta}
        price = sc.cds_option_price(f, k, t, ann, 0.0, model=model, kind=kind, drift=mu)
        assert price == pytest.approx(ann * max(m - k if kind == "payer" else k - m, 0), rel=1e-15)
        # and the limit is approached continuously from small vols
        vol = 1e-4 * f if model != "black" else 1e-4
        small = sc.cds_option_greeks(f, k, t, ann, vol, model=model, kind=kind, drift=mu)
        assert small["delta"] == pytest.approx(delta, abs=1e-12)
    with pytest.raises(sc.InvalidParameterError, match="strike"):
        sc.cds_option_greeks(f, m, t, ann, 0.0, model=model, kind=kind, drift=mu)


def test_gamma_exponential_refuses_zero_vol_for_price_and_greeks():
    for fn in (sc.cds_option_price, sc.cds_option_greeks):
        with pytest.raises(sc.InvalidParameterError, match="vol"):
            fn(0.015, 0.012, 2.0, 3.0, 0.0, model="gamma_exponential")


@pytest.mark.parametrize("model", ["gamma", "inverse_gaussian"])
def test_nonpositive_strike_is_always_exercised(model):
    g = sc.cds_option_greeks(0.015, [-0.001, 0.0], 2.0, 3.0, 0.004, model=model)
    np.testing.assert_array_equal(g["delta"], 3.0)
    np.testing.assert_array_equal(g["gamma"], 0.0)
    np.testing.assert_array_equal(g["vega"], 0.0)
