"""Bates (1996): Heston stochastic variance plus lognormal (Merton) jumps in the log-asset.

``dS/S = (r - lambda kbar) dt + sqrt(V) dZ + J dN``, ``dV`` as in :mod:`.heston`, ``N`` Poisson of
intensity ``lambda`` independent of ``(Z, W)``, ``ln(1 + J) ~ N(mu_J, delta^2)`` and
``kbar = E[J] = exp(mu_J + delta^2/2) - 1``. The log-CF of the martingale log-return adds the
compensated compound-Poisson exponent to Heston's (Bates 1996, eq. 6; Gatheral 2006 §5)::

    ln phi(u, t) = ln phi_Heston(u, t) + lambda t [exp(i u mu_J - u^2 delta^2 / 2) - 1 - i u kbar]

so ``phi(-i, t) = 1`` and ``lambda = 0`` is Heston exactly. This module is the whole model: it
states the dynamics contract (``char_fn``/``log_char_fn``, ``mean_integrated_variance`` for the
control variate, ``param_shape``/``with_trailing_axis`` for array parameters) and every engine
prices it unchanged (the numpy path of the one Fourier engine; it offers no ``heston_factors``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v
from ..core.errors import InvalidParameterError
from .heston import Heston, heston_log_char

__all__ = ["Bates"]

_NAMES = ("v0", "kappa", "theta", "sigma", "rho", "jump_intensity", "jump_mean", "jump_vol")


@dataclass(frozen=True, eq=False)
class Bates:
    """Heston with lognormal jumps (Bates 1996).

    Parameters
    ----------
    v0, kappa, theta, sigma, rho : float or ndarray
        Heston parameters (see :class:`~stochcredit.dynamics.heston.Heston`).
    jump_intensity : float or ndarray
        Poisson intensity ``lambda >= 0`` per year (0 gives Heston).
    jump_mean : float or ndarray
        Mean ``mu_J`` of the log jump size ``ln(1 + J)``, finite.
    jump_vol : float or ndarray
        Standard deviation ``delta >= 0`` of the log jump size.

    Examples
    --------
    >>> b = Bates(0.04, 1.5, 0.04, 0.5, -0.7, 0.2, -0.1, 0.15)
    >>> complex(b.char_fn(-1j, 2.0))   # martingale: phi(-i) = 1
    (1+0j)
    """

    v0: float | np.ndarray
    kappa: float | np.ndarray
    theta: float | np.ndarray
    sigma: float | np.ndarray
    rho: float | np.ndarray
    jump_intensity: float | np.ndarray = 0.0
    jump_mean: float | np.ndarray = 0.0
    jump_vol: float | np.ndarray = 0.0

    parameter_names = _NAMES

    def __post_init__(self) -> None:
        h = Heston(self.v0, self.kappa, self.theta, self.sigma, self.rho)   # validates those
        for name in ("v0", "kappa", "theta", "sigma", "rho"):
            object.__setattr__(self, name, getattr(h, name))
        object.__setattr__(self, "jump_intensity",
                           v.nonnegative("jump_intensity", self.jump_intensity))
        object.__setattr__(self, "jump_mean", v.in_range("jump_mean", self.jump_mean, -5.0, 5.0))
        object.__setattr__(self, "jump_vol", v.in_range("jump_vol", self.jump_vol, 0.0, 5.0))
        try:
            shape = np.broadcast_shapes(*(np.shape(getattr(self, n)) for n in _NAMES))
        except ValueError as exc:
            raise InvalidParameterError(
                "Bates parameter shapes", str([np.shape(getattr(self, n)) for n in _NAMES]),
                "shapes that broadcast together") from exc
        object.__setattr__(self, "_shape", shape)

    @property
    def param_shape(self) -> tuple[int, ...]:
        """Broadcast shape of the parameters (``()`` for one parameter set)."""
        return self._shape

    def with_trailing_axis(self) -> Bates:
        """Copy whose array parameters get one extra trailing axis (used by the Fourier engine)."""
        f = lambda p: p if np.ndim(p) == 0 else np.asarray(p)[..., None]  # noqa: E731
        return replace(self, **{n: f(getattr(self, n)) for n in _NAMES})

    @property
    def heston(self) -> Heston:
        """The diffusive part alone (same ``v0, kappa, theta, sigma, rho``)."""
        return Heston(self.v0, self.kappa, self.theta, self.sigma, self.rho)

    def log_char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``ln E[exp(i u X_t)]``: Heston's (H-1) plus the compensated jump exponent."""
        u = np.asarray(u).astype(complex)
        t = np.asarray(t, dtype=float)
        lam, mu, dlt = self.jump_intensity, self.jump_mean, self.jump_vol
        kbar = np.expm1(mu + 0.5 * dlt * dlt)
        iu = 1j * u
        jumps = lam * t * (np.expm1(iu * mu - 0.5 * u * u * dlt * dlt) - iu * kbar)
        return heston_log_char(u, t, self.v0, self.kappa, self.theta, self.sigma,
                               self.rho) + jumps

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``E[exp(i u X_t)]``, ``X_t = ln(S_t/S_0) - (r - q) t``; ``u`` may be complex."""
        u = v.as_complex_array("u", u)
        t = v.nonnegative("t", t)
        return np.exp(self.log_char_fn(u, t))

    def mean_integrated_variance(self, t: ArrayLike) -> float | np.ndarray:
        """Heston's ``E[int_0^t V]`` plus the jumps' ``lambda t (mu_J^2 + delta^2)`` (variance of
        the log-return; used only to centre the engine's Black-Scholes control variate)."""
        t = np.asarray(t, dtype=float)
        jump_var = self.jump_intensity * (np.asarray(self.jump_mean) ** 2
                                          + np.asarray(self.jump_vol) ** 2)
        return self.heston.mean_integrated_variance(t) + jump_var * t

    # -- closed-form parameter derivatives of the log-CF (issue 11) ------------------------------
    #: names of the parameters along the leading axis of :meth:`log_char_fn_gradient`
    gradient_names = _NAMES

    def log_char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(psi, dpsi)``: ``psi = ln E[exp(i u X_t)]`` and its closed-form derivatives with
        respect to ``gradient_names`` (leading axis of ``dpsi``).

        The Heston part is :func:`~stochcredit.dynamics.heston_gradient.heston_log_char_gradient`;
        the jump exponent ``J = lambda t (E - 1 - i u kbar)``, with
        ``E = exp(i u mu_J - u^2 delta^2/2)`` and ``kbar = exp(mu_J + delta^2/2) - 1``
        (Bates 1996, eq. 6), gives::

            dJ/dlambda = t (E - 1 - i u kbar)
            dJ/dmu_J   = lambda t i u (E - (1 + kbar))
            dJ/ddelta  = -lambda t delta (u^2 E + i u (1 + kbar))

        Examples
        --------
        >>> b = Bates(0.04, 1.5, 0.04, 0.5, -0.7, 0.2, -0.1, 0.15)
        >>> psi, dpsi = b.log_char_fn_gradient(-1j, 2.0)   # martingale: psi(-i) = 0 for all
        >>> float(abs(psi)) < 1e-15, float(abs(dpsi).max()) < 1e-14
        (True, True)
        """
        from .heston_gradient import heston_log_char_gradient

        u = np.asarray(u).astype(complex)
        t = np.asarray(t, dtype=float)
        psi_h, d_h = heston_log_char_gradient(u, t, self.v0, self.kappa, self.theta, self.sigma,
                                              self.rho)
        lam, mu, dlt = (np.asarray(p, dtype=float) for p in
                        (self.jump_intensity, self.jump_mean, self.jump_vol))
        one_kbar = np.exp(mu + 0.5 * dlt * dlt)
        iu = 1j * u
        u2 = u * u
        expo = iu * mu - 0.5 * u2 * dlt * dlt
        e = np.exp(expo)
        per_unit = t * (np.expm1(expo) - iu * np.expm1(mu + 0.5 * dlt * dlt))
        psi = psi_h + lam * per_unit
        shape = psi.shape
        jumps = [per_unit, lam * t * iu * (e - one_kbar), -lam * t * dlt * (u2 * e + iu * one_kbar)]
        dpsi = np.concatenate([np.broadcast_to(d_h, (5,) + shape),
                               np.stack([np.broadcast_to(g, shape) for g in jumps])])
        return psi, dpsi

    def char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(phi, dphi)``: the characteristic function and ``d phi / d parameter`` (leading
        axis in the order of ``gradient_names``), ``dphi = phi dpsi``."""
        t = v.nonnegative("t", t)
        psi, dpsi = self.log_char_fn_gradient(u, t)
        phi = np.exp(psi)
        return phi, phi * dpsi

    def __repr__(self) -> str:
        return "Bates(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in _NAMES) + ")"
