"""Input layout does not change prices: broadcast, meshgrid and shuffled flat (strike, maturity)
pairs give the same values (the engine groups work by unique (parameter set, maturity))."""

from __future__ import annotations

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.engines.fourier import option_price

pytestmark = pytest.mark.filterwarnings("error")

K = np.linspace(60.0, 150.0, 40)
T = np.array([0.1, 0.5, 1.0, 3.0, 10.0])


@pytest.mark.parametrize("dyn", [
    sc.Heston(0.04, 1.5, 0.04, 0.5, -0.7),
    sc.BlackScholes(0.25),
    sc.MultiFactorHeston([sc.Heston(0.05, 1.2, 0.05, 0.9, -0.56),
                          sc.Heston(0.02, 0.36, 0.016, 0.27, -0.17)]),
], ids=["heston", "bs", "2f"])
def test_layouts_agree(dyn):
    broadcast = option_price(100.0, K[None, :], T[:, None], 0.02, dyn, kind="put")
    kk, tt = np.meshgrid(K, T)
    mesh = option_price(100.0, kk, tt, 0.02, dyn, kind="put")
    perm = np.random.default_rng(3).permutation(kk.size)
    flat = option_price(100.0, kk.ravel()[perm], tt.ravel()[perm], 0.02, dyn, kind="put")
    np.testing.assert_allclose(mesh, broadcast, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(flat, broadcast.ravel()[perm], rtol=1e-13, atol=1e-13)


def test_parameter_sets_with_repeated_maturities():
    """Two parameter sets x flat maturities: groups are (parameter set, maturity), not maturity."""
    v0 = np.array([[0.02], [0.06]])
    dyn = sc.Heston(v0, 1.5, 0.04, 0.5, -0.7)
    tt = np.array([1.0, 2.0, 1.0, 2.0, 1.0])
    kk = np.array([90.0, 100.0, 110.0, 80.0, 100.0])
    got = option_price(100.0, kk, tt, 0.0, dyn)
    for p in range(2):
        for j in range(tt.size):
            one = option_price(100.0, kk[j], tt[j], 0.0, sc.Heston(float(v0[p, 0]), 1.5, 0.04,
                                                                     0.5, -0.7))
            assert got[p, j] == pytest.approx(one, rel=1e-12, abs=1e-13)
