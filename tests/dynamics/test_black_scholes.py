"""BlackScholes dynamics: closed-form transforms and validation."""

import numpy as np
import pytest

import stochcredit as sc


def test_char_fn_is_gaussian():
    vol, t = 0.3, np.array([0.1, 1.0, 7.0])
    u = np.array([0.5, 2.0, -3.0])
    expected = np.exp(1j * u * (-0.5 * vol**2 * t) - 0.5 * vol**2 * t * u**2)
    np.testing.assert_allclose(sc.BlackScholes(vol).char_fn(u, t), expected, rtol=1e-15)


def test_martingale_and_laplace():
    bs = sc.BlackScholes(0.25)
    np.testing.assert_allclose(bs.char_fn(-1j, [0.5, 10.0]), 1.0, rtol=1e-15)
    np.testing.assert_allclose(bs.variance_laplace(2.0, 3.0), np.exp(-2.0 * 0.0625 * 3.0))


def test_array_vol_broadcasts_against_maturities():
    bs = sc.BlackScholes(np.array([[0.1], [0.2]]))
    out = bs.char_fn(1.0, np.array([1.0, 2.0, 3.0]))
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out[1], sc.BlackScholes(0.2).char_fn(1.0, [1.0, 2.0, 3.0]))


@pytest.mark.parametrize("vol", [-0.1, np.nan, np.inf, "x"])
def test_bad_vol(vol):
    with pytest.raises(sc.InvalidParameterError, match="vol"):
        sc.BlackScholes(vol)


def test_negative_time_rejected():
    with pytest.raises(sc.InvalidParameterError, match="t"):
        sc.BlackScholes(0.2).char_fn(1.0, -1.0)
