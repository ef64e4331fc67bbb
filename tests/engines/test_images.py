"""Method of images (IM-0, SF-3, IM-1, IM-2) against independent references.

References: QuantLib's AnalyticBarrierEngine and blackFormula (closed forms), scipy's inverse
Gaussian law of the first-passage time (IM-0), expectations over explicitly known laws of the
integrated variance computed by scipy quadrature (IM-1/IM-2 with non-trivial transforms), and the
eps = 0 closed-form limits.
"""

from __future__ import annotations

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from stochcredit.dynamics.cir import CIR
from stochcredit.engines import images as im

TODAY = ql.Date(2, 1, 2020)


def ql_barrier(spot, barrier, strike, days, vol, rate, kind):
    """QuantLib down-and-out price with r = q = ``rate`` (driftless forward), undiscounted."""
    ql.Settings.instance().evaluationDate = TODAY
    dc = ql.Actual365Fixed()
    rts = ql.YieldTermStructureHandle(ql.FlatForward(TODAY, rate, dc))
    vts = ql.BlackVolTermStructureHandle(ql.BlackConstantVol(TODAY, ql.NullCalendar(), vol, dc))
    proc = ql.BlackScholesMertonProcess(ql.QuoteHandle(ql.SimpleQuote(spot)), rts, rts, vts)
    opt_type = ql.Option.Call if kind == "call" else ql.Option.Put
    payoff = ql.PlainVanillaPayoff(opt_type, strike)
    opt = ql.BarrierOption(ql.Barrier.DownOut, barrier, 0.0, payoff,
                           ql.EuropeanExercise(TODAY + days))
    opt.setPricingEngine(ql.AnalyticBarrierEngine(proc))
    return opt.NPV() * np.exp(rate * days / 365.0)


CASES = [  # spot, barrier, strike, days, vol, rate
    (70.0, 20.0, 35.0, 548, 0.25, 0.0),
    (100.0, 80.0, 90.0, 365, 0.30, 0.0),
    (100.0, 80.0, 130.0, 1825, 0.20, 0.04),
    (50.0, 45.0, 45.0, 90, 0.40, 0.02),
    (120.0, 30.0, 200.0, 3650, 0.15, 0.0),
]


@pytest.mark.parametrize("spot,barrier,strike,days,vol,rate", CASES)
def test_down_and_out_call_matches_quantlib(spot, barrier, strike, days, vol, rate):
    var = vol * vol * days / 365.0
    ours = float(im.down_and_out_call(spot, barrier, strike, var))
    ref = ql_barrier(spot, barrier, strike, days, vol, rate, "call")
    assert ours == pytest.approx(ref, rel=1e-10, abs=1e-11)


@pytest.mark.parametrize("spot,barrier,strike,days,vol,rate", CASES)
def test_down_and_out_put_matches_quantlib(spot, barrier, strike, days, vol, rate):
    var = vol * vol * days / 365.0
    ours = float(im.down_and_out_put(spot, barrier, strike, var))
    ref = ql_barrier(spot, barrier, strike, days, vol, rate, "put")
    assert ours == pytest.approx(ref, rel=1e-9, abs=1e-11)


def test_black_matches_quantlib_black_formula():
    for f, k, var in [(100, 90, 0.04), (100, 150, 0.5), (50, 50, 1e-4), (30, 10, 2.0)]:
        ref = ql.blackFormula(ql.Option.Call, k, f, np.sqrt(var))
        assert float(im.black(f, k, var)) == pytest.approx(ref, rel=1e-12)
    assert float(im.black(100.0, 0.0, 0.3)) == 100.0
    assert float(im.black(100.0, 80.0, 0.0)) == 20.0


def test_survival_gbm_matches_inverse_gaussian_first_passage():
    # tau = first time x0 + W_s - s/2 hits 0 is inverse Gaussian: mean 2 x0, shape x0^2.
    for x0 in (0.05, 0.4, 1.2, 3.0):
        var = np.array([0.01, 0.1, 1.0, 5.0, 30.0])
        ref = stats.invgauss.sf(var, mu=2.0 / x0, scale=x0 * x0)
        np.testing.assert_allclose(im.survival_gbm(x0, var), ref, rtol=1e-11, atol=1e-14)


def test_survival_gbm_degenerate_cases():
    assert float(im.survival_gbm(0.5, 0.0)) == 1.0
    assert float(im.survival_gbm(0.0, 1.0)) == 0.0
    assert float(im.survival_gbm(-1.0, 0.0)) == 0.0
    assert np.isfinite(im.survival_gbm(800.0, 1.0))  # exp(x0) would overflow


@settings(max_examples=60, deadline=None)
@given(x0=st.floats(0.01, 5.0), i1=st.floats(0.0, 10.0), i2=st.floats(0.0, 10.0))
def test_survival_gbm_is_a_probability_decreasing_in_variance(x0, i1, i2):
    lo, hi = sorted((i1, i2))
    p_lo, p_hi = float(im.survival_gbm(x0, lo)), float(im.survival_gbm(x0, hi))
    assert 0.0 <= p_hi <= p_lo + 1e-15 <= 1.0 + 1e-15


# --- image integrals --------------------------------------------------------------------------
X0 = float(np.log(70.0 / 20.0))
TS = np.array([0.0, 0.05, 0.5, 1.0, 5.0, 10.0])


def test_images_reproduce_closed_forms_at_eps_zero(agreement):
    cir = CIR(v0=0.0625, kappa=1.5, theta=0.0625, sigma=0.0)
    np.testing.assert_allclose(im.survival_images(X0, cir.variance_laplace, TS),
                               im.survival_gbm(X0, 0.0625 * TS), rtol=0, atol=1e-12)
    k_star = np.array([20.0, 35.0, 70.0, 140.0])[:, None]
    np.testing.assert_allclose(im.call_images(70.0, 20.0, k_star, cir.variance_laplace, TS),
                               im.down_and_out_call(70.0, 20.0, k_star, 0.0625 * TS),
                               rtol=0, atol=1e-12)
    surv = np.max(np.abs(im.survival_images(X0, cir.variance_laplace, TS)
                         - im.survival_gbm(X0, 0.0625 * TS)))
    call = np.max(np.abs(im.call_images(70.0, 20.0, k_star, cir.variance_laplace, TS)
                         - im.down_and_out_call(70.0, 20.0, k_star, 0.0625 * TS)))
    agreement("method of images, survival (IM-1) at zero vol-of-vol",
              "closed form P_GBM (IM-0)", surv, 1e-12, unit="absolute")
    agreement("method of images, equity call (IM-2) at zero vol-of-vol",
              "closed-form down-and-out call (SF-3)", call, 1e-12, unit="absolute")


def test_images_deterministic_time_varying_variance():
    # eps = 0, v0 != theta: I_T = theta T + (v0 - theta)(1 - e^{-kappa T})/kappa, deterministic.
    cir = CIR(v0=0.09, kappa=0.7, theta=0.03, sigma=0.0)
    i_t = 0.03 * TS + 0.06 * (1 - np.exp(-0.7 * TS)) / 0.7
    np.testing.assert_allclose(im.survival_images(X0, cir.variance_laplace, TS),
                               im.survival_gbm(X0, i_t), atol=1e-12)
    np.testing.assert_allclose(im.call_images(70.0, 20.0, 50.0, cir.variance_laplace, TS),
                               im.down_and_out_call(70.0, 20.0, 50.0, i_t), atol=1e-12)


def test_images_do_not_depend_on_the_control_variate():
    # A wrong mean leaves a non-zero residual integrand: only the quadrature makes them agree.
    cir = CIR(v0=0.0625, kappa=1.5, theta=0.0625, sigma=0.0)
    ts = TS[1:]
    for factor in (0.5, 1.7):
        s = im.survival_images(X0, cir.variance_laplace, ts, mean_variance=factor * 0.0625 * ts)
        np.testing.assert_allclose(s, im.survival_gbm(X0, 0.0625 * ts), atol=1e-12)
        c = im.call_images(70.0, 20.0, 45.0, cir.variance_laplace, ts,
                           mean_variance=factor * 0.0625 * ts)
        np.testing.assert_allclose(c, im.down_and_out_call(70.0, 20.0, 45.0, 0.0625 * ts),
                                   atol=1e-11)


def _mixture(u, T):
    return 0.3 * np.exp(-u * 0.01 * T) + 0.7 * np.exp(-u * 0.2 * T)


def test_images_two_point_law_of_integrated_variance():
    ts = TS
    ref_s = 0.3 * im.survival_gbm(X0, 0.01 * ts) + 0.7 * im.survival_gbm(X0, 0.2 * ts)
    np.testing.assert_allclose(im.survival_images(X0, _mixture, ts), ref_s, atol=1e-12)
    k_star = np.array([[20.0], [40.0], [90.0]])
    ref_c = (0.3 * im.down_and_out_call(70.0, 20.0, k_star, 0.01 * ts)
             + 0.7 * im.down_and_out_call(70.0, 20.0, k_star, 0.2 * ts))
    np.testing.assert_allclose(im.call_images(70.0, 20.0, k_star, _mixture, ts), ref_c,
                               atol=1e-11)


@pytest.mark.parametrize("shape", [1.5, 4.0])
def test_images_gamma_law_with_algebraic_decay(shape):
    # I_T ~ Gamma(shape, scale T/30): Lhat = (1 + u T/30)^-shape decays only like k^(-2 shape).
    def lap(u, T):
        return (1.0 + np.asarray(u) * np.asarray(T) / 30.0) ** (-shape)

    for T in (0.5, 3.0):
        law = stats.gamma(shape, scale=T / 30.0)
        def surv(i, law=law):
            return float(im.survival_gbm(X0, i)) * law.pdf(i)

        def call(i, law=law):
            return float(im.down_and_out_call(70.0, 20.0, 60.0, i)) * law.pdf(i)

        ref_s = integrate.quad(surv, 0, np.inf, epsabs=1e-14, epsrel=1e-12, limit=200)[0]
        ref_c = integrate.quad(call, 0, np.inf, epsabs=1e-12, epsrel=1e-12, limit=200)[0]
        assert float(im.survival_images(X0, lap, T)) == pytest.approx(ref_s, abs=1e-10)
        assert float(im.call_images(70.0, 20.0, 60.0, lap, T)) == pytest.approx(ref_c, abs=1e-8)


def test_images_broadcast_and_zero_maturity():
    cir = CIR(0.04, 2.0, 0.05, 0.7)
    k_star = np.linspace(20.0, 120.0, 7)[:, None]
    out = im.call_images(70.0, 20.0, k_star, cir.variance_laplace, TS[None, :])
    assert out.shape == (7, len(TS))
    np.testing.assert_allclose(out[:, 0], np.maximum(70.0 - k_star[:, 0], 0.0), atol=1e-14)
    assert np.all(np.diff(out, axis=0) <= 1e-12)  # decreasing in strike
    s = im.survival_images(X0, cir.variance_laplace, TS.reshape(2, 3))
    assert s.shape == (2, 3) and s[0, 0] == 1.0
    assert np.all(np.diff(s.ravel()) <= 1e-15)


def test_mean_integrated_variance_from_transform():
    cir = CIR(0.04, 2.0, 0.05, 0.7)
    t = np.array([0.5, 2.0, 7.0])
    np.testing.assert_allclose(im.mean_integrated_variance(cir.variance_laplace, t),
                               cir.integrated_mean(t), rtol=1e-7)


def _brute_force(f, kmax, width):
    """Plain composite 20-point Gauss-Legendre on uniform panels, no control variate."""
    x, w = np.polynomial.legendre.leggauss(20)
    edges = np.linspace(0.0, kmax, int(np.ceil(kmax / width)) + 1)
    half, mid = np.diff(edges) / 2, (edges[:-1] + edges[1:]) / 2
    k = (mid[:, None] + half[:, None] * x).ravel()
    return np.sum((half[:, None] * w).ravel() * f(k))


@pytest.mark.parametrize("params", [(0.04, 1.5, 0.04, 0.5), (0.01, 0.5, 0.02, 1.0),
                                    (0.09, 3.0, 0.01, 2.0),
                                    pytest.param((0.0, 0.5, 0.02, 1.5), marks=pytest.mark.slow)])
@pytest.mark.parametrize("x0", [0.1, 1.25, 3.0])
def test_images_match_brute_force_integration_under_heston(params, x0):
    # IM-1 / IM-2 integrals evaluated directly on a fine uniform grid (independent of the
    # graded panels, the control variate and the kmax rule of the engine).
    cir = CIR(*params)
    b = 20.0
    v0 = b * np.exp(x0)
    for T in (0.5,):
        probe = 2.0 ** np.arange(0, 20, 0.25)
        lap = cir.variance_laplace((probe**2 + 0.25) / 2, T)
        kmax = probe[np.argmax(lap / probe < 1e-17)]
        strikes = np.array([1.5 * b, 3 * v0])
        width = min(0.1, 0.3 / (x0 + np.log(strikes.max() / b)))

        def lhat(k, T=T):
            return cir.variance_laplace((k * k + 0.25) / 2, T)

        ref_s = 2 * np.exp(x0 / 2) / np.pi * _brute_force(
            lambda k: k * np.sin(k * x0) / (k * k + 0.25) * lhat(k), kmax, width)
        assert float(im.survival_images(x0, cir.variance_laplace, T)) == pytest.approx(
            ref_s, abs=1e-13)
        for ks in strikes:
            xk = np.log(ks / b)
            integral = _brute_force(lambda k, xk=xk: np.sin(k * x0) * np.sin(k * xk)
                                    / (k * k + 0.25) * lhat(k), kmax, width)
            ref_c = v0 - b - 2 * np.sqrt(v0 * ks) / np.pi * integral
            assert float(im.call_images(v0, b, ks, cir.variance_laplace, T)) == pytest.approx(
                ref_c, abs=1e-13 * v0)
