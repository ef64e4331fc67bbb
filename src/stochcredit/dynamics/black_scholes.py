"""Black-Scholes dynamics: constant volatility, ``X_t = vol W_t - vol^2 t / 2``."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v

__all__ = ["BlackScholes"]


@dataclass(frozen=True, eq=False)
class BlackScholes:
    """Lognormal asset with constant volatility (the ``sigma = 0``, ``V = Vbar`` limit of H-1).

    Parameters
    ----------
    vol : float or ndarray
        Volatility ``>= 0`` (annualised, decimal: 0.2 = 20 %). An array broadcasts against the
        maturities, like the Heston parameters.

    Examples
    --------
    >>> complex(BlackScholes(0.2).char_fn(1.0, 1.0))   # exp(-0.02 (1 + i))
    (0.98000264-0.01960267j)
    """

    vol: float | np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "vol", v.nonnegative("vol", self.vol))

    @property
    def param_shape(self) -> tuple[int, ...]:
        """Shape of ``vol`` (``()`` for a single value)."""
        return np.shape(self.vol)

    def with_trailing_axis(self) -> BlackScholes:
        """Copy whose array ``vol`` gets one extra trailing axis (used by the Fourier engine)."""
        if np.ndim(self.vol) == 0:
            return self
        return replace(self, vol=np.asarray(self.vol)[..., None])

    def heston_factors(self) -> tuple[tuple, ...]:
        """Compiled-kernel hook: Black-Scholes is a Heston factor with ``v0 = theta = vol^2``,
        ``sigma = 0`` (the kernel's stable form is exact there)."""
        var = np.asarray(self.vol, dtype=float) ** 2
        return ((var if var.ndim else float(var), 1.0, var if var.ndim else float(var), 0.0,
                 0.0),)

    def log_char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``ln E[exp(i u X_t)] = -vol^2 t (u^2 + i u) / 2``."""
        u = np.asarray(u).astype(complex)
        return -0.5 * self.vol**2 * np.asarray(t, dtype=float) * (u * u + 1j * u)

    #: names of the parameters along the leading axis of :meth:`log_char_fn_gradient`
    gradient_names = ("vol",)

    def log_char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(psi, dpsi)`` with ``dpsi/dvol = -vol t (u^2 + i u)`` (leading axis of length 1)."""
        u = np.asarray(u).astype(complex)
        t = np.asarray(t, dtype=float)
        psi = self.log_char_fn(u, t)
        return psi, (-self.vol * t * (u * u + 1j * u))[None] + np.zeros((1,) + psi.shape)

    def char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(phi, dphi/dvol)``, the derivative on a leading axis of length 1."""
        t = v.nonnegative("t", t)
        psi, dpsi = self.log_char_fn_gradient(u, t)
        phi = np.exp(psi)
        return phi, phi * dpsi

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``E[exp(i u X_t)] = exp(-vol^2 t (u^2 + i u)/2)``, ``X_t = ln(S_t/S_0) - (r - q) t``."""
        t = v.nonnegative("t", t)
        return np.exp(self.log_char_fn(u, t))

    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """``E[exp(-s int_0^t vol^2 du)] = exp(-s vol^2 t)``."""
        t = v.nonnegative("t", t)
        s = np.asarray(s)
        return np.exp(-s * self.vol**2 * np.asarray(t, dtype=float))

    def mean_integrated_variance(self, t: ArrayLike) -> float | np.ndarray:
        """``vol^2 t``."""
        return self.vol**2 * np.asarray(t, dtype=float)

    def __repr__(self) -> str:
        return f"BlackScholes(vol={self.vol!r})"
