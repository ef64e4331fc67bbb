"""European options on an asset under any dynamics with a characteristic function."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..engines.fourier import option_price

__all__ = ["european_option"]


def european_option(spot: ArrayLike, strike: ArrayLike, T: ArrayLike, rate: ArrayLike,
                    dynamics: Any, kind: str = "call", dividend: ArrayLike = 0.0, *,
                    method: str = "lewis", n_nodes: int = 48) -> float | np.ndarray:
    """Price of a European call or put (seed 002 eqs. 14-19, H-2; Lewis form by default).

    Parameters
    ----------
    spot : float or array_like
        Spot price ``S_0 > 0``.
    strike : float or array_like
        Strike ``K > 0``.
    T : float or array_like
        Maturity in years, ``>= 0``.
    rate : float or array_like
        Continuously compounded risk-free rate (decimal).
    dynamics : BlackScholes, Heston, MultiFactorHeston or any object with ``char_fn(u, t)``
        Array-valued parameters broadcast against ``T``.
    kind : {"call", "put"}
    dividend : float or array_like
        Continuous dividend yield.
    method : {"lewis", "gil_pelaez"}
        Fourier representation (see :mod:`stochcredit.engines.fourier`).
    n_nodes : int
        Base number of quadrature nodes (more are added automatically for deep out-of-the-money
        strikes at short maturities and for slowly decaying characteristic functions).

    Returns
    -------
    float or ndarray
        Price per unit notional, shape ``broadcast(spot, strike, T, rate, dividend, parameters)``.
        Accuracy: <= 1e-10 relative vs QuantLib's AnalyticHestonEngine (absolute floor 1e-12 *
        spot) from 1 week to 30 years, see ``tests/engines/test_fourier_quantlib.py``.

    Examples
    --------
    >>> import numpy as np, stochcredit as sc
    >>> h = sc.Heston(v0=0.04, kappa=1.5, theta=0.04, sigma=0.5, rho=-0.7)
    >>> sc.european_option(100.0, np.array([[90.0], [110.0]]), [0.5, 1.0], 0.02, h)  # (2, 2)
    array([[12.85529149, 15.07898691],
           [ 1.40583199,  3.33948934]])
    """
    return option_price(spot, strike, T, rate, dynamics, kind=kind, dividend=dividend,
                        method=method, n_nodes=n_nodes)
