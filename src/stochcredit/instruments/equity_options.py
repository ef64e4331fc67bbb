"""European options on an asset under any dynamics with a characteristic function."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..core.sensitivity import gradient_frame
from ..engines.fourier import option_price

__all__ = ["european_option", "european_option_gradient", "gradient_frame"]


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
    rate : float, array_like or DiscountCurve
        Continuously compounded risk-free rate (decimal), or a curve with ``discount(t)``: the
        price at ``T`` then uses ``P(0, T)`` (deterministic rates).
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


def european_option_gradient(spot: ArrayLike, strike: ArrayLike, T: ArrayLike, rate: ArrayLike,
                             dynamics: Any, kind: str = "call", dividend: ArrayLike = 0.0, *,
                             n_nodes: int = 48) -> dict[str, np.ndarray]:
    """Sensitivities of :func:`european_option`: ``{"value", "spot", "strike", "rate", <each
    dynamics parameter>}``, each of the price's broadcast shape.

    ``"spot"`` is the delta ``dV/dS_0``, ``"strike"`` ``dV/dK``, ``"rate"`` ``dV/dr`` (spot and
    dividend yield fixed); the dynamics keys are the dynamics' ``gradient_names`` (``"vol"`` for
    ``BlackScholes``; ``"v0"``, ``"kappa"``, ``"theta"``, ``"sigma"``, ``"rho"`` for ``Heston``;
    suffixed ``_1``, ``_2``, ... for ``MultiFactorHeston``). Computed in one pass through the
    Lewis integrals with the closed-form derivatives of the characteristic function
    (:mod:`stochcredit.engines.fourier_gradient`), not by bumping. :func:`gradient_frame` turns
    the dict into a table.

    Examples
    --------
    >>> import stochcredit as sc
    >>> g = sc.european_option_gradient(100.0, 100.0, 1.0, 0.02, sc.BlackScholes(0.2))
    >>> round(float(g["spot"]), 6), round(float(g["vol"]), 6)   # N(d1), S phi(d1) sqrt(T)
    (0.57926, 39.104269)
    """
    from ..core import validation as v
    from ..engines.fourier_gradient import lewis_gradient

    kind = v.choice("kind", kind, ("call", "put"))
    g = lewis_gradient(spot, strike, T, rate, dynamics, dividend, n_nodes=n_nodes)
    # parity: call - put = S e^{-qT} - K e^{-rT}; its derivatives are explicit
    call = kind == "call"
    out = {"value": np.maximum(g.call if call else g.put, 0.0),
           "spot": g.dcall_dspot if call else g.dput_dspot,
           "strike": g.dput_dstrike - g.disc if call else g.dput_dstrike,
           "rate": g.dput_drate + g.T * g.strike * g.disc if call else g.dput_drate}
    for name, d in zip(g.names, g.dput_params, strict=True):
        out[name] = d
    return {k: (float(a) if np.ndim(a) == 0 else np.array(a)) for k, a in out.items()}

