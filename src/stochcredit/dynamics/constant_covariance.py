"""Constant covariance of n firms' log-assets: the limiting case of the Wishart and PC models.

Used as the benchmark against which stochastic correlation is compared, and for the closed-form
two-firm joint survival JS-1 (Zhou 2001).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v
from ..core.errors import InvalidParameterError
from .wishart import square_matrix

__all__ = ["ConstantCovariance", "ConstantVarianceMarginal"]


@dataclass(frozen=True, eq=False)
class ConstantCovariance:
    """``Sigma_t = Sigma0`` for all t (symmetric positive semidefinite, positive diagonal).

    Examples
    --------
    >>> ConstantCovariance.from_vols([0.2, 0.25], rho=0.5).matrix
    array([[0.04  , 0.025 ],
           [0.025 , 0.0625]])
    """

    matrix: ArrayLike

    def __post_init__(self) -> None:
        mat = square_matrix("matrix", self.matrix)
        if np.abs(mat - mat.T).max() > 1e-10 * max(1.0, np.abs(mat).max()):
            raise InvalidParameterError("matrix", mat, "symmetric")
        mat = 0.5 * (mat + mat.T)
        if np.any(np.diag(mat) <= 0):
            raise InvalidParameterError("matrix", mat, "with positive diagonal (variances)")
        if np.linalg.eigvalsh(mat).min() < -1e-12 * np.abs(mat).max():
            raise InvalidParameterError("matrix", mat, "positive semidefinite")
        object.__setattr__(self, "matrix", mat)

    @classmethod
    def from_vols(cls, vols: ArrayLike, rho: float | ArrayLike) -> ConstantCovariance:
        """Covariance from volatilities and one correlation (or a correlation matrix)."""
        vols = np.atleast_1d(np.asarray(v.positive("vols", vols), dtype=float))
        rho_arr = np.asarray(v.in_range("rho", rho, -1.0, 1.0))
        if rho_arr.ndim == 0:
            corr = np.full((vols.size, vols.size), float(rho_arr))
            np.fill_diagonal(corr, 1.0)
        else:
            corr = square_matrix("rho", rho_arr, vols.size)
        return cls(corr * np.outer(vols, vols))

    @property
    def n(self) -> int:
        """Number of firms."""
        return self.matrix.shape[0]

    @property
    def sigma0(self) -> np.ndarray:
        """The (constant) covariance."""
        return self.matrix

    def mean(self, t: ArrayLike) -> np.ndarray:
        """E[Sigma_t] = Sigma0; shape ``t.shape + (n, n)``."""
        t_arr = np.asarray(v.nonnegative("t", t))
        return np.broadcast_to(self.matrix, t_arr.shape + self.matrix.shape).copy()

    def instantaneous_correlation(self, i: int = 0, j: int = 1) -> float:
        """``Sigma_ij / sqrt(Sigma_ii Sigma_jj)``."""
        i, j = self._index(i), self._index(j, "j")
        s = self.matrix
        return float(s[i, j] / np.sqrt(s[i, i] * s[j, j]))

    def expected_correlation(self, t: ArrayLike, i: int = 0, j: int = 1) -> float | np.ndarray:
        """Constant: the instantaneous correlation, broadcast to ``t``."""
        t_arr = np.asarray(v.nonnegative("t", t))
        out = np.full(t_arr.shape, self.instantaneous_correlation(i, j))
        return float(out) if out.ndim == 0 else out

    def _index(self, i: int, name: str = "i") -> int:
        i = v.integer(name, i)
        if not 0 <= i < self.n:
            raise InvalidParameterError(name, i, f"a firm index in [0, {self.n - 1}]")
        return i

    def marginal(self, i: int) -> ConstantVarianceMarginal:
        """Firm ``i``'s constant variance ``Sigma_ii`` (Black-Scholes asset)."""
        i = self._index(i)
        return ConstantVarianceMarginal(float(self.matrix[i, i]))


@dataclass(frozen=True)
class ConstantVarianceMarginal:
    """Deterministic variance ``v``: ``variance_laplace(s, t) = exp(-s v t)``; no ``rho``."""

    variance: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "variance", v.positive("variance", self.variance))

    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(-s int_0^t v du)] = exp(-s v t); ``s`` may be complex with ``Re s >= 0``."""
        s_arr = np.asarray(s)
        if not np.iscomplexobj(s_arr):
            s_arr = np.asarray(v.nonnegative("s", s_arr))
        t_arr = np.asarray(v.nonnegative("t", t))
        return np.exp(-s_arr * self.variance * t_arr)

    #: the leading axis of :meth:`log_char_fn_gradient`
    gradient_names = ("variance",)

    def log_char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(psi, dpsi/dvariance)`` with ``psi = -(u^2 + i u) v t / 2``."""
        u = np.asarray(u).astype(complex)
        t_arr = np.asarray(t, dtype=float)
        d = -0.5 * (u * u + 1j * u) * t_arr
        return d * self.variance, d[None]

    def integrated_mean(self, t: ArrayLike) -> float | np.ndarray:
        """int_0^t v du = v t."""
        return self.variance * v.nonnegative("t", t)

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(i u X_t)] = exp(-(u^2 + i u) v t / 2)."""
        u = v.as_complex_array("u", u)
        return self.variance_laplace(0.5 * (u * u + 1j * u), t)
