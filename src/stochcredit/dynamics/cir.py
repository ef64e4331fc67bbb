"""Cox-Ingersoll-Ross variance: dv = kappa (theta - v) dt + sigma sqrt(v) dZ.

The transform of integrated variance (HC-1) is the building block of the method of images
(CreditGrades with Heston variance at zero correlation) and of the principal-component covariance
model (PC-3: a product of CIR transforms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v

__all__ = ["CIR", "cir_integrated_laplace"]


def _log1p_over_x(x: np.ndarray) -> np.ndarray:
    """log1p(x)/x, continuous at x = 0 (series below |x| < 1e-6)."""
    small = np.abs(x) < 1e-6
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 - x / 2.0 + x * x / 3.0, np.log1p(safe) / safe)


def cir_integrated_laplace(s: ArrayLike, t: ArrayLike, kappa: ArrayLike, theta: ArrayLike,
                           sigma: ArrayLike, v0: ArrayLike) -> np.ndarray:
    """E[exp(-s int_0^t v_u du)] for a CIR variance (HC-1), broadcasting over all arguments.

    Closed form (Cox-Ingersoll-Ross 1985; MODELS_CREDITGRADES.md HC-1)::

        gamma = sqrt(kappa^2 + 2 sigma^2 s)
        den   = (gamma + kappa)(1 - e^{-gamma t}) + 2 gamma e^{-gamma t}
        B     = 2 s (1 - e^{-gamma t}) / den
        A     = (2 kappa theta / sigma^2) [ ln(2 gamma) + (kappa - gamma) t / 2 - ln(den) ]
        L     = exp(A - B v0)

    ``A`` is evaluated as ``-(4 kappa theta s/(kappa + gamma)) [t/2 - (1 - e^{-gamma t})/(2 gamma)
    * log1p(x)/x]`` with ``x = (1 - e^{-gamma t})(kappa - gamma)/(2 gamma)`` (using
    ``kappa - gamma = -2 sigma^2 s/(kappa + gamma)``), which has no 0/0 as ``sigma -> 0`` and
    reduces exactly to ``exp(-s[theta t + (v0 - theta)(1 - e^{-kappa t})/kappa])`` at ``sigma = 0``.
    Valid for complex ``s`` with ``Re(s) >= 0`` (principal square root), so
    ``variance_laplace((u^2 + i u)/2, t)`` is the characteristic function of an independent-noise
    asset. Parameters are not validated here (see :class:`CIR`).
    """
    s, t, kappa, theta, sigma, v0 = np.broadcast_arrays(
        np.asarray(s), np.asarray(t, dtype=float), np.asarray(kappa, dtype=float),
        np.asarray(theta, dtype=float), np.asarray(sigma, dtype=float), np.asarray(v0, dtype=float))
    cplx = np.iscomplexobj(s)
    s = s.astype(complex if cplx else float)
    gamma = np.sqrt(kappa * kappa + 2.0 * sigma * sigma * s)
    one_minus_e = -np.expm1(-gamma * t)
    e = 1.0 - one_minus_e
    den = (gamma + kappa) * one_minus_e + 2.0 * gamma * e
    b = 2.0 * s * one_minus_e / den
    x = one_minus_e * (kappa - gamma) / (2.0 * gamma)
    a = -(4.0 * kappa * theta * s / (kappa + gamma)) * (
        t / 2.0 - one_minus_e / (2.0 * gamma) * _log1p_over_x(x))
    out = np.exp(a - b * v0)
    return out if cplx else out.real


@dataclass(frozen=True)
class CIR:
    """CIR variance process ``dv = kappa (theta - v) dt + sigma sqrt(v) dZ``.

    Parameters
    ----------
    v0 : float
        Initial variance, ``>= 0``.
    kappa : float
        Mean-reversion speed, ``> 0``.
    theta : float
        Long-run variance, ``>= 0``.
    sigma : float
        Volatility of variance, ``>= 0``. The Feller condition ``2 kappa theta >= sigma^2`` is not
        required.

    Examples
    --------
    >>> CIR(v0=0.04, kappa=1.5, theta=0.04, sigma=0.5).variance_laplace(0.5, [1.0, 5.0])
    array([0.98034979, 0.90676515])
    """

    v0: float
    kappa: float
    theta: float
    sigma: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "v0", v.nonnegative("v0", self.v0))
        object.__setattr__(self, "kappa", v.positive("kappa", self.kappa))
        object.__setattr__(self, "theta", v.nonnegative("theta", self.theta))
        object.__setattr__(self, "sigma", v.nonnegative("sigma", self.sigma))

    @property
    def feller(self) -> bool:
        """True when ``2 kappa theta >= sigma^2`` (zero is then unattainable)."""
        return 2.0 * self.kappa * self.theta >= self.sigma**2

    def mean(self, t: ArrayLike) -> float | np.ndarray:
        """E[v_t] = theta + (v0 - theta) e^{-kappa t}."""
        t = v.nonnegative("t", t)
        return self.theta + (self.v0 - self.theta) * np.exp(-self.kappa * np.asarray(t))

    def integrated_mean(self, t: ArrayLike) -> float | np.ndarray:
        """E[int_0^t v_u du] = theta t + (v0 - theta)(1 - e^{-kappa t})/kappa."""
        t = np.asarray(v.nonnegative("t", t))
        return self.theta * t - (self.v0 - self.theta) * np.expm1(-self.kappa * t) / self.kappa

    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(-s int_0^t v_u du)] (HC-1); ``s`` real ``>= 0`` or complex with ``Re(s) >= 0``."""
        s_arr = np.asarray(s)
        if not np.all(np.isfinite(s_arr)):
            v.finite("s", s_arr.real)
        if np.any(np.real(s_arr) < 0):
            v.nonnegative("s", np.real(s_arr))
        t = v.nonnegative("t", t)
        return cir_integrated_laplace(s_arr, t, self.kappa, self.theta, self.sigma, self.v0)
