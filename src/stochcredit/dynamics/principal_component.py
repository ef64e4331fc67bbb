"""Principal-component stochastic covariance (MODELS_CREDITGRADES.md §E, PC-1..PC-3).

``Sigma_t = A Lambda_t A'`` with a constant orthogonal ``A`` and independent CIR eigenvalues
``d lambda_j = kappa_j (theta_j - lambda_j) dt + sigma_j sqrt(lambda_j) dZ_j`` (Escobar et al.).
Firm i's clock ``int Sigma_ii = sum_j A_ij^2 int lambda_j`` (PC-2) has the product transform PC-3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..core import validation as v
from ..core.errors import InvalidParameterError
from .cir import cir_integrated_laplace
from .wishart import square_matrix

__all__ = ["PrincipalComponentCovariance", "PrincipalComponentMarginal"]


def _vector(name: str, x: ArrayLike, n: int, check) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(check(name, x), dtype=float))
    if arr.ndim != 1 or arr.size != n:
        raise InvalidParameterError(name, arr, f"a vector of length {n} (one per eigenvalue)",
                                    f"got shape {arr.shape}")
    return arr


@dataclass(frozen=True, eq=False)
class PrincipalComponentCovariance:
    """Covariance ``A Lambda A'`` with CIR eigenvalues (PC-1).

    Parameters
    ----------
    eigenvectors : (n, n) array_like
        Orthogonal matrix ``A`` (columns are the eigenvectors); ``A'A = I`` to 1e-10.
    lambda0, kappa, theta, sigma : array_like of length n
        Per-eigenvalue CIR parameters: ``lambda0 >= 0``, ``kappa > 0``, ``theta >= 0``,
        ``sigma >= 0``. The ordering of ``theta`` is only a labelling convention (not enforced).

    Examples
    --------
    >>> pc = PrincipalComponentCovariance.two_firm(np.pi / 4, lambda0=[0.06, 0.02],
    ...     kappa=[1.0, 2.0], theta=[0.06, 0.02], sigma=[0.3, 0.2])
    >>> pc.instantaneous_correlation()
    0.5
    """

    eigenvectors: ArrayLike
    lambda0: ArrayLike
    kappa: ArrayLike
    theta: ArrayLike
    sigma: ArrayLike

    def __post_init__(self) -> None:
        a = square_matrix("eigenvectors", self.eigenvectors)
        n = a.shape[0]
        err = np.abs(a.T @ a - np.eye(n)).max()
        if err > 1e-10:
            raise InvalidParameterError("eigenvectors", a, "an orthogonal matrix (A'A = I)",
                                        f"max |A'A - I| = {err:.3g}")
        object.__setattr__(self, "eigenvectors", a)
        object.__setattr__(self, "lambda0", _vector("lambda0", self.lambda0, n, v.nonnegative))
        object.__setattr__(self, "kappa", _vector("kappa", self.kappa, n, v.positive))
        object.__setattr__(self, "theta", _vector("theta", self.theta, n, v.nonnegative))
        object.__setattr__(self, "sigma", _vector("sigma", self.sigma, n, v.nonnegative))

    @classmethod
    def two_firm(cls, angle: float, lambda0: ArrayLike, kappa: ArrayLike, theta: ArrayLike,
                 sigma: ArrayLike) -> PrincipalComponentCovariance:
        """Two firms, first eigenvector ``(cos angle, sin angle)`` (PC-1; §J.4).

        ``A = [[cos, -sin], [sin, cos]]``; ``angle`` in radians.
        """
        th = v.finite("angle", angle)
        c, s = np.cos(th), np.sin(th)
        return cls(np.array([[c, -s], [s, c]]), lambda0, kappa, theta, sigma)

    @property
    def n(self) -> int:
        """Number of firms."""
        return self.eigenvectors.shape[0]

    @property
    def sigma0(self) -> np.ndarray:
        """Initial covariance ``A diag(lambda0) A'``."""
        return self.covariance(self.lambda0)

    def covariance(self, eigenvalues: ArrayLike) -> np.ndarray:
        """``A diag(lambda) A'`` for eigenvalues of shape ``(..., n)``; shape ``(..., n, n)``."""
        lam = np.asarray(eigenvalues, dtype=float)
        a = self.eigenvectors
        return np.einsum("ik,...k,jk->...ij", a, lam, a)

    def mean_eigenvalues(self, t: ArrayLike) -> np.ndarray:
        """E[lambda_j(t)] = theta_j + (lambda_j(0) - theta_j) e^{-kappa_j t}.

        Shape ``t.shape + (n,)``.
        """
        t_arr = np.asarray(v.nonnegative("t", t))[..., None]
        return self.theta + (self.lambda0 - self.theta) * np.exp(-self.kappa * t_arr)

    def mean(self, t: ArrayLike) -> np.ndarray:
        """E[Sigma_t] = A diag(E lambda(t)) A'; shape ``t.shape + (n, n)``."""
        return self.covariance(self.mean_eigenvalues(t))

    def _index(self, i: int, name: str = "i") -> int:
        i = v.integer(name, i)
        if not 0 <= i < self.n:
            raise InvalidParameterError(name, i, f"a firm index in [0, {self.n - 1}]")
        return i

    def correlation(self, eigenvalues: ArrayLike, i: int = 0, j: int = 1) -> float | np.ndarray:
        """Instantaneous correlation ``rho = Sigma_ij / sqrt(Sigma_ii Sigma_jj)`` (PC-1) for given
        eigenvalues (shape ``(..., n)``, e.g. simulated paths)."""
        i, j = self._index(i), self._index(j, "j")
        cov = self.covariance(eigenvalues)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = cov[..., i, j] / np.sqrt(cov[..., i, i] * cov[..., j, j])
        return float(out) if np.ndim(out) == 0 else out

    def instantaneous_correlation(self, i: int = 0, j: int = 1) -> float:
        """Correlation of the log-assets at t = 0."""
        return float(self.correlation(self.lambda0, i, j))

    def expected_correlation(self, t: ArrayLike, i: int = 0, j: int = 1) -> float | np.ndarray:
        """Correlation implied by the expected covariance, ``E[S_ij]/sqrt(E[S_ii] E[S_jj])``.

        As ``t -> inf`` it tends to the correlation of ``A diag(theta) A'``.
        """
        return self.correlation(self.mean_eigenvalues(t), i, j)

    def marginal(self, i: int) -> PrincipalComponentMarginal:
        """Firm ``i``'s variance dynamics with the product transform PC-3."""
        return PrincipalComponentMarginal(self, self._index(i))


@dataclass(frozen=True, eq=False)
class PrincipalComponentMarginal:
    """Firm ``index``'s variance ``Sigma_ii = sum_j A_ij^2 lambda_j`` (PC-2); no ``rho`` (zero)."""

    covariance: PrincipalComponentCovariance
    index: int

    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(-s int_0^t Sigma_ii)] = prod_j Lhat_CIR(t; s A_ij^2; kappa_j, theta_j, sigma_j,
        lambda_j(0)) (PC-3); broadcasts ``s`` against ``t``; ``s`` may be complex, ``Re s >= 0``."""
        s_arr = np.asarray(s)
        if np.iscomplexobj(s_arr):
            v.finite("s", s_arr.imag)
            v.nonnegative("s", s_arr.real)
        else:
            s_arr = np.asarray(v.nonnegative("s", s_arr))
        t_arr = np.asarray(v.nonnegative("t", t))
        pc = self.covariance
        weights = pc.eigenvectors[self.index] ** 2
        out = np.ones(np.broadcast_shapes(s_arr.shape, t_arr.shape),
                      dtype=complex if np.iscomplexobj(s_arr) else float)
        for j in range(pc.n):
            if weights[j] == 0.0:
                continue
            out = out * cir_integrated_laplace(s_arr * weights[j], t_arr, pc.kappa[j], pc.theta[j],
                                               pc.sigma[j], pc.lambda0[j])
        return out

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(i u X_t)] with X_t = W(I_t) - I_t/2: ``variance_laplace((u^2 + i u)/2, t)``."""
        u = v.as_complex_array("u", u)
        return self.variance_laplace(0.5 * (u * u + 1j * u), t)

    @property
    def gradient_names(self) -> tuple[str, ...]:
        """``("lambda0_1", "kappa_1", "theta_1", "sigma_1", "lambda0_2", ...)``: the eigenvalue
        processes' CIR parameters, the leading axis of :meth:`log_char_fn_gradient`."""
        return tuple(f"{n}_{j + 1}" for j in range(self.covariance.n)
                     for n in ("lambda0", "kappa", "theta", "sigma"))

    def log_char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(psi, dpsi)``: log-CF and its closed-form derivatives in the CIR parameters.

        ``w_j lambda_j`` (``w_j = A_ij^2``) is a CIR process with ``(kappa_j, w_j theta_j,
        sqrt(w_j) sigma_j)`` and start ``w_j lambda_j(0)``, so ``psi`` is a sum of zero-correlation
        Heston log-CFs (H-1) and the chain rule scales their derivatives by ``w_j``, 1, ``w_j``,
        ``sqrt(w_j)``.
        """
        from .heston_gradient import heston_log_char_gradient

        pc = self.covariance
        weights = pc.eigenvectors[self.index] ** 2
        psi, grads = 0.0, []
        for j in range(pc.n):
            w = float(weights[j])
            if w == 0.0:
                grads.append(None)
                continue
            p, g = heston_log_char_gradient(u, t, w * pc.lambda0[j], pc.kappa[j],
                                            w * pc.theta[j], np.sqrt(w) * pc.sigma[j], 0.0)
            psi = psi + p
            grads.append(np.stack([w * g[0], g[1], w * g[2], np.sqrt(w) * g[3]]))
        psi = np.asarray(psi)
        out = [np.zeros((4,) + psi.shape, dtype=complex) if g is None else
               np.broadcast_to(g, (4,) + psi.shape) for g in grads]
        return psi, np.concatenate(out)

    def mean(self, t: ArrayLike) -> float | np.ndarray:
        """E[Sigma_ii(t)]."""
        out = self.covariance.mean(t)[..., self.index, self.index]
        return float(out) if np.ndim(out) == 0 else out

    def integrated_mean(self, t: ArrayLike) -> float | np.ndarray:
        """E[int_0^t Sigma_ii] (PC-2)::

            sum_j A_ij^2 [theta_j t + (lambda_j(0) - theta_j)(1 - e^{-kappa_j t})/kappa_j]
        """
        t_arr = np.asarray(v.nonnegative("t", t))[..., None]
        pc = self.covariance
        each = pc.theta * t_arr - (pc.lambda0 - pc.theta) * np.expm1(-pc.kappa * t_arr) / pc.kappa
        out = each @ (pc.eigenvectors[self.index] ** 2)
        return float(out) if np.ndim(out) == 0 else out
