"""Exact sensitivities of the Merton model and of European options (value and gradient in one
pass through the Lewis integrals) vs Richardson-extrapolated central differences of the value
(steps h, h/2; O(h^4)) computed by the pricing path (compiled kernels), <= 1e-6 relative."""

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.models.merton import merton_credit_spreads

MATURITIES = np.array([0.5, 1, 2, 3, 5, 7, 10, 15, 20, 25, 30.0])
RTOL = 1e-6

# Table 4.2-4.3 style parameter sets (seed), a Feller-violated set and |rho| near 1
HESTON_SETS = [(0.0581, 1.2017, 0.0524, 0.8968, -0.559), (0.04, 1.5, 0.04, 0.5, -0.7),
               (0.02, 0.5, 0.09, 1.5, -0.99), (0.1, 3.0, 0.05, 0.9, 0.98)]
TWO_FACTOR = [(0.0581, 1.2017, 0.0524, 0.8968, -0.559), (0.0174, 0.3605, 0.0157, 0.269, -0.1677)]


def _richardson(fun, x0, h):
    d = lambda s: (fun(x0 + s) - fun(x0 - s)) / (2 * s)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


def _step(name, x):
    """Difference step: 1e-3 relative; for rho also 1 % of the distance to |rho| = 1, where the
    characteristic function varies on the scale 1 - rho^2 (keeps the O(h^4) error < 1e-8)."""
    h = 1e-3 * max(abs(x), 0.05)
    return min(h, 0.01 * (1 - abs(x))) if name.startswith("rho") else h


def _assert_close(got, ref, what, noise=0.0):
    """<= RTOL relative, with a floor at 1e-6 of the largest entry and at the difference
    quotient's own noise (``noise``: the value's absolute accuracy divided by the step)."""
    got, ref = np.asarray(got), np.asarray(ref)
    floor = max(1e-6 * np.max(np.abs(ref)), noise / RTOL)
    err = np.abs(got - ref) / (np.abs(ref) + floor)
    assert err.max() <= RTOL, (what, err.max(), got, ref)


def _dyn(kind, vals):
    if kind == "bs":
        return sc.BlackScholes(vals[0])
    if kind == "heston":
        return sc.Heston(*vals)
    return sc.MultiFactorHeston([sc.Heston(*vals[:5]), sc.Heston(*vals[5:])])


def _random_sets(n, seed=11):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        out.append(tuple(rng.uniform(lo, hi) for lo, hi in
                         ((0.01, 0.2), (0.3, 5.0), (0.01, 0.2), (0.1, 1.2), (-0.95, 0.95))))
    return out


CASES = ([("bs", (0.25,)), ("bs", (0.6,))] + [("heston", p) for p in HESTON_SETS]
         + [("heston", p) for p in _random_sets(4)]
         + [("heston2", TWO_FACTOR[0] + TWO_FACTOR[1])])


@pytest.mark.parametrize("kind,vals", CASES)
def test_credit_spread_gradient_matches_differences(kind, vals):
    asset, debt, rate = 1.0, 0.55, 0.03
    m = sc.Merton(asset, debt, rate, _dyn(kind, vals))
    grad = m.credit_spread_gradient(MATURITIES)
    names = list(m.dynamics.gradient_names)
    assert sorted(grad) == sorted(["asset", "debt", "rate", *names])
    for key in grad:
        assert grad[key].shape == MATURITIES.shape

    def spreads(a=asset, b=debt, r=rate, p=vals):
        return merton_credit_spreads(MATURITIES, a, b, r, _dyn(kind, p), n_nodes=48)

    # spread values carry ~1e-16 absolute error (the engine's floor): noise 1e-16/h
    _assert_close(grad["asset"], _richardson(lambda x: spreads(a=x), asset, 1e-3), "asset",
                  1e-13)
    _assert_close(grad["debt"], _richardson(lambda x: spreads(b=x), debt, 1e-3), "debt", 1e-13)
    _assert_close(grad["rate"], _richardson(lambda x: spreads(r=x), rate, 1e-4), "rate", 1e-12)
    for j, name in enumerate(names):
        def bumped(x, j=j):
            p = list(vals)
            p[j] = x
            return spreads(p=p)
        h = _step(name, vals[j])
        _assert_close(grad[name], _richardson(bumped, vals[j], h), name, 1e-16 / h)


def test_credit_spread_gradient_keys_follow_the_api():
    m = sc.Merton(1.0, 0.43, 0.05, _dyn("heston2", TWO_FACTOR[0] + TWO_FACTOR[1]))
    grad = m.credit_spread_gradient(5.0)
    assert set(grad) == {"asset", "debt", "rate"} | {f"{n}_{j}" for j in (1, 2) for n in
                                                      ("v0", "kappa", "theta", "sigma", "rho")}
    assert isinstance(grad["v0_1"], float)
    frame = m.sensitivities([1.0, 5.0])
    assert list(frame.index) == [1.0, 5.0] and "rho_2" in frame.columns
    np.testing.assert_allclose(frame.loc[5.0, "v0_1"], grad["v0_1"], rtol=1e-12)


def test_black_scholes_spread_gradient_in_closed_form():
    """Merton-BS: CS = -ln(N(d2) + N(-d1)/L)/T with L = B e^{-rT}/S: dCS/dvol closed form."""
    from scipy.stats import norm

    s, b, r, vol, t = 1.0, 0.7, 0.02, 0.3, np.array([1.0, 4.0])
    lev = b * np.exp(-r * t) / s
    d1 = (-np.log(lev) + 0.5 * vol ** 2 * t) / (vol * np.sqrt(t))
    d2 = d1 - vol * np.sqrt(t)
    # d/dvol of N(d2) + N(-d1)/L: -phi(d2) d1/vol + phi(d1) d2/(vol L)
    dq = -norm.pdf(d2) * d1 / vol + norm.pdf(d1) * d2 / (vol * lev)
    q = norm.cdf(d2) + norm.cdf(-d1) / lev
    ref = -dq / (q * t)
    got = sc.Merton(s, b, r, sc.BlackScholes(vol)).credit_spread_gradient(t)["vol"]
    np.testing.assert_allclose(got, ref, rtol=1e-10)


@pytest.mark.parametrize("kind,vals", CASES[:1] + CASES[2:4] + CASES[-1:])
def test_default_probability_and_survival_gradients(kind, vals):
    asset, debt, rate = 1.0, 0.6, 0.02
    m = sc.Merton(asset, debt, rate, _dyn(kind, vals))
    t = np.array([0.5, 2.0, 10.0])
    grad = m.default_probability_gradient(t)
    surv = m.survival_gradient(t)

    def pd_(a=asset, b=debt, r=rate, p=vals):
        return sc.Merton(a, b, r, _dyn(kind, p)).default_probability(t)

    _assert_close(grad["asset"], _richardson(lambda x: pd_(a=x), asset, 1e-3), "asset")
    _assert_close(grad["debt"], _richardson(lambda x: pd_(b=x), debt, 1e-3), "debt")
    _assert_close(grad["rate"], _richardson(lambda x: pd_(r=x), rate, 1e-4), "rate")
    for j, name in enumerate(m.dynamics.gradient_names):
        def bumped(x, j=j):
            p = list(vals)
            p[j] = x
            return pd_(p=p)
        h = _step(name, vals[j])
        _assert_close(grad[name], _richardson(bumped, vals[j], h), name)
        np.testing.assert_array_equal(surv[name], -grad[name])


@pytest.mark.parametrize("kind,vals", CASES[:1] + CASES[2:5] + CASES[-1:])
@pytest.mark.parametrize("option", ["call", "put"])
def test_european_option_gradient(kind, vals, option):
    spot, rate, q = 100.0, 0.03, 0.01
    strikes = np.array([[60.0, 90.0, 100.0, 115.0, 150.0]])
    t = np.array([[0.25], [1.0], [5.0]])
    dyn = _dyn(kind, vals)
    g = sc.european_option_gradient(spot, strikes, t, rate, dyn, kind=option, dividend=q)

    def price(s=spot, k=strikes, r=rate, p=vals, parity=True):
        """The out-of-the-money option by the pricing path, plus (for the other side) the
        exact parity term S e^{-qT} - K e^{-rT}: the differences then carry the OTM option's
        relative accuracy."""
        fwd = s * np.exp((r - q) * t)
        call_side = k >= fwd
        dyn_p = _dyn(kind, p)
        otm = np.where(call_side, sc.european_option(s, k, t, r, dyn_p, kind="call", dividend=q),
                       sc.european_option(s, k, t, r, dyn_p, kind="put", dividend=q))
        if not parity:
            return otm
        term = s * np.exp(-q * t) - k * np.exp(-r * t)
        want_call = option == "call"
        return np.where(call_side == want_call, otm, otm + term if want_call else otm - term)

    np.testing.assert_allclose(g["value"], price(), rtol=1e-10, atol=1e-12 * spot)
    _assert_close(g["spot"], _richardson(lambda x: price(s=x), spot, 1e-2), "spot", 1e-10)
    _assert_close(g["strike"], _richardson(lambda x: price(k=x), strikes, 1e-2), "strike", 1e-10)
    _assert_close(g["rate"], _richardson(lambda x: price(r=x), rate, 1e-4), "rate", 1e-8)
    for j, name in enumerate(dyn.gradient_names):   # parity term is parameter-free
        def bumped(x, j=j):
            p = list(vals)
            p[j] = x
            return price(p=p, parity=False)
        h = _step(name, vals[j])
        # the engine's absolute accuracy is ~1e-12 spot: noise 1e-12 spot / h
        _assert_close(g[name], _richardson(bumped, vals[j], h), name, 1e-12 * spot / h)


def test_gradient_requires_a_differentiable_dynamics():
    class Opaque:
        def char_fn(self, u, t):
            return sc.BlackScholes(0.2).char_fn(u, t)

    with pytest.raises(sc.InvalidParameterError, match="log_char_fn_gradient"):
        sc.european_option_gradient(100.0, 100.0, 1.0, 0.0, Opaque())


@pytest.mark.parametrize("kind,vals", [CASES[0], CASES[2], CASES[4], CASES[-1]])
def test_compiled_and_numpy_gradient_paths_agree(kind, vals):
    from stochcredit.engines.fourier_gradient import lewis_gradient

    strikes = np.array([[0.4, 0.7, 1.0, 1.3]])
    t = np.array([[0.5], [3.0], [20.0]])
    a = lewis_gradient(1.0, strikes, t, 0.02, _dyn(kind, vals))
    b = lewis_gradient(1.0, strikes, t, 0.02, _dyn(kind, vals), compiled=False)
    for field in ("put", "call", "prob_below", "density"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field), rtol=1e-9, atol=1e-11)
    for field in ("dput_params", "dprob_params"):
        got, ref = getattr(a, field), getattr(b, field)
        np.testing.assert_allclose(got, ref, rtol=1e-8, atol=1e-10 * np.abs(ref).max())


@pytest.mark.parametrize("params", [(0.04, 1.5, 0.04, 0.0, 0.3), (0.04, 1.5, 0.04, 0.5, 1.0),
                                    (0.04, 1.5, 0.04, 0.5, -1.0), (0.0, 1.5, 0.04, 0.5, -0.5)])
def test_gradient_at_the_edges_of_the_parameter_box(params):
    """sigma = 0, rho = +-1 and v0 = 0: both gradient paths finite and equal, value as pricing."""
    from stochcredit.engines.fourier_gradient import lewis_gradient

    h = sc.Heston(*params)
    k, t = np.array([[0.5, 1.0, 1.5]]), np.array([[0.1], [2.0]])
    a = lewis_gradient(1.0, k, t, 0.01, h)
    b = lewis_gradient(1.0, k, t, 0.01, h, compiled=False)
    assert np.isfinite(a.dput_params).all()
    np.testing.assert_allclose(a.dput_params, b.dput_params, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.put, sc.european_option(1.0, k, t, 0.01, h, kind="put"),
                               rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("kind,vals", [CASES[0], CASES[2], CASES[4], CASES[-1]])
def test_small_gradient_path_equals_general_path(kind, vals):
    """One compiled call for a single curve / price (distinct maturities) = the general path."""
    from stochcredit.engines.fourier_gradient import lewis_gradient

    k = np.array([0.4, 0.7, 1.0, 1.3])
    t = np.array([0.5, 3.0, 20.0, 1.0])
    a = lewis_gradient(1.0, k, t, 0.02, _dyn(kind, vals))                 # small path
    b = lewis_gradient(1.0, k[None], t[None], 0.02, _dyn(kind, vals))     # general path
    for field in ("put", "call", "prob_below", "density", "dput_dspot", "dput_drate"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field)[0], rtol=1e-10,
                                   atol=1e-13)
    np.testing.assert_allclose(a.dput_params, b.dput_params[:, 0], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(a.dprob_params, b.dprob_params[:, 0], rtol=1e-10, atol=1e-13)


def test_credit_spread_gradient_under_a_principal_component_marginal():
    base = dict(lambda0=[0.04, 0.02], kappa=[1.5, 0.8], theta=[0.05, 0.03], sigma=[0.4, 0.3])

    def marginal(p):
        return sc.PrincipalComponentCovariance.two_firm(0.6, p["lambda0"], p["kappa"],
                                                        p["theta"], p["sigma"]).marginal(0)

    t = np.array([1.0, 5.0, 10.0])
    m = sc.Merton(1.0, 0.6, 0.02, marginal(base))
    grad = m.credit_spread_gradient(t)
    for name in m.dynamics.gradient_names:
        key, j = name.rsplit("_", 1)
        j = int(j) - 1

        def spreads(x, key=key, j=j):
            p = {k: list(v) for k, v in base.items()}
            p[key][j] = x
            return merton_credit_spreads(t, 1.0, 0.6, 0.02, marginal(p), n_nodes=48)

        x0 = base[key][j]
        h = 1e-3 * x0
        _assert_close(grad[name], _richardson(spreads, x0, h), name, 1e-16 / h)
