"""Calibration error measures: the paper's mean squared relative error and option-price errors.

Every function works on the last axis, so a whole population of model values ``(P, N)`` is scored
against ``N`` market quotes in one call (what a vectorised differential evolution needs).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from ..core.errors import InvalidParameterError
from ..core.validation import as_array, positive

__all__ = [
    "relative_errors",
    "mean_squared_relative_error",
    "price_errors",
    "black_scholes_implied_vol",
    "implied_vol_errors",
]


def _market(name: str, market) -> np.ndarray:
    arr = as_array(name, market)
    if arr.ndim != 1 or arr.size == 0:
        raise InvalidParameterError(name, arr, "a non-empty 1-d array of quotes")
    return arr


def relative_errors(model, market) -> np.ndarray:
    """Relative errors ``(model - market) / market`` (H-4's residuals), broadcast on the last axis.

    Parameters
    ----------
    model : array_like, shape (..., N)
        Model values; non-finite values (a parameter set where the model breaks down) give a
        residual of 1e3 so an optimiser steers away instead of stopping.
    market : array_like, shape (N,)
        Market quotes, all non-zero.
    """
    market = _market("market", market)
    if np.any(market == 0):
        raise InvalidParameterError("market", market, "non-zero quotes",
                                    "relative errors divide by the quote")
    model = np.asarray(model, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        res = (model - market) / market
    return np.where(np.isfinite(res), res, 1e3)


def mean_squared_relative_error(model, market) -> np.ndarray | float:
    """The paper's fit error (H-4, seed 002 §4.1).

    .. math:: I(\\Omega) = \\frac{1}{N} \\sum_{i=1}^N
              \\left[\\frac{CS_i^\\Omega - CS_i^{mkt}}{CS_i^{mkt}}\\right]^2

    Returns a float for ``model`` of shape ``(N,)``, else an array of shape ``model.shape[:-1]``.

    Examples
    --------
    >>> mean_squared_relative_error([0.011, 0.018], [0.01, 0.02])
    0.01
    """
    res = relative_errors(model, market)
    out = np.mean(res**2, axis=-1)
    return float(out) if np.ndim(out) == 0 else out


def price_errors(model, market, weights=None, relative: bool = False) -> np.ndarray:
    """Weighted price residuals ``w * (model - market)`` (or relative, ``/ market``).

    For equity options, price errors overweight expensive (in-the-money, long) options; pass
    ``weights = 1 / vega`` or use :func:`implied_vol_errors` to fit volatilities instead.
    """
    market = _market("market", market)
    model = np.asarray(model, dtype=float)
    res = (model - market) / market if relative else model - market
    if weights is not None:
        res = res * as_array("weights", weights)
    return np.where(np.isfinite(res), res, 1e3)


def _bs_call(spot, strike, T, rate, dividend, vol):
    sq = vol * np.sqrt(T)
    d1 = (np.log(spot / strike) + (rate - dividend) * T) / sq + 0.5 * sq
    return (spot * np.exp(-dividend * T) * norm.cdf(d1)
            - strike * np.exp(-rate * T) * norm.cdf(d1 - sq))


def black_scholes_implied_vol(price, spot, strike, T, rate=0.0, kind="call", dividend=0.0,
                              lo: float = 1e-4, hi: float = 5.0, tol: float = 1e-12) -> np.ndarray:
    """Black-Scholes implied volatility, vectorised, by bisection on the (monotone) call price.

    Puts are converted to calls by put-call parity. Prices outside the no-arbitrage band, or whose
    implied vol lies outside ``[lo, hi]``, give NaN (to be screened by the caller: a calibration
    residual turns it into a large error).
    """
    spot = positive("spot", spot)
    strike = positive("strike", strike)
    T = positive("T", T)
    price = np.asarray(price, dtype=float)
    df_q, df_r = np.exp(-dividend * np.asarray(T)), np.exp(-rate * np.asarray(T))
    call = price if kind == "call" else price + spot * df_q - strike * df_r
    shape = np.broadcast(call, spot, strike, T).shape
    call, s, k, t = (np.broadcast_to(a, shape).astype(float) for a in (call, spot, strike, T))
    a, b = np.full(shape, lo), np.full(shape, hi)
    f_a = _bs_call(s, k, t, rate, dividend, a) - call
    f_b = _bs_call(s, k, t, rate, dividend, b) - call
    valid = (f_a <= 0) & (f_b >= 0)
    n_iter = int(np.ceil(np.log2((hi - lo) / tol)))
    for _ in range(n_iter):
        mid = 0.5 * (a + b)
        above = _bs_call(s, k, t, rate, dividend, mid) >= call
        b = np.where(above, mid, b)
        a = np.where(above, a, mid)
    out = np.where(valid, 0.5 * (a + b), np.nan)
    return float(out) if out.ndim == 0 else out


def implied_vol_errors(model_prices, market_vols, spot, strike, T, rate=0.0, kind="call",
                       dividend=0.0) -> np.ndarray:
    """Implied-volatility residuals ``vol_BS(model price) - market vol`` on the last axis."""
    market_vols = _market("market_vols", market_vols)
    vols = black_scholes_implied_vol(model_prices, spot, strike, T, rate, kind, dividend)
    res = np.asarray(vols) - market_vols
    return np.where(np.isfinite(res), res, 1.0)
