"""Heston variance: dS/S = r dt + sqrt(V) dZ, dV = kappa (theta - V) dt + sigma sqrt(V) dW.

The characteristic function of the martingale log-return is written in the "little Heston trap"
form (MODELS.md H-1; Albrecher et al. 2007) and then rearranged so that no term divides by
``sigma**2``: with ``q = i u + u^2`` and ``beta = kappa - rho sigma i u``,

    d = sqrt(beta^2 + sigma^2 q),      beta - d = -sigma^2 q / (beta + d)
    D = -q (1 - e^{-d t}) / ((beta + d) - (beta - d) e^{-d t})
    C = -(kappa q / (beta + d)) [ t - (1 - e^{-d t})/d * log1p(x)/x ],
        x = (beta - d)(1 - e^{-d t}) / (2 d)

which equals the seed's ``C_j, D_j`` with the corrected logarithm ``ln((1 - g e^{-dt})/(1 - g))``
(since ``1 + x = (1 - g e^{-dt})/(1 - g)``) and reduces exactly to Black-Scholes with the
deterministic variance path at ``sigma = 0``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v
from ..core.errors import InvalidParameterError
from .cir import cir_integrated_laplace

__all__ = ["Heston", "heston_log_char"]


def _clog1p(x: np.ndarray) -> np.ndarray:
    """Accurate complex log(1 + x) (numpy's complex log1p is naive near 0)."""
    xr, xi = x.real, x.imag
    re = 0.5 * np.log1p(xr * (2.0 + xr) + xi * xi)
    im = np.arctan2(xi, 1.0 + xr)
    return re + 1j * im


def _clog1p_over_x(x: np.ndarray) -> np.ndarray:
    """log(1 + x)/x for complex x, continuous at 0."""
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 - x / 2.0, _clog1p(safe) / safe)


def heston_log_char(u: ArrayLike, t: ArrayLike, v0: ArrayLike, kappa: ArrayLike,
                    theta: ArrayLike, sigma: ArrayLike, rho: ArrayLike) -> np.ndarray:
    """ln E[exp(i u X_t)] for one Heston factor (H-1), broadcasting over all arguments.

    ``X_t = ln(S_t/S_0) - r t`` is the martingale log-return, so the result is 0 at ``u = -i``.
    ``u`` may be complex (shifted contours, ``-1 <= Im u <= 0`` is always inside the strip of
    regularity). Stable for ``sigma -> 0`` (exactly Black-Scholes at ``sigma = 0``), for Feller
    violations, ``|rho| -> 1`` and long maturities (principal square root, ``Re d >= 0``, only
    ``e^{-d t}`` appears). Parameters are not validated here (see :class:`Heston`).
    """
    u = np.asarray(u)
    u = u.astype(complex)
    t = np.asarray(t, dtype=float)
    iu = 1j * u
    q = iu + u * u
    beta = kappa - rho * sigma * iu
    # d^2 = beta^2 + sigma^2 q, expanded so that the u^2 terms do not cancel as |rho| -> 1
    d = np.sqrt(kappa * kappa + sigma * sigma * (1.0 - rho * rho) * (u * u)
                + sigma * (sigma - 2.0 * kappa * rho) * iu)
    bpd = beta + d
    e = np.exp(-d * t)
    one_minus_e = -np.expm1(-d * t)
    # (beta + d)(beta - d) = -sigma^2 q. Take the larger of the two directly and the other from
    # the product: beta + d -> 0 (with q -> 0) when Re beta < 0, e.g. rho = 1 at u = -i, where
    # q / (beta + d) is the 0/0 limit -(beta - d) / sigma^2 (sigma > 0 there: beta + d = 2 kappa
    # at sigma = 0).
    bmd_direct = beta - d
    small = np.abs(bpd) < np.abs(bmd_direct)
    sig2 = np.where(small, sigma * sigma, 1.0)
    q_over_bpd = np.where(small, -bmd_direct / sig2, q / np.where(small, 1.0, bpd))
    bmd = -(sigma * sigma) * q_over_bpd
    bpd = np.where(small, -(sigma * sigma) * q / np.where(small, bmd_direct, 1.0), bpd)
    dd = -q * one_minus_e / (bpd - bmd * e)
    # one_minus_e / d -> t as d -> 0 (kappa = 0 and u = 0 only): guard the 0/0
    d_safe = np.where(d == 0, 1.0, d)
    ome_over_d = np.where(d == 0, t, one_minus_e / d_safe)
    x = bmd * ome_over_d / 2.0
    # where beta + d is the small one, 1 + x = (beta + d - (beta - d) e) / (2 d) ~ e^{-d t} cancels:
    # ln(1 + x) = -d t + ln(1 + (beta + d)(e^{d t} - 1) / (2 d)), C = kappa/sigma^2 ((beta - d) t
    # - 2 ln(1 + x)) (the same closed form, no 0/0)
    alt = small & (np.abs(d * t) < 500.0)
    x_reg = np.where(alt, 0.0, x)
    dt_alt = np.where(alt, d * t, 0.0)
    d_alt = np.where(alt, d, 1.0)
    y = np.where(alt, bpd, 0.0) * np.expm1(dt_alt) / (2.0 * d_alt)
    alt &= np.abs(y) < 0.5  # only the cancelling regime (no branch choice for ln(1 + y))
    y = np.where(alt, y, 0.0)
    x_reg = np.where(alt, 0.0, x)
    ln1x = -dt_alt + _clog1p_over_x(y) * y
    cc_alt = (kappa / sig2) * (bmd * t - 2.0 * ln1x)
    cc = np.where(alt, cc_alt, -(kappa * q_over_bpd) * (t - ome_over_d * _clog1p_over_x(x_reg)))
    return cc * theta + dd * v0


@dataclass(frozen=True, eq=False)
class Heston:
    """Heston (1993) dynamics of a log-price.

    ``dS/S = r dt + sqrt(V) dZ``, ``dV = kappa (theta - V) dt + sigma sqrt(V) dW``,
    ``d<Z, W> = rho dt``.

    Parameters
    ----------
    v0 : float or ndarray
        Initial variance ``V_0 >= 0`` (the paper's ``V``).
    kappa : float or ndarray
        Mean-reversion rate ``> 0`` (the paper's ``alpha``).
    theta : float or ndarray
        Long-run variance ``>= 0`` (the paper's ``Vbar``).
    sigma : float or ndarray
        Volatility of variance ``>= 0``; ``sigma = 0`` is Black-Scholes with a deterministic
        variance path. The Feller condition is not required.
    rho : float or ndarray
        Correlation of asset and variance noise, in ``[-1, 1]``.

    Notes
    -----
    Every parameter may be a numpy array; they must broadcast together and then broadcast against
    the maturities you pass (e.g. shape ``(P, 1)`` for ``P`` parameter sets against maturities of
    shape ``(M,)`` gives results of shape ``(P, M)``). That is how calibration evaluates thousands
    of parameter sets in one call.

    Examples
    --------
    >>> h = Heston(v0=0.04, kappa=1.5, theta=0.04, sigma=0.5, rho=-0.7)
    >>> h.char_fn(1.0, [0.5, 1.0])
    array([0.98936937-0.00911597j, 0.97814817-0.01689329j])
    """

    v0: float | np.ndarray
    kappa: float | np.ndarray
    theta: float | np.ndarray
    sigma: float | np.ndarray
    rho: float | np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "v0", v.nonnegative("v0", self.v0))
        object.__setattr__(self, "kappa", v.positive("kappa", self.kappa))
        object.__setattr__(self, "theta", v.nonnegative("theta", self.theta))
        object.__setattr__(self, "sigma", v.nonnegative("sigma", self.sigma))
        object.__setattr__(self, "rho", v.in_range("rho", self.rho, -1.0, 1.0))
        try:
            shape = np.broadcast_shapes(*(np.shape(p) for p in self._params()))
        except ValueError as exc:
            raise InvalidParameterError(
                "Heston parameter shapes", str([np.shape(p) for p in self._params()]),
                "shapes that broadcast together") from exc
        object.__setattr__(self, "_shape", shape)

    def _params(self) -> tuple:
        return (self.v0, self.kappa, self.theta, self.sigma, self.rho)

    @property
    def param_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the parameters (``()`` for a single parameter set)."""
        return self._shape

    def with_trailing_axis(self) -> Heston:
        """Copy whose array parameters get one extra trailing axis (used by the Fourier engine)."""
        f = lambda p: p if np.ndim(p) == 0 else np.asarray(p)[..., None]  # noqa: E731
        return replace(self, v0=f(self.v0), kappa=f(self.kappa), theta=f(self.theta),
                       sigma=f(self.sigma), rho=f(self.rho))

    def heston_factors(self) -> tuple[tuple, ...]:
        """Compiled-kernel hook of the dynamics contract: this law's log-CF is one Heston factor."""
        return ((self.v0, self.kappa, self.theta, self.sigma, self.rho),)

    @property
    def feller(self) -> bool | np.ndarray:
        """``2 kappa theta >= sigma^2`` (variance never touches zero)."""
        return 2.0 * np.asarray(self.kappa) * self.theta >= np.asarray(self.sigma) ** 2

    def log_char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``ln E[exp(i u X_t)]`` (H-1); see :func:`heston_log_char`."""
        return heston_log_char(u, t, self.v0, self.kappa, self.theta, self.sigma, self.rho)

    #: names of the parameters along the leading axis of :meth:`log_char_fn_gradient`
    gradient_names = ("v0", "kappa", "theta", "sigma", "rho")

    def log_char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(psi, dpsi)``: ``psi = ln E[exp(i u X_t)]`` and its closed-form derivatives with
        respect to ``gradient_names`` (leading axis of ``dpsi``); see
        :mod:`~stochcredit.dynamics.heston_gradient`."""
        from .heston_gradient import heston_log_char_gradient

        return heston_log_char_gradient(u, t, self.v0, self.kappa, self.theta, self.sigma,
                                        self.rho)

    def char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(phi, dphi)``: the characteristic function and ``d phi / d parameter`` (leading
        axis in the order of ``gradient_names``), ``dphi = phi dpsi``."""
        t = v.nonnegative("t", t)
        psi, dpsi = self.log_char_fn_gradient(u, t)
        phi = np.exp(psi)
        return phi, phi * dpsi

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``E[exp(i u X_t)]``, ``X_t = ln(S_t/S_0) - (r - q) t`` (H-1, stable form).

        Parameters
        ----------
        u : float, complex or array_like
            Transform variable (complex allowed for ``-1 <= Im u <= 0``).
        t : float or array_like
            Horizon in years, ``>= 0``.

        Returns
        -------
        ndarray (complex)
            Shape ``broadcast(u, t, parameters)``.
        """
        t = v.nonnegative("t", t)
        return np.exp(self.log_char_fn(u, t))

    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``E[exp(-s int_0^t V_u du)]`` (HC-1, the CIR transform; independent of ``rho``)."""
        t = v.nonnegative("t", t)
        return cir_integrated_laplace(s, t, self.kappa, self.theta, self.sigma, self.v0)

    def mean_integrated_variance(self, t: ArrayLike) -> float | np.ndarray:
        """``E[int_0^t V_u du] = theta t + (v0 - theta)(1 - e^{-kappa t})/kappa``."""
        t = np.asarray(t, dtype=float)
        return self.theta * t - (np.asarray(self.v0) - self.theta) * np.expm1(
            -np.asarray(self.kappa) * t) / self.kappa

    def __repr__(self) -> str:
        return (f"Heston(v0={self.v0!r}, kappa={self.kappa!r}, theta={self.theta!r}, "
                f"sigma={self.sigma!r}, rho={self.rho!r})")
