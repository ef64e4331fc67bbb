"""Closed-form CreditGrades sensitivities (dual-number chain rule through CG-1..CG-4 and SF-3..SF-6)
vs Richardson-extrapolated central differences of the model's own value methods, <= 1e-6
relative (floor: the differences' round-off, value accuracy / step)."""

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.core import dual as dl

RTOL = 1e-6
T = np.array([0.25, 1.0, 3.0, 5.0, 10.0])


def _richardson(fun, x0, h):
    d = lambda s: (fun(x0 + s) - fun(x0 - s)) / (2 * s)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


def _close(got, ref, what, noise):
    err = np.abs(np.asarray(got) - ref) / (np.abs(ref) + noise / RTOL)
    assert err.max() <= RTOL, (what, err.max(), got, ref)


BASES = [dict(equity=50.0, equity_vol=0.3, debt_per_share=40.0, recovery_mean=0.5,
              barrier_std=0.3, rate=0.03),
         dict(equity=20.0, equity_vol=0.6, debt_per_share=60.0, recovery_mean=0.4,
              barrier_std=0.2, rate=0.0),
         dict(equity=80.0, equity_vol=0.25, debt_per_share=30.0, recovery_mean=0.6,
              barrier_std=0.0, rate=0.05)]


@pytest.mark.parametrize("base", BASES)
def test_cds_spread_and_survival_gradients(base):
    cg = sc.CreditGrades(**base)
    g = cg.cds_spread_gradient(T, recovery=0.4)
    gs = cg.survival_gradient(T)
    assert set(g) == set(base) | {"recovery"}
    for key in list(base) + ["recovery"]:
        x0 = 0.4 if key == "recovery" else base[key]
        if x0 == 0.0 and key == "barrier_std":
            continue      # lambda = 0 is the boundary of its domain
        h = 1e-4 * max(abs(x0), 0.01)

        def spread(x, key=key):
            if key == "recovery":
                return sc.CreditGrades(**base).cds_spread(T, x)
            return sc.CreditGrades(**dict(base, **{key: x})).cds_spread(T, 0.4)

        _close(g[key], _richardson(spread, x0, h), key, 1e-16 / h)
        if key != "recovery":
            surv = lambda x, key=key: sc.CreditGrades(**dict(base, **{key: x})).survival(T)  # noqa
            _close(gs[key], _richardson(surv, x0, h), "survival " + key, 1e-15 / h)
    frame = cg.sensitivities(T)
    np.testing.assert_array_equal(frame["equity"].to_numpy(), cg.cds_spread_gradient(T)["equity"])


def test_explicit_reference_values_are_separate_keys():
    cg = sc.CreditGrades(50.0, 0.3, 40.0, reference_equity=45.0, reference_vol=0.35, rate=0.02)
    g = cg.cds_spread_gradient(5.0)
    assert g["equity_vol"] == 0.0          # CG-1 uses the reference vol only
    h = 1e-5
    f = lambda x: sc.CreditGrades(50.0, 0.3, 40.0, reference_equity=45.0,  # noqa: E731
                                  reference_vol=x, rate=0.02).cds_spread(5.0)
    assert g["reference_vol"] == pytest.approx(_richardson(f, 0.35, h), rel=RTOL)


@pytest.mark.parametrize("kind", ["call", "put"])
def test_creditgrades_equity_option_sensitivities(kind):
    k = np.array([20.0, 45.0, 50.0, 60.0, 90.0])
    t = np.array([0.25, 1.0, 5.0, 1.0, 3.0])
    base = dict(equity=50.0, vol=0.2, debt_per_share=40.0, recovery_mean=0.5, rate=0.03,
                dividend=0.01)

    def model(**kw):
        b = dict(base, **kw)
        return sc.CreditGradesEquity(b["equity"], b["debt_per_share"], b["recovery_mean"],
                                     b["rate"], sc.BlackScholes(b["vol"]), dividend=b["dividend"])

    g = model().option_sensitivities(k, t, kind)
    price = lambda **kw: getattr(model(**kw), kind)(k, t)  # noqa: E731
    np.testing.assert_allclose(g["value"], price(), rtol=1e-11, atol=1e-13)
    for key, name in [("delta", "equity"), ("vega", "vol"), ("debt_per_share", "debt_per_share"),
                      ("recovery_mean", "recovery_mean"), ("rate", "rate"),
                      ("dividend", "dividend")]:
        x0 = base[name]
        h = 1e-3 * max(abs(x0), 0.05)
        _close(g[key], _richardson(lambda x, n=name: price(**{n: x}), x0, h), key, 1e-12 / h)
    # gamma: Richardson second differences
    f = lambda x: price(equity=x)  # noqa: E731
    d2 = lambda s: (f(50 + s) - 2 * f(50.0) + f(50 - s)) / s ** 2  # noqa: E731
    _close(g["gamma"], (4 * d2(0.05) - d2(0.1)) / 3, "gamma", 1e-11 / 0.05 ** 2)


def test_option_sensitivities_need_a_differentiable_variance():
    """Under the method of images the variance needs closed-form transform derivatives (the
    Heston case itself is tested in test_creditgrades_equity_images_sensitivity.py)."""
    m = sc.CreditGradesEquity(50, 40, 0.5, 0.03, sc.CIR(v0=0.04, kappa=1.5, theta=0.04, sigma=0.5))
    with pytest.raises(sc.InvalidParameterError, match="log_char_fn_gradient"):
        m.option_sensitivities(50.0, 1.0)


def test_dual_numbers_chain_rule():
    x, y = dl.variables(0.7, 2.0)
    f = dl.exp(x * y) / dl.sqrt(y) + dl.ndtr(x) - dl.log_ndtr(-y) * x ** 2
    from scipy.stats import norm
    fx = y.value * np.exp(1.4) / np.sqrt(2.0) + norm.pdf(0.7) - 2 * 0.7 * norm.logcdf(-2.0)
    fy = (0.7 * np.exp(1.4) / np.sqrt(2.0) - 0.5 * np.exp(1.4) * 2.0 ** -1.5
          + 0.49 * norm.pdf(2.0) / norm.cdf(-2.0))
    np.testing.assert_allclose(f.grad, [fx, fy], rtol=1e-13)


def _cge(**kw):
    b = dict(equity=50.0, vol=0.2, debt_per_share=40.0, recovery_mean=0.5, barrier_std=0.3)
    b.update(kw)
    return sc.CreditGradesEquity(b["equity"], b["debt_per_share"], b["recovery_mean"], 0.03,
                                 sc.BlackScholes(b["vol"]), barrier_std=b["barrier_std"])


MODELS = {
    "creditgrades": (lambda **kw: sc.CreditGrades(**dict(BASES[0], **kw)), BASES[0]),
    "creditgrades_equity": (_cge, dict(equity=50.0, vol=0.2, debt_per_share=40.0,
                                       recovery_mean=0.5, barrier_std=0.3)),
    "merton": (lambda asset=1.0, debt=0.7, vol=0.35: sc.Merton(asset, debt, 0.02,
                                                               sc.BlackScholes(vol)),
               dict(asset=1.0, debt=0.7, vol=0.35)),
}


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("premium", ["continuous", "quarterly_accrual"])
def test_structural_cds_spread_gradient(name, premium):
    build, base = MODELS[name]
    mats = np.array([1.0, 3.0, 5.0])
    g = sc.structural_cds_spread_gradient(build(), mats, rate=0.03, recovery=0.4,
                                          premium=premium)
    for key, x0 in base.items():
        h = 1e-4 * max(abs(x0), 0.05)
        f = lambda x, key=key: sc.structural_cds_spread(build(**{key: x}), mats, 0.03, 0.4,  # noqa
                                                        premium)
        _close(g[key], _richardson(f, x0, h), key, 1e-14 / h)
    f = lambda r: sc.structural_cds_spread(build(), mats, 0.03, r, premium)  # noqa: E731
    _close(g["recovery"], _richardson(f, 0.4, 1e-4), "recovery", 1e-12)


def test_creditgrades_equity_survival_gradient():
    t = np.array([0.0, 1.0, 5.0])
    g = _cge().survival_gradient(t)
    for key in ("equity", "vol", "debt_per_share", "recovery_mean", "barrier_std"):
        x0 = {"equity": 50.0, "vol": 0.2, "debt_per_share": 40.0, "recovery_mean": 0.5,
              "barrier_std": 0.3}[key]
        h = 1e-4 * x0
        _close(g[key], _richardson(lambda x, k=key: _cge(**{k: x}).survival(t), x0, h), key,
               1e-15 / h)
