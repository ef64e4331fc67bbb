"""Bates (1996) sensitivities: closed-form derivatives of the log-CF (Heston part plus the
compensated lognormal compound-Poisson exponent) and, through the one-pass Lewis gradient engine,
of European options, Merton spreads and default probabilities, vs Richardson-extrapolated central
differences of the value (steps h, h/2; O(h^4)), <= 1e-6 relative. Parameter sets: Table 4.2-style
Heston parts with jumps, Feller-violated, |rho| near 1, zero jump intensity (one-sided Richardson
there, the intensity cannot go below 0) and random ones."""

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.models.merton import merton_credit_spreads

pytestmark = pytest.mark.filterwarnings("error")

RTOL = 1e-6
U = np.concatenate([np.array([1e-3, 0.3, 1.0, 2.0, 5.0, 12.0, 40.0]) - 0.5j,
                    [0.7, 3.0, 1.5 - 1j, 0.2 - 0.99j]])
BATES_SETS = [
    (0.0581, 1.2017, 0.0524, 0.8968, -0.559, 0.3, -0.1, 0.15),   # seed Heston part + jumps
    (0.04, 1.5, 0.04, 0.5, -0.7, 0.2, -0.1, 0.15),
    (0.02, 0.5, 0.09, 1.5, -0.99, 0.5, -0.2, 0.3),      # Feller violated, rho near -1
    (0.1, 3.0, 0.05, 0.9, 0.98, 1.0, 0.05, 0.1),        # rho near +1
    (0.04, 1.5, 0.04, 0.5, -0.7, 0.0, -0.1, 0.15),      # no jumps: Heston
]
INTENSITY = 5


def _random_sets(n, seed=29):
    rng = np.random.default_rng(seed)
    box = ((0.01, 0.2), (0.3, 5.0), (0.01, 0.2), (0.1, 1.2), (-0.95, 0.95), (0.05, 1.5),
           (-0.3, 0.2), (0.02, 0.4))
    return [tuple(rng.uniform(lo, hi) for lo, hi in box) for _ in range(n)]


def _richardson(fun, x0, h):
    d = lambda s: (fun(x0 + s) - fun(x0 - s)) / (2 * s)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


def _forward_richardson(fun, x0, h):
    """One-sided: D(h) = (f(x0 + h) - f(x0))/h, extrapolated twice (error O(h^3))."""
    f0 = fun(x0)
    d = lambda s: (fun(x0 + s) - f0) / s  # noqa: E731
    r1 = lambda s: 2 * d(s / 2) - d(s)  # noqa: E731
    return (4 * r1(h / 2) - r1(h)) / 3


def _step(name, x):
    h = 1e-3 * max(abs(x), 0.05)
    return min(h, 0.01 * (1 - abs(x))) if name == "rho" else h


def _derivative(fun, name, x0, h):
    if name == "jump_intensity" and x0 - h < 0:
        return _forward_richardson(fun, x0, h)
    return _richardson(fun, x0, h)


def _assert_close(got, ref, what, noise=0.0):
    got, ref = np.asarray(got), np.asarray(ref)
    floor = max(1e-6 * np.max(np.abs(ref)), noise / RTOL)
    err = np.abs(got - ref) / (np.abs(ref) + floor)
    assert err.max() <= RTOL, (what, err.max(), got, ref)


def _with(vals, j, x):
    p = list(vals)
    p[j] = x
    return p


@pytest.mark.parametrize("vals", BATES_SETS + _random_sets(4))
@pytest.mark.parametrize("t", [0.05, 1.0, 10.0])
def test_bates_log_cf_gradient_matches_differences(vals, t):
    dyn = sc.Bates(*vals)
    psi, grad = dyn.log_char_fn_gradient(U, t)
    np.testing.assert_allclose(psi, dyn.log_char_fn(U, t), rtol=1e-13, atol=1e-13)
    assert grad.shape == (8,) + psi.shape and dyn.gradient_names == sc.Bates.parameter_names
    scale = np.abs(psi) + 1.0
    for j, name in enumerate(dyn.gradient_names):
        f = lambda x, j=j: sc.Bates(*_with(vals, j, x)).log_char_fn(U, t)  # noqa: E731
        ref = _derivative(f, name, vals[j], _step(name, vals[j]))
        err = np.abs(grad[j] - ref) / (np.abs(ref) + scale)
        assert err.max() <= 1e-7, (name, err.max())


def test_bates_gradient_heston_part_and_zero_intensity():
    vals = BATES_SETS[INTENSITY - 1]
    psi, g = sc.Bates(*vals).log_char_fn_gradient(U, 2.0)
    psi_h, g_h = sc.Heston(*vals[:5]).log_char_fn_gradient(U, 2.0)
    np.testing.assert_array_equal(psi, psi_h)
    np.testing.assert_array_equal(g[:5], g_h)
    assert np.all(g[6:] == 0)    # jump size is irrelevant without jumps
    # d/dlambda is the jump exponent per unit intensity, in closed form
    mu, dlt = vals[6], vals[7]
    ref = 2.0 * (np.exp(1j * U * mu - 0.5 * U * U * dlt ** 2) - 1 - 1j * U * np.expm1(
        mu + 0.5 * dlt ** 2))
    np.testing.assert_allclose(g[5], ref, rtol=1e-13)


@pytest.mark.parametrize("vals", BATES_SETS + _random_sets(2))
@pytest.mark.parametrize("option", ["call", "put"])
def test_bates_european_option_gradient(vals, option):
    spot, rate, q = 100.0, 0.03, 0.01
    strikes = np.array([[60.0, 90.0, 100.0, 115.0, 150.0]])
    t = np.array([[0.25], [1.0], [5.0]])
    g = sc.european_option_gradient(spot, strikes, t, rate, sc.Bates(*vals), kind=option,
                                    dividend=q)

    def price(s=spot, k=strikes, r=rate, p=vals, parity=True):
        fwd = s * np.exp((r - q) * t)
        call_side = k >= fwd
        dyn = sc.Bates(*p)
        otm = np.where(call_side, sc.european_option(s, k, t, r, dyn, kind="call", dividend=q),
                       sc.european_option(s, k, t, r, dyn, kind="put", dividend=q))
        if not parity:
            return otm
        term = s * np.exp(-q * t) - k * np.exp(-r * t)
        want_call = option == "call"
        return np.where(call_side == want_call, otm, otm + term if want_call else otm - term)

    np.testing.assert_allclose(g["value"], price(), rtol=1e-10, atol=1e-12 * spot)
    _assert_close(g["spot"], _richardson(lambda x: price(s=x), spot, 1e-2), "spot", 1e-10)
    _assert_close(g["strike"], _richardson(lambda x: price(k=x), strikes, 1e-2), "strike", 1e-10)
    _assert_close(g["rate"], _richardson(lambda x: price(r=x), rate, 1e-4), "rate", 1e-8)
    for j, name in enumerate(sc.Bates.parameter_names):
        h = _step(name, vals[j])
        ref = _derivative(lambda x, j=j: price(p=_with(vals, j, x), parity=False), name, vals[j],
                          h)
        _assert_close(g[name], ref, name, 1e-12 * spot / h)


MATURITIES = np.array([0.5, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30.0])


@pytest.mark.parametrize("vals", BATES_SETS)
def test_bates_merton_credit_spread_gradient(vals):
    asset, debt, rate = 1.0, 0.55, 0.03
    m = sc.Merton(asset, debt, rate, sc.Bates(*vals))
    grad = m.credit_spread_gradient(MATURITIES)
    assert sorted(grad) == sorted(["asset", "debt", "rate", *sc.Bates.parameter_names])

    def spreads(a=asset, b=debt, r=rate, p=vals):
        return merton_credit_spreads(MATURITIES, a, b, r, sc.Bates(*p), n_nodes=48)

    _assert_close(grad["asset"], _richardson(lambda x: spreads(a=x), asset, 1e-3), "asset",
                  1e-13)
    _assert_close(grad["debt"], _richardson(lambda x: spreads(b=x), debt, 1e-3), "debt", 1e-13)
    _assert_close(grad["rate"], _richardson(lambda x: spreads(r=x), rate, 1e-4), "rate", 1e-12)
    for j, name in enumerate(sc.Bates.parameter_names):
        h = _step(name, vals[j])
        ref = _derivative(lambda x, j=j: spreads(p=_with(vals, j, x)), name, vals[j], h)
        _assert_close(grad[name], ref, name, 1e-16 / h)


@pytest.mark.parametrize("vals", BATES_SETS[1:4:2] + BATES_SETS[-1:])
def test_bates_default_probability_gradient(vals):
    asset, debt, rate = 1.0, 0.6, 0.02
    t = np.array([0.5, 2.0, 10.0])
    m = sc.Merton(asset, debt, rate, sc.Bates(*vals))
    grad = m.default_probability_gradient(t)
    surv = m.survival_gradient(t)
    pd_ = lambda p: sc.Merton(asset, debt, rate, sc.Bates(*p)).default_probability(t)  # noqa
    for j, name in enumerate(sc.Bates.parameter_names):
        h = _step(name, vals[j])
        ref = _derivative(lambda x, j=j: pd_(_with(vals, j, x)), name, vals[j], h)
        _assert_close(grad[name], ref, name, 1e-15 / h)
        np.testing.assert_array_equal(surv[name], -grad[name])
    frame = m.sensitivities(t, of="default_probability")
    np.testing.assert_allclose(frame["jump_vol"].to_numpy(), grad["jump_vol"], rtol=1e-12)
