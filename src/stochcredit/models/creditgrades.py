"""Classic CreditGrades (Finger et al., CreditGrades Technical Document, 2002): CG-1..CG-5.

The asset ``V`` is driftless with volatility ``sigma``; default is the first time ``V <= L D`` with
a lognormal random recovery ``L = Lbar exp(lambda Z - lambda^2/2)`` (barrier uncertainty
``lambda``).
Survival uses the technical document's time-shift approximation (CG-2); the exact random-barrier
value (CG-5) is available as :meth:`CreditGrades.survival_exact`.
Formulas: MODELS_CREDITGRADES.md §A.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate
from scipy.special import ndtr

from ..core import validation as v
from ..core.errors import InvalidParameterError
from ..engines.images import survival_gbm
from .balance_sheet import BalanceSheet

__all__ = ["CreditGrades"]

_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)


def _shape_out(arr: np.ndarray, like: np.ndarray) -> float | np.ndarray:
    return float(arr) if np.ndim(like) == 0 else arr


@dataclass(frozen=True)
class CreditGrades(BalanceSheet):
    """Classic CreditGrades structural model; a SurvivalCurve.

    Parameters
    ----------
    equity : float
        Share price ``S0 > 0``.
    equity_vol : float
        Equity volatility ``sigma_S > 0`` (annualised decimal).
    debt_per_share : float
        Debt per share ``D > 0``.
    recovery_mean : float
        Mean global recovery on debt ``Lbar > 0`` (not the CDS recovery).
    barrier_std : float
        Barrier uncertainty ``lambda >= 0`` (std. dev. of ``ln L``).
    rate : float
        Risk-free rate ``r`` (continuous), used for discounting the CDS legs only (zero asset
        drift, as in the technical document). The closed-form CDS needs ``r > -sigma^2/8``.
    reference_equity, reference_vol : float, optional
        ``S_ref`` and ``sigma_S_ref`` of CG-1 (default: ``equity`` and ``equity_vol``).

    Examples
    --------
    >>> cg = CreditGrades(equity=50, equity_vol=0.3, debt_per_share=40)
    >>> cg.survival([0.0, 1.0, 5.0]).round(4)
    array([1.    , 0.9995, 0.9667])
    >>> round(1e4 * cg.cds_spread(5.0), 2)   # bp, r = 0 limit
    33.57
    """

    equity: float
    equity_vol: float
    debt_per_share: float
    recovery_mean: float = 0.5
    barrier_std: float = 0.3
    rate: float = 0.0
    reference_equity: float | None = None
    reference_vol: float | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        # whether CG-1's reference equity/vol follow equity/equity_vol (for the sensitivities)
        set_(self, "_ref_follows", (self.reference_equity is None, self.reference_vol is None))
        set_(self, "equity", v.positive("equity", self.equity))
        set_(self, "equity_vol", v.positive("equity_vol", self.equity_vol))
        set_(self, "debt_per_share", v.positive("debt_per_share", self.debt_per_share))
        set_(self, "recovery_mean", v.positive("recovery_mean", self.recovery_mean))
        set_(self, "barrier_std", v.nonnegative("barrier_std", self.barrier_std))
        set_(self, "rate", v.finite("rate", self.rate))
        set_(self, "reference_equity", self.equity if self.reference_equity is None
             else v.positive("reference_equity", self.reference_equity))
        set_(self, "reference_vol", self.equity_vol if self.reference_vol is None
             else v.positive("reference_vol", self.reference_vol))

    # -- CG-1 ----------------------------------------------------------------------------------
    @property
    def asset_vol(self) -> float:
        """(CG-1) ``sigma = sigma_S_ref S_ref / (S_ref + Lbar D)``."""
        s_ref = self.reference_equity
        return self.reference_vol * s_ref / (s_ref + self.barrier)

    @property
    def d(self) -> float:
        """``d = V0/(Lbar D) exp(lambda^2)`` of CG-2."""
        return self.asset_value / self.barrier * np.exp(self.barrier_std**2)

    # -- CG-2 ----------------------------------------------------------------------------------
    def survival(self, t: ArrayLike) -> float | np.ndarray:
        """Probability that the firm has not defaulted by ``t`` (CG-2, time-shift approximation).

        ``P(t) = Phi(-A_t/2 + ln d/A_t) - d Phi(-A_t/2 - ln d/A_t)``, ``A_t^2 = sigma^2 t +
        lambda^2``, ``d = V0/(Lbar D) e^{lambda^2}``; i.e. ``P_GBM(ln d, A_t^2)`` (IM-0). Below 1 at
        ``t = 0`` when ``barrier_std > 0``.

        Parameters
        ----------
        t : float or array_like
            Horizon(s) in years, ``>= 0``.

        Returns
        -------
        float or ndarray
            Same shape as ``t``.
        """
        t = np.asarray(v.nonnegative("t", t))
        out = survival_gbm(np.log(self.d), self.asset_vol**2 * t + self.barrier_std**2)
        return _shape_out(out, t)

    def default_probability(self, t: ArrayLike) -> float | np.ndarray:
        """``1 - survival(t)``."""
        return 1.0 - self.survival(t)

    # -- CG-5 ----------------------------------------------------------------------------------
    def survival_exact(self, t: ArrayLike) -> float | np.ndarray:
        """(CG-5) Exact survival with the lognormal random barrier (not the CreditGrades formula).

        ``P(t) = E_Z[1{L D < V0} P_GBM(ln(V0/(L D)), sigma^2 t)]``,
        ``L = Lbar exp(lambda Z - lambda^2/2)``, integrated over ``Z < z*`` (where ``L D < V0``)
        by adaptive quadrature. Equals CG-2 when ``barrier_std = 0``.
        """
        t = np.asarray(v.nonnegative("t", t))
        x_bar = np.log(self.asset_value / self.barrier)
        lam = self.barrier_std
        var = self.asset_vol**2 * t
        if lam == 0.0:
            return _shape_out(survival_gbm(x_bar, var), t)
        z_star = (x_bar + lam * lam / 2.0) / lam
        out = np.empty(t.shape)
        for i, vi in np.ndenumerate(var):
            def f(z: float, vi: float = vi) -> float:
                x = x_bar - lam * z + lam * lam / 2.0
                return float(survival_gbm(x, vi)) * np.exp(-z * z / 2.0) / np.sqrt(2.0 * np.pi)
            if vi == 0.0:
                out[i] = ndtr(z_star)
            else:
                out[i] = integrate.quad(f, -np.inf, z_star, epsabs=1e-14, epsrel=1e-12,
                                        limit=200)[0]
        return _shape_out(out, t)

    # -- CG-3 / CG-4 ---------------------------------------------------------------------------
    def _h(self, T: np.ndarray) -> np.ndarray:
        """(CG-4) ``H(T) = e^{r xi}[G(T + xi) - G(xi)] = int_0^T e^{-rs}(-dP(s))``."""
        sig, lam, r = self.asset_vol, self.barrier_std, self.rate
        ln_d = np.log(self.d)
        xi = lam * lam / (sig * sig)
        z = np.sqrt(0.25 + 2.0 * r / (sig * sig))

        def g(u: np.ndarray) -> np.ndarray:
            u = np.asarray(u, dtype=float)
            pos = u > 0.0
            su = sig * np.sqrt(np.where(pos, u, 1.0))
            val = (np.exp((z + 0.5) * ln_d) * ndtr(-ln_d / su - z * su)
                   + np.exp((0.5 - z) * ln_d) * ndtr(-ln_d / su + z * su))
            return np.where(pos, val, 0.0)

        return np.exp(r * xi) * (g(T + xi) - g(xi))

    def _integral_survival(self, T: np.ndarray, r: float) -> np.ndarray:
        """``int_0^T e^{-rt} P(t) dt`` by 64-point Gauss-Legendre on 8 panels (smooth in t)."""
        edges = np.linspace(0.0, 1.0, 9)
        a, b = edges[:-1], edges[1:]
        nodes = ((a + b)[:, None] / 2.0 + (b - a)[:, None] / 2.0 * _GL_X[None, :]).ravel()
        weights = ((b - a)[:, None] / 2.0 * _GL_W[None, :]).ravel()
        t = T[..., None] * nodes
        return T * np.sum(weights * np.exp(-r * t) * np.asarray(self.survival(t)), axis=-1)

    def cds_spread(self, T: ArrayLike, recovery: float = 0.5) -> float | np.ndarray:
        """Par spread of a CDS with continuously paid premium (CG-3, CG-4).

        ``c(T) = r (1-R)[1 - P(0) + H(T)] / [P(0) - P(T) e^{-rT} - H(T)]``. The jump
        ``1 - P(0)`` is protection paid at 0. For ``|r| < 1e-4`` the closed form loses digits
        (0/0 at ``r = 0``) and the same quantity, CDS-1,
        ``(1-R)[1 - e^{-rT}P(T) - r int e^{-rt}P] / int_0^T e^{-rt} P(t) dt``, is evaluated by
        Gauss-Legendre quadrature instead (at ``r = 0``: ``(1-R)(1-P(T)) / int_0^T P``).

        Parameters
        ----------
        T : float or array_like
            CDS maturity in years, ``> 0``.
        recovery : float
            CDS recovery ``R`` in ``[0, 1]``.

        Returns
        -------
        float or ndarray
            Spread as a decimal (0.01 = 100 bp), same shape as ``T``.
        """
        T = np.asarray(v.positive("T", T))
        recovery = v.in_range("recovery", recovery, 0.0, 1.0)
        r, sig = self.rate, self.asset_vol
        if r <= -sig * sig / 8.0:
            raise InvalidParameterError("rate", r, f"> -asset_vol^2/8 = {-sig * sig / 8.0:.6g}",
                                        "the CreditGrades CDS closed form needs z = sqrt(1/4 + "
                                        "2r/sigma^2) real")
        p0 = float(self.survival(0.0))
        pt = np.asarray(self.survival(T))
        if abs(r) >= 1e-4:
            h = self._h(T)
            out = r * (1.0 - recovery) * (1.0 - p0 + h) / (p0 - pt * np.exp(-r * T) - h)
        else:
            ann = self._integral_survival(T, r)
            out = (1.0 - recovery) * (1.0 - np.exp(-r * T) * pt - r * ann) / ann
        return _shape_out(np.asarray(out), T)

    # -- sensitivities ---------------------------------------------------------------------
    def survival_gradient(self, t: ArrayLike) -> dict[str, float | np.ndarray]:
        """``{parameter: d survival(t) / d parameter}`` in closed form (chain rule through CG-1,
        CG-2; :mod:`.creditgrades_sensitivity`): keys ``"equity"``, ``"equity_vol"``,
        ``"debt_per_share"``, ``"recovery_mean"``, ``"barrier_std"``, ``"rate"`` (0: no drift)
        and ``"reference_equity"``/``"reference_vol"`` when those were given."""
        from .creditgrades_sensitivity import survival_gradient

        t = np.asarray(v.nonnegative("t", t), dtype=float)
        return {k: _shape_out(a, t) for k, a in survival_gradient(self, t).items()}

    def cds_spread_gradient(self, T: ArrayLike,
                            recovery: float = 0.5) -> dict[str, float | np.ndarray]:
        """``{parameter: d cds_spread(T) / d parameter}`` in closed form (CS01-style: spread per
        unit of each input; keys as :meth:`survival_gradient` plus ``"recovery"``, the CDS
        recovery). Same branches as :meth:`cds_spread` (closed form CG-3/CG-4 for
        ``|r| >= 1e-4``, CDS-1 quadrature otherwise).

        Examples
        --------
        >>> cg = CreditGrades(equity=50, equity_vol=0.3, debt_per_share=40, rate=0.03)
        >>> g = cg.cds_spread_gradient(5.0)
        >>> g["equity"] < 0 < g["equity_vol"]
        True
        """
        from .creditgrades_sensitivity import cds_spread_gradient

        T = np.asarray(v.positive("T", T), dtype=float)
        recovery = v.in_range("recovery", recovery, 0.0, 1.0)
        self.cds_spread(T, recovery)  # same validation (rate domain)
        return {k: _shape_out(a, T) for k, a in cds_spread_gradient(self, T, recovery).items()}

    def sensitivities(self, T: ArrayLike, of: str = "cds_spread", recovery: float = 0.5):
        """:meth:`cds_spread_gradient` (or ``of="survival"``) as a pandas DataFrame, one row
        per maturity."""
        from ..core.sensitivity import gradient_frame

        of = v.choice("of", of, ("cds_spread", "survival"))
        T = np.atleast_1d(np.asarray(T, dtype=float))
        grad = (self.cds_spread_gradient(T, recovery) if of == "cds_spread"
                else self.survival_gradient(T))
        return gradient_frame(grad, index=T)

    def to_frame(self, maturities: ArrayLike, recovery: float = 0.5):
        """Survival and CDS spread (bp) term structure as a pandas DataFrame."""
        import pandas as pd

        m = np.atleast_1d(v.positive("maturities", maturities))
        return pd.DataFrame({"survival": np.atleast_1d(self.survival(m)),
                             "cds_spread_bp": 1e4 * np.atleast_1d(self.cds_spread(m, recovery))},
                            index=pd.Index(m, name="maturity"))
