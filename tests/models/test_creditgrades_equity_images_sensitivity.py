"""CreditGradesEquity sensitivities under stochastic variance (method of images): value and
derivatives of IM-2 / IM-1 in one pass vs Richardson-extrapolated central differences of the
pricing path (:meth:`call`, :meth:`put`, :meth:`survival`; steps h, h/2, O(h^4)), <= 1e-6
relative; the Black-Scholes limit (a deterministic variance) vs the closed-form SF-3..SF-6
sensitivities. The images need rho = 0, so the Heston sets cover Feller-violated, nearly
deterministic and random variance parameters at zero correlation."""

import numpy as np
import pytest

import stochcredit as sc

pytestmark = pytest.mark.filterwarnings("error")

RTOL = 1e-6
STRIKES = np.array([30.0, 45.0, 50.0, 60.0, 80.0])
TS = np.array([0.25, 1.0, 1.0, 3.0, 7.0])
HESTON = [(0.0581, 1.2017, 0.0524, 0.8968), (0.04, 1.5, 0.04, 0.5),
          (0.02, 0.5, 0.09, 1.5),                # Feller violated
          (0.04, 2.0, 0.05, 0.02)]               # nearly deterministic variance


def _random_sets(n, seed=5):
    rng = np.random.default_rng(seed)
    box = ((0.01, 0.15), (0.3, 5.0), (0.01, 0.15), (0.1, 1.2))
    return [tuple(rng.uniform(lo, hi) for lo, hi in box) for _ in range(n)]


def _richardson(fun, x0, h):
    d = lambda s: (fun(x0 + s) - fun(x0 - s)) / (2 * s)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


def _richardson2(fun, x0, h):
    f0 = fun(x0)
    d = lambda s: (fun(x0 + s) - 2 * f0 + fun(x0 - s)) / (s * s)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


def _assert_close(got, ref, what, noise=0.0):
    got, ref = np.asarray(got), np.asarray(ref)
    floor = max(1e-6 * np.max(np.abs(ref)), noise / RTOL)
    err = np.abs(got - ref) / (np.abs(ref) + floor)
    assert err.max() <= RTOL, (what, err.max(), got, ref)


BASE = dict(equity=50.0, debt_per_share=40.0, recovery_mean=0.5, rate=0.03, dividend=0.01)


def _model(dyn, **kw):
    p = {**BASE, **kw}
    return sc.CreditGradesEquity(p["equity"], p["debt_per_share"], p["recovery_mean"], p["rate"],
                                 dyn, p["dividend"], p.get("barrier_std", 0.0))


def _check_options(make_dyn, vals, kind):
    dyn = make_dyn(vals)
    g = _model(dyn).option_sensitivities(STRIKES, TS, kind)
    price = lambda m: getattr(m, kind)(STRIKES, TS)  # noqa: E731
    np.testing.assert_allclose(g["value"], price(_model(dyn)), rtol=1e-11, atol=1e-12)
    s0 = BASE["equity"]
    _assert_close(g["delta"], _richardson(lambda x: price(_model(dyn, equity=x)), s0, 0.05),
                  "delta", 1e-13 / 0.05)
    _assert_close(g["gamma"], _richardson2(lambda x: price(_model(dyn, equity=x)), s0, 0.1),
                  "gamma", 1e-13 / 0.01)
    for key, h in (("debt_per_share", 0.04), ("recovery_mean", 1e-3), ("rate", 1e-4),
                   ("dividend", 1e-4)):
        ref = _richardson(lambda x, key=key: price(_model(dyn, **{key: x})), BASE[key], h)
        _assert_close(g[key], ref, key, 1e-13 / h)
    names = [n for n in dyn.gradient_names if not n.startswith("rho")]
    assert [k for k in g if k in dyn.gradient_names] == names
    for j, name in enumerate(names):
        x0 = vals[j]
        h = 1e-3 * max(abs(x0), 0.05)

        def bumped(x, j=j):
            p = list(vals)
            p[j] = x
            return price(_model(make_dyn(p)))
        _assert_close(g[name], _richardson(bumped, x0, h), name, 1e-13 / h)
    return g


def _heston(p):
    return sc.Heston(*p[:4], 0.0)


@pytest.mark.parametrize("vals", HESTON + _random_sets(3))
@pytest.mark.parametrize("kind", ["call", "put"])
def test_heston_option_sensitivities_match_differences(vals, kind):
    g = _check_options(_heston, vals, kind)
    np.testing.assert_allclose(g["vega"], 2 * np.sqrt(vals[0]) * g["v0"], rtol=1e-14)


def test_multifactor_option_sensitivities_match_differences():
    def make(p):
        return sc.MultiFactorHeston([sc.Heston(*p[:4], 0.0), sc.Heston(*p[4:], 0.0)])
    g = _check_options(make, HESTON[0] + HESTON[2], "call")
    assert "vega" not in g and "sigma_2" in g


def test_principal_component_marginal_option_sensitivities():
    def make(p):
        return sc.PrincipalComponentCovariance.two_firm(0.6, p[0:2], p[2:4], p[4:6],
                                                        p[6:8]).marginal(1)
    vals = (0.04, 0.02, 1.5, 0.8, 0.05, 0.03, 0.4, 0.3)
    names = make(vals).gradient_names         # lambda0_1, kappa_1, ... (per eigenvalue)
    order = [0, 2, 4, 6, 1, 3, 5, 7]          # vals in gradient_names order

    def make_named(p):
        q = [0.0] * 8
        for pos, x in zip(order, p, strict=True):
            q[pos] = x
        return make(q)
    _check_options(make_named, [vals[i] for i in order], "put")
    assert names[0] == "lambda0_1"


def _survival_check(make_dyn, vals, lam):
    dyn = make_dyn(vals)
    t = np.array([0.0, 0.5, 2.0, 10.0])
    m = _model(dyn, barrier_std=lam)
    g = m.survival_gradient(t)
    np.testing.assert_allclose(m.sensitivities(t)["equity"].to_numpy(), g["equity"], rtol=1e-14)
    surv = lambda mm: mm.survival(t)  # noqa: E731
    for key, h in (("equity", 0.05), ("debt_per_share", 0.04), ("recovery_mean", 1e-3)):
        ref = _richardson(lambda x, key=key: surv(_model(dyn, barrier_std=lam, **{key: x})),
                          BASE[key], h)
        _assert_close(g[key], ref, key, 1e-15 / h)
    if lam > 0:
        ref = _richardson(lambda x: surv(_model(dyn, barrier_std=x)), lam, 1e-3)
        _assert_close(g["barrier_std"], ref, "barrier_std", 1e-15 / 1e-3)
    for j, name in enumerate(n for n in dyn.gradient_names if not n.startswith("rho")):
        h = 1e-3 * max(abs(vals[j]), 0.05)

        def bumped(x, j=j):
            p = list(vals)
            p[j] = x
            return surv(_model(make_dyn(p), barrier_std=lam))
        _assert_close(g[name], _richardson(bumped, vals[j], h), name, 1e-15 / h)


@pytest.mark.parametrize("vals", HESTON[:3])
@pytest.mark.parametrize("lam", [0.0, 0.3])
def test_heston_survival_gradient_matches_differences(vals, lam):
    _survival_check(_heston, vals, lam)


@pytest.mark.parametrize("kind", ["call", "put"])
def test_deterministic_variance_is_the_black_scholes_closed_form(kind):
    """Heston with sigma = 0 and v0 = theta is Black-Scholes with vol sqrt(v0): the image route
    must give the SF-3..SF-6 closed-form sensitivities (vega = 2 vol (d/dv0 + d/dtheta)); the
    constant marginal likewise (vega = 2 vol d/dvariance)."""
    vol = 0.25
    ref = _model(sc.BlackScholes(vol)).option_sensitivities(STRIKES, TS, kind)
    got = _model(sc.Heston(vol ** 2, 1.3, vol ** 2, 0.0, 0.0)).option_sensitivities(STRIKES, TS,
                                                                                     kind)
    const = sc.ConstantCovariance([[vol ** 2, 0.01], [0.01, 0.09]]).marginal(0)
    got_c = _model(const).option_sensitivities(STRIKES, TS, kind)
    for key in ("value", "delta", "gamma", "debt_per_share", "recovery_mean", "rate",
                "dividend"):
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-9, atol=1e-12, err_msg=key)
        np.testing.assert_allclose(got_c[key], ref[key], rtol=1e-9, atol=1e-12, err_msg=key)
    np.testing.assert_allclose(2 * vol * (got["v0"] + got["theta"]), ref["vega"], rtol=1e-9)
    np.testing.assert_allclose(got_c["vega"], ref["vega"], rtol=1e-9)


def test_deterministic_variance_survival_is_the_black_scholes_closed_form():
    vol, t = 0.3, np.array([0.5, 2.0, 10.0])
    ref = _model(sc.BlackScholes(vol), barrier_std=0.2).survival_gradient(t)
    got = _model(sc.Heston(vol ** 2, 1.3, vol ** 2, 0.0, 0.0),
                 barrier_std=0.2).survival_gradient(t)
    for key in ("equity", "debt_per_share", "recovery_mean", "barrier_std"):
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-9, atol=1e-14, err_msg=key)
    np.testing.assert_allclose(2 * vol * (got["v0"] + got["theta"]), ref["vol"], rtol=1e-9)


def test_sensitivity_frame_and_errors():
    m = _model(_heston(HESTON[1]))
    frame = m.sensitivities([1.0, 2.0], strike=[45.0, 50.0], kind="put")
    g = m.option_sensitivities([45.0, 50.0], [1.0, 2.0], kind="put")
    assert list(frame.columns) == list(g) and frame.index.names == ["strike", "T"]
    np.testing.assert_allclose(frame.loc[(50.0, 2.0), "kappa"], g["kappa"][1], rtol=1e-14)
    assert isinstance(m.option_sensitivities(50.0, 1.0)["gamma"], float)

    class Opaque:
        def variance_laplace(self, s, t):
            return sc.Heston(0.04, 1.5, 0.04, 0.5, 0.0).variance_laplace(s, t)

    with pytest.raises(sc.InvalidParameterError, match="log_char_fn_gradient"):
        _model(Opaque()).option_sensitivities(50.0, 1.0)
    with pytest.raises(sc.InvalidParameterError, match="> 0"):
        m.option_sensitivities(50.0, 0.0)


@pytest.mark.parametrize("vals", HESTON + [(0.04, 2.0, 0.05, 0.0)])
def test_real_factor_path_equals_the_generic_contract_path(vals):
    """Zero-correlation Heston factors are evaluated in real arithmetic (``heston_factors``
    hook); a wrapper offering only ``log_char_fn_gradient`` takes the generic complex path:
    both give the same sensitivities."""
    h = _heston(vals)

    class Generic:
        gradient_names = h.gradient_names
        log_char_fn_gradient = staticmethod(h.log_char_fn_gradient)
        variance_laplace = staticmethod(h.variance_laplace)
        mean_integrated_variance = staticmethod(h.mean_integrated_variance)

    a = _model(h).option_sensitivities(STRIKES, TS, "call")
    b = _model(Generic()).option_sensitivities(STRIKES, TS, "call")
    assert [key for key in a if key != "vega"] == list(b)     # no v0 attribute: no vega
    for key in b:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-11, atol=1e-13, err_msg=key)
    t = np.array([0.5, 3.0])
    a, b = (_model(d, barrier_std=0.2).survival_gradient(t) for d in (h, Generic()))
    for key in b:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-11, atol=1e-15, err_msg=key)
