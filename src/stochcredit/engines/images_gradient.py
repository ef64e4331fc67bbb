"""Value and sensitivities of the image integrals (IM-1, IM-2) in one pass over the same nodes.

For an asset independent of its variance, ``Lhat(T; u_k) = E[exp(-u_k I_T)]`` at
``u_k = (k^2 + 1/4)/2`` is the characteristic function at ``k - i/2`` (``(u^2 + i u)/2 = u_k``
there), so a dynamics of the contract with ``log_char_fn_gradient(u, t) -> (psi, dpsi)`` gives the
transform and its closed-form parameter derivatives ``dLhat/dp = Lhat dpsi/dp`` at the image
nodes. With ``R = Lhat - exp(-u_k Ibar)`` (control variate, :mod:`.images`),
``x0 = ln(V0/B)``, ``xK = ln(K*/B)`` and ``s(k) = sin(k x0) sin(k xK)/(k^2 + 1/4)``:

    E[DOC]        = DOC(Ibar) - (2/pi) sqrt(V0 K*) int s R dk                        (IM-2)
    dE/dV0        = dDOC/dV0(Ibar) - (2/pi) sqrt(K*/V0) int [sin(kx0)/2 + k cos(kx0)]
                    sin(kxK)/(k^2 + 1/4) R dk
    d2E/dV0^2     = d2DOC/dV0^2(Ibar) + (2/pi) sqrt(K*) V0^{-3/2} int sin(kx0) sin(kxK) R dk
    dE/dK*        = dDOC/dK*(Ibar) - (2/pi) sqrt(V0/K*) int sin(kx0) [sin(kxK)/2 + k cos(kxK)]
                    /(k^2 + 1/4) R dk
    dE/dp         = -(2/pi) sqrt(V0 K*) int s Lhat dpsi/dp dk
    dE/dB         = (E - V0 dE/dV0 - K* dE/dK*)/B            (DOC is homogeneous of degree 1)

(the second derivative uses ``d^2/dV0^2 [sqrt(V0) sin(k ln(V0/B))] = -(k^2 + 1/4) V0^{-3/2}
sin(k x0)``). The closed forms at ``Ibar`` come from SF-3: ``dDOC/dV0 = N(d1) + K* N(d2')/B``,
``d2DOC/dV0^2 = phi(d1)/(V0 sqrt I) - B phi(d1')/(V0^2 sqrt I)``, ``dDOC/dK* = -N(d2) + (V0/B)
N(d2')`` (primes at the reflected forward ``B^2/V0``). The survival IM-1 is treated the same way
(:func:`survival_images_gradient`). The control variate makes each formula exact for every
``Ibar``, so ``Ibar`` is held fixed when differentiating. The truncation point ``kmax`` is the
first probe beyond which ``max(|R|, |dLhat/dp|/(k^2 + 1/4))`` stays below ``tol`` (the slowest
decaying integrand, the gamma one, is ``R`` itself). Parameters named ``rho`` (or ``rho_j``) are
left out: the images need ``rho = 0`` and give no derivative across it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr

from ..core import dual as dl
from ..core.errors import InvalidParameterError
from .images import _K_CAP, _PROBE_K, _nodes, down_and_out_call

__all__ = ["ImagesGradient", "SurvivalImagesGradient", "call_images_gradient",
           "survival_images_gradient", "image_parameter_names"]

_TOL = 1e-15


def _pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)


def image_parameter_names(dynamics: Any) -> tuple[tuple[str, ...], np.ndarray]:
    """The dynamics' ``gradient_names`` without the correlation(s), and their positions."""
    if not callable(getattr(dynamics, "log_char_fn_gradient", None)):
        raise InvalidParameterError(
            "dynamics", dynamics, "an object with log_char_fn_gradient(u, t) and gradient_names "
            "(Heston with rho = 0, MultiFactorHeston, a Wishart, principal-component or constant "
            "marginal)", reason="sensitivities under the method of images need the closed-form "
            "derivatives of the transform")
    names = tuple(dynamics.gradient_names)
    keep = [i for i, n in enumerate(names) if n != "rho" and not n.startswith("rho_")]
    return tuple(names[i] for i in keep), np.asarray(keep, dtype=int)


def _factor_table(dynamics: Any) -> list[tuple[float, ...]] | None:
    """The ``heston_factors()`` hook (contract: Heston log-CFs adding up to the law's) as floats
    when every factor has ``rho = 0`` and ``gradient_names`` lists 5 names per factor in the
    factors' order (Heston, MultiFactorHeston); else None (the generic path)."""
    hook = getattr(dynamics, "heston_factors", None)
    factors = hook() if callable(hook) else None
    if not factors or len(tuple(dynamics.gradient_names)) != 5 * len(factors):
        return None
    try:
        table = [tuple(float(p) for p in f) for f in factors]
    except (TypeError, ValueError):
        return None
    return table if all(f[4] == 0.0 for f in table) else None


def _cir_log_laplace_gradient(q: np.ndarray, t: np.ndarray, v0: float, kappa: float,
                              theta: float, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """One zero-correlation Heston factor at ``u = k - i/2`` (``q = i u + u^2 = k^2 + 1/4``
    real), in real arithmetic: ``psi = C theta + D v0`` of H-1 with ``beta = kappa``,
    ``d = sqrt(kappa^2 + sigma^2 q)`` (the CIR transform HC-1 at ``s = q/2``), and its
    derivatives in ``(v0, kappa, theta, sigma, rho)`` (the ``rho`` row is 0 and unused: the
    images are taken at ``rho = 0``), forward mode through the same stable form as
    :mod:`stochcredit.dynamics.heston_gradient` (``dd/dkappa = kappa/d``,
    ``dd/dsigma = sigma q/d``)."""
    d = np.sqrt(kappa * kappa + sigma * sigma * q)
    dd = (kappa / d, sigma * q / d)
    bpd = kappa + d
    dbpd = (1.0 + dd[0], dd[1])
    e = np.exp(-d * t)
    ome = -np.expm1(-d * t)
    dome = tuple(t * e * x for x in dd)
    bmd = -(sigma * sigma) * q / bpd
    dbmd = (-bmd * dbpd[0] / bpd, -bmd * dbpd[1] / bpd - 2.0 * sigma * q / bpd)
    den = bpd - bmd * e
    dden = tuple(a - b * e + bmd * t * e * c for a, b, c in zip(dbpd, dbmd, dd, strict=True))
    dcoef = -q * ome / den
    ddcoef = tuple(-q * (a / den - ome * b / (den * den)) for a, b in zip(dome, dden, strict=True))
    ood = ome / d
    dood = tuple(a / d - ome * b / (d * d) for a, b in zip(dome, dd, strict=True))
    x = bmd * ood / 2.0
    dx = tuple((a * ood + bmd * b) / 2.0 for a, b in zip(dbmd, dood, strict=True))
    small = np.abs(x) < 1e-4
    safe = np.where(small, 1.0, x)
    lx = np.where(small, 1.0 - x / 2.0 + x * x / 3.0, np.log1p(safe) / safe)
    dlx = np.where(small, -0.5 + 2.0 * x / 3.0 - 0.75 * x * x, (1.0 / (1.0 + safe) - lx) / safe)
    big_a = kappa * q / bpd
    dbig_a = (q / bpd - big_a * dbpd[0] / bpd, -big_a * dbpd[1] / bpd)
    big_b = t - ood * lx
    dbig_b = tuple(-(a * lx + ood * dlx * b) for a, b in zip(dood, dx, strict=True))
    ccoef = -big_a * big_b
    dccoef = tuple(-(a * big_b + big_a * b) for a, b in zip(dbig_a, dbig_b, strict=True))
    psi = ccoef * theta + dcoef * v0
    grads = (dcoef, theta * dccoef[0] + v0 * ddcoef[0], ccoef,
             theta * dccoef[1] + v0 * ddcoef[1], np.zeros_like(psi))
    return psi, np.stack(grads)


def _transform(dynamics: Any, k: np.ndarray, t: np.ndarray, keep: np.ndarray):
    """``(Lhat, dLhat/dp)`` at ``u_k = (k^2 + 1/4)/2`` for flat ``k`` and ``t`` of one length
    (one call for every maturity's nodes; shapes ``(n,)``, ``(P, n)``). Zero-correlation
    Heston factors (the ``heston_factors`` hook) take the real-arithmetic path."""
    table = _factor_table(dynamics)
    if table is not None:
        q = k * k + 0.25
        parts = [_cir_log_laplace_gradient(q, t, *f[:4]) for f in table]
        lap = np.exp(sum(p for p, _ in parts))
        return lap, lap * np.concatenate([g for _, g in parts])[keep]
    psi, dpsi = dynamics.log_char_fn_gradient(k - 0.5j, t)
    lap = np.exp(np.asarray(psi).real)
    return lap, lap * np.asarray(dpsi)[keep].real


def _kmax(dynamics: Any, t: np.ndarray, ibar: np.ndarray, keep: np.ndarray,
          tol: float) -> np.ndarray:
    """Per maturity, the first probe beyond which ``max(|R|, |dLhat/dp|/(k^2 + 1/4))`` stays
    below ``tol`` (capped at ``_K_CAP``, with a warning if that truncates)."""
    n_k = _PROBE_K.size
    u = (_PROBE_K ** 2 + 0.25) / 2.0
    lap, grad = _transform(dynamics, np.tile(_PROBE_K, t.size), np.repeat(t, n_k), keep)
    lap = lap.reshape(t.size, n_k)
    env = np.abs(lap - np.exp(-u[None, :] * ibar[:, None]))
    if grad.size:
        env = np.maximum(env, np.abs(grad).max(axis=0).reshape(t.size, n_k) / (2.0 * u))
    ok = env < tol
    tail_ok = np.flip(np.logical_and.accumulate(np.flip(ok, axis=1), axis=1), axis=1)
    idx = np.where(tail_ok.any(axis=1), tail_ok.argmax(axis=1), n_k - 1)
    cap_idx = int(np.searchsorted(_PROBE_K, _K_CAP))
    if np.any(env[:, cap_idx] > 1e3 * tol):
        warnings.warn("method of images (sensitivities): the transform decays too slowly; the "
                      f"k-integrals are truncated at k = {_K_CAP:g}", RuntimeWarning,
                      stacklevel=4)
    return np.minimum(_PROBE_K[idx], _K_CAP)


def _node_sets(dynamics: Any, t: np.ndarray, ibar: np.ndarray, freq: np.ndarray,
               keep: np.ndarray, tol: float):
    """Per maturity ``(k, w, Lhat, dLhat/dp)`` on its own nodes (:func:`.images._nodes` up to
    its ``kmax``), the transform of all maturities evaluated in one call."""
    kmax = _kmax(dynamics, t, ibar, keep, tol)
    nodes = [_nodes(float(km), float(f)) for km, f in zip(kmax, freq, strict=True)]
    sizes = [k.size for k, _ in nodes]
    lap, grad = _transform(dynamics, np.concatenate([k for k, _ in nodes]),
                           np.repeat(t, sizes), keep)
    cuts = np.cumsum(sizes)[:-1]
    return [(k, w, la, gr) for (k, w), la, gr in
            zip(nodes, np.split(lap, cuts), np.split(grad, cuts, axis=1), strict=True)]


@dataclass(frozen=True)
class ImagesGradient:
    """Undiscounted ``E[DOC(V0, B, K*, I_T)]`` and its derivatives (broadcast shape of
    ``strike_star`` and ``T``; ``d_params`` has a leading axis in the order of ``names``)."""

    names: tuple[str, ...]
    value: np.ndarray
    d_asset: np.ndarray        # d/dV0
    d2_asset: np.ndarray       # d^2/dV0^2
    d_strike: np.ndarray       # d/dK*
    d_barrier: np.ndarray      # d/dB (V0 and K* fixed)
    d_params: np.ndarray


def _doc_parts(v0: float, b: float, ks: np.ndarray, var: np.ndarray):
    """SF-3 closed forms at total variance ``var > 0``: DOC, d/dV0, d2/dV0^2, d/dK*."""
    sd = np.sqrt(var)
    d1 = (np.log(v0 / ks) + 0.5 * var) / sd
    f = b * b / v0
    d1r = (np.log(f / ks) + 0.5 * var) / sd
    value = down_and_out_call(v0, b, ks, var)
    d_v = ndtr(d1) + ks * ndtr(d1r - sd) / b
    d2_v = _pdf(d1) / (v0 * sd) - b * _pdf(d1r) / (v0 * v0 * sd)
    d_k = -ndtr(d1 - sd) + (v0 / b) * ndtr(d1r - sd)
    return value, d_v, d2_v, d_k


def call_images_gradient(v0: float, barrier: float, strike_star: ArrayLike, dynamics: Any,
                         T: ArrayLike, *, mean_variance: ArrayLike, tol: float = _TOL
                         ) -> ImagesGradient:
    """(IM-2) ``E[DOC(V0, B, K*, I_T)]`` with its derivatives in ``V0`` (first and second),
    ``K*``, ``B`` and the dynamics' parameters, in one pass (see the module docstring).

    Parameters
    ----------
    v0, barrier : float
        Asset value and barrier, ``v0 > barrier > 0``.
    strike_star : array_like
        Shifted strikes ``K* > barrier``, broadcast against ``T``.
    dynamics : object
        With ``log_char_fn_gradient`` and ``gradient_names`` (zero asset/variance correlation).
    T : array_like
        Maturities ``> 0``.
    mean_variance : array_like
        ``E[I_T]`` (> 0), the control variate, broadcast against ``T``.
    """
    names, keep = image_parameter_names(dynamics)
    kst, t_b, ib = np.broadcast_arrays(np.asarray(strike_star, dtype=float),
                                       np.asarray(T, dtype=float),
                                       np.asarray(mean_variance, dtype=float))
    shape = kst.shape
    kst, t_b, ib = kst.ravel(), t_b.ravel(), ib.ravel()
    n_p = len(names)
    value, d_v, d2_v, d_k = _doc_parts(v0, barrier, kst, ib)
    d_p = np.zeros((n_p, kst.size))
    x0 = float(np.log(v0 / barrier))
    xk = np.log(kst / barrier)
    uniq, first = np.unique(t_b, return_index=True)
    members = [np.flatnonzero(t_b == t) for t in uniq]
    freq = np.array([x0 + float(xk[pos].max()) for pos in members])
    sets = _node_sets(dynamics, uniq, ib[first], freq, keep, tol)
    for pos, ibar, (k, w, lap, grad) in zip(members, ib[first], sets, strict=True):
        den = k * k + 0.25
        res = lap - np.exp(-0.5 * den * ibar)
        s0, c0 = np.sin(k * x0), np.cos(k * x0)
        phase = np.outer(xk[pos], k)
        sk, ck = np.sin(phase), np.cos(phase)
        base = w * s0 / den
        i_val = sk @ (base * res)
        i_dv = sk @ (w * (0.5 * s0 + k * c0) / den * res)
        i_dvv = sk @ (w * s0 * res)
        i_dk = (0.5 * sk + k * ck) @ (base * res)
        ks = kst[pos]
        root = np.sqrt(v0 * ks)
        value[pos] -= 2.0 / np.pi * root * i_val
        d_v[pos] -= 2.0 / np.pi * np.sqrt(ks / v0) * i_dv
        d2_v[pos] += 2.0 / np.pi * np.sqrt(ks) * v0 ** -1.5 * i_dvv
        d_k[pos] -= 2.0 / np.pi * np.sqrt(v0 / ks) * i_dk
        if n_p:
            d_p[:, pos] = -2.0 / np.pi * root * (sk @ (base * grad).T).T
    d_b = (value - v0 * d_v - kst * d_k) / barrier
    re = lambda a: a.reshape(a.shape[:-1] + shape)  # noqa: E731
    return ImagesGradient(names=names, value=re(value), d_asset=re(d_v), d2_asset=re(d2_v),
                          d_strike=re(d_k), d_barrier=re(d_b), d_params=re(d_p))


@dataclass(frozen=True)
class SurvivalImagesGradient:
    """``Q(T) = E[P_GBM(x0 + l2, I_T + l2)]`` and its derivatives in ``x0``, in the shift ``l2``
    (``lambda^2`` of CreditGrades) and in the dynamics' parameters (order of ``names``)."""

    names: tuple[str, ...]
    value: np.ndarray
    d_x0: np.ndarray
    d_shift: np.ndarray
    d_params: np.ndarray


def _p_gbm_parts(x0: float, var: np.ndarray):
    """IM-0 ``P_GBM(x0, I)`` and its closed-form derivatives in ``x0`` and ``I`` (dual numbers)."""
    x, i = dl.variables(x0, 0.0)
    var_d = i + var
    sd = dl.sqrt(var_d)
    p = dl.ndtr((x - var_d * 0.5) / sd) - dl.exp(x + dl.log_ndtr((-x - var_d * 0.5) / sd))
    g = dl.grad(p, 2)
    return dl.value(p), g[0], g[1]


def survival_images_gradient(x0: float, dynamics: Any, T: ArrayLike, *,
                             mean_variance: ArrayLike, shift: float = 0.0,
                             tol: float = _TOL) -> SurvivalImagesGradient:
    """(IM-1) Survival by images with the CreditGrades time shift ``l2 = lambda^2``
    (``x0 -> x0 + l2``, ``Lhat -> Lhat e^{-u l2}``) and its derivatives. With ``g(k) =
    (2 e^{x/2}/pi) k sin(k x)/(k^2 + 1/4)``, ``x = x0 + l2``, ``R = Lhat e^{-u l2} - e^{-u Ibar}``
    and ``Ibar = E[I_T] + l2``::

        Q        = P_GBM(x, Ibar) + int g R dk
        dQ/dx0   = dP_GBM/dx(x, Ibar) + (2 e^{x/2}/pi) int (k sin(kx)/2 + k^2 cos(kx))
                   /(k^2 + 1/4) R dk
        dQ/dl2   = dQ/dx0 + dP_GBM/dI(x, Ibar) - int g u_k R dk      (the transform's e^{-u l2})
        dQ/dp    = int g e^{-u l2} dLhat/dp dk
    """
    names, keep = image_parameter_names(dynamics)
    t_b, ib = np.broadcast_arrays(np.asarray(T, dtype=float),
                                  np.asarray(mean_variance, dtype=float))
    shape = t_b.shape
    t_b, ib = t_b.ravel(), ib.ravel() + shift
    x = x0 + shift
    live = ib > 0.0            # Q = 1 and flat at I_T + l2 = 0 (x > 0)
    value, d_x, d_i = np.ones(t_b.size), np.zeros(t_b.size), np.zeros(t_b.size)
    if np.any(live):
        value[live], d_x[live], d_i[live] = _p_gbm_parts(x, ib[live])
    d_l = d_x + d_i
    d_p = np.zeros((len(names), t_b.size))
    scale = 2.0 * np.exp(x / 2.0) / np.pi
    live = np.flatnonzero(t_b > 0.0)   # T = 0: R = e^{-u l2} - e^{-u l2} = 0
    sets = (_node_sets(dynamics, t_b[live], ib[live] - shift, np.full(live.size, x), keep, tol)
            if live.size else [])
    for j, (k, w, lap, grad) in zip(live, sets, strict=True):
        ibar = float(ib[j])
        den = k * k + 0.25
        u = 0.5 * den
        damp = np.exp(-u * shift)
        res = lap * damp - np.exp(-u * ibar)
        s, c = np.sin(k * x), np.cos(k * x)
        g = w * scale * k * s / den
        value[j] += g @ res
        ddx = (w * scale * (0.5 * k * s + k * k * c) / den) @ res
        d_x[j] += ddx
        d_l[j] += ddx - (g * u) @ res
        if len(names):
            d_p[:, j] = (g * damp) @ grad.T
    re = lambda a: a.reshape(a.shape[:-1] + shape)  # noqa: E731
    return SurvivalImagesGradient(names=names, value=re(np.clip(value, 0.0, 1.0)), d_x0=re(d_x),
                                  d_shift=re(d_l), d_params=re(d_p))

