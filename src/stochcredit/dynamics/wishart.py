"""Wishart stochastic covariance for n firms (MODELS_CREDITGRADES.md §D, WI-1..WI-5).

    dSigma = (Omega Omega' + M Sigma + Sigma M') dt + sqrt(Sigma) dW Q + Q' dW' sqrt(Sigma)

Single-name quantities are semi-analytic: firm i's clock ``int_0^T Sigma_ii dt`` has the affine
Laplace transform WI-2, solved in closed form by linearisation (WI-3, WI-4) and propagated with the
overflow-safe Moebius map. :meth:`WishartCovariance.marginal` exposes it as a dynamics object with
``variance_laplace`` so the single-firm CreditGrades code prices every marginal quantity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike
from scipy.linalg import expm, solve_continuous_lyapunov

from ..core import validation as v
from ..core.errors import InvalidParameterError

__all__ = ["WishartCovariance", "WishartMarginal", "wishart_integrated_laplace", "square_matrix"]

_TOL = 1e-10


def square_matrix(name: str, x: ArrayLike, n: int | None = None) -> np.ndarray:
    """``x`` as a finite real (n, n) float matrix (a scalar is a 1 x 1 matrix)."""
    arr = v.as_array(name, x)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise InvalidParameterError(name, arr, "a square matrix", f"got shape {arr.shape}")
    if n is not None and arr.shape[0] != n:
        raise InvalidParameterError(name, arr, f"a {n} x {n} matrix",
                                    f"got shape {arr.shape}; dimension mismatch")
    return arr.copy()


def _min_eig(sym: np.ndarray) -> float:
    return float(np.linalg.eigvalsh(0.5 * (sym + sym.T)).min())


def _scale(*mats: np.ndarray) -> float:
    return max(1.0, *(float(np.abs(m).max()) for m in mats))


def wishart_integrated_laplace(gamma_diag_index: int, s: ArrayLike, t: ArrayLike,
                               sigma0: np.ndarray, m: np.ndarray, qtq: np.ndarray,
                               drift: np.ndarray, beta: float | None = None,
                               growth_per_step: float = 1.0, max_steps: int = 2048
                               ) -> np.ndarray:
    """E[exp(-s int_0^t Sigma_ii du)] for a Wishart covariance (WI-2..WI-4), vectorised.

    With ``Gamma = s e_i e_i'`` and ``H = [[-M, 2Q'Q], [Gamma, M']]`` the Riccati solution is
    ``A(t) = E21 E11^{-1}`` (WI-3) and ``c(t) = (beta/2)[ln det E11 + t Tr M]`` when
    ``Omega Omega' = beta Q'Q`` (WI-4). Instead of one ``exp(tH)`` (overflows for large ``s t``)
    the map is applied in ``m_j`` steps of ``h = t/m_j`` with ``E = exp(hH)``:

        A <- (E21 + E22 A)(E11 + E12 A)^{-1},     ln det X += ln det(E11 + E12 A)

    (exact; ``m_j`` is chosen so that each step grows by at most ``e^{growth_per_step}``, or by up
    to ``e^30`` when that would need more than ``max_steps`` steps; once A reaches the map's fixed
    point the remaining steps are added in closed form). For a
    general ``Omega Omega'`` the scalar term ``c = int_0^t Tr(Omega Omega' A)`` is integrated by
    composite Gauss-Legendre (12 nodes per step), A at the nodes from the same Moebius map.
    ``s`` may be complex with ``Re(s) >= 0``. No validation here (see :class:`WishartMarginal`).

    Returns
    -------
    ndarray
        ``exp(-Tr(A(t) Sigma0) - c(t))`` with the broadcast shape of ``s`` and ``t``.
    """
    s_arr = np.asarray(s)
    cplx = np.iscomplexobj(s_arr)
    dtype = complex if cplx else float
    s_b, t_b = np.broadcast_arrays(s_arr.astype(dtype), np.asarray(t, dtype=float))
    shape = s_b.shape
    s_f = s_b.ravel()
    t_f = t_b.ravel()
    n = sigma0.shape[0]
    big = s_f.size
    # balanced H: D^{-1} H D with D = diag(I, b I) so that |2 Q'Q| b ~ |s| / b; the Moebius map is
    # invariant if A is carried in the scaled form A / b (undone at the end)
    qnorm = float(np.abs(2.0 * qtq).max())
    bal = np.sqrt(np.maximum(np.abs(s_f), 1e-300) / qnorm) if qnorm > 0 else np.ones(big)
    bal = np.clip(bal, 1e-8, 1e8)
    h_mat = np.zeros((big, 2 * n, 2 * n), dtype=dtype)
    h_mat[:, :n, :n] = -m
    h_mat[:, :n, n:] = 2.0 * qtq * bal[:, None, None]
    h_mat[:, n + gamma_diag_index, gamma_diag_index] = s_f / bal
    h_mat[:, n:, n:] = m.T
    # steps so that the growth of exp(hH) stays bounded: spectral abscissa of H times h <= growth
    rate = np.abs(np.linalg.eigvals(h_mat)).max(axis=-1)
    growth = t_f * rate
    steps = np.maximum(np.minimum(np.ceil(growth / growth_per_step), max_steps),
                       np.ceil(growth / 30.0))
    steps = np.maximum(1, steps).astype(np.int64)
    kill = None if cplx else (sigma0, bal)
    if beta is not None:
        a_t, logdet, dead, _ = _propagate(h_mat, t_f / steps, steps, n, dtype, kill)
        c_t = 0.5 * beta * (logdet + t_f * np.trace(m))
    else:
        # composite Gauss-Legendre (12 nodes per step) for c(t) = int_0^t Tr(drift A(u)) du
        a_t, _, dead, c_scaled = _propagate(h_mat, t_f / steps, steps, n, dtype, kill, drift)
        c_t = bal * c_scaled
    expo = -bal * np.einsum("kij,ji->k", a_t, sigma0) - c_t
    expo = np.where(s_f == 0, 0.0, np.where(dead, -np.inf, expo))  # exactly 1 at s = 0
    out = np.exp(expo).reshape(shape)
    return out if cplx else np.minimum(out.real, 1.0)  # <= 1 for s >= 0 (round-off)


_PADE13 = np.array([64764752532480000., 32382376266240000., 7771770303897600.,
                    1187353796428800., 129060195264000., 10559470521600., 670442572800.,
                    33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.])


def expm_batch(a: np.ndarray) -> np.ndarray:
    """``exp`` of a batch of small square matrices ``(..., k, k)``: Higham's (2005) scaling and
    squaring with the degree-13 Pade approximant, vectorised over the batch (per-matrix scaling).
    ``scipy.linalg.expm`` gives the same values but loops over the batch."""
    shape = a.shape
    a = a.reshape((-1,) + shape[-2:])
    k = shape[-1]
    norm = np.abs(a).sum(axis=-2).max(axis=-1)
    sq = np.maximum(0, np.ceil(np.log2(np.maximum(norm, 1e-300) / 5.371920351148152))).astype(int)
    a = a / (2.0 ** sq)[:, None, None]
    b = _PADE13
    ident = np.broadcast_to(np.eye(k), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2
             + b[1] * ident)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 \
        + b[0] * ident
    r = np.linalg.solve(v - u, v + u)
    for j in range(int(sq.max()) if sq.size else 0):
        sel = sq > j
        r[sel] = r[sel] @ r[sel]
    return r.reshape(shape)


def _blocks(e: np.ndarray, n: int):
    return e[:, :n, :n], e[:, :n, n:], e[:, n:, :n], e[:, n:, n:]


def _converged(a_new: np.ndarray, a_old: np.ndarray) -> np.ndarray:
    scale = np.abs(a_new).max(axis=(1, 2))
    return np.abs(a_new - a_old).max(axis=(1, 2)) <= 1e-14 * scale


def _propagate(h_mat: np.ndarray, h: np.ndarray, steps: np.ndarray, n: int, dtype,
               kill=None, drift=None) -> tuple:
    """(A(t), ln det X(t), dead, c) after ``steps`` Moebius steps of length ``h`` (per element).

    Once ``A`` has reached the fixed point of the map (to 1e-14 relative) every further step adds
    the same ``ln det(E11 + E12 A)``, so the remaining steps are added in one go. With
    ``kill = (Sigma0, balance)`` (real s only) an element whose ``Tr(A Sigma0) > 800`` is
    flagged ``dead`` (its transform is below e^-800 for all later times) and dropped. With
    ``drift`` (= Omega Omega') also ``c = int_0^t Tr(drift A)`` by 12-node Gauss-Legendre per step,
    A at the nodes from the Moebius map of the partial step.
    """
    big = h_mat.shape[0]
    e11, e12, e21, e22 = _blocks(expm_batch(h_mat * h[:, None, None]), n)
    gauss = []
    if drift is not None:
        nodes, weights = np.polynomial.legendre.leggauss(12)
        for nd, wt in zip(nodes, weights, strict=False):
            frac = 0.5 * (nd + 1.0)
            gauss.append((0.5 * wt, _blocks(expm_batch(h_mat * (frac * h)[:, None, None]), n)))
    a = np.zeros((big, n, n), dtype=dtype)
    logdet = np.zeros(big, dtype=dtype)
    c_int = np.zeros(big, dtype=dtype)
    remaining = steps.copy()
    active = np.arange(big)
    dead = np.zeros(big, dtype=bool)
    while active.size:
        a_old = a[active]
        term = np.zeros(active.size, dtype=dtype)
        for wt, (f11, f12, f21, f22) in gauss:
            a_mid, _ = _moebius(f11[active], f12[active], f21[active], f22[active], a_old)
            term += wt * h[active] * np.einsum("ij,kji->k", drift, a_mid)
        c_int[active] += term
        a_new, ld = _moebius(e11[active], e12[active], e21[active], e22[active], a_old)
        logdet[active] += ld
        remaining[active] -= 1
        conv = _converged(a_new, a_old)
        a[active] = a_new
        done = active[conv]
        logdet[done] += ld[conv] * remaining[done]
        c_int[done] += term[conv] * remaining[done]
        remaining[done] = 0
        if kill is not None:  # real s: Lhat(t) <= exp(-Tr(A(t_k) Sigma0)) (A >= 0, increasing)
            sigma0, bal = kill
            gone = bal[active] * np.einsum("kij,ji->k", a_new.real, sigma0) > 800.0
            dead[active[gone]] = True
            remaining[active[gone]] = 0
        active = active[remaining[active] > 0]
    return a, logdet, dead, c_int


def _moebius(e11, e12, e21, e22, a):
    x = e11 + e12 @ a
    y = e21 + e22 @ a
    a_new = np.linalg.solve(x.transpose(0, 2, 1), y.transpose(0, 2, 1)).transpose(0, 2, 1)
    a_new = 0.5 * (a_new + a_new.transpose(0, 2, 1))
    sign, logabs = np.linalg.slogdet(x)
    ld = logabs + (np.log(sign) if np.iscomplexobj(sign) else 0.0)
    return a_new, ld


@dataclass(frozen=True, eq=False)
class WishartCovariance:
    """Wishart covariance of n firms' log-assets (WI-1), validated per §I.

    ``dSigma = (Omega Omega' + M Sigma + Sigma M') dt + sqrt(Sigma) dW Q + Q' dW' sqrt(Sigma)``,
    with ``Omega Omega' = beta Q'Q`` when ``beta`` is given, or the matrix ``omega`` otherwise
    (exactly one of the two).

    Parameters
    ----------
    sigma0 : (n, n) array_like
        Initial covariance, symmetric positive definite (a scalar for n = 1).
    m : (n, n) array_like
        Mean-reversion matrix, negative definite in the sense ``M + M' < 0``.
    q : (n, n) array_like
        Volatility matrix; only ``Q'Q`` enters. ``Q = 0`` (deterministic covariance) is allowed.
    beta : float, optional
        Degrees of freedom, ``beta >= n - 1`` (Bru's condition; ``beta = n - 1`` accepted).
    omega : (n, n) array_like, optional
        Drift matrix with ``Omega Omega' - (n-1) Q'Q`` positive semidefinite.

    Notes
    -----
    Seed Remark 1 (WI-5): for n = 1, ``M = -kappa/2``, ``Q = eps/2`` and
    ``beta = 4 kappa theta/eps^2``
    (i.e. ``Omega^2 = kappa theta``) give CIR(kappa, theta, eps) and the transform reduces to HC-1.

    Examples
    --------
    >>> cov = WishartCovariance([[0.04, 0.01], [0.01, 0.05]], m=[[-1, 0], [0, -1]],
    ...                         q=[[0.2, 0.0], [0.05, 0.2]], beta=3.0)
    >>> cov.marginal(0).variance_laplace([0.5, 1.0], 5.0)
    array([0.85891447, 0.73966203])
    """

    sigma0: ArrayLike
    m: ArrayLike
    q: ArrayLike
    beta: float | None = None
    omega: ArrayLike | None = None
    drift: np.ndarray = field(init=False, repr=False)
    qtq: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sigma0 = square_matrix("sigma0", self.sigma0)
        n = sigma0.shape[0]
        m = square_matrix("m", self.m, n)
        q = square_matrix("q", self.q, n)
        scale = _scale(sigma0)
        if np.abs(sigma0 - sigma0.T).max() > _TOL * scale:
            raise InvalidParameterError("sigma0", sigma0, "symmetric")
        sigma0 = 0.5 * (sigma0 + sigma0.T)
        if _min_eig(sigma0) <= 0.0:
            raise InvalidParameterError("sigma0", sigma0, "positive definite",
                                        f"smallest eigenvalue {_min_eig(sigma0):.3g}")
        if -_min_eig(-(m + m.T)) >= 0.0:
            raise InvalidParameterError("m", m, "negative definite (M + M' < 0)",
                                        "needed for mean reversion")
        qtq = q.T @ q
        if (self.beta is None) == (self.omega is None):
            raise InvalidParameterError(
                "beta/omega: give exactly one of beta (degrees of freedom) and omega "
                "(drift matrix); "
                f"got beta={self.beta!r} and omega={'None' if self.omega is None else 'a matrix'}")
        if self.beta is not None:
            beta = v.in_range("beta", self.beta, lo=max(n - 1.0, 0.0))
            object.__setattr__(self, "beta", beta)
            drift = beta * qtq
            omega = None
        else:
            omega = square_matrix("omega", self.omega, n)
            drift = omega @ omega.T
            gap = drift - (n - 1) * qtq
            if _min_eig(gap) < -_TOL * _scale(drift, qtq):
                raise InvalidParameterError(
                    "omega", omega, "such that Omega Omega' - (n-1) Q'Q is positive semidefinite",
                    f"smallest eigenvalue {_min_eig(gap):.3g}; Bru's existence condition")
        object.__setattr__(self, "sigma0", sigma0)
        object.__setattr__(self, "m", m)
        object.__setattr__(self, "q", q)
        object.__setattr__(self, "omega", omega)
        object.__setattr__(self, "drift", drift)
        object.__setattr__(self, "qtq", qtq)

    @property
    def n(self) -> int:
        """Number of firms."""
        return self.sigma0.shape[0]

    @property
    def integer_beta(self) -> int | None:
        """``beta`` as an int when it is a whole number ``>= n`` (exact OU paths), else None."""
        if self.beta is not None and float(self.beta).is_integer() and self.beta >= self.n:
            return int(self.beta)
        return None

    @property
    def stationary_mean(self) -> np.ndarray:
        """``S_inf`` solving ``M S + S M' + Omega Omega' = 0`` (scipy Lyapunov solver)."""
        return solve_continuous_lyapunov(self.m, -self.drift)

    def mean(self, t: ArrayLike) -> np.ndarray:
        """E[Sigma_t] = e^{tM}(Sigma0 - S_inf)e^{tM'} + S_inf; shape ``t.shape + (n, n)``."""
        t_arr = np.asarray(v.nonnegative("t", t))
        s_inf = self.stationary_mean
        e = expm(t_arr.reshape(-1, 1, 1) * self.m)
        out = e @ (self.sigma0 - s_inf) @ e.transpose(0, 2, 1) + s_inf
        return out.reshape(t_arr.shape + (self.n, self.n))

    def expected_correlation(self, t: ArrayLike, i: int = 0, j: int = 1) -> float | np.ndarray:
        """Correlation implied by the expected covariance, ``E[S_ij]/sqrt(E[S_ii] E[S_jj])``.

        (Not ``E[rho_t]``, which has no closed form; the simulation gives it.)
        """
        i, j = self._index(i), self._index(j, "j")
        mean = self.mean(t)
        out = mean[..., i, j] / np.sqrt(mean[..., i, i] * mean[..., j, j])
        return float(out) if out.ndim == 0 else out

    def instantaneous_correlation(self, i: int = 0, j: int = 1) -> float:
        """Correlation of the log-assets at t = 0, ``Sigma0_ij / sqrt(Sigma0_ii Sigma0_jj)``."""
        i, j = self._index(i), self._index(j, "j")
        s = self.sigma0
        return float(s[i, j] / np.sqrt(s[i, i] * s[j, j]))

    def _index(self, i: int, name: str = "i") -> int:
        i = v.integer(name, i)
        if not 0 <= i < self.n:
            raise InvalidParameterError(name, i, f"a firm index in [0, {self.n - 1}]")
        return i

    def marginal(self, i: int) -> WishartMarginal:
        """Firm ``i``'s variance dynamics: clock ``int Sigma_ii`` with transform WI-2..WI-4."""
        return WishartMarginal(self, self._index(i))


@dataclass(frozen=True, eq=False)
class WishartMarginal:
    """Firm ``index``'s marginal variance ``Sigma_ii`` of a :class:`WishartCovariance`.

    Independent of its asset noise (WI-1), so the method of images applies; the object carries no
    ``rho`` (the asset/variance correlation is zero by construction).
    """

    covariance: WishartCovariance
    index: int

    def variance_laplace(self, s: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(-s int_0^t Sigma_ii du)] (WI-2..WI-4); ``s >= 0`` (or complex, ``Re s >= 0``).

        Broadcasts ``s`` against ``t``.
        """
        s_arr = np.asarray(s)
        if np.iscomplexobj(s_arr):
            v.finite("s", s_arr.imag)
            v.nonnegative("s", s_arr.real)
        else:
            s_arr = np.asarray(v.nonnegative("s", s_arr))
        t = v.nonnegative("t", t)
        cov = self.covariance
        return wishart_integrated_laplace(self.index, s_arr, t, cov.sigma0, cov.m, cov.qtq,
                                          cov.drift, cov.beta)

    def char_fn(self, u: ArrayLike, t: ArrayLike) -> np.ndarray:
        """E[exp(i u X_t)] with X_t = W(I_t) - I_t/2: ``variance_laplace((u^2 + i u)/2, t)``."""
        u = v.as_complex_array("u", u)
        return self.variance_laplace(0.5 * (u * u + 1j * u), t)

    def mean(self, t: ArrayLike) -> float | np.ndarray:
        """E[Sigma_ii(t)]."""
        out = self.covariance.mean(t)[..., self.index, self.index]
        return float(out) if out.ndim == 0 else out

    # -- closed-form parameter derivatives (issue 11; see :mod:`.wishart_gradient`) -------------
    @property
    def gradient_names(self) -> tuple[str, ...]:
        """``("sigma0_11", "sigma0_12", ..., "m_11", ..., "q_11", ..., "beta")`` (or
        ``"omega_ij"`` when the drift is given as ``omega``): the covariance's parameters, the
        leading axis of :meth:`log_char_fn_gradient`. ``sigma0_ij`` (``i < j``) moves both
        symmetric entries together."""
        from .wishart_gradient import wishart_gradient_names

        cov = self.covariance
        return wishart_gradient_names(cov.n, cov.beta is not None)

    def log_char_fn_gradient(self, u: ArrayLike, t: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """``(psi, dpsi)``: ``psi = ln E[exp(i u X_t)] = ln Lhat((u^2 + i u)/2, t)`` (WI-2..WI-4)
        and its derivatives with respect to ``gradient_names`` (leading axis of ``dpsi``), by
        tangent-linear propagation of the same Moebius steps
        (:func:`~.wishart_gradient.wishart_log_laplace_gradient`).

        Examples
        --------
        >>> cov = WishartCovariance(0.04, m=-0.75, q=0.2, beta=6.0)   # CIR(1.5, 0.04, 0.4)
        >>> psi, dpsi = cov.marginal(0).log_char_fn_gradient(1.0 - 0.5j, 2.0)
        >>> cov.marginal(0).gradient_names, dpsi.shape
        (('sigma0_11', 'm_11', 'q_11', 'beta'), (4,))
        """
        from .wishart_gradient import wishart_log_laplace_gradient

        u = np.asarray(u).astype(complex)
        cov = self.covariance
        return wishart_log_laplace_gradient(self.index, 0.5 * (u * u + 1j * u),
                                            np.asarray(t, dtype=float), cov.sigma0, cov.m,
                                            cov.q, cov.drift, cov.beta, cov.omega)

    def integrated_mean(self, t: ArrayLike) -> float | np.ndarray:
        """E[int_0^t Sigma_ii du] = S_inf,ii t + (int_0^t e^{uM}(Sigma0 - S_inf)e^{uM'} du)_ii.

        The integral by Van Loan's block exponential ``exp(t [[-M, C], [0, M']])``, ``C = Sigma0 -
        S_inf``: it is ``F22' F12``.
        """
        t_arr = np.asarray(v.nonnegative("t", t))
        cov = self.covariance
        n = cov.n
        s_inf = cov.stationary_mean
        blk = np.zeros((2 * n, 2 * n))
        blk[:n, :n] = -cov.m
        blk[:n, n:] = cov.sigma0 - s_inf
        blk[n:, n:] = cov.m.T
        f = expm_batch(t_arr.reshape(-1, 1, 1) * blk)
        integral = f[:, n:, n:].transpose(0, 2, 1) @ f[:, :n, n:]
        i = self.index
        out = (s_inf[i, i] * t_arr.ravel() + integral[:, i, i]).reshape(t_arr.shape)
        return float(out) if out.ndim == 0 else out
