"""Closed-form derivatives of the log characteristic function vs Richardson-extrapolated central
differences of ``log_char_fn`` (steps h and h/2, O(h^4)), over the seed's parameter sets, random
ones, Feller-violated sets, |rho| near 1 and sigma = 0."""

import numpy as np
import pytest

import stochcredit as sc

U = np.array([1e-3, 0.3, 1.0, 2.0, 5.0, 12.0, 40.0]) - 0.5j      # Lewis contour
U = np.concatenate([U, [0.7, 3.0, 1.5 - 1j, 0.2 - 0.99j]])


def _richardson(fun, x0, h):
    d = lambda s: (fun(x0 + s) - fun(x0 - s)) / (2 * s)  # noqa: E731
    return (4 * d(h / 2) - d(h)) / 3


def _check(dyn, rebuild, values, t, rtol=1e-7):
    psi, grad = dyn.log_char_fn_gradient(U, t)
    np.testing.assert_allclose(psi, dyn.log_char_fn(U, t), rtol=1e-13, atol=1e-13)
    assert grad.shape == (len(values),) + psi.shape
    scale = np.abs(psi) + 1.0
    for j, x0 in enumerate(values):
        def f(x, j=j):
            vals = list(values)
            vals[j] = x
            return rebuild(vals).log_char_fn(U, t)
        h = 1e-3 * max(abs(x0), 0.05)
        ref = _richardson(f, x0, h)
        err = np.abs(grad[j] - ref) / (np.abs(ref) + scale)
        assert err.max() <= rtol, (j, values, err.max())


SEED = [(0.0581, 1.2017, 0.0524, 0.8968, -0.559), (0.0174, 0.3605, 0.0157, 0.269, -0.1677),
        (0.04, 1.5, 0.04, 0.5, -0.7)]
EDGES = [(0.02, 0.5, 0.09, 1.5, -0.995),      # Feller violated, rho near -1
         (0.1, 3.0, 0.02, 0.9, 0.995),        # rho near +1
         (0.04, 2.0, 0.04, 0.01, 0.3),        # nearly Black-Scholes
         (0.3, 10.0, 0.2, 2.0, 0.0)]


def _random_sets(n, seed=3):
    rng = np.random.default_rng(seed)
    return [tuple(rng.uniform(lo, hi) for lo, hi in
                  ((0.005, 0.3), (0.2, 8.0), (0.005, 0.3), (0.05, 2.0), (-0.98, 0.98)))
            for _ in range(n)]


@pytest.mark.parametrize("params", SEED + EDGES + _random_sets(8))
@pytest.mark.parametrize("t", [0.05, 1.0, 10.0])
def test_heston_gradient_matches_differences(params, t):
    rebuild = lambda p: sc.Heston(*p)  # noqa: E731
    # the rho bump must stay in [-1, 1]
    _check(rebuild(params), rebuild, params, t)


def test_heston_gradient_at_sigma_zero_is_black_scholes_sensitivity():
    v0, kappa, theta, t = 0.05, 2.0, 0.04, 1.5
    psi, g = sc.Heston(v0, kappa, theta, 0.0, 0.3).log_char_fn_gradient(U, t)
    q = 1j * U + U * U
    b = (1 - np.exp(-kappa * t)) / kappa
    np.testing.assert_allclose(g[0], -q / 2 * b, rtol=1e-13)
    np.testing.assert_allclose(g[2], -q / 2 * (t - b), rtol=1e-13)
    db = t * np.exp(-kappa * t) / kappa - b / kappa
    np.testing.assert_allclose(g[1], -q / 2 * (v0 - theta) * db, rtol=1e-12)


def test_black_scholes_gradient():
    dyn = sc.BlackScholes(0.25)
    _check(dyn, lambda p: sc.BlackScholes(p[0]), (0.25,), 2.0)
    assert dyn.gradient_names == ("vol",)


@pytest.mark.parametrize("t", [0.25, 5.0])
def test_multifactor_gradient_stacks_factor_gradients(t):
    p1, p2 = SEED[0], EDGES[0]
    rebuild = lambda p: sc.MultiFactorHeston([sc.Heston(*p[:5]), sc.Heston(*p[5:])])  # noqa: E731
    dyn = rebuild(p1 + p2)
    _check(dyn, rebuild, p1 + p2, t)
    assert dyn.gradient_names[:6] == ("v0_1", "kappa_1", "theta_1", "sigma_1", "rho_1", "v0_2")


def test_char_fn_gradient_is_phi_times_log_gradient():
    h = sc.Heston(*SEED[0])
    phi, dphi = h.char_fn_gradient(U, 2.0)
    psi, dpsi = h.log_char_fn_gradient(U, 2.0)
    np.testing.assert_allclose(phi, h.char_fn(U, 2.0), rtol=1e-14)
    np.testing.assert_allclose(dphi, phi * dpsi, rtol=1e-14)


def test_gradient_broadcasts_over_parameter_sets():
    rng = np.random.default_rng(0)
    v0 = rng.uniform(0.01, 0.1, (4, 1))
    h = sc.Heston(v0, 1.5, 0.04, 0.5, -0.7)
    psi, g = h.log_char_fn_gradient(U, 1.0)
    assert g.shape == (5, 4, U.size)
    single = sc.Heston(float(v0[2, 0]), 1.5, 0.04, 0.5, -0.7).log_char_fn_gradient(U, 1.0)[1]
    np.testing.assert_allclose(g[:, 2], single, rtol=1e-14)


def test_principal_component_marginal_gradient():
    pc = sc.PrincipalComponentCovariance.two_firm(0.6, [0.04, 0.02], [1.5, 0.8], [0.05, 0.03],
                                                  [0.4, 0.3])
    for i in (0, 1):
        m = pc.marginal(i)
        psi, g = m.log_char_fn_gradient(U, 2.0)
        np.testing.assert_allclose(np.exp(psi), m.char_fn(U, 2.0), rtol=1e-12)
        base = dict(lambda0=[0.04, 0.02], kappa=[1.5, 0.8], theta=[0.05, 0.03], sigma=[0.4, 0.3])
        for col, name in enumerate(m.gradient_names):
            key, j = name.rsplit("_", 1)
            j = int(j) - 1

            def f(x, key=key, j=j, i=i, base=base):
                p = {k: list(v) for k, v in base.items()}
                p[key][j] = x
                mm = sc.PrincipalComponentCovariance.two_firm(0.6, p["lambda0"], p["kappa"],
                                                              p["theta"], p["sigma"]).marginal(i)
                return np.log(mm.char_fn(U, 2.0))
            x0 = base[key][j]
            ref = _richardson(f, x0, 1e-3 * x0)
            err = np.abs(g[col] - ref) / (np.abs(ref) + np.abs(psi) + 1.0)
            assert err.max() <= 1e-7, (name, err.max())


def test_constant_covariance_marginal_gradient():
    m = sc.ConstantCovariance(np.array([[0.04, 0.01], [0.01, 0.09]])).marginal(1)
    psi, g = m.log_char_fn_gradient(U, 1.5)
    np.testing.assert_allclose(np.exp(psi), m.char_fn(U, 1.5), rtol=1e-13)
    np.testing.assert_allclose(g[0], psi / 0.09, rtol=1e-13)
