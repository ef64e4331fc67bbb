"""Every marginal of a covariance model prices like the equivalent single-factor model.

Independent references: Seed Remark 1 / WI-5 (a Wishart diagonal entry with diagonal ``M, Q`` is
CIR), PC-3 (a principal-component marginal is a sum of scaled CIR factors, i.e. a multi-factor
Heston with ``rho = 0``), and a constant covariance is Black-Scholes. Each composition goes through
``european_option``, ``Merton`` and ``CreditGradesEquity``; warnings are errors (a dropped
imaginary part used to show up only as a ComplexWarning).
"""

from __future__ import annotations

import numpy as np
import pytest

import stochcredit as sc

pytestmark = pytest.mark.filterwarnings("error")

STRIKES = np.array([60.0, 80.0, 100.0, 120.0, 150.0])
MATURITIES = np.array([0.25, 1.0, 2.0, 5.0])


def _wishart_pairs():
    kappa, theta, eps, v0 = 1.5, 0.04, 0.4, 0.04
    one = sc.WishartCovariance(v0, -kappa / 2, eps / 2, beta=4 * kappa * theta / eps**2)
    yield one.marginal(0), sc.Heston(v0, kappa, theta, eps, 0.0)
    # n = 2, diagonal M and Q: each diagonal entry is CIR(-2 m_i, beta q_i^2 / (-2 m_i), 2 q_i)
    m, q, beta = np.array([-0.8, -1.1]), np.array([0.15, 0.2]), 3.0
    two = sc.WishartCovariance([[0.05, 0.01], [0.01, 0.03]], np.diag(m), np.diag(q), beta=beta)
    for i, s0 in enumerate([0.05, 0.03]):
        yield two.marginal(i), sc.Heston(s0, -2 * m[i], beta * q[i] ** 2 / (-2 * m[i]),
                                         2 * q[i], 0.0)


def _pc_pairs():
    c, s = np.cos(0.6), np.sin(0.6)
    a = np.array([[c, -s], [s, c]])
    lam0, kap, th, sig = [0.04, 0.01], [1.2, 0.5], [0.05, 0.02], [0.3, 0.2]
    pc = sc.PrincipalComponentCovariance(a, lam0, kap, th, sig)
    for i in range(2):
        w = a[i] ** 2
        factors = [sc.Heston(w[j] * lam0[j], kap[j], w[j] * th[j], np.sqrt(w[j]) * sig[j], 0.0)
                   for j in range(2)]
        yield pc.marginal(i), sc.MultiFactorHeston(factors)


def _constant_pairs():
    cov = sc.ConstantCovariance([[0.04, 0.006], [0.006, 0.09]])
    yield cov.marginal(0), sc.BlackScholes(0.2)
    yield cov.marginal(1), sc.BlackScholes(0.3)


PAIRS = [*_wishart_pairs(), *_pc_pairs(), *_constant_pairs()]
IDS = ["wishart1", "wishart2_0", "wishart2_1", "pc_0", "pc_1", "const_0", "const_1"]


def _close(a, b, rel=1e-10, abs_=1e-12):
    np.testing.assert_allclose(a, b, rtol=rel, atol=abs_)


@pytest.mark.parametrize(("marginal", "single"), PAIRS, ids=IDS)
def test_european_option(marginal, single):
    for kind in ("call", "put"):
        got = sc.european_option(100.0, STRIKES, MATURITIES[:, None], 0.02, marginal, kind=kind)
        want = sc.european_option(100.0, STRIKES, MATURITIES[:, None], 0.02, single, kind=kind)
        _close(got, want, abs_=1e-10)


def test_issue_example():
    """The issue's n = 1 example: [23.90, 11.63, 5.38] was wrong; the Heston law gives 25.43..."""
    kappa, theta, eps, v0 = 1.5, 0.04, 0.4, 0.04
    w = sc.WishartCovariance(v0, -kappa / 2, eps / 2, beta=4 * kappa * theta / eps**2)
    got = sc.european_option(100, [80, 100, 120], 2, 0.02, w.marginal(0))
    np.testing.assert_allclose(got, [25.43, 12.56, 5.56], atol=0.01)


@pytest.mark.parametrize(("marginal", "single"), PAIRS, ids=IDS)
def test_merton(marginal, single):
    t = np.array([0.5, 1.0, 3.0, 10.0])
    got = sc.Merton(1.0, 0.6, 0.02, marginal)
    want = sc.Merton(1.0, 0.6, 0.02, single)
    _close(got.credit_spread(t), want.credit_spread(t), abs_=1e-13)
    _close(got.default_probability(t), want.default_probability(t), abs_=1e-13)
    _close(got.debt_value(t), want.debt_value(t))


@pytest.mark.parametrize(("marginal", "single"), PAIRS, ids=IDS)
def test_creditgrades_equity(marginal, single):
    t = np.array([1.0, 5.0])
    got = sc.CreditGradesEquity(50.0, 40.0, 0.5, 0.02, marginal)
    want = sc.CreditGradesEquity(50.0, 40.0, 0.5, 0.02, single)
    _close(got.survival(t), want.survival(t))
    _close(got.put(40.0, t), want.put(40.0, t), abs_=1e-10)
    _close(got.call(55.0, t), want.call(55.0, t), abs_=1e-10)


def test_complex_input_refused_where_real_needed():
    with pytest.raises(sc.InvalidParameterError, match="complex"):
        sc.european_option(100.0, 100.0 + 1j, 1.0, 0.0, sc.BlackScholes(0.2))
    with pytest.raises(sc.InvalidParameterError, match="complex"):
        sc.Heston(0.04 + 0.01j, 1.0, 0.04, 0.3, 0.0)
    # zero imaginary parts are real numbers
    assert sc.BlackScholes(np.complex128(0.2)).vol == 0.2


def test_char_fn_keeps_imaginary_part():
    for marginal, single in PAIRS:
        u = np.array([0.3 - 0.5j, 2.0 - 0.25j, 1.0 - 1j, 0.7])
        _close(marginal.char_fn(u, 1.5), single.char_fn(u, 1.5), abs_=1e-14)
