"""Joint calibration of a two-firm CreditGrades model with stochastic covariance (seed 000).

Seed 000 calibrates its multi-firm model with an evolutionary algorithm to each firm's equity
options and CDS spreads. Here the same: seeded differential evolution then a least-squares polish
(:mod:`.optimisers`) on the stacked residuals of both firms:

- equity options: implied Black-Scholes volatility errors (model call price -> implied vol,
  minus the market's implied vol), which weighs strikes and maturities evenly;
- CDS: relative par-spread errors (as H-4).

Marginal quantities depend only on each firm's marginal variance dynamics (WI-2..WI-4, PC-3), so
these data identify the marginal laws; the parameters that only move the *joint* law (e.g. part of
the eigenvector angle or the off-diagonal terms) show up as flat directions in the diagnostics —
calibrating them needs joint instruments (first-to-default baskets, default correlations).

Speed: a CDS spread is priced from the model's survival on a monthly grid turned into a
piecewise-flat hazard curve (exact ISDA-style legs), with ``1 - Q(0)`` (barrier uncertainty) paid
as protection at t = 0; each firm's survival and option prices cost one vectorised call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..core.errors import InvalidParameterError
from ..core.validation import as_array, choice, in_range, positive
from ..dynamics.principal_component import PrincipalComponentCovariance
from ..dynamics.wishart import WishartCovariance
from ..instruments.cds import CDS
from ..market.curves import FlatCurve, HazardCurve
from ..models.multifirm import Firm, MultiFirmCreditGrades
from .objectives import black_scholes_implied_vol
from .optimisers import minimise_residuals
from .parameters import Parameter, ParameterSpace
from .results import CalibrationResult, build_diagnostics

__all__ = ["FirmQuotes", "calibrate_multifirm", "multifirm_parameter_space",
           "build_multifirm", "model_quotes"]

COVARIANCES = ("pc", "wishart")


@dataclass(frozen=True)
class FirmQuotes:
    """One firm's market data: European calls and CDS par spreads.

    Parameters
    ----------
    strikes, expiries, call_prices : array_like (K,)
        Call strikes (price units), expiries (years) and prices.
    cds_maturities, cds_spreads : array_like (C,)
        CDS maturities (years) and par spreads (decimals).
    cds_recovery : float
        Recovery of the CDS contracts (not the CreditGrades mean recovery ``L``).
    """

    strikes: np.ndarray
    expiries: np.ndarray
    call_prices: np.ndarray
    cds_maturities: np.ndarray
    cds_spreads: np.ndarray
    cds_recovery: float = 0.4

    def __post_init__(self) -> None:
        for name in ("strikes", "expiries", "call_prices", "cds_maturities", "cds_spreads"):
            object.__setattr__(self, name, np.atleast_1d(positive(name, getattr(self, name))))
        if not (self.strikes.shape == self.expiries.shape == self.call_prices.shape):
            raise InvalidParameterError("strikes/expiries/call_prices",
                                        [self.strikes.size, self.expiries.size,
                                         self.call_prices.size], "arrays of equal length")
        if self.cds_maturities.shape != self.cds_spreads.shape:
            raise InvalidParameterError("cds_spreads", self.cds_spreads.size,
                                        f"{self.cds_maturities.size} values (one per maturity)")
        object.__setattr__(self, "cds_recovery",
                           in_range("cds_recovery", self.cds_recovery, 0.0, 1.0, hi_open=True))


def multifirm_parameter_space(covariance: str = "pc") -> ParameterSpace:
    """Search box of the two-firm covariance models.

    ``"pc"``: ``angle`` of the first eigenvector in [0, pi/2] and per-eigenvalue CIR
    ``lambda0_j, kappa_j, theta_j, sigma_j`` (PC-1). ``"wishart"``: initial variances ``s11, s22``
    and correlation ``r0`` of Sigma_0, ``M = -diag(m1, m2)``, ``Q = diag(q1, q2)`` and ``beta``
    (WI-1; ``beta >= n - 1 = 1``).
    """
    covariance = choice("covariance", covariance, COVARIANCES)
    if covariance == "pc":
        ps = [Parameter("angle", 0.0, np.pi / 2, "identity", "first eigenvector angle")]
        for j in (1, 2):
            ps += [Parameter(f"lambda0_{j}", 1e-3, 1.0, "log", "initial eigenvalue"),
                   Parameter(f"kappa_{j}", 0.05, 10.0, "log", "eigenvalue mean reversion"),
                   Parameter(f"theta_{j}", 1e-3, 1.0, "log", "eigenvalue long-run level"),
                   Parameter(f"sigma_{j}", 1e-3, 2.0, "log", "eigenvalue vol")]
        return ParameterSpace(tuple(ps))
    return ParameterSpace((
        Parameter("s11", 1e-3, 1.0, "log", "initial variance, firm 1"),
        Parameter("s22", 1e-3, 1.0, "log", "initial variance, firm 2"),
        Parameter("r0", -0.95, 0.95, "identity", "initial correlation"),
        Parameter("m1", 0.05, 10.0, "log", "-M_11 (mean reversion)"),
        Parameter("m2", 0.05, 10.0, "log", "-M_22"),
        Parameter("q1", 1e-3, 1.0, "log", "Q_11 (vol of covariance)"),
        Parameter("q2", 1e-3, 1.0, "log", "Q_22"),
        Parameter("beta", 1.0, 30.0, "log", "degrees of freedom"),
    ))


def build_multifirm(covariance: str, firms: Sequence[Firm], rate: float,
                    params) -> MultiFirmCreditGrades:
    """The two-firm model of a parameter dict (or vector ordered as the parameter space)."""
    covariance = choice("covariance", covariance, COVARIANCES)
    space = multifirm_parameter_space(covariance)
    p = params if isinstance(params, dict) else space.to_dict(params)
    if covariance == "pc":
        cov = PrincipalComponentCovariance.two_firm(
            p["angle"], [p["lambda0_1"], p["lambda0_2"]], [p["kappa_1"], p["kappa_2"]],
            [p["theta_1"], p["theta_2"]], [p["sigma_1"], p["sigma_2"]])
    else:
        c = p["r0"] * np.sqrt(p["s11"] * p["s22"])
        cov = WishartCovariance([[p["s11"], c], [c, p["s22"]]], m=np.diag([-p["m1"], -p["m2"]]),
                                q=np.diag([p["q1"], p["q2"]]), beta=p["beta"])
    return MultiFirmCreditGrades(list(firms), cov, rate)


def _cds_spreads(marginal, maturities: np.ndarray, recovery: float, rate: float) -> np.ndarray:
    """Par spreads from survival on a monthly grid (piecewise-flat hazard between points)."""
    grid = np.arange(1, int(np.ceil(12 * maturities.max())) + 1) / 12.0
    q = np.asarray(marginal.survival(np.concatenate([[0.0], grid])), dtype=float)
    q0 = float(q[0])
    if not q0 > 0:
        return np.full(maturities.shape, np.nan)
    cond = np.maximum(q / q0, 1e-300)
    hazards = np.maximum(-np.diff(np.log(cond)) * 12.0, 0.0)
    curve = HazardCurve(grid, hazards)
    disc = FlatCurve(rate)
    out = np.empty(maturities.shape)
    for k, T in enumerate(maturities):
        cds = CDS(float(T), 0.01, recovery=recovery)
        prot = (1 - recovery) * (1 - q0) + q0 * cds.protection_leg(disc, curve)
        out[k] = prot / (q0 * cds.risky_annuity(disc, curve))
    return out


def model_quotes(model: MultiFirmCreditGrades, quotes: Sequence[FirmQuotes]) -> list[dict]:
    """Model call prices and CDS spreads at each firm's quoted points."""
    out = []
    for i, fq in enumerate(quotes):
        m = model.firm(i)
        calls = np.asarray(m.call(fq.strikes, fq.expiries), dtype=float)
        cds = _cds_spreads(m, fq.cds_maturities, fq.cds_recovery, model.rate)
        out.append({"calls": calls, "cds": cds})
    return out


def _stack(quotes: Sequence[FirmQuotes], firms: Sequence[Firm], rate: float,
           values: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Implied vols of the calls and the CDS spreads of all firms, one vector."""
    vols, cds = [], []
    for f, fq, val in zip(firms, quotes, values, strict=True):
        vols.append(black_scholes_implied_vol(val["calls"], f.equity, fq.strikes, fq.expiries,
                                              rate, "call", f.dividend))
        cds.append(val["cds"])
    return np.concatenate([np.atleast_1d(v) for v in vols]), np.concatenate(cds)


def calibrate_multifirm(firms: Sequence[Firm], quotes: Sequence[FirmQuotes], rate: float,
                        covariance: str = "pc", seed: int = 0, *, popsize: int = 4,
                        maxiter: int = 10, n_starts: int = 1, max_nfev: int = 40,
                        cds_weight: float = 1.0, x0: dict | None = None) -> CalibrationResult:
    """Fit a two-firm ``MultiFirmCreditGrades`` jointly to both firms' calls and CDS spreads.

    Residuals: implied-vol errors of every call (absolute, in vol units) and relative CDS spread
    errors times ``cds_weight``; the error is their mean square.

    Parameters
    ----------
    firms : two Firm
    quotes : two FirmQuotes
    rate : float
        Flat continuously compounded rate.
    covariance : {"pc", "wishart"}
        Principal components (PC-1) or Wishart (WI-1); see :func:`multifirm_parameter_space`.
    seed : int
        Differential-evolution seed (same seed, same result).
    popsize, maxiter, n_starts, max_nfev : int
        Optimiser effort (small defaults: one model evaluation prices 2 firms' options and
        survival curves by the method of images — milliseconds for PC, ~0.3 s for Wishart).
    cds_weight : float
        Weight of the CDS residuals against the implied-vol residuals.
    x0 : dict, optional
        Starting guess joining the DE population.

    Returns
    -------
    CalibrationResult
        ``.model`` is the fitted ``MultiFirmCreditGrades``; ``.fitted``/``.market`` stack
        firm 1's implied vols, firm 2's implied vols, firm 1's CDS spreads, firm 2's.
    """
    firms, quotes = list(firms), list(quotes)
    if len(firms) != 2 or len(quotes) != 2:
        raise InvalidParameterError("firms", len(firms), "two firms with two FirmQuotes")
    rate = float(as_array("rate", rate))
    covariance = choice("covariance", covariance, COVARIANCES)
    space = multifirm_parameter_space(covariance)
    mkt_vols = np.concatenate([black_scholes_implied_vol(fq.call_prices, f.equity, fq.strikes,
                                                         fq.expiries, rate, "call", f.dividend)
                               for f, fq in zip(firms, quotes, strict=True)])
    if not np.all(np.isfinite(mkt_vols)):
        raise InvalidParameterError("call_prices", mkt_vols, "prices with a Black-Scholes "
                                    "implied volatility in [1e-4, 5]")
    mkt_cds = np.concatenate([fq.cds_spreads for fq in quotes])

    def values(x) -> tuple[np.ndarray, np.ndarray]:
        model = build_multifirm(covariance, firms, rate, x)
        return _stack(quotes, firms, rate, model_quotes(model, quotes))

    def residuals(pop: np.ndarray) -> np.ndarray:
        rows = []
        for x in pop:
            try:
                with np.errstate(all="ignore"):
                    vols, cds = values(x)
                rows.append(np.concatenate([vols - mkt_vols,
                                            cds_weight * (cds - mkt_cds) / mkt_cds]))
            except (InvalidParameterError, FloatingPointError, ZeroDivisionError):
                rows.append(np.full(mkt_vols.size + mkt_cds.size, 1e3))
        return np.array(rows)

    outcome = minimise_residuals(residuals, space, seed=seed, popsize=popsize, maxiter=maxiter,
                                 n_starts=n_starts, max_nfev=max_nfev, local="trf",
                                 x0=None if x0 is None else space.from_dict(x0))
    params = space.to_dict(outcome.x)
    model = build_multifirm(covariance, firms, rate, outcome.x)
    vols, cds = values(outcome.x)
    fitted = np.concatenate([vols, cds])
    market = np.concatenate([mkt_vols, mkt_cds])
    labels = np.array([f"firm{i + 1} vol K={k:g} T={t:g}" for i, fq in enumerate(quotes)
                       for k, t in zip(fq.strikes, fq.expiries, strict=True)]
                      + [f"firm{i + 1} cds {t:g}y" for i, fq in enumerate(quotes)
                         for t in fq.cds_maturities])
    diagnostics = build_diagnostics(space, outcome.x, outcome.jacobian, outcome.message)
    return CalibrationResult(params=params, model=model, error=outcome.fun, fitted=fitted,
                             market=market, quotes=labels, nfev=outcome.nfev, nit=outcome.nit,
                             seconds=outcome.seconds, model_name=f"multifirm_{covariance}",
                             diagnostics=diagnostics)
