"""Closed-form parameter derivatives of the Heston log characteristic function (H-1).

Forward-mode differentiation of the stable form of :func:`~.heston.heston_log_char` (the same
sequence of operations, each carried with its derivative in ``kappa``, ``sigma`` and ``rho``).
With ``psi = C theta + D v0``: ``d psi/d v0 = D``, ``d psi/d theta = C``, and for
``p in (kappa, sigma, rho)``, ``d psi/dp = theta dC/dp + v0 dD/dp``. In the notation of
:mod:`.heston` (``q = i u + u^2``, ``beta = kappa - rho sigma i u``):

    d(d^2)/dkappa = 2 kappa - 2 sigma rho i u
    d(d^2)/dsigma = 2 sigma (1 - rho^2) u^2 + 2 (sigma - kappa rho) i u
    d(d^2)/drho   = -2 sigma^2 rho u^2 - 2 sigma kappa i u

and the chain rule through ``e^{-d t}``, ``beta - d = -sigma^2 q/(beta + d)``,
``D = -q (1 - e^{-dt})/((beta + d) - (beta - d) e^{-dt})`` and
``C = -(kappa q/(beta + d)) (t - (1 - e^{-dt})/d · log1p(x)/x)``. Cui, del Baño Rollin and
Germano (2017) give the same gradient for the Heston (1993) form; this one keeps the stability of
ours (no division by ``sigma^2``, exact at ``sigma = 0``, no cancellation as ``|rho| -> 1``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .heston import _clog1p

__all__ = ["heston_log_char_gradient", "HESTON_PARAMS"]

HESTON_PARAMS = ("v0", "kappa", "theta", "sigma", "rho")


def _l_and_slope(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``L(x) = log(1 + x)/x`` and ``L'(x) = (1/(1 + x) - L)/x``, series near 0."""
    small = np.abs(x) < 1e-4
    safe = np.where(small, 1.0, x)
    lx = np.where(small, 1.0 - x / 2.0 + x * x / 3.0, _clog1p(safe) / safe)
    dl = np.where(small, -0.5 + 2.0 * x / 3.0 - 0.75 * x * x, (1.0 / (1.0 + safe) - lx) / safe)
    return lx, dl


def heston_log_char_gradient(u: ArrayLike, t: ArrayLike, v0: ArrayLike, kappa: ArrayLike,
                             theta: ArrayLike, sigma: ArrayLike,
                             rho: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``psi = ln E[exp(i u X_t)]`` and ``d psi / d(v0, kappa, theta, sigma, rho)``.

    Returns
    -------
    (psi, dpsi)
        ``psi`` of shape ``broadcast(u, t, parameters)``; ``dpsi`` of shape ``(5,) + that``, the
        leading axis in the order of :data:`HESTON_PARAMS`.
    """
    u = np.asarray(u).astype(complex)
    t = np.asarray(t, dtype=float)
    v0, kappa, theta, sigma, rho = (np.asarray(p, dtype=float) for p in
                                    (v0, kappa, theta, sigma, rho))
    iu = 1j * u
    q = iu + u * u
    u2 = u * u
    beta = kappa - rho * sigma * iu
    d = np.sqrt(kappa * kappa + sigma * sigma * (1.0 - rho * rho) * u2
                + sigma * (sigma - 2.0 * kappa * rho) * iu)
    # derivatives along (kappa, sigma, rho): lists of three arrays
    dbeta = [np.ones_like(beta), -rho * iu, -sigma * iu]
    dd2 = [2.0 * kappa - 2.0 * sigma * rho * iu,
           2.0 * sigma * (1.0 - rho * rho) * u2 + 2.0 * (sigma - kappa * rho) * iu,
           -2.0 * sigma * sigma * rho * u2 - 2.0 * sigma * kappa * iu]
    d_safe = np.where(d == 0, 1.0, d)
    dd = [x / (2.0 * d_safe) for x in dd2]
    bpd = beta + d
    dbpd = [a + b for a, b in zip(dbeta, dd, strict=True)]
    e = np.exp(-d * t)
    ome = -np.expm1(-d * t)
    dome = [t * e * x for x in dd]
    bmd = -(sigma * sigma) * q / bpd
    dbmd = [bmd * (-x / bpd) for x in dbpd]
    dbmd[1] = dbmd[1] - 2.0 * sigma * q / bpd
    den = bpd - bmd * e
    dden = [a - b * e + bmd * t * e * c for a, b, c in zip(dbpd, dbmd, dd, strict=True)]
    dcoef = -q * ome / den
    ddcoef = [-q * (a / den - ome * b / (den * den)) for a, b in zip(dome, dden, strict=True)]
    ood = np.where(d == 0, t, ome / d_safe)
    dood = [np.where(d == 0, 0.0, a / d_safe - ome * b / (d_safe * d_safe))
            for a, b in zip(dome, dd, strict=True)]
    x = bmd * ood / 2.0
    dx = [(a * ood + bmd * b) / 2.0 for a, b in zip(dbmd, dood, strict=True)]
    lx, dlx = _l_and_slope(x)
    big_a = kappa * q / bpd
    dbig_a = [-big_a * b / bpd for b in dbpd]
    dbig_a[0] = dbig_a[0] + q / bpd
    big_b = t - ood * lx
    dbig_b = [-(a * lx + ood * dlx * b) for a, b in zip(dood, dx, strict=True)]
    ccoef = -big_a * big_b
    dccoef = [-(a * big_b + big_a * b) for a, b in zip(dbig_a, dbig_b, strict=True)]
    psi = ccoef * theta + dcoef * v0
    shape = psi.shape
    grads = [dcoef, *(theta * a + v0 * b for a, b in zip(dccoef[:1], ddcoef[:1], strict=True)),
             ccoef, *(theta * a + v0 * b for a, b in zip(dccoef[1:], ddcoef[1:], strict=True))]
    return psi, np.stack([np.broadcast_to(g, shape) for g in grads])
