"""Two-firm joint survival under constant asset correlation (JS-1, Zhou 2001).

The closed-form limit of the multi-firm CreditGrades model when the covariance is constant: the
pair of log-distances to default is a correlated Brownian motion with drift, killed when it leaves
the positive quadrant. After decorrelation the quadrant becomes a wedge of angle
``alpha = pi - arccos(rho)``, on which Iyengar's (1985) killed density is a Bessel series; the
drift is removed by Girsanov. MODELS_CREDITGRADES.md §G.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ive

from ..core import validation as v
from ..core.errors import InvalidParameterError

__all__ = ["joint_survival_constant_correlation"]


_MAX_CELLS = 20_000_000  # largest (radial x Bessel) grid, ~160 MB of float64


def _one(x1: float, x2: float, s1: float, s2: float, rho: float, t: float, tol: float) -> float:
    if t == 0.0:
        return 1.0
    c = np.sqrt(1.0 - rho * rho)
    z10, z20 = x1 / s1, x2 / s2
    mu1, mu2 = -0.5 * s1, -0.5 * s2
    u0 = np.array([(z10 - rho * z20) / c, z20])
    nu = np.array([(mu1 - rho * mu2) / c, mu2])
    alpha = np.pi - np.arccos(rho)
    r0 = float(np.hypot(*u0))
    phi0 = float(np.arctan2(u0[1], u0[0]))
    sd = np.sqrt(t)
    drift = float(np.hypot(*nu)) * t
    r_lo = max(0.0, r0 - drift - 12.0 * sd)
    r_hi = r0 + drift + 12.0 * sd
    # radial nodes: composite Gauss-Legendre, panels of width <= sd/2
    n_pan = int(np.clip(np.ceil((r_hi - r_lo) / (0.5 * sd)), 8, 4000))
    gx, gw = np.polynomial.legendre.leggauss(20)
    edges = np.linspace(r_lo, r_hi, n_pan + 1)
    half = 0.5 * np.diff(edges)
    r = ((edges[:-1] + edges[1:]) / 2)[:, None] + half[:, None] * gx[None, :]
    wr = (half[:, None] * gw[None, :]).ravel()
    r = r.ravel()
    # Bessel orders: ive(nu, z) / ive(0, z) ~ exp(-nu^2 / (2 z)); keep nu up to where it is < tol
    z = r * r0 / t
    z_max = float(z.max())
    order_max = np.sqrt(2.0 * z_max * -np.log(tol)) + 40.0
    n_terms = int(np.ceil(order_max * alpha / np.pi))
    orders = np.arange(1, n_terms + 1) * np.pi / alpha
    # angular integral G_n(r) = int_0^alpha exp(nu.u) sin(n pi phi / alpha) dphi by Gauss-Legendre
    n_phi = max(64, n_terms + 48)
    if r.size * n_terms > _MAX_CELLS or n_phi * n_terms > _MAX_CELLS:  # check before allocating
        raise InvalidParameterError(
            "x1, x2, vol1, vol2, t", (x1, x2, s1, s2, t),
            "with the distances to default x_i / vol_i and the horizon small enough for a "
            f"series of <= {_MAX_CELLS:.0e} terms",
            f"would need {r.size} x {n_terms} Bessel terms; a firm this far from default "
            "hardly defaults: use its partner's single-firm survival")
    px, pw = np.polynomial.legendre.leggauss(n_phi)
    phi = 0.5 * alpha * (px + 1.0)
    wphi = 0.5 * alpha * pw
    sin_phi = np.sin(np.outer(phi, orders))                          # (n_phi, n_terms)
    proj = nu[0] * np.cos(phi) + nu[1] * np.sin(phi)                 # (n_phi,)
    g = (np.exp(np.outer(r, proj)) * wphi) @ sin_phi                # (n_r, n_terms)
    bessel = ive(orders[None, :], z[:, None])                        # I_nu(z) e^{-z}
    coeff = np.sin(orders * phi0)                                    # sin(n pi phi0 / alpha)
    series = (bessel * g) @ coeff                                    # (n_r,)
    radial = r * np.exp(-(r - r0) ** 2 / (2.0 * t)) * series
    total = (2.0 / (alpha * t)) * float(wr @ radial)
    return float(np.clip(total * np.exp(-nu @ u0 - (nu @ nu) * t / 2.0), 0.0, 1.0))


def joint_survival_constant_correlation(x1: float, x2: float, vol1: float, vol2: float,
                                        rho: float, t: ArrayLike, tol: float = 1e-16
                                        ) -> float | np.ndarray:
    """P(both firms survive to t) when the log-distances to default are
    ``x_i(t) = x_i + vol_i W_i(t) - vol_i^2 t / 2`` with ``corr(W_1, W_2) = rho`` (JS-1).

    Zhou's (2001) wedge formula with drift (Iyengar 1985 + Girsanov)::

        Q12(t) = int_0^alpha int_0^inf exp(nu.(u - u0) - |nu|^2 t/2)
                                       * p_alpha(t; r, phi | r0, phi0) r dr dphi
        p_alpha = (2/(alpha t)) e^{-(r^2 + r0^2)/(2t)}
                  * sum_{n>=1} sin(n pi phi/alpha) sin(n pi phi0/alpha) I_{n pi/alpha}(r r0/t)

    with ``z_i = x_i/vol_i``, ``u0 = ((z1 - rho z2)/sqrt(1-rho^2), z2)`` in polar coordinates
    ``(r0, phi0)``, ``nu = ((mu1 - rho mu2)/sqrt(1-rho^2), mu2)``, ``mu_i = -vol_i/2`` and
    ``alpha = pi - arccos(rho)``. The angular integral is Gauss-Legendre, the radial one composite
    Gauss-Legendre over ``r0 +- (|nu| t + 12 sqrt t)``, the Bessel series (``scipy.special.ive``) is
    cut where ``I_nu/I_0 < tol``. At ``rho = 0`` it equals the product of the marginal survivals
    (IM-0) to about 1e-14.

    Parameters
    ----------
    x1, x2 : float
        Log-distances to default ``ln(V_i0 / (L_i D_i)) > 0``.
    vol1, vol2 : float
        Asset volatilities ``> 0``.
    rho : float
        Asset correlation, ``|rho| < 1``.
    t : float or array_like
        Horizons ``>= 0`` (years); the result has the shape of ``t``.

    Examples
    --------
    >>> joint_survival_constant_correlation(0.5, 0.6, 0.25, 0.3, 0.4, [1.0, 5.0])
    """
    x1, x2 = v.positive("x1", x1), v.positive("x2", x2)
    vol1, vol2 = v.positive("vol1", vol1), v.positive("vol2", vol2)
    rho = v.in_range("rho", rho, -1.0, 1.0, lo_open=True, hi_open=True)
    t_arr = np.asarray(v.nonnegative("t", t))
    tol = v.in_range("tol", tol, 0.0, 1e-3, lo_open=True)
    out = np.array([_one(x1, x2, vol1, vol2, rho, float(ti), tol) for ti in t_arr.ravel()])
    out = out.reshape(t_arr.shape)
    return float(out) if out.ndim == 0 else out
