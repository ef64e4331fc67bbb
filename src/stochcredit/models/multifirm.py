"""Multi-firm CreditGrades with stochastic covariance (MODELS_CREDITGRADES.md §D, E, G, H).

Each firm is the single-firm CreditGrades equity model (SF-1..SF-6) run on its own clock
``int Sigma_ii``; marginal quantities (calls, puts, survival, CDS) are semi-analytic through the
marginal transform (WI-2..WI-4 for Wishart, PC-3 for principal components) and reuse
:class:`~stochcredit.models.creditgrades_equity.CreditGradesEquity`. Joint quantities (joint
survival, first-to-default, default correlation) come from Monte Carlo (JS-3, §H).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import validation as v
from ..core.errors import InvalidParameterError
from ..engines.montecarlo.multifirm import simulate_joint_default
from ..engines.montecarlo.multifirm_result import MultiFirmSimulationResult
from .balance_sheet import BalanceSheet

__all__ = ["Firm", "MultiFirmCreditGrades", "MultiFirmSimulationResult"]


@dataclass(frozen=True)
class Firm(BalanceSheet):
    """One firm's balance-sheet data per share.

    Parameters
    ----------
    equity : float
        Equity price per share ``S0 > 0``.
    debt_per_share : float
        Debt per share ``D > 0``.
    recovery_mean : float
        Mean global recovery on debt ``L > 0`` (the barrier is ``L D``; not the CDS recovery).
    dividend : float
        Continuous dividend (payout) yield ``q`` (finite).
    """

    equity: float
    debt_per_share: float
    recovery_mean: float
    dividend: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "equity", v.positive("equity", self.equity))
        object.__setattr__(self, "debt_per_share", v.positive("debt_per_share",
                                                              self.debt_per_share))
        object.__setattr__(self, "recovery_mean", v.positive("recovery_mean", self.recovery_mean))
        object.__setattr__(self, "dividend", v.finite("dividend", self.dividend))


class MultiFirmCreditGrades:
    """n firms whose log-assets have a (stochastic) covariance ``Sigma_t`` (WI-1 / PC-1).

    Parameters
    ----------
    firms : sequence of Firm
        One per row of the covariance.
    covariance : WishartCovariance, PrincipalComponentCovariance or ConstantCovariance
        Any object with ``n`` and ``marginal(i)`` (a dynamics object with ``variance_laplace``).
    rate : float
        Flat continuously compounded risk-free rate.

    Examples
    --------
    >>> from stochcredit import PrincipalComponentCovariance
    >>> cov = PrincipalComponentCovariance.two_firm(0.6, [0.06, 0.02], [1.0, 2.0], [0.06, 0.02],
    ...                                             [0.3, 0.2])
    >>> model = MultiFirmCreditGrades([Firm(40, 50, 0.5), Firm(30, 45, 0.5)], cov, rate=0.03)
    >>> model.firm(0).survival([1.0, 5.0])
    array([0.99962844, 0.91816789])
    >>> res = model.simulate(5.0, n_paths=20_000)
    >>> res.default_correlation()
    Estimate(value=0.296, stderr=0.0118)
    """

    def __init__(self, firms: Sequence[Firm], covariance, rate: float) -> None:
        firms = tuple(firms)
        for k, f in enumerate(firms):
            if not isinstance(f, Firm):
                raise InvalidParameterError(f"firms[{k}]", f, "a Firm")
        n = getattr(covariance, "n", None)
        if n is None or not hasattr(covariance, "marginal"):
            raise InvalidParameterError("covariance", type(covariance).__name__,
                                        "a covariance model with n and marginal(i)")
        if len(firms) != n:
            raise InvalidParameterError("firms", len(firms),
                                        f"{n} firms (one per row of the covariance)",
                                        "dimension mismatch")
        self.firms = firms
        self.covariance = covariance
        self.rate = v.finite("rate", rate)

    def __repr__(self) -> str:
        return (f"MultiFirmCreditGrades(n={self.n}, covariance={type(self.covariance).__name__}, "
                f"rate={self.rate})")

    @property
    def n(self) -> int:
        """Number of firms."""
        return len(self.firms)

    @property
    def distances_to_default(self) -> np.ndarray:
        """``x_i0 = ln(V_i0 / (L_i D_i))`` for every firm."""
        return np.array([f.distance_to_default for f in self.firms])

    def _index(self, i: int) -> int:
        i = v.integer("i", i)
        if not 0 <= i < self.n:
            raise InvalidParameterError("i", i, f"a firm index in [0, {self.n - 1}]")
        return i

    def firm(self, i: int):
        """Firm ``i``'s marginal model: a ``CreditGradesEquity`` on ``covariance.marginal(i)``.

        A SurvivalCurve with ``.call``, ``.put``, ``.survival`` (IM-1, IM-2, SF-6), so
        ``sc.CDS(...).par_spread(discount, model.firm(i))`` prices firm i's CDS.
        """
        from .creditgrades_equity import CreditGradesEquity

        i = self._index(i)
        f = self.firms[i]
        return CreditGradesEquity(f.equity, f.debt_per_share, f.recovery_mean, self.rate,
                                  dynamics=self.covariance.marginal(i), dividend=f.dividend)

    def simulate(self, T: float, n_paths: int, steps_per_year: int = 48, seed: int = 0,
                 scheme: str = "auto", record_per_year: int = 4,
                 memory_budget: float | None = None, keep_paths: bool | None = None,
                 progress=None) -> MultiFirmSimulationResult:
        """Joint default by Monte Carlo (§H): covariance paths, antithetic log-asset paths and
        bridge-corrected barrier monitoring.

        Parameters
        ----------
        T : float
            Horizon, years ``> 0``.
        n_paths : int
            Asset paths (even: half as many covariance paths, each with ``+Z`` and ``-Z``).
        steps_per_year : int
            Time steps per year (h = 1/48 by default).
        seed : int
            Random seed (results are reproducible).
        scheme : str
            Wishart scheme: ``"auto"``, ``"exact"``, ``"ahdida_alfonsi"``, ``"euler"``.
        record_per_year : int
            How often per year moments of the weights are kept (for curve standard errors).
        memory_budget : float, optional
            Bytes the simulation may use (default 1/8 of the machine's memory); the paths run
            in chunks, with the same result whatever the budget.
        keep_paths : bool, optional
            Keep per-path weights (default: when small).
        progress : callable, optional
            ``progress(pairs_done, pairs_total)`` after each chunk.

        Returns
        -------
        MultiFirmSimulationResult
            ``.survival(i)``, ``.joint_survival()``, ``.first_to_default_probability()``,
            ``.default_correlation(i, j)`` as ``Estimate(value, stderr)`` at T; survival curves
            on the grid; ``.to_frame()``.
        """
        return simulate_joint_default(self.distances_to_default, self.covariance, T, n_paths,
                                      steps_per_year=steps_per_year, seed=seed, scheme=scheme,
                                      record_per_year=record_per_year,
                                      memory_budget=memory_budget, keep_paths=keep_paths,
                                      progress=progress)

    def to_frame(self) -> pd.DataFrame:
        """The firms' data and distances to default, one row per firm."""
        return pd.DataFrame([{"equity": f.equity, "debt_per_share": f.debt_per_share,
                              "recovery_mean": f.recovery_mean, "dividend": f.dividend,
                              "barrier": f.barrier, "asset_value": f.asset_value,
                              "distance_to_default": f.distance_to_default}
                             for f in self.firms]).rename_axis("firm")
