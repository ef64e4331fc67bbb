"""Gamma law with an exponentially distributed scale (seed 001, ``ParameterMixtureDistribution``).

``F_T | B ~ Gamma(a, scale B)`` with ``B ~ Exponential(rate λ)``; equivalently ``F_T = B G`` with
``G ~ Gamma(a, 1)`` independent of ``B``. Moment matching (see :mod:`.parameters`) gives
``a = 2m²/(s² − m²)``, ``λ = 2m/(s² − m²)``, admissible only when ``s > m``.

Closed form (derived here; the seed's Bessel-I/hypergeometric expression is an equivalent
analytic form). Since ``E[B 1{B > c}] = (c + 1/λ) e^{−λc}``,

    payer = E[(B G − K)^+] = E[G e^{−λK/G}]/λ
          = 2 (λK)^{(a+1)/2} K_{a+1}(2 sqrt(λK)) / (λ Γ(a)),

using ``∫ g^{ν−1} e^{−g − β/g} dg = 2 β^{ν/2} K_ν(2 sqrt β)`` (``K_ν`` = ``scipy.special.kv``).
Likewise ``P(F_T > x) = 2 (λx)^{a/2} K_a(2 sqrt(λx))/Γ(a)`` and the density is
``f(x) = 2 λ^{(a+1)/2} x^{(a−1)/2} K_{a−1}(2 sqrt(λx))/Γ(a)``. The receiver follows from parity,
``receiver = payer − (m − K)``. As ``K → 0`` the payer tends to ``a/λ = m``.

The Bessel function is evaluated exponentially scaled (``kve``) in logarithms; where it overflows
(very large ``a``, i.e. ``s/m`` within ~0.2% of 1) the payer is computed by adaptive quadrature of
``m E[exp(−λK/G')]``, ``G' ~ Gamma(a + 1, 1)``.
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, special, stats

from .parameters import gamma_exponential_parameters

__all__ = ["payer", "receiver", "pdf", "sf"]


def _log_bessel_k(order: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, ...]:
    """``log K_order(z)``, the mask where it is finite, and the mask where ``kve`` overflows."""
    scaled = special.kve(order, z)
    ok = np.isfinite(scaled) & (scaled > 0)
    out = np.full(np.shape(scaled), -np.inf)
    out[ok] = np.log(scaled[ok]) - z[ok]
    return out, ok, ~np.isfinite(scaled)


def _payer_quadrature(m: float, a: float, lam: float, k: float) -> float:
    g = stats.gamma(a + 1.0)
    lo, hi = g.ppf(1e-15), g.isf(1e-15)
    value, _ = integrate.quad(lambda x: np.exp(-lam * k / x) * g.pdf(x), lo, hi,
                              points=[a + 1.0], epsabs=0.0, epsrel=1e-12, limit=200)
    return m * value


def payer(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(F_T - K)^+]``, Gamma-exponential law with mean ``m``, st.dev. ``s > m``; ``K > 0``."""
    m, s, k = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (m, s, k)))
    a, lam = gamma_exponential_parameters(m, s)
    lk = lam * k
    z = 2.0 * np.sqrt(lk)
    log_k, ok, overflow = _log_bessel_k(a + 1.0, np.asarray(z, dtype=float))
    out = np.zeros(m.shape)
    out[ok] = np.exp(np.log(2.0) + 0.5 * (a[ok] + 1.0) * np.log(lk[ok]) + log_k[ok]
                     - np.log(lam[ok]) - special.gammaln(a[ok]))
    # where kve underflows to 0 the payer is below ~1e-300: it stays 0
    for i in zip(*np.nonzero(overflow), strict=True):
        out[i] = _payer_quadrature(m[i], a[i], lam[i], k[i])
    return out


def receiver(m: np.ndarray, s: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``E[(K - F_T)^+] = payer − (m − K)`` (put-call parity).

    Absolute accuracy ~1e-16·m; the relative accuracy therefore degrades for strikes far below
    the mean (about 1e-8 at ``K = m/1000``, where the receiver is worth ~1e-9·m).
    """
    return payer(m, s, k) - (np.asarray(m, dtype=float) - k)


def sf(x, m, s) -> np.ndarray:
    """``P(F_T > x) = 2 (λx)^{a/2} K_a(2 sqrt(λx)) / Γ(a)`` for ``x > 0``."""
    a, lam = gamma_exponential_parameters(m, s)
    lx = lam * np.asarray(x, dtype=float)
    return 2.0 * np.exp(0.5 * a * np.log(lx) - special.gammaln(a)) * special.kv(a, 2 * np.sqrt(lx))


def pdf(x, m, s) -> np.ndarray:
    """Density ``2 λ^{(a+1)/2} x^{(a−1)/2} K_{a−1}(2 sqrt(λx)) / Γ(a)`` for ``x > 0``."""
    a, lam = gamma_exponential_parameters(m, s)
    x = np.asarray(x, dtype=float)
    return (2.0 * np.exp(0.5 * (a + 1.0) * np.log(lam) + 0.5 * (a - 1.0) * np.log(x)
                         - special.gammaln(a)) * special.kv(a - 1.0, 2.0 * np.sqrt(lam * x)))
