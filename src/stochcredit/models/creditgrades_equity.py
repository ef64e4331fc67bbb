"""Equity options with default risk: Stamicar-Finger (2006) and its Heston extension by images.

Equity is a shifted lognormal absorbed at zero: ``S_t = V_t - L D e^{(r-q)t}`` until the asset
hits the growing barrier, then 0 (SF-1, SF-2). With a constant asset volatility the call, put and
survival are closed forms (SF-3..SF-6); with any variance process independent of the asset noise
(Heston with ``rho = 0``, multi-factor Heston, a firm's marginal of a Wishart or principal-component
covariance) they are the image integrals IM-1 and IM-2 against the dynamics' ``variance_laplace``.
Formulas: MODELS_CREDITGRADES.md §B and §C.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from ..core import validation as v
from ..core.errors import InvalidParameterError
from ..engines import images
from .balance_sheet import BalanceSheet

__all__ = [
    "CreditGradesEquity",
    "asset_vol_from_equity_vol",
    "implied_asset_vol",
    "black_scholes_implied_vol",
]


def _pack(arr: np.ndarray, *inputs: Any) -> float | np.ndarray:
    return float(arr) if all(np.ndim(x) == 0 for x in inputs) else arr


def _constant_vol(dynamics: Any) -> float | None:
    """The asset volatility if ``dynamics`` is a constant-volatility (Black-Scholes) object."""
    if isinstance(dynamics, (int, float, np.floating)):
        return float(dynamics)
    from ..dynamics.black_scholes import BlackScholes

    if isinstance(dynamics, BlackScholes):
        if np.ndim(dynamics.vol) != 0:
            raise InvalidParameterError("dynamics.vol", dynamics.vol, "a single number")
        return float(dynamics.vol)
    return None


def _check_zero_correlation(dynamics: Any) -> None:
    """Reject dynamics whose asset/variance correlation is not zero (images need rho = 0)."""
    why = ("the method of images needs zero asset/variance correlation: with rho != 0 the asset, "
           "given the variance path, is no longer a time-changed Brownian motion and the "
           "reflection symmetry behind IM-1/IM-2 is lost")
    for name, obj in [("dynamics", dynamics)] + [(f"dynamics.factors[{i}]", f) for i, f in
                                                 enumerate(getattr(dynamics, "factors", ()))]:
        rho = getattr(obj, "rho", 0.0)
        if np.any(np.asarray(rho, dtype=float) != 0.0):
            raise InvalidParameterError(f"{name}.rho", rho, "0", why)


def asset_vol_from_equity_vol(equity: float, equity_vol: float, debt_per_share: float,
                              recovery_mean: float) -> float:
    """(CG-1 / SF-2) Asset volatility ``sigma = sigma_S S0 / (S0 + L D)`` from the equity vol."""
    s0 = v.positive("equity", equity)
    sig_s = v.positive("equity_vol", equity_vol)
    b = v.positive("recovery_mean", recovery_mean) * v.positive("debt_per_share", debt_per_share)
    return sig_s * s0 / (s0 + b)


def black_scholes_implied_vol(price: float, spot: float, strike: float, T: float, rate: float = 0.0,
                              dividend: float = 0.0, kind: str = "call") -> float:
    """Black-Scholes implied volatility of a European equity option (scipy ``brentq``).

    Used to show the equity smile implied by default risk. Raises ``InvalidParameterError`` when
    the price is outside the no-arbitrage bounds of the Black-Scholes model (e.g. a put worth more
    than ``K e^{-rT} - S e^{-qT}`` plus all time value cannot be matched).
    """
    kind = v.choice("kind", kind, ("call", "put"))
    df_q, df_r = np.exp(-dividend * T), np.exp(-rate * T)
    fwd = spot * df_q / df_r

    def bs(sig: float) -> float:
        c = df_r * float(images.black(fwd, strike, sig * sig * T))
        return c if kind == "call" else c - spot * df_q + strike * df_r

    lo, hi = 1e-8, 10.0
    f_lo, f_hi = bs(lo) - price, bs(hi) - price
    if f_lo > 0 or f_hi < 0:
        raise InvalidParameterError("price", price, f"between {bs(lo):.6g} and {bs(hi):.6g}",
                                    "outside the Black-Scholes range for this strike")
    return float(brentq(lambda s: bs(s) - price, lo, hi, xtol=1e-14, rtol=1e-12, maxiter=200))


@dataclass(frozen=True, eq=False)
class CreditGradesEquity(BalanceSheet):
    """Equity as a shifted lognormal absorbed at zero; equity options with default; a SurvivalCurve.

    Parameters
    ----------
    equity : float
        Share price ``S0 > 0``.
    debt_per_share : float
        Debt per share ``D > 0``.
    recovery_mean : float
        Global recovery ``L > 0``; the barrier is ``L D e^{(r-q)t}``.
    rate : float
        Risk-free rate ``r`` (continuous).
    dynamics : object
        Asset variance: ``BlackScholes(asset_vol)`` (closed forms SF-3..SF-6; ``vol > 0``) or any
        object with ``variance_laplace(s, t)`` and zero asset/variance correlation (``Heston(...,
        rho=0)``, ``CIR``, ``MultiFactorHeston`` with all ``rho = 0``, a multi-firm marginal):
        method of images IM-1/IM-2. A nonzero ``rho`` is rejected.
    dividend : float
        Dividend yield ``q``.
    barrier_std : float
        CreditGrades barrier uncertainty ``lambda >= 0``, applied as the time shift of §C to
        :meth:`survival` only (``x0 -> x0 + lambda^2``, ``I_T -> I_T + lambda^2``); options use the
        deterministic barrier.

    Examples
    --------
    >>> from stochcredit import BlackScholes, Heston
    >>> m = CreditGradesEquity(50, 40, 0.5, 0.03, BlackScholes(0.2))
    >>> m.call([40, 50, 60], 1.0).round(4)
    array([12.5387,  6.2872,  2.6745])
    >>> m.put(50, [1.0, 5.0]).round(4), round(m.survival(5.0), 6)
    (array([4.8094, 8.6031]), 0.990673)
    >>> h = CreditGradesEquity(50, 40, 0.5, 0.03, Heston(0.04, 1.5, 0.04, 0.5, 0.0))
    >>> round(h.put(40, 2.0), 4)   # method of images
    2.4166
    """

    equity: float
    debt_per_share: float
    recovery_mean: float
    rate: float
    dynamics: Any
    dividend: float = 0.0
    barrier_std: float = 0.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "equity", v.positive("equity", self.equity))
        set_(self, "debt_per_share", v.positive("debt_per_share", self.debt_per_share))
        set_(self, "recovery_mean", v.positive("recovery_mean", self.recovery_mean))
        set_(self, "rate", v.finite("rate", self.rate))
        set_(self, "dividend", v.finite("dividend", self.dividend))
        set_(self, "barrier_std", v.nonnegative("barrier_std", self.barrier_std))
        vol = _constant_vol(self.dynamics)
        if vol is not None:
            v.positive("dynamics.vol (asset volatility)", vol)
        elif not callable(getattr(self.dynamics, "variance_laplace", None)):
            raise InvalidParameterError("dynamics", self.dynamics,
                                        "BlackScholes or an object with variance_laplace(s, t)")
        else:
            _check_zero_correlation(self.dynamics)
            if tuple(getattr(self.dynamics, "param_shape", ())) != ():
                raise InvalidParameterError("dynamics", self.dynamics, "scalar parameters",
                                            "one firm needs one set of variance parameters")
        set_(self, "_vol", vol)

    # -- construction helpers ------------------------------------------------------------------
    @classmethod
    def from_equity_vol(cls, equity: float, equity_vol: float, debt_per_share: float,
                        recovery_mean: float, rate: float, dividend: float = 0.0,
                        barrier_std: float = 0.0) -> CreditGradesEquity:
        """Black-Scholes asset with ``sigma = sigma_S S0/(S0 + L D)`` (SF-2)."""
        from ..dynamics.black_scholes import BlackScholes

        sig = asset_vol_from_equity_vol(equity, equity_vol, debt_per_share, recovery_mean)
        return cls(equity, debt_per_share, recovery_mean, rate, BlackScholes(sig), dividend,
                   barrier_std)

    @classmethod
    def from_option_price(cls, price: float, strike: float, T: float, equity: float,
                          debt_per_share: float, recovery_mean: float, rate: float,
                          dividend: float = 0.0, kind: str = "call") -> CreditGradesEquity:
        """Black-Scholes asset whose volatility reproduces one equity option price (SF-4/SF-6)."""
        from ..dynamics.black_scholes import BlackScholes

        sig = implied_asset_vol(price, strike, T, equity, debt_per_share, recovery_mean, rate,
                                dividend, kind)
        return cls(equity, debt_per_share, recovery_mean, rate, BlackScholes(sig), dividend)

    # -- basic quantities ----------------------------------------------------------------------
    @property
    def asset_vol(self) -> float | None:
        """Constant asset volatility (Black-Scholes dynamics) or None."""
        return self._vol

    @property
    def equity_vol(self) -> float | None:
        """Instantaneous equity volatility ``sigma (S0 + L D)/S0`` (Black-Scholes dynamics)."""
        return None if self._vol is None else self._vol * self.asset_value / self.equity

    def _laplace(self):
        return self.dynamics.variance_laplace

    def _mean_variance(self, T: np.ndarray) -> np.ndarray | None:
        for name in ("mean_integrated_variance", "integrated_mean"):
            fn = getattr(self.dynamics, name, None)
            if callable(fn):
                return np.asarray(fn(T), dtype=float)
        return None

    def _strike_star(self, strike: np.ndarray, T: np.ndarray) -> np.ndarray:
        return self.barrier + strike * np.exp(-(self.rate - self.dividend) * T)

    # -- SF-5 / IM-1 ---------------------------------------------------------------------------
    def survival(self, T: ArrayLike) -> float | np.ndarray:
        """Probability of no default by ``T``: SF-5 (Black-Scholes) or IM-1 (images).

        ``P(tau > T) = E[P_GBM(x0, I_T)]``; the growth rate ``r - q`` cancels. With
        ``barrier_std = lambda > 0`` the CreditGrades time shift ``x0 + lambda^2``,
        ``I_T + lambda^2`` is applied (so ``survival(0) < 1``; CG-2 when the variance is constant).

        Parameters
        ----------
        T : float or array_like
            Horizon(s) in years, ``>= 0``.
        """
        T_in = T
        T = np.asarray(v.nonnegative("T", T))
        lam2 = self.barrier_std**2
        x0 = self.distance_to_default + lam2
        if self._vol is not None:
            out = images.survival_gbm(x0, self._vol**2 * T + lam2)
        else:
            lap = self._laplace()
            mean = self._mean_variance(T)
            if lam2 > 0.0:
                def lap_shift(u, t, _lap=lap):
                    return _lap(u, t) * np.exp(-np.asarray(u) * lam2)
                out = images.survival_images(x0, lap_shift, T, mean_variance=None if mean is None
                                             else mean + lam2)
            else:
                out = images.survival_images(x0, lap, T, mean_variance=mean)
        return _pack(np.asarray(out), T_in)

    def default_probability(self, T: ArrayLike) -> float | np.ndarray:
        """``1 - survival(T)``."""
        return 1.0 - self.survival(T)

    # -- SF-4 / IM-2 / SF-6 --------------------------------------------------------------------
    def _inputs(self, strike: ArrayLike, T: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        k = np.asarray(v.nonnegative("strike", strike))
        t = np.asarray(v.nonnegative("T", T))
        return np.broadcast_arrays(k, t)

    def _doc(self, k_star: np.ndarray, T: np.ndarray) -> np.ndarray:
        if self._vol is not None:
            return images.down_and_out_call(self.asset_value, self.barrier, k_star,
                                            self._vol**2 * T)
        return images.call_images(self.asset_value, self.barrier, k_star, self._laplace(), T,
                                  mean_variance=self._mean_variance(T))

    def call(self, strike: ArrayLike, T: ArrayLike) -> float | np.ndarray:
        """European equity call with default: ``e^{-qT} E[DOC(V0, L D, K*, I_T)]`` (SF-4, IM-2).

        ``K* = L D + K e^{-(r-q)T}``. Zero after default (equity is 0). ``K = 0`` gives
        ``S0 e^{-qT}``.

        Parameters
        ----------
        strike : float or array_like
            Strike(s) ``>= 0``, broadcast against ``T``.
        T : float or array_like
            Expiry in years, ``>= 0``.
        """
        k, t = self._inputs(strike, T)
        out = np.exp(-self.dividend * t) * self._doc(self._strike_star(k, t), t)
        return _pack(out, strike, T)

    def put(self, strike: ArrayLike, T: ArrayLike) -> float | np.ndarray:
        """European equity put with default (SF-6): pays ``K`` if the firm defaults.

        ``Put = e^{-rT} E[(K - S_T)^+ 1{tau > T}] + K e^{-rT} P(tau <= T)``. With a constant
        volatility the first term is priced directly as a down-and-out put (reflection principle,
        independent of the call, so put-call parity ``C - P = S0 e^{-qT} - K e^{-rT}`` is a check);
        under the method of images it is obtained from IM-2 by that parity, which holds exactly.
        """
        k, t = self._inputs(strike, T)
        if self._vol is not None:
            surv = images.survival_gbm(self.distance_to_default, self._vol**2 * t)
            dop = images.down_and_out_put(self.asset_value, self.barrier,
                                          self._strike_star(k, t), self._vol**2 * t)
            out = np.exp(-self.dividend * t) * dop + k * np.exp(-self.rate * t) * (1.0 - surv)
        else:
            call = np.exp(-self.dividend * t) * self._doc(self._strike_star(k, t), t)
            out = call - self.equity * np.exp(-self.dividend * t) + k * np.exp(-self.rate * t)
        return _pack(np.maximum(out, 0.0), strike, T)

    def survival_gradient(self, T: ArrayLike) -> dict[str, float | np.ndarray]:
        """``{parameter: d survival(T) / d parameter}``: ``"equity"``, ``"debt_per_share"``,
        ``"recovery_mean"``, ``"barrier_std"`` and the asset variance's parameters.

        Black-Scholes asset: closed form (SF-5), the variance key is ``"vol"`` (asset). Under the
        method of images: IM-1 and its derivatives in one pass over the same nodes, the variance
        keys being the dynamics' ``gradient_names`` (without ``rho``; see
        :func:`~stochcredit.engines.images_gradient.survival_images_gradient`).
        """
        T_in = T
        T = np.asarray(v.nonnegative("T", T), dtype=float)
        if self._vol is None:
            out = images_survival_sensitivities(self, T)
        else:
            from .creditgrades_sensitivity import equity_model_survival_gradient

            out = equity_model_survival_gradient(self, T)
        return {k: _pack(a, T_in) for k, a in out.items()}

    def option_sensitivities(self, strike: ArrayLike, T: ArrayLike,
                             kind: str = "call") -> dict[str, float | np.ndarray]:
        """Value, ``delta = dV/dS0``, ``gamma = d^2V/dS0^2``, ``vega`` and ``dV/d``
        ``debt_per_share``, ``recovery_mean``, ``rate``, ``dividend`` of :meth:`call` /
        :meth:`put`, plus (stochastic variance) ``dV/d`` each variance parameter.

        Black-Scholes asset: closed form (SF-3..SF-6 differentiated by the chain rule; see
        :func:`~stochcredit.models.creditgrades_sensitivity.equity_option_sensitivities`),
        ``vega = dV/d(asset vol)``. Under the method of images (any variance dynamics with
        ``log_char_fn_gradient``: ``Heston`` with ``rho = 0``, ``MultiFactorHeston``, a Wishart,
        principal-component or constant-covariance marginal): IM-2 and its derivatives in one pass
        over the same nodes (:func:`~stochcredit.engines.images_gradient.call_images_gradient`);
        the variance keys are the dynamics' ``gradient_names`` without ``rho`` (the images need
        ``rho = 0``), and ``vega = dV/d sqrt(v0)`` (``Heston``: the initial asset vol) or
        ``dV/d sqrt(variance)`` (constant marginal) when the dynamics has one such parameter.
        :meth:`sensitivities` gives the same as a pandas frame.

        Examples
        --------
        >>> from stochcredit import BlackScholes, Heston
        >>> m = CreditGradesEquity(50, 40, 0.5, 0.03, BlackScholes(0.2))
        >>> g = m.option_sensitivities(50, 1.0)
        >>> round(g["value"], 4) == round(m.call(50, 1.0), 4), 0 < g["delta"] < 1
        (True, True)
        >>> h = CreditGradesEquity(50, 40, 0.5, 0.03, Heston(0.04, 1.5, 0.04, 0.5, 0.0))
        >>> g = h.option_sensitivities(40, 2.0, kind="put")
        >>> round(g["value"], 4), sorted(g)[-4:]
        (2.4166, ['theta', 'v0', 'value', 'vega'])
        """
        kind = v.choice("kind", kind, ("call", "put"))
        k, t = self._inputs(strike, T)
        if np.any(t <= 0) or np.any(k <= 0):
            raise InvalidParameterError("strike, T", (strike, T), "> 0 for sensitivities")
        if self._vol is None:
            out = images_option_sensitivities(self, k, t, kind)
        else:
            from .creditgrades_sensitivity import equity_option_sensitivities

            out = equity_option_sensitivities(self, k, t, kind)
        return {key: _pack(np.asarray(a), strike, T) for key, a in out.items()}

    def sensitivities(self, T: ArrayLike, strike: ArrayLike | None = None, kind: str = "call"):
        """:meth:`option_sensitivities` (``strike`` given; rows indexed by ``(strike, T)``) or
        :meth:`survival_gradient` (``strike=None``; rows indexed by ``T``) as a pandas
        DataFrame, one column per key."""
        import pandas as pd

        from ..core.sensitivity import gradient_frame

        if strike is None:
            return gradient_frame(self.survival_gradient(T),
                                  index=np.atleast_1d(np.asarray(T, dtype=float)))
        k, t = (np.atleast_1d(a).ravel() for a in self._inputs(strike, T))
        frame = gradient_frame(self.option_sensitivities(k, t, kind))
        frame.index = pd.MultiIndex.from_arrays([k, t], names=["strike", "T"])
        return frame

    def implied_vol(self, strike: ArrayLike, T: ArrayLike, kind: str = "call"
                    ) -> float | np.ndarray:
        """Black-Scholes implied equity volatility of the model's option prices (the smile
        implied by default risk)."""
        kind = v.choice("kind", kind, ("call", "put"))
        k, t = self._inputs(strike, T)
        prices = np.asarray(self.call(k, t) if kind == "call" else self.put(k, t))
        out = np.empty(k.shape)
        for i in np.ndindex(k.shape):
            out[i] = black_scholes_implied_vol(float(prices[i]), self.equity, float(k[i]),
                                               float(t[i]), self.rate, self.dividend, kind)
        return _pack(out, strike, T)


def _control_mean(m: CreditGradesEquity, t: np.ndarray) -> np.ndarray:
    """``E[I_T]`` for the control variate (the dynamics' own, else from its transform)."""
    mean = m._mean_variance(t)
    return images.mean_integrated_variance(m._laplace(), t) if mean is None else mean


def _vega(out: dict, dynamics: Any) -> None:
    """``vega`` = ``dV/d sqrt(v0)`` (or ``sqrt(variance)``) when the dynamics has that one
    parameter (Heston, constant marginal), inserted in place."""
    for name in ("v0", "variance"):
        level = getattr(dynamics, name, None)
        if name in out and level is not None and np.ndim(level) == 0:
            out["vega"] = 2.0 * np.sqrt(float(level)) * out[name]
            return


def images_option_sensitivities(m: CreditGradesEquity, k: np.ndarray, t: np.ndarray,
                                kind: str) -> dict[str, np.ndarray]:
    """Sensitivities of the IM-2 call ``e^{-qT} E[DOC(V0, B, K*, I_T)]`` (``V0 = S0 + L D``,
    ``B = L D``, ``K* = B + K e^{-(r-q)T}``) and of the put by parity with default
    ``P = C - S0 e^{-qT} + K e^{-rT}``, from :func:`~.images_gradient.call_images_gradient`
    by the chain rule."""
    from ..engines.images_gradient import call_images_gradient

    growth = k * np.exp(-(m.rate - m.dividend) * t)
    g = call_images_gradient(m.asset_value, m.barrier, m.barrier + growth, m.dynamics, t,
                             mean_variance=_control_mean(m, t))
    dq = np.exp(-m.dividend * t)
    call = dq * g.value
    balance = dq * (g.d_asset + g.d_barrier + g.d_strike)       # d/d(L D)
    out = {"value": call, "delta": dq * g.d_asset, "gamma": dq * g.d2_asset,
           "debt_per_share": m.recovery_mean * balance, "recovery_mean": m.debt_per_share * balance,
           "rate": -t * growth * dq * g.d_strike,
           "dividend": -t * call + t * growth * dq * g.d_strike}
    if kind == "put":
        out["value"] = np.maximum(call - m.equity * dq + k * np.exp(-m.rate * t), 0.0)
        out["delta"] = out["delta"] - dq
        out["rate"] = out["rate"] - t * k * np.exp(-m.rate * t)
        out["dividend"] = out["dividend"] + t * m.equity * dq
    params = {n: dq * d for n, d in zip(g.names, g.d_params, strict=True)}
    _vega(params, m.dynamics)
    if "vega" in params:
        out = {**{key: out[key] for key in ("value", "delta", "gamma")}, "vega": params.pop("vega"),
               **{key: out[key] for key in list(out)[3:]}}
    out.update(params)
    return out


def images_survival_sensitivities(m: CreditGradesEquity, T: np.ndarray) -> dict[str, np.ndarray]:
    """Sensitivities of the IM-1 survival with the CreditGrades shift ``lambda^2``, from
    :func:`~.images_gradient.survival_images_gradient`: ``x0 = ln((S0 + L D)/(L D))`` gives
    ``dx0/dS0 = 1/V0``, ``dx0/dD = L/V0 - 1/D``, ``dx0/dL = D/V0 - 1/L``."""
    from ..engines.images_gradient import survival_images_gradient

    lam = m.barrier_std
    g = survival_images_gradient(m.distance_to_default, m.dynamics, T,
                                 mean_variance=_control_mean(m, T), shift=lam * lam)
    v0 = m.asset_value
    out = {"equity": g.d_x0 / v0,
           "debt_per_share": g.d_x0 * (m.recovery_mean / v0 - 1.0 / m.debt_per_share),
           "recovery_mean": g.d_x0 * (m.debt_per_share / v0 - 1.0 / m.recovery_mean),
           "barrier_std": 2.0 * lam * g.d_shift}
    params = dict(zip(g.names, g.d_params, strict=True))
    _vega(params, m.dynamics)
    out.update(params)
    return out


def implied_asset_vol(price: float, strike: float, T: float, equity: float, debt_per_share: float,
                      recovery_mean: float, rate: float, dividend: float = 0.0,
                      kind: str = "call") -> float:
    """Asset volatility ``sigma`` for which the SF-4 call (or SF-6 put) matches ``price``.

    Solved with scipy ``brentq`` on ``[1e-6, 5]``; the price must be attainable (raises
    ``InvalidParameterError`` otherwise).
    """
    from ..dynamics.black_scholes import BlackScholes

    kind = v.choice("kind", kind, ("call", "put"))
    price = v.nonnegative("price", price)
    strike = v.nonnegative("strike", strike)
    T = v.positive("T", T)

    def model_price(sig: float) -> float:
        m = CreditGradesEquity(equity, debt_per_share, recovery_mean, rate, BlackScholes(sig),
                               dividend)
        return float(m.call(strike, T) if kind == "call" else m.put(strike, T))

    grid = np.concatenate([[1e-6], np.geomspace(1e-3, 5.0, 40)])
    diffs = np.array([model_price(s) - price for s in grid])
    sign_change = np.flatnonzero(np.sign(diffs[:-1]) != np.sign(diffs[1:]))
    if diffs[0] == 0.0:
        return float(grid[0])
    if sign_change.size == 0:
        raise InvalidParameterError("price", price,
                                    f"between {diffs.min() + price:.6g} and "
                                    f"{diffs.max() + price:.6g}",
                                    "no asset volatility in [1e-6, 5] reproduces it")
    i = int(sign_change[0])
    return float(brentq(lambda s: model_price(s) - price, grid[i], grid[i + 1], xtol=1e-14,
                        rtol=1e-13, maxiter=200))


