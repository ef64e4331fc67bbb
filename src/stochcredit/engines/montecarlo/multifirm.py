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

from ...core import chunking
from ...core import validation as v
from ...core.errors import InvalidParameterError
from .barrier import bridge_survival
from .cir import cir_step_exact
from .multifirm_result import MultiFirmSimulationResult, p_gbm
from .wishart import WishartAhdidaAlfonsiStepper, WishartEulerStepper, WishartExactStepper

_BLOCK = chunking.BLOCK  # a compile-time constant for the kernels

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
    """``sums[b]``: sums of ``w_i`` and of ``prod_i w_i`` over the pairs of block ``b``
    (``b = p // BLOCK``; per-block sums keep the result independent of the chunking)."""
    n_pairs, n = integrated.shape
    dc = np.empty((n, n))
    low = np.zeros((n, n))
    sums[:] = 0.0
    for p in range(n_pairs):
        for i in range(n):
            for j in range(n):
                dc[i, j] = 0.5 * h * (sig_prev[p, i, j] + sig_next[p, i, j])
        _pair(p, dc, low, x, w, integrated, z[p], sums[p // _BLOCK])


def _wishart_fused_kernel(xou, decay, chol_v, normals, sigma, x, w, integrated, h, sums):
    """Exact OU Wishart step (Sigma = X X') fused with the asset step; ``normals`` holds the n K
    OU normals then the n asset normals of each pair; ``sigma`` is updated in place."""
    n_pairs, n, kdim = xou.shape
    tmp = np.empty((n, kdim))
    dc = np.empty((n, n))
    low = np.zeros((n, n))
    sums[:] = 0.0
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
        _pair(p, dc, low, x, w, integrated, normals[p, n * kdim:], sums[p // _BLOCK])


_wishart_fused = njit(cache=True, nogil=True)(_wishart_fused_kernel) if njit else None


def _asset_step_numpy(x, w, integrated, sig_prev, sig_next, h, z, sums):
    asset_step_reference(x, w, integrated, sig_prev, sig_next, h, z)
    for b in range(sums.shape[0]):
        wb = w[:, b * _BLOCK:(b + 1) * _BLOCK]
        sums[b, :-1] = wb.sum(axis=(0, 1))
        sums[b, -1] = wb.prod(axis=2).sum()


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


def _features(w: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """Per antithetic pair: means of ``w_i``, of ``w_i w_j`` (i < j) and of ``prod_i w_i``."""
    cols = [w.mean(axis=0)]
    if pairs:
        cols.append(np.stack([(w[:, :, i] * w[:, :, j]).mean(axis=0) for i, j in pairs], axis=1))
    cols.append(w.prod(axis=2).mean(axis=0)[:, None])
    return np.concatenate(cols, axis=1)


def _add_moments(s1: np.ndarray, s2: np.ndarray, f: np.ndarray) -> None:
    """``s1 += sum f``, ``s2 += f'f`` block by block (the same sums whatever the chunking)."""
    for sl in chunking.block_slices(0, f.shape[0]):
        fb = f[sl].copy()
        s1 += fb.sum(axis=0)
        s2 += fb.T @ fb


def _record(slot: int, sig: np.ndarray, w: np.ndarray, acc: tuple) -> None:
    """Moments (and kept weights) of a chunk at record slot ``slot``."""
    pairs, s1, s2, joint_rec, corr_sum, weights, dest = acc
    f = _features(w, pairs)
    _add_moments(s1[slot], s2[slot], f)
    joint_rec[:, slot] = f[:, -1]
    for sl in chunking.block_slices(0, w.shape[1]):
        corr_sum[slot] += _corr(sig[sl]).sum(axis=0)
    if weights is not None:
        weights[slot, :, dest] = w


def simulate_joint_default(x0, covariance, horizon: float, n_paths: int,
                           steps_per_year: int = 48, seed: int = 0, scheme: str = "auto",
                           record_per_year: int = 4, use_numba: bool = True,
                           memory_budget: float | None = None, keep_paths: bool | None = None,
                           progress=None) -> MultiFirmSimulationResult:
    """Simulate n firms' log-distances to default and their survival weights (§H).

    The antithetic pairs are simulated in chunks that fit ``memory_budget``; pair ``p`` draws its
    numbers from the stream of block ``p // BLOCK`` (:mod:`.chunking`), so the result does not
    depend on the budget. Estimators use moments accumulated over all pairs; per-path weights are
    kept only when asked or small (``keep_paths``).

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
        Seed of the block streams (``numpy.random.SFC64`` bit generators, chosen for speed: the
        normals are about half the cost of a Wishart simulation).
    scheme : {"auto", "exact", "ahdida_alfonsi", "euler"}
        Wishart scheme (see :mod:`stochcredit.engines.montecarlo.wishart`).
    record_per_year : int
        Moments of the weights (and per-path weights when kept) are recorded about this many
        times a year (plus at the horizon); grid means are kept at every step.
    memory_budget : float, optional
        Bytes the simulation may use (default: 1/8 of the machine's memory). Sizes whose fixed
        part does not fit raise InvalidParameterError before any allocation.
    keep_paths : bool, optional
        Keep per-path weights and integrated variances (``result.weights``); default: when
        they take at most 1/8 of the budget.
    progress : callable, optional
        ``progress(pairs_done, pairs_total)`` after each chunk.
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
    seed = v.integer("seed", seed, minimum=0)
    if horizon * steps_per_year > 1e7:
        raise InvalidParameterError("steps_per_year", steps_per_year,
                                    "at most 1e7 steps over the horizon")
    grid = _grid(horizon, steps_per_year, record_per_year)
    n_pairs = n_paths // 2
    n_steps, n_rec = grid.times.size - 1, grid.record.size
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    m = n + len(pairs) + 1
    n_sample = min(n_pairs, 8)
    k_ou = getattr(covariance, "integer_beta", None) or n
    fixed = 8.0 * ((n_steps + 1) * (n + 1 + n_sample * n * n) + n_rec * (m * m + m + n * n)
                   + n_rec * n_rec + 64 * m * m)
    per_pair = 8.0 * (10 * n + 24 * n * n + 6 * n * k_ou + n_rec * (2 * m + 1) + 4 * m)
    path_bytes = 8.0 * (n_rec * 2 * n + n)
    budget = chunking.memory_budget(memory_budget)
    keep = (n_pairs * path_bytes <= budget / 8) if keep_paths is None else bool(keep_paths)
    chunks = chunking.plan(n_pairs, per_pair, fixed + (n_pairs * path_bytes if keep else 0.0),
                           budget, "n_paths")

    marg_sum = np.zeros((n_steps + 1, n))
    joint_sum = np.zeros(n_steps + 1)
    corr_sum = np.zeros((n_rec, n, n))
    s1, s2 = np.zeros((n_rec, m)), np.zeros((n_rec, m, m))
    j2 = np.zeros((n_rec, n_rec))
    c1, c2 = np.zeros(n), np.zeros(n)
    sample = np.empty((n_steps + 1, n_sample, n, n))
    weights = np.empty((n_rec, 2, n_pairs, n)) if keep else None
    integrated_all = np.empty((n_pairs, n)) if keep else None
    step_fn = _asset_step if use_numba else _asset_step_numpy
    for start, stop in chunks:
        rng = chunking.BlockRNG(seed, start, stop, np.random.SFC64)
        p = stop - start
        stepper = covariance_stepper(covariance, grid.h, p, rng, scheme)
        sums = np.zeros((-(-p // chunking.BLOCK), n + 1))  # per block: chunking-independent
        x = np.broadcast_to(x0, (2, p, n)).copy()
        w = np.ones((2, p, n))
        integrated = np.zeros((p, n))
        joint_rec = np.empty((p, n_rec))
        sig_prev = np.array(stepper.sigma)

        acc = (pairs, s1, s2, joint_rec, corr_sum, weights, slice(start, stop))
        _record(0, sig_prev, w, acc)
        if start == 0:
            sample[0] = sig_prev[:n_sample]
        rec_pos = 1
        fused = use_numba and _wishart_fused is not None and isinstance(stepper,
                                                                        WishartExactStepper)
        if fused:
            sig_prev = np.ascontiguousarray(stepper.sigma)
            n_ou = n * stepper.k
        for k in range(1, n_steps + 1):
            if fused:  # one pass over the pairs: OU covariance step + asset step
                normals = rng.standard_normal((p, n_ou + n))
                _wishart_fused(stepper.x, stepper.decay, stepper.chol_v, normals, sig_prev, x,
                               w, integrated, grid.h, sums)
                sig_next = sig_prev
            else:
                sig_next = np.ascontiguousarray(stepper.step())
                z = rng.standard_normal((p, n))
                step_fn(x, w, integrated, np.ascontiguousarray(sig_prev), sig_next, grid.h, z,
                        sums)
                sig_prev = sig_next
            for row in sums:  # block order, whatever the chunks
                marg_sum[k] += row[:-1]
                joint_sum[k] += row[-1]
            if start == 0:
                sample[k] = sig_next[:n_sample]
            if rec_pos < n_rec and grid.record[rec_pos] == k:
                _record(rec_pos, sig_next, w, acc)
                rec_pos += 1
        for sl in chunking.block_slices(0, p):
            gb = joint_rec[sl].copy()
            j2 += gb.T @ gb
            pc = p_gbm(x0, integrated[sl])
            c1 += pc.sum(axis=0)
            c2 += (pc * pc).sum(axis=0)
        if keep:
            integrated_all[start:stop] = integrated
        if progress is not None:
            progress(stop, n_pairs)
    mean_marginal = marg_sum / n_paths
    mean_joint = joint_sum / n_paths
    mean_marginal[0], mean_joint[0] = 1.0, 1.0
    return MultiFirmSimulationResult(
        times=grid.times, record_times=grid.times[grid.record], weights=weights,
        integrated_variance=integrated_all, mean_survival=mean_marginal,
        mean_joint_survival=mean_joint, mean_correlation=corr_sum / n_pairs,
        sample_covariance=sample, x0=x0, n_pairs=n_pairs, moments=(s1, s2),
        joint_moments=j2, conditional_moments=(c1, c2))


def _corr(sig: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.maximum(np.diagonal(sig, axis1=-2, axis2=-1), 1e-300))
    return sig / (d[..., :, None] * d[..., None, :])
