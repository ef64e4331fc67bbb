"""Wishart marginal: derivatives of the transform (tangent-linear Moebius steps) vs the chain
rule through the Heston gradient (n = 1 is CIR, Seed Remark 1 / WI-5) and vs
Richardson-extrapolated central differences of ``char_fn`` (steps h, h/2; O(h^4)) for n = 2 with
``beta`` or ``omega`` drift, non-symmetric ``M``, and next to Bru's boundary ``beta = n - 1``
(variance reaching zero, the Feller-violated analogue; the differences need ``beta - h >= n - 1``);
then through the engines: a Merton spread and CreditGradesEquity option sensitivities vs
differences of the value, <= 1e-6 relative."""

import numpy as np
import pytest

import stochcredit as sc

pytestmark = pytest.mark.filterwarnings("error")

U = np.concatenate([np.array([1e-3, 0.3, 1.0, 2.0, 5.0, 12.0, 40.0]) - 0.5j, [0.7, 3.0, 1.5 - 1j]])


def _richardson(fun, x0, h):
    d = lambda s: (fun(x0 + s) - fun(x0 - s)) / (2 * s)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


@pytest.mark.parametrize("params", [(1.5, 0.04, 0.4, 0.04), (0.5, 0.09, 1.5, 0.02),
                                    (3.0, 0.02, 0.9, 0.1)])
@pytest.mark.parametrize("t", [0.05, 1.0, 10.0])
def test_one_dimensional_wishart_gradient_is_the_cir_chain_rule(params, t):
    kappa, theta, eps, v0 = params
    m, q, beta = -kappa / 2, eps / 2, 4 * kappa * theta / eps ** 2
    mg = sc.WishartCovariance(v0, m, q, beta=beta).marginal(0)
    psi, g = mg.log_char_fn_gradient(U, t)
    np.testing.assert_allclose(np.exp(psi), mg.char_fn(U, t), rtol=1e-12, atol=1e-300)
    ph, gh = sc.Heston(v0, kappa, theta, eps, 0.0).log_char_fn_gradient(U, t)
    ref = [gh[0], -2 * gh[1] + beta * q * q / (2 * m * m) * gh[2],
           2 * gh[3] - beta * q / m * gh[2], q * q / (-2 * m) * gh[2]]
    scale = np.abs(np.asarray(ref)).max() + 1.0
    np.testing.assert_allclose(g, np.asarray(ref), rtol=0, atol=1e-12 * scale)


SIGMA0 = np.array([[0.04, 0.01], [0.01, 0.05]])
M = np.array([[-1.0, 0.2], [-0.1, -1.3]])
Q = np.array([[0.2, 0.0], [0.05, 0.25]])
OMEGA = np.array([[0.3, 0.05], [0.0, 0.35]])


def _params(beta_form):
    last = [3.0] if beta_form else list(OMEGA.ravel())
    return [SIGMA0[0, 0], SIGMA0[0, 1], SIGMA0[1, 1], *M.ravel(), *Q.ravel(), *last]


def _cov(p, beta_form):
    s0 = np.array([[p[0], p[1]], [p[1], p[2]]])
    m, q = np.reshape(p[3:7], (2, 2)), np.reshape(p[7:11], (2, 2))
    if beta_form:
        return sc.WishartCovariance(s0, m, q, beta=p[11])
    return sc.WishartCovariance(s0, m, q, omega=np.reshape(p[11:15], (2, 2)))


CASES = [("beta", 0, 1.0), ("beta", 1, 3.0), ("omega", 0, 1.0), ("omega", 1, 0.3)]


@pytest.mark.parametrize("form,index,t", CASES)
def test_two_firm_wishart_gradient_matches_differences(form, index, t):
    beta_form = form == "beta"
    p0 = _params(beta_form)
    mg = _cov(p0, beta_form).marginal(index)
    psi, g = mg.log_char_fn_gradient(U, t)
    phi = mg.char_fn(U, t)
    np.testing.assert_allclose(np.exp(psi), phi, rtol=1e-12)
    assert g.shape == (len(mg.gradient_names),) + psi.shape == (len(p0),) + U.shape
    for j, name in enumerate(mg.gradient_names):
        def f(x, j=j):
            p = list(p0)
            p[j] = x
            return _cov(p, beta_form).marginal(index).char_fn(U, t)
        h = 1e-3 * max(abs(p0[j]), 0.05)
        dlog = _richardson(f, p0[j], h) / phi
        err = np.abs(g[j] - dlog) / (np.abs(dlog) + np.abs(psi) + 1.0)
        assert err.max() <= 1e-7, (name, err.max())


def test_wishart_next_to_brus_boundary_beta_equals_n_minus_one():
    p0 = _params(True)
    p0[11] = 1.01     # beta -> n - 1: Sigma_t reaches the boundary of the cone
    mg = _cov(p0, True).marginal(0)
    psi, g = mg.log_char_fn_gradient(U, 2.0)
    phi = mg.char_fn(U, 2.0)
    for j in (0, 3, 8, 11):
        def f(x, j=j):
            p = list(p0)
            p[j] = x
            return _cov(p, True).marginal(0).char_fn(U, 2.0)
        dlog = _richardson(f, p0[j], 1e-3 * max(abs(p0[j]), 0.05)) / phi
        assert (np.abs(g[j] - dlog) / (np.abs(dlog) + np.abs(psi) + 1.0)).max() <= 1e-7


def _assert_close(got, ref, what, noise=0.0):
    got, ref = np.asarray(got), np.asarray(ref)
    floor = max(1e-6 * np.max(np.abs(ref)), noise / 1e-6)
    err = np.abs(got - ref) / (np.abs(ref) + floor)
    assert err.max() <= 1e-6, (what, err.max(), got, ref)


def test_creditgrades_equity_sensitivities_under_a_wishart_marginal():
    p0 = _params(True)
    k, t = np.array([45.0, 50.0, 60.0]), np.array([0.5, 2.0, 2.0])

    def model(p, equity=50.0):
        return sc.CreditGradesEquity(equity, 40.0, 0.5, 0.03, _cov(p, True).marginal(0), 0.01)

    g = model(p0).option_sensitivities(k, t, "call")
    np.testing.assert_allclose(g["value"], model(p0).call(k, t), rtol=1e-11)
    _assert_close(g["delta"], _richardson(lambda x: model(p0, x).call(k, t), 50.0, 0.05),
                  "delta", 1e-13 / 0.05)
    for j in (1, 4, 8, 11):      # sigma0 (off-diagonal pair), m_12, q_12, beta
        name = model(p0).dynamics.gradient_names[j]

        def bumped(x, j=j):
            p = list(p0)
            p[j] = x
            return model(p).call(k, t)
        h = 1e-3 * max(abs(p0[j]), 0.05)
        _assert_close(g[name], _richardson(bumped, p0[j], h), name, 1e-13 / h)


def test_merton_spread_gradient_under_a_wishart_marginal():
    from stochcredit.models.merton import merton_credit_spreads

    p0 = [0.04, -0.75, 0.2, 6.0]       # n = 1 keeps the (slow) Fourier pricing of Wishart cheap
    cov = lambda p: sc.WishartCovariance(p[0], p[1], p[2], beta=p[3])  # noqa: E731
    t = np.array([2.0])
    grad = sc.Merton(1.0, 0.6, 0.02, cov(p0).marginal(0)).credit_spread_gradient(t)
    for j, name in enumerate(cov(p0).marginal(0).gradient_names):
        def spreads(x, j=j):
            p = list(p0)
            p[j] = x
            return merton_credit_spreads(t, 1.0, 0.6, 0.02, cov(p).marginal(0), n_nodes=48)
        h = 1e-3 * abs(p0[j])
        _assert_close(grad[name], _richardson(spreads, p0[j], h), name, 1e-16 / h)
