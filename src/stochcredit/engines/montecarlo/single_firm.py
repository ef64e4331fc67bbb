"""Monte Carlo for one CreditGrades firm, validating every semi-analytic quantity.

MODELS_CREDITGRADES.md §H.

Scheme (H.1-H.8), on a grid of step ``h = T / n`` (about ``1/steps_per_year``):

1. variance: constant (Black-Scholes) or a sum of independent CIR factors (Heston, multi-factor
   Heston, CIR), each stepped with the exact transition :func:`cir_step_exact`;
2. integrated variance over a step by the trapezoid ``dC = h (v_t + v_{t+h}) / 2``;
3. log-distance to default ``x_{t+h} = x_t - dC/2 + sqrt(dC) Z`` (asset noise independent of the
   variance, ``rho = 0``), with antithetic ``-Z`` on the same variance path;
4. barrier monitoring by the Brownian-bridge survival weight in business time
   (:func:`bridge_survival`), so each path carries ``w(t) = P(no default by t | grid values)``;
5. CreditGrades barrier uncertainty ``lambda``: a pre-period of business time ``lambda^2``
   started at ``x0 + lambda^2`` with the same bridge monitoring (survival and CDS only);
6. estimators per antithetic pair; standard errors from the pair means;
7. conditional estimator on the same variance paths: ``P_GBM(x0, I_T)`` and
   ``e^{-qT} DOC(V0, B, K*, I_T)`` (tests the Laplace transform alone);
8. CDS legs per path (affine in ``w``; trapezoid in time), spread by the delta method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ...core import chunking
from ...core import validation as v
from ...core.errors import InvalidParameterError
from ...core.estimate import Estimate
from ..images import down_and_out_call, survival_gbm
from .barrier import bridge_survival
from .cir import cir_step_exact

__all__ = ["simulate_single_firm", "SingleFirmSimulation", "variance_factors"]


def variance_factors(dynamics: Any) -> tuple[float | None, list[tuple[float, float, float, float]]]:
    """``(constant_vol, [(v0, kappa, theta, sigma), ...])`` describing a dynamics object.

    Accepts ``BlackScholes`` (``vol``), ``Heston``/``CIR`` (one factor), ``MultiFactorHeston``
    (``factors``) or a bare float (constant volatility). Correlated dynamics are rejected.
    """
    if isinstance(dynamics, (int, float, np.floating)):
        return v.positive("vol", dynamics), []
    if hasattr(dynamics, "factors"):
        facs = []
        for f in dynamics.factors:
            facs.extend(variance_factors(f)[1])
        return None, facs
    if all(hasattr(dynamics, a) for a in ("v0", "kappa", "theta", "sigma")):
        rho = getattr(dynamics, "rho", 0.0)
        if np.any(np.asarray(rho) != 0.0):
            raise InvalidParameterError("dynamics.rho", rho, "0",
                                        "the single-firm engine simulates zero asset/variance "
                                        "correlation, like the method of images")
        raw = [np.asarray(getattr(dynamics, a), dtype=float) for a in
               ("v0", "kappa", "theta", "sigma")]
        if any(x.ndim for x in raw):
            raise InvalidParameterError("dynamics", dynamics, "scalar variance parameters")
        vals = tuple(float(x) for x in raw)
        return None, [vals]
    if hasattr(dynamics, "vol"):
        return v.positive("dynamics.vol", float(np.asarray(dynamics.vol))), []
    raise InvalidParameterError("dynamics", dynamics,
                                "BlackScholes, Heston (rho = 0), CIR or MultiFactorHeston")


def _est(samples: np.ndarray) -> Estimate:
    n = samples.shape[0]
    se = float(np.std(samples, ddof=1) / np.sqrt(n)) if n > 1 else float("inf")
    return Estimate(float(np.mean(samples)), se)


@dataclass(frozen=True, eq=False)
class SingleFirmSimulation:
    """Per-pair Monte Carlo samples at the horizon ``T`` and the survival curve on the grid.

    Every method returns :class:`~stochcredit.Estimate` ``(value, stderr)`` (arrays of them as a
    DataFrame for curves). Samples are means over an antithetic pair (or single paths when
    ``antithetic=False``).
    """

    T: float
    rate: float
    dividend: float
    barrier_std: float
    strikes: np.ndarray
    times: np.ndarray
    curve_mean: np.ndarray
    curve_se: np.ndarray
    survival_samples: np.ndarray
    conditional_survival_samples: np.ndarray
    call_samples: np.ndarray
    put_samples: np.ndarray
    conditional_call_samples: np.ndarray
    protection_samples: np.ndarray
    annuity_samples: dict

    def survival(self) -> Estimate:
        """P(tau > T) from the bridge-weighted paths."""
        return _est(self.survival_samples)

    def conditional_survival(self) -> Estimate:
        """P(tau > T) as ``E[P_GBM(x0, I_T)]`` over the variance paths (H.7)."""
        return _est(self.conditional_survival_samples)

    def survival_curve(self) -> pd.DataFrame:
        """Survival on the time grid: columns ``survival`` and ``stderr``, index ``time``."""
        return pd.DataFrame({"survival": self.curve_mean, "stderr": self.curve_se},
                            index=pd.Index(self.times, name="time"))

    def _strike_index(self, strike: float) -> int:
        hits = np.flatnonzero(np.isclose(self.strikes, strike, rtol=0, atol=1e-12))
        if hits.size == 0:
            raise InvalidParameterError("strike", strike,
                                        f"one of the simulated strikes {self.strikes.tolist()}")
        return int(hits[0])

    def _no_shift(self) -> None:
        if self.barrier_std > 0.0:
            raise InvalidParameterError("barrier_std", self.barrier_std, "0 for equity options",
                                        "the CreditGrades time shift applies to survival and CDS")

    def call(self, strike: float) -> Estimate:
        """Equity call ``e^{-rT} E[(S_T - K)^+ w(T)]`` (path estimator)."""
        self._no_shift()
        return _est(self.call_samples[:, self._strike_index(strike)])

    def put(self, strike: float) -> Estimate:
        """Equity put with default ``e^{-rT} E[(K - S_T)^+ w(T) + K (1 - w(T))]``."""
        self._no_shift()
        return _est(self.put_samples[:, self._strike_index(strike)])

    def conditional_call(self, strike: float) -> Estimate:
        """Equity call as ``e^{-qT} E[DOC(V0, B, K*, I_T)]`` (H.7)."""
        self._no_shift()
        return _est(self.conditional_call_samples[:, self._strike_index(strike)])

    def cds_spread(self, recovery: float = 0.5, premium: str = "continuous") -> Estimate:
        """Par CDS spread to ``T`` (H.8): ``(1-R) E[Prot] / E[Annuity]``, delta-method s.e.

        ``premium`` is ``"continuous"`` (CDS-1), ``"quarterly"`` (CDS-2) or
        ``"quarterly_accrual"`` (CDS-3).
        """
        recovery = v.in_range("recovery", recovery, 0.0, 1.0)
        premium = v.choice("premium", premium, ("continuous", "quarterly", "quarterly_accrual"))
        ann = self.annuity_samples.get(premium)
        if ann is None:
            raise InvalidParameterError("premium", premium, "'continuous' for this simulation",
                                        "the premium dates do not fall on the simulation grid "
                                        "(T * frequency must be a whole number)")
        prot = self.protection_samples
        a_bar, p_bar = float(np.mean(ann)), float(np.mean(prot))
        s = p_bar / a_bar
        n = prot.shape[0]
        se = (1.0 - recovery) * float(np.std(prot - s * ann, ddof=1)) / (abs(a_bar) * np.sqrt(n))
        return Estimate((1.0 - recovery) * s, se)


def simulate_single_firm(equity: float, debt_per_share: float, recovery_mean: float, T: float,
                         dynamics: Any, *, rate: float = 0.0, dividend: float = 0.0,
                         barrier_std: float = 0.0, strikes: ArrayLike = (),
                         n_paths: int = 20_000, steps_per_year: int = 48, seed: int = 0,
                         antithetic: bool = True, frequency: int = 4,
                         memory_budget: float | None = None) -> SingleFirmSimulation:
    """Simulate one CreditGrades firm to ``T`` (MODELS_CREDITGRADES.md §H).

    Parameters
    ----------
    equity, debt_per_share, recovery_mean : float
        ``S0 > 0``, ``D > 0``, ``L > 0``; barrier ``B = L D`` (growing at ``r - q``),
        ``V0 = S0 + B``.
    T : float
        Horizon in years, ``> 0``.
    dynamics : object
        ``BlackScholes(asset_vol)``, ``Heston(..., rho=0)``, ``CIR`` or ``MultiFactorHeston``
        (all ``rho = 0``), or a float asset volatility.
    rate, dividend : float
        ``r`` and ``q``.
    barrier_std : float
        CreditGrades time shift ``lambda >= 0`` (pre-period of business time ``lambda^2``).
    strikes : array_like
        Equity option strikes ``>= 0`` to price at ``T``.
    n_paths : int
        Number of asset paths (pairs of antithetic paths count twice).
    steps_per_year : int
        Grid density (``h ~ 1/steps_per_year``; the step count is rounded up so that the premium
        dates ``k/frequency`` fall on the grid when ``T * frequency`` is a whole number).
    seed : int
        Seed of the block streams (``SeedSequence(seed, spawn_key=(block,))``, PCG64); results
        are reproducible and do not depend on the chunking.
    antithetic : bool
        Antithetic asset noise on each variance path.
    frequency : int
        Premium frequency of the periodic CDS legs.
    memory_budget : float, optional
        Bytes the simulation may use (default: 1/8 of the machine's memory); paths run in
        chunks that fit. The per-pair samples of the result must fit, else
        InvalidParameterError before any allocation.
    """
    s0 = v.positive("equity", equity)
    b = v.positive("recovery_mean", recovery_mean) * v.positive("debt_per_share", debt_per_share)
    T = v.positive("T", T)
    rate, dividend = v.finite("rate", rate), v.finite("dividend", dividend)
    lam = v.nonnegative("barrier_std", barrier_std)
    k = np.atleast_1d(np.asarray(v.nonnegative("strikes", strikes) if np.size(strikes) else
                                 np.zeros(0), dtype=float))
    n_paths = v.integer("n_paths", n_paths, minimum=4)
    steps_per_year = v.integer("steps_per_year", steps_per_year, minimum=1)
    frequency = v.integer("frequency", frequency, minimum=1)
    vol, factors = variance_factors(dynamics)
    for i, (fv0, fk, ft, fs) in enumerate(factors):
        v.nonnegative(f"v0[{i}]", fv0), v.positive(f"kappa[{i}]", fk)
        v.nonnegative(f"theta[{i}]", ft), v.nonnegative(f"sigma[{i}]", fs)

    n_pay = T * frequency
    on_grid = abs(n_pay - round(n_pay)) < 1e-9
    n_steps = max(int(np.ceil(T * steps_per_year - 1e-9)), 1)
    if on_grid:
        n_pay = int(round(n_pay))
        n_steps = int(np.ceil(n_steps / n_pay)) * n_pay
    h = T / n_steps
    pay_every = n_steps // n_pay if on_grid else 0

    n_var_total = n_paths // 2 if antithetic else n_paths
    seed = v.integer("seed", seed, minimum=0)
    if T * steps_per_year > 1e7:
        raise InvalidParameterError("steps_per_year", steps_per_year,
                                    "at most 1e7 steps over the horizon")
    out_bytes = 8.0 * n_var_total * (7 + 3 * k.size)
    per_var = 8.0 * (30 + 3 * len(factors) + 6 * k.size)
    chunks = chunking.plan(n_var_total, per_var, out_bytes + 16.0 * (n_steps + 1),
                           memory_budget, "n_paths")
    x0 = float(np.log((s0 + b) / b))
    lam2 = lam * lam
    out = {name: np.empty((n_var_total,) + shape) for name, shape in (
        ("survival", ()), ("conditional", ()), ("call", (k.size,)), ("put", (k.size,)),
        ("cond_call", (k.size,)), ("protection", ()), ("continuous", ()), ("quarterly", ()),
        ("quarterly_accrual", ()))}
    curve_sum = np.zeros(n_steps + 1)
    curve_sq = np.zeros(n_steps + 1)
    for c_start, c_stop in chunks:
        rng = chunking.BlockRNG(seed, c_start, c_stop)
        _chunk(rng, c_stop - c_start, out, slice(c_start, c_stop), curve_sum, curve_sq,
               antithetic=antithetic, lam=lam, lam2=lam2, x0=x0, vol=vol, factors=factors,
               n_steps=n_steps, h=h, rate=rate, dividend=dividend, frequency=frequency,
               pay_every=pay_every, T=T, b=b, s0=s0, k=k)
    n = n_var_total
    curve_mean = curve_sum / n
    curve_se = np.sqrt(np.maximum(curve_sq / n - curve_mean**2, 0.0) * n / (n - 1) / n)
    annuities = {"continuous": out["continuous"]}
    if pay_every:
        annuities["quarterly"] = out["quarterly"]
        annuities["quarterly_accrual"] = out["quarterly_accrual"]
    return SingleFirmSimulation(
        T=T, rate=rate, dividend=dividend, barrier_std=lam, strikes=k,
        times=np.linspace(0.0, T, n_steps + 1), curve_mean=curve_mean, curve_se=curve_se,
        survival_samples=out["survival"], conditional_survival_samples=out["conditional"],
        call_samples=out["call"], put_samples=out["put"], conditional_call_samples=out["cond_call"],
        protection_samples=out["protection"], annuity_samples=annuities)


def _add_curve(curve_sum, curve_sq, j, pair_w) -> None:
    for sl in chunking.block_slices(0, pair_w.size):  # block by block: chunking-independent
        pb = pair_w[sl].copy()
        curve_sum[j] += pb.sum()
        curve_sq[j] += (pb * pb).sum()


def _chunk(rng, n_var, out, dest, curve_sum, curve_sq, *, antithetic, lam, lam2, x0, vol,
           factors, n_steps, h, rate, dividend, frequency, pay_every, T, b, s0, k) -> None:
    """Simulate ``n_var`` variance paths (one chunk) and write their samples to ``out[dest]``."""
    signs = (1.0, -1.0) if antithetic else (1.0,)

    # pre-period (CreditGrades time shift): business time lambda^2 from x0 + lambda^2
    w = []
    xs = []
    z = rng.standard_normal(n_var) if lam > 0 else None
    for sg in signs:
        if lam > 0:
            x_end = x0 + lam2 - lam2 / 2.0 + sg * lam * z
            w.append(bridge_survival(np.full(n_var, x0 + lam2), x_end, np.full(n_var, lam2)))
            xs.append(x_end)
        else:
            w.append(np.ones(n_var))
            xs.append(np.full(n_var, x0))

    var_now = [np.full(n_var, f[0]) for f in factors]
    integrated = np.zeros(n_var)
    _add_curve(curve_sum, curve_sq, 0, np.mean(w, axis=0))
    ann_c = [np.zeros(n_var) for _ in signs]
    ann_q = [np.zeros(n_var) for _ in signs]
    ann_qa = [np.zeros(n_var) for _ in signs]
    period_start = 0.0

    for j in range(n_steps):
        t0, t1 = j * h, (j + 1) * h
        if vol is not None:
            dc = np.full(n_var, vol * vol * h)
        else:
            var_next = [cir_step_exact(vn, h, fk, ft, fs, rng)
                        for vn, (_, fk, ft, fs) in zip(var_now, factors, strict=True)]
            dc = h * (sum(var_now) + sum(var_next)) / 2.0
            var_now = var_next
        integrated += dc
        z = rng.standard_normal(n_var)
        sd = np.sqrt(dc)
        d0, d1 = np.exp(-rate * t0), np.exp(-rate * t1)
        for i, sg in enumerate(signs):
            x_new = xs[i] - dc / 2.0 + sg * sd * z
            w_new = w[i] * bridge_survival(xs[i], x_new, dc)
            ann_c[i] += h / 2.0 * (d0 * w[i] + d1 * w_new)
            ann_qa[i] += h / 2.0 * (d0 * w[i] * (1.0 - rate * (t0 - period_start))
                                    + d1 * w_new * (1.0 - rate * (t1 - period_start)))
            xs[i], w[i] = x_new, w_new
            if pay_every and (j + 1) % pay_every == 0:
                ann_q[i] += (1.0 / frequency) * d1 * w_new
        if pay_every and (j + 1) % pay_every == 0:
            period_start = t1
        _add_curve(curve_sum, curve_sq, j + 1, np.mean(w, axis=0))

    disc_r, disc_q = np.exp(-rate * T), np.exp(-dividend * T)
    growth = np.exp((rate - dividend) * T)
    calls, puts = [], []
    for i in range(len(signs)):
        s_t = growth * b * np.expm1(xs[i])
        calls.append(disc_r * np.maximum(s_t[:, None] - k[None, :], 0.0) * w[i][:, None])
        puts.append(disc_r * (np.maximum(k[None, :] - s_t[:, None], 0.0) * w[i][:, None]
                              + k[None, :] * (1.0 - w[i][:, None])))
    prot = [1.0 - disc_r * w[i] - rate * ann_c[i] for i in range(len(signs))]
    k_star = b + k * np.exp(-(rate - dividend) * T)
    cond_call = disc_q * down_and_out_call(s0 + b, b, k_star[None, :], integrated[:, None])
    out["survival"][dest] = np.mean(w, axis=0)
    out["conditional"][dest] = survival_gbm(x0 + lam2, integrated + lam2)
    out["call"][dest] = np.mean(calls, axis=0)
    out["put"][dest] = np.mean(puts, axis=0)
    out["cond_call"][dest] = cond_call
    out["protection"][dest] = np.mean(prot, axis=0)
    out["continuous"][dest] = np.mean(ann_c, axis=0)
    out["quarterly"][dest] = np.mean(ann_q, axis=0)
    out["quarterly_accrual"][dest] = np.mean(ann_qa, axis=0)
