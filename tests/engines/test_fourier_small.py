"""The one-call path for small problems (engines/fourier_small.py) equals the general Lewis path
(vectorised planning and kernels) to round-off, and hands everything else to it."""

import numpy as np
import pytest

import stochcredit as sc
from stochcredit.engines.fourier import option_price
from stochcredit.engines.fourier_small import small_lewis

DYNAMICS = [sc.Heston(0.04, 1.5, 0.04, 0.5, -0.7), sc.BlackScholes(0.3),
            sc.MultiFactorHeston([sc.Heston(0.0581, 1.2017, 0.0524, 0.8968, -0.559),
                                  sc.Heston(0.0174, 0.3605, 0.0157, 0.269, -0.1677)]),
            sc.Heston(0.02, 0.5, 0.09, 1.5, -0.99)]


@pytest.mark.parametrize("dyn", DYNAMICS)
def test_small_path_equals_general_path(dyn):
    k = np.array([40.0, 80, 100, 120, 250, 100])
    t = np.array([0.02, 0.5, 1, 3, 10, 0.0])
    call, put = small_lewis(100.0, k, t, 0.03, dyn, 0.01, 48, 1e-16)
    for kind, got in (("call", call), ("put", put)):
        # a 2-d strike array is not "small": the general path
        ref = option_price(100.0, k[None, :], t[None, :], 0.03, dyn, kind=kind, dividend=0.01)[0]
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-13)
        single = option_price(100.0, float(k[2]), float(t[2]), 0.03, dyn, kind=kind,
                              dividend=0.01)
        assert isinstance(single, float)
        assert single == pytest.approx(ref[2], rel=1e-12)


def test_other_inputs_take_the_general_path():
    h = DYNAMICS[0]
    assert small_lewis(100.0, np.ones((2, 2)), 1.0, 0.0, h, 0.0, 48, 1e-16) is None
    assert small_lewis(100.0, np.full(100, 90.0), 1.0, 0.0, h, 0.0, 48, 1e-16) is None
    assert small_lewis(100.0, -1.0, 1.0, 0.0, h, 0.0, 48, 1e-16) is None
    assert small_lewis(100.0, np.array([90.0, 110.0]), 1.0, 0.0, h, 0.0, 48, 1e-16) is None
    assert small_lewis(100.0, 90.0, 1.0, 0.0, sc.Heston([0.04, 0.05], 1.5, 0.04, 0.5, -0.7),
                       0.0, 48, 1e-16) is None
    with pytest.raises(sc.InvalidParameterError, match="strike"):
        option_price(100.0, -1.0, 1.0, 0.0, h)
