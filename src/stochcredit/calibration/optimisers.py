"""Global-then-local least squares: scipy differential evolution, then a least-squares polish.

Differential evolution (DE) is the papers' "evolutionary algorithm" (seed 000 calibrates its
multi-firm model with one; seed 002 minimises I(Omega), H-4). Here it runs with
``vectorized=True, updating="deferred"`` so that a whole population is priced in one numpy call,
and with a seeded generator so that a calibration is reproducible. The best few distinct members
of the final population then start :func:`scipy.optimize.least_squares` (trust-region reflective,
bounded), whose Jacobian is the model's exact one when a ``jacobian`` callable is given (Merton
curves: the closed-form derivatives of the characteristic function under the Fourier integral),
else a forward-difference one computed in a single vectorised call (``k + 1`` parameter sets at
once). The best polished point wins (multi-start).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import differential_evolution, least_squares
from scipy.special import expit, logit

from ..core.errors import InvalidParameterError
from ..core.validation import choice, integer, positive
from .parameters import ParameterSpace

__all__ = ["OptimiserOutcome", "minimise_residuals", "scaled_jacobian"]

ResidualFn = Callable[[np.ndarray], np.ndarray]
#: ``jacobian(x) -> (residuals (N,), d residuals / d x (N, k))`` at one point (user coordinates)
JacobianFn = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


#: least-squares methods tried in turn from each start (until the target is reached)
_ORDER = {"trf": ("trf",), "lm": ("lm",), "auto": ("trf", "lm"), "auto_lm": ("lm", "trf")}


class _Composed:
    """``counted(to_y(z))`` for populations ``z`` (the polish's unbounded coordinates)."""

    def __init__(self, counted, to_y) -> None:
        self.counted, self.to_y = counted, to_y

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return self.counted(self.to_y(np.atleast_2d(z)))


class _Counted:
    """Residual function of a population, counting parameter sets evaluated."""

    def __init__(self, residuals: ResidualFn, space: ParameterSpace) -> None:
        self.residuals, self.space, self.nfev = residuals, space, 0

    def __call__(self, y: np.ndarray) -> np.ndarray:
        y = np.atleast_2d(y)
        x = self.space.clip(self.space.to_external(y))
        self.nfev += len(x)
        res = np.asarray(self.residuals(x), dtype=float)
        if res.ndim != 2 or res.shape[0] != len(x):
            raise InvalidParameterError(f"residuals returned shape {res.shape} for {len(x)} "
                                        "parameter sets; expected (P, N)")
        return np.where(np.isfinite(res), res, 1e3)


class _Analytic:
    """Exact Jacobian in search coordinates ``y`` from one in user coordinates ``x``.

    ``x = exp(y)`` for log-transformed parameters (``dx/dy = x``), ``x = y`` otherwise; points
    are clipped into the box as :class:`_Counted` does. Results are cached per point (the
    least-squares solvers ask for residuals and Jacobian at the same point).
    """

    def __init__(self, jacobian: JacobianFn, space: ParameterSpace, counted: _Counted) -> None:
        self.jacobian, self.space, self.counted = jacobian, space, counted
        self.is_log = np.array([p.transform == "log" for p in space.parameters])
        self._key, self._val = None, None

    def __call__(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = np.asarray(y, dtype=float).tobytes()
        if key != self._key:
            x = self.space.clip(self.space.to_external(np.asarray(y, dtype=float)[None, :]))[0]
            self.counted.nfev += 1
            res, jac_x = self.jacobian(x)
            res, jac_x = np.asarray(res, dtype=float), np.asarray(jac_x, dtype=float)
            jac_y = jac_x * np.where(self.is_log, x, 1.0)
            bad = ~np.isfinite(res)
            if bad.any():   # as _Counted: non-finite residuals count as 1e3, flat there
                res = np.where(bad, 1e3, res)
                jac_y = np.where(bad[:, None], 0.0, jac_y)
            self._key, self._val = key, (res, np.where(np.isfinite(jac_y), jac_y, 0.0))
        return self._val


@dataclass(frozen=True)
class OptimiserOutcome:
    """What the optimiser found (parameters in the user's coordinates).

    Attributes
    ----------
    x : ndarray (k,)
        Best parameter vector.
    fun : float
        Objective at ``x``: the mean of squared residuals (I(Omega) for relative spread errors).
    residuals : ndarray (N,)
    jacobian : ndarray (N, k)
        d residual / d (fraction of each parameter's search interval) at ``x``: columns are
        comparable across parameters, which makes its singular values meaningful.
    nfev : int
        Number of model evaluations (parameter sets priced) in total.
    nit : int
        DE generations plus least-squares iterations.
    seconds : float
    message : str
    starts : list of (x, fun)
        Every polished start, best first.
    """

    x: np.ndarray
    fun: float
    residuals: np.ndarray
    jacobian: np.ndarray
    nfev: int
    nit: int
    seconds: float
    message: str
    starts: list = field(default_factory=list)



def _fd_jacobian(counted: _Counted, y: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                 base: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Forward differences in search coordinates, all ``k + 1`` points in one call."""
    k = y.size
    h = np.sqrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(y))
    step = np.where(y + h <= hi, h, -h)  # stay inside the box
    pts = np.vstack([y[None, :], y[None, :] + np.diag(step)])
    pts = np.clip(pts, lo, hi)
    out = counted(pts) if base is None else np.vstack([base[None], counted(pts[1:])])
    jac = (out[1:] - out[0]).T / (pts[1:] - y)[np.arange(k), np.arange(k)]
    return out[0], jac


def scaled_jacobian(residuals: ResidualFn, space: ParameterSpace, x) -> np.ndarray:
    """Jacobian of ``residuals`` at ``x`` w.r.t. each parameter's fraction of its interval."""
    counted = _Counted(residuals, space)
    lo, hi = (np.array(b) for b in zip(*space.internal_bounds, strict=True))
    y = space.to_internal(space.clip(np.asarray(x, dtype=float)))
    _, jac = _fd_jacobian(counted, y, lo, hi)
    return jac * (hi - lo)


def minimise_residuals(residuals: ResidualFn, space: ParameterSpace, *, seed: int = 0,
                       popsize: int = 12, maxiter: int = 60, tol: float = 1e-3,
                       n_starts: int = 3, x0=None, target: float = 0.0, polish: bool = True,
                       max_nfev: int = 100, ls_tol: float = 1e-12, local: str = "trf",
                       global_search: bool = True,
                       time_limit: float | None = None,
                       jacobian: JacobianFn | None = None) -> OptimiserOutcome:
    """Minimise ``mean(residuals(x)**2)`` over the box ``space``.

    Parameters
    ----------
    residuals : callable
        ``residuals(X)`` with ``X`` of shape ``(P, k)`` (parameter sets in the order of
        ``space.names``) returns ``(P, N)`` residuals. It must be vectorised over ``P``.
    space : ParameterSpace
    seed : int
        Seeds differential evolution: the same seed gives the same result.
    popsize : int
        DE population = ``popsize * k`` members (scipy's convention).
    maxiter : int
        Maximum DE generations.
    tol : float
        DE relative convergence tolerance on the population's energies.
    n_starts : int
        Number of distinct best DE members polished by least squares (multi-start).
    x0 : array_like, optional
        A guess, placed in the initial population and also polished.
    target : float
        Stop DE once the best objective is ``<= target`` (e.g. 1e-14 for a round trip).
    polish : bool
        Run the least-squares polish (default True).
    max_nfev : int
        Maximum least-squares iterations per start.
    ls_tol : float
        ``ftol``, ``xtol`` and ``gtol`` of the least-squares polish; it also stops as soon as the
        objective is ``<= target``, and further starts are skipped then.
    local : {"trf", "lm", "auto", "auto_lm"}
        Least-squares method of the polish: bounded trust-region reflective on the search
        coordinates, Levenberg-Marquardt on logit-transformed ones (bounds become
        asymptotes; fast on nearly singular zero-residual problems), or "auto": trf, then lm
        from the same start unless trf reached the target (the better of the two wins: each
        gets stuck on some problems where the other does not); "auto_lm": the same, lm first.
    time_limit : float, optional
        Wall-clock budget in seconds: DE stops at half of it, the polish stops (and further
        starts are skipped) once it is spent; the best point so far is returned and the
        message says so. Useful in batch runs where a few names hit slow model regions.
    global_search : bool
        False skips DE: a pure local fit from ``x0`` (needs ``x0``).
    jacobian : callable, optional
        ``jacobian(x) -> (residuals, d residuals/dx)`` at one point ``x`` (shape ``(k,)``, user
        coordinates): the exact Jacobian used by the polish and the diagnostics instead of
        forward differences (``k + 1`` evaluations per Jacobian become one).

    Returns
    -------
    OptimiserOutcome
    """
    seed = integer("seed", seed, minimum=0)
    popsize = integer("popsize", popsize, minimum=2)
    maxiter = integer("maxiter", maxiter, minimum=0)
    n_starts = integer("n_starts", n_starts, minimum=1)
    tol = positive("tol", tol)
    local = choice("local", local, tuple(_ORDER))
    start_time = time.perf_counter()
    counted = _Counted(residuals, space)
    exact = None if jacobian is None else _Analytic(jacobian, space, counted)

    def over(fraction: float) -> bool:
        return time_limit is not None and (time.perf_counter() - start_time
                                           > fraction * time_limit)

    bounds = space.internal_bounds
    lo, hi = (np.array(b) for b in zip(*bounds, strict=True))
    k = len(space)
    y0 = None if x0 is None else space.to_internal(space.check(x0))
    n_res = counted(0.5 * (lo + hi)[None, :]).shape[1]  # probe: a wrong shape fails here

    def energy(y):  # DE passes (k, S) in vectorised mode
        res = counted(np.asarray(y).T)
        return np.mean(res**2, axis=1)

    candidates: list[np.ndarray] = []
    nit = 0
    message = ""
    if global_search:
        def stop(intermediate_result) -> bool:
            return bool(intermediate_result.fun <= target) or over(0.5)

        init = "latinhypercube"
        if y0 is not None:
            rng = np.random.default_rng(seed)
            pop = lo + (hi - lo) * rng.random((max(5, popsize * k), k))
            pop[0] = y0
            init = pop
        de = differential_evolution(energy, bounds, rng=seed, popsize=popsize, maxiter=maxiter,
                                    tol=tol, vectorized=True, updating="deferred", polish=False,
                                    init=init, callback=stop, mutation=(0.5, 1.0),
                                    recombination=0.9)
        nit += int(de.nit)
        message = f"DE: {de.message}"
        order = np.argsort(de.population_energies)
        for i in order:
            cand = de.population[i]
            if all(np.max(np.abs(cand - c) / (hi - lo)) > 1e-3 for c in candidates):
                candidates.append(cand)
            if len(candidates) >= n_starts:
                break
    elif y0 is None:
        raise InvalidParameterError("x0", None, "a starting point when global_search=False")
    if y0 is not None:
        candidates.append(y0)

    starts: list[tuple[np.ndarray, float]] = []
    if polish:
        n_obs = None

        def fun(y):
            return counted(y[None, :])[0]

        def jac(y):
            if exact is not None:
                return exact(y)[1]
            _, jac_ = _fd_jacobian(counted, y, lo, hi)
            return jac_

        def stop_ls(intermediate_result) -> None:
            if 2.0 * intermediate_result.cost / max(n_res, 1) <= target or over(1.0):
                raise StopIteration

        # "lm": Levenberg-Marquardt (MINPACK) on unbounded z with y = lo + (hi - lo) expit(z):
        # fast on the zero-residual, nearly singular problems of round trips; "trf": scipy's
        # bounded trust-region reflective method directly on y.
        width = hi - lo

        def to_y(z):
            return lo + width * expit(z)

        def fun_z(z):
            return counted(to_y(z)[None, :])[0]

        def jac_z(z):
            if exact is not None:   # y = lo + width expit(z): dy/dz = width e (1 - e)
                e = expit(z)
                return exact(to_y(z))[1] * (width * e * (1.0 - e))
            zb = np.full_like(z, 60.0)
            _, jac_ = _fd_jacobian(_Composed(counted, to_y), z, -zb, zb)
            return jac_

        for cand in candidates:
            if starts and starts[0][1] <= target:  # a start already reached the target
                break
            if over(1.0):
                message += "; time limit reached"
                break
            cand = np.clip(cand, lo, hi)
            ls = None
            for method in _ORDER[local]:
                if ls is not None and (np.mean(ls.fun**2) <= target or over(1.0)):
                    break
                if method == "lm" and n_res < len(cand):
                    # MINPACK's LM needs at least as many residuals as parameters: use trf
                    if "trf" in _ORDER[local]:
                        continue
                    method = "trf"
                try:
                    if method == "trf":
                        new = least_squares(fun, cand, jac=jac, bounds=(lo, hi), method="trf",
                                            x_scale="jac" if exact is not None else 1.0,
                                            ftol=ls_tol, xtol=ls_tol, gtol=ls_tol,
                                            max_nfev=max_nfev, callback=stop_ls)
                    else:
                        frac = np.clip((cand - lo) / width, 1e-9, 1 - 1e-9)
                        new = least_squares(fun_z, logit(frac), jac=jac_z, method="lm",
                                            ftol=ls_tol, xtol=ls_tol, gtol=ls_tol,
                                            max_nfev=max_nfev)
                        new.x = to_y(new.x)
                except ValueError as exc:  # a degenerate start; keep the other methods/starts
                    message += f"; {method} failed from a start: {exc}"
                    continue
                if ls is not None:
                    new.nfev += ls.nfev
                    if np.mean(new.fun**2) >= np.mean(ls.fun**2):
                        new.fun, new.x = ls.fun, ls.x
                ls = new
            if ls is None:
                continue
            nit += int(ls.nfev)
            n_obs = ls.fun.size
            starts.append((ls.x, float(np.mean(ls.fun**2))))
            starts.sort(key=lambda st: st[1])
        if n_obs is not None:
            message += f"; least-squares polish from {len(starts)} start(s)"
    for cand in candidates:  # the unpolished candidates compete too
        res = counted(np.clip(cand, lo, hi)[None, :])[0]
        starts.append((np.clip(cand, lo, hi), float(np.mean(res**2))))
    starts.sort(key=lambda s: s[1])
    best_y = starts[0][0]
    if exact is not None:
        base, jac_int = exact(best_y)
    else:
        base, jac_int = _fd_jacobian(counted, best_y, lo, hi)
    x_best = space.clip(space.to_external(best_y))
    return OptimiserOutcome(
        x=x_best, fun=float(np.mean(base**2)), residuals=base, jacobian=jac_int * (hi - lo),
        nfev=counted.nfev, nit=nit, seconds=time.perf_counter() - start_time,
        message=(message + ("; time limit reached" if over(1.0) and "time limit" not in message
                            else "")).lstrip("; "),
        starts=[(space.clip(space.to_external(y)), f) for y, f in starts])
