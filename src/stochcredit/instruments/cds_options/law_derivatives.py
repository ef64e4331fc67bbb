"""Derivatives of ``E[(F_T − K)^+]`` (payer) and ``E[(K − F_T)^+]`` (receiver) with respect to the
mean ``m`` and st.dev. ``s`` of ``F_T``, per unit annuity, for the Gamma, inverse Gaussian and
Gamma-exponential laws (MODELS.md §3).

Each function returns ``(P_m, P_mm, P_s)`` for the requested side; ``K > 0``, ``s > 0`` and the
model's domain are the caller's business.

Inverse Gaussian (closed form). With ``u = sqrt(m/K)/s``, ``d1 = u (K − m)``, ``d2 = u (K + m)``,
the Mills ratio ``M(x) = Φ(−x)/φ(x)`` and ``R(x) = 1 − x M(x)`` (``e^{2m²/s²} φ(d2) = φ(d1)``
makes every term a multiple of ``φ(d1)``):

    E  = e^{2m²/s²} Φ(−d2) = φ(d1) M(d2),     G = 4 sqrt(mK)/s · φ(d1) R(d2)
    P_m = Φ(−d1) + E − G  (payer),  −Φ(d1) + E − G  (receiver);     P_s = (m/s) G
    P_mm = φ(d1) [−d1_m (1 + d1 M) − R d2_m − 4 sqrt(K)/s (R/(2 sqrt m) − sqrt(m) d1 d1_m R
                  + sqrt(m) R' d2_m)],   d1_m = u (K − 3m)/(2m),  d2_m = u (K + 3m)/(2m),

``R' = x − (1 + x²) M``. For ``x > 4`` ``R`` and ``R'`` come from the Laplace continued fraction
``M = 1/(x + c_1)``, ``c_k = k/(x + c_{k+1})``: ``R = c_1 M`` and ``R' = −c_1 c_2 M``, which do
not cancel.

Gamma (semi-analytic). ``F_T = b G``, ``G ~ Gamma(a, 1)``, ``a = m²/s²``, ``b = s²/m``,
``x = K/b``; with ``p(a, x) = E[(G − x)^+]``: ``P_b = a Q(a + 1, x)``, ``P_bb = x² f_a(x)/b``
(closed form) and ``P_a = b ∂p/∂a``, ``P_ab``, ``P_aa`` as integrals of the Gamma density times
``ln g − ψ(a)`` (:mod:`.gamma_moments`), on the out-of-the-money side of the strike; then the
chain rule through ``a(m, s)``, ``b(m, s)``.

Gamma-exponential (semi-analytic). ``payer = J_1/λ`` with ``J_j[h] = E[h(G) G^j e^{−λK/G}]``,
``G ~ Gamma(a, 1)``: ``P_λ = −P/λ − K J_0/λ``, ``P_λλ = 2J_1/λ³ + 2K J_0/λ² + K² J_{−1}/λ``,
``P_a = J_1[w]/λ``, ``P_aλ = −J_1[w]/λ² − K J_0[w]/λ``, ``P_aa = J_1[w² − ψ'(a)]/λ``,
``w = ln G − ψ(a)``; then the chain rule through ``a = 2m²/e``, ``λ = 2m/e``, ``e = s² − m²``.
The receiver's derivatives follow from parity (``P_m − 1``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .gamma_moments import graded_nodes, log_gamma_density

__all__ = ["inverse_gaussian", "gamma", "gamma_exponential"]

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
_SQRT_HALF_PI = np.sqrt(0.5 * np.pi)
_CF_TERMS = 80


def _mills_terms(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``M(x) = Φ(−x)/φ(x)``, ``R = 1 − x M`` and ``R' = x − (1 + x²) M`` for ``x > 0``."""
    mills = _SQRT_HALF_PI * special.erfcx(x / np.sqrt(2.0))
    r = 1.0 - x * mills
    dr = x - (1.0 + x * x) * mills
    far = x > 4.0
    if np.any(far):
        xf = x[far]
        c = np.zeros_like(xf)
        c_next = c
        for k in range(_CF_TERMS, 0, -1):   # c_k = k / (x + c_{k+1}), ends with c_1 (and c_2)
            c_next, c = c, k / (xf + c)
        mf = 1.0 / (xf + c)
        r[far] = c * mf
        dr[far] = -c * c_next * mf
        mills[far] = mf
    return mills, r, dr


def inverse_gaussian(m, s, k, kind):
    """``(P_m, P_mm, P_s)`` of the IG law ``IG(m, m³/s²)`` (closed form, module docstring)."""
    u = np.sqrt(m / k) / s
    d1, d2 = u * (k - m), u * (k + m)
    pdf1 = _INV_SQRT_2PI * np.exp(-0.5 * d1 * d1)
    mills, r, dr = _mills_terms(d2)
    e = pdf1 * mills
    g = 4.0 * np.sqrt(m * k) / s * pdf1 * r
    cdf_part = special.ndtr(-d1) if kind == "payer" else -special.ndtr(d1)
    pm = cdf_part + e - g
    ps = (m / s) * g
    d1m, d2m = u * (k - 3.0 * m) / (2.0 * m), u * (k + 3.0 * m) / (2.0 * m)
    sm, sk = np.sqrt(m), np.sqrt(k)
    pmm = pdf1 * (-d1m * (1.0 + d1 * mills) - r * d2m
                  - 4.0 * sk / s * (r / (2.0 * sm) - sm * d1 * d1m * r + sm * dr * d2m))
    return pm, pmm, ps


def gamma(m, s, k, kind):
    """``(P_m, P_mm, P_s)`` of the Gamma law with mean ``m``, st.dev. ``s`` (semi-analytic)."""
    a, b = (m / s) ** 2, s * s / m
    x = k / b
    payer_side = x >= a             # K >= m: the payer is out of the money
    lx = np.log(x)
    hi = np.log(x + 15.0 * np.sqrt(a) + 60.0)
    lo = lx - 15.0 / np.sqrt(a) - 50.0 / a
    # one node set: the payer side integrates [ln x, hi], the receiver side [lo, ln x]
    y, wy = graded_nodes(lx, None, np.where(payer_side, hi, lo))
    dens = np.exp(log_gamma_density(y, a, a, np.zeros_like(a), lx)) * wy
    g = np.exp(y)
    w = y - special.digamma(a)[..., None]
    sign = np.where(payer_side, 1.0, -1.0)[..., None]           # (g − x) or (x − g)
    gap = sign * (g - x[..., None])
    s_w1 = np.sum(gap * w * dens, axis=-1)
    s_gw = np.sum(g * w * dens, axis=-1)
    s_w2 = np.sum(gap * (w * w - special.polygamma(1, a)[..., None]) * dens, axis=-1)
    fx = np.exp(special.xlogy(a - 1.0, x) - x - special.gammaln(a))
    p_a, p_aa = b * s_w1, b * s_w2
    p_ab = np.where(payer_side, s_gw, -s_gw)
    p_b = np.where(payer_side, a * special.gammaincc(a + 1.0, x),
                   -a * special.gammainc(a + 1.0, x))
    p_bb = x * x * fx / b
    a_m, a_mm, a_s = 2.0 * m / s ** 2, 2.0 / s ** 2, -2.0 * m * m / s ** 3
    b_m, b_mm, b_s = -(s / m) ** 2, 2.0 * s * s / m ** 3, 2.0 * s / m
    pm = p_a * a_m + p_b * b_m
    pmm = (p_aa * a_m ** 2 + 2.0 * p_ab * a_m * b_m + p_bb * b_m ** 2 + p_a * a_mm
           + p_b * b_mm)
    ps = p_a * a_s + p_b * b_s
    # the other side by parity: payer − receiver = m − K
    want_payer = kind == "payer"
    pm = pm + np.where(payer_side, 0.0 if want_payer else -1.0, 1.0 if want_payer else 0.0)
    return pm, pmm, ps


def gamma_exponential(m, s, k, kind):
    """``(P_m, P_mm, P_s)`` of the Gamma-exponential law (``s > m``; semi-analytic)."""
    e = s * s - m * m
    a, lam = 2.0 * m * m / e, 2.0 * m / e
    c = lam * k
    peak = np.log(0.5 * ((a + 1.0) + np.sqrt((a + 1.0) ** 2 + 4.0 * c)))
    ep = np.exp(peak)
    curv = ep + c / ep
    lo = np.minimum(np.log(c / 200.0), peak - 15.0 / np.sqrt(curv))
    hi = np.maximum(np.log(ep + 15.0 * np.sqrt(a + 1.0) + 100.0), peak + 15.0 / np.sqrt(curv))
    y, wy = graded_nodes(peak, lo, hi)
    base = log_gamma_density(y, a, a, c, peak)   # g^a e^{-g - c/g}/Γ(a) dy: the J_0 integrand
    dens0 = np.exp(base) * wy
    g = np.exp(y)
    w = y - special.digamma(a)[..., None]
    j1, j0 = np.sum(g * dens0, -1), np.sum(dens0, -1)
    jm1 = np.sum(dens0 / g, -1)
    j1w, j0w = np.sum(g * w * dens0, -1), np.sum(w * dens0, -1)
    j1ww = np.sum(g * (w * w - special.polygamma(1, a)[..., None]) * dens0, -1)
    p = j1 / lam
    p_l = -p / lam - k * j0 / lam
    p_ll = 2.0 * j1 / lam ** 3 + 2.0 * k * j0 / lam ** 2 + k * k * jm1 / lam
    p_a = j1w / lam
    p_al = -j1w / lam ** 2 - k * j0w / lam
    p_aa = j1ww / lam
    a_m = 4.0 * m / e + 4.0 * m ** 3 / e ** 2
    a_mm = 4.0 / e + 20.0 * m * m / e ** 2 + 16.0 * m ** 4 / e ** 3
    a_s = -4.0 * m * m * s / e ** 2
    l_m = 2.0 / e + 4.0 * m * m / e ** 2
    l_mm = 12.0 * m / e ** 2 + 16.0 * m ** 3 / e ** 3
    l_s = -4.0 * m * s / e ** 2
    pm = p_a * a_m + p_l * l_m
    pmm = p_aa * a_m ** 2 + 2.0 * p_al * a_m * l_m + p_ll * l_m ** 2 + p_a * a_mm + p_l * l_mm
    ps = p_a * a_s + p_l * l_s
    if kind == "receiver":
        pm = pm - 1.0
    return pm, pmm, ps
