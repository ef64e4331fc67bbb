"""Calibrate Merton credit-spread curves under Black-Scholes, Heston and two-factor Heston.

Seed 002 §4 (MODELS.md H-3, H-4): the firm's asset follows Black-Scholes, Heston or the
two-factor Heston model; zero-coupon debt of face ``B`` due at ``T`` gives the credit spread
``CS(T) = -ln(D_0/B)/T - r`` with ``D_0 = S_0 - C(S_0, B, T)`` (H-3); the parameters minimise the
mean squared relative error ``I(Omega)`` over the quoted maturities (H-4) by differential evolution
followed by a least-squares polish (:mod:`.optimisers`).

Parameter names follow :class:`stochcredit.Heston` (the paper's names in brackets):
``v0`` (V), ``kappa`` (alpha), ``theta`` (Vbar), ``sigma`` (sigma), ``rho`` (rho); the two-factor
model suffixes them ``_1``, ``_2``, and its factors are reported with ``kappa_1 <= kappa_2`` (the
model is symmetric in its factors, so this ordering loses nothing). Black-Scholes has ``vol``: the
paper's Table 4.1 "V" is a volatility, not a variance — only that reading gives spreads of the same
size as its Heston fits of Tables 4.2-4.3 (their mean integrated variance over 5 years matches
``V**2``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..core.errors import InvalidParameterError
from ..core.protocols import discount_factor
from ..core.validation import as_array, choice, in_range, positive
from ..dynamics.black_scholes import BlackScholes
from ..dynamics.heston import Heston
from ..dynamics.multifactor_heston import MultiFactorHeston
from ..models.merton import (
    MERTON_N_NODES,
    Merton,
    merton_credit_spread_gradient,
    merton_credit_spreads,
)
from .objectives import mean_squared_relative_error, relative_errors
from .optimisers import minimise_residuals
from .parameters import Parameter, ParameterSpace
from .results import CalibrationResult, build_diagnostics

__all__ = ["calibrate_merton", "merton_parameter_space", "merton_spreads",
           "merton_spreads_jacobian", "MERTON_MODELS", "DEFAULT_SETTINGS"]

MERTON_MODELS = ("black_scholes", "heston", "heston2")

#: parameter sets priced per call of the Fourier engine (see :func:`merton_spreads`)
CHUNK = 16

#: optimiser settings per model: (DE popsize multiplier, DE generations, least-squares starts,
#: least-squares iterations per start)
DEFAULT_SETTINGS = {"black_scholes": (8, 20, 1, 50), "heston": (6, 20, 3, 200),
                    "heston2": (5, 15, 3, 300)}


def _heston_params(suffix: str = "") -> list[Parameter]:
    return [
        Parameter("v0" + suffix, 1e-3, 5.0, "log", "initial variance (paper: V)"),
        Parameter("kappa" + suffix, 1e-2, 25.0, "log", "mean-reversion rate (paper: alpha)"),
        Parameter("theta" + suffix, 1e-3, 2.0, "log", "long-run variance (paper: Vbar)"),
        Parameter("sigma" + suffix, 1e-3, 2.5, "log", "volatility of variance"),
        Parameter("rho" + suffix, -1.0, 1.0, "identity", "asset/variance correlation"),
    ]


def merton_parameter_space(model: str, calibrate_leverage: bool = False,
                           leverage_bounds: Sequence[float] = (0.02, 0.98)) -> ParameterSpace:
    """Default search box of each model (bounds include every value of the paper's Tables 4.1-4.3).

    ``calibrate_leverage`` appends ``leverage`` = debt / asset value.
    """
    model = choice("model", model, MERTON_MODELS)
    if model == "black_scholes":
        params = [Parameter("vol", 1e-3, 3.0, "log", "asset volatility (paper: V)")]
    elif model == "heston":
        params = _heston_params()
    else:
        params = _heston_params("_1") + _heston_params("_2")
    if calibrate_leverage:
        lo, hi = leverage_bounds
        params.append(Parameter("leverage", lo, hi, "identity", "debt face / asset value"))
    return ParameterSpace(tuple(params))


def _dynamics(model: str, x: np.ndarray):
    """Dynamics whose fields have shape (P, 1) for a population ``x`` of shape (P, k)."""
    col = lambda j: x[:, j:j + 1]  # noqa: E731
    if model == "black_scholes":
        return BlackScholes(col(0))
    if model == "heston":
        return Heston(col(0), col(1), col(2), col(3), col(4))
    return MultiFactorHeston((Heston(col(0), col(1), col(2), col(3), col(4)),
                              Heston(col(5), col(6), col(7), col(8), col(9))))


def _n_model_params(model: str) -> int:
    return {"black_scholes": 1, "heston": 5, "heston2": 10}[model]


def _rates(rate, maturities: np.ndarray) -> np.ndarray:
    """Continuously compounded zero rate ``-ln P(0,T)/T`` to each maturity (a float, or any
    DiscountCurve: the Merton put depends on the rate only through ``P(0, T)``)."""
    if hasattr(rate, "discount"):
        return np.array(discount_factor(rate, maturities)[1], dtype=float)
    return np.full(maturities.shape, in_range("rate", rate, -0.5, 1.0))


def merton_spreads(model: str, x, maturities, asset: float, debt: float, rate, *,
                   n_nodes: int = MERTON_N_NODES) -> np.ndarray:
    """Merton credit spreads (H-3) of many parameter sets at once.

    Parameters
    ----------
    model : {"black_scholes", "heston", "heston2"}
    x : array_like (P, k)
        Parameter sets ordered as ``merton_parameter_space(model).names`` (a trailing
        ``leverage`` column, if present, replaces ``debt / asset``).
    maturities : array_like (M,)
    asset, debt : float
    rate : float or curve with ``zero_rate(t)``
        With a curve, each maturity uses its zero rate (deterministic rates: the Merton call
        depends on the rate only through ``r(T) T``).

    Returns
    -------
    ndarray (P, M)
    """
    model = choice("model", model, MERTON_MODELS)
    x = np.atleast_2d(np.asarray(x, dtype=float))
    mats = np.atleast_1d(as_array("maturities", maturities))
    k = _n_model_params(model)
    rates = _rates(rate, mats)
    debts = asset * x[:, k:k + 1] if x.shape[1] > k else debt  # leverage column: B = L S_0
    if len(x) == 1:   # one parameter set (the polish): the engine's one-call small path
        d = debts if np.ndim(debts) == 0 else float(debts[0, 0])
        dyn = _scalar_dynamics(model, _dynamics(model, x[:, :k]))
        with np.errstate(all="ignore"):
            return merton_credit_spreads(mats, asset, d, rates, dyn, n_nodes=n_nodes)[None, :]
    out = np.empty((len(x), mats.size))
    # The Fourier engine sizes its quadrature for the most demanding parameter set of a call, so
    # a population is priced in chunks of similar cost (small total variance, large vol-of-vol).
    order = np.argsort(_cost_key(model, x[:, :k], mats.min()), kind="stable")
    with np.errstate(all="ignore"):
        for start in range(0, len(x), CHUNK):
            idx = order[start:start + CHUNK]
            d = debts if np.ndim(debts) == 0 else debts[idx]
            out[idx] = merton_credit_spreads(mats, asset, d, rates, _dynamics(model, x[idx, :k]),
                                             n_nodes=n_nodes)
    return out


def merton_spreads_jacobian(model: str, x, maturities, asset: float, debt: float, rate, *,
                            n_nodes: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Spreads of one parameter set and their exact Jacobian: ``(CS (M,), dCS/dx (M, k))``.

    ``x`` is ordered as ``merton_parameter_space(model).names``; the dynamics columns come from
    :func:`~stochcredit.models.merton.merton_credit_spread_gradient` (closed-form derivatives of
    the characteristic function under the Lewis integral), a trailing ``leverage`` column
    ``L = B/S_0`` from ``dCS/dB * S_0``.
    """
    model = choice("model", model, MERTON_MODELS)
    x = np.asarray(x, dtype=float).reshape(-1)
    mats = np.atleast_1d(as_array("maturities", maturities))
    k = _n_model_params(model)
    d = asset * x[k] if x.size > k else debt
    dyn = _scalar_dynamics(model, _dynamics(model, x[None, :k]))
    with np.errstate(all="ignore"):
        spread, grad = merton_credit_spread_gradient(mats, asset, d, _rates(rate, mats), dyn,
                                                     n_nodes=n_nodes)
    cols = [grad[name] for name in dyn.gradient_names]
    if x.size > k:
        cols.append(grad["debt"] * asset)
    return spread, np.stack(cols, axis=-1)


def _cost_key(model: str, x: np.ndarray, t_min: float) -> np.ndarray:
    """A proxy of the Fourier engine's work: vol-of-vol over the square root of total variance."""
    if model == "black_scholes":
        return -x[:, 0]
    dyn = _dynamics(model, x)
    w = np.maximum(np.reshape(dyn.mean_integrated_variance(t_min), -1), 1e-12)
    sig = x[:, 3] if model == "heston" else np.maximum(x[:, 3], x[:, 8])
    return sig / np.sqrt(w)


def _sort_factors(model: str, x: np.ndarray, jac: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two-factor Heston: order the factors so that kappa_1 <= kappa_2 (same model)."""
    if model != "heston2" or x[1] <= x[6]:
        return x, jac
    perm = np.arange(x.size)
    perm[:5], perm[5:10] = np.arange(5, 10), np.arange(5)
    return x[perm], jac[:, perm]


def calibrate_merton(model: str, maturities, spreads, asset: float, debt: float, rate,
                     seed: int = 0, *, calibrate_leverage: bool = False,
                     leverage_bounds: Sequence[float] = (0.02, 0.98),
                     bounds: Mapping[str, Sequence[float]] | None = None,
                     popsize: int | None = None, maxiter: int | None = None,
                     n_starts: int | None = None, max_nfev: int | None = None,
                     target: float = 1e-11, local: str = "auto_lm",
                     time_limit: float | None = None,
                     x0: Mapping[str, float] | None = None,
                     jacobian: str = "analytic") -> CalibrationResult:
    """Fit a Merton model's credit spreads to a market curve (seed 002 §4, H-3, H-4).

    Minimises ``I(Omega) = mean(((CS_model - CS_mkt) / CS_mkt)**2)`` by seeded differential
    evolution (population evaluated in one vectorised call) and a least-squares polish from the
    best few members.

    Parameters
    ----------
    model : {"black_scholes", "heston", "heston2"}
    maturities : array_like (N,)
        Years, > 0.
    spreads : array_like (N,)
        Market credit spreads as decimals (0.01 = 100 bp), > 0.
    asset, debt : float
        Asset value ``S_0`` and face of the zero-coupon debt ``B`` (only ``debt/asset`` matters).
        With ``calibrate_leverage=True`` the leverage ``debt/asset`` is a fitted parameter and
        ``debt`` is not used.
    rate : float or curve
        Continuously compounded risk-free rate, or a curve with ``zero_rate(t)``.
    seed : int
        Seed of differential evolution; the same seed gives the same result.
    calibrate_leverage : bool
        Fit ``leverage`` = debt/asset within ``leverage_bounds`` as well.
    bounds : dict, optional
        Replace default bounds, e.g. ``{"kappa": (0.1, 10)}`` (see
        :func:`merton_parameter_space`).
    popsize, maxiter, n_starts, max_nfev : int, optional
        DE population multiplier, generations, least-squares starts and iterations per start
        (defaults: :data:`DEFAULT_SETTINGS`).
    target : float
        DE stops once ``I(Omega) <= target``.
    x0 : dict, optional
        A starting guess ``{name: value}`` (joins DE's population and is polished too).
    local : {"auto_lm", "auto", "trf", "lm"}
        Least-squares polish (see :func:`~stochcredit.calibration.optimisers.minimise_residuals`);
        the default tries Levenberg-Marquardt, then the bounded trust-region method unless the
        target was reached.
    time_limit : float, optional
        Wall-clock budget in seconds (best point so far is returned; see the diagnostics'
        ``message``).
    jacobian : {"analytic", "fd"}
        The polish's (and the diagnostics') Jacobian: exact, from the closed-form derivatives of
        the characteristic function (:func:`merton_spreads_jacobian`; one gradient call per
        Jacobian), or forward differences (``k + 1`` curve evaluations).

    Returns
    -------
    CalibrationResult
        ``.params``, ``.model`` (a fitted :class:`~stochcredit.Merton`), ``.error`` (I(Omega)),
        ``.fitted``, ``.to_frame()``, ``.diagnostics`` (bounds hit, Feller, flat directions).

    Examples
    --------
    >>> res = calibrate_merton("black_scholes", [1, 3, 5], [0.004, 0.009, 0.012],
    ...                        asset=1.0, debt=0.4, rate=0.0025)
    >>> res.params, res.error
    ({'vol': 0.35888}, 0.22504)
    """
    model = choice("model", model, MERTON_MODELS)
    mats = as_array("maturities", maturities)
    mkt = as_array("spreads", spreads)
    if mats.ndim != 1 or mats.size == 0 or mats.shape != mkt.shape:
        raise InvalidParameterError("maturities", mats, "a non-empty 1-d array of the same "
                                    f"length as spreads ({mkt.size})")
    positive("maturities", mats)
    positive("spreads", mkt)
    asset = positive("asset", asset)
    if not calibrate_leverage:
        debt = positive("debt", debt)
    lo, hi = (in_range("leverage_bounds", b, 0.0, 1e6, lo_open=True) for b in leverage_bounds)
    space = merton_parameter_space(model, calibrate_leverage, (lo, hi))
    if bounds:
        space = space.with_bounds(bounds)
    d_pop, d_iter, d_starts, d_nfev = DEFAULT_SETTINGS[model]
    if calibrate_leverage:
        d_iter += 10

    jacobian = choice("jacobian", jacobian, ("analytic", "fd"))

    def residuals(x: np.ndarray) -> np.ndarray:
        return relative_errors(merton_spreads(model, x, mats, asset, debt, rate), mkt)

    def exact(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        spread, jac = merton_spreads_jacobian(model, x, mats, asset, debt, rate)
        return relative_errors(spread, mkt), jac / mkt[:, None]

    outcome = minimise_residuals(
        residuals, space, seed=seed, popsize=popsize or d_pop, maxiter=maxiter or d_iter,
        n_starts=n_starts or d_starts, max_nfev=max_nfev or d_nfev, target=target, local=local,
        time_limit=time_limit, jacobian=exact if jacobian == "analytic" else None,
        x0=None if x0 is None else space.from_dict(x0))
    x, jac = _sort_factors(model, outcome.x, outcome.jacobian)
    params = space.to_dict(x)
    k = _n_model_params(model)
    debt_fit = asset * params["leverage"] if calibrate_leverage else debt
    fitted_dyn = _dynamics(model, x[None, :k])
    fitted_dyn = _scalar_dynamics(model, fitted_dyn)
    merton = Merton(asset, debt_fit, rate, fitted_dyn)   # a curve stays a curve
    fitted = np.asarray(merton.credit_spread(mats), dtype=float).reshape(mats.shape)
    diagnostics = build_diagnostics(space, x, jac, outcome.message)
    diagnostics["starts"] = [(space.to_dict(sx), f) for sx, f in outcome.starts]
    return CalibrationResult(
        params=params, model=merton, error=float(mean_squared_relative_error(fitted, mkt)),
        fitted=fitted, market=mkt, quotes=mats, nfev=outcome.nfev, nit=outcome.nit,
        seconds=outcome.seconds, model_name=model, diagnostics=diagnostics)


def _scalar_dynamics(model: str, dyn):
    """Dynamics with float fields from one fitted parameter set of shape (1, 1)."""
    f = lambda a: float(np.asarray(a).reshape(-1)[0])  # noqa: E731
    if model == "black_scholes":
        return BlackScholes(f(dyn.vol))
    hs = [Heston(f(h.v0), f(h.kappa), f(h.theta), f(h.sigma), f(h.rho))
          for h in (dyn.factors if model == "heston2" else (dyn,))]
    return hs[0] if model == "heston" else MultiFactorHeston(tuple(hs))
