"""Objectives: the paper's I(Omega) (H-4) and option-price / implied-vol errors."""

import numpy as np
import pytest
import QuantLib as ql
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stochcredit import InvalidParameterError
from stochcredit.calibration.objectives import (
    black_scholes_implied_vol,
    implied_vol_errors,
    mean_squared_relative_error,
    price_errors,
    relative_errors,
)


def test_mean_squared_relative_error_matches_definition():
    market = np.array([0.01, 0.02, 0.04])
    model = np.array([0.011, 0.018, 0.04])
    expected = ((0.1) ** 2 + (0.1) ** 2 + 0.0) / 3  # H-4 by hand
    assert mean_squared_relative_error(model, market) == pytest.approx(expected, rel=1e-12)


def test_population_is_scored_row_by_row():
    market = np.array([0.01, 0.02])
    pop = np.array([[0.01, 0.02], [0.02, 0.04], [0.0, 0.0]])
    np.testing.assert_allclose(mean_squared_relative_error(pop, market), [0.0, 1.0, 1.0])


def test_non_finite_model_values_become_large_residuals():
    res = relative_errors([np.nan, 0.02], [0.01, 0.02])
    assert res[0] == 1e3 and res[1] == 0.0


def test_zero_market_quote_is_rejected():
    with pytest.raises(InvalidParameterError, match="market"):
        relative_errors([0.1], [0.0])


def test_price_errors_weights_and_relative():
    np.testing.assert_allclose(price_errors([2.0, 4.0], [1.0, 5.0], weights=[2.0, 1.0]),
                               [2.0, -1.0])
    np.testing.assert_allclose(price_errors([2.0, 4.0], [1.0, 5.0], relative=True), [1.0, -0.2])


def _ql_implied_vol(price, spot, strike, T, rate, kind):
    fwd = spot * np.exp(rate * T)
    df = np.exp(-rate * T)
    opt = ql.Option.Call if kind == "call" else ql.Option.Put
    std = ql.blackFormulaImpliedStdDev(opt, strike, fwd, price / df, 1.0, 0.0, 0.2 * np.sqrt(T),
                                       1e-14, 200)
    return std / np.sqrt(T)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.05, 1.5), st.floats(0.6, 1.6), st.floats(0.1, 5.0),
       st.sampled_from(["call", "put"]))
def test_implied_vol_matches_quantlib(vol, strike, T, kind):
    spot, rate = 1.0, 0.03
    fwd, df = spot * np.exp(rate * T), np.exp(-rate * T)
    opt = ql.Option.Call if kind == "call" else ql.Option.Put
    price = df * ql.blackFormula(opt, strike, fwd, vol * np.sqrt(T))
    intrinsic = max(0.0, (fwd - strike) * df) if kind == "call" else max(0.0, (strike - fwd) * df)
    assume(price - intrinsic > 1e-6)  # below that the price carries no vol information
    ours = black_scholes_implied_vol(price, spot, strike, T, rate, kind)
    assert ours == pytest.approx(_ql_implied_vol(price, spot, strike, T, rate, kind), abs=1e-7)
    assert ours == pytest.approx(vol, abs=1e-7)


def test_implied_vol_outside_no_arbitrage_band_is_nan_and_large_residual():
    assert np.isnan(black_scholes_implied_vol(1.5, 1.0, 1.0, 1.0))
    assert implied_vol_errors([1.5], [0.2], 1.0, 1.0, 1.0)[0] == 1.0
