"""Joint default of n firms under a (stochastic) covariance by Monte Carlo.

MODELS_CREDITGRADES.md §H.

Per step of length h, given the covariance path:

1. ``dC = h (Sigma_t + Sigma_{t+h}) / 2`` (trapezoid, H.2);
2. ``x_{t+h} = x_t - diag(dC)/2 + chol(dC) Z`` (H.3), with antithetic ``+Z, -Z`` on each
   covariance path (H.6);
3. survival weight ``w_i *= 1{x_i > 0}(1 - exp(-2 x_i(t) x_i(t+h) / dC_ii))`` (H.4, Brownian bridge
   in business time, exact given dC); joint survival of a path is ``prod_i w_i`` (H.5).

The hot loop is a numba kernel; :func:`asset_step_reference` is the plain-numpy version (using
:func:`~stochcredit.engines.montecarlo.barrier.bridge_survival`) that the tests compare it against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core import validation as v
from ...core.errors import InvalidParameterError
from .barrier import bridge_survival
from .cir import cir_step_exact
from .multifirm_result import MultiFirmSimulationResult
from .wishart import WishartAhdidaAlfonsiStepper, WishartEulerStepper, WishartExactStepper

try:  # numba is a dependency, but keep the engine usable without a compiler
    from numba import njit
except ImportError:  # pragma: no cover
    njit = None

__all__ = ["simulate_joint_default", "covariance_stepper", "asset_step_reference",
           "MultiFirmSimulationResult"]


class _ConstantStepper:
    def __init__(self, covariance, h, n_paths, rng):
        self.sigma = np.broadcast_to(covariance.sigma0, (n_paths,) + covariance.sigma0.shape)

    def step(self) -> np.ndarray:
        return self.sigma


class _PrincipalComponentStepper:
    """Exact CIR eigenvalues (H.1), ``Sigma = A Lambda A'``."""

    def __init__(self, covariance, h, n_paths, rng):
        self.cov, self.h, self.rng = covariance, h, rng
        self.lam = np.broadcast_to(covariance.lambda0, (n_paths, covariance.n)).copy()
        self.sigma = covariance.covariance(self.lam)

    def step(self) -> np.ndarray:
        c = self.cov
        for j in range(c.n):
            self.lam[:, j] = cir_step_exact(self.lam[:, j], self.h, c.kappa[j], c.theta[j],
                                            c.sigma[j], self.rng)
        self.sigma = c.covariance(self.lam)
        return self.sigma


def covariance_stepper(covariance, h: float, n_paths: int, rng: np.random.Generator,
                       scheme: str = "auto"):
    """A stepper with ``.sigma`` (current covariance, ``(n_paths, n, n)``) and ``.step()``.

    ``scheme`` for a Wishart covariance: ``"exact"`` (OU construction, integer ``beta >= n``),
    ``"ahdida_alfonsi"`` (exact, real ``beta``, invertible ``Q'Q``), ``"euler"``, or ``"auto"``
    (the first of these that applies).
    """
    from ...dynamics.constant_covariance import ConstantCovariance
    from ...dynamics.principal_component import PrincipalComponentCovariance
    from ...dynamics.wishart import WishartCovariance

    scheme = v.choice("scheme", scheme, ("auto", "exact", "ahdida_alfonsi", "euler"))
    if isinstance(covariance, WishartCovariance):
        if scheme == "auto":
            if covariance.integer_beta is not None:
                scheme = "exact"
            elif (covariance.beta is not None
                  and np.linalg.matrix_rank(covariance.qtq) == covariance.n):
                scheme = "ahdida_alfonsi"
            else:
                scheme = "euler"
        if scheme == "exact":
            return WishartExactStepper(covariance, h, n_paths, rng)
        if scheme == "ahdida_alfonsi":
            return WishartAhdidaAlfonsiStepper(covariance, h, n_paths, rng)
        return WishartEulerStepper(covariance, h, n_paths, rng)
    if isinstance(covariance, PrincipalComponentCovariance):
        return _PrincipalComponentStepper(covariance, h, n_paths, rng)
    if isinstance(covariance, ConstantCovariance):
        return _ConstantStepper(covariance, h, n_paths, rng)
    raise InvalidParameterError("covariance", type(covariance).__name__,
                                "a WishartCovariance, PrincipalComponentCovariance or "
                                "ConstantCovariance")


def asset_step_reference(x, w, integrated, sig_prev, sig_next, h, z):
    """One step of H.2-H.4 in numpy (in place); ``x, w``: (2, P, n), ``integrated``: (P, n),
    ``sig_*``: (P, n, n), ``z``: (P, n). Path 0 uses ``+z``, path 1 uses ``-z``."""
    dc = 0.5 * h * (sig_prev + sig_next)
    w_eig, u = np.linalg.eigh(dc)
    root = u * np.sqrt(np.maximum(w_eig, 0.0))[..., None, :]
    shock = np.einsum("pij,pj->pi", root, z)
    var = np.diagonal(dc, axis1=1, axis2=2)
    integrated += var
    for a, sign in ((0, 1.0), (1, -1.0)):
        x_new = x[a] - 0.5 * var + sign * shock
        w[a] *= bridge_survival(x[a], x_new, var)
        x[a] = x_new


def _pair_update(p, dc, low, x, w, integrated, z_row, sums):
    """H.2-H.4 for one antithetic pair given its step covariance ``dc`` (n x n)."""
    n = dc.shape[0]
    for j in range(n):  # Cholesky, zero pivots (singular dC) clipped to 0
        s = dc[j, j]
        for k in range(j):
            s -= low[j, k] * low[j, k]
        low[j, j] = np.sqrt(s) if s > 0.0 else 0.0
        for i in range(j + 1, n):
            t = dc[i, j]
            for k in range(j):
                t -= low[i, k] * low[j, k]
            low[i, j] = t / low[j, j] if low[j, j] > 0.0 else 0.0
    for i in range(n):
        var = dc[i, i]
        integrated[p, i] += var
        shock = 0.0
        for k in range(i + 1):
            shock += low[i, k] * z_row[k]
        for a in range(2):
            xs = x[a, p, i]
            xe = xs - 0.5 * var + (shock if a == 0 else -shock)
            x[a, p, i] = xe
            if w[a, p, i] > 0.0:
                if xs > 0.0 and xe > 0.0:
                    if var > 0.0:
                        w[a, p, i] *= 1.0 - np.exp(-2.0 * xs * xe / var)
                else:
                    w[a, p, i] = 0.0
    for a in range(2):
        joint = 1.0
        for i in range(n):
            sums[i] += w[a, p, i]
            joint *= w[a, p, i]
        sums[n] += joint


_pair = njit(cache=True, nogil=True, inline="always")(_pair_update) if njit else _pair_update


def _asset_step_kernel(x, w, integrated, sig_prev, sig_next, h, z, sums):
    n_pairs, n = integrated.shape
    dc = np.empty((n, n))
    low = np.zeros((n, n))
    for k in range(n + 1):
        sums[k] = 0.0
    for p in range(n_pairs):
        for i in range(n):
            for j in range(n):
                dc[i, j] = 0.5 * h * (sig_prev[p, i, j] + sig_next[p, i, j])
        _pair(p, dc, low, x, w, integrated, z[p], sums)


def _wishart_fused_kernel(xou, decay, chol_v, normals, sigma, x, w, integrated, h, sums):
    """Exact OU Wishart step (Sigma = X X') fused with the asset step; ``normals`` holds the n K
    OU normals then the n asset normals of each pair; ``sigma`` is updated in place."""
    n_pairs, n, kdim = xou.shape
    tmp = np.empty((n, kdim))
    dc = np.empty((n, n))
    low = np.zeros((n, n))
    for k in range(n + 1):
        sums[k] = 0.0
    for p in range(n_pairs):
        for i in range(n):
            for c in range(kdim):
                acc = 0.0
                for j in range(n):
                    acc += decay[i, j] * xou[p, j, c] + chol_v[i, j] * normals[p, j * kdim + c]
                tmp[i, c] = acc
        for i in range(n):
            for c in range(kdim):
                xou[p, i, c] = tmp[i, c]
        for i in range(n):
            for j in range(i + 1):
                acc = 0.0
                for c in range(kdim):
                    acc += tmp[i, c] * tmp[j, c]
                dc[i, j] = 0.5 * h * (sigma[p, i, j] + acc)
                dc[j, i] = dc[i, j]
                sigma[p, i, j] = acc
                sigma[p, j, i] = acc
        _pair(p, dc, low, x, w, integrated, normals[p, n * kdim:], sums)


_wishart_fused = njit(cache=True, nogil=True)(_wishart_fused_kernel) if njit else None


def _asset_step_numpy(x, w, integrated, sig_prev, sig_next, h, z, sums):
    asset_step_reference(x, w, integrated, sig_prev, sig_next, h, z)
    sums[:-1] = w.sum(axis=(0, 1))
    sums[-1] = w.prod(axis=2).sum()


_asset_step = njit(cache=True, nogil=True)(_asset_step_kernel) if njit else _asset_step_numpy


@dataclass(frozen=True)
class _Grid:
    times: np.ndarray
    h: float
    record: np.ndarray  # step indices (0..n_steps) at which per-path weights are kept


def _grid(horizon: float, steps_per_year: int, record_per_year: int) -> _Grid:
    n_steps = max(1, int(np.ceil(horizon * steps_per_year - 1e-9)))
    times = np.linspace(0.0, horizon, n_steps + 1)
    stride = max(1, int(round(n_steps / max(1.0, horizon * record_per_year))))
    record = np.unique(np.r_[np.arange(0, n_steps + 1, stride), n_steps])
    return _Grid(times, horizon / n_steps, record)


def simulate_joint_default(x0, covariance, horizon: float, n_paths: int,
                           steps_per_year: int = 48, seed: int = 0, scheme: str = "auto",
                           record_per_year: int = 4, use_numba: bool = True
                           ) -> MultiFirmSimulationResult:
    """Simulate n firms' log-distances to default and their survival weights (§H).

    Parameters
    ----------
    x0 : array_like, shape (n,)
        ``x_i0 = ln(V_i0 / (L_i D_i)) > 0``.
    covariance : WishartCovariance, PrincipalComponentCovariance or ConstantCovariance
    horizon : float
        Last time of the grid, years, ``> 0``.
    n_paths : int
        Number of asset paths (even; ``n_paths/2`` covariance paths, each with +Z and -Z).
    steps_per_year : int
        Grid density (h = 1/48 by default).
    seed : int
        Seed of the ``numpy.random.SFC64`` bit generator (chosen for speed: the normals are
        about half the cost of a Wishart simulation).
    scheme : {"auto", "exact", "ahdida_alfonsi", "euler"}
        Wishart scheme (see :mod:`stochcredit.engines.montecarlo.wishart`).
    record_per_year : int
        Per-path weights are kept about this many times a year (plus at the horizon) for standard
        errors of curve quantities; grid means are kept at every step.
    """
    x0 = np.atleast_1d(np.asarray(v.positive("x0", x0), dtype=float))
    n = covariance.n
    if x0.shape != (n,):
        raise InvalidParameterError("x0", x0, f"a vector of length {n}", "dimension mismatch")
    horizon = v.positive("horizon", horizon)
    n_paths = v.integer("n_paths", n_paths, minimum=2)
    if n_paths % 2:
        raise InvalidParameterError("n_paths", n_paths, "an even number (antithetic pairs)")
    steps_per_year = v.integer("steps_per_year", steps_per_year, minimum=1)
    record_per_year = v.integer("record_per_year", record_per_year, minimum=1)
    grid = _grid(horizon, steps_per_year, record_per_year)
    n_pairs = n_paths // 2
    rng = np.random.Generator(np.random.SFC64(v.integer("seed", seed, minimum=0)))
    stepper = covariance_stepper(covariance, grid.h, n_pairs, rng, scheme)
    step_fn = _asset_step if use_numba else _asset_step_numpy
    sums = np.zeros(n + 1)

    x = np.broadcast_to(x0, (2, n_pairs, n)).copy()
    w = np.ones((2, n_pairs, n))
    integrated = np.zeros((n_pairs, n))
    n_steps = grid.times.size - 1
    mean_marginal = np.ones((n_steps + 1, n))
    mean_joint = np.ones(n_steps + 1)
    recorded = np.empty((grid.record.size, 2, n_pairs, n))
    recorded[0] = 1.0
    rec_pos = 1
    corr_mean = np.empty((grid.record.size, n, n))
    n_sample = min(n_pairs, 8)
    sample = np.empty((n_steps + 1, n_sample, n, n))
    sig_prev = np.array(stepper.sigma)
    corr_mean[0] = _corr(sig_prev).mean(axis=0)
    sample[0] = sig_prev[:n_sample]
    fused = use_numba and _wishart_fused is not None and isinstance(stepper, WishartExactStepper)
    if fused:
        sig_prev = np.ascontiguousarray(stepper.sigma)
        n_ou = n * stepper.k
    for k in range(1, n_steps + 1):
        if fused:  # one pass over the pairs: OU covariance step + asset step
            normals = rng.standard_normal((n_pairs, n_ou + n))
            _wishart_fused(stepper.x, stepper.decay, stepper.chol_v, normals, sig_prev, x, w,
                           integrated, grid.h, sums)
            sig_next = sig_prev
        else:
            sig_next = np.ascontiguousarray(stepper.step())
            z = rng.standard_normal((n_pairs, n))
            step_fn(x, w, integrated, np.ascontiguousarray(sig_prev), sig_next, grid.h, z, sums)
            sig_prev = sig_next
        mean_marginal[k] = sums[:-1] / n_paths
        mean_joint[k] = sums[-1] / n_paths
        sample[k] = sig_next[:n_sample]
        if rec_pos < grid.record.size and grid.record[rec_pos] == k:
            recorded[rec_pos] = w
            corr_mean[rec_pos] = _corr(sig_next).mean(axis=0)
            rec_pos += 1
    return MultiFirmSimulationResult(
        times=grid.times, record_times=grid.times[grid.record], weights=recorded,
        integrated_variance=integrated, mean_survival=mean_marginal, mean_joint_survival=mean_joint,
        mean_correlation=corr_mean, sample_covariance=sample, x0=x0)


def _corr(sig: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.maximum(np.diagonal(sig, axis1=-2, axis2=-1), 1e-300))
    return sig / (d[..., :, None] * d[..., None, :])
